//! The sandbox configuration. Secrets are given by the caller (the CLI reads them
//! from environment variables); `Debug` redacts them and nothing echoes them.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use pyng_spec::ir::Spec;

use crate::log::Log;

/// Everything `serve`/`spawn` need.
#[derive(Clone)]
pub struct SandboxConfig {
    /// The specs whose operations are served (each operation of each spec).
    pub specs: Vec<Spec>,
    /// Default `127.0.0.1:8787`; use port 0 for an ephemeral port.
    pub bind: SocketAddr,
    /// Sandbox seconds per real second (> 0, finite): 100 makes a 60 s expiry pass
    /// in 0.6 s. Applies to the sandbox clock (timestamps, timeouts, token expiry).
    pub time_scale: f64,
    /// HTTP Basic credentials accepted by `POST /checkout/oauth2/token`. An empty
    /// secret accepts no client.
    pub client_id: String,
    /// The client secret that goes with `client_id`.
    pub client_secret: String,
    /// Bearer tokens accepted besides the ones the token endpoint issues; they never
    /// expire.
    pub tokens: Vec<String>,
    /// Lifetime of issued tokens, sandbox seconds (`expires_in`).
    pub token_ttl_seconds: u64,
    /// HMAC key of every `x-signature` scheme (Peach's secret token). Required
    /// (non-empty) when a served operation uses one.
    pub peach_secret: Vec<u8>,
    /// How long the `slow` fault delays its response (real time, not scaled; capped
    /// at one hour). Shutdown cuts it short.
    pub slow_delay: Duration,
    /// Time to live of `deadlineField` timeouts (e.g. a session's `expiresAt`),
    /// sandbox seconds, unless the scenario sets one (`expire-<seconds>`).
    pub deadline_ttl_seconds: u64,
    /// Bound on tracked resources, payment intents and issued tokens each.
    pub max_resources: usize,
    /// A connection must deliver a complete request head within this time, from
    /// its accept or from the end of its previous response (so it is also the
    /// keep-alive idle timeout); else it is closed. This and the other timeouts
    /// are taken as at least 1 ms and at most one day.
    pub header_read_timeout: Duration,
    /// Longest wait for the next chunk of a request body (then the request fails).
    pub body_read_timeout: Duration,
    /// A response write that makes no progress this long (the client reads
    /// nothing) closes the connection.
    pub write_timeout: Duration,
    /// Request bodies larger than this get a 413.
    pub max_body_bytes: usize,
    /// Connections served at once (at least 1); further ones wait in the listen
    /// backlog until one closes.
    pub max_connections: usize,
    /// After shutdown starts, how long open connections may finish their requests
    /// before they are dropped (at most one day).
    pub shutdown_grace: Duration,
    /// One line per request on `log` (method, path, query parameter names,
    /// status, scenario, fault, latency; never header or query values).
    pub access_log: bool,
    /// Where the access log and server events (accept errors, connections
    /// dropped at shutdown) go. Default: standard error.
    pub log: Log,
}

impl SandboxConfig {
    /// Defaults for everything but the specs and the secrets (which stay empty).
    pub fn new(specs: Vec<Spec>) -> SandboxConfig {
        SandboxConfig {
            specs,
            bind: SocketAddr::from((Ipv4Addr::LOCALHOST, 8787)),
            time_scale: 1.0,
            client_id: String::new(),
            client_secret: String::new(),
            tokens: Vec::new(),
            token_ttl_seconds: 3600,
            peach_secret: Vec::new(),
            slow_delay: Duration::from_secs(30),
            deadline_ttl_seconds: 900,
            max_resources: 100_000,
            header_read_timeout: Duration::from_secs(10),
            body_read_timeout: Duration::from_secs(10),
            write_timeout: Duration::from_secs(10),
            max_body_bytes: 64 * 1024,
            max_connections: 128,
            shutdown_grace: Duration::from_secs(5),
            access_log: false,
            log: Log::stderr(),
        }
    }
}

impl std::fmt::Debug for SandboxConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SandboxConfig")
            .field(
                "specs",
                &self
                    .specs
                    .iter()
                    .map(|s| s.name.as_str())
                    .collect::<Vec<_>>(),
            )
            .field("bind", &self.bind)
            .field("time_scale", &self.time_scale)
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .field("tokens", &format_args!("<{} redacted>", self.tokens.len()))
            .field("token_ttl_seconds", &self.token_ttl_seconds)
            .field("peach_secret", &"<redacted>")
            .field("slow_delay", &self.slow_delay)
            .field("deadline_ttl_seconds", &self.deadline_ttl_seconds)
            .field("max_resources", &self.max_resources)
            .field("header_read_timeout", &self.header_read_timeout)
            .field("body_read_timeout", &self.body_read_timeout)
            .field("write_timeout", &self.write_timeout)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("max_connections", &self.max_connections)
            .field("shutdown_grace", &self.shutdown_grace)
            .field("access_log", &self.access_log)
            .finish()
    }
}
