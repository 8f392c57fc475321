//! One snapshot per spec of the formatted generated code: a spec edit shows up as
//! a reviewable diff (`cargo insta review`). CI runs with `INSTA_UPDATE=no`, so a
//! stale snapshot fails; `no_orphaned_snapshots` fails on snapshots whose spec is
//! gone.
#![cfg(feature = "codegen")]

use std::path::{Path, PathBuf};

fn specs_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../specs")
}

/// Loads a spec by its path relative to the workspace root, as the xtask does,
/// so that nothing machine-specific reaches the snapshot.
fn render(path: &Path) -> String {
    let specs = specs_dir().canonicalize().unwrap();
    let path = path.canonicalize().unwrap();
    let under = path
        .strip_prefix(&specs)
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/");
    let rel = format!("specs/{under}");
    let text = std::fs::read_to_string(&path).unwrap();
    let loaded = pyng_spec::load_str(&rel, &text).unwrap_or_else(|d| panic!("{rel}:\n{d}"));
    pyng_spec::codegen::render(&loaded.spec).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn generated_code() {
    insta::glob!("../../specs", "**/*.yaml", |path| {
        insta::assert_snapshot!(render(path));
    });
}

/// The glob above names each snapshot `codegen_snapshots__generated_code@<path
/// under specs/ with / as __>.snap`; every such file must have its spec.
#[test]
fn no_orphaned_snapshots() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let prefix = "codegen_snapshots__generated_code@";
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix(prefix) else {
            continue;
        };
        let spec = rest.trim_end_matches(".snap").replace("__", "/");
        assert!(
            specs_dir().join(&spec).is_file(),
            "snapshot {name} has no spec specs/{spec}; delete it"
        );
        seen += 1;
    }
    assert!(seen >= 3, "expected a snapshot per spec, found {seen}");
}
