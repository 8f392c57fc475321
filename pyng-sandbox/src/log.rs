//! The server's log lines: the access log and server events. Anything taken from
//! a request is escaped (`escape`) so that no line can carry terminal controls,
//! and no header or query value is ever written (they may hold credentials or
//! signatures): the query shows parameter names only.

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::http::{Method, Request, Response, Uri};

type Sink = Arc<dyn Fn(&str) + Send + Sync>;

/// Where log lines go: one call per complete line (no trailing newline).
#[derive(Clone)]
pub struct Log(Option<Sink>);

impl Log {
    /// Each line to standard error.
    pub fn stderr() -> Log {
        Log::new(|line| eprintln!("{line}"))
    }

    /// Discards every line.
    pub fn none() -> Log {
        Log(None)
    }

    /// Each line to `sink` (e.g. a test's buffer, or a prefixing writer).
    pub fn new(sink: impl Fn(&str) + Send + Sync + 'static) -> Log {
        Log(Some(Arc::new(sink)))
    }

    pub(crate) fn line(&self, line: &str) {
        if let Some(sink) = &self.0 {
            sink(line);
        }
    }
}

impl std::fmt::Debug for Log {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "Log(sink)"
        } else {
            "Log(none)"
        })
    }
}

/// Printable ASCII other than space is kept; every other byte (controls, DEL, space, all
/// of UTF-8 beyond ASCII, which includes C1 controls and bidi overrides) as
/// `%XX`. A line is then safe on any terminal and splits on spaces.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if (0x21..=0x7e).contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// What the access log keeps of a request, taken before it is handled.
#[derive(Debug)]
pub(crate) struct RequestLine {
    method: Method,
    path: String,
    query_names: String,
    peer: SocketAddr,
}

impl RequestLine {
    pub(crate) fn of<B>(req: &Request<B>, peer: SocketAddr) -> RequestLine {
        RequestLine {
            method: req.method().clone(),
            path: escape(req.uri().path()),
            query_names: query_names(req.uri()),
            peer,
        }
    }

    /// `access` then `key=value` fields; values escaped, `-` when absent.
    pub(crate) fn finish<B>(&self, resp: &Response<B>, latency: Duration) -> String {
        let header = |name: &str| {
            resp.headers().get(name).map_or_else(
                || "-".to_owned(),
                |v| escape(&String::from_utf8_lossy(v.as_bytes())),
            )
        };
        let query = if self.query_names.is_empty() {
            String::new()
        } else {
            format!(" query={}", self.query_names)
        };
        format!(
            "access peer={} method={} path={}{query} status={} scenario={} fault={} latency_ms={:.3}",
            self.peer,
            escape(self.method.as_str()),
            self.path,
            resp.status().as_u16(),
            header("x-sandbox-scenario"),
            header("x-sandbox-fault"),
            latency.as_secs_f64() * 1000.0,
        )
    }
}

/// The query's parameter names as sent (still percent-encoded), comma-separated
/// and escaped; values are left out.
fn query_names(uri: &Uri) -> String {
    let Some(query) = uri.query() else {
        return String::new();
    };
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| escape(pair.split_once('=').map_or(pair, |(name, _)| name)))
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_leaves_no_control_or_non_ascii_byte() {
        assert_eq!(escape("/a\x1b[31mb"), "/a%1B[31mb");
        assert_eq!(escape("a b\u{9b}\u{202e}\x7f"), "a%20b%C2%9B%E2%80%AE%7F");
        assert_eq!(escape("/checkout/site-1"), "/checkout/site-1");
    }

    #[test]
    fn query_values_are_never_kept() {
        let uri: Uri = "/p?authentication.userId=u&authentication.password=hunter2&x&=v&a%1Bb=1"
            .parse()
            .unwrap();
        let names = query_names(&uri);
        assert_eq!(
            names,
            "authentication.userId,authentication.password,x,,a%1Bb"
        );
        assert!(!names.contains("hunter2"));
    }
}
