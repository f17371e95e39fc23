#!/usr/bin/env bash
# Headless speed against the same local emulator, side by side in one run:
#   lepdash get all          one process, every kind fetched concurrently
#   lepdash get status       one process, one kind (the cost of a single read)
#   lep                      `workspace status`, `secret list`, `template list` (3 processes)
# Prints medians and the ratio; no pass/fail. Budgets (README, "Performance"):
# `get all` >= 200x faster than the three lep commands; a single get < 8 ms.
#
#   scripts/bench-get.sh            # 10 rounds
#   ROUNDS=20 scripts/bench-get.sh
#   BIN=/path/to/lepdash scripts/bench-get.sh   # measure another build (no `get all`: six gets)
#   SIX=1 scripts/bench-get.sh                  # six `get KIND` processes instead of `get all`
#
# Needs the lep venv that tests/lep-compat.sh installs (target/lep-venv); it
# installs it the same way when missing. Only 127.0.0.1 is contacted.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
source scripts/lib.sh
ROOT=$PWD
ROUNDS=${ROUNDS:-10}
TOKEN=nvapi-bench-get-token-0123456789
VENV="$ROOT/target/lep-venv"
LEP="$VENV/bin/lep"

if [[ ! -x "$LEP" ]]; then
  echo "== installing leptonai==0.47.1 into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "leptonai==0.47.1"
fi
if [[ -z "${BIN:-}" ]]; then
  echo "== building (release)"
  cargo build --release --quiet --bin lepdash
  BIN=$ROOT/${CARGO_TARGET_DIR:-target}/release/lepdash
fi

tmp=$(mktemp -d)
emu_pid=""
cleanup() {
  [ -n "$emu_pid" ] && kill "$emu_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

start_emulator "$BIN" "$TOKEN" "$tmp/emulator.log"
BASE=http://127.0.0.1:$port/api/v2/workspaces/demo

export HOME=$tmp/home LEPTON_CACHE_DIR=$tmp/home/.cache/lepton LEPDASH_LOG_DIR=$tmp/logs
export NO_PROXY=127.0.0.1 no_proxy=127.0.0.1
export LEPTON_WORKSPACE_URL=$BASE LEPTON_WORKSPACE_TOKEN=$TOKEN
mkdir -p "$LEPTON_CACHE_DIR"
date +%s >"$LEPTON_CACHE_DIR/latest_version_check"
"$LEP" login -c "demo:$TOKEN" -u "$BASE" >/dev/null 2>&1

if [[ -z "${SIX:-}" ]] && "$BIN" get all -o json >/dev/null 2>&1; then
  all() { "$BIN" get all -o json >/dev/null; }
  all_label="lepdash get all (1 process)"
else
  all() { for k in status members tokens secrets registries templates; do "$BIN" get "$k" -o json >/dev/null; done; }
  all_label="lepdash get x6 (6 processes)"
fi
one() { "$BIN" get status -o json >/dev/null; }
lep3() { "$LEP" workspace status >/dev/null; "$LEP" secret list >/dev/null; "$LEP" template list >/dev/null; }

# us CMD: microseconds CMD took (bash's clock, no extra process).
us() {
  local t0=$EPOCHREALTIME
  "$@"
  local t1=$EPOCHREALTIME
  echo $(( (${t1/./} - ${t0/./}) ))
}

all; one; lep3 # warm caches
a=(); o=(); l=()
for i in $(seq "$ROUNDS"); do
  a+=("$(us all)"); o+=("$(us one)"); l+=("$(us lep3)")
  printf 'round %2d: %s %7.2f ms   lepdash get status %6.2f ms   lep 3 commands %8.1f ms\n' \
    "$i" "$all_label" "$(bc -l <<<"${a[-1]}/1000")" "$(bc -l <<<"${o[-1]}/1000")" "$(bc -l <<<"${l[-1]}/1000")"
done
python3 - "$all_label" "${a[*]}" "${o[*]}" "${l[*]}" <<'PY'
import statistics, sys
label = sys.argv[1]
a, o, l = ([int(x) / 1000 for x in s.split()] for s in sys.argv[2:5])
ma, mo, ml = (statistics.median(v) for v in (a, o, l))
print(f"median: {label} {ma:.2f} ms; lepdash get status {mo:.2f} ms (budget < 8 ms); "
      f"lep status + secrets + templates {ml:.0f} ms")
print(f"{label} is {ml / ma:.0f}x faster than the three lep commands (budget: >= 200x)")
PY
