//! What one file's exchanges covered, tallied by operation index while the
//! file is checked and named once at its end; and what the specs document.

use pyng_spec::registry::RuleId;
use std::collections::{BTreeMap, BTreeSet};

use super::{Engine, Report};
use crate::coverage::{Coverage, MachineCoverage, OperationCoverage};
use crate::matcher::OpRef;

/// One operation's coverage in one file, by index.
#[derive(Debug, Default)]
pub(super) struct Covered {
    pub exchanges: usize,
    pub sequences: usize,
    pub statuses: BTreeMap<u16, usize>,
    /// (response, value index) of the state machine's values seen.
    pub states: BTreeSet<(usize, usize)>,
    /// (response, from, to) between consecutive polls.
    pub transitions: BTreeSet<(usize, usize, usize)>,
    /// Exchanges of a timed state machine without a recorded time.
    pub untimed: usize,
    /// Exchanges of a signed operation checked without the secret.
    pub unsigned_requests: usize,
    pub unsigned_responses: usize,
    /// Exchanges with a parameter redacted in the recording.
    pub redacted_parameters: usize,
    /// Exchanges whose credentials a scheme the kit does not check decided.
    pub unchecked_credentials: usize,
    /// Exchanges with a documented response header redacted in the recording.
    pub redacted_response_headers: usize,
    /// Calls of an idempotent operation whose replays are not checked.
    pub untracked_replays: usize,
    /// Exchanges whose request body was not checked, by why.
    pub request_bodies_unchecked: BTreeMap<&'static str, usize>,
}

impl Engine {
    /// One operation's coverage, named, into `into`.
    pub(super) fn cover(&self, op_ref: OpRef, c: Covered, into: &mut Coverage) {
        let (_, op) = self.operation(op_ref);
        let plans = self.plans(op_ref);
        let mut o = self.documented(op_ref);
        o.exchanges = c.exchanges;
        o.sequences = c.sequences;
        o.statuses_seen = c.statuses;
        if let Some(m) = &mut o.state_machine {
            for (i, v) in c.states {
                if let Some(states) = &plans.by_response[i].states {
                    m.states_seen.insert(states.values[v].clone());
                }
            }
            for (i, from, to) in c.transitions {
                if let Some(states) = &plans.by_response[i].states {
                    let (from, to) = (&states.values[from], &states.values[to]);
                    let documented = states
                        .machine
                        .transitions
                        .get(from)
                        .is_some_and(|next| next.contains(to));
                    let seen = if documented {
                        &mut m.transitions_seen
                    } else {
                        &mut m.other_changes_seen
                    };
                    seen.insert(format!("{from} -> {to}"));
                }
            }
        }
        let mut skipped = Coverage::default();
        skipped.operations.insert(op.id.clone(), o);
        let no_secret =
            "no signing secret was given (--secret-env): only the signature's presence is checked";
        for (rule, count, why) in [
            (
                RuleId::StateTimeout,
                c.untimed,
                "the exchange has no recorded time (startedAt / startedDateTime missing or unreadable)",
            ),
            (RuleId::SignatureRequest, c.unsigned_requests, no_secret),
            (RuleId::SignatureResponse, c.unsigned_responses, no_secret),
            (
                RuleId::HttpRequestParameters,
                c.redacted_parameters,
                crate::checks::request::REDACTED_PARAMETER,
            ),
            (
                RuleId::HttpRequestCredentials,
                c.unchecked_credentials,
                crate::checks::credentials::UNCHECKED_SCHEME,
            ),
            (
                RuleId::HttpResponseHeader,
                c.redacted_response_headers,
                crate::checks::response_headers::REDACTED_HEADER,
            ),
            (
                RuleId::IdentityIdempotentReplay,
                c.untracked_replays,
                crate::checks::idempotency::UNTRACKED,
            ),
        ] {
            if count > 0 {
                skipped.skipped(rule.name(), count, why);
            }
        }
        for (why, count) in c.request_bodies_unchecked {
            skipped.skipped(RuleId::HttpRequestBody.name(), count, why);
        }
        into.merge(skipped);
    }

    /// What the spec documents of an operation, with nothing seen yet.
    fn documented(&self, op_ref: OpRef) -> OperationCoverage {
        let (_, op) = self.operation(op_ref);
        let state_machine = self.plans(op_ref).by_response.iter().find_map(|p| {
            let (tracked, _) = p.status.as_ref()?;
            let states = p.states.as_ref()?;
            Some(MachineCoverage {
                field: tracked.name.clone(),
                states_documented: states.values.len(),
                final_states: states.machine.final_states.iter().cloned().collect(),
                transitions_documented: states.machine.transitions.values().map(Vec::len).sum(),
                ..MachineCoverage::default()
            })
        });
        OperationCoverage {
            statuses_documented: op.responses.iter().map(|r| r.status.to_string()).collect(),
            state_machine,
            ..OperationCoverage::default()
        }
    }

    /// Every loaded operation in the report's coverage, checked or not.
    pub(super) fn complete_coverage(&self, report: &mut Report) {
        for (si, spec) in self.specs.iter().enumerate() {
            for (oi, op) in spec.operations.iter().enumerate() {
                if !report.coverage.operations.contains_key(&op.id) {
                    let documented = self.documented(OpRef { spec: si, op: oi });
                    report.coverage.operations.insert(op.id.clone(), documented);
                }
            }
        }
    }
}
