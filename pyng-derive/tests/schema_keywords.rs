//! The schema keywords the bundled specs do not use (`minLength`, `maxLength`,
//! `minimum`/`maximum` exclusive or not, `multipleOf`, on integers and
//! (exactly) on numbers, `int32`, `deprecated`,
//! `writeOnly`, `minItems`, `maxItems`, `uniqueItems`, `additionalProperties: false`, an
//! object schema without `type`, the string formats, a referenced component's
//! constraints and `nullable`): the generated model deserializes and
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

/// `schema.enum` is `check()`'s on an integer, number or boolean field (a
/// string enum is a Rust enum that keeps unknown values instead).
fn listed_in_check(spec: &Spec, rule: &str, pointer: &str) -> bool {
    rule == pyng_spec::registry::RuleId::SchemaEnum.name()
        && pointer
            .strip_prefix('/')
            .and_then(|name| spec.model("Code")?.field(name))
            .is_some_and(|f| !f.constraints.values.is_empty())
}

/// A `null` where the schema is a typeless `oneOf`/`anyOf` that is not
/// nullable: the model reads it as absent, and the validators' finding is
/// the one a typed property gets as `schema.type`, deserialization's to judge.
fn null_composition(rule: &str, pointer: &str, body: &Value) -> bool {
    matches!(rule, "schema.one-of" | "schema.any-of") && body.pointer(pointer) == Some(&Value::Null)
}

fn interpreter(spec: &Spec, body: &Value) -> Found {
    let mut v: Found = pyng_spec::validate::validate(spec, &Type::Named("Code".into()), body)
        .into_iter()
        .filter(|f| !null_composition(&f.rule, &f.pointer, body))
        .filter(|f| in_check(&f.rule) || listed_in_check(spec, &f.rule, &f.pointer))
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
        (json!({"code": "AB", "rank": 0}), 0),
        (json!({"code": "A", "rank": 0}), 1),
        (json!({"code": "ABCDE", "rank": 0}), 1),
        (json!({"code": "😀😀😀😀", "rank": 0}), 0),
        (json!({"code": "😀😀😀😀😀", "rank": 0}), 1),
        (json!({"code": "ab", "rank": 0, "label": "e\u{301}"}), 0),
        (json!({"code": "ab", "rank": 0, "label": "é"}), 1),
        (json!({"code": "ab", "rank": 0, "label": null}), 0),
        (json!({"code": "ab", "rank": 0, "note": "long"}), 1),
        (
            json!({"code": "ab", "rank": 0, "parts": [{"name": ""}, {"name": "abc"}, {"name": "ab"}]}),
            3,
        ),
    ];
    let integers = [
        (
            json!({"code": "ab", "rank": -3, "count": 5, "small": 2147483647}),
            0,
        ),
        (json!({"code": "ab", "rank": -4}), 1),
        (json!({"code": "ab", "rank": 4}), 1),
        (json!({"code": "ab", "rank": 0, "count": 0}), 1),
        (json!({"code": "ab", "rank": 0, "count": 100}), 1),
        (json!({"code": "ab", "rank": 0, "count": 7}), 1),
        (json!({"code": "ab", "rank": 0, "count": -7}), 2),
        (
            json!({"code": "ab", "rank": i64::MIN, "count": i64::MIN}),
            3,
        ),
        (json!({"code": "ab", "rank": 0, "small": 2147483648i64}), 1),
        (json!({"code": "ab", "rank": 0, "small": null}), 0),
        (
            json!({"code": "ab", "rank": 0, "legacy": "x", "token": "t"}),
            2,
        ),
        (json!({"code": "ab", "rank": 0, "legacy": null}), 0),
        (json!({"code": "ab", "rank": 0, "best": null}), 0),
        (json!({"code": "ab", "rank": 0, "best": {"name": "abc"}}), 1),
    ];
    let formats = [
        (
            json!({"code": "ab", "rank": 0, "day": "2024-02-29", "at": "2024-02-29T00:00:00Z",
                "ref": "123e4567-e89b-12d3-a456-426614174000", "mail": "a@b.c",
                "site": "https://b.c/d", "blob": "cHluZw==", "ip": "192.0.2.1",
                "ip6": "::1", "host": "b.c", "file": "\u{0}"}),
            0,
        ),
        (
            json!({"code": "ab", "rank": 0, "day": "2023-02-29", "at": "2024-02-29",
                "ref": "x", "mail": "a@", "site": "/d", "blob": "cHluZw", "ip": "1.2.3",
                "ip6": ":::", "host": "-b.c"}),
            9,
        ),
        (json!({"code": "ab", "rank": 0, "at": null}), 0),
        (json!({"code": "ab", "rank": 0, "rate": 3.4028234e38}), 0),
        (json!({"code": "ab", "rank": 0, "rate": -3.5e38}), 1),
        (
            json!({"code": "ab", "rank": 0, "host": "a-very-long-but-valid.host"}),
            1,
        ),
    ];
    for (body, count) in cases.into_iter().chain(integers).chain(formats) {
        assert_eq!(agree(&spec, &body), Ok(count), "{body}");
    }
    let (_, found) =
        generated(&json!({"code": "A", "rank": 9, "parts": [{"name": "abc"}]})).unwrap();
    assert_eq!(
        found,
        [
            (
                "schema.max-length".to_owned(),
                "/parts/0/name".to_owned(),
                "the length 3 is above the maximum length 2 (in characters)".to_owned()
            ),
            (
                "schema.maximum".to_owned(),
                "/rank".to_owned(),
                "9 is greater than the maximum 3".to_owned()
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
fn number_bounds_are_exact_in_check_as_in_the_interpreter() {
    let spec = spec();
    let cases = [
        (json!({"code": "ab", "rank": 0, "price": 19.99}), 0),
        (json!({"code": "ab", "rank": 0, "price": 19.999}), 1),
        (json!({"code": "ab", "rank": 0, "price": 0.1 + 0.2}), 1),
        (json!({"code": "ab", "rank": 0, "price": 0}), 1),
        (json!({"code": "ab", "rank": 0, "price": 99999.99}), 0),
        (json!({"code": "ab", "rank": 0, "price": 100000.001}), 2),
        (json!({"code": "ab", "rank": 0, "ratio": 0.1 + 0.2}), 1),
        (json!({"code": "ab", "rank": 0, "ratio": 0.3}), 1),
        (
            json!({"code": "ab", "rank": 0, "ratio": 0.2999999999999999}),
            0,
        ),
        (json!({"code": "ab", "rank": 0, "ratio": -0.5}), 0),
        (json!({"code": "ab", "rank": 0, "ratio": null}), 0),
        (json!({"code": "ab", "rank": 0, "huge": 1.5e308}), 0),
        (
            json!({"code": "ab", "rank": 0, "huge": 9.99999999999999e299}),
            1,
        ),
        (json!({"code": "ab", "rank": 0, "huge": 5e-324}), 2),
    ];
    for (body, count) in cases {
        assert_eq!(agree(&spec, &body), Ok(count), "{body}");
    }
    let (_, found) = generated(&json!({"code": "ab", "rank": 0, "price": 19.999})).unwrap();
    assert_eq!(
        found,
        [(
            "schema.multiple-of".to_owned(),
            "/price".to_owned(),
            "19.999 is not a multiple of 0.01".to_owned()
        )]
    );
}

#[test]
fn a_number_field_holds_the_decimal_the_validators_read() {
    use keywords::Number;
    let spec = spec();
    // Beyond 2^53 an integer literal is exact in the model as in the
    // validators (an f64 would hold 9007199254740992).
    let body = json!({"code": "ab", "rank": 0, "huge": 9007199254740993u64});
    let (back, _) = generated(&body).unwrap();
    assert_eq!(back["huge"], json!(9007199254740993u64));
    let code: Code = serde_json::from_value(body.clone()).unwrap();
    assert_eq!(
        code.huge.map(|n| n.to_string()),
        Some("9007199254740993".to_owned())
    );
    assert_eq!(agree(&spec, &body), Ok(1), "below the minimum of 1e300");
    // A non-integer is its double's shortest decimal: 19.99 is 19.99.
    let code: Code =
        serde_json::from_value(json!({"code": "ab", "rank": 0, "price": 19.99})).unwrap();
    assert_eq!(code.price, Number::parse("19.99"));
    assert_eq!(code.price.map(Number::to_f64), Some(19.99));
    assert!(Number::parse("19.99") < Number::parse("19.990000000001"));
    assert_eq!(Number::parse("1.0"), Some(Number::from(1i64)));
    assert_eq!(Number::parse("1e2").and_then(Number::to_i64), Some(100));
    // What serde_json could not write back is refused, never rounded.
    assert_eq!(Number::parse("0.1000000000000000000001"), None);
    assert_eq!(Number::parse("1e400"), None);
    assert!("12 apples".parse::<Number>().is_err());
    assert_eq!(Number::from_f64(f64::NAN), None);
    // Every value round-trips through JSON unchanged.
    for text in [
        "0",
        "-7",
        "18446744073709551615",
        "19.99",
        "1e300",
        "5e-324",
        "0.1",
    ] {
        let n = Number::parse(text).unwrap();
        let json = serde_json::to_string(&n).unwrap();
        assert_eq!(
            serde_json::from_str::<Number>(&json).unwrap(),
            n,
            "{text} as {json}"
        );
    }
    assert!(serde_json::from_str::<Number>("\"12\"").is_err());
}

#[test]
fn an_integer_enum_is_a_rust_enum_that_keeps_unlisted_values() {
    use keywords::CodePriority;
    let spec = spec();
    // Named per value, a repeated value listed once, in spec order.
    assert_eq!(
        CodePriority::ALL,
        [
            CodePriority::ValueMinus1,
            CodePriority::Value0,
            CodePriority::Value5
        ]
    );
    let code: Code =
        serde_json::from_value(json!({"code": "ab", "rank": 0, "priority": -1})).unwrap();
    assert_eq!(code.priority, Some(CodePriority::ValueMinus1));
    assert_eq!(CodePriority::from(5), CodePriority::Value5);
    assert_eq!(i64::from(CodePriority::Value5), 5);
    // An unlisted value parses, round-trips and is `check()`'s schema.enum.
    let body = json!({"code": "ab", "rank": 0, "priority": 7});
    let (back, found) = generated(&body).unwrap();
    assert_eq!(back["priority"], json!(7));
    let priority = serde_json::from_value::<Code>(body.clone())
        .unwrap()
        .priority
        .unwrap();
    assert!(!priority.is_known());
    assert_eq!(
        (priority.value(), priority.to_string()),
        (7, "7".to_owned())
    );
    assert_eq!(
        found,
        [(
            "schema.enum".to_owned(),
            "/priority".to_owned(),
            "`7` is not one of `-1`, `0`, `5`, `5`".to_owned()
        )]
    );
    assert_eq!(agree(&spec, &body), Ok(1));
    // The properties that reference one integer-enum component share its enum.
    let code: Code =
        serde_json::from_value(json!({"code": "ab", "rank": 0, "tier": 2, "backupTier": 3}))
            .unwrap();
    let (tier, backup): (Option<keywords::Tier>, Option<keywords::Tier>) =
        (code.tier, code.backup_tier);
    assert_eq!(tier, Some(keywords::Tier::Value2));
    assert!(backup.is_some_and(|t| !t.is_known() && t.value() == 3));
    // Not an integer: what an `i64` field refuses, the enum refuses.
    assert!(
        serde_json::from_value::<Code>(json!({"code": "ab", "rank": 0, "priority": "5"})).is_err()
    );
}

#[test]
fn non_string_enums_in_check_as_in_the_interpreter() {
    let spec = spec();
    let cases = [
        (json!({"code": "ab", "rank": 0, "level": 2}), 0),
        (json!({"code": "ab", "rank": 0, "level": null}), 0),
        (json!({"code": "ab", "rank": 0, "level": 4}), 1),
        (json!({"code": "ab", "rank": 0, "weight": 1.0}), 0),
        (json!({"code": "ab", "rank": 0, "weight": 1}), 0),
        (json!({"code": "ab", "rank": 0, "weight": 2.25}), 0),
        (json!({"code": "ab", "rank": 0, "weight": 0.1 + 0.4}), 0),
        (json!({"code": "ab", "rank": 0, "weight": 2}), 1),
        (json!({"code": "ab", "rank": 0, "flag": true}), 0),
        (json!({"code": "ab", "rank": 0, "flag": false}), 1),
    ];
    for (body, count) in cases {
        assert_eq!(agree(&spec, &body), Ok(count), "{body}");
    }
    let (_, found) = generated(&json!({"code": "ab", "rank": 0, "weight": 2.0})).unwrap();
    assert_eq!(
        found,
        [(
            "schema.enum".to_owned(),
            "/weight".to_owned(),
            "`2` is not one of `0.5`, `1`, `2.25`".to_owned()
        )]
    );
}

#[test]
fn unique_items_in_check_as_in_the_interpreter() {
    let spec = spec();
    let cases = [
        (json!({"code": "ab", "rank": 0, "scores": [1, 1.5, 2]}), 0),
        (json!({"code": "ab", "rank": 0, "scores": [1, 1.0]}), 1),
        (
            json!({"code": "ab", "rank": 0, "scores": [0.1 + 0.2, 0.3]}),
            0,
        ),
        (json!({"code": "ab", "rank": 0, "tags": ["x", "y", "x"]}), 1),
        (json!({"code": "ab", "rank": 0, "tags": ["x", "X"]}), 0),
        (
            json!({"code": "ab", "rank": 0, "pairs": [{"a": 1, "b": 2}, {"b": 2, "a": 1}]}),
            1,
        ),
        (
            json!({"code": "ab", "rank": 0, "pairs": [{"a": 1, "b": 2}, {"a": 2, "b": 1}]}),
            0,
        ),
    ];
    for (body, count) in cases {
        assert_eq!(agree(&spec, &body), Ok(count), "{body}");
    }
    let (_, found) = generated(&json!({"code": "ab", "rank": 0, "tags": ["x", "y", "x"]})).unwrap();
    assert_eq!(
        found,
        [(
            "schema.unique-items".to_owned(),
            "/tags".to_owned(),
            "item 2 equals item 0, and the items must be unique".to_owned()
        )]
    );
}

#[test]
fn a_referenced_components_constraints_in_check_as_in_the_interpreter() {
    let spec = spec();
    let cases = [
        (json!({"code": "ab", "rank": 0, "short": "abc"}), 0),
        (json!({"code": "ab", "rank": 0, "short": "a"}), 1),
        (json!({"code": "ab", "rank": 0, "short": "abcd"}), 1),
        (json!({"code": "ab", "rank": 0, "score": 4}), 0),
        (json!({"code": "ab", "rank": 0, "score": null}), 0),
        (json!({"code": "ab", "rank": 0, "score": 3}), 1),
        (json!({"code": "ab", "rank": 0, "score": 12}), 1),
        (json!({"code": "ab", "rank": 0, "score": -2}), 1),
        (json!({"code": "ab", "rank": 0, "spare": null}), 0),
        (json!({"code": "ab", "rank": 0, "spare": {"name": "ab"}}), 0),
        (
            json!({"code": "ab", "rank": 0, "spare": {"name": "abc"}}),
            1,
        ),
    ];
    for (body, count) in cases {
        assert_eq!(agree(&spec, &body), Ok(count), "{body}");
    }
    let (_, found) = generated(&json!({"code": "ab", "rank": 0, "short": "abcd"})).unwrap();
    assert_eq!(
        found,
        [(
            "schema.max-length".to_owned(),
            "/short".to_owned(),
            "the length 4 is above the maximum length 3 (in characters)".to_owned()
        )]
    );
    // `null` of a nullable component is a value: no finding anywhere, and the
    // model holds it as `Some(None)` (present, `null`) and writes it back.
    let body = json!({"code": "ab", "rank": 0, "spare": null, "score": null});
    assert!(pyng_spec::validate::validate(&spec, &Type::Named("Code".into()), &body).is_empty());
    let code: Code = serde_json::from_value(body.clone()).unwrap();
    assert!(code.spare == Some(None) && code.score == Some(None));
    assert_eq!(serde_json::to_value(&code).unwrap(), body);
}

#[test]
fn array_items_constraints_in_check_as_in_the_interpreter() {
    let spec = spec();
    let cases = [
        (json!({"code": "ab", "rank": 0, "initials": ["a", "bc"]}), 0),
        (json!({"code": "ab", "rank": 0, "initials": ["", "abc"]}), 2),
        (json!({"code": "ab", "rank": 0, "points": [0, 10, null]}), 0),
        (
            json!({"code": "ab", "rank": 0, "points": [1, 12, null, -2]}),
            3,
        ),
        (
            json!({"code": "ab", "rank": 0, "spares": [null, {"name": "ab"}]}),
            0,
        ),
        (
            json!({"code": "ab", "rank": 0, "spares": [{"name": "abc"}, null]}),
            1,
        ),
        (json!({"code": "ab", "rank": 0, "grid": [[0, 1], []]}), 0),
        (
            json!({"code": "ab", "rank": 0, "grid": [[0, 1, 2], [-1]]}),
            2,
        ),
    ];
    for (body, count) in cases {
        assert_eq!(agree(&spec, &body), Ok(count), "{body}");
    }
    let (_, found) = generated(&json!({"code": "ab", "rank": 0, "grid": [[0], [3, -1]]})).unwrap();
    assert_eq!(
        found,
        [(
            "schema.minimum".to_owned(),
            "/grid/1/1".to_owned(),
            "-1 is less than the minimum 0".to_owned()
        )]
    );
    // A `null` item of nullable items is a value everywhere, `None` in the model.
    let body = json!({"code": "ab", "rank": 0, "points": [null], "spares": [null]});
    assert!(pyng_spec::validate::validate(&spec, &Type::Named("Code".into()), &body).is_empty());
    let code: Code = serde_json::from_value(body).unwrap();
    assert_eq!(code.points.as_deref(), Some(&[None][..]));
    assert!(code.spares.is_some_and(|s| s.len() == 1 && s[0].is_none()));
    // A `null` item of items that are not nullable is `schema.nullable`.
    let found = pyng_spec::validate::validate(
        &spec,
        &Type::Named("Code".into()),
        &json!({"code": "ab", "rank": 0, "initials": [null]}),
    );
    let rules: Vec<(&str, &str)> = found
        .iter()
        .map(|f| (f.rule.as_str(), f.pointer.as_str()))
        .collect();
    assert_eq!(rules, [("schema.nullable", "/initials/0")]);
}

#[test]
fn a_body_that_is_an_array_with_constraints_has_response_check() {
    use keywords::list_codes::Response;
    let spec = spec();
    let op = spec.operation("listCodes").unwrap();
    for (status, body) in [
        (200, r#"["ab", "c"]"#),
        (200, r#"["abc", "d", "e"]"#),
        (500, "null"),
        (500, r#"{"name": "abc"}"#),
    ] {
        let ty = op.response(status).unwrap().body.clone().unwrap();
        let value: Value = serde_json::from_str(body).unwrap();
        let mut expected: Found = pyng_spec::validate::validate(&spec, &ty, &value)
            .into_iter()
            .filter(|f| in_check(&f.rule))
            .map(|f| (f.rule, f.pointer, f.message))
            .collect();
        expected.sort();
        let response = Response::parse(status, body).unwrap();
        let mut got: Found = response
            .check()
            .into_iter()
            .map(|v| (v.rule.to_owned(), v.pointer, v.message))
            .collect();
        got.sort();
        assert_eq!(got, expected, "{status} {body}");
    }
    let found = Response::parse(200, r#"["abc", "d", "e"]"#)
        .unwrap()
        .check();
    let found: Vec<(&str, &str)> = found.iter().map(|v| (v.rule, v.pointer.as_str())).collect();
    assert_eq!(
        found,
        [("schema.max-items", ""), ("schema.max-length", "/0")]
    );
    // The nullable component as the body: `null` is `None`.
    assert!(matches!(
        Response::parse(500, "null"),
        Ok(Response::Other { body: None, .. })
    ));
}

#[test]
fn a_closed_model_refuses_another_property_as_the_interpreter_does() {
    let spec = spec();
    let body = json!({"code": "ab", "rank": 0, "parts": [{"name": "a", "extra": 1}]});
    assert!(generated(&body).is_err());
    let found = pyng_spec::validate::validate(&spec, &Type::Named("Code".into()), &body);
    let rules: Vec<&str> = found.iter().map(|f| f.rule.as_str()).collect();
    assert_eq!(rules, ["schema.additional-property"]);
    assert_eq!(found[0].pointer, "/parts/0/extra");
    // An undocumented property of an open model still deserializes (and is dropped).
    assert!(generated(&json!({"code": "ab", "rank": 0, "extra": 1})).is_ok());
}

#[test]
fn a_model_without_type_is_a_struct() {
    let (round_trip, _) = generated(&json!({"code": "ab", "rank": 0, "parts": []})).unwrap();
    assert_eq!(round_trip, json!({"code": "ab", "rank": 0, "parts": []}));
    assert!(generated(&json!([1, 2, 3])).is_err());
}

#[test]
fn agree_on_generated_bodies() {
    let spec = spec();
    let shaped = bodies::body(&spec, &Type::Named("Code".into()), 0);
    let unicode = "[a\u{e9}\u{1F600}\u{301}]{0,6}";
    // Near misses of each format beside valid values.
    let format_values = prop::sample::select(vec![
        "2024-02-29",
        "2023-02-29",
        "2024-02-29T13:45:00Z",
        "2024-02-29T13:45:60Z",
        "123e4567-e89b-12d3-a456-426614174000",
        "123e4567e89b12d3a456426614174000",
        "a@b.c",
        "a@@b.c",
        "https://b.c/d",
        "b.c/d",
        "cHluZw==",
        "cHluZw=",
        "192.0.2.1",
        "192.0.2.01",
        "::1",
        "2001:db8:::1",
        "b.c",
        "-b.c",
        "",
        "é",
    ]);
    let formatted = proptest::collection::vec(format_values, 9).prop_map(|v| {
        let keys = [
            "day", "at", "ref", "mail", "site", "blob", "ip", "ip6", "host",
        ];
        let mut body = json!({"code": "ab", "rank": 0});
        for (key, value) in keys.iter().zip(v) {
            body[*key] = json!(value);
        }
        body
    });
    // Hundredths and thousandths near the number bounds, as exact decimals.
    let decimal = (-2_000i64..200_000, 0u32..4).prop_map(|(n, scale)| {
        let text = format!("{n}e-{scale}");
        serde_json::from_str::<Value>(&text).unwrap_or(Value::Null)
    });
    let numbered = (decimal.clone(), decimal.clone(), decimal)
        .prop_map(|(p, r, h)| json!({"code": "ab", "rank": 0, "price": p, "ratio": r, "huge": h}));
    // Arrays likely to repeat an item, written differently.
    let small = prop::sample::select(vec![json!(1), json!(1.0), json!(2), json!(0.5)]);
    let letters = prop::sample::select(vec!["x", "y", "X"]);
    let repeating = (
        proptest::collection::vec(small, 0..4),
        proptest::collection::vec(letters, 0..5),
    )
        .prop_map(
            |(scores, tags)| json!({"code": "ab", "rank": 0, "scores": scores, "tags": tags}),
        );
    let strategy = prop_oneof![
        3 => shaped,
        2 => numbered,
        2 => repeating,
        2 => formatted,
        1 => (unicode, proptest::option::of(unicode)).prop_map(|(code, label)| {
            json!({"code": code, "rank": 1, "label": label, "parts": [{"name": "é"}]})
        }),
    ];
    let mut runner = TestRunner::new(Config {
        cases: 512,
        failure_persistence: None,
        ..Config::default()
    });
    let hit = std::cell::RefCell::new(std::collections::BTreeSet::new());
    runner
        .run(&strategy, |body| {
            agree(&spec, &body).map_err(TestCaseError::fail)?;
            hit.borrow_mut().extend(
                interpreter(&spec, &body)
                    .into_iter()
                    .map(|(rule, _, _)| rule),
            );
            Ok(())
        })
        .unwrap();
    // The bodies must reach every rule of the fixture, or agreement proves little.
    let hit = hit.into_inner();
    for rule in [
        "schema.min-length",
        "schema.max-length",
        "schema.minimum",
        "schema.maximum",
        "schema.multiple-of",
        "schema.format",
        "schema.deprecated",
        "schema.write-only",
        "schema.min-items",
        "schema.max-items",
        "schema.unique-items",
    ] {
        assert!(
            hit.contains(rule),
            "no generated body broke {rule}: {hit:?}"
        );
    }
}

#[test]
fn map_values_in_check_as_in_the_interpreter() {
    let spec = spec();
    let cases = [
        (json!({"code": "ab", "rank": 0, "tally": {}}), 0),
        (
            json!({"code": "ab", "rank": 0, "tally": {"a": 2, "b": null}}),
            0,
        ),
        (
            json!({"code": "ab", "rank": 0, "tally": {"a": 3, "b/c": 12}}),
            2,
        ),
        (json!({"code": "ab", "rank": 0, "tiers": {"base": "x"}}), 0),
        (
            json!({"code": "ab", "rank": 0, "tiers": {"base": "", "gold": [{"name": "abc"}]}}),
            2,
        ),
        (
            json!({"code": "ab", "rank": 0, "tiers": {"base": "x", "a": [], "b": [{"name": "a"}, {"name": "b"}]}}),
            1,
        ),
    ];
    for (body, count) in cases {
        assert_eq!(agree(&spec, &body), Ok(count), "{body}");
    }
    // The entries round-trip beside the listed property, and a value of
    // another type does not deserialize.
    let body = json!({"code": "ab", "rank": 0, "tiers": {"base": "x", "gold": [{"name": "a"}]}});
    let (back, _) = generated(&body).unwrap();
    assert_eq!(back, body);
    assert!(generated(&json!({"code": "ab", "rank": 0, "tally": {"a": "two"}})).is_err());
    let (_, found) = generated(&json!({"code": "ab", "rank": 0, "tally": {"x~y": 3}})).unwrap();
    assert_eq!(
        found,
        [(
            "schema.multiple-of".to_owned(),
            "/tally/x~0y".to_owned(),
            "3 is not a multiple of 2".to_owned()
        )]
    );
}

#[test]
fn an_all_of_checks_every_member_as_the_interpreter_does() {
    let spec = spec();
    let cases = [
        (
            json!({"code": "ab", "rank": 0, "party": {"name": "ab", "email": "a@b.c"}}),
            0,
        ),
        // `name`: the inline member's `minLength` and Spare's `maxLength`.
        (
            json!({"code": "ab", "rank": 0, "party": {"name": "a", "email": "a@b.c"}}),
            1,
        ),
        (
            json!({"code": "ab", "rank": 0, "party": {"name": "abc", "email": "a@b.c"}}),
            1,
        ),
        // The inline member's `format`.
        (
            json!({"code": "ab", "rank": 0, "party": {"name": "ab", "email": "nope"}}),
            1,
        ),
    ];
    for (body, count) in cases {
        assert_eq!(agree(&spec, &body), Ok(count), "{body}");
    }
    let body = json!({"code": "ab", "rank": 0, "party": {"name": "ab", "email": "a@b.c"}});
    let (back, found) = generated(&body).unwrap();
    assert_eq!(back, body);
    assert!(found.is_empty(), "{found:?}");
    // Both members' `required`: each property is a field of the struct,
    // and the interpreter reports both missing.
    let missing = json!({"code": "ab", "rank": 0, "party": {}});
    assert!(generated(&missing).is_err());
    let rules: Vec<String> =
        pyng_spec::validate::validate(&spec, &Type::Named("Code".into()), &missing)
            .into_iter()
            .map(|f| f.rule)
            .collect();
    assert_eq!(rules, ["schema.required", "schema.required"]);
    // Not nullable (Spare is, the inline member is not).
    let null = json!({"code": "ab", "rank": 0, "party": null});
    let rules: Vec<String> =
        pyng_spec::validate::validate(&spec, &Type::Named("Code".into()), &null)
            .into_iter()
            .map(|f| f.rule)
            .collect();
    assert_eq!(rules, ["schema.nullable"]);
}

#[test]
fn keywords_without_type_check_the_values_of_their_type_as_the_interpreter_does() {
    let spec = spec();
    let cases = [
        // Each keyword lets the values of other types through.
        (json!({"code": "ab", "rank": 0, "loose": true}), 0),
        (json!({"code": "ab", "rank": 0, "loose": {"a": 1}}), 0),
        (json!({"code": "ab", "rank": 0, "loose": "abc"}), 0),
        (json!({"code": "ab", "rank": 0, "loose": "a"}), 1),
        (json!({"code": "ab", "rank": 0, "loose": "abcd"}), 1),
        (json!({"code": "ab", "rank": 0, "loose": 2.5}), 0),
        (json!({"code": "ab", "rank": 0, "loose": 2}), 0),
        // Below the minimum and not a multiple of 0.5.
        (json!({"code": "ab", "rank": 0, "loose": 1.25}), 2),
        (json!({"code": "ab", "rank": 0, "loose": 1}), 1),
        (json!({"code": "ab", "rank": 0, "loose": [1, "1"]}), 0),
        (json!({"code": "ab", "rank": 0, "loose": [1, 1.0, 2]}), 2),
        (json!({"code": "ab", "rank": 0, "counted": [1, 1]}), 0),
        (json!({"code": "ab", "rank": 0, "counted": []}), 1),
        (json!({"code": "ab", "rank": 0, "counted": [1, 2, 3]}), 1),
        (json!({"code": "ab", "rank": 0, "counted": "abc"}), 0),
        (json!({"code": "ab", "rank": 0, "picked": 1.0}), 0),
        (json!({"code": "ab", "rank": 0, "picked": "one"}), 0),
        (json!({"code": "ab", "rank": 0, "picked": [1, 2]}), 0),
        (json!({"code": "ab", "rank": 0, "picked": {"a": 1.0}}), 0),
        (json!({"code": "ab", "rank": 0, "picked": false}), 1),
        (json!({"code": "ab", "rank": 0, "picked": [2, 1]}), 1),
        (json!({"code": "ab", "rank": 0, "picked": {"a": 2}}), 1),
        (json!({"code": "ab", "rank": 0, "picked": 1.5}), 1),
        // Without `type` `null` is a value: `enum` refuses it unless listed.
        (json!({"code": "ab", "rank": 0, "picked": null}), 1),
        (json!({"code": "ab", "rank": 0, "loose": null}), 0),
        (json!({"code": "ab", "rank": 0, "orNone": null}), 0),
        (json!({"code": "ab", "rank": 0, "orNone": "x"}), 1),
    ];
    for (body, count) in cases {
        assert_eq!(agree(&spec, &body), Ok(count), "{body}");
    }
    // A `null` is kept as the value, not read as absent.
    let body = json!({"code": "ab", "rank": 0, "picked": null});
    assert_eq!(generated(&body).map(|(back, _)| back), Ok(body));
}
