//! Which field of a response body is its status: the one rule every consumer
//! reads.
//!
//! **Rule:** the shallowest field whose type is an enum with an
//! `x-state-machine`, searched through nested objects only (a value inside an
//! array is not one value per response); among fields at the same depth, the
//! first in spec order (breadth first, each model's fields in order). Two or
//! more candidates at that depth make the spec ambiguous:
//! [`candidates`] returns them all, and the linter refuses the spec
//! (`lint.ambiguous-status-field`).

use std::collections::VecDeque;

use crate::ir::{Spec, Type};
use crate::pointer::push;

/// The status field of a response body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusField {
    /// JSON pointer to the field in the body.
    pub pointer: String,
    /// The field's wire name.
    pub name: String,
    /// The enum that carries the state machine.
    pub enum_name: String,
    /// The model that holds the field.
    pub model: String,
    /// JSON pointer to the instance of `model` in the body.
    pub model_pointer: String,
}

/// Nesting levels searched below the body.
const MAX_DEPTH: usize = 8;

/// Models visited per body at most: a model may hold itself, and many fields
/// of one model type multiply.
const MAX_VISITS: usize = 4096;

/// The status field of a body of type `body`, by the rule above.
pub fn status_field<'a>(spec: &'a Spec, body: &'a Type) -> Option<StatusField> {
    candidates(spec, body).into_iter().next()
}

/// Every field that the rule would pick at the shallowest depth where there
/// is one, in spec order: more than one means the spec is ambiguous.
pub fn candidates<'a>(spec: &'a Spec, body: &'a Type) -> Vec<StatusField> {
    // (model name, its pointer, the models above it)
    let mut level: VecDeque<(&str, String, Vec<&str>)> = VecDeque::new();
    // A response body with constraints of its own is the type it constrains.
    if let Type::Named(name) = spec.value_type(body) {
        level.push_back((name.as_str(), String::new(), Vec::new()));
    }
    let mut visits = 0;
    for _ in 0..=MAX_DEPTH {
        let mut found = Vec::new();
        let mut below = VecDeque::new();
        for (name, at, above) in level {
            let Some(model) = spec.model(name) else {
                continue;
            };
            if above.contains(&model.name.as_str()) || visits >= MAX_VISITS {
                continue;
            }
            visits += 1;
            for field in &model.fields {
                let Type::Named(ty) = &field.ty else { continue };
                let pointer = push(&at, &field.wire_name);
                if spec.enum_def(ty).is_some_and(|e| e.machine.is_some()) {
                    found.push(StatusField {
                        pointer,
                        name: field.wire_name.clone(),
                        enum_name: ty.clone(),
                        model: model.name.clone(),
                        model_pointer: at.clone(),
                    });
                } else if spec.model(ty).is_some() {
                    let mut path = above.clone();
                    path.push(model.name.as_str());
                    below.push_back((ty.as_str(), pointer, path));
                }
            }
        }
        if !found.is_empty() {
            return found;
        }
        if below.is_empty() {
            break;
        }
        level = below;
    }
    Vec::new()
}
