//! Fault injection. Every fault is a violation a conformance checker must catch,
//! and each is applied generically from the IR, never by naming an operation:
//!
//! - body faults change one value of an otherwise conformant 200 body (every
//!   response of the sequence);
//! - sequence faults reshape the state sequence once (`state-regression`,
//!   `leave-final`, see `state.rs`);
//! - transport faults replace the first response of the sequence (`slow` delays
//!   it instead).

use serde_json::Value;

use pyng_spec::expr::{CmpOp, ExprKind, Segment};
use pyng_spec::ir::{Spec, Type};
use pyng_spec::pointer;

use crate::plan::OpPlan;

/// A fault, by its scenario name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Fault {
    /// Bumps the left-hand field of the first `==` amount invariant.
    AmountMismatch,
    /// Serves an earlier non-final state after a later one.
    StateRegression,
    /// Serves a non-final state after the final one.
    LeaveFinal,
    /// Removes the first required field that is not the status (nor holds it), or
    /// the status when nothing else is required.
    MissingRequired,
    /// Turns the first integer field of the status model into a string (or, when
    /// it has none, the first string field into a number).
    WrongType,
    /// Alters the value at the first `x-echo` pointer.
    NotEchoed,
    /// 500 with the operation's documented error body.
    ServerError,
    /// 429 with `Retry-After` and the documented error body.
    RateLimited,
    /// 503 with `Retry-After` as an HTTP-date (beside `Date`) and the
    /// documented error body.
    Unavailable,
    /// Delays the response by the configured slow delay.
    Slow,
    /// A 200 `application/json` body cut in half.
    MalformedJson,
    /// A response signature that does not verify.
    BadSignature,
}

/// When and how a fault acts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    /// Changes the body of every 200 response of the sequence.
    Body,
    /// Changes how the sequence moves between states.
    Sequence,
    /// Acts on the transport of the sequence's first request.
    Transport,
}

impl Fault {
    /// Every fault.
    pub const ALL: [Fault; 12] = [
        Fault::AmountMismatch,
        Fault::StateRegression,
        Fault::LeaveFinal,
        Fault::MissingRequired,
        Fault::WrongType,
        Fault::NotEchoed,
        Fault::ServerError,
        Fault::RateLimited,
        Fault::Unavailable,
        Fault::Slow,
        Fault::MalformedJson,
        Fault::BadSignature,
    ];

    /// The fault's name in a scenario (`amount-mismatch`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Fault::AmountMismatch => "amount-mismatch",
            Fault::StateRegression => "state-regression",
            Fault::LeaveFinal => "leave-final",
            Fault::MissingRequired => "missing-required",
            Fault::WrongType => "wrong-type",
            Fault::NotEchoed => "not-echoed",
            Fault::ServerError => "server-error",
            Fault::RateLimited => "rate-limited",
            Fault::Unavailable => "unavailable",
            Fault::Slow => "slow",
            Fault::MalformedJson => "malformed-json",
            Fault::BadSignature => "bad-signature",
        }
    }

    /// Case-insensitive.
    pub fn parse(s: &str) -> Option<Fault> {
        Fault::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(s))
    }

    /// When and how the fault acts.
    pub fn kind(self) -> FaultKind {
        match self {
            Fault::StateRegression | Fault::LeaveFinal => FaultKind::Sequence,
            Fault::ServerError
            | Fault::RateLimited
            | Fault::Unavailable
            | Fault::Slow
            | Fault::MalformedJson => FaultKind::Transport,
            Fault::AmountMismatch
            | Fault::MissingRequired
            | Fault::WrongType
            | Fault::NotEchoed
            | Fault::BadSignature => FaultKind::Body,
        }
    }
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Applies a body fault other than `bad-signature` (which acts after signing);
/// returns the pointer it changed, or `None` when the fault does not apply to this
/// operation or body.
pub(crate) fn apply_body_fault(
    spec: &Spec,
    plan: &OpPlan,
    fault: Fault,
    echo_values: &[(String, String)],
    body: &mut Value,
) -> Option<String> {
    match fault {
        Fault::AmountMismatch => amount_mismatch(spec, plan, body),
        Fault::MissingRequired => missing_required(spec, plan, body),
        Fault::WrongType => wrong_type(spec, plan, body),
        Fault::NotEchoed => not_echoed(plan, echo_values, body),
        _ => None,
    }
}

fn amount_mismatch(spec: &Spec, plan: &OpPlan, body: &mut Value) -> Option<String> {
    for (model_name, at) in &plan.models {
        let Some(model) = spec.model(model_name) else {
            continue;
        };
        for inv in &model.invariants {
            if inv.expr.op != CmpOp::Eq {
                continue;
            }
            let ExprKind::Field(path) = &inv.expr.lhs.kind else {
                continue;
            };
            let [Segment::Field(name)] = path.segments.as_slice() else {
                continue;
            };
            let p = pointer::push(at, name);
            if let Some(v) = body.pointer_mut(&p)
                && let Some(bumped) = bump(v)
            {
                *v = bumped;
                return Some(p);
            }
        }
    }
    None
}

/// One cent (or one major unit of a decimal string) more; exact, never `f64`.
fn bump(v: &Value) -> Option<Value> {
    match v {
        Value::Number(n) => {
            let i = n.as_i64()?;
            Some(Value::from(i.checked_add(1).or(i.checked_sub(1))?))
        }
        Value::String(s) => {
            let (int, frac) = s.split_once('.').unwrap_or((s.as_str(), ""));
            let n: u64 = int.parse().ok()?;
            let n = n.checked_add(1)?;
            Some(Value::String(if frac.is_empty() {
                n.to_string()
            } else {
                format!("{n}.{frac}")
            }))
        }
        _ => None,
    }
}

fn missing_required(spec: &Spec, plan: &OpPlan, body: &mut Value) -> Option<String> {
    let status = plan.status.as_ref()?;
    // Keep the status and the objects around it, so the poller still sees the
    // state and the sequence stays observable.
    let keeps_status = |at: &str, field: &str| {
        let p = pointer::push(at, field);
        status.model_pointer.starts_with(&p)
            || (at == status.model_pointer
                && spec
                    .model(&status.model_name)
                    .and_then(|m| m.field(field))
                    .is_some_and(|f| f.ty == Type::Named(status.enum_name.clone())))
    };
    for (model_name, at) in &plan.models {
        let Some(model) = spec.model(model_name) else {
            continue;
        };
        let Some(obj) = body.pointer_mut(at).and_then(Value::as_object_mut) else {
            continue;
        };
        let field = model.fields.iter().find(|f| {
            f.required && obj.contains_key(&f.wire_name) && !keeps_status(at, &f.wire_name)
        });
        if let Some(field) = field {
            obj.remove(&field.wire_name);
            return Some(pointer::push(at, &field.wire_name));
        }
    }
    // Only the status itself is required (e.g. a body that is just the status).
    let model = spec.model(&status.model_name)?;
    let obj = body.pointer_mut(&status.model_pointer)?.as_object_mut()?;
    let field = model
        .fields
        .iter()
        .find(|f| f.required && obj.contains_key(&f.wire_name))?;
    obj.remove(&field.wire_name);
    Some(pointer::push(&status.model_pointer, &field.wire_name))
}

fn wrong_type(spec: &Spec, plan: &OpPlan, body: &mut Value) -> Option<String> {
    let status = plan.status.as_ref()?;
    let model = spec.model(&status.model_name)?;
    let obj = body.pointer_mut(&status.model_pointer)?.as_object_mut()?;
    let is_string = |ty: &Type| match ty {
        Type::String => true,
        Type::Named(n) => spec.enum_def(n).is_some(),
        _ => false,
    };
    let integer = model
        .fields
        .iter()
        .find(|f| f.ty == Type::Integer && obj.get(&f.wire_name).is_some_and(Value::is_i64));
    let (name, replacement) = match integer {
        Some(f) => {
            let text = obj
                .get(&f.wire_name)
                .map(Value::to_string)
                .unwrap_or_default();
            (f.wire_name.clone(), Value::String(text))
        }
        None => {
            let f = model.fields.iter().find(|f| {
                is_string(&f.ty) && obj.get(&f.wire_name).is_some_and(Value::is_string)
            })?;
            (f.wire_name.clone(), Value::from(1))
        }
    };
    obj.insert(name.clone(), replacement);
    Some(pointer::push(&status.model_pointer, &name))
}

fn not_echoed(plan: &OpPlan, echo_values: &[(String, String)], body: &mut Value) -> Option<String> {
    for echo in &plan.op.echo {
        if !echo_values.iter().any(|(p, _)| *p == echo.parameter) {
            continue;
        }
        if let Some(v) = body.pointer_mut(&echo.pointer)
            && let Some(s) = v.as_str()
        {
            *v = Value::String(alter(s));
            return Some(echo.pointer.clone());
        }
    }
    None
}

/// A different string of the same length and character class where possible, so
/// that only the echo rule breaks (not a pattern).
pub(crate) fn alter(s: &str) -> String {
    let mut chars: Vec<char> = s.chars().collect();
    match chars.last_mut() {
        Some(c @ '0'..='8') | Some(c @ 'a'..='y') | Some(c @ 'A'..='Y') => {
            *c = char::from(*c as u8 + 1);
        }
        Some(c @ '9') => *c = '0',
        Some(c @ 'z') => *c = 'a',
        Some(c @ 'Z') => *c = 'A',
        _ => chars.push('x'),
    }
    chars.into_iter().collect()
}

/// Flips the last hex digit of the signature field.
pub(crate) fn corrupt_signature(body: &mut Value, field: &str) -> Option<String> {
    let v = body.get_mut(field)?;
    let s = v.as_str()?;
    let mut chars: Vec<char> = s.chars().collect();
    let last = chars.last_mut()?;
    *last = if *last == '0' { '1' } else { '0' };
    *v = Value::String(chars.into_iter().collect());
    Some(pointer::push("", field))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for f in Fault::ALL {
            assert_eq!(Fault::parse(f.name()), Some(f));
            assert_eq!(Fault::parse(&f.name().to_uppercase()), Some(f));
        }
        assert_eq!(Fault::parse("nope"), None);
    }

    #[test]
    fn bump_and_alter_change_values() {
        assert_eq!(bump(&Value::from(2440)), Some(Value::from(2441)));
        assert_eq!(
            bump(&Value::from(i64::MAX)),
            Some(Value::from(i64::MAX - 1))
        );
        assert_eq!(bump(&Value::from("14.99")), Some(Value::from("15.99")));
        assert_eq!(bump(&Value::from("x.1")), None);
        assert_eq!(alter("abc9"), "abc0");
        assert_eq!(alter("site-1"), "site-2");
        assert_eq!(alter(""), "x");
        let mut v = serde_json::json!({"signature": "ab0"});
        corrupt_signature(&mut v, "signature");
        assert_eq!(v["signature"], "ab1");
    }
}
