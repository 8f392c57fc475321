//! Every rule id the engine's source names is registered in
//! `pyng_spec::registry`. The engine's emitters pass ids as text, so this test
//! reads them from the source: any `"category.name"` literal of a rule category.

use std::path::Path;

use pyng_spec::registry;

/// The categories of traffic and body rules (lint rules are the loader's).
const CATEGORIES: &[&str] = &[
    "input",
    "http",
    "schema",
    "state",
    "identity",
    "signature",
    "amount",
];

fn sources(dir: &Path, out: &mut Vec<(String, String)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            out.push((path.display().to_string(), text));
        }
    }
}

/// The `"category.name"` literals of `text`, with their line numbers.
fn rule_literals(text: &str) -> Vec<(usize, &str)> {
    let mut found = Vec::new();
    for (n, line) in text.lines().enumerate() {
        for (i, quoted) in line.split('"').enumerate() {
            // Odd pieces are inside quotes.
            if i % 2 == 0 {
                continue;
            }
            let Some((category, name)) = quoted.split_once('.') else {
                continue;
            };
            let name_ok = !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
            if CATEGORIES.contains(&category) && name_ok {
                found.push((n + 1, quoted));
            }
        }
    }
    found
}

#[test]
fn every_rule_id_in_the_engine_source_is_registered() {
    let mut files = Vec::new();
    sources(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    let mut seen = 0;
    let mut unregistered = Vec::new();
    for (file, text) in &files {
        for (line, id) in rule_literals(text) {
            seen += 1;
            if registry::lookup(id).is_none() {
                unregistered.push(format!("{file}:{line}: `{id}`"));
            }
        }
    }
    assert!(
        unregistered.is_empty(),
        "rule ids not in pyng_spec::registry (add them to the `registry!` table):\n{}",
        unregistered.join("\n")
    );
    // The scan finds the engine's emitters at all.
    assert!(seen > 20, "only {seen} rule ids found in the source");
}

#[test]
fn the_scan_finds_rule_literals_and_only_them() {
    let text = r#"f("state.timeout", x); g("not.a-rule"); h("schema.type")
"the schema.type"; "input.aborted""#;
    let ids: Vec<_> = rule_literals(text).into_iter().map(|(_, id)| id).collect();
    assert_eq!(ids, ["state.timeout", "schema.type", "input.aborted"]);
}
