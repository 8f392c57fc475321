//! Which way each type's values travel: in responses (a partner reads them),
//! in request bodies (a partner sends them), or both. A change to a type is
//! classed for each direction it travels in (narrowing breaks senders,
//! widening breaks readers), and is breaking when it is in either.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{Additional, Field, Spec, Type, TypeDef};

/// The directions a type is used in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Uses {
    pub response: bool,
    pub request: bool,
}

impl Uses {
    /// A type no operation uses is classed as a response type, as before
    /// directions were known (a component kept for partners' models).
    pub(super) const UNUSED: Uses = Uses {
        response: true,
        request: false,
    };

    fn union(self, other: Uses) -> Uses {
        Uses {
            response: self.response || other.response,
            request: self.request || other.request,
        }
    }
}

/// The directions of every named type that `old` or `new` uses.
pub(super) fn of_both(old: &Spec, new: &Spec) -> BTreeMap<String, Uses> {
    let mut uses = of(old);
    for (name, u) in of(new) {
        let entry = uses.entry(name).or_default();
        *entry = entry.union(u);
    }
    uses
}

fn of(spec: &Spec) -> BTreeMap<String, Uses> {
    let mut responses = BTreeSet::new();
    let mut requests = BTreeSet::new();
    for op in &spec.operations {
        for r in &op.responses {
            let headers = r.headers.iter().map(|h| &h.ty);
            for ty in r.body.iter().chain(headers) {
                reach(spec, ty, &mut responses);
            }
        }
        let bodies = op.request_body.iter().flat_map(|b| &b.contents);
        for ty in bodies.filter_map(|c| c.body.as_ref()) {
            reach(spec, ty, &mut requests);
        }
    }
    let mut uses: BTreeMap<String, Uses> = BTreeMap::new();
    for name in responses {
        uses.entry(name).or_default().response = true;
    }
    for name in requests {
        uses.entry(name).or_default().request = true;
    }
    uses
}

/// Adds every named type `ty` reaches (through properties, items, map
/// values and composition members) to `seen`.
fn reach(spec: &Spec, ty: &Type, seen: &mut BTreeSet<String>) {
    let mut stack = vec![ty.clone()];
    while let Some(ty) = stack.pop() {
        match ty {
            Type::Array(item) => stack.push(*item),
            Type::Named(name) => {
                if !seen.insert(name.clone()) {
                    continue;
                }
                match spec.types.get(&name) {
                    Some(TypeDef::Model(m)) => {
                        for f in &m.fields {
                            field_types(f, &mut stack);
                        }
                        if let Additional::Values(f) = &m.additional {
                            field_types(f, &mut stack);
                        }
                    }
                    Some(TypeDef::Constrained(c)) => field_types(&c.field, &mut stack),
                    Some(TypeDef::Enum(_)) | None => {}
                }
            }
            _ => {}
        }
    }
}

fn field_types(f: &Field, stack: &mut Vec<Type>) {
    stack.push(f.ty.clone());
    if let Some(c) = f.constraints.composition.as_deref() {
        stack.extend(c.one_of.iter().chain(&c.any_of).chain(&c.not).cloned());
    }
}
