//! `signature.*`: Peach-style signed queries (`x-signature`), on requests and,
//! where the scheme says responses carry one, on response bodies.
//!
//! Canonical form (provider-facts.md § Peach Payments): every parameter but the
//! signature, including empty ones, sorted by key in code-point order, each key
//! and value concatenated without separators; HMAC-SHA256 keyed with the
//! merchant's secret token, lowercase hex.

use hmac::{Hmac, Mac};
use pyng_spec::ir::{Operation, SecurityScheme, SignatureScheme, Spec};
use serde_json::Value;
use sha2::Sha256;

use super::at_exchange;
use crate::exchange::Exchange;
use crate::finding::{Finding, Severity};

/// A signing secret. Never printed: `Debug` shows a placeholder.
#[derive(Clone)]
pub struct Secret(Vec<u8>);

impl Secret {
    pub fn new(bytes: impl Into<Vec<u8>>) -> Secret {
        Secret(bytes.into())
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// Sorted key-value concatenation.
pub fn canonical<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut pairs: Vec<(&str, &str)> = pairs.into_iter().collect();
    // Stable, so repeated keys keep their recorded order.
    pairs.sort_by(|a, b| a.0.cmp(b.0));
    let mut out = String::new();
    for (k, v) in pairs {
        out.push_str(k);
        out.push_str(v);
    }
    out
}

/// HMAC-SHA256, lowercase hex.
pub fn sign(secret: &Secret, message: &str) -> String {
    // HMAC accepts keys of any length, so this cannot fail.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&secret.0) else {
        return String::new();
    };
    mac.update(message.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Constant-time comparison of a recorded signature with the expected one.
fn verify(secret: &Secret, message: &str, recorded: &str) -> bool {
    let Ok(recorded) = hex::decode(recorded) else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&secret.0) else {
        return false;
    };
    mac.update(message.as_bytes());
    mac.verify_slice(&recorded).is_ok()
}

/// The signed-query schemes that apply to the operation.
fn schemes<'a>(spec: &'a Spec, op: &'a Operation) -> impl Iterator<Item = &'a SignatureScheme> {
    op.security
        .iter()
        .filter_map(|name| match spec.security_schemes.get(name) {
            Some(SecurityScheme::SignedQuery(s)) => Some(s),
            _ => None,
        })
}

pub fn check_request(
    spec: &Spec,
    op: &Operation,
    ex: &Exchange,
    secret: Option<&Secret>,
    out: &mut Vec<Finding>,
) {
    // A bare body has no request to check.
    if ex.operation.is_some() {
        return;
    }
    for scheme in schemes(spec, op) {
        let Some(recorded) = ex.query_param(&scheme.parameter) else {
            out.push(
                at_exchange(
                    ex,
                    &op.id,
                    "signature.request",
                    Severity::Error,
                    format!("the request carries no `{}` parameter", scheme.parameter),
                )
                .with_source(scheme.source.as_ref()),
            );
            continue;
        };
        let Some(secret) = secret else { continue };
        let message = canonical(
            ex.query
                .iter()
                .filter(|(k, _)| *k != scheme.parameter)
                .map(|(k, v)| (k.as_str(), v.as_str())),
        );
        if !verify(secret, &message, recorded) {
            out.push(
                at_exchange(
                    ex,
                    &op.id,
                    "signature.request",
                    Severity::Error,
                    format!(
                        "the request's `{}` does not match the HMAC-SHA256 of its other parameters under the configured secret",
                        scheme.parameter
                    ),
                )
                .with_source(scheme.source.as_ref()),
            );
        }
    }
}

pub fn check_response(
    spec: &Spec,
    op: &Operation,
    ex: &Exchange,
    body: &Value,
    secret: Option<&Secret>,
    out: &mut Vec<Finding>,
) {
    let Some(secret) = secret else { return };
    for scheme in schemes(spec, op).filter(|s| s.signs_responses) {
        let Some(obj) = body.as_object() else {
            continue;
        };
        let Some(recorded) = obj.get(&scheme.parameter).and_then(Value::as_str) else {
            continue;
        };
        let mut flat = Vec::new();
        for (k, v) in obj.iter().filter(|(k, _)| **k != scheme.parameter) {
            flatten(k, v, &mut flat);
        }
        let message = canonical(flat.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        if !verify(secret, &message, recorded) {
            let mut f = at_exchange(
                ex,
                &op.id,
                "signature.response",
                Severity::Error,
                format!(
                    "the response's `{}` field does not match the HMAC-SHA256 of its other fields under the configured secret",
                    scheme.parameter
                ),
            )
            .with_source(scheme.source.as_ref());
            f.pointer = Some(pyng_spec::pointer::push("", &scheme.parameter));
            out.push(f);
        }
    }
}

/// Nested objects become flat dotted keys, the form Peach uses in its signed
/// webhook payloads (`result.code`); strings are taken verbatim, other scalars as
/// their JSON text, null as empty, arrays as compact JSON.
pub fn flatten(key: &str, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                flatten(&format!("{key}.{k}"), v, out);
            }
        }
        Value::String(s) => out.push((key.to_owned(), s.clone())),
        Value::Null => out.push((key.to_owned(), String::new())),
        other => out.push((key.to_owned(), other.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "3fcd7cf22f55119eadbe02d14de18c0c";
    const MESSAGE: &str = "amount2authentication.entityId8ac7a4ca68c22c4d0168c2caab2e0025currencyZARdefaultPaymentMethodCARDmerchantTransactionIdTest1234nonceJHGJSGHDSKJHGJDHGJHpaymentTypeDBshopperResultUrlhttps://webhook.site/4e9b63bf-0d99-4d62-bd24-1d36ca866e1b";
    const EXPECTED: &str = "311ed8e11e2da00d98c7479ca390a5396fe643e13629d850243dada877963afd";

    #[test]
    fn provider_facts_test_vector_hmac() {
        let secret = Secret::new(KEY);
        assert_eq!(sign(&secret, MESSAGE), EXPECTED);
        assert!(verify(&secret, MESSAGE, EXPECTED));
        assert!(!verify(&Secret::new("other"), MESSAGE, EXPECTED));
    }

    #[test]
    fn provider_facts_test_vector_canonicalisation() {
        // The same parameters in an arbitrary order give the documented message.
        let params = [
            (
                "shopperResultUrl",
                "https://webhook.site/4e9b63bf-0d99-4d62-bd24-1d36ca866e1b",
            ),
            ("paymentType", "DB"),
            ("nonce", "JHGJSGHDSKJHGJDHGJH"),
            ("merchantTransactionId", "Test1234"),
            ("defaultPaymentMethod", "CARD"),
            ("currency", "ZAR"),
            (
                "authentication.entityId",
                "8ac7a4ca68c22c4d0168c2caab2e0025",
            ),
            ("amount", "2"),
        ];
        assert_eq!(canonical(params), MESSAGE);
        assert_eq!(sign(&Secret::new(KEY), &canonical(params)), EXPECTED);
    }

    #[test]
    fn secret_debug_is_redacted() {
        assert!(!format!("{:?}", Secret::new(KEY)).contains(KEY));
    }
}
