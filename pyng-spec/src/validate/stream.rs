//! The streaming validator: checks a body's text against a spec type while
//! deserializing it, driven by the IR, without building the document.
//!
//! It reports exactly what [`super::validate`] reports on the parsed body (same
//! rules, severities, messages, pointers and order; a differential test holds
//! it to that), plus the duplicate keys a `Value` would silently collapse.
//! Pointers are built only for findings, from a stack of borrowed keys. Only
//! what later rules read is materialised: per model, the fields its
//! `x-presence`, `x-outcome` and `x-invariants` read (the invariants are
//! evaluated on that projection), and whatever the caller asks for with a
//! [`Want`] (e.g. the fields the polling-sequence checks observe).
//!
//! ```
//! use pyng_spec::validate::stream::{Schema, Want};
//! # let spec = pyng_spec::load_file(concat!(env!("CARGO_MANIFEST_DIR"), "/../specs/pyng/transaction-status.yaml")).unwrap().spec;
//! let schema = Schema::new(&spec);
//! let ty = pyng_spec::ir::Type::Named("TransactionStatusEnvelope".into());
//! let mut want = Want::default();
//! want.add_pointer("/data/transactionStatus");
//! let out = schema
//!     .validate(&ty, br#"{"data":{"transactionStatus":"Pending"},"traceId":"t","traceId":"u"}"#, Some(&want))
//!     .unwrap();
//! assert!(out.findings.is_empty());
//! assert_eq!(out.duplicate_keys, ["/traceId"]);
//! assert_eq!(out.pointer("/data/transactionStatus").unwrap(), "Pending");
//! ```

mod compile;
mod ctx;
mod kept;
mod object;
mod visit;
mod want;

use serde::de::DeserializeSeed;
use serde_json::Value;

pub use compile::Schema;
pub use want::{WHOLE, Want};

use super::Finding;
use crate::ir::Type;
use ctx::Ctx;
use kept::{Kept, View};
use visit::Node;
use want::Capture;

/// What a streamed body produced.
#[derive(Debug, Clone, PartialEq)]
pub struct Streamed<'de> {
    /// As [`super::validate`] reports them on the parsed body.
    pub findings: Vec<Finding>,
    /// Pointers of every repeated key, at the later occurrence (whose value is
    /// the one a parsed `Value` keeps), in the order the parser meets them.
    pub duplicate_keys: Vec<String>,
    /// What the [`Want`] asked for (and the body's own rules read), borrowing
    /// from the body.
    kept: Option<Kept<'de>>,
}

impl Streamed<'_> {
    /// The value at `pointer`, as `Value::pointer` finds it in the parsed body,
    /// for a pointer the [`Want`] asked for (others may be missing or `null`).
    pub fn pointer(&self, pointer: &str) -> Option<Value> {
        let root = View::K(self.kept.as_ref()?);
        root.pointer(pointer).map(View::to_value)
    }

    /// The value at `tokens` (`None` when missing): a string without a copy,
    /// anything else as a `Value` (a copy; numbers and `null` allocate
    /// nothing). One walk, for callers that take a string or something else.
    pub fn text_at<T: AsRef<str>>(&self, tokens: &[T]) -> Option<Result<&str, Value>> {
        self.at(tokens).map(View::text)
    }

    /// [`Self::text_at`] for an RFC 6901 pointer.
    pub fn text_at_pointer(&self, pointer: &str) -> Option<Result<&str, Value>> {
        View::K(self.kept.as_ref()?)
            .pointer(pointer)
            .map(View::text)
    }

    fn at<T: AsRef<str>>(&self, tokens: &[T]) -> Option<View<'_, '_>> {
        let mut v = View::K(self.kept.as_ref()?);
        for t in tokens {
            v = v.child(t.as_ref())?;
        }
        Some(v)
    }
}

/// A body that is not JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// serde_json's description of the error.
    pub message: String,
    /// 1-based; 0 when unknown.
    pub line: usize,
    /// 1-based; 0 when unknown.
    pub column: usize,
    /// The text ended early (a truncated body).
    pub eof: bool,
}

impl Schema {
    /// Validates `body` (JSON text) as an instance of `ty`.
    pub fn validate<'de>(
        &self,
        ty: &Type,
        body: &'de [u8],
        want: Option<&Want>,
    ) -> Result<Streamed<'de>, SyntaxError> {
        // UTF-8 text is checked once here rather than string by string (the
        // two readers of serde_json differ only in that check); anything else
        // is read as bytes, for serde_json's own errors.
        match std::str::from_utf8(body) {
            Ok(text) => self.run(ty, serde_json::Deserializer::from_str(text), want),
            Err(_) => self.run(ty, serde_json::Deserializer::from_slice(body), want),
        }
    }

    fn run<'de, R: serde_json::de::Read<'de>>(
        &self,
        ty: &Type,
        mut de: serde_json::Deserializer<R>,
        want: Option<&Want>,
    ) -> Result<Streamed<'de>, SyntaxError> {
        match self
            .seed(ty, want)
            .deserialize(&mut de)
            .and_then(|v| de.end().map(|()| v))
        {
            Ok(out) => Ok(out),
            Err(e) => Err(SyntaxError {
                message: e.to_string(),
                line: e.line(),
                column: e.column(),
                eof: e.is_eof(),
            }),
        }
    }

    /// [`Self::validate`] as a [`DeserializeSeed`], for a body inside a larger
    /// document (checked while that document is read, in the same pass). On
    /// valid JSON it gives what [`Self::validate`] gives on the body's text;
    /// any error is the enclosing deserializer's.
    pub fn seed<'a>(&'a self, ty: &Type, want: Option<&'a Want>) -> BodySeed<'a> {
        BodySeed {
            schema: self,
            ty: self.resolve(ty),
            want,
        }
    }
}

/// See [`Schema::seed`].
#[derive(Debug)]
pub struct BodySeed<'a> {
    schema: &'a Schema,
    ty: compile::CType,
    want: Option<&'a Want>,
}

impl<'de> DeserializeSeed<'de> for BodySeed<'_> {
    type Value = Streamed<'de>;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Streamed<'de>, D::Error> {
        let mut cx = Ctx::new(self.schema);
        let root = Node {
            cx: &mut cx,
            ty: Some(&self.ty),
            field: None,
            cap: Capture::of(self.want),
        };
        let out = root.deserialize(d)?;
        Ok(Streamed {
            findings: cx.finish(),
            duplicate_keys: std::mem::take(&mut cx.dups),
            kept: out.value,
        })
    }
}

/// The bundled transaction-status spec, for this module's tests.
#[cfg(test)]
pub(crate) fn transaction_status_spec() -> crate::ir::Spec {
    crate::load::load_file(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../specs/pyng/transaction-status.yaml"
    ))
    .expect("bundled spec loads")
    .spec
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reading UTF-8 text as `str` gives what reading it as bytes gives, and
    /// text that is not UTF-8 still gets serde_json's own error.
    #[test]
    fn text_and_bytes_read_alike() {
        let spec = transaction_status_spec();
        let schema = Schema::new(&spec);
        let bodies: [&[u8]; 12] = [
            br#"{"data":{"transactionStatus":"Pending","orderId":"o"},"traceId":"t"}"#,
            br#"{"data":{"transactionStatus":"N\u00e9","orderId":1,"x":[1,2.5e3,null]}}"#,
            "{\"data\":{\"orderId\":\"é€😀\",\"orderId\":\"x\"}}".as_bytes(),
            b"{\"data\":{\"orderId\":\"\xff\"}}",
            b"{\"data\":\xff}",
            b"{\"data\":{\"orderId\":\"a\x01b\"}}",
            br#"{"data":{"orderId":"\ud800"}}"#,
            br#"{"data":{"orderId":"\q"}}"#,
            br#"{"data":{"orderId":"abc"#,
            b"",
            b"[1,2] x",
            b"\xef\xbb\xbf{}",
        ];
        for op in &spec.operations {
            for r in &op.responses {
                let Some(ty) = &r.body else { continue };
                for body in bodies {
                    let via_bytes =
                        schema.run(ty, serde_json::Deserializer::from_slice(body), None);
                    let got = schema.validate(ty, body, None);
                    assert_eq!(
                        format!("{got:?}"),
                        format!("{via_bytes:?}"),
                        "{}",
                        String::from_utf8_lossy(body)
                    );
                }
            }
        }
    }
}
