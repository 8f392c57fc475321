//! The schema keywords the bundled specs do not use (`minLength`, `maxLength`,
//! an object schema without `type`): the generated model deserializes and
//! round-trips every body shaped like the schema, and its `check()` reports
//! exactly what the interpreter reports for the rules `check()` evaluates
//! (same rule, pointer and message), on strings counted in Unicode code points.
#![deny(warnings)]

#[path = "../../pyng-models/tests/support/bodies.rs"]
mod bodies;

mod keywords {
    pyng_derive::generate!("tests/fixtures/schema-keywords.yaml");
}

use keywords::Code;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use pyng_spec::ir::{Spec, Type};
use pyng_spec::registry::{self, Stage};
use serde_json::{Value, json};

type Found = Vec<(String, String, String)>;

fn spec() -> Spec {
    pyng_spec::load_file(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/schema-keywords.yaml"
    ))
    .unwrap()
    .spec
}

fn in_check(rule: &str) -> bool {
    registry::lookup(rule).is_some_and(|e| e.stage() == Stage::Value { generated: true })
}

fn interpreter(spec: &Spec, body: &Value) -> Found {
    let mut v: Found = pyng_spec::validate::validate(spec, &Type::Named("Code".into()), body)
        .into_iter()
        .filter(|f| in_check(&f.rule))
        .map(|f| (f.rule, f.pointer, f.message))
        .collect();
    v.sort();
    v
}

fn generated(body: &Value) -> Result<(Value, Found), String> {
    let code: Code = serde_json::from_value(body.clone()).map_err(|e| e.to_string())?;
    let mut v: Found = code
        .check()
        .into_iter()
        .map(|v| (v.rule.to_owned(), v.pointer, v.message))
        .collect();
    v.sort();
    Ok((serde_json::to_value(&code).unwrap(), v))
}

fn agree(spec: &Spec, body: &Value) -> Result<usize, String> {
    let (_, got) = generated(body)?;
    let expected = interpreter(spec, body);
    if got != expected {
        return Err(format!(
            "{body}\ngenerated:   {got:?}\ninterpreter: {expected:?}"
        ));
    }
    Ok(got.len())
}

#[test]
fn lengths_count_code_points_in_both() {
    let spec = spec();
    // "😀" is one code point (two UTF-16 units, four bytes); "é" written as
    // e + a combining accent is two.
    let cases = [
        (json!({"code": "AB"}), 0),
        (json!({"code": "A"}), 1),
        (json!({"code": "ABCDE"}), 1),
        (json!({"code": "😀😀😀😀"}), 0),
        (json!({"code": "😀😀😀😀😀"}), 1),
        (json!({"code": "ab", "label": "e\u{301}"}), 0),
        (json!({"code": "ab", "label": "é"}), 1),
        (json!({"code": "ab", "label": null}), 0),
        (json!({"code": "ab", "note": "long"}), 1),
        (
            json!({"code": "ab", "parts": [{"name": ""}, {"name": "abc"}, {"name": "ab"}]}),
            2,
        ),
    ];
    for (body, count) in cases {
        assert_eq!(agree(&spec, &body), Ok(count), "{body}");
    }
    let (_, found) = generated(&json!({"code": "A", "parts": [{"name": "abc"}]})).unwrap();
    assert_eq!(
        found,
        [
            (
                "schema.max-length".to_owned(),
                "/parts/0/name".to_owned(),
                "the length 3 is above the maximum length 2 (in characters)".to_owned()
            ),
            (
                "schema.min-length".to_owned(),
                "/code".to_owned(),
                "the length 1 is below the minimum length 2 (in characters)".to_owned()
            ),
        ]
    );
}

#[test]
fn a_model_without_type_is_a_struct() {
    let (round_trip, _) = generated(&json!({"code": "ab", "parts": []})).unwrap();
    assert_eq!(round_trip, json!({"code": "ab", "parts": []}));
    assert!(generated(&json!([1, 2, 3])).is_err());
}

#[test]
fn agree_on_generated_bodies() {
    let spec = spec();
    let shaped = bodies::body(&spec, &Type::Named("Code".into()), 0);
    let unicode = "[a\u{e9}\u{1F600}\u{301}]{0,6}";
    let strategy = prop_oneof![
        3 => shaped,
        1 => (unicode, proptest::option::of(unicode)).prop_map(|(code, label)| {
            json!({"code": code, "label": label, "parts": [{"name": "é"}]})
        }),
    ];
    let mut runner = TestRunner::new(Config {
        cases: 512,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&strategy, |body| {
            agree(&spec, &body).map(|_| ()).map_err(TestCaseError::fail)
        })
        .unwrap();
}
