#!/usr/bin/env bash
# Launch and idle figures of the dashboard against a local emulator (release
# build). Prints figures only; no pass/fail. Budgets (README, "Performance"): first frame
# with data under 100 ms after launch; idle with nothing changing: no frame
# written, CPU under 0.5 % of a core at a 5 s interval.
#
#   scripts/bench.sh                 # 10 launches, 30 s idle
#   RUNS=3 IDLE_SECS=10 scripts/bench.sh
#
# Needs: cargo, util-linux `script` (for a pseudo-terminal), curl, python3
# (to pick a free port). Linux only (/proc).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

RUNS=${RUNS:-10}
IDLE_SECS=${IDLE_SECS:-30}
COLS=${COLS:-120}
ROWS=${ROWS:-40}
TOKEN=nvapi-bench-token-0123456789

echo "== building (release)"
cargo build --release --quiet --bin lepdash
BIN=$PWD/target/release/lepdash

tmp=$(mktemp -d)
emu_pid=""
cleanup() {
  exec 3>&- 2>/dev/null || true
  [ -n "$emu_pid" ] && kill "$emu_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

start_emulator "$BIN" "$TOKEN" "$tmp/emulator.log"

mkdir -p "$tmp/home" "$tmp/logs"
: >"$tmp/config.toml"
export HOME=$tmp/home TERM=xterm-256color LANG=C.UTF-8
export LEPTON_CACHE_DIR=$tmp/home/.cache/lepton
export LEPTON_WORKSPACE_ID=demo LEPTON_WORKSPACE_TOKEN=$TOKEN
export LEPTON_WORKSPACE_URL=http://127.0.0.1:$port/api/v2/workspaces/demo
export LEPDASH_CONFIG=$tmp/config.toml LEPDASH_LOG_DIR=$tmp/logs
unset NO_COLOR LEPDASH_LOG 2>/dev/null || true

# start N: runs the dashboard in a pty (script(1)) fed from a fifo on fd 3.
# Files: $tmp/t0.N (launch, epoch ns), $tmp/pid.N, $tmp/out.N (all output),
# $tmp/ff.N (first frame with data, written by lepdash).
start() {
  local n=$1
  rm -f "$tmp/in.$n"; mkfifo "$tmp/in.$n"
  LEPDASH_BENCH_FIRST_FRAME=$tmp/ff.$n script -qfec \
    "stty cols $COLS rows $ROWS; echo \$\$ > $tmp/pid.$n; date +%s%N > $tmp/t0.$n; exec $BIN" \
    "$tmp/out.$n" <"$tmp/in.$n" >/dev/null 2>&1 &
  script_pid=$!
  exec 3>"$tmp/in.$n"
}

wait_first_frame() {
  local n=$1
  for _ in $(seq 400); do
    [ -s "$tmp/ff.$n" ] && return 0
    sleep 0.025
  done
  echo "run $n: no first frame with data within 10 s" >&2
  return 1
}

stop() {
  printf q >&3
  exec 3>&-
  wait "$script_pid" 2>/dev/null || true
}

echo "== launch -> first frame with data ($RUNS runs, ${COLS}x${ROWS})"
results=()
for n in $(seq "$RUNS"); do
  start "$n"
  if wait_first_frame "$n"; then
    t0=$(cat "$tmp/t0.$n")
    ff=$(sed -n 's/.*first_frame_epoch_ns=\([0-9]*\).*/\1/p' "$tmp/ff.$n" | head -1)
    inproc=$(sed -n 's/.*since_start_ms=\([0-9.]*\).*/\1/p' "$tmp/ff.$n" | head -1)
    ms=$(python3 -c "print(f'{($ff - $t0) / 1e6:.1f}')")
    results+=("$ms")
    echo "run $n: ${ms} ms after exec (in-process since dashboard start: ${inproc} ms)"
  fi
  stop
done
if [ ${#results[@]} -gt 0 ]; then
  python3 - "${results[@]}" <<'EOF'
import statistics, sys
v = sorted(float(x) for x in sys.argv[1:])
print(f"first frame with data: min {v[0]:.1f} ms, median {statistics.median(v):.1f} ms, max {v[-1]:.1f} ms (budget 100 ms)")
EOF
fi

echo "== idle ${IDLE_SECS} s with nothing changing (interval 5 s)"
n=idle
start "$n"
wait_first_frame "$n"
sleep 3   # let start-up fetches of hidden panes land
pid=$(cat "$tmp/pid.$n")
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
bytes0=$(stat -c %s "$tmp/out.$n")
cpu0=$(ticks)
sleep "$IDLE_SECS"
cpu1=$(ticks)
bytes1=$(stat -c %s "$tmp/out.$n")
rss=$(awk '/VmRSS/ {print $2, $3}' "/proc/$pid/status")
hz=$(getconf CLK_TCK)
frames=$(tail -c +$((bytes0 + 1)) "$tmp/out.$n" | grep -a -o $'\e\\[?2026h' | wc -l || true)
stop
python3 - "$cpu0" "$cpu1" "$hz" "$IDLE_SECS" <<'EOF'
import sys
c0, c1, hz, secs = (float(x) for x in sys.argv[1:])
print(f"idle CPU: {(c1 - c0) / hz / secs * 100:.2f} % of a core (budget 0.5 %)")
EOF
echo "output before idling: $bytes0 bytes; idle output: $((bytes1 - bytes0)) bytes, $frames frame(s) written (budget: none)"
echo "resident memory after idle: $rss"
