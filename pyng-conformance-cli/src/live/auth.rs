//! Credentials of the live mode. Every secret comes from an environment variable
//! (the CLI never takes one as a value), lives in a [`SecretString`] whose `Debug`
//! is redacted and which has no `Display`, and reaches the wire only: the
//! `Authorization` header (redacted in recordings), the token request (never
//! recorded), and HMAC keys (the signature, a MAC, is kept; the key is not).

use std::time::{Duration, Instant};

use base64::Engine as _;

use super::client::{HttpClient, Request, Sent};
use super::stop::StopSignal;
use super::target::Target;

/// A secret value. Never printed: `Debug` shows a placeholder, there is no
/// `Display`, and [`Self::expose`] is the only way to the value.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretString(String);

impl SecretString {
    /// A secret from its text.
    pub fn new(value: impl Into<String>) -> SecretString {
        SecretString(value.into())
    }

    /// The secret's text, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for SecretString {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Where the bearer token comes from.
#[derive(Debug, Clone)]
pub enum BearerSource {
    /// A token from the environment, used as it is.
    Token(SecretString),
    /// OAuth 2.0 client credentials (RFC 6749 § 4.4) at `token_url`, HTTP Basic.
    ClientCredentials {
        /// The token endpoint.
        token_url: String,
        /// The client id (sent form-encoded in HTTP Basic).
        client_id: SecretString,
        /// The client secret.
        client_secret: SecretString,
        /// The scope to ask for, if any.
        scope: Option<String>,
    },
}

/// Why no bearer token could be had (exit status 2: a configuration problem).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthError(pub String);

impl std::fmt::Display for AuthError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug)]
/// The credentials of a poll: a bearer token source and a signing secret.
pub struct Auth {
    bearer: Option<BearerSource>,
    /// A token from the token endpoint and when to stop using it.
    fetched: Option<(SecretString, Option<Instant>)>,
    signing_secret: Option<SecretString>,
}

impl Auth {
    /// Credentials from a bearer source and a signing secret, either optional.
    pub fn new(bearer: Option<BearerSource>, signing_secret: Option<SecretString>) -> Auth {
        Auth {
            bearer,
            fetched: None,
            signing_secret,
        }
    }

    /// What the target's `security` needs that is not configured, as a message
    /// naming the missing settings.
    pub fn missing_for(&self, target: &Target<'_>) -> Option<String> {
        if target.needs_bearer && self.bearer.is_none() {
            return Some(format!(
                "{} uses bearer authentication: set the access-token variable or the client-id and client-secret variables",
                target.op.id
            ));
        }
        if target.signature.is_some() && self.signing_secret.is_none() {
            return Some(format!(
                "{} uses a signed query: set the signing-secret variable",
                target.op.id
            ));
        }
        None
    }

    /// The signed-query secret, if one was given.
    pub fn signing_secret(&self) -> Option<&SecretString> {
        self.signing_secret.as_ref()
    }

    /// Every secret value known now (for the redactor), including a fetched token.
    pub fn secrets(&self) -> Vec<&str> {
        let mut out = Vec::new();
        match &self.bearer {
            Some(BearerSource::Token(t)) => out.push(t.expose()),
            Some(BearerSource::ClientCredentials {
                client_id,
                client_secret,
                ..
            }) => {
                out.push(client_id.expose());
                out.push(client_secret.expose());
            }
            None => {}
        }
        if let Some((t, _)) = &self.fetched {
            out.push(t.expose());
        }
        if let Some(s) = &self.signing_secret {
            out.push(s.expose());
        }
        out
    }

    /// Derived forms of the secrets a server may echo: the Basic credentials
    /// of the token request (`id:secret` and its base64).
    pub fn derived_secrets(&self) -> Vec<String> {
        match &self.bearer {
            Some(BearerSource::ClientCredentials {
                client_id,
                client_secret,
                ..
            }) => {
                let basic = basic_credentials(client_id.expose(), client_secret.expose());
                let pair = format!("{}:{}", client_id.expose(), client_secret.expose());
                let b64 = basic.trim_start_matches("Basic ").to_owned();
                vec![basic, b64, pair]
            }
            _ => Vec::new(),
        }
    }

    /// The `Authorization` value for the target, fetching a token when the
    /// source is client credentials and no unexpired one is held.
    pub fn authorization(
        &mut self,
        target: &Target<'_>,
        client: &HttpClient,
        stop: &StopSignal,
        deadline: Option<Instant>,
    ) -> Result<Option<SecretString>, AuthError> {
        if !target.needs_bearer {
            return Ok(None);
        }
        let token = match &self.bearer {
            None => return Err(AuthError("no bearer token configured".into())),
            Some(BearerSource::Token(t)) => t.clone(),
            Some(BearerSource::ClientCredentials {
                token_url,
                client_id,
                client_secret,
                scope,
            }) => {
                let fresh = self
                    .fetched
                    .as_ref()
                    .filter(|(_, until)| until.is_none_or(|u| Instant::now() < u));
                match fresh {
                    Some((t, _)) => t.clone(),
                    None => {
                        let (t, until) = fetch_token(
                            client,
                            stop,
                            deadline,
                            token_url,
                            client_id,
                            client_secret,
                            scope.as_deref(),
                        )?;
                        self.fetched = Some((t.clone(), until));
                        t
                    }
                }
            }
        };
        Ok(Some(SecretString::new(format!(
            "Bearer {}",
            token.expose()
        ))))
    }

    /// The server refused the token: forget a fetched one. `true` when a new one
    /// can be fetched (client credentials), so the request is worth repeating.
    pub fn token_rejected(&mut self) -> bool {
        let refetchable = matches!(self.bearer, Some(BearerSource::ClientCredentials { .. }));
        self.fetched = None;
        refetchable
    }

    /// The signature parameter's value for the target's query, when it uses a
    /// signed query (`x-signature`: sorted key-value concatenation, HMAC-SHA256).
    pub fn sign(&self, target: &Target<'_>) -> Option<String> {
        let scheme = target.signature.as_ref()?;
        let secret = self.signing_secret.as_ref()?;
        let query = target.query();
        let message = pyng_spec::signature::canonical_message(
            query.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            &scheme.parameter,
        );
        Some(pyng_spec::signature::sign(
            secret.expose().as_bytes(),
            &message,
        ))
    }
}

/// Renews a little before `expires_in` runs out, so a token does not expire in
/// flight.
fn usable_for(expires_in: Duration) -> Duration {
    let secs = expires_in.as_secs();
    Duration::from_secs(secs.saturating_sub((secs / 10).max(1)))
}

/// The `Authorization` value for client credentials: RFC 6749 § 2.3.1
/// form-urlencodes the id and the secret before the Basic encoding (letters,
/// digits and `*-._` are unchanged by that, so usual ids are sent as they are).
fn basic_credentials(client_id: &str, client_secret: &str) -> String {
    let form = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let pair = format!("{}:{}", form(client_id), form(client_secret));
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(pair)
    )
}

fn fetch_token(
    client: &HttpClient,
    stop: &StopSignal,
    deadline: Option<Instant>,
    token_url: &str,
    client_id: &SecretString,
    client_secret: &SecretString,
    scope: Option<&str>,
) -> Result<(SecretString, Option<Instant>), AuthError> {
    let mut body = "grant_type=client_credentials".to_owned();
    if let Some(s) = scope {
        body.push_str("&scope=");
        body.extend(percent_encoding::utf8_percent_encode(
            s,
            percent_encoding::NON_ALPHANUMERIC,
        ));
    }
    let req = Request {
        method: "POST".into(),
        url: token_url.to_owned(),
        headers: vec![
            (
                "Authorization".into(),
                basic_credentials(client_id.expose(), client_secret.expose()),
            ),
            (
                "Content-Type".into(),
                "application/x-www-form-urlencoded".into(),
            ),
            ("Accept".into(), "application/json".into()),
        ],
        body: body.into_bytes(),
    };
    // Token exchanges are not part of the checked traffic: nothing is recorded.
    let resp = match client.send(&req, stop, deadline, &mut |_| {}) {
        Sent::Response(r) => r,
        Sent::Unreachable(e) => {
            return Err(AuthError(format!("the token endpoint {token_url}: {e}")));
        }
        Sent::Stopped => return Err(AuthError("interrupted".into())),
    };
    let token = super::token::parse(resp.status, &resp.body)
        .map_err(|e| AuthError(format!("the token endpoint {token_url} {e}")))?;
    // No usable instant that far ahead: the token is used until refused.
    let until = token
        .expires_in
        .and_then(|d| Instant::now().checked_add(usable_for(d)));
    Ok((SecretString::new(token.access_token), until))
}

#[cfg(test)]
mod tests {
    use super::*;
    use pyng_conformance::Engine;

    #[test]
    fn secrets_never_show_in_debug() {
        let auth = Auth::new(
            Some(BearerSource::ClientCredentials {
                token_url: "http://h/t".into(),
                client_id: SecretString::new("id-abcdefgh"),
                client_secret: SecretString::new("secret-abcdefgh"),
                scope: None,
            }),
            Some(SecretString::new("peach-abcdefgh")),
        );
        let text = format!("{auth:?}");
        for s in ["id-abcdefgh", "secret-abcdefgh", "peach-abcdefgh"] {
            assert!(!text.contains(s), "{text}");
        }
        assert_eq!(auth.secrets().len(), 3);
    }

    #[test]
    fn signs_the_query_with_the_peach_test_key() {
        let engine = Engine::with_bundled_specs().unwrap();
        let params = vec![
            (
                "authentication.entityId".to_owned(),
                "8ac7a4ca68c22c4d0168c2caab2e0025".to_owned(),
            ),
            ("merchantTransactionId".to_owned(), "Test1234".to_owned()),
        ];
        let t = Target::resolve(
            engine.specs(),
            "getCheckoutStatus",
            "http://h",
            &params,
            &[],
        )
        .unwrap();
        let auth = Auth::new(
            None,
            Some(SecretString::new("3fcd7cf22f55119eadbe02d14de18c0c")),
        );
        let sig = auth.sign(&t).unwrap();
        let message =
            "authentication.entityId8ac7a4ca68c22c4d0168c2caab2e0025merchantTransactionIdTest1234";
        assert_eq!(
            sig,
            pyng_spec::signature::sign(b"3fcd7cf22f55119eadbe02d14de18c0c", message)
        );
        assert_eq!(sig.len(), 64);
        assert!(auth.missing_for(&t).is_none());
        assert!(Auth::new(None, None).missing_for(&t).is_some());
    }

    #[test]
    fn client_credentials_are_form_urlencoded_before_basic_encoding() {
        let decoded = |header: String| {
            let b64 = header.strip_prefix("Basic ").unwrap().to_owned();
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(b64)
                .unwrap();
            String::from_utf8(bytes).unwrap()
        };
        assert_eq!(
            decoded(basic_credentials("client-1_a.b*", "S3cret")),
            "client-1_a.b*:S3cret"
        );
        // A `:` in the id would otherwise end it early.
        assert_eq!(
            decoded(basic_credentials("id:1 é", "p&w=%+")),
            "id%3A1+%C3%A9:p%26w%3D%25%2B"
        );
    }

    #[test]
    fn tokens_are_renewed_before_they_expire() {
        let s = Duration::from_secs;
        assert_eq!(usable_for(s(3600)), s(3240));
        assert_eq!(usable_for(s(5)), s(4));
        assert_eq!(usable_for(s(0)), Duration::ZERO);
        assert!(usable_for(s(u64::MAX)) > s(u64::MAX / 2));
    }
}
