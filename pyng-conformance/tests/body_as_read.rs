//! A body that comes after the request and the status is checked as its line
//! is read (one pass); a body written before the status is kept raw and
//! checked afterwards. Both give the same findings: only the file column of
//! a body finding differs, because the body stands elsewhere on the line.

mod common;

use std::collections::BTreeMap;

use common::{corpus_lines, damaged_corpus};
use pyng_conformance::{Engine, Report};
use serde_json::value::RawValue;

/// The line with the response's keys in name order (`body` before
/// `status`), its values byte for byte; a line that is not an exchange
/// object stays as it is.
fn body_first(line: &str) -> String {
    let Ok(exchange) = serde_json::from_str::<BTreeMap<&str, &RawValue>>(line) else {
        return line.to_owned();
    };
    let Some(response) = exchange
        .get("response")
        .and_then(|r| serde_json::from_str::<BTreeMap<&str, &RawValue>>(r.get()).ok())
    else {
        return line.to_owned();
    };
    let object = |map: &BTreeMap<&str, &RawValue>| {
        let members: Vec<String> = map
            .iter()
            .map(|(k, v)| format!("{}:{}", serde_json::to_string(k).unwrap(), v.get()))
            .collect();
        format!("{{{}}}", members.join(","))
    };
    let response = object(&response);
    let mut members: Vec<String> = Vec::new();
    for (k, v) in &exchange {
        let value = if *k == "response" { &response } else { v.get() };
        members.push(format!("{}:{value}", serde_json::to_string(k).unwrap()));
    }
    format!("{{{}}}", members.join(","))
}

/// Everything a finding says except its file column (and the column in a
/// reader's error message).
fn said(report: &Report) -> Vec<String> {
    report
        .findings
        .iter()
        .map(|f| {
            let mut f = f.clone();
            f.file_column = None;
            if f.rule == "input.malformed"
                && let Some((message, _)) = f.message.rsplit_once(" column ")
            {
                f.message = message.to_owned();
            }
            format!("{f:?}")
        })
        .collect()
}

fn compare(name: &str, text: &str) {
    let engine = Engine::with_bundled_specs().expect("bundled specs load");
    let reordered: String = text.lines().map(|l| body_first(l) + "\n").collect();
    assert_ne!(reordered, text, "{name}: the reordering changes the lines");
    let as_read = engine.check_bytes("c.ndjson", text.as_bytes());
    let afterwards = engine.check_bytes("c.ndjson", reordered.as_bytes());
    assert_eq!(as_read.exchanges, afterwards.exchanges, "{name}");
    assert_eq!(said(&as_read), said(&afterwards), "{name}");
}

#[test]
fn a_clean_corpus_reads_alike_in_both_orders() {
    let text = corpus_lines(200, 3).join("\n");
    assert!(
        text.contains(r#""status":200,"headers""#),
        "status before body"
    );
    compare("clean", &text);
}

#[test]
fn a_damaged_corpus_reads_alike_in_both_orders() {
    let text = String::from_utf8(damaged_corpus(400, 5)).expect("UTF-8");
    let report = Engine::with_bundled_specs()
        .expect("bundled specs load")
        .check_bytes("c.ndjson", text.as_bytes());
    // The damage gives problems, body findings and sequence findings.
    for rule in [
        "input.malformed",
        "schema.duplicate-key",
        "state.final-state-left",
        "http.status-documented",
    ] {
        assert!(
            report.findings.iter().any(|f| f.rule == rule),
            "{rule} in {:?}",
            report.findings.iter().map(|f| &f.rule).collect::<Vec<_>>()
        );
    }
    compare("damaged", &text);
}

/// Bodies the validator stops on but the reader reads (a number beyond a
/// double's range, nesting beyond the validator's depth) and bodies of the
/// wrong type are reported as when read afterwards.
#[test]
fn bodies_the_validator_stops_on_read_alike() {
    let line = &corpus_lines(1, 9)[0];
    let deep = format!("{}1{}", "[".repeat(126), "]".repeat(126));
    let mut lines = Vec::new();
    let deeper = format!("{}1{}", "[".repeat(200), "]".repeat(200));
    for body in ["1e400", &deep, &deeper, "[1,2,3]", "null", "\"text\""] {
        let start = line.find(r#""body":"#).expect("a body") + 7;
        lines.push(format!("{}{body}}}}}", &line[..start]));
    }
    let text = lines.join("\n");
    let report = Engine::with_bundled_specs()
        .expect("bundled specs load")
        .check_bytes("c.ndjson", text.as_bytes());
    let rules: Vec<&str> = report.findings.iter().map(|f| f.rule.as_str()).collect();
    assert!(rules.contains(&"schema.number-range"), "{rules:?}");
    assert!(rules.contains(&"schema.too-deep"), "{rules:?}");
    assert!(rules.contains(&"schema.type"), "{rules:?}");
    compare("stops", &text);
}
