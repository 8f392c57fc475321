//! Runs the `pyng-conformance` binary for the tests that check it from the
//! outside: one way to start it, with the colour variables of the test's own
//! environment removed so that every run sees the same terminal settings.

#![allow(dead_code)]

use std::path::Path;
use std::process::Command;

/// The workspace root, where `examples/` and `specs/` are.
pub const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

/// The signing secret of the bundled Peach examples, for `--secret-env`
/// (`examples/README.md`).
pub const PEACH_TEST_SECRET: &str = "5ee1e2a9c0ffee00d15ea5e5c0de1234";

/// Runs the binary in `dir` with `args` and `env` (plus `PEACH_TEST_SECRET`):
/// exit code (-1 for a signal), stdout, stderr.
pub fn run_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_pyng-conformance"));
    cmd.args(args)
        .current_dir(dir)
        .env("PEACH_TEST_SECRET", PEACH_TEST_SECRET);
    for name in ["NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "FORCE_COLOR"] {
        cmd.env_remove(name);
    }
    cmd.envs(env.iter().copied());
    let out = cmd.output().expect("the binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
