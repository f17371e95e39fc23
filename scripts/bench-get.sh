#!/usr/bin/env bash
# Headless speed against the same local emulator (budgets: README, "Performance"): one process per
# command in both cases —
#   lepdash: `get` of all six resources (6 processes)
#   lep:     `workspace status`, `secret list`, `template list` (3 processes)
# Prints the figures and the ratio; no pass/fail. Budget: lepdash >= 50x faster.
#
#   scripts/bench-get.sh            # 5 rounds
#   ROUNDS=10 scripts/bench-get.sh
#
# Needs the lep venv that tests/lep-compat.sh installs (target/lep-venv); it
# installs it the same way when missing. Only 127.0.0.1 is contacted.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
source scripts/lib.sh
ROOT=$PWD
ROUNDS=${ROUNDS:-5}
TOKEN=nvapi-bench-get-token-0123456789
VENV="$ROOT/target/lep-venv"
LEP="$VENV/bin/lep"

if [[ ! -x "$LEP" ]]; then
  echo "== installing leptonai==0.47.1 into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "leptonai==0.47.1"
fi
echo "== building (release)"
cargo build --release --quiet --bin lepdash
BIN=$ROOT/target/release/lepdash

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
mkdir -p "$LEPTON_CACHE_DIR"
date +%s >"$LEPTON_CACHE_DIR/latest_version_check"
"$LEP" login -c "demo:$TOKEN" -u "$BASE" >/dev/null 2>&1

now_ns() { date +%s%N; }

lepdash_round() {
  for kind in status members tokens secrets registries templates; do
    LEPTON_WORKSPACE_URL=$BASE LEPTON_WORKSPACE_TOKEN=$TOKEN "$BIN" get "$kind" -o json >/dev/null
  done
}
lep_round() {
  "$LEP" workspace status >/dev/null
  "$LEP" secret list >/dev/null
  "$LEP" template list >/dev/null
}

lepdash_round; lep_round # warm caches
total_d=0; total_l=0
for i in $(seq "$ROUNDS"); do
  t0=$(now_ns); lepdash_round; t1=$(now_ns); lep_round; t2=$(now_ns)
  d=$(( (t1 - t0) / 1000000 )); l=$(( (t2 - t1) / 1000000 ))
  total_d=$((total_d + d)); total_l=$((total_l + l))
  printf 'round %d: lepdash 6 gets %5d ms   lep 3 commands %6d ms\n' "$i" "$d" "$l"
done
avg_d=$((total_d / ROUNDS)); avg_l=$((total_l / ROUNDS))
ratio=$(python3 -c "print(f'{$avg_l / max($avg_d, 1):.0f}')")
echo "mean: lepdash ${avg_d} ms for six resources; lep ${avg_l} ms for three; lepdash is ${ratio}x faster (budget: 50x)"
