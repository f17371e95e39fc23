#!/usr/bin/env bash
# Wire compatibility of the emulator with the official `lep` CLI
# (leptonai==0.47.1): what `lep login`, `lep workspace status`, `lep secret`,
# `lep template`, `lep endpoint`, `lep job`, `lep pod` and `lep node` send and
# expect (both workload route families).
#
# - installs leptonai into target/lep-venv once (≈25-45 s, ≈420 MB; cached);
# - builds and starts `lepdash emulator` on a free 127.0.0.1 port;
# - runs real `lep` commands against it and asserts output and exit codes;
# - talks to 127.0.0.1 only: the PyPI version check is pre-empted by
#   $LEPTON_CACHE_DIR/latest_version_check and proxies are bypassed.
#
# Usage: tests/lep-compat.sh        (from anywhere; exit code 0 = all passed)
set -euo pipefail

LEP_VERSION=0.47.1
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/target/lep-venv"
LEP="$VENV/bin/lep"
T_START=$SECONDS

# ------------------------------------------------------------------ setup
if [[ ! -x "$LEP" ]] || ! "$VENV/bin/python" -c \
    "import importlib.metadata as m, sys; sys.exit(m.version('leptonai') != '$LEP_VERSION')" 2>/dev/null; then
    echo "== installing leptonai==$LEP_VERSION into $VENV (cached for next runs)"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "leptonai==$LEP_VERSION"
fi
T_VENV=$SECONDS

echo "== building lepdash"
(cd "$ROOT" && cargo build --quiet --bin lepdash)
T_BUILD=$SECONDS

WORK="$(mktemp -d)"
EMU_PID=""
cleanup() {
    if [[ -n "$EMU_PID" ]]; then
        kill "$EMU_PID" 2>/dev/null || true
        wait "$EMU_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

# Only ever 127.0.0.1: no proxies, no inherited workspace settings.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost
unset LEPTON_WORKSPACE_ID LEPTON_WORKSPACE_TOKEN LEPTON_WORKSPACE_URL \
    LEPTON_WORKSPACE_ORIGIN_URL LEPTON_DEBUG_HEADERS
export LEPTON_CACHE_DIR="$WORK/lepton"
mkdir -p "$LEPTON_CACHE_DIR"
date +%s >"$LEPTON_CACHE_DIR/latest_version_check"
export COLUMNS=200 NO_COLOR=1 TERM=dumb

PY="$VENV/bin/python"
PORT="$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
TOKEN="nvapi-$("$PY" -c 'import secrets, string; a=string.ascii_letters+string.digits; print("".join(secrets.choice(a) for _ in range(40)))')"
ORIGIN="http://127.0.0.1:$PORT"
BASE="$ORIGIN/api/v2/workspaces/demo"
EARLY="$ORIGIN/api/v2/workspaces/early"

"$ROOT/target/debug/lepdash" emulator --listen "127.0.0.1:$PORT" --token "$TOKEN" \
    >"$WORK/emulator.log" 2>&1 &
EMU_PID=$!
for _ in $(seq 1 100); do
    if curl -fsS "$ORIGIN/_emulator/health" >/dev/null 2>&1; then break; fi
    if ! kill -0 "$EMU_PID" 2>/dev/null; then
        echo "emulator exited:"; cat "$WORK/emulator.log"; exit 1
    fi
    sleep 0.1
done
curl -fsS "$ORIGIN/_emulator/health" >/dev/null
T_READY=$SECONDS

# ------------------------------------------------------------------ helpers
PASS=0
FAIL=0
ALL_OUT="$WORK/all-output.txt"
: >"$ALL_OUT"
OUT=""
RC=0

# run CMD...: run a command, keep its combined output in $OUT and exit code in $RC.
run() {
    set +e
    OUT="$("$@" 2>&1)"
    RC=$?
    set -e
    printf '$ %s\n%s\n' "$*" "$OUT" >>"$ALL_OUT"
}

ok() { PASS=$((PASS + 1)); echo "ok   - $1"; }
bad() {
    FAIL=$((FAIL + 1))
    echo "FAIL - $1"
    printf '%s\n' "$OUT" | sed 's/^/       | /' | head -40
}

# expect NAME RC [REGEX...] / refute NAME REGEX: assertions on the last run.
expect() {
    local name="$1" want_rc="$2"
    shift 2
    if [[ "$RC" != "$want_rc" ]]; then
        bad "$name (exit $RC, wanted $want_rc)"
        return
    fi
    local re
    for re in "$@"; do
        if ! grep -Eq -- "$re" <<<"$OUT"; then
            bad "$name (no line matches /$re/)"
            return
        fi
    done
    ok "$name"
}
refute() {
    if grep -Eq -- "$2" <<<"$OUT"; then bad "$1 (unexpected /$2/)"; else ok "$1"; fi
}

api() { curl -sS -H "Authorization: Bearer $TOKEN" "$@"; }

# ------------------------------------------------------------------ lep
run "$LEP" login -c "demo:$TOKEN" -u "$BASE"
expect "lep login (demo)" 0 'Workspace: demo' 'Tier: enterprise' 'Version: 1\.31\.4'
refute "lep login prints no token-expiry warning" 'expire'

YAML="$LEPTON_CACHE_DIR/workspace_info.yaml"
OUT="$(cat "$YAML")"
RC=0
expect "login record written" 0 '^current_workspace: demo$' 'display_name: Demo Workspace' \
    'token_expires_at: [0-9]{13}$' "url: $BASE\$"

run "$LEP" workspace status
expect "lep workspace status" 0 '^id: +demo$' '^state: +(WorkspaceState\.Normal|normal)$' \
    '^tier: +enterprise$' '^version: +1\.31\.4$' '^disk usage: +384\.0GiB$' \
    '^deployments: +6$' '^jobs: +14$' '^secrets: +26$' 'cpu \(cores\) +│ 512\.0 +│ 226\.5' \
    'memory \(MiB\) +│ 4194304 +│ 1835008'
refute "status has no programming error" 'rror|Traceback'

run "$LEP" secret list
expect "lep secret list" 0 'Secrets' 'Name +┃ Tags +┃ Owner +┃ Visibility' \
    '│ HF_TOKEN +│ huggingface,llm +│ alex\.rivera@example\.com +│ public' \
    '│ OPENAI_API_KEY +│.*│ private'

run "$LEP" secret create -n A -v x
expect "lep secret create -n A" 0 '^Secret created successfully: A\.$'

run "$LEP" secret create -n B -v y -n C -v z
expect "lep secret create -n B -n C (one POST)" 0 '^Secret created successfully: B, C\.$'

run "$LEP" secret create -n A -v again
expect "duplicate secret refused client-side" 1 'Secret with name A already exists'

run "$LEP" secret list
expect "new secrets listed" 0 '│ A +│' '│ B +│' '│ C +│' '│ A +│ +│ alex\.rivera@example\.com +│ private'

run "$LEP" secret remove -n A
expect "lep secret remove -n A" 0 '^Secret A deleted successfully\.$'

run "$LEP" secret remove -n A
expect "removing a missing secret: warning, exit 0" 0 'Secret A does not exist\.'

run "$LEP" secret create -n LEPTON_FOO -v x
expect "server rejects lepton_ prefix (400 ValidationError)" 1 '400' 'ValidationError'

run "$LEP" secret create -n LEPTON_WORKSPACE_ID -v x
expect "CLI rejects reserved name before any request" 1 'reserved secret name'

run api "$BASE/usersecrets"
expect "raw list: B and C present, A gone" 0 '"name":"B"' '"name":"C"'
refute "raw list has no value fields" '"value"|"name":"A"'

run "$LEP" template list
expect "lep template list" 0 'Templates' '│ MPI +│ job +│' '│ mpi +│' '│ torchrun +│' \
    '│ vLLM OpenAI-compatible server +│ endpoint +│' '│ JupyterLab +│ pod +│' \
    '│ llama-sft-lora +│'

run "$LEP" template list --public
expect "lep template list --public" 0 '│ mpi +│'
refute "--public hides private templates" 'llama-sft-lora'

run "$LEP" template get -i torchrun
expect "lep template get -i torchrun" 0 '"id_": "torchrun"' '"workload_type": "job"'

# ------------------------------------------------------------------ workloads (demo: legacy /deployments)
run api "$BASE/workspace"
expect "integers are integers: memory has no fraction" 0 '"memory":4194304[,}]' '"memory":8192[,}]'
refute "no float memory in /workspace" '"memory":[0-9]+\.[0-9]'

run curl -sS -X PUT -H "Authorization: Bearer $TOKEN" "$BASE/jobs"
expect "405 answers {code, message}" 0 '"code":"MethodNotAllowed"' '"message":"method PUT is not allowed on /jobs"'

run "$LEP" endpoint list
expect "lep endpoint list (legacy)" 0 'Endpoints' '│ llama-70b-chat +│.*│ Ready +│ alex\.rivera@example\.com +│ ng-h100-a +│ 1 +│ gpu\.8xh100-sxm' \
    '│ vllm-qwen-coder +│.*│ Scaling +│' '│ rerank-mistral +│.*│ Not Ready +│' '│ triton-ensemble +│.*│ Error +│' \
    'above 6 endpoints'
refute "endpoint list shows no pods" 'dev-marcus'

run "$LEP" endpoint status -n triton-ensemble
expect "lep endpoint status -n triton-ensemble" 0 'State: +LeptonDeploymentState\.Error' 'Replicas: +1-2' \
    'triton-ensemble-7f9c-0 +│ ReplicaReadinessReason\.ConfigError' '0 out of 1 replicas ready' 'Error \(1\)'

run "$LEP" job list
expect "lep job list (paged until an empty page)" 0 '│ llama-sft-lora-7 +│.*│ Queueing +│ marcus\.chen@example\.com +│ ng-h100-a +│ 2 +│ gpu\.8xh100-sxm' \
    '│ pretrain-moe-1b +│.*│ Running +│' '│ distill-student +│.*│ PendingRetry +│' '│ ft-whisper-de +│.*│ Completed +│' \
    '│ quantize-awq +│.*│ Failed +│' '│ synthetic-data-gen +│.*│ Stopped +│' 'above 14 jobs'

run api "$BASE/jobs?job_query_mode=alive_only&page=2&page_size=500"
expect "a page past the end is an empty wrapper" 0 '^\{"jobs":\[\]\}$'

run "$LEP" job get -i distill-student
expect "lep job get -i distill-student" 0 '^Job details for distill-student:' '"state": "PendingRetry"' \
    '"max_failure_retry": 2' '"allowed_dedicated_node_groups"'

run "$LEP" pod list -d
expect "lep pod list -d (legacy, one replica per Ready pod)" 0 'pods' \
    '│ dev-marcus +│ ng-h100-a +│ Ready +│ marcus\.chen@example\.com +│ ssh -p 31022 root@203\.0\.113\.21 +│ 18888 -> 31888 +│ 18889 -> 31889' \
    '│ nb-sofia +│' '│ sandbox-lukas +│' 'above 3 pods'
refute "pod list shows no endpoints" 'llama-70b-chat'

run "$LEP" node list
expect "lep node list" 0 'Node Groups' '│ h100-pool-a +│ Lepton +│ 3 / 1 / 4 +│ 6 avail · 18/32 used' \
    '│ l40s-pool-b +│ BYOC +│ 2 / 1 / 3 +│' '│ ng-l40s-b +│'

run "$LEP" job create -n compat-torchrun --template torchrun
expect "lep job create -n compat-torchrun --template torchrun" 0 'Job Created Successfully' \
    '^Name: compat-torchrun$' '^ID: compat-torchrun$'

run "$LEP" job list
expect "the created job is listed (Queueing, from the template)" 0 \
    '│ compat-torchrun +│.*│ Queueing +│ alex\.rivera@example\.com +│ +│ 2 +│ gpu\.8xh100-sxm' 'above 15 jobs'
run api "$BASE/jobs/compat-torchrun"
expect "the created job carries the template's command" 0 'torchrun --nnodes' '"owner":"alex\.rivera@example\.com"'
run api "$BASE/workspace"
expect "/workspace counts the new job" 0 '"num_jobs":15' '"num_deployments":6' '"num_pods":3'

run "$LEP" workspace list
expect "lep workspace list (token expiry from /tokens)" 0 'Demo Workspace' '36[45] days left'

run "$LEP" workspace login -i demo -t nvapi-not-a-valid-token-00000000000000 --workspace-url "$BASE"
expect "bad token: 401 → Unauthorized, exit 1" 1 'Unauthorized access to the workspace'

run "$LEP" login -c "early:$TOKEN" -u "$EARLY"
expect "lep login (early, not activated)" 0 'Workspace: early' 'Tier: basic'

run "$LEP" workspace status
expect "status of a not-activated workspace" 0 '^id: +early$' '^secrets: +0$'

run "$LEP" secret create -n A -v x
expect "write to a not-activated workspace: 403 WorkspaceNotActivated" 1 '403' \
    'WorkspaceNotActivated' 'developer\.nvidia\.com/dgx-cloud/get-lepton'

curl -fsS -X POST -H 'content-type: application/json' -d '{"state":"active"}' \
    "$ORIGIN/_emulator/workspaces/early/activation" >/dev/null
CANARY="compat-canary-$RANDOM$RANDOM"
run "$LEP" secret create -n A -v "$CANARY"
expect "after activation the write succeeds" 0 '^Secret created successfully: A\.$'
run api "$EARLY/usersecrets"
expect "early lists the new secret" 0 '"name":"A"'
refute "the secret value is never returned" "$CANARY"

# ------------------------------------------------------------------ workloads (labs: /endpoints + /devpods)
LABS="$ORIGIN/api/v2/workspaces/labs"
run "$LEP" login -c "labs:$TOKEN" -u "$LABS"
expect "lep login (labs, new deployment API)" 0 'Workspace: labs'
curl -fsS -X DELETE "$ORIGIN/_emulator/requests" >/dev/null

run "$LEP" endpoint list
expect "lep endpoint list (new family)" 0 '│ nemotron-ultra +│.*│ Ready +│ alex\.rivera@example\.com +│ ng-b200-labs +│ 1 +│ gpu\.8xb200' \
    '│ guardrails +│.*│ Starting +│' '│ vlm-preview +│.*│ Not Ready +│'

run "$LEP" endpoint status -n vlm-preview
expect "lep endpoint status -n vlm-preview (new family)" 0 'State: +LeptonDeploymentState\.NotReady' 'Replicas: +1-1'

run "$LEP" pod list -d
expect "lep pod list -d (new family)" 0 '│ dev-priya +│ ng-b200-labs +│ Ready +│.*│ ssh -p 30122 root@198\.51\.100\.8' \
    '│ dev-alex +│ ng-cpu-labs +│ Stopped +│'

run curl -fsS "$ORIGIN/_emulator/requests"
expect "labs was probed and read from /endpoints and /devpods" 0 '"path":"/workspace"' \
    '"path":"/endpoints"' '"path":"/devpods"'
refute "labs never used /deployments" '"workspace":"labs","method":"GET","path":"/deployments'

run "$LEP" job list
expect "lep job list (labs)" 0 '│ b200-burn-in +│.*│ Running +│' '│ kernel-autotune +│.*│ Failed +│'

# No list item was ever dropped by the CLI's parser, in any command.
OUT="$(cat "$ALL_OUT")"
refute "no [lepton-error] line in any output" '\[lepton-error\]'
OUT="$(cat "$WORK/emulator.log")"
refute "emulator output never shows a secret value" "$CANARY"

T_END=$SECONDS
echo
echo "timing: venv $((T_VENV - T_START))s, build $((T_BUILD - T_VENV))s," \
    "emulator ready $((T_READY - T_BUILD))s, lep checks $((T_END - T_READY))s, total $((T_END - T_START))s"
echo "$PASS passed, $FAIL failed"
[[ "$FAIL" == 0 ]]
