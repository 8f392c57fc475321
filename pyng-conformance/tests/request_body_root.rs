//! A JSON request body's root holds value constraints, `nullable` and
//! `oneOf`/`anyOf`/`not` as a response body does: each is checked on the
//! recorded request (`http.request-body`-located `schema.*` findings).

use pyng_conformance::{Engine, Report};
use serde_json::{Value, json};

const SPEC: &str = include_str!("request_body_root/spec.yaml");

fn check(path: &str, body: Value) -> Report {
    let spec = pyng_spec::load_str("spec.yaml", SPEC).unwrap().spec;
    let exchange = json!({
        "startedAt": "2024-11-17T05:30:00Z",
        "request": {"method": "POST", "url": format!("https://x.example{path}"),
            "headers": {"Content-Type": "application/json"}, "body": body},
        "response": {"status": 204, "headers": {}},
    });
    let doc = json!({"format": "pyng-recording", "version": 1, "exchanges": [exchange]});
    Engine::from_specs(vec![spec]).check_bytes("r.json", &serde_json::to_vec(&doc).unwrap())
}

fn rules(report: &Report) -> Vec<&str> {
    let mut out: Vec<&str> = report.findings.iter().map(|f| f.rule.as_str()).collect();
    out.sort();
    out
}

#[test]
fn a_root_composition_is_checked_on_the_request() {
    assert_eq!(
        rules(&check("/payments", json!({"number": "4111111111111111"}))),
        Vec::<&str>::new()
    );
    assert_eq!(
        rules(&check("/payments", json!({"wallet": "w-1"}))),
        Vec::<&str>::new()
    );
    let both = check(
        "/payments",
        json!({"number": "4111111111111111", "wallet": "w-1"}),
    );
    assert_eq!(rules(&both), ["schema.one-of"], "{:?}", both.findings);
    assert!(
        both.findings[0].message.contains("request body"),
        "{:?}",
        both.findings
    );
    assert_eq!(
        rules(&check("/payments", json!({"number": "41"}))),
        ["schema.one-of"]
    );
}

#[test]
fn root_constraints_are_checked_on_the_request() {
    let card = json!({"number": "4111111111111111"});
    assert_eq!(rules(&check("/batches", json!([card]))), Vec::<&str>::new());
    assert_eq!(rules(&check("/batches", json!([]))), ["schema.min-items"]);
    assert_eq!(
        rules(&check("/batches", json!([card, card, card]))),
        ["schema.max-items"]
    );
}

#[test]
fn a_component_with_annotations_at_a_request_body_root_is_refused() {
    let text = SPEC
        .replace("    Card:\n      type: object\n", "    Card:\n      type: object\n      deprecated: true\n")
        .replace("              items: {$ref: \"#/components/schemas/Card\"}\n", "              items: {type: object}\n")
        .replace(
            "              oneOf:\n                - $ref: \"#/components/schemas/Card\"\n                - $ref: \"#/components/schemas/Wallet\"\n",
            "              $ref: \"#/components/schemas/Card\"\n",
        );
    let errors = pyng_spec::load_str("spec.yaml", &text).unwrap_err();
    let messages: Vec<&str> = errors.errors().map(|d| d.message.as_str()).collect();
    assert!(
        messages.len() == 1
            && messages[0].contains("`Card` has `deprecated`")
            && messages[0].contains("a request body"),
        "{messages:?}"
    );
}
