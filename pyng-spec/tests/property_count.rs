//! `minProperties`/`maxProperties` in both validators: every present
//! property counts, undocumented ones and nulls too, a repeated key once.
//! The schema-keyword fixture's `meta` (1 to 2 properties, `a` documented).

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
    let dom: Vec<_> = match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(value) => validate::validate(spec, &ty, &value)
            .into_iter()
            .map(|f| (f.rule, f.pointer, f.message))
            .collect(),
        Err(e) => panic!("{text}: {e}"),
    };
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

fn rules(found: &[(String, String, String)]) -> Vec<&str> {
    found.iter().map(|f| f.0.as_str()).collect()
}

#[test]
fn too_few_properties() {
    let spec = spec();
    assert_eq!(
        findings(&spec, r#", "meta": {}"#),
        [(
            "schema.min-properties".to_owned(),
            "/meta".to_owned(),
            "the object has 0 properties, fewer than the minimum 1".to_owned()
        )]
    );
    // A null is a present property.
    assert_eq!(findings(&spec, r#", "meta": {"a": null}"#), []);
}

#[test]
fn undocumented_properties_count() {
    let spec = spec();
    let found = findings(&spec, r#", "meta": {"x": 1}"#);
    assert_eq!(rules(&found), ["schema.undocumented-property"]);
    let found = findings(&spec, r#", "meta": {"a": 1, "x": 2, "y": null}"#);
    assert_eq!(
        rules(&found),
        [
            "schema.undocumented-property",
            "schema.undocumented-property",
            "schema.max-properties"
        ]
    );
    assert_eq!(
        found[2].2,
        "the object has 3 properties, more than the maximum 2"
    );
    assert_eq!(found[2].1, "/meta");
}

#[test]
fn a_repeated_key_counts_once() {
    let spec = spec();
    let found = findings(&spec, r#", "meta": {"a": 1, "x": 2, "x": 3}"#);
    assert_eq!(rules(&found), ["schema.undocumented-property"]);
}

#[test]
fn synthesised_objects_meet_their_property_counts() {
    let spec = spec();
    let ty = Type::Named("Code".into());
    for (seed, optional) in [(1, false), (2, true), (3, true)] {
        let options = pyng_spec::synth::Options {
            seed,
            optional,
            ..Default::default()
        };
        let mut body = pyng_spec::synth::body(&spec, &ty, &options);
        // `meta` is optional; when present it has one or two properties.
        body["meta"] = pyng_spec::synth::body(&spec, &Type::Named("CodeMeta".into()), &options);
        let found = validate::validate(&spec, &ty, &body);
        let counts: Vec<_> = found
            .iter()
            .filter(|f| f.rule.ends_with("-properties") && f.rule != "schema.undocumented-property")
            .collect();
        assert!(counts.is_empty(), "{body}: {counts:#?}");
        let meta = body["meta"].as_object().unwrap();
        assert!((1..=2).contains(&meta.len()), "{body}");
    }
}
