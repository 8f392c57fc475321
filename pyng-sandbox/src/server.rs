//! The accept loop and its connections: HTTP/1.1 by hyper over a tokio listener
//! (rather than `axum::serve`) so that request heads are read under a timeout,
//! connections are capped, accept errors back off and shutdown is bounded.
//! Public so that `pyng-conformance proxy` listens with the same bounds.

use std::convert::Infallible;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::http::Request;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tokio::task::JoinSet;
use tower_service::Service;

use crate::log::{Log, RequestLine};
use crate::stall::WriteTimeout;

/// First and longest pause after an accept error that is not the client's
/// (EMFILE, ENFILE, ENOBUFS, ...): doubled on each error in a row.
const BACKOFF_MIN: Duration = Duration::from_millis(10);
const BACKOFF_MAX: Duration = Duration::from_secs(1);
/// Longer timeouts are cut to this (and shorter ones than 1 ms raised to it,
/// but for the grace period, which may be zero).
pub(crate) const LONGEST_TIMEOUT: Duration = Duration::from_secs(24 * 3600);
/// Bound on a request head (hyper answers 431 beyond it); also the read buffer's.
const MAX_HEAD_BYTES: usize = 64 * 1024;

/// The connection-level bounds (the sandbox's come from `SandboxConfig`).
#[derive(Debug, Clone)]
pub struct Limits {
    /// How long a request head may take to arrive (then the connection closes).
    pub header_read_timeout: Duration,
    /// How long one write to a client may stall (then the connection closes).
    pub write_timeout: Duration,
    /// Connections served at once; more wait in the listen backlog.
    pub max_connections: usize,
    /// How long open connections may finish after the stop.
    pub shutdown_grace: Duration,
    /// Whether each request gets an access log line (never with credentials).
    pub access_log: bool,
    /// Where log lines go.
    pub log: Log,
}

/// Serves `listener` until `stop` turns `true` (or its sender is gone), then
/// closes the listener, lets open connections finish for `shutdown_grace` and
/// drops the rest.
pub async fn run(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    stop: watch::Receiver<bool>,
) -> io::Result<()> {
    let cap = limits.max_connections.clamp(1, Semaphore::MAX_PERMITS);
    let permits = Arc::new(Semaphore::new(cap));
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .keep_alive(true)
        .max_header_size(MAX_HEAD_BYTES)
        .max_buf_size(MAX_HEAD_BYTES);
    let mut conns = JoinSet::new();
    let mut backoff = BACKOFF_MIN;
    let mut watch_stop = stop.clone();
    loop {
        while conns.try_join_next().is_some() {}
        // The permit comes first: over the cap, connections wait in the backlog
        // and hold no descriptor here.
        let permit = tokio::select! {
            p = permits.clone().acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => break,
            },
            _ = stopped(&mut watch_stop) => break,
        };
        let accepted = tokio::select! {
            r = listener.accept() => r,
            _ = stopped(&mut watch_stop) => break,
        };
        let (stream, peer) = match accepted {
            Ok(x) => {
                backoff = BACKOFF_MIN;
                x
            }
            Err(e) if client_side(&e) => continue,
            Err(e) => {
                limits
                    .log
                    .line(&format!("accept failed: {e}; retrying in {backoff:?}"));
                tokio::select! {
                    _ = tokio::time::sleep(backoff) => {}
                    _ = stopped(&mut watch_stop) => break,
                }
                backoff = (backoff * 2).min(BACKOFF_MAX);
                continue;
            }
        };
        let conn = Conn {
            stream,
            peer,
            permit,
            stop: stop.clone(),
        };
        conns.spawn(serve_connection(&builder, conn, &router, &limits));
    }
    drop(listener);
    let drained = tokio::time::timeout(limits.shutdown_grace, async {
        while conns.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        let open = conns.len();
        conns.shutdown().await;
        limits.log.line(&format!(
            "shutdown: dropped {open} connection(s) still open after the {:?} grace period",
            limits.shutdown_grace
        ));
    }
    Ok(())
}

/// An accepted connection, its slot under the cap and the shutdown signal.
struct Conn {
    stream: TcpStream,
    peer: SocketAddr,
    permit: OwnedSemaphorePermit,
    stop: watch::Receiver<bool>,
}

fn serve_connection(
    builder: &http1::Builder,
    conn: Conn,
    router: &Router,
    limits: &Limits,
) -> impl Future<Output = ()> + Send + 'static + use<> {
    let Conn {
        stream,
        peer,
        permit,
        mut stop,
    } = conn;
    let _ = stream.set_nodelay(true);
    let router = router.clone();
    let log = limits.log.clone();
    let access = limits.access_log;
    let service = service_fn(move |req: Request<Incoming>| {
        let mut router = router.clone();
        let line = access.then(|| RequestLine::of(&req, peer));
        let log = log.clone();
        async move {
            let start = Instant::now();
            let resp: Result<_, Infallible> = router.call(req).await;
            if let (Some(line), Ok(resp)) = (&line, &resp) {
                log.line(&line.finish(resp, start.elapsed()));
            }
            resp
        }
    });
    let io = TokioIo::new(WriteTimeout::new(stream, limits.write_timeout));
    let conn = builder.serve_connection(io, service);
    async move {
        let _permit = permit;
        let mut conn = std::pin::pin!(conn);
        tokio::select! {
            _ = conn.as_mut() => return,
            _ = stopped(&mut stop) => {}
        }
        // Idle connections close now, busy ones after their response.
        conn.as_mut().graceful_shutdown();
        let _ = conn.await;
    }
}

/// Errors that concern one incoming connection only: accept the next at once.
fn client_side(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionRefused
            | io::ErrorKind::Interrupted
    )
}

/// Completes when shutdown starts (a dropped sender counts as that too).
async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await;
}
