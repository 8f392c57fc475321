//! The `proxy` binary as a child process: started with the signing secret in
//! its environment, its address read from its first stdout line, every wait
//! bounded.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use super::{CHILD_LIMIT, SIGNING_SECRET};

/// The variable the proxy reads the signing secret from.
pub const SIGNING_ENV: &str = "PYNG_TEST_PROXY_SIGNING";

/// The proxy binary as a child, its address read from its first stdout line.
pub struct ProxyChild {
    child: Child,
    pub url: String,
    stdout: std::thread::JoinHandle<String>,
    stderr: std::thread::JoinHandle<String>,
}

pub struct Ended {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn start(dir: &Path, upstream: &str, extra: &[&str]) -> ProxyChild {
    let mut cmd = Command::new(super::bin());
    cmd.current_dir(dir)
        .args(["proxy", "--upstream", upstream, "--secret-env", SIGNING_ENV])
        .args(extra)
        .env_clear()
        .env(SIGNING_ENV, SIGNING_SECRET)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let (tx, rx) = mpsc::channel();
    let stdout = std::thread::spawn(move || {
        let mut first = String::new();
        let _ = out.read_line(&mut first);
        let _ = tx.send(first.clone());
        let mut rest = String::new();
        let _ = out.read_to_string(&mut rest);
        first + &rest
    });
    let mut err = child.stderr.take().unwrap();
    let stderr = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let first = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("the proxy prints its address");
    let url = first
        .trim()
        .strip_prefix("pyng-conformance proxy: listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
        .to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    ProxyChild {
        child,
        url,
        stdout,
        stderr,
    }
}

impl ProxyChild {
    pub fn end(mut self) -> Ended {
        let status = super::wait_bounded(&mut self.child, CHILD_LIMIT);
        Ended {
            code: status.code().unwrap_or(-1),
            stdout: self.stdout.join().unwrap(),
            stderr: self.stderr.join().unwrap(),
        }
    }

    pub fn signal(&self, sig: &str) {
        let ok = Command::new("kill")
            .args([sig, &self.child.id().to_string()])
            .status()
            .unwrap()
            .success();
        assert!(ok);
    }
}
