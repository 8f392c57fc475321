//! The vendored suite files, read into groups and cases with stable ids.

use std::path::{Path, PathBuf};

use super::json::Json;

/// One group of a file: a schema and the cases checked against it.
#[derive(Debug)]
pub struct Group {
    /// `<file under draft4/>#<index>`: `optional/bignum.json#3`.
    pub id: String,
    pub description: String,
    pub schema: Json,
    pub cases: Vec<Case>,
}

#[derive(Debug)]
pub struct Case {
    /// `<group id>.<index>`: `type.json#0.1`.
    pub id: String,
    pub description: String,
    /// The instance, numbers as written in the file.
    pub data: Json,
    /// What the suite says a validator answers.
    pub valid: bool,
}

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/json-schema-test-suite/draft4")
}

/// Every group of every `.json` file under `draft4/`, files in path order.
pub fn groups() -> Vec<Group> {
    let root = root();
    let mut files = Vec::new();
    collect(&root, &mut files);
    files.sort();
    assert!(
        files.len() >= 20,
        "only {} suite files under {}",
        files.len(),
        root.display()
    );
    let mut groups = Vec::new();
    for path in files {
        let rel = path
            .strip_prefix(&root)
            .unwrap_or(&path)
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{rel}: {e}"));
        let parsed = Json::parse(&text).unwrap_or_else(|e| panic!("{rel}: {e}"));
        groups.extend(file_groups(&rel, &parsed).unwrap_or_else(|e| panic!("{rel}: {e}")));
    }
    groups
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries.flatten() {
        let p = entry.path();
        if p.is_dir() {
            collect(&p, out);
        } else if p.extension().is_some_and(|e| e == "json") {
            out.push(p);
        }
    }
}

fn file_groups(rel: &str, file: &Json) -> Result<Vec<Group>, String> {
    let Json::Array(groups) = file else {
        return Err("not a list of groups".into());
    };
    groups
        .iter()
        .enumerate()
        .map(|(gi, g)| {
            let id = format!("{rel}#{gi}");
            let text = |key: &str| {
                g.get(key)
                    .and_then(Json::as_str)
                    .map(str::to_owned)
                    .ok_or(format!("{id}: no `{key}`"))
            };
            let Some(Json::Array(tests)) = g.get("tests") else {
                return Err(format!("{id}: no `tests` list"));
            };
            let cases = tests
                .iter()
                .enumerate()
                .map(|(ci, t)| {
                    let case_id = format!("{id}.{ci}");
                    Ok(Case {
                        description: t
                            .get("description")
                            .and_then(Json::as_str)
                            .ok_or(format!("{case_id}: no `description`"))?
                            .to_owned(),
                        data: t
                            .get("data")
                            .cloned()
                            .ok_or(format!("{case_id}: no `data`"))?,
                        valid: match t.get("valid") {
                            Some(Json::Bool(b)) => *b,
                            _ => return Err(format!("{case_id}: `valid` is not a boolean")),
                        },
                        id: case_id,
                    })
                })
                .collect::<Result<Vec<_>, String>>()?;
            Ok(Group {
                description: text("description")?,
                schema: g
                    .get("schema")
                    .cloned()
                    .ok_or(format!("{id}: no `schema`"))?,
                cases,
                id,
            })
        })
        .collect()
}

/// The number of cases in the files, counted by serde_json independently of
/// [`groups`]: the harness must account for every one.
pub fn case_count() -> usize {
    let mut files = Vec::new();
    collect(&root(), &mut files);
    files
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).unwrap_or_default();
            let v: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
            v.as_array()
                .map(|gs| {
                    gs.iter()
                        .map(|g| g["tests"].as_array().map_or(0, Vec::len))
                        .sum::<usize>()
                })
                .unwrap_or(0)
        })
        .sum()
}
