//! `$ref`s to component schemas. Alias chains are followed in a loop and each
//! component's type is remembered, so that a chain costs its length once and a
//! cycle is an error rather than a stack overflow. A reference to a model or an
//! enum is its name and never lowers it on the spot: `lower_spec` lowers every
//! component, so references between models never recurse, however deep.

use std::collections::BTreeSet;

use openapiv3 as oa;

use super::{Lowerer, SCHEMA_PREFIX};
use crate::diag::Problem;
use crate::ir::Type;
use crate::pointer::push;
use crate::registry::RuleId;

/// Anonymous component schemas (arrays of arrays ...) nested through `$ref`s
/// deeper than this are refused; models and enums never count towards it.
const MAX_ANONYMOUS_DEPTH: usize = 64;

/// Whether a schema becomes a named type (a model or a string enum).
pub(super) fn is_named_kind(schema: &oa::Schema) -> bool {
    if super::object_type(schema).is_some() {
        return true;
    }
    match &schema.schema_kind {
        oa::SchemaKind::Type(oa::Type::String(s)) => !s.enumeration.is_empty(),
        _ => false,
    }
}

fn component_at(name: &str) -> String {
    push("/components/schemas", name)
}

impl<'a> Lowerer<'a> {
    fn component(&self, name: &str) -> Option<&'a oa::ReferenceOr<oa::Schema>> {
        let doc: &'a oa::OpenAPI = self.doc;
        doc.components.as_ref()?.schemas.get(name)
    }

    /// `did you mean` the component schema closest to a dangling `$ref`'s target.
    fn ref_help(&self, reference: &str) -> Option<String> {
        let name = reference.strip_prefix(SCHEMA_PREFIX)?;
        let schemas = &self.doc.components.as_ref()?.schemas;
        let target = crate::suggest::closest(name, schemas.keys().map(String::as_str))?;
        Some(format!("did you mean `{SCHEMA_PREFIX}{target}`?"))
    }

    /// The component a `$ref` names (as the document spells its key, so that it
    /// lives as long as the document), or the message of a dangling one.
    fn local_target(&self, reference: &str) -> Result<&'a str, String> {
        let doc: &'a oa::OpenAPI = self.doc;
        let key = |name: &str| {
            let (key, _) = doc.components.as_ref()?.schemas.get_key_value(name)?;
            Some(key.as_str())
        };
        match reference.strip_prefix(SCHEMA_PREFIX) {
            Some(name) => key(name)
                .ok_or_else(|| format!("`$ref` to `{name}`, which is not in components/schemas")),
            None => Err(format!(
                "`$ref` `{reference}` is not a local `{SCHEMA_PREFIX}...` reference"
            )),
        }
    }

    /// The type of a `$ref` found at `at` (the object holding the `$ref`).
    pub(super) fn resolve_ref(&mut self, reference: &str, at: &str) -> Type {
        match self.local_target(reference) {
            Ok(name) => self.component_type(name),
            Err(message) => {
                // What reads the node holding the `$ref` finds no type there.
                let problem = Problem::new(push(at, "$ref"), RuleId::LintDanglingRef, message)
                    .with_help(self.ref_help(reference))
                    .leaves_missing(at);
                self.problems.push(problem);
                Type::Any
            }
        }
    }

    /// Lowers `#/components/schemas/<name>` (once) for `lower_spec`.
    pub(super) fn lower_component(&mut self, name: &'a str) {
        match self.component(name) {
            Some(oa::ReferenceOr::Item(schema))
                if is_named_kind(schema) && !self.types.contains_key(name) =>
            {
                self.lower_named(name, schema, &component_at(name));
            }
            // An alias, an anonymous schema, or a model already lowered.
            Some(_) => {
                self.component_type(name);
            }
            None => {}
        }
    }

    /// The type to refer to component `name` by, following aliases.
    fn component_type(&mut self, name: &'a str) -> Type {
        if let Some(t) = self.resolved.get(name) {
            return t.clone();
        }
        let mut chain = vec![name];
        let mut on_chain = BTreeSet::from([name]);
        let ty = loop {
            let current = chain[chain.len() - 1];
            let reference = match self.component(current) {
                Some(oa::ReferenceOr::Reference { reference }) => reference.as_str(),
                Some(oa::ReferenceOr::Item(schema)) => break self.item_type(current, schema),
                None => break Type::Any,
            };
            let ref_at = push(&component_at(current), "$ref");
            let next = match self.local_target(reference) {
                Ok(next) => next,
                Err(message) => {
                    let problem = Problem::new(&ref_at, RuleId::LintDanglingRef, message)
                        .with_help(self.ref_help(reference))
                        .leaves_missing(component_at(current));
                    self.problems.push(problem);
                    break Type::Any;
                }
            };
            if let Some(t) = self.resolved.get(next) {
                break t.clone();
            }
            if !on_chain.insert(next) {
                let start = chain.iter().position(|n| *n == next).unwrap_or(0);
                let cycle: Vec<&str> = chain[start..].iter().copied().chain([next]).collect();
                self.problems.push(
                    Problem::new(
                        &ref_at,
                        RuleId::LintRefCycle,
                        format!(
                            "`$ref` cycle: {} (an alias must end at a schema)",
                            cycle.join(" -> ")
                        ),
                    )
                    .at_key(),
                );
                break Type::Any;
            }
            chain.push(next);
        };
        for n in chain {
            self.resolved.insert(n.to_owned(), ty.clone());
        }
        ty
    }

    /// The type of component `name`, whose schema is `schema` (not a `$ref`).
    fn item_type(&mut self, name: &'a str, schema: &'a oa::Schema) -> Type {
        if is_named_kind(schema) {
            return Type::Named(name.to_owned());
        }
        if let Some(t) = self.resolved.get(name) {
            return t.clone();
        }
        let at = component_at(name);
        if self.in_progress.contains(name) {
            self.problems.push(Problem::new(
                &at,
                RuleId::LintRefCycle,
                format!("`{name}` contains itself through `$ref`s without an object in between"),
            ));
            return Type::Any;
        }
        if self.in_progress.len() >= MAX_ANONYMOUS_DEPTH {
            self.error(
                &at,
                RuleId::LintRefCycle,
                format!("`{name}` nests more than {MAX_ANONYMOUS_DEPTH} non-object schemas through `$ref`s"),
            );
            return Type::Any;
        }
        self.in_progress.insert(name.to_owned());
        let ty = self.lower_named(name, schema, &at);
        self.in_progress.remove(name);
        self.resolved.insert(name.to_owned(), ty.clone());
        ty
    }
}

/// Components other than schemas a `$ref` may name: `responses`,
/// `parameters`, `requestBodies`, `headers`, `examples` (those the lowering
/// reads where they are used).
pub(super) trait Component: Sized + 'static {
    /// The key under `components`.
    const KIND: &'static str;
    fn map(components: &oa::Components) -> &indexmap::IndexMap<String, oa::ReferenceOr<Self>>;
}

impl Component for oa::Response {
    const KIND: &'static str = "responses";
    fn map(c: &oa::Components) -> &indexmap::IndexMap<String, oa::ReferenceOr<Self>> {
        &c.responses
    }
}

impl Component for oa::Parameter {
    const KIND: &'static str = "parameters";
    fn map(c: &oa::Components) -> &indexmap::IndexMap<String, oa::ReferenceOr<Self>> {
        &c.parameters
    }
}

impl Component for oa::RequestBody {
    const KIND: &'static str = "requestBodies";
    fn map(c: &oa::Components) -> &indexmap::IndexMap<String, oa::ReferenceOr<Self>> {
        &c.request_bodies
    }
}

impl Component for oa::Header {
    const KIND: &'static str = "headers";
    fn map(c: &oa::Components) -> &indexmap::IndexMap<String, oa::ReferenceOr<Self>> {
        &c.headers
    }
}

impl Component for oa::Example {
    const KIND: &'static str = "examples";
    fn map(c: &oa::Components) -> &indexmap::IndexMap<String, oa::ReferenceOr<Self>> {
        &c.examples
    }
}

impl<'a> Lowerer<'a> {
    /// The component a `$ref` at `at` names and its pointer, following a
    /// chain of `$ref`s; a dangling reference (with the closest name) or a
    /// cycle is reported at the `$ref` that breaks, and gives `None`.
    /// `leaves_missing`: what a reference that does not resolve leaves
    /// missing (the operation's parameters), so that what follows from it is
    /// folded under it.
    pub(super) fn resolve_component<T: Component>(
        &mut self,
        reference: &str,
        at: &str,
        leaves_missing: &str,
    ) -> Option<(&'a T, String)> {
        let doc: &'a oa::OpenAPI = self.doc;
        let prefix = format!("#/components/{}/", T::KIND);
        let mut seen = BTreeSet::new();
        let mut reference = reference;
        let mut from = at.to_owned();
        loop {
            let Some(name) = reference.strip_prefix(&prefix) else {
                self.problems.push(
                    Problem::new(
                        &from,
                        RuleId::LintUnsupported,
                        format!("`$ref` `{reference}` is not a `{prefix}...` reference"),
                    )
                    .leaves_missing(leaves_missing),
                );
                return None;
            };
            let map = doc.components.as_ref().map(T::map);
            let Some(target) = map.and_then(|m| m.get(name)) else {
                let help = map.and_then(|m| {
                    crate::suggest::closest(name, m.keys().map(String::as_str))
                        .map(|t| format!("did you mean `{prefix}{t}`?"))
                });
                let problem = Problem::new(
                    &from,
                    RuleId::LintDanglingRef,
                    format!("`$ref` to `{name}`, which is not in components/{}", T::KIND),
                );
                self.problems
                    .push(problem.with_help(help).leaves_missing(leaves_missing));
                return None;
            };
            let pointer = push(&push("/components", T::KIND), name);
            if !seen.insert(name.to_owned()) {
                self.problems.push(
                    Problem::new(
                        &from,
                        RuleId::LintRefCycle,
                        format!("`$ref` to `{name}` is a cycle of components/{}", T::KIND),
                    )
                    .leaves_missing(leaves_missing),
                );
                return None;
            }
            match target {
                oa::ReferenceOr::Item(item) => return Some((item, pointer)),
                oa::ReferenceOr::Reference { reference: next } => {
                    reference = next;
                    from = pointer;
                }
            }
        }
    }
}
