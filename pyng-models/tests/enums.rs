//! Enums: every documented value, state machines read as observed by polling,
//! and forward compatibility with values the spec does not know.

use pyng_models::peach_checkout_status::{self as peach, CheckoutStatus};
use pyng_models::pyng_checkout_session_status::{
    self as session, CheckoutSessionOutcome, CheckoutSessionStatus,
};
use pyng_models::pyng_transaction_status::{self as tx, TransactionStatusEnum as Status};

/// The spec's enum `name` in `spec_file` (under `specs/`): its values, final
/// states and initial states, in enum order.
fn documented(spec_file: &str, name: &str) -> (Vec<String>, Vec<String>, Vec<String>) {
    let path = format!("{}/../specs/{spec_file}", env!("CARGO_MANIFEST_DIR"));
    let spec = pyng_spec::load_file(&path)
        .unwrap_or_else(|d| panic!("{path}:\n{d}"))
        .spec;
    let e = spec
        .enum_def(name)
        .unwrap_or_else(|| panic!("{spec_file} has no enum {name}: update this test"));
    let m = e.machine.as_ref();
    let is_final = |v: &&String| m.is_some_and(|m| m.final_states.contains(*v));
    let is_initial = |v: &&String| m.is_some_and(|m| m.initial.contains(*v));
    (
        e.values.clone(),
        e.values.iter().filter(is_final).cloned().collect(),
        e.values.iter().filter(is_initial).cloned().collect(),
    )
}

fn wire<T>(values: &[T], as_str: fn(&T) -> &str) -> Vec<String> {
    values.iter().map(|v| as_str(v).to_owned()).collect()
}

/// The generated constants follow the spec (a draft change that adds a state
/// needs no edit here, only `cargo xtask regenerate`).
#[test]
fn documented_values_and_final_states() {
    let stale = "the generated enum is out of step with its spec: run `cargo xtask regenerate`";
    let (all, finals, initial) =
        documented("pyng/transaction-status.yaml", "TransactionStatusEnum");
    assert_eq!(wire(Status::ALL, Status::as_str), all, "{stale}");
    assert_eq!(wire(Status::FINAL, Status::as_str), finals, "{stale}");
    assert_eq!(wire(Status::INITIAL, Status::as_str), initial, "{stale}");
    let (all, finals, initial) = documented("peach/checkout-status.yaml", "CheckoutStatus");
    assert_eq!(
        wire(CheckoutStatus::ALL, CheckoutStatus::as_str),
        all,
        "{stale}"
    );
    assert_eq!(
        wire(CheckoutStatus::FINAL, CheckoutStatus::as_str),
        finals,
        "{stale}"
    );
    assert_eq!(
        wire(CheckoutStatus::INITIAL, CheckoutStatus::as_str),
        initial,
        "{stale}"
    );
    let (all, finals, initial) =
        documented("pyng/checkout-session-status.yaml", "CheckoutSessionStatus");
    type S = CheckoutSessionStatus;
    assert_eq!(wire(S::ALL, S::as_str), all, "{stale}");
    assert_eq!(wire(S::FINAL, S::as_str), finals, "{stale}");
    assert_eq!(wire(S::INITIAL, S::as_str), initial, "{stale}");
    let (all, _, _) = documented(
        "pyng/checkout-session-status.yaml",
        "CheckoutSessionOutcome",
    );
    type O = CheckoutSessionOutcome;
    assert_eq!(wire(O::ALL, O::as_str), all, "{stale}");
    // Behaviour, not counts: a final state is final, a non-final one is not.
    for s in Status::ALL {
        assert_eq!(s.is_final(), Status::FINAL.contains(s), "{s:?}");
    }
}

#[test]
fn transitions_are_read_as_observed_by_polling() {
    assert!(
        Status::Pending.can_transition_to(&Status::Pending),
        "same state"
    );
    assert!(Status::Pending.can_transition_to(&Status::InProgress));
    assert!(
        Status::Pending.can_transition_to(&Status::Settled),
        "InProgress skipped"
    );
    assert!(
        !Status::InProgress.can_transition_to(&Status::Pending),
        "no way back"
    );
    assert!(
        !Status::Settled.can_transition_to(&Status::Declined),
        "final is never left"
    );
    assert!(!Status::Expired.can_transition_to(&Status::InProgress));
    assert!(CheckoutStatus::Created.can_transition_to(&CheckoutStatus::Successful));
    assert!(!CheckoutStatus::Successful.can_transition_to(&CheckoutStatus::Pending));
    assert!(CheckoutSessionStatus::Launched.can_transition_to(&CheckoutSessionStatus::Failed));
    assert!(!CheckoutSessionStatus::Pending.can_transition_to(&CheckoutSessionStatus::Created));
}

#[test]
fn every_pair_agrees_with_the_spec_state_machine() {
    let spec = pyng_spec::load_file(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../specs/pyng/transaction-status.yaml"
    ))
    .unwrap()
    .spec;
    let e = spec.enum_def("TransactionStatusEnum").unwrap();
    let m = e.machine.as_ref().unwrap();
    for from in Status::ALL {
        assert_eq!(from.is_final(), e.is_final(from.as_str()));
        for to in Status::ALL {
            assert_eq!(
                from.can_transition_to(to),
                m.may_observe(from.as_str(), to.as_str()),
                "{from} -> {to}"
            );
        }
    }
}

/// `can_correct_to` of every bundled enum answers what the spec's compiled
/// machine does, for every pair (no bundled spec documents a correction today,
/// see specs/README.md; a spec that adds one needs no edit here).
#[test]
fn corrections_agree_with_the_spec_state_machine() {
    fn agree<T: PartialEq + std::fmt::Display>(
        spec_file: &str,
        name: &str,
        all: &[T],
        can_correct_to: fn(&T, &T) -> bool,
        is_final: fn(&T) -> bool,
    ) {
        let path = format!("{}/../specs/{spec_file}", env!("CARGO_MANIFEST_DIR"));
        let spec = pyng_spec::load_file(&path).unwrap().spec;
        let e = spec.enum_def(name).unwrap();
        let m = pyng_spec::contract::Machine::of(e).unwrap();
        for (i, from) in all.iter().enumerate() {
            // A correction never makes a state less final.
            assert_eq!(is_final(from), m.is_final(i), "{from}");
            for (j, to) in all.iter().enumerate() {
                assert_eq!(
                    can_correct_to(from, to),
                    m.may_correct(i, j),
                    "{spec_file}: {from} -> {to}: run `cargo xtask regenerate`"
                );
            }
        }
    }
    agree(
        "pyng/transaction-status.yaml",
        "TransactionStatusEnum",
        Status::ALL,
        Status::can_correct_to,
        Status::is_final,
    );
    agree(
        "peach/checkout-status.yaml",
        "CheckoutStatus",
        CheckoutStatus::ALL,
        CheckoutStatus::can_correct_to,
        CheckoutStatus::is_final,
    );
    agree(
        "pyng/checkout-session-status.yaml",
        "CheckoutSessionStatus",
        CheckoutSessionStatus::ALL,
        CheckoutSessionStatus::can_correct_to,
        CheckoutSessionStatus::is_final,
    );
    let unknown: CheckoutStatus = "uncertain".into();
    assert!(!unknown.can_correct_to(&CheckoutStatus::Successful));
}

#[test]
fn display_and_from_str_use_wire_values() {
    assert_eq!(Status::InProgress.to_string(), "InProgress");
    assert_eq!("Settled".parse::<Status>(), Ok(Status::Settled));
    assert_eq!(Status::from("Expired"), Status::Expired);
    assert_eq!(CheckoutStatus::Successful.to_string(), "successful");
    for s in Status::ALL {
        assert_eq!(s.as_str().parse::<Status>().as_ref(), Ok(s));
        assert!(s.is_known());
    }
    // Values are case-sensitive: a different case is an unknown value.
    assert!(!"settled".parse::<Status>().unwrap().is_known());
}

#[test]
fn an_unknown_status_deserializes_round_trips_and_is_not_final() {
    let body = serde_json::json!({
        "data": {"transactionStatus": "Refunded"},
        "traceId": "t-1"
    });
    let envelope: tx::TransactionStatusEnvelope = serde_json::from_value(body.clone()).unwrap();
    let status = &envelope.data.transaction_status;
    assert!(matches!(status, Status::Unknown(v) if v.as_str() == "Refunded"));
    assert!(!status.is_known());
    assert!(!status.is_final());
    assert_eq!(status.to_string(), "Refunded");
    assert!(!Status::Pending.can_transition_to(status));
    assert!(!status.can_transition_to(&Status::Settled));
    assert!(
        status.can_transition_to(status),
        "the same unknown value twice is no transition"
    );
    assert_eq!(serde_json::to_value(&envelope).unwrap(), body);
    // Not listed among the documented values.
    assert!(!Status::ALL.contains(status));
}

#[test]
fn peach_uncertain_is_kept_as_an_unknown_value() {
    let body = serde_json::json!({"status": "uncertain", "redirect_url": "https://x.example"});
    let parsed = peach::get_checkout_status::Response::parse(200, &body.to_string()).unwrap();
    let peach::get_checkout_status::Response::Ok(r) = parsed else {
        panic!("200 is the Ok variant");
    };
    assert_eq!(r.status.as_str(), "uncertain");
    assert!(!r.status.is_final());
    assert_eq!(serde_json::to_value(&r).unwrap(), body);
}

#[test]
fn an_unknown_outcome_is_reported_by_check_not_by_deserialization() {
    let body = serde_json::json!({
        "checkoutSessionId": "c", "orderId": "o", "siteId": "s",
        "status": "Completed", "outcome": "Refunded",
        "expiresAt": "2025-01-01T00:00:00Z", "updatedAt": "2025-01-01T00:00:00Z"
    });
    let r: session::CheckoutSessionStatusResponse = serde_json::from_value(body).unwrap();
    let v = r.check();
    assert_eq!(v.len(), 1);
    assert_eq!(
        (v[0].rule, v[0].pointer.as_str()),
        ("state.status-outcome", "/outcome")
    );
    assert!(
        v[0].message.contains("implies Succeeded"),
        "{}",
        v[0].message
    );
}

#[test]
fn a_non_string_status_is_still_rejected() {
    let body = serde_json::json!({"data": {"transactionStatus": 3}, "traceId": "t"});
    assert!(serde_json::from_value::<tx::TransactionStatusEnvelope>(body).is_err());
}
