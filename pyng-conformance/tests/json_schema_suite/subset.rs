//! A group's draft-4 schema -> an OpenAPI 3.0.3 spec, or the reason it is
//! outside the 3.0.3 subset (then its cases are skipped, never passed).
//!
//! The schema becomes the `application/json` body of the 200 response of one
//! GET operation (`getBody`); root `definitions` become `components/schemas`
//! and `$ref`s are rewritten to point there. A `$ref` into the root itself
//! (`#`, `#/properties/foo`) needs the root to have a name, so such a root is
//! the component `Body` and the response refers to it.

use super::json::Json;

/// The operation every generated spec has.
pub const OPERATION_ID: &str = "getBody";
const PATH: &str = "/body";

/// Schema Object fields whose values are not schemas (OpenAPI 3.0.3 §4.7.24);
/// they pass through unchanged. The schema-valued ones are walked below.
const PLAIN_FIELDS: &[&str] = &[
    "title",
    "multipleOf",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "maxProperties",
    "minProperties",
    "required",
    "enum",
    "description",
    "format",
    "nullable",
    "discriminator",
    "readOnly",
    "writeOnly",
    "xml",
    "externalDocs",
    "example",
    "deprecated",
];

const TYPES: &[&str] = &["string", "number", "integer", "boolean", "array", "object"];

/// The spec text (JSON, which is YAML) for a group's schema, or why the
/// schema is outside OpenAPI 3.0.3.
pub fn spec_for(title: &str, description: &str, schema: &Json) -> Result<String, String> {
    let Json::Object(members) = schema else {
        return Err("a boolean schema".into());
    };
    let definitions: Vec<(String, Json)> = match schema.get("definitions") {
        None => Vec::new(),
        Some(Json::Object(defs)) => defs.clone(),
        Some(_) => return Err("`definitions` is not an object".into()),
    };
    for (name, _) in &definitions {
        if !is_component_name(name) {
            return Err(format!(
                "definition name {} is not a valid component name (`^[a-zA-Z0-9.\\-_]+$`)",
                super::json::quote(name)
            ));
        }
    }
    let mut body_name = "Body".to_owned();
    while definitions.iter().any(|(n, _)| *n == body_name) {
        body_name.push('_');
    }
    let mut walk = Walk {
        body_name: &body_name,
        refers_to_root: false,
    };
    let root = Json::Object(
        members
            .iter()
            .filter(|(k, _)| k != "definitions")
            .cloned()
            .collect(),
    );
    let root = walk.schema(&root)?;
    let mut components = Vec::new();
    for (name, def) in &definitions {
        components.push((name.clone(), walk.schema(def)?));
    }
    let body = if walk.refers_to_root {
        components.insert(0, (body_name.clone(), root));
        object([("$ref", string(&format!("#/components/schemas/{body_name}")))])
    } else {
        root
    };
    let response = object([
        ("description", string(description)),
        (
            "content",
            object([("application/json", object([("schema", body)]))]),
        ),
    ]);
    let get = object([
        ("operationId", string(OPERATION_ID)),
        ("responses", object([("200", response)])),
    ]);
    let mut spec = vec![
        ("openapi".to_owned(), string("3.0.3")),
        (
            "info".to_owned(),
            object([("title", string(title)), ("version", string("1.0.0"))]),
        ),
        ("paths".to_owned(), object([(PATH, object([("get", get)]))])),
    ];
    if !components.is_empty() {
        spec.push((
            "components".to_owned(),
            object([("schemas", Json::Object(components))]),
        ));
    }
    Ok(Json::Object(spec).pretty())
}

struct Walk<'a> {
    body_name: &'a str,
    /// Some `$ref` points into the root schema.
    refers_to_root: bool,
}

impl Walk<'_> {
    /// The schema with its `$ref`s rewritten, or why it is outside 3.0.3.
    fn schema(&mut self, schema: &Json) -> Result<Json, String> {
        let Json::Object(members) = schema else {
            return Err("a boolean schema".into());
        };
        let mut out = Vec::with_capacity(members.len());
        for (key, value) in members {
            let rewritten = match key.as_str() {
                "$ref" => match value {
                    Json::String(target) => Json::String(self.reference(target)?),
                    _ => return Err("`$ref` is not a string".into()),
                },
                "type" => match value {
                    Json::String(t) if t == "null" => {
                        return Err("`type: null` (3.0.3 has `nullable` instead)".into());
                    }
                    Json::String(t) if TYPES.contains(&t.as_str()) => value.clone(),
                    Json::Array(_) => return Err("`type` as an array of types".into()),
                    _ => return Err("`type` is not one of the 3.0.3 types".into()),
                },
                "properties" => match value {
                    Json::Object(props) => Json::Object(
                        props
                            .iter()
                            .map(|(name, s)| Ok((name.clone(), self.schema(s)?)))
                            .collect::<Result<_, String>>()?,
                    ),
                    _ => return Err("`properties` is not an object".into()),
                },
                "items" => match value {
                    Json::Array(_) => return Err("tuple `items` (an array of schemas)".into()),
                    _ => self.schema(value)?,
                },
                "additionalProperties" => match value {
                    Json::Bool(_) => value.clone(),
                    _ => self.schema(value)?,
                },
                "allOf" | "anyOf" | "oneOf" => match value {
                    Json::Array(schemas) => Json::Array(
                        schemas
                            .iter()
                            .map(|s| self.schema(s))
                            .collect::<Result<_, String>>()?,
                    ),
                    _ => return Err(format!("`{key}` is not a list")),
                },
                "not" => self.schema(value)?,
                // One that breaks its schema is `lint.default-violation`, a
                // warning: the values are checked, never the default.
                "default" => value.clone(),
                "definitions" => return Err("`definitions` below the root schema".into()),
                k if PLAIN_FIELDS.contains(&k) || k.starts_with("x-") => value.clone(),
                k => return Err(format!("`{k}` is not an OpenAPI 3.0.3 keyword")),
            };
            out.push((key.clone(), rewritten));
        }
        Ok(Json::Object(out))
    }

    fn reference(&mut self, target: &str) -> Result<String, String> {
        if let Some(rest) = target.strip_prefix("#/definitions/") {
            // The name was checked to be a component name, which needs no escapes.
            return Ok(format!("#/components/schemas/{rest}"));
        }
        if target == "#" || target.starts_with("#/") {
            self.refers_to_root = true;
            let rest = target.trim_start_matches('#');
            return Ok(format!("#/components/schemas/{}{rest}", self.body_name));
        }
        if target.starts_with('#') {
            return Err(format!(
                "`$ref: {target}`, a location-independent identifier (needs `id`)"
            ));
        }
        Err(format!("remote `$ref: {target}`"))
    }
}

/// OpenAPI 3.0.3 §4.7.24: a component name matches `^[a-zA-Z0-9.\-_]+$`.
fn is_component_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

fn string(s: &str) -> Json {
    Json::String(s.to_owned())
}

fn object<const N: usize>(members: [(&str, Json); N]) -> Json {
    Json::Object(
        members
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(schema: &str) -> Result<Json, String> {
        let text = spec_for("t", "d", &Json::parse(schema).unwrap())?;
        Ok(Json::parse(&text).unwrap())
    }

    fn body(spec: &Json) -> &Json {
        let op = spec
            .get("paths")
            .and_then(|p| p.get(PATH))
            .and_then(|p| p.get("get"));
        let response = op
            .and_then(|o| o.get("responses"))
            .and_then(|r| r.get("200"));
        let media = response.and_then(|r| r.get("content"));
        let schema = media
            .and_then(|m| m.get("application/json"))
            .and_then(|m| m.get("schema"));
        schema.unwrap()
    }

    fn components(spec: &Json) -> &Json {
        spec.get("components")
            .and_then(|c| c.get("schemas"))
            .unwrap()
    }

    #[test]
    fn definitions_become_components_and_refs_follow_them() {
        let s = spec(
            r##"{"definitions": {"a": {"type": "integer"}, "b": {"$ref": "#/definitions/a"}},
                         "allOf": [{"$ref": "#/definitions/b"}]}"##,
        )
        .unwrap();
        assert_eq!(
            body(&s).compact(),
            r##"{"allOf":[{"$ref":"#/components/schemas/b"}]}"##
        );
        assert_eq!(
            components(&s).compact(),
            r##"{"a":{"type":"integer"},"b":{"$ref":"#/components/schemas/a"}}"##
        );
    }

    #[test]
    fn a_ref_into_the_root_names_the_root() {
        let s = spec(
            r##"{"properties": {"foo": {"$ref": "#"}, "bar": {"$ref": "#/properties/foo"}}}"##,
        )
        .unwrap();
        assert_eq!(
            body(&s).compact(),
            r##"{"$ref":"#/components/schemas/Body"}"##
        );
        assert_eq!(
            components(&s).compact(),
            r##"{"Body":{"properties":{"foo":{"$ref":"#/components/schemas/Body"},"bar":{"$ref":"#/components/schemas/Body/properties/foo"}}}}"##
        );
    }

    #[test]
    fn values_that_look_like_refs_are_left_alone() {
        // `enum` values and property names are data, not schemas.
        let s = spec(
            r##"{"definitions": {"s": {"type": "string"}},
                          "properties": {"$ref": {"type": "string"}},
                          "enum": [{"$ref": "#/definitions/s"}]}"##,
        )
        .unwrap();
        assert_eq!(
            body(&s).compact(),
            r##"{"properties":{"$ref":{"type":"string"}},"enum":[{"$ref":"#/definitions/s"}]}"##
        );
    }

    #[test]
    fn what_3_0_3_lacks_is_outside_the_subset() {
        for (schema, reason) in [
            (r#"{"type": ["integer", "string"]}"#, "`type` as an array"),
            (r#"{"type": "null"}"#, "`type: null`"),
            (r#"{"items": [{}]}"#, "tuple `items`"),
            (r#"{"patternProperties": {}}"#, "`patternProperties` is not"),
            (r#"{"not": {"id": "x"}}"#, "`id` is not"),
            (r#"{"$ref": "http://x/y"}"#, "remote `$ref"),
            (r##"{"$ref": "#foo"}"##, "location-independent"),
            (
                r#"{"definitions": {"a/b": {}}}"#,
                "not a valid component name",
            ),
            (
                r#"{"properties": {"x": {"definitions": {}}}}"#,
                "below the root",
            ),
        ] {
            let why = spec(schema).unwrap_err();
            assert!(why.contains(reason), "{schema}: {why}");
        }
        // A `default` breaking its schema is the lint's warning, not a skip.
        assert!(spec(r#"{"type": "integer", "default": []}"#).is_ok());
    }
}
