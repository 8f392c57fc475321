//! JSON equality for `uniqueItems`: numbers equal as exact decimals (`1`
//! equals `1.0` and `1e0`), objects equal whatever their key order, strings
//! by their code points.
//!
//! The items are compared through a canonical text of each (numbers as their
//! exact decimal, keys sorted), so an array of `n` items costs `n` texts and
//! one hash set, not `n²` comparisons. Needs `serde_json` and the sibling
//! module `decimal`: the codegen core copies this file, beside `decimal`, into
//! generated modules with a `uniqueItems` array.

use std::collections::HashMap;
use std::fmt::Write;

use serde_json::Value;

use super::decimal::Decimal;

/// The canonical text of `value`: equal for JSON-equal values only.
pub fn canonical(value: &Value) -> String {
    let mut out = String::new();
    write_canonical(value, &mut out);
    out
}

fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push('n'),
        Value::Bool(b) => out.push(if *b { 't' } else { 'f' }),
        Value::Number(n) => {
            let exact = n
                .as_i64()
                .map(|i| Decimal::from_i128(i128::from(i)))
                .or_else(|| n.as_u64().map(|u| Decimal::from_i128(i128::from(u))))
                .or_else(|| n.as_f64().and_then(Decimal::from_f64));
            match exact {
                Some(d) => {
                    let _ = write!(out, "#{d};");
                }
                // Not reachable for parsed JSON (every number is finite).
                None => {
                    let _ = write!(out, "#{n};");
                }
            }
        }
        Value::String(s) => {
            // Length-prefixed, so no string can imitate a following item.
            let _ = write!(out, "s{}:{s}", s.len());
        }
        Value::Array(items) => {
            let _ = write!(out, "[{}:", items.len());
            for item in items {
                write_canonical(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            let _ = write!(out, "{{{}:", entries.len());
            for (key, value) in entries {
                let _ = write!(out, "{}:{key}", key.len());
                write_canonical(value, out);
            }
            out.push('}');
        }
    }
}

/// The first item (by index) equal to an earlier one, with that earlier
/// one's index: `(first, second)`.
pub fn first_duplicate<'a>(items: impl IntoIterator<Item = &'a Value>) -> Option<(usize, usize)> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, item) in items.into_iter().enumerate() {
        if let Some(first) = seen.insert(canonical(item), i) {
            return Some((first, i));
        }
    }
    None
}
