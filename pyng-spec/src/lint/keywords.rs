//! The Schema Object's keywords, checked against the one table of what the kit
//! does with each ([`crate::schema_keywords::KEYWORDS`]): a keyword the kit
//! would read and not check is `lint.unsupported`, at the keyword, so that no
//! schema is silently looser than its spec. Runs on the document as written
//! (the OpenAPI model turns some shapes into "any value" without a trace).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::placement::SchemaAt;
use crate::compose::Refusal;
use crate::decimal::Decimal;
use crate::diag::Problem;
use crate::pointer::{push, within};
use crate::registry::RuleId;
use crate::schema_keywords::{
    ANNOTATION_FORMATS, CHECKED_FORMATS, JsonType, KEYWORDS, Keyword, Support, is_single_ref_idiom,
    is_typeless_object, keyword,
};
use crate::suggest;

/// Checks every schema; returns the pointers of the schemas with a refused
/// keyword (what the loader made of them is incomplete).
pub(super) fn check(
    schemas: &[SchemaAt<'_>],
    unmerged: &BTreeMap<String, Refusal>,
    problems: &mut Vec<Problem>,
) -> BTreeSet<String> {
    // Members beside a `$ref` are not read, nor is anything inside them.
    let ignored: Vec<&str> = schemas
        .iter()
        .filter(|s| s.members.contains_key("$ref"))
        .map(|s| s.pointer.as_str())
        .collect();
    let mut refused = BTreeSet::new();
    // Nor is anything inside a refused keyword (the members of an `allOf`):
    // the walk meets a schema before the schemas inside it.
    let mut refused_keywords: Vec<String> = Vec::new();
    for s in schemas {
        let inside = |outer: &str| s.pointer.len() > outer.len() && within(&s.pointer, outer);
        let under_refused = refused_keywords.iter().any(|k| within(&s.pointer, k));
        if ignored.iter().any(|r| inside(r)) || under_refused {
            continue;
        }
        let before = problems.len();
        schema(s, unmerged, problems);
        let refusals = problems[before..]
            .iter()
            .filter(|p| p.rule == RuleId::LintUnsupported);
        for p in refusals {
            refused_keywords.push(p.pointer.clone());
            // A merge refused inside a member: nothing of the `allOf` is read.
            if let Some(all_of) = unmerged_at(unmerged, &p.pointer) {
                refused_keywords.push(all_of.to_owned());
            }
            refused.insert(s.pointer.clone());
        }
    }
    refused
}

pub(super) fn refuse(problems: &mut Vec<Problem>, at: &str, message: String, help: Option<String>) {
    problems.push(
        Problem::new(at, RuleId::LintUnsupported, message)
            .at_key()
            .with_help(help),
    );
}

/// The longest `minLength`/`maxLength`: bodies the sandbox synthesises hold
/// strings this long, and no status field needs more.
const MAX_LENGTH_BOUND: u64 = 1 << 20;

/// The largest `minItems`: synthesised bodies hold that many items.
const MAX_ITEMS_BOUND: u64 = 1 << 16;

const SEE: &str = "specs/README.md § Supported OpenAPI 3.0.3";

fn schema(s: &SchemaAt<'_>, unmerged: &BTreeMap<String, Refusal>, problems: &mut Vec<Problem>) {
    let members = s.members;
    if members.contains_key("$ref") {
        ref_siblings(s, problems);
        return;
    }
    // An `allOf` the merge refused: the schema is not read, so its other
    // keywords say nothing more.
    if unmerged.contains_key(&push(&s.pointer, "allOf")) {
        return all_of(s, unmerged, problems);
    }
    let declared = match members.get("type") {
        None => None,
        Some(Value::String(name)) => match JsonType::parse(name) {
            Some(t) => Some(t),
            None => {
                refuse(
                    problems,
                    &push(&s.pointer, "type"),
                    format!("`type: {name}` is not an OpenAPI 3.0.3 type"),
                    Some(
                        "the types are string, number, integer, boolean, array and object; for null, write `nullable: true`".into(),
                    ),
                );
                return;
            }
        },
        // The OpenAPI model refuses any other `type` before the linter runs.
        Some(_) => return,
    };
    let effective = declared.or(is_typeless_object(members).then_some(JsonType::Object));
    for (key, value) in members {
        if key.starts_with("x-") {
            continue;
        }
        let at = push(&s.pointer, key);
        let Some(kw) = keyword(key) else {
            refuse(
                problems,
                &at,
                format!(
                    "`{key}` is not a field of the OpenAPI 3.0.3 Schema Object, so nothing would check it"
                ),
                suggest::did_you_mean(key, KEYWORDS.iter().map(|k| k.name)),
            );
            continue;
        };
        if let Some(message) = misapplied(kw, effective) {
            refuse(problems, &at, message, None);
            continue;
        }
        if kw.inert.is_some_and(|inert| value == &Value::Bool(inert)) {
            continue;
        }
        match kw.support {
            Support::Refused => refuse(
                problems,
                &at,
                format!(
                    "`{key}` is not supported by the kit yet ({}): it would be read and not checked",
                    kw.note
                ),
                Some(format!("see {SEE}")),
            ),
            Support::Annotation => {}
            Support::Enforced { .. } if !kw.checked_in.allows(s.position()) => {
                refuse(
                    problems,
                    &at,
                    format!(
                        "`{key}` is checked only on {}; here it would be read and not checked",
                        kw.checked_in.describe()
                    ),
                    Some(format!("see {SEE}")),
                );
            }
            Support::Enforced { .. } if key == "allOf" => all_of(s, unmerged, problems),
            Support::Enforced { .. } => value_rules(s, key, value, effective, problems),
        }
    }
}

/// The keywords read on a schema without `type` (that is not an object):
/// each constrains the values of its own types and lets the others through.
const TYPELESS: &[&str] = &[
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
    "enum",
    "format",
];

/// Why `kw` has no effect on a schema of type `effective` (`None`: no type).
fn misapplied(kw: &Keyword, effective: Option<JsonType>) -> Option<String> {
    if kw.applies_to.is_empty() {
        return None;
    }
    let names: Vec<String> = kw
        .applies_to
        .iter()
        .map(|t| format!("`{}`", t.as_str()))
        .collect();
    let names = names.join(", ");
    match effective {
        Some(t) if kw.applies_to.contains(&t) => None,
        Some(t) => Some(format!(
            "`{}` applies to {names}, not to `type: {}`: beside it, the kit would not read the schema's type either",
            kw.name,
            t.as_str()
        )),
        // Without `type` a keyword constrains the values of its types, as
        // in JSON Schema; `items` alone would need an item type the IR
        // keeps for arrays only.
        None if TYPELESS.contains(&kw.name) => None,
        None => Some(format!(
            "`{}` applies to {names}; without `type` the kit does not read it: add `type`",
            kw.name
        )),
    }
}

/// The rules on an `enum`: values of the schema's type (`null` beside
/// `nullable: true`); an enum of integers, numbers or booleans on an inline
/// property schema, an array's items or a component (elsewhere the IR keeps no
/// constraints for it).
fn enum_values(
    s: &SchemaAt<'_>,
    at: &str,
    value: &Value,
    effective: Option<JsonType>,
    problems: &mut Vec<Problem>,
) {
    let items = value.as_array().map(Vec::as_slice).unwrap_or_default();
    if items.is_empty() {
        refuse(problems, at, "an empty `enum` allows no value".into(), None);
    }
    // OAS 3.0.3: a nullable enum lists `null` among its values.
    let nullable = s.members.get("nullable") == Some(&Value::Bool(true));
    if effective.is_none() {
        // Without `type`: values of any type, `null` among them (OAS 3.0.3
        // reads `nullable` only beside `type`).
        if !(s.property || s.component || s.items || s.body) {
            refuse(
                problems,
                at,
                "an `enum` without `type` is checked on an inline property schema, an array's items, a request or response body or a component only".into(),
                Some("move it into the property that uses it".into()),
            );
        }
        return;
    }
    let Some(ty) = effective.filter(|t| {
        matches!(
            t,
            JsonType::String | JsonType::Integer | JsonType::Number | JsonType::Boolean
        )
    }) else {
        // `misapplied` has said why an enum here is not read.
        return;
    };
    let fits = |v: &Value| match ty {
        JsonType::String => v.is_string(),
        JsonType::Integer => v.is_i64(),
        JsonType::Number => v.is_number(),
        _ => v.is_boolean(),
    };
    if let Some(other) = items
        .iter()
        .find(|v| !(fits(v) || (nullable && v.is_null())))
    {
        refuse(
            problems,
            at,
            format!(
                "`enum` lists {other}, not a value of `type: {}`: no value could pass both",
                ty.as_str()
            ),
            other
                .is_null()
                .then(|| "to allow null, write `nullable: true` on a property".into()),
        );
    } else if ty != JsonType::String && !(s.property || s.component || s.items || s.body) {
        refuse(
            problems,
            at,
            format!(
                "an `enum` of `type: {}` is checked on an inline property schema, an array's items, a request or response body or a component only",
                ty.as_str()
            ),
            Some("move it into the property that uses it".into()),
        );
    }
}

/// The rules on an enforced keyword's value.
fn value_rules(
    s: &SchemaAt<'_>,
    key: &str,
    value: &Value,
    effective: Option<JsonType>,
    problems: &mut Vec<Problem>,
) {
    let at = push(&s.pointer, key);
    match key {
        "pattern" | "minLength" | "maxLength" if s.members.contains_key("enum") => refuse(
            problems,
            &at,
            format!(
                "`{key}` beside `enum` is not checked: the kit checks a string enum by its values"
            ),
            Some("keep the values that satisfy it and drop it".into()),
        ),
        "enum" => enum_values(s, &at, value, effective, problems),
        "discriminator" => super::discriminator::check(s, value, problems),
        "minLength" | "maxLength" if value.as_u64().is_some_and(|n| n > MAX_LENGTH_BOUND) => {
            refuse(
                problems,
                &at,
                format!(
                    "`{key}: {value}` is past the kit's limit of {MAX_LENGTH_BOUND} characters"
                ),
                Some("specs/README.md § Limits".into()),
            );
        }
        "exclusiveMinimum" | "exclusiveMaximum" => {
            let bound = if key == "exclusiveMinimum" {
                "minimum"
            } else {
                "maximum"
            };
            if !s.members.contains_key(bound) {
                refuse(
                    problems,
                    &at,
                    format!("`{key}: {value}` without `{bound}` has nothing to apply to"),
                    None,
                );
            }
        }
        "multipleOf" | "minimum" | "maximum"
            if matches!(effective, None | Some(JsonType::Number)) =>
        {
            number_bound(key, value, &at, problems);
        }
        "multipleOf" if value.as_i64().is_none_or(|m| m <= 0) => refuse(
            problems,
            &at,
            format!("`multipleOf: {value}` of an integer is checked only as a positive integer"),
            None,
        ),
        "minProperties" if value.as_u64().is_some_and(|n| n > MAX_ITEMS_BOUND) => refuse(
            problems,
            &at,
            format!(
                "`minProperties: {value}` is past the kit's limit of {MAX_ITEMS_BOUND} properties"
            ),
            Some("specs/README.md § Limits".into()),
        ),
        "minItems" if value.as_u64().is_some_and(|n| n > MAX_ITEMS_BOUND) => refuse(
            problems,
            &at,
            format!("`minItems: {value}` is past the kit's limit of {MAX_ITEMS_BOUND} items"),
            Some("specs/README.md § Limits".into()),
        ),
        "minimum" | "maximum" if value.as_i64().is_none() => refuse(
            problems,
            &at,
            format!(
                "`{key}: {value}` of an integer is checked only as an integer in the int64 range"
            ),
            None,
        ),
        "format" => {
            let Some(format) = value.as_str() else { return };
            // Without `type`, a string format constrains the strings.
            let as_type = effective.unwrap_or(JsonType::String);
            let checked = CHECKED_FORMATS
                .iter()
                .any(|(f, t, place)| *f == format && as_type == *t && place.allows(s.position()));
            let annotation = as_type == JsonType::String && ANNOTATION_FORMATS.contains(&format);
            if annotation {
                return;
            }
            // A string enum is checked by its values: the format holds when
            // every value the enum lists has it.
            if checked && let Some(values) = s.members.get("enum").and_then(Value::as_array) {
                let bad = values
                    .iter()
                    .filter_map(Value::as_str)
                    .find(|v| crate::formats::matches(format, v) == Some(false));
                if let Some(bad) = bad {
                    refuse(
                        problems,
                        &at,
                        format!(
                            "the `enum` value `{bad}` is not a valid `{format}`: no value could pass both"
                        ),
                        Some("drop the value or the format".into()),
                    );
                }
                return;
            }
            if !checked {
                let known: Vec<String> = CHECKED_FORMATS
                    .iter()
                    .map(|(f, t, place)| format!("`{f}` on {} ({})", t.as_str(), place.describe()))
                    .collect();
                problems.push(
                    Problem::new(
                        &at,
                        RuleId::LintUncheckedFormat,
                        format!(
                            "`format: {format}` is not checked by the kit here: values pass whatever they look like"
                        ),
                    )
                    .at_key()
                    .with_help(Some(format!("the kit checks {}", known.join(", ")))),
                );
            }
        }
        _ => {}
    }
}

/// A `minimum`, `maximum` or `multipleOf` of a number: a finite number (a
/// positive one for `multipleOf`), read as its exact decimal ([`Decimal`]).
fn number_bound(key: &str, value: &Value, at: &str, problems: &mut Vec<Problem>) {
    let exact = value.as_number().and_then(crate::validate::exact_number);
    let fits = match exact {
        Some(d) if key == "multipleOf" => d > Decimal::ZERO,
        Some(_) => true,
        None => false,
    };
    if !fits {
        let what = if key == "multipleOf" {
            "a positive number"
        } else {
            "a finite number"
        };
        refuse(
            problems,
            at,
            format!("`{key}: {value}` of a number is checked only as {what}"),
            None,
        );
    }
}

/// An `allOf` still in the document after composition: the idiom
/// `allOf: [{$ref: ...}]` (read as the reference), or one the merge refused.
fn all_of(s: &SchemaAt<'_>, unmerged: &BTreeMap<String, Refusal>, problems: &mut Vec<Problem>) {
    if is_single_ref_idiom(s.members) {
        return;
    }
    let at = push(&s.pointer, "allOf");
    let (at, message) = match unmerged.get(&at) {
        Some(refusal) => (refusal.at.clone(), refusal.message.clone()),
        None => (at, "`allOf` must be a list of schemas".to_owned()),
    };
    refuse(problems, &at, message, Some(format!("see {SEE}")));
}

/// The unmerged `allOf` that a refusal at `pointer` stands in.
fn unmerged_at<'u>(unmerged: &'u BTreeMap<String, Refusal>, pointer: &str) -> Option<&'u str> {
    unmerged
        .iter()
        .find(|(_, r)| r.at == pointer)
        .map(|(all_of, _)| all_of.as_str())
}

/// `lint.ref-siblings`: OAS 3.0.3 ignores the members beside a `$ref`.
fn ref_siblings(s: &SchemaAt<'_>, problems: &mut Vec<Problem>) {
    let siblings: Vec<String> = s
        .members
        .keys()
        .filter(|k| *k != "$ref" && !k.starts_with("x-"))
        .map(|k| format!("`{k}`"))
        .collect();
    if siblings.is_empty() {
        return;
    }
    problems.push(
        Problem::new(
            push(&s.pointer, "$ref"),
            RuleId::LintRefSiblings,
            format!(
                "{} beside `$ref` {} ignored (OpenAPI 3.0.3 § Reference Object): the referenced schema alone applies",
                siblings.join(", "),
                if siblings.len() == 1 { "is" } else { "are" }
            ),
        )
        .at_key()
        .with_help(Some(
            "move them into the referenced schema, or drop them".into(),
        )),
    );
}
