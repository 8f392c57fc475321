//! The real `serve` binary under stalled connections and signals: a half-open
//! connection does not keep SIGTERM from stopping it within the grace period, a
//! second signal exits at once with 128+N, and request heads that never finish
//! (more of them than the descriptor limit) do not stop it answering. Loopback
//! only; every child and every read is bounded in time.

mod live_support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use live_support::{BIN, wait_bounded};

struct Serve {
    child: Child,
    addr: SocketAddr,
    stderr: Option<JoinHandle<String>>,
}

impl Serve {
    /// `serve --bind 127.0.0.1:0 EXTRA...`, run through `sh -c` so that a test
    /// can set a limit first (`prelude`, e.g. `ulimit -n 64`).
    fn start(prelude: &str, extra: &[&str]) -> Serve {
        let script = format!("{prelude}\nexec \"$0\" serve --bind 127.0.0.1:0 \"$@\"");
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(script)
            .arg(BIN)
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let mut err = child.stderr.take().unwrap();
        let stderr = std::thread::spawn(move || {
            let mut s = String::new();
            let _ = err.read_to_string(&mut s);
            s
        });
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            // Reads to the end so the child never blocks on a full pipe.
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let first = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("serve prints its address");
        let addr = first
            .rsplit("http://")
            .next()
            .and_then(|a| a.parse().ok())
            .unwrap_or_else(|| panic!("no address in `{first}`"));
        Serve {
            child,
            addr,
            stderr: Some(stderr),
        }
    }

    fn signal(&self, name: &str) {
        let ok = Command::new("kill")
            .args([&format!("-{name}"), &self.child.id().to_string()])
            .status()
            .unwrap()
            .success();
        assert!(ok, "kill -{name} failed");
    }

    fn wait(&mut self, limit: Duration) -> (ExitStatus, String) {
        let status = wait_bounded(&mut self.child, limit);
        let err = self.stderr.take().map(|h| h.join().unwrap());
        (status, err.unwrap_or_default())
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A connection that sent half a request head and nothing more.
fn stalled(addr: SocketAddr) -> TcpStream {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).unwrap();
    s.write_all(b"GET /status HTTP/1.1\r\nHost: x\r\n").unwrap();
    s
}

/// One `GET /nope` on a new connection; the status line, or `Err` after `limit`.
fn probe(addr: SocketAddr, limit: Duration) -> Result<String, String> {
    let mut s = TcpStream::connect_timeout(&addr, limit).map_err(|e| e.to_string())?;
    s.set_read_timeout(Some(limit)).map_err(|e| e.to_string())?;
    s.write_all(b"GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    s.read_to_end(&mut out).map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&out);
    Ok(text.lines().next().unwrap_or_default().to_owned())
}

/// True when the server closed `s` within `limit` (EOF or reset).
fn closed_within(s: &mut TcpStream, limit: Duration) -> bool {
    let deadline = Instant::now() + limit;
    let mut buf = [0u8; 1024];
    while Instant::now() < deadline {
        let _ = s.set_read_timeout(Some(Duration::from_millis(200)));
        match s.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => {}
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(_) => return true,
        }
    }
    false
}

#[test]
fn sigterm_stops_serve_despite_a_half_open_connection() {
    let mut serve = Serve::start("", &[]);
    let _half_open = stalled(serve.addr);
    // Answered after the stalled one: that one was accepted first.
    let line = probe(serve.addr, Duration::from_secs(10)).unwrap();
    assert!(line.starts_with("HTTP/1.1 404"), "{line}");
    let start = Instant::now();
    serve.signal("TERM");
    // Default grace period 5 s, plus start-up slack.
    let (status, stderr) = serve.wait(Duration::from_secs(15));
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(
        start.elapsed() < Duration::from_secs(12),
        "{:?}",
        start.elapsed()
    );
    assert!(stderr.contains("shutting down"), "{stderr}");
}

#[test]
fn a_second_signal_exits_at_once_with_128_plus_its_number() {
    let mut serve = Serve::start("", &[]);
    let _half_open = stalled(serve.addr);
    assert!(probe(serve.addr, Duration::from_secs(10)).is_ok());
    serve.signal("TERM");
    // Let the first one be handled (the stop is then waiting on the grace period).
    std::thread::sleep(Duration::from_millis(500));
    let start = Instant::now();
    serve.signal("INT");
    let (status, stderr) = serve.wait(Duration::from_secs(10));
    assert_eq!(status.code(), Some(130), "{stderr}");
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn stalled_heads_beyond_the_descriptor_limit_do_not_stop_serve() {
    // 100 stalled connections against 64 descriptors: accept hits EMFILE until
    // the head timeout closes some.
    let mut serve = Serve::start("ulimit -n 64 || exit 99", &["--header-timeout", "1s"]);
    let mut conns: Vec<TcpStream> = (0..100).map(|_| stalled(serve.addr)).collect();
    let line = probe(serve.addr, Duration::from_secs(20)).expect("still answers");
    assert!(line.starts_with("HTTP/1.1 404"), "{line}");
    for s in &mut conns {
        assert!(
            closed_within(s, Duration::from_secs(20)),
            "closed by the server"
        );
    }
    assert!(probe(serve.addr, Duration::from_secs(10)).is_ok());
    serve.signal("TERM");
    let (status, stderr) = serve.wait(Duration::from_secs(15));
    assert_eq!(status.code(), Some(0), "{stderr}");
    // EMFILE was met, logged, and backed off from rather than spun on.
    let errors = stderr.matches("accept failed").count();
    assert!(
        (1..200).contains(&errors),
        "{errors} accept errors logged:\n{stderr}"
    );
}

#[test]
fn access_log_lines_on_stderr_carry_no_secret() {
    let mut serve = Serve::start("", &["--access-log"]);
    let mut s = TcpStream::connect_timeout(&serve.addr, Duration::from_secs(5)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(
        b"GET /status?authentication.password=pw-Z8q2Lk&signature=sig-Y4m1 HTTP/1.1\r\n\
          Host: x\r\nAuthorization: Bearer tok-X9w3Jd\r\nConnection: close\r\n\r\n",
    )
    .unwrap();
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    serve.signal("TERM");
    let (status, stderr) = serve.wait(Duration::from_secs(15));
    assert_eq!(status.code(), Some(0), "{stderr}");
    let line = stderr
        .lines()
        .find(|l| l.starts_with("pyng-conformance serve: access "))
        .unwrap_or_else(|| panic!("no access line in:\n{stderr}"));
    for want in [
        "method=GET",
        "path=/status",
        "query=authentication.password,signature",
        "status=400",
        "latency_ms=",
    ] {
        assert!(line.contains(want), "{want} not in {line}");
    }
    for secret in ["pw-Z8q2Lk", "sig-Y4m1", "tok-X9w3Jd"] {
        assert!(!stderr.contains(secret), "{secret} in:\n{stderr}");
    }
}

/// `serve` handles the client secret and the signing secret: neither, nor the
/// Basic credentials or the bearer token a client sends, reaches its stdout or
/// stderr (access log on), whether the credentials are right or wrong.
#[test]
fn serve_prints_no_secret_it_holds_or_receives() {
    use base64::Engine as _;
    const ID: &str = "partner-id-7";
    const SECRET: &str = "serve-client-secret-Q1w2";
    const SIGNING: &str = "serve-signing-secret-E3r4";
    let prelude =
        format!("export PYNG_CLIENT_ID={ID} PYNG_CLIENT_SECRET={SECRET} PEACH_SECRET={SIGNING}");
    let mut serve = Serve::start(&prelude, &["--access-log"]);
    let basic =
        |secret: &str| base64::engine::general_purpose::STANDARD.encode(format!("{ID}:{secret}"));
    let mut answers = String::new();
    for (auth, body) in [
        (
            format!("Basic {}", basic(SECRET)),
            "grant_type=client_credentials",
        ),
        (
            format!("Basic {}", basic("wrong-secret-T5y6")),
            "grant_type=client_credentials",
        ),
        (format!("Bearer {SECRET}"), ""),
    ] {
        let mut s = TcpStream::connect_timeout(&serve.addr, Duration::from_secs(5)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let request = format!(
            "POST /checkout/oauth2/token?client_secret={SECRET} HTTP/1.1\r\nHost: x\r\nAuthorization: {auth}\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        s.write_all(request.as_bytes()).unwrap();
        let mut out = Vec::new();
        let _ = s.read_to_end(&mut out);
        answers.push_str(&String::from_utf8_lossy(&out));
    }
    assert!(
        answers.contains("access_token"),
        "the right credentials get a token: {answers}"
    );
    serve.signal("TERM");
    let (status, stderr) = serve.wait(Duration::from_secs(15));
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert_eq!(stderr.matches("serve: access ").count(), 3, "{stderr}");
    for secret in [
        SECRET,
        SIGNING,
        "wrong-secret-T5y6",
        &basic(SECRET),
        &basic("wrong-secret-T5y6"),
    ] {
        assert!(!stderr.contains(secret), "{secret} in:\n{stderr}");
    }
}
