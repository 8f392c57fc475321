//! A fast first look at an invariant: the same semantics as
//! [`crate::expr::evaluate`] (checked integer and exact decimal arithmetic,
//! absent values, `??`, `sum`), without the bookkeeping a finding needs
//! (operand pointers, absent lists, messages). When it says the invariant is
//! quiet (holds, or does not apply) there is no finding; otherwise the reference
//! evaluator runs and produces the finding, so messages and pointers come from
//! one place. The differential test holds the two to the same verdicts.

use rust_decimal::Decimal;

use super::kept::View;
use crate::expr::{Expr, ExprKind, Invariant, Num, Op, Path, Segment, is_plain_decimal};

/// `Err` is "the reference evaluator reports an error here".
type Eval = Result<Option<Num>, ()>;

/// Whether `inv` certainly holds or does not apply on `instance`.
pub(super) fn quiet(inv: &Invariant, instance: View<'_, '_>) -> bool {
    let (Ok(l), Ok(r)) = (eval(&inv.lhs, instance), eval(&inv.rhs, instance)) else {
        return false;
    };
    match (l, r) {
        (Some(l), Some(r)) => inv.op.holds(l.cmp_value(&r)),
        _ => true,
    }
}

fn eval(e: &Expr, at: View<'_, '_>) -> Eval {
    let (a, b, op) = match &e.kind {
        ExprKind::Int(n) => return Ok(Some(Num::Int(*n))),
        ExprKind::Decimal(d) => return Ok(Some(Num::Dec(*d))),
        ExprKind::Field(path) => return field(path, at),
        ExprKind::Sum { over, each } => return sum(over, each.as_deref(), at),
        ExprKind::Neg(a) => {
            return match eval(a, at)? {
                None => Ok(None),
                Some(Num::Int(n)) => n.checked_neg().map(|n| Some(Num::Int(n))).ok_or(()),
                Some(Num::Dec(d)) => Ok(Some(Num::Dec(-d))),
            };
        }
        ExprKind::Coalesce(a, b) => {
            return match eval(a, at)? {
                Some(v) => Ok(Some(v)),
                None => eval(b, at),
            };
        }
        ExprKind::Add(a, b) => (a, b, Op::Add),
        ExprKind::Sub(a, b) => (a, b, Op::Sub),
        ExprKind::Mul(a, b) => (a, b, Op::Mul),
    };
    let (a, b) = (eval(a, at)?, eval(b, at)?);
    match (a, b) {
        (Some(a), Some(b)) => op.apply(a, b).map(Some).ok_or(()),
        _ => Ok(None),
    }
}

fn field(path: &Path, at: View<'_, '_>) -> Eval {
    let mut v = at;
    for seg in &path.segments {
        let Segment::Field(name) = seg else {
            return Err(());
        };
        match v.get(name)? {
            Some(next) if !next.is_null() => v = next,
            _ => return Ok(None),
        }
    }
    read(v).map(Some)
}

fn sum(over: &Path, each: Option<&Expr>, at: View<'_, '_>) -> Eval {
    let mut total = Num::Int(0);
    let mut add = |v: View<'_, '_>| -> Result<(), ()> {
        let item = match each {
            Some(e) => eval(e, v)?,
            None => Some(read(v)?),
        };
        if let Some(item) = item {
            total = Op::Add.apply(total, item).ok_or(())?;
        }
        Ok(())
    };
    match walk(&over.segments, at, false, &mut add)? {
        Walked::Absent => Ok(None),
        Walked::All => Ok(Some(total)),
    }
}

enum Walked {
    /// A field before the first `[*]` is missing or null.
    Absent,
    All,
}

/// Calls `f` on every value `segments` reach from `at`, depth first (the
/// reference's order), without collecting them. Past a `[*]` (`fanned_out`),
/// missing fields and null elements drop out.
fn walk<'a, 'de>(
    segments: &[Segment],
    at: View<'a, 'de>,
    fanned_out: bool,
    f: &mut dyn FnMut(View<'a, 'de>) -> Result<(), ()>,
) -> Result<Walked, ()> {
    let Some((seg, rest)) = segments.split_first() else {
        f(at)?;
        return Ok(Walked::All);
    };
    match seg {
        Segment::Field(name) => match at.get(name)? {
            Some(child) if !child.is_null() => walk(rest, child, fanned_out, f),
            _ if !fanned_out => Ok(Walked::Absent),
            _ => Ok(Walked::All),
        },
        Segment::Each => {
            for item in at.items()?.filter(|v| !v.is_null()) {
                walk(rest, item, true, f)?;
            }
            Ok(Walked::All)
        }
    }
}

/// An integer that fits i64, or a plain decimal string.
fn read(v: View<'_, '_>) -> Result<Num, ()> {
    if let Some(n) = v.as_number() {
        return n.as_i64().map(Num::Int).ok_or(());
    }
    match v.as_str() {
        Some(s) if is_plain_decimal(s) => Decimal::from_str_exact(s).map(Num::Dec).map_err(|_| ()),
        _ => Err(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::{Evaluation, evaluate, parse};
    use serde_json::json;

    /// Quiet exactly when the reference finds nothing to report.
    #[test]
    fn agrees_with_the_reference() {
        let exprs = [
            "a == b + c",
            "a >= b * c",
            "a == sum(xs[*], v ?? w - (sum(ds[*].n) ?? 0))",
            "a == sum(xs[*].v)",
            "-a >= 0 - 10",
            "a == 1.50 * b",
            "a != b",
        ];
        let values = [
            json!({"a": 3, "b": 1, "c": 2}),
            json!({"a": 3, "b": 1, "c": 3}),
            json!({"a": "1.50", "b": 1}),
            json!({"a": "x", "b": 1, "c": 1}),
            json!({"a": 9_223_372_036_854_775_807_i64, "b": 9_223_372_036_854_775_807_i64, "c": 1}),
            json!({"a": 5, "xs": [{"v": 2}, {"w": 4, "ds": [{"n": 1}]}, null]}),
            json!({"a": 5, "xs": [{"v": 2}, {"w": 4, "ds": [{"n": 2}]}]}),
            json!({"a": 5, "xs": {"v": 1}}),
            json!({"a": 5, "xs": [1, 2]}),
            json!({"a": null, "b": 1}),
            json!({"a": 1.5, "b": 1}),
            json!({"a": -11}),
        ];
        for e in exprs {
            let inv = parse(e).unwrap();
            for v in &values {
                let reference = matches!(
                    evaluate(&inv, v),
                    Evaluation::Holds | Evaluation::NotApplicable { .. }
                );
                assert_eq!(quiet(&inv, View::V(v)), reference, "{e} on {v}");
            }
        }
    }
}
