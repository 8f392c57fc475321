//! The fixed fields of the OpenAPI objects other than schemas, checked against
//! the one table of what the kit does with each
//! ([`crate::openapi_fields::FIELDS`]): a refused field with a value that
//! changes something is `lint.unsupported`, a field OpenAPI does not define is
//! `lint.openapi-structure` (the OpenAPI model drops both without a trace).

use serde_json::Value;

use super::placement::ObjectAt;
use crate::diag::Problem;
use crate::openapi_fields::{Inert, Object, Support, field, fields_of};
use crate::pointer::{push, within};
use crate::registry::RuleId;
use crate::suggest;

const SEE: &str = "specs/README.md § Other OpenAPI 3.0.3 objects";

/// Checks every object; returns whether one was refused or malformed (what
/// the loader made of it is incomplete).
pub(super) fn check(objects: &[ObjectAt<'_>], problems: &mut Vec<Problem>) -> bool {
    let before = problems.len();
    // Nothing inside a refused field is read: the walk meets an object
    // before the objects inside it.
    let mut refused: Vec<String> = Vec::new();
    for o in objects {
        if refused.iter().any(|r| within(&o.pointer, r)) {
            continue;
        }
        // A Reference Object stands in this object's place: its siblings are
        // not read (OAS 3.0.3 § Reference Object). A path item's `$ref` is a
        // field of its own.
        if o.object != Object::PathItem && o.members.contains_key("$ref") {
            continue;
        }
        for (key, value) in o.members {
            if key.starts_with("x-") {
                continue;
            }
            let at = push(&o.pointer, key);
            match field(o.object, key) {
                None => unknown(o.object, key, &at, problems),
                Some(f) => match f.support {
                    Support::Read | Support::Annotation => {
                        if o.object == Object::Parameter && key == "in" && value == "cookie" {
                            problems.push(Problem::new(
                                &at,
                                RuleId::LintUnsupported,
                                "cookie parameters are not supported: the kit does not read cookies, so it could not check one".to_owned(),
                            ));
                        }
                    }
                    Support::Refused(inert) => {
                        if !is_inert(inert, value, o) {
                            refused.push(at.clone());
                            problems.push(
                                Problem::new(
                                    &at,
                                    RuleId::LintUnsupported,
                                    format!(
                                        "`{key}` is not supported in the {}: {}",
                                        o.object.title(),
                                        f.note
                                    ),
                                )
                                .at_key()
                                .with_help(Some(format!("{}; {SEE}", inert_help(inert, o)))),
                            );
                        }
                    }
                    // The loader reports it, where it skips what holds it.
                    Support::RefusedByLoader(_) => {}
                },
            }
        }
    }
    problems.len() > before
}

fn unknown(object: Object, key: &str, at: &str, problems: &mut Vec<Problem>) {
    let meant = suggest::closest(key, fields_of(object).map(|f| f.name));
    let help = meant.map(|m| format!("did you mean `{m}`?"));
    problems.push(
        Problem::new(
            at,
            RuleId::LintOpenapiStructure,
            format!(
                "`{key}` is not a field of the {} (OpenAPI 3.0.3): it would be ignored; an extension of your own starts with `x-`",
                object.title()
            ),
        )
        .at_key()
        .with_help(help),
    );
}

/// The value of `style` that changes nothing where `o` stands.
fn default_style(o: &ObjectAt<'_>) -> &'static str {
    match o.members.get("in").and_then(Value::as_str) {
        Some("query" | "cookie") => "form",
        _ => "simple",
    }
}

fn is_inert(inert: Inert, value: &Value, o: &ObjectAt<'_>) -> bool {
    match inert {
        Inert::Never => false,
        Inert::False => value == &Value::Bool(false),
        Inert::Empty => match value {
            Value::Object(m) => m.is_empty(),
            Value::Array(a) => a.is_empty(),
            _ => false,
        },
        Inert::DefaultStyle => {
            value.as_str() == Some(default_style(o))
                || (in_query(o) && QUERY_STYLES.contains(&value.as_str().unwrap_or_default()))
        }
    }
}

/// The query styles the kit reads (`ir::Param::delimiter`).
const QUERY_STYLES: [&str; 3] = ["form", "spaceDelimited", "pipeDelimited"];

fn in_query(o: &ObjectAt<'_>) -> bool {
    o.members.get("in").and_then(Value::as_str) == Some("query")
}

fn inert_help(inert: Inert, o: &ObjectAt<'_>) -> String {
    match inert {
        Inert::Never => "remove it".to_owned(),
        Inert::False => "remove it, or write `false`".to_owned(),
        Inert::Empty => "remove it".to_owned(),
        Inert::DefaultStyle => format!("remove it, or write `{}`", default_style(o)),
    }
}
