//! The server's bounds: stalled request heads and bodies, idle keep-alive
//! connections, the connection cap, the body limit and the shutdown grace. Every
//! wait is bounded; stalled connections are few (tens) and on loopback only.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use tokio::net::TcpStream;

use crate::common::*;
use crate::scenarios::fresh_id;

/// How long any single wait of these tests may take before it fails.
const LIMIT: Duration = Duration::from_secs(10);

/// Writes all of `bytes` (tokio's `io-util` is not enabled, so by hand).
pub async fn write_all(s: &TcpStream, mut bytes: &[u8]) -> std::io::Result<()> {
    while !bytes.is_empty() {
        s.writable().await?;
        match s.try_write(bytes) {
            Ok(n) => bytes = &bytes[n..],
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// One read: `Ok(0)` at end of stream.
async fn read_some(s: &TcpStream, buf: &mut [u8]) -> std::io::Result<usize> {
    loop {
        s.readable().await?;
        match s.try_read(buf) {
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            other => return other,
        }
    }
}

/// A connection that sent half a request head and nothing more.
async fn stalled(addr: SocketAddr) -> TcpStream {
    let s = tokio::time::timeout(LIMIT, TcpStream::connect(addr))
        .await
        .expect("connect in time")
        .expect("connect");
    let half = b"GET /checkout/site-1/transaction-status?paymentIntentId=x HTTP/1.1\r\nHost: x\r\n";
    write_all(&s, half).await.expect("write half a head");
    s
}

/// Reads until the server closes the connection; `Err` when it is still open
/// after `limit`. Returns what was read and when the close came.
pub async fn until_closed(
    s: &mut TcpStream,
    limit: Duration,
) -> Result<(Vec<u8>, Instant), String> {
    let mut got = Vec::new();
    let read = tokio::time::timeout(limit, async {
        let mut buf = [0u8; 4096];
        loop {
            match read_some(s, &mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    match read {
        Ok(()) => Ok((got, Instant::now())),
        Err(_) => Err(format!("still open after {limit:?}")),
    }
}

async fn fresh_request(addr: SocketAddr) -> Result<Resp, String> {
    let specs = specs();
    let spec = &specs[0];
    let auth = format!("Bearer {TOKEN}");
    let t = target(
        spec,
        spec.first_polled().expect("a polled operation"),
        &fresh_id(),
    );
    send(
        addr,
        "GET",
        &t,
        &[("Authorization", auth.as_str())],
        b"",
        LIMIT,
    )
    .await
}

#[tokio::test]
async fn stalled_request_heads_do_not_block_others_and_are_closed_after_the_timeout() {
    let mut c = config();
    c.header_read_timeout = Duration::from_millis(800);
    let (addr, handle) = pyng_sandbox::spawn(c).await.unwrap();
    let opened = Instant::now();
    let mut conns = Vec::new();
    for _ in 0..40 {
        conns.push(stalled(addr).await);
    }
    let r = fresh_request(addr)
        .await
        .expect("answered beside the stalled ones");
    assert_eq!(r.status, 200);
    for s in &mut conns {
        let (_, at) = until_closed(s, LIMIT).await.expect("the server closes it");
        assert!(
            at - opened >= Duration::from_millis(700),
            "closed before the timeout"
        );
    }
    handle.shutdown().await.unwrap();
}

#[tokio::test]
async fn over_the_connection_cap_connections_wait_and_are_served_in_turn() {
    let mut c = config();
    c.header_read_timeout = Duration::from_millis(300);
    c.max_connections = 4;
    let (addr, handle) = pyng_sandbox::spawn(c).await.unwrap();
    let mut conns = Vec::new();
    for _ in 0..12 {
        conns.push(stalled(addr).await);
    }
    // Queued behind the stalled ones; served once the timeout frees slots.
    let r = fresh_request(addr)
        .await
        .expect("answered once a slot frees");
    assert_eq!(r.status, 200);
    for s in &mut conns {
        until_closed(s, LIMIT).await.expect("the server closes it");
    }
    assert_eq!(fresh_request(addr).await.unwrap().status, 200);
    handle.shutdown().await.unwrap();
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed_after_the_timeout() {
    let mut c = config();
    c.header_read_timeout = Duration::from_millis(500);
    let (addr, handle) = pyng_sandbox::spawn(c).await.unwrap();
    let specs = specs();
    let spec = &specs[0];
    let t = target(
        spec,
        spec.first_polled().expect("a polled operation"),
        &fresh_id(),
    );
    let mut s = TcpStream::connect(addr).await.unwrap();
    let req = format!("GET {t} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\n\r\n");
    write_all(&s, req.as_bytes()).await.unwrap();
    let sent = Instant::now();
    let (got, at) = until_closed(&mut s, LIMIT).await.expect("closed when idle");
    assert!(
        got.starts_with(b"HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&got)
    );
    assert!(
        at - sent >= Duration::from_millis(400),
        "closed before the timeout"
    );
    handle.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_body_over_the_limit_gets_413() {
    let mut c = config();
    c.max_body_bytes = 1024;
    let (addr, handle) = pyng_sandbox::spawn(c).await.unwrap();
    let body = vec![b'a'; 2048];
    let form = [("Content-Type", "application/x-www-form-urlencoded")];
    let r = send(addr, "POST", "/checkout/oauth2/token", &form, &body, LIMIT)
        .await
        .unwrap();
    assert_eq!(r.status, 413, "{}", r.body);
    let r = send(
        addr,
        "POST",
        "/checkout/site-1/payment-intent",
        &[],
        &body,
        LIMIT,
    )
    .await
    .unwrap();
    assert_eq!(r.status, 413, "{}", r.body);
    handle.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_stalled_body_fails_after_the_body_timeout() {
    let mut c = config();
    c.body_read_timeout = Duration::from_millis(300);
    let (addr, handle) = pyng_sandbox::spawn(c).await.unwrap();
    let mut s = TcpStream::connect(addr).await.unwrap();
    let auth = format!("Bearer {TOKEN}");
    write_all(
        &s,
        format!(
            "POST /checkout/site-1/payment-intent HTTP/1.1\r\nHost: x\r\nAuthorization: {auth}\r\n\
             Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"amount\":"
        )
        .as_bytes(),
    )
    .await
    .unwrap();
    let (got, _) = until_closed(&mut s, LIMIT)
        .await
        .expect("answered or closed");
    let text = String::from_utf8_lossy(&got);
    assert!(
        text.is_empty() || text.starts_with("HTTP/1.1 4"),
        "a client error or a close: {text}"
    );
    assert_eq!(fresh_request(addr).await.unwrap().status, 200);
    handle.shutdown().await.unwrap();
}

#[tokio::test]
async fn shutdown_drops_a_stalled_connection_after_the_grace_period() {
    let mut c = config();
    c.header_read_timeout = Duration::from_secs(60);
    c.shutdown_grace = Duration::from_millis(300);
    let (addr, handle) = pyng_sandbox::spawn(c).await.unwrap();
    let mut half_open = stalled(addr).await;
    let idle = TcpStream::connect(addr).await.unwrap();
    // Both are accepted (a request beside them is answered) before the stop.
    assert_eq!(fresh_request(addr).await.unwrap().status, 200);
    let start = Instant::now();
    tokio::time::timeout(LIMIT, handle.shutdown())
        .await
        .expect("shutdown is bounded by the grace period")
        .unwrap();
    assert!(start.elapsed() < Duration::from_secs(5));
    until_closed(&mut half_open, LIMIT).await.expect("dropped");
    drop(idle);
}

#[tokio::test]
async fn an_oversized_request_head_is_refused() {
    let (addr, handle) = pyng_sandbox::spawn(config()).await.unwrap();
    let mut s = TcpStream::connect(addr).await.unwrap();
    let big = "a".repeat(100 * 1024);
    let req = format!("GET /nope HTTP/1.1\r\nHost: x\r\nX-Big: {big}\r\n\r\n");
    // The server may stop reading part-way; only the answer matters.
    let _ = write_all(&s, req.as_bytes()).await;
    let (got, _) = until_closed(&mut s, LIMIT)
        .await
        .expect("answered and closed");
    let text = String::from_utf8_lossy(&got);
    assert!(text.starts_with("HTTP/1.1 431"), "{text}");
    assert_eq!(fresh_request(addr).await.unwrap().status, 200);
    handle.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_client_that_never_reads_its_responses_is_dropped_after_the_write_timeout() {
    let mut c = config();
    c.write_timeout = Duration::from_millis(500);
    let (addr, handle) = pyng_sandbox::spawn(c).await.unwrap();
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let s = socket.connect(addr).await.unwrap();
    let burst = b"GET /nope HTTP/1.1\r\nHost: x\r\n\r\n".repeat(100);
    // Pipelined requests, never a read: the server's writes stall, then it stops
    // reading too; once it gives up, a write here fails (reset). Bounded in time
    // and in bytes.
    let start = Instant::now();
    let mut sent = 0usize;
    let mut reset = false;
    let mut checked = false;
    while start.elapsed() < LIMIT && sent < 256 << 20 {
        match tokio::time::timeout(Duration::from_millis(100), s.writable()).await {
            Ok(Ok(())) => match s.try_write(&burst) {
                Ok(n) => sent += n,
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    if !checked {
                        // The stalled connection does not hold up others.
                        checked = true;
                        assert_eq!(fresh_request(addr).await.unwrap().status, 200);
                    }
                }
                Err(_) => {
                    reset = true;
                    break;
                }
            },
            Ok(Err(_)) => {
                reset = true;
                break;
            }
            Err(_) => {}
        }
    }
    assert!(
        reset,
        "still open after {:?} ({sent} bytes sent)",
        start.elapsed()
    );
    handle.shutdown().await.unwrap();
}

#[tokio::test]
async fn extreme_bounds_are_clamped_not_a_panic() {
    let mut c = config();
    c.header_read_timeout = Duration::MAX;
    c.body_read_timeout = Duration::MAX;
    c.write_timeout = Duration::MAX;
    c.shutdown_grace = Duration::MAX;
    c.max_connections = usize::MAX;
    c.max_body_bytes = usize::MAX;
    let mut none = c.clone();
    none.max_connections = 0;
    none.max_body_bytes = 0;
    let (addr, handle) = pyng_sandbox::spawn(none).await.unwrap();
    assert_eq!(fresh_request(addr).await.unwrap().status, 200);
    handle.shutdown().await.unwrap();
    let (addr, handle) = pyng_sandbox::spawn(c).await.unwrap();
    assert_eq!(fresh_request(addr).await.unwrap().status, 200);
    let form = [("Content-Type", "application/x-www-form-urlencoded")];
    let r = send(
        addr,
        "POST",
        "/checkout/oauth2/token",
        &form,
        b"grant_type=x",
        LIMIT,
    )
    .await
    .unwrap();
    assert_eq!(r.status, 401);
    tokio::time::timeout(LIMIT, handle.shutdown())
        .await
        .unwrap()
        .unwrap();
}
