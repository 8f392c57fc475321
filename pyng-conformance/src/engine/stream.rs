//! Exchanges and NDJSON lines gathered into batches whose own checks run
//! together, in parallel: a stream is checked in constant memory.

use std::ops::Range;
use std::sync::Arc;

use rayon::prelude::*;

use super::Engine;
use super::prepare::Prepared;
use crate::exchange::Exchange;
use crate::finding::Finding;

/// Items per batch.
const BATCH: usize = 512;

/// What the checks of one item give: nothing for a blank line, a problem for
/// a line that is not a recorded exchange, else a prepared exchange.
pub(super) type Checked<'a> = Option<Result<Prepared<'a>, Box<Finding>>>;

/// Items waiting for their checks, each with its position in the input.
#[derive(Default)]
pub(super) struct Batch {
    items: Vec<(usize, Pending)>,
    /// The bytes of the batch's lines.
    lines: Vec<u8>,
}

enum Pending {
    Exchange(Box<Exchange<'static>>),
    /// A line at `range` of [`Batch::lines`], read when checked.
    Line {
        entry: usize,
        range: Range<usize>,
    },
}

impl Batch {
    pub(super) fn push_exchange(&mut self, position: usize, ex: Box<Exchange<'static>>) {
        self.items.push((position, Pending::Exchange(ex)));
    }

    pub(super) fn push_line(&mut self, position: usize, entry: usize, line: &[u8]) {
        let start = self.lines.len();
        self.lines.extend_from_slice(line);
        let range = start..self.lines.len();
        self.items.push((position, Pending::Line { entry, range }));
    }

    pub(super) fn is_full(&self) -> bool {
        self.items.len() >= BATCH
    }

    /// The checks of every item, in parallel unless `on_caller`; in input
    /// order.
    pub(super) fn check(
        self,
        engine: &Engine,
        file: &Arc<str>,
        on_caller: bool,
    ) -> Vec<(usize, Checked<'static>)> {
        let Batch { items, lines } = self;
        let check = |(position, pending): (usize, Pending)| {
            let checked = match pending {
                Pending::Exchange(ex) => Some(Ok(engine.prepare(*ex))),
                Pending::Line { entry, range } => engine
                    .check_line(file, entry, &lines[range])
                    .map(|read| read.map(Prepared::into_owned)),
            };
            (position, checked)
        };
        if on_caller || items.len() < 2 {
            items.into_iter().map(check).collect()
        } else {
            items.into_par_iter().map(check).collect()
        }
    }
}
