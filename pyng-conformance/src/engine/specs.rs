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

/// The shared-components files the bundled specs refer to (`$ref:
/// "common.yaml#/components/..."`), embedded beside them.
pub const BUNDLED_SHARED: &[(&str, &str)] = &[(
    "specs/pyng/common.yaml",
    include_str!("../../specs/pyng/common.yaml"),
)];

pub(super) fn load_bundled() -> Result<Vec<Spec>, pyng_spec::Diagnostics> {
    // A bundled spec reads what it refers to from the embedded copies only,
    // never from wherever the binary happens to run.
    let read = |name: &str| {
        BUNDLED_SHARED
            .iter()
            .find(|(file, _)| *file == name)
            .map(|(_, text)| (*text).to_owned())
            .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "not bundled"))
    };
    BUNDLED_SPECS
        .iter()
        .map(|(file, text)| pyng_spec::load_with(file, text, &read).map(|l| l.spec))
        .collect()
}

/// Loads each spec of `paths`. A shared-components file among them
/// (`specs/*/*.yaml` names `common.yaml` too) is read through the specs that
/// refer to it, not as a spec; given alone, it is the loader's error.
pub(super) fn load_files(paths: &[impl AsRef<Path>]) -> Result<Vec<Spec>, pyng_spec::Diagnostics> {
    let mut specs = Vec::new();
    let mut shared = None;
    for path in paths {
        let path = path.as_ref();
        let is_shared =
            std::fs::read_to_string(path).is_ok_and(|text| pyng_spec::is_shared_components(&text));
        if is_shared {
            shared.get_or_insert(path);
        } else {
            specs.push(pyng_spec::load_file(path)?.spec);
        }
    }
    match shared {
        Some(path) if specs.is_empty() => pyng_spec::load_file(path).map(|l| vec![l.spec]),
        _ => Ok(specs),
    }
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
    fn a_shared_components_file_beside_specs_is_not_a_spec_of_its_own() {
        let specs = concat!(env!("CARGO_MANIFEST_DIR"), "/../specs/pyng/");
        let spec = format!("{specs}transaction-status.yaml");
        let shared = format!("{specs}common.yaml");
        let loaded = load_files(&[&spec, &shared]).expect("the spec loads");
        assert_eq!(loaded.len(), 1);
        assert!(loaded[0].types.contains_key("LineItem"));
        let alone = load_files(&[&shared]).expect_err("not a spec");
        assert!(
            alone.to_string().contains("shared-components file"),
            "{alone}"
        );
    }

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
