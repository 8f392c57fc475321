//! Helpers shared by the schema-composition tests (`all_of.rs`,
//! `composition.rs`, `discriminator.rs`): load a spec's diagnostics, and
//! validate a body with both validators, which must agree.

#![allow(dead_code)] // each test crate uses its own part of it

use pyng_spec::ir::Type;
use pyng_spec::validate::{self, Finding, stream::Schema};
use pyng_spec::{Diagnostic, Severity, load_str};
use serde_json::Value;

/// Every diagnostic (errors and warnings) of loading `text`.
pub fn diagnostics(text: &str) -> Vec<Diagnostic> {
    match load_str("fixture.yaml", text) {
        Ok(loaded) => loaded.warnings.0,
        Err(d) => d.0,
    }
}

/// The error diagnostics of loading `text`.
pub fn errors(text: &str) -> Vec<Diagnostic> {
    let mut found = diagnostics(text);
    found.retain(|d| d.severity == Severity::Error);
    found
}

/// The error findings of `body` as an instance of component `model` of the
/// spec `text`, from the DOM and the streaming validator, asserted equal.
pub fn error_findings(text: &str, model: &str, body: &Value) -> Vec<Finding> {
    let spec = load_str("fixture.yaml", text).expect("loads").spec;
    let ty = Type::Named(model.into());
    let dom = validate::validate(&spec, &ty, body);
    let streamed = Schema::new(&spec)
        .validate(&ty, body.to_string().as_bytes(), None)
        .expect("JSON")
        .findings;
    assert_eq!(dom, streamed, "the validators disagree on {body}");
    dom.into_iter()
        .filter(|f| f.severity == Severity::Error)
        .collect()
}
