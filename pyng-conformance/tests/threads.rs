//! The report does not depend on the number of threads: one worker checks
//! NDJSON lines as they are read, several check them in batches, and both
//! give the same findings in the same order (input order).

mod common;

use std::num::NonZeroUsize;

use common::damaged_corpus;
use pyng_conformance::Engine;

fn report_with_threads(threads: usize, bytes: &[u8]) -> String {
    let engine = Engine::with_bundled_specs().expect("bundled specs load");
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("thread pool");
    let report = pool.install(|| engine.check_bytes("damaged.ndjson", bytes));
    pyng_conformance::report::json::render(&report)
}

#[test]
fn one_thread_and_several_give_the_same_report() {
    let bytes = damaged_corpus(6_000, 11);
    let one = report_with_threads(1, &bytes);
    let two = report_with_threads(2, &bytes);
    let three = report_with_threads(3, &bytes);
    // Something to compare: problems, body and sequence findings.
    for rule in [
        "input.malformed",
        "schema.duplicate-key",
        "schema.type",
        "http.status-documented",
        "state.final-state-left",
    ] {
        assert!(one.contains(rule), "{rule} missing");
    }
    assert!(one == two, "one thread and two threads differ");
    assert!(two == three, "two threads and three differ");
    // The engine's own settings: the calling thread, or a pool of its own.
    for threads in [1, 2] {
        let engine = Engine::with_bundled_specs()
            .and_then(|e| e.with_threads(NonZeroUsize::new(threads).unwrap()))
            .expect("bundled specs load");
        let report = engine.check_bytes("damaged.ndjson", &bytes);
        let report = pyng_conformance::report::json::render(&report);
        assert!(report == one, "with_threads({threads}) differs");
    }
}

#[test]
fn the_bundled_examples_give_the_same_report_on_one_thread() {
    let engine = Engine::with_bundled_specs().expect("bundled specs load");
    let examples = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples");
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("thread pool");
        let report = pool.install(|| engine.check_paths(&[format!("{examples}/recordings")]));
        pyng_conformance::report::json::render(&report)
    };
    let one = run(1);
    assert!(one.contains("amount.paid-equals-line-totals"));
    assert!(one == run(2), "one thread and two threads differ");
}
