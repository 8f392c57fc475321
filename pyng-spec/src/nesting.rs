//! A cheap scan that refuses deeply nested YAML before any parser sees it: the
//! parsers take seconds to minutes to refuse (or accept) tens of thousands of
//! nested `[` or `{`. The scan follows flow collections, quotes, comments, block
//! scalars and indentation. It is approximate where YAML is context-dependent
//! (it may count one level more on a line of `- ` items, fewer elsewhere), which
//! is why the limit is well below what any spec needs and above no parser's.

/// The deepest nesting of collections a spec may have (`specs/README.md`).
pub const MAX_DEPTH: usize = 64;

/// A 1-based line and column where the nesting first goes past [`MAX_DEPTH`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooDeep {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Quote {
    Single,
    Double,
}

#[derive(Default)]
struct Scan {
    flow: usize,
    quote: Option<Quote>,
    /// Indentation of the enclosing block collections.
    indents: Vec<usize>,
    /// Indentation of the line that opened a block scalar (`|`, `>`).
    block_scalar: Option<usize>,
}

/// Checks that `text` nests no deeper than [`MAX_DEPTH`].
pub fn check(text: &str) -> Result<(), TooDeep> {
    let mut scan = Scan::default();
    for (i, line) in text.lines().enumerate() {
        scan.line(i + 1, line)?;
    }
    Ok(())
}

fn is_blank(c: Option<char>) -> bool {
    matches!(c, None | Some(' ' | '\t'))
}

impl Scan {
    fn line(&mut self, line_no: usize, line: &str) -> Result<(), TooDeep> {
        let indent = line.len() - line.trim_start_matches(' ').len();
        let rest = line.trim();
        if let Some(parent) = self.block_scalar {
            if rest.is_empty() || indent > parent {
                return Ok(());
            }
            self.block_scalar = None;
        }
        let mut extra = 0;
        if self.flow == 0 && self.quote.is_none() {
            if rest.is_empty() || rest.starts_with('#') {
                return Ok(());
            }
            while self.indents.last().is_some_and(|&top| top > indent) {
                self.indents.pop();
            }
            if self.indents.last().is_none_or(|&top| top < indent) {
                self.indents.push(indent);
                if self.indents.len() > MAX_DEPTH {
                    return Err(TooDeep {
                        line: line_no,
                        column: indent + 1,
                    });
                }
            }
        }
        let chars: Vec<char> = line.chars().collect();
        let mut start = true;
        let mut quoted_just_closed = false;
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let next = chars.get(i + 1).copied();
            let column = i + 1;
            i += 1;
            if let Some(q) = self.quote {
                match (q, c) {
                    (Quote::Double, '\\') => i += 1,
                    (Quote::Double, '"') => self.quote = None,
                    (Quote::Single, '\'') if next == Some('\'') => i += 1,
                    (Quote::Single, '\'') => self.quote = None,
                    _ => {}
                }
                quoted_just_closed = self.quote.is_none();
                continue;
            }
            if c == ' ' || c == '\t' {
                continue;
            }
            let after_quote = std::mem::take(&mut quoted_just_closed);
            if c == '#' && (i == 1 || is_blank(chars.get(i.wrapping_sub(2)).copied())) {
                break;
            }
            let too_deep = |depth: usize| {
                if depth > MAX_DEPTH {
                    Err(TooDeep {
                        line: line_no,
                        column,
                    })
                } else {
                    Ok(())
                }
            };
            if self.flow > 0 {
                match c {
                    '[' | '{' => {
                        self.flow += 1;
                        too_deep(self.indents.len() + extra + self.flow)?;
                        start = true;
                        continue;
                    }
                    ']' | '}' => {
                        self.flow -= 1;
                        start = false;
                        continue;
                    }
                    ',' => {
                        start = true;
                        continue;
                    }
                    ':' if after_quote
                        || is_blank(next)
                        || matches!(next, Some(',' | ']' | '}')) =>
                    {
                        start = true;
                        continue;
                    }
                    _ => {}
                }
            } else if c == ':' && is_blank(next) {
                start = true;
                continue;
            }
            if !start {
                continue;
            }
            match c {
                '[' | '{' => {
                    self.flow += 1;
                    too_deep(self.indents.len() + extra + self.flow)?;
                }
                '\'' => {
                    self.quote = Some(Quote::Single);
                    start = false;
                }
                '"' => {
                    self.quote = Some(Quote::Double);
                    start = false;
                }
                '-' | '?' if self.flow == 0 && is_blank(next) => {
                    extra += 1;
                    too_deep(self.indents.len() + extra)?;
                }
                '|' | '>' if self.flow == 0 => {
                    self.block_scalar = Some(indent);
                    break;
                }
                '&' | '!' => {
                    while i < chars.len() && !is_blank(chars.get(i).copied()) {
                        i += 1;
                    }
                }
                _ => start = false,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_flow_and_block_levels() {
        assert_eq!(check("a: [[1], {b: [2]}]\n"), Ok(()));
        let deep = format!("a: {}", "[".repeat(MAX_DEPTH + 5));
        assert_eq!(
            check(&deep),
            Err(TooDeep {
                line: 1,
                column: 4 + MAX_DEPTH - 1
            })
        );
        let maps = format!("x: 1\na: {}", "{a: ".repeat(MAX_DEPTH + 5));
        assert!(matches!(check(&maps), Err(TooDeep { line: 2, .. })));
    }

    #[test]
    fn brackets_in_scalars_and_comments_do_not_count() {
        let many = "[".repeat(MAX_DEPTH * 2);
        for text in [
            format!("a: x{many}\n"),
            format!("a: '{many}'\n"),
            format!("a: \"{many}\"\n"),
            format!("a: 1 # {many}\n"),
            format!("a: |\n  {many}\nb: 1\n"),
            format!("a: [\"{many}\", 'x''{many}']\n"),
            format!("pattern: ^[a-z]{{2}}$ {many}\n"),
        ] {
            assert_eq!(check(&text), Ok(()), "{text}");
        }
    }
}
