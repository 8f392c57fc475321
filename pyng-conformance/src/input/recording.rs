//! The kit's own recording format, version 1 (documented in
//! `docs/recording-format.md`). The NDJSON form uses the same exchange objects.

use std::borrow::Cow;
use std::sync::Arc;

use serde::Deserialize;
use serde_json::value::RawValue;

use super::{Item, decode_base64, problem, syntax_problem};
use crate::exchange::{Exchange, SplitUrl, read_time, redact_header, split_url_cow};
use crate::finding::Finding;

/// The value of `format`.
pub const FORMAT: &str = "pyng-recording";
pub const VERSION: u32 = 1;

#[derive(Deserialize)]
struct Recording {
    format: String,
    version: u32,
    spec: Option<SpecRef>,
    // Required: a recording without it (or with it misspelled) would be read
    // as an empty one.
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

/// One exchange object, borrowing from the text wherever JSON allows (strings
/// without escapes, the body): the owned [`Exchange`] is built from it once.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RecordedExchange<'a> {
    #[serde(borrow)]
    started_at: Option<Str<'a>>,
    #[serde(borrow)]
    request: Request<'a>,
    #[serde(borrow)]
    response: Response<'a>,
}

#[derive(Deserialize)]
pub(crate) struct Request<'a> {
    #[serde(borrow)]
    pub method: Cow<'a, str>,
    #[serde(borrow)]
    pub url: Cow<'a, str>,
    #[serde(default, borrow)]
    pub headers: Headers<'a>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Response<'a> {
    status: u16,
    #[serde(default, borrow)]
    headers: ContentType<'a>,
    /// The body as the JSON it was, byte for byte.
    #[serde(borrow)]
    body: Option<&'a RawValue>,
    /// A body that is not JSON (or not valid JSON), as text.
    #[serde(borrow)]
    body_text: Option<Cow<'a, str>>,
    /// A body that is not UTF-8.
    #[serde(borrow)]
    body_base64: Option<Cow<'a, str>>,
}

/// A header object, read as a `BTreeMap<String, String>` would be (sorted by
/// name, a repeated name keeps its last value) without allocating per entry.
#[derive(Default)]
pub(crate) struct Headers<'a>(Vec<(Cow<'a, str>, Cow<'a, str>)>);

impl<'de: 'a, 'a> Deserialize<'de> for Headers<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for V<'a> {
            type Value = Headers<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Headers<'a>, A::Error> {
                let mut entries: Vec<(Cow<'a, str>, Cow<'a, str>)> = Vec::new();
                while let Some((k, v)) = map.next_entry::<Str<'a>, Str<'a>>()? {
                    entries.push((k.0, v.0));
                }
                // Stable: among equal names the last one recorded ends up last,
                // and its value is the one kept (as a map's `insert` would).
                entries.sort_by(|a, b| a.0.cmp(&b.0));
                entries.dedup_by(|later, kept| {
                    let same = later.0 == kept.0;
                    if same {
                        std::mem::swap(&mut later.1, &mut kept.1);
                    }
                    same
                });
                Ok(Headers(entries))
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
}

/// The `Content-Type` of a header object: what a [`Headers`] read of it
/// gives (sorted by name, the last value of a repeated name) at the first name
/// that is `content-type` ignoring case, without keeping the other headers.
/// Errors are a [`Headers`] read's.
#[derive(Default)]
pub(crate) struct ContentType<'a>(pub Option<Cow<'a, str>>);

impl<'de: 'a, 'a> Deserialize<'de> for ContentType<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> serde::de::Visitor<'de> for V<'a> {
            type Value = ContentType<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<ContentType<'a>, A::Error> {
                let mut found: Option<(Cow<'a, str>, Cow<'a, str>)> = None;
                while let Some((k, v)) = map.next_entry::<Str<'a>, Str<'a>>()? {
                    if !k.0.eq_ignore_ascii_case("content-type") {
                        continue;
                    }
                    // The smallest such name; a repeat of it replaces the value.
                    if found.as_ref().is_none_or(|(name, _)| k.0 <= *name) {
                        found = Some((k.0, v.0));
                    }
                }
                Ok(ContentType(found.map(|(_, v)| v)))
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
}

/// A header object read for its errors only (those of a [`Headers`] read),
/// keeping nothing: for the request headers while checking, which no check
/// reads. ([`ContentType`] would do, but costs about 0.9 % more per exchange
/// on the benchmark corpus.)
pub(crate) struct HeaderShape;

impl<'de> Deserialize<'de> for HeaderShape {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = HeaderShape;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<HeaderShape, A::Error> {
                while map.next_entry::<AnyStr, AnyStr>()?.is_some() {}
                Ok(HeaderShape)
            }
        }
        d.deserialize_map(V)
    }
}

/// A string, read and dropped (a [`Str`] read's errors, without copying
/// a string that has escapes).
struct AnyStr;

impl<'de> Deserialize<'de> for AnyStr {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = AnyStr;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<AnyStr, E> {
                Ok(AnyStr)
            }
        }
        d.deserialize_str(V)
    }
}

/// A string, borrowed when it has no escapes.
pub(crate) struct Str<'a>(pub Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Str<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Wrap<'a>(#[serde(borrow)] Cow<'a, str>);
        Wrap::deserialize(d).map(|w| Str(w.0))
    }
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
    match parse_exchange(file, entry, text) {
        Ok(ex) => Item::Exchange(Box::new(ex.into_owned())),
        Err(problem) => Item::Problem(problem),
    }
}

/// [`exchange_item`] borrowing from `text`.
pub fn parse_exchange<'a>(
    file: &Arc<str>,
    entry: usize,
    text: &'a str,
) -> Result<Exchange<'a>, Box<Finding>> {
    let parsed: RecordedExchange<'a> = serde_json::from_str(text).map_err(|e| {
        problem(
            file,
            Some(entry),
            format!("exchange {entry} is not a valid recorded exchange: {e}"),
        )
    })?;
    exchange(file, entry, parsed).map_err(|message| problem(file, Some(entry), message))
}

fn exchange<'a>(
    file: &Arc<str>,
    entry: usize,
    x: RecordedExchange<'a>,
) -> Result<Exchange<'a>, String> {
    let r = x.response;
    let body: Cow<'a, [u8]> = match (r.body, r.body_text, r.body_base64) {
        (Some(raw), None, None) => Cow::Borrowed(raw.get().as_bytes()),
        (None, Some(Cow::Borrowed(text)), None) => Cow::Borrowed(text.as_bytes()),
        (None, Some(Cow::Owned(text)), None) => Cow::Owned(text.into_bytes()),
        (None, None, Some(b64)) => Cow::Owned(
            decode_base64(&b64)
                .ok_or_else(|| format!("exchange {entry}: `bodyBase64` is not valid base64"))?,
        ),
        (None, None, None) => Cow::Borrowed(&[]),
        _ => {
            return Err(format!(
                "exchange {entry}: give at most one of `body`, `bodyText` and `bodyBase64`"
            ));
        }
    };
    let parts = Parts {
        started_at: x.started_at,
        request: x.request,
        url: None,
        status: r.status,
        content_type: r.headers.0,
    };
    Ok(parts.assemble(file, entry, body))
}

/// The fields of a recorded exchange other than its body.
pub(crate) struct Parts<'a> {
    pub started_at: Option<Str<'a>>,
    pub request: Request<'a>,
    /// `request.url` split, when it was already.
    pub url: Option<SplitUrl<'a>>,
    pub status: u16,
    pub content_type: Option<Cow<'a, str>>,
}

impl<'a> Parts<'a> {
    pub fn assemble(self, file: &Arc<str>, entry: usize, body: Cow<'a, [u8]>) -> Exchange<'a> {
        let (time_ms, unreadable_time) = read_time(self.started_at.as_ref().map(|s| &*s.0));
        let (path, query) = match self.url {
            Some(split) => split,
            None => split_url_cow(self.request.url),
        };
        Exchange {
            file: file.clone(),
            entry: Some(entry),
            method: self.request.method,
            path,
            query,
            // In place: the header vector is reused.
            request_headers: self
                .request
                .headers
                .0
                .into_iter()
                .map(|(k, v)| redact_header(k, v))
                .collect(),
            status: self.status,
            content_type: self.content_type,
            body,
            time_ms,
            unreadable_time,
            operation: None,
        }
    }
}

/// The body of an exchange object, as [`exchange_item`] reads it (`None`
/// when the text is not a valid exchange).
pub fn body_of(text: &str) -> Option<Vec<u8>> {
    let x: RecordedExchange<'_> = serde_json::from_str(text).ok()?;
    let ex = exchange(&Arc::from(""), 0, x).ok()?;
    Some(ex.body.into_owned())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    /// `ContentType` picks what the full header read and a search of it
    /// (the reading it replaced) pick, with the same errors.
    #[test]
    fn content_type_is_read_like_the_headers() {
        let names = [
            "content-type",
            "Content-Type",
            "CONTENT-TYPE",
            "accept",
            r"content-typ\u0065",
        ];
        let mut objects = vec![
            r#"{"a":1}"#.to_owned(),
            "null".to_owned(),
            "[]".to_owned(),
            r#"{"content-type":"#.to_owned(),
            "{}".to_owned(),
        ];
        for a in names {
            for b in names {
                for c in names {
                    objects.push(format!(r#"{{"{a}":"1","{b}":"2","{c}":"3"}}"#));
                }
            }
        }
        for text in &objects {
            let via_headers = serde_json::from_str::<Headers<'_>>(text).map(|h| {
                h.0.into_iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
                    .map(|(_, v)| v.into_owned())
            });
            let direct =
                serde_json::from_str::<ContentType<'_>>(text).map(|c| c.0.map(Cow::into_owned));
            assert_eq!(format!("{direct:?}"), format!("{via_headers:?}"), "{text}");
        }
    }

    #[test]
    fn headers_read_like_a_btreemap() {
        let h: Headers<'_> =
            serde_json::from_str(r#"{"b":"1","a":"x","a\u0041":"e","a":"y","a":"z"}"#).unwrap();
        let got: Vec<(&str, &str)> = h.0.iter().map(|(k, v)| (&**k, &**v)).collect();
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
