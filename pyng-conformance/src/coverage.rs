//! What a run checked, next to what the loaded specs document: per operation
//! the exchanges, sequences and status codes seen; per state machine the
//! states and transitions seen; and every rule that could not be evaluated,
//! with why and how often. A report shows what it did not check as such,
//! never as passed.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

/// The coverage of a run (or of one file, merged into a run's).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Coverage {
    /// By operation id; every operation of the loaded specs is listed once a
    /// run is complete, checked or not.
    pub operations: BTreeMap<String, OperationCoverage>,
    /// By rule id: rules that applied to exchanges but could not run on them.
    #[serde(rename = "notEvaluated")]
    pub not_evaluated: BTreeMap<String, NotEvaluated>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
/// What a run saw of one operation.
pub struct OperationCoverage {
    /// Exchanges checked against the operation.
    pub exchanges: usize,
    /// Polling sequences (resources) among them.
    pub sequences: usize,
    /// Status code -> exchanges.
    pub statuses_seen: BTreeMap<u16, usize>,
    /// As the spec writes them (`200`, `default`).
    pub statuses_documented: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// The states and transitions of its status field's state machine, if it has one.
    pub state_machine: Option<MachineCoverage>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
/// What a run saw of one state machine, against what the spec documents.
pub struct MachineCoverage {
    /// The body field that carries the state.
    pub field: String,
    /// How many states the spec documents.
    pub states_documented: usize,
    /// The documented final states.
    pub final_states: Vec<String>,
    /// The documented states observed at least once.
    pub states_seen: BTreeSet<String>,
    /// How many transitions the spec documents.
    pub transitions_documented: usize,
    /// Documented transitions `from -> to` seen between two consecutive polls.
    pub transitions_seen: BTreeSet<String>,
    /// Changes between two consecutive polls that are not a documented
    /// transition: states skipped between polls, or a rule broken.
    pub other_changes_seen: BTreeSet<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
/// A rule that applied to some exchanges but could not run on them.
pub struct NotEvaluated {
    /// Why it could not run (no recorded time, no signing secret, ...).
    pub reason: String,
    /// Exchanges it could not run on.
    pub exchanges: usize,
}

impl MachineCoverage {
    /// Whether some poll saw a final state.
    pub fn reached_final(&self) -> bool {
        self.final_states
            .iter()
            .any(|f| self.states_seen.contains(f))
    }
}

impl Coverage {
    pub(crate) fn merge(&mut self, other: Coverage) {
        for (id, o) in other.operations {
            let mine = self.operations.entry(id).or_default();
            mine.exchanges += o.exchanges;
            mine.sequences += o.sequences;
            for (status, n) in o.statuses_seen {
                *mine.statuses_seen.entry(status).or_default() += n;
            }
            if mine.statuses_documented.is_empty() {
                mine.statuses_documented = o.statuses_documented;
            }
            match (&mut mine.state_machine, o.state_machine) {
                (Some(m), Some(t)) => {
                    m.states_seen.extend(t.states_seen);
                    m.transitions_seen.extend(t.transitions_seen);
                    m.other_changes_seen.extend(t.other_changes_seen);
                }
                (m @ None, t) => *m = t,
                (Some(_), None) => {}
            }
        }
        for (rule, n) in other.not_evaluated {
            self.skipped(&rule, n.exchanges, &n.reason);
        }
    }

    /// `exchanges` more on which `rule` could not run, for `reason`.
    pub(crate) fn skipped(&mut self, rule: &str, exchanges: usize, reason: &str) {
        let entry = self
            .not_evaluated
            .entry(rule.to_owned())
            .or_insert_with(|| NotEvaluated {
                reason: reason.to_owned(),
                exchanges: 0,
            });
        // One rule may go unevaluated for several reasons: each is said once.
        if !entry.reason.split("; ").any(|r| r == reason) {
            entry.reason.push_str("; ");
            entry.reason.push_str(reason);
        }
        entry.exchanges += exchanges;
    }

    /// Operations with at least one exchange.
    pub fn checked_operations(&self) -> usize {
        self.operations.values().filter(|o| o.exchanges > 0).count()
    }
}
