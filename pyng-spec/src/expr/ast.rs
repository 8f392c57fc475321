//! The syntax tree: plain public data, because the code generator walks it
//! to emit Rust, and the linter walks it (via [`Invariant::field_refs`]).

use std::cmp::Ordering;
use std::fmt;

use rust_decimal::Decimal;

/// A byte range `start..end` into [`Invariant::source`]. Nodes built by
/// hand (not by the parser) carry `Span::default()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
}

impl Span {
    /// The span `start..end`.
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

/// A comparison operator of an invariant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CmpOp {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl CmpOp {
    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }

    /// Whether `lhs OP rhs` holds, given `lhs.cmp(rhs)`.
    pub fn holds(self, ord: Ordering) -> bool {
        match self {
            CmpOp::Eq => ord.is_eq(),
            CmpOp::Ne => ord.is_ne(),
            CmpOp::Lt => ord.is_lt(),
            CmpOp::Le => ord.is_le(),
            CmpOp::Gt => ord.is_gt(),
            CmpOp::Ge => ord.is_ge(),
        }
    }
}

/// One parsed `x-invariants` entry: exactly one comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct Invariant {
    /// The comparison.
    pub op: CmpOp,
    /// The left side.
    pub lhs: Expr,
    /// The right side.
    pub rhs: Expr,
    /// The text it was parsed from; spans index into it.
    pub source: String,
}

/// An expression node with its position in the invariant's text.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// What the node is.
    pub kind: ExprKind,
    /// Where it was parsed from.
    pub span: Span,
}

/// The kinds of expression node.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// Integer literal (the parser only produces non-negative ones; `-5` is
    /// `Neg(Int(5))`).
    Int(i64),
    /// Decimal literal such as `0.00`; keeps its scale.
    Decimal(Decimal),
    /// A field of the current instance; never contains [`Segment::Each`].
    Field(Path),
    /// `sum(over)` when `each` is `None` (sums the leaves `over` reaches;
    /// `over` contains `[*]`), else `sum(over, each)` (`over` ends in `[*]`
    /// and `each` is evaluated with every element as the instance).
    Sum {
        /// The path summed over; contains `[*]`.
        over: Path,
        /// The expression evaluated per element, with the element as the instance;
        /// `None` sums the leaves `over` reaches.
        each: Option<Box<Expr>>,
    },
    /// `-a`
    Neg(Box<Expr>),
    /// `a + b`
    Add(Box<Expr>, Box<Expr>),
    /// `a - b`
    Sub(Box<Expr>, Box<Expr>),
    /// `a * b`
    Mul(Box<Expr>, Box<Expr>),
    /// `a ?? b`: `a` if present, else `b`.
    Coalesce(Box<Expr>, Box<Expr>),
}

impl Expr {
    /// A node without a source position, for building trees by hand.
    pub fn new(kind: ExprKind) -> Self {
        Expr {
            kind,
            span: Span::default(),
        }
    }

    /// Field paths this expression reads, absolute from the instance it is
    /// evaluated on; see [`Invariant::field_refs`].
    pub fn field_refs(&self) -> Vec<FieldRef> {
        let mut out = Vec::new();
        self.collect_refs(&[], &mut out);
        out
    }

    fn collect_refs(&self, prefix: &[Segment], out: &mut Vec<FieldRef>) {
        let absolute = |p: &Path| Path {
            segments: prefix.iter().chain(&p.segments).cloned().collect(),
            span: p.span,
        };
        match &self.kind {
            ExprKind::Int(_) | ExprKind::Decimal(_) => {}
            ExprKind::Field(p) => out.push(FieldRef::new(absolute(p), false)),
            ExprKind::Sum { over, each: None } => out.push(FieldRef::new(absolute(over), false)),
            ExprKind::Sum {
                over,
                each: Some(each),
            } => {
                let over = absolute(over);
                let inner = over.segments.clone();
                out.push(FieldRef::new(over, true));
                each.collect_refs(&inner, out);
            }
            ExprKind::Neg(a) => a.collect_refs(prefix, out),
            ExprKind::Add(a, b)
            | ExprKind::Sub(a, b)
            | ExprKind::Mul(a, b)
            | ExprKind::Coalesce(a, b) => {
                a.collect_refs(prefix, out);
                b.collect_refs(prefix, out);
            }
        }
    }

    /// Binding strength in the canonical printing; higher binds tighter.
    fn prec(&self) -> u8 {
        match &self.kind {
            ExprKind::Coalesce(..) => 1,
            ExprKind::Add(..) | ExprKind::Sub(..) => 2,
            ExprKind::Mul(..) => 3,
            ExprKind::Neg(_) => 4,
            // A hand-built negative literal prints with a leading '-'.
            ExprKind::Int(n) if *n < 0 => 4,
            ExprKind::Decimal(d) if d.is_sign_negative() => 4,
            _ => 5,
        }
    }

    /// Prints with parentheses iff this node binds looser than `min`.
    fn write(&self, f: &mut fmt::Formatter<'_>, min: u8) -> fmt::Result {
        let paren = self.prec() < min;
        if paren {
            f.write_str("(")?;
        }
        // Operand precedences make the printed form re-parse to the same
        // tree: `+ - *` are left-assoc (right operand one level tighter),
        // `??` is right-assoc (left operand one level tighter).
        let bin = |f: &mut fmt::Formatter<'_>, a: &Expr, op: &str, b: &Expr, l: u8, r: u8| {
            a.write(f, l)?;
            write!(f, " {op} ")?;
            b.write(f, r)
        };
        match &self.kind {
            ExprKind::Int(n) => write!(f, "{n}")?,
            // Scale 0 would print as an integer literal and re-parse as Int.
            ExprKind::Decimal(d) if d.scale() == 0 => write!(f, "{d}.0")?,
            ExprKind::Decimal(d) => write!(f, "{d}")?,
            ExprKind::Field(p) => write!(f, "{p}")?,
            ExprKind::Sum { over, each: None } => write!(f, "sum({over})")?,
            ExprKind::Sum {
                over,
                each: Some(e),
            } => write!(f, "sum({over}, {e})")?,
            ExprKind::Neg(a) => {
                f.write_str("-")?;
                a.write(f, 4)?;
            }
            ExprKind::Add(a, b) => bin(f, a, "+", b, 2, 3)?,
            ExprKind::Sub(a, b) => bin(f, a, "-", b, 2, 3)?,
            ExprKind::Mul(a, b) => bin(f, a, "*", b, 3, 4)?,
            ExprKind::Coalesce(a, b) => bin(f, a, "??", b, 2, 1)?,
        }
        if paren {
            f.write_str(")")?;
        }
        Ok(())
    }
}

/// Canonical form: single spaces around binary operators, minimal
/// parentheses; re-parses to the same tree (spans aside).
impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f, 0)
    }
}

impl fmt::Display for Invariant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.lhs, self.op.as_str(), self.rhs)
    }
}

impl Invariant {
    /// Every field path the invariant reads, in source order, as an
    /// absolute path from the instance root: inside `sum(lineItems[*], x)`
    /// the reference to `x` is `lineItems[*].x`.
    pub fn field_refs(&self) -> Vec<FieldRef> {
        let mut out = self.lhs.field_refs();
        out.extend(self.rhs.field_refs());
        out
    }
}

/// A dotted path such as `lineItems[*].amountTotal` or `data."result.code"`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Path {
    /// The segments, in order.
    pub segments: Vec<Segment>,
    /// Where the path was parsed from.
    pub span: Span,
}

/// One segment of a [`Path`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Segment {
    /// An object key (the wire name, unescaped).
    Field(String),
    /// `[*]`: every element of an array.
    Each,
}

impl Path {
    /// A path without a source position, for building trees by hand.
    pub fn new(segments: Vec<Segment>) -> Self {
        Path {
            segments,
            span: Span::default(),
        }
    }

    /// Whether the path contains `[*]`.
    pub fn has_each(&self) -> bool {
        self.segments.contains(&Segment::Each)
    }

    /// Whether the path's last segment is `[*]`.
    pub fn ends_with_each(&self) -> bool {
        self.segments.last() == Some(&Segment::Each)
    }
}

/// Whether a field name can be written without quotes.
fn is_plain_ident(name: &str) -> bool {
    let mut chars = name.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    // `sum` is quoted so `"sum"(...)` can never be read as a call.
    first_ok && chars.all(|c| c.is_ascii_alphanumeric() || c == '_') && name != "sum"
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.segments.iter().enumerate() {
            match seg {
                Segment::Each => f.write_str("[*]")?,
                Segment::Field(name) => {
                    if i > 0 {
                        f.write_str(".")?;
                    }
                    if is_plain_ident(name) {
                        f.write_str(name)?;
                    } else {
                        f.write_str("\"")?;
                        for c in name.chars() {
                            if c == '"' || c == '\\' {
                                f.write_str("\\")?;
                            }
                            write!(f, "{c}")?;
                        }
                        f.write_str("\"")?;
                    }
                }
            }
        }
        Ok(())
    }
}

/// A field path an invariant reads, for the linter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldRef {
    /// Absolute from the instance root, `[*]` marking array steps. Its
    /// `span` is that of the (possibly relative) path as written.
    pub path: Path,
    /// Where the path is written in the source (same as `path.span`).
    pub span: Span,
    /// True for the array argument of `sum(array[*], expr)`: the path names
    /// an array of objects, not a number. Every other ref names a number
    /// (an integer, or a decimal string).
    pub sum_array: bool,
}

impl FieldRef {
    fn new(path: Path, sum_array: bool) -> Self {
        FieldRef {
            span: path.span,
            path,
            sum_array,
        }
    }
}
