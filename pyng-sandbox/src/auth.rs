//! Bearer tokens, HTTP Basic client credentials and signed queries. Tokens and
//! secrets are compared in constant time and never written anywhere.

use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;

use pyng_spec::ir::SignatureScheme;

use crate::app::App;
use base64::Engine as _;
use base64::prelude::BASE64_STANDARD;

/// Why a bearer token was refused (the reason goes into the error body; the token
/// itself never does).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BearerError {
    Missing,
    Invalid,
}

impl BearerError {
    pub(crate) fn message(self) -> &'static str {
        match self {
            BearerError::Missing => {
                "missing bearer token: send `Authorization: Bearer <access_token>`"
            }
            BearerError::Invalid => "invalid or expired access token",
        }
    }

    /// The `WWW-Authenticate` challenge (RFC 6750 § 3).
    pub(crate) fn challenge(self) -> &'static str {
        match self {
            BearerError::Missing => "Bearer realm=\"pyng-sandbox\"",
            BearerError::Invalid => "Bearer realm=\"pyng-sandbox\", error=\"invalid_token\"",
        }
    }
}

/// Constant-time for equal lengths (lengths are not secret enough to matter here).
pub(crate) fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn credentials<'a>(headers: &'a HeaderMap, scheme: &str) -> Option<&'a str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (s, rest) = value.trim().split_once(' ')?;
    s.eq_ignore_ascii_case(scheme)
        .then(|| rest.trim())
        .filter(|r| !r.is_empty())
}

pub(crate) fn check_bearer(app: &App, headers: &HeaderMap) -> Result<(), BearerError> {
    let token = credentials(headers, "Bearer").ok_or(BearerError::Missing)?;
    if app
        .secrets
        .tokens
        .iter()
        .any(|t| !t.is_empty() && ct_eq(t.as_bytes(), token.as_bytes()))
    {
        return Ok(());
    }
    let now = app.clock.now_ms();
    let store = app.store();
    let valid = store
        .tokens
        .iter()
        .any(|(t, expiry)| ct_eq(t.as_bytes(), token.as_bytes()) && *expiry > now);
    if valid {
        Ok(())
    } else {
        Err(BearerError::Invalid)
    }
}

/// Whether HTTP Basic credentials match the configured client (RFC 6749 § 2.3.1:
/// id and secret are form-urlencoded before Basic encoding, so both are decoded
/// before the comparison; plain ids and secrets are unchanged by that).
pub(crate) fn check_basic(app: &App, headers: &HeaderMap) -> bool {
    let Some(encoded) = credentials(headers, "Basic") else {
        return false;
    };
    let Some(decoded) = BASE64_STANDARD
        .decode(encoded)
        .ok()
        .and_then(|d| String::from_utf8(d).ok())
    else {
        return false;
    };
    let Some((id, secret)) = decoded.split_once(':') else {
        return false;
    };
    let (Some(id), Some(secret)) = (form_decode(id), form_decode(secret)) else {
        return false;
    };
    let s = &app.secrets;
    // Both comparisons always run: no early exit that times the id.
    let id_ok = ct_eq(id.as_bytes(), s.client_id.as_bytes());
    let secret_ok = ct_eq(secret.as_bytes(), s.client_secret.as_bytes());
    !s.client_secret.is_empty() && id_ok & secret_ok
}

/// One `application/x-www-form-urlencoded` value: `+` is a space, `%XX` a
/// byte; `None` when that is not UTF-8.
fn form_decode(s: &str) -> Option<String> {
    let spaced = s.replace('+', " ");
    percent_encoding::percent_decode_str(&spaced)
        .decode_utf8()
        .ok()
        .map(|d| d.into_owned())
}

/// Verifies a signed query (`x-signature`): exactly one signature parameter, and
/// it matches the HMAC of all the other parameters.
pub(crate) fn check_signed_query(
    secret: &[u8],
    scheme: &SignatureScheme,
    query: &[(String, String)],
) -> Result<(), &'static str> {
    let mut sigs = query.iter().filter(|(k, _)| *k == scheme.parameter);
    let Some((_, sig)) = sigs.next() else {
        return Err("the request is not signed: the signature parameter is missing");
    };
    if sigs.next().is_some() {
        return Err("the signature parameter is repeated");
    }
    let message = pyng_spec::signature::canonical_message(
        query.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        &scheme.parameter,
    );
    if pyng_spec::signature::verify(secret, &message, sig) {
        Ok(())
    } else {
        Err("the request signature does not verify")
    }
}

/// A bearer token for the token endpoint: an HMAC under the client secret, so it
/// is unpredictable without the secret and reveals nothing about it.
pub(crate) fn new_token(app: &App, counter: u64, now_ms: i64) -> String {
    let mac = pyng_spec::signature::sign(
        app.secrets.client_secret.as_bytes(),
        &format!("pyng-sandbox token {counter} {now_ms}"),
    );
    format!("sbx_{}", &mac[..40])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_time_equality() {
        assert!(ct_eq(b"abc", b"abc"));
        assert!(!ct_eq(b"abc", b"abd"));
        assert!(!ct_eq(b"abc", b"ab"));
    }
}
