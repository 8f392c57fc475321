//! Operations: paths with percent-encoded parameters, query strings, typed
//! responses per documented status code.

use pyng_models::peach_checkout_status::get_checkout_status as peach;
use pyng_models::pyng_checkout_session_status::get_checkout_session_status as session;
use pyng_models::pyng_transaction_status::{self as tx, get_transaction_status as op};

#[test]
fn method_path_and_polling() {
    assert_eq!(op::METHOD, "GET");
    assert_eq!(op::PATH_TEMPLATE, "/checkout/{siteId}/transaction-status");
    assert_eq!(op::POLLING_INTERVAL_SECONDS, 5);
    assert_eq!(peach::POLLING_INTERVAL_SECONDS, 30);
    assert_eq!(op::path("site-1"), "/checkout/site-1/transaction-status");
    assert_eq!(
        op::path("a/b c?"),
        "/checkout/a%2Fb%20c%3F/transaction-status"
    );
    assert_eq!(
        session::path("s", "caf\u{e9}"),
        "/checkout/s/session/caf%C3%A9/status"
    );
    assert_eq!(peach::path(), "/status");
}

#[test]
fn query_strings_encode_keys_and_values_in_spec_order() {
    let q = op::Query {
        payment_intent_id: "pi 1&x=y".to_owned(),
    };
    assert_eq!(q.to_query_string(), "paymentIntentId=pi%201%26x%3Dy");
    let q = peach::Query {
        authentication_entity_id: "8ac7a4ca86c2c24d0168c2caab2e0025".to_owned(),
        checkout_id: None,
        merchant_transaction_id: Some("Test1234".to_owned()),
        signature: "ab".to_owned(),
    };
    assert_eq!(
        q.pairs(),
        [
            (
                "authentication.entityId",
                "8ac7a4ca86c2c24d0168c2caab2e0025".to_owned()
            ),
            ("merchantTransactionId", "Test1234".to_owned()),
            ("signature", "ab".to_owned()),
        ]
    );
    assert_eq!(
        q.to_query_string(),
        "authentication.entityId=8ac7a4ca86c2c24d0168c2caab2e0025&merchantTransactionId=Test1234&signature=ab"
    );
}

#[test]
fn responses_are_typed_per_status() {
    let body = r#"{"errors":[{"message":"payment intent not found"}],"traceId":"t"}"#;
    match op::Response::parse(404, body).unwrap() {
        op::Response::NotFound(e) => assert_eq!(e.errors[0].message, "payment intent not found"),
        other => panic!("expected NotFound, got {other:?}"),
    }
    assert_eq!(op::Response::parse(401, body).unwrap().status(), 401);
    assert!(matches!(
        op::Response::parse(500, body),
        Err(tx::ResponseError::UndocumentedStatus(500))
    ));
    let err = op::Response::parse(200, "{}").unwrap_err();
    assert!(matches!(err, tx::ResponseError::Body { status: 200, .. }));
    assert!(err.to_string().contains("200"), "{err}");
}
