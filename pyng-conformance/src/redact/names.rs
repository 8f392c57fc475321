//! Which names hold credentials: header names, and the field names of bodies,
//! form bodies and queries.

/// Headers whose values are credentials (`Authorization`, cookies, and any
/// name with `token`, `secret` or `api-key` in it).
pub fn is_secret_header(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    matches!(
        name.as_str(),
        "authorization" | "proxy-authorization" | "cookie" | "set-cookie"
    ) || ["api-key", "secret", "token"]
        .iter()
        .any(|part| name.contains(part))
}

/// What a credential is replaced with: [`super::REDACTED`], after the
/// authentication scheme of a value that starts with one the kit reads
/// (`Bearer <redacted>`, RFC 9110 § 11.4), which says what kind of
/// credential was sent and is no secret. A value without such a scheme word
/// may be the secret itself, so it is replaced whole.
pub fn redacted_value(value: &str) -> std::borrow::Cow<'static, str> {
    let scheme = value
        .split_once(' ')
        .filter(|(_, rest)| !rest.trim().is_empty())
        .map(|(word, _)| word)
        .filter(|word| {
            ["bearer", "basic", "digest"]
                .iter()
                .any(|s| word.eq_ignore_ascii_case(s))
        });
    // The usual spellings need no allocation (every recorded request has one).
    match scheme {
        Some("Bearer") => "Bearer <redacted>".into(),
        Some("Basic") => "Basic <redacted>".into(),
        Some(word) => format!("{word} {}", super::REDACTED).into(),
        None => super::REDACTED.into(),
    }
}

/// Whether `value` is a redacted credential ([`redacted_value`] leaves it
/// as it is).
pub fn is_redacted(value: &str) -> bool {
    redacted_value(value) == value
}

/// Fields (of a JSON body, a form body or a query) whose values are
/// credentials: a token response's `access_token`, `refresh_token` and
/// `id_token`, a `client_secret`, a `password`, an API key. Narrower than
/// [`is_secret_header`] on purpose: a body's `token_type` or `expires_in` is
/// data a check reads, not a secret. Case, `-` and `_` do not count.
pub fn is_secret_field(name: &str) -> bool {
    let folded: String = name
        .chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect();
    matches!(
        folded.as_str(),
        "authorization" | "cookie" | "setcookie" | "assertion" | "clientassertion"
    ) || ["token", "secret", "password", "apikey", "passphrase"]
        .iter()
        .any(|end| folded.ends_with(end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_fields_are_known_and_data_is_not() {
        for name in [
            "access_token",
            "refresh_token",
            "id_token",
            "client_secret",
            "clientSecret",
            "Password",
            "api_key",
            "X-Api-Key",
            "signingSecret",
            "token",
        ] {
            assert!(is_secret_field(name), "{name}");
        }
        for name in [
            "token_type",
            "expires_in",
            "signature",
            "client_id",
            "scope",
            "paymentIntentId",
            "transactionStatus",
        ] {
            assert!(!is_secret_field(name), "{name}");
        }
    }
}
