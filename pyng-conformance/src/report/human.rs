//! The terminal report: each finding with the body lines around the offending
//! value, the rule, the spec fact it comes from, then a summary.

use std::fmt::Write;

use crate::engine::Report;
use crate::finding::{Finding, Severity};

struct Style {
    error: &'static str,
    warning: &'static str,
    accent: &'static str,
    bold: &'static str,
    reset: &'static str,
}

const COLOUR: Style = Style {
    error: "\x1b[1;31m",
    warning: "\x1b[1;33m",
    accent: "\x1b[1;34m",
    bold: "\x1b[1m",
    reset: "\x1b[0m",
};
const PLAIN: Style = Style {
    error: "",
    warning: "",
    accent: "",
    bold: "",
    reset: "",
};

pub fn render(report: &Report, colour: bool) -> String {
    let s = if colour { &COLOUR } else { &PLAIN };
    let mut out = String::new();
    for f in &report.findings {
        finding(&mut out, f, s);
    }
    summary(&mut out, report, s);
    out
}

fn finding(out: &mut String, f: &Finding, s: &Style) {
    let sev = match f.severity {
        Severity::Error => s.error,
        Severity::Warning => s.warning,
    };
    let _ = writeln!(
        out,
        "{sev}{}[{}]{}{}: {}{}",
        f.severity, f.rule, s.reset, s.bold, f.message, s.reset
    );
    let mut at = f.file.clone();
    if let Some(e) = f.entry {
        let _ = write!(at, " entry {e}");
    }
    if let (Some(l), Some(c)) = (f.line, f.column) {
        let what = if f.rule.starts_with("input.") {
            ""
        } else {
            " body"
        };
        let _ = write!(at, "{what} {l}:{c}");
    }
    if let Some(p) = &f.pointer {
        let _ = write!(at, " at {}", if p.is_empty() { "/" } else { p });
    }
    let _ = writeln!(out, "  {}-->{} {at}", s.accent, s.reset);
    if let Some(sn) = &f.snippet {
        let width = (sn.first_line + sn.lines.len()).to_string().len();
        let _ = writeln!(out, "{} {:width$} |{}", s.accent, "", s.reset);
        for (i, line) in sn.lines.iter().enumerate() {
            let _ = writeln!(
                out,
                "{} {:>width$} |{} {line}",
                s.accent,
                sn.first_line + i,
                s.reset
            );
            if i == sn.mark_line {
                let _ = writeln!(
                    out,
                    "{} {:width$} |{} {}{sev}{}{}",
                    s.accent,
                    "",
                    s.reset,
                    " ".repeat(sn.mark_column.saturating_sub(1)),
                    "^".repeat(sn.mark_len.max(1)),
                    s.reset
                );
            }
        }
    }
    if let Some(seq) = &f.sequence {
        let _ = writeln!(out, "   {}={} sequence: {seq}", s.accent, s.reset);
    }
    if let Some(src) = &f.source {
        let _ = writeln!(out, "   {}={} spec: {src}", s.accent, s.reset);
    }
    out.push('\n');
}

fn summary(out: &mut String, r: &Report, s: &Style) {
    let (errors, warnings) = (r.errors(), r.warnings());
    let verdict = if errors > 0 {
        format!("{}FAILED{}", s.error, s.reset)
    } else {
        format!("{}ok{}", s.bold, s.reset)
    };
    let _ = writeln!(
        out,
        "{verdict}: {} file{}, {} exchange{} in {} sequence{}: {errors} error{}, {warnings} warning{}",
        r.files,
        plural(r.files),
        r.exchanges,
        plural(r.exchanges),
        r.sequences,
        plural(r.sequences),
        plural(errors),
        plural(warnings)
    );
    for (rule, n) in super::by_rule(r) {
        let _ = writeln!(out, "  {n:>5} {rule}");
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
