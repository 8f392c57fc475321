//! `poll` against servers that misbehave: huge durations (from a token
//! endpoint or a spec), client-fault statuses, large and slow bodies, garbage
//! responses, bodies over the limit, control characters in bodies and repeated
//! findings. Every server is a local fake or the sandbox on 127.0.0.1; every
//! child and loop is bounded.

mod live_support;

use std::io::Write;
use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

use live_support::fake::{Fake, json, respond};
use live_support::*;
use pyng_conformance::Finding;
use pyng_conformance_cli::live::poller::{End, Observer};
use pyng_conformance_cli::live::record::{Form, RecordedExchange};
use pyng_conformance_cli::live::status_line::Progress;
use pyng_conformance_cli::live::{
    Auth, BearerSource, ClientConfig, HttpClient, PollConfig, Poller, Recording, Redactor,
    SecretString, Sink, StopSignal, Target,
};
use pyng_spec::ir::{Spec, TimeoutLimit, TypeDef};

const TOKEN_PATH: &str = "/checkout/oauth2/token";
const PENDING: &str = r#"{"data":{"transactionStatus":"Pending"},"traceId":"t"}"#;
const SETTLED: &str = r#"{"data":{"transactionStatus":"Settled"},"traceId":"t"}"#;

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

fn poll_args(url: &str, extra: &[&str]) -> Vec<String> {
    let mut a = args(&[
        "poll",
        "--base-url",
        url,
        "--payment-intent",
        "pi-1",
        "--site",
        "s",
    ]);
    a.extend(args(extra));
    a
}

fn no_panic(out: &Output) {
    assert_ne!(out.code(), 101, "poll panicked:\n{}", out.stderr);
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
}

// ---- 1. durations at u64::MAX ------------------------------------------------

#[test]
fn a_token_that_never_expires_does_not_panic_and_the_run_is_written() {
    let fake = Fake::start(|req, conn| {
        if req.path() == TOKEN_PATH {
            json(
                conn,
                200,
                r#"{"access_token":"fake-token-0123456789","token_type":"Bearer","expires_in":18446744073709551615}"#,
            );
        } else {
            json(conn, 200, SETTLED);
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("r.json");
    let out = run(
        &poll_args(
            &fake.url,
            &["--interval", "10ms", "--record", record.to_str().unwrap()],
        ),
        &[
            ("PYNG_CLIENT_ID", CLIENT_ID),
            ("PYNG_CLIENT_SECRET", CLIENT_SECRET),
        ],
    );
    no_panic(&out);
    assert!(matches!(out.code(), 0 | 1), "{}", out.stderr);
    assert!(
        !read_json(&record)["exchanges"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

/// Stops the run at its first response (the spec's interval would be forever).
struct StopAtFirst(StopSignal);

impl Observer for StopAtFirst {
    fn exchange(&mut self, _: usize, _: &RecordedExchange, _: Option<&str>, _: &[Finding]) {
        self.0.stop();
    }
    fn note(&mut self, _: &str) {}
    fn progress(&mut self, _: &Progress) {}
}

/// The bundled specs with every polling interval and `afterSeconds` at `secs`.
fn specs_with_durations(secs: u64) -> Vec<Spec> {
    let mut specs = specs();
    for spec in &mut specs {
        for op in &mut spec.operations {
            if let Some(p) = &mut op.polling {
                p.interval_seconds = secs;
            }
        }
        for ty in spec.types.values_mut() {
            if let TypeDef::Enum(e) = ty
                && let Some(m) = &mut e.machine
            {
                for t in &mut m.timeouts {
                    t.limit = TimeoutLimit::AfterSeconds(secs);
                }
            }
        }
    }
    specs
}

#[test]
fn spec_durations_at_the_integer_limits_do_not_panic() {
    let fake = Fake::start(|_, conn| json(conn, 200, PENDING));
    for secs in [u64::MAX, i64::MAX as u64] {
        let specs = specs_with_durations(secs);
        let engine = pyng_conformance::Engine::from_specs(specs.clone());
        let params = vec![
            ("siteId".to_owned(), "s".to_owned()),
            ("paymentIntentId".to_owned(), "p".to_owned()),
        ];
        let target =
            Target::resolve(&specs, "getTransactionStatus", &fake.url, &params, &[]).unwrap();
        let interval = target.interval().unwrap();
        let deadline = target.default_deadline();
        assert!(deadline >= Duration::from_secs(secs));
        let stop = StopSignal::new();
        let client = HttpClient::new(ClientConfig::default());
        let mut auth = Auth::new(Some(BearerSource::Token(SecretString::new(TOKEN))), None);
        let run = Poller {
            engine: &engine,
            target: &target,
            creation: None,
            client: &client,
            auth: &mut auth,
            stop: &stop,
            config: PollConfig {
                interval,
                deadline,
                confirm_final: 1,
            },
            file_name: "<live>".into(),
            form: Form::Document,
            redactor: Redactor::default(),
            sink: Sink::in_memory(),
        }
        .run(&mut StopAtFirst(stop.clone()));
        assert_eq!(run.end, End::Interrupted);
        assert_eq!(run.polls, 1);
    }
}

// ---- 2. client-fault statuses ------------------------------------------------

#[test]
fn a_wrong_signing_secret_stops_polling_at_once_with_exit_2() {
    let sandbox = Sandbox::start(1.0);
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("wrong.json");
    let started = Instant::now();
    let out = run(
        &args(&[
            "poll",
            "--base-url",
            &sandbox.url,
            "--peach-checkout",
            "successful-2.0000000000000000000000",
            "--entity-id",
            "8ac7a4ca86c2c24d0168c2caab2e0025",
            "--interval",
            "50ms",
            "--deadline",
            "30s",
            "--record",
            record.to_str().unwrap(),
        ]),
        &[("PEACH_SECRET", "not-the-signing-secret")],
    );
    assert_eq!(out.code(), 2, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("polling stopped"), "{}", out.stderr);
    assert!(started.elapsed() < Duration::from_secs(20));
    let rec = read_json(&record);
    let exchanges = rec["exchanges"].as_array().unwrap();
    assert_eq!(exchanges.len(), 1, "one refused request is enough");
    let status = exchanges[0]["response"]["status"].as_u64().unwrap();
    assert!((400..500).contains(&status), "{status}");
}

#[test]
fn a_429_waits_for_retry_after_and_does_not_abort() {
    // The first status request gets a 429 with Retry-After: 1, the rest 200.
    let seen = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let fake = {
        let seen = seen.clone();
        Fake::start(move |_, conn| {
            if seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0 {
                respond(conn, 429, &[("Retry-After", "1")], b"");
            } else {
                json(conn, 200, SETTLED);
            }
        })
    };
    let out = run(
        &poll_args(
            &fake.url,
            &[
                "--interval",
                "10ms",
                "--backoff",
                "10ms",
                "--confirm-final",
                "0",
            ],
        ),
        &[("PYNG_ACCESS_TOKEN", TOKEN)],
    );
    no_panic(&out);
    assert!(matches!(out.code(), 0 | 1), "{}", out.stderr);
    let reqs = fake.requests();
    assert!(reqs.len() >= 2, "{reqs:?}");
    let gap = reqs[1].at - reqs[0].at;
    assert!(
        gap >= Duration::from_millis(900),
        "Retry-After ignored: {gap:?}"
    );
}

// ---- 3. streaming and the deadline -----------------------------------------

#[test]
fn ndjson_runs_keep_no_bodies_in_memory() {
    // 2 MB bodies, fast: several are written while none is kept.
    let big = format!(
        r#"{{"data":{{"transactionStatus":"Pending"}},"traceId":"t","pad":"{}"}}"#,
        "x".repeat(2 << 20)
    );
    let fake = Fake::start(move |_, conn| json(conn, 200, &big));
    let specs = specs();
    let engine = pyng_conformance::Engine::from_specs(specs.clone());
    let params = vec![
        ("siteId".to_owned(), "s".to_owned()),
        ("paymentIntentId".to_owned(), "p".to_owned()),
    ];
    let target = Target::resolve(&specs, "getTransactionStatus", &fake.url, &params, &[]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let nd = dir.path().join("r.ndjson");
    let har = dir.path().join("r.har");
    let sink = Sink::open(
        Some((nd.as_path(), Form::Ndjson)),
        Some(har.as_path()),
        &Recording::new(None),
    )
    .unwrap();
    assert!(sink.streams());
    let stop = StopSignal::new();
    let client = HttpClient::new(ClientConfig::default());
    let mut auth = Auth::new(Some(BearerSource::Token(SecretString::new(TOKEN))), None);
    let run = Poller {
        engine: &engine,
        target: &target,
        creation: None,
        client: &client,
        auth: &mut auth,
        stop: &stop,
        config: PollConfig {
            interval: Duration::from_millis(10),
            deadline: Duration::from_millis(1500),
            confirm_final: 1,
        },
        file_name: nd.display().to_string(),
        form: Form::Ndjson,
        redactor: Redactor::default(),
        sink,
    }
    .run(&mut StopAtFirst(StopSignal::new()));
    assert_eq!(run.end, End::Deadline);
    assert!(run.recorded >= 2, "{}", run.recorded);
    assert!(
        run.recording.exchanges.is_empty(),
        "the poller holds no exchange once it is written"
    );
    run.sink.finish().unwrap();
    let lines = std::fs::read_to_string(&nd).unwrap().lines().count();
    assert_eq!(
        lines,
        run.recorded + 1,
        "the header and one line per exchange"
    );
    let har = read_json(&har);
    assert_eq!(
        har["log"]["entries"].as_array().unwrap().len(),
        run.recorded
    );
    let report = engine.check_file(&nd);
    assert_eq!(report.exchanges, run.recorded);
}

/// Sends the head of a 1 MB body, then a byte every 50 ms (for at most 60 s).
fn dribble(conn: &mut TcpStream) {
    let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\nConnection: close\r\n\r\n";
    if conn.write_all(head.as_bytes()).is_err() {
        return;
    }
    for _ in 0..1200 {
        if conn.write_all(b" ").and_then(|()| conn.flush()).is_err() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_slow_body_does_not_carry_poll_past_its_deadline() {
    let fake = Fake::start(|_, conn| dribble(conn));
    let deadline = Duration::from_secs(2);
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("slow.ndjson");
    let started = Instant::now();
    let out = run(
        &poll_args(
            &fake.url,
            &[
                "--deadline",
                "2s",
                "--read-timeout",
                "30s",
                "--record",
                record.to_str().unwrap(),
            ],
        ),
        &[("PYNG_ACCESS_TOKEN", TOKEN)],
    );
    let took = started.elapsed();
    no_panic(&out);
    // Tolerance for process start-up and the report, not for the request.
    assert!(
        took < deadline + Duration::from_secs(4),
        "the deadline is {deadline:?}, poll took {took:?}\n{}",
        out.stderr
    );
    assert!(record.exists(), "{}", out.stderr);
}

// ---- 4. protocol errors and the body limit ---------------------------------

#[test]
fn a_garbage_response_is_a_protocol_error() {
    let fake = Fake::start(|_, conn| {
        let _ = conn.write_all(b"HELLO THERE, THIS IS NOT HTTP\r\n\r\n");
    });
    let out = run(
        &poll_args(&fake.url, &["--retries", "2", "--backoff", "10ms"]),
        &[("PYNG_ACCESS_TOKEN", TOKEN)],
    );
    assert_eq!(out.code(), 2, "{}", out.stderr);
    assert!(out.stderr.contains("protocol error"), "{}", out.stderr);
    assert!(!out.stderr.contains("unreachable"), "{}", out.stderr);
}

#[test]
fn a_body_over_the_limit_is_named_with_the_limit() {
    let fake = Fake::start(|_, conn| {
        let len = 17 << 20;
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len}\r\nConnection: close\r\n\r\n"
        );
        if conn.write_all(head.as_bytes()).is_err() {
            return;
        }
        let chunk = vec![b' '; 1 << 20];
        for _ in 0..17 {
            if conn.write_all(&chunk).is_err() {
                return;
            }
        }
    });
    let out = run(
        &poll_args(&fake.url, &["--retries", "1", "--backoff", "10ms"]),
        &[("PYNG_ACCESS_TOKEN", TOKEN)],
    );
    assert_eq!(out.code(), 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("over the limit of 16777216 bytes"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("unreachable"), "{}", out.stderr);
}

// ---- 6. the terminal ---------------------------------------------------------

fn poll_bad_enum(dir: &Path) -> (Output, serde_json::Value) {
    let body = r#"{"data":{"transactionStatus":"\u001b[2J\u001b[31mPending\r"},"traceId":"t"}"#;
    let fake = Fake::start(move |_, conn| json(conn, 200, body));
    let report = dir.join("r.report.json");
    let out = run(
        &poll_args(
            &fake.url,
            &[
                "--interval",
                "20ms",
                "--deadline",
                "600ms",
                "--format",
                "json",
                "--output",
                report.to_str().unwrap(),
            ],
        ),
        &[("PYNG_ACCESS_TOKEN", TOKEN)],
    );
    (out, read_json(&report))
}

#[test]
fn live_lines_escape_controls_and_group_repeats() {
    let dir = tempfile::tempdir().unwrap();
    let (out, report) = poll_bad_enum(dir.path());
    no_panic(&out);
    assert!(
        !out.stderr.contains('\x1b') && !out.stderr.contains('\r'),
        "raw controls on stderr:\n{:?}",
        out.stderr
    );
    let polls = out.stderr.lines().filter(|l| l.starts_with('#')).count();
    assert!(polls >= 3, "{}", out.stderr);
    let full = out
        .stderr
        .lines()
        .filter(|l| l.starts_with("   error[schema.enum]"))
        .count();
    assert_eq!(full, 1, "printed once, then grouped:\n{}", out.stderr);
    assert!(
        out.stderr
            .lines()
            .any(|l| l.starts_with("   same error[schema.enum]") && l.contains(" in entr")),
        "{}",
        out.stderr
    );
    // The grouped lines still stand for every exchange's findings.
    let mut live = live_keys(&out.stderr);
    let mut reported: Vec<_> = report_keys(&report)
        .into_iter()
        .filter(|k| k.2.is_some())
        .collect();
    live.sort();
    reported.sort();
    assert_eq!(live, reported, "{}", out.stderr);
}
