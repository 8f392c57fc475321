//! The kit's own recording format, version 1 (documented in
//! `docs/recording-format.md`). The NDJSON form uses the same exchange objects.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Deserialize;
use serde_json::value::RawValue;

mod object;

pub(crate) use object::BodyCheck;
use object::{Body, RecordedExchange, Response};
use pyng_spec::validate::stream::Streamed;

use super::{Item, decode_base64, problem, syntax_problem};
use crate::exchange::{Exchange, header, read_time, redact_headers, split_url_cow};
use crate::finding::Finding;
use crate::origin::{BodyForm, BodySpan, Cursor, Origin, offset_in};

/// The value of `format`.
pub const FORMAT: &str = "pyng-recording";
/// The recording format version this reader reads and `poll` writes.
pub const VERSION: u32 = 1;

#[derive(Deserialize)]
struct Recording<'a> {
    format: String,
    version: u32,
    spec: Option<SpecRef>,
    // Required: a recording without it (or with it misspelled) would be read
    // as an empty one.
    #[serde(borrow)]
    exchanges: Vec<&'a RawValue>,
}

/// The header of a recording (and the optional first line of an NDJSON one).
#[derive(Debug, Deserialize)]
pub struct Header {
    /// Always [`FORMAT`].
    pub format: String,
    /// The format version ([`VERSION`]).
    pub version: u32,
    /// The spec the traffic was recorded against, if known.
    pub spec: Option<SpecRef>,
}

#[derive(Debug, Deserialize)]
/// The spec a recording names.
pub struct SpecRef {
    /// The spec's `info.title`.
    pub title: String,
    /// The spec's `info.version`.
    pub version: String,
}

/// A string with its literal as written (quotes and escapes), for the
/// position of the body in the file.
pub(super) struct Literal<'a> {
    raw: &'a RawValue,
    text: Cow<'a, str>,
}

impl<'de: 'a, 'a> Deserialize<'de> for Literal<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::{Error, Unexpected};
        let raw = <&'a RawValue>::deserialize(d)?;
        let unexpected = match raw.get().as_bytes().first() {
            Some(b'"') => None,
            Some(b'{') => Some(Unexpected::Map),
            Some(b'[') => Some(Unexpected::Seq),
            Some(b't' | b'f') => Some(Unexpected::Other("boolean")),
            _ => Some(Unexpected::Other("number")),
        };
        if let Some(u) = unexpected {
            return Err(D::Error::invalid_type(u, &"a string"));
        }
        match serde_json::from_str::<Str<'a>>(raw.get()) {
            Ok(Str(text)) => Ok(Literal { raw, text }),
            Err(e) => {
                // Without the position inside the literal: serde adds the
                // position in the document.
                let message = e.to_string();
                let message = message
                    .rsplit_once(" at line ")
                    .map_or(&*message, |(m, _)| m);
                Err(D::Error::custom(message))
            }
        }
    }
}

/// A header object: sorted by name, a repeated name keeps its last value.
#[derive(Default, Deserialize)]
pub(super) struct Headers<'a>(#[serde(borrow)] BTreeMap<Str<'a>, Str<'a>>);

/// A string, borrowed when it has no escapes.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Str<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Str<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Wrap<'a>(#[serde(borrow)] Cow<'a, str>);
        Wrap::deserialize(d).map(|w| Str(w.0))
    }
}

/// Reads a recording document, handing each exchange (or problem) to `sink`.
pub fn read(file: &Arc<str>, bytes: &[u8], sink: &mut dyn FnMut(Item)) {
    let rec: Recording = match serde_json::from_slice(bytes) {
        Ok(r) => r,
        Err(e) => {
            return sink(Item::Problem(syntax_problem(
                file,
                "the recording",
                bytes,
                &e,
            )));
        }
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

/// Where the exchanges `wanted` and their bodies are in the recording
/// `bytes` (as [`read`] read it): a second read, made only for findings.
pub fn origins<'a>(bytes: &'a [u8], wanted: &[usize]) -> Vec<(usize, Origin<'a>)> {
    let Ok(rec) = serde_json::from_slice::<Recording<'a>>(bytes) else {
        return Vec::new();
    };
    let mut cursor = Cursor::new(bytes);
    wanted
        .iter()
        .filter_map(|&i| {
            let text = rec.exchanges.get(i)?.get();
            let start = offset_in(bytes, text)?;
            let body = object::read(text, None)
                .ok()
                .and_then(|x| body_span(text, &x.response))
                .map(|b| BodySpan {
                    start: start + b.start,
                    form: b.form,
                });
            Some((i, cursor.origin(start, body)))
        })
        .collect()
}

/// Where the body of `r` starts in `text`, the exchange object it was read from.
fn body_span<'a>(text: &str, r: &Response<'a>) -> Option<BodySpan<'a>> {
    let (raw, form) = match (&r.body, &r.body_text, &r.body_base64) {
        (Some(Body::Raw(raw)), _, _) => (*raw, BodyForm::Verbatim),
        // Checked as it was read: where it was is not kept.
        (Some(Body::Checked(_)), _, _) => return None,
        (None, Some(t), _) => (t.raw, BodyForm::JsonString(Cow::Borrowed(t.raw.get()))),
        (None, None, Some(b)) => (b.raw, BodyForm::Base64),
        (None, None, None) => return None,
    };
    let start = offset_in(text.as_bytes(), raw.get())?;
    Some(BodySpan { start, form })
}

/// Whether a recording's `format` and `version` are ones this reader reads.
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
    match parse_exchange(file, entry, text, None) {
        Ok(parsed) => Item::Exchange(Box::new(parsed.exchange.into_owned())),
        Err(problem) => Item::Problem(problem),
    }
}

/// An exchange object as read, borrowing from its text.
pub(crate) struct Parsed<'a> {
    /// Its `body` is empty when [`Self::checked`] holds the body's check.
    pub exchange: Exchange<'a>,
    /// Where the body starts in the text, for a body kept as read.
    pub body_span: Option<BodySpan<'a>>,
    /// The body's streaming check, when the [`BodyCheck`] ran it as the
    /// body was read (read the text again without a check for its bytes).
    pub checked: Option<Streamed<'a>>,
}

/// [`exchange_item`] borrowing from `text`; with `check`, the body is checked
/// as it is read where the keys' order allows it.
pub(crate) fn parse_exchange<'a>(
    file: &Arc<str>,
    entry: usize,
    text: &'a str,
    check: Option<&dyn BodyCheck>,
) -> Result<Parsed<'a>, Box<Finding>> {
    let parsed = match object::read(text, check) {
        Ok(parsed) => parsed,
        // Read again without the check, for the reader's own error, or for a
        // body the validator stops on (a number beyond a double's range)
        // that the body check names for what it is.
        Err(_) if check.is_some() => return parse_exchange(file, entry, text, None),
        Err(e) => {
            return Err(problem(
                file,
                Some(entry),
                format!("exchange {entry} is not a valid recorded exchange: {e}"),
            ));
        }
    };
    let body_span = body_span(text, &parsed.response);
    exchange(file, entry, parsed)
        .map(|(exchange, checked)| Parsed {
            exchange,
            body_span,
            checked,
        })
        .map_err(|message| problem(file, Some(entry), message))
}

fn exchange<'a>(
    file: &Arc<str>,
    entry: usize,
    x: RecordedExchange<'a>,
) -> Result<(Exchange<'a>, Option<Streamed<'a>>), String> {
    let r = x.response;
    let body_text = r.body_text.map(|t| t.text);
    let body_base64 = r.body_base64.map(|b| b.text);
    let mut checked = None;
    let body = match r.body {
        Some(Body::Checked(streamed)) if body_text.is_none() && body_base64.is_none() => {
            checked = Some(streamed);
            Cow::Borrowed(&[][..])
        }
        Some(Body::Checked(_)) => return Err(more_than_one(entry, "")),
        Some(Body::Raw(raw)) => body_bytes(entry, "", Some(raw), body_text, body_base64)?,
        None => body_bytes(entry, "", None, body_text, body_base64)?,
    };
    let request = x.request;
    let request_body = body_bytes(
        entry,
        "in `request`, ",
        request.body,
        request.body_text.map(|t| t.text),
        request.body_base64.map(|b| b.text),
    )?;
    let (time_ms, unreadable_time) = read_time(x.started_at.as_ref().map(|s| &*s.0));
    let (path, query) = split_url_cow(request.url);
    let request_headers = redact_headers(request.headers.0.into_iter().map(|(k, v)| (k.0, v.0)));
    let response_headers = redact_headers(r.headers.0.into_iter().map(|(k, v)| (k.0, v.0)));
    // The first `Content-Type` in name order, as a map of the headers gives it.
    // Cloned: borrowed from the text still, unless written with escapes.
    let request_content_type = header(&request_headers, "content-type").cloned();
    let content_type = header(&response_headers, "content-type").cloned();
    let exchange = Exchange {
        file: file.clone(),
        entry: Some(entry),
        method: request.method,
        path,
        query,
        request_headers,
        request_content_type,
        request_body,
        status: r.status,
        response_headers,
        content_type,
        body,
        time_ms,
        unreadable_time,
        operation: None,
        origin: None,
    };
    Ok((exchange, checked))
}

/// The bytes of a body recorded as `body`, `bodyText` or `bodyBase64`
/// (`whose`: how an error names the object, empty for the response).
fn body_bytes<'a>(
    entry: usize,
    whose: &str,
    json: Option<&'a RawValue>,
    text: Option<Cow<'a, str>>,
    base64: Option<Cow<'a, str>>,
) -> Result<Cow<'a, [u8]>, String> {
    Ok(match (json, text, base64) {
        (Some(raw), None, None) => Cow::Borrowed(raw.get().as_bytes()),
        (None, Some(Cow::Borrowed(text)), None) => Cow::Borrowed(text.as_bytes()),
        (None, Some(Cow::Owned(text)), None) => Cow::Owned(text.into_bytes()),
        (None, None, Some(b64)) => {
            Cow::Owned(decode_base64(&b64).ok_or_else(|| {
                format!("exchange {entry}: {whose}`bodyBase64` is not valid base64")
            })?)
        }
        (None, None, None) => Cow::Borrowed(&[]),
        _ => return Err(more_than_one(entry, whose)),
    })
}

fn more_than_one(entry: usize, whose: &str) -> String {
    format!("exchange {entry}: {whose}give at most one of `body`, `bodyText` and `bodyBase64`")
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[test]
    fn headers_read_like_a_btreemap() {
        let h: Headers<'_> =
            serde_json::from_str(r#"{"b":"1","a":"x","a\u0041":"e","a":"y","a":"z"}"#).unwrap();
        let got: Vec<(&str, &str)> = h.0.iter().map(|(k, v)| (&*k.0, &*v.0)).collect();
        let reference: BTreeMap<String, String> =
            serde_json::from_str(r#"{"b":"1","a":"x","a\u0041":"e","a":"y","a":"z"}"#).unwrap();
        let expected: Vec<(&str, &str)> = reference
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(got, expected);
        // The same errors, word for word (they end up in findings).
        for bad in [
            r#"{"a":1}"#,
            "null",
            r#"{"a":"x","b":[]}"#,
            "[]",
            r#"{"a":"#,
        ] {
            let ours = serde_json::from_str::<Headers<'_>>(bad)
                .err()
                .map(|e| e.to_string());
            let map = serde_json::from_str::<BTreeMap<String, String>>(bad);
            assert_eq!(ours, map.err().map(|e| e.to_string()), "{bad}");
        }
    }
}
