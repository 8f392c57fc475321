//! Every recipe of `docs/capturing.md`, run: the proxy, mitmproxy's HAR dump
//! (skipped, saying so, when `mitmdump` is not installed), a browser's HAR
//! export (the bundled sample), and the library's `Recorder` around a Rust
//! client. Each capture is redacted, checked, and searched for the
//! credentials it was made with. The guide holds the commands and the code
//! run here verbatim (`the_guide_shows_what_runs`).

mod live_support;

#[path = "capturing/recorded_get.rs"]
mod recorded_get;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use live_support::proxy_child::start;
use live_support::{Sandbox, TOKEN, fresh_id};

const GUIDE: &str = include_str!("../../docs/capturing.md");
const RECORDED_GET: &str = include_str!("capturing/recorded_get.rs");

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/capturing")
}

/// Runs the binary with `args` in `dir`: exit code, stdout, stderr.
fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(live_support::bin())
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `check FILE --format json`: the exit code and the report.
fn check(dir: &Path, file: &str) -> (i32, serde_json::Value) {
    let (code, out, err) = run(dir, &["check", file, "--format", "json"]);
    let report = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
    (code, report)
}

fn assert_lacks(what: &str, text: &str, secrets: &[&str]) {
    for s in secrets {
        assert!(!text.contains(s), "{what} holds {s:?}");
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(20)))
        .build()
        .into()
}

fn tx_url(base: &str, id: &str) -> String {
    format!("{base}/checkout/site-1/transaction-status?paymentIntentId={id}")
}

/// One poll that reaches the final state at once: a clean sequence.
fn settle(base: &str) -> u16 {
    agent()
        .get(&tx_url(base, &fresh_id()))
        .header("Authorization", &format!("Bearer {TOKEN}"))
        .header("x-sandbox-scenario", "settled-0")
        .call()
        .unwrap()
        .status()
        .as_u16()
}

#[test]
fn the_guide_shows_what_runs() {
    for command in [
        "pyng-conformance proxy --upstream http://127.0.0.1:8080 --listen 127.0.0.1:8081 --idle 30s --record run.ndjson --har run.har",
        "pyng-conformance check run.ndjson",
        "mitmdump --mode reverse:http://127.0.0.1:8080 --listen-host 127.0.0.1 --listen-port 8081 --set hardump=./capture.har",
        "pyng-conformance redact capture.har capture.redacted.har",
        "pyng-conformance check capture.redacted.har",
        "pyng-conformance redact export.har export.redacted.har",
        "pyng-conformance check export.redacted.har",
    ] {
        assert!(
            GUIDE.contains(command),
            "docs/capturing.md lacks `{command}`"
        );
    }
    assert!(
        GUIDE.contains(RECORDED_GET.trim()),
        "docs/capturing.md does not show tests/capturing/recorded_get.rs as it is"
    );
    let readme = include_str!("../../README.md");
    assert!(
        readme.contains("docs/capturing.md"),
        "README.md links the guide"
    );
}

/// (a) The proxy records what it forwards, redacted, and `check` agrees.
#[test]
fn recipe_the_proxy() {
    let sandbox = Sandbox::start(1.0);
    let dir = tempfile::tempdir().unwrap();
    // The guide's flags; the port is the OS's, as tests run side by side.
    let proxy = start(
        dir.path(),
        &sandbox.url,
        &["--idle", "1s", "--record", "run.ndjson", "--har", "run.har"],
    );
    assert_eq!(settle(&proxy.url), 200);
    let ended = proxy.end();
    assert_eq!(ended.code, 0, "{}", ended.stderr);
    for file in ["run.ndjson", "run.har"] {
        let text = std::fs::read_to_string(dir.path().join(file)).unwrap();
        assert_lacks(file, &text, &[TOKEN]);
        let (code, report) = check(dir.path(), file);
        assert_eq!(code, 0, "{file}: {report}");
        assert_eq!(report["summary"]["exchanges"], 1, "{file}: {report}");
    }
}

/// A port nothing listens on now.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// (b) mitmproxy in reverse mode, its HAR dump redacted and checked.
#[test]
fn recipe_mitmdump_har() {
    let found = Command::new("mitmdump")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        println!("skipped: recipe (b) needs `mitmdump` (mitmproxy) on PATH, and it is not there");
        return;
    }
    let sandbox = Sandbox::start(1.0);
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut mitm = Command::new("mitmdump")
        .current_dir(dir.path())
        .args([
            "--mode",
            &format!("reverse:{}", sandbox.url),
            "--listen-host",
            "127.0.0.1",
            "--listen-port",
            &port.to_string(),
            "--set",
            "hardump=./capture.har",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "mitmdump did not listen");
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(settle(&base), 200);
    // mitmdump writes the HAR dump when it stops.
    let _ = Command::new("kill")
        .args(["-INT", &mitm.id().to_string()])
        .status();
    live_support::wait_bounded(&mut mitm, Duration::from_secs(30));
    let (code, _, err) = run(
        dir.path(),
        &["redact", "capture.har", "capture.redacted.har"],
    );
    assert_eq!(code, 0, "{err}");
    let raw = std::fs::read_to_string(dir.path().join("capture.har")).unwrap();
    assert!(raw.contains(TOKEN), "the raw dump holds the live token");
    let redacted = std::fs::read_to_string(dir.path().join("capture.redacted.har")).unwrap();
    assert_lacks("capture.redacted.har", &redacted, &[TOKEN]);
    let (code, report) = check(dir.path(), "capture.redacted.har");
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["summary"]["exchanges"], 1, "{report}");
}

/// (c) A browser's HAR export (the bundled sample has the shape Chrome
/// writes: HTTP/2 pseudo-headers, cookies, `_`-fields), redacted and
/// checked.
#[test]
fn recipe_browser_har_export() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        examples().join("browser-export.har"),
        dir.path().join("export.har"),
    )
    .unwrap();
    let secrets = ["browser-sample-token", "browser-sample-session-7d41"];
    let raw = std::fs::read_to_string(dir.path().join("export.har")).unwrap();
    for s in secrets {
        assert!(raw.contains(s), "the sample holds {s}, as an export would");
    }
    let (code, _, err) = run(dir.path(), &["redact", "export.har", "export.redacted.har"]);
    assert_eq!(code, 0, "{err}");
    let redacted = std::fs::read_to_string(dir.path().join("export.redacted.har")).unwrap();
    assert_lacks("export.redacted.har", &redacted, &secrets);
    // What is not a credential is kept: the theme cookie's name, the bodies.
    assert!(redacted.contains("\"theme\"") && redacted.contains("InProgress"));
    // Idempotent: redacting again changes nothing.
    let (code, _, err) = run(dir.path(), &["redact", "export.redacted.har", "again.har"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        redacted,
        std::fs::read_to_string(dir.path().join("again.har")).unwrap()
    );
    let (code, report) = check(dir.path(), "export.redacted.har");
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["summary"]["exchanges"], 3, "{report}");
    assert_lacks("the report", &report.to_string(), &secrets);
}

/// (d) The library's `Recorder` around a `ureq` client: the recording is
/// redacted as it is made and is what `check` reads.
#[test]
fn recipe_the_recorder() {
    use pyng_conformance::recorder::Recorder;
    use pyng_conformance::redact::Redactor;
    let sandbox = Sandbox::start(1.0);
    let dir = tempfile::tempdir().unwrap();
    let mut recorder = Recorder::new(Redactor::with_secrets([TOKEN]))
        .for_spec("Pyng Pull Transaction Status API", "1.0.0");
    let headers = [
        ("Authorization".to_owned(), format!("Bearer {TOKEN}")),
        ("x-sandbox-scenario".to_owned(), "settled-0".to_owned()),
    ];
    let url = tx_url(&sandbox.url, &fresh_id());
    let (status, body) =
        recorded_get::recorded_get(&agent(), &mut recorder, &url, &headers).unwrap();
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&body).contains("Settled"));
    assert_eq!(recorder.len(), 1);
    for file in ["run.json", "run.ndjson"] {
        recorder.write(&dir.path().join(file)).unwrap();
        let text = std::fs::read_to_string(dir.path().join(file)).unwrap();
        assert_lacks(file, &text, &[TOKEN]);
        assert!(
            text.contains("\"authorization\":\"Bearer <redacted>\"")
                || text.contains("\"Authorization\":\"Bearer <redacted>\""),
            "{text}"
        );
        let (code, report) = check(dir.path(), file);
        assert_eq!(code, 0, "{file}: {report}");
        assert_eq!(report["summary"]["exchanges"], 1, "{file}: {report}");
    }
    // A recording made from the Recorder is checked as any other: a hasty
    // client is found.
    let mut hasty = Recorder::new(Redactor::default());
    let id = fresh_id();
    let pending = [
        ("Authorization".to_owned(), format!("Bearer {TOKEN}")),
        ("x-sandbox-scenario".to_owned(), "pending".to_owned()),
    ];
    for _ in 0..2 {
        recorded_get::recorded_get(&agent(), &mut hasty, &tx_url(&sandbox.url, &id), &pending)
            .unwrap();
    }
    hasty.write(&dir.path().join("hasty.json")).unwrap();
    let (_, report) = check(dir.path(), "hasty.json");
    assert!(
        report.to_string().contains("client.poll-interval"),
        "{report}"
    );
}
