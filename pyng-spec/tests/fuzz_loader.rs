//! Fuzzes the spec loader with mutated copies of the bundled specs: whatever the
//! text, `load_str` returns (no panic, no overflow) with positions of at least
//! 1:1, and a spec that loads synthesises, validates and (feature `codegen`)
//! generates without panicking.

use std::path::PathBuf;

use proptest::prelude::*;

fn bundled() -> Vec<(String, String)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../specs");
    let mut out = Vec::new();
    for dir in std::fs::read_dir(&root).unwrap() {
        let dir = dir.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&dir).unwrap() {
            let file = file.unwrap().path();
            if file.extension().is_some_and(|e| e == "yaml") {
                let text = std::fs::read_to_string(&file).unwrap();
                out.push((file.display().to_string(), text));
            }
        }
    }
    out.sort();
    assert!(
        out.len() >= 3,
        "bundled specs not found under {}",
        root.display()
    );
    out
}

#[derive(Debug, Clone)]
enum Mutation {
    Truncate(usize),
    Flip(usize, u8),
    Insert(usize, Vec<u8>),
    DuplicateLine(usize),
    Nest(usize, usize, bool),
    HugeNumber(usize, &'static str),
    SelfRef(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let huge = prop_oneof![
        Just("18446744073709551615"),
        Just("9223372036854775807"),
        Just("18446744073709551616"),
        Just("-9223372036854775809"),
        Just("1e400"),
        Just("99999999999999999999999999999999999999"),
    ];
    prop_oneof![
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), any::<u8>()).prop_map(|(at, b)| Mutation::Flip(at, b)),
        (any::<usize>(), prop::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(at, b)| Mutation::Insert(at, b)),
        any::<usize>().prop_map(Mutation::DuplicateLine),
        (any::<usize>(), 1usize..400, any::<bool>())
            .prop_map(|(at, depth, map)| Mutation::Nest(at, depth, map)),
        (any::<usize>(), huge).prop_map(|(n, h)| Mutation::HugeNumber(n, h)),
        any::<usize>().prop_map(Mutation::SelfRef),
    ]
}

/// Byte offsets of the starts of the lines of `text`.
fn line_starts(text: &[u8]) -> Vec<usize> {
    std::iter::once(0)
        .chain(
            text.iter()
                .enumerate()
                .filter(|(_, b)| **b == b'\n')
                .map(|(i, _)| i + 1),
        )
        .collect()
}

fn apply(text: &str, m: &Mutation) -> String {
    let mut bytes = text.as_bytes().to_vec();
    if bytes.is_empty() {
        return String::new();
    }
    let len = bytes.len();
    let lines = line_starts(&bytes);
    let line = |n: usize| lines[n % lines.len()];
    match m {
        Mutation::Truncate(at) => bytes.truncate(at % len),
        Mutation::Flip(at, b) => bytes[at % len] ^= b | 1,
        Mutation::Insert(at, extra) => {
            let at = at % len;
            bytes.splice(at..at, extra.iter().copied());
        }
        Mutation::DuplicateLine(n) => {
            let start = line(*n);
            let end = bytes[start..]
                .iter()
                .position(|b| *b == b'\n')
                .map_or(bytes.len(), |i| start + i + 1);
            let copy = bytes[start..end].to_vec();
            bytes.splice(start..start, copy);
        }
        Mutation::Nest(n, depth, map) => {
            let open = if *map { "{a: " } else { "[" };
            let close = if *map { "}" } else { "]" };
            let nest = format!("x-nest: {}1{}\n", open.repeat(*depth), close.repeat(*depth));
            let at = line(*n);
            let indent = bytes[at..].iter().take_while(|b| **b == b' ').count();
            let nest = format!("{}{nest}", " ".repeat(indent));
            bytes.splice(at..at, nest.into_bytes());
        }
        Mutation::HugeNumber(n, huge) => {
            let numbers: Vec<usize> = (0..bytes.len())
                .filter(|&i| {
                    bytes[i].is_ascii_digit() && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric())
                })
                .collect();
            if let Some(&start) = numbers.get(n % numbers.len().max(1)) {
                let end = (start..bytes.len())
                    .find(|&i| !bytes[i].is_ascii_digit())
                    .unwrap_or(bytes.len());
                bytes.splice(start..end, huge.bytes());
            }
        }
        Mutation::SelfRef(n) => {
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let refs: Vec<usize> = text.match_indices("$ref:").map(|(i, _)| i).collect();
            return match refs.get(n % refs.len().max(1)) {
                // A schema that is a `$ref` to itself, and one `$ref` sent into it.
                Some(&at) => {
                    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
                    let mut out = text.clone();
                    out.replace_range(at..end, "$ref: '#/components/schemas/Selfish'");
                    out.replacen(
                        "  schemas:\n",
                        "  schemas:\n    Selfish:\n      $ref: '#/components/schemas/Selfish'\n",
                        1,
                    )
                }
                None => text,
            };
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

fn exercise(file: &str, text: &str) {
    let loaded = match pyng_spec::load_str(file, text) {
        Ok(l) => l,
        Err(diags) => {
            assert!(!diags.0.is_empty());
            for d in &diags.0 {
                assert!(d.line >= 1 && d.column >= 1, "{d}");
            }
            return;
        }
    };
    let spec = loaded.spec;
    for d in &loaded.warnings.0 {
        assert!(d.line >= 1 && d.column >= 1, "{d}");
    }
    for op in &spec.operations {
        for r in &op.responses {
            let Some(ty) = &r.body else { continue };
            for optional in [false, true] {
                let options = pyng_spec::synth::Options {
                    seed: 3,
                    optional,
                    ..Default::default()
                };
                let body = pyng_spec::synth::body(&spec, ty, &options);
                let _ = pyng_spec::validate::validate(&spec, ty, &body);
            }
        }
    }
    #[cfg(feature = "codegen")]
    {
        let _ = pyng_spec::codegen::render(&spec);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn mutated_bundled_specs_never_panic(
        which in any::<usize>(),
        mutations in prop::collection::vec(mutation(), 1..4),
    ) {
        let specs = bundled();
        let (file, text) = &specs[which % specs.len()];
        let mut text = text.clone();
        for m in &mutations {
            text = apply(&text, m);
        }
        exercise(file, &text);
    }
}

/// Each mutation kind once on each bundled spec, so that every kind runs
/// whatever proptest draws.
#[test]
fn every_mutation_kind_on_every_bundled_spec() {
    for (file, text) in bundled() {
        exercise(&file, &text);
        for m in [
            Mutation::Truncate(text.len() / 2),
            Mutation::Flip(text.len() / 3, 0x20),
            Mutation::Insert(text.len() / 4, vec![b'{', b'\n', b'"']),
            Mutation::DuplicateLine(7),
            Mutation::Nest(10, 100_000, false),
            Mutation::Nest(10, 100_000, true),
            Mutation::Nest(10, 30, true),
            Mutation::HugeNumber(5, "18446744073709551615"),
            Mutation::SelfRef(0),
        ] {
            exercise(&file, &apply(&text, &m));
        }
    }
}
