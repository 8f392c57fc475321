//! Credentials in recordings and the signing secret never appear in any report.

mod common;

use pyng_conformance::report::{human, json, junit};
use serde_json::json;

#[test]
fn no_report_format_contains_a_secret() {
    let peach = "https://p.example/status?authentication.entityId=8ac7a4ca86c2c24d0168c2caab2e0025&merchantTransactionId=T1&signature=0000000000000000000000000000000000000000000000000000000000000000";
    let report = common::engine().record_sequences(true).check_bytes(
        "x.json",
        &common::recording(vec![
            common::exchange(
                0,
                common::TX,
                200,
                json!({"data": {"transactionStatus": "Nope"}}),
            ),
            common::exchange(
                1,
                peach,
                200,
                json!({"status": "pending", "signature": "ab"}),
            ),
        ]),
    );
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.rule == "signature.request")
    );
    let token = common::BEARER.trim_start_matches("Bearer ");
    for text in [
        human::render(&report, false),
        human::render(&report, true),
        json::render(&report),
        junit::render(&report),
    ] {
        assert!(!text.contains(token), "the access token leaked:\n{text}");
        assert!(
            !text.contains(common::SECRET),
            "the signing secret leaked:\n{text}"
        );
    }
    assert!(!format!("{report:?}").contains(common::SECRET));
}

#[test]
fn har_authorization_headers_are_redacted_at_ingestion() {
    let har = json!({"log": {"entries": [{
        "startedDateTime": "2024-11-17T05:30:00Z",
        "request": {"method": "GET", "url": common::TX, "headers": [{"name": "Authorization", "value": common::BEARER}]},
        "response": {"status": 200, "headers": [], "content": {"mimeType": "text/html", "text": "<html>"}}
    }]}});
    let report = common::engine().check_bytes("x.har", &serde_json::to_vec(&har).unwrap());
    assert!(report.errors() > 0);
    let text = json::render(&report) + &human::render(&report, false) + &format!("{report:?}");
    assert!(!text.contains("very-secret-access-token"));
}
