//! Text from the wire made safe to print on a terminal: a server controls
//! response bodies, headers and URLs, and a raw ESC or carriage return in them
//! could erase or rewrite what the user sees.

use std::borrow::Cow;
use std::fmt::Write;

/// `text` with every control character (C0, DEL, C1) written as a visible
/// escape (`\e`, `\r`, `\u{9b}`...), so that printing it moves no cursor and
/// sets no colour. Tabs become `\t` too: a caret under a snippet line would
/// otherwise be misplaced. Borrowed when nothing needed escaping.
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\x1b' => out.push_str("\\e"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// How many columns `escape_controls(text)` takes on a terminal, counting one
/// per character (what the snippet carets assume).
pub fn escaped_width(text: &str) -> usize {
    escape_controls(text).chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(escape_controls("Pending ✓"), Cow::Borrowed(_)));
    }

    #[test]
    fn controls_are_visible_and_inert() {
        let hostile = "ok\x1b[2K\rFAKE\x07\u{9b}31m\tend";
        let safe = escape_controls(hostile);
        assert_eq!(safe, "ok\\e[2K\\rFAKE\\u{7}\\u{9b}31m\\tend");
        assert!(!safe.chars().any(char::is_control));
        assert_eq!(escaped_width("a\x1bb"), 4);
    }
}
