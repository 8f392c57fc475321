//! What the generator refuses, with a located error instead of wrong code.
#![cfg(feature = "codegen")]

const DECIMAL: &str = r##"
openapi: 3.0.3
info: {title: T, version: 1.0.0}
paths: {}
components:
  schemas:
    Money:
      type: object
      properties:
        amount: {type: string, x-unit: decimal-major}
        fee: {type: string, x-unit: decimal-major}
      x-invariants:
        - {id: amount.fee-below-amount, expr: "fee <= amount"}
"##;

fn load(text: &str) -> pyng_spec::ir::Spec {
    pyng_spec::load_str("t.yaml", text)
        .unwrap_or_else(|d| panic!("{d}"))
        .spec
}

#[test]
fn decimal_invariants_are_refused_not_mis_generated() {
    let spec = load(DECIMAL);
    let err = pyng_spec::codegen::generate(&spec).unwrap_err();
    assert!(err.message.contains("amount.fee-below-amount"), "{err}");
    assert!(err.message.contains("integer (cents)"), "{err}");
    let shown = err.to_string();
    assert!(
        shown.starts_with("t.yaml:13:"),
        "located at the invariant: {shown}"
    );
    assert!(shown.contains("error[codegen.unsupported]"), "{shown}");
    // A decimal literal is refused too.
    let literal = DECIMAL
        .replace("string, x-unit: decimal-major", "integer, format: int64")
        .replace("fee <= amount", "fee <= amount * 0.5");
    let err = pyng_spec::codegen::generate(&load(&literal)).unwrap_err();
    assert!(err.message.contains("decimal literal 0.5"), "{err}");
}

#[test]
fn a_schema_named_like_a_support_type_is_refused() {
    let spec = load(&DECIMAL.replace("Money:", "Violation:").replace(
        "      x-invariants:\n        - {id: amount.fee-below-amount, expr: \"fee <= amount\"}\n",
        "",
    ));
    let err = pyng_spec::codegen::generate(&spec).unwrap_err();
    assert!(err.message.contains("`Violation`"), "{err}");
}

#[test]
fn generation_is_deterministic() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../specs/pyng/transaction-status.yaml"
    );
    let spec = pyng_spec::load_file(path).unwrap().spec;
    let a = pyng_spec::codegen::render(&spec).unwrap();
    let b = pyng_spec::codegen::render(&spec.clone()).unwrap();
    assert_eq!(a, b);
    // Nothing machine-specific (the spec's path) reaches the generated items.
    assert!(
        !a.contains(path) && !a.contains("/work/"),
        "paths leak into the output"
    );
}
