//! A run's [`Report`], and what a whole run adds to the reports of its
//! files.

use super::Engine;
use crate::coverage::Coverage;
use crate::finding::Finding;
use pyng_spec::registry::RuleId;

/// One checked polling sequence (for the JUnit report).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SequenceRecord {
    /// The input file.
    pub file: String,
    /// The sequence's label (operation and resource key values).
    pub label: String,
    /// The operation id.
    pub operation: String,
    /// Exchanges in the sequence.
    pub exchanges: usize,
}

/// Everything a run found.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// In input order: by file, then by entry, then as the checks of one
    /// entry give them; what concerns a file or the run as a whole after.
    pub findings: Vec<Finding>,
    /// Input files read.
    pub files: usize,
    /// Exchanges checked (matched to an operation).
    pub exchanges: usize,
    /// Exchanges no operation of the loaded specs matches (not checked).
    pub unmatched: usize,
    /// Exchanges matching no operation whose path `--ignore-path` names
    /// (not checked, not reported as unmatched).
    pub ignored: usize,
    /// Polling sequences checked.
    pub sequences: usize,
    /// What was checked against what the specs document, and what could not be.
    pub coverage: Coverage,
    /// Filled when [`Engine::record_sequences`] is on.
    pub sequence_records: Vec<SequenceRecord>,
}

impl Report {
    /// Findings of error severity.
    pub fn errors(&self) -> usize {
        self.findings.iter().filter(|f| f.is_error()).count()
    }
    /// Findings of warning severity.
    pub fn warnings(&self) -> usize {
        self.findings.len() - self.errors()
    }
    /// Exchanges an operation matched: the ones the rules were run on.
    pub fn checked(&self) -> usize {
        self.exchanges - self.unmatched - self.ignored
    }
    pub(super) fn merge(&mut self, other: Report) {
        self.findings.extend(other.findings);
        self.files += other.files;
        self.exchanges += other.exchanges;
        self.unmatched += other.unmatched;
        self.ignored += other.ignored;
        self.coverage.merge(other.coverage);
        self.sequences += other.sequences;
        self.sequence_records.extend(other.sequence_records);
    }
}

impl Engine {
    /// What a whole run adds to the reports of its inputs (`inputs` names
    /// them): every loaded operation in the coverage, the `--require-final`
    /// gate, and `input.nothing-checked` when no exchange was checked. `check`
    /// of paths does this itself; a caller that assembles a run (live
    /// polling) calls it once at the end.
    pub fn finish_run(&self, report: &mut Report, inputs: &str) {
        self.complete_coverage(report);
        if self.require_final {
            self.final_gate(report, inputs);
        }
        if report.checked() == 0 {
            let plural = |n: usize| if n == 1 { "" } else { "s" };
            let f = Finding::of(
                RuleId::InputNothingChecked,
                inputs,
                format!(
                    "no exchange was checked: {} file{}, {} exchange{}, {} matching no operation of the loaded specs, {} ignored; a run that checked nothing does not pass",
                    report.files,
                    plural(report.files),
                    report.exchanges,
                    plural(report.exchanges),
                    report.unmatched,
                    report.ignored
                ),
            );
            report.findings.extend(self.policy.apply(f));
        }
    }

    /// Says in `report` that the run stopped before its end (`why`): an
    /// `input.aborted` error, so that no format reads as a pass.
    pub fn aborted(&self, report: &mut Report, inputs: &str, why: &str) {
        let f = Finding::of(
            RuleId::InputAborted,
            inputs,
            format!("the run stopped before its end ({why}): what it did not reach is not checked"),
        );
        report.findings.extend(self.policy.apply(f));
    }

    /// `state.final-not-reached` for each exercised state machine whose polls
    /// never saw a final state.
    fn final_gate(&self, report: &mut Report, inputs: &str) {
        let mut found = Vec::new();
        for (id, o) in &report.coverage.operations {
            let Some(m) = &o.state_machine else { continue };
            if o.exchanges == 0 || m.reached_final() {
                continue;
            }
            let mut f = Finding::of(
                RuleId::StateFinalNotReached,
                inputs,
                format!(
                    "no poll of {id} in this run saw a final state of `{}` ({}); seen: {} (--require-final)",
                    m.field,
                    m.final_states.join(", "),
                    m.states_seen.iter().cloned().collect::<Vec<_>>().join(", ")
                ),
            );
            f.operation = Some(id.clone());
            found.push(f);
        }
        for f in found {
            report.findings.extend(self.policy.apply(f));
        }
    }
}
