//! Every report says what it checked against what the specs document, and
//! what it could not check and why.

mod common;

use common::*;
use pyng_conformance::report::{human, json};
use serde_json::json;

fn write(dir: &std::path::Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

#[test]
fn states_transitions_and_statuses_seen_are_counted() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "r.json",
        &recording(vec![
            exchange(0, TX, 200, tx("Pending")),
            exchange(5, TX, 200, tx("InProgress")),
            exchange(10, TX, 404, json!({"traceId": "t"})),
        ]),
    );
    let report = engine().check_paths(&[&file]);
    let c = &report.coverage;
    // Every loaded operation is listed, exercised or not.
    assert!(c.operations.contains_key("getCheckoutStatus"));
    assert_eq!(c.operations["getCheckoutStatus"].exchanges, 0);
    let tx_op = &c.operations["getTransactionStatus"];
    assert_eq!((tx_op.exchanges, tx_op.sequences), (3, 1));
    assert_eq!(tx_op.statuses_seen.get(&200), Some(&2));
    assert_eq!(tx_op.statuses_seen.get(&404), Some(&1));
    assert!(tx_op.statuses_documented.contains(&"404".to_owned()));
    let m = tx_op.state_machine.as_ref().unwrap();
    assert_eq!(m.field, "transactionStatus");
    assert_eq!(
        m.states_seen.iter().cloned().collect::<Vec<_>>(),
        ["InProgress", "Pending"]
    );
    assert_eq!(
        m.transitions_seen.iter().cloned().collect::<Vec<_>>(),
        ["Pending -> InProgress"]
    );
    assert!(!m.reached_final());
    let text = human::render(&report, false);
    assert!(text.contains("getCheckoutStatus: not exercised"), "{text}");
    assert!(
        text.contains("2 of 5 states seen (InProgress, Pending), 1 of"),
        "{text}"
    );
    let doc: serde_json::Value = serde_json::from_str(&json::render(&report)).unwrap();
    assert_eq!(
        doc["coverage"]["operations"]["getTransactionStatus"]["stateMachine"]["transitionsSeen"],
        json!(["Pending -> InProgress"])
    );
}

#[test]
fn rules_that_could_not_run_are_listed_as_not_evaluated() {
    // A HAR without timestamps: the timeout rules cannot run.
    let entry = json!({
        "request": {"method": "GET", "url": TX, "headers": []},
        "response": {"status": 200, "headers": [{"name": "Content-Type", "value": "application/json"}],
                     "content": {"mimeType": "application/json", "text": tx("Pending").to_string()}}
    });
    let har = json!({"log": {"entries": [entry.clone(), entry]}});
    let report = engine().check_bytes("x.har", &serde_json::to_vec(&har).unwrap());
    let skipped = &report.coverage.not_evaluated["state.timeout"];
    assert_eq!(skipped.exchanges, 2);
    assert!(skipped.reason.contains("no recorded time"));
    // JUnit shows the rule as a skipped case, never as a passed one.
    let xml = pyng_conformance::report::junit::render(&report);
    let suite = xml
        .split("<testsuite ")
        .find(|s| s.starts_with(r#"name="not-evaluated""#))
        .unwrap_or_else(|| panic!("no not-evaluated suite:\n{xml}"));
    let case = suite
        .split("<testcase ")
        .find(|c| c.starts_with(r#"name="state.timeout""#))
        .unwrap_or_else(|| panic!("no state.timeout case:\n{xml}"));
    assert!(
        case.contains(r#"<skipped message="not evaluated on 2 exchange(s): "#)
            && !case.contains("<failure"),
        "{case}"
    );
    // Signed operations without the secret: presence only.
    let peach = "https://p.example/status?authentication.entityId=8ac7a4ca86c2c24d0168c2caab2e0025&merchantTransactionId=T1&signature=00";
    let no_secret = pyng_conformance::Engine::with_bundled_specs().unwrap();
    let report = no_secret.check_bytes(
        "p.json",
        &recording(vec![exchange(
            0,
            peach,
            200,
            json!({"status": "pending", "signature": "ab"}),
        )]),
    );
    assert_eq!(
        report.coverage.not_evaluated["signature.request"].exchanges,
        1
    );
    let text = human::render(&report, false);
    assert!(text.contains("not evaluated:"), "{text}");
    assert!(
        text.contains("signature.request: skipped for 1 exchange"),
        "{text}"
    );
    // With the secret, they run.
    let report = engine().check_bytes(
        "p.json",
        &recording(vec![exchange(
            0,
            peach,
            200,
            json!({"status": "pending", "signature": "ab"}),
        )]),
    );
    assert!(
        !report
            .coverage
            .not_evaluated
            .contains_key("signature.request")
    );
}

#[test]
fn require_final_fails_traffic_that_never_reached_a_final_state() {
    let dir = tempfile::tempdir().unwrap();
    let open = write(
        dir.path(),
        "open.json",
        &recording(vec![exchange(0, TX, 200, tx("Pending"))]),
    );
    let gate = engine().require_final(true);
    let report = gate.check_paths(&[&open]);
    let f = report
        .findings
        .iter()
        .find(|f| f.rule == "state.final-not-reached")
        .expect("the gate fires");
    assert!(
        f.message.contains("getTransactionStatus") && f.message.contains("Settled"),
        "{f:?}"
    );
    // Off by default; on, a final state passes it.
    assert!(
        !engine()
            .check_paths(&[&open])
            .findings
            .iter()
            .any(|f| f.rule == "state.final-not-reached")
    );
    let done = write(
        dir.path(),
        "done.json",
        &recording(vec![
            exchange(0, TX, 200, tx("Pending")),
            exchange(5, TX, 200, tx("Settled")),
        ]),
    );
    let report = gate.check_paths(&[&done]);
    assert!(
        !report
            .findings
            .iter()
            .any(|f| f.rule == "state.final-not-reached"),
        "{:?}",
        report.findings
    );
}
