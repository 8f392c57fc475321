//! Every example under `examples/` gives the verdict documented in
//! `examples/README.md`.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

const README: &str = include_str!("../../examples/README.md");

/// `(file, operation/status for bare bodies, expected rules)`.
type Row = (String, Option<(String, u16)>, BTreeSet<String>);

/// The rows of the README's verdict table.
fn documented() -> Vec<Row> {
    let mut rows = Vec::new();
    for line in README.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let (file_cell, rules_cell) = (cells[1], cells[2]);
        let file = file_cell.split('`').nth(1).unwrap().to_owned();
        let bare = file_cell.split("(`--operation ").nth(1).map(|rest| {
            let rest = rest.trim_end_matches("`)");
            let mut words = rest.split_whitespace();
            let op = words.next().unwrap().to_owned();
            let status = match (words.next(), words.next()) {
                (Some("--status"), Some(s)) => s.parse().unwrap(),
                _ => 200,
            };
            (op, status)
        });
        let rules = rules_cell
            .split('`')
            .enumerate()
            .filter(|(i, _)| i % 2 == 1)
            .map(|(_, r)| r.to_owned())
            .collect();
        rows.push((file, bare, rules));
    }
    rows
}

#[test]
fn every_example_gives_its_documented_verdict() {
    let rows = documented();
    assert!(rows.len() >= 15, "the README table was not found");
    let engine = common::engine();
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    for (file, bare, expected) in &rows {
        let path = examples.join(file);
        let findings = match bare {
            Some((op, status)) => engine
                .check_body(op, *status, &std::fs::read(&path).unwrap())
                .unwrap(),
            None => engine.check_file(&path).findings,
        };
        let got: BTreeSet<String> = findings.iter().map(|f| f.rule.clone()).collect();
        assert_eq!(&got, expected, "{file}: {findings:#?}");
    }
}

#[test]
fn every_recording_is_documented() {
    let rows = documented();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/recordings");
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = format!(
            "recordings/{}",
            entry.unwrap().file_name().to_string_lossy()
        );
        assert!(
            rows.iter().any(|(f, _, _)| *f == name),
            "{name} is not in examples/README.md"
        );
    }
}

#[test]
fn the_directory_run_fails_with_the_seed_mismatch() {
    let report = common::engine()
        .check_paths(&[Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/recordings")]);
    assert!(report.errors() > 0);
    assert_eq!(report.files, 19);
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.rule == "amount.paid-equals-line-totals"
                && f.message.contains("left side is 2940, right side is 2440"))
    );
}
