//! A finding's line, column and quoted lines in the body it was found in,
//! worked out only for findings.

use crate::checks::signature::Secret;
use crate::finding::Finding;
use crate::position;

/// Line, column and snippet of a finding's pointer in the body it was found in.
/// The snippet quotes the body: when the body holds the secret, it quotes a
/// copy without it (the line and column stay those of the body).
pub(super) fn locate(f: &mut Finding, body: &[u8], secret: Option<&Secret>) {
    let clean = secret.and_then(|s| s.scrub_bytes(body));
    let quoted: &[u8] = clean.as_deref().unwrap_or(body);
    let Some(pointer) = &f.pointer else {
        if let (Some(line), Some(column)) = (f.line, f.column) {
            // A syntax error: quote the body around its position.
            let offset = offset_of(quoted, line, column);
            f.body_offset = Some(offset_of(body, line, column));
            let at = position::Located {
                start: offset,
                end: (offset + 1).min(quoted.len()),
                line,
                column,
            };
            if !quoted.is_empty() {
                f.snippet = Some(position::snippet(quoted, at, 2));
            }
        }
        return;
    };
    if let Some(at) = position::locate(body, pointer) {
        f.line = Some(at.line);
        f.column = Some(at.column);
        f.body_offset = Some(at.start);
        let quoted_at = match &clean {
            Some(c) => position::locate(c, pointer),
            None => Some(at),
        };
        if let Some(q) = quoted_at {
            f.snippet = Some(position::snippet(quoted, q, 2));
        }
    }
}

/// Byte offset of a 1-based line and character column.
fn offset_of(text: &[u8], line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match text[start..].iter().position(|&b| b == b'\n') {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let rest = String::from_utf8_lossy(&text[start..]);
    let within: usize = rest
        .chars()
        .take(column.saturating_sub(1))
        .map(char::len_utf8)
        .sum();
    (start + within).min(text.len())
}
