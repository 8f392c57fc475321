//! Value constraints (`maxLength`, `minimum`, `minItems`, a checked `format`,
//! an integer `enum` ...) and `nullable` of schemas that are not a property's.
//! The IR keeps value constraints on a [`crate::ir::Field`]:
//! - a property that references a component holds the component's as its own;
//! - an array's `items` that has them (its own, or a referenced component's)
//!   becomes a [`crate::ir::Constrained`] type whose field holds them;
//!
//! and every consumer (both validators, `check()`, synth, diff) reads them
//! there. Anywhere else a reference stands (a body, a parameter, a header)
//! the IR has no place for them: such a reference to a component that has
//! them is refused where it stands (`lint.unsupported`), never read and ignored.

use std::collections::BTreeSet;

use openapiv3 as oa;

use super::{Lowerer, single_ref};
use crate::diag::Problem;
use crate::ir::{Constrained, Constraints, Type, TypeDef};
use crate::pointer::push;
use crate::registry::RuleId;

/// What a reference to a component carries besides its type.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Inherited {
    /// The value constraints of the scalar or array schema the chain ends at
    /// (none for an object or a string enum: the model or enum holds those).
    pub constraints: Constraints,
    /// `nullable: true` on a schema of the chain (an alias, an
    /// `allOf: [$ref]`, or the schema it ends at).
    pub nullable: bool,
    /// Pointer to the schema the chain ends at.
    pub pointer: String,
    /// `deprecated`, `readOnly`, `writeOnly` and `default` of the chain's
    /// schemas: a property that references the component has them.
    pub annotations: Annotations,
}

/// The annotations of a component schema that a property referencing it
/// takes as its own (OAS 3.0.3: the referenced schema is the property's).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Annotations {
    pub deprecated: bool,
    pub read_only: bool,
    pub write_only: bool,
    /// The first `default` along the chain (an alias's before its target's).
    pub default: Option<serde_json::Value>,
}

impl Annotations {
    /// Adds those of schema data `d`, one step further along the chain.
    fn add(&mut self, d: &oa::SchemaData) {
        self.deprecated |= d.deprecated;
        self.read_only |= d.read_only;
        self.write_only |= d.write_only;
        if self.default.is_none() {
            self.default = d.default.clone();
        }
    }

    /// The keywords set, for messages.
    fn keywords(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        for (present, name) in [
            (self.deprecated, "deprecated"),
            (self.read_only, "readOnly"),
            (self.write_only, "writeOnly"),
            (self.default.is_some(), "default"),
        ] {
            if present {
                out.push(name);
            }
        }
        out
    }

    /// Applies them to `field`, a property that references the component:
    /// its own `default` stands before the component's.
    pub(crate) fn apply(&self, field: &mut crate::ir::Field) {
        field.deprecated |= self.deprecated;
        if self.write_only && !field.write_only {
            field.write_only = true;
            field.required = false;
        }
        if self.read_only && !field.read_only {
            field.read_only = true;
            field.request_required = false;
        }
        if field.default.is_none() {
            field.default = self.default.clone();
        }
    }
}

impl Inherited {
    /// The keywords this carries that only a property keeps, for messages;
    /// `format` is apart (an unchecked format is a warning, not a refusal).
    fn refused_keywords(&self) -> Vec<&'static str> {
        let c = &self.constraints;
        let mut out = Vec::new();
        let mut add = |present: bool, name| {
            if present {
                out.push(name);
            }
        };
        add(c.minimum.is_some() || c.number_minimum.is_some(), "minimum");
        add(c.maximum.is_some() || c.number_maximum.is_some(), "maximum");
        add(
            c.multiple_of.is_some() || c.number_multiple_of.is_some(),
            "multipleOf",
        );
        add(c.min_length.is_some(), "minLength");
        add(c.max_length.is_some(), "maxLength");
        add(c.pattern.is_some(), "pattern");
        add(c.min_items.is_some(), "minItems");
        add(c.max_items.is_some(), "maxItems");
        add(c.unique_items, "uniqueItems");
        add(!c.values.is_empty(), "enum");
        add(self.nullable, "nullable");
        out.extend(self.annotations.keywords());
        out
    }

    /// A `format` the kit checks on a property only (`int64` holds wherever
    /// the JSON parser reads an integer; `binary` and `password` check nothing).
    fn position_format(&self) -> Option<&str> {
        self.constraints
            .format
            .as_deref()
            .filter(|f| !["int64", "binary", "password"].contains(f))
    }
}

/// Whether `c` holds a constraint a validator checks on a value (not `x-unit`,
/// not `int64` or `double`, which every JSON integer or number the parser
/// reads meets, nor a format the kit does not check).
fn checks_something(c: &Constraints) -> bool {
    let mut c = c.clone();
    c.unit = None;
    c.values_pointer = None;
    let checked = |f: &str| {
        !["int64", "double"].contains(&f)
            && crate::schema_keywords::CHECKED_FORMATS
                .iter()
                .any(|(known, _, _)| *known == f)
    };
    if c.format.as_deref().is_some_and(|f| !checked(f)) {
        c.format = None;
    }
    c != Constraints::default()
}

impl<'a> Lowerer<'a> {
    /// The type of an array's `items` (`schema`, at `at`) lowered to `item`:
    /// itself, or a [`Constrained`] type around it when the schema (or the
    /// component it references) has value constraints or `nullable`. The
    /// items of a parameter's or a header's array keep none (the keyword
    /// lint refuses them there).
    pub(super) fn constrained_item(
        &mut self,
        hint: &str,
        item: Type,
        schema: &oa::ReferenceOr<Box<oa::Schema>>,
        at: &str,
    ) -> Type {
        if self.in_parameter {
            return item;
        }
        self.constrained(&format!("{hint}Item"), item, schema, at, "an array's items")
    }

    /// The type of a `oneOf`/`anyOf`/`not` member lowered to `member`, as
    /// [`Self::constrained_item`].
    pub(super) fn constrained_member(
        &mut self,
        hint: &str,
        member: Type,
        schema: &oa::ReferenceOr<Box<oa::Schema>>,
        at: &str,
    ) -> Type {
        self.constrained(hint, member, schema, at, "a composition's member")
    }

    /// The type of a response body (`schema`, at `at`) lowered to `body`:
    /// itself, or a [`Constrained`] type around it, as [`Self::constrained_item`].
    pub(super) fn constrained_body<S: std::borrow::Borrow<oa::Schema>>(
        &mut self,
        hint: &str,
        body: Type,
        schema: &oa::ReferenceOr<S>,
        at: &str,
    ) -> Type {
        self.constrained(&format!("{hint}Body"), body, schema, at, "a response body")
    }

    /// The type of a JSON request body (`schema`, at `at`) lowered to
    /// `body`, as [`Self::constrained_body`].
    pub(super) fn constrained_request_body(
        &mut self,
        hint: &str,
        body: Type,
        schema: &oa::ReferenceOr<oa::Schema>,
        at: &str,
    ) -> Type {
        self.constrained(&format!("{hint}Body"), body, schema, at, "a request body")
    }

    /// `ty`, or a [`Constrained`] type named `wanted` (or `wanted2` ... when
    /// taken) around it when `schema` (or the component it references) has
    /// value constraints or `nullable`; `place` names the position for the
    /// refusal of a component's annotations, which only a property takes.
    fn constrained<S: std::borrow::Borrow<oa::Schema>>(
        &mut self,
        wanted: &str,
        item: Type,
        schema: &oa::ReferenceOr<S>,
        at: &str,
        place: &str,
    ) -> Type {
        let mut field = match schema {
            oa::ReferenceOr::Reference { .. } => self.lower_field("", item, None, true, at),
            oa::ReferenceOr::Item(s) => {
                let inline: &oa::Schema = s.borrow();
                let mut field = self.lower_field("", item, Some(inline), true, at);
                if super::refs::is_named_kind(inline) || single_ref(inline).is_some() {
                    // A model's or an enum's keywords are its own; a reference's
                    // are the component's, read below.
                    field.constraints = Constraints::default();
                }
                field
            }
        };
        let reference = match schema {
            oa::ReferenceOr::Reference { reference } => Some(reference.as_str()),
            oa::ReferenceOr::Item(s) => single_ref(s.borrow()),
        };
        if let Some(found) = reference.and_then(|r| self.inherited(r)) {
            let refs_at = match schema {
                oa::ReferenceOr::Reference { .. } => push(at, "$ref"),
                oa::ReferenceOr::Item(_) => push(&push(at, "allOf"), "0"),
            };
            self.refuse_annotations(&found, &refs_at, place);
            field.constraints = found.constraints;
            field.nullable |= found.nullable;
        }
        if !field.nullable && !checks_something(&field.constraints) {
            return field.ty;
        }
        let taken = |name: &str, lowerer: &Self| {
            lowerer.types.contains_key(name)
                || lowerer
                    .doc
                    .components
                    .as_ref()
                    .is_some_and(|c| c.schemas.contains_key(name))
        };
        let mut name = wanted.to_owned();
        let mut n = 2;
        while taken(&name, self) {
            name = format!("{wanted}{n}");
            n += 1;
        }
        self.types.insert(
            name.clone(),
            TypeDef::Constrained(Box::new(Constrained {
                name: name.clone(),
                field,
            })),
        );
        Type::Named(name)
    }

    /// What a `$ref` to a component schema carries, following aliases (and
    /// `allOf: [$ref]`) to the schema they end at; `None` for a dangling or
    /// cyclic reference (reported where the type is resolved).
    pub(super) fn inherited(&mut self, reference: &str) -> Option<Inherited> {
        let doc: &'a oa::OpenAPI = self.doc;
        let schemas = &doc.components.as_ref()?.schemas;
        let mut nullable = false;
        let mut annotations = Annotations::default();
        let mut seen = BTreeSet::new();
        let mut reference = reference;
        loop {
            let name = reference.strip_prefix(super::SCHEMA_PREFIX)?;
            if !seen.insert(name) {
                return None;
            }
            let (key, schema) = schemas.get_key_value(name)?;
            match schema {
                oa::ReferenceOr::Reference { reference: next } => reference = next,
                oa::ReferenceOr::Item(s) => {
                    nullable |= s.schema_data.nullable;
                    annotations.add(&s.schema_data);
                    if let Some(next) = single_ref(s) {
                        reference = next;
                        continue;
                    }
                    let mut found = self.component_constraints(key, s);
                    found.nullable |= nullable;
                    found.annotations = annotations;
                    return Some(found);
                }
            }
        }
    }

    /// The constraints of component `name` (not a `$ref`), read once: reading
    /// compiles its `pattern` and reports one that does not compile.
    pub(super) fn component_constraints(&mut self, name: &str, schema: &oa::Schema) -> Inherited {
        if let Some(found) = self.inherited.get(name) {
            return found.clone();
        }
        let at = push("/components/schemas", name);
        let constraints = if super::refs::is_named_kind(schema) {
            Constraints::default()
        } else {
            self.constraints(schema, &at)
        };
        let mut annotations = Annotations::default();
        annotations.add(&schema.schema_data);
        let found = Inherited {
            constraints,
            nullable: schema.schema_data.nullable,
            pointer: at,
            annotations,
        };
        self.inherited.insert(name.to_owned(), found.clone());
        found
    }

    /// The annotations a property alone takes from a component, refused at
    /// `at` (the `$ref`) where the reference is not a property's.
    fn refuse_annotations(&mut self, found: &Inherited, at: &str, place: &str) {
        let keywords = found.annotations.keywords();
        if keywords.is_empty() {
            return;
        }
        let target = found.pointer.trim_start_matches("/components/schemas/");
        let listed: Vec<String> = keywords.iter().map(|k| format!("`{k}`")).collect();
        self.problems.push(
            Problem::new(
                at.to_owned(),
                RuleId::LintUnsupported,
                format!(
                    "`{target}` has {}, which the kit reads where a property references it; here ({place}) it would be read and not checked",
                    listed.join(", ")
                ),
            )
            .with_help(Some(
                "reference it from a property, or move the keyword to the property that uses it (specs/README.md § Supported OpenAPI 3.0.3)".into(),
            )),
        );
    }

    /// A reference at `at` (the schema holding the `$ref`, or the `allOf`
    /// wrapper's `allOf/0`) that is not a property's, where `place` describes
    /// it: refused when the component has constraints only a property keeps.
    pub(super) fn position_ref(&mut self, reference: &str, at: &str, place: &str) {
        let Some(found) = self.inherited(reference) else {
            return;
        };
        let keywords = found.refused_keywords();
        let target = found.pointer.trim_start_matches("/components/schemas/");
        if !keywords.is_empty() {
            let listed: Vec<String> = keywords.iter().map(|k| format!("`{k}`")).collect();
            self.problems.push(
                Problem::new(
                    push(at, "$ref"),
                    RuleId::LintUnsupported,
                    format!(
                        "`{target}` has {}, which the kit checks where a property references it; here ({place}) it would be read and not checked",
                        listed.join(", ")
                    ),
                )
                .with_help(Some(
                    "reference it from a property, or move the constraint to the property that uses it (specs/README.md § Supported OpenAPI 3.0.3)".into(),
                )),
            );
        } else if let Some(format) = found.position_format() {
            self.problems.push(Problem::new(
                push(at, "$ref"),
                RuleId::LintUncheckedFormat,
                format!(
                    "`{target}` has `format: {format}`, which the kit checks where a property references it; here ({place}) values are not checked against it"
                ),
            ));
        }
    }

    /// [`Self::position_ref`] of a schema that is a `$ref` or the
    /// `allOf: [$ref]` idiom.
    pub(super) fn position_schema<S: std::borrow::Borrow<oa::Schema>>(
        &mut self,
        schema: &oa::ReferenceOr<S>,
        at: &str,
        place: &str,
    ) {
        match schema {
            oa::ReferenceOr::Reference { reference } => self.position_ref(reference, at, place),
            oa::ReferenceOr::Item(s) => {
                if let Some(reference) = single_ref(s.borrow()) {
                    self.position_ref(reference, &push(&push(at, "allOf"), "0"), place);
                }
            }
        }
    }
}
