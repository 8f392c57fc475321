//! `examples/partner-shell/integration.sh`, a curl-based partner integration,
//! run against the sandbox through `proxy`: once behaving (no client finding)
//! and once misbehaving (polling too fast and on after the final state), with
//! the findings that says. Skipped, with a message, without `sh` or `curl`.

mod live_support;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use live_support::proxy_child::start;
use live_support::{CLIENT_ID, CLIENT_SECRET, SIGNING_SECRET, Sandbox, TOKEN, fresh_id};
use serde_json::Value;

const SCRIPT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../examples/partner-shell/integration.sh"
);

/// Whether `tool args` runs and succeeds.
fn runs(tool: &str, args: &[&str]) -> bool {
    Command::new(tool)
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Runs the integration through a proxy in front of `sandbox`; the report's
/// findings' rules and the proxy's stderr.
fn integrate(
    sandbox: &Sandbox,
    dir: &Path,
    interval: &str,
    after_final: &str,
    stop: &[&str],
) -> (Vec<String>, String) {
    let mut args = vec!["--format", "json", "--output", "report.json"];
    args.extend_from_slice(stop);
    let proxy = start(dir, &sandbox.url, &args);
    let mut child = Command::new("sh")
        .arg(SCRIPT)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("BASE_URL", &proxy.url)
        .env("PYNG_CLIENT_ID", CLIENT_ID)
        .env("PYNG_CLIENT_SECRET", CLIENT_SECRET)
        .env("PAYMENT_INTENT", fresh_id())
        .env("SCENARIO", "settled-1")
        .env("INTERVAL", interval)
        .env("POLLS_AFTER_FINAL", after_final)
        .env("MAX_POLLS", "6")
        .spawn()
        .unwrap();
    let status = live_support::wait_bounded(&mut child, Duration::from_secs(60));
    assert!(status.success(), "the integration failed");
    let ended = proxy.end();
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("report.json")).unwrap()).unwrap();
    for text in [&ended.stdout, &ended.stderr, &report.to_string()] {
        for s in [TOKEN, CLIENT_SECRET, SIGNING_SECRET] {
            assert!(!text.contains(s), "a secret reached an output");
        }
    }
    let rules = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["rule"].as_str().map(str::to_owned))
        .collect();
    (rules, ended.stderr)
}

#[test]
fn the_shell_integration_behaving_and_misbehaving() {
    if !runs("curl", &["--version"]) || !runs("sh", &["-c", "true"]) {
        eprintln!("skipped: the partner-shell example needs `sh` and `curl`");
        return;
    }
    let sandbox = Sandbox::start(1.0);
    // Behaving: the spec's 5 s, stopping at the final state.
    let dir = tempfile::tempdir().unwrap();
    let (rules, stderr) = integrate(&sandbox, dir.path(), "5", "0", &["--until-final", "1"]);
    let client: Vec<&String> = rules.iter().filter(|r| r.starts_with("client.")).collect();
    assert!(client.is_empty(), "{client:?}\n{stderr}");
    assert!(
        !rules
            .iter()
            .any(|r| r.starts_with("state.") || r.starts_with("schema.")),
        "{rules:?}"
    );
    // Misbehaving: no wait, and three polls after the final state.
    let dir = tempfile::tempdir().unwrap();
    let (rules, stderr) = integrate(&sandbox, dir.path(), "0", "3", &["--idle", "2s"]);
    for rule in ["client.poll-interval", "client.poll-after-final"] {
        assert!(
            rules.iter().any(|r| r == rule),
            "{rule} not in {rules:?}\n{stderr}"
        );
    }
}
