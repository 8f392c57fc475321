//! Readers: every supported input is turned into [`Exchange`]s, and every problem
//! with the input itself into an `input.*` finding; nothing here stops a run.

pub(crate) mod bare;
pub(crate) mod har;
pub(crate) mod ndjson;
pub mod recording;

use pyng_spec::registry::RuleId;
use std::path::Path;
use std::sync::Arc;

use crate::exchange::Exchange;
use crate::finding::Finding;

/// What a reader produces, in file order.
#[derive(Debug)]
pub enum Item {
    /// One recorded exchange.
    Exchange(Box<Exchange<'static>>),
    /// A problem with the input (malformed entry, truncated file...).
    Problem(Box<Finding>),
    /// The spec a recording says it was made against.
    SpecInfo {
        /// The spec title the recording names.
        title: String,
        /// The spec version the recording names.
        version: String,
    },
}

/// The input kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// HAR 1.2.
    Har,
    /// The kit's recording document (`docs/recording-format.md`).
    Recording,
    /// The kit's recording format as NDJSON, one exchange per line.
    Ndjson,
    /// Decided from the content: a HAR or a recording.
    JsonDocument,
}

impl Kind {
    /// From the file name; `None` for files a directory walk skips.
    pub fn from_path(path: &Path) -> Option<Kind> {
        let name = path.file_name()?.to_str()?.to_ascii_lowercase();
        if name.ends_with(".har") {
            Some(Kind::Har)
        } else if name.ends_with(".ndjson") || name.ends_with(".jsonl") {
            Some(Kind::Ndjson)
        } else if name.ends_with(".json") {
            Some(Kind::JsonDocument)
        } else {
            None
        }
    }
}

/// The items of the file `name` (its kind from the name, as `check` tells
/// it) read from `bytes`, without checking anything: the exchanges as every
/// check sees them, for a tool that records or converts traffic.
pub fn read_bytes(name: &str, bytes: &[u8]) -> Vec<Item> {
    let file: Arc<str> = Arc::from(name);
    let mut items = Vec::new();
    let mut sink = |item| items.push(item);
    match Kind::from_path(Path::new(name)) {
        Some(Kind::Ndjson) => ndjson::read_lines(&file, &mut &bytes[..], &mut |line| match line {
            ndjson::Line::Item(item) => sink(item),
            ndjson::Line::Raw { entry, bytes } => {
                match ndjson::parse_line(&file, entry, bytes, None) {
                    Some(Ok(parsed)) => {
                        sink(Item::Exchange(Box::new(parsed.exchange.into_owned())))
                    }
                    Some(Err(problem)) => sink(Item::Problem(problem)),
                    None => {}
                }
            }
        }),
        kind => {
            let bytes = strip_bom(bytes);
            let kind = match kind {
                Some(known @ (Kind::Har | Kind::Recording)) => Ok(known),
                _ => sniff(bytes),
            };
            match kind {
                Ok(Kind::Har) => har::read(&file, bytes, &mut sink),
                Ok(_) => recording::read(&file, bytes, &mut sink),
                Err(e) => sink(Item::Problem(syntax_problem(&file, "the file", bytes, &e))),
            }
        }
    }
    items
}

/// A UTF-8 byte order mark, which editors on some systems write at the start
/// of a file; JSON parsers may ignore it (RFC 8259 § 8.1) and so does the kit.
const BOM: &[u8] = b"\xef\xbb\xbf";

/// `bytes` without a leading byte order mark.
pub fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(BOM).unwrap_or(bytes)
}

/// Decides between a HAR and a recording by their top-level keys.
pub fn sniff(bytes: &[u8]) -> Result<Kind, serde_json::Error> {
    #[derive(serde::Deserialize)]
    struct Sniff {
        log: Option<serde::de::IgnoredAny>,
        format: Option<serde::de::IgnoredAny>,
    }
    let s: Sniff = serde_json::from_slice(bytes)?;
    Ok(match (s.log, s.format) {
        (Some(_), _) => Kind::Har,
        (None, Some(_)) => Kind::Recording,
        (None, None) => Kind::JsonDocument,
    })
}

/// An `input.*` finding for a JSON document that does not parse, with the
/// position in the file (`input`, the bytes the parser read).
pub fn syntax_problem(file: &str, what: &str, input: &[u8], e: &serde_json::Error) -> Box<Finding> {
    let text = e.to_string();
    let (rule, message) = if e.is_eof() {
        (
            RuleId::InputTruncated,
            format!("{what} ends early (truncated?): {e}"),
        )
    } else if text.starts_with("recursion limit exceeded") {
        (
            RuleId::InputMalformed,
            format!(
                "{what} nests arrays and objects deeper than 128 levels, the most the kit reads, so it is not read: {e}"
            ),
        )
    } else if text.starts_with("number out of range") {
        (
            RuleId::InputMalformed,
            format!(
                "{what} holds a number beyond the range of a 64-bit float, so it is not read: {e}"
            ),
        )
    } else {
        (RuleId::InputMalformed, format!("{what} is not valid: {e}"))
    };
    let mut f = Finding::of(rule, file, message);
    if e.line() > 0 {
        f.line = Some(e.line());
        f.column = Some(crate::position::char_column(input, e.line(), e.column()));
        f.file_line = f.line;
        f.file_column = f.column;
    }
    Box::new(f)
}

/// An `input.malformed` finding of `file` (entry `entry`, if known).
pub fn problem(file: &str, entry: Option<usize>, message: String) -> Box<Finding> {
    let mut f = Finding::of(RuleId::InputMalformed, file, message);
    f.entry = entry;
    Box::new(f)
}

/// Standard base64 with optional padding; whitespace is ignored.
pub fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let mut acc = 0u32;
    let mut bits = 0u32;
    for c in text.bytes().filter(|c| !c.is_ascii_whitespace()) {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => break,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trip() {
        assert_eq!(decode_base64("eyJhIjoxfQ==").unwrap(), br#"{"a":1}"#);
        assert_eq!(decode_base64("eyJh\nIjoxfQ").unwrap(), br#"{"a":1}"#);
        assert_eq!(decode_base64("*"), None);
    }

    #[test]
    fn sniffs_documents() {
        assert_eq!(sniff(br#"{"log":{}}"#).unwrap(), Kind::Har);
        assert_eq!(
            sniff(br#"{"format":"pyng-recording"}"#).unwrap(),
            Kind::Recording
        );
        assert_eq!(sniff(br#"{"data":{}}"#).unwrap(), Kind::JsonDocument);
        assert!(sniff(b"[1]").is_err());
    }
}
