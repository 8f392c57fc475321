//! Evaluation against an instance: a `serde_json::Value`, or (for the
//! streaming validator) the values it kept of a body. One evaluator, traced
//! (pointers, operands, absent values) when a finding needs the detail.

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
    /// A JSON integer fitting i64, or an integer literal.
    Int(i64),
    /// A decimal literal or decimal string, with its scale.
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
    /// Both sides are present and the comparison holds.
    Holds,
    /// A side was absent (a missing or null field, or a missing array under
    /// `sum`), so the rule does not apply.
    NotApplicable {
        /// The JSON pointers (relative to the instance) whose absence made it so.
        absent: Vec<String>,
    },
    /// Both sides are present and the comparison fails.
    Violated(Violation),
    /// The instance's data cannot be evaluated (wrong type, out of range, overflow).
    Error(EvalError),
}

/// A failed comparison: the two sides' values and what they were computed from.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    /// The left side's value.
    pub lhs: Num,
    /// The right side's value.
    pub rhs: Num,
    /// Every field value that contributed to either side, in evaluation
    /// order (values discarded by `??` or by an absent `sum` element are
    /// left out).
    pub operands: Vec<Operand>,
    /// The rendered finding message ([`messages::INVARIANT_VIOLATED`]).
    pub message: String,
}

/// A field value read while evaluating an invariant.
#[derive(Debug, Clone, PartialEq)]
pub struct Operand {
    /// RFC 6901 pointer relative to the instance (`/lineItems/2/amountTotal`).
    pub pointer: String,
    /// The value read there.
    pub value: Num,
}

/// Malformed data: a value of the wrong type, out of range, or arithmetic
/// that overflows. `pointer` names the offending value where there is one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct EvalError {
    /// RFC 6901 pointer relative to the instance; `None` when no value of the
    /// instance is at fault.
    pub pointer: Option<String>,
    /// What is wrong, for humans.
    pub message: String,
}

/// Checks `inv` against `instance`, the JSON object it is attached to.
///
/// Both sides are always evaluated, so an error anywhere is reported even
/// when the other side is absent; errors win over not-applicable.
pub fn evaluate(inv: &Invariant, instance: &Value) -> Evaluation {
    evaluate_on(inv, instance)
}

/// [`evaluate`] on any [`Instance`].
pub(crate) fn evaluate_on<I: Instance>(inv: &Invariant, instance: I) -> Evaluation {
    let mut cx = Ctx::<String>::default();
    match cx.sides(inv, instance, String::new()) {
        Err(e) => Evaluation::Error(EvalError {
            pointer: e.pointer,
            message: e.message,
        }),
        Ok((Some(l), Some(r))) if inv.op.holds(l.num.cmp_value(&r.num)) => Evaluation::Holds,
        Ok((Some(l), Some(r))) => Evaluation::Violated(Violation {
            message: messages::INVARIANT_VIOLATED.render(&[
                ("invariant", inv),
                ("lhs", &l.num),
                ("rhs", &r.num),
            ]),
            lhs: l.num,
            rhs: r.num,
            operands: cx
                .operands
                .into_iter()
                .map(|(pointer, value)| Operand { pointer, value })
                .collect(),
        }),
        Ok(_) => {
            let mut absent = cx.absent;
            let mut seen = std::collections::HashSet::new();
            absent.retain(|p| seen.insert(p.clone()));
            Evaluation::NotApplicable { absent }
        }
    }
}

/// Whether [`evaluate`] would find nothing to report (the invariant holds or
/// does not apply) on `instance`: the same evaluation, without the pointers,
/// operands and messages only a finding needs.
pub(crate) fn quiet<I: Instance>(inv: &Invariant, instance: I) -> bool {
    match Ctx::<()>::default().sides(inv, instance, ()) {
        Err(_) => false,
        Ok((Some(l), Some(r))) => inv.op.holds(l.num.cmp_value(&r.num)),
        Ok(_) => true,
    }
}

/// A JSON value the evaluator reads: a parsed `Value`, or the projection the
/// streaming validator keeps of a body.
pub(crate) trait Instance: Copy {
    type Elements: Iterator<Item = Self>;
    /// The property `name` (`Ok(None)` when missing); `Err` when this is not
    /// an object.
    fn member(self, name: &str) -> Result<Option<Self>, ()>;
    /// The elements; `Err` when this is not an array.
    fn elements(self) -> Result<Self::Elements, ()>;
    fn is_null(self) -> bool;
    fn number(self) -> Option<serde_json::Number>;
    fn string(&self) -> Option<&str>;
    /// "an object", "a string"...: the kind of value, for messages.
    fn kind(self) -> &'static str;
}

impl<'v> Instance for &'v Value {
    type Elements = std::slice::Iter<'v, Value>;

    fn member(self, name: &str) -> Result<Option<Self>, ()> {
        self.as_object().map(|m| m.get(name)).ok_or(())
    }
    fn elements(self) -> Result<Self::Elements, ()> {
        self.as_array().map(|a| a.iter()).ok_or(())
    }
    fn is_null(self) -> bool {
        Value::is_null(self)
    }
    fn number(self) -> Option<serde_json::Number> {
        self.as_number().cloned()
    }
    fn string(&self) -> Option<&str> {
        self.as_str()
    }
    fn kind(self) -> &'static str {
        kind(self)
    }
}

/// Where a value read is, as far as the caller needs it: an RFC 6901 pointer
/// (relative to the instance) for a finding, nothing for a yes/no answer.
trait Trail: Clone {
    /// Whether operands and absent values are recorded.
    const TRACED: bool;
    fn member(&self, name: &str) -> Self;
    fn element(&self, i: usize) -> Self;
}

impl Trail for String {
    const TRACED: bool = true;
    fn member(&self, name: &str) -> Self {
        format!("{self}/{}", crate::pointer::escape(name))
    }
    fn element(&self, i: usize) -> Self {
        format!("{self}/{i}")
    }
}

impl Trail for () {
    const TRACED: bool = false;
    fn member(&self, _: &str) -> Self {}
    fn element(&self, _: usize) -> Self {}
}

/// Malformed data or an overflow, at a place of the instance.
struct Fail<T> {
    pointer: Option<T>,
    message: String,
}

impl<T> Fail<T> {
    fn at(pointer: &T, message: impl Into<String>) -> Self
    where
        T: Clone,
    {
        Fail {
            pointer: Some(pointer.clone()),
            message: message.into(),
        }
    }
}

/// A present value, with the place to blame if arithmetic on it fails.
struct Val<T> {
    num: Num,
    origin: Option<T>,
}

impl<T> Val<T> {
    fn literal(num: Num) -> Self {
        Val { num, origin: None }
    }
}

/// What has been read so far (when traced); `None` results mean "absent".
struct Ctx<T> {
    operands: Vec<(T, Num)>,
    absent: Vec<T>,
}

impl<T> Default for Ctx<T> {
    fn default() -> Self {
        Ctx {
            operands: Vec::new(),
            absent: Vec::new(),
        }
    }
}

type EvalResult<T> = Result<Option<Val<T>>, Fail<T>>;

impl<T: Trail> Ctx<T> {
    /// Both sides; the right one is not evaluated when the left one fails.
    #[allow(clippy::type_complexity)]
    fn sides<I: Instance>(
        &mut self,
        inv: &Invariant,
        instance: I,
        root: T,
    ) -> Result<(Option<Val<T>>, Option<Val<T>>), Fail<T>> {
        let l = self.eval(&inv.lhs, instance, &root)?;
        Ok((l, self.eval(&inv.rhs, instance, &root)?))
    }

    fn mark(&self) -> (usize, usize) {
        (self.operands.len(), self.absent.len())
    }

    /// Forgets reads whose result was discarded (a `??` left side or a
    /// `sum` element that turned out absent).
    fn reset(&mut self, (ops, absent): (usize, usize)) {
        self.operands.truncate(ops);
        self.absent.truncate(absent);
    }

    fn absent(&mut self, at: T) {
        if T::TRACED {
            self.absent.push(at);
        }
    }

    /// `at` is the instance the expression is relative to, `base` its place
    /// from the root instance.
    fn eval<I: Instance>(&mut self, e: &Expr, at: I, base: &T) -> EvalResult<T> {
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

    fn field<I: Instance>(&mut self, path: &Path, at: I, base: &T) -> EvalResult<T> {
        if path.has_each() {
            // Only reachable for hand-built trees; the parser rejects it.
            return Err(Fail::at(base, format!("path {path} needs sum(...)")));
        }
        let mut found = None;
        let reached = walk(&path.segments, at, base.clone(), false, &mut |v, place| {
            found = Some((v, place));
            Ok(())
        })?;
        match (reached, found) {
            (Reached::Absent(place), _) => {
                self.absent(place);
                Ok(None)
            }
            (Reached::All, Some((value, place))) => self.read(value, place).map(Some),
            (Reached::All, None) => Ok(None),
        }
    }

    /// Reads a leaf number and records it as an operand.
    fn read<I: Instance>(&mut self, value: I, place: T) -> Result<Val<T>, Fail<T>> {
        let num = read_num(value, &place)?;
        if T::TRACED {
            self.operands.push((place.clone(), num));
        }
        Ok(Val {
            num,
            origin: Some(place),
        })
    }

    fn sum<I: Instance>(
        &mut self,
        over: &Path,
        each: Option<&Expr>,
        at: I,
        base: &T,
    ) -> EvalResult<T> {
        let mut total = Val::literal(Num::Int(0));
        let reached = walk(
            &over.segments,
            at,
            base.clone(),
            false,
            &mut |value, place| {
                let mark = self.mark();
                let item = match each {
                    Some(e) => self.eval(e, value, &place)?,
                    None => Some(self.read(value, place.clone())?),
                };
                let Some(mut item) = item else {
                    self.reset(mark);
                    return Ok(());
                };
                item.origin.get_or_insert(place);
                total.num = Op::Add.apply(total.num, item.num).ok_or_else(|| Fail {
                    pointer: item.origin.clone(),
                    message: messages::SUM_OVERFLOW.render(&[("over", over), ("item", &item.num)]),
                })?;
                total.origin = total.origin.take().or(item.origin);
                Ok(())
            },
        )?;
        match reached {
            Reached::Absent(place) => {
                self.absent(place);
                Ok(None)
            }
            Reached::All => Ok(Some(total)),
        }
    }
}

fn overflow<T: Clone>(e: &Expr, a: &Val<T>, b: Option<&Val<T>>) -> Fail<T> {
    let operands = match b {
        Some(b) => messages::OPERAND_PAIR.render(&[("a", &a.num), ("b", &b.num)]),
        None => a.num.to_string(),
    };
    Fail {
        pointer: a
            .origin
            .clone()
            .or_else(|| b.and_then(|b| b.origin.clone())),
        message: messages::OVERFLOW.render(&[("expr", e), ("operands", &operands)]),
    }
}

/// The arithmetic operators.
#[derive(Clone, Copy)]
enum Op {
    Add,
    Sub,
    Mul,
}

impl Op {
    /// Checked and exact: `None` on i64 overflow, Decimal overflow, or a
    /// Decimal result that would have to be rounded.
    fn apply(self, a: Num, b: Num) -> Option<Num> {
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

/// How far a path reached.
enum Reached<T> {
    /// Every value it names was visited.
    All,
    /// It stopped at a missing or null field before any `[*]`.
    Absent(T),
}

/// Visits every value `segments` reach from `at`, in document order. Past a
/// `[*]` (`fanned_out`), missing fields and null elements just drop out, so
/// `sum(a[*].b[*].c)` behaves like `sum(a[*], sum(b[*].c))`. Each level of
/// recursion descends one level into the value, so the depth is bounded by
/// the value's.
fn walk<I, T, F>(
    segments: &[Segment],
    at: I,
    place: T,
    fanned_out: bool,
    visit: &mut F,
) -> Result<Reached<T>, Fail<T>>
where
    I: Instance,
    T: Trail,
    F: FnMut(I, T) -> Result<(), Fail<T>>,
{
    let Some((seg, rest)) = segments.split_first() else {
        visit(at, place)?;
        return Ok(Reached::All);
    };
    match seg {
        Segment::Field(name) => match at.member(name) {
            Ok(found) => match found.filter(|v| !v.is_null()) {
                Some(v) => walk(rest, v, place.member(name), fanned_out, visit),
                None if !fanned_out => Ok(Reached::Absent(place.member(name))),
                None => Ok(Reached::All),
            },
            Err(()) => {
                let message = format!("expected an object, found {}", at.kind());
                Err(Fail::at(&place, message))
            }
        },
        Segment::Each => match at.elements() {
            Ok(items) => {
                for (i, v) in items.enumerate().filter(|(_, v)| !v.is_null()) {
                    walk(rest, v, place.element(i), true, visit)?;
                }
                Ok(Reached::All)
            }
            Err(()) => {
                let message = format!("expected an array, found {}", at.kind());
                Err(Fail::at(&place, message))
            }
        },
    }
}

/// The kind of a JSON value, for messages.
pub(crate) fn kind(v: &Value) -> &'static str {
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
fn read_num<I: Instance, T: Clone>(v: I, place: &T) -> Result<Num, Fail<T>> {
    if let Some(n) = v.number() {
        return n
            .as_i64()
            .map(Num::Int)
            .ok_or_else(|| Fail::at(place, format!("value out of range for integer cents: {n}")));
    }
    match v.string() {
        Some(s) if is_plain_decimal(s) => Decimal::from_str_exact(s)
            .map(Num::Dec)
            .map_err(|_| Fail::at(place, format!("decimal string out of range: {s:?}"))),
        Some(s) => {
            // Quote a prefix only: the message is for humans, the string may be huge.
            let shown: String = s.chars().take(40).collect();
            let more = if shown.len() < s.len() { "..." } else { "" };
            Err(Fail::at(
                place,
                format!("expected a number, found the string {shown:?}{more}"),
            ))
        }
        None => Err(Fail::at(
            place,
            format!("expected a number, found {}", v.kind()),
        )),
    }
}

/// `-?[0-9]+(\.[0-9]+)?`: the decimal strings the language computes with.
fn is_plain_decimal(s: &str) -> bool {
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let unsigned = s.strip_prefix('-').unwrap_or(s);
    match unsigned.split_once('.') {
        Some((int, frac)) => digits(int) && digits(frac),
        None => digits(unsigned),
    }
}
