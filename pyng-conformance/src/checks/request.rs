//! `http.request-*`: the recorded request sends what the operation documents:
//! required query parameters, values matching their `pattern`/`enum`, and exactly
//! one of the `x-one-of-parameters`. A bare body has no request, so nothing is
//! checked for it.

use pyng_spec::ir::{Operation, ParamLocation, Spec};
use pyng_spec::registry::RuleId;

use super::{Params, at_exchange};
use crate::exchange::Exchange;
use crate::finding::Finding;

/// `params` are the path parameters taken from the matched template plus the
/// recorded query parameters.
pub(crate) fn check(
    spec: &Spec,
    op: &Operation,
    ex: &Exchange,
    params: Params<'_>,
    out: &mut Vec<Finding>,
) {
    if ex.operation.is_some() {
        return;
    }
    let value = |name: &str| params.get(name);
    let mut problem = |rule: RuleId, message: String, source| {
        out.push(at_exchange(ex, &op.id, rule, message).with_source(source));
    };
    for p in op
        .params
        .iter()
        .filter(|p| p.location != ParamLocation::Header)
    {
        let source = p.source.as_ref().or(op.source.as_ref());
        let Some(v) = value(&p.name) else {
            if p.required {
                problem(
                    RuleId::HttpRequestParameters,
                    format!("the request lacks the required parameter `{}`", p.name),
                    source,
                );
            }
            continue;
        };
        let c = &p.constraints;
        if let Some(pattern) = &c.pattern
            && spec.patterns.get(pattern).is_some_and(|re| !re.is_match(v))
        {
            problem(
                RuleId::HttpRequestParameters,
                format!(
                    "parameter `{}` does not match the pattern `{pattern}`",
                    p.name
                ),
                source,
            );
        }
        if !c.allowed.is_empty() && !c.allowed.iter().any(|a| a == v) {
            problem(
                RuleId::HttpRequestParameters,
                format!(
                    "parameter `{}` is not one of {}",
                    p.name,
                    c.allowed.join(", ")
                ),
                source,
            );
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
}
