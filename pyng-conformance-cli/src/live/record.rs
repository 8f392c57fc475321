//! The run as a recording: the kit's format (`docs/recording-format.md`, document
//! or NDJSON form by file extension) and, on request, HAR 1.2.
//!
//! Redaction happens when an exchange is captured, before anything checks or
//! writes it, through the kit's one redaction path
//! ([`pyng_conformance::redact`]): credential headers, credential fields of
//! the body and the query, and any configured secret value anywhere. The Peach
//! request `signature` is a MAC, not a secret, and is kept so that offline
//! signature checks agree.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use base64::Engine as _;
use serde::Serialize;
use serde_json::value::RawValue;

use super::client::{Request, Response};
use pyng_conformance::input::recording::{FORMAT, VERSION};
pub use pyng_conformance::redact::Redactor;

/// One request and its response, redacted.
#[derive(Debug, Clone)]
pub struct RecordedExchange {
    /// When the request was sent (Unix ms).
    pub started_ms: i128,
    /// How long the exchange took (ms).
    pub elapsed_ms: i128,
    /// The request method.
    pub method: String,
    /// The request URL (redacted).
    pub url: String,
    /// The request headers (redacted).
    pub request_headers: Vec<(String, String)>,
    /// The request body (redacted; empty for a GET).
    pub request_body: Vec<u8>,
    /// The response status.
    pub status: u16,
    /// The reason phrase.
    pub status_text: String,
    /// The response headers (redacted).
    pub response_headers: Vec<(String, String)>,
    /// The response body (redacted).
    pub body: Vec<u8>,
}

impl RecordedExchange {
    /// The exchange of `req` and `resp`, redacted by `redactor`.
    pub fn capture(req: &Request, resp: &Response, redactor: &Redactor) -> RecordedExchange {
        RecordedExchange {
            started_ms: resp.started_ms,
            elapsed_ms: resp.elapsed.as_millis() as i128,
            method: req.method.clone(),
            url: redactor.url(&req.url),
            request_headers: redactor.headers(&req.headers),
            request_body: redactor.bytes(&req.body),
            status: resp.status,
            status_text: resp.status_text.clone(),
            response_headers: redactor.headers(&resp.headers),
            body: redactor.bytes(&resp.body),
        }
    }

    /// The first response header `name` (case-insensitive).
    pub fn response_header(&self, name: &str) -> Option<&str> {
        first_header(&self.response_headers, name)
    }

    /// The exchange object of the kit's format (an NDJSON line).
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.kit()).unwrap_or_default()
    }

    fn kit(&self) -> KitExchange<'_> {
        let (body, body_text, body_base64) = body_forms(&self.body);
        let (request_body, request_body_text, request_body_base64) = body_forms(&self.request_body);
        KitExchange {
            started_at: rfc3339(self.started_ms),
            request: KitRequest {
                method: &self.method,
                url: &self.url,
                headers: header_map(&self.request_headers),
                body: request_body,
                body_text: request_body_text,
                body_base64: request_body_base64,
            },
            response: KitResponse {
                status: self.status,
                headers: header_map(&self.response_headers),
                received_at: rfc3339(self.started_ms + self.elapsed_ms),
                body,
                body_text,
                body_base64,
            },
        }
    }
}

/// The body as embedded JSON when it is JSON (read back byte for byte), else as
/// text when UTF-8, else base64; nothing when empty.
fn body_forms(body: &[u8]) -> (Option<Box<RawValue>>, Option<String>, Option<String>) {
    if body.is_empty() {
        return (None, None, None);
    }
    match std::str::from_utf8(body) {
        Ok(text) => match serde_json::from_str::<Box<RawValue>>(text) {
            // Only when nothing but the JSON value is there (the raw value drops
            // surrounding whitespace, which would move positions).
            Ok(raw) if raw.get().len() == text.len() => (Some(raw), None, None),
            _ => (None, Some(text.to_owned()), None),
        },
        Err(_) => (
            None,
            None,
            Some(base64::engine::general_purpose::STANDARD.encode(body)),
        ),
    }
}

fn header_map(headers: &[(String, String)]) -> BTreeMap<&str, String> {
    let mut map: BTreeMap<&str, String> = BTreeMap::new();
    for (k, v) in headers {
        map.entry(k.as_str())
            .and_modify(|e| {
                e.push_str(", ");
                e.push_str(v);
            })
            .or_insert_with(|| v.clone());
    }
    map
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ`.
pub fn rfc3339(ms: i128) -> String {
    let format = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    );
    time::OffsetDateTime::from_unix_timestamp_nanos(ms * 1_000_000)
        .ok()
        .and_then(|t| t.format(format).ok())
        .unwrap_or_else(|| "1970-01-01T00:00:00.000Z".to_owned())
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct KitExchange<'a> {
    started_at: String,
    request: KitRequest<'a>,
    response: KitResponse<'a>,
}

/// `body` last, as for the response: a reader checks what it knows first.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct KitRequest<'a> {
    method: &'a str,
    url: &'a str,
    headers: BTreeMap<&'a str, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    body: Option<Box<RawValue>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    body_text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    body_base64: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct KitResponse<'a> {
    status: u16,
    headers: BTreeMap<&'a str, String>,
    received_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    body: Option<Box<RawValue>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    body_text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    body_base64: Option<String>,
}

#[derive(Serialize)]
struct SpecRef<'a> {
    title: &'a str,
    version: &'a str,
}

/// The whole run.
#[derive(Debug, Clone, Default)]
pub struct Recording {
    /// `info.title` and `info.version` of the spec of the polled operation.
    pub spec: Option<(String, String)>,
    /// The exchanges, in order.
    pub exchanges: Vec<RecordedExchange>,
}

/// The form a recording is written in, from the file name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// One JSON document (`.json`).
    Document,
    /// One exchange per line (`.ndjson`, `.jsonl`).
    Ndjson,
}

impl Form {
    /// The `entry` findings give the first exchange: NDJSON entries are line
    /// numbers, and line 0 is the header.
    pub fn first_entry(self) -> usize {
        match self {
            Form::Document => 0,
            Form::Ndjson => 1,
        }
    }

    /// The form `path`'s extension asks for.
    pub fn of(path: &Path) -> Form {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        if name.ends_with(".ndjson") || name.ends_with(".jsonl") {
            Form::Ndjson
        } else {
            Form::Document
        }
    }
}

impl Recording {
    /// An empty recording of the spec with this title and version.
    pub fn new(spec: Option<(String, String)>) -> Recording {
        Recording {
            spec,
            exchanges: Vec::new(),
        }
    }

    fn spec_ref(&self) -> Option<SpecRef<'_>> {
        self.spec
            .as_ref()
            .map(|(title, version)| SpecRef { title, version })
    }

    /// The recording in the kit's format.
    pub fn encode(&self, form: Form, recorded_at_ms: i128) -> Vec<u8> {
        match form {
            Form::Document => {
                #[derive(Serialize)]
                #[serde(rename_all = "camelCase")]
                struct Doc<'a> {
                    format: &'static str,
                    version: u32,
                    #[serde(skip_serializing_if = "Option::is_none")]
                    spec: Option<SpecRef<'a>>,
                    recorded_at: String,
                    exchanges: Vec<KitExchange<'a>>,
                }
                let doc = Doc {
                    format: FORMAT,
                    version: VERSION,
                    spec: self.spec_ref(),
                    recorded_at: rfc3339(recorded_at_ms),
                    exchanges: self.exchanges.iter().map(RecordedExchange::kit).collect(),
                };
                let mut out = serde_json::to_vec_pretty(&doc).unwrap_or_default();
                out.push(b'\n');
                out
            }
            Form::Ndjson => {
                let mut out = self.ndjson_head();
                for x in &self.exchanges {
                    out.extend_from_slice(x.to_json().as_bytes());
                    out.push(b'\n');
                }
                out
            }
        }
    }

    /// The first line of the NDJSON form.
    pub fn ndjson_head(&self) -> Vec<u8> {
        #[derive(Serialize)]
        struct Head<'a> {
            format: &'static str,
            version: u32,
            #[serde(skip_serializing_if = "Option::is_none")]
            spec: Option<SpecRef<'a>>,
        }
        let head = Head {
            format: FORMAT,
            version: VERSION,
            spec: self.spec_ref(),
        };
        let mut out = serde_json::to_vec(&head).unwrap_or_default();
        out.push(b'\n');
        out
    }

    /// A streamed HAR: this, the entries separated by commas, [`Self::har_tail`].
    pub fn har_head() -> Vec<u8> {
        let creator =
            serde_json::json!({"name": "pyng-conformance", "version": env!("CARGO_PKG_VERSION")});
        format!("{{\"log\": {{\"version\": \"1.2\", \"creator\": {creator}, \"entries\": [")
            .into_bytes()
    }

    /// The bytes that close a streamed HAR document.
    pub fn har_tail() -> &'static [u8] {
        b"\n]}}\n"
    }

    /// HAR 1.2 of the run.
    pub fn to_har(&self) -> Vec<u8> {
        let entries: Vec<serde_json::Value> = self.exchanges.iter().map(har_entry).collect();
        let har = serde_json::json!({
            "log": {
                "version": "1.2",
                "creator": {"name": "pyng-conformance", "version": env!("CARGO_PKG_VERSION")},
                "entries": entries,
            }
        });
        let mut out = serde_json::to_vec_pretty(&har).unwrap_or_default();
        out.push(b'\n');
        out
    }
}

fn har_headers(headers: &[(String, String)]) -> serde_json::Value {
    headers
        .iter()
        .map(|(k, v)| serde_json::json!({"name": k, "value": v}))
        .collect()
}

/// One HAR entry, encoded.
pub fn har_entry_json(x: &RecordedExchange) -> Vec<u8> {
    serde_json::to_vec(&har_entry(x)).unwrap_or_default()
}

fn first_header<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// `text` of HAR `content` or `postData`: the body when UTF-8, else base64
/// with `encoding` (which HAR 1.2 defines for `content` only; the kit reads
/// it in `postData` too).
fn har_text(into: &mut serde_json::Value, body: &[u8]) {
    match std::str::from_utf8(body) {
        Ok(text) => into["text"] = text.into(),
        Err(_) => {
            into["text"] = base64::engine::general_purpose::STANDARD
                .encode(body)
                .into();
            into["encoding"] = "base64".into();
        }
    }
}

fn har_entry(x: &RecordedExchange) -> serde_json::Value {
    let (_, query) = pyng_conformance::exchange::split_url(&x.url);
    let mime = x.response_header("content-type").unwrap_or("");
    let mut content = serde_json::json!({"size": x.body.len(), "mimeType": mime});
    har_text(&mut content, &x.body);
    let mut entry = serde_json::json!({
        "startedDateTime": rfc3339(x.started_ms),
        "time": x.elapsed_ms,
        "request": {
            "method": x.method,
            "url": x.url,
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": har_headers(&x.request_headers),
            "queryString": query.iter().map(|(k, v)| serde_json::json!({"name": k, "value": v})).collect::<Vec<_>>(),
            "headersSize": -1,
            "bodySize": x.request_body.len(),
        },
        "response": {
            "status": x.status,
            "statusText": x.status_text,
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": har_headers(&x.response_headers),
            "content": content,
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": x.body.len(),
        },
        "cache": {},
        "timings": {"send": 0, "wait": x.elapsed_ms, "receive": 0},
    });
    if !x.request_body.is_empty() {
        let mime = first_header(&x.request_headers, "content-type").unwrap_or("");
        let mut post = serde_json::json!({"mimeType": mime});
        har_text(&mut post, &x.request_body);
        entry["request"]["postData"] = post;
    }
    entry
}

/// The temporary file `path` is written through: in its directory (a rename
/// stays on one file system), hidden, named by this process.
pub fn temp_beside(path: &Path) -> std::path::PathBuf {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "recording".into());
    dir.join(format!(".{name}.{}.tmp", std::process::id()))
}

/// Writes `bytes` to `path` through a temporary file in the same directory, so a
/// reader never sees half a recording.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = temp_beside(path);
    let result = std::fs::File::create(&tmp)
        .and_then(|mut f| f.write_all(bytes).and_then(|()| f.sync_all()))
        .and_then(|()| std::fs::rename(&tmp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use pyng_conformance::Engine;
    use pyng_conformance::redact::REDACTED;
    use std::time::Duration;

    fn sample(body: &[u8], redactor: &Redactor) -> RecordedExchange {
        let req = Request {
            method: "GET".into(),
            url: "http://127.0.0.1:1/checkout/site-1/transaction-status?paymentIntentId=pi-1"
                .into(),
            headers: vec![
                ("Authorization".into(), "Bearer tok-0123456789".into()),
                ("Accept".into(), "application/json".into()),
            ],
            body: Vec::new(),
        };
        let resp = Response {
            status: 200,
            status_text: "OK".into(),
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.to_vec(),
            started_ms: 1_731_821_436_160,
            elapsed: Duration::from_millis(12),
        };
        RecordedExchange::capture(&req, &resp, redactor)
    }

    #[test]
    fn redacts_headers_and_secret_values_everywhere() {
        let mut r = Redactor::default();
        r.add("tok-0123456789");
        r.add("short");
        let x = sample(br#"{"echo":"tok-0123456789","short":"short"}"#, &r);
        // The scheme is kept: it says what kind of credential was sent.
        assert_eq!(x.request_headers[0].1, format!("Bearer {REDACTED}"));
        let text = String::from_utf8(
            Recording {
                spec: None,
                exchanges: vec![x.clone()],
            }
            .encode(Form::Document, 0),
        )
        .unwrap();
        assert!(!text.contains("tok-0123456789"), "{text}");
        assert!(
            text.contains(r#""short":"short""#),
            "short secrets are not scrubbed"
        );
        assert!(!format!("{r:?}").contains("tok-"));
    }

    #[test]
    fn escaped_and_encoded_echoes_are_redacted() {
        let mut r = Redactor::default();
        r.add("tok/0123456789");
        let esc: String = "tok/0123456789"
            .chars()
            .map(|c| format!("\\u{:04x}", c as u32))
            .collect();
        let mixed = r#"{"a":"x tok\/0123456789 y","b":"ESC","c":"t\u006fk/0123456789","d":"tok%2F0123456789"}"#
            .replace("ESC", &esc);
        let out = String::from_utf8(r.bytes(mixed.as_bytes())).unwrap();
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        for k in ["a", "b", "c"] {
            assert!(v[k].as_str().unwrap().contains(REDACTED), "{out}");
            assert!(!v[k].as_str().unwrap().contains("0123456789"), "{out}");
        }
        assert_eq!(v["d"], REDACTED);
        // Unbalanced quotes and bytes that are not UTF-8 do not panic.
        let _ = r.bytes(b"\"\\");
        let _ = r.bytes(b"\xff\"\\u00\"");
    }

    #[test]
    fn every_form_reads_back_to_the_same_findings() {
        let body = br#"{"data": {"transactionStatus": "Nope"}, "traceId": "t"}"#;
        let rec = Recording {
            spec: Some(("Pyng Pull Transaction Status API".into(), "1.0.0".into())),
            exchanges: vec![sample(body, &Redactor::default())],
        };
        let engine = Engine::with_bundled_specs().unwrap();
        let key = |r: pyng_conformance::Report| {
            r.findings
                .iter()
                .map(|f| (f.rule.clone(), f.pointer.clone(), f.entry, f.line, f.column))
                .collect::<Vec<_>>()
        };
        let doc = key(engine.check_bytes("r.json", &rec.encode(Form::Document, 0)));
        let mut nd = key(engine.check_bytes("r.ndjson", &rec.encode(Form::Ndjson, 0)));
        for f in &mut nd {
            f.2 = f.2.map(|e| e - Form::Ndjson.first_entry());
        }
        let har = key(engine.check_bytes("r.har", &rec.to_har()));
        let mut streamed = Recording::har_head();
        streamed.extend_from_slice(b"\n");
        streamed.extend(har_entry_json(&rec.exchanges[0]));
        streamed.extend_from_slice(Recording::har_tail());
        let streamed = key(engine.check_bytes("s.har", &streamed));
        assert!(doc.iter().any(|f| f.0 == "schema.enum"), "{doc:?}");
        assert_eq!(doc, nd);
        assert_eq!(doc, har);
        assert_eq!(doc, streamed);
    }

    /// What `check` reads back of a POST: its body and content type, and
    /// the response headers, the same in every form; secrets redacted.
    #[test]
    fn every_form_reads_back_the_request_body_and_the_response_headers() {
        use pyng_conformance::input::{Item, read_bytes};
        let mut r = Redactor::default();
        r.add("client-secret-1");
        for request_body in [
            &b"grant_type=client_credentials&client_secret=client-secret-1"[..],
            br#"{"amount":100}"#,
            &[0xff, 0x00],
        ] {
            let req = Request {
                method: "POST".into(),
                url: "http://127.0.0.1:1/oauth/token".into(),
                headers: vec![(
                    "Content-Type".into(),
                    "application/x-www-form-urlencoded".into(),
                )],
                body: request_body.to_vec(),
            };
            let resp = Response {
                status: 201,
                status_text: "Created".into(),
                headers: vec![
                    ("content-type".into(), "application/json".into()),
                    ("Set-Cookie".into(), "s=client-secret-1".into()),
                    ("Location".into(), "/x/1".into()),
                ],
                body: br#"{"data":{}}"#.to_vec(),
                started_ms: 1_731_821_436_160,
                elapsed: Duration::from_millis(3),
            };
            let x = RecordedExchange::capture(&req, &resp, &r);
            let expected_body = r.bytes(request_body);
            assert!(!String::from_utf8_lossy(&expected_body).contains("client-secret-1"));
            let rec = Recording {
                spec: None,
                exchanges: vec![x],
            };
            for (name, bytes) in [
                ("r.json", rec.encode(Form::Document, 0)),
                ("r.ndjson", rec.encode(Form::Ndjson, 0)),
                ("r.har", rec.to_har()),
            ] {
                let read: Vec<_> = read_bytes(name, &bytes)
                    .into_iter()
                    .filter_map(|item| match item {
                        Item::Exchange(x) => Some(x),
                        _ => None,
                    })
                    .collect();
                assert_eq!(read.len(), 1, "{name}");
                let got = &read[0];
                assert_eq!(got.method, "POST", "{name}");
                assert_eq!(&*got.request_body, &expected_body[..], "{name}");
                assert_eq!(
                    got.request_content_type.as_deref(),
                    Some("application/x-www-form-urlencoded"),
                    "{name}"
                );
                let mut headers: Vec<(String, String)> = got
                    .response_headers
                    .iter()
                    .map(|(k, v)| (k.to_ascii_lowercase(), v.to_string()))
                    .collect();
                headers.sort();
                assert_eq!(
                    headers,
                    [
                        ("content-type".to_owned(), "application/json".to_owned()),
                        ("location".to_owned(), "/x/1".to_owned()),
                        ("set-cookie".to_owned(), REDACTED.to_owned()),
                    ],
                    "{name}"
                );
            }
        }
    }

    #[test]
    fn bodies_that_are_not_json_keep_their_bytes() {
        let (j, t, b) = body_forms(b"{\"a\":1}");
        assert!(j.is_some() && t.is_none() && b.is_none());
        let (j, t, _) = body_forms(b"{\"a\":");
        assert!(j.is_none() && t.as_deref() == Some("{\"a\":"));
        let (j, t, _) = body_forms(b" {} ");
        assert!(j.is_none() && t.as_deref() == Some(" {} "));
        let (_, _, b) = body_forms(&[0xff, 0xfe]);
        assert_eq!(b.as_deref(), Some("//4="));
        assert!(matches!(body_forms(b""), (None, None, None)));
    }

    #[test]
    fn timestamps_are_rfc3339_millis() {
        assert_eq!(rfc3339(1_731_821_436_160), "2024-11-17T05:30:36.160Z");
    }
}
