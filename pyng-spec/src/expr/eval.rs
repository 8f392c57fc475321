//! Evaluation against a `serde_json::Value` instance.

use std::cmp::Ordering;
use std::fmt;

use rust_decimal::Decimal;
use serde_json::Value;

use super::ast::{Expr, ExprKind, Invariant, Path, Segment};
use crate::registry::messages;

/// A value the language computes with: integer cents, or an exact decimal
/// (from a decimal literal or a decimal string such as `"14.99"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Num {
    Int(i64),
    Dec(Decimal),
}

impl Num {
    /// Exact: every i64 fits in a Decimal's 96-bit mantissa.
    pub fn to_decimal(self) -> Decimal {
        match self {
            Num::Int(n) => Decimal::from(n),
            Num::Dec(d) => d,
        }
    }

    /// Numeric order across representations (`Int(1)` equals `Dec(1.00)`),
    /// unlike `==`, which also compares the representation.
    pub fn cmp_value(&self, other: &Num) -> Ordering {
        match (self, other) {
            (Num::Int(a), Num::Int(b)) => a.cmp(b),
            _ => self.to_decimal().cmp(&other.to_decimal()),
        }
    }
}

impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Num::Int(n) => write!(f, "{n}"),
            Num::Dec(d) => write!(f, "{d}"),
        }
    }
}

/// The outcome of checking one invariant on one instance.
#[derive(Debug, Clone, PartialEq)]
pub enum Evaluation {
    Holds,
    /// A side was absent (a missing or null field, or a missing array under
    /// `sum`), so the rule does not apply. `absent` lists the JSON pointers
    /// (relative to the instance) whose absence made it so.
    NotApplicable {
        absent: Vec<String>,
    },
    Violated(Violation),
    Error(EvalError),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    pub lhs: Num,
    pub rhs: Num,
    /// Every field value that contributed to either side, in evaluation
    /// order (values discarded by `??` or by an absent `sum` element are
    /// left out).
    pub operands: Vec<Operand>,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Operand {
    /// RFC 6901 pointer relative to the instance (`/lineItems/2/amountTotal`).
    pub pointer: String,
    pub value: Num,
}

/// Malformed data: a value of the wrong type, out of range, or arithmetic
/// that overflows. `pointer` names the offending value where there is one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct EvalError {
    pub pointer: Option<String>,
    pub message: String,
}

impl EvalError {
    fn at(pointer: &str, message: impl Into<String>) -> Self {
        EvalError {
            pointer: Some(pointer.to_owned()),
            message: message.into(),
        }
    }
}

/// Checks `inv` against `instance`, the JSON object it is attached to.
///
/// Both sides are always evaluated, so an error anywhere is reported even
/// when the other side is absent; errors win over not-applicable.
pub fn evaluate(inv: &Invariant, instance: &Value) -> Evaluation {
    let mut cx = Ctx::default();
    let sides = cx
        .eval(&inv.lhs, instance, "")
        .and_then(|l| Ok((l, cx.eval(&inv.rhs, instance, "")?)));
    match sides {
        Err(e) => Evaluation::Error(e),
        Ok((Some(l), Some(r))) if inv.op.holds(l.num.cmp_value(&r.num)) => Evaluation::Holds,
        Ok((Some(l), Some(r))) => Evaluation::Violated(Violation {
            message: messages::INVARIANT_VIOLATED.render(&[
                ("invariant", inv),
                ("lhs", &l.num),
                ("rhs", &r.num),
            ]),
            lhs: l.num,
            rhs: r.num,
            operands: cx.operands,
        }),
        Ok(_) => {
            let mut absent = cx.absent;
            let mut seen = std::collections::HashSet::new();
            absent.retain(|p| seen.insert(p.clone()));
            Evaluation::NotApplicable { absent }
        }
    }
}

/// A present value, with the pointer to blame if arithmetic on it fails.
struct Val {
    num: Num,
    origin: Option<String>,
}

impl Val {
    fn literal(num: Num) -> Self {
        Val { num, origin: None }
    }
}

/// What has been read so far; `None` results mean "absent".
#[derive(Default)]
struct Ctx {
    operands: Vec<Operand>,
    absent: Vec<String>,
}

type EvalResult = Result<Option<Val>, EvalError>;

impl Ctx {
    fn mark(&self) -> (usize, usize) {
        (self.operands.len(), self.absent.len())
    }

    /// Forgets reads whose result was discarded (a `??` left side or a
    /// `sum` element that turned out absent).
    fn reset(&mut self, (ops, absent): (usize, usize)) {
        self.operands.truncate(ops);
        self.absent.truncate(absent);
    }

    /// `at` is the instance the expression is relative to, `base` its
    /// pointer from the root instance.
    fn eval(&mut self, e: &Expr, at: &Value, base: &str) -> EvalResult {
        let (a, b, op) = match &e.kind {
            ExprKind::Int(n) => return Ok(Some(Val::literal(Num::Int(*n)))),
            ExprKind::Decimal(d) => return Ok(Some(Val::literal(Num::Dec(*d)))),
            ExprKind::Field(path) => return self.field(path, at, base),
            ExprKind::Sum { over, each } => return self.sum(over, each.as_deref(), at, base),
            ExprKind::Neg(a) => {
                let Some(v) = self.eval(a, at, base)? else {
                    return Ok(None);
                };
                let num = match v.num {
                    Num::Int(n) => Num::Int(n.checked_neg().ok_or_else(|| overflow(e, &v, None))?),
                    Num::Dec(d) => Num::Dec(-d),
                };
                return Ok(Some(Val {
                    num,
                    origin: v.origin,
                }));
            }
            ExprKind::Coalesce(a, b) => {
                let mark = self.mark();
                if let Some(v) = self.eval(a, at, base)? {
                    return Ok(Some(v)); // `b` is not evaluated at all
                }
                self.reset(mark);
                return self.eval(b, at, base);
            }
            ExprKind::Add(a, b) => (a, b, Op::Add),
            ExprKind::Sub(a, b) => (a, b, Op::Sub),
            ExprKind::Mul(a, b) => (a, b, Op::Mul),
        };
        // Evaluate both operands even if one is absent, so every absent
        // field and every type error is reported.
        let (a, b) = (self.eval(a, at, base)?, self.eval(b, at, base)?);
        let (Some(a), Some(b)) = (a, b) else {
            return Ok(None);
        };
        let num = op
            .apply(a.num, b.num)
            .ok_or_else(|| overflow(e, &a, Some(&b)))?;
        Ok(Some(Val {
            num,
            origin: a.origin.or(b.origin),
        }))
    }

    fn field(&mut self, path: &Path, at: &Value, base: &str) -> EvalResult {
        if path.has_each() {
            // Only reachable for hand-built trees; the parser rejects it.
            return Err(EvalError::at(base, format!("path {path} needs sum(...)")));
        }
        match walk(&path.segments, at, base)? {
            Walk::Absent(pointer) => {
                self.absent.push(pointer);
                Ok(None)
            }
            Walk::Found(found) => {
                let Some((value, pointer)) = found.into_iter().next() else {
                    return Ok(None);
                };
                self.read(value, pointer).map(Some)
            }
        }
    }

    /// Reads a leaf number and records it as an operand.
    fn read(&mut self, value: &Value, pointer: String) -> Result<Val, EvalError> {
        let num = read_num(value, &pointer)?;
        self.operands.push(Operand {
            pointer: pointer.clone(),
            value: num,
        });
        Ok(Val {
            num,
            origin: Some(pointer),
        })
    }

    fn sum(&mut self, over: &Path, each: Option<&Expr>, at: &Value, base: &str) -> EvalResult {
        let found = match walk(&over.segments, at, base)? {
            Walk::Absent(pointer) => {
                self.absent.push(pointer);
                return Ok(None);
            }
            Walk::Found(found) => found,
        };
        let mut total = Val::literal(Num::Int(0));
        for (value, pointer) in found {
            let mark = self.mark();
            let item = match each {
                Some(e) => self.eval(e, value, &pointer)?,
                None => Some(self.read(value, pointer.clone())?),
            };
            let Some(mut item) = item else {
                self.reset(mark);
                continue;
            };
            item.origin.get_or_insert(pointer);
            total.num = Op::Add.apply(total.num, item.num).ok_or_else(|| {
                let message = messages::SUM_OVERFLOW.render(&[("over", over), ("item", &item.num)]);
                EvalError {
                    pointer: item.origin.clone(),
                    message,
                }
            })?;
            total.origin = total.origin.or(item.origin);
        }
        Ok(Some(total))
    }
}

fn overflow(e: &Expr, a: &Val, b: Option<&Val>) -> EvalError {
    let operands = match b {
        Some(b) => messages::OPERAND_PAIR.render(&[("a", &a.num), ("b", &b.num)]),
        None => a.num.to_string(),
    };
    EvalError {
        pointer: a
            .origin
            .clone()
            .or_else(|| b.and_then(|b| b.origin.clone())),
        message: messages::OVERFLOW.render(&[("expr", e), ("operands", &operands)]),
    }
}

/// The arithmetic operators, shared with the streaming validator's fast
/// pre-check so that both compute exactly the same way.
#[derive(Clone, Copy)]
pub(crate) enum Op {
    Add,
    Sub,
    Mul,
}

impl Op {
    /// Checked and exact: `None` on i64 overflow, Decimal overflow, or a
    /// Decimal result that would have to be rounded.
    pub(crate) fn apply(self, a: Num, b: Num) -> Option<Num> {
        if let (Num::Int(x), Num::Int(y)) = (a, b) {
            return match self {
                Op::Add => x.checked_add(y),
                Op::Sub => x.checked_sub(y),
                Op::Mul => x.checked_mul(y),
            }
            .map(Num::Int);
        }
        let (x, y) = (a.to_decimal(), b.to_decimal());
        // rust_decimal silently rounds when a result needs more than 28
        // fractional digits; the exact result would have this scale.
        let exact_scale = match self {
            Op::Add | Op::Sub => x.scale().max(y.scale()),
            Op::Mul => x.scale() + y.scale(),
        };
        let r = match self {
            Op::Add => x.checked_add(y),
            Op::Sub => x.checked_sub(y),
            Op::Mul => x.checked_mul(y),
        }?;
        (r.scale() == exact_scale).then_some(Num::Dec(r))
    }
}

enum Walk<'v> {
    /// The values reached, with their pointers (one for a path without
    /// `[*]`; any number with it).
    Found(Vec<(&'v Value, String)>),
    /// The path stopped at a missing or null field before any `[*]`.
    Absent(String),
}

/// Follows `segments` from `at`. Iterative (a path may be arbitrarily
/// long). Once past a `[*]`, missing fields and null elements just drop
/// out, so `sum(a[*].b[*].c)` behaves like `sum(a[*], sum(b[*].c))`.
fn walk<'v>(segments: &[Segment], at: &'v Value, base: &str) -> Result<Walk<'v>, EvalError> {
    let mut frontier = vec![(at, base.to_owned())];
    let mut fanned_out = false;
    for seg in segments {
        let mut next = Vec::with_capacity(frontier.len());
        for (value, pointer) in frontier {
            match (seg, value) {
                (Segment::Field(name), Value::Object(map)) => {
                    let child = format!("{pointer}/{}", escape(name));
                    match map.get(name) {
                        Some(Value::Null) | None if !fanned_out => return Ok(Walk::Absent(child)),
                        Some(Value::Null) | None => {}
                        Some(v) => next.push((v, child)),
                    }
                }
                (Segment::Each, Value::Array(items)) => {
                    let present = items.iter().enumerate().filter(|(_, v)| !v.is_null());
                    next.extend(present.map(|(i, v)| (v, format!("{pointer}/{i}"))));
                }
                (Segment::Field(_), other) => {
                    return Err(EvalError::at(
                        &pointer,
                        format!("expected an object, found {}", kind(other)),
                    ));
                }
                (Segment::Each, other) => {
                    return Err(EvalError::at(
                        &pointer,
                        format!("expected an array, found {}", kind(other)),
                    ));
                }
            }
        }
        fanned_out |= *seg == Segment::Each;
        frontier = next;
    }
    Ok(Walk::Found(frontier))
}

/// RFC 6901 escaping of one reference token.
fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// An integer that fits i64, or a plain decimal string `-?[0-9]+(\.[0-9]+)?`.
fn read_num(v: &Value, pointer: &str) -> Result<Num, EvalError> {
    match v {
        Value::Number(n) => n.as_i64().map(Num::Int).ok_or_else(|| {
            EvalError::at(
                pointer,
                format!("value out of range for integer cents: {n}"),
            )
        }),
        Value::String(s) if is_plain_decimal(s) => Decimal::from_str_exact(s)
            .map(Num::Dec)
            .map_err(|_| EvalError::at(pointer, format!("decimal string out of range: {s:?}"))),
        Value::String(s) => {
            // Quote a prefix only: the message is for humans, the string may be huge.
            let shown: String = s.chars().take(40).collect();
            let more = if shown.len() < s.len() { "..." } else { "" };
            Err(EvalError::at(
                pointer,
                format!("expected a number, found the string {shown:?}{more}"),
            ))
        }
        other => Err(EvalError::at(
            pointer,
            format!("expected a number, found {}", kind(other)),
        )),
    }
}

/// `-?[0-9]+(\.[0-9]+)?`: the decimal strings the language computes with.
pub(crate) fn is_plain_decimal(s: &str) -> bool {
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let unsigned = s.strip_prefix('-').unwrap_or(s);
    match unsigned.split_once('.') {
        Some((int, frac)) => digits(int) && digits(frac),
        None => digits(unsigned),
    }
}
