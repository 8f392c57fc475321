//! A JSON document as a tree of byte spans, so that redaction can rewrite
//! only the string literals it changes and keep every other byte as written
//! (key order, spacing, escapes, number forms). Not a validator: it accepts
//! what `serde_json` accepts and may accept a little more (number and literal
//! tokens are taken as written); a literal it cannot decode is left alone.

use std::borrow::Cow;

/// Deeper documents are not parsed (the caller falls back to text).
const MAX_DEPTH: usize = 128;

/// A string literal: the bytes from its opening to past its closing quote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Span {
    pub(super) start: usize,
    pub(super) end: usize,
}

/// A parsed value.
#[derive(Debug)]
pub(super) enum Node {
    Str(Span),
    Obj(Vec<(Span, Node)>),
    Arr(Vec<Node>),
    /// A number, `true`, `false` or `null`.
    Scalar,
}

/// The tree of `text`, when it is one JSON value (surrounded by whitespace).
pub(super) fn parse(text: &str) -> Option<Node> {
    let mut p = Parser {
        b: text.as_bytes(),
        at: 0,
    };
    let node = p.value(0)?;
    p.ws();
    (p.at == p.b.len()).then_some(node)
}

/// The decoded text of the literal at `span`.
pub(super) fn decode(text: &str, span: Span) -> Option<Cow<'_, str>> {
    let lit = text.get(span.start..span.end)?;
    let inner = lit.get(1..lit.len().checked_sub(1)?)?;
    if !inner.contains('\\') {
        return Some(Cow::Borrowed(inner));
    }
    serde_json::from_str::<String>(lit).ok().map(Cow::Owned)
}

struct Parser<'t> {
    b: &'t [u8],
    at: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while matches!(self.b.get(self.at), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn eat(&mut self, c: u8) -> bool {
        self.ws();
        if self.b.get(self.at) == Some(&c) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn value(&mut self, depth: usize) -> Option<Node> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.ws();
        match *self.b.get(self.at)? {
            b'"' => self.string().map(Node::Str),
            b'{' => {
                self.at += 1;
                let mut members = Vec::new();
                if self.eat(b'}') {
                    return Some(Node::Obj(members));
                }
                loop {
                    self.ws();
                    let key = self.string()?;
                    if !self.eat(b':') {
                        return None;
                    }
                    members.push((key, self.value(depth + 1)?));
                    if self.eat(b'}') {
                        return Some(Node::Obj(members));
                    }
                    if !self.eat(b',') {
                        return None;
                    }
                }
            }
            b'[' => {
                self.at += 1;
                let mut items = Vec::new();
                if self.eat(b']') {
                    return Some(Node::Arr(items));
                }
                loop {
                    items.push(self.value(depth + 1)?);
                    if self.eat(b']') {
                        return Some(Node::Arr(items));
                    }
                    if !self.eat(b',') {
                        return None;
                    }
                }
            }
            b'-' | b'0'..=b'9' | b't' | b'f' | b'n' => {
                let start = self.at;
                while matches!(
                    self.b.get(self.at),
                    Some(b'-' | b'+' | b'.' | b'0'..=b'9' | b'a'..=b'z' | b'E')
                ) {
                    self.at += 1;
                }
                let token = std::str::from_utf8(&self.b[start..self.at]).ok()?;
                serde_json::from_str::<serde_json::Value>(token)
                    .ok()
                    .map(|_| Node::Scalar)
            }
            _ => None,
        }
    }

    fn string(&mut self) -> Option<Span> {
        if self.b.get(self.at) != Some(&b'"') {
            return None;
        }
        let start = self.at;
        let mut j = start + 1;
        loop {
            match *self.b.get(j)? {
                b'\\' => j += 2,
                b'"' => break,
                c if c < 0x20 => return None,
                _ => j += 1,
            }
        }
        self.at = j + 1;
        Some(Span { start, end: j + 1 })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_are_the_literals_as_written() {
        let text = r#" {"a" : ["x\/y", 1.5e3, true, null, {}], "b":"c"} "#;
        let Some(Node::Obj(members)) = parse(text) else {
            panic!("an object");
        };
        assert_eq!(&text[members[0].0.start..members[0].0.end], "\"a\"");
        let Node::Arr(items) = &members[0].1 else {
            panic!("an array");
        };
        let Node::Str(s) = items[0] else {
            panic!("a string")
        };
        assert_eq!(decode(text, s).unwrap(), "x/y");
        assert_eq!(&text[s.start..s.end], r#""x\/y""#);
    }

    #[test]
    fn what_is_not_one_json_value_is_refused() {
        for t in [
            "",
            "{",
            "{\"a\"}",
            "[1,]",
            "\"a",
            "1 2",
            "tru",
            "{\"a\":1}}",
            "\"\n\"",
        ] {
            assert!(parse(t).is_none(), "{t:?}");
        }
        let deep = "[".repeat(1000) + &"]".repeat(1000);
        assert!(parse(&deep).is_none());
    }
}
