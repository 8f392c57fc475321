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
    if cx.integer_enums().next().is_some() {
        out.extend(super::integer_enums::unknown_integer());
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
    let numbers = cx.uses_number();
    if numbers {
        out.extend(number());
    }
    if numbers || unique || cx.value_fields().any(super::checks::has_number_bounds) {
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
    let counted = cx
        .value_fields()
        .any(|f| super::composed::rules(cx, f).is_some());
    if counted || cx.unions().any(|u| u.composition.discriminator.is_none()) {
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

/// `Number`, the type of every `type: number` value: the exact decimal the
/// validators read (`pyng_spec::validate`), so money never passes through
/// `f64` arithmetic and `check()` compares what the validators compare.
fn number() -> TokenStream {
    quote! {
        /// A JSON `number`, held exactly as the decimal the JSON parser reads: an
        /// integer literal within 64 bits as itself, any other literal as the
        /// shortest decimal of its nearest double (`19.99` is 1999 × 10⁻²).
        /// Comparison is exact; only [`Number::to_f64`] leaves decimals.
        ///
        /// It holds only what it writes back unchanged without serde_json's
        /// `arbitrary_precision`: [`Number::parse`] refuses other text.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct Number(decimal::Decimal);

        impl Number {
            /// A JSON number literal (`19.99`, `-1e3`); `None` for other text
            /// and for a number that is neither a 64-bit integer nor the
            /// shortest decimal of a double (`0.1000000000000000000001`).
            pub fn parse(text: &str) -> Option<Number> {
                Number::exact(decimal::Decimal::parse(text)?)
            }

            /// The number a finite double reads as; `None` for NaN and infinities.
            pub fn from_f64(value: f64) -> Option<Number> {
                decimal::Decimal::from_f64(value).map(Number)
            }

            /// The nearest double.
            pub fn to_f64(self) -> f64 {
                self.0.to_f64()
            }

            /// The value when it is an integer within `i64`.
            pub fn to_i64(self) -> Option<i64> {
                self.0.to_i128().and_then(|i| i64::try_from(i).ok())
            }

            fn exact(value: decimal::Decimal) -> Option<Number> {
                let integer = value.to_i128().is_some_and(|i| {
                    i64::try_from(i).is_ok() || u64::try_from(i).is_ok()
                });
                let double = decimal::Decimal::from_f64(value.to_f64()) == Some(value);
                (integer || double).then_some(Number(value))
            }
        }

        impl From<i64> for Number {
            fn from(value: i64) -> Number {
                Number(decimal::Decimal::from_i128(i128::from(value)))
            }
        }

        impl From<u64> for Number {
            fn from(value: u64) -> Number {
                Number(decimal::Decimal::from_i128(i128::from(value)))
            }
        }

        /// Plain digits, exactly: a 64-bit integer as itself, any other value
        /// as its double prints (`19.99`, `100000000000000000000`), which is
        /// how the validators' messages show a number.
        impl ::std::fmt::Display for Number {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                match self.0.to_i128() {
                    Some(i) if i64::try_from(i).is_ok() || u64::try_from(i).is_ok() => {
                        write!(f, "{i}")
                    }
                    _ => write!(f, "{}", self.to_f64()),
                }
            }
        }

        /// The text is not a number [`Number::parse`] accepts.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct NumberError(String);

        impl ::std::fmt::Display for NumberError {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                write!(f, "`{}` is not a JSON number a 64-bit integer or a double holds exactly", self.0)
            }
        }

        impl ::std::error::Error for NumberError {}

        impl ::std::str::FromStr for Number {
            type Err = NumberError;
            fn from_str(text: &str) -> ::std::result::Result<Number, NumberError> {
                Number::parse(text).ok_or_else(|| NumberError(text.to_owned()))
            }
        }

        /// A 64-bit integer as an integer, any other value as its double
        /// (which is exact: see [`Number`]).
        impl ::serde::Serialize for Number {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                if let Some(i) = self.0.to_i128() {
                    if let Ok(i) = i64::try_from(i) {
                        return serializer.serialize_i64(i);
                    }
                    if let Ok(u) = u64::try_from(i) {
                        return serializer.serialize_u64(u);
                    }
                }
                serializer.serialize_f64(self.to_f64())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for Number {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Number, D::Error> {
                struct Visitor;
                impl ::serde::de::Visitor<'_> for Visitor {
                    type Value = Number;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str("a number")
                    }
                    fn visit_i64<E: ::serde::de::Error>(self, value: i64) -> ::std::result::Result<Number, E> {
                        Ok(Number::from(value))
                    }
                    fn visit_u64<E: ::serde::de::Error>(self, value: u64) -> ::std::result::Result<Number, E> {
                        Ok(Number::from(value))
                    }
                    fn visit_f64<E: ::serde::de::Error>(self, value: f64) -> ::std::result::Result<Number, E> {
                        Number::from_f64(value).ok_or_else(|| E::custom("a number that is not finite"))
                    }
                }
                deserializer.deserialize_any(Visitor)
            }
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
