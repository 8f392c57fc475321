//! `pyng-conformance ... | head`: when the reader of stdout goes away early, no
//! subcommand panics or reports the closed pipe as a failure of its own; the
//! exit status is what the run found.

use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_pyng-conformance");

/// Runs `args` with stdout closed before the child writes, returning its exit
/// code and stderr.
fn with_closed_stdout(args: &[&str]) -> (Option<i32>, String) {
    let mut child = Command::new(BIN)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn no_subcommand_panics_or_complains_on_a_closed_stdout() {
    let cases: &[(&[&str], i32)] = &[
        (&["rules"], 0),
        // The bundled recordings hold errors by design: exit 1, not 2 or 101.
        (&["check", "examples/recordings"], 1),
        (&["check", "examples/recordings", "--format", "json"], 1),
        (&["gen-corpus", "--size", "20000"], 0),
        (&["completions", "bash"], 0),
        (&["man"], 0),
    ];
    for (args, expected) in cases {
        let (code, stderr) = with_closed_stdout(args);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(!stderr.contains("Broken pipe"), "{args:?}: {stderr}");
        assert_eq!(code, Some(*expected), "{args:?}: {stderr}");
    }
}
