//! The invariant expression language of OpenAPI `x-invariants`: amount
//! arithmetic rules over a JSON response body, e.g.
//! `amountPaid == sum(lineItems[*], amountTotal ?? amountSubtotal - sum(discounts[*].amount))`.
//!
//! # Grammar
//! ```text
//! invariant      := expr CMP expr                 CMP: == != < <= > >=
//! expr           := additive ('??' expr)?         lowest precedence, right-assoc
//! additive       := multiplicative (('+' | '-') multiplicative)*
//! multiplicative := unary ('*' unary)*            no division: arithmetic stays exact
//! unary          := '-' unary | primary
//! primary        := INTEGER | DECIMAL | path
//!                 | 'sum' '(' path ')'            path contains [*]: sums the leaves
//!                 | 'sum' '(' path ',' expr ')'   path ends in [*]: expr per element
//!                 | '(' expr ')'
//! path           := segment ('.' segment | '[*]')*
//! segment        := [A-Za-z_][A-Za-z0-9_]* | '"' name '"'   (\" and \\ escape)
//! INTEGER        := [0-9]+          (must fit i64)
//! DECIMAL        := [0-9]+ '.' [0-9]+
//! ```
//! `??` binds loosest so that `a ?? b - c` is `a ?? (b - c)`: the fallback is
//! a whole amount. `(a ?? b) - c` needs the parentheses. A path with `[*]`
//! may only appear as the argument of `sum`. `sum` followed by `(` is the
//! function; elsewhere it is a field name. Nesting and tree height are
//! capped at [`MAX_DEPTH`].
//!
//! # Evaluation
//! Values are [`Num::Int`] (JSON integers fitting i64: cents) or
//! [`Num::Dec`] (decimal literals and decimal strings like `"14.99"`);
//! mixing promotes the integer exactly. Arithmetic is checked: overflow or
//! a decimal result needing rounding is an [`EvalError`], never a wrap.
//! A missing key or `null` is *absent*; arithmetic on absent is absent, and
//! if either side of the comparison is absent the invariant is
//! [`Evaluation::NotApplicable`]. Inside `sum`, absent elements contribute
//! nothing, a missing array makes the sum absent, and an empty one is 0.

mod ast;
mod eval;
mod parse;

pub use ast::{CmpOp, Expr, ExprKind, FieldRef, Invariant, Path, Segment, Span};
pub use eval::{EvalError, Evaluation, Num, Operand, Violation, evaluate};
pub(crate) use eval::{Instance, evaluate_on, kind, quiet};
pub use parse::{MAX_DEPTH, ParseError, parse};

#[cfg(test)]
mod tests;
