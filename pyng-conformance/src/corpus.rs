//! A generator of realistic NDJSON corpora for the benchmark (and for the
//! `gen-corpus` subcommand): Pyng transaction-status polling sequences
//! (Pending -> InProgress -> Settled with line items) and checkout-session
//! sequences, in time order, deterministic for a given seed.

use std::io::{self, Write};

use serde_json::{Value, json};

/// A small deterministic generator (xorshift), so corpora are reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

const BASE_MS: i64 = 1_731_821_400_000;

fn time(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

/// One exchange object, its keys in the order `poll` writes them (a
/// `Value` object would sort them, putting the body before the status). A
/// status poll is a GET, without a request body, with its bearer token
/// redacted as `poll` records it; every response header is read into the
/// exchange, so there are two, as a status API sends them.
fn exchange(ms: i64, url: &str, body: &Value) -> String {
    let object = format!(
        r#"{{"startedAt":{},"request":{{"method":"GET","url":{},"headers":{{"Authorization":"Bearer <redacted>","Content-Type":"application/json"}}}},"response":{{"status":200,"headers":{{"Cache-Control":"no-store","Content-Type":"application/json;charset=UTF-8"}},"body":{}}}}}"#,
        Value::String(time(ms)),
        Value::String(url.to_owned()),
        body
    );
    debug_assert!(serde_json::from_str::<Value>(&object).is_ok());
    object
}

fn line_items(rng: &mut Rng) -> (Vec<Value>, i64) {
    let mut items = Vec::new();
    let mut paid = 0;
    for i in 0..1 + rng.below(5) {
        let quantity = 1 + rng.below(3) as i64;
        let unit = 100 + rng.below(900) as i64;
        let subtotal = quantity * unit + rng.below(2) as i64 * 50;
        let discount = rng.below(3) as i64 * 25;
        let mut item = json!({"itemId": format!("sku-{i}"), "quantity": quantity, "amountPerUnit": unit,
            "amountSubtotal": subtotal, "amountTotal": subtotal - discount,
            "addOns": {"customizations": "Oat milk", "modifiers": ["oat-milk"]}});
        if discount > 0 {
            item["discounts"] = json!([{"amount": discount, "reason": "Site promotion"}]);
        }
        paid += subtotal - discount;
        items.push(item);
    }
    (items, paid)
}

/// Writes `exchanges` exchanges (rounded up to whole sequences) as NDJSON.
pub fn write(out: &mut dyn Write, exchanges: usize, seed: u64) -> io::Result<()> {
    let mut rng = Rng(seed | 1);
    let mut written = 0;
    let mut seq = 0u64;
    while written < exchanges {
        seq += 1;
        let start = BASE_MS + seq as i64 * 1000;
        let site = format!("site-{}", rng.below(50));
        if rng.below(4) == 0 {
            let url =
                format!("https://sample.pyng.com.au/checkout/{site}/session/cs_{seq:08}/status");
            for (i, status) in ["Created", "Launched", "Pending", "Completed"]
                .iter()
                .enumerate()
            {
                let ms = start + i as i64 * 5000;
                let mut data = json!({"checkoutSessionId": format!("cs_{seq:08}"), "orderId": format!("order-{seq}"),
                    "siteId": site, "status": status, "expiresAt": time(start + 900_000), "updatedAt": time(ms)});
                if *status == "Completed" {
                    data["outcome"] = json!("Succeeded");
                    data["paymentIntentId"] = json!(format!("pi_{seq:08}"));
                }
                let body = json!({"data": data, "traceId": format!("{:032x}", rng.next())});
                writeln!(out, "{}", exchange(ms, &url, &body))?;
                written += 1;
            }
        } else {
            let url = format!(
                "https://sample.pyng.com.au/checkout/{site}/transaction-status?paymentIntentId=pi_{seq:08}"
            );
            let (items, paid) = line_items(&mut rng);
            let tx_id = format!("{:016x}-{:04x}", rng.next(), rng.below(65536));
            for (i, status) in ["Pending", "InProgress", "InProgress", "Settled"]
                .iter()
                .enumerate()
            {
                let ms = start + i as i64 * 5000;
                let mut data =
                    json!({"transactionStatus": status, "orderId": format!("order-{seq}")});
                if *status != "Pending" {
                    data["transactionId"] = json!(tx_id);
                    data["transactionUpdated"] = json!(start + 4000);
                }
                if *status == "Settled" {
                    data["transactionUpdated"] = json!(ms);
                    data["lineItems"] = json!(items);
                    data["amountPaid"] = json!(paid);
                }
                let body = json!({"data": data, "traceId": format!("{:032x}", rng.next())});
                writeln!(out, "{}", exchange(ms, &url, &body))?;
                written += 1;
            }
        }
    }
    Ok(())
}

/// The corpus in memory.
pub fn generate(exchanges: usize, seed: u64) -> Vec<u8> {
    let mut out = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = write(&mut out, exchanges, seed);
    out
}
