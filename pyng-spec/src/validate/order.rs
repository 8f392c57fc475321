//! The rules of a model in their one fixed order, which is also the order their
//! findings come out: per field (in spec order) its `deprecated`/`writeOnly`
//! marks, its value's own findings (or its absence, `schema.required`) and then
//! its `x-presence`; the undocumented
//! properties, or a map's values (in the body's key order); `x-outcome`; the `x-invariants` in spec
//! order. The DOM validator runs the phases in this order, the streaming one
//! sorts by them, and the codegen core emits `check()` in it.

use super::Direction;
use crate::ir::{Field, Model};

/// One rule phase of a model instance. The derived order is the report order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Phase {
    /// Field `index` of the model.
    Field { index: usize, rule: FieldRule },
    /// `schema.undocumented-property`, for every key the model does not
    /// document; of a map, the rules of each such key's value; then
    /// `minProperties`/`maxProperties`.
    Undocumented,
    /// `x-outcome`.
    Outcome,
    /// Entry `index` of `x-invariants`.
    Invariant(usize),
}

/// The rules of one field, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum FieldRule {
    /// `deprecated`/`writeOnly`: the field has a value (present, not null).
    Marked,
    /// The value's own rules (schema, and everything inside it), or
    /// `schema.required` when it is missing.
    Value,
    /// The field's `x-presence`.
    Presence,
}

impl Phase {
    pub(crate) fn value(index: usize) -> Phase {
        Phase::Field {
            index,
            rule: FieldRule::Value,
        }
    }

    pub(crate) fn marked(index: usize) -> Phase {
        Phase::Field {
            index,
            rule: FieldRule::Marked,
        }
    }

    pub(crate) fn presence(index: usize) -> Phase {
        Phase::Field {
            index,
            rule: FieldRule::Presence,
        }
    }
}

/// The phases `m` has in a response, in order.
pub(crate) fn phases(m: &Model) -> impl Iterator<Item = Phase> + '_ {
    phases_in(m, Direction::Response)
}

/// Whether `f` has a [`FieldRule::Marked`] phase in a body going `direction`:
/// `deprecated` either way, `writeOnly` in a response, `readOnly` in a request.
pub(crate) fn is_marked(f: &Field, direction: Direction) -> bool {
    f.deprecated
        || match direction {
            Direction::Response => f.write_only,
            Direction::Request => f.read_only,
        }
}

/// The phases `m` has in a body going `direction`, in order.
pub(crate) fn phases_in(m: &Model, direction: Direction) -> impl Iterator<Item = Phase> + '_ {
    let fields = m.fields.iter().enumerate().flat_map(move |(i, f)| {
        let marked = is_marked(f, direction).then(|| Phase::marked(i));
        let presence = f.presence.is_some().then(|| Phase::presence(i));
        marked
            .into_iter()
            .chain(std::iter::once(Phase::value(i)))
            .chain(presence)
    });
    let outcome = m.outcome.is_some().then_some(Phase::Outcome);
    let invariants = (0..m.invariants.len()).map(Phase::Invariant);
    fields
        .chain(std::iter::once(Phase::Undocumented))
        .chain(outcome)
        .chain(invariants)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The iteration order and the sort order are the same order.
    #[test]
    fn phases_come_sorted() {
        let spec = crate::validate::stream::transaction_status_spec();
        let mut checked = 0;
        for def in spec.types.values() {
            if let crate::ir::TypeDef::Model(m) = def {
                let listed: Vec<Phase> = phases(m).collect();
                let mut sorted = listed.clone();
                sorted.sort();
                assert_eq!(listed, sorted, "{}", m.name);
                assert_eq!(
                    listed.len(),
                    m.fields.len()
                        + m.fields.iter().filter(|f| f.presence.is_some()).count()
                        + m.fields
                            .iter()
                            .filter(|f| f.deprecated || f.write_only)
                            .count()
                        + 1
                        + usize::from(m.outcome.is_some())
                        + m.invariants.len()
                );
                checked += usize::from(!m.invariants.is_empty());
            }
        }
        assert!(checked > 0, "no model with invariants in the spec");
    }
}
