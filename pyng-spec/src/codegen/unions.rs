//! `oneOf`/`anyOf` without a type of their own -> Rust enums, one variant
//! per member:
//! - under a `discriminator`, the property's value picks the variant, and a
//!   value without a known tag is kept as received in the catch-all variant
//!   (as a string enum keeps an unknown value);
//! - otherwise the value is read as the first member it deserializes as whose
//!   `check()` finds no error, or that is a documented value of a string enum
//!   (failing that, the first it deserializes as).
//!
//! Without a discriminator, `check()` counts the members the value matches
//! as the validators do, on the value as the enum writes it, and reports
//! `schema.one-of` / `schema.any-of`. The value it reads is the model's: a
//! property a member does not list was dropped when the value was read, so a
//! value the validators find matching two members through such a property
//! (or failing `additionalProperties: false` by one) is judged without it.
//! Under a discriminator, `check()` reports a value without a known tag
//! and the first error of the member its tag names (`schema.discriminator`),
//! and tries a value that is not an object on every member, as the
//! validators do.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use super::checks;
use super::context::{Context, UnionNames};
use super::docs::{self, Doc};
use super::names::{self, Scope};
use crate::diag::Severity;
use crate::ir::{Composition, Discriminator, Field, Type};
use crate::lower::composition::type_hint;
use crate::registry::{RuleId, Stage, messages};

/// The composition of `field` that generated code types as an enum: a
/// `oneOf` or `anyOf` on a schema without `type` whose other keywords
/// `check()` does not read (else the value stays a `serde_json::Value`).
pub(super) fn composition_of(field: &Field) -> Option<&Composition> {
    let c = field.constraints.composition.as_deref()?;
    let typed =
        field.ty == Type::Any && !c.discriminated().1.is_empty() && !checks::has_value_rules(field);
    typed.then_some(c)
}

/// The names of every enum the spec's compositions get, claimed in `types`
/// in pointer order.
pub(super) fn names<'a>(cx: &Context<'a>, types: &mut Scope) -> BTreeMap<String, UnionNames<'a>> {
    let mut found: BTreeMap<String, &'a Composition> = BTreeMap::new();
    for f in cx.value_fields() {
        if let Some(c) = composition_of(f) {
            found.entry(c.pointer.clone()).or_insert(c);
        }
    }
    found
        .into_iter()
        .map(|(pointer, composition)| {
            let name = types.claim(&names::camel(&type_hint(&pointer)));
            let reserved: &[&str] = if composition.discriminator.is_some() {
                &["Unknown"]
            } else {
                &[]
            };
            let mut scope = Scope::with_reserved(reserved);
            let variants = (composition.discriminated().1.iter())
                .map(|m| scope.claim(&variant_base(cx, m)))
                .collect();
            let unknown = composition.discriminator.as_ref().map(|_| "Unknown".into());
            let names = UnionNames {
                composition,
                name,
                variants,
                unknown,
            };
            (pointer, names)
        })
        .collect()
}

/// A variant's name, from its member's type.
fn variant_base(cx: &Context, member: &Type) -> String {
    match member {
        Type::Named(n) if let Some(c) = cx.spec.constrained(n) => {
            match c.field.constraints.composition.as_deref() {
                Some(inner) => names::camel(&type_hint(&inner.pointer)),
                None => variant_base(cx, &c.field.ty),
            }
        }
        Type::Named(n) => cx.type_ident(n).to_string(),
        Type::String => "String".into(),
        Type::Integer => "Integer".into(),
        Type::Number => "Number".into(),
        Type::Boolean => "Boolean".into(),
        Type::Array(_) => "Array".into(),
        Type::Any => "Any".into(),
    }
}

/// The enum, its serde impls and its docs.
pub(super) fn union_def(cx: &Context, u: &UnionNames) -> TokenStream {
    let ident = names::ident(&u.name);
    let (keyword, members) = u.composition.discriminated();
    let variants: Vec<_> = u.variants.iter().map(|v| names::ident(v)).collect();
    let payloads: Vec<TokenStream> = members.iter().map(|m| payload(cx, m)).collect();
    let member_docs = members.iter().zip(&u.variants).map(|(m, _)| {
        let mut doc = Doc::new();
        doc.markdown(format!("A value of {}.", docs::code(&type_text(cx, m))));
        doc.attrs()
    });
    let doc = union_doc(u, keyword, members.len()).attrs();
    let (unknown_variant, serialize, deserialize) = match (&u.composition.discriminator, &u.unknown)
    {
        (Some(d), Some(unknown)) => {
            let unknown = names::ident(unknown);
            let variant = quote! {
                /// A value whose discriminator property is missing, not a
                /// string, or a tag the spec does not know, kept as received.
                #unknown(::serde_json::Value),
            };
            let property = &d.property;
            let tags: Vec<String> = (0..members.len())
                .map(|i| d.tag_of(i).unwrap_or_default().to_owned())
                .collect();
            let arms = (0..members.len()).map(|i| {
                let names: Vec<&String> = (d.tags.iter())
                    .filter(|(_, m)| **m == i)
                    .map(|(t, _)| t)
                    .collect();
                let (variant, payload) = (&variants[i], &payloads[i]);
                quote! {
                    Some(#(#names)|*) => ::serde_json::from_value::<#payload>(value)
                        .map(Self::#variant)
                        .map_err(::serde::de::Error::custom),
                }
            });
            let deserialize = quote! {
                let tag = value.get(#property).and_then(::serde_json::Value::as_str);
                match tag {
                    #(#arms)*
                    _ => Ok(Self::#unknown(value)),
                }
            };
            let serialize = quote! {
                let (value, tag) = match self {
                    #(Self::#variants(v) => (::serde_json::to_value(v), #tags),)*
                    Self::#unknown(v) => return ::serde::Serialize::serialize(v, serializer),
                };
                // A member that does not list the property still says which it is.
                let mut value = value.map_err(::serde::ser::Error::custom)?;
                if let Some(object) = value.as_object_mut() {
                    object.entry(#property).or_insert_with(|| tag.into());
                }
                ::serde::Serialize::serialize(&value, serializer)
            };
            (variant, serialize, deserialize)
        }
        _ => {
            let tries = members.iter().enumerate().map(|(i, m)| {
                let (variant, payload) = (&variants[i], &payloads[i]);
                let model = matches!(m, Type::Named(n) if cx.spec.model(n).is_some());
                let string_enum = match m {
                    Type::Named(n) => cx.spec.enum_def(n),
                    _ => None,
                };
                if let Some(e) = string_enum {
                    // An undocumented value is kept by the enum, but does not match it.
                    let (_, unknown) = cx.variant_idents(e);
                    quote! {
                        if let Ok(v) = ::serde_json::from_value::<#payload>(value.clone()) {
                            if !matches!(v, #payload::#unknown(_)) {
                                return Ok(Self::#variant(v));
                            }
                            first.get_or_insert(Self::#variant(v));
                        }
                    }
                } else if model {
                    quote! {
                        if let Ok(v) = ::serde_json::from_value::<#payload>(value.clone()) {
                            if v.check().iter().all(|x| WARNING_RULES.contains(&x.rule)) {
                                return Ok(Self::#variant(v));
                            }
                            first.get_or_insert(Self::#variant(v));
                        }
                    }
                } else {
                    quote! {
                        if let Ok(v) = ::serde_json::from_value::<#payload>(value.clone()) {
                            return Ok(Self::#variant(v));
                        }
                    }
                }
            });
            let none = format!(
                "the value is of none of the {} `{keyword}` members' types",
                members.len()
            );
            let deserialize = quote! {
                let mut first: Option<Self> = None;
                #(#tries)*
                first.ok_or_else(|| ::serde::de::Error::custom(#none))
            };
            let serialize = quote! {
                match self {
                    #(Self::#variants(v) => ::serde::Serialize::serialize(v, serializer),)*
                }
            };
            (quote!(), serialize, deserialize)
        }
    };
    let (check_at, what) = match &u.composition.discriminator {
        None => (
            untagged_check(cx, keyword, members, &payloads),
            " matches as many members as its composition asks.",
        ),
        Some(d) => (
            tagged_check(cx, u, d, members, &payloads),
            " names its member and matches it.",
        ),
    };
    let what = format!(" that it{what}");
    let check = quote! {
        impl #ident {
            /// Checks the spec's per-value rules on this value:
            #[doc = #what]
            pub fn check(&self) -> Vec<Violation> {
                let mut out = Vec::new();
                self.check_at("", &mut out);
                out
            }

            #check_at
        }
    };
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq)]
        pub enum #ident {
            #(#member_docs #variants(#payloads),)*
            #unknown_variant
        }

        impl ::serde::Serialize for #ident {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                #serialize
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #ident {
            #[allow(unused_mut)]
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                #deserialize
            }
        }

        #check
    }
}

/// How many members `value` (a `serde_json::Value` in scope, with `at`)
/// matches, counted as the validators count them: a member matches when the
/// value deserializes as it and its `check()` finds no error; a string
/// enum's member, when the value is one it documents.
pub(super) fn matched_members(
    cx: &Context,
    members: &[Type],
    payloads: &[TokenStream],
) -> TokenStream {
    let tries = members.iter().zip(payloads).map(|(m, payload)| {
        let read = quote!(::serde_json::from_value::<#payload>(value.clone()));
        match m {
            Type::Named(n) if let Some(e) = cx.spec.enum_def(n) => {
                let (_, unknown) = cx.variant_idents(e);
                quote!(#read.is_ok_and(|v| !matches!(v, #payload::#unknown(_))))
            }
            _ if cx.type_is_checked(m) => {
                let rules = super::checks::child_check(cx, m, &quote!(v), &quote!(&p));
                quote! {
                    #read.is_ok_and(|v| {
                        let mut found: Vec<Violation> = Vec::new();
                        let (out, p, v) = (&mut found, at.to_owned(), &v);
                        #rules
                        found.iter().all(|x| WARNING_RULES.contains(&x.rule))
                    })
                }
            }
            _ => quote!(#read.is_ok()),
        }
    });
    quote!([#(#tries),*].into_iter().filter(|m| *m).count())
}

/// The push of `schema.one-of` unless `matched` is 1 (`oneOf`), or of
/// `schema.any-of` when it is 0 (`anyOf`).
pub(super) fn count_report(keyword: &str, count: usize) -> TokenStream {
    let count = count.to_string();
    if keyword == "oneOf" {
        let push = super::checks::violation("{at}", messages::ONE_OF, &[("count", &count)]);
        quote!(if matched != 1 { #push })
    } else {
        let push = super::checks::violation("{at}", messages::ANY_OF, &[("count", &count)]);
        quote!(if matched == 0 { #push })
    }
}

/// `check_at` of an enum without a discriminator: the members the value (as
/// the enum writes it) matches, and `schema.one-of` unless exactly one does
/// (`oneOf`), `schema.any-of` when none does (`anyOf`).
fn untagged_check(
    cx: &Context,
    keyword: &str,
    members: &[Type],
    payloads: &[TokenStream],
) -> TokenStream {
    let matched = matched_members(cx, members, payloads);
    let report = count_report(keyword, members.len());
    quote! {
        fn check_at(&self, at: &str, out: &mut Vec<Violation>) {
            // The value as written: each member is tried on it as the
            // validators try them. (Writing a member's value to JSON does not fail.)
            let Ok(value) = ::serde_json::to_value(self) else {
                return;
            };
            let matched = #matched;
            #report
        }
    }
}

/// `check_at` of an enum under a discriminator, as the validators judge it
/// (`schema.discriminator`): a value kept as `Unknown` has no tag, or one
/// that names no member (a value that is not an object is tried on every
/// member instead); a member's value reports its first error.
fn tagged_check(
    cx: &Context,
    u: &UnionNames,
    d: &Discriminator,
    members: &[Type],
    payloads: &[TokenStream],
) -> TokenStream {
    let (keyword, _) = u.composition.discriminated();
    let property = &d.property;
    let known = (d.tags.keys())
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let missing = super::checks::violation(
        "{at}",
        messages::DISCRIMINATOR_MISSING,
        &[("property", property), ("keyword", keyword)],
    );
    let unknown_at = format!(
        "{{at}}/{}",
        super::checks::fmt_lit(&crate::pointer::escape(property))
    );
    let unknown_tag = super::checks::violation(
        &unknown_at,
        messages::DISCRIMINATOR_UNKNOWN,
        &[
            ("property", property),
            ("keyword", keyword),
            ("known", &known),
        ],
    );
    let matched = matched_members(cx, members, payloads);
    let report = count_report(keyword, members.len());
    let unknown = names::ident(u.unknown.as_deref().unwrap_or("Unknown"));
    let arms = members.iter().zip(&u.variants).enumerate().map(|(i, (m, variant))| {
        let variant = names::ident(variant);
        if !cx.type_is_checked(m) {
            return quote!(Self::#variant(_) => {});
        }
        let rules = super::checks::child_check(cx, m, &quote!(v), &quote!(&p));
        let index = i.to_string();
        let mismatch = super::checks::violation(
            "{pointer}",
            messages::DISCRIMINATOR_MISMATCH,
            &[("property", property), ("keyword", keyword), ("index", &index)],
        );
        quote! {
            Self::#variant(v) => {
                let mut found: Vec<Violation> = Vec::new();
                {
                    let (out, p) = (&mut found, at.to_owned());
                    #rules
                }
                let first = found.into_iter().find(|x| !WARNING_RULES.contains(&x.rule));
                if let Some(Violation { rule, pointer, message }) = first {
                    // The tag as the enum writes it (several may name one member).
                    let tag = ::serde_json::to_value(self)
                        .ok()
                        .and_then(|w| w.get(#property).and_then(|t| t.as_str()).map(str::to_owned))
                        .unwrap_or_default();
                    let detail = format!("{message} ({rule})");
                    #mismatch
                }
            }
        }
    });
    quote! {
        fn check_at(&self, at: &str, out: &mut Vec<Violation>) {
            match self {
                Self::#unknown(value) => match value.as_object().map(|o| o.get(#property)) {
                    Some(None) => { #missing }
                    Some(Some(tag)) => {
                        // As the validators show it: JSON (a float as Rust
                        // prints it), cut at 80 characters.
                        let shown = match tag {
                            ::serde_json::Value::Number(n) if n.is_f64() => {
                                n.as_f64().map(|f| f.to_string()).unwrap_or_default()
                            }
                            other => other.to_string(),
                        };
                        let value = if shown.chars().count() > 80 {
                            let mut cut: String = shown.chars().take(80).collect();
                            cut.push('…');
                            cut
                        } else {
                            shown
                        };
                        #unknown_tag
                    }
                    None => {
                        let matched = #matched;
                        #report
                    }
                },
                #(#arms)*
            }
        }
    }
}

/// The Rust type a member's variant holds: boxed when it is itself a
/// composition's enum (two such enums could hold each other in place).
pub(super) fn payload(cx: &Context, member: &Type) -> TokenStream {
    let ty = cx.rust_type(member);
    let nested = matches!(member, Type::Named(n)
        if cx.spec.constrained(n).is_some_and(|c| cx.union_of(&c.field).is_some()));
    if nested { quote!(Box<#ty>) } else { ty }
}

fn type_text(cx: &Context, member: &Type) -> String {
    super::surface::tidy(&cx.rust_type(member))
}

fn union_doc(u: &UnionNames, keyword: &str, count: usize) -> Doc {
    let mut doc = Doc::new();
    let rule = if keyword == "oneOf" {
        RuleId::SchemaOneOf
    } else {
        RuleId::SchemaAnyOf
    };
    doc.markdown(format!(
        "The {} of {count} schemas at {}.",
        docs::code(keyword),
        docs::code(&u.composition.pointer)
    ));
    match &u.composition.discriminator {
        Some(d) => {
            let pairs: Vec<String> = (d.tags.iter())
                .map(|(tag, i)| format!("{tag} -> {}", u.variants.get(*i).map_or("", |v| v)))
                .collect();
            doc.markdown(format!(
                "The property {} chooses the variant ({}); a value without a known tag is `Unknown`, kept as received. `check()` reports (rule `{}`) a value without a known tag, and the first error of the member its tag names.",
                docs::code(&d.property),
                docs::code_list(&pairs),
                RuleId::SchemaDiscriminator
            ));
        }
        None => {
            let how_many = if keyword == "oneOf" {
                "exactly one"
            } else {
                "at least one"
            };
            doc.markdown(format!(
                "A value is read as the first member it deserializes as whose `check()` finds no error, or that is a documented value of a string enum (failing that, the first it deserializes as). `check()` reports (rule `{rule}`) when the value, as this enum writes it, does not match {how_many} member."
            ));
        }
    }

    doc
}

/// The rule ids of `check()` that are warnings: a member whose `check()`
/// reports only these still matches.
pub(super) fn warning_rules() -> TokenStream {
    let ids = RuleId::all()
        .filter(|r| r.rule().stage == Stage::Value { generated: true })
        .filter(|r| r.severity() == Severity::Warning)
        .map(RuleId::name);
    quote! {
        /// The rules `check()` reports as warnings: a `oneOf`/`anyOf` member
        /// whose `check()` finds only these still matches.
        #[allow(dead_code)]
        const WARNING_RULES: &[&str] = &[#(#ids),*];
    }
}
