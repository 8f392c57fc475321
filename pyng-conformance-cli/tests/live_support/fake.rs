//! A fake HTTP/1.1 server on a loopback port: a std listener thread that hands
//! each request to a handler writing whatever bytes it likes (canned answers,
//! garbage, slow or huge bodies). Bounded: at most `MAX_CONNECTIONS`
//! connections, a read timeout on each, and stopped on drop.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const MAX_CONNECTIONS: usize = 2000;

/// One request as the fake read it.
#[derive(Debug, Clone)]
pub struct FakeRequest {
    pub method: String,
    /// Path and query.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub at: Instant,
}

impl FakeRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }
}

type Handler = dyn Fn(&FakeRequest, &mut TcpStream) + Send + Sync;

pub struct Fake {
    pub url: String,
    pub requests: Arc<Mutex<Vec<FakeRequest>>>,
    stop: Arc<AtomicBool>,
    addr: std::net::SocketAddr,
}

impl Fake {
    pub fn start(handler: impl Fn(&FakeRequest, &mut TcpStream) + Send + Sync + 'static) -> Fake {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        {
            let stop = stop.clone();
            let requests = requests.clone();
            std::thread::spawn(move || {
                let count = AtomicUsize::new(0);
                for conn in listener.incoming() {
                    if stop.load(Ordering::SeqCst)
                        || count.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS
                    {
                        break;
                    }
                    let Ok(mut conn) = conn else { continue };
                    let handler = handler.clone();
                    let requests = requests.clone();
                    std::thread::spawn(move || {
                        let _ = conn.set_read_timeout(Some(Duration::from_secs(5)));
                        let _ = conn.set_write_timeout(Some(Duration::from_secs(20)));
                        if let Some(req) = read_request(&mut conn) {
                            requests.lock().unwrap().push(req.clone());
                            handler(&req, &mut conn);
                        }
                        let _ = conn.flush();
                    });
                }
            });
        }
        Fake {
            url: format!("http://{addr}"),
            requests,
            stop,
            addr,
        }
    }

    pub fn requests(&self) -> Vec<FakeRequest> {
        self.requests.lock().unwrap().clone()
    }
}

impl Drop for Fake {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so that it sees the flag.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
    }
}

fn read_request(conn: &mut TcpStream) -> Option<FakeRequest> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        if buf.len() > 1 << 20 {
            return None;
        }
        let n = conn.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let method = first.next()?.to_owned();
    let target = first.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let len = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0)
        .min(1 << 20);
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < len {
        let n = conn.read(&mut chunk).ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(FakeRequest {
        method,
        target,
        headers,
        body,
        at: Instant::now(),
    })
}

/// Writes a whole response and closes the connection (no keep-alive).
pub fn respond(conn: &mut TcpStream, status: u16, headers: &[(&str, &str)], body: &[u8]) {
    let mut head = format!(
        "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let _ = conn.write_all(head.as_bytes());
    let _ = conn.write_all(body);
}

/// A JSON response.
pub fn json(conn: &mut TcpStream, status: u16, body: &str) {
    respond(
        conn,
        status,
        &[("Content-Type", "application/json")],
        body.as_bytes(),
    );
}
