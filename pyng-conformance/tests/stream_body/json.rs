//! Parsing a response body into a `serde_json::Value` in one pass while noticing
//! duplicate object keys, which `Value` would silently collapse (last one wins).

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// A body that is not JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
    /// 1-based; 0 when unknown.
    pub line: usize,
    pub column: usize,
    /// The text ended early (a truncated body).
    pub eof: bool,
}

/// A parsed body and the pointers of every duplicated key (at the later
/// occurrence, whose value is the one kept).
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    pub value: Value,
    pub duplicate_keys: Vec<String>,
}

pub fn parse(bytes: &[u8]) -> Result<Parsed, SyntaxError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let mut path = Vec::new();
    let mut duplicate_keys = Vec::new();
    let seed = Node {
        path: &mut path,
        dups: &mut duplicate_keys,
    };
    let result = seed.deserialize(&mut de).and_then(|v| de.end().map(|()| v));
    match result {
        Ok(value) => Ok(Parsed {
            value,
            duplicate_keys,
        }),
        Err(e) => Err(SyntaxError {
            message: e.to_string(),
            line: e.line(),
            column: e.column(),
            eof: e.is_eof(),
        }),
    }
}

enum Seg {
    Key(String),
    Index(usize),
}

fn pointer(path: &[Seg], last: &str) -> String {
    let mut p = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => p = pyng_spec::pointer::push(&p, k),
            Seg::Index(i) => p = pyng_spec::pointer::push(&p, &i.to_string()),
        }
    }
    pyng_spec::pointer::push(&p, last)
}

/// Deserializes one JSON value; the path is only materialised when a duplicate
/// is found, so the common case costs no allocation beyond the `Value` itself.
struct Node<'a> {
    path: &'a mut Vec<Seg>,
    dups: &'a mut Vec<String>,
}

impl<'de> DeserializeSeed<'de> for Node<'_> {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        loop {
            self.path.push(Seg::Index(items.len()));
            let next = seq.next_element_seed(Node {
                path: self.path,
                dups: self.dups,
            });
            self.path.pop();
            match next? {
                Some(v) => items.push(v),
                None => return Ok(Value::Array(items)),
            }
        }
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            self.path.push(Seg::Key(key));
            let value = map.next_value_seed(Node {
                path: self.path,
                dups: self.dups,
            });
            let Some(Seg::Key(key)) = self.path.pop() else {
                return Err(serde::de::Error::custom(
                    "internal: path stack out of balance",
                ));
            };
            let value = value?;
            if out.contains_key(&key) {
                self.dups.push(pointer(self.path, &key));
            }
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_nested_duplicates_and_keeps_the_last() {
        let p = parse(br#"{"a":[{"b":1,"b":2}],"c":{"d":1},"c":{"d":3}}"#).unwrap();
        assert_eq!(p.duplicate_keys, vec!["/a/0/b", "/c"]);
        assert_eq!(p.value["a"][0]["b"], 2);
        assert_eq!(p.value["c"]["d"], 3);
    }

    #[test]
    fn reports_syntax_errors_and_truncation() {
        let e = parse(b"{\"a\":\n  tru}").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(!e.eof);
        assert!(parse(b"{\"a\": [1, 2").unwrap_err().eof);
        assert!(parse(b"{} {}").is_err());
    }
}
