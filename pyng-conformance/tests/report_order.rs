//! Findings come out in input order (file, then entry, then as the checks of
//! one entry give them), whatever the number of threads and the batch size.

mod common;

use std::num::NonZeroUsize;

use common::{corpus_lines, damaged_corpus};
use pyng_conformance::{Engine, Report};

fn engine(threads: Option<usize>) -> Engine {
    let engine = Engine::with_bundled_specs().expect("bundled specs load");
    match threads {
        Some(n) => engine
            .with_threads(NonZeroUsize::new(n).expect("threads > 0"))
            .expect("thread pool"),
        None => engine,
    }
}

/// A body error: a repeated key in the body.
fn with_body_error(line: &str) -> String {
    let damaged = line.replacen(r#""data":{"#, r#""data":{"orderId":7,"#, 1);
    assert_ne!(damaged, line, "the line has a `data` object");
    damaged
}

/// The entries of the findings that have one, in report order.
fn entries(report: &Report) -> Vec<usize> {
    report.findings.iter().filter_map(|f| f.entry).collect()
}

#[test]
fn a_broken_line_between_body_errors_keeps_its_place() {
    let lines = corpus_lines(3, 1);
    let text = format!(
        "{}\n{}\n{}\n",
        with_body_error(&lines[0]),
        &lines[1][..lines[1].len() / 2],
        with_body_error(&lines[2])
    );
    for threads in [Some(1), Some(4), None] {
        let report = engine(threads).check_bytes("three.ndjson", text.as_bytes());
        let rules: Vec<(usize, &str)> = report
            .findings
            .iter()
            .filter_map(|f| Some((f.entry?, f.rule.as_str())))
            .collect();
        assert_eq!(
            rules,
            [
                (0, "schema.duplicate-key"),
                (1, "input.malformed"),
                (2, "schema.duplicate-key")
            ],
            "{threads:?} threads"
        );
    }
}

fn json_and_human(report: &Report) -> (String, String) {
    (
        pyng_conformance::report::json::render(report),
        pyng_conformance::report::human::render(report, false),
    )
}

/// The report of `check` for one, two and the default threads: the same,
/// byte for byte.
fn same_report_for_any_threads(check: impl Fn(&Engine) -> Report) -> Report {
    let one = check(&engine(Some(1)));
    let reference = json_and_human(&one);
    for threads in [Some(2), None] {
        let other = json_and_human(&check(&engine(threads)));
        assert!(
            other.0 == reference.0,
            "JSON: {threads:?} threads differ from one"
        );
        assert!(
            other.1 == reference.1,
            "human: {threads:?} threads differ from one"
        );
    }
    one
}

/// Entries never go backwards within a file.
fn assert_in_input_order(report: &Report) {
    let mut last: Option<(&str, usize)> = None;
    for f in &report.findings {
        let Some(entry) = f.entry else { continue };
        if let Some((file, before)) = last
            && file == f.file
        {
            assert!(entry >= before, "{}: entry {entry} after {before}", f.file);
        }
        last = Some((&f.file, entry));
    }
}

#[test]
fn a_damaged_corpus_gives_one_report_in_input_order() {
    // Several batches' worth of lines.
    let bytes = damaged_corpus(3_000, 11);
    let report = same_report_for_any_threads(|e| e.check_bytes("damaged.ndjson", &bytes));
    for rule in [
        "input.malformed",
        "schema.duplicate-key",
        "schema.type",
        "http.status-documented",
        "state.final-state-left",
    ] {
        assert!(
            report.findings.iter().any(|f| f.rule == rule),
            "{rule} missing"
        );
    }
    assert_in_input_order(&report);
    let entries = entries(&report);
    assert!(entries.last() > Some(&2_000), "findings up to the end");
}

#[test]
fn a_generated_corpus_gives_one_report_in_input_order() {
    let bytes = pyng_conformance::corpus::generate(2_000, 3);
    let report = same_report_for_any_threads(|e| e.check_bytes("corpus.ndjson", &bytes));
    assert_eq!(report.exchanges, 2_000);
    assert_in_input_order(&report);
}

#[test]
fn the_examples_give_one_report_in_input_order() {
    let examples = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples");
    let report = same_report_for_any_threads(|e| e.check_paths(&[examples]));
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.rule == "amount.paid-equals-line-totals")
    );
    assert_in_input_order(&report);
}

#[test]
fn damaged_files_on_disk_give_one_report_in_input_order() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let lines = corpus_lines(40, 9);
    let exchanges: Vec<serde_json::Value> = lines
        .iter()
        .map(|l| serde_json::from_str(l).expect("generated JSON"))
        .collect();
    let recording =
        serde_json::json!({"format": "pyng-recording", "version": 1, "exchanges": exchanges});
    let recording = serde_json::to_string_pretty(&recording).expect("JSON");
    // Wrong types, a truncated document, and an NDJSON stream cut mid-line.
    let wrong_types = recording.replacen(r#""status": 200"#, r#""status": "200""#, 3);
    std::fs::write(dir.path().join("a-wrong-types.json"), wrong_types).unwrap();
    std::fs::write(
        dir.path().join("b-truncated.json"),
        &recording[..recording.len() / 2],
    )
    .unwrap();
    let stream = lines.join("\n");
    std::fs::write(
        dir.path().join("c-cut.ndjson"),
        &stream[..stream.len() - 40],
    )
    .unwrap();
    let report = same_report_for_any_threads(|e| e.check_paths(&[dir.path()]));
    for rule in ["input.malformed", "input.truncated"] {
        assert!(
            report.findings.iter().any(|f| f.rule == rule),
            "{rule} missing"
        );
    }
    assert_in_input_order(&report);
}
