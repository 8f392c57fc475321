//! The values a streamed body keeps: small containers of borrowed keys and
//! strings while deserializing (no hashing, no copies), turned into
//! `serde_json::Value`s only for the caller or for a finding.

use std::borrow::Cow;

use serde_json::{Map, Number, Value};

use super::want::Capture;

/// A kept value. Containers kept whole are plain `Value`s; partly kept ones
/// hold only the parts asked for (few keys, so lookups are linear).
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Kept<'de> {
    Value(Value),
    Str(Cow<'de, str>),
    Arr(Vec<Kept<'de>>),
    /// Keys are unique: a repeated key replaces the value in place, as in a
    /// parsed `Value`.
    Obj(Vec<(Cow<'de, str>, Kept<'de>)>),
}

impl<'de> Kept<'de> {
    pub(super) fn into_value(self) -> Value {
        match self {
            Kept::Value(v) => v,
            Kept::Str(s) => Value::String(s.into_owned()),
            Kept::Arr(items) => Value::Array(items.into_iter().map(Kept::into_value).collect()),
            Kept::Obj(entries) => Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k.into_owned(), v.into_value()))
                    .collect(),
            ),
        }
    }
}

/// An object being kept.
pub(super) enum ObjAcc<'de> {
    Nothing,
    Whole(Map<String, Value>),
    Part(Vec<(Cow<'de, str>, Kept<'de>)>),
}

impl<'de> ObjAcc<'de> {
    pub(super) fn new(cap: &Capture<'_>) -> Self {
        match cap {
            Capture::None => ObjAcc::Nothing,
            Capture::Full => ObjAcc::Whole(Map::new()),
            Capture::Part(_) => ObjAcc::Part(Vec::with_capacity(8)), // room for the few properties a part names
        }
    }

    // A `&Cow` so that a borrowed key is kept without a copy.
    #[allow(clippy::ptr_arg)]
    pub(super) fn insert(&mut self, key: &Cow<'de, str>, v: Kept<'de>) {
        match self {
            ObjAcc::Nothing => {}
            ObjAcc::Whole(map) => {
                map.insert(key.to_string(), v.into_value());
            }
            ObjAcc::Part(entries) => match entries.iter_mut().find(|(k, _)| k == key) {
                Some(slot) => slot.1 = v,
                None => entries.push((key.clone(), v)),
            },
        }
    }

    pub(super) fn finish(self) -> Option<Kept<'de>> {
        match self {
            ObjAcc::Nothing => None,
            ObjAcc::Whole(map) => Some(Kept::Value(Value::Object(map))),
            ObjAcc::Part(entries) => Some(Kept::Obj(entries)),
        }
    }
}

/// An array being kept.
pub(super) enum ArrAcc<'de> {
    Nothing,
    Whole(Vec<Value>),
    Part(Vec<Kept<'de>>),
}

impl<'de> ArrAcc<'de> {
    pub(super) fn new(cap: &Capture<'_>) -> Self {
        match cap {
            Capture::None => ArrAcc::Nothing,
            Capture::Full => ArrAcc::Whole(Vec::new()),
            Capture::Part(_) => ArrAcc::Part(Vec::new()),
        }
    }

    /// `v` is `None` for an element nobody asked for: a placeholder keeps the
    /// indexes.
    pub(super) fn push(&mut self, v: Option<Kept<'de>>) {
        match self {
            ArrAcc::Nothing => {}
            ArrAcc::Whole(items) => items.push(v.map_or(Value::Null, Kept::into_value)),
            ArrAcc::Part(items) => items.push(v.unwrap_or(Kept::Value(Value::Null))),
        }
    }

    pub(super) fn finish(self) -> Option<Kept<'de>> {
        match self {
            ArrAcc::Nothing => None,
            ArrAcc::Whole(items) => Some(Kept::Value(Value::Array(items))),
            ArrAcc::Part(items) => Some(Kept::Arr(items)),
        }
    }
}

/// A read-only view of a kept value, whichever form it is in.
#[derive(Debug, Clone, Copy)]
pub(super) enum View<'a, 'de> {
    K(&'a Kept<'de>),
    V(&'a Value),
}

impl<'a, 'de> View<'a, 'de> {
    /// The property `key`, when this is an object; `Err` when it is not one.
    pub(super) fn get(self, key: &str) -> Result<Option<Self>, ()> {
        match self {
            View::K(Kept::Obj(entries)) => Ok(entries
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| View::K(v))),
            View::K(Kept::Value(Value::Object(map))) | View::V(Value::Object(map)) => {
                Ok(map.get(key).map(View::V))
            }
            _ => Err(()),
        }
    }

    /// The elements, when this is an array.
    pub(super) fn items(self) -> Result<Items<'a, 'de>, ()> {
        match self {
            View::K(Kept::Arr(items)) => Ok(Items::K(items.iter())),
            View::K(Kept::Value(Value::Array(items))) | View::V(Value::Array(items)) => {
                Ok(Items::V(items.iter()))
            }
            _ => Err(()),
        }
    }

    pub(super) fn is_null(self) -> bool {
        matches!(
            self,
            View::K(Kept::Value(Value::Null)) | View::V(Value::Null)
        )
    }

    pub(super) fn as_str(self) -> Option<&'a str> {
        match self {
            View::K(Kept::Str(s)) => Some(s),
            View::K(Kept::Value(Value::String(s))) | View::V(Value::String(s)) => Some(s),
            _ => None,
        }
    }

    pub(super) fn as_number(self) -> Option<&'a Number> {
        match self {
            View::K(Kept::Value(Value::Number(n))) | View::V(Value::Number(n)) => Some(n),
            _ => None,
        }
    }
}

impl<'a> View<'a, '_> {
    /// What `Value::pointer` finds at the RFC 6901 `pointer`.
    pub(super) fn pointer(self, pointer: &str) -> Option<Self> {
        if pointer.is_empty() {
            return Some(self);
        }
        let mut v = self;
        for token in pointer.strip_prefix('/')?.split('/') {
            let unescaped;
            let token = if token.contains('~') {
                unescaped = token.replace("~1", "/").replace("~0", "~");
                unescaped.as_str()
            } else {
                token
            };
            v = v.child(token)?;
        }
        Some(v)
    }

    /// The property or element an unescaped pointer token names.
    pub(super) fn child(self, token: &str) -> Option<Self> {
        match self.get(token) {
            Ok(child) => child,
            Err(()) => self.index(token),
        }
    }

    /// Element `token` (a canonical index, as RFC 6901 reads it) of an array.
    fn index(self, token: &str) -> Option<Self> {
        if token.starts_with('+') || (token.starts_with('0') && token.len() != 1) {
            return None;
        }
        let i: usize = token.parse().ok()?;
        match self {
            View::K(Kept::Arr(items)) => items.get(i).map(View::K),
            View::K(Kept::Value(Value::Array(items))) | View::V(Value::Array(items)) => {
                items.get(i).map(View::V)
            }
            _ => None,
        }
    }

    /// A string as text, anything else as a `Value`.
    pub(super) fn text(self) -> Result<&'a str, Value> {
        self.as_str().ok_or_else(|| self.to_value())
    }

    pub(super) fn to_value(self) -> Value {
        match self {
            View::K(k) => k.clone().into_value(),
            View::V(v) => v.clone(),
        }
    }
}

impl<'a, 'de> crate::expr::Instance for View<'a, 'de> {
    type Elements = Items<'a, 'de>;

    fn member(self, name: &str) -> Result<Option<Self>, ()> {
        self.get(name)
    }
    fn elements(self) -> Result<Self::Elements, ()> {
        self.items()
    }
    fn is_null(self) -> bool {
        View::is_null(self)
    }
    fn number(self) -> Option<Number> {
        self.as_number().cloned()
    }
    fn string(&self) -> Option<&str> {
        self.as_str()
    }
    fn kind(self) -> &'static str {
        match self {
            View::K(Kept::Str(_)) => "a string",
            View::K(Kept::Arr(_)) => "an array",
            View::K(Kept::Obj(_)) => "an object",
            View::K(Kept::Value(v)) | View::V(v) => crate::expr::kind(v),
        }
    }
}

/// The elements of an array, as views.
pub(super) enum Items<'a, 'de> {
    K(std::slice::Iter<'a, Kept<'de>>),
    V(std::slice::Iter<'a, Value>),
}

impl<'a, 'de> Iterator for Items<'a, 'de> {
    type Item = View<'a, 'de>;
    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Items::K(i) => i.next().map(View::K),
            Items::V(i) => i.next().map(View::V),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::{Evaluation, evaluate, parse, quiet};
    use serde_json::json;

    /// On a view, quiet exactly when the evaluation of the parsed value finds
    /// nothing to report.
    #[test]
    fn agrees_with_the_reference() {
        let exprs = [
            "a == b + c",
            "a >= b * c",
            "a == sum(xs[*], v ?? w - (sum(ds[*].n) ?? 0))",
            "a == sum(xs[*].v)",
            "-a >= 0 - 10",
            "a == 1.50 * b",
            "a != b",
        ];
        let values = [
            json!({"a": 3, "b": 1, "c": 2}),
            json!({"a": 3, "b": 1, "c": 3}),
            json!({"a": "1.50", "b": 1}),
            json!({"a": "x", "b": 1, "c": 1}),
            json!({"a": 9_223_372_036_854_775_807_i64, "b": 9_223_372_036_854_775_807_i64, "c": 1}),
            json!({"a": 5, "xs": [{"v": 2}, {"w": 4, "ds": [{"n": 1}]}, null]}),
            json!({"a": 5, "xs": [{"v": 2}, {"w": 4, "ds": [{"n": 2}]}]}),
            json!({"a": 5, "xs": {"v": 1}}),
            json!({"a": 5, "xs": [1, 2]}),
            json!({"a": null, "b": 1}),
            json!({"a": 1.5, "b": 1}),
            json!({"a": -11}),
        ];
        for e in exprs {
            let inv = parse(e).unwrap();
            for v in &values {
                let reference = matches!(
                    evaluate(&inv, v),
                    Evaluation::Holds | Evaluation::NotApplicable { .. }
                );
                assert_eq!(quiet(&inv, View::V(v)), reference, "{e} on {v}");
            }
        }
    }
}
