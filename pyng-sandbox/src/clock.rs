//! The sandbox clock: wall-clock time at start-up plus real elapsed time multiplied
//! by the time scale, so that a 60 s expiry can pass in well under a second in
//! tests. Time is not an amount, so `f64` scaling is fine here; every value handed
//! out is whole milliseconds.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

#[derive(Debug, Clone)]
pub(crate) struct Clock {
    start: Instant,
    start_ms: i64,
    scale: f64,
}

impl Clock {
    /// `scale` must be finite and positive (checked by the config).
    pub(crate) fn new(scale: f64) -> Clock {
        let start_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
            .unwrap_or(0);
        Clock {
            start: Instant::now(),
            start_ms,
            scale,
        }
    }

    /// Sandbox time, Unix milliseconds.
    pub(crate) fn now_ms(&self) -> i64 {
        let elapsed = self.start.elapsed().as_secs_f64() * 1000.0 * self.scale;
        // `as` saturates on overflow and maps NaN to 0: no panic possible.
        self.start_ms.saturating_add(elapsed as i64)
    }

    /// The real duration of `sandbox_seconds` of sandbox time, rounded up to whole
    /// seconds and at least 1 (for `Retry-After`).
    pub(crate) fn real_whole_seconds(&self, sandbox_seconds: u64) -> u64 {
        let real = (sandbox_seconds as f64 / self.scale).ceil();
        if real.is_finite() && real >= 1.0 {
            real as u64
        } else {
            1
        }
    }
}

/// Real duration of a (non-scaled) configured delay; kept here so every duration
/// conversion lives in one place.
pub(crate) fn clamp_delay(d: Duration) -> Duration {
    d.min(Duration::from_secs(3600))
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ` for Unix milliseconds (UTC); out-of-range instants
/// (beyond year 9999) clamp to the Unix epoch rather than fail.
pub fn format_rfc3339_millis(ms: i64) -> String {
    let format = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    );
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(format).ok())
        .unwrap_or_else(|| "1970-01-01T00:00:00.000Z".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_matches_the_seed_timestamp_and_round_trips() {
        assert_eq!(
            format_rfc3339_millis(1_731_821_436_160),
            "2024-11-17T05:30:36.160Z"
        );
        for ms in [0, 951_782_400_000, 1_767_225_600_999, 4_102_444_800_000] {
            let s = format_rfc3339_millis(ms);
            assert_eq!(
                pyng_spec::validate::parse_rfc3339(&s),
                Some(i128::from(ms)),
                "{s}"
            );
        }
    }

    #[test]
    fn scaled_clock_runs_faster() {
        let c = Clock::new(1000.0);
        let a = c.now_ms();
        std::thread::sleep(Duration::from_millis(5));
        assert!(c.now_ms() - a >= 4000);
        assert_eq!(c.real_whole_seconds(5), 1);
        assert_eq!(Clock::new(1.0).real_whole_seconds(30), 30);
    }
}
