//! `pyng-conformance redact IN OUT`: the binary over real files. No secret is
//! left in the output or printed, a second run changes nothing, and the
//! redacted examples check exactly as the originals.

mod binary;

use std::path::Path;

const ENV: &str = "PYNG_TEST_REDACT_SECRET";
const SECRET: &str = "sk-live-0123456789abcdef";
const TOKEN: &str = "tok-abcdefghijklmnop";

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    binary::run_in(dir, args, &[("NO_COLOR", "1"), (ENV, SECRET)])
}

fn assert_clean(what: &str, text: &str) {
    for s in [SECRET, TOKEN, "0123456789abcdef", "abcdefghijklmnop"] {
        assert!(!text.contains(s), "{what} holds {s:?}:\n{text}");
    }
}

fn capture() -> String {
    serde_json::json!({"log": {"version": "1.2", "creator": {"name": "t", "version": "1"}, "entries": [{
        "startedDateTime": "2024-11-17T05:30:36.160Z", "time": 1,
        "request": {"method": "GET",
            "url": format!("https://api.example/checkout/site-1/transaction-status?paymentIntentId=pi-1&secret={SECRET}"),
            "httpVersion": "HTTP/1.1", "cookies": [{"name": "s", "value": TOKEN}],
            "headers": [{"name": "Authorization", "value": format!("Bearer {TOKEN}")}],
            "queryString": [], "headersSize": -1, "bodySize": 0},
        "response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1", "cookies": [],
            "headers": [{"name": "Content-Type", "value": "application/json"}],
            "content": {"size": 1, "mimeType": "application/json",
                "text": format!("{{\"echo\": \"{}\", \"access_token\": \"{TOKEN}\"}}", SECRET.replace('-', "\\u002d"))},
            "redirectURL": "", "headersSize": -1, "bodySize": 1},
        "cache": {}, "timings": {"send": 0, "wait": 1, "receive": 0}}]}})
    .to_string()
}

#[test]
fn a_capture_loses_its_secrets_and_a_second_run_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("in.har"), capture()).unwrap();
    let (code, out, err) = run(
        dir.path(),
        &["redact", "--secret-env", ENV, "in.har", "out.har"],
    );
    assert_eq!(code, 0, "{err}");
    assert_clean("stdout", &out);
    assert_clean("stderr", &err);
    let redacted = std::fs::read_to_string(dir.path().join("out.har")).unwrap();
    assert_clean("the redacted HAR", &redacted);
    assert!(redacted.contains("paymentIntentId=pi-1"), "{redacted}");
    let (code, _, err) = run(
        dir.path(),
        &["redact", "--secret-env", ENV, "out.har", "again.har"],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("again.har")).unwrap(),
        redacted
    );
    // Without the secret's value, what goes by name still goes.
    let (code, _, _) = run(dir.path(), &["redact", "in.har", "-"]);
    assert_eq!(code, 0);
    let (_, stdout, _) = run(dir.path(), &["redact", "in.har", "-"]);
    assert!(!stdout.contains(TOKEN), "{stdout}");
    // In place, as NDJSON from stdin is not needed here: the file itself.
    let (code, _, err) = run(
        dir.path(),
        &["redact", "--secret-env", ENV, "in.har", "in.har"],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("in.har")).unwrap(),
        redacted
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn an_unset_secret_variable_or_an_unreadable_input_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = run(
        dir.path(),
        &["redact", "--secret-env", "PYNG_TEST_UNSET_VAR", "x", "y"],
    );
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = run(dir.path(), &["redact", "missing.har", "y.har"]);
    assert_eq!(code, 2, "{err}");
    assert!(!dir.path().join("y.har").exists());
}

/// Redacting the examples keeps every finding: nothing the checks read is lost.
#[test]
fn redacted_examples_check_exactly_as_the_originals() {
    let root = Path::new(binary::ROOT);
    let dir = tempfile::tempdir().unwrap();
    let examples = root.join("examples/recordings");
    for entry in std::fs::read_dir(&examples).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let out = dir.path().join(&name);
        let (code, _, err) = run(
            root,
            &["redact", path.to_str().unwrap(), out.to_str().unwrap()],
        );
        assert_eq!(code, 0, "{name}: {err}");
        let json = |p: &Path| {
            let (_, report, _) = run(
                p.parent().unwrap(),
                &[
                    "check",
                    "--secret-env",
                    "PEACH_TEST_SECRET",
                    "--format",
                    "json",
                    &name,
                ],
            );
            let mut v: serde_json::Value = serde_json::from_str(&report).unwrap_or_default();
            // Timings differ between runs.
            if let Some(o) = v.as_object_mut() {
                o.remove("durationMs");
                o.remove("elapsedMs");
            }
            let findings = v["findings"].clone();
            assert!(findings.is_array(), "{name}: {report}");
            findings
        };
        assert_eq!(json(&path), json(&out), "{name}");
    }
}
