//! Where an exchange and its response body are in the input file, so that a
//! finding located in a body also gets its line and column in the file. The
//! readers record byte offsets only; lines and columns are worked out for
//! findings alone. Columns count characters, as the body-relative ones do.

use std::borrow::Cow;

use crate::finding::Finding;

/// How a body is written in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyForm<'a> {
    /// The file's own text (a recording's embedded `body`, a bare body).
    Verbatim,
    /// A JSON string literal, quotes included (HAR `content.text`, `bodyText`):
    /// on one line of the file, its escapes mapped back.
    JsonString(Cow<'a, str>),
    /// Base64 text (`bodyBase64`, HAR `encoding: base64`): a byte of the body
    /// has no place of its own in the file, so findings point at the string.
    Base64,
}

/// Where a body starts in the text it was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BodySpan<'a> {
    /// Byte offset of the body (verbatim) or of its string's opening quote.
    pub start: usize,
    pub form: BodyForm<'a>,
}

/// An exchange and its body, by 1-based line and column in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin<'a> {
    /// Where the exchange's object starts.
    pub exchange: (usize, usize),
    /// Where its body (or the body's string) starts, and how it is written.
    pub body: Option<(usize, usize, BodyForm<'a>)>,
}

impl Origin<'_> {
    /// Sets the file position of `f`: that of its offending value when it is
    /// located in the body, else that of the exchange.
    pub fn place(&self, f: &mut Finding) {
        let at = match (&self.body, f.line, f.column, f.body_offset) {
            (Some((line, column, form)), Some(l), Some(c), Some(offset)) => match form {
                BodyForm::Verbatim if l <= 1 => (*line, column + c.saturating_sub(1)),
                BodyForm::Verbatim => (line + l - 1, c),
                BodyForm::JsonString(literal) => {
                    let raw = literal_offset(literal.as_bytes(), offset);
                    (*line, column + chars(&literal.as_bytes()[..raw]))
                }
                BodyForm::Base64 => (*line, *column),
            },
            _ => self.exchange,
        };
        f.file_line = Some(at.0);
        f.file_column = Some(at.1);
    }

    pub fn into_owned(self) -> Origin<'static> {
        Origin {
            exchange: self.exchange,
            body: self.body.map(|(line, column, form)| {
                let form = match form {
                    BodyForm::Verbatim => BodyForm::Verbatim,
                    BodyForm::JsonString(s) => BodyForm::JsonString(Cow::Owned(s.into_owned())),
                    BodyForm::Base64 => BodyForm::Base64,
                };
                (line, column, form)
            }),
        }
    }
}

/// The origin of an exchange whose object starts at byte `exchange` of the
/// one-line `text` (an NDJSON line, number `line`), its body at `body`
/// (offsets from the object's start).
pub(crate) fn on_line<'a>(
    text: &[u8],
    line: usize,
    exchange: usize,
    body: Option<BodySpan<'a>>,
) -> Origin<'a> {
    let column_of = |offset: usize| chars(text.get(..offset).unwrap_or(text)) + 1;
    Origin {
        exchange: (line, column_of(exchange)),
        body: body.map(|b| (line, column_of(exchange + b.start), b.form)),
    }
}

/// Lines and columns of byte offsets into one text, offsets taken in
/// increasing order for a single pass over the text.
#[derive(Debug)]
pub(crate) struct Cursor<'t> {
    text: &'t [u8],
    offset: usize,
    line: usize,
    column: usize,
}

impl<'t> Cursor<'t> {
    pub(crate) fn new(text: &'t [u8]) -> Self {
        Cursor {
            text,
            offset: 0,
            line: 1,
            column: 1,
        }
    }

    /// 1-based line and character column of byte `offset` (clamped to the
    /// text); an offset before the last one starts over.
    pub(crate) fn at(&mut self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        if offset < self.offset {
            *self = Cursor::new(self.text);
        }
        for &b in &self.text[self.offset..offset] {
            if b == b'\n' {
                self.line += 1;
                self.column = 1;
            } else if !is_continuation(b) {
                self.column += 1;
            }
        }
        self.offset = offset;
        (self.line, self.column)
    }

    /// The origin of an exchange at byte `exchange` with its body at `body`
    /// (offsets in the cursor's text).
    pub(crate) fn origin<'a>(&mut self, exchange: usize, body: Option<BodySpan<'a>>) -> Origin<'a> {
        let exchange = self.at(exchange);
        Origin {
            exchange,
            body: body.map(|b| {
                let (line, column) = self.at(b.start);
                (line, column, b.form)
            }),
        }
    }
}

/// Byte offset of `inner` in `outer`, when `inner` is a part of it (a value
/// a borrowing deserializer handed out).
pub(crate) fn offset_in(outer: &[u8], inner: &str) -> Option<usize> {
    let start = (inner.as_ptr() as usize).checked_sub(outer.as_ptr() as usize)?;
    (start.checked_add(inner.len())? <= outer.len()).then_some(start)
}

/// Byte offset in a JSON string literal (from its opening quote) of byte
/// `offset` of the string it decodes to.
pub(crate) fn literal_offset(literal: &[u8], offset: usize) -> usize {
    let (mut raw, mut decoded) = (1, 0);
    while decoded < offset {
        let Some(&b) = literal.get(raw) else { break };
        let (raw_len, decoded_len) = match b {
            b'"' => break,
            b'\\' => match literal.get(raw + 1) {
                Some(b'u') => match hex4(literal, raw + 2) {
                    Some(0xD800..=0xDBFF)
                        if literal.get(raw + 6..raw + 8) == Some(b"\\u")
                            && matches!(hex4(literal, raw + 8), Some(0xDC00..=0xDFFF)) =>
                    {
                        (12, 4)
                    }
                    Some(unit) => (6, char::from_u32(unit).map_or(3, char::len_utf8)),
                    None => (2, 1),
                },
                _ => (2, 1),
            },
            b => (utf8_len(b), utf8_len(b)),
        };
        raw += raw_len;
        decoded += decoded_len;
    }
    raw.min(literal.len())
}

fn hex4(text: &[u8], at: usize) -> Option<u32> {
    let digits = std::str::from_utf8(text.get(at..at + 4)?).ok()?;
    u32::from_str_radix(digits, 16).ok()
}

fn utf8_len(lead: u8) -> usize {
    match lead {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

fn is_continuation(b: u8) -> bool {
    b & 0xC0 == 0x80
}

/// Characters of UTF-8 text.
fn chars(text: &[u8]) -> usize {
    text.iter().filter(|&&b| !is_continuation(b)).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_offsets_step_over_escapes() {
        let literal = r#""a\"b\\c\u00e9é\ud83d\ude00x\n""#;
        let decoded: String = serde_json::from_str(literal).unwrap();
        for (i, _) in decoded.char_indices() {
            let raw = literal_offset(literal.as_bytes(), i);
            let rest: String = serde_json::from_str(&format!("\"{}", &literal[raw..])).unwrap();
            assert_eq!(rest, decoded[i..], "offset {i}");
        }
        assert_eq!(literal_offset(b"\"ab", 10), 3);
    }

    #[test]
    fn cursor_counts_characters() {
        let text = "ab\né€x\ny".as_bytes();
        let mut c = Cursor::new(text);
        assert_eq!(c.at(1), (1, 2));
        assert_eq!(c.at(text.iter().position(|&b| b == b'x').unwrap()), (2, 3));
        assert_eq!(c.at(0), (1, 1));
        assert_eq!(c.at(usize::MAX), (3, 2));
    }
}
