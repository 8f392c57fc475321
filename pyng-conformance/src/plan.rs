//! What the sequence checks look at in a response body, derived once per
//! response from the IR: the state-machine field, `x-stable` and `x-monotonic`
//! fields and timeout deadline fields, each as a JSON pointer.

use std::sync::{Arc, OnceLock};

use foldhash::HashMap;

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
///
/// Linear in the size of the spec: an enum may have tens of thousands of
/// values, so nothing here is a table of value pairs. What a state reaches is
/// worked out the first time a check asks, for states with transitions only.
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
    /// Per timeout of the machine: `while_state[t][i]`, value `i` is one of
    /// its `while` states.
    pub while_state: Vec<Members>,
    /// Value -> the index of its first occurrence.
    index: HashMap<String, usize>,
    /// Per value: the node of its name in `next`.
    node: Vec<usize>,
    /// Direct successors by node: the values' names first, then the names
    /// that only the transitions mention.
    next: Vec<Vec<usize>>,
    /// Per node: the nodes reachable in one or more transitions, a bit set,
    /// filled on first use.
    reach: Vec<OnceLock<Box<[u64]>>>,
}

/// A set of value indices (sorted), read like a `Vec<bool>`.
#[derive(Debug, Clone, Default)]
pub struct Members(Vec<usize>);

impl std::ops::Index<usize> for Members {
    type Output = bool;
    fn index(&self, i: usize) -> &bool {
        if self.0.binary_search(&i).is_ok() {
            &true
        } else {
            &false
        }
    }
}

impl States {
    fn new(enum_name: &str, values: &[String], machine: &StateMachine) -> States {
        let mut nodes: HashMap<&str, usize> = HashMap::default();
        let mut by_name: HashMap<&str, Vec<usize>> = HashMap::default();
        for (i, v) in values.iter().enumerate() {
            let len = nodes.len();
            nodes.entry(v.as_str()).or_insert(len);
            by_name.entry(v.as_str()).or_default().push(i);
        }
        let node: Vec<usize> = values.iter().map(|v| nodes[v.as_str()]).collect();
        for name in machine
            .transitions
            .iter()
            .flat_map(|(f, t)| std::iter::once(f).chain(t))
        {
            let len = nodes.len();
            nodes.entry(name.as_str()).or_insert(len);
        }
        let mut next = vec![Vec::new(); nodes.len()];
        for (from, tos) in &machine.transitions {
            next[nodes[from.as_str()]].extend(tos.iter().map(|t| nodes[t.as_str()]));
        }
        let members = |names: &mut dyn Iterator<Item = &String>| {
            let mut m: Vec<usize> = names
                .filter_map(|n| by_name.get(n.as_str()))
                .flatten()
                .copied()
                .collect();
            m.sort_unstable();
            m.dedup();
            Members(m)
        };
        let finals = members(&mut machine.final_states.iter());
        States {
            enum_name: Arc::from(enum_name),
            final_state: (0..values.len()).map(|i| finals[i]).collect(),
            while_state: machine
                .timeouts
                .iter()
                .map(|t| members(&mut t.while_states.iter()))
                .collect(),
            index: values
                .iter()
                .enumerate()
                .rev()
                .map(|(i, v)| (v.clone(), i))
                .collect(),
            values: values.to_vec(),
            machine: machine.clone(),
            reach: (0..next.len()).map(|_| OnceLock::new()).collect(),
            node,
            next,
        }
    }

    /// The index of a documented value.
    pub fn index(&self, value: &str) -> Option<usize> {
        self.index.get(value).copied()
    }

    /// Whether a later poll may observe value `to` after value `from`: the
    /// same value, or one reachable through one or more transitions.
    pub fn may_observe(&self, from: usize, to: usize) -> bool {
        let (Some(&from), Some(&to)) = (self.node.get(from), self.node.get(to)) else {
            return false;
        };
        if from == to {
            return true;
        }
        if self.next[from].is_empty() {
            return false;
        }
        let row = self.reach[from].get_or_init(|| self.walk(from));
        row[to / 64] & (1 << (to % 64)) != 0
    }

    /// The nodes reachable from `from` in one or more transitions.
    fn walk(&self, from: usize) -> Box<[u64]> {
        let mut seen = vec![0u64; self.next.len().div_ceil(64)];
        let mut todo = vec![from];
        while let Some(s) = todo.pop() {
            for &n in &self.next[s] {
                if seen[n / 64] & (1 << (n % 64)) == 0 {
                    seen[n / 64] |= 1 << (n % 64);
                    todo.push(n);
                }
            }
        }
        seen.into_boxed_slice()
    }

    /// How many reach rows have been worked out (tests: the work is per state
    /// asked about, not per pair of states).
    pub fn reach_rows(&self) -> usize {
        self.reach.iter().filter(|r| r.get().is_some()).count()
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

/// Models visited per plan at most: a model may hold itself, and many fields of
/// one model type nested a few levels deep multiply.
const MAX_VISITS: usize = 4096;

struct Walk<'s> {
    spec: &'s Spec,
    /// The models from the body down to the one being walked.
    path: Vec<&'s str>,
    visits: usize,
}

fn walk(spec: &Spec, ty: &Type, at: &str, out: &mut SequencePlan, depth: usize) {
    let mut w = Walk {
        spec,
        path: Vec::new(),
        visits: 0,
    };
    w.walk(ty, at, out, depth);
}

impl<'s> Walk<'s> {
    fn walk(&mut self, ty: &Type, at: &str, out: &mut SequencePlan, depth: usize) {
        let spec = self.spec;
        let Type::Named(name) = ty else { return };
        let Some(model) = spec.model(name) else {
            return;
        };
        // A model inside itself repeats what its first instance says.
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
            self.walk(&field.ty, &pointer, out, depth + 1);
        }
        self.path.pop();
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
