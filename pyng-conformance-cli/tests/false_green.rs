//! A run that did not check something never looks like one that did.

// The engine tests' helpers (recordings, exchanges), shared rather than copied.
#[path = "../../pyng-conformance/tests/common/mod.rs"]
mod common;

use common::*;
use pyng_conformance::report::{human, json};
use serde_json::json;

fn prefixed(prefix: &str) -> Vec<serde_json::Value> {
    let url = TX.replace("h.example/", &format!("h.example{prefix}/"));
    vec![
        exchange(0, &url, 200, tx("Pending")),
        exchange(5, &url, 200, tx("Nope")),
        exchange(6, "https://h.example/health", 200, json!({"ok": true})),
    ]
}

fn write(dir: &std::path::Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

#[test]
fn traffic_behind_a_prefix_fails_and_names_the_base_path() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "gw.json", &recording(prefixed("/gw/v1")));
    let report = engine().check_paths(&[&file]);
    assert_eq!(report.checked(), 0);
    assert_eq!(report.unmatched, 3);
    assert!(report.errors() > 0, "nothing checked must not pass");
    let rules = rules(&report);
    assert_eq!(rules, ["input.nothing-checked", "input.unmatched"]);
    let unmatched = report
        .findings
        .iter()
        .find(|f| f.rule == "input.unmatched")
        .unwrap();
    assert!(
        unmatched.message.contains("--base-path /gw/v1"),
        "{}",
        unmatched.message
    );
    let text = human::render(&report, false);
    assert!(
        text.contains("(0 checked, 3 matching no operation)"),
        "{text}"
    );
}

#[test]
fn base_path_and_ignore_path_check_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "gw.json", &recording(prefixed("/gw/v1")));
    let engine = engine()
        .with_base_path("/gw/v1/")
        .with_ignored_paths(&["/health".to_owned()])
        .unwrap();
    let report = engine.check_paths(&[&file]);
    assert_eq!(
        (report.checked(), report.unmatched, report.ignored),
        (2, 0, 1)
    );
    // The checks run: the fault behind the prefix is found.
    assert!(
        report.findings.iter().any(|f| f.rule == "schema.enum"),
        "{:?}",
        report.findings
    );
    let summary: serde_json::Value = serde_json::from_str(&json::render(&report)).unwrap();
    assert_eq!(summary["summary"]["checked"], 2);
    assert_eq!(summary["summary"]["ignored"], 1);
    // An ignore glob never hides an exchange an operation matches.
    let everything = engine.with_ignored_paths(&["/**".to_owned()]).unwrap();
    let report = everything.check_paths(&[&file]);
    assert_eq!(report.checked(), 2);
    assert!(engine_rejects_bad_glob());
}

fn engine_rejects_bad_glob() -> bool {
    engine().with_ignored_paths(&["[".to_owned()]).is_err()
}

#[test]
fn empty_inputs_and_misspelled_recordings_fail() {
    let dir = tempfile::tempdir().unwrap();
    let report = engine().check_paths(&[dir.path()]);
    assert_eq!(rules(&report), ["input.nothing-checked"]);
    let file = write(
        dir.path(),
        "r.json",
        br#"{"format":"pyng-recording","version":1,"exchnages":[]}"#,
    );
    let report = engine().check_paths(&[&file]);
    assert!(
        rules(&report).contains(&"input.malformed".to_owned()),
        "{:?}",
        report.findings
    );
    let malformed = report
        .findings
        .iter()
        .find(|f| f.rule == "input.malformed")
        .unwrap();
    assert!(malformed.message.contains("missing field `exchanges`"));
    // One good file beside it: the run checked something, the bad file still fails it.
    std::fs::write(
        dir.path().join("good.json"),
        recording(vec![exchange(0, TX, 200, tx("Pending"))]),
    )
    .unwrap();
    let report = engine().check_paths(&[dir.path()]);
    assert_eq!(rules(&report), ["input.malformed"]);
}

#[test]
fn the_cli_takes_base_path_and_ignore_path() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "gw.json", &recording(prefixed("/gw/v1")));
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_pyng-conformance"))
            .arg("check")
            .arg(&file)
            .args(args)
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    };
    assert_eq!(run(&[]).status.code(), Some(1));
    let out = run(&[
        "--base-path",
        "/gw/v1",
        "--ignore-path",
        "/health",
        "--allow",
        "schema.enum",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = run(&["--ignore-path", "["]);
    assert_eq!(out.status.code(), Some(2));
}
