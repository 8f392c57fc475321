//! Support for the live end-to-end tests: the sandbox in-process or as the real
//! `serve` binary, the `poll` binary as a child process, every child bounded in
//! time, and request arguments built from the IR.

#![allow(dead_code)]

pub mod fake;
pub mod proxy_child;

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use pyng_conformance::Engine;
use pyng_spec::ir::{Operation, ParamLocation, SecurityScheme, Spec};
use serde_json::Value;

pub const BIN: &str = env!("CARGO_BIN_EXE_pyng-conformance");

/// The binary the child processes run: [`BIN`], or `PYNG_TEST_BIN` when set
/// (to watch a regression test fail against an older build).
pub fn bin() -> std::ffi::OsString {
    std::env::var_os("PYNG_TEST_BIN").unwrap_or_else(|| BIN.into())
}
pub const TOKEN: &str = "live-test-token-7f3a9c";
pub const CLIENT_ID: &str = "live-test-client-b81e";
pub const CLIENT_SECRET: &str = "live-test-client-secret-4d2c";
pub const SIGNING_SECRET: &str = "live-test-signing-secret-9e55";
/// Longest any child may run before the test fails.
pub const CHILD_LIMIT: Duration = Duration::from_secs(60);

pub fn specs() -> Vec<Spec> {
    Engine::with_bundled_specs().unwrap().specs().to_vec()
}

/// The engine `check` uses, with the signing secret the sandbox signs with.
pub fn offline_engine() -> Engine {
    Engine::with_bundled_specs()
        .unwrap()
        .with_secret(pyng_conformance::Secret::new(SIGNING_SECRET))
}

static IDS: AtomicU64 = AtomicU64::new(1);

/// A fresh resource id with no scenario in it (32 hex characters: valid as a
/// Peach checkout id too).
pub fn fresh_id() -> String {
    format!(
        "{:016x}{:016x}",
        std::process::id(),
        0xfeed_0000 + IDS.fetch_add(1, Ordering::Relaxed)
    )
}

/// The sandbox in-process on a loopback port, on its own runtime.
pub struct Sandbox {
    pub url: String,
    runtime: tokio::runtime::Runtime,
    handle: Option<pyng_sandbox::ShutdownHandle>,
}

impl Sandbox {
    pub fn start(time_scale: f64) -> Sandbox {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let mut config = pyng_sandbox::SandboxConfig::new(specs());
        config.bind = "127.0.0.1:0".parse().unwrap();
        config.time_scale = time_scale;
        config.tokens = vec![TOKEN.into()];
        config.client_id = CLIENT_ID.into();
        config.client_secret = CLIENT_SECRET.into();
        config.peach_secret = SIGNING_SECRET.as_bytes().to_vec();
        config.slow_delay = Duration::from_secs(3);
        let (addr, handle) = runtime.block_on(pyng_sandbox::spawn(config)).unwrap();
        Sandbox {
            url: format!("http://{addr}"),
            runtime,
            handle: Some(handle),
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(h) = self.handle.take() {
            let _ = self.runtime.block_on(async {
                tokio::time::timeout(Duration::from_secs(10), h.shutdown()).await
            });
        }
    }
}

/// The parameter that carries the resource id: the last `x-resource-key` entry.
pub fn id_param(op: &Operation) -> &str {
    op.resource_key.last().map(String::as_str).unwrap_or("id")
}

/// `--operation` and `--param`s for `op` with `id`: other required parameters
/// from their examples (or `site-1`), one-of alternatives other than the id left
/// out, the signature left to the poller. Built from the IR like the poller's
/// own target.
pub fn target_args(spec: &Spec, op: &Operation, id: &str) -> Vec<String> {
    let signature = op
        .security
        .iter()
        .find_map(|n| match spec.security_schemes.get(n) {
            Some(SecurityScheme::SignedQuery(s)) => Some(s.parameter.clone()),
            _ => None,
        });
    let mut args = vec!["--operation".to_owned(), op.id.clone()];
    for p in &op.params {
        if p.location == ParamLocation::Header || Some(&p.name) == signature.as_ref() {
            continue;
        }
        let value = if p.name == id_param(op) {
            id.to_owned()
        } else if p.required {
            p.example
                .as_ref()
                .and_then(Value::as_str)
                .unwrap_or("site-1")
                .to_owned()
        } else {
            continue;
        };
        args.push("--param".into());
        args.push(format!("{}={value}", p.name));
    }
    args
}

/// The finished child.
#[derive(Debug)]
pub struct Output {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    pub fn code(&self) -> i32 {
        self.status.code().unwrap_or(-1)
    }
}

fn drain(mut r: impl Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = r.read_to_end(&mut s);
        String::from_utf8_lossy(&s).into_owned()
    })
}

/// Waits for `child` at most `limit` (then kills it and fails).
pub fn wait_bounded(child: &mut Child, limit: Duration) -> ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the child did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Runs the binary with `args` and exactly the environment `env` (plus PATH).
pub fn run(args: &[String], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(bin());
    cmd.args(args)
        .env_clear()
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(path) = std::env::var_os("PATH") {
        cmd.env("PATH", path);
    }
    let mut child = cmd.spawn().unwrap();
    let out = drain(child.stdout.take().unwrap());
    let err = drain(child.stderr.take().unwrap());
    let status = wait_bounded(&mut child, CHILD_LIMIT);
    Output {
        status,
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    }
}

/// Sends SIGINT (what Ctrl-C sends) to a child.
pub fn interrupt(child: &Child) {
    let ok = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok, "kill -INT failed");
}

/// The real `serve` binary as a child on a free loopback port.
pub struct ServeChild {
    pub child: Child,
    pub url: String,
    pub stdout_lines: Vec<String>,
    stderr: Option<std::thread::JoinHandle<String>>,
}

impl ServeChild {
    pub fn start(extra: &[&str], env: &[(&str, &str)]) -> ServeChild {
        let mut cmd = Command::new(bin());
        cmd.args(["serve", "--bind", "127.0.0.1:0"])
            .args(extra)
            .env_clear()
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        let stdout = child.stdout.take().unwrap();
        let stderr = drain(child.stderr.take().unwrap());
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        // The first line says where it listens; waiting for it is the readiness
        // check (no sleeping and hoping).
        let first = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("serve prints its address");
        let url = first
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no URL in `{first}`"))
            .to_owned();
        let mut stdout_lines = vec![first];
        // The route list follows at once; keep what has arrived for the checks.
        while let Ok(l) = rx.recv_timeout(Duration::from_millis(200)) {
            stdout_lines.push(l);
        }
        ServeChild {
            child,
            url,
            stdout_lines,
            stderr: Some(stderr),
        }
    }

    /// Ctrl-C, then waits; returns the exit status and stderr.
    pub fn stop(mut self) -> (ExitStatus, String) {
        interrupt(&self.child);
        let status = wait_bounded(&mut self.child, Duration::from_secs(20));
        let err = self
            .stderr
            .take()
            .map(|h| h.join().unwrap())
            .unwrap_or_default();
        (status, err)
    }
}

impl Drop for ServeChild {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// (rule, pointer, entry) of every finding of a JSON report.
pub fn report_keys(report: &Value) -> Vec<(String, Option<String>, Option<u64>)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["pointer"].as_str().map(str::to_owned),
                f["entry"].as_u64(),
            )
        })
        .collect()
}

/// The same for an offline check of `path`.
/// What `check --allow client` of a recording says (`poll` allows the
/// `client` rules: its client is the kit).
pub fn offline_keys(path: &Path) -> Vec<(String, Option<String>, Option<u64>)> {
    offline_engine()
        .check_file(path)
        .findings
        .iter()
        .filter(|f| !f.rule.starts_with("client."))
        .map(|f| (f.rule.clone(), f.pointer.clone(), f.entry.map(|e| e as u64)))
        .collect()
}

pub fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A completed `poll` run with a JSON report and a recording.
#[derive(Debug)]
pub struct PollResult {
    pub out: Output,
    pub report: Value,
    pub recording: Value,
    pub keys: Vec<(String, Option<String>, Option<u64>)>,
}

impl PollResult {
    pub fn errors(&self) -> Vec<&str> {
        self.report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["severity"] == "error")
            .map(|f| f["rule"].as_str().unwrap())
            .collect()
    }

    pub fn exchanges(&self) -> &Vec<Value> {
        self.recording["exchanges"].as_array().unwrap()
    }

    /// The states the recorded 200 bodies show, from the `x-sandbox-state` header.
    pub fn states(&self) -> Vec<String> {
        self.exchanges()
            .iter()
            .filter_map(|x| x["response"]["headers"]["x-sandbox-state"].as_str())
            .map(str::to_owned)
            .collect()
    }

    /// Whether the sandbox says it applied a fault.
    pub fn fault_applied(&self) -> bool {
        self.exchanges().iter().any(|x| {
            x["response"]["headers"]["x-sandbox-fault"]
                .as_str()
                .is_some_and(|f| f != "none")
        })
    }
}

/// Runs `poll` against `url` with `args`, a JSON report and a recording in
/// `dir`; checks that the recording checked offline gives the same findings.
pub fn poll(dir: &Path, name: &str, url: &str, args: &[String]) -> PollResult {
    let record = dir.join(format!("{name}.json"));
    let report_path = dir.join(format!("{name}.report.json"));
    let mut all: Vec<String> = vec![
        "poll".into(),
        "--base-url".into(),
        url.into(),
        "--format".into(),
        "json".into(),
        "--output".into(),
        report_path.display().to_string(),
        "--record".into(),
        record.display().to_string(),
    ];
    all.extend(args.iter().cloned());
    let out = run(
        &all,
        &[
            ("PYNG_ACCESS_TOKEN", TOKEN),
            ("PEACH_SECRET", SIGNING_SECRET),
        ],
    );
    assert!(
        matches!(out.code(), 0 | 1),
        "{name}: exit {}\n{}",
        out.code(),
        out.stderr
    );
    let report = read_json(&report_path);
    let keys = report_keys(&report);
    let mut per_exchange: Vec<_> = keys.iter().filter(|k| k.2.is_some()).cloned().collect();
    let mut live = live_keys(&out.stderr);
    per_exchange.sort();
    live.sort();
    assert_eq!(
        live, per_exchange,
        "{name}: the findings shown as responses arrived differ from the report\n{}",
        out.stderr
    );
    assert_eq!(
        keys,
        offline_keys(&record),
        "{name}: the live findings differ from an offline check of the recording"
    );
    PollResult {
        out,
        recording: read_json(&record),
        report,
        keys,
    }
}

/// (rule, pointer, entry) of a finding.
pub type Key = (String, Option<String>, Option<u64>);

/// `   same severity[rule] at POINTER in entries A-B` (or `in entry A`):
/// the keys of the repeats it stands for.
fn same_keys(line: &str) -> Option<Vec<Key>> {
    let rest = line.strip_prefix("   same ")?;
    let (_, rest) = rest.split_once('[')?;
    let (rule, rest) = rest.split_once(']')?;
    let (head, entries) = rest.rsplit_once(" in ")?;
    let pointer = head.strip_prefix(" at ").map(|p| {
        if p == "/" {
            String::new()
        } else {
            p.to_owned()
        }
    });
    let range = entries
        .strip_prefix("entries ")
        .or_else(|| entries.strip_prefix("entry "))?;
    let (a, b) = range.split_once('-').unwrap_or((range, range));
    let (a, b): (u64, u64) = (a.parse().ok()?, b.parse().ok()?);
    Some(
        (a..=b)
            .map(|e| (rule.to_owned(), pointer.clone(), Some(e)))
            .collect(),
    )
}

/// The findings `poll` printed on stderr as each response arrived: a line
/// `#ENTRY HTTP ...` then `   severity[rule] at POINTER: message` lines, and
/// `   same ...` lines for findings repeated by the following entries.
pub fn live_keys(stderr: &str) -> Vec<(String, Option<String>, Option<u64>)> {
    let mut entry = None;
    let mut out = Vec::new();
    for line in stderr.lines() {
        if let Some(rest) = line.strip_prefix('#') {
            entry = rest.split_whitespace().next().and_then(|n| n.parse().ok());
            continue;
        }
        if let Some(keys) = same_keys(line) {
            out.extend(keys);
            continue;
        }
        let Some(rest) = line
            .strip_prefix("   error[")
            .or_else(|| line.strip_prefix("   warning["))
        else {
            continue;
        };
        let Some((rule, rest)) = rest.split_once(']') else {
            continue;
        };
        let head = rest.split(": ").next().unwrap_or("");
        let pointer = head.strip_prefix(" at ").map(|p| {
            if p == "/" {
                String::new()
            } else {
                p.to_owned()
            }
        });
        out.push((rule.to_owned(), pointer, entry));
    }
    out
}
