//! `pyng-conformance proxy` end to end on loopback: the real binary between a
//! client (ureq here) and the sandbox in-process, with sandbox faults, each
//! way of stopping, the bounds, and every output searched for the secrets.
//! Every loop and every child is bounded in time.

mod live_support;

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use live_support::{CHILD_LIMIT, CLIENT_SECRET, SIGNING_SECRET, Sandbox, TOKEN, fresh_id};
use serde_json::Value;

const SIGNING_ENV: &str = "PYNG_TEST_PROXY_SIGNING";

/// The proxy binary as a child, its address read from its first stdout line.
struct ProxyChild {
    child: Child,
    url: String,
    stdout: std::thread::JoinHandle<String>,
    stderr: std::thread::JoinHandle<String>,
}

struct Ended {
    code: i32,
    stdout: String,
    stderr: String,
}

fn start(dir: &Path, upstream: &str, extra: &[&str]) -> ProxyChild {
    let mut cmd = Command::new(live_support::bin());
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
    fn end(mut self) -> Ended {
        let status = live_support::wait_bounded(&mut self.child, CHILD_LIMIT);
        Ended {
            code: status.code().unwrap_or(-1),
            stdout: self.stdout.join().unwrap(),
            stderr: self.stderr.join().unwrap(),
        }
    }

    fn signal(&self, sig: &str) {
        let ok = Command::new("kill")
            .args([sig, &self.child.id().to_string()])
            .status()
            .unwrap()
            .success();
        assert!(ok);
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(20)))
        .build()
        .into()
}

/// One status poll through the proxy: status and body.
fn poll(base: &str, id: &str, scenario: &str) -> (u16, Value) {
    let url = format!("{base}/checkout/site-1/transaction-status?paymentIntentId={id}");
    let mut resp = agent()
        .get(&url)
        .header("Authorization", &format!("Bearer {TOKEN}"))
        .header("x-sandbox-scenario", scenario)
        .call()
        .unwrap();
    let status = resp.status().as_u16();
    let body = resp.body_mut().read_to_string().unwrap_or_default();
    (status, serde_json::from_str(&body).unwrap_or(Value::Null))
}

fn state(body: &Value) -> Option<&str> {
    body.pointer("/data/transactionStatus")
        .and_then(Value::as_str)
}

/// Every file the run wrote and everything it printed, without a secret.
fn assert_no_secret(dir: &Path, ended: &Ended) {
    let mut texts = vec![
        ("stdout".to_owned(), ended.stdout.clone()),
        ("stderr".to_owned(), ended.stderr.clone()),
    ];
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        texts.push((
            p.display().to_string(),
            std::fs::read_to_string(&p).unwrap_or_default(),
        ));
    }
    for (what, text) in texts {
        for s in [TOKEN, SIGNING_SECRET, CLIENT_SECRET] {
            assert!(!text.contains(s), "{what} holds {s:?}");
        }
    }
}

fn rules(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|f| f["rule"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn behaving_traffic_stops_at_the_final_state_and_checks_clean() {
    let sandbox = Sandbox::start(1.0);
    let dir = tempfile::tempdir().unwrap();
    let proxy = start(
        dir.path(),
        &sandbox.url,
        &[
            "--until-final",
            "1",
            "--record",
            "run.ndjson",
            "--har",
            "run.har",
            "--format",
            "json",
            "--output",
            "report.json",
        ],
    );
    let id = fresh_id();
    let mut states = Vec::new();
    for _ in 0..10 {
        let (status, body) = poll(&proxy.url, &id, "settled-2");
        assert_eq!(status, 200, "{body}");
        states.push(state(&body).unwrap_or_default().to_owned());
        if states.last().is_some_and(|s| s == "Settled") {
            break;
        }
    }
    assert_eq!(
        states.last().map(String::as_str),
        Some("Settled"),
        "{states:?}"
    );
    let ended = proxy.end();
    assert_eq!(ended.code, 0, "{}", ended.stderr);
    assert!(
        ended.stderr.contains("1 sequence(s) reached a final state"),
        "{}",
        ended.stderr
    );
    let report = read_json(&dir.path().join("report.json"));
    assert_eq!(report["summary"]["errors"], 0, "{report}");
    // The recording is what was checked: a later `check` agrees.
    let lines = std::fs::read_to_string(dir.path().join("run.ndjson")).unwrap();
    assert_eq!(lines.lines().count(), states.len() + 1, "{lines}");
    assert!(
        lines.contains("\"authorization\":\"<redacted>\""),
        "{lines}"
    );
    let offline = live_support::offline_engine().check_file(&dir.path().join("run.ndjson"));
    let live: Vec<String> = rules(&report);
    let later: Vec<String> = offline.findings.iter().map(|f| f.rule.clone()).collect();
    assert_eq!(live, later);
    let har = read_json(&dir.path().join("run.har"));
    assert_eq!(
        har["log"]["entries"].as_array().map(Vec::len),
        Some(states.len())
    );
    assert_no_secret(dir.path(), &ended);
}

#[test]
fn sandbox_faults_are_findings_and_idle_ends_the_run() {
    let sandbox = Sandbox::start(1.0);
    let dir = tempfile::tempdir().unwrap();
    let proxy = start(
        dir.path(),
        &sandbox.url,
        &[
            "--idle",
            "1s",
            "--record",
            "run.json",
            "--format",
            "json",
            "--output",
            "report.json",
        ],
    );
    let (status, _) = poll(&proxy.url, &fresh_id(), "settled-1.amount-mismatch");
    assert_eq!(status, 200);
    let (status, _) = poll(&proxy.url, &fresh_id(), "settled-1.server-error");
    assert_eq!(status, 500, "the fault reaches the client as it was");
    let (status, body) = poll(&proxy.url, &fresh_id(), "settled-1.malformed-json");
    assert_eq!((status, body), (200, Value::Null));
    let ended = proxy.end();
    assert_eq!(ended.code, 1, "{}", ended.stderr);
    assert!(ended.stderr.contains("idle for 1 s"), "{}", ended.stderr);
    // Live lines name what was found as it happened.
    assert!(
        ended.stderr.contains("amount.paid-equals-line-totals"),
        "{}",
        ended.stderr
    );
    let found = rules(&read_json(&dir.path().join("report.json")));
    for rule in [
        "amount.paid-equals-line-totals",
        "schema.not-json",
        "http.status-documented",
    ] {
        assert!(found.iter().any(|r| r == rule), "{rule} not in {found:?}");
    }
    assert!(found.iter().any(|r| r.starts_with("http.")), "{found:?}");
    assert_no_secret(dir.path(), &ended);
}

#[test]
fn sigterm_and_sigint_end_the_run_with_its_report() {
    let sandbox = Sandbox::start(1.0);
    for sig in ["-TERM", "-INT"] {
        let dir = tempfile::tempdir().unwrap();
        let proxy = start(
            dir.path(),
            &sandbox.url,
            &["--format", "json", "--output", "report.json"],
        );
        let (status, _) = poll(&proxy.url, &fresh_id(), "settled-2");
        assert_eq!(status, 200);
        proxy.signal(sig);
        let ended = proxy.end();
        assert_eq!(ended.code, 0, "{sig}: {}", ended.stderr);
        assert!(
            ended.stderr.contains("stopped by signal"),
            "{}",
            ended.stderr
        );
        let report = read_json(&dir.path().join("report.json"));
        assert_eq!(report["summary"]["exchanges"], 1, "{report}");
        assert_no_secret(dir.path(), &ended);
    }
}

#[test]
fn an_unreachable_upstream_is_a_502_and_bodies_are_bounded() {
    let dir = tempfile::tempdir().unwrap();
    // Port 1 on loopback: nothing listens there.
    let proxy = start(
        dir.path(),
        "http://127.0.0.1:1",
        &["--idle", "1s", "--upstream-timeout", "2s"],
    );
    let (status, _) = poll(&proxy.url, &fresh_id(), "settled-1");
    assert_eq!(status, 502);
    let big = vec![b'x'; (16 << 20) + 1];
    let resp = agent()
        .post(&format!("{}/checkout/site-1/payment-intent", proxy.url))
        .send(&big[..]);
    // Either the 413 arrives or the connection is closed while sending.
    if let Ok(r) = resp {
        assert_eq!(r.status().as_u16(), 413);
    }
    let ended = proxy.end();
    // Nothing was checked: a run that checked no exchange fails.
    assert_eq!(ended.code, 1, "{}", ended.stderr);
    assert!(
        ended.stderr.contains("upstream") || ended.stderr.contains("unreachable"),
        "{}",
        ended.stderr
    );
    assert!(
        ended.stdout.contains("input.nothing-checked"),
        "{}",
        ended.stdout
    );
}

#[test]
fn listen_takes_an_ip_address_and_upstream_an_http_url() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &[
            "proxy",
            "--upstream",
            "http://127.0.0.1:1",
            "--listen",
            "localhost:0",
        ][..],
        &["proxy", "--upstream", "ftp://127.0.0.1:1"][..],
    ] {
        let out = Command::new(live_support::bin())
            .current_dir(dir.path())
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
}
