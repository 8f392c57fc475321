//! `pyng-conformance.toml`: the policy written once, found in the working
//! directory or given with `--config`; flags win; an unknown key is an error.

mod binary;

use std::path::Path;

const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/recordings");

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    binary::run_in(dir, args, &[("NO_COLOR", "1")])
}

#[test]
fn the_working_directory_config_sets_the_policy_and_flags_win() {
    let dir = tempfile::tempdir().unwrap();
    let timeout = format!("{EXAMPLES}/pyng-transaction-qr-pending-timeout.json");
    assert_eq!(
        run(dir.path(), &["check", &timeout]).0,
        1,
        "a timeout fails without a config"
    );
    std::fs::write(
        dir.path().join("pyng-conformance.toml"),
        "allow = [\"state.timeout\"]\n",
    )
    .unwrap();
    let (code, out, err) = run(dir.path(), &["check", &timeout]);
    assert_eq!(code, 0, "{out}{err}");
    // A flag list replaces the file's: the timeout is reported again.
    let (code, out, _) = run(
        dir.path(),
        &["check", &timeout, "--allow", "input.unmatched"],
    );
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("state.timeout"));
}

#[test]
fn a_given_config_carries_secret_env_and_gates() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("ci.toml");
    std::fs::write(
        &config,
        "secret-env = \"PEACH_TEST_SECRET\"\nrequire-final = true\nstrict = true\n",
    )
    .unwrap();
    let bad = format!("{EXAMPLES}/peach-bad-signature.json");
    let (code, out, _) = run(
        dir.path(),
        &["check", &bad, "--config", config.to_str().unwrap()],
    );
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("signature."),
        "the secret from the config was used: {out}"
    );
    let open = format!("{EXAMPLES}/pyng-transaction-qr-pending-timeout.json");
    let (_, out, _) = run(
        dir.path(),
        &["check", &open, "--config", config.to_str().unwrap()],
    );
    assert!(out.contains("state.final-not-reached"), "{out}");
}

#[test]
fn unknown_keys_and_missing_files_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pyng-conformance.toml"),
        "deny = []\nstrikt = true\n",
    )
    .unwrap();
    let clean = format!("{EXAMPLES}/pyng-transaction-clean.json");
    let (code, _, err) = run(dir.path(), &["check", &clean]);
    assert_eq!(code, 2);
    assert!(
        err.contains("strikt") && err.contains("pyng-conformance.toml"),
        "{err}"
    );
    let (code, _, err) = run(dir.path(), &["check", &clean, "--config", "nope.toml"]);
    assert_eq!(code, 2);
    assert!(err.contains("nope.toml"), "{err}");
}
