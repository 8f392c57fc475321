//! The token endpoint's answer (RFC 6749 § 5.1 and § 5.2), read from bytes the
//! server chose: nothing here may panic, whatever they are. Error texts still
//! hold the server's words, whole; the caller redacts, then shortens and
//! escapes them before printing.

use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;

/// A usable token and for how long the server says it lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The bearer token.
    pub access_token: String,
    /// `None`: no (usable) `expires_in`; the token is renewed on a 401.
    pub expires_in: Option<Duration>,
}

#[derive(Deserialize)]
struct Success {
    access_token: String,
    expires_in: Option<Value>,
}

#[derive(Deserialize)]
struct Failure {
    error: Option<Value>,
    error_description: Option<Value>,
}

/// `expires_in` as servers send it: a non-negative integer, also as a string
/// or a float; anything else is ignored rather than refused.
fn lifetime(v: &Value) -> Option<Duration> {
    match v {
        Value::Number(n) => n
            .as_u64()
            .map(Duration::from_secs)
            .or_else(|| n.as_f64().and_then(|f| Duration::try_from_secs_f64(f).ok())),
        Value::String(s) => s.trim().parse::<u64>().ok().map(Duration::from_secs),
        _ => None,
    }
}

/// Whole: cutting before redaction could leave a secret's prefix behind.
fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Reads a token endpoint response: `Err` is a message for the user (with the
/// server's `error` and `error_description`, unredacted).
pub fn parse(status: u16, body: &[u8]) -> Result<Token, String> {
    if status != 200 {
        let detail = serde_json::from_slice::<Failure>(body)
            .ok()
            .map(|e| {
                let parts: Vec<String> = [e.error, e.error_description]
                    .iter()
                    .flatten()
                    .map(text)
                    .collect();
                if parts.is_empty() {
                    String::new()
                } else {
                    format!(": {}", parts.join(" "))
                }
            })
            .unwrap_or_default();
        return Err(format!("answered HTTP {status}{detail}"));
    }
    let token: Success = serde_json::from_slice(body)
        .map_err(|e| format!("answered 200 without a usable `access_token`: {e}"))?;
    if token.access_token.is_empty() {
        return Err("answered an empty `access_token`".into());
    }
    Ok(Token {
        access_token: token.access_token,
        expires_in: token.expires_in.as_ref().and_then(lifetime),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_servers_send() {
        let t = parse(200, br#"{"access_token":"t","expires_in":3600}"#).unwrap();
        assert_eq!(t.expires_in, Some(Duration::from_secs(3600)));
        let t = parse(200, br#"{"access_token":"t","expires_in":"60"}"#).unwrap();
        assert_eq!(t.expires_in, Some(Duration::from_secs(60)));
        let t = parse(200, br#"{"access_token":"t","expires_in":-5}"#).unwrap();
        assert_eq!(t.expires_in, None);
        let t = parse(
            200,
            br#"{"access_token":"t","expires_in":18446744073709551615}"#,
        )
        .unwrap();
        assert_eq!(t.expires_in, Some(Duration::from_secs(u64::MAX)));
        assert!(parse(200, br#"{"expires_in":1}"#).is_err());
        assert!(parse(200, br#"{"access_token":""}"#).is_err());
        let e = parse(
            401,
            br#"{"error":"invalid_client","error_description":"bad"}"#,
        );
        assert_eq!(e, Err("answered HTTP 401: invalid_client bad".into()));
        assert_eq!(parse(500, b"\xff"), Err("answered HTTP 500".into()));
    }
}
