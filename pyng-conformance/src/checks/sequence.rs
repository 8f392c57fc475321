//! `state.*` and `identity.stable` across a polling sequence: exchanges of one
//! operation on one resource (`x-resource-key`), in time order. Each exchange is
//! reduced to a small [`Observation`], so a sequence's state stays a few values
//! however long it is.

use pyng_spec::registry::RuleId;
use std::sync::Arc;

use pyng_spec::contract::{Clocks, timeouts};
use pyng_spec::ir::{TimeoutLimit, Unit};
use pyng_spec::validate::stream::Streamed;
use serde_json::Value;
use smallvec::SmallVec;

use crate::finding::Finding;
use crate::plan::{SequencePlan, States, Tracked, lookup};

/// What one successful response says about the resource. Small and inline
/// (no allocation for the usual few fields): it is kept per exchange until
/// the sequence checks, and its parts per open sequence.
#[derive(Debug, Clone, Default)]
pub struct Observation {
    /// When the exchange was recorded (Unix ms), if known.
    pub time_ms: Option<i128>,
    /// A documented value of the state-machine enum, as its index in
    /// [`States::values`].
    pub status: Option<usize>,
    /// Per `plan.stable`: the value when present and not null.
    pub stable: SmallVec<[Option<Stable>; 2]>,
    /// Per `plan.monotonic`: the value as Unix milliseconds (or the raw integer).
    pub monotonic: SmallVec<[Option<i128>; 2]>,
    /// Per `plan.deadlines`: the deadline as Unix milliseconds.
    pub deadlines: SmallVec<[Option<i128>; 2]>,
}

/// A stable field's value: a string (the usual id) inline when short, any
/// other value as it is. Equal exactly when the JSON values are.
#[derive(Debug, Clone, PartialEq)]
pub enum Stable {
    /// UTF-8 text, always (built from a `&str`).
    Str(SmallVec<[u8; 32]>),
    Other(Value),
}

impl std::fmt::Display for Stable {
    /// As the JSON value (a string quoted and escaped).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stable::Str(bytes) => {
                let text = std::str::from_utf8(bytes).unwrap_or_default();
                write!(f, "{}", Value::String(text.to_owned()))
            }
            Stable::Other(v) => write!(f, "{v}"),
        }
    }
}

/// A response body the sequence checks read values from: a parsed one, or what
/// the streaming body check kept of it (the plan's pointers).
pub trait Body {
    /// The value at `t`: a string as text, anything else as a `Value`.
    fn text_at(&self, t: &Tracked) -> Option<Result<&str, Value>>;
}

impl Body for Value {
    fn text_at(&self, t: &Tracked) -> Option<Result<&str, Value>> {
        let v = lookup(self, &t.pointer)?;
        Some(v.as_str().ok_or_else(|| v.clone()))
    }
}

impl Body for Streamed<'_> {
    fn text_at(&self, t: &Tracked) -> Option<Result<&str, Value>> {
        self.text_at(&t.tokens)
    }
}

/// What `body` says, into `out` (an empty observation: filled in place).
pub fn observe<B: Body + ?Sized>(
    plan: &SequencePlan,
    body: &B,
    time_ms: Option<i128>,
    out: &mut Observation,
) {
    let status = match (&plan.status, &plan.states) {
        (Some((t, _)), Some(states)) => match body.text_at(t) {
            Some(Ok(s)) => states.index(s),
            _ => None,
        },
        _ => None,
    };
    // A deadline is read only while its timeout applies (its `while`
    // states): no check looks at it otherwise.
    let applies = |i: usize| match (status, &plan.states) {
        (Some(s), Some(states)) => states.is_while(i, s),
        _ => false,
    };
    out.time_ms = time_ms;
    out.status = status;
    // At most one allocation each (none for the usual two or fewer).
    out.stable.reserve(plan.stable.len());
    out.monotonic.reserve(plan.monotonic.len());
    out.deadlines.reserve(plan.deadlines.len());
    for t in &plan.stable {
        out.stable.push(match body.text_at(t) {
            Some(Ok(s)) => Some(Stable::Str(SmallVec::from_slice(s.as_bytes()))),
            None | Some(Err(Value::Null)) => None,
            Some(Err(other)) => Some(Stable::Other(other)),
        });
    }
    for t in &plan.monotonic {
        out.monotonic.push(instant(t, body));
    }
    for (i, t) in plan.deadlines.iter().enumerate() {
        let applies = t.as_ref().filter(|_| applies(i));
        out.deadlines.push(applies.and_then(|t| instant(t, body)));
    }
}

/// A timestamp field as Unix milliseconds, by its unit; values that do not
/// parse are skipped (their format is a `schema.*` finding already).
fn instant<B: Body + ?Sized>(t: &Tracked, body: &B) -> Option<i128> {
    // Read in place: only a stable value is copied out of the body.
    match body.text_at(t)? {
        Ok(s) => pyng_spec::validate::parse_rfc3339(s),
        Err(Value::Number(n)) => match t.unit {
            Some(Unit::UnixSeconds) => n.as_i64().map(|s| i128::from(s) * 1000),
            _ => n.as_i64().map(i128::from),
        },
        Err(_) => None,
    }
}

/// The running state of one sequence.
#[derive(Debug, Clone, Default)]
pub(crate) struct SequenceState {
    pub exchanges: usize,
    /// The last status: its enum and its index in that enum's
    /// [`States::values`].
    last_status: Option<(Arc<str>, usize)>,
    /// Per timeout: when the resource's stay in its `while` states began.
    clocks: Clocks,
    /// Per timeout: already reported, so a long stall is one finding.
    timed_out: SmallVec<[bool; 4]>,
    stable: SmallVec<[Option<Stable>; 2]>,
    monotonic: SmallVec<[Option<i128>; 2]>,
    pub last_time: Option<i128>,
    /// The client's side: how it polls (`client.*`).
    pub client: super::client::ClientState,
    /// When a recorded creation made the resource: its first status's
    /// timeouts count from then, though the creation's body has no status.
    pub created_ms: Option<i128>,
    /// Set by a recorded creation: what the polls are held to (`link.*`).
    pub created: Option<super::links::Created>,
}

/// Context for the findings of one observation.
#[derive(Debug)]
pub(crate) struct At<'a> {
    pub plan: &'a SequencePlan,
    pub interval_seconds: u64,
    /// The file, exchange and operation the findings are about (a finding is
    /// only built when there is one).
    pub file: &'a str,
    pub entry: Option<usize>,
    pub operation: &'a str,
}

impl At<'_> {
    pub(crate) fn finding(
        &self,
        rule: RuleId,
        pointer: &str,
        message: String,
        source: Option<&pyng_spec::ir::Source>,
    ) -> Finding {
        let mut f = Finding::of(rule, self.file, message);
        f.entry = self.entry;
        f.operation = Some(self.operation.to_owned());
        f.pointer = Some(pointer.to_owned());
        f.with_source(source)
    }
}

impl SequenceState {
    /// The last status seen: its enum and its index in that enum's values.
    pub(crate) fn last_status(&self) -> Option<(Arc<str>, usize)> {
        self.last_status.clone()
    }

    pub(crate) fn update(&mut self, at: &At<'_>, obs: &Observation, out: &mut Vec<Finding>) {
        if let Some(t) = obs.time_ms {
            self.last_time = Some(self.last_time.map_or(t, |l| l.max(t)));
        }
        if let (Some((tracked, _)), Some(states), Some(status)) =
            (&at.plan.status, &at.plan.states, obs.status)
        {
            // A status of another enum (another response of the operation
            // documents another machine) starts afresh: neither the last value
            // nor the timeouts' clocks compare with it.
            let same_enum = self.last_status.as_ref().is_some_and(|(e, _)| {
                Arc::ptr_eq(e, &states.enum_name) || **e == *states.enum_name
            });
            if !same_enum {
                self.last_status = None;
                self.clocks.reset();
                self.timed_out.clear();
            }
            self.transition(at, tracked, states, status, out);
            self.timeouts(at, tracked, states, status, obs, out);
            match &mut self.last_status {
                Some((_, last)) => *last = status,
                None => self.last_status = Some((states.enum_name.clone(), status)),
            }
        }
        self.stable.resize(at.plan.stable.len(), None);
        for ((t, prev), cur) in at.plan.stable.iter().zip(&mut self.stable).zip(&obs.stable) {
            let Some(cur) = cur else { continue };
            match prev {
                Some(p) if p != cur => {
                    out.push(at.finding(
                        RuleId::IdentityStable,
                        &t.pointer,
                        format!(
                            "`{}` changed within the sequence: {p} before, {cur} now",
                            t.name
                        ),
                        t.source.as_ref(),
                    ));
                    *prev = Some(cur.clone());
                }
                Some(_) => {}
                None => *prev = Some(cur.clone()),
            }
        }
        self.monotonic.resize(at.plan.monotonic.len(), None);
        for ((t, prev), cur) in at
            .plan
            .monotonic
            .iter()
            .zip(&mut self.monotonic)
            .zip(&obs.monotonic)
        {
            let Some(cur) = *cur else { continue };
            if let Some(p) = *prev
                && cur < p
            {
                out.push(at.finding(
                    RuleId::StateMonotonic,
                    &t.pointer,
                    format!(
                        "`{}` went back in time by {} ms within the sequence",
                        t.name,
                        p - cur
                    ),
                    t.source.as_ref(),
                ));
            }
            *prev = Some(cur);
        }
    }

    fn transition(
        &self,
        at: &At<'_>,
        t: &Tracked,
        states: &States,
        to: usize,
        out: &mut Vec<Finding>,
    ) {
        let Some((_, from)) = self.last_status else {
            return;
        };
        let m = &states.machine;
        let name = |i: usize| states.values[i].as_str();
        if states.may_correct(from, to) {
            out.push(at.finding(
                RuleId::StateCorrection,
                &t.pointer,
                format!(
                    "`{}` is {} after {}, which only a documented correction out of a final state explains (`x-state-machine.corrections`)",
                    t.name,
                    name(to),
                    name(from)
                ),
                m.source.as_ref(),
            ));
        } else if states.is_final(from) && from != to {
            out.push(at.finding(
                RuleId::StateFinalStateLeft,
                &t.pointer,
                format!(
                    "`{}` is {} after the final state {}: a final state is never left",
                    t.name,
                    name(to),
                    name(from)
                ),
                m.source.as_ref(),
            ));
        } else if !states.may_observe(from, to) {
            let (from, to) = (name(from), name(to));
            out.push(at.finding(
                RuleId::StateInvalidTransition,
                &t.pointer,
                format!(
                    "`{}` went from {from} to {to}, which is not reachable from {from} (allowed next: {})",
                    t.name,
                    m.transitions.get(from).map(|v| v.join(", ")).unwrap_or_default()
                ),
                m.source.as_ref(),
            ));
        }
    }

    fn timeouts(
        &mut self,
        at: &At<'_>,
        t: &Tracked,
        states: &States,
        status: usize,
        obs: &Observation,
        out: &mut Vec<Finding>,
    ) {
        let m = &states.machine;
        if let Some(created) = self.created_ms.take()
            && self.last_status.is_none()
        {
            self.clocks.observe(states, status, Some(created));
        }
        self.clocks.observe(states, status, obs.time_ms);
        self.timed_out.resize(m.timeouts.len(), false);
        let tolerance_ms = i128::from(at.interval_seconds) * 1000;
        for (i, timeout) in m.timeouts.iter().enumerate() {
            let (Some(now), Some(since)) = (obs.time_ms, self.clocks.since(i)) else {
                continue;
            };
            if self.timed_out[i] {
                continue;
            }
            let deadline = obs.deadlines.get(i).copied().flatten();
            let Some(due) = timeouts::due(timeout, since, deadline) else {
                continue;
            };
            if !timeouts::is_late(due, now, tolerance_ms) {
                continue;
            }
            let status = states.values[status].as_str();
            // Only worded when late.
            let expected = || {
                if timeout.becomes.is_empty() {
                    m.final_states
                        .iter()
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(" or ")
                } else {
                    timeout.becomes.join(" or ")
                }
            };
            let message = match &timeout.limit {
                TimeoutLimit::AfterSeconds(limit) => format!(
                    "`{}` is still {status} {} s after it was first seen in {}; the limit is {limit} s (+{} s polling tolerance) and it should have become {}",
                    t.name,
                    (now - since) / 1000,
                    timeout.while_states.join("/"),
                    at.interval_seconds,
                    expected()
                ),
                TimeoutLimit::DeadlineField(field) => format!(
                    "`{}` is still {status} {} s after its `{field}` (+{} s polling tolerance); it should have become {}",
                    t.name,
                    (now - due) / 1000,
                    at.interval_seconds,
                    expected()
                ),
            };
            self.timed_out[i] = true;
            out.push(at.finding(
                RuleId::StateTimeout,
                &t.pointer,
                format!("timeout `{}`: {message}", timeout.id),
                timeout.source.as_ref().or(m.source.as_ref()),
            ));
        }
    }
}
