//! Report formats: human (terminal), JSON (documented in REPORT-FORMAT.md) and
//! JUnit XML.

pub mod human;
pub mod json;
pub mod junit;
pub mod terminal;

use std::collections::BTreeMap;

use crate::engine::Report;

/// Findings per rule id, sorted.
pub fn by_rule(report: &Report) -> BTreeMap<&str, usize> {
    let mut counts = BTreeMap::new();
    for f in &report.findings {
        *counts.entry(f.rule.as_str()).or_insert(0) += 1;
    }
    counts
}
