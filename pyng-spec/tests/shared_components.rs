//! References to other files: a component of `common.yaml` is read as if the
//! spec defined it, problems in it are located in `common.yaml`, and what
//! cannot be resolved is one located error at the `$ref`, with no cascade.

use std::collections::BTreeMap;

use pyng_spec::ir::TypeDef;
use pyng_spec::{Diagnostic, Loaded, load_with};

/// The spec: an order whose lines and error body come from `common.yaml`.
const SPEC: &str = r##"openapi: 3.0.3
info:
  title: Shared components
  version: 1.0.0
paths:
  /orders/{orderId}:
    get:
      operationId: getOrder
      parameters:
        - $ref: "common.yaml#/components/parameters/OrderId"
      responses:
        "200":
          description: OK
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/Order"
              example:
                orderId: o-1
                lines: [{amount: 100, $ref: not-a-reference}]
        "404":
          $ref: "common.yaml#/components/responses/NotFound"
components:
  schemas:
    Order:
      type: object
      required: [orderId]
      properties:
        orderId:
          type: string
        lines:
          type: array
          items:
            $ref: "common.yaml#/components/schemas/Line"
"##;

const COMMON: &str = r##"components:
  parameters:
    OrderId:
      name: orderId
      in: path
      required: true
      schema:
        type: string
  responses:
    NotFound:
      description: Not found
      content:
        application/json:
          schema:
            $ref: "#/components/schemas/ErrorResponse"
  schemas:
    Line:
      type: object
      required: [amount]
      properties:
        amount:
          type: integer
          minimum: 1
          x-unit: cents
        discount:
          $ref: "#/components/schemas/Discount"
    Discount:
      type: object
      properties:
        amount:
          type: integer
    ErrorResponse:
      type: object
      required: [message]
      properties:
        message:
          type: string
"##;

fn load(files: &[(&str, &str)]) -> Result<Loaded, Vec<Diagnostic>> {
    let files: BTreeMap<String, String> = files
        .iter()
        .map(|(n, t)| ((*n).to_owned(), (*t).to_owned()))
        .collect();
    let read = |name: &str| {
        files
            .get(name)
            .cloned()
            .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "no such file (test)"))
    };
    load_with("specs/shop.yaml", &files["specs/shop.yaml"], &read).map_err(|d| d.0)
}

fn errors(files: &[(&str, &str)]) -> Vec<Diagnostic> {
    match load(files) {
        Ok(l) => panic!("loaded; warnings {:?}", l.warnings.0),
        Err(d) => d,
    }
}

/// 1-based line and column of the first occurrence of `needle` in `text`.
fn position_of(text: &str, needle: &str) -> (usize, usize) {
    let at = text.find(needle).unwrap_or_else(|| panic!("{needle}"));
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    (
        text[..at].matches('\n').count() + 1,
        text[line_start..at].chars().count() + 1,
    )
}

#[track_caller]
fn assert_at(d: &Diagnostic, file: &str, text: &str, needle: &str) {
    assert_eq!(d.file, file, "{d}");
    assert_eq!((d.line, d.column), position_of(text, needle), "{d}");
}

fn body_of<'o>(op: &'o pyng_spec::ir::Operation, status: &str) -> &'o pyng_spec::ir::Type {
    op.responses
        .iter()
        .find(|r| r.status.to_string() == status)
        .and_then(|r| r.body.as_ref())
        .unwrap_or_else(|| panic!("no {status} body"))
}

#[test]
fn components_of_another_file_are_read_as_the_specs_own() {
    let loaded = load(&[("specs/shop.yaml", SPEC), ("specs/common.yaml", COMMON)])
        .unwrap_or_else(|d| panic!("{d:#?}"));
    assert_eq!(loaded.imports, ["specs/common.yaml"]);
    let spec = &loaded.spec;
    // The referenced schema, and the one it refers to in its own file.
    for name in ["Line", "Discount", "ErrorResponse"] {
        assert!(
            matches!(spec.types.get(name), Some(TypeDef::Model(_))),
            "{name}: {:?}",
            spec.types.keys().collect::<Vec<_>>()
        );
    }
    let op = &spec.operations[0];
    assert_eq!(op.params[0].name, "orderId");
    // The imported response's body is checked: its schema came along.
    let not_found =
        pyng_spec::validate::validate(spec, body_of(op, "404"), &serde_json::json!({"message": 7}));
    assert_eq!(not_found.len(), 1, "{not_found:?}");
    assert_eq!(not_found[0].pointer, "/message");
    // So is a constraint of an imported schema, at the value that breaks it.
    let order = pyng_spec::validate::validate(
        spec,
        body_of(op, "200"),
        &serde_json::json!({"orderId": "o-1", "lines": [{"amount": 0}]}),
    );
    assert_eq!(order.len(), 1, "{order:?}");
    assert_eq!(order[0].pointer, "/lines/0/amount");
}

#[test]
fn a_problem_inside_an_imported_component_is_located_in_its_own_file() {
    let common = COMMON.replace("x-unit: cents", "x-unit: pennies");
    let diags = errors(&[("specs/shop.yaml", SPEC), ("specs/common.yaml", &common)]);
    let d = diags
        .iter()
        .find(|d| d.message.contains("pennies"))
        .unwrap_or_else(|| panic!("{diags:#?}"));
    assert_at(d, "specs/common.yaml", &common, "pennies");
    // The rendering quotes the line of the file the problem is in.
    let source_of = |name: &str| (name == "specs/common.yaml").then(|| common.clone());
    let shown =
        pyng_spec::Diagnostics(vec![d.clone()]).render_with(&source_of, pyng_spec::Style::Plain);
    assert!(shown.contains("--> specs/common.yaml:"), "{shown}");
    assert!(shown.contains("|           x-unit: pennies"), "{shown}");
}

#[test]
fn a_file_that_cannot_be_read_is_one_dangling_ref_at_each_reference() {
    let diags = errors(&[("specs/shop.yaml", SPEC)]);
    assert!(
        diags.iter().all(|d| d.rule == "lint.dangling-ref"),
        "{diags:#?}"
    );
    // The parameter, the 404 response and the line items: three references,
    // three errors, each at its own `$ref` in the spec, and no cascade (the
    // path parameter the operation now lacks, the untyped items).
    assert_eq!(diags.len(), 3, "{diags:#?}");
    assert!(
        diags[0].message.contains("cannot read `specs/common.yaml`"),
        "{}",
        diags[0]
    );
    assert_at(
        &diags[0],
        "specs/shop.yaml",
        SPEC,
        "\"common.yaml#/components/parameters",
    );
}

#[test]
fn a_missing_component_names_the_closest_one() {
    let spec = SPEC.replace("schemas/Line\"", "schemas/Lines\"");
    let diags = errors(&[("specs/shop.yaml", &spec), ("specs/common.yaml", COMMON)]);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    let d = &diags[0];
    assert_eq!(d.rule, "lint.dangling-ref");
    assert!(
        d.message.contains("has no `/components/schemas/Lines`"),
        "{d}"
    );
    assert_eq!(
        d.help.as_deref(),
        Some("did you mean `common.yaml#/components/schemas/Line`?")
    );
    assert_at(
        d,
        "specs/shop.yaml",
        &spec,
        "\"common.yaml#/components/schemas/Lines",
    );
}

#[test]
fn a_component_name_both_files_define_is_refused() {
    let spec = format!(
        "{SPEC}    Line:\n      type: object\n      properties:\n        sku:\n          type: string\n"
    );
    let diags = errors(&[("specs/shop.yaml", &spec), ("specs/common.yaml", COMMON)]);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(diags[0].rule, "lint.ref-name-clash");
    assert!(
        diags[0]
            .message
            .contains("`specs/shop.yaml` already defines"),
        "{}",
        diags[0]
    );
}

#[test]
fn remote_whole_file_and_non_component_references_are_refused_at_the_ref() {
    for (to, says) in [
        (
            "https://example.com/common.yaml#/components/schemas/Line",
            "remote reference",
        ),
        ("common.yaml", "names a whole file"),
        (
            "common.yaml#/components/schemas/Line/properties/amount",
            "does not name a component",
        ),
    ] {
        let spec = SPEC.replace("common.yaml#/components/schemas/Line", to);
        let diags = errors(&[("specs/shop.yaml", &spec), ("specs/common.yaml", COMMON)]);
        assert_eq!(diags.len(), 1, "{to}: {diags:#?}");
        assert_eq!(diags[0].rule, "lint.unsupported", "{to}");
        assert!(diags[0].message.contains(says), "{to}: {}", diags[0]);
        assert_at(&diags[0], "specs/shop.yaml", &spec, &format!("\"{to}\""));
    }
}

#[test]
fn a_file_that_does_not_parse_is_reported_in_it_and_at_the_reference() {
    let common = COMMON.replace("      name: orderId", "      name: [orderId");
    let diags = errors(&[("specs/shop.yaml", SPEC), ("specs/common.yaml", &common)]);
    let syntax: Vec<_> = diags
        .iter()
        .filter(|d| d.rule == "lint.yaml-syntax")
        .collect();
    assert_eq!(syntax.len(), 1, "{diags:#?}");
    assert_eq!(syntax[0].file, "specs/common.yaml");
    assert!(syntax[0].line > 1, "{}", syntax[0]);
    assert!(
        diags
            .iter()
            .filter(|d| d.rule == "lint.dangling-ref")
            .all(|d| d.message.contains("does not parse") && d.file == "specs/shop.yaml"),
        "{diags:#?}"
    );
}

#[test]
fn references_across_files_may_recurse_and_an_alias_loop_is_a_cycle() {
    // Recursion through a property is a tree: allowed across files too.
    let spec = SPEC.replace(
        "        orderId:\n          type: string\n        lines:",
        "        orderId:\n          type: string\n        parent:\n          $ref: \"common.yaml#/components/schemas/Parent\"\n        lines:",
    );
    let common = format!(
        "{COMMON}    Parent:\n      type: object\n      properties:\n        order:\n          $ref: \"shop.yaml#/components/schemas/Order\"\n"
    );
    let loaded = load(&[("specs/shop.yaml", &spec), ("specs/common.yaml", &common)])
        .unwrap_or_else(|d| panic!("{d:#?}"));
    assert!(loaded.spec.types.contains_key("Parent"));
    // Aliases that only point at each other never reach a schema.
    let spec = SPEC.replace(
        "    Order:\n",
        "    Alias:\n      $ref: \"common.yaml#/components/schemas/Loop\"\n    Order:\n",
    );
    let common =
        format!("{COMMON}    Loop:\n      $ref: \"shop.yaml#/components/schemas/Alias\"\n");
    let diags = errors(&[("specs/shop.yaml", &spec), ("specs/common.yaml", &common)]);
    assert!(
        diags.iter().any(|d| d.rule == "lint.ref-cycle"),
        "{diags:#?}"
    );
}

#[test]
fn a_shared_components_file_loaded_as_a_spec_says_what_it_is() {
    let read = |_: &str| Err(std::io::Error::other("unused"));
    let d = load_with("specs/common.yaml", COMMON, &read).unwrap_err().0;
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(d[0].rule, "lint.openapi-structure");
    assert!(d[0].message.contains("shared-components file"), "{}", d[0]);
}

#[test]
fn a_discriminator_mapping_may_name_another_files_component() {
    let spec = SPEC.replace(
        "        lines:\n          type: array",
        "        pet:\n          oneOf:\n            - $ref: \"common.yaml#/components/schemas/Cat\"\n          discriminator:\n            propertyName: kind\n            mapping:\n              cat: \"common.yaml#/components/schemas/Cat\"\n        lines:\n          type: array",
    );
    let common = format!(
        "{COMMON}    Cat:\n      type: object\n      required: [kind]\n      properties:\n        kind:\n          type: string\n"
    );
    let loaded = load(&[("specs/shop.yaml", &spec), ("specs/common.yaml", &common)])
        .unwrap_or_else(|d| panic!("{d:#?}"));
    let spec = &loaded.spec;
    let op = &spec.operations[0];
    let check = |body| pyng_spec::validate::validate(spec, body_of(op, "200"), &body);
    assert!(check(serde_json::json!({"orderId": "o", "pet": {"kind": "cat"}})).is_empty());
    let unknown = check(serde_json::json!({"orderId": "o", "pet": {"kind": "dog"}}));
    assert_eq!(unknown.len(), 1, "{unknown:?}");
    assert_eq!(unknown[0].rule.to_string(), "schema.discriminator");
}

#[test]
fn the_spec_named_by_its_own_path_is_the_spec_however_it_is_spelt() {
    // A reference back from the shared file, with the spec loaded as `./specs/shop.yaml`.
    let spec = SPEC.replace(
        "        orderId:\n          type: string\n        lines:",
        "        orderId:\n          type: string\n        parent:\n          $ref: \"common.yaml#/components/schemas/Parent\"\n        lines:",
    );
    let common = format!(
        "{COMMON}    Parent:\n      type: object\n      properties:\n        order:\n          $ref: \"shop.yaml#/components/schemas/Order\"\n"
    );
    let files: BTreeMap<&str, &str> = BTreeMap::from([("specs/common.yaml", common.as_str())]);
    let read = |name: &str| {
        files
            .get(name)
            .map(|t| (*t).to_owned())
            .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, name.to_owned()))
    };
    let loaded = load_with("./specs/shop.yaml", &spec, &read).unwrap_or_else(|d| panic!("{d}"));
    assert!(loaded.spec.types.contains_key("Parent"));
    assert_eq!(loaded.imports, ["specs/common.yaml"]);
    // The spec referring to its own component by its own path: local.
    let own = SPEC.replace(
        "$ref: \"#/components/schemas/Order\"",
        "$ref: \"shop.yaml#/components/schemas/Order\"",
    );
    let loaded = load_with("specs/shop.yaml", &own, &read).unwrap_or_else(|d| panic!("{d}"));
    assert!(loaded.spec.types.contains_key("Order"));
    // ... and to one it lacks: dangling, without reading the spec again.
    let lacking = SPEC.replace(
        "$ref: \"#/components/schemas/Order\"",
        "$ref: \"shop.yaml#/components/schemas/Nope\"",
    );
    let d = load_with("specs/shop.yaml", &lacking, &read).unwrap_err().0;
    assert!(
        d.iter().any(|d| d.rule == "lint.dangling-ref"
            && d.message
                .contains("the spec has no `/components/schemas/Nope`")),
        "{d:#?}"
    );
}
