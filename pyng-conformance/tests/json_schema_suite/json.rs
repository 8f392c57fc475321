//! A JSON tree that keeps numbers as written. The suite's big numbers
//! (`18446744073709551615`, `972783798187987123879878123.18878137`) must reach
//! the kit exactly; `serde_json::Value` (without `arbitrary_precision`, which
//! would change the kit under test) rounds them to `f64`.

use std::fmt::Write as _;

#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    /// The number's text, exactly as in the file.
    Number(String),
    String(String),
    Array(Vec<Json>),
    /// Members in file order.
    Object(Vec<(String, Json)>),
}

impl Json {
    /// Parses `text`, which serde_json has already accepted as JSON (so the
    /// grammar is known good and only the shape is rebuilt here).
    pub fn parse(text: &str) -> Result<Json, String> {
        serde_json::from_str::<serde::de::IgnoredAny>(text)
            .map_err(|e| format!("not JSON: {e}"))?;
        let mut p = Parser { text, at: 0 };
        let v = p.value()?;
        p.blank();
        if p.at != text.len() {
            return Err(format!("trailing text at byte {}", p.at));
        }
        Ok(v)
    }

    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    /// Compact text, numbers as written.
    pub fn compact(&self) -> String {
        let mut out = String::new();
        self.write(&mut out, None);
        out
    }

    /// Indented text (two spaces), for spec files a person reads.
    pub fn pretty(&self) -> String {
        let mut out = String::new();
        self.write(&mut out, Some(0));
        out.push('\n');
        out
    }

    fn write(&self, out: &mut String, indent: Option<usize>) {
        let newline = |out: &mut String, depth: usize| {
            out.push('\n');
            out.push_str(&"  ".repeat(depth));
        };
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => {
                let _ = write!(out, "{b}");
            }
            Json::Number(n) => out.push_str(n),
            Json::String(s) => out.push_str(&quote(s)),
            Json::Array(items) if items.is_empty() => out.push_str("[]"),
            Json::Object(members) if members.is_empty() => out.push_str("{}"),
            Json::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    if let Some(d) = indent {
                        newline(out, d + 1);
                    }
                    item.write(out, indent.map(|d| d + 1));
                }
                if let Some(d) = indent {
                    newline(out, d);
                }
                out.push(']');
            }
            Json::Object(members) => {
                out.push('{');
                for (i, (k, v)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    if let Some(d) = indent {
                        newline(out, d + 1);
                    }
                    out.push_str(&quote(k));
                    out.push_str(if indent.is_some() { ": " } else { ":" });
                    v.write(out, indent.map(|d| d + 1));
                }
                if let Some(d) = indent {
                    newline(out, d);
                }
                out.push('}');
            }
        }
    }
}

/// A JSON string literal (serde_json's escaping, which YAML's double-quoted
/// scalars read the same way).
pub fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

struct Parser<'t> {
    text: &'t str,
    at: usize,
}

impl<'t> Parser<'t> {
    fn rest(&self) -> &'t str {
        &self.text[self.at..]
    }

    fn blank(&mut self) {
        let trimmed = self.rest().trim_start_matches([' ', '\t', '\n', '\r']);
        self.at = self.text.len() - trimmed.len();
    }

    fn eat(&mut self, c: char) -> bool {
        self.blank();
        if self.rest().starts_with(c) {
            self.at += c.len_utf8();
            true
        } else {
            false
        }
    }

    fn value(&mut self) -> Result<Json, String> {
        self.blank();
        let rest = self.rest();
        for (word, v) in [
            ("null", Json::Null),
            ("true", Json::Bool(true)),
            ("false", Json::Bool(false)),
        ] {
            if rest.starts_with(word) {
                self.at += word.len();
                return Ok(v);
            }
        }
        match rest.chars().next() {
            Some('"') => self.string().map(Json::String),
            Some('[') => {
                self.at += 1;
                let mut items = Vec::new();
                if self.eat(']') {
                    return Ok(Json::Array(items));
                }
                loop {
                    items.push(self.value()?);
                    if self.eat(']') {
                        return Ok(Json::Array(items));
                    }
                    self.expect(',')?;
                }
            }
            Some('{') => {
                self.at += 1;
                let mut members = Vec::new();
                if self.eat('}') {
                    return Ok(Json::Object(members));
                }
                loop {
                    self.blank();
                    let key = self.string()?;
                    self.expect(':')?;
                    members.push((key, self.value()?));
                    if self.eat('}') {
                        return Ok(Json::Object(members));
                    }
                    self.expect(',')?;
                }
            }
            Some(_) => {
                let len = rest
                    .find(|c: char| !matches!(c, '0'..='9' | '-' | '+' | '.' | 'e' | 'E'))
                    .unwrap_or(rest.len());
                if len == 0 {
                    return Err(format!("unexpected text at byte {}", self.at));
                }
                self.at += len;
                Ok(Json::Number(rest[..len].to_owned()))
            }
            None => Err("unexpected end".to_owned()),
        }
    }

    fn expect(&mut self, c: char) -> Result<(), String> {
        if self.eat(c) {
            Ok(())
        } else {
            Err(format!("expected `{c}` at byte {}", self.at))
        }
    }

    /// A string token, decoded by serde_json.
    fn string(&mut self) -> Result<String, String> {
        let rest = self.rest();
        let mut escaped = false;
        for (i, c) in rest.char_indices().skip(1) {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => {
                    self.at += i + 1;
                    return serde_json::from_str(&rest[..=i]).map_err(|e| e.to_string());
                }
                _ => {}
            }
        }
        Err("unterminated string".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_their_text_and_strings_their_escapes() {
        let text = r#"{"max": 972783798187987123879878123.18878137, "n": -1.0e-08,
            "s": "a\"b\\c\u0000\u00e4", "l": [true, null, {}], "e": []}"#;
        let v = Json::parse(text).unwrap();
        assert_eq!(
            v.get("max"),
            Some(&Json::Number("972783798187987123879878123.18878137".into()))
        );
        assert_eq!(v.get("n"), Some(&Json::Number("-1.0e-08".into())));
        assert_eq!(v.get("s").and_then(Json::as_str), Some("a\"b\\c\u{0}ä"));
        let again = Json::parse(&v.compact()).unwrap();
        assert_eq!(again, v);
        assert_eq!(Json::parse(&v.pretty()).unwrap(), v);
        assert_eq!(
            v.compact(),
            r#"{"max":972783798187987123879878123.18878137,"n":-1.0e-08,"s":"a\"b\\c\u0000ä","l":[true,null,{}],"e":[]}"#
        );
    }

    #[test]
    fn text_that_is_not_json_is_refused() {
        assert!(Json::parse("{\"a\": }").is_err());
        assert!(Json::parse("[1] 2").is_err());
    }
}
