//! Sequences that begin with a creation: a success response whose OpenAPI
//! `links` name a polled operation opens that operation's sequence for the
//! resource it created (the key is the linked operation's `x-resource-key`
//! values, computed from the link's expressions). What the creation said is
//! kept here; `engine::file_run` joins it to the polls (`link.*` rules).

use pyng_spec::contract::roles::{LinkSource, link_value};
use pyng_spec::ir::{LinkValue, Operation};
use pyng_spec::registry::RuleId;
use serde_json::Value;

use super::Params;
use super::sequence::{At, Observation};
use crate::exchange::Exchange;
use crate::finding::Finding;
use crate::matcher::OpRef;
use crate::plan::{SequencePlan, States, lookup};

/// A creation exchange, as the sequence of the resource it created sees it.
#[derive(Debug, Clone)]
pub(crate) struct Creation {
    /// The linked (polled) operation.
    pub target: OpRef,
    /// The linked operation's `x-resource-key` values, from the link.
    pub key: Vec<Option<String>>,
    /// The linked operation's documented success response, and what the
    /// creation's body says through its plan (its status, when it has one).
    pub observation: Option<(usize, Observation)>,
    /// Values the creation returned at the pointers of the status body's
    /// `x-stable` and deadline fields: the polls must repeat them.
    pub carried: Vec<Carried>,
}

/// One value of the creation's body the status body repeats.
#[derive(Debug, Clone)]
pub(crate) struct Carried {
    /// Its wire name.
    pub name: String,
    pub pointer: String,
    pub value: Value,
}

/// Where the linked operation's resource-key parameters come from.
pub(crate) struct Sources<'a, 'b> {
    pub ex: &'a Exchange<'b>,
    pub params: Params<'a>,
    /// The creation's response body, parsed.
    pub body: &'a Value,
}

/// The first header `name` (case-insensitive) of `headers`.
fn header(
    headers: &[(std::borrow::Cow<'_, str>, std::borrow::Cow<'_, str>)],
    name: &str,
) -> Option<String> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.to_string())
}

/// The recorded exchange as the link expressions read it
/// (`pyng_spec::contract::roles::link_value`, which the live poller follows too).
impl LinkSource for Sources<'_, '_> {
    fn path_param(&self, name: &str) -> Option<String> {
        self.params.get(name).map(str::to_owned)
    }
    fn query_param(&self, name: &str) -> Option<String> {
        self.params.get(name).map(str::to_owned)
    }
    fn request_header(&self, name: &str) -> Option<String> {
        header(&self.ex.request_headers, name)
    }
    fn request_body(&self) -> Option<Value> {
        serde_json::from_slice(&self.ex.request_body).ok()
    }
    fn response_header(&self, name: &str) -> Option<String> {
        header(&self.ex.response_headers, name)
    }
    fn response_body(&self) -> Option<&Value> {
        Some(self.body)
    }
}

/// The key of the linked operation's sequence: each `x-resource-key`
/// parameter's value through the link (`None` when the link does not give it
/// or the exchange lacks it).
pub(crate) fn key(
    target: &Operation,
    parameters: &[(String, LinkValue)],
    sources: &Sources<'_, '_>,
) -> Vec<Option<String>> {
    target
        .resource_key
        .iter()
        .map(|k| {
            parameters
                .iter()
                .find(|(name, _)| name == k)
                .and_then(|(_, v)| link_value(v, sources))
        })
        .collect()
}

/// The values of `body` (the creation's) at the pointers of `plan`'s stable
/// and deadline fields.
pub(crate) fn carried(plan: &SequencePlan, body: &Value) -> Vec<Carried> {
    let deadlines = plan.deadlines.iter().flatten();
    let mut out: Vec<Carried> = Vec::new();
    for t in plan.stable.iter().chain(deadlines) {
        if out.iter().any(|c| c.pointer == t.pointer) {
            continue;
        }
        match lookup(body, &t.pointer) {
            None | Some(Value::Null) => {}
            Some(v) => out.push(Carried {
                name: t.name.clone(),
                pointer: t.pointer.clone(),
                value: v.clone(),
            }),
        }
    }
    out
}

/// What a created resource's sequence holds its polls to.
#[derive(Debug, Clone, Default)]
pub(crate) struct Created {
    pub carried: Vec<Carried>,
    /// Whether the first status (of the creation or a poll) is still to come.
    pub first_status_pending: bool,
}

/// `link.first-state-initial`: `status`, the first the sequence shows, is an
/// `initial` state of its machine.
pub(crate) fn first_state(
    at: &At<'_>,
    states: &States,
    status: usize,
    seen_in: &str,
    out: &mut Vec<Finding>,
) {
    let m = &states.machine;
    let name = states.values[status].as_str();
    if m.initial.is_empty() || m.initial.iter().any(|s| s == name) {
        return;
    }
    let pointer = at
        .plan
        .status
        .as_ref()
        .map_or("", |(t, _)| t.pointer.as_str());
    out.push(at.finding(
        RuleId::LinkFirstStateInitial,
        pointer,
        format!(
            "the created resource's first status ({seen_in}) is {name}, which is not an initial state (initial: {})",
            m.initial.join(", ")
        ),
        m.source.as_ref(),
    ));
}

/// `link.stable-value`: the poll's `body` repeats what the creation
/// returned; a changed value is reported once, then followed.
pub(crate) fn stable_values(
    at: &At<'_>,
    created: &mut Created,
    body: &Value,
    out: &mut Vec<Finding>,
) {
    for c in &mut created.carried {
        match lookup(body, &c.pointer) {
            None | Some(Value::Null) => {}
            Some(v) if *v == c.value => {}
            Some(v) => {
                out.push(at.finding(
                    RuleId::LinkStableValue,
                    &c.pointer,
                    format!(
                        "`{}` is {v} in the status, but the creation returned {}: a value the creation returned stays as it was",
                        c.name, c.value
                    ),
                    None,
                ));
                c.value = v.clone();
            }
        }
    }
}
