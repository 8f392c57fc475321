//! The one redaction path of the kit: credentials removed from HAR files, the
//! kit's recordings (document or NDJSON), single bodies, URLs and headers
//! before anything keeps or shows them. `poll` records through it, the
//! engine scrubs its findings with it, and `pyng-conformance redact IN OUT`
//! runs it over files.
//!
//! What goes:
//! - credential headers ([`is_secret_header`]: `Authorization`, `Cookie`,
//!   `Set-Cookie`, token, secret and API-key headers), as a kit header map
//!   or HAR `{name, value}` entries, and every HAR cookie value;
//! - credential fields ([`is_secret_field`]: a token response's
//!   `access_token`/`refresh_token`, `client_secret`, passwords, API keys) in
//!   JSON bodies (embedded, or JSON text in a HAR `text` or kit `bodyText`), in
//!   form bodies and in the queries of URLs (signed-query secrets sent as a
//!   parameter);
//! - every known secret value ([`Redactor::add`]: a token, a client secret,
//!   the signing secret), plain or encoded, anywhere.
//!
//! Everything else is kept as written: only string literals that change are
//! rewritten (a JSON literal re-encoded by `serde_json`, so its escapes may
//! change); a document that is not JSON loses only the known secrets. The
//! result is a fixed point: redacting it again changes nothing (a property
//! test holds that).

mod json;
mod matcher;
mod names;

use std::borrow::Cow;
use std::io::{BufRead, Write};

use json::{Node, Span};
pub(crate) use matcher::scrub;
pub use names::{is_redacted, is_secret_field, is_secret_header, redacted_value};

/// The placeholder that replaces a credential.
pub const REDACTED: &str = "<redacted>";

/// Known secrets shorter than this are not searched for: they would match
/// ordinary data. (Credentials found by name are redacted whatever their
/// length.)
pub const MIN_SECRET_LEN: usize = 8;

/// JSON text inside JSON text (a HAR `text` holding a body) is followed this
/// many levels deep; deeper text loses only the known secrets.
const MAX_NESTING: usize = 4;

/// The longest NDJSON line [`Redactor::stream`] reads (a longer one is an
/// error: it is neither dropped nor passed on unredacted).
pub const MAX_LINE: usize = 256 << 20;

/// Removes credentials: by name always, and the known secret values added.
#[derive(Clone, Default)]
pub struct Redactor {
    secrets: Vec<String>,
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Redactor(<{} secrets>)", self.secrets.len())
    }
}

/// What [`Redactor::stream`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StreamSummary {
    /// Lines read.
    pub lines: usize,
    /// Lines written differently from how they were read.
    pub changed: usize,
    /// Non-blank lines that were not one JSON value (only known secrets were
    /// removed from them).
    pub not_json: usize,
}

/// The region of the walk a value is in, which decides what its names mean.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Region {
    Plain,
    /// A kit header map, or a HAR `headers` list.
    Headers,
    /// A HAR `cookies` list: every value is a credential.
    Cookies,
    /// A HAR `queryString` or `postData.params` list.
    Params,
}

impl Redactor {
    /// A redactor that knows `secrets` (see [`Redactor::add`]).
    pub fn with_secrets<'s>(secrets: impl IntoIterator<Item = &'s str>) -> Redactor {
        let mut r = Redactor::default();
        secrets.into_iter().for_each(|s| r.add(s));
        r
    }

    /// Redacts the value `secret` too, wherever it appears. Ignored when
    /// shorter than [`MIN_SECRET_LEN`], or when it is part of the
    /// [`REDACTED`] marker itself (redacting it would never end).
    pub fn add(&mut self, secret: &str) {
        if secret.len() < MIN_SECRET_LEN
            || REDACTED.contains(secret)
            || self.secrets.iter().any(|s| s == secret)
        {
            return;
        }
        self.secrets.push(secret.to_owned());
        // A secret that contains another is replaced whole.
        self.secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    }

    /// Whether no secret value is known (names are redacted regardless).
    pub fn is_empty(&self) -> bool {
        self.secrets.is_empty()
    }

    /// `s` with every known secret value replaced, in any encoding.
    pub fn text(&self, s: &str) -> String {
        self.scrub_text(s).into_owned()
    }

    fn scrub_text<'t>(&self, s: &'t str) -> Cow<'t, str> {
        let mut out = Cow::Borrowed(s);
        for secret in &self.secrets {
            if let Cow::Owned(clean) = scrub(&out, secret) {
                out = Cow::Owned(clean);
            }
        }
        out
    }

    /// A body: credential fields of a JSON or form body, then every known
    /// secret. Bytes that are not UTF-8 lose the known secrets as written.
    pub fn bytes(&self, b: &[u8]) -> Vec<u8> {
        match std::str::from_utf8(b) {
            Ok(text) => self.body(text, 0).into_owned().into_bytes(),
            Err(_) => self.raw_bytes(b),
        }
    }

    fn raw_bytes(&self, b: &[u8]) -> Vec<u8> {
        let mut out = b.to_vec();
        for secret in &self.secrets {
            out = replace_all(&out, secret.as_bytes(), REDACTED.as_bytes());
        }
        out
    }

    /// A URL: query parameters that are credentials by name, and every known
    /// secret.
    pub fn url(&self, url: &str) -> String {
        self.url_cow(url).into_owned()
    }

    fn url_cow<'t>(&self, url: &'t str) -> Cow<'t, str> {
        let (before, fragment) = match url.find('#') {
            Some(i) => url.split_at(i),
            None => (url, ""),
        };
        let with_query = match before.split_once('?') {
            Some((path, query)) => match form(query) {
                Cow::Owned(q) => Cow::Owned(format!("{path}?{q}{fragment}")),
                Cow::Borrowed(_) => Cow::Borrowed(url),
            },
            None => Cow::Borrowed(url),
        };
        match self.scrub_text(&with_query) {
            Cow::Owned(s) => Cow::Owned(s),
            Cow::Borrowed(_) => with_query,
        }
    }

    /// `headers` with credentials and known secrets replaced.
    pub fn headers(&self, headers: &[(String, String)]) -> Vec<(String, String)> {
        headers
            .iter()
            .map(|(k, v)| {
                let value = if is_secret_header(k) {
                    redacted_value(v).into_owned()
                } else {
                    self.text(v)
                };
                // A name can echo a secret too.
                (self.text(k), value)
            })
            .collect()
    }

    /// A JSON document (a HAR file, a recording, one NDJSON line, a body),
    /// rewritten only where it held credentials; `None` when it is not one
    /// JSON value.
    pub fn document<'t>(&self, text: &'t str) -> Option<Cow<'t, str>> {
        self.json(text, 0)
    }

    /// Any file's text: [`Redactor::document`] when it is JSON, otherwise each
    /// line as one (NDJSON), and the known secrets of what is neither.
    pub fn file_text<'t>(&self, text: &'t str) -> Cow<'t, str> {
        if let Some(doc) = self.document(text) {
            return doc;
        }
        let mut out = String::with_capacity(text.len());
        let mut changed = false;
        for line in text.split_inclusive('\n') {
            let (body, end) = split_line_end(line);
            let clean = self.line(body);
            changed |= matches!(clean, Cow::Owned(_));
            out.push_str(&clean);
            out.push_str(end);
        }
        if changed {
            Cow::Owned(out)
        } else {
            Cow::Borrowed(text)
        }
    }

    fn line<'t>(&self, line: &'t str) -> Cow<'t, str> {
        self.document(line).unwrap_or_else(|| self.scrub_text(line))
    }

    /// NDJSON from `input` to `output`, a line at a time (constant memory):
    /// each line as [`Redactor::document`], blank lines and line ends kept.
    pub fn stream(
        &self,
        mut input: impl BufRead,
        mut output: impl Write,
    ) -> std::io::Result<StreamSummary> {
        let mut summary = StreamSummary::default();
        let mut buf = Vec::new();
        loop {
            buf.clear();
            let mut limited = std::io::Read::take(&mut input, MAX_LINE as u64 + 1);
            let n = limited.read_until(b'\n', &mut buf)?;
            if n == 0 {
                break;
            }
            if buf.len() > MAX_LINE && buf.last() != Some(&b'\n') {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("line {} is longer than {MAX_LINE} bytes", summary.lines + 1),
                ));
            }
            summary.lines += 1;
            let clean: Cow<'_, [u8]> = match std::str::from_utf8(&buf) {
                Ok(text) => {
                    let (body, _) = split_line_end(text);
                    let json = self.document(body);
                    if json.is_none() && !body.trim().is_empty() {
                        summary.not_json += 1;
                    }
                    match json.unwrap_or_else(|| self.scrub_text(body)) {
                        Cow::Borrowed(_) => Cow::Borrowed(&buf[..]),
                        Cow::Owned(s) => {
                            let mut v = s.into_bytes();
                            v.extend_from_slice(&buf[body.len()..]);
                            Cow::Owned(v)
                        }
                    }
                }
                Err(_) => {
                    summary.not_json += 1;
                    Cow::Owned(self.raw_bytes(&buf))
                }
            };
            if matches!(clean, Cow::Owned(_)) {
                summary.changed += 1;
            }
            output.write_all(&clean)?;
        }
        output.flush()?;
        Ok(summary)
    }

    /// A body's text: JSON, a form, or text.
    fn body<'t>(&self, text: &'t str, nesting: usize) -> Cow<'t, str> {
        if let Some(doc) = self.json(text, nesting) {
            return doc;
        }
        let formed = if looks_like_form(text) {
            form(text)
        } else {
            Cow::Borrowed(text)
        };
        match self.scrub_text(&formed) {
            Cow::Owned(s) => Cow::Owned(s),
            Cow::Borrowed(_) => formed,
        }
    }

    fn json<'t>(&self, text: &'t str, nesting: usize) -> Option<Cow<'t, str>> {
        if nesting > MAX_NESTING {
            return None;
        }
        let tree = json::parse(text)?;
        let mut walk = Walk {
            redactor: self,
            text,
            nesting,
            edits: Vec::new(),
        };
        walk.node(&tree, Region::Plain, None);
        if walk.edits.is_empty() {
            return Some(Cow::Borrowed(text));
        }
        let mut out = String::with_capacity(text.len());
        let mut copied = 0;
        for (span, with) in &walk.edits {
            out.push_str(&text[copied..span.start]);
            out.push_str(with);
            copied = span.end;
        }
        out.push_str(&text[copied..]);
        Some(Cow::Owned(out))
    }
}

/// One JSON document's rewrites, in text order.
struct Walk<'r, 't> {
    redactor: &'r Redactor,
    text: &'t str,
    nesting: usize,
    edits: Vec<(Span, String)>,
}

/// What a string value holds, from the name it is under.
enum Meaning {
    Credential,
    Url,
    Body,
    Text,
}

impl Walk<'_, '_> {
    fn decoded(&self, span: Span) -> Option<Cow<'_, str>> {
        json::decode(self.text, span)
    }

    /// Replaces the literal at `span` by `value` when that differs.
    fn set(&mut self, span: Span, value: &str) {
        if self.decoded(span).as_deref() != Some(value) {
            let lit = serde_json::to_string(value).unwrap_or_else(|_| format!("\"{REDACTED}\""));
            self.edits.push((span, lit));
        }
    }

    fn string(&mut self, span: Span, meaning: Meaning) {
        let Some(value) = self.decoded(span) else {
            return;
        };
        let r = self.redactor;
        let clean: Cow<'_, str> = match meaning {
            Meaning::Credential => redacted_value(&value),
            Meaning::Url => Cow::Owned(r.url_cow(&value).into_owned()),
            Meaning::Body => Cow::Owned(r.body(&value, self.nesting + 1).into_owned()),
            Meaning::Text => Cow::Owned(r.scrub_text(&value).into_owned()),
        };
        if clean != value {
            let clean = clean.into_owned();
            self.set(span, &clean);
        }
    }

    /// `node`, in `region`, under the member name `name`.
    fn node(&mut self, node: &Node, region: Region, name: Option<&str>) {
        match node {
            Node::Scalar => {}
            Node::Str(span) => {
                let meaning = match (region, name) {
                    (Region::Headers, Some(n)) if is_secret_header(n) => Meaning::Credential,
                    (Region::Plain, Some(n)) if is_secret_field(n) => Meaning::Credential,
                    (_, Some("url" | "redirectURL")) => Meaning::Url,
                    (_, Some("text" | "bodyText")) => Meaning::Body,
                    _ => Meaning::Text,
                };
                self.string(*span, meaning);
            }
            Node::Arr(items) => {
                for item in items {
                    self.node(item, region, None);
                }
            }
            Node::Obj(members) => self.object(members, region),
        }
    }

    fn object(&mut self, members: &[(Span, Node)], region: Region) {
        // A HAR `{name, value}` entry: the value is a credential by the name.
        let entry_name = members.iter().find_map(|(k, v)| match v {
            Node::Str(s) if self.decoded(*k).as_deref() == Some("name") => {
                self.decoded(*s).map(Cow::into_owned)
            }
            _ => None,
        });
        let entry_secret = entry_name.as_deref().is_some_and(|n| match region {
            Region::Plain => false,
            Region::Headers => is_secret_header(n),
            Region::Cookies => true,
            Region::Params => is_secret_field(n),
        });
        for (key, value) in members {
            let Some(name) = self.decoded(*key).map(Cow::into_owned) else {
                continue;
            };
            // A name can echo a secret too.
            self.string(*key, Meaning::Text);
            match value {
                Node::Str(span) if entry_name.is_some() && region != Region::Plain => {
                    let meaning = if name == "value" && entry_secret {
                        Meaning::Credential
                    } else {
                        Meaning::Text
                    };
                    self.string(*span, meaning);
                }
                Node::Obj(_) | Node::Arr(_) => {
                    let inner = match name.as_str() {
                        "headers" => Region::Headers,
                        "cookies" => Region::Cookies,
                        "queryString" | "params" => Region::Params,
                        _ => Region::Plain,
                    };
                    self.node(value, inner, Some(&name));
                }
                _ => self.node(value, region, Some(&name)),
            }
        }
    }
}

/// A form body or query with the values of credential fields replaced.
fn form(text: &str) -> Cow<'_, str> {
    let mut out = String::new();
    let mut changed = false;
    for (i, pair) in text.split('&').enumerate() {
        if i > 0 {
            out.push('&');
        }
        match pair.split_once('=') {
            Some((name, value)) if is_secret_field(&form_decode(name)) && value != REDACTED => {
                changed = true;
                out.push_str(name);
                out.push('=');
                out.push_str(REDACTED);
            }
            _ => out.push_str(pair),
        }
    }
    if changed {
        Cow::Owned(out)
    } else {
        Cow::Borrowed(text)
    }
}

fn form_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(&s.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned()
}

/// `name=value(&name=value)*` with nothing a text or JSON body would have.
fn looks_like_form(text: &str) -> bool {
    let first = text.split('&').next().unwrap_or_default();
    first.contains('=')
        && !text
            .bytes()
            .any(|b| b.is_ascii_whitespace() || matches!(b, b'{' | b'[' | b'"'))
}

/// A line's text and its line end (`\n`, `\r\n` or nothing).
fn split_line_end(line: &str) -> (&str, &str) {
    let body = line.strip_suffix('\n').unwrap_or(line);
    let body = body.strip_suffix('\r').unwrap_or(body);
    (body, &line[body.len()..])
}

fn replace_all(haystack: &[u8], needle: &[u8], with: &[u8]) -> Vec<u8> {
    if needle.is_empty() || memchr::memmem::find(haystack, needle).is_none() {
        return haystack.to_vec();
    }
    let mut out = Vec::with_capacity(haystack.len());
    let mut rest = haystack;
    while let Some(i) = memchr::memmem::find(rest, needle) {
        out.extend_from_slice(&rest[..i]);
        out.extend_from_slice(with);
        rest = &rest[i + needle.len()..];
    }
    out.extend_from_slice(rest);
    out
}
