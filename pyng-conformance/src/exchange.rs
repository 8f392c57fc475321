//! The exchange model every input format is read into.

use std::sync::Arc;

/// One recorded request/response pair.
#[derive(Debug, Clone, Default)]
pub struct Exchange {
    /// The file it came from.
    pub file: Arc<str>,
    /// 0-based index in the recording; `None` for a bare body.
    pub entry: Option<usize>,
    pub method: String,
    /// The path without query, percent-encoded as recorded.
    pub path: String,
    /// Decoded query parameters in recorded order.
    pub query: Vec<(String, String)>,
    /// Request headers with credentials already redacted (see [`redact_header`]).
    pub request_headers: Vec<(String, String)>,
    pub status: u16,
    /// `Content-Type` of the response, `None` when not recorded.
    pub content_type: Option<String>,
    /// The response body bytes as received.
    pub body: Vec<u8>,
    /// When the request was sent, Unix milliseconds.
    pub time_ms: Option<i128>,
    /// Set by a bare-body check: the operation is given, not matched.
    pub operation: Option<String>,
}

impl Exchange {
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The placeholder that replaces a credential.
pub const REDACTED: &str = "<redacted>";

/// Headers whose values are credentials and are dropped at ingestion, so that no
/// report can ever print them.
pub fn is_secret_header(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n == "authorization"
        || n == "proxy-authorization"
        || n == "cookie"
        || n == "set-cookie"
        || n.contains("api-key")
        || n.contains("secret")
        || n.contains("token")
}

/// Returns the header as it may be stored: credentials replaced by [`REDACTED`].
pub fn redact_header(name: &str, value: &str) -> (String, String) {
    if is_secret_header(name) {
        (name.to_owned(), REDACTED.to_owned())
    } else {
        (name.to_owned(), value.to_owned())
    }
}

/// Splits a URL (absolute or a bare path) into its path and decoded query.
pub fn split_url(url: &str) -> (String, Vec<(String, String)>) {
    let without_fragment = url.split('#').next().unwrap_or("");
    let (before_query, query) = match without_fragment.split_once('?') {
        Some((b, q)) => (b, q),
        None => (without_fragment, ""),
    };
    let path = match before_query.find("://") {
        Some(scheme_end) => {
            let after = &before_query[scheme_end + 3..];
            match after.find('/') {
                Some(i) => after[i..].to_owned(),
                None => "/".to_owned(),
            }
        }
        None => before_query.to_owned(),
    };
    (path, parse_query(query))
}

/// Decodes `application/x-www-form-urlencoded`-style query text.
pub fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn decode(s: &str) -> String {
    let plus_as_space = s.replace('+', " ");
    percent_encoding::percent_decode_str(&plus_as_space)
        .decode_utf8_lossy()
        .into_owned()
}

/// Parses an RFC 3339 / ISO 8601 timestamp (as HAR writes them) to Unix millis.
pub fn parse_time(s: &str) -> Option<i128> {
    pyng_spec::validate::parse_rfc3339(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_absolute_and_relative_urls() {
        let (p, q) = split_url(
            "https://h.example/checkout/S1/transaction-status?paymentIntentId=pi%201&x=a+b#frag",
        );
        assert_eq!(p, "/checkout/S1/transaction-status");
        assert_eq!(
            q,
            vec![
                ("paymentIntentId".into(), "pi 1".into()),
                ("x".into(), "a b".into())
            ]
        );
        let (p, q) = split_url("/status");
        assert_eq!(p, "/status");
        assert!(q.is_empty());
        assert_eq!(split_url("https://h.example").0, "/");
    }

    #[test]
    fn credentials_are_redacted() {
        assert_eq!(redact_header("Authorization", "Bearer abc").1, REDACTED);
        assert_eq!(
            redact_header("Accept", "application/json").1,
            "application/json"
        );
    }
}
