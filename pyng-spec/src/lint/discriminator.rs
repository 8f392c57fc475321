//! `discriminator`: read beside a `oneOf` or an `anyOf` whose members are
//! all component references, with a `mapping` (if any) onto those members
//! ([`crate::ir::Discriminator`]). Any other shape is refused, at the member
//! or mapping entry that makes it so.

use serde_json::Value;

use super::keywords::refuse;
use super::placement::SchemaAt;
use crate::diag::Problem;
use crate::lower::composition::{COMPONENT, mapping_ref};
use crate::pointer::push;

pub(super) fn check(s: &SchemaAt<'_>, value: &Value, problems: &mut Vec<Problem>) {
    let at = push(&s.pointer, "discriminator");
    let lists: Vec<(&str, &Value)> = ["oneOf", "anyOf"]
        .into_iter()
        .filter_map(|k| s.members.get(k).map(|v| (k, v)))
        .collect();
    let (keyword, members) = match lists.as_slice() {
        [(keyword, Value::Array(members))] => (*keyword, members),
        [] => {
            return refuse(
                problems,
                &at,
                "`discriminator` beside no `oneOf` or `anyOf` (the `allOf` inheritance form) is not read: nothing would choose a member".into(),
                Some("list the alternatives under `oneOf` and put the discriminator beside it".into()),
            );
        }
        [_, _] => {
            return refuse(
                problems,
                &at,
                "`discriminator` beside both `oneOf` and `anyOf`: which list it chooses from is not said".into(),
                None,
            );
        }
        // A list that is not an array: the OpenAPI model refuses it.
        _ => return,
    };
    let mut references = Vec::new();
    for (i, member) in members.iter().enumerate() {
        let reference = member
            .as_object()
            .filter(|m| m.len() == 1)
            .and_then(|m| m.get("$ref"))
            .and_then(Value::as_str)
            .filter(|r| r.starts_with(COMPONENT));
        match reference {
            Some(r) => references.push(r),
            None => {
                return refuse(
                    problems,
                    &push(&push(&s.pointer, keyword), &i.to_string()),
                    format!(
                        "member {i} of a discriminated `{keyword}` is not a `$ref` to a component schema: no discriminator value could name it"
                    ),
                    Some("move the member to `components/schemas` and reference it".into()),
                );
            }
        }
    }
    let mapping = value.get("mapping").and_then(Value::as_object);
    for (tag, target) in mapping.into_iter().flatten() {
        let Some(target) = target.as_str() else {
            continue;
        };
        if !references.contains(&mapping_ref(target).as_str()) {
            refuse(
                problems,
                &push(&push(&at, "mapping"), tag),
                format!(
                    "`{tag}` maps to `{target}`, which is not a member of the `{keyword}`: the kit's discriminator chooses among the members"
                ),
                Some(format!("the members are {}", references.join(", "))),
            );
        }
    }
}
