//! The specs an engine checks against: the bundled ones, or files read at
//! run time; and what they say about how long a polling sequence stays open.

use std::path::Path;
use std::time::Duration;

use pyng_spec::ir::Spec;

/// The three specs shipped with the kit, embedded at build time.
pub const BUNDLED_SPECS: &[(&str, &str)] = &[
    (
        "specs/pyng/checkout-session-status.yaml",
        include_str!("../../specs/pyng/checkout-session-status.yaml"),
    ),
    (
        "specs/pyng/transaction-status.yaml",
        include_str!("../../specs/pyng/transaction-status.yaml"),
    ),
    (
        "specs/peach/checkout-status.yaml",
        include_str!("../../specs/peach/checkout-status.yaml"),
    ),
];

pub(super) fn load_bundled() -> Result<Vec<Spec>, pyng_spec::Diagnostics> {
    BUNDLED_SPECS
        .iter()
        .map(|(file, text)| pyng_spec::load_str(file, text).map(|l| l.spec))
        .collect()
}

pub(super) fn load_files(paths: &[impl AsRef<Path>]) -> Result<Vec<Spec>, pyng_spec::Diagnostics> {
    paths
        .iter()
        .map(|p| pyng_spec::load_file(p).map(|l| l.spec))
        .collect()
}

/// Added to the window of [`eviction_window`]: real polls run late by
/// seconds to minutes (retries, back-off, a paused client), and a late poll
/// still belongs to its sequence.
const LATE_POLL_TOLERANCE: Duration = Duration::from_secs(10 * 60);

/// How long a polling sequence of a stream may go unpolled and stay open:
/// the longest `afterSeconds` timeout of `specs`, plus the longest polling
/// interval (the tolerance the timeout rule itself allows), plus
/// [`LATE_POLL_TOLERANCE`]. A sequence polled again within it keeps its
/// history, so every timeout can still be seen to pass. (A `deadlineField`
/// timeout is read from each response and needs no history.)
pub(super) fn eviction_window(specs: &[Spec]) -> Duration {
    let longest_timeout = pyng_spec::contract::longest_timeout(specs);
    let longest_interval = specs
        .iter()
        .flat_map(|s| &s.operations)
        .filter_map(|op| op.polling.as_ref())
        .map(|p| p.interval_seconds)
        .max()
        .unwrap_or(0);
    longest_timeout
        .saturating_add(Duration::from_secs(longest_interval))
        .saturating_add(LATE_POLL_TOLERANCE)
}

#[cfg(test)]
mod tests {
    use super::*;
    use pyng_spec::ir::TimeoutLimit;

    #[test]
    fn the_window_is_the_longest_timeout_and_interval_plus_the_tolerance() {
        let specs = load_bundled().expect("bundled specs load");
        let timeouts: Vec<u64> = specs
            .iter()
            .flat_map(Spec::state_machines)
            .flat_map(|(_, m)| &m.timeouts)
            .filter_map(|t| match t.limit {
                TimeoutLimit::AfterSeconds(s) => Some(s),
                TimeoutLimit::DeadlineField(_) => None,
            })
            .collect();
        assert!(timeouts.len() >= 2, "{timeouts:?}");
        let window = eviction_window(&specs);
        let longest = Duration::from_secs(timeouts.into_iter().max().unwrap_or(0));
        assert!(window >= longest + LATE_POLL_TOLERANCE, "{window:?}");
        assert!(window < longest + LATE_POLL_TOLERANCE + Duration::from_secs(3600));
        assert_eq!(eviction_window(&[]), LATE_POLL_TOLERANCE);
    }
}
