#!/bin/sh
# A partner's own integration, as a shop would write it: get a token, then poll
# one payment intent until it reaches a final state. Run it through
# `pyng-conformance proxy` to have its behaviour checked (README.md).
#
# Environment: BASE_URL (the proxy's address), PYNG_CLIENT_ID,
# PYNG_CLIENT_SECRET, PAYMENT_INTENT, SITE (default site-1), INTERVAL (seconds
# between polls, default 5: the spec's x-polling), MAX_POLLS (default 20),
# POLLS_AFTER_FINAL (default 0: stop at the final state), SCENARIO (the
# sandbox's x-sandbox-scenario header, for tests; unset for a real API).
set -eu

: "${SITE:=site-1}" "${INTERVAL:=5}" "${MAX_POLLS:=20}" "${POLLS_AFTER_FINAL:=0}"

token=$(curl -sf -u "$PYNG_CLIENT_ID:$PYNG_CLIENT_SECRET" \
    -d grant_type=client_credentials "$BASE_URL/checkout/oauth2/token" |
    sed -n 's/.*"access_token" *: *"\([^"]*\)".*/\1/p')
[ -n "$token" ] || { echo "integration: no token" >&2; exit 1; }

polls=0
after_final=-1
while [ "$polls" -lt "$MAX_POLLS" ]; do
    set -- -sf -H "Authorization: Bearer $token"
    if [ -n "${SCENARIO:-}" ]; then set -- "$@" -H "x-sandbox-scenario: $SCENARIO"; fi
    body=$(curl "$@" "$BASE_URL/checkout/$SITE/transaction-status?paymentIntentId=$PAYMENT_INTENT")
    polls=$((polls + 1))
    state=$(printf '%s' "$body" | sed -n 's/.*"transactionStatus" *: *"\([^"]*\)".*/\1/p')
    echo "integration: poll $polls: $state"
    case "$state" in
        Settled | Declined | Expired)
            after_final=$((after_final + 1))
            [ "$after_final" -ge "$POLLS_AFTER_FINAL" ] && exit 0
            ;;
    esac
    sleep "$INTERVAL"
done
echo "integration: no final state after $polls polls" >&2
exit 1
