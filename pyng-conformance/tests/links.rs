//! Sequences that begin with a creation: a success response whose `links`
//! name a polled operation joins that operation's sequence for the created
//! resource (`link.*`, and the sequence rules from the creation's time).

mod common;

use common::*;
use pyng_conformance::Report;
use serde_json::{Value, json};

/// A transaction status poll of pi_1 whose body carries `orderId`.
fn poll(t: u32, status: &str, order: &str) -> Value {
    exchange(t, TX, 200, tx_of_order(status, order))
}

/// `createCheckoutSession` for site-1 at `t`, answered with the session in
/// `status` expiring at `expires`.
fn create_session(t: u32, status: &str, expires: &str) -> Value {
    json!({
        "startedAt": at(t),
        "request": {"method": "POST", "url": "https://h.example/checkout/site-1/session",
            "headers": {"Authorization": BEARER, "Content-Type": "application/json",
                "Idempotency-Key": "key-0001"},
            "body": {"orderId": "o-1"}},
        "response": {"status": 201, "headers": {"Content-Type": "application/json"},
            "body": {"data": {"checkoutSessionId": "cs_1", "launchUrl": "https://pay.example/cs_1",
                "status": status, "expiresAt": expires, "orderId": "o-1", "siteId": "site-1"},
                "traceId": "tr-create"}}
    })
}

fn session_poll(t: u32, status: &str, updated: &str) -> Value {
    exchange(t, SESSION, 200, session(status, updated))
}

fn findings_of<'r>(report: &'r Report, rule: &str) -> Vec<&'r pyng_conformance::Finding> {
    report.findings.iter().filter(|f| f.rule == rule).collect()
}

#[test]
fn a_conformant_creation_and_its_polls_are_one_clean_sequence() {
    let r = check(vec![
        create_intent(0, intent()),
        poll(5, "Pending", "order-42"),
        poll(10, "InProgress", "order-42"),
        poll(15, "Settled", "order-42"),
    ]);
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
    // The creation's own sequence and the resource's, joined by the link.
    assert_eq!(r.exchanges, 4);
    assert_eq!(r.coverage.operations["getTransactionStatus"].sequences, 1);
    assert_eq!(r.coverage.operations["getTransactionStatus"].exchanges, 3);
}

#[test]
fn the_first_poll_of_a_created_resource_shows_an_initial_state() {
    let r = check(vec![
        create_intent(0, intent()),
        poll(5, "InProgress", "order-42"),
        poll(10, "Settled", "order-42"),
    ]);
    assert_eq!(rules(&r), ["link.first-state-initial"]);
    let f = &findings_of(&r, "link.first-state-initial")[0];
    assert_eq!(f.entry, Some(1));
    assert_eq!(f.pointer.as_deref(), Some("/data/transactionStatus"));
    assert!(f.message.contains("initial: Pending"), "{}", f.message);
    // The same polls without the creation may begin mid-life.
    let uncreated = check(vec![
        poll(5, "InProgress", "order-42"),
        poll(10, "Settled", "order-42"),
    ]);
    assert!(uncreated.findings.is_empty(), "{:#?}", uncreated.findings);
}

#[test]
fn a_value_the_creation_returned_stays_in_the_polls() {
    let r = check(vec![
        create_intent(0, intent()),
        poll(5, "Pending", "order-43"),
        poll(10, "Pending", "order-43"),
    ]);
    let found = findings_of(&r, "link.stable-value");
    // Reported once, at the first poll that changed it.
    assert_eq!(found.len(), 1, "{:#?}", r.findings);
    assert_eq!(found[0].entry, Some(1));
    assert_eq!(found[0].pointer.as_deref(), Some("/data/orderId"));
    assert!(
        found[0].message.contains("\"order-42\""),
        "{}",
        found[0].message
    );
    assert_eq!(
        found[0].sequence.as_deref(),
        Some("getTransactionStatus siteId=site-1 paymentIntentId=pi_1")
    );
}

#[test]
fn timeouts_count_from_the_creation() {
    // Pending 50 s to 70 s after first seen is within the 60 s limit, but
    // 70 s after the creation is past it (with 5 s of polling tolerance).
    let polls = || {
        vec![
            poll(50, "Pending", "order-42"),
            poll(70, "Pending", "order-42"),
        ]
    };
    let mut created = vec![create_intent(0, intent())];
    created.extend(polls());
    assert_eq!(rules(&check(created)), ["state.timeout"]);
    assert!(check(polls()).findings.is_empty());
}

#[test]
fn a_created_resource_is_polled_after_its_creation() {
    let r = check(vec![
        poll(0, "Pending", "order-42"),
        create_intent(5, intent()),
        poll(10, "Pending", "order-42"),
    ]);
    let found = findings_of(&r, "link.poll-before-creation");
    assert_eq!(found.len(), 1, "{:#?}", r.findings);
    assert_eq!(found[0].entry, Some(1));
    assert!(
        found[0].message.contains("polled 1 time before"),
        "{}",
        found[0].message
    );
}

#[test]
fn the_link_key_comes_from_the_expressions() {
    // The created id is pi_2: polls of pi_1 are another resource, whose
    // first state is not held to the creation.
    let mut other = intent();
    other["paymentIntentId"] = json!("pi_2");
    let r = check(vec![
        create_intent(0, other),
        poll(5, "InProgress", "order-43"),
    ]);
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
}

#[test]
fn a_creation_body_with_the_status_is_the_first_state() {
    let expires = "2024-11-17T06:00:00Z";
    let clean = check(vec![
        create_session(0, "Created", expires),
        session_poll(5, "Launched", "2024-11-17T05:30:05Z"),
        session_poll(10, "Completed", "2024-11-17T05:30:10Z"),
    ]);
    assert!(clean.findings.is_empty(), "{:#?}", clean.findings);
    let not_initial = check(vec![
        create_session(0, "Launched", expires),
        session_poll(5, "Pending", "2024-11-17T05:30:05Z"),
    ]);
    let found = findings_of(&not_initial, "link.first-state-initial");
    assert_eq!(found.len(), 1, "{:#?}", not_initial.findings);
    assert_eq!(found[0].entry, Some(0));
    assert!(found[0].message.contains("in the creation's body"));
    // The creation's status is the sequence's first: a poll back to Created
    // is a transition the machine does not allow.
    let back = check(vec![
        create_session(0, "Launched", expires),
        session_poll(5, "Created", "2024-11-17T05:30:05Z"),
    ]);
    assert!(
        rules(&back).contains(&"state.invalid-transition".to_owned()),
        "{:#?}",
        back.findings
    );
}

#[test]
fn a_changed_expiry_is_a_stable_value_finding() {
    let r = check(vec![
        create_session(0, "Created", "2024-11-17T05:45:00Z"),
        session_poll(5, "Launched", "2024-11-17T05:30:05Z"),
    ]);
    let found = findings_of(&r, "link.stable-value");
    assert_eq!(found.len(), 1, "{:#?}", r.findings);
    assert_eq!(found[0].pointer.as_deref(), Some("/data/expiresAt"));
}

#[test]
fn a_replayed_creation_joins_once() {
    let r = check(vec![
        create_session(0, "Created", "2024-11-17T06:00:00Z"),
        session_poll(5, "Launched", "2024-11-17T05:30:05Z"),
        create_session(7, "Created", "2024-11-17T06:00:00Z"),
        session_poll(10, "Pending", "2024-11-17T05:30:10Z"),
    ]);
    assert!(
        findings_of(&r, "link.poll-before-creation").is_empty(),
        "{:#?}",
        r.findings
    );
}
