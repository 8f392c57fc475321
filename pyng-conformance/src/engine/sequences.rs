//! The open polling sequences of one file, by operation and resource key,
//! and the closing of idle ones, so that a long stream keeps a bounded
//! number open.

use std::collections::hash_map::Entry;
use std::time::Duration;

use crate::checks::sequence::SequenceState;
use crate::matcher::OpRef;

/// Open sequences kept before idle ones are closed.
const MAX_OPEN_SEQUENCES: usize = 4096;
/// Idle sequences are looked for once per this many updates, counted in the
/// order the sequence checks run: the same points whatever the threads.
const EVICTION_EVERY: usize = 512;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) struct SeqKey {
    pub op: OpRef,
    /// The values of the operation's `x-resource-key` parameters.
    pub values: Vec<Option<String>>,
}

pub(super) struct OpenSequence {
    pub state: SequenceState,
    /// How findings and reports name the sequence.
    pub label: String,
    /// Index in the report's `sequence_records`, when recorded.
    pub record: Option<usize>,
}

pub(super) struct Sequences {
    // foldhash: one lookup per exchange, keyed by recorded values; its
    // per-process seed keeps crafted keys from colliding on purpose.
    open: foldhash::HashMap<SeqKey, OpenSequence>,
    /// A sequence unpolled for this long (stream time) is closed once more
    /// than [`MAX_OPEN_SEQUENCES`] are open.
    window_ms: i128,
    /// The latest time any sequence was polled at.
    latest_ms: Option<i128>,
    updates: usize,
}

impl Sequences {
    pub(super) fn new(window: Duration) -> Sequences {
        Sequences {
            open: foldhash::HashMap::default(),
            window_ms: i128::try_from(window.as_millis()).unwrap_or(i128::MAX),
            latest_ms: None,
            updates: 0,
        }
    }

    /// The open sequence of `key`, opened (named by `label`) if there is
    /// none; `true` when it was just opened.
    pub(super) fn open(
        &mut self,
        key: SeqKey,
        label: impl FnOnce(&SeqKey) -> String,
    ) -> (&mut OpenSequence, bool) {
        match self.open.entry(key) {
            Entry::Occupied(open) => (open.into_mut(), false),
            Entry::Vacant(new) => {
                let label = label(new.key());
                let sequence = OpenSequence {
                    state: SequenceState::default(),
                    label,
                    record: None,
                };
                (new.insert(sequence), true)
            }
        }
    }

    /// After a sequence's update: notes when it was polled and, every
    /// [`EVICTION_EVERY`] updates, closes the idle sequences.
    pub(super) fn updated(&mut self, last_time: Option<i128>) {
        if let Some(t) = last_time {
            self.latest_ms = Some(self.latest_ms.map_or(t, |l| l.max(t)));
        }
        self.updates += 1;
        if self.updates.is_multiple_of(EVICTION_EVERY) {
            self.close_idle();
        }
    }

    fn close_idle(&mut self) {
        let Some(now) = self.latest_ms else { return };
        if self.open.len() <= MAX_OPEN_SEQUENCES {
            return;
        }
        let window = self.window_ms;
        self.open.retain(|_, s| {
            s.state
                .last_time
                .is_none_or(|t| now.saturating_sub(t) < window)
        });
    }
}
