//! Status codes, ranges (`5XX`) and `default`, with OpenAPI's precedence
//! (exact code, then range, then default), on every method and several
//! operations of one path.

use pyng_conformance::{Engine, Report};
use serde_json::{Value, json};

/// Shared with the generated code's test (`pyng-derive/tests/status_ranges.rs`).
const SPEC: &str = include_str!("../../pyng-derive/tests/fixtures/status-ranges.yaml");

fn engine() -> Engine {
    let loaded = pyng_spec::load_str("orders.yaml", SPEC).unwrap_or_else(|e| panic!("{e:?}"));
    Engine::from_specs(vec![loaded.spec])
}

fn check(method: &str, path: &str, status: u16, body: Value) -> Report {
    let recording = json!({
        "format": "pyng-recording", "version": 1,
        "exchanges": [{
            "startedAt": "2026-01-01T00:00:00Z",
            "request": {"method": method, "url": format!("https://h.example{path}")},
            "response": {"status": status, "headers": {"Content-Type": "application/json"}, "body": body}
        }]
    });
    engine().check_bytes("r.json", &serde_json::to_vec(&recording).unwrap())
}

/// (rule, pointer) of every finding.
fn found(report: &Report) -> Vec<(String, Option<String>)> {
    report
        .findings
        .iter()
        .map(|f| (f.rule.clone(), f.pointer.clone()))
        .collect()
}

fn required(pointer: &str) -> Vec<(String, Option<String>)> {
    vec![("schema.required".to_owned(), Some(pointer.to_owned()))]
}

#[test]
fn a_status_under_a_range_is_documented_and_its_body_checked() {
    assert_eq!(
        found(&check("GET", "/orders/1", 502, json!({"code": "x"}))),
        []
    );
    assert_eq!(
        found(&check("GET", "/orders/1", 500, json!({}))),
        required("/code")
    );
    assert_eq!(
        found(&check("POST", "/orders", 422, json!({"code": "x"}))),
        []
    );
    assert_eq!(
        found(&check("POST", "/orders", 409, json!({}))),
        required("/code")
    );
    assert_eq!(
        found(&check("PATCH", "/orders/1", 200, json!({}))),
        required("/id")
    );
    assert_eq!(
        found(&check("PATCH", "/orders/1", 202, json!({"id": "1"}))),
        []
    );
}

#[test]
fn an_exact_code_comes_before_its_range() {
    // 503 has a schema of its own: the 5XX one does not apply to it.
    assert_eq!(
        found(&check(
            "GET",
            "/orders/1",
            503,
            json!({"retryAfterSeconds": 30})
        )),
        []
    );
    assert_eq!(
        found(&check("GET", "/orders/1", 503, json!({}))),
        required("/retryAfterSeconds")
    );
    // 404 documents no body, so none is checked; 200 has its own schema.
    assert_eq!(found(&check("GET", "/orders/1", 404, json!({"x": 1}))), []);
    assert_eq!(
        found(&check("GET", "/orders/1", 200, json!({}))),
        required("/id")
    );
}

#[test]
fn default_takes_what_no_code_or_range_documents() {
    assert_eq!(
        found(&check("PUT", "/orders/1", 418, json!({"code": "teapot"}))),
        []
    );
    assert_eq!(
        found(&check("PUT", "/orders/1", 500, json!({}))),
        required("/code")
    );
    assert_eq!(
        found(&check("PUT", "/orders/1", 200, json!({"id": "1"}))),
        []
    );
}

#[test]
fn a_status_outside_codes_and_ranges_is_undocumented() {
    let report = check("GET", "/orders/1", 302, json!({}));
    let messages: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.rule == "http.status-documented")
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(
        messages,
        ["status 302 is not documented for getOrder; documented: 200, 404, 503, 5XX"]
    );
    let report = check("PATCH", "/orders/1", 404, json!({}));
    assert!(
        found(&report)
            .iter()
            .any(|(r, _)| r == "http.status-documented")
    );
    let report = check("DELETE", "/orders/1", 200, json!({}));
    assert!(
        found(&report)
            .iter()
            .any(|(r, _)| r == "http.status-documented")
    );
    assert_eq!(found(&check("DELETE", "/orders/1", 204, json!(null))), []);
}

#[test]
fn coverage_lists_ranges_and_default_as_written() {
    let report = check("GET", "/orders/1", 502, json!({"code": "x"}));
    let coverage = &report.coverage.operations;
    assert_eq!(
        coverage["getOrder"].statuses_documented,
        ["200", "404", "503", "5XX"]
    );
    assert_eq!(
        coverage["replaceOrder"].statuses_documented,
        ["200", "default"]
    );
    assert_eq!(coverage["updateOrder"].statuses_documented, ["2XX"]);
}
