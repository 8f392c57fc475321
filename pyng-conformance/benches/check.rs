//! Throughput of the full check against serde_json parsing alone, on a generated
//! corpus. Size: `PYNG_BENCH_EXCHANGES` (default 20 000). Results: BENCHMARKS.md.

use std::sync::LazyLock;

use divan::counter::{BytesCount, ItemsCount};
use pyng_conformance::Engine;

fn size() -> usize {
    std::env::var("PYNG_BENCH_EXCHANGES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_000)
}

static CORPUS: LazyLock<Vec<u8>> = LazyLock::new(|| pyng_conformance::corpus::generate(size(), 42));
static ENGINE: LazyLock<Engine> =
    LazyLock::new(|| Engine::with_bundled_specs().expect("bundled specs load"));

fn main() {
    // `PYNG_PROFILE=value|ignored|full` runs one workload once, for
    // `valgrind --tool=callgrind --toggle-collect=check::profile_once`
    // (instruction counts are deterministic, so they compare fairly on a shared
    // machine); see BENCHMARKS.md.
    if let Ok(what) = std::env::var("PYNG_PROFILE") {
        let corpus = &*CORPUS;
        let engine = &*ENGINE;
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .expect("pool");
        // `PYNG_PROFILE_REPEAT`: more runs, for sampling profilers.
        let repeat: usize = std::env::var("PYNG_PROFILE_REPEAT")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(1);
        for _ in 0..repeat {
            pool.install(|| profile_once(&what, corpus, engine));
        }
        return;
    }
    divan::main();
}

#[inline(never)]
fn profile_once(what: &str, corpus: &[u8], engine: &Engine) {
    let lines = || corpus.split(|&c| c == b'\n').filter(|l| !l.is_empty());
    match what {
        "ignored" => lines().for_each(|l| {
            let _: serde::de::IgnoredAny = serde_json::from_slice(l).expect("generated JSON");
        }),
        "value" => lines().for_each(|l| {
            let v: serde_json::Value = serde_json::from_slice(l).expect("generated JSON");
            divan::black_box(v);
        }),
        _ => {
            divan::black_box(engine.check_bytes("corpus.ndjson", corpus));
        }
    }
}

fn counters<'a, 'b>(b: divan::Bencher<'a, 'b>) -> divan::Bencher<'a, 'b> {
    let lines = CORPUS.iter().filter(|&&c| c == b'\n').count();
    b.counter(BytesCount::new(CORPUS.len()))
        .counter(ItemsCount::new(lines))
}

/// Syntax only: every NDJSON line into `IgnoredAny`.
#[divan::bench(sample_count = 10)]
fn parse_ignored_any(b: divan::Bencher) {
    counters(b).bench(|| {
        for line in CORPUS.split(|&c| c == b'\n').filter(|l| !l.is_empty()) {
            let _: serde::de::IgnoredAny = serde_json::from_slice(line).expect("generated JSON");
        }
    });
}

/// Every NDJSON line into a `serde_json::Value`.
#[divan::bench(sample_count = 10)]
fn parse_value(b: divan::Bencher) {
    counters(b).bench(|| {
        for line in CORPUS.split(|&c| c == b'\n').filter(|l| !l.is_empty()) {
            let v: serde_json::Value = serde_json::from_slice(line).expect("generated JSON");
            divan::black_box(v);
        }
    });
}

/// Every NDJSON line into a `serde_json::Value`, lines in parallel on all
/// cores: how far this machine scales an embarrassingly parallel parse, the
/// ceiling for `full_check_all_cores`.
#[divan::bench(sample_count = 10)]
fn parse_value_all_cores(b: divan::Bencher) {
    use rayon::prelude::*;
    let lines: Vec<&[u8]> = CORPUS
        .split(|&c| c == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    counters(b).bench(|| {
        lines.par_iter().for_each(|line| {
            let v: serde_json::Value = serde_json::from_slice(line).expect("generated JSON");
            divan::black_box(v);
        });
    });
}

/// The full check (all rules, sequences) on one thread.
#[divan::bench(sample_count = 10)]
fn full_check_one_thread(b: divan::Bencher) {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("pool");
    counters(b).bench(|| pool.install(|| ENGINE.check_bytes("corpus.ndjson", &CORPUS)));
}

/// The full check on all cores.
#[divan::bench(sample_count = 10)]
fn full_check_all_cores(b: divan::Bencher) {
    counters(b).bench(|| ENGINE.check_bytes("corpus.ndjson", &CORPUS));
}
