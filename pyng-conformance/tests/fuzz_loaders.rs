//! Mutation fuzzing of every recorded-input loader (HAR, recording, NDJSON,
//! bare body), starting from the bundled examples: whatever the bytes, a check
//! returns a report (no panic), every position is 1-based, and each report
//! format renders (JSON that parses, a terminal text without raw control
//! characters). Bounded case counts keep it a CI test.

mod common;

use proptest::prelude::*;
use pyng_conformance::report::{RunInfo, github, human, json, junit, sarif};

const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples");

fn example(path: &str) -> Vec<u8> {
    std::fs::read(format!("{EXAMPLES}/{path}")).unwrap()
}

/// Text that has broken readers before: huge and odd numbers, deep nesting, a
/// BOM, control characters and escapes, lone surrogates, duplicate keys.
const HOSTILE: &[&str] = &[
    "18446744073709551616",
    "-1e400",
    "1e-400",
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
    "\u{feff}",
    "\"\\u001b[2K\\r\"",
    "\u{1b}[31m",
    "\"\\ud800\"",
    "\"a\":1,\"a\":2",
    "null",
    "\"startedAt\":\"yesterday\"",
    "{}",
    "\n\n\n",
];

#[derive(Debug, Clone)]
enum Mutation {
    Truncate(usize),
    Flip(usize, u8),
    Insert(usize, usize),
    Delete(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Flip(i, b)),
        (any::<usize>(), 0..HOSTILE.len()).prop_map(|(i, h)| Mutation::Insert(i, h)),
        (any::<usize>(), 1usize..64).prop_map(|(i, n)| Mutation::Delete(i, n)),
    ]
}

fn mutate(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for m in mutations {
        let at = |i: usize, len: usize| if len == 0 { 0 } else { i % (len + 1) };
        match *m {
            Mutation::Truncate(i) => {
                let cut = at(i, bytes.len());
                bytes.truncate(cut);
            }
            Mutation::Flip(i, b) => {
                if !bytes.is_empty() {
                    let i = i % bytes.len();
                    bytes[i] = b;
                }
            }
            Mutation::Insert(i, h) => {
                let i = at(i, bytes.len());
                bytes.splice(i..i, HOSTILE[h].bytes());
            }
            Mutation::Delete(i, n) => {
                let i = at(i, bytes.len());
                let end = (i + n).min(bytes.len());
                bytes.drain(i..end);
            }
        }
    }
    bytes
}

fn assert_sound(report: &pyng_conformance::Report) -> Result<(), TestCaseError> {
    for f in &report.findings {
        prop_assert!(f.line.is_none_or(|l| l >= 1), "{f:?}");
        prop_assert!(f.column.is_none_or(|c| c >= 1), "{f:?}");
    }
    let rendered = json::render(report);
    prop_assert!(serde_json::from_str::<serde_json::Value>(&rendered).is_ok());
    let text = human::render(report, false);
    prop_assert!(
        !text.chars().any(|c| c.is_control() && c != '\n'),
        "raw control character in {text:?}"
    );
    prop_assert!(junit::render(report).starts_with("<?xml"));
    let info = RunInfo::default();
    prop_assert!(github::render(report, &info).ends_with('\n'));
    prop_assert!(serde_json::from_str::<serde_json::Value>(&sarif::render(report, &info)).is_ok());
    Ok(())
}

/// Every file position is a place in `input`: a line it has, a column of
/// that line (or just after its end).
fn assert_in_file(report: &pyng_conformance::Report, input: &[u8]) -> Result<(), TestCaseError> {
    let text = String::from_utf8_lossy(input);
    let lines: Vec<&str> = text.split('\n').collect();
    for f in &report.findings {
        prop_assert!(f.file_column.is_none() || f.file_line.is_some(), "{f:?}");
        let Some(line) = f.file_line else { continue };
        prop_assert!((1..=lines.len()).contains(&line), "{f:?}");
        if let Some(column) = f.file_column {
            let width = lines[line - 1].chars().count();
            prop_assert!(
                (1..=width + 1).contains(&column),
                "{f:?} in {:?}",
                lines[line - 1]
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn har_loader(m in prop::collection::vec(mutation(), 1..4)) {
        let bytes = mutate(example("recordings/seed-001-examples.har"), &m);
        let report = common::engine().check_bytes("fuzz.har", &bytes);
        prop_assert_eq!(report.files, 1);
        assert_sound(&report)?;
        assert_in_file(&report, &bytes)?;
    }

    #[test]
    fn recording_loader(m in prop::collection::vec(mutation(), 1..4)) {
        let bytes = mutate(example("recordings/pyng-transaction-qr-pending-timeout.json"), &m);
        let report = common::engine().check_bytes("fuzz.json", &bytes);
        prop_assert_eq!(report.files, 1);
        assert_sound(&report)?;
        assert_in_file(&report, &bytes)?;
    }

    #[test]
    fn ndjson_loader(m in prop::collection::vec(mutation(), 1..4)) {
        let bytes = mutate(example("recordings/pyng-transaction-stream.ndjson"), &m);
        let report = common::engine().check_bytes("fuzz.ndjson", &bytes);
        prop_assert_eq!(report.files, 1);
        assert_sound(&report)?;
        assert_in_file(&report, &bytes)?;
    }

    #[test]
    fn bare_body_loader(m in prop::collection::vec(mutation(), 1..4)) {
        let bytes = mutate(example("bodies/seed-001-transaction-status-200.json"), &m);
        let engine = common::engine();
        let findings = engine.check_body("getTransactionStatus", 200, &bytes).unwrap();
        let report = pyng_conformance::Report { findings, ..Default::default() };
        assert_sound(&report)?;
        assert_in_file(&report, &bytes)?;
    }
}
