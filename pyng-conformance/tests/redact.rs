//! The one redaction path (`pyng_conformance::redact`): every credential of a
//! HAR file, a recording and an NDJSON stream goes, everything else stays as
//! written, and redacting twice is redacting once.

use proptest::prelude::*;
use pyng_conformance::redact::{REDACTED, Redactor};
use serde_json::{Value, json};

/// Every string of `v`, and of JSON or form text inside its strings, decoded.
fn strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => {
            out.push(s.clone());
            if let Ok(inner) = serde_json::from_str::<Value>(s) {
                strings(&inner, out);
            }
            for pair in s.split('&') {
                let decoded = percent_encoding::percent_decode_str(&pair.replace('+', " "))
                    .decode_utf8_lossy()
                    .into_owned();
                out.push(decoded);
            }
        }
        Value::Array(a) => a.iter().for_each(|v| strings(v, out)),
        Value::Object(o) => o.iter().for_each(|(k, v)| {
            out.push(k.clone());
            strings(v, out);
        }),
        _ => {}
    }
}

fn assert_no_secret(text: &str, secrets: &[&str]) {
    let v: Value = serde_json::from_str(text).expect("still JSON");
    let mut all = vec![text.to_owned()];
    strings(&v, &mut all);
    for s in secrets {
        for t in &all {
            assert!(!t.contains(s), "{s:?} survived in {t:?}\nof {text}");
        }
    }
}

/// A HAR file of a token exchange and a status poll, each credential in
/// one of the places HAR keeps it.
fn har(token: &str, client_secret: &str, signing: &str, cookie: &str) -> String {
    let token_body = json!({"access_token": token, "refresh_token": format!("r-{token}"), "token_type": "Bearer", "expires_in": 3600});
    let har = json!({"log": {"version": "1.2", "creator": {"name": "test", "version": "1"}, "entries": [
        {
            "startedDateTime": "2024-11-17T05:30:36.160Z",
            "request": {
                "method": "POST", "url": "https://api.example/oauth/token",
                "headers": [{"name": "Content-Type", "value": "application/x-www-form-urlencoded"},
                            {"name": "Cookie", "value": format!("sid={cookie}")}],
                "cookies": [{"name": "sid", "value": cookie}],
                "postData": {"mimeType": "application/x-www-form-urlencoded",
                             "text": format!("grant_type=client_credentials&client_id=cid&client_secret={client_secret}"),
                             "params": [{"name": "client_secret", "value": client_secret},
                                        {"name": "client_id", "value": "cid"}]},
            },
            "response": {
                "status": 200, "statusText": "OK",
                "headers": [{"name": "Set-Cookie", "value": format!("sid={cookie}; HttpOnly")},
                            {"name": "Content-Type", "value": "application/json"}],
                "cookies": [{"name": "sid", "value": cookie}],
                "content": {"mimeType": "application/json", "text": token_body.to_string()},
            },
        },
        {
            "startedDateTime": "2024-11-17T05:30:37.160Z",
            "request": {
                "method": "GET",
                "url": format!("https://api.example/status?id=pi-1&api_key={signing}&signature=abc123"),
                "headers": [{"name": "Authorization", "value": format!("Bearer {token}")}],
                "queryString": [{"name": "id", "value": "pi-1"}, {"name": "api_key", "value": signing}],
            },
            "response": {
                "status": 200, "statusText": "OK", "headers": [],
                "content": {"mimeType": "application/json",
                            "text": json!({"status": "Pending", "echo": format!("key={signing}")}).to_string()},
            },
        },
    ]}});
    serde_json::to_string_pretty(&har).unwrap()
}

#[test]
fn a_har_loses_every_credential_and_nothing_else() {
    let (token, client, signing, cookie) = (
        "tok-0123456789",
        "cs-abcdefghij",
        "sk-signing-secret",
        "c00kie",
    );
    let text = har(token, client, signing, cookie);
    // Only the signing secret is known by value; the rest goes by name.
    let r = Redactor::with_secrets([signing]);
    let out = r.document(&text).expect("JSON").into_owned();
    assert_no_secret(&out, &[token, client, signing, cookie]);
    let v: Value = serde_json::from_str(&out).unwrap();
    let entries = &v["log"]["entries"];
    let body: Value =
        serde_json::from_str(entries[0]["response"]["content"]["text"].as_str().unwrap()).unwrap();
    assert_eq!(body["access_token"], REDACTED);
    assert_eq!(body["token_type"], "Bearer", "data is kept");
    assert_eq!(body["expires_in"], 3600, "data is kept");
    assert_eq!(
        entries[0]["request"]["postData"]["text"],
        format!("grant_type=client_credentials&client_id=cid&client_secret={REDACTED}")
    );
    assert_eq!(
        entries[0]["request"]["postData"]["params"][1]["value"],
        "cid"
    );
    assert_eq!(
        entries[1]["request"]["url"],
        format!("https://api.example/status?id=pi-1&api_key={REDACTED}&signature=abc123"),
        "the signature is a MAC, not a secret: kept"
    );
    assert_eq!(entries[1]["request"]["headers"][0]["name"], "Authorization");
    assert_eq!(
        entries[0]["response"]["headers"][1]["value"],
        "application/json"
    );
    // Lines without a credential are byte for byte as written.
    for (a, b) in text.lines().zip(out.lines()) {
        if !a.contains("value") && !a.contains("text") && !a.contains("url") {
            assert_eq!(a, b);
        }
    }
    assert_eq!(text.lines().count(), out.lines().count());
    assert_eq!(r.document(&out).unwrap(), out, "idempotent");
}

#[test]
fn a_recording_loses_credential_headers_and_fields() {
    let rec = json!({"format": "pyng-recording", "version": 1, "exchanges": [{
        "request": {"method": "GET", "url": "/s?client_secret=abc", "headers": {"Authorization": "Bearer t0k3n-value", "Accept": "application/json"}},
        "response": {"status": 200, "headers": {"Set-Cookie": "a=b", "Content-Type": "application/json"},
                     "body": {"access_token": "t0k3n-value", "status": "Pending"}},
    }]})
    .to_string();
    let out = Redactor::default().document(&rec).unwrap().into_owned();
    assert_no_secret(&out, &["t0k3n-value", "abc", "a=b"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    let x = &v["exchanges"][0];
    assert_eq!(x["request"]["headers"]["Accept"], "application/json");
    assert_eq!(x["response"]["body"]["status"], "Pending");
    assert_eq!(x["request"]["url"], format!("/s?client_secret={REDACTED}"));
}

#[test]
fn clean_documents_are_borrowed_unchanged() {
    let text = "{ \"a\" : \"x\\/y\" ,\n \"n\": 1.50e2 }";
    assert!(matches!(
        Redactor::with_secrets(["not-in-there"]).document(text),
        Some(std::borrow::Cow::Borrowed(t)) if t == text
    ));
    assert!(Redactor::default().document("{ not json").is_none());
}

#[test]
fn ndjson_streams_line_by_line_keeping_line_ends() {
    let input = "{\"format\":\"pyng-recording\"}\r\n\n{\"request\":{\"headers\":{\"Cookie\":\"x=1\"}}}\nnot json sk-signing-secret\n{\"a\":1}";
    let r = Redactor::with_secrets(["sk-signing-secret"]);
    let mut out = Vec::new();
    let summary = r.stream(input.as_bytes(), &mut out).unwrap();
    let out = String::from_utf8(out).unwrap();
    assert_eq!(
        out,
        format!(
            "{{\"format\":\"pyng-recording\"}}\r\n\n{{\"request\":{{\"headers\":{{\"Cookie\":\"{REDACTED}\"}}}}}}\nnot json {REDACTED}\n{{\"a\":1}}"
        )
    );
    assert_eq!(
        (summary.lines, summary.changed, summary.not_json),
        (5, 2, 1)
    );
    assert_eq!(r.file_text(input), out, "the whole-text path agrees");
    // Bytes that are not UTF-8 lose the secret as written and nothing else.
    let mut out = Vec::new();
    r.stream(&b"\xff sk-signing-secret\n"[..], &mut out)
        .unwrap();
    assert_eq!(out, [&b"\xff "[..], REDACTED.as_bytes(), b"\n"].concat());
}

#[test]
fn too_deep_a_document_still_loses_the_known_secrets() {
    let deep = format!(
        "{}\"sk-signing-secret\"{}",
        "[".repeat(200),
        "]".repeat(200)
    );
    let r = Redactor::with_secrets(["sk-signing-secret"]);
    assert!(r.document(&deep).is_none());
    assert!(!r.file_text(&deep).contains("sk-signing-secret"));
    let mut out = Vec::new();
    r.stream(deep.as_bytes(), &mut out).unwrap();
    assert!(
        !String::from_utf8(out)
            .unwrap()
            .contains("sk-signing-secret")
    );
}

#[test]
fn short_secrets_and_the_marker_itself_are_not_searched() {
    let r = Redactor::with_secrets(["short", "redacted", "<redacted>"]);
    assert!(r.is_empty());
    assert!(!format!("{:?}", Redactor::with_secrets(["tok-0123456789"])).contains("tok-"));
}

/// A secret written as one of the encodings a JSON, URL or form reader decodes.
fn encode(secret: &str, how: u8) -> String {
    match how % 4 {
        0 => secret.to_owned(),
        1 => secret
            .chars()
            .map(|c| format!("\\u{:04x}", c as u32))
            .collect(),
        2 => percent_encoding::utf8_percent_encode(secret, percent_encoding::NON_ALPHANUMERIC)
            .to_string(),
        _ => secret.replace('/', "\\/"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn redacting_twice_is_redacting_once_and_no_secret_survives(
        token in "[A-Za-z0-9._/-]{8,24}",
        client in "[A-Za-z0-9]{8,16}",
        signing in "[A-Za-z0-9/+]{8,24}",
        cookie in "[A-Za-z0-9]{1,12}",
        how in 0u8..4,
        filler in "[ -~]{0,24}",
    ) {
        let mut text = har(&token, &client, &signing, &cookie);
        // An echo of the known secret in some encoding, inside a body's text.
        let echo = format!("{filler}{}{filler}", encode(&signing, how));
        text = text.replace("\"Pending\"", &serde_json::to_string(&echo).unwrap());
        let r = Redactor::with_secrets([signing.as_str()]);
        let once = r.document(&text).expect("JSON").into_owned();
        let twice = r.document(&once).expect("JSON").into_owned();
        prop_assert_eq!(&once, &twice);
        let filler_holds_a_secret = [&token, &client, &signing].iter().any(|s| filler.contains(s.as_str()));
        prop_assume!(!filler_holds_a_secret);
        assert_no_secret(&once, &[&token, &client, &signing]);
        prop_assert_eq!(r.file_text(&once), once.as_str());
    }

    #[test]
    fn no_input_panics_and_every_output_is_a_fixed_point(text in "[ -~\\n]{0,200}", secret in "[a-z]{8,10}") {
        let r = Redactor::with_secrets([secret.as_str()]);
        let once = r.file_text(&text).into_owned();
        prop_assert_eq!(r.file_text(&once), once.as_str());
        let _ = r.bytes(text.as_bytes());
        let _ = r.url(&text);
    }
}
