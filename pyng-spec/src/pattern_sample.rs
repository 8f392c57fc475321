//! The smallest string matching a simple `pattern`, for synthesised string fields
//! whose spec gives a pattern but no `example` (e.g. Peach's `result.code` in the
//! 400 body). Hand-written because the crates that generate strings from a regex
//! bring a random-number stack for what is a few lines here. Supports anchors, literals, escapes
//! (`\.`, `\d`, `\w`, `\s`), `.`, character classes with ranges, and the
//! quantifiers `{n}`, `{n,m}`, `{n,}`, `+`, `*`, `?`. Anything else (groups,
//! alternation, negated classes) gives `None` and the value is left as it is.

pub(crate) fn smallest_match(pattern: &str) -> Option<String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut i = 0;
    let mut out = String::new();
    while i < chars.len() {
        let atom: char = match chars[i] {
            '^' | '$' => {
                i += 1;
                continue;
            }
            '(' | ')' | '|' => return None,
            '\\' => {
                let c = *chars.get(i + 1)?;
                i += 2;
                match c {
                    'd' => '0',
                    'w' => 'a',
                    's' => ' ',
                    c if c.is_ascii_alphanumeric() => return None,
                    c => c,
                }
            }
            '[' => {
                let end = chars[i..].iter().position(|&c| c == ']')? + i;
                let first = *chars.get(i + 1)?;
                // Negated classes and escapes inside classes are not supported.
                if first == '^' || first == '\\' || end == i + 1 {
                    return None;
                }
                i = end + 1;
                first
            }
            '.' => {
                i += 1;
                'x'
            }
            c => {
                i += 1;
                c
            }
        };
        let count = match chars.get(i) {
            Some('{') => {
                let end = chars[i..].iter().position(|&c| c == '}')? + i;
                let inner: String = chars[i + 1..end].iter().collect();
                i = end + 1;
                let min = inner.split(',').next()?.trim();
                min.parse::<usize>().ok().filter(|&n| n <= 4096)?
            }
            Some('+') => {
                i += 1;
                1
            }
            Some('*') | Some('?') => {
                i += 1;
                0
            }
            _ => 1,
        };
        // A lazy `?` after a quantifier changes nothing for the smallest match.
        if chars.get(i) == Some(&'?') {
            i += 1;
        }
        out.extend(std::iter::repeat_n(atom, count));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smallest_matches() {
        assert_eq!(
            smallest_match(r"^[0-9]{3}\.[0-9]{3}\.[0-9]{3}$").as_deref(),
            Some("000.000.000")
        );
        assert_eq!(
            smallest_match("^[a-zA-Z0-9.-]{32,48}$").map(|s| s.len()),
            Some(32)
        );
        assert_eq!(smallest_match("^[A-Z]{3}$").as_deref(), Some("AAA"));
        assert_eq!(
            smallest_match(r"^[0-9]+\.[0-9]{2}$").as_deref(),
            Some("0.00")
        );
        assert_eq!(smallest_match("^ab?c*d+$").as_deref(), Some("ad"));
        assert_eq!(smallest_match("^(a|b)$"), None);
        assert_eq!(smallest_match("^[^a]$"), None);
        assert_eq!(smallest_match("[0-9"), None);
        assert_eq!(smallest_match("a{99999999999}"), None);
    }
}
