//! The engine library builds without the CLI's, the poller's or the sandbox's
//! dependencies: a partner's test crate that uses `Engine` compiles none of them.

use std::process::Command;

/// Crates that belong to the command (`pyng-conformance-cli`), the live poller
/// or the sandbox server, never to the engine.
const FORBIDDEN: &[&str] = &[
    "axum",
    "tokio",
    "hyper",
    "ureq",
    "rustls",
    "clap",
    "indicatif",
    "ctrlc",
    "toml",
    "pyng-sandbox",
];

#[test]
fn engine_library_has_no_cli_poller_or_server_dependency() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "tree",
            "-p",
            "pyng-conformance",
            "--edges",
            "normal",
            "--prefix",
            "none",
            "--format",
            "{p}",
            "--locked",
            "--offline",
        ])
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let tree = String::from_utf8(out.stdout).unwrap();
    let names: Vec<&str> = tree
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(names.contains(&"pyng-spec"), "unexpected tree:\n{tree}");
    let found: Vec<&&str> = FORBIDDEN.iter().filter(|f| names.contains(f)).collect();
    assert!(
        found.is_empty(),
        "the engine library depends on {found:?}; move that code to pyng-conformance-cli:\n{tree}"
    );
}
