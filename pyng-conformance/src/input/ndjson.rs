//! NDJSON: one recorded exchange per line (the recording format's exchange
//! objects), optionally preceded by a header line with `format`, `version` and
//! `spec`. Read line by line in constant memory; `entry` is the 0-based line.

use std::borrow::Cow;
use std::io::BufRead;
use std::sync::Arc;

use super::recording::{BodyCheck, Header, Parsed, check_header, parse_exchange};
use super::{Item, problem};
use crate::finding::Finding;
use crate::origin::{self, Origin, offset_in};

/// One line as read. Lines after the first are handed over raw, so that the
/// engine can parse and check them in parallel, with [`parse_line`].
#[derive(Debug)]
pub(crate) enum Line<'a> {
    /// A header, or a problem with reading.
    Item(Item),
    /// A line (without its end), not yet checked.
    Raw { entry: usize, bytes: &'a [u8] },
}

/// What one line stands for: an exchange borrowing from the line, a problem
/// (not UTF-8, not a valid exchange), or nothing (a blank line). With
/// `check`, the body is checked as the line is read (see [`BodyCheck`]).
pub(crate) fn parse_line<'a>(
    file: &Arc<str>,
    entry: usize,
    bytes: &'a [u8],
    check: Option<&dyn BodyCheck>,
) -> Option<Result<Parsed<'a>, Box<Finding>>> {
    let on_line = |mut f: Box<Finding>| {
        f.file_line = Some(entry + 1);
        f
    };
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Some(Err(on_line(problem(
            file,
            Some(entry),
            format!("line {} is not UTF-8", entry + 1),
        ))));
    };
    let text = text.trim();
    (!text.is_empty()).then(|| parse_exchange(file, entry, text, check).map_err(on_line))
}

/// The body of the exchange on line `entry` (number `entry + 1`) and where it
/// and its body are in the file: the line read again, only for findings.
pub(crate) fn locate_line<'a>(
    file: &Arc<str>,
    entry: usize,
    bytes: &'a [u8],
) -> Option<(Cow<'a, [u8]>, Origin<'a>)> {
    let parsed = parse_line(file, entry, bytes, None)?.ok()?;
    let text = std::str::from_utf8(bytes).ok()?.trim();
    let start = offset_in(bytes, text).unwrap_or_default();
    let origin = origin::on_line(bytes, entry + 1, start, parsed.body_span);
    Some((parsed.exchange.body, origin))
}

/// The longest NDJSON line read (64 MiB, four times the largest body `poll`
/// accepts): a stream's memory stays bounded whatever it holds; a longer line
/// is an `input.malformed` finding and the lines after it are still read.
pub(crate) const MAX_LINE: usize = 64 << 20;

/// The lines of an NDJSON input, without checking or parsing those after the
/// first (the header). A line
/// that is whole in the reader's buffer is handed over without a copy (for
/// bytes in memory, every line).
pub(crate) fn read_lines(
    file: &Arc<str>,
    reader: &mut dyn BufRead,
    sink: &mut dyn FnMut(Line<'_>),
) {
    read_lines_up_to(file, reader, MAX_LINE, sink);
}

fn read_lines_up_to(
    file: &Arc<str>,
    reader: &mut dyn BufRead,
    max_line: usize,
    sink: &mut dyn FnMut(Line<'_>),
) {
    // A line that runs over the end of the reader's buffer.
    let mut split = Vec::new();
    // Bytes of a line over `max_line`, skipped up to its end.
    let mut skipping: Option<usize> = None;
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
            if let Some(n) = skipping {
                too_long(file, &mut index, n, max_line, sink);
            } else if !split.is_empty() {
                line(file, &mut index, &split, sink);
            }
            return;
        }
        let newline = memchr::memchr(b'\n', buf);
        if let Some(n) = skipping.as_mut() {
            let upto = newline.map_or(buf.len(), |end| end + 1);
            *n += upto;
            reader.consume(upto);
            if newline.is_some() {
                too_long(file, &mut index, *n, max_line, sink);
                skipping = None;
            }
            continue;
        }
        if split.len() + newline.map_or(buf.len(), |end| end + 1) > max_line {
            // Held no further: the rest of the line is counted, not kept.
            skipping = Some(split.len());
            split = Vec::new();
            continue;
        }
        match newline {
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

fn too_long(
    file: &Arc<str>,
    index: &mut usize,
    bytes: usize,
    max_line: usize,
    sink: &mut dyn FnMut(Line<'_>),
) {
    let entry = *index;
    *index += 1;
    sink(Line::Item(Item::Problem(problem(
        file,
        Some(entry),
        format!(
            "line {} is longer than {max_line} bytes (at least {bytes}), the most the kit reads of one line; it is skipped",
            entry + 1
        ),
    ))));
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
    fn a_line_over_the_limit_is_a_finding_and_the_next_line_is_read() {
        let file: Arc<str> = Arc::from("t.ndjson");
        let text = b"short\nthis line is too long\nok\nlast line too long";
        for capacity in [1, 3, 64] {
            let mut reader = std::io::BufReader::with_capacity(capacity, &text[..]);
            let mut got = Vec::new();
            read_lines_up_to(&file, &mut reader, 10, &mut |l| match l {
                Line::Raw { entry, bytes } => {
                    got.push(format!("{entry}:{}", String::from_utf8_lossy(bytes)))
                }
                Line::Item(Item::Problem(f)) => got.push(format!("{:?}:{}", f.entry, f.message)),
                Line::Item(_) => {}
            });
            assert_eq!(got.len(), 4, "{got:?}");
            assert_eq!(got[0], "0:short\n");
            assert!(
                got[1].starts_with("Some(1):line 2 is longer than 10 bytes (at least 22)"),
                "{capacity}: {got:?}"
            );
            assert_eq!(got[2], "2:ok\n");
            assert!(
                got[3].starts_with("Some(3):line 4 is longer than 10 bytes"),
                "{got:?}"
            );
        }
    }

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
