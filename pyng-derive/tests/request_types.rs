//! Generated request types: an operation's `RequestBody` has its body
//! model's properties but the `readOnly` ones, required as in a request,
//! beside its media type, whether a body is required, and the
//! `x-idempotency` header.
#![deny(warnings)]

mod orders {
    pyng_derive::generate!("../pyng-spec/tests/fixtures/request-side.yaml");
}

use orders::{create_note, create_order};

#[test]
fn the_request_body_leaves_read_only_properties_out() {
    // A struct literal names every field: `id` (readOnly) is not one, and
    // `amount` is required in a request as in the model.
    let body = create_order::RequestBody { amount: 5 };
    assert_eq!(serde_json::to_string(&body).unwrap(), r#"{"amount":5}"#);
    let back: create_order::RequestBody = serde_json::from_str(r#"{"amount":7}"#).unwrap();
    assert_eq!(back.amount, 7);
    // The response model keeps `id`.
    let created = orders::Order {
        id: "o-1".into(),
        amount: 5,
    };
    assert_eq!(created.id, "o-1");
    assert_eq!(create_order::REQUEST_CONTENT_TYPE, "application/json");
    const { assert!(create_order::REQUEST_BODY_REQUIRED) };
    assert_eq!(create_order::IDEMPOTENCY_HEADER, "idempotency-key");
}

#[test]
fn a_form_body_of_its_own_schema_is_its_own_type() {
    let note = create_note::RequestBody { text: None };
    assert_eq!(serde_json::to_string(&note).unwrap(), "{}");
    assert_eq!(
        create_note::REQUEST_CONTENT_TYPE,
        "application/x-www-form-urlencoded"
    );
    const { assert!(!create_note::REQUEST_BODY_REQUIRED) };
}
