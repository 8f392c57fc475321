//! Reference sandbox server driven by the specs: the engine behind
//! `pyng-conformance serve`.
//!
//! Every operation of every loaded spec is served at its method and path, with
//! bodies synthesised by `pyng_spec::synth` for the state the scenario reaches;
//! state machines, timeouts, echo, presence, outcomes and amount invariants all
//! come from the specs' `x-` rules: an OAuth 2.0 `tokenUrl` issues tokens, and an
//! operation whose response `links` to a polled one creates its resources
//! (`roles`); no route is written by hand. See `README.md` for the scenario grammar, the
//! faults, the time scale and what is signed.
//!
//! ```no_run
//! # async fn run(specs: Vec<pyng_spec::ir::Spec>) -> std::io::Result<()> {
//! let mut config = pyng_sandbox::SandboxConfig::new(specs);
//! config.bind = "127.0.0.1:0".parse().unwrap();
//! config.tokens = vec!["test-token".into()];
//! config.peach_secret = b"secret".to_vec();
//! let (addr, handle) = pyng_sandbox::spawn(config).await?;
//! // ... poll http://{addr}/checkout/site-1/transaction-status?paymentIntentId=pi-settled-2
//! handle.shutdown().await
//! # }
//! ```
//!
//! Responses carry diagnostic headers: `x-sandbox-scenario` (canonical scenario),
//! `x-sandbox-request` (index in the resource's sequence), `x-sandbox-state`,
//! `x-sandbox-fault` (`none`, or the fault and the pointer it changed) and
//! `x-sandbox-timeout` (the id of a timeout that fired on that request).
//!
//! The server bounds every wait (request-head, body and write timeouts, a cap on
//! connections, a shutdown grace period; `SandboxConfig` and `README.md`) and can
//! write an access log that carries no credential (`access_log`, `log`).
#![warn(missing_docs, unreachable_pub)]

mod app;
mod auth;
mod body;
mod clock;
mod config;
mod creation;
pub mod faults;
mod handler;
mod idempotency;
mod log;
mod plan;
mod roles;
mod routes;
pub mod scenario;
pub mod server;
pub mod signing;
mod stall;
mod state;
mod token;

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::{oneshot, watch};
use tokio::task::JoinHandle;

pub use clock::format_rfc3339_millis;
pub use config::SandboxConfig;
pub use faults::Fault;
pub use log::{Log, escape};
pub use routes::SCENARIO_HEADER;
pub use scenario::Scenario;

/// Serves until `shutdown` completes, then stops accepting connections and waits
/// for in-flight requests (a `slow` fault's delay is cut short) at most
/// `shutdown_grace`, after which the connections still open are dropped.
pub async fn serve(
    config: SandboxConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let listener = TcpListener::bind(config.bind).await?;
    run(listener, build(config)?, shutdown).await
}

/// Binds `config.bind` (use port 0 in tests) and serves in a background task;
/// returns the bound address and a handle that shuts the server down (also when
/// dropped).
pub async fn spawn(config: SandboxConfig) -> io::Result<(SocketAddr, ShutdownHandle)> {
    let listener = TcpListener::bind(config.bind).await?;
    let addr = listener.local_addr()?;
    let built = build(config)?;
    let (stop, stopped) = oneshot::channel::<()>();
    let join = tokio::spawn(run(listener, built, async move {
        // A dropped handle (`Err`) shuts down as well.
        let _ = stopped.await;
    }));
    Ok((
        addr,
        ShutdownHandle {
            stop: Some(stop),
            join,
        },
    ))
}

/// Stops a server started by [`spawn`].
#[derive(Debug)]
pub struct ShutdownHandle {
    stop: Option<oneshot::Sender<()>>,
    join: JoinHandle<io::Result<()>>,
}

impl ShutdownHandle {
    /// Starts a graceful shutdown and waits until the server has stopped.
    pub async fn shutdown(mut self) -> io::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        (&mut self.join).await.map_err(io::Error::other)?
    }
}

fn build(config: SandboxConfig) -> io::Result<(axum::Router, server::Limits, watch::Sender<bool>)> {
    // hyper adds the head timeout to `Instant::now()`, which panics on overflow.
    let bound = |d: Duration| d.clamp(Duration::from_millis(1), server::LONGEST_TIMEOUT);
    let limits = server::Limits {
        header_read_timeout: bound(config.header_read_timeout),
        write_timeout: bound(config.write_timeout),
        max_connections: config.max_connections,
        shutdown_grace: config.shutdown_grace.min(server::LONGEST_TIMEOUT),
        access_log: config.access_log,
        log: config.log.clone(),
    };
    let max_body = config.max_body_bytes;
    let body_timeout = bound(config.body_read_timeout);
    let (tx, rx) = watch::channel(false);
    let app = Arc::new(app::App::new(config, rx)?);
    let router = routes::router(app)?
        .layer(axum::extract::DefaultBodyLimit::max(max_body))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(max_body))
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
            body_timeout,
        ));
    Ok((router, limits, tx))
}

async fn run(
    listener: TcpListener,
    (router, limits, tx): (axum::Router, server::Limits, watch::Sender<bool>),
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let rx = tx.subscribe();
    tokio::spawn(async move {
        shutdown.await;
        let _ = tx.send(true);
    });
    server::run(listener, router, limits, rx).await
}
