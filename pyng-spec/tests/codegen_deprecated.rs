//! `deprecated` operations and parameters say so in the generated docs.
#![cfg(feature = "codegen")]

const SPEC: &str = r##"
openapi: 3.0.3
info: {title: T, version: 1.0.0}
paths:
  /things:
    get:
      operationId: listThings
      deprecated: true
      parameters:
        - {name: sort, in: query, deprecated: true, schema: {type: string}}
        - {name: page, in: query, schema: {type: integer}}
      responses:
        "204": {description: Nothing}
"##;

#[test]
fn deprecated_operations_and_parameters_are_documented_as_such() {
    let spec = pyng_spec::load_str("t.yaml", SPEC).unwrap().spec;
    let code = pyng_spec::codegen::render(&spec).unwrap();
    assert!(
        code.contains("Deprecated (`deprecated: true`)"),
        "the operation's docs do not say it is deprecated:\n{code}"
    );
    assert!(
        code.contains("Query parameter `sort`; optional; deprecated."),
        "{code}"
    );
    assert!(code.contains("Query parameter `page`; optional."), "{code}");
}
