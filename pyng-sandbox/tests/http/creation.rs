//! Creation operations served from the specs alone: an operation whose success
//! response `links` to a polled operation creates that operation's resource.

use crate::common::*;
use crate::scenarios::check_sequence;

async fn post_json(
    addr: std::net::SocketAddr,
    path: &str,
    extra: &[(&str, &str)],
    body: &str,
) -> Resp {
    let auth = format!("Bearer {TOKEN}");
    let mut headers = vec![
        ("Authorization", auth.as_str()),
        ("Content-Type", "application/json"),
    ];
    headers.extend_from_slice(extra);
    send(
        addr,
        "POST",
        path,
        &headers,
        body.as_bytes(),
        std::time::Duration::from_secs(10),
    )
    .await
    .unwrap_or_else(|e| panic!("POST {path}: {e}"))
}

fn success_type(op: &pyng_spec::ir::Operation) -> pyng_spec::ir::Type {
    op.responses
        .iter()
        .find(|r| r.status.is_success())
        .and_then(|r| r.body.clone())
        .expect("a success body")
}

#[tokio::test]
async fn a_checkout_session_is_created_then_polled_through_its_link() {
    let (addr, handle) = pyng_sandbox::spawn(config()).await.unwrap();
    let specs = specs();
    let spec = specs
        .iter()
        .find(|s| s.name == "checkout_session_status")
        .unwrap();
    let create = spec.operation("createCheckoutSession").unwrap();
    let status = spec.first_polled().unwrap();
    let r = post_json(
        addr,
        "/checkout/site-4/session",
        &[("Idempotency-Key", "key-1")],
        r#"{"orderId": "ord-9-completed"}"#,
    )
    .await;
    // The documented 201, a body valid against the spec, in the initial state.
    assert_eq!(r.status, 201, "{}", r.body);
    let body = r.json();
    assert!(
        errors(spec, &success_type(create), &body).is_empty(),
        "{body}"
    );
    let data = &body["data"];
    assert_eq!(data["status"], "Created");
    assert_eq!(data["siteId"], "site-4");
    assert_eq!(data["orderId"], "ord-9-completed");
    let id = data["checkoutSessionId"].as_str().unwrap().to_owned();
    assert!(id.starts_with("cs-"), "{id}");
    // The link's target plays the scenario the orderId named, and repeats it.
    let mut resps = Vec::new();
    for _ in 0..5 {
        let target = format!("/checkout/site-4/session/{id}/status");
        let auth = format!("Bearer {TOKEN}");
        resps.push(get(addr, &target, &[("Authorization", auth.as_str())]).await);
    }
    let states = check_sequence(spec, status, &id, &resps);
    assert_eq!(states.first().map(String::as_str), Some("Created"));
    assert_eq!(
        states.last().map(String::as_str),
        Some("Completed"),
        "{states:?}"
    );
    assert!(
        resps
            .iter()
            .all(|r| r.json()["data"]["orderId"] == "ord-9-completed")
    );
    assert!(
        resps
            .iter()
            .all(|r| r.json()["data"]["checkoutSessionId"] == id.as_str())
    );

    // The draft's required header is required.
    let r = post_json(addr, "/checkout/site-4/session", &[], r#"{"orderId": "o"}"#).await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(
        r.json()["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("Idempotency-Key")
    );
    // Bearer auth applies, with the documented 401.
    let r = send(
        addr,
        "POST",
        "/checkout/site-4/session",
        &[
            ("Idempotency-Key", "k"),
            ("Content-Type", "application/json"),
        ],
        b"{}",
        std::time::Duration::from_secs(10),
    )
    .await
    .unwrap();
    assert_eq!(r.status, 401);
    // Not a JSON object: the documented 400.
    let r = post_json(
        addr,
        "/checkout/site-4/session",
        &[("Idempotency-Key", "k2")],
        "[1]",
    )
    .await;
    assert_eq!(r.status, 400, "{}", r.body);
    handle.shutdown().await.unwrap();
}

#[tokio::test]
async fn an_idempotency_key_makes_replays_one_call() {
    let (addr, handle) = pyng_sandbox::spawn(config()).await.unwrap();
    let path = "/checkout/site-4/session";
    let first = post_json(
        addr,
        path,
        &[("Idempotency-Key", "k-1")],
        r#"{"orderId": "o-1"}"#,
    )
    .await;
    assert_eq!(first.status, 201, "{}", first.body);
    // The same key and body, key order and spacing aside: the first answer again.
    let replay = post_json(
        addr,
        path,
        &[("idempotency-key", "k-1")],
        r#"{ "orderId":"o-1" }"#,
    )
    .await;
    assert_eq!(replay.status, 201);
    assert_eq!(replay.json(), first.json());
    // The same key with another body is refused with the documented 400 body.
    let other = post_json(
        addr,
        path,
        &[("Idempotency-Key", "k-1")],
        r#"{"orderId": "o-2"}"#,
    )
    .await;
    assert_eq!(other.status, 400, "{}", other.body);
    assert!(
        other.json()["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("Idempotency-Key")
    );
    // Another key is another call.
    let second = post_json(
        addr,
        path,
        &[("Idempotency-Key", "k-2")],
        r#"{"orderId": "o-1"}"#,
    )
    .await;
    assert_eq!(second.status, 201);
    assert_ne!(
        second.json()["data"]["checkoutSessionId"],
        first.json()["data"]["checkoutSessionId"]
    );
    // A refused call leaves its key free.
    let bad = post_json(addr, path, &[("Idempotency-Key", "k-3")], "[1]").await;
    assert_eq!(bad.status, 400);
    let good = post_json(addr, path, &[("Idempotency-Key", "k-3")], "{}").await;
    assert_eq!(good.status, 201, "{}", good.body);
    handle.shutdown().await.unwrap();
}

/// Regression: the creation answered a synthesised `expiresAt` (a fixed
/// example date) while its polls showed the creation's time plus the TTL, so
/// a checked flow got `link.stable-value` and `state.timeout` on a conformant
/// sandbox. The creation now shows the deadline its polls show.
#[tokio::test]
async fn a_created_session_shows_the_deadline_its_polls_show() {
    let (addr, handle) = pyng_sandbox::spawn(config()).await.unwrap();
    for (order, key) in [
        ("o-default", "k-deadline-1"),
        ("o-expire-60", "k-deadline-2"),
    ] {
        let r = post_json(
            addr,
            "/checkout/site-4/session",
            &[("Idempotency-Key", key)],
            &format!(r#"{{"orderId": "{order}"}}"#),
        )
        .await;
        assert_eq!(r.status, 201, "{}", r.body);
        let created = r.json()["data"].clone();
        let id = created["checkoutSessionId"].as_str().unwrap().to_owned();
        let auth = format!("Bearer {TOKEN}");
        let polled = get(
            addr,
            &format!("/checkout/site-4/session/{id}/status"),
            &[("Authorization", auth.as_str())],
        )
        .await;
        assert_eq!(polled.status, 200, "{}", polled.body);
        let polled = polled.json()["data"].clone();
        assert_eq!(created["expiresAt"], polled["expiresAt"], "{order}");
        assert_ne!(created["expiresAt"], "2026-01-01T00:00:00Z", "{order}");
    }
    handle.shutdown().await.unwrap();
}

/// Regression (seen in schemathesis's output): a refusal listed its one
/// message once per synthesised `errors` entry, e.g. twice.
#[tokio::test]
async fn a_refusal_says_its_message_once() {
    let (addr, handle) = pyng_sandbox::spawn(config()).await.unwrap();
    // Several refusals, so that synthesis gets several list lengths.
    for n in 0..12 {
        let r = post_json(
            addr,
            &format!("/checkout/site-{n}/payment-intent"),
            &[],
            r#"{"amount": 0}"#,
        )
        .await;
        assert_eq!(r.status, 400, "{}", r.body);
        let body = r.json();
        let errors = body["errors"].as_array().unwrap();
        assert_eq!(errors.len(), 1, "{body}");
        assert!(
            errors[0]["message"].as_str().unwrap().contains("amount"),
            "{body}"
        );
    }
    handle.shutdown().await.unwrap();
}
