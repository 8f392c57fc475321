//! `poll --create`: a flow that begins with the creation call, against the
//! sandbox. The creation is recorded first and checked with the polls (the
//! `link.*` rules join them); the recording checked again by `check` gives
//! the same verdict. A refused creation and a link value missing from the
//! response end the run with an error that says so.

mod live_support;

use std::path::Path;

use live_support::fake::{Fake, json};
use live_support::*;
use pyng_spec::registry::RuleId;

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

/// `check` (the binary) of a recording: its exit code and the rules it reports.
fn check(record: &Path) -> (i32, Vec<String>) {
    let out = run(
        &args(&[
            "check",
            "--allow",
            "client",
            "--format",
            "json",
            &record.display().to_string(),
        ]),
        &[],
    );
    let report: serde_json::Value = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}:\n{}\n{}", out.stdout, out.stderr));
    let rules = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_owned())
        .collect();
    (out.code(), rules)
}

fn rules(r: &PollResult) -> Vec<String> {
    r.keys.iter().map(|k| k.0.clone()).collect()
}

/// The recording begins with the creation: its method, path and request body.
fn assert_creation_first(r: &PollResult, path: &str, body_member: &str) {
    let first = &r.exchanges()[0]["request"];
    assert_eq!(first["method"], "POST", "{first}");
    assert!(
        first["url"].as_str().unwrap().ends_with(path),
        "{}",
        first["url"]
    );
    let body = first["body"].to_string() + first["bodyText"].as_str().unwrap_or_default();
    assert!(body.contains(body_member), "{first}");
    assert!(r.exchanges().len() > 2, "{:?}", r.exchanges().len());
    assert!(
        r.exchanges()[1..]
            .iter()
            .all(|x| x["request"]["method"] == "GET")
    );
}

#[test]
fn create_then_poll_a_payment_intent_to_its_final_state() {
    let sandbox = Sandbox::start(1.0);
    let dir = tempfile::tempdir().unwrap();
    let har = dir.path().join("pi.har");
    let r = poll(
        dir.path(),
        "pi",
        &sandbox.url,
        &args(&[
            "--har",
            &har.display().to_string(),
            "--create",
            "createPaymentIntent",
            "--param",
            "siteId=site-1",
            "--create-body",
            r#"{"amount":1500,"orderId":"settled-3"}"#,
            "--interval",
            "25ms",
            "--deadline",
            "5s",
        ]),
    );
    assert_eq!(r.out.code(), 0, "{:?}\n{}", r.keys, r.out.stderr);
    assert!(r.errors().is_empty(), "{:?}", r.keys);
    assert!(
        r.out.stderr.contains("final state Settled"),
        "{}",
        r.out.stderr
    );
    assert_creation_first(&r, "/checkout/site-1/payment-intent", "settled-3");
    // The polls ask for the id the creation returned.
    let polled = r.exchanges()[1]["request"]["url"].as_str().unwrap();
    assert!(
        polled.contains("/checkout/site-1/transaction-status?paymentIntentId=pi-"),
        "{polled}"
    );
    let (code, offline) = check(&dir.path().join("pi.json"));
    assert_eq!(code, 0, "{offline:?}");
    // The HAR too begins with the creation, its body in postData.
    let har_json = read_json(&har);
    let first = &har_json["log"]["entries"][0]["request"];
    assert_eq!(first["method"], "POST");
    assert!(
        first["postData"]["text"]
            .as_str()
            .is_some_and(|t| t.contains("settled-3")),
        "{first}"
    );
    let (code, offline) = check(&har);
    assert_eq!(code, 0, "{offline:?}");
}

#[test]
fn create_then_poll_a_checkout_session_found_from_the_polled_operation() {
    let sandbox = Sandbox::start(1.0);
    let dir = tempfile::tempdir().unwrap();
    let body = dir.path().join("session.json");
    std::fs::write(&body, r#"{"orderId":"completed-3"}"#).unwrap();
    let r = poll(
        dir.path(),
        "cs",
        &sandbox.url,
        &args(&[
            "--operation",
            "getCheckoutSessionStatus",
            "--param",
            "siteId=site-1",
            "--create-body-file",
            &body.display().to_string(),
            "--interval",
            "25ms",
            "--deadline",
            "5s",
        ]),
    );
    assert_eq!(r.out.code(), 0, "{:?}\n{}", r.keys, r.out.stderr);
    assert!(r.errors().is_empty(), "{:?}", r.keys);
    assert!(
        r.out.stderr.contains("final state Completed"),
        "{}",
        r.out.stderr
    );
    assert_creation_first(&r, "/checkout/site-1/session", "completed-3");
    // The required Idempotency-Key (`x-idempotency`) was generated and sent.
    let key = &r.exchanges()[0]["request"]["headers"]["Idempotency-Key"];
    assert!(
        key.as_str().is_some_and(|k| k.starts_with("pyng-")),
        "{key}"
    );
    let (code, offline) = check(&dir.path().join("cs.json"));
    assert_eq!(code, 0, "{offline:?}");
}

#[test]
fn a_created_resource_that_skips_its_initial_state_fails_the_flow() {
    let sandbox = Sandbox::start(1.0);
    let dir = tempfile::tempdir().unwrap();
    // The sandbox plays the scenario in the orderId: Settled at the first poll.
    let r = poll(
        dir.path(),
        "skip",
        &sandbox.url,
        &args(&[
            "--create",
            "createPaymentIntent",
            "--param",
            "siteId=site-1",
            "--create-body",
            r#"{"amount":1500,"orderId":"settled-0"}"#,
            "--interval",
            "25ms",
            "--deadline",
            "5s",
        ]),
    );
    assert_eq!(r.out.code(), 1, "{:?}\n{}", r.keys, r.out.stderr);
    let first_state = RuleId::LinkFirstStateInitial.name();
    assert!(
        r.errors().contains(&first_state),
        "{:?}\n{}",
        r.keys,
        r.out.stderr
    );
    // `check` of the recording: the same verdict, the same rule.
    let (code, offline) = check(&dir.path().join("skip.json"));
    assert_eq!(code, 1);
    assert!(offline.iter().any(|r| r == first_state), "{offline:?}");
    assert!(rules(&r).iter().any(|r| r == first_state));
}

#[test]
fn a_refused_creation_ends_the_run_with_the_servers_answer() {
    let sandbox = Sandbox::start(1.0);
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("refused.json");
    let out = run(
        &args(&[
            "poll",
            "--base-url",
            &sandbox.url,
            "--create",
            "createPaymentIntent",
            "--param",
            "siteId=site-1",
            "--create-body",
            r#"{"amount":0}"#,
            "--format",
            "json",
            "--record",
            &record.display().to_string(),
        ]),
        &[("PYNG_ACCESS_TOKEN", TOKEN)],
    );
    assert_eq!(out.code(), 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("createPaymentIntent answered HTTP 400"),
        "{}",
        out.stderr
    );
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let aborted = RuleId::InputAborted.name();
    assert!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == aborted),
        "{report}"
    );
    // The refused creation is recorded, and no poll was sent.
    let recording = read_json(&record);
    let exchanges = recording["exchanges"].as_array().unwrap();
    assert_eq!(exchanges.len(), 1);
    assert_eq!(exchanges[0]["response"]["status"], 400);
}

#[test]
fn a_link_value_missing_from_the_response_is_an_error_not_a_poll() {
    // A server whose creation answers without the id the link reads.
    let fake = Fake::start(|_, conn| json(conn, 201, r#"{"data":{},"traceId":"t"}"#));
    let out = run(
        &args(&[
            "poll",
            "--base-url",
            &fake.url,
            "--create",
            "createPaymentIntent",
            "--param",
            "siteId=site-1",
            "--create-body",
            r#"{"amount":5}"#,
            "--format",
            "json",
        ]),
        &[("PYNG_ACCESS_TOKEN", TOKEN)],
    );
    assert_eq!(out.code(), 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("$response.body#/data/paymentIntentId"),
        "{}",
        out.stderr
    );
    // One request: the creation; no poll with an empty id.
    assert_eq!(fake.requests().len(), 1);
    // The body itself lacks the required id: a finding of the creation.
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let required = RuleId::SchemaRequired.name();
    assert!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == required),
        "{report}"
    );
}

/// A creation refused with 401 was not processed: with client credentials the
/// token is fetched again and the creation sent once more, with the new one
/// (as a refused poll is); a second refusal ends the run.
#[test]
fn a_creation_refused_for_its_token_is_sent_again_with_a_new_one() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let issued = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&issued);
    let fake = Fake::start(move |req, conn| {
        if req.path().ends_with("/oauth2/token") {
            let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
            let body =
                format!(r#"{{"access_token":"tok-{n}","token_type":"Bearer","expires_in":3600}}"#);
            json(conn, 200, &body);
        } else if req.header("authorization") == Some("Bearer tok-1") {
            json(
                conn,
                401,
                r#"{"errors":[{"message":"expired"}],"traceId":"t"}"#,
            );
        } else {
            json(conn, 400, r#"{"errors":[{"message":"no"}],"traceId":"t"}"#);
        }
    });
    let out = run(
        &args(&[
            "poll",
            "--base-url",
            &fake.url,
            "--create",
            "createPaymentIntent",
            "--param",
            "siteId=site-1",
            "--create-body",
            r#"{"amount":5,"orderId":"o-1"}"#,
        ]),
        &[
            ("PYNG_CLIENT_ID", CLIENT_ID),
            ("PYNG_CLIENT_SECRET", CLIENT_SECRET),
        ],
    );
    assert!(
        out.stderr
            .contains("the access token was refused; fetching a new one"),
        "{}",
        out.stderr
    );
    let creations: Vec<Option<String>> = fake
        .requests()
        .iter()
        .filter(|r| r.path().ends_with("/payment-intent"))
        .map(|r| r.header("authorization").map(str::to_owned))
        .collect();
    assert_eq!(
        creations,
        [
            Some("Bearer tok-1".to_owned()),
            Some("Bearer tok-2".to_owned())
        ]
    );
    // The second answer (400) is the server's word on the creation.
    assert_eq!(out.code(), 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("createPaymentIntent answered HTTP 400"),
        "{}",
        out.stderr
    );
    assert!(
        !out.stderr.contains("tok-"),
        "a token leaks: {}",
        out.stderr
    );
}
