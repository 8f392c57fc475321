//! The composition keywords `check()` judges beside the type a value is
//! generated as: `not`, and `oneOf`/`anyOf` on a schema typed by its own
//! keywords (`type: string` beside `oneOf`, a composition with constraints
//! of its own), or the list a `oneOf`/`anyOf` enum ([`super::unions`]) is
//! not generated from. Each member is tried on the value as the model holds
//! it, written as JSON, the way the enums try theirs: a member matches when
//! the value deserializes as it and its `check()` finds no error.
//!
//! A keyword is judged only when every member is judged on the held value
//! as the validators judge it on the wire ([`judged_alike`]); otherwise
//! `check()` would inherit a model's leniencies (an unknown enum value kept,
//! `pattern` unchecked, an undocumented property dropped), which under
//! `not` turn into false errors. Such a keyword, and the list a
//! `discriminator` beside a type of the schema's own chooses from, are the
//! validators' alone.

use proc_macro2::TokenStream;
use quote::quote;

use super::context::Context;
use super::unions::{count_report, matched_members, payload};
use crate::ir::{Field, Type};
use crate::registry::messages;

/// The keywords of `f`'s composition that `check()` judges at the value
/// itself (not through a generated enum).
pub(super) struct Beside<'a> {
    pub one_of: &'a [Type],
    pub any_of: &'a [Type],
    pub not: Option<&'a Type>,
}

/// What of `f`'s composition is judged beside its type, if anything.
pub(super) fn rules<'a>(cx: &Context, f: &'a Field) -> Option<Beside<'a>> {
    let c = f.constraints.composition.as_deref()?;
    // The list the enum is generated from (or the discriminator chooses
    // from) is judged elsewhere, or not in generated code.
    let skipped = if cx.union_of(f).is_some() || c.discriminator.is_some() {
        Some(c.discriminated().0)
    } else {
        None
    };
    let judged = |keyword: &str, members: &'a [Type]| -> &'a [Type] {
        let alike = members.iter().all(|m| judged_alike(cx, f, m));
        if skipped == Some(keyword) || !alike {
            &[]
        } else {
            members
        }
    };
    let beside = Beside {
        one_of: judged("oneOf", &c.one_of),
        any_of: judged("anyOf", &c.any_of),
        not: c.not.as_ref().filter(|m| judged_alike(cx, f, m)),
    };
    let empty = beside.one_of.is_empty() && beside.any_of.is_empty() && beside.not.is_none();
    (!empty).then_some(beside)
}

/// The checks of [`rules`] on `v` (a reference to the value as the model
/// holds it), reported at the pointer the `format!` string `ptr` makes, in
/// the validators' order: `oneOf`, `anyOf`, `not`.
pub(super) fn checks(cx: &Context, f: &Field, v: &TokenStream, ptr: &str) -> Option<TokenStream> {
    let beside = rules(cx, f)?;
    let mut checks = Vec::new();
    for (keyword, members) in [("oneOf", beside.one_of), ("anyOf", beside.any_of)] {
        if members.is_empty() {
            continue;
        }
        let payloads: Vec<TokenStream> = members.iter().map(|m| payload(cx, m)).collect();
        let matched = matched_members(cx, members, &payloads);
        let report = count_report(keyword, members.len());
        checks.push(quote!({
            let matched = #matched;
            #report
        }));
    }
    if let Some(not) = beside.not {
        let members = std::slice::from_ref(not);
        let payloads = [payload(cx, not)];
        let matched = matched_members(cx, members, &payloads);
        let push = super::checks::violation("{at}", messages::NOT, &[]);
        checks.push(quote!(if #matched == 1 { #push }));
    }
    Some(quote! {
        {
            let here = format!(#ptr);
            let at: &str = &here;
            // Writing a value the model holds to JSON does not fail.
            if let Ok(value) = ::serde_json::to_value(#v) {
                #(#checks)*
            }
        }
    })
}

/// How deep [`strict`] follows members' models (a recursive member is
/// taken as lenient past it).
const DEPTH: usize = 8;

/// Whether `check()` judges `member` on the value the field `holder` holds
/// as the validators judge it on the wire: the member has no rule the
/// generated code is lenient on, and the held value keeps every property
/// the member reads.
fn judged_alike(cx: &Context, holder: &Field, member: &Type) -> bool {
    if !strict(cx, member, true, 0) {
        return false;
    }
    if cx.union_of(holder).is_none()
        && let Some(held) = cx.model_of(&holder.ty)
    {
        // An object holder drops undocumented properties: a member model
        // may read only properties it lists, as it lists them.
        return match cx.model_of(member) {
            Some(m) => {
                m.map_values().is_none()
                    && m.fields.iter().all(|f| {
                        held.field(&f.wire_name)
                            .is_some_and(|h| h.ty == f.ty && h.nullable == f.nullable)
                    })
            }
            None => !holds_object(cx, member, 0),
        };
    }
    !holds_object(cx, &holder.ty, 0) || !holds_object(cx, member, 0)
}

/// Whether a value of `ty` is judged by generated code as the validators
/// judge it: no `pattern`, no `minProperties`/`maxProperties`, no closed
/// model, no nested composition, and a string enum only at the top (where
/// the match reads a kept unknown value as no match).
fn strict(cx: &Context, ty: &Type, top: bool, depth: usize) -> bool {
    if depth > DEPTH {
        return false;
    }
    let field = |f: &Field| {
        f.constraints.pattern.is_none()
            && f.constraints.composition.is_none()
            && strict(cx, &f.ty, false, depth + 1)
    };
    match ty {
        Type::String | Type::Integer | Type::Number | Type::Boolean | Type::Any => true,
        Type::Array(inner) => strict(cx, inner, false, depth + 1),
        Type::Named(n) => {
            if let Some(c) = cx.spec.constrained(n) {
                field(&c.field)
            } else if let Some(m) = cx.spec.model(n) {
                !matches!(m.additional, crate::ir::Additional::Forbidden)
                    && m.min_properties.is_none()
                    && m.max_properties.is_none()
                    && m.fields.iter().chain(m.map_values()).all(field)
            } else {
                top && cx.spec.enum_def(n).is_some()
            }
        }
    }
}

/// Whether a value of `ty` is or contains an object model.
fn holds_object(cx: &Context, ty: &Type, depth: usize) -> bool {
    if depth > DEPTH {
        return true;
    }
    match ty {
        Type::Array(inner) => holds_object(cx, inner, depth + 1),
        Type::Named(n) => match cx.spec.constrained(n) {
            Some(c) => holds_object(cx, &c.field.ty, depth + 1),
            None => cx.spec.model(n).is_some(),
        },
        _ => false,
    }
}
