#!/usr/bin/env bash
# Keypress-to-screen latency of the dashboard while the API misbehaves, as
# measured by the PTY tests of tests/fault_matrix.rs:
#   - every request hangs for 30 s (hang=30s): 19 keys (pane switches, `/`,
#     filter typing), each timed from the key's write to the screen showing
#     its effect (polled every millisecond);
#   - a 100,000-item secrets list polled every second: moving, jumping,
#     filtering.
# Prints figures only (median and maximum, in ms); the tests themselves assert
# ordering, not speed.
#
#   scripts/fault-latency.sh            # the release build (what users run)
#   PROFILE=debug scripts/fault-latency.sh
set -euo pipefail
cd "$(dirname "$0")/.."

PROFILE=${PROFILE:-release}
if [ "$PROFILE" = release ]; then
  echo "== building (release)"
  cargo build --release --quiet --bin lepdash
  export LEPDASH_E2E_BIN=$PWD/target/release/lepdash
else
  unset LEPDASH_E2E_BIN
fi

echo "== running the PTY fault tests (one at a time)"
out=$(CI=true cargo test --quiet --test fault_matrix -- \
  pty_keys_work_while_the_api_hangs pty_hundred_thousand_secrets_stay_responsive \
  --nocapture --test-threads=1 2>&1) || { echo "$out"; exit 1; }
echo "$out" | grep -o 'FIGURE .*' | sed 's/^FIGURE /  /'
