//! A known secret value removed from text that is about to be shown or kept:
//! the value itself and every encoded form a reader (or any JSON, URL or form
//! parser) decodes back to it, in any mix: JSON escapes (`\/`, `\u0041`,
//! surrogate pairs), percent escapes (multi-byte characters too) and `+` for a
//! space. Matching the decoded text, not a list of encodings, is what makes a
//! mixed encoding no escape.

use std::borrow::Cow;

use super::REDACTED;

/// `text` with every occurrence of `secret`, plain or encoded, replaced by
/// [`REDACTED`]. An empty secret redacts nothing.
pub(crate) fn scrub<'t>(text: &'t str, secret: &str) -> Cow<'t, str> {
    if secret.is_empty() {
        return Cow::Borrowed(text);
    }
    let want: Vec<char> = secret.chars().collect();
    let bytes = text.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        match match_at(text, i, &want) {
            Some(end) => {
                let o = out.get_or_insert_with(|| String::with_capacity(text.len()));
                o.push_str(&text[copied..i]);
                o.push_str(REDACTED);
                copied = end;
                i = end;
            }
            None => i += utf8_len(bytes[i]),
        }
    }
    match out {
        Some(mut o) => {
            o.push_str(&text[copied..]);
            Cow::Owned(o)
        }
        None => Cow::Borrowed(text),
    }
}

/// Where an encoded form of `want` that starts at byte `start` ends.
fn match_at(text: &str, start: usize, want: &[char]) -> Option<usize> {
    let mut at = start;
    for &c in want {
        // A form body or query writes a space as `+`.
        if c == ' ' && text.as_bytes().get(at) == Some(&b'+') {
            at += 1;
            continue;
        }
        let (got, len) = decode_one(&text[at..])?;
        if got != c {
            return None;
        }
        at += len;
    }
    Some(at)
}

/// The next character of `rest` as a JSON string or a URL would decode it,
/// and how many bytes it took.
fn decode_one(rest: &str) -> Option<(char, usize)> {
    let b = rest.as_bytes();
    match b.first()? {
        b'\\' => match b.get(1)? {
            b'u' => {
                let hi = hex4(rest.get(2..6)?)?;
                if (0xD800..0xDC00).contains(&hi) {
                    // A surrogate pair: `\uD83D\uDE00`.
                    let lo = rest
                        .get(6..8)
                        .filter(|s| *s == "\\u")
                        .and(hex4(rest.get(8..12)?))?;
                    let c = 0x10000 + ((hi - 0xD800) << 10) + lo.checked_sub(0xDC00)?;
                    Some((char::from_u32(c)?, 12))
                } else {
                    Some((char::from_u32(hi)?, 6))
                }
            }
            b'/' => Some(('/', 2)),
            b'\\' => Some(('\\', 2)),
            b'"' => Some(('"', 2)),
            _ => Some(('\\', 1)),
        },
        b'%' => percent_char(rest),
        _ => {
            let c = rest.chars().next()?;
            Some((c, c.len_utf8()))
        }
    }
}

/// One character written as percent escapes: one for ASCII, one per UTF-8
/// byte otherwise (`%CE%A9`).
fn percent_char(rest: &str) -> Option<(char, usize)> {
    let byte_at = |i: usize| {
        let hex = rest.get(i * 3..i * 3 + 3)?;
        let digits = hex.strip_prefix('%')?;
        u8::from_str_radix(digits, 16)
            .ok()
            .filter(|_| digits.bytes().all(|b| b.is_ascii_hexdigit()))
    };
    let first = byte_at(0)?;
    let len = match first {
        0x00..=0x7F => 1,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF7 => 4,
        _ => return None,
    };
    let mut bytes = [first, 0, 0, 0];
    for (i, b) in bytes.iter_mut().enumerate().take(len).skip(1) {
        *b = byte_at(i)?;
    }
    let c = std::str::from_utf8(&bytes[..len]).ok()?.chars().next()?;
    Some((c, len * 3))
}

fn hex4(s: &str) -> Option<u32> {
    u32::from_str_radix(s, 16).ok().filter(|_| s.len() == 4)
}

fn utf8_len(first: u8) -> usize {
    match first {
        0xF0.. => 4,
        0xE0.. => 3,
        0xC0.. => 2,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: &str = "s3cr/t-Ω";

    #[test]
    fn plain_and_encoded_forms_are_redacted() {
        for hidden in [
            "s3cr/t-Ω",
            "s3cr\\/t-Ω",
            "\\u0073\\u0033cr\\/t-\\u03a9",
            "s3cr%2Ft-Ω",
            "%73%33cr/t-\\u03A9",
            "s3cr%2ft-%CE%A9",
            "s3cr\\u002F%74-%ce%a9",
        ] {
            let text = format!("before {hidden} after");
            assert_eq!(scrub(&text, S), "before <redacted> after", "{hidden}");
        }
    }

    #[test]
    fn other_text_is_left_alone_and_borrowed() {
        let text = "s3cr/t- is not the secret, nor is \\u0073";
        assert!(matches!(scrub(text, S), Cow::Borrowed(_)));
        assert!(matches!(scrub("anything", ""), Cow::Borrowed(_)));
        assert_eq!(scrub("aaa", "aa"), "<redacted>a");
        let emoji = "x😀y";
        assert_eq!(scrub("\\ud83d\\ude00 😀", emoji), "\\ud83d\\ude00 😀");
        assert_eq!(scrub("x\\ud83d\\ude00y!", emoji), "<redacted>!");
        assert_eq!(scrub("a+b c+d", "b c d"), "a+<redacted>");
        assert_eq!(scrub("a+b", "a+b"), "<redacted>");
        // Broken escapes never panic.
        for t in [
            "\\u12",
            "\\ud83d\\u",
            "%4",
            "\\",
            "%zz",
            "\\udc00",
            "%CE%",
            "%CE%+1",
            "%FF%FF",
        ] {
            assert_eq!(scrub(t, S), t);
        }
    }
}
