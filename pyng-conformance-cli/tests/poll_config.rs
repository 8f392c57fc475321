//! `poll` reads the same policy file as `check`, and `--require-final` fails a
//! poll whose resource never reached a final state.

mod live_support;

use live_support::*;

fn poll_pending(url: &str, extra: &[&str]) -> Output {
    let mut args: Vec<String> = [
        "poll",
        "--base-url",
        url,
        "--payment-intent",
        "pi-pending",
        "--site",
        "site-1",
        "--interval",
        "50ms",
        "--deadline",
        "400ms",
        "--quiet",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    run(&args, &[("PYNG_ACCESS_TOKEN", TOKEN)])
}

#[test]
fn require_final_fails_a_poll_that_never_reached_a_final_state() {
    let sandbox = Sandbox::start(1.0);
    // Without the gate, a resource still pending at the deadline is no error.
    let plain = poll_pending(&sandbox.url, &[]);
    assert_eq!(plain.code(), 0, "{}\n{}", plain.stdout, plain.stderr);
    assert!(!plain.stdout.contains("state.final-not-reached"));
    let gated = poll_pending(&sandbox.url, &["--require-final"]);
    assert_eq!(gated.code(), 1, "{}\n{}", gated.stdout, gated.stderr);
    assert!(
        gated.stdout.contains("error[state.final-not-reached]"),
        "{}",
        gated.stdout
    );
}

#[test]
fn the_config_file_sets_polls_policy_and_flags_win() {
    let sandbox = Sandbox::start(1.0);
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("ci.toml");
    std::fs::write(&config, "require-final = true\n").unwrap();
    let config = config.to_str().unwrap();
    let gated = poll_pending(&sandbox.url, &["--config", config]);
    assert_eq!(gated.code(), 1, "{}\n{}", gated.stdout, gated.stderr);
    assert!(gated.stdout.contains("state.final-not-reached"));
    // `--allow` on the command line wins over the file's (empty) allow list.
    let allowed = poll_pending(
        &sandbox.url,
        &["--config", config, "--allow", "state.final-not-reached"],
    );
    assert_eq!(allowed.code(), 0, "{}\n{}", allowed.stdout, allowed.stderr);
    // An unknown key is a usage error naming the key.
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "require-finall = true\n").unwrap();
    let out = poll_pending(&sandbox.url, &["--config", bad.to_str().unwrap()]);
    assert_eq!(out.code(), 2, "{}", out.stderr);
    assert!(out.stderr.contains("require-finall"), "{}", out.stderr);
}
