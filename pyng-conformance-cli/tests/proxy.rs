//! `pyng-conformance proxy` end to end on loopback: the real binary between a
//! client (ureq here) and the sandbox in-process, with sandbox faults, each
//! way of stopping, the bounds, and every output searched for the secrets.
//! Every loop and every child is bounded in time.

mod live_support;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use live_support::proxy_child::{Ended, start};
use live_support::{CLIENT_ID, CLIENT_SECRET, SIGNING_SECRET, Sandbox, TOKEN, fresh_id};
use serde_json::Value;

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
        lines.contains("\"authorization\":\"Bearer <redacted>\""),
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

/// A client that polls as fast as it can and on after the final state: the
/// client rules say so, live and in the report.
#[test]
fn a_misbehaving_client_is_found() {
    let sandbox = Sandbox::start(1.0);
    let dir = tempfile::tempdir().unwrap();
    let proxy = start(
        dir.path(),
        &sandbox.url,
        &[
            "--idle",
            "1s",
            "--format",
            "json",
            "--output",
            "report.json",
        ],
    );
    let id = fresh_id();
    for _ in 0..5 {
        let (status, _) = poll(&proxy.url, &id, "settled-1");
        assert_eq!(status, 200);
    }
    let ended = proxy.end();
    let found = rules(&read_json(&dir.path().join("report.json")));
    for rule in ["client.poll-interval", "client.poll-after-final"] {
        assert!(found.iter().any(|r| r == rule), "{rule} not in {found:?}");
        assert!(ended.stderr.contains(rule), "{}", ended.stderr);
    }
    assert_no_secret(dir.path(), &ended);
}

/// A client credentials token request through the proxy: its status and
/// the token's `expires_in`.
fn request_token(base: &str) -> (u16, Option<u64>) {
    use base64::Engine as _;
    let basic =
        base64::engine::general_purpose::STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"));
    let mut resp = agent()
        .post(&format!("{base}/checkout/oauth2/token"))
        .header("Authorization", &format!("Basic {basic}"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .send("grant_type=client_credentials")
        .unwrap();
    let status = resp.status().as_u16();
    let body: Value = serde_json::from_str(&resp.body_mut().read_to_string().unwrap_or_default())
        .unwrap_or(Value::Null);
    (status, body["expires_in"].as_u64())
}

/// A client that asks for a second token while its first (3600 s) is
/// unexpired: `client.token-reuse`, live and in the report, the token kept
/// out of every output; one token for all its polls is clean.
#[test]
fn a_token_requested_while_the_last_is_unexpired_is_found() {
    let sandbox = Sandbox::start(1.0);
    for renews in [true, false] {
        let dir = tempfile::tempdir().unwrap();
        let proxy = start(
            dir.path(),
            &sandbox.url,
            &[
                "--idle",
                "1s",
                "--format",
                "json",
                "--output",
                "report.json",
            ],
        );
        assert_eq!(request_token(&proxy.url), (200, Some(3600)));
        let (status, _) = poll(&proxy.url, &fresh_id(), "settled-1");
        assert_eq!(status, 200);
        if renews {
            assert_eq!(request_token(&proxy.url).0, 200);
        }
        let ended = proxy.end();
        let found = rules(&read_json(&dir.path().join("report.json")));
        let said = found.iter().any(|r| r == "client.token-reuse");
        assert_eq!(said, renews, "{found:?}");
        assert_eq!(
            ended.stderr.contains("client.token-reuse"),
            renews,
            "{}",
            ended.stderr
        );
        assert_no_secret(dir.path(), &ended);
    }
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

/// One poll with `scenario`, its status and the response's `Retry-After`.
fn poll_retry(base: &str, id: &str, scenario: &str) -> (u16, Option<String>) {
    let url = format!("{base}/checkout/site-1/transaction-status?paymentIntentId={id}");
    let resp = agent()
        .get(&url)
        .header("Authorization", &format!("Bearer {TOKEN}"))
        .header("x-sandbox-scenario", scenario)
        .call()
        .unwrap();
    let retry = resp
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    (resp.status().as_u16(), retry)
}

/// How long a behaving client waits for `Retry-After`: delay-seconds, or
/// until the HTTP-date (on this machine's clock, which the sandbox shares).
fn wait_for(retry: &str) -> Duration {
    use pyng_conformance::http_date::{RetryAfter, retry_after};
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i128;
    let ms = match retry_after(retry, Some(now_ms)) {
        Some(RetryAfter::Delay(ms)) => ms,
        Some(RetryAfter::At(at)) => at - now_ms,
        None => panic!("Retry-After {retry:?} is neither form"),
    };
    // Bounded: the sandbox asks for the polling interval, scaled.
    assert!((0..=10_000).contains(&ms), "{retry}: {ms} ms");
    Duration::from_millis(u64::try_from(ms).unwrap()) + Duration::from_millis(50)
}

/// The sandbox's 429 (`Retry-After` in seconds), 503 (`Retry-After` an
/// HTTP-date beside `Date`) and 500 (no `Retry-After`) through the proxy: a
/// client that retries at once is told, by rule and per sequence; one that
/// waits as asked is not.
#[test]
fn retries_after_sandbox_faults_are_judged() {
    // 2.5 times faster: `Retry-After` is Pyng's 5 s interval in real
    // seconds, 2 s. (An HTTP-date wait is known to a second, as `Date` is
    // rounded down: 1 s after `Date` could be no wait at all.)
    let sandbox = Sandbox::start(2.5);
    let faults = ["rate-limited", "unavailable", "server-error"];
    let run = |behave: bool| {
        let dir = tempfile::tempdir().unwrap();
        let proxy = start(
            dir.path(),
            &sandbox.url,
            &[
                // Longer than a behaving client's wait.
                "--idle",
                "5s",
                "--record",
                "run.ndjson",
                "--format",
                "json",
                "--output",
                "report.json",
            ],
        );
        let mut retry_afters = Vec::new();
        for fault in faults {
            // A behaving client does not retry a 500 at once either: it
            // waits the polling interval (5 s), which is `client.backoff`'s
            // and tested offline; here it leaves that fault out.
            if behave && fault == "server-error" {
                continue;
            }
            let id = fresh_id();
            let scenario = format!("settled-1.{fault}");
            let (status, retry) = poll_retry(&proxy.url, &id, &scenario);
            assert!(status >= 429, "{fault}: {status}");
            if behave {
                std::thread::sleep(wait_for(retry.as_deref().unwrap()));
            }
            retry_afters.push(retry);
            let (status, _) = poll_retry(&proxy.url, &id, &scenario);
            assert_eq!(status, 200, "{fault}: the fault is on the first request");
        }
        let ended = proxy.end();
        assert_no_secret(dir.path(), &ended);
        let report = read_json(&dir.path().join("report.json"));
        let lines = std::fs::read_to_string(dir.path().join("run.ndjson")).unwrap();
        (rules(&report), retry_afters, lines, ended)
    };
    let (found, retry_afters, lines, ended) = run(false);
    assert_eq!(retry_afters[0].as_deref(), Some("2"), "{retry_afters:?}");
    let date = retry_afters[1].as_deref().unwrap();
    assert!(date.ends_with(" GMT"), "an HTTP-date: {date}");
    assert_eq!(retry_afters[2], None);
    assert_eq!(
        found.iter().filter(|r| *r == "client.retry-after").count(),
        2,
        "the 429 and the 503: {found:?}"
    );
    assert!(
        found.iter().any(|r| r == "client.backoff"),
        "the 500: {found:?}"
    );
    assert!(
        ended.stderr.contains("client.retry-after"),
        "{}",
        ended.stderr
    );
    // The recording keeps what the rule read: both headers of the 503.
    assert!(
        lines.contains("\"retry-after\":\"") && lines.contains("\"date\":\""),
        "{lines}"
    );

    let (found, _, _, _) = run(true);
    for rule in ["client.retry-after", "client.backoff"] {
        assert!(!found.iter().any(|r| r == rule), "{rule} in {found:?}");
    }
}

/// A signed Peach status request through the proxy, for merchant `entity`.
fn peach_poll(base: &str, entity: &str, checkout: &str) -> u16 {
    let message = format!("authentication.entityId{entity}checkoutId{checkout}");
    let sig = pyng_spec::signature::sign(SIGNING_SECRET.as_bytes(), &message);
    let url = format!(
        "{base}/status?authentication.entityId={entity}&checkoutId={checkout}&signature={sig}"
    );
    agent()
        .get(&url)
        .header("x-sandbox-scenario", "pending")
        .call()
        .unwrap()
        .status()
        .as_u16()
}

/// Peach's two requests per minute per merchant, live: four checkouts of
/// two merchants polled once each are within it; a merchant's third
/// request within the minute, of any of its checkouts, is not.
#[test]
fn the_rate_limit_is_counted_per_merchant_through_the_proxy() {
    let sandbox = Sandbox::start(1.0);
    let dir = tempfile::tempdir().unwrap();
    let proxy = start(
        dir.path(),
        &sandbox.url,
        &[
            "--idle",
            "1s",
            "--format",
            "json",
            "--output",
            "report.json",
        ],
    );
    let merchants = [
        "8ac7a4ca86c2c24d0168c2caab2e0025",
        "0000a4ca86c2c24d0168c2caab2e0025",
    ];
    for m in merchants {
        for _ in 0..2 {
            assert_eq!(peach_poll(&proxy.url, m, &fresh_id()), 200);
        }
    }
    assert_eq!(peach_poll(&proxy.url, merchants[0], &fresh_id()), 200);
    let ended = proxy.end();
    let report = read_json(&dir.path().join("report.json"));
    let limited: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "client.rate-limit")
        .collect();
    assert_eq!(limited.len(), 1, "{report}");
    let message = limited[0]["message"].as_str().unwrap();
    assert!(message.contains(merchants[0]), "{message}");
    assert!(
        ended.stderr.contains("client.rate-limit"),
        "{}",
        ended.stderr
    );
    assert_no_secret(dir.path(), &ended);
}
