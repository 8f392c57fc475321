//! `signature.*`: Peach-style signed queries (`x-signature`), on requests and,
//! where the scheme says responses carry one, on response bodies.
//!
//! The messages and the HMAC are `pyng_spec::signature`'s, which the sandbox
//! server signs with too.

use pyng_spec::ir::{Operation, SecurityScheme, SignatureScheme, Spec};
use pyng_spec::registry::RuleId;
use serde_json::Value;

use super::at_exchange;
use crate::exchange::{Exchange, REDACTED};
use crate::finding::Finding;

/// A recording redacts secret values wherever they appear, signed parameters
/// and fields included; the signature over the original values then cannot be
/// recomputed. The `<redacted>` marker in the signed text says so: the check is
/// not evaluated (a warning says why) rather than failed or passed.
const UNVERIFIABLE: RuleId = RuleId::SignatureUnverifiable;

fn holds_redacted(v: &Value, skip: &str) -> bool {
    match v {
        Value::String(s) => s.contains(REDACTED),
        Value::Array(a) => a.iter().any(|v| holds_redacted(v, "")),
        Value::Object(o) => o
            .iter()
            .any(|(k, v)| k != skip && (k.contains(REDACTED) || holds_redacted(v, ""))),
        _ => false,
    }
}

/// A signing secret. Never printed: `Debug` shows a placeholder.
#[derive(Clone)]
pub struct Secret(Vec<u8>);

impl Secret {
    /// A secret from its bytes (never printed: `Debug` redacts it).
    pub fn new(bytes: impl Into<Vec<u8>>) -> Secret {
        Secret(bytes.into())
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl Secret {
    /// Removes the secret (plain or encoded) from every text of a finding:
    /// an input that carries it must not carry it into a report.
    pub(crate) fn scrub_finding(&self, f: &mut Finding) {
        let scrub = |t: &mut String| self.scrub_string(t);
        scrub(&mut f.message);
        scrub(&mut f.file);
        for t in [&mut f.pointer, &mut f.sequence, &mut f.operation]
            .into_iter()
            .flatten()
        {
            scrub(t);
        }
        if let Some(sn) = &mut f.snippet {
            sn.lines.iter_mut().for_each(scrub);
        }
    }

    /// Removes the secret (plain or encoded) from `text`.
    pub(crate) fn scrub_string(&self, text: &mut String) {
        if let Ok(secret) = std::str::from_utf8(&self.0)
            && let std::borrow::Cow::Owned(clean) = crate::redact::scrub(text, secret)
        {
            *text = clean;
        }
    }

    /// `text` without the secret, `None` when it did not hold it.
    pub(crate) fn scrub_bytes(&self, text: &[u8]) -> Option<Vec<u8>> {
        let secret = std::str::from_utf8(&self.0).ok()?;
        match crate::redact::scrub(&String::from_utf8_lossy(text), secret) {
            std::borrow::Cow::Owned(clean) => Some(clean.into_bytes()),
            std::borrow::Cow::Borrowed(_) => None,
        }
    }

    fn verifies(&self, message: &str, recorded: &str) -> bool {
        pyng_spec::signature::verify(&self.0, message, recorded)
    }
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

pub(crate) fn check_request(
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
                    RuleId::SignatureRequest,
                    format!("the request carries no `{}` parameter", scheme.parameter),
                )
                .with_source(scheme.source.as_ref()),
            );
            continue;
        };
        let Some(secret) = secret else { continue };
        let redacted = ex.query.iter().any(|(k, v)| {
            k.as_ref() != scheme.parameter && (k.contains(REDACTED) || v.contains(REDACTED))
        });
        if redacted {
            out.push(
                at_exchange(
                    ex,
                    &op.id,
                    UNVERIFIABLE,
                    format!(
                        "the request's `{}` cannot be re-verified: a secret was redacted from the signed parameters when recording (signature.request not evaluated)",
                        scheme.parameter
                    ),
                )
                .with_source(scheme.source.as_ref()),
            );
            continue;
        }
        let message = pyng_spec::signature::canonical_message(
            ex.query.iter().map(|(k, v)| (k.as_ref(), v.as_ref())),
            &scheme.parameter,
        );
        if !secret.verifies(&message, recorded) {
            out.push(
                at_exchange(
                    ex,
                    &op.id,
                    RuleId::SignatureRequest,
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

pub(crate) fn check_response(
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
        if holds_redacted(body, &scheme.parameter) {
            let mut f = at_exchange(
                ex,
                &op.id,
                UNVERIFIABLE,
                format!(
                    "the response's `{}` cannot be re-verified: a secret was redacted from the signed fields when recording (signature.response not evaluated)",
                    scheme.parameter
                ),
            )
            .with_source(scheme.source.as_ref());
            f.pointer = Some(pyng_spec::pointer::push("", &scheme.parameter));
            out.push(f);
            continue;
        }
        let message = pyng_spec::signature::response_message(body, &scheme.parameter);
        if !secret.verifies(&message, recorded) {
            let mut f = at_exchange(
                ex,
                &op.id,
                RuleId::SignatureResponse,
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

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "3fcd7cf22f55119eadbe02d14de18c0c";
    const MESSAGE: &str = "amount2authentication.entityId8ac7a4ca68c22c4d0168c2caab2e0025currencyZARdefaultPaymentMethodCARDmerchantTransactionIdTest1234nonceJHGJSGHDSKJHGJDHGJHpaymentTypeDBshopperResultUrlhttps://webhook.site/4e9b63bf-0d99-4d62-bd24-1d36ca866e1b";
    const EXPECTED: &str = "311ed8e11e2da00d98c7479ca390a5396fe643e13629d850243dada877963afd";

    /// The test vector of provider-facts.md, through the engine's secret type.
    #[test]
    fn provider_facts_test_vector() {
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
            ("signature", EXPECTED),
        ];
        let message = pyng_spec::signature::canonical_message(params, "signature");
        assert_eq!(message, MESSAGE);
        assert!(Secret::new(KEY).verifies(&message, EXPECTED));
        assert!(!Secret::new("other").verifies(&message, EXPECTED));
    }

    #[test]
    fn secret_debug_is_redacted() {
        assert!(!format!("{:?}", Secret::new(KEY)).contains(KEY));
    }
}
