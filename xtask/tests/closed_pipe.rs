//! `cargo xtask diff ... | head`: a reader that goes away early ends the output
//! quietly; the command neither panics nor reports a failure of its own.

use std::process::{Command, Stdio};

#[test]
fn diff_into_a_closed_pipe_does_not_panic() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let mut child = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .current_dir(root)
        .args([
            "diff",
            "specs/pyng/transaction-status.yaml",
            "specs/pyng/checkout-session-status.yaml",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Close the read end before the child has loaded both specs and written.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!stderr.contains("Broken pipe"), "{stderr}");
    assert!(out.status.success(), "{:?}: {stderr}", out.status);
}
