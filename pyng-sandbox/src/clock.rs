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

/// `YYYY-MM-DDTHH:MM:SS.mmmZ` for Unix milliseconds (proleptic Gregorian, UTC).
pub fn format_rfc3339_millis(ms: i64) -> String {
    let days = ms.div_euclid(86_400_000);
    let in_day = ms.rem_euclid(86_400_000);
    let (y, m, d) = civil_from_days(days);
    let (h, rest) = (in_day / 3_600_000, in_day % 3_600_000);
    let (min, rest) = (rest / 60_000, rest % 60_000);
    let (s, milli) = (rest / 1000, rest % 1000);
    format!("{y:04}-{m:02}-{d:02}T{h:02}:{min:02}:{s:02}.{milli:03}Z")
}

/// Howard Hinnant's days -> civil date algorithm.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
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
