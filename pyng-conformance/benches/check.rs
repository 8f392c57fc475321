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
/// The same corpus with every object's keys in name order (as `jq -S` or a
/// serialized `serde_json::Value` writes them): the body comes before the
/// status, so it is kept and checked after its line is read.
static SORTED_KEYS: LazyLock<Vec<u8>> = LazyLock::new(|| {
    let mut out = Vec::with_capacity(CORPUS.len());
    for line in lines(&CORPUS) {
        let v: serde_json::Value = serde_json::from_slice(line).expect("generated JSON");
        serde_json::to_writer(&mut out, &v).expect("to memory");
        out.push(b'\n');
    }
    out
});
static ENGINE: LazyLock<Engine> =
    LazyLock::new(|| Engine::with_bundled_specs().expect("bundled specs load"));
/// Checks on the calling thread: no thread is started, as for the parse
/// benchmarks (a process that has started a thread pays for it in `malloc`,
/// see BENCHMARKS.md).
static ENGINE_ONE_THREAD: LazyLock<Engine> = LazyLock::new(|| {
    Engine::with_bundled_specs()
        .and_then(|e| e.with_threads(std::num::NonZeroUsize::MIN))
        .expect("bundled specs load")
});

fn main() {
    // `PYNG_PROFILE=value|ignored|full` runs one workload once, for
    // `valgrind --tool=callgrind --toggle-collect=check::profile_once`
    // (instruction counts are deterministic, so they compare fairly on a shared
    // machine); see BENCHMARKS.md.
    if let Ok(rounds) = std::env::var("PYNG_VERSUS") {
        versus(rounds.parse().unwrap_or(20));
        return;
    }
    if let Ok(what) = std::env::var("PYNG_PROFILE") {
        let corpus = &*CORPUS;
        // Loaded here, so that the profile counts the check only.
        LazyLock::force(&ENGINE_ONE_THREAD);
        // `PYNG_PROFILE_REPEAT`: more runs, for sampling profilers.
        let repeat: usize = std::env::var("PYNG_PROFILE_REPEAT")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(1);
        for _ in 0..repeat {
            profile_once(&what, corpus);
        }
        return;
    }
    divan::main();
}

/// `PYNG_VERSUS=N`: the one-thread full check and the `Value` parse
/// alternated N times in one process, so that both see the same machine
/// state (on a shared VM a whole process can run 40 % slower than the next
/// one); prints the fastest and median times and the per-round ratios.
fn versus(rounds: usize) {
    let rounds = rounds.max(1);
    let corpus = &*CORPUS;
    let time = |what: &str| {
        let start = std::time::Instant::now();
        profile_once(what, corpus);
        start.elapsed().as_secs_f64() * 1e3
    };
    // The first round warms the caches and the allocator.
    time("full");
    time("value");
    let (mut full, mut value, mut ratio) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        // Each one first in every other round.
        let (f, v) = if round % 2 == 0 {
            let f = time("full");
            (f, time("value"))
        } else {
            let v = time("value");
            (time("full"), v)
        };
        full.push(f);
        value.push(v);
        ratio.push(f / v);
    }
    for v in [&mut full, &mut value, &mut ratio] {
        v.sort_by(f64::total_cmp);
    }
    let (mid, q1, q3) = (rounds / 2, rounds / 4, rounds * 3 / 4);
    println!(
        "full_check_one_thread {:.2} ms fastest, {:.2} median; parse_value {:.2} ms fastest, {:.2} median; \
         full/value per round {:.3} median ({:.3}-{:.3} quartiles)",
        full[0], full[mid], value[0], value[mid], ratio[mid], ratio[q1], ratio[q3]
    );
}

#[inline(never)]
fn profile_once(what: &str, corpus: &[u8]) {
    match what {
        "ignored" => parse_ignoring(corpus),
        "value" => parse_values(corpus),
        _ => {
            divan::black_box(ENGINE_ONE_THREAD.check_bytes("corpus.ndjson", corpus));
        }
    }
}

fn lines(corpus: &[u8]) -> impl Iterator<Item = &[u8]> {
    corpus.split(|&c| c == b'\n').filter(|l| !l.is_empty())
}

/// One function per workload for the benchmarks and the profiles, so that
/// they measure the same code.
#[inline(never)]
fn parse_ignoring(corpus: &[u8]) {
    for line in lines(corpus) {
        let _: serde::de::IgnoredAny = serde_json::from_slice(line).expect("generated JSON");
    }
}

/// Every line into a `Value`, dropped at once.
#[inline(never)]
fn parse_values(corpus: &[u8]) {
    for line in lines(corpus) {
        let v: serde_json::Value = serde_json::from_slice(line).expect("generated JSON");
        divan::black_box(v);
    }
}

fn counters<'a, 'b>(b: divan::Bencher<'a, 'b>) -> divan::Bencher<'a, 'b> {
    b.counter(BytesCount::new(CORPUS.len()))
        .counter(ItemsCount::new(lines(&CORPUS).count()))
}

/// Syntax only: every NDJSON line into `IgnoredAny`.
#[divan::bench(sample_count = 10)]
fn parse_ignored_any(b: divan::Bencher) {
    counters(b).bench(|| parse_ignoring(&CORPUS));
}

/// Every NDJSON line into a `serde_json::Value`.
#[divan::bench(sample_count = 10)]
fn parse_value(b: divan::Bencher) {
    counters(b).bench(|| parse_values(&CORPUS));
}

/// Every NDJSON line into a `serde_json::Value`, lines in parallel on all
/// cores: how far this machine scales an embarrassingly parallel parse, the
/// ceiling for `full_check_all_cores`.
#[divan::bench(sample_count = 10)]
fn parse_value_all_cores(b: divan::Bencher) {
    use rayon::prelude::*;
    let lines: Vec<&[u8]> = lines(&CORPUS).collect();
    counters(b).bench(|| {
        lines.par_iter().for_each(|line| {
            let v: serde_json::Value = serde_json::from_slice(line).expect("generated JSON");
            divan::black_box(v);
        });
    });
}

/// The full check (all rules, sequences) on the calling thread.
#[divan::bench(sample_count = 10)]
fn full_check_one_thread(b: divan::Bencher) {
    counters(b).bench(|| ENGINE_ONE_THREAD.check_bytes("corpus.ndjson", &CORPUS));
}

/// [`full_check_one_thread`] on keys in name order: the body after its line.
#[divan::bench(sample_count = 10)]
fn full_check_one_thread_sorted_keys(b: divan::Bencher) {
    counters(b).bench(|| ENGINE_ONE_THREAD.check_bytes("sorted.ndjson", &SORTED_KEYS));
}

/// The full check on all cores.
#[divan::bench(sample_count = 10)]
fn full_check_all_cores(b: divan::Bencher) {
    counters(b).bench(|| ENGINE.check_bytes("corpus.ndjson", &CORPUS));
}
