//! `--help` says what a user needs (exit codes, examples) for every
//! subcommand; shell completions and the man page render.

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_pyng-conformance");
const SUBCOMMANDS: [&str; 7] = [
    "check",
    "rules",
    "serve",
    "poll",
    "proxy",
    "redact",
    "gen-corpus",
];

fn run(args: &[&str]) -> String {
    let out = Command::new(BIN).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {:?}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn every_subcommand_help_has_exit_codes_and_examples() {
    for sub in SUBCOMMANDS.iter().chain(&["completions", "man"]) {
        for flag in ["--help", "-h"] {
            let help = run(&[sub, flag]);
            assert!(help.contains("Exit codes"), "{sub} {flag}:\n{help}");
            assert!(help.contains("Examples:"), "{sub} {flag}:\n{help}");
            let examples = help.split("Examples:").nth(1).unwrap();
            let count = examples
                .lines()
                .filter(|l| {
                    l.trim_start().starts_with("pyng-conformance ")
                        || l.contains(" pyng-conformance ")
                })
                .count();
            assert!(count >= 2, "{sub}: two examples:\n{examples}");
        }
    }
    assert!(run(&["--help"]).contains("Exit codes"));
}

#[test]
fn completions_mention_the_subcommands() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let script = run(&["completions", shell]);
        assert!(!script.is_empty(), "{shell}");
        for sub in SUBCOMMANDS {
            assert!(script.contains(sub), "{shell} completions lack {sub}");
        }
    }
}

#[test]
fn man_page_renders_with_every_subcommand() {
    let page = run(&["man"]);
    assert!(
        page.starts_with(".ie") || page.contains(".TH"),
        "roff:\n{page}"
    );
    assert!(page.contains("pyng\\-conformance"));
    for sub in SUBCOMMANDS {
        let roff = sub.replace('-', "\\-");
        assert!(page.contains(&roff), "the man page lacks {sub}");
    }

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("man1");
    run(&["man", "--out", out.to_str().unwrap()]);
    for sub in SUBCOMMANDS {
        let file = out.join(format!("pyng-conformance-{sub}.1"));
        let page = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{file:?}: {e}"));
        assert!(page.contains("Exit codes"), "{sub}.1 lacks the exit codes");
    }
    assert!(out.join("pyng-conformance.1").is_file());
}
