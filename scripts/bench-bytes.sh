#!/usr/bin/env bash
# Bytes written to the terminal for a one-row change (what an SSH session
# carries): the dashboard (release build) on the Secrets pane at 120x40 in a
# pseudo-terminal, idle; then one secret's tags change on the server and the
# next poll shows it. Prints every frame written after the change with its
# size; no pass/fail. Budget (README, "Performance"): the change's frame
# under 200 bytes.
#
#   scripts/bench-bytes.sh
#   BIN=/path/to/lepdash scripts/bench-bytes.sh
#   SHOW=1 scripts/bench-bytes.sh      # also print each frame's bytes
#
# Needs: cargo, util-linux `script`, curl, python3. Only 127.0.0.1 is contacted.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
source scripts/lib.sh
TOKEN=nvapi-bench-bytes-token-0123456789
if [[ -z "${BIN:-}" ]]; then
  echo "== building (release)"
  cargo build --release --quiet --bin lepdash
  BIN=$PWD/${CARGO_TARGET_DIR:-target}/release/lepdash
fi

tmp=$(mktemp -d)
emu_pid=""
script_pid=""
cleanup() {
  exec 3>&- 2>/dev/null || true
  [ -n "$script_pid" ] && kill "$script_pid" 2>/dev/null || true
  [ -n "$emu_pid" ] && kill "$emu_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

start_emulator "$BIN" "$TOKEN" "$tmp/emulator.log"
BASE=http://127.0.0.1:$port/api/v2/workspaces/demo
mkdir -p "$tmp/home" "$tmp/logs"
: >"$tmp/config.toml"
export HOME=$tmp/home TERM=xterm-256color LANG=C.UTF-8
export LEPTON_CACHE_DIR=$tmp/home/.cache/lepton
export LEPTON_WORKSPACE_ID=demo LEPTON_WORKSPACE_TOKEN=$TOKEN LEPTON_WORKSPACE_URL=$BASE
export LEPDASH_CONFIG=$tmp/config.toml LEPDASH_LOG_DIR=$tmp/logs
unset NO_COLOR LEPDASH_LOG 2>/dev/null || true

mkfifo "$tmp/in"
script -qfec "stty cols 120 rows 40; exec $BIN" "$tmp/out" <"$tmp/in" >/dev/null 2>&1 &
script_pid=$!
exec 3>"$tmp/in"
sleep 2
printf 4 >&3          # the Secrets pane
sleep 12              # every pane's first answer, the changed-marks fade
before=$(stat -c %s "$tmp/out")
# One row changes: HF_TOKEN gets a new tag (its value is rewritten too; the
# value is never shown).
curl -fsS -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d '[{"name":"HF_TOKEN","value":"bench-value","tags":["hf","bench"]}]' \
  "$BASE/usersecrets" >/dev/null
sleep 10              # the next poll (5 s interval) and the mark fading (3 s)
after=$(stat -c %s "$tmp/out")
printf q >&3; exec 3>&-
wait "$script_pid" 2>/dev/null || true; script_pid=""
python3 - "$tmp/out" "$before" "$after" <<'PY'
import os, sys
path, before, after = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
data = open(path, "rb").read()[before:after]
start = b"\x1b[?2026h"
frames = [start + f for f in data.split(start)[1:]]
print(f"after the one-row change: {len(data)} bytes in {len(frames)} frame(s)")
labels = ["the change (row updated, marked)", "the mark fades"]
for i, f in enumerate(frames):
    label = labels[i] if i < len(labels) else "other"
    print(f"  frame {i + 1}: {len(f)} bytes ({label})")
    if os.environ.get("SHOW"):
        print("    " + repr(f)[2:-1])
if frames:
    print(f"one-row change frame: {len(frames[0])} bytes (budget < 200)")
PY
