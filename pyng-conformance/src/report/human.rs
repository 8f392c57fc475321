//! The terminal report: each finding with the body lines around the offending
//! value, the rule, the spec fact it comes from, then a summary. Findings that
//! differ only in their entry are shown once; text from the input has its
//! control characters escaped.

use std::fmt::Write;

use super::terminal::{escape_controls, escaped_width};
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

/// The report for a terminal or a log; `colour` adds ANSI colours.
pub fn render(report: &Report, colour: bool) -> String {
    let s = if colour { &COLOUR } else { &PLAIN };
    let mut out = String::new();
    for group in groups(&report.findings) {
        finding(&mut out, group.first, s);
        if group.more_entries.len() > 1 {
            let _ = writeln!(
                out,
                "   {}={} same finding in entries {}",
                s.accent,
                s.reset,
                ranges(&group.more_entries)
            );
        }
        out.push('\n');
    }
    summary(&mut out, report, s);
    out
}

/// Findings that differ only in their entry, shown once with the list of
/// entries: one fault repeated on every poll is one block, not one per poll.
struct Group<'a> {
    first: &'a Finding,
    /// Every entry of the group, the first finding's included.
    more_entries: Vec<usize>,
}

type GroupKey<'a> = (
    &'a str,
    Severity,
    &'a str,
    &'a str,
    Option<&'a str>,
    Option<&'a str>,
);

fn group_key(f: &Finding) -> GroupKey<'_> {
    (
        &f.rule,
        f.severity,
        &f.message,
        &f.file,
        f.pointer.as_deref(),
        f.sequence.as_deref(),
    )
}

fn groups(findings: &[Finding]) -> Vec<Group<'_>> {
    let mut index: std::collections::HashMap<GroupKey<'_>, usize> =
        std::collections::HashMap::new();
    let mut out: Vec<Group<'_>> = Vec::new();
    for f in findings {
        let Some(entry) = f.entry else {
            out.push(Group {
                first: f,
                more_entries: Vec::new(),
            });
            continue;
        };
        match index.get(&group_key(f)) {
            Some(&i) => out[i].more_entries.push(entry),
            None => {
                index.insert(group_key(f), out.len());
                out.push(Group {
                    first: f,
                    more_entries: vec![entry],
                });
            }
        }
    }
    out
}

/// `1-4, 7, 9-10` for a list of entries in report order.
fn ranges(entries: &[usize]) -> String {
    let mut sorted = entries.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut parts = Vec::new();
    let mut i = 0;
    while i < sorted.len() {
        let start = sorted[i];
        let mut end = start;
        while i + 1 < sorted.len() && sorted[i + 1] == end + 1 {
            i += 1;
            end = sorted[i];
        }
        parts.push(if start == end {
            start.to_string()
        } else {
            format!("{start}-{end}")
        });
        i += 1;
    }
    parts.join(", ")
}

fn finding(out: &mut String, f: &Finding, s: &Style) {
    let sev = match f.severity {
        Severity::Error => s.error,
        Severity::Warning => s.warning,
    };
    let _ = writeln!(
        out,
        "{sev}{}[{}]{}{}: {}{}",
        f.severity,
        escape_controls(&f.rule),
        s.reset,
        s.bold,
        escape_controls(&f.message),
        s.reset
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
    let _ = writeln!(out, "  {}-->{} {}", s.accent, s.reset, escape_controls(&at));
    if let Some(sn) = &f.snippet {
        let width = (sn.first_line + sn.lines.len()).to_string().len();
        let _ = writeln!(out, "{} {:width$} |{}", s.accent, "", s.reset);
        for (i, line) in sn.lines.iter().enumerate() {
            let _ = writeln!(
                out,
                "{} {:>width$} |{} {}",
                s.accent,
                sn.first_line + i,
                s.reset,
                escape_controls(line)
            );
            if i == sn.mark_line {
                // The caret moves with the escapes written before the value.
                let before: String = line
                    .chars()
                    .take(sn.mark_column.saturating_sub(1))
                    .collect();
                let _ = writeln!(
                    out,
                    "{} {:width$} |{} {}{sev}{}{}",
                    s.accent,
                    "",
                    s.reset,
                    " ".repeat(escaped_width(&before)),
                    "^".repeat(sn.mark_len.max(1)),
                    s.reset
                );
            }
        }
    }
    if let Some(seq) = &f.sequence {
        let _ = writeln!(
            out,
            "   {}={} sequence: {}",
            s.accent,
            s.reset,
            escape_controls(seq)
        );
    }
    if let Some(src) = &f.source {
        let _ = writeln!(
            out,
            "   {}={} spec: {}",
            s.accent,
            s.reset,
            escape_controls(src)
        );
    }
}

fn summary(out: &mut String, r: &Report, s: &Style) {
    let (errors, warnings) = (r.errors(), r.warnings());
    let verdict = if errors > 0 {
        format!("{}FAILED{}", s.error, s.reset)
    } else {
        format!("{}ok{}", s.bold, s.reset)
    };
    let mut not_checked = Vec::new();
    if r.unmatched > 0 {
        not_checked.push(format!("{} matching no operation", r.unmatched));
    }
    if r.ignored > 0 {
        not_checked.push(format!("{} ignored", r.ignored));
    }
    let not_checked = if not_checked.is_empty() {
        String::new()
    } else {
        format!(" ({} checked, {})", r.checked(), not_checked.join(", "))
    };
    let _ = writeln!(
        out,
        "{verdict}: {} file{}, {} exchange{}{not_checked} in {} sequence{}: {errors} error{}, {warnings} warning{}",
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
    coverage(out, r, s);
}

/// What was checked of what the specs document, then what could not be.
fn coverage(out: &mut String, r: &Report, s: &Style) {
    let c = &r.coverage;
    if !c.operations.is_empty() {
        let _ = writeln!(
            out,
            "{}coverage{}: {} of {} operations exercised",
            s.bold,
            s.reset,
            c.checked_operations(),
            c.operations.len()
        );
    }
    for (id, o) in &c.operations {
        if o.exchanges == 0 {
            let _ = writeln!(out, "  {id}: not exercised");
            continue;
        }
        let seen: Vec<String> = o
            .statuses_seen
            .iter()
            .map(|(status, n)| format!("{status} ×{n}"))
            .collect();
        let mut line = format!(
            "  {id}: {} exchange{} in {} sequence{}; status {} (documented: {})",
            o.exchanges,
            plural(o.exchanges),
            o.sequences,
            plural(o.sequences),
            seen.join(", "),
            o.statuses_documented.join(", ")
        );
        if let Some(m) = &o.state_machine {
            const SHOWN: usize = 8;
            let mut states: Vec<&str> = m
                .states_seen
                .iter()
                .map(String::as_str)
                .take(SHOWN)
                .collect();
            if m.states_seen.len() > SHOWN {
                states.push("…");
            }
            let states = if states.is_empty() {
                String::new()
            } else {
                format!(" ({})", states.join(", "))
            };
            let _ = write!(
                line,
                "; `{}`: {} of {} states seen{states}, {} of {} transitions",
                m.field,
                m.states_seen.len(),
                m.states_documented,
                m.transitions_seen.len(),
                m.transitions_documented
            );
            if !m.other_changes_seen.is_empty() {
                let _ = write!(
                    line,
                    " (and {} undocumented change{})",
                    m.other_changes_seen.len(),
                    plural(m.other_changes_seen.len())
                );
            }
        }
        let _ = writeln!(out, "{}", escape_controls(&line));
    }
    if !c.not_evaluated.is_empty() {
        let _ = writeln!(out, "{}not evaluated{}:", s.warning, s.reset);
        for (rule, n) in &c.not_evaluated {
            let _ = writeln!(
                out,
                "  {rule}: skipped for {} exchange{}: {}",
                n.exchanges,
                plural(n.exchanges),
                n.reason
            );
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
