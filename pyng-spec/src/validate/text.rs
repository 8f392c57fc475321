//! Values that arrive as text: form fields (`application/x-www-form-urlencoded`
//! bodies) and header values. Each is read as the JSON value its schema's
//! type asks for, then checked by the same rules as a JSON body
//! (specs/README.md § Request bodies):
//!
//! - `integer`, `number`: the text as a JSON number when it is one (`12`,
//!   `-3`, `1.5`), exactly as written; otherwise it stays a string, and
//!   `schema.type` reports it;
//! - `boolean`: `true` and `false`; any other text stays a string;
//! - `string`, a string enum, any value: the text itself;
//! - an array property: every value of its repeated key, each read as the
//!   item type (one value makes a one-item array);
//! - an object property: the text, a string (`schema.type` reports it: a
//!   form has no nested objects);
//! - a key sent more than once for a property that is not an array: the
//!   values as an array of strings, which `schema.type` reports.
//!
//! Query and path parameters are read the same way ([`from_texts`]).

use serde_json::{Map, Value};

use crate::ir::{Spec, Type, TypeDef};

/// The JSON value a text of type `ty` stands for.
pub fn from_text(ty: &Type, text: &str) -> Value {
    let as_string = || Value::String(text.to_owned());
    match ty {
        Type::Integer | Type::Number => match serde_json::from_str::<serde_json::Number>(text) {
            Ok(n) if text.trim() == text => Value::Number(n),
            _ => as_string(),
        },
        Type::Boolean => match text {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => as_string(),
        },
        Type::Array(item) => Value::Array(vec![from_text(item, text)]),
        Type::String | Type::Any | Type::Named(_) => as_string(),
    }
}

/// The object a decoded form stands for, read against the model `ty` names
/// (keys it does not list stay strings, for `schema.undocumented-property`).
pub fn from_form(spec: &Spec, ty: &Type, pairs: &[(&str, &str)]) -> Value {
    let model = match ty {
        Type::Named(name) => match spec.types.get(name) {
            Some(TypeDef::Model(m)) => Some(m),
            _ => None,
        },
        _ => None,
    };
    let mut grouped: Vec<(&str, Vec<&str>)> = Vec::new();
    for (key, value) in pairs {
        match grouped.iter_mut().find(|(k, _)| k == key) {
            Some((_, values)) => values.push(value),
            None => grouped.push((key, vec![value])),
        }
    }
    let mut object = Map::new();
    for (key, values) in grouped {
        let field_ty = model.and_then(|m| m.field(key)).map(|f| &f.ty);
        // Constrained array items are read as the type they constrain.
        let field_ty = field_ty.map(|t| spec.shape(t));
        let value = match &field_ty {
            Some(t) => from_texts(t, &values),
            None => from_texts(&Type::String, &values),
        };
        object.insert(key.to_owned(), value);
    }
    Value::Object(object)
}

/// The items of one text in OpenAPI's `simple` style (a header's, a path
/// parameter's): an array's items are comma-separated (`1,2,3`, the list
/// syntax of RFC 9110 § 5.6.1, spaces around an item ignored), whatever
/// `explode` says; any other type is the one text.
pub fn simple_items<'t>(ty: &Type, text: &'t str) -> Vec<&'t str> {
    match ty {
        Type::Array(_) => text
            .split(',')
            .map(|item| item.trim_matches([' ', '\t']))
            .collect(),
        _ => vec![text],
    }
}

/// The JSON value the values of one repeated key (a form field, a query
/// parameter) stand for, of type `ty`: an array's items each read as the
/// item type; one value of another type as [`from_text`] reads it; several
/// values of a type that is not an array, an array of strings (which
/// `schema.type` reports).
pub fn from_texts(ty: &Type, texts: &[&str]) -> Value {
    match (ty, texts) {
        (Type::Array(item), _) => Value::Array(texts.iter().map(|v| from_text(item, v)).collect()),
        (t, [one]) => from_text(t, one),
        (_, many) => Value::Array(
            many.iter()
                .map(|v| Value::String((*v).to_owned()))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec() -> Spec {
        let yaml = r#"
openapi: 3.0.3
info: {title: T, version: "1"}
paths: {}
components:
  schemas:
    Form:
      type: object
      properties:
        n: {type: integer}
        x: {type: number}
        b: {type: boolean}
        s: {type: string}
        tags: {type: array, items: {type: integer}}
"#;
        crate::load_str("t.yaml", yaml).unwrap().spec
    }

    #[test]
    fn form_fields_are_read_as_their_property_types() {
        let spec = spec();
        let ty = Type::Named("Form".into());
        let got = from_form(
            &spec,
            &ty,
            &[
                ("n", "12"),
                ("x", "1.50"),
                ("b", "true"),
                ("s", "12"),
                ("tags", "1"),
                ("tags", "two"),
                ("other", "7"),
            ],
        );
        assert_eq!(
            got,
            json!({"n": 12, "x": 1.50, "b": true, "s": "12", "tags": [1, "two"], "other": "7"})
        );
        // Text that is not of the type stays text, for `schema.type`.
        let got = from_form(
            &spec,
            &ty,
            &[("n", " 1"), ("b", "yes"), ("s", "a"), ("s", "b")],
        );
        assert_eq!(got, json!({"n": " 1", "b": "yes", "s": ["a", "b"]}));
        assert_eq!(
            from_text(&Type::Integer, "9223372036854775808"),
            json!(9223372036854775808u64)
        );
    }
}
