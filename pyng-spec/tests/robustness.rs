//! No input makes the loader or the validator panic.

use proptest::prelude::*;
use serde_json::Value;

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        "[a-zA-Z0-9 .:-]{0,12}".prop_map(Value::String),
        prop_oneof![
            Just("Pending"),
            Just("Settled"),
            Just("InProgress"),
            Just("Expired")
        ]
        .prop_map(|s| Value::String(s.into())),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        let keys = prop_oneof![
            Just("data".to_owned()),
            Just("lineItems".to_owned()),
            Just("amountPaid".to_owned()),
            Just("amountTotal".to_owned()),
            Just("amountSubtotal".to_owned()),
            Just("quantity".to_owned()),
            Just("amountPerUnit".to_owned()),
            Just("discounts".to_owned()),
            Just("amount".to_owned()),
            Just("transactionStatus".to_owned()),
            Just("transactionId".to_owned()),
            "[a-z]{1,6}",
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(keys, inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

const SPEC: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../specs/pyng/transaction-status.yaml"
);

proptest! {
    #[test]
    fn validator_never_panics(body in arb_json()) {
        let spec = pyng_spec::load_file(SPEC).unwrap().spec;
        let op = spec.operation("getTransactionStatus").unwrap();
        for r in &op.responses {
            let _ = pyng_spec::validate::validate(&spec, r.body.as_ref().unwrap(), &body);
        }
    }

    #[test]
    fn loader_never_panics_on_arbitrary_text(text in "\\PC{0,200}") {
        let _ = pyng_spec::load_str("arbitrary.yaml", &text);
    }

    #[test]
    fn loader_never_panics_on_truncated_specs(cut in 0usize..SPEC.len()) {
        let mut end = cut;
        while !SPEC.is_char_boundary(end) { end -= 1; }
        let _ = pyng_spec::load_str("truncated.yaml", &SPEC[..end]);
    }
}
