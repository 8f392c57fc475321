//! What the sequence checks look at in a response body, derived once per
//! response from the IR: the state-machine field, `x-stable` and `x-monotonic`
//! fields and timeout deadline fields, each as a JSON pointer.

use std::collections::BTreeSet;
use std::sync::Arc;

use pyng_spec::ir::{Source, Spec, StateMachine, Type, TypeDef, Unit};
use pyng_spec::pointer::push;

/// A field the sequence checks read.
#[derive(Debug, Clone)]
pub struct Tracked {
    pub pointer: String,
    /// `pointer` split into unescaped tokens, once.
    pub tokens: Vec<String>,
    pub name: String,
    pub unit: Option<Unit>,
    pub source: Option<Source>,
}

#[derive(Debug, Clone, Default)]
pub struct SequencePlan {
    /// The status field and the enum that carries the state machine.
    pub status: Option<(Tracked, String)>,
    pub stable: Vec<Tracked>,
    pub monotonic: Vec<Tracked>,
    /// Per timeout of the machine (same order): the deadline field, when the
    /// timeout is a `deadlineField` one.
    pub deadlines: Vec<Option<Tracked>>,
    /// The status enum's state machine, prepared for per-exchange use.
    pub states: Option<States>,
}

/// A state machine over the indices of its enum's values, so that the
/// sequence checks compare small integers instead of looking names up.
#[derive(Debug, Clone)]
pub struct States {
    /// The enum's name: an index is only comparable with another of the same
    /// enum (two responses of one operation may document different ones).
    pub enum_name: Arc<str>,
    /// The enum's documented values; an observed status is an index into them.
    pub values: Vec<String>,
    pub machine: StateMachine,
    /// `final_state[i]`: value `i` is a final state.
    pub final_state: Vec<bool>,
    /// `reach[i * n + j]`: [`StateMachine::may_observe`] from value `i` to `j`.
    reach: Vec<bool>,
    /// Per timeout of the machine: `while_state[t][i]`, value `i` is one of
    /// its `while` states.
    pub while_state: Vec<Vec<bool>>,
}

impl States {
    fn new(enum_name: &str, values: &[String], machine: &StateMachine) -> States {
        let n = values.len();
        let mut reach = vec![false; n * n];
        // One walk per value (what `may_observe` does per pair): the states
        // reachable in one or more transitions, plus the value itself.
        for (i, from) in values.iter().enumerate() {
            let mut seen: BTreeSet<&str> = BTreeSet::new();
            let mut todo = vec![from.as_str()];
            while let Some(s) = todo.pop() {
                for next in machine.transitions.get(s).into_iter().flatten() {
                    if seen.insert(next) {
                        todo.push(next);
                    }
                }
            }
            for (j, to) in values.iter().enumerate() {
                reach[i * n + j] = from == to || seen.contains(to.as_str());
            }
        }
        States {
            enum_name: Arc::from(enum_name),
            final_state: values
                .iter()
                .map(|v| machine.final_states.contains(v))
                .collect(),
            while_state: machine
                .timeouts
                .iter()
                .map(|t| values.iter().map(|v| t.while_states.contains(v)).collect())
                .collect(),
            values: values.to_vec(),
            machine: machine.clone(),
            reach,
        }
    }

    /// The index of a documented value.
    pub fn index(&self, value: &str) -> Option<usize> {
        self.values.iter().position(|v| v == value)
    }

    /// Whether a later poll may observe value `to` after value `from`.
    pub fn may_observe(&self, from: usize, to: usize) -> bool {
        self.reach[from * self.values.len() + to]
    }
}

impl SequencePlan {
    pub fn is_empty(&self) -> bool {
        self.status.is_none() && self.stable.is_empty() && self.monotonic.is_empty()
    }

    /// Every pointer [`crate::checks::sequence::observe`] reads, so that the
    /// body check keeps those values.
    pub fn pointers(&self) -> impl Iterator<Item = &str> {
        let status = self.status.iter().map(|(t, _)| t);
        let deadlines = self.deadlines.iter().flatten();
        status
            .chain(&self.stable)
            .chain(&self.monotonic)
            .chain(deadlines)
            .map(|t| t.pointer.as_str())
    }
}

/// Builds the plan for a response body type.
pub fn plan(spec: &Spec, body: &Type) -> SequencePlan {
    let mut out = SequencePlan::default();
    walk(spec, body, "", &mut out, 0);
    if let Some((status, enum_name)) = &out.status
        && let Some(e) = spec.enum_def(enum_name)
        && let Some(machine) = e.machine.as_ref()
    {
        out.states = Some(States::new(enum_name, &e.values, machine));
        let parent = pyng_spec::pointer::parent(&status.pointer).unwrap_or("");
        let model = model_at(spec, body, parent);
        out.deadlines = machine
            .timeouts
            .iter()
            .map(|t| match &t.limit {
                pyng_spec::ir::TimeoutLimit::DeadlineField(f) => Some(Tracked {
                    pointer: push(parent, f),
                    tokens: pyng_spec::pointer::tokens(&push(parent, f)).unwrap_or_default(),
                    name: f.clone(),
                    unit: model
                        .and_then(|m| spec.model(m))
                        .and_then(|m| m.field(f))
                        .and_then(|f| f.constraints.unit),
                    source: t.source.clone(),
                }),
                pyng_spec::ir::TimeoutLimit::AfterSeconds(_) => None,
            })
            .collect();
    }
    out
}

/// [`serde_json::Value::pointer`] without its allocations (it unescapes every
/// token into a new string): tokens are compared in place unless they contain
/// an escape. Same results on every input.
pub fn lookup<'v>(value: &'v serde_json::Value, pointer: &str) -> Option<&'v serde_json::Value> {
    use serde_json::Value;
    if pointer.is_empty() {
        return Some(value);
    }
    let mut v = value;
    for token in pointer.strip_prefix('/')?.split('/') {
        let unescaped;
        let token = if token.contains('~') {
            unescaped = token.replace("~1", "/").replace("~0", "~");
            unescaped.as_str()
        } else {
            token
        };
        v = match v {
            Value::Object(map) => map.get(token)?,
            Value::Array(items) => {
                if token.starts_with('+') || (token.starts_with('0') && token.len() != 1) {
                    return None;
                }
                items.get(token.parse::<usize>().ok()?)?
            }
            _ => return None,
        };
    }
    Some(v)
}

/// Nested objects only: a value inside an array is not one value per exchange.
const MAX_DEPTH: usize = 8;

fn walk(spec: &Spec, ty: &Type, at: &str, out: &mut SequencePlan, depth: usize) {
    let Type::Named(name) = ty else { return };
    let Some(model) = spec.model(name) else {
        return;
    };
    if depth > MAX_DEPTH {
        return;
    }
    for field in &model.fields {
        let pointer = push(at, &field.wire_name);
        let tracked = || Tracked {
            pointer: pointer.clone(),
            tokens: pyng_spec::pointer::tokens(&pointer).unwrap_or_default(),
            name: field.wire_name.clone(),
            unit: field.constraints.unit,
            source: field.source.clone().or_else(|| model.source.clone()),
        };
        if let Type::Named(enum_name) = &field.ty
            && let Some(TypeDef::Enum(e)) = spec.types.get(enum_name)
            && e.machine.is_some()
            && out.status.is_none()
        {
            let mut t = tracked();
            t.source = e.machine.as_ref().and_then(|m| m.source.clone());
            out.status = Some((t, enum_name.clone()));
        }
        if field.stable {
            out.stable.push(tracked());
        }
        if field.monotonic {
            out.monotonic.push(tracked());
        }
        walk(spec, &field.ty, &pointer, out, depth + 1);
    }
}

/// The name of the model at `pointer` below `ty`.
fn model_at<'a>(spec: &'a Spec, ty: &'a Type, pointer: &str) -> Option<&'a str> {
    let Type::Named(mut name) = ty.clone() else {
        return None;
    };
    for token in pyng_spec::pointer::tokens(pointer)? {
        let field = spec.model(&name)?.field(&token)?;
        match &field.ty {
            Type::Named(n) => name = n.clone(),
            _ => return None,
        }
    }
    spec.model(&name).map(|m| m.name.as_str())
}

#[cfg(test)]
mod tests {
    use super::lookup;
    use serde_json::json;

    /// The reach table says what `StateMachine::may_observe` says, for every
    /// pair of values of every bundled machine and of one with a cycle.
    #[test]
    fn reach_is_may_observe() {
        let engine = crate::Engine::with_bundled_specs().unwrap();
        let mut machines: Vec<(Vec<String>, pyng_spec::ir::StateMachine)> = engine
            .specs()
            .iter()
            .flat_map(|s| s.types.values())
            .filter_map(|t| match t {
                pyng_spec::ir::TypeDef::Enum(e) => e.machine.clone().map(|m| (e.values.clone(), m)),
                _ => None,
            })
            .collect();
        assert!(machines.len() >= 3);
        let mut cyclic = machines[0].1.clone();
        cyclic.transitions = [("a", vec!["b"]), ("b", vec!["c", "a"]), ("d", vec!["d"])]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.into_iter().map(str::to_owned).collect()))
            .collect();
        let values = ["a", "b", "c", "d", "e"].map(str::to_owned).to_vec();
        machines.push((values, cyclic));
        for (values, m) in &machines {
            let states = super::States::new("E", values, m);
            for (i, from) in values.iter().enumerate() {
                for (j, to) in values.iter().enumerate() {
                    assert_eq!(
                        states.may_observe(i, j),
                        m.may_observe(from, to),
                        "{from} -> {to}"
                    );
                }
            }
        }
    }

    #[test]
    fn lookup_is_value_pointer() {
        let v = json!({"a": [1, {"b/c": 2, "d~e": 3, "": 4}], "01": 5});
        for p in [
            "",
            "/a",
            "/a/0",
            "/a/1/b~1c",
            "/a/1/d~0e",
            "/a/1/",
            "/a/01",
            "/a/+1",
            "/a/9",
            "/01",
            "a",
            "/a/0/x",
            "/a/1/b~1c/x",
        ] {
            assert_eq!(lookup(&v, p), v.pointer(p), "{p}");
        }
    }
}
