//! The exchange model every input format is read into.

use std::borrow::Cow;
use std::sync::Arc;

use crate::origin::Origin;

/// One recorded request/response pair. Text borrows from the input where it
/// can (`'a`); readers that hand exchanges on keep `Exchange<'static>`.
#[derive(Debug, Clone, Default)]
pub struct Exchange<'a> {
    /// The file it came from.
    pub file: Arc<str>,
    /// 0-based index in the recording; `None` for a bare body.
    pub entry: Option<usize>,
    /// The request method, as recorded.
    pub method: Cow<'a, str>,
    /// The path without query, percent-encoded as recorded.
    pub path: Cow<'a, str>,
    /// Decoded query parameters in recorded order.
    pub query: Vec<(Cow<'a, str>, Cow<'a, str>)>,
    /// Request headers with credentials already redacted (see [`redact_header`]).
    pub request_headers: Vec<(Cow<'a, str>, Cow<'a, str>)>,
    /// `Content-Type` of the request, `None` when not recorded.
    pub request_content_type: Option<Cow<'a, str>>,
    /// The request body bytes as sent (empty: none was recorded).
    pub request_body: Cow<'a, [u8]>,
    /// The response status code.
    pub status: u16,
    /// Response headers in recorded order, credentials (`Set-Cookie`...)
    /// already redacted as in [`Self::request_headers`].
    pub response_headers: Vec<(Cow<'a, str>, Cow<'a, str>)>,
    /// `Content-Type` of the response, `None` when not recorded.
    pub content_type: Option<Cow<'a, str>>,
    /// The response body bytes as received.
    pub body: Cow<'a, [u8]>,
    /// When the request was sent, Unix milliseconds.
    pub time_ms: Option<i128>,
    /// The recorded time when it is not an RFC 3339 date-time (`time_ms` is
    /// then `None`): a finding, and the timeout rules cannot be evaluated.
    pub unreadable_time: Option<Box<str>>,
    /// Set by a bare-body check: the operation is given, not matched.
    pub operation: Option<String>,
    /// Where the exchange and its body are in the input file, when the
    /// reader worked it out as it read (NDJSON lines, bare bodies).
    pub origin: Option<Origin<'a>>,
}

impl Exchange<'_> {
    /// The first value of the query parameter `name`, percent-decoded.
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_ref())
    }

    /// The same exchange, owning its text.
    pub fn into_owned(self) -> Exchange<'static> {
        Exchange {
            file: self.file,
            entry: self.entry,
            method: owned(self.method),
            path: owned(self.path),
            query: owned_pairs(self.query),
            request_headers: owned_pairs(self.request_headers),
            request_content_type: self.request_content_type.map(owned),
            request_body: Cow::Owned(self.request_body.into_owned()),
            status: self.status,
            response_headers: owned_pairs(self.response_headers),
            content_type: self.content_type.map(owned),
            body: Cow::Owned(self.body.into_owned()),
            time_ms: self.time_ms,
            unreadable_time: self.unreadable_time,
            operation: self.operation,
            origin: self.origin.map(Origin::into_owned),
        }
    }
}

fn owned(s: Cow<'_, str>) -> Cow<'static, str> {
    Cow::Owned(s.into_owned())
}

/// Pairs of text, owned.
pub fn owned_pairs(
    pairs: Vec<(Cow<'_, str>, Cow<'_, str>)>,
) -> Vec<(Cow<'static, str>, Cow<'static, str>)> {
    pairs
        .into_iter()
        .map(|(k, v)| (owned(k), owned(v)))
        .collect()
}

pub use crate::redact::{REDACTED, is_secret_header};

/// Returns the header as it may be stored: credentials replaced by [`REDACTED`]
/// (after their scheme, `Bearer <redacted>`: [`crate::redact::redacted_value`]).
pub fn redact_header<'a>(name: Cow<'a, str>, value: Cow<'a, str>) -> (Cow<'a, str>, Cow<'a, str>) {
    if is_secret_header(&name) {
        let redacted = crate::redact::redacted_value(&value);
        (name, redacted)
    } else {
        (name, value)
    }
}

/// `headers` as stored: each redacted by [`redact_header`].
pub fn redact_headers<'a>(
    headers: impl IntoIterator<Item = (Cow<'a, str>, Cow<'a, str>)>,
) -> Vec<(Cow<'a, str>, Cow<'a, str>)> {
    headers
        .into_iter()
        .map(|(name, value)| redact_header(name, value))
        .collect()
}

/// The value of the first header `name` (case-insensitive) of `headers`.
pub fn header<'h, 'a>(
    headers: &'h [(Cow<'a, str>, Cow<'a, str>)],
    name: &str,
) -> Option<&'h Cow<'a, str>> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v)
}

/// The path and decoded query of a URL.
pub type SplitUrl<'a> = (Cow<'a, str>, Vec<(Cow<'a, str>, Cow<'a, str>)>);

/// [`split_url`] of a URL that may be owned: the parts borrow from it when
/// it is borrowed.
pub fn split_url_cow(url: Cow<'_, str>) -> SplitUrl<'_> {
    match url {
        Cow::Borrowed(u) => split_url(u),
        Cow::Owned(u) => {
            let (path, query) = split_url(&u);
            (owned(path), owned_pairs(query))
        }
    }
}

/// Splits a URL (absolute or a bare path) into its path and decoded query,
/// borrowing from `url` where nothing is decoded.
pub fn split_url(url: &str) -> SplitUrl<'_> {
    let (path, query) = path_and_query(url);
    (Cow::Borrowed(path), parse_query(query))
}

/// The path of a URL (absolute or a bare path) and its query text, undecoded.
pub(crate) fn path_and_query(url: &str) -> (&str, &str) {
    let without_fragment = url.split('#').next().unwrap_or_default();
    let (before_query, query) = without_fragment
        .split_once('?')
        .unwrap_or((without_fragment, ""));
    let path = match before_query.split_once("://") {
        Some((_, after_scheme)) => match after_scheme.find('/') {
            Some(i) => &after_scheme[i..],
            None => "/",
        },
        None => before_query,
    };
    (path, query)
}

/// Decodes `application/x-www-form-urlencoded`-style query text.
pub fn parse_query(query: &str) -> Vec<(Cow<'_, str>, Cow<'_, str>)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn decode(s: &str) -> Cow<'_, str> {
    if !s.contains(['+', '%']) {
        return Cow::Borrowed(s);
    }
    let plus_as_space = s.replace('+', " ");
    Cow::Owned(
        percent_encoding::percent_decode_str(&plus_as_space)
            .decode_utf8_lossy()
            .into_owned(),
    )
}

/// Parses an RFC 3339 / ISO 8601 timestamp (as HAR writes them) to Unix millis.
pub fn parse_time(s: &str) -> Option<i128> {
    pyng_spec::validate::parse_rfc3339(s)
}

/// A recorded time as [`Exchange::time_ms`] and [`Exchange::unreadable_time`].
pub fn read_time(recorded: Option<&str>) -> (Option<i128>, Option<Box<str>>) {
    match recorded {
        None => (None, None),
        Some(s) => match parse_time(s) {
            Some(t) => (Some(t), None),
            None => (None, Some(s.into())),
        },
    }
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
        assert_eq!(split_url("https://h.example?a=1").0, "/");
        assert_eq!(
            split_url("/p/q?x=1#f?y=2").1,
            vec![("x".into(), "1".into())]
        );
        assert_eq!(split_url("/a:/b?u=http://x/y&&").0, "/a:/b");
        assert_eq!(
            split_url("s://h/p?u=a=b&").1,
            vec![("u".into(), "a=b".into())]
        );
        assert_eq!(split_url("#only").0, "");
        assert_eq!(split_url("x://").0, "/");
        assert_eq!(split_url("/a?b#c?d").1, vec![("b".into(), "".into())]);
        assert_eq!(split_url("/a#b?c=1").1, vec![]);
        let (_, q) = split_url("/x?a=plain&b=%41%2B+c&=v&k&c=%FF&d=é");
        assert_eq!(
            q,
            vec![
                ("a".into(), "plain".into()),
                ("b".into(), "A+ c".into()),
                ("".into(), "v".into()),
                ("k".into(), "".into()),
                ("c".into(), "\u{fffd}".into()),
                ("d".into(), "é".into()),
            ]
        );
    }

    #[test]
    fn secret_headers_are_told_by_name_in_any_case() {
        for name in [
            "Authorization",
            "AUTHORIZATION",
            "x-Api-Key",
            "X-SECRET-1",
            "TOKEN",
            "Set-Cookie",
            "proxy-authorization",
            "ÄToken",
        ] {
            assert!(is_secret_header(name), "{name}");
        }
        for name in ["tok", "cookies", "accept", "", "Content-Type"] {
            assert!(!is_secret_header(name), "{name}");
        }
    }

    #[test]
    fn credentials_are_redacted() {
        // The scheme says what kind of credential was sent; it is no secret.
        assert_eq!(
            redact_header("Authorization".into(), "Bearer abc".into()).1,
            format!("Bearer {REDACTED}")
        );
        // Without a scheme the kit knows, the first word may be the secret.
        for value in ["abc", "Token abc", "Bearer", "Bearer  "] {
            assert_eq!(
                redact_header("Authorization".into(), value.into()).1,
                REDACTED,
                "{value}"
            );
        }
        assert_eq!(
            redact_header("Cookie".into(), "Basic x".into()).1,
            format!("Basic {REDACTED}")
        );
        assert_eq!(
            redact_header("Accept".into(), "application/json".into()).1,
            "application/json"
        );
    }
}
