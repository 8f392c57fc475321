//! `enum` of integers, numbers and booleans (issue 12): the lint accepts one
//! whose values are of the schema's type (and `null` beside `nullable`) and
//! refuses the rest; both validators check a value by JSON equality (`1.0`
//! is the listed `1`) and agree; synth picks a listed value; the diff classes
//! a value added as breaking. The schema-keyword fixture's `level`
//! (integers, nullable), `weight` (numbers) and `flag` (booleans).

use pyng_spec::diff::{Change, Class};
use pyng_spec::ir::{Spec, Type};
use pyng_spec::validate::{self, stream::Schema};
use pyng_spec::{Severity, load_str};

const FIXTURE: &str = include_str!("../../pyng-derive/tests/fixtures/schema-keywords.yaml");

fn spec() -> Spec {
    load_str("schema-keywords.yaml", FIXTURE)
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

fn not_listed(pointer: &str, value: &str, allowed: &str) -> Vec<(String, String, String)> {
    vec![(
        "schema.enum".to_owned(),
        pointer.to_owned(),
        format!("`{value}` is not one of {allowed}"),
    )]
}

#[test]
fn listed_values_pass_by_json_equality() {
    let spec = spec();
    for members in [
        r#", "level": 1"#,
        r#", "level": 3"#,
        r#", "level": null"#,
        r#", "weight": 0.5"#,
        r#", "weight": 5e-1"#,
        r#", "weight": 1"#,
        r#", "weight": 1.0"#,
        r#", "weight": 2.25"#,
        r#", "flag": true"#,
    ] {
        assert_eq!(findings(&spec, members), [], "{members}");
    }
}

#[test]
fn values_outside_the_enum_are_schema_enum() {
    let spec = spec();
    assert_eq!(
        findings(&spec, r#", "level": 4"#),
        not_listed("/level", "4", "`1`, `2`, `3`")
    );
    let weights = "`0.5`, `1`, `2.25`";
    assert_eq!(
        findings(&spec, r#", "weight": 2"#),
        not_listed("/weight", "2", weights)
    );
    assert_eq!(
        findings(&spec, r#", "weight": 0.50001"#),
        not_listed("/weight", "0.50001", weights)
    );
    assert_eq!(
        findings(&spec, r#", "flag": false"#),
        not_listed("/flag", "false", "`true`")
    );
    // A value of another type is a type error, not also an enum miss.
    let rules: Vec<String> = findings(&spec, r#", "level": "1""#)
        .into_iter()
        .map(|f| f.0)
        .collect();
    assert_eq!(rules, ["schema.type"]);
}

fn lint_errors(property: &str) -> Vec<String> {
    let text = FIXTURE.replacen(
        "        parts:\n",
        &format!("        probe:\n{property}        parts:\n"),
        1,
    );
    match load_str("fixture.yaml", &text) {
        Ok(loaded) => loaded
            .warnings
            .0
            .into_iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| format!("{} {}", d.rule, d.message))
            .collect(),
        Err(d) => {
            d.0.into_iter()
                .map(|d| format!("{} {}", d.rule, d.message))
                .collect()
        }
    }
}

#[test]
fn the_lint_refuses_values_of_another_type_and_null_without_nullable() {
    for (schema, expected) in [
        (
            "          type: integer\n          enum: [1, \"2\"]\n",
            "lint.unsupported `enum` lists \"2\", not a value of `type: integer`",
        ),
        (
            "          type: integer\n          enum: [1, 2.5]\n",
            "lint.unsupported `enum` lists 2.5, not a value of `type: integer`",
        ),
        (
            "          type: boolean\n          enum: [true, 1]\n",
            "lint.unsupported `enum` lists 1, not a value of `type: boolean`",
        ),
        (
            "          type: number\n          enum: [1.5, null]\n",
            "lint.unsupported `enum` lists null, not a value of `type: number`",
        ),
    ] {
        let found = lint_errors(schema);
        assert!(
            found.iter().any(|e| e.starts_with(expected)),
            "{schema}: {found:#?}"
        );
    }
    for schema in [
        "          type: integer\n          enum: [1, 2]\n",
        "          type: number\n          enum: [1.5, 2]\n          nullable: true\n",
        "          type: boolean\n          enum: [false]\n",
    ] {
        assert_eq!(lint_errors(schema), Vec::<String>::new(), "{schema}");
    }
}

#[test]
fn an_enum_of_integers_outside_a_property_is_refused() {
    let diagnostics = |text: &str| match load_str("fixture.yaml", text) {
        Ok(loaded) => loaded.warnings.0,
        Err(d) => d.0,
    };
    // On a component it is the enum of every property and items that
    // reference it, and on an array's items the items' own ...
    let text = FIXTURE.replacen(
        "    Part:\n",
        "    Level:\n      type: integer\n      enum: [1, 2]\n    Part:\n",
        1,
    );
    let text = text.replacen(
        "          items:\n            type: number\n",
        "          items:\n            type: number\n            enum: [1, 2.5]\n",
        1,
    );
    assert!(
        diagnostics(&text)
            .iter()
            .all(|d| d.rule != "lint.unsupported"),
        "{:#?}",
        diagnostics(&text)
    );
    let spec = load_str("fixture.yaml", &text).unwrap().spec;
    let ty = Type::Named("Code".into());
    let rules = |body: serde_json::Value| -> Vec<String> {
        validate::validate(&spec, &ty, &body)
            .into_iter()
            .map(|f| format!("{} {}", f.rule, f.pointer))
            .collect()
    };
    assert_eq!(
        rules(serde_json::json!({"code": "ab", "rank": 0, "scores": [1.0, 2.5, 3]})),
        ["schema.enum /scores/2"]
    );
    // ... and a parameter that references such a component is refused at the `$ref`.
    let parameter = "          schema:\n            type: string\n      responses:\n";
    assert!(text.contains(parameter));
    let text = text.replacen(
        parameter,
        "          schema:\n            $ref: \"#/components/schemas/Level\"\n      responses:\n",
        1,
    );
    let found = diagnostics(&text);
    assert!(
        found.iter().any(|d| d.rule == "lint.unsupported"
            && d.message.starts_with("`Level` has `enum`, which the kit checks where a property references it; here (a parameter's schema)")),
        "{found:#?}"
    );
}

#[test]
fn synth_picks_listed_values() {
    let spec = spec();
    let ty = Type::Named("Code".into());
    for seed in 0..20 {
        let options = pyng_spec::synth::Options {
            seed,
            optional: true,
            ..Default::default()
        };
        let body = pyng_spec::synth::body(&spec, &ty, &options);
        assert!(body.get("level").is_some(), "{body}");
        let found = validate::validate(&spec, &ty, &body);
        assert!(
            found.iter().all(|f| f.rule != "schema.enum"),
            "{seed}: {body} {found:#?}"
        );
    }
}

#[test]
fn a_value_added_is_breaking_a_value_removed_is_not() {
    let old = spec();
    let diff = |from: &str, to: &str| {
        let new = load_str("fixture.yaml", &FIXTURE.replacen(from, to, 1))
            .unwrap()
            .spec;
        pyng_spec::diff::diff(&old, &new)
    };
    let breaking = |changes: &[Change]| changes.iter().any(|c| c.class == Class::Breaking);
    let added = diff("enum: [0.5, 1, 2.25]", "enum: [0.5, 1, 2.25, 3]");
    assert!(
        added
            .iter()
            .any(|c| c.class == Class::Breaking && c.detail.contains("enum value added (3)")),
        "{added:#?}"
    );
    // 1.0 is the listed 1: no change at all.
    let same = diff("enum: [0.5, 1, 2.25]", "enum: [0.5, 1.0, 2.25]");
    assert!(same.is_empty(), "{same:#?}");
    let removed = diff("enum: [0.5, 1, 2.25]", "enum: [0.5, 1]");
    assert!(!breaking(&removed), "{removed:#?}");
    assert!(!removed.is_empty(), "{removed:#?}");
    let dropped = diff("          enum: [true]\n", "");
    assert!(
        dropped
            .iter()
            .any(|c| c.class == Class::Breaking && c.detail.contains("`enum` dropped")),
        "{dropped:#?}"
    );
}
