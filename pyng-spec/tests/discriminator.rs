//! `discriminator` beside `oneOf`/`anyOf`: an object's tag names the member
//! it is checked against (by `mapping`, else by component name), in both
//! validators alike; shapes the kit does not read are refused at the key.

mod support;

use pyng_spec::diff::{Class, Kind, diff};
use pyng_spec::ir::Type;
use pyng_spec::load_str;
use serde_json::{Value, json};
use support::errors;

const SPEC: &str = r##"openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /body:
    get:
      operationId: getBody
      responses:
        "200":
          description: OK
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/Owner"
components:
  schemas:
    Owner:
      type: object
      required: [pet]
      properties:
        pet:
          discriminator:
            propertyName: kind
            mapping: {cat: "#/components/schemas/Cat"}
          oneOf:
            - $ref: "#/components/schemas/Cat"
            - $ref: "#/components/schemas/Dog"
    Cat:
      type: object
      required: [kind, meow]
      properties:
        kind: {type: string}
        meow: {type: integer}
    Dog:
      type: object
      required: [kind, bark]
      properties:
        kind: {type: string}
        bark: {type: boolean}
"##;

/// The (rule, pointer, message) of each error, from both validators, which
/// must agree.
fn found(body: &Value) -> Vec<(String, String, String)> {
    (support::error_findings(SPEC, "Owner", body).into_iter())
        .map(|f| (f.rule, f.pointer, f.message))
        .collect()
}

fn rules_at(body: Value) -> Vec<(String, String)> {
    found(&body).into_iter().map(|(r, p, _)| (r, p)).collect()
}

fn pair(rule: &str, pointer: &str) -> (String, String) {
    (rule.to_owned(), pointer.to_owned())
}

#[test]
fn the_spec_loads_without_errors() {
    assert_eq!(errors(SPEC), []);
}

#[test]
fn the_tag_selects_the_member_by_mapping_or_component_name() {
    assert_eq!(rules_at(json!({"pet": {"kind": "cat", "meow": 1}})), []);
    assert_eq!(rules_at(json!({"pet": {"kind": "Dog", "bark": true}})), []);
    // Both members would accept it; the tag chooses, so it is no `oneOf` error.
    assert_eq!(
        rules_at(json!({"pet": {"kind": "cat", "meow": 1, "bark": true}})),
        []
    );
}

#[test]
fn a_missing_or_unknown_tag_is_reported_at_the_object_or_the_tag() {
    assert_eq!(
        rules_at(json!({"pet": {"meow": 1}})),
        [pair("schema.discriminator", "/pet")]
    );
    // The mapping names `Cat` `cat`: its component name is no longer a tag.
    let unknown = found(&json!({"pet": {"kind": "Cat", "meow": 1}}));
    assert_eq!(unknown.len(), 1, "{unknown:?}");
    assert_eq!(
        (unknown[0].0.as_str(), unknown[0].1.as_str()),
        ("schema.discriminator", "/pet/kind")
    );
    assert!(unknown[0].2.contains("`Dog`, `cat`"), "{}", unknown[0].2);
    assert_eq!(
        rules_at(json!({"pet": {"kind": 7, "meow": 1}})),
        [pair("schema.discriminator", "/pet/kind")]
    );
}

#[test]
fn the_selected_member_points_at_the_value_it_refuses() {
    let wrong = found(&json!({"pet": {"kind": "cat", "meow": "x"}}));
    assert_eq!(wrong.len(), 1, "{wrong:?}");
    assert_eq!(
        (wrong[0].0.as_str(), wrong[0].1.as_str()),
        ("schema.discriminator", "/pet/meow")
    );
    assert!(wrong[0].2.contains("schema.type"), "{}", wrong[0].2);
    // The object the tag names a `Dog` is checked as one, not as a `Cat`:
    // its missing `bark` is pointed at where it belongs.
    assert_eq!(
        rules_at(json!({"pet": {"kind": "Dog", "meow": 1}})),
        [pair("schema.discriminator", "/pet/bark")]
    );
}

#[test]
fn a_value_that_is_not_an_object_is_tried_against_every_member() {
    assert_eq!(rules_at(json!({"pet": 3})), [pair("schema.one-of", "/pet")]);
}

#[test]
fn shapes_the_kit_does_not_read_are_refused_at_the_key() {
    let cases = [
        (
            SPEC.replace(
                "          oneOf:\n            - $ref: \"#/components/schemas/Cat\"\n            - $ref: \"#/components/schemas/Dog\"\n",
                "          type: object\n",
            ),
            "discriminator:",
            "beside no `oneOf`",
        ),
        (
            SPEC.replace(
                "            - $ref: \"#/components/schemas/Dog\"\n",
                "            - {type: object, properties: {bark: {type: boolean}}}\n",
            ),
            "- {type: object",
            "not a `$ref`",
        ),
        (
            SPEC.replace(
                "mapping: {cat: \"#/components/schemas/Cat\"}",
                "mapping: {cat: \"#/components/schemas/Owner\"}",
            ),
            "mapping: {cat:",
            "not a member",
        ),
    ];
    // Each refusal stands on the line of the key it names.
    for (text, line_of, says) in cases {
        let line = 1 + text
            .lines()
            .position(|l| l.contains(line_of))
            .expect("in the text");
        let found = errors(&text);
        assert_eq!(found.len(), 1, "{says}: {found:#?}");
        assert_eq!(found[0].rule, "lint.unsupported");
        assert_eq!(found[0].line, line, "{}", found[0]);
        assert!(found[0].message.contains(says), "{}", found[0]);
    }
    // A bare component name in the mapping is that component.
    let bare = SPEC.replace("{cat: \"#/components/schemas/Cat\"}", "{cat: Cat}");
    assert_eq!(errors(&bare), []);
}

#[test]
fn synthesised_bodies_carry_the_tag_of_their_member() {
    let spec = load_str("fixture.yaml", SPEC).expect("loads").spec;
    for seed in 0..20 {
        let options = pyng_spec::synth::Options {
            seed,
            ..Default::default()
        };
        let body = pyng_spec::synth::body(&spec, &Type::Named("Owner".into()), &options);
        assert_eq!(found(&body), [], "{body}");
        assert!(body["pet"]["kind"].is_string(), "{body}");
    }
}

#[test]
fn diff_classes_discriminator_changes() {
    let load = |text: &str| load_str("fixture.yaml", text).expect("loads").spec;
    let base = load(SPEC);
    let renamed = load(&SPEC.replace("{cat: \"#/components/schemas/Cat\"}", "{kitty: Cat}"));
    let dropped = load(&SPEC.replace(
        "          discriminator:\n            propertyName: kind\n            mapping: {cat: \"#/components/schemas/Cat\"}\n",
        "",
    ));
    let other = load(&SPEC.replace("propertyName: kind", "propertyName: bark"));
    for (a, b, class, detail) in [
        (
            &base,
            &dropped,
            Class::Breaking,
            "`discriminator` `kind` dropped",
        ),
        (
            &dropped,
            &base,
            Class::NonBreaking,
            "`discriminator` `kind` added",
        ),
        (&base, &other, Class::Breaking, "property `kind` -> `bark`"),
    ] {
        let c = diff(a, b);
        assert_eq!(c.len(), 1, "{detail}: {c:#?}");
        assert_eq!(
            (c[0].kind, c[0].class),
            (Kind::FieldConstraintChanged, class)
        );
        assert!(c[0].detail.contains(detail), "{}", c[0]);
    }
    let c = diff(&base, &renamed);
    let details: Vec<(Class, &str)> = c.iter().map(|c| (c.class, c.detail.as_str())).collect();
    assert_eq!(details.len(), 2, "{c:#?}");
    assert!(
        details.contains(&(
            Class::Breaking,
            "`discriminator` value `kitty` added: partners may not know it"
        )),
        "{c:#?}"
    );
    assert!(
        details
            .iter()
            .any(|(class, d)| *class == Class::NonBreaking && d.contains("`cat` removed")),
        "{c:#?}"
    );
    assert!(diff(&base, &base).is_empty());
}
