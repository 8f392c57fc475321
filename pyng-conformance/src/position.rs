//! JSON pointer -> line and column inside a body's text. Runs only for findings,
//! on the bytes that were checked, so the common (clean) path never pays for it.

use crate::finding::Snippet;

/// Where a value sits in the text: byte range plus 1-based line and column
/// (column counted in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Located {
    pub start: usize,
    pub end: usize,
    pub line: usize,
    pub column: usize,
}

/// Finds the value at `pointer`, or the closest ancestor that exists (a missing
/// required property points at its parent object). With duplicate keys the last
/// occurrence wins, as in the parsed value. `None` when the text is not JSON.
pub(crate) fn locate(text: &[u8], pointer: &str) -> Option<Located> {
    let tokens = pyng_spec::pointer::tokens(pointer)?;
    let mut s = Scanner { b: text, i: 0 };
    s.ws();
    let mut start = s.i;
    for token in &tokens {
        match s.peek()? {
            b'{' => match s.find_member(token)? {
                Some(at) => start = at,
                None => break,
            },
            b'[' => {
                let Ok(index) = token.parse::<usize>() else {
                    break;
                };
                match s.find_item(index)? {
                    Some(at) => start = at,
                    None => break,
                }
            }
            _ => break,
        }
        s.i = start;
    }
    s.i = start;
    s.skip_value()?;
    let end = s.i;
    let (line, column) = line_col(text, start);
    Some(Located {
        start,
        end,
        line,
        column,
    })
}

/// 1-based line and character column of a byte offset.
pub(crate) fn line_col(text: &[u8], offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&text[line_start..offset])
        .chars()
        .count()
        + 1;
    (line, column)
}

/// Up to `context` lines either side of the located value; long lines are cut
/// to a window around the value so minified bodies stay readable. Only the
/// quoted lines are looked at: a body of millions of lines, or one line of
/// megabytes, costs no memory beyond the window.
pub(crate) fn snippet(text: &[u8], at: Located, context: usize) -> Snippet {
    const WIDTH: usize = 100;
    let anchor = at.start.min(text.len());
    let start_of = |i: usize| memchr::memrchr(b'\n', &text[..i]).map_or(0, |p| p + 1);
    let end_of = |i: usize| memchr::memchr(b'\n', &text[i..]).map_or(text.len(), |p| i + p);
    let mark = (start_of(anchor), end_of(anchor));
    let mut before = Vec::new();
    let mut start = mark.0;
    while before.len() < context && start > 0 {
        let s = start_of(start - 1);
        before.push((s, start - 1));
        start = s;
    }
    before.reverse();
    let mut after = Vec::new();
    let mut end = mark.1;
    while after.len() < context && end < text.len() {
        let e = end_of(end + 1);
        after.push((end + 1, e));
        end = e;
    }
    let value_chars = String::from_utf8_lossy(text.get(at.start..at.end).unwrap_or_default())
        .chars()
        .take_while(|c| *c != '\n')
        .count()
        .max(1);
    let mark_line = before.len();
    let mut lines = Vec::with_capacity(before.len() + 1 + after.len());
    let mut mark_column = at.column;
    for (i, (s, e)) in before.into_iter().chain([mark]).chain(after).enumerate() {
        let line = String::from_utf8_lossy(&text[s..e]);
        let line = line.trim_end_matches('\r');
        let len = line.chars().count();
        let from = if len > WIDTH {
            at.column
                .saturating_sub(WIDTH / 2)
                .min(len.saturating_sub(WIDTH))
        } else {
            0
        };
        let mut shown: String = line.chars().skip(from).take(WIDTH).collect();
        let cut_left = from > 0;
        if cut_left {
            shown.insert(0, '…');
        }
        if from + WIDTH < len {
            shown.push('…');
        }
        if i == mark_line {
            mark_column = at.column.saturating_sub(from) + usize::from(cut_left);
        }
        lines.push(shown);
    }
    Snippet {
        first_line: at.line.saturating_sub(mark_line).max(1),
        lines,
        mark_line,
        mark_column,
        mark_len: value_chars.min(WIDTH),
    }
}

struct Scanner<'a> {
    b: &'a [u8],
    i: usize,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }
    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }
    fn eat(&mut self, c: u8) -> Option<()> {
        self.ws();
        (self.peek()? == c).then(|| self.i += 1)
    }

    /// At `{`: the start of the value of the last member named `key`.
    fn find_member(&mut self, key: &str) -> Option<Option<usize>> {
        self.eat(b'{')?;
        let mut found = None;
        self.ws();
        if self.peek()? == b'}' {
            return Some(None);
        }
        loop {
            self.ws();
            let name = self.string()?;
            self.eat(b':')?;
            self.ws();
            if name == key {
                found = Some(self.i);
            }
            self.skip_value()?;
            self.ws();
            match self.peek()? {
                b',' => self.i += 1,
                b'}' => return Some(found),
                _ => return None,
            }
        }
    }

    /// At `[`: the start of item `index`.
    fn find_item(&mut self, index: usize) -> Option<Option<usize>> {
        self.eat(b'[')?;
        self.ws();
        if self.peek()? == b']' {
            return Some(None);
        }
        let mut n = 0;
        loop {
            self.ws();
            if n == index {
                return Some(Some(self.i));
            }
            self.skip_value()?;
            self.ws();
            match self.peek()? {
                b',' => self.i += 1,
                b']' => return Some(None),
                _ => return None,
            }
            n += 1;
        }
    }

    /// Reads a string token, decoding escapes (for key comparison).
    fn string(&mut self) -> Option<String> {
        self.ws();
        let start = self.i;
        self.skip_string()?;
        serde_json::from_slice(&self.b[start..self.i]).ok()
    }

    fn skip_string(&mut self) -> Option<()> {
        if self.peek()? != b'"' {
            return None;
        }
        self.i += 1;
        loop {
            match self.peek()? {
                b'\\' => self.i += 2,
                b'"' => {
                    self.i += 1;
                    return Some(());
                }
                _ => self.i += 1,
            }
        }
    }

    /// Skips one value; iterative over brackets so depth costs no stack.
    fn skip_value(&mut self) -> Option<()> {
        self.ws();
        let mut depth = 0usize;
        loop {
            match self.peek()? {
                b'"' => self.skip_string()?,
                b'{' | b'[' => {
                    depth += 1;
                    self.i += 1;
                }
                b'}' | b']' => {
                    depth = depth.checked_sub(1)?;
                    self.i += 1;
                }
                b',' | b':' if depth > 0 => self.i += 1,
                b' ' | b'\t' | b'\n' | b'\r' if depth > 0 => self.i += 1,
                b',' | b':' | b' ' | b'\t' | b'\n' | b'\r' => return Some(()),
                _ => {
                    while self.peek().is_some_and(|c| {
                        !matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r' | b':')
                    }) {
                        self.i += 1;
                    }
                }
            }
            if depth == 0 {
                return Some(());
            }
        }
    }
}

/// The 1-based character column of a 1-based line and byte column in
/// `text`. serde_json reports columns in bytes; a finding's column is in
/// characters (`REPORT-FORMAT.md`), invalid UTF-8 counted as a lossy decode
/// counts it.
pub(crate) fn char_column(text: &[u8], line: usize, byte_column: usize) -> usize {
    let Some(line_text) = text.split(|&b| b == b'\n').nth(line.saturating_sub(1)) else {
        return byte_column.max(1);
    };
    let before = &line_text[..byte_column.saturating_sub(1).min(line_text.len())];
    String::from_utf8_lossy(before).chars().count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &[u8] = b"{\n  \"data\": {\n    \"items\": [1, {\"a\": \"x\"}],\n    \"amountPaid\": 2940\n  },\n  \"a\": 1, \"a\": 22\n}";

    #[test]
    fn a_parser_byte_column_becomes_a_character_column() {
        // Line 2 is `["<BOM>é", x]`: the `x` is byte 11 and character 8.
        let text = "{}\n[\"\u{feff}é\", x]".as_bytes();
        let err = serde_json::from_slice::<serde_json::Value>(&text[3..]).unwrap_err();
        assert_eq!((err.line(), err.column()), (1, 11));
        assert_eq!(char_column(text, 2, 11), 8);
        assert_eq!(char_column(text, 1, 3), 3);
        // Past the end of the text, or of the line: no panic, a column after it.
        assert_eq!(char_column(text, 9, 4), 4);
        assert_eq!(char_column(text, 2, 99), 10);
    }

    #[test]
    fn locates_members_items_and_last_duplicates() {
        let at = locate(BODY, "/data/amountPaid").unwrap();
        assert_eq!((at.line, at.column), (4, 19));
        assert_eq!(&BODY[at.start..at.end], b"2940");
        let at = locate(BODY, "/data/items/1/a").unwrap();
        assert_eq!((at.line, at.column), (3, 24));
        let at = locate(BODY, "/a").unwrap();
        assert_eq!(&BODY[at.start..at.end], b"22");
    }

    #[test]
    fn missing_members_fall_back_to_the_parent() {
        let at = locate(BODY, "/data/missing").unwrap();
        assert_eq!((at.line, at.column), (2, 11));
        assert_eq!(locate(b"{\"a\": ", "/a"), None);
    }

    #[test]
    fn snippet_marks_the_value() {
        let at = locate(BODY, "/data/amountPaid").unwrap();
        let s = snippet(BODY, at, 1);
        assert_eq!(s.first_line, 3);
        assert_eq!(s.lines[s.mark_line], "    \"amountPaid\": 2940");
        assert_eq!((s.mark_column, s.mark_len), (19, 4));
    }
}
