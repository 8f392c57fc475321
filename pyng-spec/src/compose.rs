//! `allOf` composition, resolved on the document before the OpenAPI model
//! reads it: every schema whose `allOf` is more than the `allOf: [{$ref}]`
//! idiom becomes one schema holding all its members (OAS 3.0.3: an instance
//! must be valid against every member). Every later layer (lint, IR, both
//! validators, codegen, synth, diff) then reads a plain schema, so none of
//! them knows composition exists.
//!
//! Members merge only where the merge means what `allOf` means: `properties`
//! and `required` unite, a property two members define becomes the merge of
//! both schemas, annotations come from the outermost schema (else the last
//! member that has them), `x-invariants` add up, and every other keyword must
//! agree. Where the merge would be looser than `allOf` (members that disagree,
//! `additionalProperties` in a member beside another member's properties,
//! `nullable` beside several members), the schema is left as written and the
//! linter refuses its `allOf` with the reason (`refusals`).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::diag::Problem;
use crate::pointer::push;
use crate::registry::RuleId;
use crate::schema_keywords::{is_single_ref_idiom, is_typeless_object};

/// A document with its `allOf`s merged.
pub(crate) struct Composed {
    pub doc: Value,
    /// `(to, from)`: the node at `to` in `doc` was copied from `from` in the
    /// text, in the order the copies were made (a copy of a copy follows it).
    pub moved: Vec<(String, String)>,
    /// The pointer of each `allOf` left unmerged, with why.
    pub refusals: BTreeMap<String, Refusal>,
    /// Warnings about what the merge does not read.
    pub problems: Vec<Problem>,
}

/// Why an `allOf` was not merged, and the member node that says so.
#[derive(Debug, Clone)]
pub(crate) struct Refusal {
    pub at: String,
    pub message: String,
}

/// Keywords that describe a schema without constraining it: the outermost
/// schema's are kept, else the last member's.
const ANNOTATIONS: &[&str] = &[
    "title",
    "description",
    "example",
    "externalDocs",
    "xml",
    "x-source",
];

/// Merges the `allOf`s of `raw`; a document without any is returned as is.
pub(crate) fn compose(raw: Value) -> Composed {
    let roots = crate::lint::schema_roots(&raw);
    let mut composer = Composer {
        raw: &raw,
        components: BTreeMap::new(),
        moved: Vec::new(),
        refusals: BTreeMap::new(),
        problems: Vec::new(),
        changed: false,
    };
    let mut replaced = Vec::new();
    for root in roots {
        let value = match component_name(&root) {
            Some(name) => composer.component(&name),
            None => raw
                .pointer(&root)
                .map(|schema| composer.normalize(schema, &root, &root)),
        };
        if let Some(value) = value {
            replaced.push((root, value));
        }
    }
    let Composer {
        moved,
        refusals,
        problems,
        changed,
        ..
    } = composer;
    let mut doc = raw.clone();
    if changed {
        for (root, value) in replaced {
            if let Some(slot) = doc.pointer_mut(&root) {
                *slot = value;
            }
        }
    }
    Composed {
        doc,
        moved,
        refusals,
        problems,
    }
}

/// The component a root pointer `/components/schemas/<name>` names.
fn component_name(root: &str) -> Option<String> {
    let tokens = crate::pointer::tokens(root)?;
    match tokens.as_slice() {
        [c, s, name] if c == "components" && s == "schemas" => Some(name.clone()),
        _ => None,
    }
}

enum State {
    InProgress,
    Done(Value),
}

struct Composer<'r> {
    raw: &'r Value,
    /// Components by name, merged once (a member `$ref` reads the merged one).
    components: BTreeMap<String, State>,
    moved: Vec<(String, String)>,
    refusals: BTreeMap<String, Refusal>,
    problems: Vec<Problem>,
    /// Whether any `allOf` was merged.
    changed: bool,
}

impl Composer<'_> {
    /// The merged component `name`; `None` when there is none or it is being
    /// merged (an `allOf` that reaches itself, refused by the caller).
    fn component(&mut self, name: &str) -> Option<Value> {
        match self.components.get(name) {
            Some(State::Done(v)) => return Some(v.clone()),
            Some(State::InProgress) => return None,
            None => {}
        }
        let at = push("/components/schemas", name);
        let schema = self.raw.pointer(&at)?;
        self.components.insert(name.to_owned(), State::InProgress);
        let merged = self.normalize(schema, &at, &at);
        self.components
            .insert(name.to_owned(), State::Done(merged.clone()));
        Some(merged)
    }

    /// `schema` (written at `origin`, to stand at `out`) with every `allOf`
    /// in and under it merged.
    fn normalize(&mut self, schema: &Value, origin: &str, out: &str) -> Value {
        match schema {
            Value::Object(map) => Value::Object(self.normalize_map(map, origin, out)),
            other => other.clone(),
        }
    }

    /// [`Self::normalize`] of a schema object.
    fn normalize_map(
        &mut self,
        map: &Map<String, Value>,
        origin: &str,
        out: &str,
    ) -> Map<String, Value> {
        if map.contains_key("$ref") {
            return map.clone();
        }
        let mut map = map.clone();
        for key in ["items", "additionalProperties", "not"] {
            if let Some(child @ Value::Object(_)) = map.get(key) {
                let child = self.normalize(child, &push(origin, key), &push(out, key));
                map.insert(key.to_owned(), child);
            }
        }
        if let Some(Value::Object(properties)) = map.get("properties") {
            let mut merged = Map::new();
            for (name, child) in properties {
                let o = push(&push(origin, "properties"), name);
                let t = push(&push(out, "properties"), name);
                merged.insert(name.clone(), self.normalize(child, &o, &t));
            }
            map.insert("properties".into(), Value::Object(merged));
        }
        for key in ["oneOf", "anyOf", "allOf"] {
            if let Some(Value::Array(members)) = map.get(key) {
                let members = members
                    .iter()
                    .enumerate()
                    .map(|(i, m)| {
                        let at = push(&push(origin, key), &i.to_string());
                        let to = push(&push(out, key), &i.to_string());
                        self.normalize(m, &at, &to)
                    })
                    .collect();
                map.insert(key.to_owned(), Value::Array(members));
            }
        }
        if !needs_merge(&map) {
            return map;
        }
        match self.merge_all_of(&map, origin, out) {
            Ok(merged) => {
                self.changed = true;
                merged
            }
            Err(refusal) => {
                self.refusals.insert(push(out, "allOf"), refusal);
                map
            }
        }
    }

    /// The members of `schema`'s `allOf` and its own keywords, merged.
    fn merge_all_of(
        &mut self,
        schema: &Map<String, Value>,
        origin: &str,
        out: &str,
    ) -> Result<Map<String, Value>, Refusal> {
        if schema.get("nullable") == Some(&Value::Bool(true)) {
            return Err(Refusal {
                at: push(origin, "nullable"),
                message: "`nullable: true` beside an `allOf` of several members says nothing the members do not (OAS 3.0.3: `nullable` applies to a `type` beside it), so null would still be refused: write `nullable: true` in every member".into(),
            });
        }
        let members = schema
            .get("allOf")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let mut parts = Vec::new();
        for (i, member) in members.iter().enumerate() {
            let at = push(&push(origin, "allOf"), &i.to_string());
            parts.push(self.member(member, &at, out)?);
        }
        let own: Map<String, Value> = schema
            .iter()
            .filter(|(k, _)| *k != "allOf")
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        parts.push((own, origin.to_owned()));
        self.merge(&parts, out)
    }

    /// One `allOf` member as a schema to merge, with where it was written: a
    /// `$ref` reads the (merged) component, an idiom `allOf: [$ref]` the
    /// schema it stands for.
    fn member(
        &mut self,
        member: &Value,
        at: &str,
        out: &str,
    ) -> Result<(Map<String, Value>, String), Refusal> {
        let Value::Object(map) = member else {
            return Err(Refusal {
                at: at.to_owned(),
                message: "an `allOf` member must be a schema object".into(),
            });
        };
        if let Some(reference) = map.get("$ref") {
            self.ref_siblings(map, at);
            let name = reference
                .as_str()
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
                .and_then(|n| crate::pointer::tokens(&format!("/{n}")))
                .and_then(|t| (t.len() == 1).then(|| t[0].clone()));
            let Some(name) = name else {
                return Err(Refusal {
                    at: push(at, "$ref"),
                    message: format!(
                        "an `allOf` member's `$ref` must name a schema of this file's `components/schemas`, not {reference}"
                    ),
                });
            };
            let from = push("/components/schemas", &name);
            return match (self.raw.pointer(&from).is_some(), self.component(&name)) {
                (true, Some(Value::Object(m))) => Ok((m, from)),
                (true, Some(_)) => Err(Refusal {
                    at: push(at, "$ref"),
                    message: format!("`{name}` is not a schema object"),
                }),
                (true, None) => Err(Refusal {
                    at: push(at, "$ref"),
                    message: format!(
                        "`allOf` reaches `{name}` again through its own members: the merged schema would contain itself"
                    ),
                }),
                (false, _) => Err(Refusal {
                    at: push(at, "$ref"),
                    message: format!("{reference} names no schema of `components/schemas`"),
                }),
            };
        }
        let map = self.normalize_map(map, at, out);
        // The idiom `allOf: [$ref]` as a member: the schema it names, with
        // its own keywords (`nullable` included) beside.
        let idiom = map
            .get("allOf")
            .and_then(|a| a.get(0))
            .filter(|_| is_single_ref_idiom(&map))
            .cloned();
        if let Some(inner) = idiom {
            let (target, from) = self.member(&inner, &push(&push(at, "allOf"), "0"), out)?;
            let mut own: Map<String, Value> = map
                .iter()
                .filter(|(k, _)| *k != "allOf")
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            let nullable = own.remove("nullable");
            let mut merged = self.merge(&[(target, from), (own, at.to_owned())], out)?;
            if let Some(n) = nullable {
                merged.insert("nullable".into(), n);
            }
            return Ok((merged, at.to_owned()));
        }
        Ok((map, at.to_owned()))
    }

    fn ref_siblings(&mut self, map: &Map<String, Value>, at: &str) {
        let siblings: Vec<String> = map
            .keys()
            .filter(|k| *k != "$ref" && !k.starts_with("x-"))
            .map(|k| format!("`{k}`"))
            .collect();
        if siblings.is_empty() {
            return;
        }
        self.problems.push(
            Problem::new(
                push(at, "$ref"),
                RuleId::LintRefSiblings,
                format!(
                    "{} beside `$ref` {} ignored (OpenAPI 3.0.3 § Reference Object): the referenced schema alone applies",
                    siblings.join(", "),
                    if siblings.len() == 1 { "is" } else { "are" }
                ),
            )
            .at_key()
            .with_help(Some("move them into another `allOf` member, or drop them".into())),
        );
    }

    /// The schemas of `parts` (each with where it was written) as one, to
    /// stand at `out`.
    fn merge(
        &mut self,
        parts: &[(Map<String, Value>, String)],
        out: &str,
    ) -> Result<Map<String, Value>, Refusal> {
        let mut merged = Map::new();
        // Where each merged property was written, for a later member's copy.
        let mut property_origin: BTreeMap<String, String> = BTreeMap::new();
        // Where each constraining keyword was written, for a disagreement.
        let mut keyword_origin: BTreeMap<String, String> = BTreeMap::new();
        for (part, from) in parts {
            for (key, value) in part {
                let at = push(from, key);
                match key.as_str() {
                    "properties" => {
                        let Value::Object(properties) = value else {
                            continue;
                        };
                        for (name, schema) in properties {
                            let from_p = push(&at, name);
                            self.property(
                                &mut merged,
                                &mut property_origin,
                                name,
                                schema,
                                &from_p,
                                out,
                            )?;
                        }
                    }
                    "required" => {
                        let list = merged
                            .entry("required")
                            .or_insert_with(|| Value::Array(Vec::new()));
                        if let (Value::Array(list), Value::Array(names)) = (list, value) {
                            for n in names {
                                if !list.contains(n) {
                                    list.push(n.clone());
                                }
                            }
                        }
                        self.moved.push((push(out, key), at));
                    }
                    "x-invariants" => {
                        let list = merged
                            .entry("x-invariants")
                            .or_insert_with(|| Value::Array(Vec::new()));
                        if let (Value::Array(list), Value::Array(rules)) = (list, value) {
                            for (i, rule) in rules.iter().enumerate() {
                                if !list.contains(rule) {
                                    let to = push(out, key);
                                    let to = push(&to, &list.len().to_string());
                                    self.moved.push((to, push(&at, &i.to_string())));
                                    list.push(rule.clone());
                                }
                            }
                        }
                    }
                    // Checked once every member is in.
                    "nullable" => {}
                    // The last part is the outermost schema: it wins.
                    k if ANNOTATIONS.contains(&k) => {
                        merged.insert(key.clone(), value.clone());
                        self.moved.push((push(out, key), at));
                    }
                    _ => match merged.get(key) {
                        Some(existing) if existing == value => {}
                        Some(existing) => {
                            let first = keyword_origin.get(key).cloned().unwrap_or_default();
                            return Err(Refusal {
                                at,
                                message: format!(
                                    "`allOf` members disagree on `{key}`: {} here, {} at {first}; the kit merges members that agree",
                                    short(value),
                                    short(existing)
                                ),
                            });
                        }
                        None => {
                            merged.insert(key.clone(), value.clone());
                            keyword_origin.insert(key.clone(), at.clone());
                            self.moved.push((push(out, key), at));
                        }
                    },
                }
            }
        }
        self.nullable(parts, &mut merged);
        self.closed_members(parts, &merged)?;
        Ok(merged)
    }

    /// A property of a part: new, the same as before, or merged with the
    /// earlier schema of the same name (both must hold).
    fn property(
        &mut self,
        merged: &mut Map<String, Value>,
        origins: &mut BTreeMap<String, String>,
        name: &str,
        schema: &Value,
        from: &str,
        out: &str,
    ) -> Result<(), Refusal> {
        let to = push(&push(out, "properties"), name);
        let properties = merged
            .entry("properties")
            .or_insert_with(|| Value::Object(Map::new()));
        let Value::Object(properties) = properties else {
            return Ok(());
        };
        match properties.get(name) {
            None => {
                properties.insert(name.to_owned(), schema.clone());
                origins.insert(name.to_owned(), from.to_owned());
                self.moved.push((to, from.to_owned()));
            }
            Some(existing) if existing == schema => {}
            Some(existing) => {
                let first = origins.get(name).cloned().unwrap_or_default();
                let a = self.member(&existing.clone(), &first, &to)?;
                let b = self.member(schema, from, &to)?;
                let both = self.merge(&[a, b], &to)?;
                properties.insert(name.to_owned(), Value::Object(both));
                self.changed = true;
            }
        }
        Ok(())
    }

    /// `nullable`: the merged schema allows `null` only when every member
    /// that has a type does (a member without one lets `null` through).
    fn nullable(&self, parts: &[(Map<String, Value>, String)], merged: &mut Map<String, Value>) {
        let typed: Vec<&Map<String, Value>> = parts
            .iter()
            .map(|(p, _)| p)
            .filter(|p| p.contains_key("type") || is_typeless_object(p))
            .collect();
        let all = !typed.is_empty()
            && typed
                .iter()
                .all(|p| p.get("nullable") == Some(&Value::Bool(true)));
        if all {
            merged.insert("nullable".into(), Value::Bool(true));
        } else {
            merged.remove("nullable");
        }
    }

    /// A member's `additionalProperties` (other than `true`) judges the
    /// properties the other members add, which the merged schema would list
    /// as its own: refused unless the member lists them all too.
    fn closed_members(
        &self,
        parts: &[(Map<String, Value>, String)],
        merged: &Map<String, Value>,
    ) -> Result<(), Refusal> {
        let names: Vec<&String> = merged
            .get("properties")
            .and_then(Value::as_object)
            .map(|p| p.keys().collect())
            .unwrap_or_default();
        for (part, from) in parts {
            let Some(additional) = part.get("additionalProperties") else {
                continue;
            };
            if additional == &Value::Bool(true) {
                continue;
            }
            let own = part.get("properties").and_then(Value::as_object);
            let foreign: Vec<String> = names
                .iter()
                .filter(|n| !own.is_some_and(|o| o.contains_key(n.as_str())))
                .map(|n| format!("`{n}`"))
                .collect();
            if !foreign.is_empty() {
                return Err(Refusal {
                    at: push(from, "additionalProperties"),
                    message: format!(
                        "this `allOf` member's `additionalProperties` judges {} from the other members, which the merged schema would list as its own (each member checks the whole object alone)",
                        foreign.join(", ")
                    ),
                });
            }
        }
        Ok(())
    }
}

/// Whether a schema's `allOf` is more than the `allOf: [$ref]` idiom.
fn needs_merge(map: &Map<String, Value>) -> bool {
    matches!(map.get("allOf"), Some(Value::Array(_))) && !is_single_ref_idiom(map)
}

/// A value in a message, cut short.
fn short(v: &Value) -> String {
    let text = v.to_string();
    if text.chars().count() > 60 {
        let cut: String = text.chars().take(57).collect();
        format!("`{cut}...`")
    } else {
        format!("`{text}`")
    }
}
