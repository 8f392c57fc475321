//! `Engine::with_threads(1)` checks on the calling thread and starts none (no
//! rayon pool either): a one-thread check costs what its work costs. Alone in
//! its test binary, so no other test starts threads meanwhile.

use std::num::NonZeroUsize;

use pyng_conformance::Engine;

/// The threads of this process (Linux).
#[cfg(target_os = "linux")]
fn threads() -> usize {
    std::fs::read_dir("/proc/self/task")
        .expect("/proc/self/task")
        .count()
}

#[test]
#[cfg(target_os = "linux")]
fn one_thread_checks_start_no_thread() {
    let engine = Engine::with_bundled_specs()
        .and_then(|e| e.with_threads(NonZeroUsize::MIN))
        .expect("bundled specs load");
    let examples = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples");
    let corpus = pyng_conformance::corpus::generate(3_000, 5);
    let before = threads();
    let report = engine.check_paths(&[format!("{examples}/recordings")]);
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.rule == "amount.paid-equals-line-totals")
    );
    // More than one batch of lines, and a document's exchanges in batches.
    let report = engine.check_bytes("corpus.ndjson", &corpus);
    let lines = corpus
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .count();
    assert!(lines > 1024);
    assert_eq!(report.exchanges, lines);
    let har = std::fs::read(format!("{examples}/recordings/mixed-traffic.har")).unwrap();
    assert!(engine.check_bytes("mixed-traffic.har", &har).exchanges > 0);
    assert_eq!(threads(), before, "a thread was started");
    // Without the setting, the same check starts the global pool: the count
    // above would have seen it.
    let _ = Engine::with_bundled_specs()
        .expect("bundled specs load")
        .check_bytes("corpus.ndjson", &corpus);
    assert!(
        threads() > before,
        "the default engine runs on the global pool"
    );
}
