//! `cargo xtask`: repository automation.
//!
//! * `cargo xtask regenerate` lints every spec under `specs/`, generates its
//!   module, formats it and writes `pyng-models/src/generated/`, then prints what
//!   changed; `--check` writes nothing and fails naming each stale file.
//! * `cargo xtask diff OLD.yaml NEW.yaml` prints the semantic diff of two specs,
//!   each change classed breaking or not for a partner, as text, JSON or
//!   Markdown; `--fail-on breaking` makes it a PR gate.
//! * `cargo xtask gen-corpus --size N` writes the benchmark corpus (N exchanges
//!   of NDJSON) by running `pyng-conformance gen-corpus`, which owns the
//!   generator (the benchmark uses the same code), so that xtask does not build
//!   the conformance engine's dependencies for its other commands.
//!
//! Exit codes: 0 success, 1 findings (stale files, a spec that does not load,
//! changes `--fail-on` names), 2 usage errors. A closed stdout (`| head`) ends
//! the output quietly.

mod diff_cmd;
#[cfg(test)]
mod draft_loop;
mod regenerate;
mod summary;

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "cargo xtask", about = "pyng-kit repository automation")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Lint the specs and regenerate pyng-models/src/generated/.
    Regenerate {
        /// Write nothing; fail if any generated file is stale.
        #[arg(long)]
        check: bool,
    },
    /// Semantic diff of two spec files, each change classed breaking or not.
    #[command(after_help = DIFF_HELP)]
    Diff(diff_cmd::DiffArgs),
    /// Write a generated NDJSON corpus of conformant polling sequences (the
    /// benchmark's input) with `pyng-conformance gen-corpus`.
    GenCorpus {
        /// Number of exchanges (rounded up to whole sequences).
        #[arg(long, default_value_t = 100_000)]
        size: usize,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Output file (default: stdout).
        #[arg(long)]
        output: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let result = match cli.command {
        Command::Regenerate { check } => regenerate::run(&workspace_root(), check),
        Command::Diff(args) => match diff_cmd::run(&args, &mut io::stdout().lock()) {
            Ok(diff_cmd::Verdict::Pass) => Ok(()),
            Ok(diff_cmd::Verdict::Fail(n)) => Err(match args.fail_on {
                diff_cmd::FailOn::Breaking => {
                    format!("{n} breaking change(s) (--fail-on breaking)")
                }
                _ => format!("{n} change(s) (--fail-on any)"),
            }),
            Err(e) => Err(e),
        },
        Command::GenCorpus { size, seed, output } => gen_corpus(size, seed, output),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::from(1)
        }
    }
}

const DIFF_HELP: &str = "\
Exit codes: 0 no change --fail-on names, 1 such changes (or a spec that does not load), 2 usage error.

Examples:
  cargo xtask diff main:specs/pyng/checkout-session-status.yaml specs/pyng/checkout-session-status.yaml --fail-on breaking
  cargo xtask diff HEAD:specs/pyng/checkout-session-status.yaml specs/pyng/checkout-session-status.yaml --format markdown > diff.md
  cargo xtask diff old.yaml new.yaml

`REV:PATH` reads the spec, and the files it refers to, from that git revision.";

/// Writes `text` to `out`; a closed pipe (`| head`) ends the output quietly
/// instead of failing or panicking.
pub fn write_out(out: &mut dyn Write, text: &str) -> Result<(), String> {
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(format!("cannot write to stdout: {e}")),
    }
}

fn gen_corpus(size: usize, seed: u64, output: Option<PathBuf>) -> Result<(), String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = std::process::Command::new(cargo);
    cmd.current_dir(workspace_root()).args([
        "run",
        "--quiet",
        "--release",
        "-p",
        "pyng-conformance-cli",
        "--",
        "gen-corpus",
        "--size",
        &size.to_string(),
        "--seed",
        &seed.to_string(),
    ]);
    if let Some(output) = output {
        // Relative to where xtask was run, not to the workspace root.
        let here = std::env::current_dir().map_err(|e| format!("no current directory: {e}"))?;
        cmd.arg("--output").arg(here.join(output));
    }
    let status = cmd.status().map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("pyng-conformance gen-corpus failed ({status})"))
    }
}

/// The workspace root: xtask lives one level below it.
fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}
