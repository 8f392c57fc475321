//! JUnit XML: one suite per input file, one test case per checked polling
//! sequence (plus an `input` case for problems with the file itself). Errors fail
//! a case; warnings are listed in its system-out and as `warning` properties.
//! Rules the policy does not report are skipped cases of a `policy` suite;
//! rules that could not be evaluated (no timestamps, no signing secret) are
//! skipped cases of a `not-evaluated` suite, one per rule, saying why and on how
//! many exchanges: a skipped rule never shows as passed.
//!
//! Classnames are the input file's path with every `.` replaced by `_`
//! (`examples/recordings/seed-001-examples_har`): Jenkins takes the text before
//! the last `.` of a classname as a package, which would split a file name at
//! its extension. Case times are 0: files are checked in parallel and
//! sequences interleaved, so no per-case time exists; each suite carries the
//! run's `timestamp` and `time`.

use std::collections::BTreeMap;
use std::time::Duration;

use quick_junit::{NonSuccessKind, Property, TestCase, TestCaseStatus, TestSuite, XmlString};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::{RunInfo, TOOL_NAME, TOOL_VERSION, input_position};
use crate::engine::Report;
use crate::finding::Finding;

/// The report without run information.
pub fn render(report: &Report) -> String {
    render_with(report, &RunInfo::default())
}

/// The classname of the cases of `file`: no dots (see the module docs).
pub fn classname(file: &str) -> String {
    file.replace('.', "_")
}

/// The report as JUnit XML, with the run's information.
pub fn render_with(report: &Report, info: &RunInfo) -> String {
    // file -> case name -> findings
    let mut files: BTreeMap<&str, BTreeMap<String, Vec<&Finding>>> = BTreeMap::new();
    for r in &report.sequence_records {
        files
            .entry(r.file.as_str())
            .or_default()
            .entry(r.label.clone())
            .or_default();
    }
    for f in &report.findings {
        let case = f.sequence.clone().unwrap_or_else(|| "input".to_owned());
        files
            .entry(f.file.as_str())
            .or_default()
            .entry(case)
            .or_default()
            .push(f);
    }
    let timestamp = info.started.and_then(|t| {
        OffsetDateTime::from(t)
            .replace_nanosecond(0)
            .ok()?
            .format(&Rfc3339)
            .ok()
    });
    let mut junit = quick_junit::Report::new(TOOL_NAME);
    if let Some(t) = info.elapsed {
        junit.set_time(t);
    }
    for (file, cases) in files {
        let mut suite = new_suite(file, info, timestamp.as_deref());
        let class = classname(file);
        for (name, findings) in cases {
            let errors: Vec<&Finding> = findings.iter().copied().filter(|f| f.is_error()).collect();
            let warnings: Vec<&Finding> =
                findings.iter().copied().filter(|f| !f.is_error()).collect();
            let status = if errors.is_empty() {
                TestCaseStatus::success()
            } else {
                let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
                s.set_message(format!("{}: {}", errors[0].rule, errors[0].message));
                s.set_type(errors[0].rule.clone());
                s.set_description(lines(&errors));
                s
            };
            let mut case = TestCase::new(name, status);
            case.set_classname(class.as_str());
            case.set_time(Duration::ZERO);
            case.extra
                .insert(XmlString::new("file"), XmlString::new(file));
            if let Some((line, _)) = errors
                .iter()
                .chain(&warnings)
                .find_map(|f| input_position(f, info))
            {
                case.extra
                    .insert(XmlString::new("line"), XmlString::new(line.to_string()));
            }
            if !warnings.is_empty() {
                case.set_system_out(lines(&warnings));
                for w in &warnings {
                    case.add_property(Property::new("warning", line(w)));
                }
            }
            suite.add_test_case(case);
        }
        junit.add_test_suite(suite);
    }
    if !info.skipped.is_empty() {
        let mut suite = new_suite("policy", info, timestamp.as_deref());
        for rule in &info.skipped {
            let mut status = TestCaseStatus::skipped();
            status.set_message("not reported (--allow)");
            let mut case = TestCase::new(rule.as_str(), status);
            case.set_classname("policy");
            case.set_time(Duration::ZERO);
            suite.add_test_case(case);
        }
        junit.add_test_suite(suite);
    }
    if !report.coverage.not_evaluated.is_empty() {
        let mut suite = new_suite("not-evaluated", info, timestamp.as_deref());
        for (rule, why) in &report.coverage.not_evaluated {
            let mut status = TestCaseStatus::skipped();
            status.set_message(format!(
                "not evaluated on {} exchange(s): {}",
                why.exchanges, why.reason
            ));
            let mut case = TestCase::new(rule.as_str(), status);
            case.set_classname("not-evaluated");
            case.set_time(Duration::ZERO);
            suite.add_test_case(case);
        }
        junit.add_test_suite(suite);
    }
    junit
        .to_string()
        .unwrap_or_else(|e| format!("<!-- cannot serialise the JUnit report: {e} -->\n"))
}

fn new_suite(name: &str, info: &RunInfo, timestamp: Option<&str>) -> TestSuite {
    let mut suite = TestSuite::new(name);
    if let Some(t) = timestamp {
        suite
            .extra
            .insert(XmlString::new("timestamp"), XmlString::new(t));
    }
    if let Some(t) = info.elapsed {
        suite.set_time(t);
    }
    suite.add_property(Property::new("tool.name", TOOL_NAME));
    suite.add_property(Property::new("tool.version", TOOL_VERSION));
    for s in &info.specs {
        suite.add_property(Property::new("spec.title", s.title.as_str()));
        suite.add_property(Property::new("spec.version", s.version.as_str()));
        suite.add_property(Property::new("spec.file", s.file.as_str()));
    }
    suite
}

fn line(f: &Finding) -> String {
    let mut at = String::new();
    if let Some(e) = f.entry {
        at.push_str(&format!(" entry {e}"));
    }
    if let (Some(l), Some(c)) = (f.line, f.column) {
        at.push_str(&format!(" {l}:{c}"));
    }
    if let Some(p) = &f.pointer {
        at.push_str(&format!(" {p}"));
    }
    format!("{}[{}]{at}: {}", f.severity, f.rule, f.message)
}

fn lines(findings: &[&Finding]) -> String {
    findings
        .iter()
        .map(|f| line(f))
        .collect::<Vec<_>>()
        .join("\n")
}
