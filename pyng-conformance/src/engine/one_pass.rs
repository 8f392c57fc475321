//! An NDJSON line read in one pass: the response body is checked while the
//! line is deserialized, instead of being skipped as raw JSON and scanned a
//! second time. That needs the route and the status before the body, which is
//! how the kit writes its recordings (`request` before `response`, `status`
//! before `body`).
//!
//! Anything else gives `None` and the line is read the usual way
//! ([`crate::input::ndjson::parse_line`]), which words every error as before:
//! a body before the request or the status, `bodyText`, `bodyBase64`, a `null`
//! body, a repeated field, a line that is not an object, and any error at all
//! (including one inside the body, where the streaming check may be stricter
//! than a raw read, e.g. a number out of range). So on every line this gives
//! the exchange and the body check the usual way gives, or nothing; but the
//! exchange has no request headers (no check reads them; they are read for
//! their errors only).

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use pyng_spec::validate::stream::{BodySeed, Streamed};
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};

use super::Engine;
use crate::exchange::{Exchange, SplitUrl, split_url_cow};
use crate::input::recording::{ContentType, HeaderShape, Headers, Parts, Request, Str};
use crate::matcher::Match;

/// What the read of a response's body leaves, in place (these are big: left
/// where the caller keeps them rather than returned through every layer).
#[derive(Default)]
pub(super) struct Checked<'e, 'a> {
    /// The body's check; `None` when the body has nothing to be checked
    /// against (no matching operation, or an undocumented body).
    pub streamed: Option<Streamed<'a>>,
    /// The operation the request matched (`None`: none).
    pub route: Option<Match<'e, 'a>>,
    /// The request's URL, split.
    url: Option<SplitUrl<'a>>,
}

/// An exchange whose body was checked as it was read, what was checked in
/// `checked`. Its `body` is empty: the text is found again with
/// [`crate::input::recording::body_of`] when a finding needs it.
pub(super) fn read<'e, 'a>(
    engine: &'e Engine,
    file: &Arc<str>,
    entry: usize,
    text: &'a str,
    checked: &mut Checked<'e, 'a>,
) -> Option<Exchange<'a>> {
    let mut de = serde_json::Deserializer::from_str(text);
    let mut parts = LineSeed { engine, checked }.deserialize(&mut de).ok()?;
    de.end().ok()?;
    parts.url = checked.url.take();
    Some(parts.assemble(file, entry, Cow::Borrowed(&[])))
}

/// Gives up on the one-pass read (the message is never shown).
fn unusual<E: serde::de::Error>() -> E {
    E::custom("not read in one pass")
}

/// Sets a field read once; a repeated field gives up.
fn once<T, E: serde::de::Error>(slot: &mut Option<T>, value: T) -> Result<(), E> {
    match slot {
        Some(_) => Err(unusual()),
        None => {
            *slot = Some(value);
            Ok(())
        }
    }
}

/// The exchange object; the response's body goes to `checked`.
struct LineSeed<'e, 'c, 'de> {
    engine: &'e Engine,
    checked: &'c mut Checked<'e, 'de>,
}

impl<'de> DeserializeSeed<'de> for LineSeed<'_, '_, 'de> {
    type Value = Parts<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Parts<'de>, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for LineSeed<'_, '_, 'de> {
    type Value = Parts<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a recorded exchange")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Parts<'de>, A::Error> {
        let mut started_at: Option<Option<Str<'de>>> = None;
        let mut request: Option<Request<'de>> = None;
        let mut response = None;
        while let Some(key) = map.next_key_seed(KeyIn(&["startedAt", "request", "response"]))? {
            match key {
                Some(0) => once(&mut started_at, map.next_value()?)?,
                Some(1) => once(&mut request, map.next_value_seed(RequestSeed)?)?,
                Some(_) => {
                    let Some(req) = &request else {
                        return Err(unusual());
                    };
                    let seed = ResponseSeed {
                        engine: self.engine,
                        request: req,
                        checked: &mut *self.checked,
                    };
                    once(&mut response, map.next_value_seed(seed)?)?;
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let (Some(request), Some(response)) = (request, response) else {
            return Err(unusual());
        };
        let (status, headers) = response;
        Ok(Parts {
            started_at: started_at.flatten(),
            request,
            url: None,
            status,
            content_type: headers.0,
        })
    }
}

/// An object key, as its index in a list of names (`None`: another name).
/// What a derived `Deserialize` makes of a field name, without copying it.
struct KeyIn(&'static [&'static str]);

impl<'de> DeserializeSeed<'de> for KeyIn {
    type Value = Option<usize>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<usize>, D::Error> {
        d.deserialize_str(self)
    }
}

impl Visitor<'_> for KeyIn {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: serde::de::Error>(self, name: &str) -> Result<Option<usize>, E> {
        Ok(self.0.iter().position(|k| *k == name))
    }
}

/// The request object, as [`Request`]'s derived `Deserialize` reads it (a
/// missing or repeated field gives up, as that read fails), but its headers
/// read for their errors only: the request has none.
struct RequestSeed;

impl<'de> DeserializeSeed<'de> for RequestSeed {
    type Value = Request<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RequestSeed {
    type Value = Request<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a recorded request")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let (mut method, mut url, mut headers) = (None, None, None);
        while let Some(key) = map.next_key_seed(KeyIn(&["method", "url", "headers"]))? {
            match key {
                Some(0) => once(&mut method, map.next_value::<Str<'de>>()?.0)?,
                Some(1) => once(&mut url, map.next_value::<Str<'de>>()?.0)?,
                Some(_) => once(&mut headers, map.next_value::<HeaderShape>()?)?,
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let (Some(method), Some(url)) = (method, url) else {
            return Err(unusual());
        };
        Ok(Request {
            method,
            url,
            headers: Headers::default(),
        })
    }
}

/// The response object, given the request read before it; its body goes to
/// `checked`.
struct ResponseSeed<'e, 'r, 'c, 'de> {
    engine: &'e Engine,
    request: &'r Request<'de>,
    checked: &'c mut Checked<'e, 'de>,
}

/// The status and the `Content-Type`.
type Response<'de> = (u16, ContentType<'de>);

impl<'de> DeserializeSeed<'de> for ResponseSeed<'_, '_, '_, 'de> {
    type Value = Response<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Response<'de>, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ResponseSeed<'_, '_, '_, 'de> {
    type Value = Response<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a recorded response")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Response<'de>, A::Error> {
        let mut status: Option<u16> = None;
        let mut headers: Option<ContentType<'de>> = None;
        let checked = self.checked;
        let names = &["status", "headers", "body", "bodyText", "bodyBase64"];
        while let Some(key) = map.next_key_seed(KeyIn(names))? {
            match key {
                Some(0) => once(&mut status, map.next_value()?)?,
                Some(1) => once(&mut headers, map.next_value()?)?,
                Some(2) => {
                    let (Some(status), None) = (status, &checked.url) else {
                        return Err(unusual());
                    };
                    let url = checked.url.insert(split_url_cow(self.request.url.clone()));
                    checked.route = route(self.engine, &self.request.method, &url.0);
                    let seed = checked
                        .route
                        .as_ref()
                        .and_then(|m| self.engine.body_seed(m.op, status));
                    match seed {
                        Some(seed) => {
                            checked.streamed = Some(map.next_value_seed(NotNull(seed))?);
                        }
                        None => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Some(_) => return Err(unusual()),
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let (Some(status), Some(_)) = (status, &checked.url) else {
            return Err(unusual());
        };
        Ok((status, headers.unwrap_or_default()))
    }
}

/// The operation `method path` matches, its parameters borrowing from the
/// line when the path does (a path with JSON escapes is a copy: its
/// parameters are then copied too).
fn route<'e, 'de>(
    engine: &'e Engine,
    method: &str,
    path: &Cow<'de, str>,
) -> Option<Match<'e, 'de>> {
    match path {
        Cow::Borrowed(path) => engine.matcher.find(method, path),
        Cow::Owned(path) => engine.matcher.find(method, path).map(|m| Match {
            op: m.op,
            path_params: m
                .path_params
                .into_iter()
                .map(|(name, value)| (name, Cow::Owned(value.into_owned())))
                .collect(),
        }),
    }
}

/// A body that is not `null` (the usual read takes `null` for no body).
struct NotNull<'a>(BodySeed<'a>);

impl<'de> DeserializeSeed<'de> for NotNull<'_> {
    type Value = Streamed<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Streamed<'de>, D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de> Visitor<'de> for NotNull<'_> {
    type Value = Streamed<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a response body")
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Streamed<'de>, E> {
        Err(unusual())
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Streamed<'de>, D::Error> {
        self.0.deserialize(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::ndjson::parse_line;

    fn engine() -> Engine {
        Engine::with_bundled_specs().expect("bundled specs load")
    }

    /// What the checks make of a prepared exchange, for comparison.
    fn outcome(p: &super::super::Prepared) -> String {
        format!(
            "{:?} {:?} {:?} {:?} {:?}",
            p.op, p.key, p.findings, p.obs, p.unmatched
        )
    }

    /// Variants of a line: what the one-pass read must either give up on or
    /// read exactly as the usual read does.
    fn variants(line: &str) -> Vec<String> {
        let mut out = vec![line.to_owned()];
        let swaps: &[(&str, &str)] = &[
            (r#""body":{"#, r#""body":null,"x":{"#),
            (r#""body":"#, r#""bodyText":"#),
            (r#""status":200,"#, ""),
            (r#""status":200,"#, r#""status":404,"#),
            (r#""status":200,"#, r#""status":"200","#),
            (r#""traceId""#, r#""traceId":"a","traceId""#),
            (r#""data":{"#, r#""data":{"n":1e400,"#),
            (r#""data":{"#, r#""data":{"orderId":"A","#),
            (r#""request":{"#, r#""request":{"x":[],"#),
            // Keys with escapes, repeated and missing request fields.
            (r#""method":"#, r#""m\u0065thod":"#),
            (r#""status":"#, r#""st\u0061tus":"#),
            (r#""method":"GET","#, r#""method":"GET","method":"GET","#),
            (r#""method":"GET","#, ""),
            (r#""method":"GET","#, r#""method":"GET","url":"/","#),
            (r#""method":"GET","#, r#""method":"GET","other":{"url":1},"#),
            (r#""request":{"#, r#""request":{"headers":{},"#),
            // Request headers: read for their errors only.
            (r#""}},"response""#, r#"","Accept":"*\u002a"}},"response""#),
            (r#""}},"response""#, r#"","Accept":7}},"response""#),
            (r#""}},"response""#, r#"","Accept":null}},"response""#),
            (
                r#""headers":{"Content-Type":"application/json"}},"#,
                r#""headers":null},"#,
            ),
            (
                r#""headers":{"Content-Type":"application/json"}},"#,
                r#""headers":["a"]},"#,
            ),
            (
                r#""response":{"#,
                r#""response":{"headers":{"content-type":"text/plain"},"#,
            ),
            (
                r#""response":{"#,
                r#""response":{"headers":{"Content-Type":7},"#,
            ),
            (r#""startedAt""#, r#""st\u0061rtedAt""#),
            (r#""startedAt":"#, r#""startedAt":null,"y":"#),
            ("https://", "HTTPS://"),
            ("/transaction-status", "/transaction-st%61tus"),
            ("GET", "get"),
            ("GET", "POST"),
            ("paymentIntentId=", "paymentIntentId=%20+"),
        ];
        for (from, to) in swaps {
            if line.contains(from) {
                out.push(line.replacen(from, to, 1));
            }
        }
        // The response before the request, a repeated response, cut lines.
        if let (Some(req), Some(resp)) = (line.find(r#""request":"#), line.find(r#","response":"#))
        {
            let request = &line[req..resp];
            let response = &line[resp + 1..line.len() - 1];
            out.push(format!("{{{response},{request}}}"));
            out.push(format!("{{{request},{response},{response}}}"));
        }
        for cut in [1, 10, line.len() / 2, line.len() - 1] {
            out.push(line[..cut.min(line.len())].to_owned());
        }
        out.push(format!("[{line}]"));
        out
    }

    #[test]
    fn one_pass_reads_as_the_usual_read_or_gives_up() {
        let engine = engine();
        let corpus = crate::corpus::generate(60, 3);
        let file: Arc<str> = Arc::from("c.ndjson");
        let (mut one_pass, mut usual) = (0, 0);
        for (i, line) in std::str::from_utf8(&corpus).unwrap().lines().enumerate() {
            for text in variants(line) {
                let via_usual = parse_line(&file, i, text.as_bytes());
                let mut checked = Checked::default();
                match read(&engine, &file, i, &text, &mut checked) {
                    Some(exchange) => {
                        one_pass += 1;
                        let Some(Ok(ex)) = via_usual else {
                            panic!("read in one pass, but not a valid exchange: {text}");
                        };
                        // All but the body (found again for findings) and the
                        // request headers (read for their errors only).
                        let mut ex = ex;
                        ex.request_headers.clear();
                        let mut body = exchange.clone();
                        body.body = ex.body.clone();
                        assert_eq!(format!("{body:?}"), format!("{ex:?}"), "{text}");
                        let a = engine.prepare_streamed(
                            &exchange,
                            checked.streamed,
                            Some(checked.route.as_ref()),
                        );
                        let b = engine.prepare(&ex);
                        assert_eq!(outcome(&a), outcome(&b), "{text}");
                        assert_eq!(
                            crate::input::recording::body_of(&text).as_deref(),
                            Some(&*ex.body),
                            "{text}"
                        );
                    }
                    None => usual += 1,
                }
            }
        }
        // Both paths are exercised.
        assert!(one_pass > 600 && usual > 600, "{one_pass} / {usual}");
    }

    #[test]
    fn reads_the_kits_own_lines_in_one_pass() {
        let engine = engine();
        let corpus = crate::corpus::generate(40, 1);
        let file: Arc<str> = Arc::from("c.ndjson");
        for (i, line) in std::str::from_utf8(&corpus).unwrap().lines().enumerate() {
            let mut checked = Checked::default();
            let one = read(&engine, &file, i, line, &mut checked);
            assert!(one.is_some() && checked.streamed.is_some(), "{line}");
        }
    }
}
