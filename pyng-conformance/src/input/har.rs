//! HAR 1.2 (browsers, proxies, schemathesis). Each entry is read on its own, so
//! one malformed entry is one finding and the others are still checked.

use std::borrow::Cow;
use std::sync::Arc;

use serde::Deserialize;
use serde_json::value::RawValue;

use super::{Item, decode_base64, problem, syntax_problem};
use crate::exchange::{Exchange, header, read_time, redact_headers, split_url_cow};
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
    #[serde(rename = "postData")]
    post_data: Option<PostData>,
}

/// HAR 1.2 `postData`: the body as `text`, or a form as `params`.
#[derive(Deserialize)]
struct PostData {
    #[serde(rename = "mimeType")]
    mime_type: Option<String>,
    text: Option<String>,
    #[serde(default)]
    params: Vec<Param>,
    /// Not in HAR 1.2 (`content` has it): `poll --har` writes a body that
    /// is not UTF-8 as base64 with `encoding: "base64"`, as for a response.
    encoding: Option<String>,
}

#[derive(Deserialize)]
struct Param {
    name: String,
    value: Option<String>,
    #[serde(rename = "fileName")]
    file_name: Option<String>,
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
        Err(e) => {
            return sink(Item::Problem(syntax_problem(
                file,
                "the HAR file",
                bytes,
                &e,
            )));
        }
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
    let request_headers = redact_headers(
        e.request
            .headers
            .into_iter()
            .map(|h| (h.name.into(), h.value.into())),
    );
    let response_headers = redact_headers(
        e.response
            .headers
            .into_iter()
            .map(|h| (h.name.into(), h.value.into())),
    );
    let mime_type = |m: Option<String>| m.filter(|m| !m.is_empty()).map(Cow::Owned);
    let (request_body, post_mime_type) = match e.request.post_data {
        Some(post) => (post_data_bytes(i, &post)?, mime_type(post.mime_type)),
        None => (Vec::new(), None),
    };
    let request_content_type = header(&request_headers, "content-type")
        .cloned()
        .or(post_mime_type);
    let content_type = header(&response_headers, "content-type")
        .cloned()
        .or(mime_type(e.response.content.mime_type));
    let (time_ms, unreadable_time) = read_time(e.started.as_deref());
    Ok(Exchange {
        file: file.clone(),
        entry: Some(i),
        method: e.request.method.into(),
        path,
        query,
        request_headers,
        request_content_type,
        request_body: request_body.into(),
        status: e.response.status,
        response_headers,
        content_type,
        body: body.into(),
        time_ms,
        unreadable_time,
        operation: None,
        origin: None,
    })
}

/// The request body of `postData`: its `text`, or else its `params` as the
/// `application/x-www-form-urlencoded` body they were read from (the only
/// form body `params` can stand for: a file of a multipart form has no
/// value in HAR, so such a body cannot be rebuilt).
fn post_data_bytes(i: usize, post: &PostData) -> Result<Vec<u8>, String> {
    if let Some(text) = &post.text {
        return match post.encoding.as_deref() {
            Some("base64") => decode_base64(text)
                .ok_or_else(|| format!("HAR entry {i}: the request text is not valid base64")),
            _ => Ok(text.as_bytes().to_vec()),
        };
    }
    if post.params.is_empty() {
        return Ok(Vec::new());
    }
    let mime = post.mime_type.as_deref().unwrap_or_default();
    let essence = mime.split(';').next().unwrap_or_default().trim();
    if !(essence.is_empty() || essence.eq_ignore_ascii_case(FORM)) {
        return Err(format!(
            "HAR entry {i}: `postData` has `params` but no `text`, and its mimeType `{mime}` is not {FORM}, so the request body cannot be rebuilt"
        ));
    }
    if let Some(p) = post.params.iter().find(|p| p.file_name.is_some()) {
        return Err(format!(
            "HAR entry {i}: `postData` param `{}` is a file, which a {FORM} body cannot hold",
            p.name
        ));
    }
    let pairs: Vec<String> = post
        .params
        .iter()
        .map(|p| {
            format!(
                "{}={}",
                form_encode(&p.name),
                form_encode(p.value.as_deref().unwrap_or_default())
            )
        })
        .collect();
    Ok(pairs.join("&").into_bytes())
}

const FORM: &str = "application/x-www-form-urlencoded";

/// `application/x-www-form-urlencoded` of one name or value (WHATWG URL §
/// 5.2: `*-._` and alphanumerics stay, space is `+`).
fn form_encode(s: &str) -> String {
    const KEEP: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'*')
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b' ');
    percent_encoding::utf8_percent_encode(s, KEEP)
        .to_string()
        .replace(' ', "+")
}
