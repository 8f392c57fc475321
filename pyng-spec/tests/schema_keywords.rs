//! Every field of the OpenAPI 3.0.3 Schema Object is enforced, an annotation,
//! or refused by the linter at the keyword: never read and ignored. The field
//! list below is transcribed from the specification (§ Schema Object, Fixed
//! Fields), independently of the kit's table, which it must match.

use pyng_spec::ir::Type;
use pyng_spec::schema_keywords::{KEYWORDS, Support, keyword};
use pyng_spec::{Diagnostic, Severity, load_str, validate};

/// OpenAPI 3.0.3 § Schema Object: the JSON Schema fields it takes over, the
/// ones it adjusts, and its own fixed fields, in the order listed there.
const SCHEMA_OBJECT_FIELDS: &[&str] = &[
    "title",
    "multipleOf",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "maxProperties",
    "minProperties",
    "required",
    "enum",
    "type",
    "allOf",
    "oneOf",
    "anyOf",
    "not",
    "items",
    "properties",
    "additionalProperties",
    "description",
    "format",
    "default",
    "nullable",
    "discriminator",
    "readOnly",
    "writeOnly",
    "xml",
    "externalDocs",
    "example",
    "deprecated",
];

const BASE: &str = include_str!("fixtures/lint-base.yaml");

fn diagnostics(text: &str) -> Vec<Diagnostic> {
    match load_str("fixture.yaml", text) {
        Ok(loaded) => loaded.warnings.0,
        Err(d) => d.0,
    }
}

fn errors(text: &str) -> Vec<Diagnostic> {
    diagnostics(text)
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .collect()
}

/// The base fixture with its example breaking the invariant and saying so,
/// so that a refusal which turned `total` into "any value" would make that
/// expectation stale (`lint.stale-expected-violation`) and the invariant read a
/// field of no type (`lint.invariant-field`).
fn baited() -> String {
    let text = BASE.replacen(
        "                good:\n",
        "                good:\n                  x-expected-violations: [amount.total-is-sum-of-lines]\n",
        1,
    );
    let text = text.replacen(
        "                    total: 300\n",
        "                    total: 301\n",
        1,
    );
    assert!(errors(&text).is_empty(), "{:?}", errors(&text));
    text
}

const TOTAL: &str = "        total:\n          type: integer\n          x-unit: cents\n";

/// `total`'s schema with `lines` in place of its `type` line (10-space indent).
fn with_total(lines: &str) -> String {
    let text = baited();
    assert!(text.contains(TOTAL));
    text.replacen(
        TOTAL,
        &format!("        total:\n{lines}          x-unit: cents\n"),
        1,
    )
}

/// Uses on `total` of keywords the kit reads in one shape only, each refused
/// at its key (the keyword's own line first).
const MISUSES: &[(&str, &str)] = &[(
    "discriminator",
    "          discriminator: {propertyName: kind}\n          type: integer\n",
)];

/// Where `lines`' first key lands in `text`: (line, column), 1-based.
fn position_of(text: &str, lines: &str) -> (usize, usize) {
    let first = lines.lines().next().unwrap();
    let line = text.lines().position(|l| l == first).unwrap() + 1;
    let column = first.len() - first.trim_start().len() + 1;
    (line, column)
}

#[test]
fn every_schema_object_field_is_in_the_table_once() {
    for field in SCHEMA_OBJECT_FIELDS {
        assert!(keyword(field).is_some(), "`{field}` is not in KEYWORDS");
    }
    for k in KEYWORDS {
        assert!(
            k.name == "$ref" || SCHEMA_OBJECT_FIELDS.contains(&k.name),
            "`{}` is in KEYWORDS but is no Schema Object field",
            k.name
        );
        let count = KEYWORDS.iter().filter(|o| o.name == k.name).count();
        assert_eq!(count, 1, "`{}` is listed {count} times", k.name);
    }
}

#[test]
fn every_schema_object_field_is_read_and_a_misuse_is_refused_without_a_cascade() {
    // No field of the Schema Object is refused whole today; one refused again
    // needs its use in MISUSES, checked as these are.
    let refused: Vec<&str> = (KEYWORDS.iter())
        .filter(|k| k.support == Support::Refused)
        .map(|k| k.name)
        .collect();
    let tried: Vec<&str> = MISUSES.iter().map(|(name, _)| *name).collect();
    for name in &refused {
        assert!(
            tried.contains(name),
            "no use of refused `{name}` in MISUSES: add one"
        );
    }
    for (name, lines) in MISUSES {
        let text = with_total(lines);
        let found = errors(&text);
        let (line, column) = position_of(&text, lines);
        assert_eq!(
            found.len(),
            1,
            "`{name}`: one error expected, got {found:#?}"
        );
        let d = &found[0];
        assert_eq!(d.rule, "lint.unsupported", "{d}");
        assert_eq!((d.line, d.column), (line, column), "{d}");
        assert!(d.message.contains(&format!("`{name}`")), "{d}");
        assert!(d.consequences.is_empty(), "{d:#?}");
    }
}

#[test]
fn the_inert_value_of_a_refused_keyword_is_accepted() {
    for lines in [
        "          type: integer\n          exclusiveMinimum: false\n",
        "          type: integer\n          deprecated: false\n",
        "          type: integer\n          writeOnly: false\n",
    ] {
        assert!(
            errors(&with_total(lines)).is_empty(),
            "{lines}: {:#?}",
            errors(&with_total(lines))
        );
    }
}

/// A use of each enforced or annotation keyword where the kit reads it; the
/// spec loads with no error and no warning.
#[test]
fn every_enforced_keyword_is_accepted_where_it_is_read() {
    for k in KEYWORDS.iter().filter(|k| k.support != Support::Refused) {
        let lines = match k.name {
            "title" => "          title: Total\n          type: integer\n",
            "maximum" => "          maximum: 1000\n          type: integer\n",
            "minimum" => "          minimum: 0\n          type: integer\n",
            "exclusiveMinimum" => {
                "          exclusiveMinimum: true\n          type: integer\n          minimum: 0\n"
            }
            "exclusiveMaximum" => {
                "          exclusiveMaximum: true\n          type: integer\n          maximum: 9000\n"
            }
            "multipleOf" => "          multipleOf: 1\n          type: integer\n",
            "pattern" => "          pattern: \"^[0-9]+$\"\n          type: string\n",
            "minLength" => "          minLength: 1\n          type: string\n",
            "maxLength" => "          maxLength: 9\n          type: string\n",
            "required"
            | "properties"
            | "type"
            | "$ref"
            | "items"
            | "additionalProperties"
            | "allOf" => {
                continue;
            }
            "minItems" | "maxItems" | "uniqueItems" => {
                let value = if k.name == "uniqueItems" { "true" } else { "2" };
                let lines = format!(
                    "        lines:\n          type: array\n          {}: {value}\n",
                    k.name
                );
                let text = BASE.replacen("        lines:\n          type: array\n", &lines, 1);
                assert!(
                    diagnostics(&text).is_empty(),
                    "`{}`: {:#?}",
                    k.name,
                    diagnostics(&text)
                );
                continue;
            }
            "discriminator" => {
                // Beside a `oneOf` of component references, on an object.
                let text = BASE.replacen(
                    "        note:\n          type: string\n",
                    "        note:\n          type: string\n        pet:\n          discriminator: {propertyName: kind}\n          oneOf: [{$ref: \"#/components/schemas/Line\"}]\n",
                    1,
                );
                assert!(diagnostics(&text).is_empty(), "{:#?}", diagnostics(&text));
                continue;
            }
            "minProperties" | "maxProperties" => {
                let text = BASE.replacen(
                    "    Order:\n      type: object\n",
                    &format!("    Order:\n      type: object\n      {}: 4\n", k.name),
                    1,
                );
                assert!(
                    diagnostics(&text).is_empty(),
                    "`{}`: {:#?}",
                    k.name,
                    diagnostics(&text)
                );
                continue;
            }
            "enum" => "          enum: [a, b]\n          type: string\n",
            "description" => "          description: the total\n          type: integer\n",
            "format" => "          format: int32\n          type: integer\n",
            "default" => "          default: 0\n          type: integer\n",
            "nullable" => "          nullable: true\n          type: integer\n",
            "readOnly" => "          readOnly: true\n          type: integer\n",
            "deprecated" => "          deprecated: true\n          type: string\n",
            "writeOnly" => "          writeOnly: true\n          type: string\n",
            "xml" => "          xml: {name: total}\n          type: integer\n",
            "externalDocs" => {
                "          externalDocs: {url: \"https://example.com\"}\n          type: integer\n"
            }
            "example" => "          example: 300\n          type: integer\n",
            "oneOf" => "          oneOf: [{type: integer}, {type: string}]\n",
            "anyOf" => "          anyOf: [{type: integer}, {type: string}]\n",
            "not" => "          type: integer\n          not: {enum: [0]}\n",
            other => panic!("no accepted use of `{other}`: add one"),
        };
        // An enum or pattern makes `total` a string: the invariant then refuses it.
        let on_note = [
            "enum",
            "pattern",
            "minLength",
            "maxLength",
            "deprecated",
            "writeOnly",
            "oneOf",
            "anyOf",
        ];
        let text = if on_note.contains(&k.name) {
            BASE.replacen(
                "        note:\n          type: string\n",
                &format!("        note:\n{lines}"),
                1,
            )
        } else {
            with_total(lines)
        };
        let found = diagnostics(&text);
        assert!(found.is_empty(), "`{}`: {found:#?}", k.name);
    }
}

#[test]
fn a_nullable_enum_lists_null() {
    let lines = "          type: string\n          nullable: true\n          enum: [a, null]\n";
    let text = BASE.replacen(
        "        note:\n          type: string\n",
        &format!("        note:\n{lines}"),
        1,
    );
    assert!(diagnostics(&text).is_empty(), "{:#?}", diagnostics(&text));
    let text = text.replacen("          nullable: true\n", "", 1);
    let found = errors(&text);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(
        found[0].help.as_deref(),
        Some("to allow null, write `nullable: true` on a property")
    );
}

#[test]
fn a_keyword_beside_the_wrong_type_is_refused() {
    for (lines, message) in [
        (
            "          type: integer\n          pattern: \"^1$\"\n",
            "`pattern` applies to `string`, not to `type: integer`",
        ),
        (
            "          type: boolean\n          minimum: 0\n",
            "`minimum` applies to `integer`, `number`, not to `type: boolean`",
        ),
        (
            "          type: integer\n          enum: [1, \"2\"]\n",
            "`enum` lists \"2\", not a value of `type: integer`",
        ),
        (
            "          type: boolean\n          format: flag\n",
            "`format` applies to",
        ),
        (
            "          type: integer\n          minimum: 0.5\n",
            "checked only as an integer",
        ),
        (
            "          items: {type: string}\n",
            "`items` applies to `array`; without `type` the kit does not read it",
        ),
        ("          type: \"null\"\n", "is not an OpenAPI 3.0.3 type"),
        (
            "          type: string\n          enum: [a, bc]\n          maxLength: 1\n",
            "`maxLength` beside `enum` is not checked",
        ),
        (
            "          type: string\n          minLength: 2000000\n",
            "past the kit's limit",
        ),
        (
            "          type: integer\n          exclusiveMinimum: true\n",
            "`exclusiveMinimum: true` without `minimum` has nothing to apply to",
        ),
        (
            "          type: integer\n          multipleOf: 0\n",
            "checked only as a positive integer",
        ),
        (
            "          type: number\n          multipleOf: -0.5\n",
            "`multipleOf: -0.5` of a number is checked only as a positive number",
        ),
        (
            "          type: number\n          exclusiveMaximum: true\n",
            "`exclusiveMaximum: true` without `maximum` has nothing to apply to",
        ),
    ] {
        let found = errors(&with_total(lines));
        assert_eq!(found.len(), 1, "{lines}: {found:#?}");
        assert_eq!(found[0].rule, "lint.unsupported");
        assert!(found[0].message.contains(message), "{}", found[0]);
    }
}

#[test]
fn a_constraint_where_the_ir_keeps_none_is_refused() {
    // Constraints are kept on properties, on an array's items, on a response
    // body and on the components they reference: on a parameter's array's
    // items they would be read and not checked.
    let parameter = "          schema:\n            type: string\n      responses:\n";
    assert!(BASE.contains(parameter));
    let text = BASE.replacen(
        parameter,
        "          schema:\n            type: array\n            items:\n              type: string\n              maxLength: 3\n      responses:\n",
        1,
    );
    let found = errors(&text);
    assert!(
        found.iter().any(|d| d.rule == "lint.unsupported"
            && d.message.starts_with("`maxLength` is checked only on an inline property schema, an array's items, a map's values, a request or response body, a component schema they reference, or a parameter's or a header's schema (not its array's items)")),
        "{found:#?}"
    );
    // A parameter that references a component with constraints is refused at the `$ref`.
    let text = BASE.replacen(
        "  schemas:\n",
        "  schemas:\n    Id:\n      type: string\n      minLength: 1\n",
        1,
    );
    let text = text.replacen(
        parameter,
        "          schema:\n            $ref: \"#/components/schemas/Id\"\n      responses:\n",
        1,
    );
    let found = errors(&text);
    assert!(
        found.iter().any(|d| d.rule == "lint.unsupported"
            && d.message.starts_with("`Id` has `minLength`, which the kit checks where a property references it; here (a parameter's schema)")),
        "{found:#?}"
    );
    // On an array's items they are kept: no refusal.
    let text = BASE.replacen(
        "          items:\n            $ref: \"#/components/schemas/Line\"\n",
        "          items:\n            type: integer\n            minimum: 0\n            nullable: true\n",
        1,
    );
    let found = diagnostics(&text);
    assert!(
        found.iter().all(|d| d.rule != "lint.unsupported"),
        "{found:#?}"
    );
    // `nullable: false` says nothing and is accepted.
    let text = BASE.replacen(
        "  schemas:\n",
        "  schemas:\n    Count:\n      type: integer\n      nullable: false\n",
        1,
    );
    assert!(errors(&text).is_empty());
}

/// A spec whose one operation's 200 body is `schema` (8-space indent),
/// with the component `Orders` (a nullable array of at most 2 `Order`s).
fn with_body(schema: &str) -> String {
    format!(
        r##"openapi: 3.0.3
info: {{title: T, version: "1"}}
paths:
  /orders:
    get:
      operationId: listOrders
      responses:
        "200":
          description: OK
          content:
            application/json:
              schema:
{schema}components:
  schemas:
    Orders:
      type: array
      maxItems: 2
      nullable: true
      items:
        $ref: "#/components/schemas/Order"
    Order:
      type: object
      required: [orderId]
      properties:
        orderId: {{type: string}}
"##
    )
}

#[test]
fn a_response_body_keeps_its_constraints() {
    // Inline, and through a nullable component.
    for schema in [
        "                type: array\n                maxItems: 2\n                nullable: true\n                items:\n                  $ref: \"#/components/schemas/Order\"\n",
        "                $ref: \"#/components/schemas/Orders\"\n",
    ] {
        let text = with_body(schema);
        let loaded = match load_str("fixture.yaml", &text) {
            Ok(l) => l,
            Err(d) => panic!("{schema}: {d}"),
        };
        assert!(loaded.warnings.0.is_empty(), "{:?}", loaded.warnings);
        let spec = loaded.spec;
        let ty = spec.operation("listOrders").unwrap().responses[0]
            .body
            .clone()
            .unwrap();
        let order = r#"{"orderId": "o"}"#;
        let rules = |text: &str| -> Vec<String> {
            let value: serde_json::Value = serde_json::from_str(text).unwrap();
            let dom: Vec<String> = validate::validate(&spec, &ty, &value)
                .into_iter()
                .map(|f| format!("{} {}", f.rule, f.pointer))
                .collect();
            let streamed: Vec<String> = validate::stream::Schema::new(&spec)
                .validate(&ty, text.as_bytes(), None)
                .unwrap()
                .findings
                .into_iter()
                .map(|f| format!("{} {}", f.rule, f.pointer))
                .collect();
            assert_eq!(dom, streamed, "{text}");
            dom
        };
        assert_eq!(
            rules(&format!("[{order}, {order}]")),
            Vec::<String>::new(),
            "{schema}"
        );
        assert_eq!(rules("null"), Vec::<String>::new(), "{schema}");
        assert_eq!(
            rules(&format!("[{order}, {order}, {order}]")),
            ["schema.max-items "],
            "{schema}"
        );
        assert_eq!(rules("[{}]"), ["schema.required /0/orderId"], "{schema}");
        // Synthesised bodies meet them.
        for seed in 0..8 {
            let options = pyng_spec::synth::Options {
                seed,
                ..Default::default()
            };
            let body = pyng_spec::synth::body(&spec, &ty, &options);
            assert!(validate::validate(&spec, &ty, &body).is_empty(), "{body}");
        }
    }
    // A JSON request body keeps them too; a form body, a list of named
    // fields, keeps none: a `$ref` to such a component is refused there.
    let request = |media: &str| {
        with_body("                $ref: \"#/components/schemas/Order\"\n").replacen(
            "      responses:\n",
            &format!("      requestBody:\n        content:\n          {media}:\n            schema:\n              $ref: \"#/components/schemas/Orders\"\n      responses:\n"),
            1,
        )
    };
    let spec = pyng_spec::load_str("t.yaml", &request("application/json"))
        .unwrap()
        .spec;
    let body = spec.operations[0].request_body.as_ref().unwrap().contents[0]
        .body
        .clone()
        .unwrap();
    let request_errors = validate::validate_in(
        &spec,
        &body,
        &serde_json::json!([{"orderId": "a"}, {"orderId": "b"}, {"orderId": "c"}]),
        validate::Direction::Request,
    );
    assert_eq!(
        request_errors
            .iter()
            .map(|f| f.rule.as_str())
            .collect::<Vec<_>>(),
        ["schema.max-items"]
    );
    let found = errors(&request("application/x-www-form-urlencoded"));
    assert!(
        found.iter().any(|d| d.rule == "lint.unsupported"
            && d.message.starts_with("`Orders` has `maxItems`, `nullable`, which the kit checks where a property references it; here (a form body)")),
        "{found:#?}"
    );
}

#[test]
fn an_unknown_keyword_is_refused_with_the_one_it_probably_meant() {
    let found = errors(&with_total(
        "          type: integer\n          maximun: 3\n",
    ));
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].rule, "lint.unsupported");
    assert!(found[0].message.contains("`maximun` is not a field"));
    assert_eq!(found[0].help.as_deref(), Some("did you mean `maximum`?"));
    let found = errors(&with_total("          type: integer\n          const: 3\n"));
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].help, None);
}

#[test]
fn an_object_schema_without_type_is_an_object() {
    let text = BASE.replacen("    Order:\n      type: object\n", "    Order:\n", 1);
    let loaded = load_str("fixture.yaml", &text).unwrap();
    assert!(loaded.warnings.0.is_empty(), "{:?}", loaded.warnings);
    let spec = loaded.spec;
    let order = spec.model("Order").expect("Order is a model");
    assert!(order.field("status").is_some());
    assert_eq!(order.invariants.len(), 1);
    let ty = Type::Named("Order".into());
    let rules = |body: &str| -> Vec<String> {
        let value: serde_json::Value = serde_json::from_str(body).unwrap();
        validate::validate(&spec, &ty, &value)
            .into_iter()
            .map(|f| f.rule)
            .collect()
    };
    assert_eq!(rules("[1, 2, 3]"), ["schema.type"]);
    assert_eq!(
        rules(r#"{"orderId": "o", "status": "Open", "total": 1, "lines": [{"amount": 2}]}"#),
        ["amount.total-is-sum-of-lines"]
    );
    assert_eq!(rules(r#"{"orderId": "o"}"#), ["schema.required"]);
}

#[test]
fn a_vendor_extension_is_allowed_and_a_near_miss_of_the_kit_is_not() {
    let text = BASE.replacen(
        "  x-draft: true\n",
        "  x-draft: true\n  x-hidden-from-docs: true\n  x-examples: {a: 1}\n",
        1,
    );
    assert!(diagnostics(&text).is_empty(), "{:#?}", diagnostics(&text));
    let text = BASE.replacen("      x-state-machine:\n", "      x-state-machin:\n", 1);
    let found = errors(&text);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].rule, "lint.unknown-extension");
    assert_eq!(
        found[0].help.as_deref(),
        Some("did you mean `x-state-machine`?")
    );
}

#[test]
fn a_format_the_kit_does_not_check_is_a_warning_that_says_so() {
    let text = BASE.replacen(
        "        note:\n          type: string\n",
        "        note:\n          type: string\n          format: credit-card\n",
        1,
    );
    let found = diagnostics(&text);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].rule, "lint.unchecked-format");
    assert_eq!(found[0].severity, Severity::Warning);
    assert!(
        found[0]
            .message
            .contains("`format: credit-card` is not checked")
    );
    // A checked string format on a property, and an annotation, say nothing.
    for format in ["date-time", "uuid", "binary", "password"] {
        let text = BASE.replacen(
            "        note:\n          type: string\n",
            &format!("        note:\n          type: string\n          format: {format}\n"),
            1,
        );
        assert!(diagnostics(&text).is_empty(), "{format}");
    }
    // int64 on an integer is checked wherever it stands.
    let text = with_total("          type: integer\n          format: int64\n");
    assert!(diagnostics(&text).is_empty());
}

#[test]
fn a_default_is_checked_against_its_own_schema_as_a_warning() {
    // `default` is documentation: a broken one is reported, the spec still loads.
    let text = with_total("          type: integer\n          default: \"none\"\n");
    assert!(errors(&text).is_empty(), "{:#?}", errors(&text));
    let found = diagnostics(&text);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].rule, "lint.default-violation");
    assert_eq!(found[0].severity, Severity::Warning);
    assert!(found[0].message.contains("schema.type"), "{}", found[0]);
    let found = diagnostics(&with_total(
        "          type: integer\n          minimum: 0\n          default: -1\n",
    ));
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].message.contains("schema.minimum"), "{}", found[0]);
    let found = diagnostics(&with_total(
        "          type: integer\n          minimum: 0\n          default: 1\n",
    ));
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn members_beside_a_ref_are_ignored_with_a_warning() {
    let text = BASE.replacen(
        "          $ref: \"#/components/schemas/OrderStatus\"\n",
        "          $ref: \"#/components/schemas/OrderStatus\"\n          nullable: true\n          minLength: 2\n",
        1,
    );
    let found = diagnostics(&text);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].rule, "lint.ref-siblings");
    assert!(
        found[0]
            .message
            .starts_with("`nullable`, `minLength` beside `$ref` are ignored"),
        "{}",
        found[0]
    );
}

/// The table of specs/README.md § Supported OpenAPI 3.0.3, as the kit's
/// table says it.
fn readme_table() -> String {
    let mut out = String::from(
        "| keyword | the kit | rules | types | where | note |\n|---|---|---|---|---|---|\n",
    );
    for k in KEYWORDS {
        let (kit, rules) = match k.support {
            Support::Enforced { rules } => {
                let ids: Vec<String> = rules.iter().map(|r| format!("`{}`", r.name())).collect();
                ("enforced", ids.join(", "))
            }
            Support::Annotation => ("annotation", String::new()),
            Support::Refused => ("refused (`lint.unsupported`)", String::new()),
        };
        let types: Vec<String> = k
            .applies_to
            .iter()
            .map(|t| format!("`{}`", t.as_str()))
            .collect();
        let types = if types.is_empty() {
            "all".to_owned()
        } else {
            types.join(", ")
        };
        let inert = k
            .inert
            .map(|v| format!(" (`{}: {v}` is accepted)", k.name))
            .unwrap_or_default();
        out.push_str(&format!(
            "| `{}` | {kit}{inert} | {rules} | {types} | {} | {} |\n",
            k.name,
            k.checked_in.describe(),
            k.note
        ));
    }
    out
}

#[test]
fn the_readme_table_is_the_kits_table() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../specs/README.md"))
            .unwrap();
    let table = readme_table();
    assert!(
        readme.contains(&table),
        "specs/README.md § Supported OpenAPI 3.0.3 differs from pyng_spec::schema_keywords; the table is:\n\n{table}"
    );
}

#[test]
fn synthesised_strings_meet_their_lengths() {
    let text = BASE.replacen(
        "        note:\n          type: string\n",
        "        note:\n          type: string\n          minLength: 70\n        many:\n          type: array\n          items: {type: integer}\n          minItems: 5\n          maxItems: 6\n        count:\n          type: integer\n          minimum: 10\n          exclusiveMinimum: true\n          multipleOf: 7\n        below:\n          type: integer\n          maximum: -4\n          multipleOf: 3\n        small:\n          type: integer\n          format: int32\n          x-unit: unix-millis\n        code:\n          type: string\n          maxLength: 3\n        word:\n          type: string\n          pattern: \"^[a-z]+$\"\n          minLength: 2\n          maxLength: 4\n",
        1,
    );
    let spec = load_str("fixture.yaml", &text).unwrap().spec;
    let ty = Type::Named("Order".into());
    for seed in 0..20 {
        let options = pyng_spec::synth::Options {
            seed,
            optional: true,
            ..Default::default()
        };
        let body = pyng_spec::synth::body(&spec, &ty, &options);
        for key in ["note", "code", "word", "count", "below", "small", "many"] {
            assert!(body.get(key).is_some(), "{key} missing: {body}");
        }
        let found: Vec<String> = validate::validate(&spec, &ty, &body)
            .into_iter()
            .filter(|f| f.severity == Severity::Error)
            .map(|f| format!("{}: {}", f.rule, f.message))
            .collect();
        assert!(found.is_empty(), "{body}: {found:?}");
    }
}

#[test]
fn additional_properties_false_is_an_error_true_is_silent_and_absent_a_warning() {
    let body: serde_json::Value = serde_json::from_str(r#"{"amount": 1, "extra": 2}"#).unwrap();
    let rules = |text: &str| -> Vec<(String, Severity)> {
        let spec = load_str("fixture.yaml", text).unwrap().spec;
        validate::validate(&spec, &Type::Named("Line".into()), &body)
            .into_iter()
            .map(|f| (f.rule, f.severity))
            .collect()
    };
    assert_eq!(
        rules(&with_line_additional("false")),
        [("schema.additional-property".to_owned(), Severity::Error)]
    );
    assert_eq!(rules(&with_line_additional("true")), []);
    assert_eq!(
        rules(BASE),
        [("schema.undocumented-property".to_owned(), Severity::Warning)]
    );
}

/// The base fixture with `additionalProperties: <value>` on model `Line`
/// (whose one property is `amount`, an integer).
fn with_line_additional(value: &str) -> String {
    BASE.replacen(
        "    Line:\n      type: object\n",
        &format!("    Line:\n      type: object\n      additionalProperties: {value}\n"),
        1,
    )
}

/// `rule pointer` of each finding of `body` as a `Line`, the same from both
/// validators.
fn line_findings(text: &str, body: &str) -> Vec<String> {
    let spec = load_str("fixture.yaml", text).unwrap().spec;
    let ty = Type::Named("Line".into());
    let value: serde_json::Value = serde_json::from_str(body).unwrap();
    let dom: Vec<String> = validate::validate(&spec, &ty, &value)
        .into_iter()
        .map(|f| format!("{} {}", f.rule, f.pointer))
        .collect();
    let streamed: Vec<String> = validate::stream::Schema::new(&spec)
        .validate(&ty, body.as_bytes(), None)
        .unwrap()
        .findings
        .into_iter()
        .map(|f| format!("{} {}", f.rule, f.pointer))
        .collect();
    assert_eq!(dom, streamed, "{body}");
    dom
}

#[test]
fn a_map_checks_each_value_against_its_schema() {
    let text = with_line_additional("{type: integer, minimum: 3}");
    assert!(errors(&text).is_empty(), "{:#?}", errors(&text));
    // The listed property keeps its own schema; every other one is a value.
    assert_eq!(
        line_findings(&text, r#"{"amount": 1, "a": 3, "b": 7}"#),
        Vec::<String>::new()
    );
    assert_eq!(
        line_findings(&text, r#"{"amount": 1, "a": "x", "b/c": 2, "d": null}"#),
        [
            "schema.type /a",
            "schema.minimum /b~1c",
            "schema.nullable /d"
        ]
    );
    // A repeated key's last value is the one checked, at its first place.
    assert_eq!(
        line_findings(&text, r#"{"z": 1, "a": "x", "z": 5, "a": 2, "amount": 1}"#),
        ["schema.minimum /a"]
    );
    // Nullable values, and values of a component with constraints.
    let text = with_line_additional("{type: string, nullable: true, maxLength: 2}");
    assert_eq!(
        line_findings(&text, r#"{"amount": 1, "a": null, "b": "xyz"}"#),
        ["schema.max-length /b"]
    );
    let text = with_line_additional("{$ref: \"#/components/schemas/Short\"}").replacen(
        "components:\n  schemas:\n",
        "components:\n  schemas:\n    Short: {type: string, maxLength: 2}\n",
        1,
    );
    assert!(errors(&text).is_empty(), "{:#?}", errors(&text));
    assert_eq!(
        line_findings(&text, r#"{"amount": 1, "a": "ok", "b": "xyz"}"#),
        ["schema.max-length /b"]
    );
}

#[test]
fn a_map_of_objects_checks_each_object_and_counts_its_properties() {
    let text = with_line_additional(
        "\n        type: object\n        required: [code]\n        properties:\n          code: {type: string, minLength: 2}",
    )
    .replacen("    Line:\n      type: object\n", "    Line:\n      type: object\n      maxProperties: 2\n", 1);
    assert!(errors(&text).is_empty(), "{:#?}", errors(&text));
    assert_eq!(
        line_findings(&text, r#"{"amount": 1, "a": {"code": "x"}, "b": {}}"#),
        [
            "schema.min-length /a/code",
            "schema.required /b/code",
            "schema.max-properties ",
        ]
    );
}

#[test]
fn a_property_keyword_on_a_map_value_is_refused_there() {
    // A map's values stand where an array's items do: no `x-stable`,
    // `readOnly` or `default` of their own.
    for value in [
        "{type: integer, x-stable: true}",
        "{type: integer, readOnly: true}",
    ] {
        let found = errors(&with_line_additional(value));
        assert_eq!(found.len(), 1, "{value}: {found:#?}");
        assert!(
            found[0].message.contains("additionalProperties") || found[0].line > 0,
            "{}",
            found[0]
        );
    }
}

#[test]
fn a_nullable_reference_through_all_of_is_the_referenced_schema() {
    let text = BASE.replacen(
        "        status:\n          $ref: \"#/components/schemas/OrderStatus\"\n",
        "        status:\n          description: the status\n          nullable: true\n          allOf:\n            - $ref: \"#/components/schemas/OrderStatus\"\n",
        1,
    );
    let loaded = load_str("fixture.yaml", &text).unwrap();
    assert!(loaded.warnings.0.is_empty(), "{:?}", loaded.warnings);
    let spec = loaded.spec;
    let status = spec.model("Order").unwrap().field("status").unwrap();
    assert_eq!(status.ty, Type::Named("OrderStatus".into()));
    assert!(status.nullable);
    assert_eq!(status.description.as_deref(), Some("the status"));
    let ty = Type::Named("Order".into());
    let rules = |body: &str| -> Vec<String> {
        let value: serde_json::Value = serde_json::from_str(body).unwrap();
        validate::validate(&spec, &ty, &value)
            .into_iter()
            .map(|f| f.rule)
            .collect()
    };
    assert_eq!(
        rules(r#"{"orderId": "o", "status": null}"#),
        Vec::<String>::new()
    );
    assert_eq!(
        rules(r#"{"orderId": "o", "status": "Shipped"}"#),
        ["schema.enum"]
    );
    // Anything more is composition: merged, but `nullable` beside several
    // members would not let null through, so it is refused at `nullable`.
    for extra in ["          type: string\n", "          minLength: 2\n"] {
        let found = errors(&text.replacen(
            "          nullable: true\n",
            &format!("          nullable: true\n{extra}"),
            1,
        ));
        assert_eq!(found.len(), 1, "{extra}: {found:#?}");
        assert_eq!(found[0].rule, "lint.unsupported");
        assert!(
            found[0]
                .message
                .starts_with("`nullable: true` beside an `allOf`"),
            "{}",
            found[0]
        );
        assert_eq!(
            (found[0].line, found[0].column),
            position_of(&text, "          nullable: true\n"),
        );
    }
}

/// The base fixture with `note` of `format` (and `lines` beside it).
fn with_note_format(format: &str) -> String {
    BASE.replacen(
        "        note:\n          type: string\n",
        &format!("        note:\n          type: string\n          format: {format}\n"),
        1,
    )
}

#[test]
fn a_string_format_is_checked_on_the_value() {
    let cases: &[(&str, &str, &str)] = &[
        ("date", "2024-02-29", "2023-02-29"),
        (
            "date-time",
            "2024-02-29T13:45:00.5+02:00",
            "2024-02-29 13:45:00Z",
        ),
        (
            "uuid",
            "123e4567-e89b-12d3-a456-426614174000",
            "123e4567e89b12d3a456426614174000",
        ),
        ("ipv4", "192.0.2.1", "192.0.2.01"),
        ("ipv6", "2001:db8::1", "2001:db8:::1"),
        ("byte", "cHluZw==", "cHluZw="),
        ("email", "name@example.com", "name@@example.com"),
        ("hostname", "api.example.com", "-api.example.com"),
        ("uri", "https://example.com/a?b#c", "//example.com/a"),
    ];
    let ty = Type::Named("Order".into());
    for (format, good, bad) in cases {
        let spec = load_str("fixture.yaml", &with_note_format(format))
            .unwrap()
            .spec;
        let rules = |note: &str| -> Vec<(String, String)> {
            let body = serde_json::json!({"orderId": "o", "status": "Open", "note": note});
            validate::validate(&spec, &ty, &body)
                .into_iter()
                .filter(|f| f.severity == Severity::Error)
                .map(|f| (f.rule, f.message))
                .collect()
        };
        assert_eq!(rules(good), [], "{format}: {good}");
        let found = rules(bad);
        assert_eq!(found.len(), 1, "{format}: {bad}: {found:?}");
        assert_eq!(found[0].0, "schema.format");
        assert!(found[0].1.contains(&format!("`{format}`")), "{found:?}");
    }
}

#[test]
fn an_annotation_format_checks_nothing() {
    let spec = load_str("fixture.yaml", &with_note_format("binary"))
        .unwrap()
        .spec;
    let body = serde_json::json!({"orderId": "o", "status": "Open", "note": "\u{1} anything"});
    let found = validate::validate(&spec, &Type::Named("Order".into()), &body);
    assert!(
        found.iter().all(|f| f.severity != Severity::Error),
        "{found:?}"
    );
}

#[test]
fn a_format_beside_an_enum_is_held_by_the_enum_values() {
    let text = |values: &str| {
        BASE.replacen(
            "        note:\n          type: string\n",
            &format!("        note:\n          type: string\n          format: date\n          enum: [{values}]\n"),
            1,
        )
    };
    assert!(errors(&text("\"2024-01-01\"")).is_empty());
    let found = errors(&text("\"2024-01-01\", \"soon\""));
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].rule, "lint.unsupported");
    assert!(
        found[0].message.contains("`soon` is not a valid `date`"),
        "{}",
        found[0]
    );
}

#[test]
fn synthesised_strings_meet_their_formats() {
    let formats = [
        "date",
        "date-time",
        "uuid",
        "ipv4",
        "ipv6",
        "byte",
        "email",
        "hostname",
        "uri",
    ];
    let mut lines = String::new();
    for f in formats {
        lines.push_str(&format!(
            "        f_{}:\n          type: string\n          format: {f}\n",
            f.replace('-', "_")
        ));
    }
    let text = BASE.replacen(
        "        note:\n          type: string\n",
        &format!("        note:\n          type: string\n{lines}"),
        1,
    );
    let spec = load_str("fixture.yaml", &text).unwrap().spec;
    let ty = Type::Named("Order".into());
    for seed in 0..5 {
        let options = pyng_spec::synth::Options {
            seed,
            optional: true,
            ..Default::default()
        };
        let body = pyng_spec::synth::body(&spec, &ty, &options);
        for f in formats {
            assert!(
                body.get(format!("f_{}", f.replace('-', "_"))).is_some(),
                "{f}: {body}"
            );
        }
        let found: Vec<String> = validate::validate(&spec, &ty, &body)
            .into_iter()
            .filter(|f| f.severity == Severity::Error)
            .map(|f| format!("{}: {}", f.rule, f.message))
            .collect();
        assert!(found.is_empty(), "{body}: {found:?}");
    }
}

#[test]
fn a_float_is_at_most_f32_max_and_a_double_any_number() {
    let text = BASE.replacen(
        "        note:\n          type: string\n",
        "        note:\n          type: string\n        rate:\n          type: number\n          format: float\n        big:\n          type: number\n          format: double\n",
        1,
    );
    let loaded = load_str("fixture.yaml", &text).unwrap();
    assert!(loaded.warnings.0.is_empty(), "{:?}", loaded.warnings);
    let spec = loaded.spec;
    let ty = Type::Named("Order".into());
    let rules = |body: &str| -> Vec<String> {
        let value: serde_json::Value = serde_json::from_str(body).unwrap();
        validate::validate(&spec, &ty, &value)
            .into_iter()
            .filter(|f| f.severity == Severity::Error)
            .map(|f| format!("{} {}", f.rule, f.pointer))
            .collect()
    };
    let ok = r#"{"orderId": "o", "status": "Open", "rate": -3.4028234e38, "big": 1e300}"#;
    assert_eq!(rules(ok), Vec::<String>::new());
    let out = r#"{"orderId": "o", "status": "Open", "rate": 3.5e38, "big": 1}"#;
    assert_eq!(rules(out), ["schema.format /rate"]);
    let out = r#"{"orderId": "o", "status": "Open", "rate": -1e39}"#;
    assert_eq!(rules(out), ["schema.format /rate"]);
}
