//! `poll --base-path PREFIX`: behind a gateway the spec does not know, the
//! requests go under the prefix and are checked without it.

mod live_support;

use live_support::fake::{Fake, json};
use live_support::*;

const SETTLED: &str = r#"{"data":{"transactionStatus":"Settled"},"traceId":"t"}"#;

fn poll(url: &str, extra: &[&str]) -> Output {
    let mut a: Vec<String> = [
        "poll",
        "--base-url",
        url,
        "--payment-intent",
        "pi-1",
        "--site",
        "s",
        "--interval",
        "10ms",
        "--confirm-final",
        "0",
        "--format",
        "json",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    a.extend(extra.iter().map(|s| (*s).to_owned()));
    run(&a, &[("PYNG_ACCESS_TOKEN", TOKEN)])
}

fn rules(out: &Output) -> Vec<String> {
    let report: serde_json::Value = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}:\n{}\n{}", out.stdout, out.stderr));
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn requests_go_under_the_prefix_and_are_checked_without_it() {
    let fake = Fake::start(|_, conn| json(conn, 200, SETTLED));
    let out = poll(&fake.url, &["--base-path", "/gw/v1/"]);
    let paths: Vec<String> = fake
        .requests()
        .iter()
        .map(|r| r.path().to_owned())
        .collect();
    assert!(!paths.is_empty());
    assert!(
        paths
            .iter()
            .all(|p| p == "/gw/v1/checkout/s/transaction-status"),
        "{paths:?}"
    );
    // Matched and checked: the body's findings (a Settled body without
    // its transaction fields), not `input.unmatched`.
    assert_eq!(
        rules(&out),
        ["state.conditional-presence", "state.conditional-presence"],
        "{}",
        out.stdout
    );
}

#[test]
fn without_it_a_prefix_in_the_base_url_is_unmatched_with_a_hint() {
    let fake = Fake::start(|_, conn| json(conn, 200, SETTLED));
    let out = poll(&format!("{}/gw", fake.url), &[]);
    assert!(
        rules(&out).contains(&"input.unmatched".to_owned()),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("--base-path /gw"), "{}", out.stdout);
}
