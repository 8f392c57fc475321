//! The exchange model every input format is read into.

use std::borrow::Cow;
use std::sync::Arc;

/// One recorded request/response pair. Text borrows from the input where it
/// can (`'a`); readers that hand exchanges on keep `Exchange<'static>`.
#[derive(Debug, Clone, Default)]
pub struct Exchange<'a> {
    /// The file it came from.
    pub file: Arc<str>,
    /// 0-based index in the recording; `None` for a bare body.
    pub entry: Option<usize>,
    pub method: Cow<'a, str>,
    /// The path without query, percent-encoded as recorded.
    pub path: Cow<'a, str>,
    /// Decoded query parameters in recorded order.
    pub query: Vec<(Cow<'a, str>, Cow<'a, str>)>,
    /// Request headers with credentials already redacted (see [`redact_header`]).
    pub request_headers: Vec<(Cow<'a, str>, Cow<'a, str>)>,
    pub status: u16,
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
}

impl Exchange<'_> {
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
            status: self.status,
            content_type: self.content_type.map(owned),
            body: Cow::Owned(self.body.into_owned()),
            time_ms: self.time_ms,
            unreadable_time: self.unreadable_time,
            operation: self.operation,
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

/// The placeholder that replaces a credential.
pub const REDACTED: &str = "<redacted>";

/// Headers whose values are credentials and are dropped at ingestion, so that no
/// report can ever print them.
pub fn is_secret_header(name: &str) -> bool {
    // ASCII case-insensitive, without lowercasing into a new string.
    let contains = |needle: &str| {
        name.as_bytes()
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
    };
    name.eq_ignore_ascii_case("authorization")
        || name.eq_ignore_ascii_case("proxy-authorization")
        || name.eq_ignore_ascii_case("cookie")
        || name.eq_ignore_ascii_case("set-cookie")
        || contains("api-key")
        || contains("secret")
        || contains("token")
}

/// Returns the header as it may be stored: credentials replaced by [`REDACTED`].
pub fn redact_header<'a>(name: Cow<'a, str>, value: Cow<'a, str>) -> (Cow<'a, str>, Cow<'a, str>) {
    if is_secret_header(&name) {
        (name, Cow::Borrowed(REDACTED))
    } else {
        (name, value)
    }
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
    // One pass to the first `?` or `#`: the query runs from a `?` to the next
    // `#`, a `#` before any `?` ends the URL.
    let (before_query, query) = match memchr::memchr2(b'?', b'#', url.as_bytes()) {
        Some(i) if url.as_bytes()[i] == b'?' => {
            let rest = &url[i + 1..];
            (&url[..i], cut(rest, b'#').map_or(rest, |(q, _)| q))
        }
        Some(i) => (&url[..i], ""),
        None => (url, ""),
    };
    let path = match find_scheme_end(before_query) {
        Some(scheme_end) => {
            let after = &before_query[scheme_end + 3..];
            match cut(after, b'/') {
                Some((host, _)) => Cow::Borrowed(&after[host.len()..]),
                None => Cow::Borrowed("/"),
            }
        }
        None => Cow::Borrowed(before_query),
    };
    (path, parse_query(query))
}

/// `s.split_once(c)` for an ASCII `c`, byte-wise (every cut at an ASCII byte
/// is at a character boundary).
fn cut(s: &str, c: u8) -> Option<(&str, &str)> {
    let i = memchr::memchr(c, s.as_bytes())?;
    Some((&s[..i], &s[i + 1..]))
}

/// `s.find("://")`.
fn find_scheme_end(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut from = 0;
    while let Some(i) = memchr::memchr(b':', &b[from..]) {
        let at = from + i;
        if b[at + 1..].starts_with(b"//") {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// Decodes `application/x-www-form-urlencoded`-style query text.
pub fn parse_query(query: &str) -> Vec<(Cow<'_, str>, Cow<'_, str>)> {
    let mut out = Vec::new();
    let mut rest = query;
    while !rest.is_empty() {
        let (pair, next) = cut(rest, b'&').unwrap_or((rest, ""));
        rest = next;
        if pair.is_empty() {
            continue;
        }
        let (k, v) = cut(pair, b'=').unwrap_or((pair, ""));
        out.push((decode(k), decode(v)));
    }
    out
}

fn decode(s: &str) -> Cow<'_, str> {
    if memchr::memchr2(b'+', b'%', s.as_bytes()).is_none() {
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
        // The fast path (no `+`, no `%`) decodes as the general one does.
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

    /// The string-searching version `split_url` replaced.
    fn reference_split_url(url: &str) -> (String, Vec<(String, String)>) {
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
        let query = query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|pair| {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                let d = |s: &str| {
                    percent_encoding::percent_decode_str(&s.replace('+', " "))
                        .decode_utf8_lossy()
                        .into_owned()
                };
                (d(k), d(v))
            })
            .collect();
        (path, query)
    }

    #[test]
    fn split_url_matches_the_reference() {
        let parts = [
            "", "/", "#", "?", "&", "=", "://", "h", "é", "%", "%4", "%41", "+", "%FF", "a", ":/",
        ];
        for a in parts {
            for b in parts {
                for c in parts {
                    for d in ["", "x", "/"] {
                        let url = format!("{a}{b}{d}{c}");
                        let (path, query) = split_url(&url);
                        let query: Vec<(String, String)> = query
                            .into_iter()
                            .map(|(k, v)| (k.into_owned(), v.into_owned()))
                            .collect();
                        assert_eq!(
                            (path.into_owned(), query),
                            reference_split_url(&url),
                            "{url}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn secret_headers_match_lowercasing() {
        for name in [
            "Authorization",
            "AUTHORIZATION",
            "x-Api-Key",
            "X-SECRET-1",
            "tok",
            "TOKEN",
            "Set-Cookie",
            "cookies",
            "accept",
            "",
            "ÄToken",
            "proxy-authorization",
        ] {
            let n = name.to_ascii_lowercase();
            let reference = n == "authorization"
                || n == "proxy-authorization"
                || n == "cookie"
                || n == "set-cookie"
                || n.contains("api-key")
                || n.contains("secret")
                || n.contains("token");
            assert_eq!(is_secret_header(name), reference, "{name}");
        }
    }

    #[test]
    fn credentials_are_redacted() {
        assert_eq!(
            redact_header("Authorization".into(), "Bearer abc".into()).1,
            REDACTED
        );
        assert_eq!(
            redact_header("Accept".into(), "application/json".into()).1,
            "application/json"
        );
    }
}
