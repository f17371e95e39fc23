#!/usr/bin/env bash
# Peak memory (RSS high-water mark) of lepdash against a hostile server that
# answers every request with 1 GiB: `lepdash get secrets` and the dashboard
# (in a pseudo-terminal via script(1), polling for a few seconds). Two
# shapes of the answer: with a Content-Length (refused before reading) and
# without one (read until the cap, then dropped). Prints the figures; no
# pass/fail (the budget is 100 MB each).
#
#   scripts/bench-hostile-memory.sh                 # release build
#   BIN=target/debug/lepdash scripts/bench-hostile-memory.sh
#   DASH_SECS=8 scripts/bench-hostile-memory.sh
#
# Only 127.0.0.1 is contacted. Needs python3, /usr/bin/time (GNU), script
# and pgrep.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DASH_SECS=${DASH_SECS:-6}
if [[ -z ${BIN:-} ]]; then
  echo "== building (release)"
  cargo build --release --quiet --bin lepdash
  BIN=$ROOT/target/release/lepdash
fi
BIN=$(realpath "$BIN")
WORK=$(mktemp -d)
SERVER_PID=
cleanup() {
  [[ -n $SERVER_PID ]] && kill "$SERVER_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# A server answering every request with 1 GiB of a JSON array; with or
# without Content-Length depending on the path's query (?len=1).
cat >"$WORK/server.py" <<'PY'
import http.server, socketserver, sys
GIB = 1024 ** 3
CHUNK = b" " * (1 << 20)
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def do_GET(self):
        with_len = sys.argv[2] == "len"
        self.send_response(200)
        self.send_header("content-type", "application/json")
        if with_len:
            self.send_header("content-length", str(GIB))
        else:
            self.send_header("connection", "close")
        self.end_headers()
        try:
            self.wfile.write(b"[")
            sent = 1
            while sent < GIB:
                self.wfile.write(CHUNK)
                sent += len(CHUNK)
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.close_connection = True
class S(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
S(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$WORK/home/logs" "$WORK/home/lepton"
env_for() {
  env -i HOME="$WORK/home" PATH="$PATH" TERM=xterm-256color LANG=C.UTF-8 \
    LEPTON_CACHE_DIR="$WORK/home/lepton" LEPDASH_LOG_DIR="$WORK/home/logs" \
    LEPDASH_CONFIG="$WORK/home/config.toml" \
    LEPTON_WORKSPACE_ID=ws1 LEPTON_WORKSPACE_TOKEN=nvapi-bench-hostile-token-0123456789 \
    LEPTON_WORKSPACE_URL="http://127.0.0.1:$port/api/v2/workspaces/ws1" "$@"
}
: >"$WORK/home/config.toml"

rss_of() { sed -n 's/^\s*Maximum resident set size (kbytes): //p' "$1"; }

for shape in len nolen; do
  python3 "$WORK/server.py" "$port" "$shape" &
  SERVER_PID=$!
  for _ in $(seq 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
  done

  env_for /usr/bin/time -v -o "$WORK/get.time" "$BIN" get secrets >/dev/null 2>"$WORK/get.err" || true
  get_kb=$(rss_of "$WORK/get.time")
  echo "get secrets, 1 GiB answer ($shape): peak RSS $((get_kb / 1024)) MiB — $(head -c 200 "$WORK/get.err")"

  # The dashboard in a pseudo-terminal for DASH_SECS seconds (it polls
  # every second); its VmHWM is read from /proc while it runs.
  (sleep $((DASH_SECS + 5)) | env_for script -qec "exec '$BIN' --interval 1s" /dev/null >/dev/null 2>&1) &
  runner=$!
  sleep "$DASH_SECS"
  dash_pid=$(pgrep -n -x lepdash -P "$(pgrep -n -x script -P "$runner" || pgrep -n -x script)" || true)
  dash_kb=0
  if [[ -n $dash_pid ]]; then
    dash_kb=$(awk '/^VmHWM:/{print $2}' "/proc/$dash_pid/status" 2>/dev/null || echo 0)
    kill "$dash_pid" 2>/dev/null || true
  fi
  wait "$runner" 2>/dev/null || true
  echo "dashboard ${DASH_SECS}s, 1 GiB answers ($shape): peak RSS $((dash_kb / 1024)) MiB${dash_pid:+ (pid $dash_pid)}"

  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=
done
echo "budget: 100 MiB each"
