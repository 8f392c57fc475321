//! The JSON report; its format is documented in `REPORT-FORMAT.md`.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::engine::Report;
use crate::finding::Finding;

/// Bumped on any incompatible change of the report's shape.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonReport<'a> {
    format_version: u32,
    findings: &'a [Finding],
    summary: Summary<'a>,
    coverage: &'a crate::coverage::Coverage,
}

#[derive(Serialize)]
struct Summary<'a> {
    files: usize,
    exchanges: usize,
    checked: usize,
    unmatched: usize,
    ignored: usize,
    sequences: usize,
    errors: usize,
    warnings: usize,
    rules: BTreeMap<&'a str, usize>,
}

pub fn render(report: &Report) -> String {
    let doc = JsonReport {
        format_version: FORMAT_VERSION,
        findings: &report.findings,
        summary: Summary {
            files: report.files,
            exchanges: report.exchanges,
            checked: report.checked(),
            unmatched: report.unmatched,
            ignored: report.ignored,
            sequences: report.sequences,
            errors: report.errors(),
            warnings: report.warnings(),
            rules: super::by_rule(report),
        },
        coverage: &report.coverage,
    };
    let mut out =
        serde_json::to_string_pretty(&doc).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    out.push('\n');
    out
}
