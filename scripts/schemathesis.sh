#!/usr/bin/env bash
# Runs schemathesis against `pyng-conformance serve` for every bundled spec and
# fails when a response check fails. See scripts/README.md.
#
#   scripts/schemathesis.sh                  # 50 examples per operation
#   ST_MAX_EXAMPLES=200 ST_SEED=1 scripts/schemathesis.sh
#
# Checks: not_a_server_error, status_code_conformance, content_type_conformance,
# response_schema_conformance, on valid requests (positive mode) and the fault-free
# scenario (`x-sandbox-scenario: default`).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
examples="${ST_MAX_EXAMPLES:-50}"
target_dir="${CARGO_TARGET_DIR:-$root/target}"
out_dir="$target_dir/schemathesis"
checks="not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"

if ! command -v st >/dev/null 2>&1; then
    echo "schemathesis.sh: installing schemathesis with pip" >&2
    python3 -m pip install --quiet 'schemathesis>=3.19,<5'
fi
version="$(st --version | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | head -n1)"
major="${version%%.*}"
echo "schemathesis.sh: schemathesis $version" >&2

cargo build --quiet -p pyng-conformance-cli
bin="$target_dir/debug/pyng-conformance"

# Throwaway credentials for this run only; the server reads them from the
# environment, schemathesis gets the token as a header and the hooks read the
# signing secret.
random_hex() { od -An -tx1 -N16 /dev/urandom | tr -d ' \n'; }
PYNG_ACCESS_TOKEN="st-$(random_hex)"
PEACH_SECRET="st-$(random_hex)"
export PYNG_ACCESS_TOKEN PEACH_SECRET

mkdir -p "$out_dir"
log="$out_dir/serve.log"
# Time runs 1000 times faster, so states move while schemathesis polls.
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
    url="$(grep -oE 'http://[0-9.]+:[0-9]+' "$log" | head -n1 || true)"
    [ -n "$url" ] && break
    kill -0 "$server" 2>/dev/null || { cat "$log" >&2; exit 2; }
    sleep 0.1
done
[ -n "$url" ] || { echo "schemathesis.sh: the server did not start" >&2; cat "$log" >&2; exit 2; }
echo "schemathesis.sh: serving on $url" >&2

export PYTHONPATH="$root/scripts${PYTHONPATH:+:$PYTHONPATH}"
export SCHEMATHESIS_HOOKS=schemathesis_hooks

failed=()
for spec in specs/pyng/checkout-session-status.yaml specs/pyng/transaction-status.yaml specs/peach/checkout-status.yaml; do
    name="$(basename "$spec" .yaml)"
    args=(run "$root/$spec" --checks "$checks"
        -H "Authorization: Bearer $PYNG_ACCESS_TOKEN"
        -H "x-sandbox-scenario: default")
    if [ "$major" -ge 4 ]; then
        args+=(--url "$url" --mode positive --max-examples "$examples"
            --phases examples,coverage,fuzzing --generation-allow-x00 false
            --generation-database none
            --report junit --report-junit-path "$out_dir/$name.junit.xml" --no-color)
        [ -n "${ST_SEED:-}" ] && args+=(--seed "$ST_SEED")
    else
        args+=(--base-url "$url" --data-generation-method positive
            --hypothesis-max-examples "$examples" --junit-xml "$out_dir/$name.junit.xml")
        [ -n "${ST_SEED:-}" ] && args+=(--hypothesis-seed "$ST_SEED")
    fi
    echo "schemathesis.sh: $spec" >&2
    # From the output directory: schemathesis keeps state in `.schemathesis/`.
    if ! (cd "$out_dir" && st "${args[@]}"); then
        failed+=("$spec")
    fi
done

if [ "${#failed[@]}" -gt 0 ]; then
    echo "schemathesis.sh: FAILED: ${failed[*]} (server log: $log)" >&2
    exit 1
fi
echo "schemathesis.sh: all specs passed" >&2
