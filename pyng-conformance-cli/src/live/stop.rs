//! A stop flag that waits can be woken by: Ctrl-C sets it, and every sleep of the
//! poll loop (interval, backoff, `Retry-After`) returns at once instead of
//! finishing its wait.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// `at + d`, or a time too far away to matter when that does not fit in an
/// `Instant` (durations come from servers and specs: `u64::MAX` seconds must
/// not panic).
pub fn later(at: Instant, d: Duration) -> Instant {
    const FAR: Duration = Duration::from_secs(100 * 365 * 24 * 3600);
    at.checked_add(d)
        .or_else(|| at.checked_add(FAR))
        .unwrap_or(at)
}

#[derive(Debug, Clone, Default)]
/// The flag Ctrl-C sets; the poll loop waits on it between polls.
pub struct StopSignal {
    inner: Arc<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    stopped: AtomicBool,
    lock: Mutex<()>,
    wake: Condvar,
}

impl StopSignal {
    /// A flag not yet set.
    pub fn new() -> StopSignal {
        StopSignal::default()
    }

    /// Sets the flag and wakes every waiter.
    pub fn stop(&self) {
        self.inner.stopped.store(true, Ordering::SeqCst);
        // Taking the lock orders the store before a waiter's check-then-wait.
        let _guard = self.inner.lock.lock().unwrap_or_else(|p| p.into_inner());
        self.inner.wake.notify_all();
    }

    /// Whether a stop was asked for.
    pub fn is_stopped(&self) -> bool {
        self.inner.stopped.load(Ordering::SeqCst)
    }

    /// Sleeps for `d` unless stopped first; returns `false` when stopped.
    pub fn sleep(&self, d: Duration) -> bool {
        let until = later(Instant::now(), d);
        let mut guard = self.inner.lock.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            if self.is_stopped() {
                return false;
            }
            let now = Instant::now();
            if now >= until {
                return true;
            }
            guard = match self.inner.wake.wait_timeout(guard, until - now) {
                Ok((g, _)) => g,
                Err(p) => p.into_inner().0,
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sleeps_and_is_woken_by_stop() {
        let s = StopSignal::new();
        assert!(s.sleep(Duration::from_millis(5)));
        let waker = s.clone();
        let t = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(20));
            waker.stop();
        });
        let started = Instant::now();
        assert!(!s.sleep(Duration::from_secs(30)));
        assert!(started.elapsed() < Duration::from_secs(10));
        t.join().unwrap();
        assert!(!s.sleep(Duration::from_secs(30)), "stays stopped");
        assert!(!s.sleep(Duration::MAX), "a huge sleep does not overflow");
    }

    #[test]
    fn later_never_overflows() {
        let now = Instant::now();
        assert!(later(now, Duration::MAX) > now);
        assert_eq!(
            later(now, Duration::from_secs(1)),
            now + Duration::from_secs(1)
        );
    }
}
