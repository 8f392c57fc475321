//! GitHub Actions workflow commands: one `::error` or `::warning` line per
//! finding, annotating the input file (line and column only where the position
//! in the file is known, see [`super::input_position`]), then a summary line.
//! Property values and messages are escaped as GitHub's toolkit does, so a
//! message from the wire can neither end the command nor start another.

use std::fmt::Write;

use super::{RunInfo, input_position};
use crate::engine::Report;
use crate::finding::Finding;

/// A command's message: `%`, CR and LF escaped.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A command's property value: as [`escape_data`], and `:` and `,` too.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// The report as GitHub Actions workflow commands, one annotation per finding.
pub fn render(report: &Report, info: &RunInfo) -> String {
    let mut out = String::new();
    for f in &report.findings {
        out.push_str(&command(f, info));
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "pyng-conformance: {} errors, {} warnings; {} files, {} exchanges checked, {} unmatched",
        report.errors(),
        report.warnings(),
        report.files,
        report.checked(),
        report.unmatched,
    );
    out
}

fn command(f: &Finding, info: &RunInfo) -> String {
    let kind = if f.is_error() { "error" } else { "warning" };
    let mut props = format!("file={}", escape_property(&f.file));
    if let Some((line, column)) = input_position(f, info) {
        let _ = write!(props, ",line={line}");
        if let Some(c) = column {
            let _ = write!(props, ",col={c}");
        }
    }
    let _ = write!(props, ",title={}", escape_property(&f.rule));
    let mut message = f.message.clone();
    if let Some(e) = f.entry {
        let _ = write!(message, " (entry {e}");
        if let Some(p) = &f.pointer {
            let _ = write!(message, ", {p}");
        }
        message.push(')');
    } else if let Some(p) = &f.pointer {
        let _ = write!(message, " ({p})");
    }
    format!("::{kind} {props}::{}", escape_data(&message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(escape_data("a%b\r\nc::d,e"), "a%25b%0D%0Ac::d,e");
        assert_eq!(escape_property("a%b\r\nc::d,e"), "a%25b%0D%0Ac%3A%3Ad%2Ce");
    }
}
