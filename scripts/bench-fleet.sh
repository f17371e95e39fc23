#!/usr/bin/env bash
# Fleet figures of the dashboard (release build) against a local emulator
# serving N workspaces (default 50), all in a `lep login` record written the
# way `lep login` writes it. Prints figures only; no pass/fail.
#
#   - the request budget computed from the rules (README, "Fleet budget");
#   - start -> every fleet row filled (Status answered with its lists, or
#     failed), measured in-process (budget: within 1 s);
#   - requests per second over a steady-state window, from the emulator's
#     own request counts: all of them, the current workspace's, the fleet's;
#   - resident memory of the dashboard at the end (budget: under 40 MB).
#
#   scripts/bench-fleet.sh                       # 50 workspaces, 120 s window
#   WORKSPACES=20 WINDOW_SECS=60 scripts/bench-fleet.sh
#
# Needs: cargo, util-linux `script` (a pseudo-terminal), curl, python3.
# Linux only (/proc).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

N=${WORKSPACES:-50}
WINDOW_SECS=${WINDOW_SECS:-120}
SETTLE_SECS=${SETTLE_SECS:-5}
FLEET_INTERVAL=${FLEET_INTERVAL:-60}
INTERVAL=${INTERVAL:-5}
COLS=${COLS:-120}
ROWS=${ROWS:-40}
TOKEN=nvapi-bench-fleet-token-0123456789

echo "== building (release)"
cargo build --release --quiet --bin lepdash
BIN=$PWD/target/release/lepdash

tmp=$(mktemp -d)
emu_pid=""
script_pid=""
cleanup() {
  exec 3>&- 2>/dev/null || true
  [ -n "$script_pid" ] && kill "$script_pid" 2>/dev/null || true
  [ -n "$emu_pid" ] && kill "$emu_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  [ -n "${KEEP_LOG:-}" ] && cat "$tmp/emulator.log"
  rm -rf "$tmp"
}
trap cleanup EXIT

# Seed data: N workspaces cycling through the demo ones' situations.
mkdir -p "$tmp/data"
cp assets/demo/templates_public.json "$tmp/data/"
python3 - "$N" "$tmp/data" <<'EOF'
import json, sys
n, out = int(sys.argv[1]), sys.argv[2]
demo = json.load(open("assets/demo/workspaces.json"))
members = json.load(open("assets/demo/members.json"))
owner = demo[0]["owner"]
admin = next(m for m in members["demo"] if m["email"] == owner)
ws, ms = [], {}
for i in range(n):
    base = dict(demo[i % len(demo)])
    wid = f"ws{i + 1:03d}"
    base["id"] = wid
    base["display_name"] = f"{base['display_name']} {i + 1}"
    base["info"] = dict(base["info"], workspace_name=wid)
    ws.append(base)
    ms[wid] = [admin]
json.dump(ws, open(f"{out}/workspaces.json", "w"))
json.dump(ms, open(f"{out}/members.json", "w"))
EOF

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$BIN" emulator --listen "127.0.0.1:$port" --token "$TOKEN" --data "$tmp/data" >"$tmp/emulator.log" 2>&1 &
emu_pid=$!
healthy=""
for _ in $(seq 100); do
  curl -fsS "http://127.0.0.1:$port/_emulator/health" >/dev/null 2>&1 && { healthy=1; break; }
  sleep 0.05
done
if [ -z "$healthy" ]; then
  echo "the emulator did not start:"; cat "$tmp/emulator.log"; exit 1
fi
ORIGIN=http://127.0.0.1:$port

# The login record, as `lep login` writes it (keys sorted), current ws001.
mkdir -p "$tmp/home/.cache/lepton" "$tmp/logs"
python3 - "$N" "$ORIGIN" "$TOKEN" >"$tmp/home/.cache/lepton/workspace_info.yaml" <<'EOF'
import sys
n, origin, token = int(sys.argv[1]), sys.argv[2], sys.argv[3]
print("current_workspace: ws001")
print("workspaces:")
for i in range(n):
    wid = f"ws{i + 1:03d}"
    print(f"  {wid}:")
    print(f"    auth_token: {token}")
    print(f"    display_name: Workspace {i + 1}")
    print(f"    id: {wid}")
    print("    token_expires_at: null")
    print(f"    url: {origin}/api/v2/workspaces/{wid}")
    print("    workspace_origin_url: null")
EOF
printf 'interval = "%ss"\nfleet_interval = "%ss"\n' "$INTERVAL" "$FLEET_INTERVAL" >"$tmp/config.toml"

export HOME=$tmp/home TERM=xterm-256color LANG=C.UTF-8
export LEPTON_CACHE_DIR=$tmp/home/.cache/lepton
export LEPDASH_CONFIG=$tmp/config.toml LEPDASH_LOG_DIR=$tmp/logs
unset LEPTON_WORKSPACE_ID LEPTON_WORKSPACE_TOKEN LEPTON_WORKSPACE_URL NO_COLOR LEPDASH_LOG 2>/dev/null || true

python3 - "$N" "$FLEET_INTERVAL" "$INTERVAL" <<'EOF'
import sys
n, fleet, interval = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
fleet_rps = (n - 1) * 5 / fleet
own_rps = 3 / interval + 4 / 60
print(f"== budget: {n} workspaces, fleet interval {fleet:g} s, interval {interval:g} s")
print(f"fleet: {n - 1} workspaces x 5 requests / {fleet:g} s = {fleet_rps:.2f} req/s (at most 4 at once)")
print(f"current workspace: 3 requests / {interval:g} s + 4 / 60 s = {own_rps:.2f} req/s")
print(f"total budget: {fleet_rps + own_rps:.2f} req/s")
EOF

curl -fsS -X DELETE "$ORIGIN/_emulator/requests" >/dev/null 2>&1 || true
rm -f "$tmp/in"; mkfifo "$tmp/in"
LEPDASH_BENCH_FLEET_FILLED=$tmp/filled script -qfec \
  "stty cols $COLS rows $ROWS; echo \$\$ > $tmp/pid; exec $BIN" \
  "$tmp/out" <"$tmp/in" >/dev/null 2>&1 &
script_pid=$!
exec 3>"$tmp/in"

for _ in $(seq 400); do
  [ -s "$tmp/filled" ] && break
  sleep 0.025
done
if [ -s "$tmp/filled" ]; then
  echo "== start -> every fleet row filled: $(sed -n 's/.*fleet_filled_ms=\([0-9.]*\).*/\1/p' "$tmp/filled") ms for $N workspaces (budget 1000 ms)"
else
  echo "== the fleet rows were not all filled within 10 s"
fi
pid=$(cat "$tmp/pid")
# Lists are asked only after a workspace's Status answered: count them.
curl -fsS "$ORIGIN/_emulator/requests" | python3 -c '
import json, sys
rs = json.load(sys.stdin)["requests"]
ok = {r["workspace"] for r in rs if r["path"] == "/users" and r["method"] == "GET"}
print(f"workspaces answered with their lists by then: {len(ok)} of '"$N"'")'

count() {
  curl -fsS "$ORIGIN/_emulator/requests" | python3 -c '
import json, sys
rs = json.load(sys.stdin)["requests"]
cur = sum(r["count"] for r in rs if r["workspace"] == "ws001")
print(sum(r["count"] for r in rs), cur)'
}
sleep "$SETTLE_SECS"
read -r all0 cur0 < <(count)
echo "== steady state: counting requests for ${WINDOW_SECS} s"
sleep "$WINDOW_SECS"
read -r all1 cur1 < <(count)
rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
python3 - "$all0" "$all1" "$cur0" "$cur1" "$WINDOW_SECS" "$rss" <<'EOF'
import sys
a0, a1, c0, c1, secs, rss = (float(x) for x in sys.argv[1:])
total, cur = (a1 - a0) / secs, (c1 - c0) / secs
print(f"requests per second: {total:.2f} in all; current workspace {cur:.2f}, fleet {total - cur:.2f}")
print(f"resident memory: {rss / 1024:.1f} MB (budget 40 MB)")
EOF
printf q >&3
exec 3>&-
wait "$script_pid" 2>/dev/null || true
script_pid=""
