//! When a request exceeds an operation's `x-rate-limit`: it is the
//! `requests + 1`-th request, of those counted together (equal values of the
//! limit's `key` parameters), sent less than `perSeconds` after the first of
//! them. A request sent exactly `perSeconds` after the oldest one it is
//! counted with opens a new window, as a provider's "two per minute" reads.
//! The checker reads [`Window::count`]; a provider, the sandbox or a client
//! pacing itself would ask the same question here.

use std::collections::VecDeque;

use crate::ir::RateLimit;

/// The largest `requests` a limit may give: a window remembers that many
/// request times, per key value.
pub const MAX_REQUESTS: u32 = 10_000;

/// The requests counted together under one limit: the times of the last
/// `requests` of them, oldest first.
#[derive(Debug, Clone, Default)]
pub struct Window {
    times: VecDeque<i128>,
}

/// A request over the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exceeded {
    /// How many requests were counted in the window, this one included.
    pub in_window: usize,
    /// How long the window had run at this request, in ms.
    pub elapsed_ms: i128,
}

impl Window {
    /// Counts a request sent at `now_ms` (Unix ms, in time order); `Some`
    /// when it is over `limit`. Every request sent counts, the ones over the
    /// limit too: the provider sees them all.
    pub fn count(&mut self, limit: &RateLimit, now_ms: i128) -> Option<Exceeded> {
        let keep = usize::try_from(limit.requests.clamp(1, MAX_REQUESTS)).unwrap_or(1);
        let window_ms = i128::from(limit.per_seconds).saturating_mul(1000);
        let over = (self.times.len() >= keep)
            .then(|| self.times.front().copied())
            .flatten()
            .filter(|oldest| now_ms - oldest < window_ms)
            .map(|oldest| Exceeded {
                in_window: self
                    .times
                    .iter()
                    .filter(|t| now_ms - **t < window_ms)
                    .count()
                    + 1,
                elapsed_ms: now_ms - oldest,
            });
        self.times.push_back(now_ms);
        while self.times.len() > keep {
            self.times.pop_front();
        }
        over
    }

    /// The time of the last request counted.
    pub fn last(&self) -> Option<i128> {
        self.times.back().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limit(requests: u32, per_seconds: u64) -> RateLimit {
        RateLimit {
            requests,
            per_seconds,
            key: Vec::new(),
            description: None,
            source: None,
        }
    }

    fn over(limit: &RateLimit, seconds: &[i128]) -> Vec<usize> {
        let mut w = Window::default();
        seconds
            .iter()
            .enumerate()
            .filter_map(|(i, s)| w.count(limit, s * 1000).map(|_| i))
            .collect()
    }

    #[test]
    fn two_per_minute() {
        let l = limit(2, 60);
        assert_eq!(over(&l, &[0, 30, 60, 90, 120]), Vec::<usize>::new());
        assert_eq!(over(&l, &[0, 24, 48, 72]), vec![2, 3]);
        assert_eq!(over(&l, &[0, 1, 2]), vec![2]);
        // Exactly a minute after the oldest: a new window.
        assert_eq!(over(&l, &[0, 59, 60]), Vec::<usize>::new());
        let mut w = Window::default();
        w.count(&l, 0);
        w.count(&l, 10_000);
        assert_eq!(
            w.count(&l, 20_000),
            Some(Exceeded {
                in_window: 3,
                elapsed_ms: 20_000
            })
        );
        assert_eq!(w.last(), Some(20_000));
    }

    #[test]
    fn a_window_is_bounded_and_zero_is_one() {
        let l = limit(u32::MAX, 1);
        let mut w = Window::default();
        for t in 0..(MAX_REQUESTS as i128 + 5) {
            w.count(&l, t);
        }
        assert_eq!(w.times.len(), MAX_REQUESTS as usize);
        assert_eq!(over(&limit(0, 60), &[0, 1]), vec![1]);
    }
}
