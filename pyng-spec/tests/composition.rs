//! `oneOf`, `anyOf` and `not`: a value is tried against each member (a
//! member matches when checking the value against it finds no error), beside
//! the schema's own keywords, in both validators alike.

mod support;

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
          oneOf:
            - $ref: "#/components/schemas/Cat"
            - type: object
              required: [bark]
              properties:
                bark: {type: boolean}
        code:
          type: string
          maxLength: 2
          not: {enum: [bad]}
        size:
          anyOf:
            - {type: integer, minimum: 10}
            - {type: string, maxLength: 2}
        tags:
          type: array
          items:
            not: {type: integer}
    Cat:
      type: object
      required: [meow]
      properties:
        meow: {type: integer}
"##;

/// The (rule, pointer) of each error, from both validators, which must agree.
fn found(body: &Value) -> Vec<(String, String)> {
    (support::error_findings(SPEC, "Owner", body).into_iter())
        .map(|f| (f.rule, f.pointer))
        .collect()
}

fn pair(rule: &str, pointer: &str) -> (String, String) {
    (rule.to_owned(), pointer.to_owned())
}

#[test]
fn the_spec_loads_without_errors() {
    assert_eq!(errors(SPEC), []);
}

#[test]
fn one_of_wants_exactly_one_member() {
    assert_eq!(found(&json!({"pet": {"meow": 1}})), []);
    assert_eq!(found(&json!({"pet": {"bark": true}})), []);
    // Both members match.
    assert_eq!(
        found(&json!({"pet": {"meow": 1, "bark": true}})),
        [pair("schema.one-of", "/pet")]
    );
    // Neither matches; the member's own errors are not findings of the body.
    assert_eq!(
        found(&json!({"pet": {"meow": "x"}})),
        [pair("schema.one-of", "/pet")]
    );
    assert_eq!(found(&json!({"pet": 3})), [pair("schema.one-of", "/pet")]);
}

#[test]
fn any_of_wants_one_member_at_least() {
    let base = |size: Value| json!({"pet": {"meow": 1}, "size": size});
    assert_eq!(found(&base(json!(12))), []);
    assert_eq!(found(&base(json!("ab"))), []);
    assert_eq!(found(&base(json!(9))), [pair("schema.any-of", "/size")]);
    assert_eq!(found(&base(json!("abc"))), [pair("schema.any-of", "/size")]);
    assert_eq!(found(&base(json!(true))), [pair("schema.any-of", "/size")]);
    // Without `type`, `null` is a value the members judge.
    assert_eq!(found(&base(Value::Null)), [pair("schema.any-of", "/size")]);
}

#[test]
fn not_refuses_what_its_member_accepts_beside_the_own_type() {
    let base = |code: Value| json!({"pet": {"meow": 1}, "code": code});
    assert_eq!(found(&base(json!("ok"))), []);
    assert_eq!(
        found(&base(json!("bad"))),
        [
            pair("schema.max-length", "/code"),
            pair("schema.not", "/code")
        ]
    );
    // The schema's own `type` still applies, and a `null` is its `nullable`'s.
    assert_eq!(found(&base(json!(1))), [pair("schema.type", "/code")]);
    assert_eq!(
        found(&base(Value::Null)),
        [pair("schema.nullable", "/code")]
    );
    let tags = json!({"pet": {"meow": 1}, "tags": ["a", 1, 2.5]});
    assert_eq!(found(&tags), [pair("schema.not", "/tags/1")]);
}

#[test]
fn a_member_matches_despite_warnings_and_fails_on_an_error() {
    // Undocumented properties are warnings: `Cat` matches; `bark: 1` is an
    // error of the other member, so exactly one matches.
    assert_eq!(
        found(&json!({"pet": {"meow": 1, "bark": 1, "extra": true}})),
        []
    );
    assert_eq!(found(&json!({"pet": {"meow": "x", "bark": true}})), []);
}

#[test]
fn parameter_composition_is_refused() {
    let in_parameter = SPEC.replace(
        "      operationId: getBody\n",
        "      operationId: getBody\n      parameters:\n        - {name: q, in: query, schema: {oneOf: [{type: string}, {type: integer}]}}\n",
    );
    let refused = errors(&in_parameter);
    assert!(
        refused
            .iter()
            .any(|d| d.rule == "lint.unsupported" && d.message.contains("oneOf")),
        "{refused:?}"
    );
}

#[test]
fn synthesised_bodies_meet_every_member_rule() {
    let spec = load_str("fixture.yaml", SPEC).expect("loads").spec;
    for seed in 0..20 {
        for optional in [false, true] {
            let options = pyng_spec::synth::Options {
                seed,
                optional,
                ..Default::default()
            };
            let body = pyng_spec::synth::body(&spec, &Type::Named("Owner".into()), &options);
            assert_eq!(found(&body), [], "{body}");
        }
    }
}
