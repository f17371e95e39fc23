#!/usr/bin/env bash
# Fuzz every decoder and parser of lepdash for a bounded time.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#
# SECONDS_PER_TARGET defaults to 30; TARGETs default to all of them (see
# fuzz/Cargo.toml). Targets run one after the other, each stopped by
# libFuzzer's -max_total_time and, as a safety net, by `timeout`. Prints per
# target the executions and the findings (crash/timeout/oom/leak files written
# to fuzz/artifacts/TARGET during this run), then a total line.
# Exit status: 0 no findings, 1 findings, 2 could not build.
#
# Needs cargo-fuzz (installed here if missing) and a C++ compiler. cargo-fuzz
# passes nightly-only flags (-Zsanitizer, sanitizer coverage); on a stable
# toolchain they are allowed with RUSTC_BOOTSTRAP=1, which this script sets.
# Set FUZZ_SANITIZER=none to build without AddressSanitizer (lepdash forbids
# unsafe code, so ASan mostly guards the dependencies; `none` runs ~2x faster).
#
# Reproduce a finding:
#   RUSTC_BOOTSTRAP=1 cargo fuzz run --fuzz-dir fuzz TARGET fuzz/artifacts/TARGET/crash-…
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

secs=${1:-30}
if ! [[ $secs =~ ^[0-9]+$ ]] || ((secs < 1)); then
    echo "usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]" >&2
    exit 2
fi
shift || true

all_targets=(
    list_member list_token list_secret list_registry list_template
    workspace_info resolver created_token server_message api_error
    login_record config text
)
targets=("$@")
((${#targets[@]})) || targets=("${all_targets[@]}")

dict_for() {
    case $1 in
    login_record) echo yaml ;;
    text) echo json ;;
    config) echo toml ;;
    *) echo json ;;
    esac
}

export RUSTC_BOOTSTRAP=1
sanitizer=${FUZZ_SANITIZER:-address}

if ! command -v cargo-fuzz >/dev/null 2>&1 && ! [[ -x ${CARGO_HOME:-$HOME/.cargo}/bin/cargo-fuzz ]]; then
    echo "== installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

# Fuzz the dependency versions that ship: start from the main crate's lock.
if [[ ! -f fuzz/Cargo.lock || Cargo.lock -nt fuzz/Cargo.lock ]]; then
    cp Cargo.lock fuzz/Cargo.lock
fi

echo "== building ${#targets[@]} fuzz targets (sanitizer: $sanitizer)"
for t in "${targets[@]}"; do
    [[ -f fuzz/fuzz_targets/$t.rs ]] || {
        echo "unknown target $t (known: ${all_targets[*]})" >&2
        exit 2
    }
done
if ! cargo fuzz build --fuzz-dir fuzz --sanitizer "$sanitizer" >fuzz/build.log 2>&1; then
    tail -40 fuzz/build.log >&2
    echo "fuzz build failed (full log: fuzz/build.log)" >&2
    exit 2
fi
triple=$(rustc -vV | sed -n 's/^host: //p')
bindir=fuzz/target/$triple/release

# The login-record target writes its scratch file under TMPDIR; keep it ours.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_odr_violation=0}

total_execs=0
total_findings=0
summary=()
for t in "${targets[@]}"; do
    corpus=fuzz/corpus/$t
    artifacts=fuzz/artifacts/$t
    mkdir -p "$corpus" "$artifacts"
    marker=$scratch/start-$t
    touch "$marker"
    log=$scratch/$t.log
    echo "== $t: ${secs}s"
    # -timeout: an input slower than 10s is a finding, not a hang.
    status=0
    TMPDIR=$scratch timeout --kill-after=10 $((secs + 60)) \
        "$bindir/$t" "$corpus" "fuzz/seeds/$t" \
        -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
        -dict="fuzz/dicts/$(dict_for "$t").dict" -artifact_prefix="$artifacts/" \
        -print_final_stats=1 >"$log" 2>&1 || status=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    if [[ -z $execs ]]; then
        # No final stats (killed): the last status line has the count.
        execs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
    fi
    execs=${execs:-0}
    mapfile -t found < <(find "$artifacts" -type f -newer "$marker" | sort)
    n=${#found[@]}
    if ((status != 0 && n == 0)); then
        # libFuzzer failed without writing an artifact (e.g. killed): still a finding.
        n=1
        found=("exit status $status, see the log below")
    fi
    line=$(printf '%-15s executions %12d   findings %d' "$t" "$execs" "$n")
    echo "$line"
    summary+=("$line")
    if ((n)); then
        printf '    %s\n' "${found[@]}"
        grep -E 'ERROR: libFuzzer|panicked at|SUMMARY' "$log" | head -5 | sed 's/^/    /' || true
        cp "$log" "$artifacts/last-run.log"
        echo "    log: $artifacts/last-run.log"
    fi
    total_execs=$((total_execs + execs))
    total_findings=$((total_findings + n))
done

echo "== summary (${secs}s per target)"
printf '%s\n' "${summary[@]}"
echo "total: ${#targets[@]} targets, $total_execs executions, $total_findings findings"
((total_findings == 0)) || exit 1
