//! The checking proxy behind `pyng-conformance proxy`: any HTTP client points
//! its base URL at it; each request is forwarded to the upstream (the live
//! client, rustls), the response goes back unchanged, and the exchange is
//! captured (redacted) for the checker, which sees the traffic in order.
//!
//! The listening side is the sandbox's bounded server
//! (`pyng_sandbox::server`: header-read and write timeouts, a connection cap,
//! a bounded stop); request bodies are capped here, response bodies by the
//! client ([`super::client::MAX_BODY`]).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::Response as HttpResponse;

use super::client::{HttpClient, Request};
use super::record::{RecordedExchange, Redactor};

/// Request bodies above this are answered 413 and not forwarded: 16 MiB.
pub const MAX_REQUEST_BODY: usize = 16 << 20;

/// Headers of one hop (RFC 9110 § 7.6.1), never forwarded; `host` and
/// `content-length` are set again for the next hop; `accept-encoding` is
/// dropped so that the upstream answers with a body the checks can read.
fn hop_by_hop(name: &str) -> bool {
    matches!(
        name.to_ascii_lowercase().as_str(),
        "connection"
            | "keep-alive"
            | "proxy-connection"
            | "proxy-authenticate"
            | "proxy-authorization"
            | "te"
            | "trailer"
            | "transfer-encoding"
            | "upgrade"
            | "host"
            | "content-length"
            | "accept-encoding"
    )
}

/// What every connection of the proxy shares.
pub struct Proxy {
    client: HttpClient,
    /// The upstream base URL without a trailing `/` (a path prefix is kept).
    upstream: String,
    redactor: Redactor,
    exchanges: mpsc::Sender<RecordedExchange>,
    started: Instant,
    /// Milliseconds after `started` of the last request's start or end.
    last_activity_ms: AtomicU64,
    max_body: usize,
    log: Box<dyn Fn(&str) + Send + Sync>,
}

impl std::fmt::Debug for Proxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Proxy")
            .field("upstream", &self.redactor.url(&self.upstream))
            .finish_non_exhaustive()
    }
}

impl Proxy {
    /// A proxy to `upstream` whose captured exchanges go to `exchanges`;
    /// `log` gets one line per upstream failure (redacted).
    pub fn new(
        client: HttpClient,
        upstream: &str,
        redactor: Redactor,
        exchanges: mpsc::Sender<RecordedExchange>,
        log: impl Fn(&str) + Send + Sync + 'static,
    ) -> Proxy {
        Proxy {
            client,
            upstream: upstream.trim_end_matches('/').to_owned(),
            redactor,
            exchanges,
            started: Instant::now(),
            last_activity_ms: AtomicU64::new(0),
            max_body: MAX_REQUEST_BODY,
            log: Box::new(log),
        }
    }

    /// How long no request has started or ended.
    pub fn idle_for(&self) -> Duration {
        let last = Duration::from_millis(self.last_activity_ms.load(Ordering::Relaxed));
        self.started.elapsed().saturating_sub(last)
    }

    fn touch(&self) {
        let now = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last_activity_ms.fetch_max(now, Ordering::Relaxed);
    }

    /// The router that forwards every request.
    pub fn router(self: Arc<Proxy>) -> axum::Router {
        axum::Router::new().fallback(forward).with_state(self)
    }
}

fn plain(status: StatusCode, text: String) -> HttpResponse {
    let mut resp = HttpResponse::new(Body::from(text));
    *resp.status_mut() = status;
    resp.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    resp
}

async fn forward(State(proxy): State<Arc<Proxy>>, req: axum::extract::Request) -> HttpResponse {
    proxy.touch();
    let (parts, body) = req.into_parts();
    let body = match axum::body::to_bytes(body, proxy.max_body).await {
        Ok(b) => b,
        Err(_) => {
            proxy.touch();
            return plain(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!(
                    "pyng-conformance proxy: the request body is over {} bytes, or broke off",
                    proxy.max_body
                ),
            );
        }
    };
    let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let request = Request {
        method: parts.method.as_str().to_owned(),
        url: format!("{}{path}", proxy.upstream),
        headers: parts
            .headers
            .iter()
            .filter(|(k, _)| !hop_by_hop(k.as_str()))
            .map(|(k, v)| {
                (
                    k.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body: body.to_vec(),
    };
    let sender = proxy.clone();
    let sent = tokio::task::spawn_blocking(move || {
        let result = sender.client.send_once(&request, None);
        (request, result)
    })
    .await;
    proxy.touch();
    let (request, result) = match sent {
        Ok(x) => x,
        Err(_) => {
            return plain(
                StatusCode::INTERNAL_SERVER_ERROR,
                "pyng-conformance proxy: the forwarding task failed".into(),
            );
        }
    };
    let resp = match result {
        Ok(resp) => resp,
        Err(e) => {
            let said = proxy.redactor.text(&e.to_string());
            (proxy.log)(&format!(
                "{} {}: {said}",
                request.method,
                proxy.redactor.url(&request.url)
            ));
            return plain(
                StatusCode::BAD_GATEWAY,
                format!("pyng-conformance proxy: upstream failed: {said}"),
            );
        }
    };
    let x = RecordedExchange::capture(&request, &resp, &proxy.redactor);
    // The checker has gone only when the run is ending: the client still
    // gets its response.
    let _ = proxy.exchanges.send(x);
    let mut out = HttpResponse::new(Body::from(resp.body));
    *out.status_mut() = StatusCode::from_u16(resp.status).unwrap_or(StatusCode::BAD_GATEWAY);
    for (k, v) in &resp.headers {
        if hop_by_hop(k) {
            continue;
        }
        if let (Ok(k), Ok(v)) = (
            HeaderName::from_bytes(k.as_bytes()),
            HeaderValue::from_str(v),
        ) {
            out.headers_mut().append(k, v);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hop_by_hop_headers_are_not_forwarded_and_credentials_are() {
        for h in ["Connection", "Host", "Transfer-Encoding", "content-length"] {
            assert!(hop_by_hop(h), "{h}");
        }
        // The upstream needs the client's credentials; only the recording
        // loses them.
        for h in ["Authorization", "Cookie", "Content-Type", "Retry-After"] {
            assert!(!hop_by_hop(h), "{h}");
        }
    }
}
