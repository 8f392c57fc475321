//! Findings carry the position in the input file of the offending value
//! (`fileLine`/`fileColumn`, columns in characters): through a HAR's
//! JSON-string `content.text`, a recording's embedded `body` or `bodyText`,
//! an NDJSON line. Each test slices the file at the reported position and
//! checks that the offending value is there.

mod common;

use common::{TX, engine, exchange, recording, tx};
use pyng_conformance::Finding;
use serde_json::json;

/// The text of `file` from 1-based `line` and character `column` on, to
/// the end of the file.
fn text_at(file: &str, line: usize, column: usize) -> &str {
    let line_start: usize = file
        .split_inclusive('\n')
        .take(line - 1)
        .map(str::len)
        .sum();
    let rest = &file[line_start..];
    let within = rest
        .char_indices()
        .nth(column - 1)
        .map_or(rest.len(), |(i, _)| i);
    &rest[within..]
}

/// The finding at `pointer`, with its file position.
fn at_pointer<'r>(findings: &'r [Finding], pointer: &str) -> &'r Finding {
    findings
        .iter()
        .find(|f| f.pointer.as_deref() == Some(pointer))
        .unwrap_or_else(|| panic!("a finding at {pointer}: {findings:#?}"))
}

fn value_at<'f>(file: &'f str, f: &Finding) -> &'f str {
    let (line, column) = (
        f.file_line.expect("fileLine"),
        f.file_column.expect("fileColumn"),
    );
    text_at(file, line, column)
}

const BAD: &str = "/data/transactionStatus";

#[test]
fn embedded_body_of_a_pretty_printed_recording() {
    let bytes = recording(vec![
        exchange(0, TX, 200, tx("Pending")),
        exchange(5, TX, 200, tx("Bogus")),
    ]);
    let file = String::from_utf8(bytes).unwrap();
    let report = engine().check_bytes("r.json", file.as_bytes());
    let f = at_pointer(&report.findings, BAD);
    assert!(f.file_line.unwrap() > 20, "{f:?}");
    assert!(value_at(&file, f).starts_with("\"Bogus\""), "{f:?}");
    // The body spans lines of the file; its own position is kept as well.
    assert!(f.line.unwrap() > 1, "{f:?}");
}

/// Escapes and non-ASCII characters before the value on the same line.
const HOSTILE_TRACE: &str = r#""a\"b\\c\u00e9é€""#;

#[test]
fn embedded_body_on_one_line_after_escapes() {
    let file = format!(
        r#"{{"format":"pyng-recording","version":1,"exchanges":[{{"startedAt":"2024-11-17T05:30:00Z","request":{{"method":"GET","url":"{TX}","headers":{{"X-Note":"é\u00e9\"q"}}}},"response":{{"status":200,"headers":{{"Content-Type":"application/json"}},"body":{{"traceId":{HOSTILE_TRACE},"data":{{"transactionStatus":"Bogus"}}}}}}}}]}}"#
    );
    let report = engine().check_bytes("r.json", file.as_bytes());
    let f = at_pointer(&report.findings, BAD);
    assert_eq!(f.file_line, Some(1));
    assert!(value_at(&file, f).starts_with("\"Bogus\""), "{f:?}");
}

/// A body held as a JSON string in the file, the value at `pointer` written
/// there as `\"Bogus\"`.
fn string_body_file(field: &str, pretty: bool) -> String {
    let body = format!(r#"{{"traceId":{HOSTILE_TRACE},"data":{{"transactionStatus":"Bogus"}}}}"#);
    let doc = if field == "har" {
        json!({"log": {"version": "1.2", "entries": [{
            "startedDateTime": "2024-11-17T05:30:00Z",
            "request": {"method": "GET", "url": TX, "headers": []},
            "response": {"status": 200, "headers": [{"name": "Content-Type", "value": "application/json"}],
                "content": {"mimeType": "application/json", "text": body}}
        }]}})
    } else {
        json!({"format": "pyng-recording", "version": 1, "exchanges": [{
            "startedAt": "2024-11-17T05:30:00Z",
            "request": {"method": "GET", "url": TX},
            "response": {"status": 200, "headers": {"Content-Type": "application/json"}, field: body}
        }]})
    };
    let text = if pretty {
        serde_json::to_string_pretty(&doc).unwrap()
    } else {
        serde_json::to_string(&doc).unwrap()
    };
    // serde_json writes `é` and `€` as they are; one `\u` escape for the mapping.
    text.replacen("é€", "\\u00e9€", 1)
}

#[test]
fn json_string_bodies_map_through_their_escapes() {
    for (field, name) in [("har", "t.har"), ("bodyText", "t.json")] {
        for pretty in [false, true] {
            let file = string_body_file(field, pretty);
            assert!(
                file.contains(r#"\\u00e9"#) && file.contains("\\\\c"),
                "{file}"
            );
            let report = engine().check_bytes(name, file.as_bytes());
            let f = at_pointer(&report.findings, BAD);
            let there = value_at(&file, f);
            assert!(
                there.starts_with(r#"\"Bogus\""#),
                "{field} pretty={pretty}: {there:?} {f:?}"
            );
            if pretty {
                assert!(f.file_line.unwrap() > 1, "{f:?}");
            }
        }
    }
}

#[test]
fn base64_bodies_point_at_the_string() {
    let file = String::from_utf8(recording(vec![exchange(0, TX, 200, tx("Bogus"))]))
        .unwrap()
        .replacen(
            r#""body": {"#,
            r#""bodyBase64": "eyJkYXRhIjp7InRyYW5zYWN0aW9uU3RhdHVzIjoiQm9ndXMifSwidHJhY2VJZCI6InQifQ==", "x": {"#,
            1,
        );
    let report = engine().check_bytes("r.json", file.as_bytes());
    let f = at_pointer(&report.findings, BAD);
    assert!(value_at(&file, f).starts_with("\"eyJkYXRh"), "{f:?}");
}

#[test]
fn ndjson_lines() {
    let line = |t, status| serde_json::to_string(&exchange(t, TX, 200, tx(status))).unwrap();
    let file = format!(
        "{}\n\n  {}\n",
        line(0, "Pending"),
        line(5, "Bogus").replace("Bearer", "B\\u00e9arer é")
    );
    for jobs in [1, 2] {
        let engine = engine()
            .with_threads(std::num::NonZeroUsize::new(jobs).unwrap())
            .unwrap();
        let report = engine.check_bytes("s.ndjson", file.as_bytes());
        let f = at_pointer(&report.findings, BAD);
        assert_eq!(f.file_line, Some(3), "{f:?}");
        assert!(value_at(&file, f).starts_with("\"Bogus\""), "{f:?}");
    }
}

#[test]
fn findings_outside_the_body_point_at_their_entry() {
    let mut bad = exchange(5, TX, 200, tx("Pending"));
    bad["request"]["url"] = json!("https://h.example/checkout/site-1/transaction-status");
    let exchanges = vec![exchange(0, TX, 200, tx("Pending")), bad.clone()];
    let file = String::from_utf8(recording(exchanges)).unwrap();
    let report = engine().check_bytes("r.json", file.as_bytes());
    let f = report
        .findings
        .iter()
        .find(|f| f.entry == Some(1) && f.pointer.is_none())
        .unwrap_or_else(|| panic!("{:#?}", report.findings));
    // The exchange object starts there.
    let there = serde_json::Deserializer::from_str(value_at(&file, f))
        .into_iter::<serde_json::Value>()
        .next();
    assert_eq!(there.and_then(Result::ok), Some(bad), "{f:?}");
}
