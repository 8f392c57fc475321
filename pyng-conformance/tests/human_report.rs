//! The terminal report: a server's text cannot move the cursor or set colours,
//! and one fault repeated on every poll is shown once.

mod common;

use common::*;
use pyng_conformance::report::human;

#[test]
fn control_characters_from_a_body_are_escaped() {
    let report = check(vec![exchange(0, TX, 200, tx("\u{1b}[2K\rSettled\u{9b}"))]);
    assert!(report.errors() > 0);
    for colour in [false, true] {
        let text = human::render(&report, colour);
        let printed: String = text.replace(['\n'], "");
        // With colour on, the only escapes are the report's own SGR codes.
        let stripped = printed
            .replace("\u{1b}[1;31m", "")
            .replace("\u{1b}[1;33m", "")
            .replace("\u{1b}[1;34m", "")
            .replace("\u{1b}[1m", "")
            .replace("\u{1b}[0m", "");
        assert!(
            !stripped.chars().any(char::is_control),
            "a control character reached the terminal:\n{text:?}"
        );
        assert!(text.contains("\\e[2K\\rSettled\\u{9b}"), "{text}");
    }
}

#[test]
fn a_finding_repeated_in_every_entry_is_shown_once() {
    let report = check(
        (0..5)
            .map(|i| exchange(i * 5, TX, 200, tx("Nope")))
            .collect(),
    );
    let enum_findings = report
        .findings
        .iter()
        .filter(|f| f.rule == "schema.enum")
        .count();
    assert_eq!(enum_findings, 5, "the report itself keeps every finding");
    let text = human::render(&report, false);
    assert_eq!(text.matches("error[schema.enum]").count(), 1, "{text}");
    assert!(text.contains("same finding in entries 0-4"), "{text}");
    // The summary still counts each.
    assert!(text.contains("    5 schema.enum"), "{text}");
}
