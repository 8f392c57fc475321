//! The bundled specs load and lint clean, and say what the documents say.

use std::path::PathBuf;

use pyng_spec::ir::{TimeoutLimit, Type, TypeDef};

fn spec_path(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../specs")
        .join(rel)
}

fn load(rel: &str) -> pyng_spec::ir::Spec {
    match pyng_spec::load_file(spec_path(rel)) {
        Ok(l) => {
            assert!(
                l.warnings.0.is_empty(),
                "{rel} has warnings:\n{}",
                l.warnings
            );
            l.spec
        }
        Err(d) => panic!("{rel} does not lint clean:\n{d}"),
    }
}

#[test]
fn transaction_status_spec() {
    let spec = load("pyng/transaction-status.yaml");
    assert!(!spec.draft);
    let op = spec.operation("getTransactionStatus").unwrap();
    assert_eq!(op.path, "/checkout/{siteId}/transaction-status");
    assert_eq!(op.polling.as_ref().unwrap().interval_seconds, 5);
    assert_eq!(op.resource_key, ["siteId", "paymentIntentId"]);
    let e = spec.enum_def("TransactionStatusEnum").unwrap();
    assert_eq!(
        e.values,
        ["Pending", "InProgress", "Settled", "Declined", "Expired"]
    );
    let m = e.machine.as_ref().unwrap();
    assert!(
        m.may_observe("Pending", "Settled"),
        "states may be skipped between polls"
    );
    assert!(
        !m.may_observe("Settled", "Pending"),
        "final states are never left"
    );
    assert!(
        !m.may_observe("InProgress", "Pending"),
        "no backwards transitions"
    );
    assert_eq!(m.timeouts[0].limit, TimeoutLimit::AfterSeconds(60));
    let line = spec.model("LineItem").unwrap();
    assert_eq!(line.field("quantity").unwrap().constraints.minimum, Some(1));
    assert_eq!(line.invariants.len(), 2);
    let data = spec.model("TransactionStatusResponse").unwrap();
    assert_eq!(
        data.field("lineItems").unwrap().ty,
        Type::Array(Box::new(Type::Named("LineItem".into())))
    );
    let ok = op.response(200).unwrap();
    assert_eq!(
        ok.examples[0].expected_violations,
        ["amount.paid-equals-line-totals"]
    );
    assert!(op.response(404).unwrap().examples.len() == 1);
}

#[test]
fn checkout_session_spec_is_a_draft_with_outcomes() {
    let spec = load("pyng/checkout-session-status.yaml");
    assert!(spec.draft);
    let data = spec.model("CheckoutSessionStatusResponse").unwrap();
    let outcome = data.outcome.as_ref().unwrap();
    assert_eq!(outcome.map["Completed"], "Succeeded");
    let status = spec.enum_def("CheckoutSessionStatus").unwrap();
    let m = status.machine.as_ref().unwrap();
    assert_eq!(
        m.timeouts[0].limit,
        TimeoutLimit::DeadlineField("expiresAt".into())
    );
    let op = spec.operation("getCheckoutSessionStatus").unwrap();
    assert_eq!(op.echo.len(), 2);
    assert_eq!(op.path_param_names(), ["siteId", "checkoutSessionId"]);
}

#[test]
fn peach_spec_has_signed_query_and_created_state() {
    let spec = load("peach/checkout-status.yaml");
    let status = spec.enum_def("CheckoutStatus").unwrap();
    assert_eq!(status.values[0], "created");
    assert!(status.is_final("expired") && !status.is_final("pending"));
    assert!(matches!(
        spec.security_schemes["peachSignature"],
        pyng_spec::ir::SecurityScheme::SignedQuery(_)
    ));
    let rpd = spec.model("RedirectPostData").unwrap();
    assert!(
        rpd.field("result.code").is_some(),
        "dotted wire keys are kept"
    );
    assert!(matches!(
        spec.types["CheckoutStatusResponse"],
        TypeDef::Model(_)
    ));
}

#[test]
fn seed_001_example_charges_2940_for_line_totals_of_2440() {
    let spec = load("pyng/transaction-status.yaml");
    let ok = spec
        .operation("getTransactionStatus")
        .unwrap()
        .response(200)
        .unwrap();
    let findings =
        pyng_spec::validate::validate(&spec, ok.body.as_ref().unwrap(), &ok.examples[0].value);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    let f = &findings[0];
    assert_eq!(f.rule, "amount.paid-equals-line-totals");
    assert_eq!(f.pointer, "/data/amountPaid");
    assert!(
        f.message.contains("left side is 2940, right side is 2440"),
        "{}",
        f.message
    );
    assert!(
        f.related
            .contains(&"/data/lineItems/2/amountTotal".to_owned())
    );
    assert_eq!(
        f.source.as_ref().unwrap().document,
        "001_2020593368484f7b.txt"
    );
}
