//! Shapes the real specs do not have (keyword and dotted field names, nullable
//! and recursive fields, nested `[*]`, negation, odd enum values, a `default`
//! response, integer and enum parameters): the expansion compiles warning-free,
//! round-trips, and its `check()` agrees with the interpreter.
#![deny(warnings)]

#[path = "../../pyng-models/tests/support/bodies.rs"]
mod bodies;

mod edge {
    pyng_derive::generate!("tests/fixtures/edge-cases.yaml");
}

use edge::{Ledger, LedgerState, get_ledger_page as op};
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use pyng_spec::ir::Type;
use serde_json::{Value, json};

fn spec() -> pyng_spec::ir::Spec {
    pyng_spec::load_file(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/edge-cases.yaml"
    ))
    .unwrap()
    .spec
}

fn interpreter(spec: &pyng_spec::ir::Spec, body: &Value) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> =
        pyng_spec::validate::validate(spec, &Type::Named("Ledger".into()), body)
            .into_iter()
            .filter(|f| {
                f.rule.starts_with("amount.")
                    || f.rule == "state.status-outcome"
                    || f.rule == "state.conditional-presence"
                    // `fee`'s integer enum is `check()`'s (a string enum's
                    // unknown value is kept by the model instead).
                    || (f.rule == "schema.enum" && f.pointer == "/fee")
            })
            .map(|f| (f.rule, f.pointer))
            .collect();
    v.sort();
    v
}

fn generated(body: &Value) -> Result<(Value, Vec<(String, String)>), String> {
    let ledger: Ledger = serde_json::from_value(body.clone()).map_err(|e| e.to_string())?;
    let mut v: Vec<(String, String)> = ledger
        .check()
        .into_iter()
        .map(|v| (v.rule.to_owned(), v.pointer))
        .collect();
    v.sort();
    Ok((serde_json::to_value(&ledger).unwrap(), v))
}

#[test]
fn names_nullability_and_recursion_round_trip() {
    let body = json!({
        "state": "3ds", "type": "t", "result.code": "000.1", "gross": 1, "note": null,
        "head": {"value": 1, "next": {"value": 2}}
    });
    let ledger: Ledger = serde_json::from_value(body.clone()).unwrap();
    assert_eq!(ledger.r#type, "t");
    assert_eq!(ledger.result_code.as_deref(), Some("000.1"));
    assert_eq!(ledger.state, LedgerState::V3ds);
    assert_eq!(
        ledger.head.as_ref().unwrap().next.as_ref().unwrap().value,
        2
    );
    // `note` is optional and nullable: `null` is `Some(None)` and written
    // back as `null`; absent is `None` and stays absent.
    assert_eq!(ledger.note, Some(None));
    assert_eq!(serde_json::to_value(&ledger).unwrap(), body);
    let mut absent = body;
    absent.as_object_mut().unwrap().remove("note");
    let ledger: Ledger = serde_json::from_value(absent.clone()).unwrap();
    assert_eq!(ledger.note, None);
    assert_eq!(serde_json::to_value(&ledger).unwrap(), absent);
}

#[test]
fn a_documented_value_named_unknown_is_not_the_catch_all() {
    let documented: LedgerState = "Unknown".parse().unwrap();
    assert_eq!(documented, LedgerState::Unknown2);
    assert!(documented.is_known());
    let undocumented: LedgerState = "paused".parse().unwrap();
    assert!(matches!(undocumented, LedgerState::Unknown(_)));
    assert!(
        LedgerState::Open.can_transition_to(&LedgerState::Done),
        "open -> Unknown -> done"
    );
    assert!(!LedgerState::Done.can_transition_to(&LedgerState::Open));
}

#[test]
fn a_documented_correction_leaves_a_final_state_that_stays_final() {
    let model = spec();
    let machine = pyng_spec::contract::Machine::of(model.enum_def("LedgerState").unwrap()).unwrap();
    // The generated answer is the contract's, for every pair of documented values.
    for (i, from) in LedgerState::ALL.iter().enumerate() {
        for (j, to) in LedgerState::ALL.iter().enumerate() {
            assert_eq!(
                from.can_correct_to(to),
                machine.may_correct(i, j),
                "{from} -> {to}"
            );
        }
    }
    assert!(LedgerState::V3ds.can_correct_to(&LedgerState::Done));
    assert!(LedgerState::V3ds.is_final());
    assert!(!LedgerState::V3ds.can_transition_to(&LedgerState::Done));
    assert!(!LedgerState::Done.can_correct_to(&LedgerState::V3ds));
    assert!(!LedgerState::InProgress.can_correct_to(&LedgerState::Done));
    let unknown: LedgerState = "refunded".into();
    assert!(!unknown.can_correct_to(&LedgerState::Done));
    assert!(!LedgerState::V3ds.can_correct_to(&unknown));
}

#[test]
fn integer_and_enum_parameters() {
    assert_eq!(op::path("a b", 7), "/ledgers/a%20b/pages/7");
    let q = op::Query {
        state: Some(LedgerState::InProgress),
        verbose: Some(true),
    };
    assert_eq!(q.to_query_string(), "state=in-progress&verbose=true");
    assert!(matches!(
        op::Response::parse(204, "").unwrap(),
        op::Response::NoContent
    ));
    match op::Response::parse(503, r#"{"title":"down"}"#).unwrap() {
        op::Response::Other { status, body } => {
            assert_eq!((status, body.title.as_deref()), (503, Some("down")));
        }
        other => panic!("expected Other, got {other:?}"),
    }
}

#[test]
fn nested_sums_negation_and_overflow_agree_with_the_interpreter() {
    let spec = spec();
    let bodies = [
        json!({"state": "done", "type": "t", "gross": 10, "fee": 3, "net": 4, "credit": 11, "total": 6,
               "groups": [{"items": [{"amount": 1}, {}]}, {}, {"items": [{"amount": 5}]}]}),
        json!({"state": "open", "type": "t", "gross": 1, "fee": i64::MAX, "net": 0, "credit": i64::MIN,
               "total": 0, "closedAt": 1, "outcome": "ok",
               "groups": [{"items": [{"amount": i64::MAX}]}, {"items": [{"amount": 1}]}]}),
        json!({"state": "3ds", "type": "t", "gross": 1, "outcome": "ok"}),
    ];
    let mut findings = 0;
    for b in bodies {
        let (_, got) = generated(&b).unwrap();
        assert_eq!(got, interpreter(&spec, &b), "{b}");
        findings += got.len();
    }
    assert!(findings >= 6, "the bodies should break rules: {findings}");
}

#[test]
fn agree_on_generated_bodies() {
    let spec = spec();
    let strategy = bodies::body(&spec, &Type::Named("Ledger".into()), 0);
    let mut runner = TestRunner::new(Config {
        cases: 512,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&strategy, |body| {
            let (_, got) = generated(&body).map_err(TestCaseError::fail)?;
            let expected = interpreter(&spec, &body);
            if got != expected {
                return Err(TestCaseError::fail(format!(
                    "{body}\ngenerated:   {got:?}\ninterpreter: {expected:?}"
                )));
            }
            Ok(())
        })
        .unwrap();
}
