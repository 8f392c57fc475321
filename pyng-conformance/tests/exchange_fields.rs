//! Every reader carries the request body (bytes and content type) and the
//! response headers into the `Exchange`, credentials redacted.

use pyng_conformance::exchange::{Exchange, REDACTED};
use pyng_conformance::input::{Item, read_bytes};

const FORM_BODY: &str = "grant_type=client_credentials&scope=a+b%2Fc";

fn exchanges(name: &str, bytes: &[u8]) -> Vec<Exchange<'static>> {
    read_bytes(name, bytes)
        .into_iter()
        .filter_map(|item| match item {
            Item::Exchange(x) => Some(*x),
            Item::Problem(f) => panic!("{name}: {}", f.message),
            Item::SpecInfo { .. } => None,
        })
        .collect()
}

fn problems(name: &str, bytes: &[u8]) -> Vec<String> {
    read_bytes(name, bytes)
        .into_iter()
        .filter_map(|item| match item {
            Item::Problem(f) => Some(f.message),
            _ => None,
        })
        .collect()
}

/// The kit's exchange object of a form POST whose response sets a cookie.
fn kit_object(request_body: &str) -> String {
    format!(
        r#"{{"startedAt":"2026-01-01T00:00:00Z","request":{{"method":"POST","url":"https://h.example/oauth/token","headers":{{"Authorization":"Basic c2VjcmV0","Content-Type":"application/x-www-form-urlencoded"}},{request_body}}},"response":{{"status":200,"headers":{{"Content-Type":"application/json","Set-Cookie":"session=s3cr3t","X-Request-Id":"r-1"}},"body":{{"access_token":"t"}}}}}}"#
    )
}

fn assert_fields(x: &Exchange<'_>, body: &[u8]) {
    assert_eq!(x.method, "POST");
    assert_eq!(&*x.request_body, body);
    assert_eq!(
        x.request_content_type.as_deref(),
        Some("application/x-www-form-urlencoded")
    );
    let response_headers: Vec<(&str, &str)> = x
        .response_headers
        .iter()
        .map(|(k, v)| (k.as_ref(), v.as_ref()))
        .collect();
    assert_eq!(
        response_headers,
        [
            ("Content-Type", "application/json"),
            ("Set-Cookie", REDACTED),
            ("X-Request-Id", "r-1"),
        ]
    );
    assert_eq!(x.content_type.as_deref(), Some("application/json"));
    assert_eq!(&*x.body, br#"{"access_token":"t"}"#);
}

#[test]
fn the_recording_document_and_ndjson_carry_request_bodies_and_response_headers() {
    let text = serde_json::to_string(FORM_BODY).unwrap();
    for (field, expected) in [
        (format!(r#""bodyText":{text}"#), FORM_BODY.as_bytes()),
        (r#""bodyText":"a\u0041""#.to_owned(), b"aA".as_slice()),
        (r#""body":{"amount": 1}"#.to_owned(), br#"{"amount": 1}"#),
        (r#""bodyBase64":"/w==""#.to_owned(), &[0xff]),
        (r#""body":null"#.to_owned(), b""),
    ] {
        let object = kit_object(&field);
        let document =
            format!(r#"{{"format":"pyng-recording","version":1,"exchanges":[{object}]}}"#);
        let ndjson = format!("{{\"format\":\"pyng-recording\",\"version\":1}}\n{object}\n");
        for (name, bytes) in [("r.json", document), ("r.ndjson", ndjson)] {
            let read = exchanges(name, bytes.as_bytes());
            assert_eq!(read.len(), 1, "{name}");
            assert_fields(&read[0], expected);
        }
    }
}

#[test]
fn a_request_with_two_bodies_or_bad_base64_is_refused() {
    for (field, message) in [
        (
            r#""body":{},"bodyText":"x""#,
            "exchange 0: in `request`, give at most one of `body`, `bodyText` and `bodyBase64`",
        ),
        (
            r#""bodyBase64":"*""#,
            "exchange 0: in `request`, `bodyBase64` is not valid base64",
        ),
    ] {
        let line = kit_object(field);
        assert_eq!(problems("r.ndjson", line.as_bytes()), [message], "{field}");
    }
}

fn har(post_data: &str) -> String {
    format!(
        r#"{{"log":{{"entries":[{{"startedDateTime":"2026-01-01T00:00:00Z","request":{{"method":"POST","url":"https://h.example/oauth/token","headers":[{{"name":"Authorization","value":"Basic c2VjcmV0"}}],{post_data}}},"response":{{"status":200,"headers":[{{"name":"Content-Type","value":"application/json"}},{{"name":"Set-Cookie","value":"session=s3cr3t"}},{{"name":"X-Request-Id","value":"r-1"}}],"content":{{"mimeType":"application/json","text":"{{\"access_token\":\"t\"}}"}}}}}}]}}}}"#
    )
}

#[test]
fn har_post_data_text_and_params_are_the_request_body() {
    let mime = r#""mimeType":"application/x-www-form-urlencoded""#;
    let text = serde_json::to_string(FORM_BODY).unwrap();
    let params = r#""params":[{"name":"grant_type","value":"client_credentials"},{"name":"scope","value":"a b/c"}]"#;
    for post_data in [
        format!(r#"{{{mime},"text":{text}}}"#),
        // `text` is the bytes sent; `params` only when it is missing.
        format!(r#"{{{mime},"text":{text},"params":[{{"name":"x","value":"y"}}]}}"#),
        format!(r#"{{{mime},{params}}}"#),
    ] {
        let har = har(&format!(r#""postData":{post_data}"#));
        let read = exchanges("r.har", har.as_bytes());
        assert_fields(&read[0], FORM_BODY.as_bytes());
        assert_eq!(read[0].request_headers[0].1, format!("Basic {REDACTED}"));
    }
    let charset = exchanges(
        "r.har",
        har(&format!(
            r#""postData":{{"mimeType":"application/x-www-form-urlencoded; charset=UTF-8",{params}}}"#
        ))
        .as_bytes(),
    );
    assert_eq!(&*charset[0].request_body, FORM_BODY.as_bytes());
    let none = exchanges("r.har", har(r#""bodySize":0"#).as_bytes());
    assert!(none[0].request_body.is_empty());
    assert_eq!(none[0].request_content_type, None);
    let encoded = exchanges(
        "r.har",
        har(r#""postData":{"mimeType":"application/octet-stream","text":"/w==","encoding":"base64"}"#)
            .as_bytes(),
    );
    assert_eq!(&*encoded[0].request_body, [0xff]);
}

#[test]
fn har_params_that_no_form_body_can_hold_are_a_problem() {
    for (post_data, wanted) in [
        (
            r#"{"mimeType":"multipart/form-data; boundary=x","params":[{"name":"a","value":"1"}]}"#,
            "is not application/x-www-form-urlencoded, so the request body cannot be rebuilt",
        ),
        (
            r#"{"mimeType":"application/x-www-form-urlencoded","params":[{"name":"f","fileName":"f.txt"}]}"#,
            "param `f` is a file",
        ),
    ] {
        let found = problems(
            "r.har",
            har(&format!(r#""postData":{post_data}"#)).as_bytes(),
        );
        assert!(found.len() == 1 && found[0].contains(wanted), "{found:?}");
    }
}
