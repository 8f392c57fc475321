//! Shared helpers: build recordings in the kit's format.

#![allow(dead_code)]

use pyng_conformance::{Engine, Report};
use serde_json::{Value, json};

pub const SECRET: &str = "5ee1e2a9c0ffee00d15ea5e5c0de1234";
pub const BEARER: &str = "Bearer very-secret-access-token-42";

pub fn engine() -> Engine {
    Engine::with_bundled_specs()
        .unwrap()
        .with_secret(pyng_conformance::Secret::new(SECRET))
}

pub fn at(seconds: u32) -> String {
    let total = 5 * 3600 + 30 * 60 + seconds;
    format!(
        "2024-11-17T{:02}:{:02}:{:02}.000Z",
        total / 3600,
        total / 60 % 60,
        total % 60
    )
}

/// One exchange: seconds after the start, URL, status, body.
pub fn exchange(t: u32, url: &str, status: u16, body: Value) -> Value {
    json!({
        "startedAt": at(t),
        "request": {"method": "GET", "url": url, "headers": {"Authorization": BEARER}},
        "response": {"status": status, "headers": {"Content-Type": "application/json"}, "body": body}
    })
}

pub fn recording(exchanges: Vec<Value>) -> Vec<u8> {
    serde_json::to_vec_pretty(&json!({
        "format": "pyng-recording", "version": 1,
        "spec": {"title": "Pyng Pull Transaction Status API", "version": "1.0.0"},
        "exchanges": exchanges
    }))
    .unwrap()
}

pub fn check(exchanges: Vec<Value>) -> Report {
    engine().check_bytes("test.json", &recording(exchanges))
}

pub fn rules(report: &Report) -> Vec<String> {
    let mut r: Vec<String> = report.findings.iter().map(|f| f.rule.clone()).collect();
    r.sort();
    r.dedup();
    r
}

pub const TX: &str = "https://h.example/checkout/site-1/transaction-status?paymentIntentId=pi_1";
pub const SESSION: &str = "https://h.example/checkout/site-1/session/cs_1/status";

pub fn tx(status: &str) -> Value {
    let mut data = json!({"transactionStatus": status});
    if status == "InProgress" || status == "Settled" {
        data["transactionId"] = json!("t-1");
        data["transactionUpdated"] = json!(1731821436160_i64);
    }
    json!({"data": data, "traceId": "tr"})
}

pub fn session(status: &str, updated: &str) -> Value {
    let mut data = json!({"checkoutSessionId": "cs_1", "orderId": "o-1", "siteId": "site-1",
        "status": status, "expiresAt": "2024-11-17T06:00:00Z", "updatedAt": updated});
    if status == "Completed" {
        data["outcome"] = json!("Succeeded");
    }
    json!({"data": data, "traceId": "tr"})
}

/// The lines of a generated corpus.
pub fn corpus_lines(exchanges: usize, seed: u64) -> Vec<String> {
    let corpus = pyng_conformance::corpus::generate(exchanges, seed);
    String::from_utf8(corpus)
        .expect("generated corpus is UTF-8")
        .lines()
        .map(str::to_owned)
        .collect()
}

/// A generated corpus damaged in ways that give problems, body findings and
/// sequence findings, interleaved.
pub fn damaged_corpus(exchanges: usize, seed: u64) -> Vec<u8> {
    let mut out = String::new();
    for (i, line) in corpus_lines(exchanges, seed).iter().enumerate() {
        let damaged = match i % 19 {
            0 => line[..line.len() / 2].to_owned(),
            2 => String::new(),
            4 => line.replacen(r#""traceId""#, r#""traceId":"a","traceId""#, 1),
            6 => line.replacen("InProgress", "Settled", 1),
            8 => line.replacen("Pending", "Settled", 1),
            10 => line.replacen(r#""status":200"#, r#""status":500"#, 1),
            12 => line.replacen(r#""data":{"#, r#""data":{"orderId":7,"#, 1),
            14 => line.replacen(r#""body":"#, r#""bodyText":"{\"data\":1}","x":"#, 1),
            16 => line.replacen(r#""status":200"#, r#""status":"200""#, 1),
            17 => "{\"request\":[],".to_owned(),
            _ => line.to_owned(),
        };
        out.push_str(&damaged);
        out.push('\n');
    }
    out.into_bytes()
}

/// `createPaymentIntent` for site-1 at `t` seconds, answered with `data`.
pub fn create_intent(t: u32, data: Value) -> Value {
    json!({
        "startedAt": at(t),
        "request": {"method": "POST", "url": "https://h.example/checkout/site-1/payment-intent",
            "headers": {"Authorization": BEARER, "Content-Type": "application/json"},
            "body": {"amount": 100, "orderId": "order-42"}},
        "response": {"status": 201, "headers": {"Content-Type": "application/json"},
            "body": {"data": data, "traceId": "tr-create"}}
    })
}

/// The payment intent pi_1 of site-1 for order-42.
pub fn intent() -> Value {
    json!({"paymentIntentId": "pi_1", "siteId": "site-1", "orderId": "order-42"})
}

/// [`tx`] with the `orderId` the status repeats.
pub fn tx_of_order(status: &str, order: &str) -> Value {
    let mut body = tx(status);
    body["data"]["orderId"] = json!(order);
    body
}
