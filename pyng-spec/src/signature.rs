//! The signed-query scheme of `x-signature` (`canonical: sorted-key-value-concat`):
//! all parameters but the signature, including empty ones, sorted by key in
//! code-point order, each key and value concatenated with no separators,
//! HMAC-SHA256 keyed with the shared secret, lowercase hex.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The signed message for `params` (the `signature_param` itself is left out).
pub fn canonical_message<'a>(
    params: impl IntoIterator<Item = (&'a str, &'a str)>,
    signature_param: &str,
) -> String {
    let mut pairs: Vec<(&str, &str)> = params
        .into_iter()
        .filter(|(k, _)| *k != signature_param)
        .collect();
    // Byte order of UTF-8 equals code-point order; stable, so repeated keys keep
    // their recorded order.
    pairs.sort_by(|a, b| a.0.cmp(b.0));
    pairs.into_iter().flat_map(|(k, v)| [k, v]).collect()
}

/// The signed message of a response body (`x-signature.responses: body-field`):
/// every top-level field but the signature, nested objects flattened under dotted
/// keys (`redirect_post_data.result.code`), strings verbatim, `null` as the empty
/// string, other values as compact JSON; then sorted and concatenated like a query.
pub fn response_message(body: &serde_json::Value, signature_field: &str) -> String {
    fn flatten(key: String, value: &serde_json::Value, out: &mut Vec<(String, String)>) {
        use serde_json::Value;
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    flatten(format!("{key}.{k}"), v, out);
                }
            }
            Value::String(s) => out.push((key, s.clone())),
            Value::Null => out.push((key, String::new())),
            other => out.push((key, other.to_string())),
        }
    }
    let mut pairs = Vec::new();
    for (k, v) in body.as_object().into_iter().flatten() {
        if k != signature_field {
            flatten(k.clone(), v, &mut pairs);
        }
    }
    canonical_message(
        pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        signature_field,
    )
}

/// Lowercase hex HMAC-SHA256 of `message` keyed with `secret`.
pub fn sign(secret: &[u8], message: &str) -> String {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret)
        .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
    mac.update(message.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Constant-time check of a lowercase-hex signature.
pub fn verify(secret: &[u8], message: &str, signature: &str) -> bool {
    let Ok(expected) = hex::decode(signature) else {
        return false;
    };
    let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(secret) else {
        return false;
    };
    mac.update(message.as_bytes());
    mac.verify_slice(&expected).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn response_message_flattens_sorts_and_skips_the_signature() {
        let body = serde_json::json!({
            "status": "successful",
            "signature": "old",
            "redirect_post_data": {"amount": "14.99", "result.code": "000.000.000", "n": 1, "x": null},
            "list": [1, "a"]
        });
        assert_eq!(
            response_message(&body, "signature"),
            "list[1,\"a\"]redirect_post_data.amount14.99redirect_post_data.n1redirect_post_data.result.code000.000.000redirect_post_data.xstatussuccessful"
        );
    }

    /// The test vector of Peach's documentation (provider-facts.md).
    #[test]
    fn peach_test_vector() {
        let params = [
            (
                "authentication.entityId",
                "8ac7a4ca68c22c4d0168c2caab2e0025",
            ),
            ("amount", "2"),
            ("currency", "ZAR"),
            ("paymentType", "DB"),
            ("nonce", "JHGJSGHDSKJHGJDHGJH"),
            (
                "shopperResultUrl",
                "https://webhook.site/4e9b63bf-0d99-4d62-bd24-1d36ca866e1b",
            ),
            ("merchantTransactionId", "Test1234"),
            ("defaultPaymentMethod", "CARD"),
            ("signature", "ignored"),
        ];
        let message = canonical_message(params, "signature");
        assert_eq!(
            message,
            "amount2authentication.entityId8ac7a4ca68c22c4d0168c2caab2e0025currencyZARdefaultPaymentMethodCARDmerchantTransactionIdTest1234nonceJHGJSGHDSKJHGJDHGJHpaymentTypeDBshopperResultUrlhttps://webhook.site/4e9b63bf-0d99-4d62-bd24-1d36ca866e1b"
        );
        let expected = "311ed8e11e2da00d98c7479ca390a5396fe643e13629d850243dada877963afd";
        assert_eq!(
            sign(b"3fcd7cf22f55119eadbe02d14de18c0c", &message),
            expected
        );
        assert!(verify(
            b"3fcd7cf22f55119eadbe02d14de18c0c",
            &message,
            expected
        ));
        assert!(!verify(b"wrong", &message, expected));
        assert!(!verify(b"3fcd7cf22f55119eadbe02d14de18c0c", &message, "zz"));
    }
}
