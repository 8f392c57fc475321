//! Bearer auth, the token endpoint, Peach signatures and create-payment-intent.

use std::time::Duration;

use serde_json::Value;

use crate::common::*;
use crate::scenarios::{check_sequence, fresh_id};

fn basic(id: &str, secret: &str) -> String {
    // Standard base64 of `id:secret`, written out to keep the tests dependency-free.
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let input = format!("{id}:{secret}").into_bytes();
    let mut out = String::new();
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            out.push(if i <= chunk.len() {
                char::from(A[((n >> (18 - 6 * i)) & 63) as usize])
            } else {
                '='
            });
        }
    }
    format!("Basic {out}")
}

async fn post(
    addr: std::net::SocketAddr,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Resp {
    send(
        addr,
        "POST",
        path,
        headers,
        body.as_bytes(),
        Duration::from_secs(10),
    )
    .await
    .unwrap()
}

const FORM: (&str, &str) = ("Content-Type", "application/x-www-form-urlencoded");

#[tokio::test]
async fn bearer_auth_is_enforced_with_the_documented_error_body() {
    let (addr, handle) = pyng_sandbox::spawn(config()).await.unwrap();
    for spec in specs().into_iter().filter(|s| s.name != "checkout_status") {
        let op = spec.first_polled().expect("a polled operation");
        let target = target(&spec, op, &fresh_id());
        let err_ty = op.response(401).and_then(|r| r.body.clone()).unwrap();
        let wrong = "Bearer not-the-token";
        for headers in [
            vec![],
            vec![("Authorization", wrong)],
            vec![("Authorization", "Basic abc")],
        ] {
            let r = get(addr, &target, &headers).await;
            assert_eq!(r.status, 401, "{} {headers:?}", spec.name);
            assert!(r.header("www-authenticate").unwrap().starts_with("Bearer"));
            let body = r.json();
            assert!(errors(&spec, &err_ty, &body).is_empty(), "{body}");
            assert!(
                body["errors"][0]["message"]
                    .as_str()
                    .unwrap()
                    .contains("token")
            );
            assert!(
                !r.body.contains("not-the-token"),
                "the token is echoed: {}",
                r.body
            );
        }
        let auth = format!("bearer {TOKEN}");
        assert_eq!(
            get(addr, &target, &[("Authorization", auth.as_str())])
                .await
                .status,
            200
        );
    }
    handle.shutdown().await.unwrap();
}

#[tokio::test]
async fn token_endpoint_issues_working_tokens_and_rejects_bad_clients() {
    let mut c = config();
    c.token_ttl_seconds = 120;
    let (addr, handle) = pyng_sandbox::spawn(c).await.unwrap();
    let path = "/checkout/oauth2/token";
    let good = basic(CLIENT_ID, CLIENT_SECRET);
    let r = post(
        addr,
        path,
        &[FORM, ("Authorization", &good)],
        "grant_type=client_credentials&scope=checkout",
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.header("cache-control"), Some("no-store"));
    let body = r.json();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 120);
    assert_eq!(body["scope"], "checkout");
    let token = body["access_token"].as_str().unwrap().to_owned();
    assert!(!r.body.contains(CLIENT_SECRET));

    // The issued token opens a status operation.
    let specs = specs();
    let spec = &specs[0];
    let auth = format!("Bearer {token}");
    let target = target(
        spec,
        spec.first_polled().expect("a polled operation"),
        &fresh_id(),
    );
    assert_eq!(
        get(addr, &target, &[("Authorization", &auth)]).await.status,
        200
    );
    // Two issues give two different tokens.
    let again = post(
        addr,
        path,
        &[FORM, ("Authorization", &good)],
        "grant_type=client_credentials",
    )
    .await;
    assert_ne!(again.json()["access_token"], body["access_token"]);

    let wrong_secret = basic(CLIENT_ID, "nope");
    let wrong_id = basic("other", CLIENT_SECRET);
    for headers in [
        vec![FORM],
        vec![FORM, ("Authorization", &wrong_secret)],
        vec![FORM, ("Authorization", &wrong_id)],
        vec![FORM, ("Authorization", "Basic !!!")],
    ] {
        let r = post(addr, path, &headers, "grant_type=client_credentials").await;
        assert_eq!(r.status, 401, "{headers:?}");
        assert_eq!(r.json()["error"], "invalid_client");
        assert!(r.json()["error_description"].is_string());
        assert!(r.header("www-authenticate").unwrap().starts_with("Basic"));
        assert!(!r.body.contains(CLIENT_SECRET));
    }
    let r = post(
        addr,
        path,
        &[FORM, ("Authorization", &good)],
        "grant_type=password",
    )
    .await;
    assert_eq!(
        (r.status, r.json()["error"].clone()),
        (400, Value::from("unsupported_grant_type"))
    );
    let r = post(addr, path, &[FORM, ("Authorization", &good)], "scope=x").await;
    assert_eq!(
        (r.status, r.json()["error"].clone()),
        (400, Value::from("invalid_request"))
    );
    handle.shutdown().await.unwrap();
}

/// RFC 6749 § 2.3.1: id and secret arrive form-urlencoded inside the Basic
/// credentials and are decoded before the comparison.
#[tokio::test]
async fn client_credentials_are_form_urldecoded() {
    let mut c = config();
    c.client_id = "id:1 \u{e9}".into();
    c.client_secret = "p&w=%+".into();
    let (addr, handle) = pyng_sandbox::spawn(c).await.unwrap();
    let path = "/checkout/oauth2/token";
    let token = |auth: String| async move {
        post(
            addr,
            path,
            &[FORM, ("Authorization", &auth)],
            "grant_type=client_credentials",
        )
        .await
        .status
    };
    assert_eq!(token(basic("id%3A1+%C3%A9", "p%26w%3D%25%2B")).await, 200);
    assert_eq!(token(basic("id%3A1%20%C3%A9", "p%26w=%25%2B")).await, 200);
    // Sent as they are, the `:` in the id ends it early, and `%+` decode to
    // something else.
    assert_eq!(token(basic("id:1 \u{e9}", "p&w=%+")).await, 401);
    assert_eq!(token(basic("id%3A1+%C3%A9", "p&w=%+")).await, 401);
    // Not UTF-8 once decoded.
    assert_eq!(token(basic("%FF", "p%26w%3D%25%2B")).await, 401);
    handle.shutdown().await.unwrap();
}

#[tokio::test]
async fn issued_tokens_expire_on_the_sandbox_clock() {
    let mut c = config();
    c.token_ttl_seconds = 60;
    c.time_scale = 1000.0; // 60 s -> 60 ms
    let (addr, handle) = pyng_sandbox::spawn(c).await.unwrap();
    let good = basic(CLIENT_ID, CLIENT_SECRET);
    let r = post(
        addr,
        "/checkout/oauth2/token",
        &[FORM, ("Authorization", &good)],
        "grant_type=client_credentials",
    )
    .await;
    let auth = format!("Bearer {}", r.json()["access_token"].as_str().unwrap());
    let specs = specs();
    let target = target(
        &specs[0],
        specs[0].first_polled().expect("a polled operation"),
        &fresh_id(),
    );
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    let mut statuses = Vec::new();
    while std::time::Instant::now() < deadline {
        let s = get(addr, &target, &[("Authorization", &auth)]).await.status;
        statuses.push(s);
        if s == 401 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(statuses.last(), Some(&401), "{statuses:?}");
    handle.shutdown().await.unwrap();
}

#[tokio::test]
async fn peach_requests_must_be_signed_and_responses_are_signed() {
    let (addr, handle) = pyng_sandbox::spawn(config()).await.unwrap();
    let specs = specs();
    let spec = specs.iter().find(|s| s.name == "checkout_status").unwrap();
    let op = spec.first_polled().expect("a polled operation");
    let err_ty = op.response(400).and_then(|r| r.body.clone()).unwrap();
    let id = fresh_id();
    let unsigned = target_with(spec, op, &id, None);
    let wrong_key = target_with(spec, op, &id, Some(b"another-secret"));
    let signed = target(spec, op, &id);
    // Tampering with a signed query breaks the signature.
    let tampered = signed.replace(&id, &fresh_id());
    for t in [&unsigned, &wrong_key, &tampered] {
        let r = get(addr, t, &[]).await;
        assert_eq!(r.status, 400, "{t}: {}", r.body);
        let body = r.json();
        assert!(errors(spec, &err_ty, &body).is_empty(), "{body}");
        assert!(
            body["result.description"]
                .as_str()
                .unwrap()
                .contains("signature")
        );
        assert!(!r.body.contains("3fcd7cf2"), "the secret leaks");
    }
    let r = get(addr, &signed, &[]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let body = r.json();
    let sig = body["signature"].as_str().unwrap();
    assert_eq!(sig.len(), 64);
    assert!(pyng_sandbox::signing::verify_response(
        &body,
        PEACH_SECRET,
        "signature"
    ));
    assert!(!pyng_sandbox::signing::verify_response(
        &body,
        b"another-secret",
        "signature"
    ));
    // The signature covers nested fields.
    let mut changed = body.clone();
    changed["redirect_post_data"]["amount"] = Value::from("0.01");
    assert!(!pyng_sandbox::signing::verify_response(
        &changed,
        PEACH_SECRET,
        "signature"
    ));
    // Exactly one of checkoutId / merchantTransactionId.
    let both = format!("{}&checkoutId={}", unsigned, "a".repeat(32));
    let both = {
        let q: Vec<(String, String)> = both
            .split_once('?')
            .unwrap()
            .1
            .split('&')
            .map(|kv| {
                let (k, v) = kv.split_once('=').unwrap();
                (k.to_owned(), v.to_owned())
            })
            .collect();
        let msg = pyng_spec::signature::canonical_message(
            q.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            "signature",
        );
        format!(
            "{both}&signature={}",
            pyng_spec::signature::sign(PEACH_SECRET, &msg)
        )
    };
    let r = get(addr, &both, &[]).await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(
        r.json()["result.description"]
            .as_str()
            .unwrap()
            .contains("exactly one")
    );
    handle.shutdown().await.unwrap();
}

#[tokio::test]
async fn payment_intents_carry_their_scenario_into_the_transaction_status() {
    // Unscaled for the poll-driven part, so that no timeout can interfere.
    let (addr, handle) = pyng_sandbox::spawn(config()).await.unwrap();
    let mut c = config();
    c.time_scale = 200.0;
    let (fast_addr, fast_handle) = pyng_sandbox::spawn(c).await.unwrap();
    let specs = specs();
    let spec = specs
        .iter()
        .find(|s| s.name == "transaction_status")
        .unwrap();
    let op = spec.first_polled().expect("a polled operation");
    let auth = format!("Bearer {TOKEN}");
    let json = ("Content-Type", "application/json");
    let create_on =
        |addr: std::net::SocketAddr, headers: Vec<(&'static str, String)>, body: &'static str| {
            let auth = auth.clone();
            async move {
                let mut h: Vec<(&str, &str)> = vec![("Authorization", auth.as_str()), json];
                h.extend(headers.iter().map(|(k, v)| (*k, v.as_str())));
                post(addr, "/checkout/site-9/payment-intent", &h, body).await
            }
        };
    let create = |headers, body| create_on(addr, headers, body);
    // Scenario from the header; orderId shows in the status bodies.
    let r = create(
        vec![(pyng_sandbox::SCENARIO_HEADER, "declined-2".into())],
        r#"{"amount": 1250, "orderId": "ord-1", "qrCodeFormat": "text"}"#,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let data = r.json()["data"].clone();
    let id = data["paymentIntentId"].as_str().unwrap().to_owned();
    assert_eq!(data["siteId"], "site-9");
    assert_eq!(data["amount"], 1250);
    assert!(data["qrCode"].is_string());
    let resps = crate::scenarios::poll(addr, spec, op, &id, None, 4).await;
    let states = check_sequence(spec, op, &id, &resps);
    assert_eq!(states[2..], ["Declined", "Declined"], "{states:?}");
    assert!(resps.iter().all(|r| r.json()["data"]["orderId"] == "ord-1"));

    // Scenario from the orderId; the QR code's 60 s count from creation.
    let r = create_on(
        fast_addr,
        vec![],
        r#"{"amount": 100, "orderId": "order-7-expire"}"#,
    )
    .await;
    let id = r.json()["data"]["paymentIntentId"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(r.json()["data"]["qrCodeFormat"], "base64");
    let start = std::time::Instant::now();
    let mut last = String::new();
    while start.elapsed() < Duration::from_secs(5) && last != "Expired" {
        let resp = crate::scenarios::poll(fast_addr, spec, op, &id, None, 1)
            .await
            .remove(0);
        last = resp.header("x-sandbox-state").unwrap().to_owned();
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(last, "Expired");
    assert!(start.elapsed() < Duration::from_secs(1));
    fast_handle.shutdown().await.unwrap();

    // Validation and auth.
    for body in [
        r#"{"amount": 0}"#,
        r#"{"orderId": "x"}"#,
        r#"{"amount": 5, "qrCodeFormat": "png"}"#,
        "not json",
        r#"{"amount": 5, "orderId": 3}"#,
    ] {
        let r = create(vec![], body).await;
        assert_eq!(r.status, 400, "{body}");
        assert!(r.json()["errors"][0]["message"].is_string());
        assert!(r.json()["traceId"].is_string());
    }
    let r = post(
        addr,
        "/checkout/site-9/payment-intent",
        &[json],
        r#"{"amount": 5}"#,
    )
    .await;
    assert_eq!(r.status, 401);
    handle.shutdown().await.unwrap();
}

/// A parameter value its schema refuses (Peach's `checkoutId` has a
/// `pattern`) is the spec's documented 400, naming the parameter and the
/// rule, as the checker reads the same request.
#[tokio::test]
async fn a_parameter_its_schema_refuses_is_the_documented_400() {
    let (addr, handle) = pyng_sandbox::spawn(config()).await.unwrap();
    let specs = specs();
    let spec = specs.iter().find(|s| s.name == "checkout_status").unwrap();
    let op = spec.first_polled().expect("a polled operation");
    let err_ty = op.response(400).and_then(|r| r.body.clone()).unwrap();
    // The merchant's entity id is 32 hex digits; a request signed with another
    // value is wrong only in that value.
    let name = "authentication.entityId";
    assert!(op.param(name).unwrap().constraints.pattern.is_some());
    let mut other = op.clone();
    for p in other.params.iter_mut().filter(|p| p.name == name) {
        p.example = Some(Value::from("NOT-HEX"));
    }
    let bad = target(spec, &other, &fresh_id());
    let r = get(addr, &bad, &[]).await;
    assert_eq!(r.status, 400, "{bad}: {}", r.body);
    let body = r.json();
    assert!(errors(spec, &err_ty, &body).is_empty(), "{body}");
    let said = body["result.description"].as_str().unwrap();
    assert!(said.contains(&format!("parameter `{name}`")), "{said}");
    assert!(said.contains("schema.pattern"), "{said}");
    // The same request with a conforming id is answered.
    let good = target(spec, op, &fresh_id());
    assert_eq!(get(addr, &good, &[]).await.status, 200);
    handle.shutdown().await.unwrap();
}
