//! NDJSON: one recorded exchange per line (the recording format's exchange
//! objects), optionally preceded by a header line with `format`, `version` and
//! `spec`. Read line by line in constant memory; `entry` is the 0-based line.

use std::io::BufRead;
use std::sync::Arc;

use super::recording::{Header, check_header, exchange_item};
use super::{Item, problem};

pub fn read(file: &Arc<str>, reader: &mut dyn BufRead, sink: &mut dyn FnMut(Item)) {
    let mut line = Vec::new();
    let mut index = 0usize;
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) => return,
            Ok(_) => {}
            Err(e) => {
                return sink(Item::Problem(problem(
                    file,
                    Some(index),
                    format!("reading line {} failed: {e}", index + 1),
                )));
            }
        }
        let entry = index;
        index += 1;
        let Ok(text) = std::str::from_utf8(&line) else {
            sink(Item::Problem(problem(
                file,
                Some(entry),
                format!("line {} is not UTF-8", entry + 1),
            )));
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
                        sink(Item::SpecInfo {
                            title: spec.title,
                            version: spec.version,
                        });
                    }
                }
                Err(message) => sink(Item::Problem(problem(file, Some(entry), message))),
            }
            continue;
        }
        sink(exchange_item(file, entry, text));
    }
}
