//! The streaming validator against the DOM validator (the reference): on every
//! input, the same findings (rule, severity, pointer, message, source, related,
//! in the same order), the duplicate keys a hand-written reference finds, and
//! captured values equal to the parsed body's at every pointer asked for.
//!
//! Inputs: the specs' examples and synthesised bodies, mutated (values replaced
//! by arbitrary JSON, keys dropped, repeated or added, nulls, edge numbers,
//! near-miss strings), and arbitrary JSON, against every body type and every
//! named type of the bundled specs, the codegen edge-case spec and the
//! schema-keyword spec.

use std::sync::LazyLock;

use proptest::prelude::*;
use pyng_spec::ir::{Spec, Type, TypeDef};
use pyng_spec::pointer::push;
use pyng_spec::validate::stream::{Schema, Want};
use serde_json::Value;

const SPECS: &[&str] = &[
    "../specs/pyng/transaction-status.yaml",
    "../specs/pyng/checkout-session-status.yaml",
    "../specs/peach/checkout-status.yaml",
    "../pyng-derive/tests/fixtures/edge-cases.yaml",
    "../pyng-derive/tests/fixtures/schema-keywords.yaml",
];

struct Case {
    spec: Spec,
    schema: Schema,
    /// Response body types, then every named type.
    types: Vec<Type>,
    /// Bodies shaped like the spec: examples and synthesised ones.
    bodies: Vec<Value>,
    /// Wire names of every field, for keys of generated objects.
    names: Vec<String>,
    /// String values worth trying: enum values (and near misses).
    strings: Vec<String>,
}

static CASES: LazyLock<Vec<Case>> = LazyLock::new(|| SPECS.iter().map(|p| case(p)).collect());

fn case(path: &str) -> Case {
    let file = format!("{}/{path}", env!("CARGO_MANIFEST_DIR"));
    let spec = pyng_spec::load_file(&file).expect("spec loads").spec;
    let mut types: Vec<Type> = spec
        .operations
        .iter()
        .flat_map(|o| o.responses.iter().filter_map(|r| r.body.clone()))
        .collect();
    types.extend(spec.types.keys().map(|n| Type::Named(n.clone())));
    let mut bodies: Vec<Value> = spec
        .operations
        .iter()
        .flat_map(|o| &o.responses)
        .flat_map(|r| r.examples.iter().map(|e| e.value.clone()))
        .collect();
    let mut names = Vec::new();
    let mut strings = Vec::new();
    for def in spec.types.values() {
        match def {
            TypeDef::Model(m) => {
                names.extend(m.fields.iter().map(|f| f.wire_name.clone()));
                // A checked format's value and a near miss of it.
                for sample in m.fields.iter().filter_map(|f| f.checked_format()) {
                    let sample = pyng_spec::formats::sample(sample).unwrap_or_default();
                    strings.push(sample.to_owned());
                    strings.push(format!("{sample}x"));
                    strings.push(sample.replacen(['-', '.', '@', ':'], "", 1));
                }
            }
            TypeDef::Enum(e) => {
                for v in &e.values {
                    strings.push(v.clone());
                    strings.push(v.to_ascii_lowercase());
                }
            }
            // An array's items with constraints: their format's sample too.
            TypeDef::Constrained(c) => {
                if let Some(format) = c.field.checked_format() {
                    let sample = pyng_spec::formats::sample(format).unwrap_or_default();
                    strings.push(sample.to_owned());
                    strings.push(format!("{sample}x"));
                }
            }
        }
    }
    let machines: Vec<(String, Vec<String>)> = spec
        .state_machines()
        .map(|(e, _)| (e.name.clone(), e.values.clone()))
        .collect();
    for ty in &types {
        for (seed, optional) in [(1, false), (2, true)] {
            let mut options = pyng_spec::synth::Options {
                seed,
                optional,
                ..Default::default()
            };
            bodies.push(pyng_spec::synth::body(&spec, ty, &options));
            for (name, states) in &machines {
                for s in states {
                    options.states.insert(name.clone(), s.clone());
                    bodies.push(pyng_spec::synth::body(&spec, ty, &options));
                }
            }
        }
    }
    Case {
        schema: Schema::new(&spec),
        spec,
        types,
        bodies,
        names,
        strings,
    }
}

/// JSON that may repeat keys (which `Value` cannot hold).
#[derive(Debug, Clone)]
enum J {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Str(String),
    Arr(Vec<J>),
    Obj(Vec<(String, J)>),
}

impl J {
    fn from_value(v: &Value) -> J {
        match v {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
                (Some(i), _, _) => J::Int(i),
                (_, Some(u), _) => J::UInt(u),
                (_, _, f) => J::Float(f.unwrap_or(0.0)),
            },
            Value::String(s) => J::Str(s.clone()),
            Value::Array(a) => J::Arr(a.iter().map(J::from_value).collect()),
            Value::Object(o) => J::Obj(
                o.iter()
                    .map(|(k, v)| (k.clone(), J::from_value(v)))
                    .collect(),
            ),
        }
    }

    fn write(&self, out: &mut String) {
        let json = |v: &dyn erased::Ser| v.text();
        match self {
            J::Null => out.push_str("null"),
            J::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            J::Int(i) => out.push_str(&i.to_string()),
            J::UInt(u) => out.push_str(&u.to_string()),
            J::Float(f) => out.push_str(&json(f)),
            J::Str(s) => out.push_str(&json(s)),
            J::Arr(items) => {
                out.push('[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    v.write(out);
                }
                out.push(']');
            }
            J::Obj(entries) => {
                out.push('{');
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    out.push_str(&json(k));
                    out.push(':');
                    v.write(out);
                }
                out.push('}');
            }
        }
    }

    /// Duplicate keys as the conformance engine's parser reports them: at the
    /// later occurrence, after the duplicates inside its value.
    fn dups(&self, at: &str, out: &mut Vec<String>) {
        match self {
            J::Arr(items) => {
                for (i, v) in items.iter().enumerate() {
                    v.dups(&push(at, &i.to_string()), out);
                }
            }
            J::Obj(entries) => {
                for (i, (k, v)) in entries.iter().enumerate() {
                    v.dups(&push(at, k), out);
                    if entries[..i].iter().any(|(k2, _)| k2 == k) {
                        out.push(push(at, k));
                    }
                }
            }
            _ => {}
        }
    }

    /// Pointers of every node (for wants).
    fn pointers(&self, at: &str, out: &mut Vec<String>) {
        out.push(at.to_owned());
        match self {
            J::Arr(items) => {
                for (i, v) in items.iter().enumerate() {
                    v.pointers(&push(at, &i.to_string()), out);
                }
            }
            J::Obj(entries) => {
                for (k, v) in entries {
                    v.pointers(&push(at, k), out);
                }
            }
            _ => {}
        }
    }
}

mod erased {
    pub trait Ser {
        fn text(&self) -> String;
    }
    impl<T: serde::Serialize> Ser for T {
        fn text(&self) -> String {
            serde_json::to_string(self).unwrap_or_else(|_| "null".into())
        }
    }
}

/// Applies `op` to the node `at` of `root` (in pre-order, root included).
fn mutate(root: &mut J, case: &Case, at: usize, op: u8, pick: usize, arb: &J) {
    fn walk<'a>(j: &'a mut J, n: &mut usize, target: usize) -> Option<&'a mut J> {
        if *n == target {
            return Some(j);
        }
        *n += 1;
        match j {
            J::Arr(items) => items.iter_mut().find_map(|v| walk(v, n, target)),
            J::Obj(entries) => entries.iter_mut().find_map(|(_, v)| walk(v, n, target)),
            _ => None,
        }
    }
    let mut total = 0;
    fn size(j: &J, n: &mut usize) {
        *n += 1;
        match j {
            J::Arr(items) => items.iter().for_each(|v| size(v, n)),
            J::Obj(entries) => entries.iter().for_each(|(_, v)| size(v, n)),
            _ => {}
        }
    }
    size(root, &mut total);
    let mut count = 0;
    let Some(node) = walk(root, &mut count, at % total.max(1)) else {
        return;
    };
    let name = |i: usize| {
        if case.names.is_empty() {
            "x".to_owned()
        } else {
            case.names[i % case.names.len()].clone()
        }
    };
    const NUMBERS: &[J] = &[
        J::Int(i64::MIN),
        J::Int(-1),
        J::Int(0),
        J::Int(1),
        J::Int(2_147_483_648),
        J::Int(i64::MAX),
        J::UInt(u64::MAX),
        J::Float(1.5),
        J::Float(-0.0),
        J::Float(1e300),
        // Exact decimals at the schema-keyword spec's number bounds.
        J::Float(19.99),
        J::Float(19.999),
        J::Float(0.1 + 0.2),
        J::Float(0.3),
        J::Float(-0.5),
        J::Float(5e-324),
        J::Float(99999.99),
    ];
    const STRINGS: &[&str] = &[
        "2024-11-17T05:30:36Z",
        "2024-13-01",
        "14.99",
        "-3",
        "abc",
        "000.200.000",
        "8ac7a4ca68c22c4d0168c2caab2e0025",
        "ZAR",
        "",
    ];
    match op % 9 {
        0 => *node = arb.clone(),
        1 => {
            if let J::Obj(entries) = node
                && !entries.is_empty()
            {
                let (k, v) = entries[pick % entries.len()].clone();
                let v = if pick.is_multiple_of(2) {
                    v
                } else {
                    arb.clone()
                };
                entries.push((k, v));
            }
        }
        2 => {
            if let J::Obj(entries) = node
                && !entries.is_empty()
            {
                entries.remove(pick % entries.len());
            }
        }
        3 => {
            if let J::Obj(entries) = node {
                let at = pick % (entries.len() + 1);
                entries.insert(at, (name(pick / 7), arb.clone()));
            }
        }
        4 => *node = J::Null,
        5 => *node = NUMBERS[pick % NUMBERS.len()].clone(),
        6 => {
            let all: Vec<String> = STRINGS
                .iter()
                .map(|s| s.to_string())
                .chain(case.strings.iter().cloned())
                .collect();
            *node = J::Str(all[pick % all.len()].clone());
        }
        7 => {
            if let J::Arr(items) = node {
                match pick % 3 {
                    0 if !items.is_empty() => {
                        let v = items[pick % items.len()].clone();
                        items.push(v);
                    }
                    1 if !items.is_empty() => {
                        items.remove(pick % items.len());
                    }
                    _ => items.push(arb.clone()),
                }
            }
        }
        _ => {
            // Keys with characters that need escaping in pointers and JSON.
            if let J::Obj(entries) = node {
                entries.push((
                    ["a/b", "t~1", "q\"k", "é"][pick % 4].to_owned(),
                    arb.clone(),
                ));
            }
        }
    }
}

fn arb_j() -> impl Strategy<Value = J> {
    let leaf = prop_oneof![
        Just(J::Null),
        any::<bool>().prop_map(J::Bool),
        any::<i64>().prop_map(J::Int),
        any::<u64>().prop_map(J::UInt),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(J::Float),
        "[a-zA-Z0-9 .:-]{0,12}".prop_map(J::Str),
        prop_oneof![
            Just("Pending"),
            Just("Settled"),
            Just("Completed"),
            Just("open")
        ]
        .prop_map(|s| J::Str(s.into())),
        // Values of the fixture's integer and number enums, as integers and
        // as floats (JSON equality: `1.0` is the listed `1`), and misses.
        prop_oneof![Just(0.5), Just(1.0), Just(2.0), Just(2.25), Just(4.0)].prop_map(J::Float),
        (0i64..5).prop_map(J::Int),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        let keys = prop_oneof![
            Just("data".to_owned()),
            Just("lineItems".to_owned()),
            Just("amountPaid".to_owned()),
            Just("amountTotal".to_owned()),
            Just("amount".to_owned()),
            Just("status".to_owned()),
            Just("state".to_owned()),
            Just("outcome".to_owned()),
            Just("groups".to_owned()),
            Just("items".to_owned()),
            "[a-z]{1,4}",
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(J::Arr),
            prop::collection::vec((keys, inner), 0..6).prop_map(J::Obj),
        ]
    })
}

/// Checks one text against one type with the given pointers wanted.
fn compare(case: &Case, ty: &Type, j: &J, picks: &[usize]) -> Result<(), TestCaseError> {
    let mut text = String::new();
    j.write(&mut text);
    let value: Value = serde_json::from_str(&text).expect("generated JSON parses");
    let expected = pyng_spec::validate::validate(&case.spec, ty, &value);
    let mut all = Vec::new();
    j.pointers("", &mut all);
    all.push("/data/transactionStatus".into());
    all.push("/nope/0".into());
    let mut want = Want::default();
    let wanted: Vec<&String> = picks.iter().map(|p| &all[p % all.len()]).collect();
    for p in &wanted {
        want.add_pointer(p);
    }
    let got = case
        .schema
        .validate(ty, text.as_bytes(), (!wanted.is_empty()).then_some(&want))
        .map_err(|e| TestCaseError::fail(format!("{e:?} on {text}")))?;
    prop_assert_eq!(&got.findings, &expected, "findings differ on {}", text);
    let mut dups = Vec::new();
    j.dups("", &mut dups);
    prop_assert_eq!(&got.duplicate_keys, &dups, "duplicates differ on {}", text);
    for p in wanted {
        let kept = got.pointer(p);
        let kept = kept.as_ref();
        prop_assert_eq!(
            kept,
            value.pointer(p),
            "capture of {} differs on {}",
            p,
            text
        );
    }
    Ok(())
}

#[test]
fn agrees_on_every_example_and_synthesised_body() {
    for case in CASES.iter() {
        for ty in &case.types {
            for body in &case.bodies {
                compare(case, ty, &J::from_value(body), &[0, 1, 2, 3, 5, 8, 13]).unwrap();
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn agrees_on_mutated_bodies(
        spec in 0..SPECS.len(),
        ty in any::<usize>(),
        body in any::<usize>(),
        muts in prop::collection::vec((any::<usize>(), any::<u8>(), any::<usize>(), arb_j()), 0..6),
        picks in prop::collection::vec(any::<usize>(), 0..4),
    ) {
        let case = &CASES[spec];
        let ty = &case.types[ty % case.types.len()];
        let mut j = J::from_value(&case.bodies[body % case.bodies.len()]);
        for (at, op, pick, arb) in &muts {
            mutate(&mut j, case, *at, *op, *pick, arb);
        }
        compare(case, ty, &j, &picks)?;
    }

    #[test]
    fn agrees_on_arbitrary_json(
        spec in 0..SPECS.len(),
        ty in any::<usize>(),
        j in arb_j(),
        picks in prop::collection::vec(any::<usize>(), 0..4),
    ) {
        let case = &CASES[spec];
        let ty = &case.types[ty % case.types.len()];
        compare(case, ty, &j, &picks)?;
    }

    /// Text that is not JSON (or is cut short) is an error, never a panic.
    #[test]
    fn rejects_broken_text(spec in 0..SPECS.len(), body in any::<usize>(), cut in any::<usize>(), junk in "\\PC{0,4}") {
        let case = &CASES[spec];
        let mut text = String::new();
        J::from_value(&case.bodies[body % case.bodies.len()]).write(&mut text);
        let mut end = cut % (text.len() + 1);
        while !text.is_char_boundary(end) { end -= 1; }
        let broken = format!("{}{junk}", &text[..end]);
        let parsed = serde_json::from_str::<Value>(&broken);
        for ty in &case.types {
            let got = case.schema.validate(ty, broken.as_bytes(), Some(&pyng_spec::validate::stream::WHOLE));
            match (&parsed, got) {
                (Ok(v), Ok(s)) => {
                    let whole = s.pointer("");
                    prop_assert_eq!(whole.as_ref(), Some(v));
                    prop_assert_eq!(s.findings, pyng_spec::validate::validate(&case.spec, ty, v));
                }
                (Err(e), Err(s)) => {
                    prop_assert_eq!(s.message, e.to_string());
                    prop_assert_eq!((s.line, s.column, s.eof), (e.line(), e.column(), e.is_eof()));
                }
                (p, g) => prop_assert!(false, "parse {:?} but stream {:?}", p.is_ok(), g.is_ok()),
            }
        }
    }
}

/// As deep as serde_json nests (and one level deeper): same verdict, no
/// stack overflow.
#[test]
fn deep_nesting() {
    let case = &CASES[0];
    for depth in [120, 127, 128, 129] {
        let text = format!(
            r#"{{"data":{{"transactionStatus":"Pending","lineItems":{}{},"x":{}1{}}},"traceId":"t"}}"#,
            "[".repeat(depth),
            "]".repeat(depth),
            r#"{"a":"#.repeat(depth),
            "}".repeat(depth)
        );
        for ty in &case.types {
            let parsed = serde_json::from_str::<Value>(&text);
            let got = case.schema.validate(ty, text.as_bytes(), None);
            match (parsed, got) {
                (Ok(v), Ok(s)) => {
                    assert_eq!(
                        s.findings,
                        pyng_spec::validate::validate(&case.spec, ty, &v)
                    )
                }
                (Err(e), Err(s)) => assert_eq!(s.message, e.to_string()),
                (p, g) => panic!(
                    "depth {depth}: parse {:?}, stream {:?}",
                    p.is_ok(),
                    g.is_ok()
                ),
            }
        }
    }
}
