//! `http.response-header`: the recorded response carries the headers its
//! documented response requires (named in any case), each value checked
//! against the header's schema. A bare body has no headers, so nothing is
//! checked for it.

use pyng_spec::ir::{Operation, Spec};
use pyng_spec::registry::RuleId;

use super::at_exchange;
use crate::exchange::{Exchange, header};
use crate::finding::Finding;

/// The coverage's reason when a documented header's value was redacted.
pub(crate) const REDACTED_HEADER: &str =
    "a response header's value was redacted when it was recorded, so its schema is not checked";

/// Checks the response headers of `ex`; `true` when a documented one was
/// redacted in the recording (and so not checked).
pub(crate) fn check(spec: &Spec, op: &Operation, ex: &Exchange, out: &mut Vec<Finding>) -> bool {
    if ex.operation.is_some() {
        return false;
    }
    let Some(response) = op.response(ex.status) else {
        return false;
    };
    let source = response.source.as_ref().or(op.source.as_ref());
    let mut redacted = false;
    for h in &response.headers {
        let mut problem = |message: String| {
            out.push(
                at_exchange(ex, &op.id, RuleId::HttpResponseHeader, message).with_source(source),
            );
        };
        let Some(value) = header(&ex.response_headers, &h.name) else {
            if h.required {
                problem(format!(
                    "the {} response lacks the required header `{}`",
                    response.status, h.name
                ));
            }
            continue;
        };
        if crate::redact::is_redacted(value) {
            redacted = true;
            continue;
        }
        for f in pyng_spec::validate::validate_text(spec, &h.ty, &h.constraints, value) {
            if f.severity == pyng_spec::Severity::Error {
                problem(format!("header `{}`: {} ({})", h.name, f.message, f.rule));
            }
        }
    }
    redacted
}
