//! Per-body rules: JSON syntax (`schema.not-json`), duplicate keys
//! (`schema.duplicate-key`), then everything `pyng_spec::validate` checks
//! (schema, conditional presence, status/outcome, amount invariants), and
//! `identity.echo`.
//!
//! The body is checked in one streaming pass (`pyng_spec::validate::stream`),
//! which reports what the DOM validator would on the parsed body without
//! building it, and keeps only the values later checks read (the `want`).

use pyng_spec::ir::{Operation, Response};
use pyng_spec::validate::stream::{Schema, Streamed, SyntaxError, Want};

use pyng_spec::registry::RuleId;

use super::{Params, at_exchange, of_exchange};
use crate::exchange::Exchange;
use crate::finding::Finding;

/// A finding of a registered rule on the exchange, with its registered severity.
fn finding(ex: &Exchange, op: &Operation, rule: RuleId, message: String) -> Finding {
    at_exchange(ex, &op.id, rule, message)
}

/// The streaming check of the body of `ex` as the documented `response`
/// (`None`: no body is documented), keeping the values `want` asks for:
/// `checked` when the reader already ran it as it read the body.
pub(crate) fn stream<'b>(
    schema: &Schema,
    response: Option<&Response>,
    ex: &'b Exchange,
    want: Option<&Want>,
    checked: Option<Streamed<'b>>,
) -> Option<Result<Streamed<'b>, SyntaxError>> {
    let body_type = response.and_then(|r| r.body.as_ref())?;
    Some(match checked {
        Some(streamed) => Ok(streamed),
        None => schema.validate(body_type, &ex.body, want),
    })
}

/// Reports the body's check ([`stream`]); when the body is JSON, returns what
/// the check kept of it, for the sequence and signature checks.
pub(crate) fn check<'b>(
    op: &Operation,
    response: Option<&Response>,
    ex: &'b Exchange,
    params: Params<'_>,
    streamed: Option<Result<Streamed<'b>, SyntaxError>>,
    out: &mut Vec<Finding>,
) -> Option<Streamed<'b>> {
    let mut streamed = match streamed? {
        Ok(s) => s,
        Err(e) => {
            let (rule, message) = match beyond_limits(&e.message) {
                Some(found) => found,
                None if ex.body.is_empty() => (
                    RuleId::SchemaNotJson,
                    "the response body is not JSON: the body is empty".to_owned(),
                ),
                None if e.eof => (
                    RuleId::SchemaNotJson,
                    format!(
                        "the response body is not JSON: the body is truncated: {}",
                        e.message
                    ),
                ),
                None => (
                    RuleId::SchemaNotJson,
                    format!("the response body is not JSON: {}", e.message),
                ),
            };
            let mut f = finding(ex, op, rule, message).with_source(
                response
                    .and_then(|r| r.source.as_ref())
                    .or(op.source.as_ref()),
            );
            if e.line > 0 {
                f.line = Some(e.line);
                f.column = Some(crate::position::char_column(&ex.body, e.line, e.column));
            }
            out.push(f);
            return None;
        }
    };
    for pointer in std::mem::take(&mut streamed.duplicate_keys) {
        let mut f = finding(
            ex,
            op,
            RuleId::SchemaDuplicateKey,
            format!(
                "the key at `{pointer}` occurs more than once in its object; readers disagree on which value wins"
            ),
        );
        f.pointer = Some(pointer);
        out.push(f);
    }
    for v in std::mem::take(&mut streamed.findings) {
        // The validator's rule: a registered one or an invariant the spec names.
        let found = Finding::new(&v.rule, v.severity.into(), &ex.file, v.message);
        let mut f = of_exchange(ex, &op.id, found).with_source(v.source.as_ref());
        f.pointer = Some(v.pointer);
        out.push(f);
    }
    if (200..300).contains(&ex.status) {
        echo(op, ex, params, &streamed, out);
    }
    Some(streamed)
}

/// The pointers [`check`] reads for `x-echo` (add them to its `want`).
pub(crate) fn echo_pointers(op: &Operation) -> impl Iterator<Item = &str> {
    op.echo.iter().map(|e| e.pointer.as_str())
}

/// `x-echo`: the request parameter's value is repeated in the body (checked
/// when present in both).
fn echo(
    op: &Operation,
    ex: &Exchange,
    params: Params<'_>,
    body: &Streamed<'_>,
    out: &mut Vec<Finding>,
) {
    for e in &op.echo {
        let Some(sent) = params.get(&e.parameter) else {
            continue;
        };
        let got = match body.text_at_pointer(&e.pointer) {
            None | Some(Err(serde_json::Value::Null)) => continue,
            Some(Ok(text)) if text == sent => continue,
            Some(Ok(text)) => serde_json::Value::String(text.to_owned()),
            Some(Err(other)) => other,
        };
        let mut f = finding(
            ex,
            op,
            RuleId::IdentityEcho,
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

/// Valid JSON that the reader stops on: a number beyond the range of a double
/// (`1e400`) or nesting beyond serde_json's 128 levels. Reported as what it is
/// (the body is not checked), never as "not JSON".
pub(crate) fn beyond_limits(message: &str) -> Option<(RuleId, String)> {
    if message.starts_with("number out of range") {
        Some((
            RuleId::SchemaNumberRange,
            format!(
                "the body holds a number beyond the range of a 64-bit float (about ±1.8e308), which the kit cannot check; the body is not checked further ({message})"
            ),
        ))
    } else if message.starts_with("recursion limit exceeded") {
        Some((
            RuleId::SchemaTooDeep,
            format!(
                "the body nests arrays and objects deeper than 128 levels, the most the kit reads; the body is not checked further ({message})"
            ),
        ))
    } else {
        None
    }
}
