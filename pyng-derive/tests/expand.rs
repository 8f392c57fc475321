//! The macro's expansion compiles warning-free in a crate that depends on serde
//! and serde_json only, and behaves like the committed models.
#![deny(warnings)]

mod transaction_status {
    pyng_derive::generate!("../specs/pyng/transaction-status.yaml");
}

mod checkout_session_status {
    pyng_derive::generate!("../specs/pyng/checkout-session-status.yaml");
}

mod peach_checkout_status {
    pyng_derive::generate!("../specs/peach/checkout-status.yaml");
}

use transaction_status::{TransactionStatusEnum, get_transaction_status};

#[test]
fn the_expanded_models_read_and_check_the_seed_example() {
    let body = include_str!("../../pyng-models/tests/fixtures/seed-001-200.json");
    let parsed = get_transaction_status::Response::parse(200, body).unwrap();
    let get_transaction_status::Response::Ok(envelope) = parsed else {
        panic!("200 is Ok");
    };
    assert_eq!(
        envelope.data.transaction_status,
        TransactionStatusEnum::Settled
    );
    let violations = envelope.check();
    assert_eq!(violations.len(), 1);
    assert_eq!(violations[0].rule, "amount.paid-equals-line-totals");
    assert_eq!(violations[0].pointer, "/data/amountPaid");
}

#[test]
fn the_other_specs_expand_too() {
    use checkout_session_status::CheckoutSessionStatus;
    use peach_checkout_status::CheckoutStatus;
    assert!(CheckoutSessionStatus::Completed.is_final());
    assert!(!CheckoutStatus::from("uncertain").is_final());
    assert_eq!(
        checkout_session_status::get_checkout_session_status::path("s", "c"),
        "/checkout/s/session/c/status"
    );
}
