//! `allOf` of several members: merged into one schema before anything reads
//! the document, so every layer checks what every member says; a merge that
//! would be looser than `allOf` is refused once, at the member that says so.

mod support;

use pyng_spec::ir::Type;
use pyng_spec::{load_str, validate};
use support::errors;

/// A spec whose one operation returns `Payment`; `components` (4-space
/// indent, under `schemas:`) holds `Payment` and what it references.
fn spec(components: &str) -> String {
    format!(
        r##"openapi: 3.0.3
info: {{title: T, version: "1"}}
paths:
  /payments/{{id}}:
    get:
      operationId: getPayment
      parameters:
        - {{name: id, in: path, required: true, schema: {{type: string}}}}
      responses:
        "200":
          description: OK
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/Payment"
components:
  schemas:
{components}"##
    )
}

const BASE: &str = r##"    Base:
      type: object
      required: [id]
      properties:
        id:
          type: string
          maxLength: 5
        amount:
          type: integer
        lines:
          type: array
          items: {type: integer}
      x-invariants:
        - id: amount.amount-is-sum-of-lines
          expr: "amount == sum(lines[*])"
"##;

/// The rules `body` breaks as a `Payment`.
fn rules(text: &str, body: &str) -> Vec<(String, String)> {
    let loaded = load_str("fixture.yaml", text).unwrap_or_else(|d| panic!("{d:#?}"));
    let value: serde_json::Value = serde_json::from_str(body).unwrap();
    validate::validate(&loaded.spec, &Type::Named("Payment".into()), &value)
        .into_iter()
        .map(|f| (f.rule, f.pointer))
        .collect()
}

/// Where the first line of `lines` stands in `text`, 1-based.
fn position_of(text: &str, lines: &str) -> (usize, usize) {
    let first = lines.lines().next().unwrap();
    let line = text.lines().position(|l| l == first).unwrap() + 1;
    (line, first.len() - first.trim_start().len() + 1)
}

const PAYMENT: &str = r##"    Payment:
      description: A payment.
      allOf:
        - $ref: "#/components/schemas/Base"
        - type: object
          required: [status]
          properties:
            status:
              type: string
              enum: [Pending, Done]
"##;

#[test]
fn members_become_one_model_with_every_members_rules() {
    let text = spec(&format!("{PAYMENT}{BASE}"));
    let loaded = load_str("fixture.yaml", &text).unwrap_or_else(|d| panic!("{d:#?}"));
    let payment = loaded.spec.model("Payment").unwrap();
    let names: Vec<&str> = payment
        .fields
        .iter()
        .map(|f| f.wire_name.as_str())
        .collect();
    assert_eq!(names, ["id", "amount", "lines", "status"]);
    assert!(payment.field("id").unwrap().required);
    assert!(payment.field("status").unwrap().required);
    assert!(!payment.field("amount").unwrap().required);
    assert_eq!(payment.description.as_deref(), Some("A payment."));
    assert_eq!(payment.invariants.len(), 1);

    let good = r#"{"id": "p1", "status": "Done", "amount": 3, "lines": [1, 2]}"#;
    assert_eq!(rules(&text, good), []);
    let found = rules(
        &text,
        r#"{"id": "p-123456", "amount": 4, "lines": [1, 2], "status": "Later"}"#,
    );
    let found: Vec<(&str, &str)> = found
        .iter()
        .map(|(r, p)| (r.as_str(), p.as_str()))
        .collect();
    assert!(found.contains(&("schema.max-length", "/id")), "{found:?}");
    assert!(found.contains(&("schema.enum", "/status")), "{found:?}");
    assert!(
        found
            .iter()
            .any(|(r, _)| *r == "amount.amount-is-sum-of-lines"),
        "{found:?}"
    );
    let missing = rules(&text, r#"{"amount": 0, "lines": []}"#);
    assert_eq!(
        missing
            .iter()
            .filter(|(r, _)| r == "schema.required")
            .count(),
        2,
        "{missing:?}"
    );
}

#[test]
fn a_property_in_two_members_holds_both_schemas() {
    let payment = r##"    Payment:
      allOf:
        - $ref: "#/components/schemas/Base"
        - properties:
            id:
              minLength: 2
"##;
    let text = spec(&format!("{payment}{BASE}"));
    assert_eq!(
        rules(&text, r#"{"id": "a"}"#),
        [("schema.min-length".to_owned(), "/id".to_owned())]
    );
    assert_eq!(
        rules(&text, r#"{"id": "abcdef"}"#),
        [("schema.max-length".to_owned(), "/id".to_owned())]
    );
    assert_eq!(rules(&text, r#"{"id": "abc"}"#), []);
}

#[test]
fn an_inline_all_of_on_a_property_is_merged_where_it_stands() {
    let payment = r##"    Payment:
      type: object
      properties:
        payer:
          allOf:
            - type: object
              required: [name]
              properties:
                name: {type: string}
            - properties:
                email: {type: string, format: email}
"##;
    let text = spec(payment);
    assert_eq!(
        rules(&text, r#"{"payer": {"name": "n", "email": "a@b.c"}}"#),
        []
    );
    let found = rules(&text, r#"{"payer": {"email": "nope"}}"#);
    assert_eq!(
        found,
        [
            ("schema.required".to_owned(), "/payer/name".to_owned()),
            ("schema.format".to_owned(), "/payer/email".to_owned())
        ]
    );
}

#[test]
fn members_that_disagree_are_refused_once_at_the_member() {
    let payment = r##"    Payment:
      allOf:
        - $ref: "#/components/schemas/Base"
        - properties:
            id:
              type: integer
"##;
    let text = spec(&format!("{payment}{BASE}"));
    let found = errors(&text);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].rule, "lint.unsupported");
    assert!(
        found[0].message.contains("disagree on `type`"),
        "{}",
        found[0]
    );
    assert_eq!(
        (found[0].line, found[0].column),
        position_of(&text, "              type: integer\n")
    );
}

#[test]
fn a_members_closed_properties_beside_anothers_are_refused() {
    let payment = r##"    Payment:
      allOf:
        - $ref: "#/components/schemas/Closed"
        - properties:
            extra: {type: string}
    Closed:
      type: object
      additionalProperties: false
      properties:
        id: {type: string}
"##;
    let text = spec(payment);
    let found = errors(&text);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].message.contains("`extra`"), "{}", found[0]);
    assert_eq!(
        (found[0].line, found[0].column),
        position_of(&text, "      additionalProperties: false\n")
    );
    // Closed over every property the members bring, it is merged and kept.
    let fine = text.replace(
        "        id: {type: string}\n",
        "        id: {type: string}\n        extra: {type: string}\n",
    );
    assert_eq!(
        rules(&fine, r#"{"id": "a", "other": 1}"#),
        [("schema.additional-property".to_owned(), "/other".to_owned())]
    );
}

#[test]
fn nullable_is_kept_only_where_every_typed_member_allows_null() {
    let payment = r##"    Payment:
      type: object
      properties:
        note:
          allOf:
            - {type: string, nullable: true}
            - {type: string, nullable: true, maxLength: 3}
        code:
          allOf:
            - {type: string, nullable: true}
            - {type: string, maxLength: 3}
"##;
    let text = spec(payment);
    assert_eq!(rules(&text, r#"{"note": null}"#), []);
    assert_eq!(
        rules(&text, r#"{"code": null}"#),
        [("schema.nullable".to_owned(), "/code".to_owned())]
    );
    assert_eq!(
        rules(&text, r#"{"note": "long"}"#),
        [("schema.max-length".to_owned(), "/note".to_owned())]
    );
    // `nullable` beside the members is refused: it would not let null through.
    let beside = text.replace(
        "        code:\n          allOf:\n",
        "        code:\n          nullable: true\n          allOf:\n",
    );
    let found = errors(&beside);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].message.starts_with("`nullable: true` beside"));
}

#[test]
fn an_all_of_that_reaches_itself_is_refused() {
    let payment = r##"    Payment:
      allOf:
        - $ref: "#/components/schemas/Loop"
        - properties:
            a: {type: string}
    Loop:
      allOf:
        - $ref: "#/components/schemas/Payment"
        - properties:
            b: {type: string}
"##;
    let found = errors(&spec(payment));
    assert!(!found.is_empty());
    assert!(
        found.iter().all(|d| d.rule == "lint.unsupported"),
        "{found:#?}"
    );
    assert!(
        found.iter().any(|d| d.message.contains("again")),
        "{found:#?}"
    );
}

#[test]
fn a_problem_inside_a_member_points_at_where_it_is_written() {
    let payment = r##"    Payment:
      allOf:
        - $ref: "#/components/schemas/Base"
        - properties:
            status:
              type: integer
              maxLength: 3
"##;
    let text = spec(&format!("{payment}{BASE}"));
    let found = errors(&text);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(
        (found[0].line, found[0].column),
        position_of(&text, "              maxLength: 3\n")
    );
}

#[test]
fn a_ref_member_with_siblings_warns_that_they_are_ignored() {
    let payment = r##"    Payment:
      allOf:
        - $ref: "#/components/schemas/Base"
          description: ignored
        - properties:
            status: {type: string}
"##;
    let text = spec(&format!("{payment}{BASE}"));
    let loaded = load_str("fixture.yaml", &text).unwrap_or_else(|d| panic!("{d:#?}"));
    let warnings = &loaded.warnings.0;
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert_eq!(warnings[0].rule, "lint.ref-siblings");
}
