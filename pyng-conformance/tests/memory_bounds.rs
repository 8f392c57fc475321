//! Memory stays in proportion to the input: the peak heap of a check is
//! measured with dhat's heap profiler (one profiler per process, so every
//! case runs in this one test).

use pyng_conformance::Engine;

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

/// The peak heap, in bytes, while `work` runs (before it: nothing counted).
fn peak(work: impl FnOnce()) -> u64 {
    let profiler = dhat::Profiler::builder().testing().build();
    let before = dhat::HeapStats::get().curr_bytes as u64;
    work();
    let peak = dhat::HeapStats::get().max_bytes as u64;
    drop(profiler);
    peak.saturating_sub(before)
}

#[test]
fn a_check_holds_a_small_multiple_of_its_input() {
    let engine = Engine::with_bundled_specs()
        .unwrap()
        .with_threads(std::num::NonZeroUsize::MIN)
        .unwrap();
    const SIZE: usize = 4 << 20;
    let newlines = vec![b'\n'; SIZE];
    let mut one_line = br#"{"data":""#.to_vec();
    one_line.resize(SIZE, b'x');
    one_line.extend_from_slice(br#""}"#);
    for (what, body) in [("newlines", newlines), ("one long line", one_line)] {
        let mut findings = Vec::new();
        let used = peak(|| {
            findings = engine
                .check_body("getTransactionStatus", 200, &body)
                .unwrap();
        });
        assert!(!findings.is_empty(), "{what}: the body is not conformant");
        assert!(
            findings.iter().all(|f| f.snippet.is_some()),
            "{what}: findings quote the body"
        );
        // The body itself is the caller's; the check's own memory must not
        // grow like the body's line count (it once took 16 bytes a line).
        assert!(
            used < (SIZE as u64) * 2,
            "{what}: a check of a {SIZE}-byte body peaked at {used} bytes"
        );
    }
}
