//! When each timeout of a state machine is due. A timeout's clock starts at the
//! first observation of the resource in one of its `while` states and stops
//! when the resource leaves them; an `afterSeconds` timeout is due that many
//! seconds after the clock started, a `deadlineField` one at the instant the
//! response's field names. The checker (late past due plus a polling
//! tolerance), the live countdown and the sandbox (fires once due) all read
//! [`due`] through [`Clocks`].

use std::time::Duration;

use smallvec::SmallVec;

use super::Machine;
use crate::ir::{Spec, StateMachine, Timeout, TimeoutLimit};

/// Per timeout of one machine: when the resource's current stay in the
/// timeout's `while` states began (Unix milliseconds).
#[derive(Debug, Clone, Default)]
pub struct Clocks {
    since: SmallVec<[Option<i128>; 2]>,
}

impl Clocks {
    /// Takes one observation of value `state` at `now_ms` (`None`: the time is
    /// unknown, so no clock starts, but leaving a `while` state still stops
    /// its clock).
    pub fn observe(&mut self, machine: &Machine, state: usize, now_ms: Option<i128>) {
        self.since.resize(machine.machine.timeouts.len(), None);
        for (t, since) in self.since.iter_mut().enumerate() {
            if !machine.is_while(t, state) {
                *since = None;
            } else if let Some(now) = now_ms {
                since.get_or_insert(now);
            }
        }
    }

    /// When the clock of timeout `t` started, while it runs.
    pub fn since(&self, t: usize) -> Option<i128> {
        self.since.get(t).copied().flatten()
    }

    /// Stops every clock (the resource is now read against another machine).
    pub fn reset(&mut self) {
        self.since.clear();
    }

    /// When timeout `t` of `machine` is due, while its clock runs; `deadline_ms`
    /// is the value of its `deadlineField` in the last response, if any.
    pub fn due(&self, machine: &Machine, t: usize, deadline_ms: Option<i128>) -> Option<i128> {
        let timeout = machine.machine.timeouts.get(t)?;
        due(timeout, self.since(t)?, deadline_ms)
    }

    /// The timeout due first among those whose clocks run: its index and when.
    pub fn next_due(
        &self,
        machine: &Machine,
        deadline_ms: impl Fn(usize) -> Option<i128>,
    ) -> Option<(usize, i128)> {
        (0..machine.machine.timeouts.len())
            .filter_map(|t| Some((t, self.due(machine, t, deadline_ms(t))?)))
            .min_by_key(|&(t, at)| (at, t))
    }
}

/// When `timeout` is due for a resource first seen in its `while` states at
/// `since_ms`: `afterSeconds` later, or at the response's deadline
/// (`deadline_ms`, `None` when the field is absent or unreadable).
pub fn due(timeout: &Timeout, since_ms: i128, deadline_ms: Option<i128>) -> Option<i128> {
    match &timeout.limit {
        TimeoutLimit::AfterSeconds(s) => Some(since_ms.saturating_add(i128::from(*s) * 1000)),
        TimeoutLimit::DeadlineField(_) => deadline_ms,
    }
}

/// Whether an observation at `now_ms` is late for a timeout due at `due_ms`:
/// more than `tolerance_ms` (the polling interval) past it.
pub fn is_late(due_ms: i128, now_ms: i128, tolerance_ms: i128) -> bool {
    now_ms > due_ms.saturating_add(tolerance_ms)
}

/// The longest `afterSeconds` limit of any timeout of any state machine in
/// `specs` (`Duration::ZERO` when there is none). A `deadlineField` timeout
/// is due at an instant its response names, so it has no length of its own
/// and is not counted. Whoever keeps a polling sequence open waiting for a
/// timeout must keep it at least this long (plus the polling tolerance).
pub fn longest_timeout(specs: &[Spec]) -> Duration {
    specs
        .iter()
        .flat_map(Spec::state_machines)
        .map(|(_, m)| longest_in(m))
        .max()
        .unwrap_or(Duration::ZERO)
}

/// The longest `afterSeconds` limit of one machine's timeouts
/// (`Duration::ZERO` when it has none); see [`longest_timeout`].
pub fn longest_in(machine: &StateMachine) -> Duration {
    machine
        .timeouts
        .iter()
        .filter_map(|t| match t.limit {
            TimeoutLimit::AfterSeconds(s) => Some(Duration::from_secs(s)),
            TimeoutLimit::DeadlineField(_) => None,
        })
        .max()
        .unwrap_or(Duration::ZERO)
}
