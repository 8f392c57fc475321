//! `cargo xtask`: repository automation.
//!
//! * `cargo xtask regenerate` lints every spec under `specs/`, generates its
//!   module, formats it and writes `pyng-models/src/generated/`, then prints what
//!   changed; `--check` writes nothing and fails naming each stale file.
//! * `cargo xtask diff OLD.yaml NEW.yaml` prints the semantic diff of two specs,
//!   each change classed breaking or not for a partner.
//! * `cargo xtask gen-corpus --size N` writes the benchmark corpus (N exchanges
//!   of NDJSON) by running `pyng-conformance gen-corpus`, which owns the
//!   generator (the benchmark uses the same code), so that xtask does not build
//!   the conformance engine's dependencies for its other commands.
//!
//! Exit codes: 0 success, 1 findings (stale files, a spec that does not load),
//! 2 usage errors.

mod diff_cmd;
mod regenerate;
mod summary;

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
    Diff { old: PathBuf, new: PathBuf },
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
        Command::Diff { old, new } => diff_cmd::run(&old, &new),
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
