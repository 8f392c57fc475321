//! The streaming body check against the DOM path it replaced (`json::parse`
//! with duplicate-key detection, then `pyng_spec::validate::validate`): the
//! same syntax errors (message, line, column, truncation), the same duplicate
//! keys in the same order, and the same findings, on the specs' bodies with
//! repeated keys spliced in, cut short, or followed by junk.

use std::sync::LazyLock;

use proptest::prelude::*;
use pyng_conformance::Engine;
#[path = "stream_body/json.rs"]
mod json;
use pyng_spec::ir::Type;
use pyng_spec::validate::stream::Schema;

struct Body {
    spec: usize,
    ty: Type,
    text: String,
}

static ENGINE: LazyLock<Engine> = LazyLock::new(|| Engine::with_bundled_specs().unwrap());
static SCHEMAS: LazyLock<Vec<Schema>> =
    LazyLock::new(|| ENGINE.specs().iter().map(Schema::new).collect());
static BODIES: LazyLock<Vec<Body>> = LazyLock::new(|| bodies(&ENGINE));

fn bodies(engine: &Engine) -> Vec<Body> {
    let mut out = Vec::new();
    for (si, spec) in engine.specs().iter().enumerate() {
        for op in &spec.operations {
            for r in &op.responses {
                let Some(ty) = &r.body else { continue };
                let mut values: Vec<serde_json::Value> =
                    r.examples.iter().map(|e| e.value.clone()).collect();
                for seed in 0..3 {
                    let options = pyng_spec::synth::Options {
                        seed,
                        optional: seed > 0,
                        ..Default::default()
                    };
                    values.push(pyng_spec::synth::body(spec, ty, &options));
                }
                for v in values {
                    for text in [v.to_string(), serde_json::to_string_pretty(&v).unwrap()] {
                        out.push(Body {
                            spec: si,
                            ty: ty.clone(),
                            text,
                        });
                    }
                }
            }
        }
    }
    out
}

/// Splices `"key":value,` after the `n`-th `{` of `text`.
fn splice(text: &str, n: usize, entry: &str) -> String {
    let opens: Vec<usize> = text.match_indices('{').map(|(i, _)| i).collect();
    if opens.is_empty() {
        return text.to_owned();
    }
    let at = opens[n % opens.len()] + 1;
    format!("{}{entry},{}", &text[..at], &text[at..])
}

fn compare(engine: &Engine, schema: &[Schema], b: &Body, text: &str) -> Result<(), TestCaseError> {
    let spec = &engine.specs()[b.spec];
    let reference = json::parse(text.as_bytes());
    let streamed = schema[b.spec].validate(&b.ty, text.as_bytes(), None);
    match (reference, streamed) {
        (Ok(p), Ok(s)) => {
            prop_assert_eq!(&s.duplicate_keys, &p.duplicate_keys, "on {}", text);
            let expected = pyng_spec::validate::validate(spec, &b.ty, &p.value);
            prop_assert_eq!(&s.findings, &expected, "on {}", text);
        }
        (Err(e), Err(s)) => {
            prop_assert_eq!(
                (s.message, s.line, s.column, s.eof),
                (e.message, e.line, e.column, e.eof),
                "on {}",
                text
            );
        }
        (r, s) => prop_assert!(
            false,
            "parse {:?}, stream {:?} on {}",
            r.is_ok(),
            s.is_ok(),
            text
        ),
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn same_as_parse_then_validate(
        pick in any::<usize>(),
        splices in prop::collection::vec((any::<usize>(), 0usize..8), 0..4),
        cut in prop::option::of(any::<usize>()),
        junk in prop::sample::select(vec!["", " ", "}", "x", "\n\n", "{}", "\u{e9}"]),
    ) {
        let b = &BODIES[pick % BODIES.len()];
        let entries = [
            r#""data":null"#,
            r#""data":{"transactionStatus":"Settled","transactionStatus":"Pending"}"#,
            r#""traceId":"t""#,
            r#""status":"Completed""#,
            r#""amount":1.5"#,
            r#""a/b~c":[{"k":1,"k":2}]"#,
            r#""transactionStatus":"pending""#,
            r#""result":{"code":"000.100.110"}"#,
        ];
        let mut text = b.text.clone();
        for (n, e) in &splices {
            text = splice(&text, *n, entries[*e]);
        }
        if let Some(cut) = cut {
            let mut end = cut % (text.len() + 1);
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            text.truncate(end);
        }
        text.push_str(junk);
        compare(&ENGINE, &SCHEMAS, b, &text)?;
    }
}
