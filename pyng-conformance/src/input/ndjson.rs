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

/// [`read`] without checking or parsing the lines after the first. A line
/// that is whole in the reader's buffer is handed over without a copy (for
/// bytes in memory, every line).
pub fn read_lines(file: &Arc<str>, reader: &mut dyn BufRead, sink: &mut dyn FnMut(Line<'_>)) {
    // A line that runs over the end of the reader's buffer.
    let mut split = Vec::new();
    let mut index = 0usize;
    loop {
        let buf = match reader.fill_buf() {
            Ok(buf) => buf,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                return sink(Line::Item(Item::Problem(problem(
                    file,
                    Some(index),
                    format!("reading line {} failed: {e}", index + 1),
                ))));
            }
        };
        if buf.is_empty() {
            if !split.is_empty() {
                line(file, &mut index, &split, sink);
            }
            return;
        }
        match memchr::memchr(b'\n', buf) {
            Some(end) => {
                if split.is_empty() {
                    line(file, &mut index, &buf[..=end], sink);
                } else {
                    split.extend_from_slice(&buf[..=end]);
                    line(file, &mut index, &split, sink);
                    split.clear();
                }
                reader.consume(end + 1);
            }
            None => {
                split.extend_from_slice(buf);
                let n = buf.len();
                reader.consume(n);
            }
        }
    }
}

/// One line (with its end, if any): the header when it is the first line
/// and reads as one, else handed over raw.
fn line(file: &Arc<str>, index: &mut usize, bytes: &[u8], sink: &mut dyn FnMut(Line<'_>)) {
    let entry = *index;
    *index += 1;
    let bytes = if entry == 0 {
        super::strip_bom(bytes)
    } else {
        bytes
    };
    if entry == 0
        && let Ok(text) = std::str::from_utf8(bytes)
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
        return;
    }
    sink(Line::Raw { entry, bytes });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every line once, with its end, whatever the reader's buffer size: the
    /// lines of `text.split_inclusive('\n')`.
    #[test]
    fn lines_are_whole_across_buffer_ends() {
        let file: Arc<str> = Arc::from("t.ndjson");
        let text = b"{\"a\":1}\n\n{\"b\":\"\xff\"}\r\n   \nlast without end";
        let expected: Vec<(usize, Vec<u8>)> = text
            .split_inclusive(|&b| b == b'\n')
            .enumerate()
            .map(|(i, l)| (i, l.to_vec()))
            .collect();
        for capacity in [1, 2, 3, 7, 64] {
            let mut reader = std::io::BufReader::with_capacity(capacity, &text[..]);
            let mut got = Vec::new();
            read_lines(&file, &mut reader, &mut |l| {
                if let Line::Raw { entry, bytes } = l {
                    got.push((entry, bytes.to_vec()));
                }
            });
            assert_eq!(got, expected, "buffer of {capacity}");
        }
        let mut got = Vec::new();
        read_lines(&file, &mut &text[..], &mut |l| {
            if let Line::Raw { entry, bytes } = l {
                got.push((entry, bytes.to_vec()));
            }
        });
        assert_eq!(got, expected);
    }
}
