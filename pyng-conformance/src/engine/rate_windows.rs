//! The `x-rate-limit` windows of one file, by operation and the values of the
//! limit's `key` parameters (one per merchant, say, across all its
//! resources), and the dropping of the ones whose window has passed, so that
//! a long stream keeps a bounded number.

use pyng_spec::contract::rate_limit::{Exceeded, Window};
use pyng_spec::ir::RateLimit;

use crate::matcher::OpRef;

/// Windows kept before the passed ones are dropped.
const MAX_WINDOWS: usize = 4096;
/// Passed windows are looked for once per this many requests.
const DROP_EVERY: usize = 512;

/// An operation and the values of its limit's `key` parameters.
type LimitKey = (OpRef, Vec<Option<String>>);

#[derive(Default)]
pub(super) struct RateWindows {
    // foldhash: keyed by recorded values, seeded per process (as sequences).
    /// Each with its limit's window, in ms.
    windows: foldhash::HashMap<LimitKey, (Window, i128)>,
    /// The latest request time counted.
    latest_ms: Option<i128>,
    counted: usize,
}

impl RateWindows {
    /// Counts a request to `op` at `now_ms` with the key values `key`;
    /// `Some` when it is over `limit`.
    pub(super) fn count(
        &mut self,
        op: OpRef,
        key: Vec<Option<String>>,
        limit: &RateLimit,
        now_ms: i128,
    ) -> Option<Exceeded> {
        let window_ms = i128::from(limit.per_seconds).saturating_mul(1000);
        let (window, _) = self
            .windows
            .entry((op, key))
            .or_insert_with(|| (Window::default(), window_ms));
        let over = window.count(limit, now_ms);
        self.latest_ms = Some(self.latest_ms.map_or(now_ms, |l| l.max(now_ms)));
        self.counted += 1;
        if self.counted.is_multiple_of(DROP_EVERY) && self.windows.len() > MAX_WINDOWS {
            self.drop_passed();
        }
        over
    }

    /// Drops the windows whose last request is a whole window before the
    /// latest request: no later request is counted with it.
    fn drop_passed(&mut self) {
        let Some(now) = self.latest_ms else { return };
        self.windows.retain(|_, (w, window_ms)| {
            w.last().is_none_or(|t| now.saturating_sub(t) < *window_ms)
        });
    }
}
