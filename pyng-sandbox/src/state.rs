//! Per-resource polling state. Everything a response depends on is here and is a
//! function of the sequence of requests (and, for timeouts, of the sandbox clock),
//! so runs are reproducible.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use pyng_spec::contract::{Clocks, Machine};
use pyng_spec::ir::TimeoutLimit;

use crate::faults::{Fault, FaultKind};
use crate::scenario::{Scenario, Schedule};

/// One polled resource: an operation plus the values of its `x-resource-key`.
#[derive(Debug)]
pub(crate) struct Resource {
    pub scenario: Scenario,
    pub schedule: Schedule,
    pub seed: u64,
    /// Per timeout: when the resource's stay in its `while` states began.
    clocks: Clocks,
    /// Deadline of `deadlineField` timeouts.
    pub deadline_ms: i64,
    /// Field values fixed for the resource (see `OpPlan::pinned`).
    pub pinned: BTreeMap<String, Value>,
    /// Successful polls so far (the schedule position).
    polls: u64,
    /// Served states, consecutive duplicates collapsed.
    history: Vec<String>,
    pub changed_ms: i64,
    timed_out: Option<String>,
    fault_done: bool,
    /// Requests so far, including ones a fault answered.
    requests: u64,
}

/// What one request gets.
#[derive(Debug, Clone)]
pub(crate) struct Step {
    /// The status value to serve.
    pub state: String,
    /// Index of the request in the resource's sequence.
    pub request: u64,
    /// The fault acting on this response (body faults act on every response).
    pub fault: Option<Fault>,
    /// The id of the timeout that moved the resource on this request.
    pub timeout: Option<String>,
}

impl Resource {
    /// A resource in its initial state from `created_ms` on.
    pub(crate) fn new(
        machine: &Machine,
        scenario: Scenario,
        schedule: Schedule,
        seed: u64,
        created_ms: i64,
        ttl_ms: i64,
        pinned: BTreeMap<String, Value>,
    ) -> Resource {
        let mut clocks = Clocks::default();
        if let Some(initial) = schedule.path.first().and_then(|s| machine.index(s)) {
            clocks.observe(machine, initial, Some(i128::from(created_ms)));
        }
        Resource {
            scenario,
            schedule,
            seed,
            clocks,
            deadline_ms: created_ms.saturating_add(ttl_ms),
            pinned,
            polls: 0,
            history: Vec::new(),
            changed_ms: created_ms,
            timed_out: None,
            fault_done: false,
            requests: 0,
        }
    }

    fn record(&mut self, machine: &Machine, state: &str, now_ms: i64) {
        if let Some(i) = machine.index(state) {
            self.clocks.observe(machine, i, Some(i128::from(now_ms)));
        }
        if self.history.last().map(String::as_str) != Some(state) {
            self.history.push(state.to_owned());
            // max: the clock never goes back, but keep `x-monotonic` fields safe.
            self.changed_ms = self.changed_ms.max(now_ms);
        }
    }

    /// The state of the next request, advancing the schedule.
    pub(crate) fn step(&mut self, machine: &Machine, now_ms: i64) -> Step {
        let request = self.requests;
        self.requests += 1;
        let fault = self.scenario.fault;
        let is_final = |s: &str| machine.index(s).is_some_and(|i| machine.is_final(i));
        if let Some(f) = fault
            && !self.fault_done
        {
            match (f.kind(), f) {
                // The client gets no usable state: the schedule does not move.
                (
                    FaultKind::Transport,
                    Fault::ServerError
                    | Fault::RateLimited
                    | Fault::Unavailable
                    | Fault::MalformedJson,
                ) => {
                    self.fault_done = true;
                    let state = self.peek();
                    return Step {
                        state,
                        request,
                        fault: Some(f),
                        timeout: None,
                    };
                }
                (FaultKind::Transport, _) => {
                    // `slow`: a normal response, late.
                    self.fault_done = true;
                    let mut step = self.advance(machine, now_ms);
                    step.request = request;
                    step.fault = Some(f);
                    return step;
                }
                (_, Fault::StateRegression) => {
                    let non_final: Vec<&String> =
                        self.history.iter().filter(|s| !is_final(s)).collect();
                    if let (Some(last), Some(first)) = (self.history.last(), non_final.first())
                        && !is_final(last)
                        && non_final.len() >= 2
                        && *first != last
                    {
                        let state = (*first).clone();
                        self.fault_done = true;
                        self.record(machine, &state, now_ms);
                        return Step {
                            state,
                            request,
                            fault: Some(f),
                            timeout: None,
                        };
                    }
                }
                (_, Fault::LeaveFinal) => {
                    let earlier = self.history.iter().rev().find(|s| !is_final(s)).cloned();
                    if let (Some(last), Some(state)) = (self.history.last(), earlier)
                        && is_final(last)
                    {
                        self.fault_done = true;
                        self.record(machine, &state, now_ms);
                        return Step {
                            state,
                            request,
                            fault: Some(f),
                            timeout: None,
                        };
                    }
                }
                _ => {}
            }
        }
        let mut step = self.advance(machine, now_ms);
        step.request = request;
        if fault.is_some_and(|f| f.kind() == FaultKind::Body) {
            step.fault = fault;
        }
        step
    }

    fn peek(&self) -> String {
        self.timed_out
            .clone()
            .unwrap_or_else(|| self.schedule.state_at(self.polls).to_owned())
    }

    fn advance(&mut self, machine: &Machine, now_ms: i64) -> Step {
        let mut state = self.schedule.state_at(self.polls).to_owned();
        let mut timeout = None;
        if let Some(t) = &self.timed_out {
            state = t.clone();
        } else if let Some((id, next)) = self.fired_timeout(machine, &state, now_ms) {
            self.timed_out = Some(next.clone());
            state = next;
            timeout = Some(id);
        }
        self.polls = self.polls.saturating_add(1);
        self.record(machine, &state, now_ms);
        Step {
            state,
            request: 0,
            fault: None,
            timeout,
        }
    }

    /// The first timeout of the machine that has come due for `state`, and the
    /// state it moves to: its first `becomes` state observable from where the
    /// resource is; with no `becomes` (the spec then allows any final state),
    /// the first observable final state. A timeout is due by
    /// `pyng_spec::contract::timeouts`: counted from the resource's entry into
    /// its `while` states (the initial state at creation), or at the deadline
    /// the resource's responses show.
    fn fired_timeout(
        &mut self,
        machine: &Machine,
        state: &str,
        now_ms: i64,
    ) -> Option<(String, String)> {
        let index = machine.index(state)?;
        let now = i128::from(now_ms);
        self.clocks.observe(machine, index, Some(now));
        let from = self.history.last().map(String::as_str).unwrap_or(state);
        for (i, t) in machine.machine.timeouts.iter().enumerate() {
            let deadline = match t.limit {
                TimeoutLimit::DeadlineField(_) => Some(i128::from(self.deadline_ms)),
                TimeoutLimit::AfterSeconds(_) => None,
            };
            if self
                .clocks
                .due(machine, i, deadline)
                .is_none_or(|due| now < due)
            {
                continue;
            }
            let observable = |s: &&String| {
                machine.may_observe_names(from, s) && machine.may_observe_names(state, s)
            };
            let next = if t.becomes.is_empty() {
                machine
                    .machine
                    .final_states
                    .iter()
                    .find(observable)
                    .cloned()
            } else {
                t.becomes.iter().find(observable).cloned()
            };
            if let Some(next) = next {
                return Some((t.id.clone(), next));
            }
        }
        None
    }
}

/// A resource made by a creation operation (`roles::Creation`): its creation time
/// anchors the timeouts of the resources whose key contains its id.
#[derive(Debug, Clone)]
pub(crate) struct Created {
    pub created_ms: i64,
    /// Fields of the create request shown in later status bodies (e.g. `orderId`).
    pub fields: BTreeMap<String, Value>,
}

/// All mutable sandbox state, behind one mutex (requests are short).
#[derive(Debug, Default)]
pub(crate) struct Store {
    pub resources: HashMap<(usize, Vec<String>), Resource>,
    pub created: HashMap<String, Created>,
    /// Issued bearer token -> expiry (sandbox ms).
    pub tokens: HashMap<String, i64>,
    pub issued: u64,
    pub created_counter: u64,
    /// `x-idempotency`: (plan index, key) -> the first call's answer.
    pub first_calls: HashMap<(usize, String), crate::idempotency::FirstCall>,
}

impl Store {
    /// Keeps memory bounded under arbitrary ids: when a map is full, it is emptied
    /// (sequences then restart, which only an abusive client will notice).
    pub(crate) fn make_room(&mut self, max: usize) {
        if self.resources.len() >= max {
            self.resources.clear();
        }
        if self.created.len() >= max {
            self.created.clear();
        }
        if self.first_calls.len() >= max {
            self.first_calls.clear();
        }
        if self.tokens.len() >= max {
            self.tokens.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::OpPlan;

    fn job_machine() -> Machine {
        let text = include_str!("../../pyng-spec/tests/fixtures/nested-status.yaml");
        let spec = pyng_spec::load_str("nested-status.yaml", text)
            .unwrap()
            .spec;
        let plan = OpPlan::new(0, &spec, &spec.operations[0]);
        plan.status.unwrap().machine
    }

    fn resource(machine: &Machine, scenario: &str, created_ms: i64) -> Resource {
        let scenario = Scenario::parse_strict(scenario, &machine.values).unwrap();
        let schedule = scenario.schedule(machine).unwrap();
        // A deadline far away: only `work-limit` (60 s in Working) may fire.
        let ttl = 1_000_000_000;
        Resource::new(
            machine,
            scenario,
            schedule,
            0,
            created_ms,
            ttl,
            BTreeMap::new(),
        )
    }

    /// `work-limit` is 60 s in Working: counted from the poll that first served
    /// Working, not from the resource's creation.
    #[test]
    fn an_after_seconds_timeout_counts_from_the_entry_into_its_while_state() {
        let m = job_machine();
        let mut r = resource(&m, "expire.via-working", 0);
        assert_eq!(r.step(&m, 0).state, "Open");
        let entered = r.step(&m, 50_000);
        assert_eq!((entered.state.as_str(), entered.timeout), ("Working", None));
        // 100 s after creation, 50 s in Working: not yet.
        let s = r.step(&m, 100_000);
        assert_eq!((s.state.as_str(), s.timeout), ("Working", None));
        let s = r.step(&m, 110_000);
        assert_eq!(s.state, "Failed");
        assert_eq!(s.timeout.as_deref(), Some("work-limit"));
        // Once fired, the resource stays where the timeout took it.
        assert_eq!(r.step(&m, 500_000).state, "Failed");
    }

    /// The initial state is entered at creation: a timeout on it counts from
    /// then, however late the first poll comes.
    #[test]
    fn the_initial_state_is_entered_at_creation() {
        let m = job_machine();
        let mut r = resource(&m, "expire", 0);
        r.deadline_ms = 30_000;
        assert_eq!(r.step(&m, 10_000).state, "Open");
        let s = r.step(&m, 30_000);
        assert_eq!(s.state, "Failed");
        assert_eq!(s.timeout.as_deref(), Some("offer-expiry"));
    }
}
