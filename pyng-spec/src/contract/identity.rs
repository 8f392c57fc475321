//! The fields a polling sequence compares across responses: `x-stable` fields
//! (never change once present), `x-monotonic` fields (never go back) and the
//! deadline fields of `deadlineField` timeouts, each as a JSON pointer.

use crate::ir::{Source, Spec, StateMachine, TimeoutLimit, Type, Unit};
use crate::pointer::{push, tokens};

use super::status::StatusField;

/// A field of a response body that a sequence rule reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tracked {
    /// JSON pointer to the field in the body.
    pub pointer: String,
    /// `pointer` split into unescaped tokens, once.
    pub tokens: Vec<String>,
    /// The field's wire name.
    pub name: String,
    /// `x-unit`, for timestamps read as instants.
    pub unit: Option<Unit>,
    /// Where the rule that reads it comes from.
    pub source: Option<Source>,
}

impl Tracked {
    fn new(pointer: String, name: &str, unit: Option<Unit>, source: Option<Source>) -> Tracked {
        Tracked {
            tokens: tokens(&pointer).unwrap_or_default(),
            pointer,
            name: name.to_owned(),
            unit,
            source,
        }
    }
}

/// The status field as a tracked field (its source is the state machine's).
pub(super) fn status(field: &StatusField, machine: &StateMachine) -> Tracked {
    Tracked::new(
        field.pointer.clone(),
        &field.name,
        None,
        machine.source.clone(),
    )
}

/// Per timeout of `machine` (same order): its deadline field, beside the
/// status field, when it is a `deadlineField` timeout.
pub(super) fn deadlines(
    spec: &Spec,
    status: &StatusField,
    machine: &StateMachine,
) -> Vec<Option<Tracked>> {
    let model = spec.model(&status.model);
    machine
        .timeouts
        .iter()
        .map(|t| match &t.limit {
            TimeoutLimit::DeadlineField(f) => Some(Tracked::new(
                push(&status.model_pointer, f),
                f,
                model
                    .and_then(|m| m.field(f))
                    .and_then(|f| f.constraints.unit),
                t.source.clone(),
            )),
            TimeoutLimit::AfterSeconds(_) => None,
        })
        .collect()
}

/// The `x-stable` and `x-monotonic` fields below `body`, depth first in spec
/// order through nested objects (a value inside an array is not one value per
/// response); a model inside itself is not walked again.
pub(super) fn stable_and_monotonic(spec: &Spec, body: &Type) -> (Vec<Tracked>, Vec<Tracked>) {
    let mut w = Walk {
        spec,
        path: Vec::new(),
        visits: 0,
        stable: Vec::new(),
        monotonic: Vec::new(),
    };
    w.walk(body, "", 0);
    (w.stable, w.monotonic)
}

/// Nesting levels walked below the body.
const MAX_DEPTH: usize = 8;

/// Models visited per body at most: many fields of one model type nested a
/// few levels deep multiply.
const MAX_VISITS: usize = 4096;

struct Walk<'s> {
    spec: &'s Spec,
    /// The models from the body down to the one being walked.
    path: Vec<&'s str>,
    visits: usize,
    stable: Vec<Tracked>,
    monotonic: Vec<Tracked>,
}

impl<'s> Walk<'s> {
    fn walk(&mut self, ty: &Type, at: &str, depth: usize) {
        let spec = self.spec;
        let Type::Named(name) = spec.value_type(ty) else {
            return;
        };
        let Some(model) = spec.model(name) else {
            return;
        };
        if depth > MAX_DEPTH
            || self.visits >= MAX_VISITS
            || self.path.contains(&model.name.as_str())
        {
            return;
        }
        self.visits += 1;
        self.path.push(&model.name);
        for field in &model.fields {
            let pointer = push(at, &field.wire_name);
            let tracked = || {
                Tracked::new(
                    pointer.clone(),
                    &field.wire_name,
                    field.constraints.unit,
                    field.source.clone().or_else(|| model.source.clone()),
                )
            };
            if field.stable {
                self.stable.push(tracked());
            }
            if field.monotonic {
                self.monotonic.push(tracked());
            }
            self.walk(&field.ty, &pointer, depth + 1);
        }
        self.path.pop();
    }
}
