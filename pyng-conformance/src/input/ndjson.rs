//! NDJSON: one recorded exchange per line (the recording format's exchange
//! objects), optionally preceded by a header line with `format`, `version` and
//! `spec`. Read line by line in constant memory; `entry` is the 0-based line.

use std::io::BufRead;
use std::sync::Arc;

use super::recording::{Header, check_header, parse_exchange};
use super::{Item, problem};
use crate::exchange::Exchange;
use crate::finding::Finding;

/// One line as read. Lines after the first are handed over raw, so that the
/// engine can check and parse them in parallel, in batches, with
/// [`line_item`].
#[derive(Debug)]
pub enum Line<'a> {
    /// A header, or a problem with reading.
    Item(Item),
    /// A line (without its end), not yet checked.
    Raw { entry: usize, bytes: &'a [u8] },
}

pub fn read(file: &Arc<str>, reader: &mut dyn BufRead, sink: &mut dyn FnMut(Item)) {
    read_lines(file, reader, &mut |line| match line {
        Line::Item(i) => sink(i),
        Line::Raw { entry, bytes } => {
            if let Some(item) = line_item(file, entry, bytes) {
                sink(item);
            }
        }
    });
}

/// What one line stands for: an exchange, a problem (not UTF-8, not a valid
/// exchange), or nothing (a blank line).
pub fn line_item(file: &Arc<str>, entry: usize, bytes: &[u8]) -> Option<Item> {
    parse_line(file, entry, bytes).map(|line| match line {
        Ok(ex) => Item::Exchange(Box::new(ex.into_owned())),
        Err(problem) => Item::Problem(problem),
    })
}

/// [`line_item`] with the exchange borrowing from the line.
pub fn parse_line<'a>(
    file: &Arc<str>,
    entry: usize,
    bytes: &'a [u8],
) -> Option<Result<Exchange<'a>, Box<Finding>>> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Some(Err(problem(
            file,
            Some(entry),
            format!("line {} is not UTF-8", entry + 1),
        )));
    };
    let text = text.trim();
    (!text.is_empty()).then(|| parse_exchange(file, entry, text))
}

/// [`read`] without checking or parsing the lines after the first.
pub fn read_lines(file: &Arc<str>, reader: &mut dyn BufRead, sink: &mut dyn FnMut(Line<'_>)) {
    let mut line = Vec::new();
    let mut index = 0usize;
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) => return,
            Ok(_) => {}
            Err(e) => {
                return sink(Line::Item(Item::Problem(problem(
                    file,
                    Some(index),
                    format!("reading line {} failed: {e}", index + 1),
                ))));
            }
        }
        let entry = index;
        index += 1;
        if entry == 0
            && let Ok(text) = std::str::from_utf8(&line)
            && let Ok(header) = serde_json::from_str::<Header>(text.trim())
        {
            match check_header(&header.format, header.version) {
                Ok(()) => {
                    if let Some(spec) = header.spec {
                        sink(Line::Item(Item::SpecInfo {
                            title: spec.title,
                            version: spec.version,
                        }));
                    }
                }
                Err(message) => sink(Line::Item(Item::Problem(problem(
                    file,
                    Some(entry),
                    message,
                )))),
            }
            continue;
        }
        sink(Line::Raw {
            entry,
            bytes: &line,
        });
    }
}
