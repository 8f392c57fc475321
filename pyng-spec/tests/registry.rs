//! Every rule of the registry that pyng-spec evaluates is emitted by some input:
//! each `lint.*` rule by a broken spec, each per-value rule (and the invariant
//! family) by a body, through both validators. The tables are checked against
//! the registry, so a new rule without an input fails here, naming the table to
//! extend. (The traffic rules have theirs in pyng-conformance/tests/rules.rs.)

use pyng_spec::ir::Type;
use pyng_spec::registry::{INVARIANTS, RULES, Stage};
use pyng_spec::validate::{self, stream};
use pyng_spec::{Diagnostic, load_file, load_str};

const BASE: &str = include_str!("fixtures/lint-base.yaml");

/// The diagnostics (errors or warnings) of the base fixture with one edit.
fn edited(find: &str, replace: &str) -> Vec<Diagnostic> {
    assert!(BASE.contains(find), "fixture edit `{find}` does not apply");
    lint_text(&BASE.replacen(find, replace, 1))
}

fn lint_text(text: &str) -> Vec<Diagnostic> {
    match load_str("fixture.yaml", text) {
        Ok(loaded) => loaded.warnings.0,
        Err(d) => d.0,
    }
}

type SpecCase = (&'static str, fn() -> Vec<Diagnostic>);

const SPEC_CASES: &[SpecCase] = &[
    ("lint.unreadable", || match load_file("no/such/spec.yaml") {
        Ok(_) => Vec::new(),
        Err(d) => d.0,
    }),
    ("lint.nesting-depth", || {
        lint_text(&format!("a: {}", "[".repeat(100)))
    }),
    ("lint.yaml-syntax", || {
        edited("  version: 1.0.0\n", "  version: [1.0.0\n")
    }),
    ("lint.openapi-structure", || {
        edited("required: [orderId, status]", "required: 7")
    }),
    ("lint.unsupported", || {
        edited(
            "        note:\n          type: string\n",
            "        note:\n          type: string\n          discriminator: {propertyName: kind}\n",
        )
    }),
    ("lint.unchecked-format", || {
        edited(
            "        note:\n          type: string\n",
            "        note:\n          type: string\n          format: credit-card\n",
        )
    }),
    ("lint.ref-siblings", || {
        edited(
            "$ref: \"#/components/schemas/OrderStatus\"\n",
            "$ref: \"#/components/schemas/OrderStatus\"\n          description: ignored\n",
        )
    }),
    ("lint.default-violation", || {
        edited(
            "        note:\n          type: string\n",
            "        note:\n          type: string\n          default: 7\n",
        )
    }),
    ("lint.malformed-extension", || {
        edited("x-unit: cents\n        note", "x-unit: euros\n        note")
    }),
    ("lint.unknown-extension", || {
        edited("  x-draft: true", "  x-drafty: true")
    }),
    ("lint.misplaced-extension", || {
        edited(
            "      operationId: getOrderStatus\n",
            "      operationId: getOrderStatus\n      x-stable: true\n",
        )
    }),
    ("lint.unknown-field", || {
        edited("pointer: /orderId", "pointer: /orderNumber")
    }),
    ("lint.unknown-state", || {
        edited("Open: [Paid, Void]", "Open: [Paid, Refunded]")
    }),
    ("lint.ambiguous-status-field", || {
        edited(
            "        note:\n          type: string\n",
            "        note:\n          type: string\n        state:\n          $ref: \"#/components/schemas/OrderStatus\"\n",
        )
    }),
    ("lint.timeout-in-final-state", || {
        edited(
            "          Open: [Paid, Void]\n",
            "          Open: [Paid, Void]\n        timeouts:\n          - {id: t, while: [Paid], afterSeconds: 60}\n",
        )
    }),
    ("lint.outcome-not-final", || {
        lint_text(&VALUES.replacen("map: {Done: Good}", "map: {Done: Good, Open: Good}", 1))
    }),
    ("lint.unknown-outcome", || {
        lint_text(&VALUES.replacen("map: {Done: Good}", "map: {Done: Bad}", 1))
    }),
    ("lint.final-state-without-outcome", || {
        lint_text(&VALUES.replacen("map: {Done: Good}", "map: {}", 1))
    }),
    ("lint.final-state-left", || {
        edited(
            "          Open: [Paid, Void]\n",
            "          Open: [Paid, Void]\n          Paid: [Open]\n",
        )
    }),
    ("lint.bad-correction", || {
        edited(
            "          Open: [Paid, Void]\n",
            "          Open: [Paid, Void]\n        corrections:\n          Open: [Void]\n",
        )
    }),
    ("lint.no-way-out", || {
        let text = BASE.replacen(
            "enum: [Open, Paid, Void]",
            "enum: [Open, Paid, Void, Stuck]",
            1,
        );
        lint_text(&text.replacen(
            "          Open: [Paid, Void]\n",
            "          Open: [Paid, Void]\n          Stuck: [Stuck]\n",
            1,
        ))
    }),
    ("lint.duration-range", || {
        edited(
            "      operationId: getOrderStatus\n",
            "      operationId: getOrderStatus\n      x-polling: {intervalSeconds: 99999999999}\n",
        )
    }),
    ("lint.invariant-syntax", || {
        edited(
            "total == sum(lines[*].amount)",
            "total = sum(lines[*].amount)",
        )
    }),
    ("lint.invariant-id", || {
        edited(
            "id: amount.total-is-sum-of-lines",
            "id: total-is-sum-of-lines",
        )
    }),
    ("lint.invariant-field", || {
        edited(
            "total == sum(lines[*].amount)",
            "totl == sum(lines[*].amount)",
        )
    }),
    ("lint.read-and-write-only", || {
        edited(
            "        note:\n          type: string\n",
            "        note:\n          type: string\n          readOnly: true\n          writeOnly: true\n",
        )
    }),
    ("lint.bad-pattern", || {
        edited(
            "        note:\n          type: string\n",
            "        note:\n          type: string\n          pattern: \"(\"\n",
        )
    }),
    ("lint.missing-operation-id", || {
        edited("      operationId: getOrderStatus\n", "")
    }),
    ("lint.unknown-parameter", || {
        edited("x-resource-key: [orderId]", "x-resource-key: [orderNo]")
    }),
    ("lint.dangling-ref", || {
        edited(
            "$ref: \"#/components/schemas/Line\"",
            "$ref: \"#/components/schemas/Lien\"",
        )
    }),
    ("lint.ref-name-clash", || {
        // `Line` from another file, beside the fixture's own `Line`.
        let text = BASE.replacen(
            "$ref: \"#/components/schemas/Line\"",
            "$ref: \"common.yaml#/components/schemas/Line\"",
            1,
        );
        let read =
            |_: &str| Ok("components:\n  schemas:\n    Line:\n      type: object\n".to_owned());
        match pyng_spec::load_with("fixture.yaml", &text, &read) {
            Ok(loaded) => loaded.warnings.0,
            Err(d) => d.0,
        }
    }),
    ("lint.dangling-link", || {
        edited(
            "        \"200\":\n          description: OK\n",
            "        \"200\":\n          description: OK\n          links:\n            again:\n              operationId: getOrderStatu\n",
        )
    }),
    ("lint.ref-cycle", || {
        edited(
            "  schemas:\n",
            "  schemas:\n    Loop:\n      $ref: \"#/components/schemas/Loop\"\n",
        )
    }),
    ("lint.example-violation", || {
        edited(
            "                    total: 300\n",
            "                    total: 301\n",
        )
    }),
    ("lint.stale-expected-violation", || {
        edited(
            "                good:\n",
            "                good:\n                  x-expected-violations: [amount.total-is-sum-of-lines]\n",
        )
    }),
];

#[test]
fn every_spec_rule_is_emitted_by_a_broken_spec() {
    for rule in RULES.iter().filter(|r| r.stage == Stage::Spec) {
        let Some((_, case)) = SPEC_CASES.iter().find(|(id, _)| *id == rule.name) else {
            panic!(
                "no input for {}: add a broken spec to SPEC_CASES in pyng-spec/tests/registry.rs",
                rule.name
            );
        };
        let diags = case();
        let hit = diags.iter().find(|d| d.rule == rule.name);
        let hit = hit.unwrap_or_else(|| panic!("{}: not emitted; got {diags:#?}", rule.name));
        assert_eq!(hit.severity, rule.severity, "{hit}");
    }
    for (id, _) in SPEC_CASES {
        assert!(
            RULES
                .iter()
                .any(|r| r.name == *id && r.stage == Stage::Spec),
            "{id} is not a registered spec rule"
        );
    }
}

/// A model carrying every per-value construct.
const VALUES: &str = r##"
openapi: 3.0.3
info: {title: Values, version: "1"}
paths: {}
components:
  schemas:
    Body:
      type: object
      required: [id]
      maxProperties: 12
      properties:
        id: {type: string, pattern: "^[a-z]+$"}
        code: {type: string, minLength: 2, maxLength: 3}
        step: {type: integer, multipleOf: 5, minimum: 0, exclusiveMinimum: true}
        old: {type: string, deprecated: true}
        tags: {type: array, items: {type: string}, minItems: 1, maxItems: 2}
        scores: {type: array, items: {type: number}, uniqueItems: true}
        few: {type: object, minProperties: 1, properties: {a: {type: integer}}}
        secret: {type: string, writeOnly: true}
        closed: {type: object, additionalProperties: false, properties: {a: {type: integer}}}
        open: {type: object, additionalProperties: true, properties: {a: {type: integer}}}
        small: {type: integer, format: int32, minimum: 0, maximum: 10}
        day: {type: string, format: date}
        at: {type: string, x-unit: rfc3339}
        kind: {type: string, enum: [A, B]}
        status: {$ref: "#/components/schemas/Status"}
        outcome: {type: string, enum: [Good]}
        closedAt:
          type: string
          x-presence: {field: status, requiredWhen: [Done], absentWhen: [Open]}
        total: {type: integer}
        part: {type: integer}
        either: {oneOf: [{type: string}, {type: integer}]}
        some: {anyOf: [{type: string}]}
        never: {not: {type: string}}
        tagged:
          discriminator: {propertyName: t}
          oneOf: [{$ref: "#/components/schemas/Tagged"}]
      x-outcome: {statusField: status, outcomeField: outcome, map: {Done: Good}}
      x-invariants:
        - {id: amount.total-covers-part, expr: "total >= part"}
    Tagged:
      type: object
      properties: {t: {type: string}}
    Status:
      type: string
      enum: [Open, Done]
      x-state-machine:
        initial: [Open]
        final: [Done]
        transitions: {Open: [Done]}
"##;

const VALUE_CASES: &[(&str, &str)] = &[
    ("schema.required", r#"{}"#),
    ("schema.type", r#"{"id": 1}"#),
    ("schema.enum", r#"{"id": "a", "kind": "C"}"#),
    ("schema.format", r#"{"id": "a", "small": 3000000000}"#),
    ("schema.minimum", r#"{"id": "a", "small": -1}"#),
    ("schema.maximum", r#"{"id": "a", "small": 11}"#),
    ("schema.pattern", r#"{"id": "A"}"#),
    ("schema.multiple-of", r#"{"id": "a", "step": 7}"#),
    ("schema.deprecated", r#"{"id": "a", "old": "x"}"#),
    ("schema.min-items", r#"{"id": "a", "tags": []}"#),
    (
        "schema.max-items",
        r#"{"id": "a", "tags": ["a", "b", "c"]}"#,
    ),
    ("schema.unique-items", r#"{"id": "a", "scores": [1, 1.0]}"#),
    ("schema.min-properties", r#"{"id": "a", "few": {}}"#),
    (
        "schema.max-properties",
        r#"{"id": "a", "a": 1, "b": 2, "c": 3, "d": 4, "e": 5, "f": 6, "g": 7, "h": 8, "i": 9, "j": 10, "k": 11, "l": 12}"#,
    ),
    ("schema.write-only", r#"{"id": "a", "secret": "s"}"#),
    (
        "schema.additional-property",
        r#"{"id": "a", "closed": {"b": 1}, "open": {"b": 1}}"#,
    ),
    ("schema.min-length", r#"{"id": "a", "code": "é"}"#),
    ("schema.max-length", r#"{"id": "a", "code": "abcd"}"#),
    ("schema.nullable", r#"{"id": null}"#),
    ("schema.one-of", r#"{"id": "a", "either": true}"#),
    ("schema.any-of", r#"{"id": "a", "some": 1}"#),
    ("schema.not", r#"{"id": "a", "never": "x"}"#),
    (
        "schema.discriminator",
        r#"{"id": "a", "tagged": {"t": "Other"}}"#,
    ),
    ("schema.undocumented-property", r#"{"id": "a", "zzz": 1}"#),
    (
        "schema.timestamp-format",
        r#"{"id": "a", "at": "yesterday"}"#,
    ),
    (
        "state.status-outcome",
        r#"{"id": "a", "status": "Open", "outcome": "Good"}"#,
    ),
    (
        "state.conditional-presence",
        r#"{"id": "a", "status": "Done", "outcome": "Good"}"#,
    ),
    (
        "amount.total-covers-part",
        r#"{"id": "a", "total": 1, "part": 2}"#,
    ),
];

#[test]
fn every_value_rule_is_emitted_by_a_body_through_both_validators() {
    let spec = load_str("values.yaml", VALUES).unwrap().spec;
    let schema = stream::Schema::new(&spec);
    let ty = Type::Named("Body".into());
    let families = std::iter::once((INVARIANTS.prefix, INVARIANTS.severity));
    let fixed = RULES
        .iter()
        .filter(|r| matches!(r.stage, Stage::Value { .. }))
        .map(|r| (r.name, r.severity));
    for (id, severity) in fixed.chain(families) {
        let matches = |rule: &str| rule == id || (id == INVARIANTS.prefix && rule.starts_with(id));
        let Some((rule, body)) = VALUE_CASES.iter().find(|(rule, _)| matches(rule)) else {
            panic!("no input for {id}: add a body to VALUE_CASES in pyng-spec/tests/registry.rs");
        };
        let value: serde_json::Value = serde_json::from_str(body).unwrap();
        let dom = validate::validate(&spec, &ty, &value);
        let streamed = schema
            .validate(&ty, body.as_bytes(), None)
            .unwrap()
            .findings;
        assert_eq!(dom, streamed, "{rule}");
        let hit = dom.iter().find(|f| f.rule == *rule);
        let hit = hit.unwrap_or_else(|| panic!("{rule}: not emitted by {body}: {dom:#?}"));
        assert_eq!(hit.severity, severity, "{rule}");
    }
}
