//! Records exchanges in the kit's format (`docs/recording-format.md`) from a
//! partner's own Rust code: whatever HTTP client it uses hands over the parts
//! of each request and response ([`Captured`]), and the [`Recorder`] redacts
//! them at once, through the kit's one redaction path ([`crate::redact`]),
//! and writes the recording `check` reads. No HTTP crate is needed here: the
//! wrapper around a client is a few lines (`docs/capturing.md`).

use std::io::Write;
use std::path::Path;

use serde::Serialize;
use serde_json::value::RawValue;

use crate::input::recording::{FORMAT, VERSION};
use crate::redact::Redactor;

/// One exchange as a client saw it, borrowed from the client's own types.
#[derive(Debug, Clone, Copy)]
pub struct Captured<'a> {
    /// When the request was sent, Unix milliseconds.
    pub started_ms: i128,
    /// How long until the response was read, in milliseconds.
    pub elapsed_ms: i128,
    /// The request method.
    pub method: &'a str,
    /// The URL as sent, query included.
    pub url: &'a str,
    /// The request headers, as sent.
    pub request_headers: &'a [(String, String)],
    /// The request body (empty for a GET).
    pub request_body: &'a [u8],
    /// The response status.
    pub status: u16,
    /// The response headers.
    pub response_headers: &'a [(String, String)],
    /// The response body.
    pub body: &'a [u8],
}

/// Redacted exchanges, kept as the kit's exchange objects, written as one
/// recording. Credentials never reach it unredacted: each exchange is
/// redacted as it is recorded.
#[derive(Debug, Clone, Default)]
pub struct Recorder {
    redactor: Redactor,
    spec: Option<(String, String)>,
    exchanges: Vec<String>,
}

impl Recorder {
    /// A recorder that redacts credentials by name (headers, cookies, token
    /// fields) and the secret values of `redactor` wherever they appear.
    pub fn new(redactor: Redactor) -> Recorder {
        Recorder {
            redactor,
            ..Recorder::default()
        }
    }

    /// Names the spec (`info.title`, `info.version`) the traffic is made
    /// against, so that `check` warns when it checks against another one.
    pub fn for_spec(mut self, title: &str, version: &str) -> Recorder {
        self.spec = Some((title.to_owned(), version.to_owned()));
        self
    }

    /// Records one exchange, redacted.
    pub fn record(&mut self, c: Captured<'_>) {
        let headers = |h: &[(String, String)]| header_map(&self.redactor.headers(h));
        let request_body = self.redactor.bytes(c.request_body);
        let body = self.redactor.bytes(c.body);
        let exchange = Exchange {
            started_at: rfc3339(c.started_ms),
            request: Part {
                method: Some(c.method),
                url: Some(self.redactor.url(c.url)),
                status: None,
                headers: headers(c.request_headers),
                received_at: None,
                body: Body::of(&request_body),
            },
            response: Part {
                method: None,
                url: None,
                status: Some(c.status),
                headers: headers(c.response_headers),
                received_at: Some(rfc3339(c.started_ms.saturating_add(c.elapsed_ms))),
                body: Body::of(&body),
            },
        };
        self.exchanges
            .push(serde_json::to_string(&exchange).unwrap_or_default());
    }

    /// How many exchanges are recorded.
    pub fn len(&self) -> usize {
        self.exchanges.len()
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.exchanges.is_empty()
    }

    /// The recording as one JSON document (`.json`).
    pub fn document(&self) -> Vec<u8> {
        let mut out = self.header().into_bytes();
        out.truncate(out.len() - 1);
        out.extend_from_slice(b",\"exchanges\":[");
        for (i, e) in self.exchanges.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(e.as_bytes());
        }
        out.extend_from_slice(b"]}\n");
        out
    }

    /// The recording as NDJSON (`.ndjson`): the header line, then one
    /// exchange a line.
    pub fn ndjson(&self) -> Vec<u8> {
        let mut out = self.header().into_bytes();
        out.push(b'\n');
        for e in &self.exchanges {
            out.extend_from_slice(e.as_bytes());
            out.push(b'\n');
        }
        out
    }

    /// Writes the recording to `path`: NDJSON for `.ndjson` and `.jsonl`,
    /// else one document.
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_ascii_lowercase();
        let bytes = if name.ends_with(".ndjson") || name.ends_with(".jsonl") {
            self.ndjson()
        } else {
            self.document()
        };
        std::fs::File::create(path)?.write_all(&bytes)
    }

    /// `{"format":..,"version":..,"spec":..}`.
    fn header(&self) -> String {
        #[derive(Serialize)]
        struct Header<'a> {
            format: &'static str,
            version: u32,
            #[serde(skip_serializing_if = "Option::is_none")]
            spec: Option<SpecRef<'a>>,
        }
        #[derive(Serialize)]
        struct SpecRef<'a> {
            title: &'a str,
            version: &'a str,
        }
        let spec = self
            .spec
            .as_ref()
            .map(|(title, version)| SpecRef { title, version });
        serde_json::to_string(&Header {
            format: FORMAT,
            version: VERSION,
            spec,
        })
        .unwrap_or_default()
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Exchange<'a> {
    started_at: String,
    request: Part<'a>,
    response: Part<'a>,
}

/// A request or a response; the body last, as a reader checks what it
/// knows first.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Part<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    method: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<u16>,
    headers: std::collections::BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    received_at: Option<String>,
    #[serde(flatten)]
    body: Body,
}

/// A body as embedded JSON when it is nothing but JSON (read back byte for
/// byte), else text when UTF-8, else base64; nothing when empty.
#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase")]
struct Body {
    #[serde(skip_serializing_if = "Option::is_none")]
    body: Option<Box<RawValue>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    body_text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    body_base64: Option<String>,
}

impl Body {
    fn of(bytes: &[u8]) -> Body {
        if bytes.is_empty() {
            return Body::default();
        }
        match std::str::from_utf8(bytes) {
            Ok(text) => match serde_json::from_str::<Box<RawValue>>(text) {
                Ok(raw) if raw.get().len() == text.len() => Body {
                    body: Some(raw),
                    ..Body::default()
                },
                _ => Body {
                    body_text: Some(text.to_owned()),
                    ..Body::default()
                },
            },
            Err(_) => Body {
                body_base64: Some(base64(bytes)),
                ..Body::default()
            },
        }
    }
}

/// Header pairs as the format's map; repeated names joined with `, ` (RFC
/// 9110 § 5.3).
fn header_map(headers: &[(String, String)]) -> std::collections::BTreeMap<String, String> {
    let mut map = std::collections::BTreeMap::<String, String>::new();
    for (k, v) in headers {
        map.entry(k.clone())
            .and_modify(|e| {
                e.push_str(", ");
                e.push_str(v);
            })
            .or_insert_with(|| v.clone());
    }
    map
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ`.
fn rfc3339(ms: i128) -> String {
    let format = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    );
    time::OffsetDateTime::from_unix_timestamp_nanos(ms.saturating_mul(1_000_000))
        .ok()
        .and_then(|t| t.format(format).ok())
        .unwrap_or_else(|| "1970-01-01T00:00:00.000Z".to_owned())
}

/// Standard padded base64 (RFC 4648 § 4).
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_is_rfc_4648() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), encoded);
        }
        assert!(pyng_spec::formats::is_base64(&base64(&[
            0xff, 0x00, 0xfe, 0x80
        ])));
    }

    /// Both forms read back as the exchange recorded, without its
    /// credentials; a body that is not UTF-8 goes as base64.
    #[test]
    fn what_is_recorded_is_what_check_reads() {
        let mut r = Recorder::new(Redactor::with_secrets(["tok-4f8e2a9c1d"]))
            .for_spec("Pyng Pull Transaction Status API", "1.0.0");
        let request_headers = [(
            "Authorization".to_owned(),
            "Bearer tok-4f8e2a9c1d".to_owned(),
        )];
        let response_headers = [("Content-Type".to_owned(), "application/json".to_owned())];
        let body = br#"{"data":{"transactionStatus":"Pending"},"traceId":"t"}"#;
        let url = "https://h.example/checkout/site-1/transaction-status?paymentIntentId=pi_1";
        let captured = Captured {
            started_ms: 1_731_821_400_000,
            elapsed_ms: 120,
            method: "GET",
            url,
            request_headers: &request_headers,
            request_body: &[],
            status: 200,
            response_headers: &response_headers,
            body,
        };
        r.record(captured);
        r.record(Captured {
            started_ms: 1_731_821_405_000,
            status: 500,
            body: &[0xff, 0xfe],
            ..captured
        });
        assert_eq!(r.len(), 2);
        let engine = crate::Engine::with_bundled_specs().unwrap();
        for (name, bytes) in [("r.json", r.document()), ("r.ndjson", r.ndjson())] {
            let text = String::from_utf8(bytes.clone()).unwrap();
            assert!(!text.contains("tok-4f8e2a9c1d"), "{text}");
            assert!(text.contains("\"bodyBase64\":\"//4=\""), "{text}");
            assert!(
                text.contains("\"startedAt\":\"2024-11-17T05:30:00.000Z\""),
                "{text}"
            );
            let report = engine.check_bytes(name, &bytes);
            assert_eq!(report.exchanges, 2, "{name}: {:?}", report.findings);
            let rules: Vec<&str> = report.findings.iter().map(|f| f.rule.as_str()).collect();
            assert!(
                !rules.iter().any(|r| r.starts_with("input.")),
                "{name}: {rules:?}"
            );
        }
    }
}
