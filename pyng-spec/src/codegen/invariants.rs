//! `x-invariants` expressions compiled to Rust, with the interpreter's semantics
//! (`crate::expr::evaluate`) reproduced exactly, because the differential test
//! holds the two to the same (rule, pointer, message) on every input:
//!
//! * a value is `Option<Amount>`: `None` is *absent* (missing or null field,
//!   missing array under `sum`); arithmetic on absent is absent, and a comparison
//!   with an absent side does not apply;
//! * i64 arithmetic is checked; an overflow ends the evaluation with an error
//!   blamed on the first operand's pointer (`Amount::origin`), never a wrap;
//! * both operands of `+ - *` are evaluated even when one is absent (so an
//!   overflow anywhere is reported); `a ?? b` does not evaluate `b` when `a` is
//!   present, and forgets the reads of `a` when it is not;
//! * every field read is recorded in `operands`; a violation is reported at the
//!   first one, as `validate` does; messages are the registry's templates
//!   (`crate::registry::messages`), as the interpreter renders them.
//!
//! Only integer (cents) arithmetic is generated. A decimal literal or a field that
//! is not an integer (e.g. a `decimal-major` string) is a generation error rather
//! than code that would compute something else.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::GenerateError;
use super::checks::{fmt_lit, ptr_fmt};
use super::context::{Context, is_option, present_ref};
use crate::expr::{CmpOp, Expr, ExprKind, Path, Segment};
use crate::ir::{InvariantDef, Model, Type};
use crate::registry::messages;

pub(super) struct Compiled {
    /// The `invariant_*` method evaluating both sides.
    pub method: TokenStream,
    /// The statement in `check_at` that calls it and reports.
    pub call: TokenStream,
}

pub(super) fn invariant(
    cx: &Context,
    m: &Model,
    inv: &InvariantDef,
    index: usize,
) -> Result<Compiled, GenerateError> {
    let mut c = Compiler {
        cx,
        inv,
        next: 0,
        over: String::new(),
    };
    let at = format_ident!("at");
    let this = quote!(self);
    let lhs = c.expr(&inv.expr.lhs, m, &this, &at)?;
    let rhs = c.expr(&inv.expr.rhs, m, &this, &at)?;
    let name = format_ident!("invariant_{}", index);
    let id = &inv.id;
    let text = inv.expr.to_string();
    let doc = format!(" `{}`: {}", id, super::docs::code(&text));
    let method = quote! {
        #[doc = #doc]
        fn #name(&self, at: &str, operands: &mut Vec<String>) -> Result<Option<(i64, i64)>, Overflow> {
            let lhs = #lhs;
            let rhs = #rhs;
            Ok(match (lhs, rhs) {
                (Some(l), Some(r)) => Some((l.value, r.value)),
                _ => None,
            })
        }
    };
    // The comparison fails when its negation holds.
    let fails = match inv.expr.op {
        CmpOp::Eq => quote!(lhs != rhs),
        CmpOp::Ne => quote!(lhs == rhs),
        CmpOp::Lt => quote!(lhs >= rhs),
        CmpOp::Le => quote!(lhs > rhs),
        CmpOp::Gt => quote!(lhs <= rhs),
        CmpOp::Ge => quote!(lhs < rhs),
    };
    let known = [("invariant", text.as_str())];
    let violated = messages::INVARIANT_VIOLATED.format_string(&known);
    let unevaluable = messages::INVARIANT_UNEVALUABLE.format_string(&known);
    let call = quote! {
        {
            let mut operands = Vec::new();
            match self.#name(at, &mut operands) {
                Ok(Some((lhs, rhs))) if #fails => out.push(Violation {
                    rule: #id,
                    pointer: operands.into_iter().next().unwrap_or_else(|| at.to_owned()),
                    message: format!(#violated),
                }),
                Ok(_) => {}
                Err(Overflow { pointer, reason }) => out.push(Violation {
                    rule: #id,
                    pointer: pointer.unwrap_or_else(|| at.to_owned()),
                    message: format!(#unevaluable),
                }),
            }
        }
    };
    Ok(Compiled { method, call })
}

struct Compiler<'c, 'a> {
    cx: &'c Context<'a>,
    inv: &'c InvariantDef,
    next: usize,
    /// The path of the innermost `sum` being compiled, for its overflow message.
    over: String,
}

impl Compiler<'_, '_> {
    fn fresh(&mut self, base: &str) -> Ident {
        self.next += 1;
        format_ident!("{}{}", base, self.next)
    }

    fn unsupported(&self, what: String) -> GenerateError {
        self.cx.error(
            &self.inv.pointer,
            format!(
                "invariant `{}`: {what}; the generator only compiles integer (cents) arithmetic",
                self.inv.id
            ),
        )
    }

    /// An expression of type `Option<Amount>`; `inst` is the model instance
    /// (`self` or a reference) and `base` the `&str`/`String` pointer to it.
    fn expr(
        &mut self,
        e: &Expr,
        m: &Model,
        inst: &TokenStream,
        base: &Ident,
    ) -> Result<TokenStream, GenerateError> {
        Ok(match &e.kind {
            ExprKind::Int(n) => {
                let n = proc_macro2::Literal::i64_unsuffixed(*n);
                quote!(Some(Amount::literal(#n)))
            }
            ExprKind::Decimal(d) => {
                return Err(self.unsupported(format!("the decimal literal {d}")));
            }
            ExprKind::Field(path) => self.field(path, m, inst, base)?,
            ExprKind::Sum { over, each } => self.sum(over, each.as_deref(), m, inst, base)?,
            ExprKind::Neg(a) => {
                let a = self.expr(a, m, inst, base)?;
                let text = e.to_string();
                quote! {
                    {
                        let a = #a;
                        match a {
                            Some(v) => Some(v.neg(#text)?),
                            None => None,
                        }
                    }
                }
            }
            ExprKind::Add(a, b) => {
                self.binary(e, (a, b), quote!(i64::checked_add), m, inst, base)?
            }
            ExprKind::Sub(a, b) => {
                self.binary(e, (a, b), quote!(i64::checked_sub), m, inst, base)?
            }
            ExprKind::Mul(a, b) => {
                self.binary(e, (a, b), quote!(i64::checked_mul), m, inst, base)?
            }
            ExprKind::Coalesce(a, b) => {
                let a = self.expr(a, m, inst, base)?;
                let b = self.expr(b, m, inst, base)?;
                let mark = self.fresh("mark");
                quote! {
                    {
                        let #mark = operands.len();
                        let a = #a;
                        match a {
                            Some(v) => Some(v),
                            None => {
                                operands.truncate(#mark);
                                #b
                            }
                        }
                    }
                }
            }
        })
    }

    /// `e` is `a op b`.
    fn binary(
        &mut self,
        e: &Expr,
        (a, b): (&Expr, &Expr),
        op: TokenStream,
        m: &Model,
        inst: &TokenStream,
        base: &Ident,
    ) -> Result<TokenStream, GenerateError> {
        let a = self.expr(a, m, inst, base)?;
        let b = self.expr(b, m, inst, base)?;
        let text = e.to_string();
        Ok(quote! {
            {
                let l = #a;
                let r = #b;
                match (l, r) {
                    (Some(l), Some(r)) => Some(l.combine(r, #op, #text)?),
                    _ => None,
                }
            }
        })
    }

    /// Walks the leading field segments of `path` from `inst`. Returns the access
    /// expression (a place, or an `Option<&T>` when `optional`), the type reached
    /// and the pointer suffix.
    fn walk_fields(
        &self,
        segments: &[Segment],
        m: &Model,
        inst: &TokenStream,
    ) -> Result<(TokenStream, bool, Type, String, bool), GenerateError> {
        let mut access = inst.clone();
        let mut optional = false;
        let mut model = m;
        let mut ty = None;
        let mut integer_enum = false;
        let mut suffix = String::new();
        for (i, seg) in segments.iter().enumerate() {
            let Segment::Field(name) = seg else {
                return Err(self.unsupported("`[*]` outside `sum`".to_owned()));
            };
            if i > 0 {
                model = match &ty {
                    Some(t) => self.cx.model_of(t),
                    None => None,
                }
                .ok_or_else(|| {
                    self.unsupported(format!(
                        "`{name}` is read from a value that is not an object"
                    ))
                })?;
            }
            let (f, id) = self.cx.field(model, name).ok_or_else(|| {
                self.unsupported(format!("`{name}` is not a field of `{}`", model.name))
            })?;
            access = match (optional, is_option(f)) {
                (false, false) => quote!(#access.#id),
                (false, true) => present_ref(f, quote!(#access.#id)),
                (true, false) => quote!(#access.map(|v| &v.#id)),
                (true, true) => {
                    let present = present_ref(f, quote!(v.#id));
                    quote!(#access.and_then(|v| #present))
                }
            };
            optional |= is_option(f);
            suffix.push('/');
            suffix.push_str(&crate::pointer::escape(name));
            ty = Some(f.ty.clone());
            integer_enum = super::integer_enums::is_integer_enum(f);
        }
        let ty = ty.ok_or_else(|| self.unsupported("an empty path".to_owned()))?;
        Ok((access, optional, ty, suffix, integer_enum))
    }

    fn field(
        &mut self,
        path: &Path,
        m: &Model,
        inst: &TokenStream,
        base: &Ident,
    ) -> Result<TokenStream, GenerateError> {
        let (access, optional, ty, suffix, integer_enum) =
            self.walk_fields(&path.segments, m, inst)?;
        if ty != Type::Integer {
            return Err(self.unsupported(format!("`{path}` is not an integer field")));
        }
        let ptr = format!("{{{base}}}{}", fmt_lit(&suffix));
        // An integer `enum` field is its Rust enum: read its integer.
        let (value, present) = if integer_enum {
            (quote!(#access.value()), quote!(v.value()))
        } else {
            (quote!(#access), quote!(*v))
        };
        Ok(if optional {
            quote!(#access.map(|v| Amount::read(#present, format!(#ptr), operands)))
        } else {
            quote!(Some(Amount::read(#value, format!(#ptr), operands)))
        })
    }

    fn sum(
        &mut self,
        over: &Path,
        each: Option<&Expr>,
        m: &Model,
        inst: &TokenStream,
        base: &Ident,
    ) -> Result<TokenStream, GenerateError> {
        let Some(first_each) = over.segments.iter().position(|s| *s == Segment::Each) else {
            return Err(self.unsupported(format!("`sum({over})` has no `[*]`")));
        };
        let (access, optional, ty, suffix, _) =
            self.walk_fields(&over.segments[..first_each], m, inst)?;
        let array = self.fresh("array");
        let array_at = self.fresh("p");
        let total = self.fresh("total");
        let ptr = format!("{{{base}}}{}", fmt_lit(&suffix));
        let outer = std::mem::replace(&mut self.over, over.to_string());
        let body = self.fan_out(
            &over.segments[first_each..],
            &ty,
            &array,
            &array_at,
            each,
            &total,
        );
        self.over = outer;
        let body = body?;
        let compute = quote! {
            let #array_at = format!(#ptr);
            let mut #total = Amount::literal(0);
            #body
            Some(#total)
        };
        Ok(if optional {
            quote! {
                match #access {
                    None => None,
                    Some(#array) => { #compute }
                }
            }
        } else {
            quote!({ let #array = &#access; #compute })
        })
    }

    /// Statements visiting every value `segments` reaches from `cur` (a reference
    /// of type `ty`, at pointer `cur_at`), adding each to `total`. Past the first
    /// `[*]`, missing fields are skipped, as in the interpreter's walk.
    fn fan_out(
        &mut self,
        segments: &[Segment],
        ty: &Type,
        cur: &Ident,
        cur_at: &Ident,
        each: Option<&Expr>,
        total: &Ident,
    ) -> Result<TokenStream, GenerateError> {
        let Some((seg, rest)) = segments.split_first() else {
            return self.leaf(ty, cur, cur_at, each, total);
        };
        let (el, el_at) = (self.fresh("el"), self.fresh("p"));
        match seg {
            Segment::Each => {
                let Type::Array(inner) = ty else {
                    return Err(
                        self.unsupported("`[*]` on a value that is not an array".to_owned())
                    );
                };
                // Items with constraints are the type they constrain; a
                // nullable one is an `Option` the expression cannot read.
                if let Type::Named(n) = &**inner
                    && self
                        .cx
                        .spec
                        .constrained(n)
                        .is_some_and(|c| c.field.nullable)
                {
                    return Err(self.unsupported(
                        "`[*]` over nullable array items is not supported by the generated code"
                            .to_owned(),
                    ));
                }
                let inner = self.cx.spec.value_type(inner);
                let i = self.fresh("i");
                let body = self.fan_out(rest, inner, &el, &el_at, each, total)?;
                let ptr = format!("{{{cur_at}}}/{{{i}}}");
                Ok(quote! {
                    for (#i, #el) in #cur.iter().enumerate() {
                        let #el_at = format!(#ptr);
                        #body
                    }
                })
            }
            Segment::Field(name) => {
                let model = self.cx.model_of(ty).ok_or_else(|| {
                    self.unsupported(format!(
                        "`{name}` is read from a value that is not an object"
                    ))
                })?;
                let (f, id) = self.cx.field(model, name).ok_or_else(|| {
                    self.unsupported(format!("`{name}` is not a field of `{}`", model.name))
                })?;
                let body = self.fan_out(rest, &f.ty, &el, &el_at, each, total)?;
                let ptr = ptr_fmt(&cur_at.to_string(), name);
                Ok(if is_option(f) {
                    let present = present_ref(f, quote!(#cur.#id));
                    quote! {
                        if let Some(#el) = #present {
                            let #el_at = format!(#ptr);
                            #body
                        }
                    }
                } else {
                    quote! {
                        {
                            let #el = &#cur.#id;
                            let #el_at = format!(#ptr);
                            #body
                        }
                    }
                })
            }
        }
    }

    fn leaf(
        &mut self,
        ty: &Type,
        cur: &Ident,
        cur_at: &Ident,
        each: Option<&Expr>,
        total: &Ident,
    ) -> Result<TokenStream, GenerateError> {
        match each {
            None => {
                if *ty != Type::Integer {
                    return Err(
                        self.unsupported("`sum` over values that are not integers".to_owned())
                    );
                }
                let over = &self.over;
                Ok(quote! {
                    #total = #total.sum_add(Amount::read(*#cur, #cur_at.clone(), operands), &#cur_at, #over)?;
                })
            }
            Some(e) => {
                let model = self.cx.model_of(ty).ok_or_else(|| {
                    self.unsupported("`sum(..., expr)` over values that are not objects".to_owned())
                })?;
                let inner = self.expr(e, model, &quote!(#cur), cur_at)?;
                let mark = self.fresh("mark");
                let over = &self.over;
                Ok(quote! {
                    let #mark = operands.len();
                    let item = #inner;
                    match item {
                        Some(v) => #total = #total.sum_add(v, &#cur_at, #over)?,
                        None => operands.truncate(#mark),
                    }
                })
            }
        }
    }
}
