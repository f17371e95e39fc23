#!/usr/bin/env bash
# Resident memory of the dashboard with big lists (release build, local
# emulator, the real binary in a pseudo-terminal). Prints figures only; no
# pass/fail. Budgets (README, "Performance"): <= 40 MB with 10,000 items in
# every list (every pane visited), <= 120 MB with 100,000 secrets.
#
#   scripts/bench-memory.sh
#   BIN=/path/to/lepdash scripts/bench-memory.sh     # measure another build
#   CASES="10000:all 100000:secrets" scripts/bench-memory.sh
#   CASES="10000:registries" SMAPS=1 scripts/bench-memory.sh  # one kind; top mappings
#
# Each case: `lepdash emulator --fault big-lists=N[,only=PATH]`, the
# dashboard at 120x40, every pane visited (digits 1-6, 4 s each), then 12 s
# more so hidden panes land too; RSS (VmRSS) and its peak (VmHWM) read from
# /proc, and the CPU used over IDLE_SECS more of idling (the visible pane
# polled every 5 s, nothing changing). Cases N:WHICH: "core" adds N to members,
# tokens, secrets, registries and each template side (6N rows: the budget's
# case); "all" adds N to every list the emulator serves, the workload lists
# (endpoints, jobs, pods, node groups, each group's nodes) too, counted as 6N;
# "members", "tokens", "secrets", "registries", "templates" one kind each.
# "per row" = (RSS - RSS with no big lists) / rows added.
# Needs: cargo, util-linux `script`, curl, python3. Linux only (/proc).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

CASES=${CASES:-"0:all 10000:core 10000:all 10000:secrets 100000:secrets"}
IDLE_SECS=${IDLE_SECS:-30}
TOKEN=nvapi-bench-memory-token-0123456789
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

mkdir -p "$tmp/home" "$tmp/logs"
: >"$tmp/config.toml"
export HOME=$tmp/home TERM=xterm-256color LANG=C.UTF-8
unset XDG_STATE_HOME XDG_DATA_HOME XDG_CONFIG_HOME XDG_CACHE_HOME 2>/dev/null || true
export LEPTON_CACHE_DIR=$tmp/home/.cache/lepton
export LEPDASH_CONFIG=$tmp/config.toml LEPDASH_LOG_DIR=$tmp/logs
unset NO_COLOR LEPDASH_LOG 2>/dev/null || true

# measure N WHICH: prints "rss_kb hwm_kb rows"
measure() {
  local n=$1 which=$2 fault rows panes
  # Each case in a home of its own: no snapshot saved by an earlier case,
  # so a case never starts with thousands of "added while away" events.
  export HOME=$tmp/home-$n-$which
  export LEPTON_CACHE_DIR=$HOME/.cache/lepton
  mkdir -p "$HOME"
  case "$which" in
    all) fault="big-lists=$n"; rows=$((n * 6)); panes="2 3 4 5 6 4" ;;
    # The five kinds of the first budget only (members, tokens, secrets,
    # registries, both template sides): `all` also fills the workload lists.
    core) fault="big-lists=$n,only=/users|/tokens|/usersecrets|/imagepullsecrets|/templates"
      rows=$((n * 6)); panes="2 3 4 5 6 4" ;;
    secrets) fault="big-lists=$n,only=/usersecrets"; rows=$n; panes="4" ;;
    members) fault="big-lists=$n,only=/users"; rows=$n; panes="2" ;;
    tokens) fault="big-lists=$n,only=/tokens"; rows=$n; panes="3" ;;
    registries) fault="big-lists=$n,only=/imagepullsecrets"; rows=$n; panes="5" ;;
    templates) fault="big-lists=$n,only=/templates"; rows=$((n * 2)); panes="6" ;;
  esac
  [ "$n" = 0 ] && fault=none
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  "$BIN" emulator --listen "127.0.0.1:$port" --token "$TOKEN" --fault "$fault" >"$tmp/emu.log" 2>&1 &
  emu_pid=$!
  for _ in $(seq 100); do
    curl -fsS "http://127.0.0.1:$port/_emulator/health" >/dev/null 2>&1 && break
    sleep 0.05
  done
  rm -f "$tmp/in"; mkfifo "$tmp/in"
  LEPTON_WORKSPACE_ID=demo LEPTON_WORKSPACE_TOKEN=$TOKEN \
  LEPTON_WORKSPACE_URL=http://127.0.0.1:$port/api/v2/workspaces/demo \
    script -qfec "stty cols 120 rows 40; echo \$\$ > $tmp/pid; exec $BIN" /dev/null \
    <"$tmp/in" >/dev/null 2>&1 &
  script_pid=$!
  exec 3>"$tmp/in"
  sleep 3
  for p in $panes; do printf '%s' "$p" >&3; sleep 4; done
  sleep 12
  local pid; pid=$(cat "$tmp/pid")
  local rss hwm c0 c1
  c0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  sleep "$IDLE_SECS"
  c1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  if [ -n "${SMAPS:-}" ]; then
    # Where the resident memory is: the biggest mappings (to stderr).
    awk '/^[0-9a-f]+-[0-9a-f]+ / {m=$6; if (m=="") m="[anon]"} /^Rss:/ {r[m]+=$2} END {for (k in r) printf "%8d kB %s\n", r[k], k}' \
      "/proc/$pid/smaps" | sort -rn | head -8 >&2
  fi
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
  hwm=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
  printf q >&3; exec 3>&-
  wait "$script_pid" 2>/dev/null || true; script_pid=""
  kill "$emu_pid" 2>/dev/null || true; wait "$emu_pid" 2>/dev/null || true; emu_pid=""
  echo "$rss $hwm $rows $((c1 - c0))"
}

echo "== resident memory ($BIN)"
base_rss=""
for c in $CASES; do
  n=${c%%:*}; which=${c##*:}
  read -r rss hwm rows ticks < <(measure "$n" "$which")
  [ "$n" = 0 ] && base_rss=$rss
  label="$n items in every list (every pane visited)"
  [ "$which" != all ] && label="$n $which"
  [ "$which" = core ] && label="$n items in each of members, tokens, secrets, registries, templates"
  [ "$which" = templates ] && label="$n templates on each side"
  [ "$n" = 0 ] && label="demo data only"
  per=""
  if [ -n "$base_rss" ] && [ "$rows" -gt 0 ] && [ "$n" != 0 ]; then
    per=$(python3 -c "print(f', {($rss - $base_rss) * 1024 / $rows:.0f} bytes per row above the demo-data figure')")
  fi
  cpu=$(python3 -c "print(f'{$ticks / $(getconf CLK_TCK) / $IDLE_SECS * 100:.2f}')")
  python3 -c "print(f'$label: RSS {$rss/1024:.1f} MB (peak {$hwm/1024:.1f} MB)$per; idle CPU over ${IDLE_SECS} s at a 5 s interval: $cpu % of a core')"
done
