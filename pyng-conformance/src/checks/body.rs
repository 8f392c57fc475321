//! Per-body rules: JSON syntax (`schema.not-json`), duplicate keys
//! (`schema.duplicate-key`), then everything `pyng_spec::validate` checks
//! (schema, conditional presence, status/outcome, amount invariants), and
//! `identity.echo`.

use pyng_spec::ir::{Operation, Response, Spec};
use serde_json::Value;

use super::at_exchange;
use crate::exchange::Exchange;
use crate::finding::{Finding, Severity};
use crate::json;

/// Checks the body; returns the parsed value when it is JSON, for the sequence
/// checks.
pub fn check(
    spec: &Spec,
    op: &Operation,
    response: Option<&Response>,
    ex: &Exchange,
    params: &[(String, String)],
    out: &mut Vec<Finding>,
) -> Option<Value> {
    let body_type = response.and_then(|r| r.body.as_ref())?;
    let parsed = match json::parse(&ex.body) {
        Ok(p) => p,
        Err(e) => {
            let what = if ex.body.is_empty() {
                "the body is empty".to_owned()
            } else if e.eof {
                format!("the body is truncated: {}", e.message)
            } else {
                e.message
            };
            let mut f = at_exchange(
                ex,
                &op.id,
                "schema.not-json",
                Severity::Error,
                format!("the response body is not JSON: {what}"),
            )
            .with_source(
                response
                    .and_then(|r| r.source.as_ref())
                    .or(op.source.as_ref()),
            );
            if e.line > 0 {
                f.line = Some(e.line);
                f.column = Some(e.column.max(1));
            }
            out.push(f);
            return None;
        }
    };
    for pointer in parsed.duplicate_keys {
        let mut f = at_exchange(
            ex,
            &op.id,
            "schema.duplicate-key",
            Severity::Error,
            format!(
                "the key at `{pointer}` occurs more than once in its object; readers disagree on which value wins"
            ),
        );
        f.pointer = Some(pointer);
        out.push(f);
    }
    for v in pyng_spec::validate::validate(spec, body_type, &parsed.value) {
        let mut f = at_exchange(ex, &op.id, &v.rule, v.severity.into(), v.message)
            .with_source(v.source.as_ref());
        f.pointer = Some(v.pointer);
        out.push(f);
    }
    if (200..300).contains(&ex.status) {
        echo(op, ex, params, &parsed.value, out);
    }
    Some(parsed.value)
}

/// `x-echo`: the request parameter's value is repeated in the body (checked
/// when present in both).
fn echo(
    op: &Operation,
    ex: &Exchange,
    params: &[(String, String)],
    body: &Value,
    out: &mut Vec<Finding>,
) {
    for e in &op.echo {
        let Some(sent) = params
            .iter()
            .find(|(k, _)| *k == e.parameter)
            .map(|(_, v)| v.as_str())
        else {
            continue;
        };
        let Some(got) = body.pointer(&e.pointer).filter(|v| !v.is_null()) else {
            continue;
        };
        if got.as_str() != Some(sent) {
            let mut f = at_exchange(
                ex,
                &op.id,
                "identity.echo",
                Severity::Error,
                format!(
                    "the request's `{}` is `{sent}` but the body says {got} at `{}`",
                    e.parameter, e.pointer
                ),
            )
            .with_source(op.source.as_ref());
            f.pointer = Some(e.pointer.clone());
            out.push(f);
        }
    }
}
