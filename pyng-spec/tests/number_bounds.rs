//! `minimum`/`maximum`/`exclusiveMinimum`/`exclusiveMaximum`/`multipleOf` on
//! `type: number`, in both validators, compared as exact decimals (never as
//! `f64`): the schema-keyword fixture's `price` (`> 0`, `<= 99999.99`, a
//! multiple of `0.01`), `ratio` (`-0.5 <= x < 0.3`) and `huge` (`>= 1e300`, a
//! multiple of `0.5`).

use pyng_spec::ir::{Spec, Type};
use pyng_spec::validate::{self, stream::Schema};

fn spec() -> Spec {
    pyng_spec::load_file(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../pyng-derive/tests/fixtures/schema-keywords.yaml"
    ))
    .expect("the fixture loads")
    .spec
}

/// (rule, pointer, message) of both validators, which must agree.
fn findings(spec: &Spec, members: &str) -> Vec<(String, String, String)> {
    let text = format!(r#"{{"code": "ab", "rank": 0{members}}}"#);
    let ty = Type::Named("Code".into());
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let dom: Vec<_> = validate::validate(spec, &ty, &value)
        .into_iter()
        .map(|f| (f.rule, f.pointer, f.message))
        .collect();
    let streamed: Vec<_> = Schema::new(spec)
        .validate(&ty, text.as_bytes(), None)
        .unwrap()
        .findings
        .into_iter()
        .map(|f| (f.rule, f.pointer, f.message))
        .collect();
    assert_eq!(dom, streamed, "{text}");
    dom
}

fn one(rule: &str, pointer: &str, message: &str) -> Vec<(String, String, String)> {
    vec![(rule.to_owned(), pointer.to_owned(), message.to_owned())]
}

#[test]
fn a_multiple_of_a_hundredth_is_exact() {
    let spec = spec();
    for ok in ["19.99", "0.01", "99999.99", "1", "0.30", "1999e-2"] {
        assert_eq!(findings(&spec, &format!(r#", "price": {ok}"#)), [], "{ok}");
    }
    assert_eq!(
        findings(&spec, r#", "price": 19.999"#),
        one(
            "schema.multiple-of",
            "/price",
            "19.999 is not a multiple of 0.01"
        )
    );
    // 0.1 + 0.2 as a double is 0.30000000000000004: not a hundredth.
    assert_eq!(
        findings(&spec, r#", "price": 0.30000000000000004"#),
        one(
            "schema.multiple-of",
            "/price",
            "0.30000000000000004 is not a multiple of 0.01"
        )
    );
}

#[test]
fn bounds_compare_exactly() {
    let spec = spec();
    assert_eq!(
        findings(&spec, r#", "price": 0"#),
        one(
            "schema.minimum",
            "/price",
            "0 is not greater than the exclusive minimum 0"
        )
    );
    assert_eq!(
        findings(&spec, r#", "price": 100000"#),
        one(
            "schema.maximum",
            "/price",
            "100000 is greater than the maximum 99999.99"
        )
    );
    // Just above the maximum by a hundredth, which an f64 tolerance would miss.
    assert_eq!(
        findings(&spec, r#", "price": 100000.00"#).len(),
        1,
        "100000.00"
    );
    assert_eq!(findings(&spec, r#", "ratio": -0.5"#), []);
    assert_eq!(findings(&spec, r#", "ratio": 0.2999999999999999"#), []);
    // The limit (specs/README.md): a literal of more than 17 significant
    // digits is first read as the nearest double, here 0.3 itself.
    assert_eq!(
        findings(&spec, r#", "ratio": 0.29999999999999999"#),
        one(
            "schema.maximum",
            "/ratio",
            "0.3 is not less than the exclusive maximum 0.3"
        )
    );
    // The double of 0.1 + 0.2 is above 0.3, so not below the exclusive maximum.
    assert_eq!(
        findings(&spec, r#", "ratio": 0.30000000000000004"#),
        one(
            "schema.maximum",
            "/ratio",
            "0.30000000000000004 is not less than the exclusive maximum 0.3"
        )
    );
    assert_eq!(
        findings(&spec, r#", "ratio": 0.3"#),
        one(
            "schema.maximum",
            "/ratio",
            "0.3 is not less than the exclusive maximum 0.3"
        )
    );
    assert_eq!(
        findings(&spec, r#", "ratio": -0.50000000000001"#),
        one(
            "schema.minimum",
            "/ratio",
            "-0.50000000000001 is less than the minimum -0.5"
        )
    );
    assert_eq!(findings(&spec, r#", "ratio": null"#), []);
}

#[test]
fn big_and_tiny_numbers_are_exact() {
    let spec = spec();
    assert_eq!(findings(&spec, r#", "huge": 1e300"#), []);
    assert_eq!(findings(&spec, r#", "huge": 1.5e308"#), []);
    assert_eq!(
        findings(&spec, r#", "huge": 9.99999999999999e299"#),
        one(
            "schema.minimum",
            "/huge",
            "9.99999999999999e299 is less than the minimum 1e300"
        )
    );
    // An integer literal is read exactly: 2^64 - 1 is below 1e300.
    assert_eq!(
        findings(&spec, r#", "huge": 18446744073709551615"#),
        one(
            "schema.minimum",
            "/huge",
            "18446744073709551615 is less than the minimum 1e300"
        )
    );
    assert_eq!(
        findings(&spec, r#", "price": 5e-324"#),
        one(
            "schema.multiple-of",
            "/price",
            "5e-324 is not a multiple of 0.01"
        )
    );
}

#[test]
fn synthesised_numbers_meet_their_exact_bounds() {
    let spec = spec();
    let ty = Type::Named("Code".into());
    let mut seen = std::collections::BTreeSet::new();
    for seed in 1..40 {
        let options = pyng_spec::synth::Options {
            seed,
            optional: true,
            ..Default::default()
        };
        let body = pyng_spec::synth::body(&spec, &ty, &options);
        for key in ["price", "ratio", "huge"] {
            assert!(
                body.get(key).is_some_and(|v| v.is_number()),
                "{key}: {body}"
            );
            seen.insert((key, body[key].to_string()));
        }
        let bounds: Vec<_> = validate::validate(&spec, &ty, &body)
            .into_iter()
            .filter(|f| ["/price", "/ratio", "/huge"].contains(&f.pointer.as_str()))
            .map(|f| f.message)
            .collect();
        assert_eq!(bounds, Vec::<String>::new(), "{body}");
    }
    assert!(seen.len() > 3, "{seen:?}");
}

#[test]
fn synthesis_survives_extreme_bounds() {
    let yaml = r##"
openapi: 3.0.3
info: {title: T, version: "1"}
paths: {}
components:
  schemas:
    B:
      type: object
      required: [far, low, tight]
      properties:
        far: {type: number, minimum: 1.7e38, exclusiveMinimum: true, multipleOf: 1e-30}
        low: {type: number, maximum: -1e300}
        tight: {type: number, minimum: 0.1, maximum: 0.1}
"##;
    let spec = pyng_spec::load_str("t.yaml", yaml).unwrap().spec;
    let ty = Type::Named("B".into());
    for seed in 1..5 {
        let options = pyng_spec::synth::Options {
            seed,
            ..Default::default()
        };
        let body = pyng_spec::synth::body(&spec, &ty, &options);
        let bad: Vec<String> = validate::validate(&spec, &ty, &body)
            .into_iter()
            .map(|f| f.pointer)
            .collect();
        // `far` has no value the arithmetic reaches within 128 bits (it falls
        // back); the others are met exactly.
        assert!(bad.iter().all(|p| p == "/far"), "{body}: {bad:?}");
        assert_eq!(body["tight"], serde_json::json!(0.1));
    }
}
