//! `oneOf`, `anyOf` and `not` beside a type of the schema's own
//! (`tests/fixtures/beside-own-type.yaml`): the generated `check()` tries
//! each member on the value as the model holds it and reports what the
//! interpreter reports (rule, pointer and message), wherever the
//! composition stands: a referenced object component, a property, map
//! values, array items, a response body.
#![deny(warnings)]

mod holders {
    pyng_derive::generate!("tests/fixtures/beside-own-type.yaml");
}

use holders::Holder;
use pyng_spec::ir::{Spec, Type};
use serde_json::{Value, json};

type Found = Vec<(String, String, String)>;

fn spec() -> Spec {
    pyng_spec::load_file(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/beside-own-type.yaml"
    ))
    .unwrap()
    .spec
}

fn interpreter(spec: &Spec, ty: &Type, body: &Value) -> Found {
    let mut found: Found = pyng_spec::validate::validate(spec, ty, body)
        .into_iter()
        .filter(|f| f.severity == pyng_spec::Severity::Error)
        .map(|f| (f.rule, f.pointer, f.message))
        .collect();
    found.sort();
    found
}

fn generated(body: &Value) -> Found {
    let holder: Holder = serde_json::from_value(body.clone()).unwrap();
    assert_eq!(serde_json::to_value(&holder).unwrap(), *body, "round trip");
    let mut found: Found = holder
        .check()
        .into_iter()
        .map(|v| (v.rule.to_owned(), v.pointer, v.message))
        .collect();
    found.sort();
    found
}

#[test]
fn check_judges_compositions_beside_their_type_as_the_interpreter_does() {
    let spec = spec();
    let holder = Type::Named("Holder".into());
    let cases = [
        (json!({}), 0),
        (json!({"thing": {"a": 1}}), 0),
        (json!({"thing": {"a": 1, "b": 2}}), 1),
        (json!({"thing": {}}), 1),
        (json!({"word": "abc"}), 0),
        (json!({"word": "ab"}), 1),
        (json!({"code": "ab"}), 0),
        (json!({"code": "2024-01-31"}), 0),
        (json!({"code": "abcd"}), 1),
        (json!({"code": ""}), 1),
        (json!({"level": 12}), 1),
        (json!({"level": 11}), 0),
        (json!({"level": 4}), 0),
        (json!({"level": 3}), 1),
        (json!({"shade": 3}), 0),
        (json!({"shade": "white"}), 0),
        (json!({"shade": "black"}), 1),
        (json!({"scores": [1, 100, 99, 250]}), 2),
        (
            json!({"labels": {"ok": "ab", "bad": "b", "id": "0a6e5ee2-32b4-4a83-8b4a-6f1c1b1f5b44"}}),
            1,
        ),
    ];
    for (body, count) in cases {
        let expected = interpreter(&spec, &holder, &body);
        assert_eq!(generated(&body), expected, "{body}");
        assert_eq!(expected.len(), count, "{body}: {expected:?}");
    }
    let found = generated(&json!({"word": "ab", "scores": [100]}));
    assert_eq!(
        found,
        [
            (
                "schema.not".to_owned(),
                "/scores/0".to_owned(),
                "the value matches its `not` schema".to_owned()
            ),
            (
                "schema.not".to_owned(),
                "/word".to_owned(),
                "the value matches its `not` schema".to_owned()
            ),
        ]
    );
}

#[test]
fn a_member_check_would_judge_leniently_is_left_to_the_validators() {
    let spec = spec();
    let holder = Type::Named("Holder".into());
    // Judged, `"abc"` would be a false `schema.not`: `check()` cannot see
    // that it misses the pattern.
    for text in ["abc", "xyz"] {
        let body = json!({ "tag": text });
        assert_eq!(generated(&body), Found::new(), "{body}");
    }
    assert_eq!(
        interpreter(&spec, &holder, &json!({"tag": "abc"})),
        Found::new()
    );
    assert_eq!(
        interpreter(&spec, &holder, &json!({"tag": "xyz"}))
            .into_iter()
            .map(|(rule, pointer, _)| (rule, pointer))
            .collect::<Vec<_>>(),
        [("schema.not".to_owned(), "/tag".to_owned())]
    );
}

#[test]
fn a_type_object_that_restates_its_members_is_the_members_enum() {
    use holders::{Cat, HolderPet};
    let spec = spec();
    let holder = Type::Named("Holder".into());
    let body = json!({"pet": {"kind": "Cat", "purr": true}});
    let read: Holder = serde_json::from_value(body.clone()).unwrap();
    assert_eq!(
        read.pet,
        Some(HolderPet::Cat(Cat {
            kind: "Cat".into(),
            purr: Some(true)
        }))
    );
    // Nothing is dropped, and the tag and the member are judged alike.
    for body in [
        body,
        json!({"pet": {"kind": "Dog", "bark": true}}),
        json!({"pet": {"kind": "Cow"}}),
    ] {
        assert_eq!(
            generated(&body),
            interpreter(&spec, &holder, &body),
            "{body}"
        );
    }
    assert_eq!(generated(&json!({"pet": {"kind": "Cow"}})).len(), 1);
}

#[test]
fn a_body_with_a_not_has_response_check() {
    use holders::get_word::Response;
    let spec = spec();
    let op = spec.operations.iter().find(|o| o.id == "getWord").unwrap();
    let body_type = op.responses[0].body.clone().unwrap();
    for (text, count) in [("\"forbidden\"", 1), ("\"allowed\"", 0)] {
        let response = Response::parse(200, text).unwrap();
        let found: Found = response
            .check()
            .into_iter()
            .map(|v| (v.rule.to_owned(), v.pointer, v.message))
            .collect();
        let body: Value = serde_json::from_str(text).unwrap();
        assert_eq!(found, interpreter(&spec, &body_type, &body), "{text}");
        assert_eq!(found.len(), count);
    }
}

#[test]
fn a_request_body_root_composition_is_its_enum() {
    use holders::create_pet::RequestBody;
    use holders::{Cat, Dog};
    let body: RequestBody = serde_json::from_value(json!({"kind": "Dog", "bark": true})).unwrap();
    let dog = Dog {
        kind: "Dog".into(),
        bark: Some(true),
    };
    assert_eq!(
        serde_json::to_value(&body).unwrap(),
        serde_json::to_value(&dog).unwrap()
    );
    let cat = Cat {
        kind: "Cat".into(),
        purr: None,
    };
    let sent = serde_json::to_value(&cat).unwrap();
    let body: RequestBody = serde_json::from_value(sent.clone()).unwrap();
    assert_eq!(serde_json::to_value(&body).unwrap(), sent);
}
