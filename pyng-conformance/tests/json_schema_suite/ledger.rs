//! The committed record of the run: `known-gaps.txt` (every case a layer gets
//! wrong today) and the totals in `specs/README.md`. The test fails when the
//! run and the record differ; `PYNG_BLESS=1` rewrites the record instead.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::verdict::{Layer, Outcome, Verdict};

const BLESS: &str = "PYNG_BLESS";
const REFRESH: &str = "PYNG_BLESS=1 cargo test -p pyng-conformance --test json_schema_suite";
const SKIPPED_BEGIN: &str = "<!-- json-schema-suite:skipped -->";
const SKIPPED_END: &str = "<!-- /json-schema-suite:skipped -->";

/// The two tests of the suite share both files.
static FILES: Mutex<()> = Mutex::new(());

/// A group outside the subset, as listed in `specs/README.md`.
pub struct Skipped {
    pub group_id: String,
    pub description: String,
    pub reason: String,
    pub cases: usize,
}

fn known_gaps_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/json_schema_suite/known-gaps.txt")
}

fn readme_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/README.md")
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Totals {
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
}

pub fn totals(outcomes: &[Outcome], layer: Layer) -> Totals {
    let mut t = Totals::default();
    for o in outcomes.iter().filter(|o| o.layer == layer) {
        match o.verdict {
            Verdict::Pass => t.passed += 1,
            Verdict::Fail(_) => t.failed += 1,
            Verdict::Skip(_) => t.skipped += 1,
        }
    }
    t
}

fn row(layer: Layer, t: Totals) -> String {
    format!(
        "| {} | {} | {} | {} |",
        layer.label(),
        t.passed,
        t.failed,
        t.skipped
    )
}

/// Compares the run of `layers` with the record; on a difference, rewrites
/// the record under `PYNG_BLESS=1`, and otherwise fails naming every one.
pub fn reconcile(layers: &[Layer], outcomes: &[Outcome], skipped: Option<&[Skipped]>) {
    let _guard = FILES.lock().unwrap_or_else(|e| e.into_inner());
    let gaps_path = known_gaps_path();
    let gaps_text = std::fs::read_to_string(&gaps_path).unwrap_or_default();
    let readme_text = std::fs::read_to_string(readme_path()).expect("specs/README.md");
    let mut problems = Vec::new();

    let mut listed = BTreeSet::new();
    for (n, line) in gaps_text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut words = line.split_whitespace();
        let (Some(key), Some(id)) = (words.next(), words.next()) else {
            problems.push(format!("known-gaps.txt:{}: not `<layer> <case id>`", n + 1));
            continue;
        };
        match Layer::from_key(key) {
            Some(layer) if layers.contains(&layer) => {
                listed.insert((layer, id.to_owned()));
            }
            Some(_) => {}
            None => problems.push(format!("known-gaps.txt:{}: unknown layer `{key}`", n + 1)),
        }
    }
    let failing: Vec<&Outcome> = outcomes
        .iter()
        .filter(|o| layers.contains(&o.layer) && matches!(o.verdict, Verdict::Fail(_)))
        .collect();
    for o in &failing {
        if !listed.contains(&(o.layer, o.case_id.clone())) {
            let Verdict::Fail(why) = &o.verdict else {
                continue;
            };
            problems.push(format!(
                "{} {} fails and is not a known gap: {why} ({:?})",
                o.layer.key(),
                o.case_id,
                o.description
            ));
        }
    }
    for (layer, id) in &listed {
        let now = outcomes
            .iter()
            .find(|o| o.layer == *layer && o.case_id == *id);
        let state = match now.map(|o| &o.verdict) {
            Some(Verdict::Fail(_)) => continue,
            Some(Verdict::Pass) => "now passes",
            Some(Verdict::Skip(_)) => "is skipped (outside the subset)",
            None => "is not a case of the suite",
        };
        problems.push(format!(
            "stale known gap: {} {id} {state}; remove its line",
            layer.key()
        ));
    }

    let mut readme = readme_text.clone();
    for &layer in layers {
        let wanted = row(layer, totals(outcomes, layer));
        let prefix = format!("| {} |", layer.label());
        match readme.lines().find(|l| l.starts_with(&prefix)) {
            Some(line) if line == wanted => {}
            Some(line) => {
                problems.push(format!(
                    "specs/README.md records `{line}`, the run gives `{wanted}`"
                ));
                readme = readme.replacen(line, &wanted, 1);
            }
            None => problems.push(format!(
                "specs/README.md has no totals row starting `{prefix}` (add one; the test keeps it true)"
            )),
        }
    }
    if let Some(skipped) = skipped {
        let wanted = skipped_list(skipped);
        match between(&readme, SKIPPED_BEGIN, SKIPPED_END) {
            Some((start, end)) if readme[start..end] == wanted => {}
            Some((start, end)) => {
                problems
                    .push("specs/README.md's list of skipped groups differs from the run".into());
                readme.replace_range(start..end, &wanted);
            }
            None => problems.push(format!(
                "specs/README.md has no `{SKIPPED_BEGIN}` ... `{SKIPPED_END}` block"
            )),
        }
    }

    if problems.is_empty() {
        return;
    }
    if std::env::var(BLESS).is_ok_and(|v| v == "1") {
        std::fs::write(&gaps_path, known_gaps(&gaps_text, layers, outcomes))
            .expect("write known-gaps.txt");
        if readme != readme_text {
            std::fs::write(readme_path(), &readme).expect("write specs/README.md");
        }
        eprintln!(
            "{BLESS}=1: rewrote {} and specs/README.md for {} difference(s); review the diff",
            gaps_path.display(),
            problems.len()
        );
        return;
    }
    panic!(
        "the JSON-Schema-Test-Suite run differs from its record ({} problem(s)):\n  {}\n\n\
         If the change is intended (a gap closed, a keyword added), refresh \
         pyng-conformance/tests/json_schema_suite/known-gaps.txt and specs/README.md with\n  {REFRESH}\n\
         and review the diff. Never list a case that used to pass.",
        problems.len(),
        problems.join("\n  ")
    );
}

/// The file with `layers`' lines replaced by the run's failures, other
/// layers' lines kept.
fn known_gaps(old: &str, layers: &[Layer], outcomes: &[Outcome]) -> String {
    let mut out = String::from(
        "# Known gaps of pyng-kit against the JSON-Schema-Test-Suite (draft 4, in-subset cases):\n\
         # `<layer> <case id>  # the case's description`, one line per case a layer gets wrong.\n\
         # Layers: validate, stream, engine, codegen (specs/README.md, \"The external judge\").\n\
         # pyng-conformance/tests/json_schema_suite.rs fails on a failure not listed here and on\n\
         # a listed case that passes; refresh with:\n",
    );
    out.push_str(&format!("#   {REFRESH}\n"));
    for layer in Layer::ALL {
        if layers.contains(&layer) {
            for o in outcomes.iter().filter(|o| o.layer == layer) {
                if matches!(o.verdict, Verdict::Fail(_)) {
                    out.push_str(&format!(
                        "{} {}  # {}\n",
                        layer.key(),
                        o.case_id,
                        o.description.replace('\n', " ")
                    ));
                }
            }
        } else {
            for line in old.lines() {
                if line.split_whitespace().next() == Some(layer.key()) {
                    out.push_str(line);
                    out.push('\n');
                }
            }
        }
    }
    out
}

fn skipped_list(skipped: &[Skipped]) -> String {
    let mut out = String::from("\n");
    for s in skipped {
        let cases = if s.cases == 1 { "case" } else { "cases" };
        out.push_str(&format!(
            "- `{}` ({} {cases}) {:?}: {}\n",
            s.group_id, s.cases, s.description, s.reason
        ));
    }
    out
}

/// The byte range between two markers.
fn between(text: &str, begin: &str, end: &str) -> Option<(usize, usize)> {
    let start = text.find(begin)? + begin.len();
    let len = text[start..].find(end)?;
    Some((start, start + len))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failing(layer: Layer, id: &str) -> Outcome {
        Outcome {
            layer,
            case_id: id.to_owned(),
            description: "d".to_owned(),
            verdict: Verdict::Fail("why".to_owned()),
        }
    }

    #[test]
    fn a_refresh_rewrites_only_the_layers_that_ran() {
        let old = "# header\nvalidate a.json#0.0  # d\ncodegen b.json#1.2  # kept\n";
        let outcomes = [
            failing(Layer::Validate, "c.json#0.1"),
            Outcome {
                verdict: Verdict::Pass,
                ..failing(Layer::Validate, "a.json#0.0")
            },
        ];
        let new = known_gaps(old, &[Layer::Validate, Layer::Stream], &outcomes);
        let entries: Vec<&str> = new.lines().filter(|l| !l.starts_with('#')).collect();
        assert_eq!(
            entries,
            ["validate c.json#0.1  # d", "codegen b.json#1.2  # kept"]
        );
    }
}
