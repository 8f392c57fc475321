//! Every rule of the catalogue has a failing and a passing case.

mod common;

use common::*;
use pyng_conformance::{Engine, Report};
use serde_json::{Value, json};

type Case = (&'static str, fn() -> Report, fn() -> Report);

fn with(mut body: Value, pointer: &str, value: Value) -> Value {
    *body.pointer_mut(pointer).unwrap() = value;
    body
}

fn body(op: &str, status: u16, bytes: &[u8]) -> Report {
    Report {
        findings: engine().check_body(op, status, bytes).unwrap(),
        ..Report::default()
    }
}

fn peach_url(merchant_tx: &str, sign_for: &str) -> String {
    let entity = "8ac7a4ca86c2c24d0168c2caab2e0025";
    let message = format!("authentication.entityId{entity}merchantTransactionId{sign_for}");
    let sig = pyng_spec::signature::sign(SECRET.as_bytes(), &message);
    format!(
        "https://p.example/status?authentication.entityId={entity}&merchantTransactionId={merchant_tx}&signature={sig}"
    )
}

fn peach_body(signature_ok: bool) -> Value {
    let mut sig = pyng_spec::signature::sign(SECRET.as_bytes(), "statuspending");
    if !signature_ok {
        sig = sig.replace(|c: char| c.is_ascii_digit(), "0");
    }
    json!({"status": "pending", "signature": sig})
}

/// A tiny spec with the schema keywords no bundled spec uses (`maximum`,
/// `multipleOf`, `minLength`, `maxLength`, `deprecated`, `writeOnly`,
/// `additionalProperties: false`, `minItems`, `maxItems`, composition and
/// `discriminator`).
fn keywords_engine() -> Engine {
    let yaml = r##"
openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /t:
    get:
      operationId: getT
      responses:
        "200":
          description: OK
          content:
            application/json:
              schema: {$ref: "#/components/schemas/B"}
components:
  schemas:
    B:
      type: object
      properties:
        n: {type: integer, maximum: 10}
        m: {type: integer, multipleOf: 5}
        s: {type: string, minLength: 2, maxLength: 3}
        old: {type: string, deprecated: true}
        secret: {type: string, writeOnly: true}
        closed: {type: object, additionalProperties: false, properties: {a: {type: integer}}}
        list: {type: array, items: {type: integer}, minItems: 1, maxItems: 2}
        set: {type: array, items: {type: number}, uniqueItems: true}
        bag: {type: object, minProperties: 1, maxProperties: 2, properties: {a: {type: integer}}}
        either: {oneOf: [{type: integer}, {type: number, multipleOf: 0.5}]}
        some: {anyOf: [{type: string}, {type: boolean}]}
        code: {type: string, not: {enum: [none]}}
        pet:
          discriminator: {propertyName: kind}
          oneOf: [{$ref: "#/components/schemas/Cat"}, {$ref: "#/components/schemas/Dog"}]
    Cat: {type: object, properties: {kind: {type: string}, meow: {type: integer}}}
    Dog: {type: object, properties: {kind: {type: string}, bark: {type: boolean}}}
"##;
    Engine::from_specs(vec![pyng_spec::load_str("t.yaml", yaml).unwrap().spec])
}

/// The findings of [`keywords_engine`] on one 200 body of `getT`.
fn keywords_body(body: &str) -> Report {
    Report {
        findings: keywords_engine()
            .check_body("getT", 200, body.as_bytes())
            .unwrap(),
        ..Report::default()
    }
}

/// A POST of `body` (JSON; `None`: no body) to the request-side fixture's
/// `createOrder`, answered with a conforming order and `Location`.
fn posted_order(body: Option<&str>) -> Report {
    posted_order_at(body, "/v1/orders/o-1")
}

/// Two calls of `createOrder` with one idempotency key, answered with
/// orders of `first` and `second` cents.
fn replayed_order(first: i64, second: i64) -> Report {
    let spec = pyng_spec::load_str("orders.yaml", include_str!("request_side/orders.yaml"))
        .unwrap()
        .spec;
    let call = |amount: i64| {
        json!({
            "request": {"method": "POST", "url": "https://api.example/v1/orders",
                "headers": {"Idempotency-Key": "key-0001", "Content-Type": "application/json"},
                "body": {"amount": 1, "currency": "ZAR"}},
            "response": {"status": 201,
                "headers": {"Content-Type": "application/json", "Location": "/v1/orders/o-1"},
                "body": {"id": "o-1", "amount": amount, "currency": "ZAR"}}
        })
    };
    let doc = json!({"format": "pyng-recording", "version": 1,
        "exchanges": [call(first), call(second)]});
    Engine::from_specs(vec![spec]).check_bytes("r.json", &serde_json::to_vec(&doc).unwrap())
}

/// A GET of `url` under the request-side fixture, answered with an order.
fn got_order(url: &str) -> Report {
    let spec = pyng_spec::load_str("orders.yaml", include_str!("request_side/orders.yaml"))
        .unwrap()
        .spec;
    let doc = json!({"format": "pyng-recording", "version": 1, "exchanges": [{
        "request": {"method": "GET", "url": url},
        "response": {"status": 200, "headers": {"Content-Type": "application/json"},
            "body": {"id": "o-1", "amount": 1, "currency": "ZAR"}}
    }]});
    Engine::from_specs(vec![spec]).check_bytes("r.json", &serde_json::to_vec(&doc).unwrap())
}

/// [`posted_order`], answered with a `Location` header.
fn posted_order_at(body: Option<&str>, location: &str) -> Report {
    let spec = pyng_spec::load_str("orders.yaml", include_str!("request_side/orders.yaml"))
        .unwrap()
        .spec;
    let mut request = json!({"method": "POST", "url": "https://api.example/v1/orders",
        "headers": {"Idempotency-Key": "key-0001"}});
    if let Some(body) = body {
        request["headers"]["Content-Type"] = json!("application/json");
        request["bodyText"] = json!(body);
    }
    let doc = json!({"format": "pyng-recording", "version": 1, "exchanges": [{
        "request": request,
        "response": {"status": 201, "headers": {"Content-Type": "application/json", "Location": location},
            "body": {"id": "o-1", "amount": 1, "currency": "ZAR"}}
    }]});
    Engine::from_specs(vec![spec]).check_bytes("r.json", &serde_json::to_vec(&doc).unwrap())
}

/// A checkout whose `cancelled` the provider documents may later be
/// corrected to `successful`; no bundled spec documents a correction.
const CORRECTIONS_SPEC: &str = r##"
openapi: 3.0.3
info: {title: Corrections, version: "1"}
paths:
  /checkouts/{id}:
    get:
      operationId: getCheckout
      x-resource-key: [id]
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        "200":
          description: OK
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Checkout"}
components:
  schemas:
    Checkout:
      type: object
      required: [status]
      properties:
        status: {$ref: "#/components/schemas/CheckoutState"}
    CheckoutState:
      type: string
      enum: [pending, successful, cancelled, expired]
      x-state-machine:
        initial: [pending]
        final: [successful, cancelled, expired]
        transitions:
          pending: [successful, cancelled, expired]
        corrections:
          cancelled: [successful]
"##;

/// The rules of a sequence of `CheckoutState` statuses, one second apart,
/// against [`CORRECTIONS_SPEC`].
fn correction_sequence(statuses: &[&str]) -> Report {
    let engine = Engine::from_specs(vec![
        pyng_spec::load_str("corrections.yaml", CORRECTIONS_SPEC)
            .unwrap()
            .spec,
    ]);
    let text: Vec<String> = statuses
        .iter()
        .enumerate()
        .map(|(t, s)| {
            format!(
                r#"{{"startedAt":"2024-01-01T00:00:0{t}Z","request":{{"method":"GET","url":"https://h/checkouts/1"}},"response":{{"status":200,"headers":{{"Content-Type":"application/json"}},"body":{{"status":"{s}"}}}}}}"#
            )
        })
        .collect();
    engine.check_bytes("r.ndjson", text.join("\n").as_bytes())
}

/// A directory with a clean recording and, if asked, a FIFO named like one.
fn walk_with_fifo(fifo: bool) -> Report {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        "../examples/recordings/pyng-transaction-clean.json",
        dir.path().join("a.json"),
    )
    .unwrap();
    if fifo {
        let made = std::process::Command::new("mkfifo")
            .arg(dir.path().join("pipe.json"))
            .status()
            .unwrap();
        assert!(made.success());
    }
    engine().check_paths(&[dir.path()])
}

fn nested(depth: usize) -> Vec<u8> {
    format!(
        r#"{{"data":{{"transactionStatus":"Pending","x":{}{}}},"traceId":"t"}}"#,
        "[".repeat(depth),
        "]".repeat(depth)
    )
    .into_bytes()
}

/// A response with a header (`Retry-After`) besides the usual ones.
fn with_header(mut exchange: Value, name: &str, value: &str) -> Value {
    exchange["response"]["headers"][name] = json!(value);
    exchange
}

/// A client credentials token request at `t` seconds, answered with a
/// token of `expires_in` seconds (`None`: a 401 refusal).
fn token(t: u32, expires_in: Option<u64>) -> Value {
    let response = match expires_in {
        Some(s) => json!({"status": 200, "headers": {"Content-Type": "application/json"},
            "body": {"access_token": "tok", "token_type": "Bearer", "expires_in": s}}),
        None => json!({"status": 401, "headers": {"Content-Type": "application/json"},
            "body": {"error": "invalid_client"}}),
    };
    json!({
        "startedAt": at(t),
        "request": {"method": "POST", "url": "https://h.example/checkout/oauth2/token",
            "headers": {"Authorization": "Basic Y2xpZW50OnNlY3JldA==",
                "Content-Type": "application/x-www-form-urlencoded"},
            "bodyText": "grant_type=client_credentials"},
        "response": response
    })
}

const CASES: &[Case] = &[
    (
        "input.aborted",
        || {
            // What `poll` does when it stops early (tested end to end in
            // live_binaries.rs).
            let engine = engine();
            let mut r = engine.check_paths(&["../examples/recordings/pyng-transaction-clean.json"]);
            engine.aborted(&mut r, "live", "interrupted");
            r
        },
        || engine().check_paths(&["../examples/recordings/pyng-transaction-clean.json"]),
    ),
    (
        "state.final-not-reached",
        || {
            engine()
                .require_final(true)
                .check_paths(&["../examples/recordings/pyng-transaction-qr-pending-timeout.json"])
        },
        || {
            engine()
                .require_final(true)
                .check_paths(&["../examples/recordings/pyng-transaction-clean.json"])
        },
    ),
    (
        "input.nothing-checked",
        || engine().check_paths(&[tempfile::tempdir().unwrap().path()]),
        || engine().check_paths(&["../examples/recordings/pyng-transaction-clean.json"]),
    ),
    (
        "schema.number-range",
        || {
            body(
                "getTransactionStatus",
                200,
                br#"{"data":{"transactionStatus":"Pending","amountPaid":1e400},"traceId":"t"}"#,
            )
        },
        || {
            body(
                "getTransactionStatus",
                200,
                br#"{"data":{"transactionStatus":"Pending","amountPaid":1e300},"traceId":"t"}"#,
            )
        },
    ),
    (
        "schema.too-deep",
        || body("getTransactionStatus", 200, &nested(200)),
        || body("getTransactionStatus", 200, &nested(100)),
    ),
    (
        "input.timestamp",
        || {
            let mut late = exchange(0, TX, 200, tx("Pending"));
            late["startedAt"] = json!("yesterday");
            check(vec![late])
        },
        || check(vec![exchange(0, TX, 200, tx("Pending"))]),
    ),
    (
        "input.skipped",
        || walk_with_fifo(true),
        || walk_with_fifo(false),
    ),
    (
        "input.unreadable",
        || engine().check_paths(&["/nonexistent/pyng/recording.har"]),
        || engine().check_paths(&["../examples/recordings/pyng-transaction-clean.json"]),
    ),
    (
        "input.malformed",
        || {
            engine().check_bytes(
                "x.json",
                br#"{"format":"pyng-recording","version":1,"exchanges":[{"request":{}}]}"#,
            )
        },
        || check(vec![exchange(0, TX, 200, tx("Pending"))]),
    ),
    (
        "input.truncated",
        || engine().check_bytes("x.har", br#"{"log":{"entries":[{"#),
        || engine().check_bytes("x.har", br#"{"log":{"entries":[]}}"#),
    ),
    (
        "input.unmatched",
        || check(vec![exchange(0, "https://h.example/nope", 200, json!({}))]),
        || check(vec![exchange(0, TX, 200, tx("Pending"))]),
    ),
    (
        "input.spec-version",
        || {
            engine().check_bytes("x.json", br#"{"format":"pyng-recording","version":1,"spec":{"title":"Pyng Pull Transaction Status API","version":"0.9"},"exchanges":[]}"#)
        },
        || {
            engine().check_bytes("x.json", br#"{"format":"pyng-recording","version":1,"spec":{"title":"Pyng Pull Transaction Status API","version":"1.0.0"},"exchanges":[]}"#)
        },
    ),
    (
        "http.status-documented",
        || check(vec![exchange(0, TX, 418, json!({}))]),
        || {
            check(vec![exchange(
                0,
                TX,
                404,
                json!({"errors": [{"message": "x"}], "traceId": "t"}),
            )])
        },
    ),
    (
        "http.request-parameters",
        || {
            check(vec![exchange(
                0,
                "https://h.example/checkout/site-1/transaction-status",
                200,
                tx("Pending"),
            )])
        },
        || check(vec![exchange(0, TX, 200, tx("Pending"))]),
    ),
    (
        "http.request-credentials",
        || {
            let mut x = exchange(0, TX, 200, tx("Pending"));
            x["request"]["headers"] = json!({"Authorization": "Basic dXNlcjpwYXNz"});
            check(vec![x])
        },
        || check(vec![exchange(0, TX, 200, tx("Pending"))]),
    ),
    (
        "http.deprecated",
        || got_order("https://api.example/v1/orders/1/receipt"),
        || got_order("https://api.example/v1/orders/1?page=2"),
    ),
    (
        "http.request-one-of",
        || {
            let url = peach_url("m-1", "m-1").replace("merchantTransactionId=m-1&", "");
            check(vec![exchange(0, &url, 200, json!({"status": "pending"}))])
        },
        || {
            check(vec![exchange(
                0,
                &peach_url("m-1", "m-1"),
                200,
                json!({"status": "pending"}),
            )])
        },
    ),
    (
        "http.content-type",
        || {
            let mut x = exchange(0, TX, 200, tx("Pending"));
            x["response"]["headers"]["Content-Type"] = json!("text/plain");
            check(vec![x])
        },
        || check(vec![exchange(0, TX, 200, tx("Pending"))]),
    ),
    (
        "schema.not-json",
        || body("getTransactionStatus", 200, b"{\"data\": "),
        || {
            body(
                "getTransactionStatus",
                200,
                br#"{"data":{"transactionStatus":"Pending"},"traceId":"t"}"#,
            )
        },
    ),
    (
        "schema.duplicate-key",
        || {
            body("getTransactionStatus", 200, br#"{"data":{"transactionStatus":"Pending","transactionStatus":"Pending"},"traceId":"t"}"#)
        },
        || {
            body(
                "getTransactionStatus",
                200,
                br#"{"data":{"transactionStatus":"Pending"},"traceId":"t"}"#,
            )
        },
    ),
    (
        "schema.required",
        || {
            body(
                "getTransactionStatus",
                200,
                br#"{"data":{"transactionStatus":"Pending"}}"#,
            )
        },
        || {
            body(
                "getTransactionStatus",
                200,
                br#"{"data":{"transactionStatus":"Pending"},"traceId":"t"}"#,
            )
        },
    ),
    (
        "schema.type",
        || {
            body(
                "getTransactionStatus",
                200,
                br#"{"data":{"transactionStatus":"Pending"},"traceId":7}"#,
            )
        },
        || {
            body(
                "getTransactionStatus",
                200,
                br#"{"data":{"transactionStatus":"Pending"},"traceId":"7"}"#,
            )
        },
    ),
    (
        "schema.enum",
        || {
            body(
                "getTransactionStatus",
                200,
                br#"{"data":{"transactionStatus":"pending"},"traceId":"t"}"#,
            )
        },
        || {
            body(
                "getTransactionStatus",
                200,
                br#"{"data":{"transactionStatus":"Pending"},"traceId":"t"}"#,
            )
        },
    ),
    (
        "schema.format",
        || {
            body("getTransactionStatus", 200, br#"{"data":{"transactionStatus":"Pending","amountPaid":18446744073709551615},"traceId":"t"}"#)
        },
        || {
            body("getTransactionStatus", 200, br#"{"data":{"transactionStatus":"Pending","amountPaid":9223372036854775807},"traceId":"t"}"#)
        },
    ),
    (
        "schema.minimum",
        || {
            body("getTransactionStatus", 200, br#"{"data":{"transactionStatus":"Pending","lineItems":[{"itemId":"a","quantity":0,"amountPerUnit":1,"amountSubtotal":0}]},"traceId":"t"}"#)
        },
        || {
            body("getTransactionStatus", 200, br#"{"data":{"transactionStatus":"Pending","lineItems":[{"itemId":"a","quantity":1,"amountPerUnit":1,"amountSubtotal":1}]},"traceId":"t"}"#)
        },
    ),
    (
        "schema.maximum",
        || Report {
            findings: keywords_engine()
                .check_body("getT", 200, br#"{"n": 11}"#)
                .unwrap(),
            ..Report::default()
        },
        || Report {
            findings: keywords_engine()
                .check_body("getT", 200, br#"{"n": 10}"#)
                .unwrap(),
            ..Report::default()
        },
    ),
    (
        "schema.multiple-of",
        || Report {
            findings: keywords_engine()
                .check_body("getT", 200, br#"{"m": 7}"#)
                .unwrap(),
            ..Report::default()
        },
        || Report {
            findings: keywords_engine()
                .check_body("getT", 200, br#"{"m": 10}"#)
                .unwrap(),
            ..Report::default()
        },
    ),
    (
        "schema.min-length",
        || Report {
            findings: keywords_engine()
                .check_body("getT", 200, br#"{"s": "\u00e9"}"#)
                .unwrap(),
            ..Report::default()
        },
        || Report {
            findings: keywords_engine()
                .check_body("getT", 200, br#"{"s": "\u00e9\u00e9"}"#)
                .unwrap(),
            ..Report::default()
        },
    ),
    (
        "schema.max-length",
        || Report {
            findings: keywords_engine()
                .check_body("getT", 200, br#"{"s": "abcd"}"#)
                .unwrap(),
            ..Report::default()
        },
        || Report {
            findings: keywords_engine()
                .check_body("getT", 200, br#"{"s": "abc"}"#)
                .unwrap(),
            ..Report::default()
        },
    ),
    (
        "schema.deprecated",
        || Report {
            findings: keywords_engine()
                .check_body("getT", 200, br#"{"old": "x"}"#)
                .unwrap(),
            ..Report::default()
        },
        || Report {
            findings: keywords_engine()
                .check_body("getT", 200, br#"{"s": "abc"}"#)
                .unwrap(),
            ..Report::default()
        },
    ),
    (
        "schema.write-only",
        || Report {
            findings: keywords_engine()
                .check_body("getT", 200, br#"{"secret": "x"}"#)
                .unwrap(),
            ..Report::default()
        },
        || Report {
            findings: keywords_engine()
                .check_body("getT", 200, br#"{"old": null}"#)
                .unwrap(),
            ..Report::default()
        },
    ),
    (
        "schema.read-only",
        || posted_order(Some(r#"{"id": "o-1", "amount": 1, "currency": "ZAR"}"#)),
        || posted_order(Some(r#"{"amount": 1, "currency": "ZAR"}"#)),
    ),
    (
        "identity.idempotent-replay",
        || replayed_order(1, 2),
        || replayed_order(1, 1),
    ),
    (
        "http.response-header",
        || posted_order_at(Some(r#"{"amount": 1, "currency": "ZAR"}"#), "/v2/x"),
        || posted_order(Some(r#"{"amount": 1, "currency": "ZAR"}"#)),
    ),
    (
        "http.request-body",
        || posted_order(None),
        || posted_order(Some(r#"{"amount": 1, "currency": "ZAR"}"#)),
    ),
    (
        "schema.min-items",
        || Report {
            findings: keywords_engine()
                .check_body("getT", 200, br#"{"list": []}"#)
                .unwrap(),
            ..Report::default()
        },
        || Report {
            findings: keywords_engine()
                .check_body("getT", 200, br#"{"list": [1]}"#)
                .unwrap(),
            ..Report::default()
        },
    ),
    (
        "schema.max-items",
        || Report {
            findings: keywords_engine()
                .check_body("getT", 200, br#"{"list": [1, 2, 3]}"#)
                .unwrap(),
            ..Report::default()
        },
        || Report {
            findings: keywords_engine()
                .check_body("getT", 200, br#"{"list": [1, 2]}"#)
                .unwrap(),
            ..Report::default()
        },
    ),
    (
        "schema.unique-items",
        || Report {
            findings: keywords_engine()
                .check_body("getT", 200, br#"{"set": [1, 2, 1.0]}"#)
                .unwrap(),
            ..Report::default()
        },
        || Report {
            findings: keywords_engine()
                .check_body("getT", 200, br#"{"set": [1, 2, 1.5]}"#)
                .unwrap(),
            ..Report::default()
        },
    ),
    (
        // 2 is an integer and a multiple of 0.5: two members match.
        "schema.one-of",
        || keywords_body(r#"{"either": 2}"#),
        || keywords_body(r#"{"either": 2.5}"#),
    ),
    (
        "schema.any-of",
        || keywords_body(r#"{"some": 1}"#),
        || keywords_body(r#"{"some": true}"#),
    ),
    (
        // A `Cat` with a string `meow` fails the member its tag names.
        "schema.discriminator",
        || keywords_body(r#"{"pet": {"kind": "Cat", "meow": "x"}}"#),
        || keywords_body(r#"{"pet": {"kind": "Dog", "bark": true}}"#),
    ),
    (
        "schema.not",
        || keywords_body(r#"{"code": "none"}"#),
        || keywords_body(r#"{"code": "some"}"#),
    ),
    (
        "schema.min-properties",
        || Report {
            findings: keywords_engine()
                .check_body("getT", 200, br#"{"bag": {}}"#)
                .unwrap(),
            ..Report::default()
        },
        || Report {
            findings: keywords_engine()
                .check_body("getT", 200, br#"{"bag": {"a": null}}"#)
                .unwrap(),
            ..Report::default()
        },
    ),
    (
        "schema.max-properties",
        || Report {
            findings: keywords_engine()
                .check_body("getT", 200, br#"{"bag": {"a": 1, "b": 2, "c": 3}}"#)
                .unwrap(),
            ..Report::default()
        },
        || Report {
            findings: keywords_engine()
                .check_body("getT", 200, br#"{"bag": {"a": 1}}"#)
                .unwrap(),
            ..Report::default()
        },
    ),
    (
        "schema.additional-property",
        || Report {
            findings: keywords_engine()
                .check_body("getT", 200, br#"{"closed": {"b": 1}}"#)
                .unwrap(),
            ..Report::default()
        },
        || Report {
            findings: keywords_engine()
                .check_body("getT", 200, br#"{"closed": {"a": 1}}"#)
                .unwrap(),
            ..Report::default()
        },
    ),
    (
        "schema.pattern",
        || {
            body(
                "getCheckoutStatus",
                200,
                br#"{"status":"pending","signature":"XYZ"}"#,
            )
        },
        || body("getCheckoutStatus", 200, br#"{"status":"pending"}"#),
    ),
    (
        "schema.nullable",
        || {
            body(
                "getTransactionStatus",
                200,
                br#"{"data":{"transactionStatus":"Pending","orderId":null},"traceId":"t"}"#,
            )
        },
        || {
            body(
                "getTransactionStatus",
                200,
                br#"{"data":{"transactionStatus":"Pending","orderId":"o"},"traceId":"t"}"#,
            )
        },
    ),
    (
        "schema.undocumented-property",
        || {
            body(
                "getTransactionStatus",
                200,
                br#"{"data":{"transactionStatus":"Pending","extra":1},"traceId":"t"}"#,
            )
        },
        || {
            body(
                "getTransactionStatus",
                200,
                br#"{"data":{"transactionStatus":"Pending"},"traceId":"t"}"#,
            )
        },
    ),
    (
        "schema.timestamp-format",
        || {
            check(vec![exchange(
                0,
                SESSION,
                200,
                session("Created", "yesterday"),
            )])
        },
        || {
            check(vec![exchange(
                0,
                SESSION,
                200,
                session("Created", "2024-11-17T05:30:00Z"),
            )])
        },
    ),
    (
        "state.final-state-left",
        || {
            check(vec![
                exchange(0, TX, 200, tx("Settled")),
                exchange(5, TX, 200, tx("InProgress")),
            ])
        },
        || {
            check(vec![
                exchange(0, TX, 200, tx("Settled")),
                exchange(5, TX, 200, tx("Settled")),
            ])
        },
    ),
    (
        "state.correction",
        || correction_sequence(&["pending", "cancelled", "successful"]),
        || correction_sequence(&["pending", "successful", "successful"]),
    ),
    (
        "state.invalid-transition",
        || {
            check(vec![
                exchange(0, TX, 200, tx("InProgress")),
                exchange(5, TX, 200, tx("Pending")),
            ])
        },
        // Skipping InProgress between polls is fine.
        || {
            check(vec![
                exchange(0, TX, 200, tx("Pending")),
                exchange(5, TX, 200, tx("Settled")),
            ])
        },
    ),
    (
        "state.timeout",
        || {
            check(vec![
                exchange(0, TX, 200, tx("Pending")),
                exchange(66, TX, 200, tx("Pending")),
            ])
        },
        // 65 s is within 60 s plus one 5 s polling interval.
        || {
            check(vec![
                exchange(0, TX, 200, tx("Pending")),
                exchange(65, TX, 200, tx("Pending")),
            ])
        },
    ),
    (
        "state.status-outcome",
        || {
            check(vec![exchange(
                0,
                SESSION,
                200,
                with(
                    session("Completed", "2024-11-17T05:30:00Z"),
                    "/data/outcome",
                    json!("Failed"),
                ),
            )])
        },
        || {
            check(vec![exchange(
                0,
                SESSION,
                200,
                session("Completed", "2024-11-17T05:30:00Z"),
            )])
        },
    ),
    (
        "state.conditional-presence",
        || {
            body(
                "getTransactionStatus",
                200,
                br#"{"data":{"transactionStatus":"Settled"},"traceId":"t"}"#,
            )
        },
        || {
            body(
                "getTransactionStatus",
                200,
                br#"{"data":{"transactionStatus":"Declined"},"traceId":"t"}"#,
            )
        },
    ),
    (
        "state.monotonic",
        || {
            check(vec![
                exchange(0, SESSION, 200, session("Created", "2024-11-17T05:30:09Z")),
                exchange(5, SESSION, 200, session("Launched", "2024-11-17T05:30:01Z")),
            ])
        },
        || {
            check(vec![
                exchange(0, SESSION, 200, session("Created", "2024-11-17T05:30:01Z")),
                exchange(5, SESSION, 200, session("Launched", "2024-11-17T05:30:09Z")),
            ])
        },
    ),
    (
        "identity.echo",
        || {
            check(vec![exchange(
                0,
                SESSION,
                200,
                with(
                    session("Created", "2024-11-17T05:30:00Z"),
                    "/data/siteId",
                    json!("site-2"),
                ),
            )])
        },
        || {
            check(vec![exchange(
                0,
                SESSION,
                200,
                session("Created", "2024-11-17T05:30:00Z"),
            )])
        },
    ),
    (
        "client.poll-interval",
        // Pyng's interval is 5 s; 3 s is under its 80%.
        || {
            check(vec![
                exchange(0, TX, 200, tx("Pending")),
                exchange(3, TX, 200, tx("Pending")),
            ])
        },
        || {
            check(vec![
                exchange(0, TX, 200, tx("Pending")),
                exchange(4, TX, 200, tx("Pending")),
                exchange(9, TX, 200, tx("InProgress")),
            ])
        },
    ),
    (
        "client.rate-limit",
        // Peach: two status requests per minute per merchant, whatever the
        // checkout: two checkouts of one merchant polled every 30 s are four.
        || {
            check(vec![
                exchange(0, &peach_url("order-a", "order-a"), 200, peach_body(true)),
                exchange(1, &peach_url("order-b", "order-b"), 200, peach_body(true)),
                exchange(30, &peach_url("order-a", "order-a"), 200, peach_body(true)),
            ])
        },
        // A minute after the oldest request counted, a new window.
        || {
            check(vec![
                exchange(0, &peach_url("order-a", "order-a"), 200, peach_body(true)),
                exchange(30, &peach_url("order-b", "order-b"), 200, peach_body(true)),
                exchange(60, &peach_url("order-a", "order-a"), 200, peach_body(true)),
                exchange(90, &peach_url("order-b", "order-b"), 200, peach_body(true)),
            ])
        },
    ),
    (
        "client.poll-after-final",
        || {
            check(vec![
                exchange(0, TX, 200, tx("InProgress")),
                exchange(5, TX, 200, tx("Settled")),
                exchange(10, TX, 200, tx("Settled")),
                exchange(15, TX, 200, tx("Settled")),
            ])
        },
        // One confirming poll is fine.
        || {
            check(vec![
                exchange(0, TX, 200, tx("InProgress")),
                exchange(5, TX, 200, tx("Settled")),
                exchange(10, TX, 200, tx("Settled")),
            ])
        },
    ),
    (
        "client.poll-expired",
        || {
            check(vec![
                exchange(0, TX, 200, tx("Expired")),
                exchange(5, TX, 200, tx("Expired")),
                exchange(10, TX, 200, tx("Expired")),
            ])
        },
        || {
            check(vec![
                exchange(0, TX, 200, tx("Pending")),
                exchange(5, TX, 200, tx("Expired")),
                exchange(10, TX, 200, tx("Expired")),
            ])
        },
    ),
    (
        "client.retry-after",
        || {
            check(vec![
                with_header(exchange(0, TX, 429, json!({})), "Retry-After", "10"),
                exchange(6, TX, 200, tx("Pending")),
            ])
        },
        || {
            check(vec![
                with_header(exchange(0, TX, 429, json!({})), "Retry-After", "10"),
                exchange(10, TX, 200, tx("Pending")),
            ])
        },
    ),
    (
        "client.backoff",
        || {
            check(vec![
                exchange(0, TX, 500, json!({})),
                exchange(1, TX, 200, tx("Pending")),
            ])
        },
        // The interval after the first error, longer after the second.
        || {
            check(vec![
                exchange(0, TX, 503, json!({})),
                exchange(5, TX, 503, json!({})),
                exchange(15, TX, 200, tx("Pending")),
            ])
        },
    ),
    (
        "client.token-reuse",
        // A new token 10 s into a 3600 s one.
        || {
            check(vec![
                token(0, Some(3600)),
                exchange(1, TX, 200, tx("Pending")),
                token(10, Some(3600)),
                exchange(11, TX, 200, tx("Pending")),
            ])
        },
        // Renewed in the last 30 s of a 100 s token (30 s: more than its last 10%).
        || {
            check(vec![
                token(0, Some(100)),
                exchange(1, TX, 200, tx("Pending")),
                exchange(6, TX, 200, tx("Pending")),
                token(90, Some(100)),
                exchange(91, TX, 200, tx("Pending")),
            ])
        },
    ),
    (
        "link.poll-before-creation",
        || {
            check(vec![
                exchange(0, TX, 200, tx("Pending")),
                create_intent(5, intent()),
            ])
        },
        || {
            check(vec![
                create_intent(0, intent()),
                exchange(5, TX, 200, tx("Pending")),
            ])
        },
    ),
    (
        "link.first-state-initial",
        || {
            check(vec![
                create_intent(0, intent()),
                exchange(5, TX, 200, tx("InProgress")),
            ])
        },
        || {
            check(vec![
                create_intent(0, intent()),
                exchange(5, TX, 200, tx("Pending")),
                exchange(10, TX, 200, tx("InProgress")),
            ])
        },
    ),
    (
        "link.stable-value",
        || {
            check(vec![
                create_intent(0, intent()),
                exchange(5, TX, 200, tx_of_order("Pending", "order-43")),
            ])
        },
        || {
            check(vec![
                create_intent(0, intent()),
                exchange(5, TX, 200, tx_of_order("Pending", "order-42")),
            ])
        },
    ),
    (
        "identity.stable",
        || {
            check(vec![
                exchange(0, TX, 200, tx("InProgress")),
                exchange(
                    5,
                    TX,
                    200,
                    with(tx("Settled"), "/data/transactionId", json!("t-2")),
                ),
            ])
        },
        || {
            check(vec![
                exchange(0, TX, 200, tx("InProgress")),
                exchange(5, TX, 200, tx("Settled")),
            ])
        },
    ),
    (
        "signature.request",
        || {
            check(vec![exchange(
                0,
                &peach_url("Test1234", "Test9999"),
                200,
                json!({"status": "pending"}),
            )])
        },
        || {
            check(vec![exchange(
                0,
                &peach_url("Test1234", "Test1234"),
                200,
                json!({"status": "pending"}),
            )])
        },
    ),
    (
        "signature.response",
        || {
            check(vec![exchange(
                0,
                &peach_url("Test1234", "Test1234"),
                200,
                peach_body(false),
            )])
        },
        || {
            check(vec![exchange(
                0,
                &peach_url("Test1234", "Test1234"),
                200,
                peach_body(true),
            )])
        },
    ),
    (
        "signature.unverifiable",
        || {
            check(vec![exchange(
                0,
                &peach_url("<redacted>", "secret-value-1"),
                200,
                json!({"status": "pending <redacted>", "signature": "00"}),
            )])
        },
        || {
            check(vec![exchange(
                0,
                &peach_url("Test1234", "Test1234"),
                200,
                peach_body(true),
            )])
        },
    ),
    (
        "amount.paid-equals-line-totals",
        || {
            body("getTransactionStatus", 200, br#"{"data":{"transactionStatus":"Pending","amountPaid":5,"lineItems":[{"itemId":"a","quantity":1,"amountPerUnit":3,"amountSubtotal":4}]},"traceId":"t"}"#)
        },
        || {
            body("getTransactionStatus", 200, br#"{"data":{"transactionStatus":"Pending","amountPaid":4,"lineItems":[{"itemId":"a","quantity":1,"amountPerUnit":3,"amountSubtotal":4}]},"traceId":"t"}"#)
        },
    ),
    (
        "amount.subtotal-covers-units",
        || {
            body("getTransactionStatus", 200, br#"{"data":{"transactionStatus":"Pending","lineItems":[{"itemId":"a","quantity":2,"amountPerUnit":3,"amountSubtotal":5}]},"traceId":"t"}"#)
        },
        || {
            body("getTransactionStatus", 200, br#"{"data":{"transactionStatus":"Pending","lineItems":[{"itemId":"a","quantity":2,"amountPerUnit":3,"amountSubtotal":6}]},"traceId":"t"}"#)
        },
    ),
    (
        "amount.line-total-after-discounts",
        || {
            body("getTransactionStatus", 200, br#"{"data":{"transactionStatus":"Pending","lineItems":[{"itemId":"a","quantity":1,"amountPerUnit":3,"amountSubtotal":5,"discounts":[{"amount":1}],"amountTotal":5}]},"traceId":"t"}"#)
        },
        || {
            body("getTransactionStatus", 200, br#"{"data":{"transactionStatus":"Pending","lineItems":[{"itemId":"a","quantity":1,"amountPerUnit":3,"amountSubtotal":5,"discounts":[{"amount":1}],"amountTotal":4}]},"traceId":"t"}"#)
        },
    ),
];

#[test]
fn each_rule_fails_and_passes() {
    for (rule, failing, passing) in CASES {
        let bad = failing();
        assert!(
            bad.findings.iter().any(|f| f.rule == *rule),
            "{rule}: the failing case did not trigger it: {:#?}",
            bad.findings
        );
        // Without a policy, every finding has the severity its rule is registered with.
        for f in &bad.findings {
            let entry = pyng_spec::registry::lookup(&f.rule)
                .unwrap_or_else(|| panic!("{} is not registered", f.rule));
            assert_eq!(
                f.severity,
                entry.severity().into(),
                "{}: reported with another severity than the registry's",
                f.rule
            );
        }
        let good = passing();
        assert!(
            !good.findings.iter().any(|f| f.rule == *rule),
            "{rule}: the passing case triggered it: {:#?}",
            good.findings
        );
    }
}

#[test]
fn retries_in_a_row_back_off_and_each_client_rule_says_so_once_per_sequence() {
    let no_growth = check(vec![
        exchange(0, TX, 503, json!({})),
        exchange(5, TX, 503, json!({})),
        exchange(10, TX, 200, tx("Pending")),
    ]);
    assert_eq!(
        rules(&no_growth)
            .iter()
            .filter(|r| *r == "client.backoff")
            .count(),
        1
    );
    // A client that polls on after the final state is told once.
    let mut on = vec![exchange(0, TX, 200, tx("Settled"))];
    on.extend((1..8).map(|i| exchange(i * 5, TX, 200, tx("Settled"))));
    assert_eq!(
        rules(&check(on))
            .iter()
            .filter(|r| *r == "client.poll-after-final")
            .count(),
        1
    );
}

/// `Retry-After` as an HTTP-date (RFC 9110 § 10.2.3): the wait is the date
/// less the response's `Date` (the server's clock), else less the request's
/// recorded time; an obsolete form reads as the IMF-fixdate does.
#[test]
fn tokens_are_judged_by_their_lifetime_else_by_how_often_they_are_asked_for() {
    let reuse = |r: &Report| -> Vec<(Option<usize>, Option<String>)> {
        r.findings
            .iter()
            .filter(|f| f.rule == "client.token-reuse")
            .map(|f| (f.entry, f.operation.clone()))
            .collect()
    };
    // A token per request, with lifetimes: each early token request is named.
    let per_request = check(vec![
        token(0, Some(3600)),
        exchange(1, TX, 200, tx("Pending")),
        token(5, Some(3600)),
        exchange(6, TX, 200, tx("Pending")),
        token(10, Some(3600)),
        exchange(11, TX, 200, tx("Pending")),
    ]);
    let op = Some("requestAccessToken".to_owned());
    assert_eq!(
        reuse(&per_request),
        vec![(Some(2), op.clone()), (Some(4), op.clone())]
    );
    // A refused token is renewed at once.
    let refused = check(vec![
        token(0, Some(3600)),
        exchange(1, TX, 401, json!({})),
        token(2, Some(3600)),
        exchange(3, TX, 200, tx("Pending")),
    ]);
    assert_eq!(reuse(&refused), vec![]);
    // A failed token request gives no lifetime: a retry is no reuse.
    let retried = check(vec![
        token(0, None),
        token(5, Some(3600)),
        exchange(6, TX, 200, tx("Pending")),
    ]);
    assert_eq!(reuse(&retried), vec![]);
    // Without a lifetime (`expires_in` is only RECOMMENDED by RFC 6749),
    // the count judges: a token before 3 of 3 requests, reported once, at
    // the first.
    let unlimited = |t| {
        let mut ex = token(t, Some(1));
        ex["response"]["body"]
            .as_object_mut()
            .unwrap()
            .remove("expires_in");
        ex
    };
    let uncounted = check(vec![
        unlimited(0),
        exchange(1, TX, 200, tx("Pending")),
        unlimited(5),
        exchange(6, TX, 200, tx("Pending")),
        unlimited(10),
        exchange(11, TX, 200, tx("Pending")),
    ]);
    assert_eq!(
        reuse(&uncounted),
        vec![(Some(1), Some("getTransactionStatus".to_owned()))]
    );
    let once = check(vec![
        unlimited(0),
        exchange(1, TX, 200, tx("Pending")),
        exchange(6, TX, 200, tx("Pending")),
        exchange(11, TX, 200, tx("Pending")),
    ]);
    assert_eq!(reuse(&once), vec![]);
}

#[test]
fn an_http_date_retry_after_is_read_against_the_servers_date() {
    let limited = |retry: &str, date: Option<&str>| {
        let ex = with_header(exchange(0, TX, 429, json!({})), "Retry-After", retry);
        match date {
            Some(d) => with_header(ex, "Date", d),
            None => ex,
        }
    };
    let retried = |after: u32, first: Value| {
        rules(&check(vec![first, exchange(after, TX, 200, tx("Pending"))]))
            .contains(&"client.retry-after".to_owned())
    };
    // 05:30:00 + 10 s, against the request's time.
    let imf = "Sun, 17 Nov 2024 05:30:10 GMT";
    assert!(retried(6, limited(imf, None)));
    assert!(!retried(10, limited(imf, None)));
    for obsolete in ["Sunday, 17-Nov-24 05:30:10 GMT", "Sun Nov 17 05:30:10 2024"] {
        assert!(retried(6, limited(obsolete, None)), "{obsolete}");
        assert!(!retried(10, limited(obsolete, None)), "{obsolete}");
    }
    // The server's clock is 20 s ahead of the recording's: 10 s from its
    // `Date`, less the second a `Date` rounds down.
    let ahead = (
        "Sun, 17 Nov 2024 05:30:30 GMT",
        Some("Sun, 17 Nov 2024 05:30:20 GMT"),
    );
    assert!(retried(8, limited(ahead.0, ahead.1)));
    assert!(!retried(9, limited(ahead.0, ahead.1)));
    // A date that is none (a wrong day name) asks for nothing.
    assert!(!retried(1, limited("Mon, 17 Nov 2024 05:30:10 GMT", None)));
}

/// The limit is counted per merchant (`authentication.entityId`), and the
/// finding names the merchant, the limit and its source.
#[test]
fn the_rate_limit_is_counted_per_merchant_and_sourced() {
    let other = peach_url("order-b", "order-b").replace(
        "8ac7a4ca86c2c24d0168c2caab2e0025",
        "0000a4ca86c2c24d0168c2caab2e0025",
    );
    let two_merchants = check(vec![
        exchange(0, &peach_url("order-a", "order-a"), 200, peach_body(true)),
        exchange(1, &other, 200, peach_body(true)),
        exchange(30, &peach_url("order-a", "order-a"), 200, peach_body(true)),
        exchange(31, &other, 200, peach_body(true)),
    ]);
    assert!(
        !rules(&two_merchants)
            .iter()
            .any(|r| r == "client.rate-limit"),
        "{:#?}",
        two_merchants.findings
    );
    let one = check(vec![
        exchange(0, &peach_url("order-a", "order-a"), 200, peach_body(true)),
        exchange(1, &peach_url("order-b", "order-b"), 200, peach_body(true)),
        exchange(30, &peach_url("order-a", "order-a"), 200, peach_body(true)),
        exchange(31, &peach_url("order-b", "order-b"), 200, peach_body(true)),
    ]);
    let found: Vec<_> = one
        .findings
        .iter()
        .filter(|f| f.rule == "client.rate-limit")
        .collect();
    assert_eq!(found.len(), 2, "{found:#?}");
    assert_eq!(found[0].entry, Some(2));
    assert!(
        found[0]
            .message
            .contains("authentication.entityId=8ac7a4ca86c2c24d0168c2caab2e0025"),
        "{}",
        found[0].message
    );
    assert!(
        found[0].message.contains("admits 2 per 60 s"),
        "{}",
        found[0].message
    );
    let source = found[0].source.as_deref().expect("sourced");
    assert!(source.starts_with("provider-facts.md"), "{source}");
}

#[test]
fn every_catalogued_rule_has_a_case() {
    let catalogue = engine().rules();
    for r in &catalogue {
        assert!(
            CASES.iter().any(|(id, _, _)| *id == r.id),
            "no test case for {}: add a (rule, failing, passing) entry to CASES in pyng-conformance/tests/rules.rs",
            r.id
        );
    }
}

#[test]
fn a_documented_correction_is_a_warning_and_any_other_move_out_of_a_final_state_an_error() {
    let rules = |r: &Report| -> Vec<(String, bool)> {
        r.findings
            .iter()
            .map(|f| (f.rule.clone(), f.is_error()))
            .collect()
    };
    let corrected = correction_sequence(&["pending", "cancelled", "successful"]);
    assert_eq!(rules(&corrected), [("state.correction".to_owned(), false)]);
    assert!(
        corrected.findings[0]
            .message
            .contains("`status` is successful after cancelled"),
        "{}",
        corrected.findings[0].message
    );
    // Final states stay final: not corrected back, not to another final state,
    // and the corrected state is left only as the spec says.
    for statuses in [
        ["pending", "cancelled", "pending"],
        ["pending", "cancelled", "expired"],
        ["cancelled", "successful", "cancelled"],
    ] {
        let r = correction_sequence(&statuses);
        assert!(
            rules(&r).contains(&("state.final-state-left".to_owned(), true)),
            "{statuses:?}: {:#?}",
            r.findings
        );
    }
}

#[test]
fn timeouts_are_reported_once_and_deadlines_apply() {
    let r = check(
        (0..6)
            .map(|i| exchange(i * 30, TX, 200, tx("Pending")))
            .collect(),
    );
    assert_eq!(
        r.findings
            .iter()
            .filter(|f| f.rule == "state.timeout")
            .count(),
        1
    );
    // expiresAt 06:00:00; polling interval 5 s.
    let late = exchange(
        30 * 60 + 6,
        SESSION,
        200,
        session("Pending", "2024-11-17T05:30:00Z"),
    );
    assert!(rules(&check(vec![late])).contains(&"state.timeout".to_owned()));
    let in_tolerance = exchange(
        30 * 60 + 5,
        SESSION,
        200,
        session("Pending", "2024-11-17T05:30:00Z"),
    );
    assert!(!rules(&check(vec![in_tolerance])).contains(&"state.timeout".to_owned()));
}

#[test]
fn sequences_are_ordered_by_time_and_split_by_resource() {
    // Recorded out of order: Settled (t=5) before Pending (t=0).
    let r = check(vec![
        exchange(5, TX, 200, tx("Settled")),
        exchange(0, TX, 200, tx("Pending")),
    ]);
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
    let other = TX.replace("pi_1", "pi_2");
    let r = check(vec![
        exchange(0, TX, 200, tx("Settled")),
        exchange(5, &other, 200, tx("Pending")),
    ]);
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
    assert_eq!(r.sequences, 2);
}

#[test]
fn findings_carry_positions_pointers_and_sources() {
    let r = body(
        "getTransactionStatus",
        200,
        b"{\n  \"data\": {\n    \"transactionStatus\": \"Pending\",\n    \"amountPaid\": \"12\"\n  },\n  \"traceId\": \"t\"\n}",
    );
    let f = r.findings.iter().find(|f| f.rule == "schema.type").unwrap();
    assert_eq!(f.pointer.as_deref(), Some("/data/amountPaid"));
    assert_eq!((f.line, f.column), (Some(4), Some(19)));
    let seed = engine().check_paths(&["../examples/recordings/seed-001-examples.har"]);
    let f = seed
        .findings
        .iter()
        .find(|f| f.rule == "amount.paid-equals-line-totals")
        .unwrap();
    assert_eq!(
        f.source.as_deref(),
        Some("001_2020593368484f7b.txt § Line Items")
    );
    assert!(f.message.contains("2940") && f.message.contains("2440"));
}

#[test]
fn policy_denies_allows_and_strict() {
    use pyng_conformance::Policy;
    let body = br#"{"data":{"transactionStatus":"Pending","extra":1},"traceId":"t"}"#;
    let run = |p: Policy| {
        engine()
            .with_policy(p)
            .check_body("getTransactionStatus", 200, body)
            .unwrap()
    };
    let plain = run(Policy::default());
    assert!(plain.iter().all(|f| !f.is_error()));
    assert!(
        run(Policy {
            strict: true,
            ..Policy::default()
        })
        .iter()
        .all(|f| f.is_error())
    );
    assert!(
        run(Policy {
            deny: vec!["schema".into()],
            ..Policy::default()
        })
        .iter()
        .all(|f| f.is_error())
    );
    assert!(
        run(Policy {
            allow: vec!["schema.undocumented-property".into()],
            ..Policy::default()
        })
        .is_empty()
    );
}

/// One operation whose responses document different state machines: a status
/// of one enum is not compared with the last status of the other (it used to
/// index one enum's tables with the other's value: out of bounds).
#[test]
fn statuses_of_different_machines_are_not_compared() {
    let yaml = r##"
openapi: 3.0.3
info: {title: Two machines, version: "1"}
paths:
  /things/{id}:
    get:
      operationId: getThing
      x-resource-key: [id]
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        "200":
          description: OK
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Big"}
        "202":
          description: Accepted
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Small"}
components:
  schemas:
    Big:
      type: object
      required: [status]
      properties:
        status: {$ref: "#/components/schemas/BigEnum"}
    Small:
      type: object
      required: [status]
      properties:
        status: {$ref: "#/components/schemas/SmallEnum"}
    BigEnum:
      type: string
      enum: [A, B, C, D, E]
      x-state-machine:
        initial: [A]
        final: [E]
        transitions: {A: [B], B: [C], C: [D], D: [E]}
    SmallEnum:
      type: string
      enum: [X, Y]
      x-state-machine:
        initial: [X]
        final: [Y]
        transitions: {X: [Y]}
"##;
    let engine = Engine::from_specs(vec![pyng_spec::load_str("t.yaml", yaml).unwrap().spec]);
    let line = |t: u32, status: u16, value: &str| {
        format!(
            r#"{{"startedAt":"2024-01-01T00:00:0{t}Z","request":{{"method":"GET","url":"https://h/things/1"}},"response":{{"status":{status},"headers":{{"Content-Type":"application/json"}},"body":{{"status":"{value}"}}}}}}"#
        )
    };
    let rules = |lines: &[String]| -> Vec<String> {
        let text = lines.join("\n");
        let report = engine.check_bytes("r.ndjson", text.as_bytes());
        report.findings.iter().map(|f| f.rule.clone()).collect()
    };
    // E (final, last of five) then X, then back to the big machine: no
    // transition is compared across the two enums.
    assert_eq!(
        rules(&[line(0, 200, "E"), line(1, 202, "X"), line(2, 200, "E")]),
        Vec::<String>::new()
    );
    // Within one enum the checks still apply.
    assert_eq!(
        rules(&[line(0, 200, "E"), line(1, 200, "A")]),
        ["state.final-state-left"]
    );
    assert_eq!(
        rules(&[line(0, 202, "Y"), line(1, 202, "X")]),
        ["state.final-state-left"]
    );
}
