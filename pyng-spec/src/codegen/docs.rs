//! Doc comments from spec text. Spec prose is not Markdown written for rustdoc:
//! it may contain brackets (read as intra-doc links), `<...>` (read as HTML), bare
//! URLs, or indentation (read as a code block, i.e. a doctest). Every description
//! is therefore reduced to plain paragraphs: whitespace collapsed, Markdown
//! punctuation escaped, URLs turned into autolinks, and lines wrapped so that no
//! line can start a list, heading, quote or fence.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::Source;

/// Wrap width of the text after `/// `.
const WIDTH: usize = 88;

/// Accumulates the paragraphs of one doc comment.
#[derive(Debug, Default)]
pub(super) struct Doc {
    paragraphs: Vec<String>,
}

impl Doc {
    pub(super) fn new() -> Self {
        Doc::default()
    }

    /// Spec prose: escaped.
    pub(super) fn text(&mut self, text: &str) -> &mut Self {
        let t = escape(text);
        if !t.is_empty() {
            self.paragraphs.push(t);
        }
        self
    }

    pub(super) fn opt_text(&mut self, text: Option<&str>) -> &mut Self {
        if let Some(t) = text {
            self.text(t);
        }
        self
    }

    /// Markdown written by the generator itself (already safe).
    pub(super) fn markdown(&mut self, md: String) -> &mut Self {
        self.paragraphs.push(md);
        self
    }

    pub(super) fn source(&mut self, source: Option<&Source>) -> &mut Self {
        if let Some(s) = source {
            self.markdown(provenance(s));
        }
        self
    }

    pub(super) fn draft(&mut self, draft: bool) -> &mut Self {
        if draft {
            self.markdown(DRAFT.to_owned());
        }
        self
    }

    /// `#[doc = "..."]` attributes, one per line, a blank line between paragraphs.
    pub(super) fn attrs(&self) -> TokenStream {
        let mut lines: Vec<String> = Vec::new();
        for (i, p) in self.paragraphs.iter().enumerate() {
            if i > 0 {
                lines.push(String::new());
            }
            lines.extend(wrap(p));
        }
        let lines = lines.iter().map(|l| {
            let l = if l.is_empty() {
                String::new()
            } else {
                format!(" {l}")
            };
            quote!(#[doc = #l])
        });
        quote!(#(#lines)*)
    }
}

/// The draft marker carried by every item of a draft spec.
pub(super) const DRAFT: &str =
    "**Draft:** the source document is a draft contract; this item may change before release.";

/// ``*Source:* `001_x.txt`, section "Line Items".``
pub(super) fn provenance(s: &Source) -> String {
    match &s.section {
        Some(section) => format!(
            "*Source:* {}, section \u{201c}{}\u{201d}.",
            code(&s.document),
            escape(section)
        ),
        None => format!("*Source:* {}.", code(&s.document)),
    }
}

/// Inline code for any text (a fence longer than any backtick run inside).
pub(super) fn code(s: &str) -> String {
    let longest = s.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    if longest == 0 {
        return format!("`{s}`");
    }
    let fence = "`".repeat(longest + 1);
    format!("{fence} {s} {fence}")
}

/// A list of values as inline code: `` `a`, `b` ``.
pub(super) fn code_list<S: AsRef<str>>(values: &[S]) -> String {
    values
        .iter()
        .map(|v| code(v.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Collapses whitespace and escapes what rustdoc would interpret.
pub fn escape(text: &str) -> String {
    let words: Vec<String> = text.split_whitespace().map(escape_word).collect();
    words.join(" ")
}

fn escape_word(word: &str) -> String {
    if let Some(i) = word.find("://")
        && word[..i].chars().all(|c| c.is_ascii_alphabetic())
        && i > 0
    {
        // A URL: make it an autolink, keeping trailing sentence punctuation outside.
        let end = word
            .trim_end_matches(['.', ',', ';', ':', ')', '"', '\''])
            .len();
        let (url, rest) = word.split_at(end);
        if !url.contains(['<', '>', '`']) {
            return format!("<{url}>{}", escape_chars(rest));
        }
    }
    escape_chars(word)
}

fn escape_chars(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '[' | ']' | '<' | '>' | '|' | '*' | '_' | '#' | '~' | '&'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Greedy wrap; a line never starts with something Markdown would read as block
/// syntax (`-`, `+`, `=`, `>`, `` ``` ``, `1.`): such a word is escaped.
fn wrap(paragraph: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in paragraph.split(' ').filter(|w| !w.is_empty()) {
        if !line.is_empty() && line.len() + 1 + word.len() > WIDTH {
            lines.push(std::mem::take(&mut line));
        }
        if line.is_empty() {
            line = safe_line_start(word);
        } else {
            line.push(' ');
            line.push_str(word);
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

fn safe_line_start(word: &str) -> String {
    let first = word.chars().next().unwrap_or(' ');
    // A single backtick opens inline code, which is fine; three open a fence.
    if matches!(first, '-' | '+' | '=') || word.starts_with("```") {
        return format!("\\{word}");
    }
    let digits = word.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && matches!(word[digits..].chars().next(), Some('.' | ')')) {
        return format!("{}\\{}", &word[..digits], &word[digits..]);
    }
    word.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_cannot_become_code_links_or_html() {
        assert_eq!(escape("  a\n    indented   line "), "a indented line");
        assert_eq!(escape("see [Foo] <T>"), "see \\[Foo\\] \\<T\\>");
        assert_eq!(
            escape("host https://x.example/a."),
            "host <https://x.example/a>."
        );
        assert_eq!(escape("snake_case"), "snake\\_case");
    }

    #[test]
    fn wrapped_lines_never_start_block_syntax() {
        let long = format!("{} - 1. ```x``` = 2440.", "word ".repeat(17));
        for line in wrap(&escape(&long)) {
            assert!(
                !line.starts_with(['-', '=']) && !line.starts_with("```"),
                "{line}"
            );
            assert!(!line.starts_with("1."), "{line}");
            assert!(line.len() <= WIDTH + 8, "{line}");
        }
        assert_eq!(safe_line_start("2440."), "2440\\.");
        assert_eq!(safe_line_start("- x"), "\\- x");
    }

    #[test]
    fn code_spans_survive_backticks() {
        assert_eq!(code("a"), "`a`");
        assert_eq!(code("a`b"), "`` a`b ``");
    }
}
