//! `client.token-reuse`: the client keeps its access token until it
//! expires. Recordings redact tokens, so tokens cannot be told apart: the
//! rule judges the times of the token requests against the lifetime the last
//! successful token response gave (`expires_in`, RFC 6749 § 5.1), and counts
//! how many requests carrying a token had a token request just before them.
//! Which operation issues tokens is the spec's: the OAuth 2.0 `tokenUrl` of a
//! bearer scheme ([`TokenRole::of`]).

use pyng_spec::contract::roles;
use pyng_spec::ir::{Operation, SecurityScheme, Spec};
use pyng_spec::registry::RuleId;

use crate::finding::Finding;

/// A token may be renewed this early (in percent of its lifetime) ...
const RENEWAL_PERCENT: i128 = 10;
/// ... or this many ms early, whichever is longer: clocks differ, and a
/// client renews before a token runs out rather than after a refusal.
const RENEWAL_MIN_MS: i128 = 30_000;
/// `token per request` needs at least this many requests carrying a token.
const PER_REQUEST_MIN: usize = 3;

/// What an operation is to the token rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum TokenRole {
    /// Neither issues nor takes a token.
    #[default]
    None,
    /// The `POST` at a bearer scheme's `tokenUrl`: it issues tokens.
    Issues,
    /// Secured by a bearer scheme with a `tokenUrl`: it takes a token.
    Takes,
}

impl TokenRole {
    /// `op`'s role in `spec`: the token operation is the `POST` whose path,
    /// under one of the spec's base paths, is the path of a bearer scheme's
    /// OAuth 2.0 `tokenUrl` (never a path written here).
    pub(crate) fn of(spec: &Spec, op: &Operation) -> TokenRole {
        let at_token_url =
            roles::issues_tokens(spec, op, roles::token_urls(spec.security_schemes.values()));
        if at_token_url {
            return TokenRole::Issues;
        }
        let takes = op.security.iter().any(|name| {
            matches!(
                spec.security_schemes.get(name),
                Some(SecurityScheme::Bearer { token_url: Some(_) })
            )
        });
        if takes {
            TokenRole::Takes
        } else {
            TokenRole::None
        }
    }
}

/// A token response's `expires_in` in seconds, when the body has one as a
/// positive integer.
pub(crate) fn expires_in(body: &[u8]) -> Option<u64> {
    #[derive(serde::Deserialize)]
    struct TokenBody {
        expires_in: Option<serde_json::Value>,
    }
    let body: TokenBody = serde_json::from_slice(body).ok()?;
    body.expires_in?.as_u64().filter(|s| *s > 0)
}

/// Where a finding is reported.
pub(crate) struct At<'a> {
    pub file: &'a str,
    pub entry: Option<usize>,
    pub operation: &'a str,
}

/// The token use of one file so far: a few numbers however long it is.
#[derive(Debug, Clone, Default)]
pub(crate) struct TokenUse {
    /// The last token: when it was issued and when it may be renewed (ms),
    /// and its lifetime (s); `None` once refused (a 401).
    last: Option<(i128, i128, u64)>,
    /// A token request came after the last request carrying a token.
    token_pending: bool,
    /// Requests carrying a token, and those of them a token request came
    /// just before.
    taking: usize,
    after_token: usize,
    /// The first of those, for the finding.
    first_after_token: Option<(Option<usize>, String)>,
    /// A token response gave a lifetime: the times judge, not the count.
    lifetime_seen: bool,
}

impl TokenUse {
    /// A request of the token operation at `time_ms`, answered `status`
    /// with a token of `expires_in` seconds.
    pub(crate) fn token_request(
        &mut self,
        at: &At<'_>,
        time_ms: Option<i128>,
        status: u16,
        expires_in: Option<u64>,
        out: &mut Vec<Finding>,
    ) {
        self.token_pending = true;
        let Some(t) = time_ms else { return };
        if let Some((issued, renewable, lifetime)) = self.last
            && t < renewable
        {
            let mut f = Finding::of(
                RuleId::ClientTokenReuse,
                at.file,
                format!(
                    "a new token requested {} s after the last, whose `expires_in` gave it {lifetime} s: reuse a token until it is about to expire (renewal from {} s on)",
                    (t - issued).max(0) / 1000,
                    (renewable - issued) / 1000
                ),
            );
            f.entry = at.entry;
            f.operation = Some(at.operation.to_owned());
            out.push(f);
        }
        if (200..300).contains(&status)
            && let Some(seconds) = expires_in
        {
            self.lifetime_seen = true;
            let lifetime_ms = i128::from(seconds).saturating_mul(1000);
            let early = (lifetime_ms * RENEWAL_PERCENT / 100).max(RENEWAL_MIN_MS);
            self.last = Some((t, t.saturating_add(lifetime_ms - early), seconds));
        }
    }

    /// A request of an operation that takes a token, answered `status`.
    pub(crate) fn takes_token(&mut self, entry: Option<usize>, operation: &str, status: u16) {
        self.taking += 1;
        if std::mem::take(&mut self.token_pending) {
            self.after_token += 1;
            if self.first_after_token.is_none() {
                self.first_after_token = Some((entry, operation.to_owned()));
            }
        }
        // A refused token is renewed at once, however long it had to run.
        if status == 401 {
            self.last = None;
        }
    }

    /// At the end of the file: a token before most requests that carry one,
    /// when no token response gave a lifetime to judge the times by (a
    /// client renewing a short-lived token on time is not asking per request).
    pub(crate) fn finish(&self, file: &str) -> Option<Finding> {
        if self.lifetime_seen
            || self.taking < PER_REQUEST_MIN
            || self.after_token * 2 <= self.taking
        {
            return None;
        }
        let (entry, operation) = self.first_after_token.clone()?;
        let mut f = Finding::of(
            RuleId::ClientTokenReuse,
            file,
            format!(
                "a token requested before {} of the {} requests that carry one: request a token once and reuse it until it expires",
                self.after_token, self.taking
            ),
        );
        f.entry = entry;
        f.operation = Some(operation);
        Some(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expires_in_is_a_positive_integer_of_the_body() {
        assert_eq!(expires_in(br#"{"expires_in": 3600}"#), Some(3600));
        for body in [
            &br#"{"expires_in": 0}"#[..],
            br#"{"expires_in": "3600"}"#,
            br#"{"expires_in": -5}"#,
            br#"{}"#,
            b"not json",
        ] {
            assert_eq!(expires_in(body), None);
        }
    }
}
