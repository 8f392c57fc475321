//! Response signatures for `x-signature` schemes with `responses: body-field`.
//!
//! What is signed (the checker must compute the same message; it agrees with
//! `pyng-conformance`'s `checks::signature::flatten` + `canonical`):
//!
//! 1. Take the top-level fields of the JSON body object except the signature field
//!    (named by the scheme's `parameter`, `signature` for Peach).
//! 2. Flatten: a nested object contributes its fields under dotted keys
//!    (`redirect_post_data.amount`, `redirect_post_data.result.code`), recursively;
//!    a string is taken verbatim, `null` as the empty string, and any other value
//!    (number, boolean, array) as its compact JSON text.
//! 3. Sort the pairs by key in code-point order (stable for equal keys) and
//!    concatenate each key and value with no separators.
//! 4. HMAC-SHA256 keyed with the shared secret, lowercase hex
//!    (`pyng_spec::signature::sign`), stored in the signature field.
//!
//! Error bodies are not signed: the documented error schemas have no signature
//! field.

use serde_json::Value;

/// The flattened `(key, value)` pairs of `body` that are signed, unsorted.
pub fn response_pairs(body: &Value, signature_field: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(obj) = body.as_object() {
        for (k, v) in obj.iter().filter(|(k, _)| *k != signature_field) {
            flatten(k, v, &mut out);
        }
    }
    out
}

fn flatten(key: &str, value: &Value, out: &mut Vec<(String, String)>) {
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

/// The signed message of a response body.
pub fn response_message(body: &Value, signature_field: &str) -> String {
    let mut pairs = response_pairs(body, signature_field);
    pairs.sort_by(|a, b| a.0.cmp(&b.0));
    pairs.into_iter().flat_map(|(k, v)| [k, v]).collect()
}

/// Sets the signature field of an object body.
pub fn sign_response(body: &mut Value, secret: &[u8], signature_field: &str) {
    let signature = pyng_spec::signature::sign(secret, &response_message(body, signature_field));
    if let Some(obj) = body.as_object_mut() {
        obj.insert(signature_field.to_owned(), Value::String(signature));
    }
}

/// Whether the body's signature field verifies (constant-time).
pub fn verify_response(body: &Value, secret: &[u8], signature_field: &str) -> bool {
    let Some(sig) = body.get(signature_field).and_then(Value::as_str) else {
        return false;
    };
    pyng_spec::signature::verify(secret, &response_message(body, signature_field), sig)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn message_is_flattened_sorted_and_excludes_the_signature() {
        let body = json!({
            "status": "successful",
            "signature": "old",
            "redirect_post_data": {"amount": "14.99", "result.code": "000.000.000", "n": 1, "x": null},
            "list": [1, "a"]
        });
        assert_eq!(
            response_message(&body, "signature"),
            "list[1,\"a\"]redirect_post_data.amount14.99redirect_post_data.n1redirect_post_data.result.code000.000.000redirect_post_data.xstatussuccessful"
        );
        let mut signed = body.clone();
        sign_response(&mut signed, b"k", "signature");
        assert!(verify_response(&signed, b"k", "signature"));
        assert!(!verify_response(&signed, b"other", "signature"));
        signed["status"] = json!("pending");
        assert!(!verify_response(&signed, b"k", "signature"));
    }
}
