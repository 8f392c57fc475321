#!/usr/bin/env bash
# Runs schemathesis against `pyng-conformance serve` for every bundled spec and
# fails when a response check fails. See scripts/README.md.
#
#   scripts/schemathesis.sh                  # 50 examples per operation
#   ST_MAX_EXAMPLES=200 ST_SEED=1 scripts/schemathesis.sh
#
# Checks, on the fault-free scenario (`x-sandbox-scenario: default`):
# - every operation: not_a_server_error, status_code_conformance,
#   content_type_conformance, response_headers_conformance,
#   response_schema_conformance;
# - the POSTs (token, creations), in positive and negative mode: those and
#   negative_data_rejection, positive_data_acceptance.
# GETs run in positive mode only (scripts/README.md says why).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
examples="${ST_MAX_EXAMPLES:-50}"
target_dir="${CARGO_TARGET_DIR:-$root/target}"
out_dir="$target_dir/schemathesis"
checks="not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance"
post_checks="$checks,negative_data_rejection,positive_data_acceptance"

if ! command -v st >/dev/null 2>&1; then
    echo "schemathesis.sh: installing schemathesis with pip" >&2
    python3 -m pip install --quiet 'schemathesis>=4,<5'
fi
version="$(st --version | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | head -n1)"
major="${version%%.*}"
if [ "${major:-0}" -lt 4 ]; then
    # positive_data_acceptance, response_headers_conformance and --mode are 4.x.
    echo "schemathesis.sh: schemathesis $version found; 4.x is needed (pip install 'schemathesis>=4,<5')" >&2
    exit 2
fi
# A fixed seed unless one is given, so that a run can be repeated.
seed="${ST_SEED:-1}"
echo "schemathesis.sh: schemathesis $version, seed $seed" >&2

cargo build --quiet -p pyng-conformance-cli
bin="$target_dir/debug/pyng-conformance"

# Throwaway credentials for this run only; the server reads them from the
# environment, schemathesis gets the token as a header and the hooks read the
# signing secret.
random_hex() { od -An -tx1 -N16 /dev/urandom | tr -d ' \n'; }
PYNG_ACCESS_TOKEN="st-$(random_hex)"
PEACH_SECRET="st-$(random_hex)"
PYNG_CLIENT_ID="st-client-$(random_hex)"
PYNG_CLIENT_SECRET="st-$(random_hex)"
export PYNG_ACCESS_TOKEN PEACH_SECRET PYNG_CLIENT_ID PYNG_CLIENT_SECRET

mkdir -p "$out_dir"
rm -f "$out_dir"/*.ndjson "$out_dir/summary.md"
log="$out_dir/serve.log"
# Time runs 1000 times faster, so states move while schemathesis polls. The
# previous run's log goes first: its address must not pass for this server's.
rm -f "$log"
"$bin" serve --bind 127.0.0.1:0 --time-scale 1000 >"$log" 2>&1 &
server=$!
stop_server() {
    kill -INT "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
}
trap stop_server EXIT

# Ready when it prints its address (bounded: 30 s).
url=""
for _ in $(seq 300); do
    url="$(grep -soE 'http://[0-9.]+:[0-9]+' "$log" | head -n1 || true)"
    [ -n "$url" ] && break
    kill -0 "$server" 2>/dev/null || { cat "$log" >&2; exit 2; }
    sleep 0.1
done
[ -n "$url" ] || { echo "schemathesis.sh: the server did not start" >&2; cat "$log" >&2; exit 2; }
echo "schemathesis.sh: serving on $url" >&2

export PYTHONPATH="$root/scripts${PYTHONPATH:+:$PYTHONPATH}"
export SCHEMATHESIS_HOOKS=schemathesis_hooks

failed=()
# One run: SPEC, a name for its report, the method filter, the checks, the mode.
run_st() {
    local spec="$1" name="$2" filter="$3" run_checks="$4" mode="$5"
    # Credentials go by each operation's `security` (schemathesis_hooks.py).
    local args=(run "$root/$spec" --checks "$run_checks" "$filter" POST
        -H "x-sandbox-scenario: default")
    args+=(--url "$url" --mode "$mode" --max-examples "$examples" --seed "$seed"
        --phases examples,coverage,fuzzing --generation-allow-x00 false
        --generation-database none
        --report junit,ndjson --report-junit-path "$out_dir/$name.junit.xml"
        --report-ndjson-path "$out_dir/$name.ndjson" --no-color)
    echo "schemathesis.sh: $spec ($name)" >&2
    # From the output directory: schemathesis keeps state in `.schemathesis/`.
    if ! (cd "$out_dir" && st "${args[@]}"); then
        failed+=("$spec ($name)")
    fi
}

for spec in specs/pyng/checkout-session-status.yaml specs/pyng/transaction-status.yaml specs/peach/checkout-status.yaml; do
    name="$(basename "$spec" .yaml)"
    run_st "$spec" "$name.get" --exclude-method "$checks" positive
    if grep -qE '^    post:' "$spec"; then
        run_st "$spec" "$name.post" --include-method "$post_checks" all
    fi
done

# Per operation and check, from the event reports (scripts/README.md has one).
python3 "$root/scripts/schemathesis_summary.py" "$out_dir"/*.ndjson >"$out_dir/summary.md" || true
echo "schemathesis.sh: schemathesis $version, seed $seed, $examples examples per operation" >&2
cat "$out_dir/summary.md" >&2

if [ "${#failed[@]}" -gt 0 ]; then
    echo "schemathesis.sh: FAILED: ${failed[*]} (server log: $log)" >&2
    exit 1
fi
echo "schemathesis.sh: all specs passed" >&2
