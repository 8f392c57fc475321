//! The generated models read every documented example (the specs' and the seed
//! document's own bodies) and write it back unchanged; `check()` reports what the
//! spec says is wrong with seed 001's example.

mod support;

use pyng_models::pyng_transaction_status as tx;
use pyng_spec::ir::Type;
use serde_json::Value;
use support::{SPECS, generated_type, load, models};

#[test]
fn every_schema_has_a_generated_type() {
    for rel in SPECS {
        let spec = load(rel);
        for name in models(&spec) {
            assert!(
                generated_type(rel, &name).is_some(),
                "{rel}: schema {name} is missing from the test table in tests/support"
            );
        }
    }
}

#[test]
fn every_spec_example_deserializes_and_round_trips() {
    let mut seen = 0;
    for rel in SPECS {
        let spec = load(rel);
        for op in &spec.operations {
            for response in &op.responses {
                let Some(Type::Named(body)) = &response.body else {
                    continue;
                };
                let run = generated_type(rel, body).expect("body type in the table");
                for example in &response.examples {
                    let out = run(&example.value).unwrap_or_else(|e| {
                        panic!("{rel} {} example {}: {e}", op.id, example.name)
                    });
                    assert_eq!(
                        out.reserialized, example.value,
                        "{rel} {} example {} does not round-trip",
                        op.id, example.name
                    );
                    seen += 1;
                }
            }
        }
    }
    assert!(seen >= 2, "expected the seed 001 examples, saw {seen}");
}

fn seed(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn seed_001_bodies_deserialize_and_round_trip() {
    let ok = seed("seed-001-200.json");
    let envelope: tx::TransactionStatusEnvelope = serde_json::from_value(ok.clone()).unwrap();
    assert_eq!(serde_json::to_value(&envelope).unwrap(), ok);
    assert_eq!(
        envelope.data.transaction_status,
        tx::TransactionStatusEnum::Settled
    );
    let items = envelope.data.line_items.as_ref().unwrap();
    assert_eq!(items.len(), 4);
    assert_eq!(items[2].discounts.as_ref().unwrap()[1].amount, Some(50));

    let err = seed("seed-001-404.json");
    let body: tx::ErrorResponse = serde_json::from_value(err.clone()).unwrap();
    assert_eq!(serde_json::to_value(&body).unwrap(), err);
    assert_eq!(body.errors[0].message, "payment intent not found");
}

#[test]
fn seed_001_check_reports_2940_vs_2440() {
    let envelope: tx::TransactionStatusEnvelope =
        serde_json::from_value(seed("seed-001-200.json")).unwrap();
    let violations = envelope.check();
    assert_eq!(violations.len(), 1, "{violations:#?}");
    let v = &violations[0];
    assert_eq!(v.rule, "amount.paid-equals-line-totals");
    assert_eq!(v.pointer, "/data/amountPaid");
    assert!(
        v.message.contains("left side is 2940, right side is 2440"),
        "{}",
        v.message
    );
    // Relative to the value checked: on the inner object the pointer has no /data.
    let inner = envelope.data.check();
    assert_eq!(inner[0].pointer, "/amountPaid");
}

#[test]
fn the_seed_example_matches_its_expected_violations() {
    let spec = load("pyng/transaction-status.yaml");
    let example = &spec.operation("getTransactionStatus").unwrap().responses[0].examples[0];
    let envelope: tx::TransactionStatusEnvelope =
        serde_json::from_value(example.value.clone()).unwrap();
    let rules: Vec<&str> = envelope.check().iter().map(|v| v.rule).collect();
    assert_eq!(rules, example.expected_violations);
}

#[test]
fn a_consistent_body_has_no_violations() {
    let mut body = seed("seed-001-200.json");
    body["data"]["amountPaid"] = Value::from(2440);
    let envelope: tx::TransactionStatusEnvelope = serde_json::from_value(body).unwrap();
    assert_eq!(envelope.check(), []);
}

#[test]
fn overflow_is_a_violation_not_a_panic() {
    let body = serde_json::json!({
        "transactionStatus": "Settled",
        "transactionId": "t",
        "transactionUpdated": 1,
        "amountPaid": 1,
        "lineItems": [
            {"itemId": "a", "quantity": i64::MAX, "amountPerUnit": 2, "amountSubtotal": 1, "amountTotal": i64::MAX},
            {"itemId": "b", "quantity": 1, "amountPerUnit": 1, "amountSubtotal": 1, "amountTotal": 1}
        ]
    });
    let data: tx::TransactionStatusResponse = serde_json::from_value(body).unwrap();
    let found: Vec<(&str, String)> = data
        .check()
        .into_iter()
        .map(|v| (v.rule, v.pointer))
        .collect();
    let has = |rule: &str, pointer: &str| found.iter().any(|(r, p)| *r == rule && p == pointer);
    assert!(
        has("amount.subtotal-covers-units", "/lineItems/0/quantity"),
        "{found:?}"
    );
    assert!(
        has("amount.paid-equals-line-totals", "/lineItems/1/amountTotal"),
        "{found:?}"
    );
}
