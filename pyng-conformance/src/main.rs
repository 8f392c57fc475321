//! `pyng-conformance`: check recorded traffic against the specs.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use pyng_conformance::report::{human, json, junit};
use pyng_conformance::{Engine, Policy, Secret};

#[derive(Parser)]
#[command(
    name = "pyng-conformance",
    version,
    about = "Check recorded status-API traffic against the pyng-kit specs"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check HAR files, recordings, NDJSON streams or bare bodies (files and directories).
    Check(CheckArgs),
    /// List every rule with its severity, description and source.
    Rules {
        /// Spec files to load instead of the bundled ones (repeatable).
        #[arg(long = "spec", value_name = "FILE")]
        specs: Vec<PathBuf>,
    },
    /// Write a generated NDJSON corpus of conformant polling sequences (benchmarks).
    GenCorpus {
        /// Number of exchanges (rounded up to whole sequences).
        #[arg(long, default_value_t = 100_000)]
        size: usize,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Output file (default: stdout).
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Files and directories (searched recursively for .har, .json, .ndjson, .jsonl).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Spec files to load instead of the bundled ones (repeatable).
    #[arg(long = "spec", value_name = "FILE")]
    specs: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Write the report to FILE instead of stdout.
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Make a rule (or a category such as `schema`) an error (repeatable).
    #[arg(long, value_name = "RULE")]
    deny: Vec<String>,
    /// Do not report a rule (or a category) (repeatable).
    #[arg(long, value_name = "RULE")]
    allow: Vec<String>,
    /// Warnings count as errors.
    #[arg(long)]
    strict: bool,
    /// Read every path as a bare response body of this operation.
    #[arg(long, value_name = "OPERATION_ID")]
    operation: Option<String>,
    /// The status of bare bodies.
    #[arg(long, default_value_t = 200, requires = "operation")]
    status: u16,
    /// The environment variable that holds the signing secret (never printed).
    #[arg(long, value_name = "NAME")]
    secret_env: Option<String>,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
    Junit,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match cli.command {
        Command::Rules { specs } => rules(&specs),
        Command::Check(args) => check(args),
        Command::GenCorpus { size, seed, output } => gen_corpus(size, seed, output),
    }
}

fn gen_corpus(size: usize, seed: u64, output: Option<PathBuf>) -> ExitCode {
    let written = match output {
        Some(path) => std::fs::File::create(&path).and_then(|f| {
            let mut w = std::io::BufWriter::new(f);
            pyng_conformance::corpus::write(&mut w, size, seed)?;
            w.flush()
        }),
        None => {
            let mut w = std::io::BufWriter::new(std::io::stdout().lock());
            pyng_conformance::corpus::write(&mut w, size, seed).and_then(|()| w.flush())
        }
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => usage(format!("cannot write the corpus: {e}")),
    }
}

fn usage(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("pyng-conformance: {message}");
    ExitCode::from(2)
}

fn load(specs: &[PathBuf]) -> Result<Engine, ExitCode> {
    let engine = if specs.is_empty() {
        Engine::with_bundled_specs()
    } else {
        Engine::with_specs(specs)
    };
    engine.map_err(usage)
}

fn rules(specs: &[PathBuf]) -> ExitCode {
    let engine = match load(specs) {
        Ok(e) => e,
        Err(code) => return code,
    };
    let mut out = String::new();
    for r in engine.rules() {
        out.push_str(&format!(
            "{:<34} {:<7} {}\n{:<42} source: {}\n",
            r.id, r.severity, r.description, "", r.source
        ));
    }
    let _ = std::io::stdout().write_all(out.as_bytes());
    ExitCode::SUCCESS
}

fn check(args: CheckArgs) -> ExitCode {
    let engine = match load(&args.specs) {
        Ok(e) => e,
        Err(code) => return code,
    };
    let rules = engine.rules();
    for pattern in args.deny.iter().chain(&args.allow) {
        if !Policy::known(pattern, &rules) {
            return usage(format!(
                "`{pattern}` is neither a rule id nor a category (see `pyng-conformance rules`)"
            ));
        }
    }
    if let Some(op) = &args.operation
        && !engine.specs().iter().any(|s| s.operation(op).is_some())
    {
        return usage(format!("no loaded spec has an operation `{op}`"));
    }
    let mut engine = engine
        .with_policy(Policy {
            deny: args.deny.clone(),
            allow: args.allow.clone(),
            strict: args.strict,
        })
        .record_sequences(matches!(args.format, Format::Junit));
    if let Some(name) = &args.secret_env {
        match std::env::var_os(name) {
            Some(v) if !v.is_empty() => {
                engine = engine.with_secret(Secret::new(v.as_encoded_bytes().to_vec()));
            }
            _ => {
                return usage(format!(
                    "--secret-env: the environment variable `{name}` is not set"
                ));
            }
        }
    }
    let (_, total) = {
        let (files, _) = engine.inputs(&args.paths);
        (files.len(), files.iter().map(|(_, n)| n).sum::<u64>())
    };
    let bar = progress_bar(total);
    let bare = args.operation.as_deref().map(|op| (op, args.status));
    let report = engine.check_paths_with(&args.paths, bare, &|n| {
        if let Some(b) = &bar {
            b.inc(n);
        }
    });
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let text = match args.format {
        Format::Human => {
            let colour = args.output.is_none()
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
            human::render(&report, colour)
        }
        Format::Json => json::render(&report),
        Format::Junit => junit::render(&report),
    };
    let written = match &args.output {
        Some(path) => std::fs::write(path, text.as_bytes()),
        None => std::io::stdout().write_all(text.as_bytes()),
    };
    if let Err(e) = written {
        return usage(format!("cannot write the report: {e}"));
    }
    if report.errors() > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// A byte-count progress bar, only on a terminal and only for runs worth one.
fn progress_bar(total: u64) -> Option<indicatif::ProgressBar> {
    const WORTH_IT: u64 = 8 << 20;
    if total < WORTH_IT || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(total);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
    ) {
        bar.set_style(style);
    }
    Some(bar)
}
