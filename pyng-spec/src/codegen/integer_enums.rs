//! Integer `enum`s -> Rust enums that keep the values the spec does not list.
//!
//! As a string enum's `Unknown(UnknownValue)` keeps an undocumented string,
//! an integer enum's `Unknown(UnknownInteger)` keeps an undocumented integer,
//! so a response with a value the next draft adds still parses and
//! round-trips. `check()` reports such a value as `schema.enum`, as the
//! validators do. One enum per schema that lists the values: the properties
//! that reference one integer-enum component share its enum.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use super::context::Context;
use super::docs::{self, Doc};
use super::names::{self, Scope};
use crate::ir::{Field, Type};
use crate::lower::composition::type_hint;

/// The Rust names of the enum generated for an integer `enum`.
pub(super) struct IntegerEnumNames {
    /// The enum's name.
    pub name: String,
    /// The listed values, first occurrence kept, in spec order.
    pub values: Vec<i64>,
    /// Per value, its variant's name (`Value1`, `ValueMinus1`).
    pub variants: Vec<String>,
}

/// Whether field `f` is an integer `enum` generated as a Rust enum (not a
/// `oneOf`/`anyOf`, whose enum holds it).
pub(super) fn is_integer_enum(f: &Field) -> bool {
    f.ty == Type::Integer
        && !f.constraints.values.is_empty()
        && super::unions::composition_of(f).is_none()
}

/// The pointer an integer `enum` field's enum is keyed by: the schema that
/// lists the values (a component's, shared by every property referencing it).
pub(super) fn key(f: &Field) -> &str {
    f.constraints
        .values_pointer
        .as_deref()
        .unwrap_or(&f.pointer)
}

/// Per schema pointer, the names of the enum of each integer `enum` among the
/// value fields, claimed in `types` in pointer order (deterministic).
pub(super) fn names(cx: &Context, types: &mut Scope) -> BTreeMap<String, IntegerEnumNames> {
    let mut found: BTreeMap<String, &Field> = BTreeMap::new();
    for f in cx.value_fields().filter(|f| is_integer_enum(f)) {
        found.entry(key(f).to_owned()).or_insert(f);
    }
    found
        .into_iter()
        .map(|(pointer, f)| {
            let name = types.claim(&names::camel(&type_hint(&pointer)));
            let mut values: Vec<i64> = Vec::new();
            for v in f
                .constraints
                .values
                .iter()
                .filter_map(serde_json::Value::as_i64)
            {
                if !values.contains(&v) {
                    values.push(v);
                }
            }
            let mut scope = Scope::with_reserved(&["Unknown"]);
            let variants = values
                .iter()
                .map(|v| {
                    let spelled = match v {
                        v if *v < 0 => format!("value minus {}", v.unsigned_abs()),
                        v => format!("value {v}"),
                    };
                    scope.claim(&names::camel(&spelled))
                })
                .collect();
            let names = IntegerEnumNames {
                name,
                values,
                variants,
            };
            (pointer, names)
        })
        .collect()
}

/// The enum, its conversions and serde impls.
pub(super) fn integer_enum_def(e: &IntegerEnumNames) -> TokenStream {
    let ident = names::ident(&e.name);
    let variants: Vec<_> = e.variants.iter().map(|v| names::ident(v)).collect();
    let values = &e.values;
    let listed = e
        .values
        .iter()
        .map(|v| docs::code(&v.to_string()))
        .collect::<Vec<_>>()
        .join(", ");
    let mut doc = Doc::new();
    doc.markdown(format!(
        "An integer `enum`: one of {listed}, or a value the spec does not list, kept as `Unknown`."
    ));
    let doc = doc.attrs();
    let variant_docs = e.values.iter().map(|v| {
        let mut d = Doc::new();
        d.markdown(docs::code(&v.to_string()));
        d.attrs()
    });
    quote! {
        #doc
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum #ident {
            #(#variant_docs #variants,)*
            /// A value the spec does not list, kept verbatim: it serializes back
            /// unchanged, and `check()` reports it (`schema.enum`).
            Unknown(UnknownInteger),
        }

        impl #ident {
            /// Every listed value, in spec order.
            pub const ALL: &'static [Self] = &[#(Self::#variants),*];

            /// The integer on the wire.
            pub fn value(self) -> i64 {
                match self {
                    #(Self::#variants => #values,)*
                    Self::Unknown(v) => v.value(),
                }
            }

            /// Whether the value is one the spec lists.
            pub fn is_known(self) -> bool {
                !matches!(self, Self::Unknown(_))
            }
        }

        /// Never fails: an unlisted value becomes `Unknown`.
        impl ::std::convert::From<i64> for #ident {
            fn from(value: i64) -> Self {
                match value {
                    #(#values => Self::#variants,)*
                    _ => Self::Unknown(UnknownInteger(value)),
                }
            }
        }

        impl ::std::convert::From<#ident> for i64 {
            fn from(value: #ident) -> i64 {
                value.value()
            }
        }

        impl ::std::fmt::Display for #ident {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                write!(f, "{}", self.value())
            }
        }

        impl ::serde::Serialize for #ident {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_i64(self.value())
            }
        }

        /// Reads what an `i64` field reads.
        impl<'de> ::serde::Deserialize<'de> for #ident {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                <i64 as ::serde::Deserialize>::deserialize(deserializer).map(Self::from)
            }
        }
    }
}

/// `UnknownInteger`, the integer enums' catch-all value.
pub(super) fn unknown_integer() -> TokenStream {
    quote! {
        /// An integer an integer `enum` does not list, kept exactly as received.
        /// The field is private: only deserialization or `From<i64>` creates
        /// one, so it never holds a listed value.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct UnknownInteger(i64);

        impl UnknownInteger {
            /// The wire integer.
            pub fn value(self) -> i64 {
                self.0
            }
        }

        impl ::std::fmt::Display for UnknownInteger {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    }
}
