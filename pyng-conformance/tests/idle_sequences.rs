//! A stream with more open sequences than are kept closes only the ones idle
//! for longer than the specs' longest timeout (plus tolerance): a sequence
//! polled again within a timeout of three hours keeps its history.

use pyng_conformance::Engine;
use serde_json::json;

/// The bundled transaction-status spec with its QR-code timeout at three
/// hours, longer than any fixed window of two.
fn engine_with_a_three_hour_timeout() -> Engine {
    let (file, text) = pyng_conformance::BUNDLED_SPECS
        .iter()
        .find(|(file, _)| file.ends_with("transaction-status.yaml"))
        .expect("the transaction-status spec is bundled");
    let text = text.replacen("afterSeconds: 60", "afterSeconds: 10800", 1);
    assert!(text.contains("afterSeconds: 10800"));
    let spec = pyng_spec::load_str(file, &text)
        .expect("the spec loads")
        .spec;
    Engine::from_specs(vec![spec])
}

/// A Pending poll of payment intent `id`, `ms` milliseconds into the stream.
fn pending(id: &str, ms: i64) -> String {
    let at =
        time::OffsetDateTime::UNIX_EPOCH + time::Duration::milliseconds(1_731_801_600_000 + ms);
    let at = at
        .format(&time::format_description::well_known::Rfc3339)
        .expect("a date-time");
    let url = format!(
        "https://sample.pyng.com.au/checkout/site-1/transaction-status?paymentIntentId={id}"
    );
    json!({
        "startedAt": at,
        "request": {"method": "GET", "url": url},
        "response": {"status": 200, "headers": {"Content-Type": "application/json"},
            "body": {"data": {"transactionStatus": "Pending", "orderId": "order-1"}, "traceId": "t"}}
    })
    .to_string()
}

#[test]
fn a_sequence_within_the_longest_timeout_keeps_its_history() {
    const HOUR: i64 = 3_600_000;
    let mut lines = vec![pending("pi_kept", 0), pending("pi_idle", 0)];
    // 5 000 sequences over two and a half hours: more than are kept open.
    let early = 5_000;
    for i in 0..early {
        lines.push(pending(
            &format!("pi_early_{i}"),
            i * (5 * HOUR / 2) / early,
        ));
    }
    // `pi_kept` again after two and a half hours, still Pending.
    lines.push(pending("pi_kept", 5 * HOUR / 2));
    // Past the window (three hours, the polling interval and ten minutes)
    // for `pi_idle`, not for `pi_kept`.
    let late = 1_100;
    for i in 0..late {
        lines.push(pending(&format!("pi_late_{i}"), 11_410_000 + i * 50));
    }
    // Three hours and twelve minutes after `pi_kept` was first Pending.
    lines.push(pending("pi_kept", 11_520_000));
    lines.push(pending("pi_idle", 12_000_000));
    let stream = lines.join("\n");

    let report = engine_with_a_three_hour_timeout().check_bytes("idle.ndjson", stream.as_bytes());
    assert_eq!(report.exchanges, lines.len());
    let timeouts: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.rule == "state.timeout")
        .filter_map(|f| f.sequence.as_deref())
        .collect();
    assert_eq!(
        timeouts,
        ["getTransactionStatus siteId=site-1 paymentIntentId=pi_kept"],
        "{:#?}",
        report.findings
    );
    // `pi_idle` was closed while idle and opened again: one sequence more
    // than there are payment intents.
    let intents = 2 + early as usize + late as usize;
    assert_eq!(report.sequences, intents + 1);
}
