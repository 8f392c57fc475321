//! The generated `check()` and the pyng-spec interpreter (`validate`) agree:
//! same (rule, pointer) findings for the per-value rules, on every documented
//! example and on proptest-generated bodies shaped like each schema (random,
//! huge and absent integers, nulls, unknown enum values, so that holding,
//! violated, not-applicable and overflow paths are all exercised).

mod support;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use pyng_spec::ir::{Spec, Type};
use serde_json::Value;
use support::bodies::body;
use support::{SPECS, generated_type, load, models, without_nulls};

/// The rule categories `check()` implements; the others (schema.*) are what
/// deserialization itself enforces.
fn compared(rule: &str) -> bool {
    rule.starts_with("amount.")
        || rule == "state.status-outcome"
        || rule == "state.conditional-presence"
}

fn interpreter(spec: &Spec, schema: &str, value: &Value) -> Vec<(String, String)> {
    let mut found: Vec<(String, String)> =
        pyng_spec::validate::validate(spec, &Type::Named(schema.to_owned()), value)
            .into_iter()
            .filter(|f| compared(&f.rule))
            .map(|f| (f.rule, f.pointer))
            .collect();
    found.sort();
    found
}

/// Runs one body through both; returns an error message on disagreement.
fn compare(rel: &str, spec: &Spec, schema: &str, value: &Value) -> Result<usize, String> {
    let run = generated_type(rel, schema).ok_or(format!("{schema} not in the table"))?;
    let out =
        run(value).map_err(|e| format!("{rel} {schema}: does not deserialize: {e}\n{value}"))?;
    let mut generated = out.violations;
    generated.sort();
    let expected = interpreter(spec, schema, value);
    if generated != expected {
        return Err(format!(
            "{rel} {schema} disagrees on\n{value}\ngenerated check(): {generated:?}\ninterpreter:       {expected:?}"
        ));
    }
    if out.reserialized != without_nulls(value) {
        return Err(format!(
            "{rel} {schema} does not round-trip:\n{value}\n{}",
            out.reserialized
        ));
    }
    Ok(expected.len())
}

#[test]
fn agree_on_every_example() {
    for rel in SPECS {
        let spec = load(rel);
        for op in &spec.operations {
            for r in &op.responses {
                let Some(Type::Named(schema)) = &r.body else {
                    continue;
                };
                for ex in &r.examples {
                    compare(rel, &spec, schema, &ex.value).unwrap();
                }
            }
        }
    }
}

#[test]
fn agree_on_generated_bodies() {
    let total_findings = std::cell::Cell::new(0);
    let checked_rules = std::cell::RefCell::new(std::collections::BTreeSet::new());
    for rel in SPECS {
        let spec = load(rel);
        for schema in models(&spec) {
            let strategy = body(&spec, &Type::Named(schema.clone()), 0);
            let mut runner = TestRunner::new(Config {
                cases: 384,
                failure_persistence: None,
                ..Config::default()
            });
            let result = runner.run(&strategy, |value| {
                match compare(rel, &spec, &schema, &value) {
                    Ok(n) => {
                        total_findings.set(total_findings.get() + n);
                        for (rule, _) in interpreter(&spec, &schema, &value) {
                            checked_rules.borrow_mut().insert(rule);
                        }
                        Ok(())
                    }
                    Err(e) => Err(TestCaseError::fail(e)),
                }
            });
            if let Err(e) = result {
                panic!("{e}");
            }
        }
    }
    // The bodies must actually reach every rule, or agreement proves little.
    let (total_findings, checked_rules) = (total_findings.get(), checked_rules.into_inner());
    for rule in [
        "amount.paid-equals-line-totals",
        "amount.subtotal-covers-units",
        "amount.line-total-after-discounts",
        "state.status-outcome",
        "state.conditional-presence",
    ] {
        assert!(
            checked_rules.contains(rule),
            "no generated body broke {rule}"
        );
    }
    assert!(total_findings > 100, "only {total_findings} findings");
}

#[test]
fn agree_on_overflow_edges() {
    let spec = load("pyng/transaction-status.yaml");
    let max = i64::MAX;
    let bodies = [
        serde_json::json!({"transactionStatus": "Settled", "amountPaid": 1,
            "lineItems": [{"itemId": "a", "quantity": 1, "amountPerUnit": 1, "amountSubtotal": max},
                          {"itemId": "b", "quantity": 1, "amountPerUnit": 1, "amountSubtotal": 1,
                           "discounts": [{"amount": i64::MIN}]}]}),
        serde_json::json!({"transactionStatus": "Pending", "amountPaid": 0,
            "lineItems": [{"itemId": "a", "quantity": 2, "amountPerUnit": max, "amountSubtotal": 0,
                           "discounts": [{"amount": max}, {"amount": 1}]}]}),
        serde_json::json!({"transactionStatus": "Declined",
            "lineItems": [{"itemId": "a", "quantity": 1, "amountPerUnit": 1, "amountSubtotal": 5,
                           "discounts": [{"reason": "none"}, {"amount": null}]}]}),
    ];
    for b in bodies {
        compare(
            "pyng/transaction-status.yaml",
            &spec,
            "TransactionStatusResponse",
            &b,
        )
        .unwrap();
    }
}
