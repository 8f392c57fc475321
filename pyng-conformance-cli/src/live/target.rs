//! The polled resource: an operation of a loaded spec plus parameter values,
//! turned into request URLs, the authentication it needs, and the states that end
//! polling — all read from the IR.

use std::collections::BTreeSet;
use std::time::Duration;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use pyng_spec::ir::{
    Operation, ParamLocation, SecurityScheme, SignatureScheme, Spec, StateMachine,
};
use serde_json::Value;

use pyng_conformance::plan::SequencePlan;
use pyng_conformance::redact::is_secret_header;
use pyng_spec::contract::ResponseContract;

/// RFC 3986 unreserved characters stay as they are; everything else is encoded.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Polling ends by a deadline when the spec gives no longer timeout.
const DEFAULT_DEADLINE: Duration = Duration::from_secs(15 * 60);

/// Why a target cannot be polled (a usage error: exit status 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetError(pub String);

impl std::fmt::Display for TargetError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TargetError {}

fn err<T>(message: impl Into<String>) -> Result<T, TargetError> {
    Err(TargetError(message.into()))
}

/// One resource of one operation.
#[derive(Debug)]
pub struct Target<'s> {
    /// The spec of the polled operation.
    pub spec: &'s Spec,
    /// The polled operation.
    pub op: &'s Operation,
    /// `scheme://authority[/prefix]`, without a trailing slash.
    base_url: String,
    /// Given parameters in the order given (path, query and header ones).
    params: Vec<(String, String)>,
    extra_headers: Vec<(String, String)>,
    /// The operation's `security` includes a bearer scheme.
    pub needs_bearer: bool,
    /// The bearer scheme's OAuth 2.0 `tokenUrl`, as the spec writes it.
    pub spec_token_url: Option<String>,
    /// The operation's `security` includes a signed query.
    pub signature: Option<SignatureScheme>,
    /// Security schemes the poller cannot satisfy (sent without them).
    pub unsupported_security: Vec<String>,
    /// What the sequence checks read in the success body (status field, deadlines).
    pub plan: SequencePlan,
}

impl<'s> Target<'s> {
    /// The token endpoint to ask: the path of the spec's `tokenUrl` on the
    /// polled origin (so that polling a sandbox asks the sandbox), or `None`
    /// when the spec names none.
    pub fn default_token_url(&self) -> Option<String> {
        let path = pyng_spec::contract::roles::url_path(self.spec_token_url.as_deref()?);
        let base = self.base_url();
        let origin = match base.split_once("://") {
            Some((scheme, rest)) => {
                let host = rest.split('/').next().unwrap_or(rest);
                format!("{scheme}://{host}")
            }
            None => base.to_owned(),
        };
        let sep = if path.starts_with('/') { "" } else { "/" };
        Some(format!("{origin}{sep}{path}"))
    }

    /// Resolves `operation` in `specs` and checks the parameters against it:
    /// every name is a parameter of the operation, required ones are given,
    /// exactly one of an `x-one-of-parameters` group is given, and the signature
    /// parameter is left to the signer.
    pub fn resolve(
        specs: &'s [Spec],
        operation: &str,
        base_url: &str,
        params: &[(String, String)],
        headers: &[(String, String)],
    ) -> Result<Target<'s>, TargetError> {
        let (spec, op) = find(specs, operation)?;
        Target::build(spec, op, base(base_url)?, params, headers, Given::All)
    }

    /// Like [`Self::resolve`] for an operation whose parameters a creation's
    /// link gives later ([`Self::filled`]): the ones given now are checked,
    /// the required ones are not asked for yet.
    pub fn awaiting_link(
        specs: &'s [Spec],
        operation: &str,
        base_url: &str,
        params: &[(String, String)],
        headers: &[(String, String)],
    ) -> Result<Target<'s>, TargetError> {
        let (spec, op) = find(specs, operation)?;
        Target::build(spec, op, base(base_url)?, params, headers, Given::Some)
    }

    /// This target with the values a link gave (they win over the ones
    /// given before), checked as [`Self::resolve`] checks parameters.
    pub fn filled(&self, linked: &[(String, String)]) -> Result<Target<'s>, TargetError> {
        let mut params = linked.to_vec();
        params.extend(
            self.params
                .iter()
                .filter(|(n, _)| !linked.iter().any(|(l, _)| l == n))
                .cloned(),
        );
        Target::build(
            self.spec,
            self.op,
            self.base_url.clone(),
            &params,
            &self.extra_headers,
            Given::All,
        )
    }

    fn build(
        spec: &'s Spec,
        op: &'s Operation,
        base_url: String,
        params: &[(String, String)],
        headers: &[(String, String)],
        given_now: Given,
    ) -> Result<Target<'s>, TargetError> {
        let mut needs_bearer = false;
        let mut spec_token_url = None;
        let mut signature = None;
        let mut unsupported_security = Vec::new();
        for name in &op.security {
            match spec.security_schemes.get(name) {
                Some(SecurityScheme::Bearer { token_url }) => {
                    needs_bearer = true;
                    spec_token_url = spec_token_url.or_else(|| token_url.clone());
                }
                Some(SecurityScheme::SignedQuery(s)) => signature = Some(s.clone()),
                Some(SecurityScheme::Basic | SecurityScheme::Other) | None => {
                    unsupported_security.push(name.clone());
                }
            }
        }
        for (name, _) in params {
            let Some(p) = op.param(name) else {
                let names: Vec<&str> = op.params.iter().map(|p| p.name.as_str()).collect();
                return err(format!(
                    "`{name}` is not a parameter of {} (parameters: {})",
                    op.id,
                    names.join(", ")
                ));
            };
            if signature.as_ref().is_some_and(|s| s.parameter == p.name) {
                return err(format!(
                    "`{name}` is computed by the poller (signed query); give the secret with --signing-secret-env instead"
                ));
            }
            if params.iter().filter(|(n, _)| n == name).count() > 1 {
                return err(format!("`{name}` is given more than once"));
            }
        }
        let given = |name: &str| params.iter().any(|(n, _)| n == name);
        for p in op.params.iter().filter(|_| given_now == Given::All) {
            let signed = signature.as_ref().is_some_and(|s| s.parameter == p.name);
            // Header parameters (`Content-Type` on a GET) are documentation only.
            if p.required && !signed && p.location != ParamLocation::Header && !given(&p.name) {
                return err(format!(
                    "{} needs the parameter `{}` (--param {}=VALUE)",
                    op.id, p.name, p.name
                ));
            }
        }
        if given_now == Given::All && !op.one_of_params.is_empty() {
            let n = op.one_of_params.iter().filter(|n| given(n)).count();
            if n != 1 {
                return err(format!(
                    "{} needs exactly one of {}",
                    op.id,
                    op.one_of_params.join(", ")
                ));
            }
        }
        for (name, _) in headers {
            if is_secret_header(name) {
                return err(format!(
                    "--header `{name}`: credentials are never taken from the command line; use the environment variables (see --help)"
                ));
            }
        }
        let plan = pyng_spec::contract::success_response(op)
            .and_then(|i| op.responses.get(i))
            .map(|r| SequencePlan::from(ResponseContract::of_response(spec, r)))
            .unwrap_or_default();
        Ok(Target {
            spec,
            op,
            base_url,
            params: params.to_vec(),
            extra_headers: headers.to_vec(),
            needs_bearer,
            spec_token_url,
            signature,
            unsupported_security,
            plan,
        })
    }

    /// The value given for the parameter `name`.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The query parameters to send, in the order given; without the signature.
    pub fn query(&self) -> Vec<(String, String)> {
        self.params
            .iter()
            .filter(|(n, _)| {
                self.op
                    .param(n)
                    .is_some_and(|p| p.location == ParamLocation::Query)
            })
            .cloned()
            .collect()
    }

    /// The request URL, with `signature` (the value of the signature parameter,
    /// computed by the caller over [`Self::query`]) appended last.
    pub fn url(&self, signature: Option<&str>) -> String {
        let mut path = String::new();
        // Path templates are `/literal/{name}/...`; each parameter is one segment.
        let mut rest = self.op.path.as_str();
        while let Some(start) = rest.find('{') {
            let Some(len) = rest[start..].find('}') else {
                break;
            };
            path.push_str(&rest[..start]);
            let name = &rest[start + 1..start + len];
            let value = self
                .params
                .iter()
                .find(|(n, _)| n == name)
                .map_or("", |(_, v)| v.as_str());
            path.extend(utf8_percent_encode(value, COMPONENT));
            rest = &rest[start + len + 1..];
        }
        path.push_str(rest);
        let mut query: Vec<(String, String)> = self.query();
        if let (Some(scheme), Some(sig)) = (&self.signature, signature) {
            query.push((scheme.parameter.clone(), sig.to_owned()));
        }
        let mut url = format!("{}{path}", self.base_url);
        for (i, (k, v)) in query.iter().enumerate() {
            url.push(if i == 0 { '?' } else { '&' });
            url.extend(utf8_percent_encode(k, COMPONENT));
            url.push('=');
            url.extend(utf8_percent_encode(v, COMPONENT));
        }
        url
    }

    /// Header parameters given with `--param` and extra `--header`s.
    pub fn headers(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = self
            .params
            .iter()
            .filter(|(n, _)| {
                self.op
                    .param(n)
                    .is_some_and(|p| p.location == ParamLocation::Header)
            })
            .cloned()
            .collect();
        out.extend(self.extra_headers.iter().cloned());
        out
    }

    /// `operationId name=value ...` over the `x-resource-key` parameters (the
    /// same label the reports give the sequence).
    pub fn label(&self) -> String {
        let mut label = self.op.id.clone();
        for k in &self.op.resource_key {
            if let Some((_, v)) = self.params.iter().find(|(n, _)| n == k) {
                label.push_str(&format!(" {k}={v}"));
            }
        }
        label
    }

    /// The state machine of the status field of the success body.
    pub fn machine(&self) -> Option<&StateMachine> {
        self.plan.states.as_ref().map(|m| &m.machine)
    }

    /// The documented status value in a success body, if any.
    pub fn status_of(&self, body: &Value) -> Option<String> {
        let (tracked, _) = self.plan.status.as_ref()?;
        let states = self.plan.states.as_ref()?;
        let s = body.pointer(&tracked.pointer)?.as_str()?;
        states.index(s).map(|_| s.to_owned())
    }

    /// The states that end polling: the machine's `final` states.
    pub fn final_states(&self) -> BTreeSet<String> {
        self.machine()
            .map(|m| m.final_states.clone())
            .unwrap_or_default()
    }

    /// `x-polling.intervalSeconds`.
    pub fn interval(&self) -> Option<Duration> {
        self.op
            .polling
            .as_ref()
            .map(|p| Duration::from_secs(p.interval_seconds))
    }

    /// 15 minutes, or the longest `afterSeconds` timeout of the state machine plus
    /// two polling intervals when that is longer: long enough to see a resource
    /// reach a final state through its own timeout.
    pub fn default_deadline(&self) -> Duration {
        let longest = self
            .machine()
            .map(pyng_spec::contract::timeouts::longest_in)
            .unwrap_or_default();
        let interval = self.interval().unwrap_or_default();
        // Saturating: a spec may say `u64::MAX` seconds.
        DEFAULT_DEADLINE.max(longest.saturating_add(interval.saturating_mul(2)))
    }
}

/// Whether every parameter the operation needs is given yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Given {
    All,
    /// The rest comes from a creation's link.
    Some,
}

/// The operation `operation` of `specs`, with its spec.
fn find<'s>(specs: &'s [Spec], operation: &str) -> Result<(&'s Spec, &'s Operation), TargetError> {
    specs
        .iter()
        .find_map(|s| s.operation(operation).map(|o| (s, o)))
        .ok_or_else(|| {
            let known: Vec<&str> = specs
                .iter()
                .flat_map(|s| s.operations.iter().map(|o| o.id.as_str()))
                .collect();
            TargetError(format!(
                "no loaded spec has an operation `{operation}` (known: {})",
                known.join(", ")
            ))
        })
}

/// Validates and normalises a base URL.
fn base(url: &str) -> Result<String, TargetError> {
    let lower = url.to_ascii_lowercase();
    let Some(rest) = ["http://", "https://"]
        .iter()
        .find_map(|s| lower.starts_with(s).then(|| &url[s.len()..]))
    else {
        return err(format!(
            "--base-url `{url}` is not an http:// or https:// URL"
        ));
    };
    if url.contains(['?', '#']) || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return err("--base-url must not have a query, a fragment or spaces");
    }
    let authority = rest.split('/').next().unwrap_or("");
    if authority.contains('@') {
        // Never accept credentials on the command line, not even inside a URL.
        return err(
            "--base-url must not contain credentials (user:password@); use the environment variables",
        );
    }
    if authority.is_empty() {
        return err(format!("--base-url `{url}` has no host"));
    }
    Ok(url.trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use pyng_conformance::Engine;

    fn p(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn builds_urls_from_the_operation() {
        let engine = Engine::with_bundled_specs().unwrap();
        let t = Target::resolve(
            engine.specs(),
            "getTransactionStatus",
            "http://127.0.0.1:8080/",
            &p(&[("siteId", "site 1/x"), ("paymentIntentId", "pi-1")]),
            &[],
        )
        .unwrap();
        assert_eq!(
            t.url(None),
            "http://127.0.0.1:8080/checkout/site%201%2Fx/transaction-status?paymentIntentId=pi-1"
        );
        assert!(t.needs_bearer && t.signature.is_none());
        // The spec's tokenUrl, on the polled origin.
        assert_eq!(
            t.default_token_url().as_deref(),
            Some("http://127.0.0.1:8080/checkout/oauth2/token")
        );
        assert!(t.final_states().contains("Settled"));
        assert_eq!(t.interval(), Some(Duration::from_secs(5)));
        assert_eq!(
            t.label(),
            "getTransactionStatus siteId=site 1/x paymentIntentId=pi-1"
        );

        let t = Target::resolve(
            engine.specs(),
            "getCheckoutStatus",
            "https://h.example/prefix",
            &p(&[
                (
                    "authentication.entityId",
                    "8ac7a4ca86c2c24d0168c2caab2e0025",
                ),
                ("checkoutId", "c1"),
            ]),
            &[],
        )
        .unwrap();
        assert!(!t.needs_bearer);
        assert_eq!(t.signature.as_ref().unwrap().parameter, "signature");
        assert_eq!(
            t.url(Some("ab")),
            "https://h.example/prefix/status?authentication.entityId=8ac7a4ca86c2c24d0168c2caab2e0025&checkoutId=c1&signature=ab"
        );
        // Peach's 30-minute expiry plus two 30 s intervals is longer than 15 min.
        assert_eq!(t.default_deadline(), Duration::from_secs(1800 + 60));
    }

    #[test]
    fn rejects_what_the_operation_does_not_take() {
        let engine = Engine::with_bundled_specs().unwrap();
        let resolve = |op: &str, url: &str, params: &[(&str, &str)], headers: &[(&str, &str)]| {
            Target::resolve(engine.specs(), op, url, &p(params), &p(headers))
                .err()
                .map(|e| e.0)
                .unwrap_or_default()
        };
        let tx = [("siteId", "s"), ("paymentIntentId", "pi")];
        assert!(resolve("nope", "http://h", &tx, &[]).contains("no loaded spec"));
        assert!(resolve("getTransactionStatus", "ftp://h", &tx, &[]).contains("http://"));
        assert!(resolve("getTransactionStatus", "http://u:p@h", &tx, &[]).contains("credentials"));
        assert!(
            resolve("getTransactionStatus", "http://h", &tx[..1], &[]).contains("paymentIntentId")
        );
        assert!(
            resolve("getTransactionStatus", "http://h", &[("x", "1")], &[])
                .contains("not a parameter")
        );
        assert!(
            resolve(
                "getTransactionStatus",
                "http://h",
                &tx,
                &[("Authorization", "x")]
            )
            .contains("credentials")
        );
        let peach = [
            ("authentication.entityId", "e"),
            ("checkoutId", "c"),
            ("merchantTransactionId", "m"),
        ];
        assert!(resolve("getCheckoutStatus", "http://h", &peach, &[]).contains("exactly one"));
        assert!(
            resolve(
                "getCheckoutStatus",
                "http://h",
                &[
                    ("authentication.entityId", "e"),
                    ("checkoutId", "c"),
                    ("signature", "s")
                ],
                &[]
            )
            .contains("computed")
        );
    }
}
