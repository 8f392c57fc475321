"""Schemathesis hooks for `scripts/schemathesis.sh`.

Operations secured by a signed query (the `x-signature` extension of the specs)
get a valid signature, computed the way the specs describe: every query
parameter but the signature one, sorted by key, keys and values concatenated
without separators, HMAC-SHA256 keyed with the secret in $PEACH_SECRET,
lowercase hex. The parameter name comes from the spec, not from this file.

Credentials go by the operation's own `security`: an HTTP Basic scheme gets
$PYNG_CLIENT_ID:$PYNG_CLIENT_SECRET (the token endpoint's client
authentication), an OAuth 2.0 or bearer scheme gets `Bearer $PYNG_ACCESS_TOKEN`.
"""

import base64
import hashlib
import hmac
import os
import uuid

import schemathesis


def _schemes(operation):
    """The security schemes the operation's `security` names."""
    raw = operation.schema.raw_schema
    schemes = raw.get("components", {}).get("securitySchemes", {})
    requirements = operation.definition.raw.get("security", raw.get("security", []))
    return [schemes.get(name, {}) for requirement in requirements for name in requirement]


def _signature_parameters(operation):
    """Names of the signature parameters of the operation's security schemes."""
    return [s["x-signature"]["parameter"] for s in _schemes(operation) if s.get("x-signature")]


def _authorization(operation):
    """The Authorization value the operation's first usable scheme takes."""
    for scheme in _schemes(operation):
        kind = scheme.get("type")
        if kind == "http" and scheme.get("scheme", "").lower() == "basic":
            pair = os.environ.get("PYNG_CLIENT_ID", "") + ":" + os.environ.get("PYNG_CLIENT_SECRET", "")
            return "Basic " + base64.b64encode(pair.encode()).decode()
        if kind == "oauth2" or (kind == "http" and scheme.get("scheme", "").lower() == "bearer"):
            return "Bearer " + os.environ.get("PYNG_ACCESS_TOKEN", "")
    return None


@schemathesis.hook
def map_headers(ctx, headers):
    operation = getattr(ctx, "operation", None)
    if operation is None:
        return headers
    authorization = _authorization(operation)
    if authorization is None:
        return headers
    headers = dict(headers or {})
    headers["Authorization"] = authorization
    return headers


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


def _resolve(raw, schema):
    """`schema` with local `$ref`s followed (the specs' own references)."""
    seen = 0
    while isinstance(schema, dict) and "$ref" in schema and seen < 32:
        ref = schema["$ref"]
        if not ref.startswith("#/"):
            return {}
        node = raw
        for token in ref[2:].split("/"):
            node = node.get(token.replace("~1", "/").replace("~0", "~"), {})
        schema, seen = node, seen + 1
    return schema if isinstance(schema, dict) else {}


def _arithmetic_properties(operation):
    """Properties of the JSON request body whose schema (or item schema)
    carries `x-invariants`: arithmetic that JSON Schema cannot state, so a
    body schemathesis generates as valid mostly breaks it (and the sandbox
    answers the documented 400, as the spec asks)."""
    raw = operation.schema.raw_schema
    body = _resolve(raw, operation.definition.raw.get("requestBody", {}))
    media = body.get("content", {}).get("application/json", {})
    schema = _resolve(raw, media.get("schema", {}))
    names = []
    for name, prop in schema.get("properties", {}).items():
        prop = _resolve(raw, prop)
        items = _resolve(raw, prop.get("items", {}))
        if prop.get("x-invariants") or items.get("x-invariants"):
            names.append(name)
    return names


@schemathesis.hook
def before_call(ctx, case, kwargs):
    """Positive cases only (a negative case keeps what makes it negative):
    a fresh key in the operation's `x-idempotency` header, as a client sends
    one per new call (schemathesis draws keys that repeat with other bodies,
    which the spec refuses), and the properties with `x-invariants` left out
    (scripts/README.md says what that leaves untested)."""
    meta = getattr(case, "meta", None)
    mode = getattr(getattr(meta, "generation", None), "mode", None)
    if mode is None or str(getattr(mode, "value", mode)) != "positive":
        return
    idempotency = case.operation.definition.raw.get("x-idempotency", {}).get("header")
    if idempotency and case.headers:
        for name in list(case.headers):
            if name.lower() == idempotency.lower():
                case.headers[name] = "st-" + uuid.uuid4().hex
    if isinstance(case.body, dict):
        for name in _arithmetic_properties(case.operation):
            case.body.pop(name, None)
