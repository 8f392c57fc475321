//! `check` on hostile file trees and encodings: every file read once, nothing
//! that can block, a BOM tolerated.

// The engine tests' helpers (recordings, exchanges), shared rather than copied.
#[path = "../../pyng-conformance/tests/common/mod.rs"]
mod common;

use std::path::Path;

use pyng_conformance::Engine;

fn clean_recording() -> Vec<u8> {
    std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/recordings/pyng-transaction-clean.json"
    ))
    .unwrap()
}

fn engine() -> Engine {
    Engine::with_bundled_specs().unwrap()
}

#[cfg(unix)]
#[test]
fn a_symlink_to_a_parent_is_followed_once() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.json"), clean_recording()).unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::os::unix::fs::symlink(dir.path(), dir.path().join("sub/loop")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("a.json"), dir.path().join("b.json")).unwrap();
    let report = engine().check_paths(&[dir.path()]);
    assert_eq!(report.files, 1, "{:?}", report.findings);
    assert_eq!(report.errors(), 0, "{:?}", report.findings);
    // Named twice, still one file.
    let report = engine().check_paths(&[dir.path().join("a.json"), dir.path().join("b.json")]);
    assert_eq!(report.files, 1);
}

#[cfg(unix)]
#[test]
fn a_fifo_in_a_walk_is_skipped_not_read() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("good.json"), clean_recording()).unwrap();
    let fifo = dir.path().join("pipe.json");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    // Without the fix this blocks for ever: run it on a thread and give up
    // (failing) instead of hanging the suite.
    let path = dir.path().to_path_buf();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(engine().check_paths(&[path]));
    });
    let report = rx
        .recv_timeout(std::time::Duration::from_secs(60))
        .expect("check blocked on a FIFO");
    assert_eq!(report.files, 1);
    let skipped: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule == "input.skipped")
        .collect();
    assert_eq!(skipped.len(), 1, "{:?}", report.findings);
    assert!(skipped[0].message.contains("FIFO"));
    assert!(Path::new(&skipped[0].file).ends_with("pipe.json"));
    assert_eq!(report.errors(), 0);
}

#[test]
fn a_utf8_bom_is_tolerated_in_every_document_kind() {
    let bom = |bytes: &[u8]| [b"\xef\xbb\xbf".as_slice(), bytes].concat();
    let engine = engine();
    let recording = engine.check_bytes("r.json", &bom(&clean_recording()));
    assert_eq!(recording.exchanges, 4, "{:?}", recording.findings);
    assert_eq!(recording.errors(), 0, "{:?}", recording.findings);
    let har = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/recordings/peach-signed-clean.har"
    ))
    .unwrap();
    let plain = engine.check_bytes("h.har", &har);
    let with_bom = engine.check_bytes("h.har", &bom(&har));
    assert!(plain.exchanges > 0);
    assert_eq!(with_bom.exchanges, plain.exchanges);
    assert_eq!(with_bom.findings, plain.findings);
    let ndjson = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/recordings/pyng-transaction-stream.ndjson"
    ))
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.ndjson");
    std::fs::write(&path, bom(&ndjson)).unwrap();
    let report = engine.check_paths(&[&path]);
    assert!(report.exchanges > 0);
    assert_eq!(report.errors(), 0, "{:?}", report.findings);
}

#[test]
fn jobs_beyond_four_per_core_are_capped_and_said() {
    let run = |jobs: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_pyng-conformance"))
            .args(["check", "examples/recordings", "-j", jobs])
            .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    };
    let many = run("10000");
    let one = run("1");
    let err = String::from_utf8_lossy(&many.stderr);
    assert!(err.contains("--jobs 10000"), "{err}");
    let most = Engine::max_threads();
    assert!(
        err.contains(&format!("checking with {most} threads")),
        "{err}"
    );
    assert_eq!(many.status.code(), one.status.code());
    assert_eq!(many.stdout, one.stdout);
    assert!(String::from_utf8_lossy(&one.stderr).is_empty());
}

#[test]
fn integers_beyond_64_bits_are_range_findings_not_type_findings() {
    let engine = engine();
    for (literal, shown) in [
        ("18446744073709551616", "18446744073709551616"),
        ("-9223372036854775809", "-9223372036854775808"),
        ("1e30", "1e+30"),
    ] {
        let body = format!(
            r#"{{"data":{{"transactionStatus":"Pending","amountPaid":{literal}}},"traceId":"t"}}"#
        );
        let findings = engine
            .check_body("getTransactionStatus", 200, body.as_bytes())
            .unwrap();
        let f = findings
            .iter()
            .find(|f| f.pointer.as_deref() == Some("/data/amountPaid"))
            .unwrap_or_else(|| panic!("{literal}: {findings:?}"));
        assert_eq!(f.rule, "schema.format", "{literal}: {f:?}");
        assert!(f.message.contains("out of the int64 range"), "{f:?}");
        assert!(f.message.contains(shown), "{literal}: {f:?}");
    }
    // A fraction is still a type error, and 1.0 is not an integer in draft 4.
    for literal in ["1.5", "1.0"] {
        let body = format!(
            r#"{{"data":{{"transactionStatus":"Pending","amountPaid":{literal}}},"traceId":"t"}}"#
        );
        let findings = engine
            .check_body("getTransactionStatus", 200, body.as_bytes())
            .unwrap();
        assert!(
            findings.iter().any(|f| f.rule == "schema.type"),
            "{literal}: {findings:?}"
        );
    }
}
