//! String enums -> Rust enums that survive values the spec does not list.
//!
//! Forward compatibility: a provider may add a status before the spec knows it
//! (Peach's later `uncertain`). A plain serde enum would fail the whole response,
//! so every enum gets a catch-all `Unknown(UnknownValue)` variant that keeps the
//! wire string, serializes it back unchanged, is never final and has no known
//! transitions. `UnknownValue` has a private field, so it can only be produced by
//! parsing: `Unknown` never holds a documented value, and `==`/`match` on the
//! known variants stay exact (the smithy-rs design; a validated `String` newtype,
//! typify's other option, would lose exhaustive `match`).

use std::collections::BTreeMap;

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::context::Context;
use super::docs::{self, Doc};
use crate::contract::Machine;
use crate::ir::{EnumDef, StateMachine, TimeoutLimit};

pub(super) fn enum_def(cx: &Context, e: &EnumDef) -> TokenStream {
    let ident = cx.type_ident(&e.name);
    let (variants, unknown) = cx.variant_idents(e);
    let values = &e.values;
    let doc = enum_doc(cx, e).attrs();
    let variant_docs = e.values.iter().map(|v| variant_doc(e, v).attrs());
    let machine = e
        .machine
        .as_ref()
        .map(|m| machine_impl(&ident, e, m, &variants));
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum #ident {
            #(#variant_docs #variants,)*
            /// A value the spec does not document, kept verbatim: it serializes back
            /// unchanged, is never final and has no known transitions.
            #unknown(UnknownValue),
        }

        impl #ident {
            /// Every documented value, in spec order.
            pub const ALL: &'static [Self] = &[#(Self::#variants),*];

            /// The wire string.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#variants => #values,)*
                    Self::#unknown(v) => v.as_str(),
                }
            }

            /// Whether the value is one the spec documents.
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::#unknown(_))
            }

            fn from_wire(s: ::std::string::String) -> Self {
                match s.as_str() {
                    #(#values => Self::#variants,)*
                    _ => Self::#unknown(UnknownValue(s)),
                }
            }
        }

        #machine

        impl ::std::fmt::Display for #ident {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        /// Never fails: an undocumented value becomes the unknown variant.
        impl ::std::str::FromStr for #ident {
            type Err = ::std::convert::Infallible;
            fn from_str(s: &str) -> ::std::result::Result<Self, Self::Err> {
                ::std::result::Result::Ok(Self::from_wire(s.to_owned()))
            }
        }

        impl ::std::convert::From<&str> for #ident {
            fn from(s: &str) -> Self {
                Self::from_wire(s.to_owned())
            }
        }

        impl ::serde::Serialize for #ident {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #ident {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let s = <::std::string::String as ::serde::Deserialize>::deserialize(deserializer)?;
                ::std::result::Result::Ok(Self::from_wire(s))
            }
        }
    }
}

fn machine_impl(ident: &Ident, e: &EnumDef, m: &StateMachine, variants: &[Ident]) -> TokenStream {
    // Lookups by name and one walk per state with transitions: an enum may have
    // tens of thousands of values.
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, v) in e.values.iter().enumerate() {
        index.entry(v.as_str()).or_insert(i);
    }
    let variant = |value: &str| index.get(value).and_then(|&i| variants.get(i));
    let finals: Vec<_> = e
        .values
        .iter()
        .filter(|v| m.final_states.contains(*v))
        .filter_map(|v| variant(v))
        .collect();
    let initial: Vec<_> = m.initial.iter().filter_map(|v| variant(v)).collect();
    // The observed-by-polling reading, precomputed: `to` may follow `from` when it
    // is reachable through one or more documented transitions.
    let compiled = Machine::new(&e.name, &e.values, m);
    let arms = e
        .values
        .iter()
        .enumerate()
        .filter(|(_, from)| m.transitions.contains_key(*from))
        .filter_map(|(i, from)| {
            let reachable: Vec<_> = compiled
                .reachable(i)
                .into_iter()
                .filter(|&to| e.values[to] != *from)
                .filter_map(|to| variants.get(to))
                .collect();
            let from = variant(from)?;
            (!reachable.is_empty()).then(|| quote!((Self::#from, #(Self::#reachable)|*)))
        });
    let arms: Vec<_> = arms.collect();
    let body = if arms.is_empty() {
        quote!(self == next)
    } else {
        quote!(self == next || matches!((self, next), #(#arms)|*))
    };
    let corrections: Vec<_> = e
        .values
        .iter()
        .enumerate()
        .filter_map(|(i, from)| {
            let to: Vec<_> = compiled
                .correctable(i)
                .into_iter()
                .filter_map(|to| variants.get(to))
                .collect();
            let from = variant(from)?;
            (!to.is_empty()).then(|| quote!((Self::#from, #(Self::#to)|*)))
        })
        .collect();
    let correct_body = if corrections.is_empty() {
        // No correction documented: `next` is read so the signature stays one.
        quote!(let _ = next; false)
    } else {
        quote!(matches!((self, next), #(#corrections)|*))
    };
    let finals_body = if finals.is_empty() {
        quote!(false)
    } else {
        quote!(matches!(self, #(Self::#finals)|*))
    };
    quote! {
        /// The state machine (`x-state-machine`).
        impl #ident {
            /// The documented final states: once observed, the resource never changes state.
            pub const FINAL: &'static [Self] = &[#(Self::#finals),*];

            /// The documented initial states.
            pub const INITIAL: &'static [Self] = &[#(Self::#initial),*];

            /// Whether this is a final state. An unknown value is never final.
            pub fn is_final(&self) -> bool {
                #finals_body
            }

            /// Whether a later poll may observe `next` after `self`, reading the
            /// transitions as observed by polling: the same state, or any state
            /// reachable through one or more documented transitions (intermediate
            /// states may be skipped; a state is never re-entered backwards and a
            /// final state is never left). An unknown value only "moves" to itself.
            pub fn can_transition_to(&self, next: &Self) -> bool {
                #body
            }

            /// Whether a later poll may observe `next` after `self` only through a
            /// correction the provider documents (`x-state-machine.corrections`):
            /// a move out of a final state, which stays final for
            /// [`Self::is_final`] and [`Self::can_transition_to`]. Code that acts on
            /// a final state once can ask this to learn that a later poll may still
            /// change it. An unknown value is never corrected.
            pub fn can_correct_to(&self, next: &Self) -> bool {
                #correct_body
            }
        }
    }
}

fn enum_doc(cx: &Context, e: &EnumDef) -> Doc {
    let mut doc = Doc::new();
    doc.opt_text(e.description.as_deref());
    doc.markdown(format!(
        "Documented values: {}. Any other value deserializes to the unknown variant instead of failing.",
        docs::code_list(&e.values)
    ));
    if let Some(m) = &e.machine {
        let finals: Vec<&String> = e
            .values
            .iter()
            .filter(|v| m.final_states.contains(*v))
            .collect();
        doc.markdown(format!(
            "State machine: initial {}; final {}.",
            docs::code_list(&m.initial),
            docs::code_list(&finals)
        ));
        for (from, to) in &m.transitions {
            doc.markdown(format!(
                "Transition {} -> {}.",
                docs::code(from),
                docs::code_list(to)
            ));
        }
        for (from, to) in &m.corrections {
            doc.markdown(format!(
                "Correction {} -> {} (a documented move out of a final state).",
                docs::code(from),
                docs::code_list(to)
            ));
        }
        for t in &m.timeouts {
            let limit = match &t.limit {
                TimeoutLimit::AfterSeconds(s) => format!("for more than {s} s"),
                TimeoutLimit::DeadlineField(f) => format!("past the time in {}", docs::code(f)),
            };
            let becomes = if t.becomes.is_empty() {
                "a final state".to_owned()
            } else {
                docs::code_list(&t.becomes)
            };
            let mut line = format!(
                "Timeout {}: not in {} {limit}; expected to become {becomes}.",
                docs::code(&t.id),
                docs::code_list(&t.while_states)
            );
            if let Some(d) = &t.description {
                line.push(' ');
                line.push_str(&docs::escape(d));
            }
            doc.markdown(line);
        }
        doc.source(m.source.as_ref());
    }
    doc.source(e.source.as_ref()).draft(cx.spec.draft);
    doc
}

fn variant_doc(e: &EnumDef, value: &str) -> Doc {
    let mut doc = Doc::new();
    let mut line = format!("Wire value {}", docs::code(value));
    if let Some(m) = &e.machine {
        if m.initial.iter().any(|v| v == value) {
            line.push_str("; initial state");
        }
        if m.final_states.contains(value) {
            line.push_str("; final state");
        }
    }
    line.push('.');
    doc.markdown(line);
    doc
}
