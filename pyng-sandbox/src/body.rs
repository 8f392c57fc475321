//! Bodies, always from `pyng_spec::synth` so that they follow the spec: the
//! sandbox only chooses the inputs (state, seed, fixed field values, timestamps).

use std::collections::BTreeMap;

use serde_json::Value;

use pyng_spec::Severity;
use pyng_spec::ir::{Spec, Type, Unit};
use pyng_spec::synth::{self, Options};
use pyng_spec::validate;

use crate::clock::format_rfc3339_millis;
use crate::plan::{TimeField, time_fields};

/// Which instant each timestamp field shows.
#[derive(Debug, Clone)]
pub(crate) struct Times {
    pub now_ms: i64,
    /// The last state change: `x-monotonic` fields show it, so they never go back.
    pub changed_ms: i64,
    /// A `deadlineField` timeout's field and its deadline.
    pub deadline: Option<(String, i64)>,
}

fn time_value(f: &TimeField, ms: i64) -> Value {
    let scaled = match f.unit {
        Unit::UnixSeconds => ms.div_euclid(1000),
        _ => ms,
    };
    match (&f.ty, f.unit) {
        (Type::String, Unit::Rfc3339) => Value::String(format_rfc3339_millis(ms)),
        (Type::String, _) => Value::String(scaled.to_string()),
        (_, Unit::Rfc3339) => Value::from(ms),
        _ => Value::from(scaled),
    }
}

/// Timestamp values by wire name for the models reachable from `ty`.
pub(crate) fn time_values(spec: &Spec, ty: &Type, times: &Times) -> BTreeMap<String, Value> {
    time_fields(spec, ty)
        .into_iter()
        .map(|f| {
            let ms = match &times.deadline {
                Some((name, at)) if *name == f.name => *at,
                _ if f.monotonic => times.changed_ms,
                _ => times.now_ms,
            };
            (f.name.clone(), time_value(&f, ms))
        })
        .collect()
}

/// A body of `ty` with the enum `states`, optional fields included, `fields` fixed.
pub(crate) fn synthesise(
    spec: &Spec,
    ty: &Type,
    seed: u64,
    states: BTreeMap<String, String>,
    fields: BTreeMap<String, Value>,
) -> Value {
    let options = Options {
        seed,
        states,
        fields,
        optional: true,
    };
    synth::body(spec, ty, &options)
}

/// An error body of `ty` whose message-like string fields (names containing
/// `message` or `description`) carry `message`.
pub(crate) fn error_body(spec: &Spec, ty: &Type, seed: u64, message: &str, now_ms: i64) -> Value {
    let times = Times {
        now_ms,
        changed_ms: now_ms,
        deadline: None,
    };
    let mut body = synthesise(
        spec,
        ty,
        seed,
        BTreeMap::new(),
        time_values(spec, ty, &times),
    );
    set_messages(&mut body, message);
    // Synthesis may give a list of errors several entries, which now all say
    // the same: say it once, unless the schema wants more (`minItems`).
    let mut once = body.clone();
    dedup_items(&mut once);
    let valid = |b: &Value| {
        validate::validate(spec, ty, b)
            .iter()
            .all(|f| f.severity != Severity::Error)
    };
    if once != body && valid(&once) {
        return once;
    }
    body
}

/// Array items equal to an earlier item of the same array, removed (at every depth).
fn dedup_items(v: &mut Value) {
    match v {
        Value::Object(map) => map.values_mut().for_each(dedup_items),
        Value::Array(items) => {
            items.iter_mut().for_each(dedup_items);
            let mut kept: Vec<Value> = Vec::with_capacity(items.len());
            for item in items.drain(..) {
                if !kept.contains(&item) {
                    kept.push(item);
                }
            }
            *items = kept;
        }
        _ => {}
    }
}

fn set_messages(v: &mut Value, message: &str) {
    match v {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                let k = k.to_ascii_lowercase();
                if v.is_string() && (k.contains("message") || k.contains("description")) {
                    *v = Value::String(message.to_owned());
                } else {
                    set_messages(v, message);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| set_messages(i, message)),
        _ => {}
    }
}

/// The first value found for each of `names`, anywhere in `v`.
pub(crate) fn collect_values(
    v: &Value,
    names: &std::collections::BTreeSet<String>,
    out: &mut BTreeMap<String, Value>,
) {
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                if names.contains(k) && !out.contains_key(k) {
                    out.insert(k.clone(), v.clone());
                }
                collect_values(v, names, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|i| collect_values(i, names, out)),
        _ => {}
    }
}

/// FNV-1a: a stable seed from strings (std's hasher is randomly keyed).
pub(crate) fn seed_of<'a>(parts: impl IntoIterator<Item = &'a str>) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain([0xff]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}
