//! JUnit XML: one suite per input file, one test case per checked polling
//! sequence (plus an `input` case for problems with the file itself). Errors fail
//! a case; warnings are listed in its system-out.

use std::collections::BTreeMap;

use quick_junit::{NonSuccessKind, TestCase, TestCaseStatus, TestSuite};

use crate::engine::Report;
use crate::finding::Finding;

pub fn render(report: &Report) -> String {
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
    let mut junit = quick_junit::Report::new("pyng-conformance");
    for (file, cases) in files {
        let mut suite = TestSuite::new(file);
        for (name, findings) in cases {
            let errors: Vec<&&Finding> = findings.iter().filter(|f| f.is_error()).collect();
            let mut status = if errors.is_empty() {
                TestCaseStatus::success()
            } else {
                let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
                s.set_message(format!("{}: {}", errors[0].rule, errors[0].message));
                s.set_type(errors[0].rule.clone());
                s.set_description(lines(&errors));
                s
            };
            let warnings: Vec<&&Finding> = findings.iter().filter(|f| !f.is_error()).collect();
            if errors.is_empty() && !warnings.is_empty() {
                status = TestCaseStatus::success();
            }
            let mut case = TestCase::new(name, status);
            case.set_classname(file);
            if !warnings.is_empty() {
                case.set_system_out(lines(&warnings));
            }
            suite.add_test_case(case);
        }
        junit.add_test_suite(suite);
    }
    junit
        .to_string()
        .unwrap_or_else(|e| format!("<!-- cannot serialise the JUnit report: {e} -->\n"))
}

fn lines(findings: &[&&Finding]) -> String {
    findings
        .iter()
        .map(|f| {
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
        })
        .collect::<Vec<_>>()
        .join("\n")
}
