//! `http.request-body`: the recorded request sends the body its operation
//! documents (`requestBody`), and that body passes the `schema.*` rules as a
//! request body (`readOnly` properties refused, `schema.read-only`). A form
//! body is decoded to an object of strings, each read as its property's
//! type (`pyng_spec::validate::text`). A request without a recorded body is
//! an error when the body is required, and otherwise *not checked*: the
//! engine counts it in the coverage, never as passed.
//!
//! Findings name the place in the request body in their message; their
//! `pointer` (and line, column) are the response body's, so they have none.

use pyng_spec::ir::{BodyEncoding, Operation, RequestContent, Spec};
use pyng_spec::registry::RuleId;
use pyng_spec::validate::{self, Direction};
use serde_json::Value;

use super::{at_exchange, of_exchange};
use crate::exchange::{Exchange, header, parse_query};
use crate::finding::Finding;
use crate::redact::REDACTED;

/// Why the request body of an exchange was not checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unchecked {
    /// No body was recorded and the operation's body is optional, or the
    /// request declares a body the recording does not hold.
    NotRecorded,
    /// A value the schema constrains was redacted when it was recorded.
    Redacted,
}

impl Unchecked {
    /// The coverage's reason.
    pub(crate) fn reason(self) -> &'static str {
        match self {
            Unchecked::NotRecorded => {
                "the recording holds no request body for an operation that documents one (an optional body not sent, or a recorder that did not keep it)"
            }
            Unchecked::Redacted => {
                "a request body value was redacted when it was recorded, so its schema rules are not evaluated"
            }
        }
    }
}

/// Checks the request body of `ex` against `op`'s `requestBody`; says why
/// when it could not.
pub(crate) fn check(
    spec: &Spec,
    op: &Operation,
    ex: &Exchange,
    out: &mut Vec<Finding>,
) -> Option<Unchecked> {
    // A bare body has no request.
    if ex.operation.is_some() {
        return None;
    }
    let documented = op.request_body.as_ref()?;
    let source = documented.source.as_ref().or(op.source.as_ref());
    let mut problem = |message: String| {
        out.push(at_exchange(ex, &op.id, RuleId::HttpRequestBody, message).with_source(source));
    };
    if ex.request_body.is_empty() {
        let declared = ex.request_content_type.is_some()
            || header(&ex.request_headers, "content-length")
                .and_then(|n| n.trim().parse::<u64>().ok())
                .is_some_and(|n| n > 0);
        if declared || !documented.required {
            return Some(Unchecked::NotRecorded);
        }
        problem(format!(
            "the request sends no body; {} requires one (`requestBody.required`)",
            op.id
        ));
        return None;
    }
    let media_types = || {
        let names: Vec<&str> = documented
            .contents
            .iter()
            .map(|c| c.media_type.as_str())
            .collect();
        names.join(", ")
    };
    let content = match &ex.request_content_type {
        Some(ct) => match documented.content_for(ct) {
            Some(c) => c,
            None => {
                problem(format!(
                    "the request body's Content-Type is `{ct}`; {} documents {}",
                    op.id,
                    media_types()
                ));
                return None;
            }
        },
        None => {
            let [only] = documented.contents.as_slice() else {
                problem(format!(
                    "the request sends a body without a Content-Type; {} documents {}",
                    op.id,
                    media_types()
                ));
                return None;
            };
            problem(format!(
                "the request sends a body without a Content-Type; {} documents `{}`, which it is checked as",
                op.id, only.media_type
            ));
            only
        }
    };
    body(spec, op, ex, content, out)
}

/// The body of `ex` read as `content` and checked against its schema.
fn body(
    spec: &Spec,
    op: &Operation,
    ex: &Exchange,
    content: &RequestContent,
    out: &mut Vec<Finding>,
) -> Option<Unchecked> {
    let value = match content.encoding {
        BodyEncoding::Json => match serde_json::from_slice::<Value>(&ex.request_body) {
            Ok(v) => v,
            Err(e) => {
                out.push(
                    at_exchange(
                        ex,
                        &op.id,
                        RuleId::HttpRequestBody,
                        format!("the request body is not JSON: {e}"),
                    )
                    .with_source(op.source.as_ref()),
                );
                return None;
            }
        },
        BodyEncoding::Form => {
            let text = String::from_utf8_lossy(&ex.request_body);
            let pairs = parse_query(&text);
            let pairs: Vec<(&str, &str)> = pairs
                .iter()
                .map(|(k, v)| (k.as_ref(), v.as_ref()))
                .collect();
            match &content.body {
                Some(ty) => validate::text::from_form(spec, ty, &pairs),
                None => return None,
            }
        }
    };
    let ty = content.body.as_ref()?;
    let mut unchecked = None;
    for v in validate::validate_in(spec, ty, &value, Direction::Request) {
        // A redacted credential does not have its format: not a finding.
        if value.pointer(&v.pointer).and_then(Value::as_str) == Some(REDACTED) {
            unchecked = Some(Unchecked::Redacted);
            continue;
        }
        let at = if v.pointer.is_empty() {
            "/"
        } else {
            &v.pointer
        };
        let found = Finding::new(
            &v.rule,
            v.severity.into(),
            &ex.file,
            format!("request body at `{at}`: {}", v.message),
        );
        out.push(of_exchange(ex, &op.id, found).with_source(v.source.as_ref()));
    }
    unchecked
}
