//! Report formats: human (terminal), JSON (documented in REPORT-FORMAT.md),
//! JUnit XML, SARIF 2.1.0 and GitHub Actions workflow commands.

pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;
pub mod terminal;

use std::collections::BTreeMap;
use std::time::{Duration, Instant, SystemTime};

use crate::engine::{Engine, Report};
use crate::finding::Finding;
use crate::rules::{Policy, Rule};

/// The tool's name in every report.
pub const TOOL_NAME: &str = "pyng-conformance";
/// The tool's version in every report.
pub const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Findings per rule id, sorted.
pub fn by_rule(report: &Report) -> BTreeMap<&str, usize> {
    let mut counts = BTreeMap::new();
    for f in &report.findings {
        *counts.entry(f.rule.as_str()).or_insert(0) += 1;
    }
    counts
}

/// One loaded spec, as the reports name it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SpecInfo {
    /// The spec's `info.title`.
    pub title: String,
    /// The spec's `info.version`.
    pub version: String,
    /// The file it was loaded from.
    pub file: String,
}

/// What the reports say about the run beside its findings: the loaded specs,
/// the rule catalogue, the rules the policy does not report, when it ran.
/// `RunInfo::default()` knows none of it (what `render(&Report)` uses).
#[derive(Debug, Clone, Default)]
pub struct RunInfo {
    /// The loaded specs.
    pub specs: Vec<SpecInfo>,
    /// The rules the run could report.
    pub rules: Vec<Rule>,
    /// Rule ids the policy (`--allow`) does not report.
    pub skipped: Vec<String>,
    /// When the check started (wall clock).
    pub started: Option<SystemTime>,
    /// How long the check took.
    pub elapsed: Option<Duration>,
    /// Every input was read as a bare body (`--operation`): finding lines and
    /// columns are then positions in the input file itself.
    pub bare: bool,
    clock: Option<Instant>,
}

impl RunInfo {
    /// The engine's specs and rules; the run starts now.
    pub fn start(engine: &Engine) -> RunInfo {
        RunInfo {
            specs: engine
                .specs()
                .iter()
                .map(|s| SpecInfo {
                    title: s.title.clone(),
                    version: s.version.clone(),
                    file: s.file.clone(),
                })
                .collect(),
            rules: engine.rules(),
            skipped: Vec::new(),
            started: Some(SystemTime::now()),
            elapsed: None,
            bare: false,
            clock: Some(Instant::now()),
        }
    }

    /// Records the rules `policy` does not report (every catalogue rule it allows).
    pub fn with_policy(mut self, policy: &Policy) -> RunInfo {
        self.skipped = self
            .rules
            .iter()
            .filter(|r| {
                let probe = Finding::new(r.id.clone(), r.severity, "", String::new());
                policy.apply(probe).is_none()
            })
            .map(|r| r.id.clone())
            .collect();
        self
    }

    /// Whether the inputs were bare bodies (their positions are file positions).
    pub fn with_bare(mut self, bare: bool) -> RunInfo {
        self.bare = bare;
        self
    }

    /// The run has ended: sets `elapsed`.
    pub fn finish(&mut self) {
        if let Some(c) = self.clock {
            self.elapsed = Some(c.elapsed());
        }
    }
}

/// Where a finding sits in its **input file**, when that is known: line and
/// column (1-based, the column in characters). Known for the offending value
/// of a body finding (see [`crate::origin`]), for the exchange of any other
/// finding of an entry, for `input.*` findings with a position, and for bare
/// bodies (whose `line`/`column` are file positions).
pub fn input_position(f: &Finding, info: &RunInfo) -> Option<(usize, Option<usize>)> {
    if let Some(line) = f.file_line {
        return Some((line, f.file_column));
    }
    if info.bare || f.rule.starts_with("input.") {
        return f.line.map(|l| (l, f.column));
    }
    if f.file.ends_with(".ndjson") || f.file.ends_with(".jsonl") {
        return f.entry.and_then(|e| e.checked_add(1)).map(|l| (l, None));
    }
    None
}
