//! `http.request-*`: the recorded request sends what the operation documents:
//! required path and query parameters, each value read as its schema's type
//! and checked against it (`pyng_spec::validate::validate_texts`), and exactly
//! one of the `x-one-of-parameters`; required header parameters
//! (`Idempotency-Key`), named in any case, each value checked against its
//! schema. A bare body has no request, so nothing is checked for it.

use pyng_spec::ir::{Operation, ParamLocation, Spec};
use pyng_spec::registry::RuleId;
use pyng_spec::validate::{TextField, param_serialization_problem, validate_param};

use super::{Params, Unevaluated, at_exchange};
use crate::exchange::{Exchange, header};
use crate::finding::Finding;

/// The coverage's reason for [`Unevaluated::redacted_parameter`].
pub(crate) const REDACTED_PARAMETER: &str =
    "a parameter's value was redacted when it was recorded, so its schema is not checked";

/// `params` are the path parameters taken from the matched template plus the
/// recorded query parameters.
/// `fields` are aligned with `op.params` (the engine prepares them once).
pub(crate) fn check(
    spec: &Spec,
    op: &Operation,
    fields: &[TextField],
    ex: &Exchange,
    params: Params<'_>,
    out: &mut Vec<Finding>,
) -> Unevaluated {
    if ex.operation.is_some() {
        return Unevaluated::default();
    }
    deprecated(op, ex, params, out);
    let mut unchecked = headers(spec, op, fields, ex, out);
    let value = |name: &str| params.get(name);
    let mut problem = |rule: RuleId, message: String, source| {
        out.push(at_exchange(ex, &op.id, rule, message).with_source(source));
    };
    for (p, field) in op
        .params
        .iter()
        .zip(fields)
        .filter(|(p, _)| p.location != ParamLocation::Header)
    {
        let source = p.source.as_ref().or(op.source.as_ref());
        let values = params.values(&p.name);
        if values.is_empty() {
            if p.required {
                problem(
                    RuleId::HttpRequestParameters,
                    format!("the request lacks the required parameter `{}`", p.name),
                    source,
                );
            }
            continue;
        }
        if values.iter().any(|v| crate::redact::is_redacted(v)) {
            unchecked.redacted_parameter = true;
            continue;
        }
        if let Some(why) = param_serialization_problem(p, &values) {
            problem(RuleId::HttpRequestParameters, why, source);
        }
        for f in validate_param(spec, p, field, &values) {
            if f.severity == pyng_spec::Severity::Error {
                problem(
                    RuleId::HttpRequestParameters,
                    format!("parameter `{}`: {} ({})", p.name, f.message, f.rule),
                    source,
                );
            }
        }
    }
    if !op.one_of_params.is_empty() {
        let sent: Vec<&str> = op
            .one_of_params
            .iter()
            .filter(|n| value(n).is_some())
            .map(String::as_str)
            .collect();
        if sent.len() != 1 {
            let names = op.one_of_params.join(", ");
            let message = if sent.is_empty() {
                format!("the request sends none of {names}; exactly one is required")
            } else {
                format!(
                    "the request sends {}; exactly one of {names} is allowed",
                    sent.join(" and ")
                )
            };
            problem(RuleId::HttpRequestOneOf, message, op.source.as_ref());
        }
    }
    unchecked
}

/// `http.deprecated`: a call of a deprecated operation, or one that sends a
/// deprecated parameter.
fn deprecated(op: &Operation, ex: &Exchange, params: Params<'_>, out: &mut Vec<Finding>) {
    let mut warn = |message: String, source| {
        out.push(at_exchange(ex, &op.id, RuleId::HttpDeprecated, message).with_source(source));
    };
    let source = op.source.as_ref();
    if op.deprecated {
        warn(
            format!(
                "the request calls `{}`, which the spec marks deprecated",
                op.id
            ),
            source,
        );
    }
    for p in op.params.iter().filter(|p| p.deprecated) {
        let sent = match p.location {
            ParamLocation::Header => header(&ex.request_headers, &p.name).is_some(),
            ParamLocation::Path | ParamLocation::Query => !params.values(&p.name).is_empty(),
        };
        if sent {
            warn(
                format!(
                    "the request sends `{}`, which the spec marks deprecated",
                    p.name
                ),
                p.source.as_ref().or(source),
            );
        }
    }
}

/// The header parameters of `op` in the request's headers (any case).
fn headers(
    spec: &Spec,
    op: &Operation,
    fields: &[TextField],
    ex: &Exchange,
    out: &mut Vec<Finding>,
) -> Unevaluated {
    let mut unchecked = Unevaluated::default();
    for (p, field) in op
        .params
        .iter()
        .zip(fields)
        .filter(|(p, _)| p.location == ParamLocation::Header)
    {
        let source = p.source.as_ref().or(op.source.as_ref());
        let mut problem = |message: String| {
            out.push(
                at_exchange(ex, &op.id, RuleId::HttpRequestParameters, message).with_source(source),
            );
        };
        let Some(value) = header(&ex.request_headers, &p.name) else {
            if p.required {
                problem(format!(
                    "the request lacks the required header `{}`",
                    p.name
                ));
            }
            continue;
        };
        if crate::redact::is_redacted(value) {
            unchecked.redacted_parameter = true;
            continue;
        }
        for f in validate_param(spec, p, field, &[value]) {
            if f.severity == pyng_spec::Severity::Error {
                problem(format!("header `{}`: {} ({})", p.name, f.message, f.rule));
            }
        }
    }
    unchecked
}
