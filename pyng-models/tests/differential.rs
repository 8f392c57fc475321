//! The generated `check()` and the pyng-spec interpreter (`validate`) agree:
//! same (rule, pointer, message) findings for the per-value rules, on every
//! documented example and on proptest-generated bodies shaped like each schema
//! (random, huge and absent integers, nulls, unknown enum values, so that
//! holding, violated, not-applicable and overflow paths are all exercised). The
//! rules compared are those the registry says `check()` evaluates.

mod support;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use pyng_spec::ir::{Spec, Type, TypeDef};
use pyng_spec::registry::{self, RULES, Stage};
use serde_json::Value;
use support::bodies::body;
use support::{SPECS, generated_type, load, models, without_nulls};

const IN_CHECK: Stage = Stage::Value { generated: true };

/// Whether the registry says `check()` evaluates the rule; the other per-value
/// rules (schema.*) are what deserialization itself enforces.
fn compared(rule: &str) -> bool {
    registry::lookup(rule).is_some_and(|e| e.stage() == IN_CHECK)
}

/// Whether the spec has the schema keyword a value rule of `check()` reads;
/// the rules of keywords no bundled spec uses are held equal on a spec that
/// does, in pyng-derive/tests/schema_keywords.rs.
fn uses(spec: &Spec, rule: &str) -> bool {
    let mut fields = spec.types.values().flat_map(|t| match t {
        TypeDef::Model(m) => m.fields.as_slice(),
        TypeDef::Constrained(c) => std::slice::from_ref(&c.field),
        TypeDef::Enum(_) => &[],
    });
    match rule {
        "schema.min-length" => fields.any(|f| f.constraints.min_length.is_some()),
        "schema.max-length" => fields.any(|f| f.constraints.max_length.is_some()),
        "schema.minimum" => fields
            .any(|f| f.constraints.minimum.is_some() || f.constraints.number_minimum.is_some()),
        "schema.maximum" => fields
            .any(|f| f.constraints.maximum.is_some() || f.constraints.number_maximum.is_some()),
        "schema.multiple-of" => fields.any(|f| {
            f.constraints.multiple_of.is_some() || f.constraints.number_multiple_of.is_some()
        }),
        "schema.format" => fields.any(|f| f.constraints.format.as_deref() == Some("int32")),
        "schema.deprecated" => fields.any(|f| f.deprecated),
        "schema.min-items" => fields.any(|f| f.constraints.min_items.is_some()),
        "schema.max-items" => fields.any(|f| f.constraints.max_items.is_some()),
        "schema.write-only" => fields.any(|f| f.write_only),
        "schema.unique-items" => fields.any(|f| f.constraints.unique_items),
        "schema.one-of" => fields.any(|f| composition(f).is_some_and(|c| !c.one_of.is_empty())),
        "schema.any-of" => fields.any(|f| composition(f).is_some_and(|c| !c.any_of.is_empty())),
        "schema.discriminator" => {
            fields.any(|f| composition(f).is_some_and(|c| c.discriminator.is_some()))
        }
        "schema.not" => fields.any(|f| composition(f).is_some_and(|c| c.not.is_some())),
        _ => true,
    }
}

fn composition(f: &pyng_spec::ir::Field) -> Option<&pyng_spec::ir::Composition> {
    f.constraints.composition.as_deref()
}

/// Every rule id `check()` can report for the spec: the registered fixed rules
/// whose keywords it uses and the spec's invariant ids.
fn checked_ids(spec: &Spec) -> Vec<String> {
    let fixed = RULES
        .iter()
        .filter(|r| r.stage == IN_CHECK && uses(spec, r.name));
    let mut ids: Vec<String> = fixed.map(|r| r.name.to_owned()).collect();
    for t in spec.types.values() {
        if let TypeDef::Model(m) = t {
            ids.extend(m.invariants.iter().map(|i| i.id.clone()));
        }
    }
    ids
}

fn interpreter(spec: &Spec, schema: &str, value: &Value) -> Vec<(String, String, String)> {
    let mut found: Vec<(String, String, String)> =
        pyng_spec::validate::validate(spec, &Type::Named(schema.to_owned()), value)
            .into_iter()
            .filter(|f| compared(&f.rule))
            .map(|f| (f.rule, f.pointer, f.message))
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
    let mut expected_rules = std::collections::BTreeSet::new();
    for rel in SPECS {
        let spec = load(rel);
        expected_rules.extend(checked_ids(&spec));
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
                        for (rule, _, _) in interpreter(&spec, &schema, &value) {
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
    assert!(expected_rules.len() >= 5, "{expected_rules:?}");
    for rule in &expected_rules {
        assert!(
            checked_rules.contains(rule),
            "no generated body broke {rule}: extend support::bodies so that one does"
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

/// An outcome before a final status: both word it with the registry's template.
#[test]
fn agree_on_the_outcome_before_a_final_status() {
    let rel = "pyng/checkout-session-status.yaml";
    let spec = load(rel);
    let body = serde_json::json!({"checkoutSessionId": "c", "orderId": "o", "siteId": "s",
        "status": "Pending", "outcome": "Succeeded",
        "expiresAt": "2026-01-01T00:00:00Z", "updatedAt": "2026-01-01T00:00:00Z"});
    assert_eq!(
        compare(rel, &spec, "CheckoutSessionStatusResponse", &body),
        Ok(1)
    );
    let (_, _, message) = &interpreter(&spec, "CheckoutSessionStatusResponse", &body)[0];
    assert_eq!(
        message,
        "`outcome` is Succeeded while status is Pending, which is not final: the outcome must be absent before a final status"
    );
}
