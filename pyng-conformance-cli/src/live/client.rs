//! The HTTP client of the live mode: `ureq` over rustls, connect and read
//! timeouts, retries with exponential backoff on connection errors, 5xx and 429,
//! honouring `Retry-After`. Every response (retried ones included) is handed to
//! the caller, which records it: the recording shows the traffic as it was.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::stop::StopSignal;

/// Bodies above this are refused (a status body is a few kilobytes): 16 MiB.
pub const MAX_BODY: u64 = 16 << 20;

#[derive(Debug, Clone)]
/// Timeouts and retries of the live client.
pub struct ClientConfig {
    /// How long a connection may take to open.
    pub connect_timeout: Duration,
    /// Limit for the response head and for the body, each.
    pub read_timeout: Duration,
    /// Further attempts after the first.
    pub retries: u32,
    /// The first backoff; each further one doubles, up to `max_wait`.
    pub backoff: Duration,
    /// Cap on one wait (backoff or `Retry-After`).
    pub max_wait: Duration,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(30),
            retries: 3,
            backoff: Duration::from_secs(1),
            max_wait: Duration::from_secs(60),
        }
    }
}

#[derive(Debug, Clone)]
/// A request as sent.
pub struct Request {
    /// The HTTP method.
    pub method: String,
    /// The full URL, query included.
    pub url: String,
    /// Header names and values, in order.
    pub headers: Vec<(String, String)>,
    /// The body (empty for a GET).
    pub body: Vec<u8>,
}

#[derive(Debug, Clone)]
/// A response as received.
pub struct Response {
    /// The status code.
    pub status: u16,
    /// The reason phrase.
    pub status_text: String,
    /// Header names and values, in order.
    pub headers: Vec<(String, String)>,
    /// The body, at most the client's body limit.
    pub body: Vec<u8>,
    /// Wall-clock time the request was sent, Unix milliseconds.
    pub started_ms: i128,
    /// From sending the request to the end of the body.
    pub elapsed: Duration,
}

impl Response {
    /// The first header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What kind of failure a [`TransportError`] is: each is reported as what it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// No connection, or it broke, or a timeout.
    Unreachable,
    /// The server answered something that is not HTTP/1.1.
    Protocol,
    /// The body is over [`MAX_BODY`].
    TooLarge,
    /// The request itself could not be built.
    Request,
}

/// A request that got no (usable) response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransportError {
    /// What went wrong (redacted).
    pub message: String,
    /// Worth another attempt (timeouts, refused or reset connections).
    pub retriable: bool,
    /// Which kind of failure it was.
    pub kind: Failure,
}

impl std::fmt::Display for TransportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.kind {
            Failure::Unreachable => write!(f, "the server is unreachable: {}", self.message),
            Failure::Protocol => write!(f, "protocol error: {}", self.message),
            Failure::TooLarge => write!(
                f,
                "the response body is over the limit of {MAX_BODY} bytes (16 MiB)"
            ),
            Failure::Request => f.write_str(&self.message),
        }
    }
}

/// What happened during [`HttpClient::send`], as it happens.
#[derive(Debug)]
pub enum Event<'a> {
    /// A response arrived (also one that will be retried).
    Response(&'a Response),
    /// Another attempt follows.
    Retrying {
        /// Why the last attempt is retried.
        reason: String,
        /// How long until the next attempt.
        wait: Duration,
    },
}

/// The end of [`HttpClient::send`].
#[derive(Debug)]
pub enum Sent {
    /// A usable response.
    Response(Response),
    /// No response after every attempt.
    Unreachable(TransportError),
    /// The stop signal was set while waiting to retry.
    Stopped,
}

/// Wall-clock time that never goes back during a run: the start time plus a
/// monotonic clock, so exchanges keep their order when the system clock steps.
#[derive(Debug, Clone, Copy)]
pub struct WallClock {
    start_ms: i128,
    start: Instant,
}

impl WallClock {
    /// The system clock.
    pub fn new() -> WallClock {
        let start_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i128);
        WallClock {
            start_ms,
            start: Instant::now(),
        }
    }

    /// Now, in Unix milliseconds.
    pub fn now_ms(&self) -> i128 {
        self.start_ms + self.start.elapsed().as_millis() as i128
    }
}

impl Default for WallClock {
    fn default() -> Self {
        WallClock::new()
    }
}

#[derive(Debug)]
/// A blocking HTTP client with timeouts, retries and `Retry-After`.
pub struct HttpClient {
    agent: ureq::Agent,
    config: ClientConfig,
    clock: WallClock,
}

impl HttpClient {
    /// A client with `config`.
    pub fn new(config: ClientConfig) -> HttpClient {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_connect(Some(config.connect_timeout))
            .timeout_send_request(Some(config.read_timeout))
            .timeout_recv_response(Some(config.read_timeout))
            .timeout_recv_body(Some(config.read_timeout))
            // 4xx and 5xx are responses to check, not errors.
            .http_status_as_error(false)
            // A redirect is recorded and checked as it is, not followed.
            .max_redirects(0)
            .user_agent(concat!("pyng-conformance/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        HttpClient {
            agent,
            config,
            clock: WallClock::new(),
        }
    }

    /// The clock the client stamps exchanges with.
    pub fn clock(&self) -> WallClock {
        self.clock
    }

    /// The client's settings.
    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// One attempt, given up after `budget` in all (the time left before the
    /// deadline) besides the per-phase timeouts.
    pub fn send_once(
        &self,
        req: &Request,
        budget: Option<Duration>,
    ) -> Result<Response, TransportError> {
        if budget.is_some_and(|b| b.is_zero()) {
            return Err(TransportError {
                message: "the deadline has passed".into(),
                retriable: false,
                kind: Failure::Unreachable,
            });
        }
        let started_ms = self.clock.now_ms();
        let started = Instant::now();
        let mut builder = ureq::http::Request::builder()
            .method(req.method.as_str())
            .uri(req.url.as_str());
        for (k, v) in &req.headers {
            builder = builder.header(k.as_str(), v.as_str());
        }
        let sent = if req.body.is_empty() {
            builder.body(()).map_err(usage_error).and_then(|r| {
                let r = self
                    .agent
                    .configure_request(r)
                    .timeout_global(budget)
                    .build();
                self.agent.run(r).map_err(transport_error)
            })
        } else {
            builder
                .body(req.body.clone())
                .map_err(usage_error)
                .and_then(|r| {
                    let r = self
                        .agent
                        .configure_request(r)
                        .timeout_global(budget)
                        .build();
                    self.agent.run(r).map_err(transport_error)
                })
        };
        let mut resp = sent?;
        let body = resp
            .body_mut()
            .with_config()
            .limit(MAX_BODY)
            .read_to_vec()
            .map_err(transport_error)?;
        let headers = resp
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        Ok(Response {
            status: resp.status().as_u16(),
            status_text: resp
                .status()
                .canonical_reason()
                .unwrap_or_default()
                .to_owned(),
            headers,
            body,
            started_ms,
            elapsed: started.elapsed(),
        })
    }

    /// Sends with retries: a retriable transport error, a 5xx (but 501 and 505,
    /// which do not go away) or a 429 is retried after a backoff that doubles
    /// from `backoff`, or after `Retry-After` when the response gives one, each
    /// wait capped at `max_wait` and never past `deadline`. `observe` sees every
    /// response and every retry decision.
    pub fn send(
        &self,
        req: &Request,
        stop: &StopSignal,
        deadline: Option<Instant>,
        observe: &mut dyn FnMut(Event<'_>),
    ) -> Sent {
        let mut attempt = 0u32;
        loop {
            let budget = deadline.map(|d| d.saturating_duration_since(Instant::now()));
            let result = self.send_once(req, budget);
            if let Ok(resp) = &result {
                observe(Event::Response(resp));
            }
            let (retry, reason, asked) = match &result {
                Ok(r) if retriable_status(r.status) => (
                    true,
                    format!("HTTP {}", r.status),
                    r.header("retry-after").and_then(parse_retry_after),
                ),
                Ok(_) => (false, String::new(), None),
                Err(e) => (e.retriable, e.message.clone(), None),
            };
            let wait = asked
                .unwrap_or_else(|| backoff(self.config.backoff, attempt))
                .min(self.config.max_wait);
            let in_time =
                deadline.is_none_or(|d| Instant::now().checked_add(wait).is_some_and(|t| t < d));
            if !retry || attempt >= self.config.retries || !in_time {
                return match result {
                    Ok(r) => Sent::Response(r),
                    Err(e) => Sent::Unreachable(e),
                };
            }
            observe(Event::Retrying { reason, wait });
            if !stop.sleep(wait) {
                return match result {
                    Ok(r) => Sent::Response(r),
                    Err(_) => Sent::Stopped,
                };
            }
            attempt += 1;
        }
    }
}

fn retriable_status(status: u16) -> bool {
    status == 429 || (500..=599).contains(&status) && status != 501 && status != 505
}

/// `base * 2^attempt`, saturating.
fn backoff(base: Duration, attempt: u32) -> Duration {
    base.saturating_mul(1u32.checked_shl(attempt.min(16)).unwrap_or(u32::MAX))
}

/// `Retry-After`: delay-seconds or an HTTP-date (RFC 9110 § 10.2.3, any of
/// its three forms), read as `check` reads it (`pyng_conformance::http_date`);
/// a date is waited for on this machine's clock.
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    use pyng_conformance::http_date::{RetryAfter, retry_after};
    let now_ms = time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000;
    let wait_ms = match retry_after(value, Some(now_ms))? {
        RetryAfter::Delay(ms) => ms,
        RetryAfter::At(at) => (at - now_ms).max(0),
    };
    Some(Duration::from_millis(
        u64::try_from(wait_ms).unwrap_or(u64::MAX),
    ))
}

fn usage_error(e: ureq::http::Error) -> TransportError {
    TransportError {
        message: format!("cannot build the request: {e}"),
        retriable: false,
        kind: Failure::Request,
    }
}

fn transport_error(e: ureq::Error) -> TransportError {
    use ureq::Error as E;
    // A server that speaks something else, or sends too much, does so again:
    // only network failures are worth another attempt.
    let (kind, retriable) = match &e {
        E::Timeout(_) | E::Io(_) | E::ConnectionFailed | E::HostNotFound | E::BodyStalled => {
            (Failure::Unreachable, true)
        }
        E::Protocol(_) | E::LargeResponseHeader(..) => (Failure::Protocol, false),
        E::BodyExceedsLimit(_) => (Failure::TooLarge, false),
        _ => (Failure::Unreachable, false),
    };
    let message = match &e {
        E::Timeout(t) => format!("timed out ({t})"),
        E::ConnectionFailed => "connection failed".to_owned(),
        E::HostNotFound => "host not found".to_owned(),
        other => other.to_string(),
    };
    TransportError {
        message,
        retriable,
        kind,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_in_seconds_and_as_a_date() {
        assert_eq!(parse_retry_after(" 3 "), Some(Duration::from_secs(3)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        let later = time::OffsetDateTime::now_utc() + time::Duration::seconds(120);
        let text = format!(
            "{}, {:02} {} {} {:02}:{:02}:{:02} GMT",
            &later.weekday().to_string()[..3],
            later.day(),
            &later.month().to_string()[..3],
            later.year(),
            later.hour(),
            later.minute(),
            later.second()
        );
        let wait = parse_retry_after(&text).unwrap();
        assert!(wait > Duration::from_secs(100) && wait <= Duration::from_secs(120));
        assert_eq!(parse_retry_after("soon"), None);
        assert_eq!(parse_retry_after("-1"), None);
        // The obsolete forms too.
        assert_eq!(
            parse_retry_after("Sun Nov  6 08:49:37 1994"),
            Some(Duration::ZERO)
        );
    }

    #[test]
    fn backoff_doubles_and_saturates() {
        let b = Duration::from_millis(100);
        assert_eq!(backoff(b, 0), b);
        assert_eq!(backoff(b, 3), Duration::from_millis(800));
        assert!(backoff(b, u32::MAX) >= Duration::from_secs(6000));
    }

    #[test]
    fn which_statuses_are_retried() {
        for s in [429, 500, 502, 503, 504] {
            assert!(retriable_status(s), "{s}");
        }
        for s in [200, 400, 401, 404, 501, 505] {
            assert!(!retriable_status(s), "{s}");
        }
    }

    #[test]
    fn a_closed_port_is_unreachable_after_the_retries() {
        // Bind then drop: the port is very likely closed for the next moment.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let client = HttpClient::new(ClientConfig {
            connect_timeout: Duration::from_secs(2),
            read_timeout: Duration::from_secs(2),
            retries: 2,
            backoff: Duration::from_millis(1),
            max_wait: Duration::from_millis(10),
        });
        let req = Request {
            method: "GET".into(),
            url: format!("http://127.0.0.1:{port}/x"),
            headers: Vec::new(),
            body: Vec::new(),
        };
        let mut retries = 0;
        let sent = client.send(&req, &StopSignal::new(), None, &mut |e| {
            if matches!(e, Event::Retrying { .. }) {
                retries += 1;
            }
        });
        assert!(
            matches!(&sent, Sent::Unreachable(e) if e.retriable),
            "{sent:?}"
        );
        assert_eq!(retries, 2);
    }
}
