# Shared by the scripts in this folder (source it; needs python3 and curl).

# start_emulator BIN TOKEN LOGFILE: serves `BIN emulator` on a free loopback
# port in the background; sets $port and $emu_pid, waits until it is healthy.
start_emulator() {
  local bin=$1 token=$2 log=$3
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  "$bin" emulator --listen "127.0.0.1:$port" --token "$token" >"$log" 2>&1 &
  emu_pid=$!
  for _ in $(seq 100); do
    curl -fsS "http://127.0.0.1:$port/_emulator/health" >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  echo "emulator did not start"; cat "$log"; return 1
}
