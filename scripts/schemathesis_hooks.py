"""Schemathesis hooks for `scripts/schemathesis.sh`.

Operations secured by a signed query (the `x-signature` extension of the specs)
get a valid signature, computed the way the specs describe: every query
parameter but the signature one, sorted by key, keys and values concatenated
without separators, HMAC-SHA256 keyed with the secret in $PEACH_SECRET,
lowercase hex. The parameter name comes from the spec, not from this file.
"""

import hashlib
import hmac
import os

import schemathesis


def _signature_parameters(operation):
    """Names of the signature parameters of the operation's security schemes."""
    raw = operation.schema.raw_schema
    schemes = raw.get("components", {}).get("securitySchemes", {})
    requirements = operation.definition.raw.get("security", raw.get("security", []))
    names = []
    for requirement in requirements:
        for scheme_name in requirement:
            signature = schemes.get(scheme_name, {}).get("x-signature")
            if signature:
                names.append(signature["parameter"])
    return names


@schemathesis.hook
def map_query(ctx, query):
    operation = getattr(ctx, "operation", None)
    secret = os.environ.get("PEACH_SECRET", "")
    if operation is None or query is None or not secret:
        return query
    for parameter in _signature_parameters(operation):
        pairs = sorted(
            (str(k), "" if v is None else str(v))
            for k, v in query.items()
            if k != parameter
        )
        message = "".join(k + v for k, v in pairs)
        query[parameter] = hmac.new(
            secret.encode(), message.encode(), hashlib.sha256
        ).hexdigest()
    return query
