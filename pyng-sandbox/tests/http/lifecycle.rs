//! Configuration checks, robustness against odd requests, graceful shutdown.

use std::time::{Duration, Instant};

use crate::common::*;
use crate::scenarios::fresh_id;

#[tokio::test]
async fn bad_configurations_are_errors_not_panics() {
    let mut c = config();
    c.time_scale = 0.0;
    assert!(pyng_sandbox::spawn(c).await.is_err());
    let mut c = config();
    c.time_scale = f64::NAN;
    assert!(pyng_sandbox::spawn(c).await.is_err());
    let mut c = config();
    c.peach_secret.clear();
    let err = pyng_sandbox::spawn(c).await.unwrap_err();
    assert!(err.to_string().contains("signing secret"), "{err}");
    // The same spec twice: the same method and path twice.
    let mut c = config();
    c.specs.push(c.specs[0].clone());
    let err = pyng_sandbox::spawn(c).await.unwrap_err();
    assert!(err.to_string().contains("served by both"), "{err}");
}

#[test]
fn debug_output_redacts_secrets() {
    let text = format!("{:?}", config());
    for secret in [CLIENT_SECRET, TOKEN, "3fcd7cf2", "51, 102, 99"] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
    assert!(text.contains(CLIENT_ID));
}

#[tokio::test]
async fn odd_requests_get_client_errors_and_the_server_stays_up() {
    let (addr, handle) = pyng_sandbox::spawn(config()).await.unwrap();
    let specs = specs();
    let spec = &specs[0];
    let op = spec.first_polled().expect("a polled operation");
    let auth = format!("Bearer {TOKEN}");
    let h = [("Authorization", auth.as_str())];
    let ok = target(spec, op, &fresh_id());
    let odd = [
        ("/checkout/site-1/transaction-status".to_owned(), 400), // required query param missing
        (
            "/checkout/%FF/transaction-status?paymentIntentId=x".to_owned(),
            400,
        ),
        ("/nope".to_owned(), 404),
    ];
    for (t, want) in odd {
        let r = get(addr, &t, &h).await;
        assert_eq!(r.status, want, "{t}: {}", r.body);
    }
    for bad in [
        "nonsense",
        "settled-x",
        "settled+slow+slow",
        "expire+via-nope",
    ] {
        let r = get(
            addr,
            &target(spec, op, &fresh_id()),
            &[h[0], (pyng_sandbox::SCENARIO_HEADER, bad)],
        )
        .await;
        assert_eq!(r.status, 400, "{bad}");
        assert!(
            r.json()["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains(pyng_sandbox::SCENARIO_HEADER)
        );
    }
    // Lossy bytes are just an id; nothing odd makes the server fail.
    for t in [
        "/checkout/site-1/transaction-status?paymentIntentId=%FF",
        "/checkout/site-1/transaction-status?paymentIntentId=a&paymentIntentId=b",
        "/checkout/site-1/transaction-status?%zz=1",
    ] {
        let r = get(addr, t, &h).await;
        assert!(r.status < 500, "{t}: {}", r.status);
    }
    let r = get(addr, &ok, &h).await;
    assert_eq!(r.status, 200);
    handle.shutdown().await.unwrap();
}

#[tokio::test]
async fn graceful_shutdown_finishes_in_flight_requests_promptly() {
    let mut c = config();
    c.slow_delay = Duration::from_secs(60);
    let (addr, handle) = pyng_sandbox::spawn(c).await.unwrap();
    let specs = specs();
    let spec = &specs[0];
    let target = target(
        spec,
        spec.first_polled().expect("a polled operation"),
        &format!("{}.slow", fresh_id()),
    );
    let auth = format!("Bearer {TOKEN}");
    let in_flight = tokio::spawn(async move {
        send(
            addr,
            "GET",
            &target,
            &[("Authorization", auth.as_str())],
            b"",
            Duration::from_secs(10),
        )
        .await
    });
    // Wait until the slow request is being handled: the server answers other requests meanwhile.
    let probe = crate::common::target(
        spec,
        spec.first_polled().expect("a polled operation"),
        &fresh_id(),
    );
    let token = format!("Bearer {TOKEN}");
    assert_eq!(
        get(addr, &probe, &[("Authorization", token.as_str())])
            .await
            .status,
        200
    );
    tokio::time::sleep(Duration::from_millis(50)).await;
    let start = Instant::now();
    tokio::time::timeout(Duration::from_secs(5), handle.shutdown())
        .await
        .expect("shutdown completes")
        .unwrap();
    assert!(start.elapsed() < Duration::from_secs(5));
    // The in-flight request was answered (its delay cut short), not dropped.
    let r = in_flight
        .await
        .unwrap()
        .expect("the in-flight request is answered");
    assert_eq!(r.status, 200);
    assert_eq!(r.header("x-sandbox-fault"), Some("slow"));
    // New connections are refused.
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn serve_returns_when_its_shutdown_future_completes() {
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(pyng_sandbox::serve(config(), async move {
        let _ = rx.await;
    }));
    tx.send(()).unwrap();
    let done = tokio::time::timeout(Duration::from_secs(5), server).await;
    assert!(matches!(done, Ok(Ok(Ok(())))), "{done:?}");
}
