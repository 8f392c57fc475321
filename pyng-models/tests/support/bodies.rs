//! proptest strategies for JSON bodies shaped like a spec's schemas: random,
//! tiny (so rules often hold), and i64-edge integers (so checked arithmetic
//! overflows), absent and null optional fields, and undocumented enum values.
//! Depends only on proptest, pyng-spec and serde_json, so pyng-derive's tests
//! include it too (`#[path]`).

use proptest::prelude::*;
use pyng_spec::ir::{Spec, Type, TypeDef};
use serde_json::{Map, Value};

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
            // Array items with constraints: their type, and `null` when nullable.
            Some(TypeDef::Constrained(c)) if c.field.nullable => prop_oneof![
                1 => Just(Value::Null),
                4 => body(spec, &c.field.ty, depth),
            ]
            .boxed(),
            Some(TypeDef::Constrained(c)) => body(spec, &c.field.ty, depth),
            Some(TypeDef::Enum(e)) => {
                let known = proptest::sample::select(e.values.clone()).prop_map(Value::from);
                // Undocumented values must deserialize too (forward compatibility).
                let unknown = "[A-Za-z]{1,10}".prop_map(Value::from);
                prop_oneof![4 => known, 1 => unknown].boxed()
            }
            Some(TypeDef::Model(m)) => {
                let mut object = Just(Map::new()).boxed();
                for f in &m.fields {
                    let required = f.required && !f.nullable;
                    // Past the depth limit only required fields are generated, so
                    // recursive schemas stay finite and valid.
                    if !required && depth >= 6 {
                        continue;
                    }
                    let value = body(spec, &f.ty, depth + 1);
                    let member: BoxedStrategy<Option<Value>> = if required {
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
            None => Just(Value::Null).boxed(),
        },
    }
}
