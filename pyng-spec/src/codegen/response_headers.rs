//! A response's documented `headers` -> a typed struct per response
//! (`CreatedHeaders`) with `from_headers`, which reads them from the
//! response's `(name, value)` pairs, names in any case (RFC 9110 § 5.1): a
//! required one missing, or a value not of its schema's type, is a
//! `HeaderError`. Values are read as the conformance check reads them
//! (`pyng_spec::validate::text`): an array is a comma-separated list (the
//! `simple` style), a number is kept as its text (exact, never `f64`).
//! Constraints beyond the type (`pattern`, `enum` of a string) are the
//! conformance check's.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::context::Context;
use super::docs::{self, Doc};
use super::names::{self, Scope};
use crate::ir::{Header, Operation, Response, Spec, Type, TypeDef};

/// Whether a response of `spec` documents a header (the support items are
/// emitted only then).
pub(super) fn needed(spec: &Spec) -> bool {
    spec.operations
        .iter()
        .any(|op| op.responses.iter().any(|r| !r.headers.is_empty()))
}

/// The headers struct of every response of `op` that documents headers.
pub(super) fn structs(cx: &Context, op: &Operation) -> TokenStream {
    op.responses
        .iter()
        .filter(|r| !r.headers.is_empty())
        .map(|r| one(cx, r))
        .collect()
}

fn one(cx: &Context, r: &Response) -> TokenStream {
    let name = format_ident!("{}Headers", super::operations::status_variant(r.status));
    let mut scope = Scope::default();
    let mut fields = Vec::new();
    let mut reads = Vec::new();
    for h in &r.headers {
        let id = names::ident(&scope.claim(&names::snake(&h.name)));
        let read = value(cx, &h.ty, 0);
        let (ty, parse) = (&read.ty, read.value());
        let wire = &h.name;
        let doc = field_doc(h).attrs();
        if h.required {
            fields.push(quote!(#doc pub #id: #ty,));
            reads.push(quote! {
                #id: {
                    let name = #wire;
                    let v = super::find_header(headers, name).ok_or(super::HeaderError::Missing(name))?;
                    #parse
                },
            });
        } else {
            fields.push(quote!(#doc pub #id: Option<#ty>,));
            reads.push(quote! {
                #id: {
                    #[allow(unused_variables)]
                    let name = #wire;
                    match super::find_header(headers, name) {
                        Some(v) => Some(#parse),
                        None => None,
                    }
                },
            });
        }
    }
    let doc = format!(
        "The documented headers of the {} response.",
        docs::code(&r.status.to_string())
    );
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        pub struct #name {
            #(#fields)*
        }

        impl #name {
            /// Reads the documented headers from a response's `(name, value)`
            /// pairs, names in any case; other headers are ignored.
            pub fn from_headers(headers: &[(&str, &str)]) -> Result<Self, super::HeaderError> {
                Ok(Self {
                    #(#reads)*
                })
            }
        }
    }
}

fn field_doc(h: &Header) -> Doc {
    let mut doc = Doc::new();
    let required = if h.required { "required" } else { "optional" };
    doc.markdown(format!("Header {}; {required}.", docs::code(&h.name)));
    doc.opt_text(h.description.as_deref());
    if h.deprecated {
        doc.markdown("Deprecated (`deprecated: true`).".to_owned());
    }
    doc
}

/// How a header value of some type is read from `v: &str` (with `name` in
/// scope).
struct Read {
    ty: TokenStream,
    expr: TokenStream,
    /// `expr` is a `Result<_, HeaderError>`, else the value itself.
    fallible: bool,
}

impl Read {
    /// The value, `?` applied when reading can fail.
    fn value(&self) -> TokenStream {
        let expr = &self.expr;
        if self.fallible {
            quote!(#expr?)
        } else {
            quote!(#expr)
        }
    }
}

fn value(cx: &Context, ty: &Type, depth: usize) -> Read {
    let invalid = quote!(super::HeaderError::Invalid {
        name,
        value: v.to_owned()
    });
    let fallible = |ty, expr| Read {
        ty,
        expr,
        fallible: true,
    };
    match ty {
        Type::Integer => fallible(
            quote!(i64),
            quote!(v.trim().parse::<i64>().map_err(|_| #invalid)),
        ),
        Type::Boolean => fallible(
            quote!(bool),
            quote!(match v.trim() {
                "true" => Ok(true),
                "false" => Ok(false),
                _ => Err(#invalid),
            }),
        ),
        // An enum keeps an unknown value as its catch-all.
        Type::Named(n) if matches!(cx.spec.types.get(n), Some(TypeDef::Enum(_))) => fallible(
            cx.rust_type_in(ty, &quote!(super::)),
            quote!(::serde_json::from_value(::serde_json::Value::String(v.trim().to_owned())).map_err(|_| #invalid)),
        ),
        Type::Array(item) if depth == 0 => {
            let item = value(cx, item, depth + 1);
            let (item_ty, item_expr) = (&item.ty, &item.expr);
            let items =
                quote!(v.split(',').map(|v| v.trim_matches([' ', '\t'])).map(|v| #item_expr));
            if item.fallible {
                fallible(
                    quote!(Vec<#item_ty>),
                    quote!(#items.collect::<Result<Vec<_>, super::HeaderError>>()),
                )
            } else {
                Read {
                    ty: quote!(Vec<#item_ty>),
                    expr: quote!(#items.collect::<Vec<_>>()),
                    fallible: false,
                }
            }
        }
        // Text: a string, a number kept exact as written, anything else.
        _ => Read {
            ty: quote!(String),
            expr: quote!(v.to_owned()),
            fallible: false,
        },
    }
}

/// `HeaderError` and the lookup the structs share.
pub(super) fn support() -> TokenStream {
    quote! {
        /// Why a response's documented headers could not be read.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum HeaderError {
            /// A required header is missing.
            Missing(&'static str),
            /// A header's value is not of its schema's type.
            Invalid {
                /// The header's name, as the spec writes it.
                name: &'static str,
                /// The value received.
                value: String,
            },
        }

        impl ::std::fmt::Display for HeaderError {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                match self {
                    Self::Missing(name) => write!(f, "the required header `{name}` is missing"),
                    Self::Invalid { name, value } => write!(f, "header `{name}`: `{value}` is not of its documented type"),
                }
            }
        }

        impl ::std::error::Error for HeaderError {}

        /// The value of the header called `name`, in any case.
        fn find_header<'h>(headers: &[(&'h str, &'h str)], name: &str) -> Option<&'h str> {
            headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| *v)
        }
    }
}
