//! `oneOf`, `anyOf` and `not`: a schema's own keywords lowered as if the
//! composition were not there, and each member lowered to a type of its own
//! that a value is tried against ([`crate::ir::Composition`]).

use openapiv3 as oa;

use super::{Lowerer, pascal};
use crate::ir::{Composition, Discriminator, Type};
use crate::pointer::push;

/// The keys [`split`] takes out of a schema.
const KEYS: [&str; 3] = ["oneOf", "anyOf", "not"];

/// A schema with `oneOf`, `anyOf` or `not`, as the schema without them (so
/// that `type: object` beside `oneOf` is an object) and the members.
pub(super) struct Split {
    pub base: oa::Schema,
    one_of: Vec<oa::ReferenceOr<oa::Schema>>,
    any_of: Vec<oa::ReferenceOr<oa::Schema>>,
    not: Option<oa::ReferenceOr<oa::Schema>>,
}

impl Split {
    /// The members a value is typed by: the `oneOf`'s, else the `anyOf`'s
    /// (empty for a `not` alone).
    pub(super) fn members(&self) -> &[oa::ReferenceOr<oa::Schema>] {
        if self.one_of.is_empty() {
            &self.any_of
        } else {
            &self.one_of
        }
    }
}

/// `None` when `schema` has none of the three keywords.
pub(super) fn split(schema: &oa::Schema) -> Option<Split> {
    let (one_of, any_of, not) = match &schema.schema_kind {
        oa::SchemaKind::OneOf { one_of } => (one_of.clone(), Vec::new(), None),
        oa::SchemaKind::AnyOf { any_of } => (Vec::new(), any_of.clone(), None),
        oa::SchemaKind::Not { not } => (Vec::new(), Vec::new(), Some((**not).clone())),
        oa::SchemaKind::Any(a)
            if !a.one_of.is_empty() || !a.any_of.is_empty() || a.not.is_some() =>
        {
            (
                a.one_of.clone(),
                a.any_of.clone(),
                a.not.as_deref().cloned(),
            )
        }
        _ => return None,
    };
    // The schema read again without the three keys: openapiv3 gives a
    // schema that mixes them with other keywords as "any" and reads its
    // `type` only when they are gone.
    let mut value = serde_json::to_value(schema).ok()?;
    let map = value.as_object_mut()?;
    for key in KEYS {
        map.remove(key);
    }
    let base = serde_json::from_value(value).ok()?;
    Some(Split {
        base,
        one_of,
        any_of,
        not,
    })
}

impl Lowerer<'_> {
    /// The members of `split` (the schema at `at`), each lowered once: a
    /// schema read twice (a property and the component it is) keeps its
    /// first types.
    pub(super) fn composition(&mut self, split: &Split, at: &str) -> Composition {
        if let Some(found) = self.compositions.get(at) {
            return found.clone();
        }
        let one_of = (split.one_of.iter().enumerate())
            .map(|(i, s)| self.member(at, "oneOf", Some(i), s))
            .collect();
        let any_of = (split.any_of.iter().enumerate())
            .map(|(i, s)| self.member(at, "anyOf", Some(i), s))
            .collect();
        let not = split.not.as_ref().map(|s| self.member(at, "not", None, s));
        let found = Composition {
            one_of,
            any_of,
            not,
            discriminator: discriminator(split),
            pointer: at.to_owned(),
        };
        self.compositions.insert(at.to_owned(), found.clone());
        found
    }

    /// Member `i` of `keyword` of the schema at `at`, as an array's items
    /// are lowered (a primitive with constraints is a constrained type).
    fn member(
        &mut self,
        at: &str,
        keyword: &str,
        i: Option<usize>,
        schema: &oa::ReferenceOr<oa::Schema>,
    ) -> Type {
        let mut mat = push(at, keyword);
        if let Some(i) = i {
            mat = push(&mat, &i.to_string());
        }
        let hint = type_hint(&mat);
        let schema = match schema {
            oa::ReferenceOr::Reference { reference } => oa::ReferenceOr::Reference {
                reference: reference.clone(),
            },
            oa::ReferenceOr::Item(s) => oa::ReferenceOr::Item(Box::new(s.clone())),
        };
        let ty = self.lower_schema_ref(&hint, &schema, &mat);
        self.constrained_member(&hint, ty, &schema, &mat)
    }
}

/// The discriminator of `split`, its tags resolved to member indices. The
/// linter refuses a member that is not a component reference and a mapping
/// to a schema that is not a member (`lint/discriminator.rs`); both are
/// left out here.
fn discriminator(split: &Split) -> Option<Discriminator> {
    let d = split.base.schema_data.discriminator.as_ref()?;
    let members = if split.one_of.is_empty() {
        &split.any_of
    } else {
        &split.one_of
    };
    let refs: Vec<Option<&str>> = members
        .iter()
        .map(|m| match m {
            oa::ReferenceOr::Reference { reference } => Some(reference.as_str()),
            oa::ReferenceOr::Item(_) => None,
        })
        .collect();
    let index = |reference: &str| refs.iter().position(|r| *r == Some(reference));
    let mut tags = std::collections::BTreeMap::new();
    let mut mapped = std::collections::BTreeSet::new();
    for (tag, target) in &d.mapping {
        if let Some(i) = index(&mapping_ref(target)) {
            tags.insert(tag.clone(), i);
            mapped.insert(i);
        }
    }
    for (i, reference) in refs.iter().enumerate() {
        if let Some(name) = reference.and_then(|r| r.strip_prefix(COMPONENT))
            && !mapped.contains(&i)
        {
            tags.entry(name.to_owned()).or_insert(i);
        }
    }
    Some(Discriminator {
        property: d.property_name.clone(),
        tags,
    })
}

/// Where a component schema's references point.
pub(crate) const COMPONENT: &str = "#/components/schemas/";

/// A `mapping` value as a reference: a bare name is a component's.
pub(crate) fn mapping_ref(target: &str) -> String {
    if target.contains('#') || target.contains('/') {
        target.to_owned()
    } else {
        format!("{COMPONENT}{target}")
    }
}

/// The name of a type, from where its schema stands:
/// `/components/schemas/Pet/oneOf/0` -> `PetOneOf0`.
pub(crate) fn type_hint(at: &str) -> String {
    const SKIPPED: [&str; 8] = [
        "components",
        "schemas",
        "paths",
        "properties",
        "content",
        "schema",
        "responses",
        "application/json",
    ];
    const METHODS: [&str; 8] = [
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];
    crate::pointer::tokens(at)
        .unwrap_or_default()
        .iter()
        .filter(|s| !SKIPPED.contains(&s.as_str()) && !METHODS.contains(&s.as_str()))
        .map(|s| pascal(s))
        .collect()
}
