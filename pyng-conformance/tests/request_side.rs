//! The request side of an operation: request bodies (JSON and form, a shared
//! `requestBodies` component), `readOnly` and `writeOnly`, against the
//! fixture `tests/request_side/orders.yaml`.

use pyng_conformance::{Engine, Report};
use serde_json::{Value, json};

const ORDERS: &str = include_str!("request_side/orders.yaml");
const ORDERS_URL: &str = "https://api.example/v1/orders";

fn engine() -> Engine {
    let loaded = pyng_spec::load_str("orders.yaml", ORDERS).unwrap();
    Engine::from_specs(vec![loaded.spec])
}

/// A POST to `url` with `request` members (headers, body...) answered 201
/// with a conforming order.
fn post(url: &str, request: Value, status: u16, body: Value) -> Value {
    let mut req = json!({"method": "POST", "url": url});
    if let (Some(r), Some(extra)) = (req.as_object_mut(), request.as_object()) {
        r.extend(extra.clone());
    }
    json!({
        "startedAt": "2024-11-17T05:30:00Z",
        "request": req,
        "response": {"status": status, "headers": {"Content-Type": "application/json"}, "body": body}
    })
}

fn created() -> Value {
    json!({"id": "o-1", "amount": 100, "currency": "ZAR"})
}

fn check(exchanges: Vec<Value>) -> Report {
    let doc = json!({"format": "pyng-recording", "version": 1, "exchanges": exchanges});
    engine().check_bytes("r.json", &serde_json::to_vec(&doc).unwrap())
}

fn json_order(body: Value) -> Value {
    json!({"headers": {"Content-Type": "application/json"}, "body": body})
}

fn form_order(text: &str) -> Value {
    json!({"headers": {"Content-Type": "application/x-www-form-urlencoded"}, "bodyText": text})
}

fn rules(r: &Report) -> Vec<&str> {
    r.findings.iter().map(|f| f.rule.as_str()).collect()
}

fn messages(r: &Report) -> Vec<&str> {
    r.findings.iter().map(|f| f.message.as_str()).collect()
}

#[test]
fn a_conforming_json_or_form_body_passes() {
    let r = check(vec![
        post(
            ORDERS_URL,
            json_order(json!({"amount": 100, "currency": "ZAR", "cardToken": "t", "tags": ["a"]})),
            201,
            created(),
        ),
        post(
            ORDERS_URL,
            form_order("amount=100&currency=USD&express=true&tags=a&tags=b"),
            201,
            created(),
        ),
    ]);
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
    assert!(!r.coverage.not_evaluated.contains_key("http.request-body"));
}

#[test]
fn the_body_is_checked_with_the_schema_rules_as_a_request() {
    // `id` is required but readOnly: not required in a request, refused in one.
    let r = check(vec![post(
        ORDERS_URL,
        json_order(json!({"id": "o-1", "amount": 0, "currency": "EUR"})),
        201,
        created(),
    )]);
    assert_eq!(
        rules(&r),
        ["schema.read-only", "schema.minimum", "schema.enum"],
        "{:#?}",
        r.findings
    );
    assert!(
        messages(&r)[0].starts_with("request body at `/id`: "),
        "{}",
        messages(&r)[0]
    );
    // A required property missing from the request.
    let r = check(vec![post(
        ORDERS_URL,
        json_order(json!({"currency": "ZAR"})),
        201,
        created(),
    )]);
    assert_eq!(rules(&r), ["schema.required"], "{:#?}", r.findings);
}

#[test]
fn form_fields_are_coerced_to_their_property_types() {
    let r = check(vec![post(
        ORDERS_URL,
        form_order("amount=ten&currency=ZAR&express=yes"),
        201,
        created(),
    )]);
    assert_eq!(
        rules(&r),
        ["schema.type", "schema.type"],
        "{:#?}",
        r.findings
    );
    assert!(messages(&r)[0].contains("`/amount`"), "{:?}", messages(&r));
}

#[test]
fn a_write_only_property_in_the_response_is_refused() {
    let mut body = created();
    body["cardToken"] = json!("t");
    let r = check(vec![post(
        ORDERS_URL,
        json_order(json!({"amount": 1, "currency": "ZAR"})),
        201,
        body,
    )]);
    assert_eq!(rules(&r), ["schema.write-only"], "{:#?}", r.findings);
}

#[test]
fn a_missing_required_body_is_a_finding() {
    let r = check(vec![post(ORDERS_URL, json!({}), 201, created())]);
    assert_eq!(rules(&r), ["http.request-body"], "{:#?}", r.findings);
    assert!(
        messages(&r)[0].contains("requires one"),
        "{:?}",
        messages(&r)
    );
}

#[test]
fn a_body_that_is_not_recorded_is_not_checked_and_says_so() {
    // Declared (Content-Type) but not kept by the recorder.
    let declared = post(
        ORDERS_URL,
        json!({"headers": {"Content-Type": "application/json"}}),
        201,
        created(),
    );
    // An optional body, not sent (or not kept).
    let optional = post("https://api.example/v1/notes", json!({}), 204, Value::Null);
    let mut optional = optional;
    optional["response"] = json!({"status": 204});
    let r = check(vec![declared, optional]);
    assert!(
        !rules(&r).contains(&"http.request-body"),
        "{:#?}",
        r.findings
    );
    let skipped = &r.coverage.not_evaluated["http.request-body"];
    assert_eq!(skipped.exchanges, 2);
    assert!(
        skipped.reason.contains("no request body"),
        "{}",
        skipped.reason
    );
}

#[test]
fn an_undocumented_media_type_or_broken_json_is_a_finding() {
    let r = check(vec![post(
        ORDERS_URL,
        json!({"headers": {"Content-Type": "text/plain"}, "bodyText": "amount=1"}),
        201,
        created(),
    )]);
    assert_eq!(rules(&r), ["http.request-body"], "{:#?}", r.findings);
    assert!(
        messages(&r)[0].contains("`text/plain`"),
        "{:?}",
        messages(&r)
    );
    let r = check(vec![post(
        ORDERS_URL,
        json!({"headers": {"Content-Type": "application/json; charset=utf-8"}, "bodyText": "{\"amount\": "}),
        201,
        created(),
    )]);
    assert_eq!(rules(&r), ["http.request-body"], "{:#?}", r.findings);
    assert!(messages(&r)[0].contains("not JSON"), "{:?}", messages(&r));
}

#[test]
fn har_post_data_params_are_a_form_body() {
    let har = json!({"log": {"entries": [{
        "startedDateTime": "2024-11-17T05:30:00Z",
        "request": {"method": "POST", "url": ORDERS_URL, "headers": [],
            "postData": {"mimeType": "application/x-www-form-urlencoded",
                "params": [{"name": "amount", "value": "0"}, {"name": "currency", "value": "ZAR"}]}},
        "response": {"status": 201, "headers": [{"name": "Content-Type", "value": "application/json"}],
            "content": {"mimeType": "application/json", "text": created().to_string()}}
    }]}});
    let r = engine().check_bytes("r.har", &serde_json::to_vec(&har).unwrap());
    assert_eq!(rules(&r), ["schema.minimum"], "{:#?}", r.findings);
}
