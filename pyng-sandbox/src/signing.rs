//! Response signatures for `x-signature` schemes with `responses: body-field`.
//! The signed message is `pyng_spec::signature::response_message` (documented
//! there and in specs/README.md), so the checker computes the same one. Error
//! bodies are not signed: the documented error schemas have no signature field.

use pyng_spec::signature::{response_message, sign, verify};
use serde_json::Value;

/// Sets the signature field of an object body.
pub fn sign_response(body: &mut Value, secret: &[u8], signature_field: &str) {
    let signature = sign(secret, &response_message(body, signature_field));
    if let Some(obj) = body.as_object_mut() {
        obj.insert(signature_field.to_owned(), Value::String(signature));
    }
}

/// Whether the body's signature field verifies (constant-time).
pub fn verify_response(body: &Value, secret: &[u8], signature_field: &str) -> bool {
    let Some(sig) = body.get(signature_field).and_then(Value::as_str) else {
        return false;
    };
    verify(secret, &response_message(body, signature_field), sig)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn signed_bodies_verify_and_tampering_is_detected() {
        let mut body = json!({"status": "successful", "redirect_post_data": {"amount": "14.99"}});
        sign_response(&mut body, b"k", "signature");
        assert!(verify_response(&body, b"k", "signature"));
        assert!(!verify_response(&body, b"other", "signature"));
        body["status"] = json!("pending");
        assert!(!verify_response(&body, b"k", "signature"));
    }
}
