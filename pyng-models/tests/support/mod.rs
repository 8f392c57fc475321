//! Shared by the pyng-models tests: the specs (loaded with pyng-spec), a table
//! from (spec, schema) to the generated type, and proptest strategies that build
//! JSON bodies shaped like a spec's schemas.

#![allow(dead_code)] // each test file uses part of this module

use std::path::PathBuf;

use proptest::prelude::*;
use pyng_models::pyng_transaction_status as tx;
use pyng_models::{peach_checkout_status as peach, pyng_checkout_session_status as session};
use pyng_spec::ir::{Spec, Type, TypeDef};
use serde_json::{Map, Value};

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
/// `(rule, pointer)` pairs its `check()` reports.
pub struct Outcome {
    pub reserialized: Value,
    pub violations: Vec<(String, String)>,
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
    fn violations(&self) -> Vec<(String, String)>;
}

macro_rules! checks {
    ($($t:ty),* $(,)?) => {$(
        impl Check for $t {
            fn violations(&self) -> Vec<(String, String)> {
                self.check().into_iter().map(|v| (v.rule.to_owned(), v.pointer)).collect()
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

/// Integers that hit every path: tiny ones (so sums often match and rules
/// hold), ordinary amounts, and values at the edges of i64 (so checked
/// arithmetic overflows).
fn integer() -> BoxedStrategy<Value> {
    prop_oneof![
        3 => 0i64..3,
        3 => -100i64..5000,
        1 => Just(i64::MAX),
        1 => Just(i64::MIN),
        1 => (i64::MAX - 2)..=i64::MAX,
        1 => Just(i64::MAX / 2 + 1),
        1 => any::<i64>(),
    ]
    .prop_map(Value::from)
    .boxed()
}

/// A JSON value shaped like `ty` in `spec`.
pub fn body(spec: &Spec, ty: &Type, depth: u32) -> BoxedStrategy<Value> {
    match ty {
        Type::String => "[a-zA-Z0-9 .-]{0,8}".prop_map(Value::from).boxed(),
        Type::Integer => integer(),
        Type::Number => (-1.0e6f64..1.0e6).prop_map(Value::from).boxed(),
        Type::Boolean => any::<bool>().prop_map(Value::from).boxed(),
        Type::Any => Just(Value::Null).boxed(),
        Type::Array(inner) if depth < 6 => {
            proptest::collection::vec(body(spec, inner, depth + 1), 0..4)
                .prop_map(Value::Array)
                .boxed()
        }
        Type::Array(_) => Just(Value::Array(Vec::new())).boxed(),
        Type::Named(name) => match spec.types.get(name) {
            Some(TypeDef::Enum(e)) => {
                let known = proptest::sample::select(e.values.clone()).prop_map(Value::from);
                // Undocumented values must deserialize too (forward compatibility).
                let unknown = "[A-Za-z]{1,10}".prop_map(Value::from);
                prop_oneof![4 => known, 1 => unknown].boxed()
            }
            Some(TypeDef::Model(m)) if depth < 6 => {
                let mut object = Just(Map::new()).boxed();
                for f in &m.fields {
                    let value = body(spec, &f.ty, depth + 1);
                    let member: BoxedStrategy<Option<Value>> = if f.required && !f.nullable {
                        value.prop_map(Some).boxed()
                    } else {
                        prop_oneof![
                            3 => Just(None),
                            1 => Just(Some(Value::Null)),
                            5 => value.prop_map(Some),
                        ]
                        .boxed()
                    };
                    let wire = f.wire_name.clone();
                    object = (object, member)
                        .prop_map(move |(mut map, v)| {
                            if let Some(v) = v {
                                map.insert(wire.clone(), v);
                            }
                            map
                        })
                        .boxed();
                }
                object.prop_map(Value::Object).boxed()
            }
            _ => Just(Value::Object(Map::new())).boxed(),
        },
    }
}
