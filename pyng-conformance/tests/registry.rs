//! The engine names every rule it emits by `pyng_spec::registry::RuleId`, so an
//! unregistered id cannot compile and a rule's severity is the registered one.
//! This test reads the source for `"category.name"` literals of a rule category:
//! none may stand outside the unit tests, and those in tests are registered.

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
fn the_engine_names_rules_by_rule_id_and_tests_name_registered_ones() {
    let mut files = Vec::new();
    sources(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    assert!(files.len() > 20, "the engine's source was not found");
    let mut as_text = Vec::new();
    let mut unregistered = Vec::new();
    for (file, text) in &files {
        // A file's unit tests follow its `#[cfg(test)]`.
        let code_end = text.find("#[cfg(test)]").unwrap_or(text.len());
        let code_lines = text[..code_end].lines().count();
        let lines: Vec<&str> = text.lines().collect();
        for (line, id) in rule_literals(text) {
            // Doc examples read findings; they do not emit them.
            let is_doc = lines[line - 1].trim_start().starts_with("//");
            if line <= code_lines && !is_doc {
                as_text.push(format!("{file}:{line}: `{id}`"));
            }
            if registry::lookup(id).is_none() {
                unregistered.push(format!("{file}:{line}: `{id}`"));
            }
        }
    }
    assert!(
        as_text.is_empty(),
        "rule ids written as text; name them by `RuleId` (`Finding::of`, `at_exchange`):\n{}",
        as_text.join("\n")
    );
    assert!(
        unregistered.is_empty(),
        "rule ids not in pyng_spec::registry (add them to the `registry!` table):\n{}",
        unregistered.join("\n")
    );
}

#[test]
fn the_scan_finds_rule_literals_and_only_them() {
    let text = r#"f("state.timeout", x); g("not.a-rule"); h("schema.type")
"the schema.type"; "input.aborted""#;
    let ids: Vec<_> = rule_literals(text).into_iter().map(|(_, id)| id).collect();
    assert_eq!(ids, ["state.timeout", "schema.type", "input.aborted"]);
}
