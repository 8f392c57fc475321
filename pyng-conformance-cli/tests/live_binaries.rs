//! Both real binaries end to end: `serve` as a child process, `poll` as another,
//! over loopback HTTP; Ctrl-C on either; usage errors; and no secret in any
//! output, log, recording or report.

mod live_support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use live_support::*;

/// Distinctive values, searched for in everything the binaries write.
const S_CLIENT_ID: &str = "cid-Q7xW2pZr9K";
const S_CLIENT_SECRET: &str = "csecret-M4vN8bT1yH6j";
const S_TOKEN: &str = "tok-R3kL9sD5fG2hJ8";
const S_SIGNING: &str = "sign-P6wE1qA7zX4c";
const PEACH_ENTITY: &str = "8ac7a4ca86c2c24d0168c2caab2e0025";

fn secret_env() -> Vec<(&'static str, &'static str)> {
    vec![
        ("PYNG_CLIENT_ID", S_CLIENT_ID),
        ("PYNG_CLIENT_SECRET", S_CLIENT_SECRET),
        ("PYNG_ACCESS_TOKEN", S_TOKEN),
        ("PEACH_SECRET", S_SIGNING),
    ]
}

/// Environment variables of one child.
type Env = Vec<(&'static str, &'static str)>;

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

fn assert_no_secret(what: &str, text: &str) {
    let basic = {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(format!("{S_CLIENT_ID}:{S_CLIENT_SECRET}"))
    };
    for s in [
        S_CLIENT_ID,
        S_CLIENT_SECRET,
        S_TOKEN,
        S_SIGNING,
        basic.as_str(),
    ] {
        assert!(!text.contains(s), "{what} contains a secret:\n{text}");
    }
    // Tokens the sandbox issues start with `sbx_`.
    assert!(
        !text.contains("sbx_"),
        "{what} contains an issued token:\n{text}"
    );
}

#[test]
fn serve_then_poll_with_client_credentials_then_ctrl_c() {
    let serve = ServeChild::start(&["--time-scale", "100"], &secret_env());
    assert!(
        serve
            .stdout_lines
            .iter()
            .any(|l| l.contains("/checkout/{siteId}/transaction-status")),
        "{:?}",
        serve.stdout_lines
    );
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("walkthrough.json");
    // Client credentials only: the token comes from the token endpoint.
    let out = run(
        &args(&[
            "poll",
            "--base-url",
            &serve.url,
            "--payment-intent",
            "pi-settled-3",
            "--site",
            "site-1",
            "--interval",
            "50ms",
            "--record",
            record.to_str().unwrap(),
        ]),
        &[
            ("PYNG_CLIENT_ID", S_CLIENT_ID),
            ("PYNG_CLIENT_SECRET", S_CLIENT_SECRET),
        ],
    );
    assert_eq!(out.code(), 0, "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stdout
            .starts_with("ok: 1 file, 5 exchanges in 1 sequence"),
        "{}",
        out.stdout
    );
    assert!(out.stderr.contains("final state Settled"), "{}", out.stderr);
    // `poll` allows the client rules (its client is the kit): so does this.
    let check = run(
        &args(&["check", "--allow", "client", record.to_str().unwrap()]),
        &[],
    );
    assert_eq!(check.code(), 0, "{}", check.stdout);
    assert_eq!(
        check.stdout, out.stdout,
        "check of the recording = live report"
    );
    let (status, stderr) = serve.stop();
    assert!(status.success(), "serve: {status:?}\n{stderr}");
    assert!(stderr.contains("stopped"), "{stderr}");
}

/// RFC 6749 § 2.3.1: the poller form-urlencodes the client id and secret
/// before the Basic encoding and the sandbox decodes them, so an id with a `:`
/// (which would otherwise end it early) and a secret with `%`, `+`, `&` and
/// non-ASCII text work.
#[test]
fn client_credentials_with_reserved_characters_work_end_to_end() {
    let creds = [
        ("PYNG_CLIENT_ID", "cid:Q7 x&y"),
        ("PYNG_CLIENT_SECRET", "p%w+d=\u{e9}:1"),
    ];
    let serve = ServeChild::start(&["--time-scale", "100"], &creds);
    let out = run(
        &args(&[
            "poll",
            "--base-url",
            &serve.url,
            "--payment-intent",
            "pi-settled-3",
            "--site",
            "site-1",
            "--interval",
            "50ms",
        ]),
        &creds,
    );
    assert_eq!(out.code(), 0, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("final state Settled"), "{}", out.stderr);
    let (status, stderr) = serve.stop();
    assert!(status.success(), "serve: {status:?}\n{stderr}");
}

#[test]
fn no_secret_reaches_any_output_recording_or_report() {
    let serve = ServeChild::start(&["--time-scale", "100"], &secret_env());
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).display().to_string();
    let mut texts: Vec<(String, String)> = Vec::new();
    let runs: Vec<(Vec<String>, Env)> = vec![
        // Client credentials, JSON report, document recording and HAR.
        (
            args(&[
                "--payment-intent",
                "pi-settled-2",
                "--site",
                "site-1",
                "--format",
                "json",
                "--output",
                &path("a.report.json"),
                "--record",
                &path("a.json"),
                "--har",
                &path("a.har"),
            ]),
            vec![
                ("PYNG_CLIENT_ID", S_CLIENT_ID),
                ("PYNG_CLIENT_SECRET", S_CLIENT_SECRET),
            ],
        ),
        // A bearer token, JUnit report, NDJSON recording; a failing sequence.
        (
            args(&[
                "--checkout-session",
                "cs-completed-2.not-echoed",
                "--site",
                "site-1",
                "--format",
                "junit",
                "--output",
                &path("b.report.xml"),
                "--record",
                &path("b.ndjson"),
            ]),
            vec![("PYNG_ACCESS_TOKEN", S_TOKEN)],
        ),
        // A signed query, human report on stdout; bad response signatures.
        (
            args(&[
                "--peach-checkout",
                "successful-2.bad-signature.000000000000000",
                "--entity-id",
                PEACH_ENTITY,
                "--record",
                &path("c.json"),
                "--har",
                &path("c.har"),
            ]),
            vec![("PEACH_SECRET", S_SIGNING)],
        ),
    ];
    for (extra, env) in runs {
        let mut all = args(&["poll", "--base-url", &serve.url, "--interval", "30ms"]);
        all.extend(extra);
        let out = run(&all, &env);
        assert!(matches!(out.code(), 0 | 1), "{:?}: {}", all, out.stderr);
        texts.push((format!("{all:?} stdout"), out.stdout));
        texts.push((format!("{all:?} stderr"), out.stderr));
    }
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let p = entry.unwrap().path();
        texts.push((
            p.display().to_string(),
            std::fs::read_to_string(&p).unwrap(),
        ));
    }
    assert_eq!(texts.len(), 6 + 7, "every output file was written");
    // The failing runs did report something (the texts are not trivially clean).
    let all_text: String = texts.iter().map(|(_, t)| t.as_str()).collect();
    assert!(all_text.contains("identity.echo"), "{all_text}");
    assert!(all_text.contains("signature.response"), "{all_text}");
    assert!(all_text.contains("<redacted>"));
    let (status, serve_err) = serve.stop();
    assert!(status.success());
    texts.push(("serve stderr".into(), serve_err));
    texts.push(("serve stdout".into(), String::new()));
    for (what, text) in &texts {
        assert_no_secret(what, text);
    }
}

#[test]
fn ctrl_c_writes_the_recording_and_the_report() {
    let sandbox = Sandbox::start(1.0);
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("interrupted.json");
    let report = dir.path().join("interrupted.report.json");
    // A scenario that stays Pending: only Ctrl-C ends this run early.
    let mut cmd = Command::new(BIN);
    cmd.args([
        "poll",
        "--base-url",
        &sandbox.url,
        "--payment-intent",
        "pi-pending",
        "--site",
        "site-1",
        "--interval",
        "50ms",
        "--deadline",
        "50s",
        "--format",
        "json",
        "--output",
        report.to_str().unwrap(),
        "--record",
        record.to_str().unwrap(),
    ])
    .env_clear()
    .env("PYNG_ACCESS_TOKEN", TOKEN)
    .stdin(Stdio::null())
    .stdout(Stdio::null())
    .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    // Wait for the third response, then interrupt.
    loop {
        let line = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("poll reports its responses");
        if line.starts_with("#2 ") {
            break;
        }
    }
    interrupt(&child);
    let status = wait_bounded(&mut child, Duration::from_secs(20));
    let rest: Vec<String> = rx.try_iter().collect();
    // 128 + SIGINT: an interrupted run never passes.
    assert_eq!(status.code(), Some(130), "{rest:?}");
    assert!(rest.iter().any(|l| l.contains("interrupted")), "{rest:?}");
    let rec = read_json(&record);
    let n = rec["exchanges"].as_array().unwrap().len();
    assert!(n >= 3, "{n} exchanges");
    let rep = read_json(&report);
    assert_eq!(rep["summary"]["exchanges"], n);
    // The report says the run stopped early; the rest is what a later
    // `check` of the recording says.
    let mut keys = report_keys(&rep);
    let aborted = keys.iter().position(|(rule, _, _)| rule == "input.aborted");
    assert!(aborted.is_some(), "{keys:?}");
    keys.remove(aborted.unwrap_or_default());
    assert_eq!(keys, offline_keys(&record));
}

#[test]
fn an_unreachable_server_is_exit_2_after_the_retries() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = run(
        &args(&[
            "poll",
            "--base-url",
            &format!("http://127.0.0.1:{port}"),
            "--payment-intent",
            "pi-1",
            "--site",
            "s",
            "--retries",
            "2",
            "--backoff",
            "10ms",
        ]),
        &[("PYNG_ACCESS_TOKEN", TOKEN)],
    );
    assert_eq!(out.code(), 2, "{}", out.stderr);
    assert_eq!(
        out.stderr.matches("retrying in").count(),
        2,
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("unreachable"), "{}", out.stderr);
    // Every report format says the run stopped early, none reads as a pass.
    assert!(
        out.stdout.contains("error[input.aborted]"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.starts_with("ok"), "{}", out.stdout);
    let dir = tempfile::tempdir().unwrap();
    for format in ["json", "junit"] {
        let report = dir.path().join(format!("r.{format}"));
        let out = run(
            &args(&[
                "poll",
                "--base-url",
                &format!("http://127.0.0.1:{port}"),
                "--payment-intent",
                "pi-1",
                "--site",
                "s",
                "--retries",
                "0",
                "--format",
                format,
                "--output",
                report.to_str().unwrap(),
            ]),
            &[("PYNG_ACCESS_TOKEN", TOKEN)],
        );
        assert_eq!(out.code(), 2);
        let text = std::fs::read_to_string(&report).unwrap();
        assert!(text.contains("input.aborted"), "{format}: {text}");
        assert!(text.contains("input.nothing-checked"), "{format}: {text}");
    }
}

#[test]
fn usage_errors_are_exit_2_and_name_the_problem() {
    let base = ["poll", "--base-url", "http://127.0.0.1:9"];
    let cases: Vec<(Vec<&str>, Env, &str)> = vec![
        (
            vec!["--payment-intent", "p", "--site", "s"],
            vec![],
            "PYNG_ACCESS_TOKEN",
        ),
        (
            vec!["--peach-checkout", "c", "--entity-id", PEACH_ENTITY],
            vec![],
            "PEACH_SECRET",
        ),
        (
            vec![
                "--payment-intent",
                "p",
                "--site",
                "s",
                "--header",
                "Authorization:Bearer x",
            ],
            vec![("PYNG_ACCESS_TOKEN", TOKEN)],
            "never taken from the command line",
        ),
        (vec!["--operation", "nope"], vec![], "no loaded spec"),
        (
            vec!["--payment-intent", "p"],
            vec![("PYNG_ACCESS_TOKEN", TOKEN)],
            "siteId",
        ),
        (vec![], vec![], "say what to poll"),
        (
            vec!["--payment-intent", "p", "--site", "s", "--interval", "soon"],
            vec![],
            "not a duration",
        ),
    ];
    for (extra, env, expect) in cases {
        let mut all = args(&base);
        all.extend(args(&extra));
        let out = run(&all, &env);
        assert_eq!(out.code(), 2, "{extra:?}: {}", out.stderr);
        assert!(out.stderr.contains(expect), "{extra:?}: {}", out.stderr);
    }
    let out = run(
        &args(&[
            "poll",
            "--base-url",
            "http://user:pw@127.0.0.1:9",
            "--payment-intent",
            "p",
            "--site",
            "s",
        ]),
        &[("PYNG_ACCESS_TOKEN", TOKEN)],
    );
    assert_eq!(out.code(), 2);
    assert!(!out.stderr.contains("pw"), "{}", out.stderr);
    let out = run(&args(&["serve", "--time-scale", "0"]), &[]);
    assert_eq!(out.code(), 2, "{}", out.stderr);
}

#[test]
fn an_expired_token_is_renewed_and_the_poll_goes_on() {
    // Tokens live 2 sandbox seconds = 0.5 s real; the poller renews at 90 % of
    // its (unscaled) 2 s, so requests in between are refused with 401.
    let serve = ServeChild::start(&["--token-ttl", "2", "--time-scale", "4"], &secret_env());
    let out = run(
        &args(&[
            "poll",
            "--base-url",
            &serve.url,
            "--payment-intent",
            "pi-settled-8",
            "--site",
            "site-1",
            "--interval",
            "150ms",
        ]),
        &[
            ("PYNG_CLIENT_ID", S_CLIENT_ID),
            ("PYNG_CLIENT_SECRET", S_CLIENT_SECRET),
        ],
    );
    assert_eq!(out.code(), 0, "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stderr
            .contains("the access token was refused; fetching a new one"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("final state Settled"), "{}", out.stderr);
    assert_no_secret("poll stderr", &out.stderr);
}

#[test]
fn a_refused_fixed_token_ends_the_run_with_exit_2() {
    let sandbox = Sandbox::start(1.0);
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("refused.json");
    let out = run(
        &args(&[
            "poll",
            "--base-url",
            &sandbox.url,
            "--payment-intent",
            "pi-1",
            "--site",
            "s",
            "--record",
            record.to_str().unwrap(),
        ]),
        &[("PYNG_ACCESS_TOKEN", "not-the-token")],
    );
    assert_eq!(out.code(), 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("refused the access token"),
        "{}",
        out.stderr
    );
    // The refused exchange is still recorded (401 is documented: no finding
    // of its own), and the report says the run stopped early: no false "ok".
    let rec = read_json(&record);
    assert_eq!(rec["exchanges"][0]["response"]["status"], 401);
    assert!(
        out.stdout.starts_with("error[input.aborted]"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("FAILED: 1 file, 1 exchange"),
        "{}",
        out.stdout
    );
}
