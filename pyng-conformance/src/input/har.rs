//! HAR 1.2 (browsers, proxies, schemathesis). Each entry is read on its own, so
//! one malformed entry is one finding and the others are still checked.

use std::borrow::Cow;
use std::sync::Arc;

use serde::Deserialize;
use serde_json::value::RawValue;

use super::{Item, decode_base64, problem, syntax_problem};
use crate::exchange::{Exchange, read_time, redact_header, split_url_cow};
use crate::origin::{BodyForm, BodySpan, Cursor, Origin, offset_in};

#[derive(Deserialize)]
struct Har<'a> {
    #[serde(borrow)]
    log: Log<'a>,
}

#[derive(Deserialize)]
struct Log<'a> {
    #[serde(borrow)]
    entries: Vec<&'a RawValue>,
}

/// What [`origins`] reads of an entry: where its response text is.
#[derive(Deserialize)]
struct EntryText<'a> {
    #[serde(borrow)]
    response: ResponseText<'a>,
}

#[derive(Deserialize)]
struct ResponseText<'a> {
    #[serde(default, borrow)]
    content: ContentText<'a>,
}

#[derive(Deserialize, Default)]
struct ContentText<'a> {
    #[serde(borrow)]
    text: Option<&'a RawValue>,
    encoding: Option<String>,
}

#[derive(Deserialize)]
struct Entry {
    #[serde(rename = "startedDateTime")]
    started: Option<String>,
    request: Request,
    response: Response,
}

#[derive(Deserialize)]
struct Request {
    method: String,
    url: String,
    #[serde(default)]
    headers: Vec<Header>,
}

#[derive(Deserialize)]
struct Response {
    status: u16,
    #[serde(default)]
    headers: Vec<Header>,
    #[serde(default)]
    content: Content,
}

#[derive(Deserialize, Default)]
struct Content {
    #[serde(rename = "mimeType")]
    mime_type: Option<String>,
    text: Option<String>,
    encoding: Option<String>,
}

#[derive(Deserialize)]
struct Header {
    name: String,
    value: String,
}

pub(crate) fn read(file: &Arc<str>, bytes: &[u8], sink: &mut dyn FnMut(Item)) {
    let har: Har = match serde_json::from_slice(bytes) {
        Ok(h) => h,
        Err(e) => return sink(Item::Problem(syntax_problem(file, "the HAR file", &e))),
    };
    for (i, raw) in har.log.entries.iter().enumerate() {
        match serde_json::from_str::<Entry>(raw.get()) {
            Ok(entry) => match exchange(file, i, entry) {
                Ok(ex) => sink(Item::Exchange(Box::new(ex))),
                Err(message) => sink(Item::Problem(problem(file, Some(i), message))),
            },
            Err(e) => sink(Item::Problem(problem(
                file,
                Some(i),
                format!("HAR entry {i} is not a valid entry: {e}"),
            ))),
        }
    }
}

/// Where the entries `wanted` and their response texts are in the HAR
/// `bytes` (as [`read`] read it): a second read, made only for findings.
pub(crate) fn origins<'a>(bytes: &'a [u8], wanted: &[usize]) -> Vec<(usize, Origin<'a>)> {
    let Ok(har) = serde_json::from_slice::<Har<'a>>(bytes) else {
        return Vec::new();
    };
    let mut cursor = Cursor::new(bytes);
    wanted
        .iter()
        .filter_map(|&i| {
            let text = har.log.entries.get(i)?.get();
            let start = offset_in(bytes, text)?;
            let body = serde_json::from_str::<EntryText<'a>>(text)
                .ok()
                .and_then(|e| {
                    let raw = e.response.content.text?.get();
                    let form = match e.response.content.encoding.as_deref() {
                        Some("base64") => BodyForm::Base64,
                        _ => BodyForm::JsonString(Cow::Borrowed(raw)),
                    };
                    Some(BodySpan {
                        start: offset_in(bytes, raw)?,
                        form,
                    })
                });
            Some((i, cursor.origin(start, body)))
        })
        .collect()
}

fn exchange(file: &Arc<str>, i: usize, e: Entry) -> Result<Exchange<'static>, String> {
    let (path, query) = split_url_cow(Cow::Owned(e.request.url));
    let body = match (
        &e.response.content.text,
        e.response.content.encoding.as_deref(),
    ) {
        (None, _) => Vec::new(),
        (Some(t), Some("base64")) => decode_base64(t)
            .ok_or_else(|| format!("HAR entry {i}: the response text is not valid base64"))?,
        (Some(t), _) => t.as_bytes().to_vec(),
    };
    let content_type = e
        .response
        .headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case("content-type"))
        .map(|h| h.value.clone())
        .or(e.response.content.mime_type.filter(|m| !m.is_empty()));
    let (time_ms, unreadable_time) = read_time(e.started.as_deref());
    Ok(Exchange {
        file: file.clone(),
        entry: Some(i),
        method: e.request.method.into(),
        path,
        query,
        request_headers: e
            .request
            .headers
            .into_iter()
            .map(|h| redact_header(h.name.into(), h.value.into()))
            .collect(),
        status: e.response.status,
        content_type: content_type.map(Cow::Owned),
        body: body.into(),
        time_ms,
        unreadable_time,
        operation: None,
        origin: None,
    })
}
