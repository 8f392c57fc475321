//! `deprecated`, `readOnly`, `writeOnly` and `default` on a component schema
//! are those of every property that references it (through an alias or
//! `allOf: [$ref]` too), in the IR every layer reads; where a reference is
//! not a property's (items, a body, a parameter) they are refused, located.

use pyng_spec::ir::{Spec, Type};
use serde_json::json;

const SPEC: &str = r##"
openapi: 3.0.3
info: {title: T, version: 1.0.0}
paths:
  /things:
    get:
      operationId: getThing
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Thing"}
components:
  schemas:
    Thing:
      type: object
      required: [id, secret]
      properties:
        id: {$ref: "#/components/schemas/Id"}
        old: {$ref: "#/components/schemas/Old"}
        oldAlias: {$ref: "#/components/schemas/OldAlias"}
        secret: {$ref: "#/components/schemas/Secret"}
        tier: {$ref: "#/components/schemas/Tier"}
        ownTier:
          allOf: [{$ref: "#/components/schemas/Tier"}]
          description: Merged with its member, default and all.
    Id:
      type: string
      readOnly: true
    Old:
      type: string
      deprecated: true
    OldAlias:
      allOf: [{$ref: "#/components/schemas/Old"}]
    Secret:
      type: string
      writeOnly: true
    Tier:
      type: integer
      default: 3
"##;

fn spec() -> Spec {
    pyng_spec::load_str("t.yaml", SPEC).unwrap().spec
}

#[test]
fn a_property_takes_the_annotations_of_the_component_it_references() {
    let spec = spec();
    let thing = spec.model("Thing").unwrap();
    let field = |name: &str| thing.field(name).unwrap();
    assert!(field("old").deprecated);
    assert!(field("oldAlias").deprecated, "through an allOf alias");
    assert!(field("id").read_only && field("id").required);
    assert!(
        !field("id").request_required,
        "readOnly: not required in requests"
    );
    assert!(field("secret").write_only && !field("secret").required);
    assert_eq!(field("tier").default, Some(json!(3)));
    assert_eq!(field("ownTier").default, Some(json!(3)), "merged");
    assert!(!field("tier").deprecated && !field("tier").read_only);
}

#[test]
fn the_validators_apply_them() {
    let spec = spec();
    let body = json!({"id": "a", "old": "x", "secret": "s"});
    let mut found: Vec<(String, String)> =
        pyng_spec::validate::validate(&spec, &Type::Named("Thing".into()), &body)
            .into_iter()
            .map(|f| (f.rule, f.pointer))
            .collect();
    found.sort();
    assert_eq!(
        found,
        [
            ("schema.deprecated".to_owned(), "/old".to_owned()),
            ("schema.write-only".to_owned(), "/secret".to_owned()),
        ]
    );
}

fn errors(text: &str) -> Vec<(usize, usize, String)> {
    match pyng_spec::load_str("t.yaml", text) {
        Ok(_) => Vec::new(),
        Err(d) => d
            .errors()
            .map(|d| (d.line, d.column, format!("{}: {}", d.rule, d.message)))
            .collect(),
    }
}

#[test]
fn elsewhere_a_reference_to_them_is_refused_where_it_stands() {
    let items = SPEC.replace(
        "        old: {$ref: \"#/components/schemas/Old\"}\n",
        "        old:\n          type: array\n          items: {$ref: \"#/components/schemas/Old\"}\n",
    );
    let found = errors(&items);
    assert_eq!(found.len(), 1, "{found:?}");
    let (line, column, message) = &found[0];
    assert_eq!((*line, *column), (23, 25), "{message}");
    assert!(
        message.starts_with("lint.unsupported: `Old` has `deprecated`")
            && message.contains("an array's items"),
        "{message}"
    );
    let body = SPEC.replace(
        "schema: {$ref: \"#/components/schemas/Thing\"}",
        "schema: {$ref: \"#/components/schemas/Tier\"}",
    );
    let found = errors(&body);
    assert!(
        found.len() == 1 && found[0].2.contains("`Tier` has `default`"),
        "{found:?}"
    );
    let parameter = SPEC.replace(
        "      operationId: getThing\n",
        "      operationId: getThing\n      parameters:\n        - {name: tier, in: query, schema: {$ref: \"#/components/schemas/Tier\"}}\n",
    );
    let found = errors(&parameter);
    assert!(
        found.len() == 1 && found[0].2.contains("`default`") && found[0].2.contains("parameter"),
        "{found:?}"
    );
}

#[test]
fn a_components_default_is_linted_against_the_property_where_it_is_written() {
    let text = SPEC.replace("      default: 3\n", "      default: three\n");
    let loaded = pyng_spec::load_str("t.yaml", &text).unwrap();
    let found: Vec<(usize, usize, &str)> = loaded
        .warnings
        .0
        .iter()
        .filter(|d| d.rule == "lint.default-violation")
        .map(|d| (d.line, d.column, d.message.as_str()))
        .collect();
    // One per property that takes it, both where it is written.
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found.iter().all(|f| (f.0, f.1) == (41, 16)), "{found:?}");
    assert!(
        found[0].2.contains("`ownTier`") && found[1].2.contains("`tier`"),
        "{found:?}"
    );
}
