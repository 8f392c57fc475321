//! `uniqueItems: true` in both validators, by JSON equality: `1` equals
//! `1.0`, an object's key order does not matter, `1` and `"1"` differ. The
//! schema-keyword fixture's `scores` (numbers), `tags` (strings) and `pairs`
//! (objects).

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

fn repeated(pointer: &str, first: usize, second: usize) -> Vec<(String, String, String)> {
    vec![(
        "schema.unique-items".to_owned(),
        pointer.to_owned(),
        format!("item {second} equals item {first}, and the items must be unique"),
    )]
}

#[test]
fn equal_items_are_json_equal_items() {
    let spec = spec();
    for members in [
        r#", "scores": [1, 1.0]"#,
        r#", "scores": [0.5, 5e-1]"#,
        r#", "scores": [0, -0.0]"#,
        r#", "scores": [100, 1e2]"#,
    ] {
        assert_eq!(
            findings(&spec, members),
            repeated("/scores", 0, 1),
            "{members}"
        );
    }
    assert_eq!(
        findings(
            &spec,
            r#", "pairs": [{"a": 1, "b": 2}, {"a": 2, "b": 2}, {"b": 2, "a": 1}]"#
        ),
        repeated("/pairs", 0, 2)
    );
    assert_eq!(
        findings(&spec, r#", "tags": ["x", "y", "x"]"#),
        repeated("/tags", 0, 2)
    );
}

#[test]
fn different_items_pass() {
    let spec = spec();
    for members in [
        r#", "scores": [1, 1.5, 2, 0.30000000000000004, 0.3]"#,
        r#", "scores": []"#,
        r#", "tags": ["x", "X", "x "]"#,
        r#", "pairs": [{"a": 1, "b": 2}, {"a": 2, "b": 1}, {"a": 1, "b": 1}]"#,
    ] {
        assert_eq!(findings(&spec, members), [], "{members}");
    }
}

#[test]
fn a_repeated_item_is_one_finding_beside_the_item_count() {
    let spec = spec();
    let found = findings(&spec, r#", "tags": ["x", "x", "y", "z"]"#);
    let rules: Vec<&str> = found.iter().map(|f| f.0.as_str()).collect();
    assert_eq!(rules, ["schema.max-items", "schema.unique-items"]);
}
