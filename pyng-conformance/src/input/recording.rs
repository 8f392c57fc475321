//! The kit's own recording format, version 1 (documented in
//! `docs/recording-format.md`). The NDJSON form uses the same exchange objects.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Deserialize;
use serde_json::value::RawValue;

use super::{Item, decode_base64, problem, syntax_problem};
use crate::exchange::{Exchange, parse_time, redact_header, split_url};

/// The value of `format`.
pub const FORMAT: &str = "pyng-recording";
pub const VERSION: u32 = 1;

#[derive(Deserialize)]
struct Recording {
    format: String,
    version: u32,
    spec: Option<SpecRef>,
    #[serde(default)]
    exchanges: Vec<Box<RawValue>>,
}

/// The header of a recording (and the optional first line of an NDJSON one).
#[derive(Debug, Deserialize)]
pub struct Header {
    pub format: String,
    pub version: u32,
    pub spec: Option<SpecRef>,
}

#[derive(Debug, Deserialize)]
pub struct SpecRef {
    pub title: String,
    pub version: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RecordedExchange {
    started_at: Option<String>,
    request: Request,
    response: Response,
}

#[derive(Deserialize)]
struct Request {
    method: String,
    url: String,
    #[serde(default)]
    headers: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Response {
    status: u16,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    /// The body as the JSON it was, byte for byte.
    body: Option<Box<RawValue>>,
    /// A body that is not JSON (or not valid JSON), as text.
    body_text: Option<String>,
    /// A body that is not UTF-8.
    body_base64: Option<String>,
}

pub fn read(file: &Arc<str>, bytes: &[u8], sink: &mut dyn FnMut(Item)) {
    let rec: Recording = match serde_json::from_slice(bytes) {
        Ok(r) => r,
        Err(e) => return sink(Item::Problem(syntax_problem(file, "the recording", &e))),
    };
    if let Err(message) = check_header(&rec.format, rec.version) {
        return sink(Item::Problem(problem(file, None, message)));
    }
    if let Some(spec) = rec.spec {
        sink(Item::SpecInfo {
            title: spec.title,
            version: spec.version,
        });
    }
    for (i, raw) in rec.exchanges.iter().enumerate() {
        sink(exchange_item(file, i, raw.get()));
    }
}

pub fn check_header(format: &str, version: u32) -> Result<(), String> {
    if format != FORMAT {
        return Err(format!("`format` is `{format}`, expected `{FORMAT}`"));
    }
    if version != VERSION {
        return Err(format!(
            "recording format version {version} is not supported (this build reads version {VERSION})"
        ));
    }
    Ok(())
}

/// One exchange object (a recording's array element or an NDJSON line).
pub fn exchange_item(file: &Arc<str>, entry: usize, text: &str) -> Item {
    let parsed: RecordedExchange = match serde_json::from_str(text) {
        Ok(x) => x,
        Err(e) => {
            return Item::Problem(problem(
                file,
                Some(entry),
                format!("exchange {entry} is not a valid recorded exchange: {e}"),
            ));
        }
    };
    match exchange(file, entry, parsed) {
        Ok(ex) => Item::Exchange(Box::new(ex)),
        Err(message) => Item::Problem(problem(file, Some(entry), message)),
    }
}

fn exchange(file: &Arc<str>, entry: usize, x: RecordedExchange) -> Result<Exchange, String> {
    let (path, query) = split_url(&x.request.url);
    let r = x.response;
    let body = match (r.body, r.body_text, r.body_base64) {
        (Some(raw), None, None) => raw.get().as_bytes().to_vec(),
        (None, Some(text), None) => text.into_bytes(),
        (None, None, Some(b64)) => decode_base64(&b64)
            .ok_or_else(|| format!("exchange {entry}: `bodyBase64` is not valid base64"))?,
        (None, None, None) => Vec::new(),
        _ => {
            return Err(format!(
                "exchange {entry}: give at most one of `body`, `bodyText` and `bodyBase64`"
            ));
        }
    };
    let content_type = r
        .headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
        .map(|(_, v)| v.clone());
    Ok(Exchange {
        file: file.clone(),
        entry: Some(entry),
        method: x.request.method,
        path,
        query,
        request_headers: x
            .request
            .headers
            .iter()
            .map(|(k, v)| redact_header(k, v))
            .collect(),
        status: r.status,
        content_type,
        body,
        time_ms: x.started_at.as_deref().and_then(parse_time),
        operation: None,
    })
}
