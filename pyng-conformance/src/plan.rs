//! What the sequence checks look at in a response body: the status field,
//! `x-stable` and `x-monotonic` fields and timeout deadline fields, each as a
//! JSON pointer, and the status enum's compiled state machine. All of it is
//! `pyng_spec::contract`'s; this is the shape the engine reads it in.

pub use crate::checks::sequence::{Observation, observe};
use pyng_spec::contract::ResponseContract;
pub use pyng_spec::contract::{Machine as States, Tracked};
use pyng_spec::ir::{Spec, Type};

#[derive(Debug, Clone, Default)]
/// What the sequence checks read from one documented response's body.
pub struct SequencePlan {
    /// The status field and the enum that carries the state machine.
    pub status: Option<(Tracked, String)>,
    /// `x-stable` fields: never changed within a sequence once present.
    pub stable: Vec<Tracked>,
    /// `x-monotonic` fields: never going back within a sequence.
    pub monotonic: Vec<Tracked>,
    /// Per timeout of the machine (same order): the deadline field, when the
    /// timeout is a `deadlineField` one.
    pub deadlines: Vec<Option<Tracked>>,
    /// The status enum's state machine, compiled.
    pub states: Option<States>,
}

impl SequencePlan {
    /// Whether there is nothing to track for a sequence.
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

impl From<ResponseContract> for SequencePlan {
    fn from(c: ResponseContract) -> SequencePlan {
        let status = match (c.status_tracked, c.status) {
            (Some(t), Some(s)) => Some((t, s.enum_name)),
            _ => None,
        };
        SequencePlan {
            status,
            stable: c.stable,
            monotonic: c.monotonic,
            deadlines: c.deadlines,
            states: c.machine,
        }
    }
}

/// The plan for a success body of type `body`.
pub fn plan(spec: &Spec, body: &Type) -> SequencePlan {
    ResponseContract::of_body(spec, body).into()
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

#[cfg(test)]
mod tests {
    use super::lookup;
    use serde_json::json;

    /// A body whose own status field comes after a nested model with a state
    /// machine of its own: the sequence checks read the body's (the shallowest).
    #[test]
    fn the_plan_tracks_the_shallowest_status_field() {
        let text = include_str!("../../pyng-spec/tests/fixtures/nested-status.yaml");
        let spec = pyng_spec::load_str("nested-status.yaml", text)
            .unwrap()
            .spec;
        let plan = super::plan(&spec, &pyng_spec::ir::Type::Named("Job".into()));
        let (tracked, enum_name) = plan.status.as_ref().unwrap();
        assert_eq!(
            (tracked.pointer.as_str(), enum_name.as_str()),
            ("/status", "JobStatus")
        );
        assert_eq!(&*plan.states.as_ref().unwrap().enum_name, "JobStatus");
        let pointers: Vec<&str> = plan.pointers().collect();
        assert_eq!(
            pointers,
            ["/status", "/inner/deliveryId", "/jobId", "/expiresAt"]
        );
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
