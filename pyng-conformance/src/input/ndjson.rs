//! NDJSON: one recorded exchange per line (the recording format's exchange
//! objects), optionally preceded by a header line with `format`, `version` and
//! `spec`. Read line by line in constant memory; `entry` is the 0-based line.

use std::io::BufRead;
use std::sync::Arc;

use super::recording::{Header, check_header, exchange_item};
use super::{Item, problem};

/// One line as read, before its exchange is parsed (the engine parses lines in
/// parallel, in batches, with [`exchange_item`]).
#[derive(Debug)]
pub enum Line<'a> {
    /// A header, or a problem with the line itself.
    Item(Item),
    /// An exchange object's text (UTF-8, trimmed, not empty).
    Exchange { entry: usize, text: &'a str },
}

pub fn read(file: &Arc<str>, reader: &mut dyn BufRead, sink: &mut dyn FnMut(Item)) {
    read_lines(file, reader, &mut |line| match line {
        Line::Item(i) => sink(i),
        Line::Exchange { entry, text } => sink(exchange_item(file, entry, text)),
    });
}

/// [`read`] without parsing the exchanges.
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
        let Ok(text) = std::str::from_utf8(&line) else {
            sink(Line::Item(Item::Problem(problem(
                file,
                Some(entry),
                format!("line {} is not UTF-8", entry + 1),
            ))));
            continue;
        };
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        if entry == 0
            && let Ok(header) = serde_json::from_str::<Header>(text)
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
        sink(Line::Exchange { entry, text });
    }
}
