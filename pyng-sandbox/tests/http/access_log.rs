//! The access log: one line per request with method, path, status, scenario,
//! fault and latency; never a credential, a signature or a query value; nothing
//! from the request that could drive a terminal.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::bounds::{until_closed, write_all};
use crate::common::*;
use crate::scenarios::fresh_id;

fn capture() -> (pyng_sandbox::Log, Arc<Mutex<Vec<String>>>) {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let sink = lines.clone();
    let log = pyng_sandbox::Log::new(move |l| sink.lock().unwrap().push(l.to_owned()));
    (log, lines)
}

/// Sends raw bytes as a request and reads what comes back (bounded).
async fn raw(addr: std::net::SocketAddr, bytes: &[u8]) -> String {
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    write_all(&s, bytes).await.unwrap();
    let (out, _) = until_closed(&mut s, Duration::from_secs(10)).await.unwrap();
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test]
async fn each_request_is_logged_without_its_secrets() {
    let (log, lines) = capture();
    let mut c = config();
    c.access_log = true;
    c.log = log;
    let (addr, handle) = pyng_sandbox::spawn(c).await.unwrap();
    let specs = specs();
    let auth = format!("Bearer {TOKEN}");
    let h = [
        ("Authorization", auth.as_str()),
        ("Cookie", "session=cookie-secret-42"),
    ];
    // Pyng, bearer token, a scenario in the id.
    let pyng = target(
        &specs[0],
        specs[0].first_polled().expect("a polled operation"),
        &format!("{}.settled-1", fresh_id()),
    );
    assert_eq!(get(addr, &pyng, &h).await.status, 200);
    // Peach: credentials and a signature in the query.
    let peach = &specs[2];
    let op = peach.first_polled().expect("a polled operation");
    let signed = target(peach, op, &format!("order-{}-successful-0", fresh_id()));
    let r = get(addr, &signed, &[]).await;
    assert!(r.status < 500, "{}", r.body);
    let with_secret = format!("{signed}&authentication.password=query-secret-77");
    get(addr, &with_secret, &[]).await;
    // Token endpoint, client credentials in Basic auth and in the form.
    let basic = format!(
        "Basic {}",
        base64_encode(format!("{CLIENT_ID}:{CLIENT_SECRET}").as_bytes())
    );
    let form = format!("grant_type=client_credentials&client_secret={CLIENT_SECRET}");
    send(
        addr,
        "POST",
        "/checkout/oauth2/token",
        &[
            ("Authorization", basic.as_str()),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ],
        form.as_bytes(),
        Duration::from_secs(10),
    )
    .await
    .unwrap();
    handle.shutdown().await.unwrap();

    let lines = lines.lock().unwrap().clone();
    let access: Vec<&String> = lines.iter().filter(|l| l.starts_with("access ")).collect();
    assert_eq!(access.len(), 4, "{lines:#?}");
    let signature = signed.rsplit("signature=").next().unwrap();
    for l in &lines {
        for secret in [
            TOKEN,
            CLIENT_SECRET,
            "cookie-secret-42",
            "query-secret-77",
            signature,
            &basic[6..],
        ] {
            assert!(!l.contains(secret), "`{secret}` in {l}");
        }
        assert!(l.bytes().all(|b| (0x20..0x7f).contains(&b)), "{l:?}");
    }
    let first = access[0];
    for want in [
        "method=GET",
        "path=/checkout/site-1/transaction-status",
        "query=paymentIntentId",
        "status=200",
        "scenario=settled-1",
        "fault=none",
        "latency_ms=",
        "peer=127.0.0.1:",
    ] {
        assert!(first.contains(want), "{want} not in {first}");
    }
    assert!(
        access[1].contains("signature"),
        "names are kept: {}",
        access[1]
    );
    assert!(
        access[2].contains("authentication.password"),
        "{}",
        access[2]
    );
    assert!(
        access[3].contains("method=POST path=/checkout/oauth2/token status=200"),
        "{}",
        access[3]
    );
}

#[tokio::test]
async fn request_text_is_escaped_in_the_log() {
    let (log, lines) = capture();
    let mut c = config();
    c.access_log = true;
    c.log = log;
    let (addr, handle) = pyng_sandbox::spawn(c).await.unwrap();
    // A raw ESC, a percent-encoded one, a UTF-8 C1 control (CSI) and a bidi override.
    let esc = raw(
        addr,
        b"GET /a\x1b[2Jb HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert!(esc.starts_with("HTTP/1.1 400"), "hyper refuses it: {esc}");
    raw(
        addr,
        b"GET /a%1B[2Jb?n%1B=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    .await;
    raw(
        addr,
        "GET /a\u{9b}2J\u{202e}b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".as_bytes(),
    )
    .await;
    let esc = raw(
        addr,
        b"G\x1bT / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert!(esc.starts_with("HTTP/1.1 400"), "hyper refuses it: {esc}");
    handle.shutdown().await.unwrap();
    let lines = lines.lock().unwrap().clone();
    assert!(!lines.is_empty());
    for l in &lines {
        assert!(l.bytes().all(|b| (0x20..0x7f).contains(&b)), "{l:?}");
    }
    for want in [
        "path=/a%1B[2Jb query=n%1B status=404",
        "path=/a%C2%9B2J%E2%80%AEb status=404",
    ] {
        assert!(lines.iter().any(|l| l.contains(want)), "{want}: {lines:#?}");
    }
}

#[tokio::test]
async fn the_access_log_is_off_by_default() {
    let (log, lines) = capture();
    let mut c = config();
    c.log = log;
    let (addr, handle) = pyng_sandbox::spawn(c).await.unwrap();
    get(addr, "/nope", &[]).await;
    handle.shutdown().await.unwrap();
    assert!(lines.lock().unwrap().is_empty());
}

fn base64_encode(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}
