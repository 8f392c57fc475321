//! A bad spec is a `compile_error!` naming the spec file, line and column.
//!
//! trybuild compiles each case in a scratch crate whose `CARGO_MANIFEST_DIR`
//! does not hold the fixtures, so the macro honours `PYNG_DERIVE_MANIFEST_DIR`
//! first. Setting a variable in this process would need `unsafe` (edition 2024),
//! which the workspace forbids; instead the test re-runs itself as a child
//! process with the variable set, and the child runs trybuild.

use std::process::Command;

const INNER: &str = "trybuild_cases";

#[test]
fn bad_specs_are_compile_errors() {
    let exe = std::env::current_exe().unwrap();
    let out = Command::new(exe)
        .args([INNER, "--exact", "--ignored", "--nocapture"])
        .env("PYNG_DERIVE_MANIFEST_DIR", env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{report}");
    assert!(
        report.contains("1 passed"),
        "the trybuild cases did not run:\n{report}"
    );
}

/// Run by [`bad_specs_are_compile_errors`] in a child process.
#[test]
#[ignore = "run by bad_specs_are_compile_errors with PYNG_DERIVE_MANIFEST_DIR set"]
fn trybuild_cases() {
    assert!(std::env::var_os("PYNG_DERIVE_MANIFEST_DIR").is_some());
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/compile-fail/*.rs");
}
