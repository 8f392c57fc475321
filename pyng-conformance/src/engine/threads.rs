//! Where an engine's checks run.

use std::num::NonZeroUsize;

#[derive(Debug, Default)]
pub(super) enum Threads {
    /// The current rayon pool: the global one (all cores, or
    /// `RAYON_NUM_THREADS`) unless the caller installed another.
    #[default]
    Rayon,
    /// The calling thread only: no thread is started (and no rayon pool is
    /// created), so a one-thread check costs what its work costs.
    Caller,
    /// A pool of the engine's own.
    Pool(rayon::ThreadPool),
}

/// Four threads per core: checks are CPU-bound, so more only add contention
/// (and thousands of threads cost more to start than a run takes).
pub(super) fn max_threads() -> NonZeroUsize {
    let cores = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
    NonZeroUsize::new(cores.saturating_mul(4)).unwrap_or(NonZeroUsize::MIN)
}

impl Threads {
    /// `threads` of them, at most [`max_threads`]: 1 is the calling thread.
    pub(super) fn new(threads: NonZeroUsize) -> Result<Threads, String> {
        let threads = threads.min(max_threads());
        if threads.get() == 1 {
            return Ok(Threads::Caller);
        }
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads.get())
            .build()
            .map(Threads::Pool)
            .map_err(|e| e.to_string())
    }

    /// Runs `work` where the checks run.
    pub(super) fn run<R: Send>(&self, work: impl FnOnce() -> R + Send) -> R {
        match self {
            Threads::Pool(pool) => pool.install(work),
            Threads::Rayon | Threads::Caller => work(),
        }
    }

    /// How many threads checks run on.
    #[cfg(test)]
    pub(super) fn count(&self) -> usize {
        match self {
            Threads::Caller => 1,
            Threads::Pool(pool) => pool.current_num_threads(),
            Threads::Rayon => rayon::current_num_threads(),
        }
    }
}
