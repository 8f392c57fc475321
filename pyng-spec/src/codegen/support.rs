//! The small helpers every generated module carries itself, so that generated
//! code depends on nothing but `serde` and `serde_json`. Only what the module
//! uses is emitted (unused private items would be dead code).

use proc_macro2::TokenStream;
use quote::quote;

use super::context::Context;
use crate::ir::Type;
use crate::registry::messages;

pub(super) fn support(cx: &Context) -> TokenStream {
    let mut out = TokenStream::new();
    let response_checks = cx
        .spec
        .operations
        .iter()
        .any(|op| !cx.unreached_bodies(op).is_empty());
    if cx.has_models() || response_checks {
        out.extend(violation());
    }
    if cx.has_enums() {
        out.extend(unknown_value());
    }
    if !cx.spec.operations.is_empty() {
        out.extend(response_error());
    }
    if super::response_headers::needed(cx.spec) {
        out.extend(super::response_headers::support());
    }
    if super::operations::needs_percent_encoding(cx.spec) {
        out.extend(percent_encode());
    }
    if cx.has_invariants() {
        out.extend(amount());
    }
    if cx.value_fields().any(|f| f.checked_format().is_some()) {
        out.extend(formats());
    }
    // `uniqueItems`, and an `enum` without `type`, compare by JSON equality.
    let unique = cx.value_fields().any(|f| {
        f.constraints.unique_items || (f.ty == Type::Any && !f.constraints.values.is_empty())
    });
    if unique || cx.value_fields().any(super::checks::has_number_bounds) {
        out.extend(decimal());
    }
    if unique {
        out.extend(json_equality());
    }
    if cx.value_fields().any(|f| f.ty == Type::Any) {
        out.extend(keep_null());
    }
    if cx.value_fields().any(super::context::is_double_option) {
        out.extend(null_or_value());
    }
    if cx.unions().any(|u| u.composition.discriminator.is_none()) {
        out.extend(super::unions::warning_rules());
    }
    out
}

/// Whether the `Option` of field `f` holds a `null` as `Some(Value::Null)`:
/// without `type` `null` is a value, and serde would read it as `None`.
pub(super) fn keeps_null(f: &crate::ir::Field) -> bool {
    f.ty == Type::Any && super::context::is_option(f) && super::unions::composition_of(f).is_none()
}

/// The `deserialize_with` of an optional nullable field: present (a value
/// or `null`) is `Some`, so only an absent property is `None` (`default`).
fn null_or_value() -> TokenStream {
    quote! {
        /// Reads an optional nullable property: `null` is `Some(None)`, so it
        /// stays apart from an absent property (`None`) on a round trip.
        fn null_or_value<'de, D: ::serde::Deserializer<'de>, T: ::serde::Deserialize<'de>>(
            deserializer: D,
        ) -> Result<Option<Option<T>>, D::Error> {
            <Option<T> as ::serde::Deserialize>::deserialize(deserializer).map(Some)
        }
    }
}

/// The `deserialize_with` of the fields [`keeps_null`] names.
fn keep_null() -> TokenStream {
    quote! {
        /// Reads an optional property without `type`: a `null` is its value
        /// (`Some(Value::Null)`), not its absence, so it survives a round trip.
        #[allow(dead_code)]
        fn keep_null<'de, D: ::serde::Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Option<::serde_json::Value>, D::Error> {
            <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer).map(Some)
        }
    }
}

/// `pyng_spec::json_equality`, the item equality of `uniqueItems`, copied as
/// [`formats`] is (it reads the sibling `decimal` module).
fn json_equality() -> TokenStream {
    const SOURCE: &str = include_str!("../json_equality.rs");
    let items: TokenStream = SOURCE.parse().unwrap_or_else(|e| {
        let message = format!("pyng_spec::json_equality does not lex: {e}");
        quote!(compile_error!(#message);)
    });
    quote! {
        /// JSON equality for `uniqueItems`: a copy of `pyng_spec::json_equality`.
        #[allow(dead_code, unreachable_pub)]
        mod json_equality {
            #items
        }
    }
}

/// `pyng_spec::decimal` itself, the exact arithmetic the validators run on a
/// number's bounds and `multipleOf`, copied as [`formats`] is.
fn decimal() -> TokenStream {
    const SOURCE: &str = include_str!("../decimal.rs");
    let items: TokenStream = SOURCE.parse().unwrap_or_else(|e| {
        let message = format!("pyng_spec::decimal does not lex: {e}");
        quote!(compile_error!(#message);)
    });
    quote! {
        /// Exact decimals for the number bounds `check()` verifies: a copy of
        /// `pyng_spec::decimal`.
        #[allow(dead_code, unreachable_pub)]
        mod decimal {
            #items
        }
    }
}

/// `pyng_spec::formats` itself, the predicates the validators run, so that
/// `check()` and the interpreter cannot disagree on a format. The text is
/// the crate's own file (standard library only); a copy of it that does not
/// lex would be a generator bug, caught by every generated-code test.
fn formats() -> TokenStream {
    const SOURCE: &str = include_str!("../formats.rs");
    let items: TokenStream = SOURCE.parse().unwrap_or_else(|e| {
        let message = format!("pyng_spec::formats does not lex: {e}");
        quote!(compile_error!(#message);)
    });
    quote! {
        /// The string formats `check()` verifies: a copy of `pyng_spec::formats`.
        #[allow(dead_code, unreachable_pub)]
        mod formats {
            #items
        }
    }
}

fn violation() -> TokenStream {
    quote! {
        /// A per-value rule of the spec that a value breaks, as reported by `check()`.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub struct Violation {
            /// The stable rule id: an invariant id (`amount.*`),
            /// `state.status-outcome` or `state.conditional-presence`.
            pub rule: &'static str,
            /// RFC 6901 pointer to the offending value, relative to the value
            /// `check()` was called on.
            pub pointer: String,
            /// What is wrong, for humans.
            pub message: String,
        }

        impl ::std::fmt::Display for Violation {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                write!(f, "{} at {:?}: {}", self.rule, self.pointer, self.message)
            }
        }
    }
}

fn unknown_value() -> TokenStream {
    quote! {
        /// An enum value the spec does not document, kept exactly as received. The
        /// field is private: only deserialization or parsing creates one, so it
        /// never holds a documented value.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub struct UnknownValue(String);

        impl UnknownValue {
            /// The wire string.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl ::std::fmt::Display for UnknownValue {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    }
}

fn response_error() -> TokenStream {
    quote! {
        /// Why a response could not be read as one of an operation's documented responses.
        #[derive(Debug)]
        pub enum ResponseError {
            /// The status code is not documented for the operation.
            UndocumentedStatus(u16),
            /// The body does not deserialize as the documented type for the status.
            Body {
                /// The response's status code.
                status: u16,
                /// Where and why the body does not deserialize.
                error: ::serde_json::Error,
            },
        }

        impl ::std::fmt::Display for ResponseError {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                match self {
                    Self::UndocumentedStatus(status) => write!(f, "status {status} is not documented"),
                    Self::Body { status, error } => write!(f, "the {status} body does not match the spec: {error}"),
                }
            }
        }

        impl ::std::error::Error for ResponseError {
            fn source(&self) -> Option<&(dyn ::std::error::Error + 'static)> {
                match self {
                    Self::UndocumentedStatus(_) => None,
                    Self::Body { error, .. } => Some(error),
                }
            }
        }
    }
}

fn percent_encode() -> TokenStream {
    quote! {
        /// Percent-encodes every byte but the RFC 3986 unreserved characters, for
        /// path segments and query keys and values.
        fn percent_encode(s: &str) -> String {
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            let mut out = String::with_capacity(s.len());
            for b in s.bytes() {
                if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
                    out.push(char::from(b));
                } else {
                    out.push('%');
                    out.push(char::from(HEX[usize::from(b >> 4)]));
                    out.push(char::from(HEX[usize::from(b & 0xF)]));
                }
            }
            out
        }
    }
}

fn amount() -> TokenStream {
    let overflow = messages::OVERFLOW.format_string(&[]);
    let pair = messages::OPERAND_PAIR.format_string(&[]);
    let sum_overflow = messages::SUM_OVERFLOW.format_string(&[]);
    quote! {
        /// A present value while an invariant is evaluated, with the pointer blamed
        /// if arithmetic on it overflows.
        #[derive(Debug)]
        #[allow(dead_code)]
        struct Amount {
            value: i64,
            origin: Option<String>,
        }

        /// Checked arithmetic overflowed; the evaluation stops and reports here.
        #[derive(Debug)]
        struct Overflow {
            pointer: Option<String>,
            /// Why, worded as the interpreter words it.
            reason: String,
        }

        // Every expression form has a helper; a spec's invariants use a subset.
        #[allow(dead_code)]
        impl Amount {
            fn literal(value: i64) -> Self {
                Amount { value, origin: None }
            }

            /// A field read: recorded as an operand.
            fn read(value: i64, pointer: String, operands: &mut Vec<String>) -> Self {
                operands.push(pointer.clone());
                Amount { value, origin: Some(pointer) }
            }

            /// `-self`; `expr` is the negation's text.
            fn neg(self, expr: &str) -> Result<Self, Overflow> {
                match self.value.checked_neg() {
                    Some(value) => Ok(Amount { value, origin: self.origin }),
                    None => {
                        let operands = self.value;
                        Err(Overflow { pointer: self.origin, reason: format!(#overflow) })
                    }
                }
            }

            /// `self op other`; `expr` is the operation's text.
            fn combine(self, other: Self, op: fn(i64, i64) -> Option<i64>, expr: &str) -> Result<Self, Overflow> {
                let origin = self.origin.or(other.origin);
                match op(self.value, other.value) {
                    Some(value) => Ok(Amount { value, origin }),
                    None => {
                        let (a, b) = (self.value, other.value);
                        let operands = format!(#pair);
                        Err(Overflow { pointer: origin, reason: format!(#overflow) })
                    }
                }
            }

            /// Adds one element of a `sum` over `over`; an element without a field
            /// origin is blamed on the element itself.
            fn sum_add(self, item: Self, element: &str, over: &str) -> Result<Self, Overflow> {
                let item_origin = item.origin.unwrap_or_else(|| element.to_owned());
                match self.value.checked_add(item.value) {
                    Some(value) => Ok(Amount { value, origin: Some(self.origin.unwrap_or(item_origin)) }),
                    None => {
                        let item = item.value;
                        Err(Overflow { pointer: Some(item_origin), reason: format!(#sum_overflow) })
                    }
                }
            }
        }
    }
}
