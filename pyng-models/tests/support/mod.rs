//! Shared by the pyng-models tests: the specs (loaded with pyng-spec), a table
//! from (spec, schema) to the generated type, and proptest strategies that build
//! JSON bodies shaped like a spec's schemas.

#![allow(dead_code)] // each test file uses part of this module

pub mod bodies;

use std::path::PathBuf;

use pyng_models::pyng_transaction_status as tx;
use pyng_models::{peach_checkout_status as peach, pyng_checkout_session_status as session};
use pyng_spec::ir::{Spec, TypeDef};
use serde_json::Value;

/// The spec files, relative to `specs/`, with the module generated from each.
pub const SPECS: &[&str] = &[
    "peach/checkout-status.yaml",
    "pyng/checkout-session-status.yaml",
    "pyng/transaction-status.yaml",
];

pub fn load(rel: &str) -> Spec {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../specs")
        .join(rel);
    match pyng_spec::load_file(&path) {
        Ok(l) => l.spec,
        Err(d) => panic!("{rel} does not load:\n{d}"),
    }
}

/// What a generated type does with a body: the re-serialized value and the
/// `(rule, pointer, message)` its `check()` reports.
pub struct Outcome {
    pub reserialized: Value,
    pub violations: Vec<(String, String, String)>,
}

pub type Run = fn(&Value) -> Result<Outcome, String>;

fn run<T>(v: &Value) -> Result<Outcome, String>
where
    T: serde::de::DeserializeOwned + serde::Serialize + Check,
{
    let model: T = serde_json::from_value(v.clone()).map_err(|e| e.to_string())?;
    let reserialized = serde_json::to_value(&model).map_err(|e| e.to_string())?;
    Ok(Outcome {
        reserialized,
        violations: model.violations(),
    })
}

/// The generated `check()`s have no common trait (generated code is
/// self-contained); this one adapts them for the table.
pub trait Check {
    fn violations(&self) -> Vec<(String, String, String)>;
}

macro_rules! checks {
    ($($t:ty),* $(,)?) => {$(
        impl Check for $t {
            fn violations(&self) -> Vec<(String, String, String)> {
                self.check()
                    .into_iter()
                    .map(|v| (v.rule.to_owned(), v.pointer, v.message))
                    .collect()
            }
        }
    )*};
}

checks!(
    tx::AddOns,
    tx::Discount,
    tx::ErrorMessage,
    tx::ErrorResponse,
    tx::LineItem,
    tx::TransactionStatusEnvelope,
    tx::TransactionStatusResponse,
    tx::CreatePaymentIntentRequest,
    tx::OAuthError,
    tx::PaymentIntent,
    tx::PaymentIntentEnvelope,
    tx::TokenRequest,
    tx::TokenResponse,
    session::CreateCheckoutSessionRequest,
    session::CheckoutSessionCreated,
    session::CheckoutSessionCreatedEnvelope,
    session::CheckoutSessionStatusEnvelope,
    session::CheckoutSessionStatusResponse,
    session::ErrorMessage,
    session::ErrorResponse,
    peach::CheckoutStatusError,
    peach::CheckoutStatusResponse,
    peach::RedirectPostData,
);

/// Every object schema of every spec, with its generated type.
pub fn generated_type(spec: &str, schema: &str) -> Option<Run> {
    Some(match (spec, schema) {
        ("pyng/transaction-status.yaml", "AddOns") => run::<tx::AddOns>,
        ("pyng/transaction-status.yaml", "Discount") => run::<tx::Discount>,
        ("pyng/transaction-status.yaml", "ErrorMessage") => run::<tx::ErrorMessage>,
        ("pyng/transaction-status.yaml", "ErrorResponse") => run::<tx::ErrorResponse>,
        ("pyng/transaction-status.yaml", "LineItem") => run::<tx::LineItem>,
        ("pyng/transaction-status.yaml", "TransactionStatusEnvelope") => {
            run::<tx::TransactionStatusEnvelope>
        }
        ("pyng/transaction-status.yaml", "TransactionStatusResponse") => {
            run::<tx::TransactionStatusResponse>
        }
        ("pyng/checkout-session-status.yaml", "CheckoutSessionStatusEnvelope") => {
            run::<session::CheckoutSessionStatusEnvelope>
        }
        ("pyng/checkout-session-status.yaml", "CheckoutSessionStatusResponse") => {
            run::<session::CheckoutSessionStatusResponse>
        }
        ("pyng/checkout-session-status.yaml", "ErrorMessage") => run::<session::ErrorMessage>,
        ("pyng/checkout-session-status.yaml", "ErrorResponse") => run::<session::ErrorResponse>,
        ("pyng/transaction-status.yaml", "CreatePaymentIntentRequest") => {
            run::<tx::CreatePaymentIntentRequest>
        }
        ("pyng/transaction-status.yaml", "OAuthError") => run::<tx::OAuthError>,
        ("pyng/transaction-status.yaml", "PaymentIntent") => run::<tx::PaymentIntent>,
        ("pyng/transaction-status.yaml", "PaymentIntentEnvelope") => {
            run::<tx::PaymentIntentEnvelope>
        }
        ("pyng/transaction-status.yaml", "TokenRequest") => run::<tx::TokenRequest>,
        ("pyng/transaction-status.yaml", "TokenResponse") => run::<tx::TokenResponse>,
        ("pyng/checkout-session-status.yaml", "CreateCheckoutSessionRequest") => {
            run::<session::CreateCheckoutSessionRequest>
        }
        ("pyng/checkout-session-status.yaml", "CheckoutSessionCreated") => {
            run::<session::CheckoutSessionCreated>
        }
        ("pyng/checkout-session-status.yaml", "CheckoutSessionCreatedEnvelope") => {
            run::<session::CheckoutSessionCreatedEnvelope>
        }
        ("peach/checkout-status.yaml", "CheckoutStatusError") => run::<peach::CheckoutStatusError>,
        ("peach/checkout-status.yaml", "CheckoutStatusResponse") => {
            run::<peach::CheckoutStatusResponse>
        }
        ("peach/checkout-status.yaml", "RedirectPostData") => run::<peach::RedirectPostData>,
        _ => return None,
    })
}

/// The object schemas of a spec, by name.
pub fn models(spec: &Spec) -> Vec<String> {
    spec.types
        .iter()
        .filter(|(_, t)| matches!(t, TypeDef::Model(_)))
        .map(|(n, _)| n.clone())
        .collect()
}

/// Drops object members whose value is null: an optional field sent as null
/// reads as `None` and is then omitted, which is the documented round trip.
pub fn without_nulls(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}
