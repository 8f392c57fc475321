//! `http.request-credentials`: the recorded request carries the credentials
//! of one of the operation's security requirements (OpenAPI's `security`: a
//! list of alternatives, each naming schemes that all apply). What each
//! scheme asks for: `Authorization: Bearer ...` for a bearer or OAuth 2.0
//! scheme, `Authorization: Basic ...` for HTTP basic. A signed query
//! (`x-signature`) is `signature.request`'s. A redaction keeps the scheme
//! (`Bearer <redacted>`); an `Authorization` redacted whole (by an older
//! recorder, or one without a scheme word) is present but its scheme cannot
//! be read, so it is not judged, and the coverage says so, as for a scheme
//! the kit does not check.

use pyng_spec::ir::{Operation, SecurityScheme, Spec};
use pyng_spec::registry::RuleId;

use super::at_exchange;
use crate::exchange::{Exchange, header};
use crate::finding::Finding;
use crate::redact::REDACTED;

/// The coverage's reason when a scheme the kit does not check decided.
pub(crate) const UNCHECKED_SCHEME: &str = "the operation's security names a scheme the kit does not check (an `apiKey` without `x-signature`, `openIdConnect`, ...), or the recorded `Authorization` was redacted whole, so the credentials are not judged";

/// Whether the request meets one requirement; `true` when a scheme the kit
/// does not check was needed to say so (the coverage counts it).
pub(crate) fn check(spec: &Spec, op: &Operation, ex: &Exchange, out: &mut Vec<Finding>) -> bool {
    // A bare body has no request.
    if ex.operation.is_some() || op.security_requirements.is_empty() {
        return false;
    }
    let authorization = header(&ex.request_headers, "authorization");
    // Whether the value starts with the authentication scheme `scheme` (any case).
    let is_scheme = |value: &str, scheme: &str| {
        value
            .split_ascii_whitespace()
            .next()
            .is_some_and(|word| word.eq_ignore_ascii_case(scheme))
    };
    let mut unchecked = false;
    for requirement in &op.security_requirements {
        let mut met = true;
        let mut needs_unchecked = false;
        for name in requirement {
            let mut wants = |scheme: &str| match authorization {
                Some(v) if v == REDACTED => {
                    needs_unchecked = true;
                    true
                }
                Some(v) => is_scheme(v, scheme),
                None => false,
            };
            let carried = match spec.security_schemes.get(name) {
                Some(SecurityScheme::Bearer { .. }) => wants("bearer"),
                Some(SecurityScheme::Basic) => wants("basic"),
                Some(SecurityScheme::SignedQuery(_)) => true,
                // The linter refuses a name no scheme has.
                Some(SecurityScheme::Other) | None => {
                    needs_unchecked = true;
                    true
                }
            };
            met &= carried;
        }
        if met && !needs_unchecked {
            return false;
        }
        unchecked |= met;
    }
    if unchecked {
        return true;
    }
    let wanted: Vec<String> = op
        .security_requirements
        .iter()
        .map(|r| {
            r.iter()
                .map(|name| describe(spec, name))
                .collect::<Vec<_>>()
                .join(" and ")
        })
        .collect();
    // Never the value: without a scheme word, its first word is the secret.
    let sent = match authorization {
        Some(v) if is_scheme(v, "bearer") => "it sends `Authorization: Bearer`",
        Some(v) if is_scheme(v, "basic") => "it sends `Authorization: Basic`",
        Some(_) => "its `Authorization` is of another scheme",
        None => "it sends no `Authorization`",
    };
    out.push(
        at_exchange(
            ex,
            &op.id,
            RuleId::HttpRequestCredentials,
            format!(
                "the request carries none of the credentials `{}` asks for ({}): {sent}",
                op.id,
                wanted.join("; or ")
            ),
        )
        .with_source(op.source.as_ref()),
    );
    false
}

fn describe(spec: &Spec, name: &str) -> String {
    match spec.security_schemes.get(name) {
        Some(SecurityScheme::Bearer { .. }) => format!("`Authorization: Bearer` ({name})"),
        Some(SecurityScheme::Basic) => format!("`Authorization: Basic` ({name})"),
        Some(SecurityScheme::SignedQuery(s)) => {
            format!("a signed query, `{}` ({name})", s.parameter)
        }
        Some(SecurityScheme::Other) | None => format!("`{name}`"),
    }
}
