//! The human form of diagnostics, in the style of the conformance report: the
//! rule and message, the file position, the spec's lines around the cause with
//! a caret under the offending token, then help and the problems it causes.

use std::fmt::Write;

use super::{Diagnostic, Severity};

/// Colours on or off; [`Style::for_terminal`] decides the usual way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// No escape codes: logs, files, tests.
    Plain,
    /// ANSI colours: a terminal.
    Colour,
}

impl Style {
    /// The usual choice for output to a terminal (`is_terminal`) or not, read
    /// from the environment: see [`colour_wanted`].
    pub fn for_terminal(is_terminal: bool) -> Style {
        if colour_wanted(is_terminal, |name| std::env::var_os(name)) {
            Style::Colour
        } else {
            Style::Plain
        }
    }
}

/// Whether `--color auto` colours, the one rule every binary of the kit
/// follows: `NO_COLOR` (non-empty) disables; `CLICOLOR_FORCE` or `FORCE_COLOR`
/// (non-empty, not `0`) forces; `CLICOLOR=0` disables; else colour on a
/// terminal only. `var` reads an environment variable.
pub fn colour_wanted(terminal: bool, var: impl Fn(&str) -> Option<std::ffi::OsString>) -> bool {
    let set = |name: &str| var(name).filter(|v| !v.is_empty());
    if set("NO_COLOR").is_some() {
        return false;
    }
    if ["CLICOLOR_FORCE", "FORCE_COLOR"]
        .iter()
        .any(|n| set(n).is_some_and(|v| v != "0"))
    {
        return true;
    }
    if set("CLICOLOR").is_some_and(|v| v == "0") {
        return false;
    }
    terminal
}

struct Codes {
    error: &'static str,
    warning: &'static str,
    accent: &'static str,
    bold: &'static str,
    reset: &'static str,
}

const COLOUR: Codes = Codes {
    error: "\x1b[1;31m",
    warning: "\x1b[1;33m",
    accent: "\x1b[1;34m",
    bold: "\x1b[1m",
    reset: "\x1b[0m",
};
const PLAIN: Codes = Codes {
    error: "",
    warning: "",
    accent: "",
    bold: "",
    reset: "",
};

pub(super) fn render(
    diagnostics: &[Diagnostic],
    source_of: &dyn Fn(&str) -> Option<String>,
    style: Style,
) -> String {
    let codes = match style {
        Style::Plain => &PLAIN,
        Style::Colour => &COLOUR,
    };
    // Each file is read once, however many diagnostics it has.
    let mut sources: Vec<(&str, String)> = Vec::new();
    let mut out = String::new();
    for d in diagnostics {
        let index = match sources.iter().position(|(f, _)| *f == d.file) {
            Some(i) => i,
            None => {
                sources.push((&d.file, source_of(&d.file).unwrap_or_default()));
                sources.len() - 1
            }
        };
        let lines: Vec<&str> = sources[index].1.lines().collect();
        diagnostic(&mut out, d, &lines, codes);
        out.push('\n');
    }
    out
}

fn diagnostic(out: &mut String, d: &Diagnostic, lines: &[&str], s: &Codes) {
    let sev = match d.severity {
        Severity::Error => s.error,
        Severity::Warning => s.warning,
    };
    let _ = writeln!(
        out,
        "{sev}{}[{}]{}{}: {}{}",
        d.severity,
        d.rule,
        s.reset,
        s.bold,
        escape(&d.message),
        s.reset
    );
    let _ = writeln!(
        out,
        "  {}-->{} {}:{}:{}",
        s.accent, s.reset, d.file, d.line, d.column
    );
    // One line of context each side, as far as the file has them.
    let first = d.line.saturating_sub(1).max(1);
    let last = (d.line + 1).min(lines.len());
    let width = last.max(d.line).to_string().len();
    let gutter = |out: &mut String| {
        let _ = writeln!(out, "{} {:width$} |{}", s.accent, "", s.reset);
    };
    if d.line <= lines.len() {
        gutter(out);
        for n in first..=last {
            let text = lines.get(n - 1).copied().unwrap_or("");
            let _ = writeln!(
                out,
                "{} {n:>width$} |{} {}",
                s.accent,
                s.reset,
                escape(text)
            );
            if n == d.line {
                let before: String = text.chars().take(d.column.saturating_sub(1)).collect();
                let _ = writeln!(
                    out,
                    "{} {:width$} |{} {}{sev}{}{}",
                    s.accent,
                    "",
                    s.reset,
                    " ".repeat(escape(&before).chars().count()),
                    "^".repeat(token_len(text, d.column)),
                    s.reset
                );
            }
        }
    }
    let note = |out: &mut String, label: &str, text: &str| {
        let _ = writeln!(
            out,
            " {:width$} {}={} {label}: {}",
            "",
            s.accent,
            s.reset,
            escape(text)
        );
    };
    if let Some(help) = &d.help {
        note(out, "help", help);
    }
    if !d.consequences.is_empty() {
        let n = d.consequences.len();
        note(
            out,
            "note",
            &format!("this causes {n} more {}:", plural(n, "problem")),
        );
        for c in &d.consequences {
            // A consequence in another file (an imported component) names it.
            let file = if c.file == d.file {
                String::new()
            } else {
                format!("{}:", c.file)
            };
            let _ = writeln!(
                out,
                " {:width$}   {file}{}:{}: {}[{}]: {}",
                "",
                c.line,
                c.column,
                c.severity,
                c.rule,
                escape(&c.message)
            );
        }
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        word.to_owned()
    } else {
        format!("{word}s")
    }
}

/// The characters the caret covers: a quoted scalar to its closing quote, a
/// plain one (or a token of an invariant) to the next space, flow indicator,
/// `: ` or the end of the line; at least one.
fn token_len(line: &str, column: usize) -> usize {
    let rest: Vec<char> = line.chars().skip(column.saturating_sub(1)).collect();
    let len = match rest.first() {
        Some(&q @ ('"' | '\'')) => rest[1..]
            .iter()
            .position(|&c| c == q)
            .map_or(rest.len(), |end| end + 2),
        Some(_) => {
            let mut end = rest.len();
            for (i, c) in rest.iter().enumerate() {
                let colon = *c == ':' && rest.get(i + 1).is_none_or(|n| n.is_whitespace());
                if c.is_whitespace() || matches!(c, ',' | '[' | ']' | '{' | '}' | '#') || colon {
                    end = i;
                    break;
                }
            }
            rest[..end]
                .iter()
                .collect::<String>()
                .trim_end()
                .chars()
                .count()
        }
        None => 0,
    };
    len.max(1)
}

/// Control characters of the spec's text, written so a terminal shows them
/// instead of obeying them.
fn escape(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            if c.is_control() && c != '\t' {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_follows_the_terminal_and_the_environment() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| std::ffi::OsString::from(v))
            }
        };
        assert!(colour_wanted(true, env(&[])));
        assert!(!colour_wanted(false, env(&[])));
        assert!(!colour_wanted(true, env(&[("NO_COLOR", "1")])));
        assert!(
            colour_wanted(true, env(&[("NO_COLOR", "")])),
            "empty is unset"
        );
        assert!(colour_wanted(false, env(&[("CLICOLOR_FORCE", "1")])));
        assert!(colour_wanted(false, env(&[("FORCE_COLOR", "true")])));
        assert!(!colour_wanted(false, env(&[("FORCE_COLOR", "0")])));
        assert!(!colour_wanted(true, env(&[("CLICOLOR", "0")])));
        assert!(!colour_wanted(
            false,
            env(&[("NO_COLOR", "1"), ("CLICOLOR_FORCE", "1")])
        ));
    }

    #[test]
    fn the_caret_covers_the_token() {
        assert_eq!(token_len("      x-state-machin:", 7), 14);
        assert_eq!(token_len("  final: [Completed, Expird, Failed]", 22), 6);
        assert_eq!(token_len("  $ref: \"#/a/b c\"", 9), 9);
        assert_eq!(token_len("  expr: a => b", 11), 2);
        assert_eq!(token_len("", 1), 1);
        assert_eq!(token_len("short", 40), 1);
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(escape("a\u{1b}[31mb"), "a\\u{1b}[31mb");
    }
}
