//! Malformed inputs of every kind give findings, never panics.

mod common;

use proptest::prelude::*;
use serde_json::{Value, json};

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        "[a-zA-Z0-9 .:-]{0,12}".prop_map(Value::String),
        prop::sample::select(vec![
            "Pending",
            "InProgress",
            "Settled",
            "Expired",
            "Completed",
            "pending",
            "successful"
        ])
        .prop_map(|s| Value::String(s.into())),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::btree_map(
                prop::sample::select(vec![
                    "data",
                    "traceId",
                    "transactionStatus",
                    "status",
                    "lineItems",
                    "amountPaid",
                    "quantity",
                    "amountSubtotal",
                    "amountTotal",
                    "discounts",
                    "amount",
                    "outcome",
                    "expiresAt",
                    "updatedAt",
                    "signature",
                    "log",
                    "entries",
                    "format",
                    "version",
                    "exchanges",
                    "request",
                    "response",
                    "body",
                    "x"
                ])
                .prop_map(String::from),
                inner,
                0..6
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

const NAMES: &[&str] = &["x.har", "x.json", "x.ndjson", "x"];

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let engine = common::engine();
        for name in NAMES {
            let _ = engine.check_bytes(name, &bytes);
        }
        for op in ["getTransactionStatus", "getCheckoutSessionStatus", "getCheckoutStatus"] {
            let _ = engine.check_body(op, 200, &bytes).unwrap();
        }
    }

    #[test]
    fn arbitrary_json_never_panics(v in arb_json(), status in prop::sample::select(vec![200u16, 400, 404, 500])) {
        let engine = common::engine();
        let text = serde_json::to_vec(&v).unwrap();
        for name in NAMES {
            let _ = engine.check_bytes(name, &text);
        }
        for op in ["getTransactionStatus", "getCheckoutSessionStatus", "getCheckoutStatus"] {
            let findings = engine.check_body(op, status, &text).unwrap();
            // Every finding with a pointer into a JSON body has a position.
            for f in findings.iter().filter(|f| f.pointer.is_some()) {
                prop_assert!(f.line.is_some(), "{f:?}");
            }
        }
        // Arbitrary bodies inside well-formed recordings, as sequences.
        let urls = [common::TX, common::SESSION, "https://p.example/status?merchantTransactionId=a&signature=b"];
        let exchanges = urls.iter().enumerate().map(|(i, u)| common::exchange(i as u32, u, status, v.clone())).collect();
        let _ = common::check(exchanges);
        let ndjson = format!("{}\n{}\n", serde_json::to_string(&common::exchange(0, common::TX, 200, v.clone())).unwrap(), serde_json::to_string(&v).unwrap());
        let _ = engine.check_bytes("x.ndjson", ndjson.as_bytes());
        let har = json!({"log": {"entries": [v.clone(), {"startedDateTime": "x", "request": {"method": "GET", "url": common::TX}, "response": {"status": status, "content": {"text": v.to_string()}}}]}});
        let _ = engine.check_bytes("x.har", &serde_json::to_vec(&har).unwrap());
    }

    #[test]
    fn truncations_of_valid_recordings_are_findings(cut in 0usize..4000) {
        let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/recordings/seed-001-examples.json")).unwrap();
        let cut = cut.min(bytes.len());
        let report = common::engine().check_bytes("x.json", &bytes[..cut]);
        if cut < bytes.len() - 2 {
            prop_assert!(report.errors() > 0);
        }
    }
}

#[test]
fn deep_nesting_is_a_finding() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let engine = common::engine();
    let findings = engine
        .check_body("getTransactionStatus", 200, deep.as_bytes())
        .unwrap();
    assert!(findings.iter().any(|f| f.rule == "schema.too-deep"));
    let r = engine.check_bytes("x.har", deep.as_bytes());
    assert!(r.errors() > 0);
}

#[test]
fn one_bad_file_does_not_stop_the_run() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.har"), b"{not json").unwrap();
    std::fs::write(
        dir.path().join("b.json"),
        common::recording(vec![common::exchange(
            0,
            common::TX,
            200,
            common::tx("Pending"),
        )]),
    )
    .unwrap();
    std::fs::write(dir.path().join("notes.txt"), b"skipped").unwrap();
    let report = common::engine().check_paths(&[dir.path()]);
    assert_eq!(report.files, 2);
    assert_eq!(report.exchanges, 1);
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.rule == "input.malformed" && f.file.ends_with("a.har"))
    );
}
