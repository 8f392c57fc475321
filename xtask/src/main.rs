//! `cargo xtask`: repository automation.
//!
//! * `cargo xtask regenerate` lints every spec under `specs/`, generates its
//!   module, formats it and writes `pyng-models/src/generated/`, then prints what
//!   changed; `--check` writes nothing and fails naming each stale file.
//! * `cargo xtask diff OLD.yaml NEW.yaml` prints the semantic diff of two specs,
//!   each change classed breaking or not for a partner.
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
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::from(1)
        }
    }
}

/// The workspace root: xtask lives one level below it.
fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}
