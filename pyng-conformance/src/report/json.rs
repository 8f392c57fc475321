//! The JSON report; its format is documented in `REPORT-FORMAT.md`.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{RunInfo, SpecInfo, TOOL_NAME, TOOL_VERSION};
use crate::engine::Report;
use crate::finding::Finding;

/// Bumped on any incompatible change of the report's shape.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonReport<'a> {
    format_version: u32,
    tool: Tool,
    specs: &'a [SpecInfo],
    findings: &'a [Finding],
    summary: Summary<'a>,
    coverage: &'a crate::coverage::Coverage,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
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

/// The report without run information (`specs` is empty).
pub fn render(report: &Report) -> String {
    render_with(report, &RunInfo::default())
}

/// The report with the loaded specs of `info`.
pub fn render_with(report: &Report, info: &RunInfo) -> String {
    let doc = JsonReport {
        format_version: FORMAT_VERSION,
        tool: Tool {
            name: TOOL_NAME,
            version: TOOL_VERSION,
        },
        specs: &info.specs,
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
