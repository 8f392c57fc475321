//! Layers (a), (b) and (c): the kit's two validators and the engine, run in
//! this process on each case of a group whose spec loads.

use std::num::NonZeroUsize;
use std::panic::{AssertUnwindSafe, catch_unwind};

use pyng_conformance::Engine;
use pyng_spec::ir::{Spec, Type};
use pyng_spec::validate::stream::Schema;

use super::subset::OPERATION_ID;
use super::suite::Case;
use super::verdict::{Answer, Layer};

/// The spec's body type: the 200 `application/json` schema of `getBody`.
pub fn body_type(spec: &Spec) -> Result<&Type, String> {
    spec.operation(OPERATION_ID)
        .and_then(|op| op.response(200))
        .and_then(|r| r.body.as_ref())
        .ok_or_else(|| format!("the IR has no 200 body for `{OPERATION_ID}`"))
}

/// Everything prepared once per group.
pub struct Checkers<'s> {
    spec: &'s Spec,
    ty: &'s Type,
    stream: Schema,
    engine: Engine,
}

impl<'s> Checkers<'s> {
    pub fn new(spec: &'s Spec) -> Result<Self, String> {
        let ty = body_type(spec)?;
        let one = NonZeroUsize::MIN;
        let engine = Engine::from_specs(vec![spec.clone()])
            .with_threads(one)
            .map_err(|e| e.to_string())?;
        Ok(Checkers {
            spec,
            ty,
            stream: Schema::new(spec),
            engine,
        })
    }

    /// The answer of each of the three layers for one case.
    pub fn check(&self, case: &Case) -> [(Layer, Answer); 3] {
        let text = case.data.compact();
        [
            (Layer::Validate, guarded(|| self.validate(&text))),
            (Layer::Stream, guarded(|| self.stream(&text))),
            (Layer::Engine, guarded(|| self.engine(&text))),
        ]
    }

    fn validate(&self, text: &str) -> Answer {
        // The reference validator takes a parsed `Value`: numbers beyond `f64`
        // are rounded by serde_json before it sees them.
        let value: serde_json::Value = match serde_json::from_str(text) {
            Ok(v) => v,
            Err(e) => return Answer::Unchecked(format!("serde_json does not read the data: {e}")),
        };
        let findings = pyng_spec::validate::validate(self.spec, self.ty, &value);
        errors(findings.iter().map(|f| (f.rule.as_str(), f.severity)))
    }

    fn stream(&self, text: &str) -> Answer {
        match self.stream.validate(self.ty, text.as_bytes(), None) {
            Ok(out) => errors(out.findings.iter().map(|f| (f.rule.as_str(), f.severity))),
            Err(e) => Answer::Unchecked(format!("syntax error on valid JSON: {}", e.message)),
        }
    }

    fn engine(&self, text: &str) -> Answer {
        match self.engine.check_body(OPERATION_ID, 200, text.as_bytes()) {
            Ok(findings) => {
                let rules: Vec<String> = findings
                    .iter()
                    .filter(|f| f.severity == pyng_conformance::Severity::Error)
                    .map(|f| f.rule.clone())
                    .collect();
                invalid_if_any(rules)
            }
            Err(e) => Answer::Unchecked(e.to_string()),
        }
    }
}

fn errors<'f>(findings: impl Iterator<Item = (&'f str, pyng_spec::Severity)>) -> Answer {
    invalid_if_any(
        findings
            .filter(|(_, s)| *s == pyng_spec::Severity::Error)
            .map(|(r, _)| r.to_owned())
            .collect(),
    )
}

pub fn invalid_if_any(mut rules: Vec<String>) -> Answer {
    if rules.is_empty() {
        Answer::Valid
    } else {
        rules.dedup();
        Answer::Invalid(rules)
    }
}

/// A panic is the kit's bug, reported as this case's failure, not the end of the run.
pub fn guarded(f: impl FnOnce() -> Answer) -> Answer {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|p| {
        let why = p
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| p.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_default();
        Answer::Unchecked(format!("panicked: {why}"))
    })
}
