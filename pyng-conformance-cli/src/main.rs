//! `pyng-conformance`: check recorded or live traffic against the specs, and
//! serve the spec-driven sandbox.

use std::io::{IsTerminal, Write};
use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::process::ExitCode;

mod cli;

use clap::{CommandFactory, Parser, Subcommand};
use cli::report::{ReportArgs, verdict};
use cli::usage;
use pyng_conformance::{Engine, Secret};

#[derive(Parser)]
#[command(
    name = "pyng-conformance",
    version,
    about = "Check recorded status-API traffic against the pyng-kit specs",
    after_help = cli::help::TOP
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check HAR files, recordings, NDJSON streams or bare bodies (files and directories).
    #[command(after_help = cli::help::CHECK)]
    Check(CheckArgs),
    /// List every rule with its severity, description and source.
    #[command(after_help = cli::help::RULES)]
    Rules {
        /// Spec files to load instead of the bundled ones (repeatable).
        #[arg(long = "spec", value_name = "FILE")]
        specs: Vec<PathBuf>,
    },
    /// Run the spec-driven sandbox server (every operation of the loaded specs,
    /// scenarios, faults, token endpoint) until Ctrl-C.
    Serve(cli::serve::ServeArgs),
    /// Poll one resource of a spec operation on a live server, checking every
    /// response as it arrives and the whole sequence at the end.
    Poll(Box<cli::poll::PollArgs>),
    /// Forward any client's traffic to an upstream server (the sandbox or a
    /// real API), checking every exchange and sequence live; the report is
    /// written when it stops.
    Proxy(Box<cli::proxy::ProxyArgs>),
    /// Remove credentials (Authorization, cookies, token responses, client
    /// secrets, secret query parameters, known secret values) from a HAR file,
    /// a recording or an NDJSON stream; everything else is kept as written.
    #[command(after_help = cli::help::REDACT)]
    Redact(cli::redact::RedactArgs),
    /// Write a generated NDJSON corpus of conformant polling sequences (benchmarks).
    #[command(after_help = cli::help::GEN_CORPUS)]
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
    /// Write a shell completion script to stdout.
    #[command(hide = true, after_help = cli::help::COMPLETIONS)]
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Write the man page (roff) to stdout, or one page per command into DIR.
    #[command(hide = true, after_help = cli::help::MAN)]
    Man {
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
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
    /// The policy file (default: `pyng-conformance.toml` in the working
    /// directory, when there is one); flags win over it.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(flatten)]
    report: ReportArgs,
    /// Read every path as a bare response body of this operation.
    #[arg(long, value_name = "OPERATION_ID")]
    operation: Option<String>,
    /// The status of bare bodies.
    #[arg(long, default_value_t = 200, requires = "operation")]
    status: u16,
    /// The environment variable that holds the signing secret (never printed).
    #[arg(long, value_name = "NAME")]
    secret_env: Option<String>,
    /// Fail the run when an operation's traffic never reached a final state
    /// of its state machine (`state.final-not-reached`).
    #[arg(long)]
    require_final: bool,
    /// A gateway prefix in front of the specs' paths (`/gateway/v1`): paths
    /// that start with it are matched without it.
    #[arg(long, value_name = "PREFIX")]
    base_path: Option<String>,
    /// Paths of unrelated traffic (`/health`, `/static/**`) not reported as
    /// `input.unmatched` (repeatable); an exchange an operation matches is
    /// always checked.
    #[arg(long = "ignore-path", value_name = "GLOB")]
    ignore_paths: Vec<String>,
    /// Threads to check with (default: all cores, or `RAYON_NUM_THREADS`);
    /// 1 checks on the main thread without starting any; at most four per
    /// core are started. The report is the same whatever the number.
    #[arg(short = 'j', long, value_name = "N")]
    jobs: Option<NonZeroUsize>,
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
        Command::Serve(args) => cli::serve::run(args),
        Command::Poll(args) => cli::poll::run(*args),
        Command::Proxy(args) => cli::proxy::run(*args),
        Command::Redact(args) => cli::redact::run(args),
        Command::GenCorpus { size, seed, output } => gen_corpus(size, seed, output),
        Command::Completions { shell } => cli::help::completions(Cli::command(), shell),
        Command::Man { out } => cli::help::man(Cli::command(), out.as_deref()),
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
            cli::quiet_on_closed_pipe(
                pyng_conformance::corpus::write(&mut w, size, seed).and_then(|()| w.flush()),
            )
        }
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => usage(format!("cannot write the corpus: {e}")),
    }
}

pub(crate) fn load(specs: &[PathBuf]) -> Result<Engine, ExitCode> {
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
    match cli::write_stdout(out.as_bytes()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => usage(format!("cannot write the rules: {e}")),
    }
}

fn check(mut args: CheckArgs) -> ExitCode {
    match cli::config::find(args.config.as_deref()) {
        Ok(Some(config)) => apply_config(&mut args, config),
        Ok(None) => {}
        Err(e) => return usage(e),
    }
    let engine = match load(&args.specs) {
        Ok(e) => e,
        Err(code) => return code,
    };
    if let Some(op) = &args.operation
        && !engine.specs().iter().any(|s| s.operation(op).is_some())
    {
        return usage(format!("no loaded spec has an operation `{op}`"));
    }
    let mut engine = match args.report.configure(engine) {
        Ok(e) => e,
        Err(code) => return code,
    };
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
    engine = engine.require_final(args.require_final);
    if let Some(prefix) = &args.base_path {
        engine = engine.with_base_path(prefix);
    }
    engine = match engine.with_ignored_paths(&args.ignore_paths) {
        Ok(e) => e,
        Err(e) => return usage(e),
    };
    if let Some(jobs) = args.jobs {
        let most = Engine::max_threads();
        if jobs > most {
            eprintln!(
                "pyng-conformance: --jobs {jobs} is more than this machine can use; checking with {most} threads (four per core)"
            );
        }
        engine = match engine.with_threads(jobs) {
            Ok(e) => e,
            Err(e) => return usage(e),
        };
    }
    let (_, total) = {
        let (files, _) = engine.inputs(&args.paths);
        (files.len(), files.iter().map(|(_, n)| n).sum::<u64>())
    };
    let bar = progress_bar(total);
    let bare = args.operation.as_deref().map(|op| (op, args.status));
    let mut info = args.report.run_info(&engine, bare.is_some());
    let report = engine.check_paths_with(&args.paths, bare, &|n| {
        if let Some(b) = &bar {
            b.inc(n);
        }
    });
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    info.finish();
    if let Err(code) = args.report.emit(&report, &info) {
        return code;
    }
    verdict(&report)
}

/// The config file under the flags: a flag given wins, a list flag replaces
/// the file's list.
fn apply_config(args: &mut CheckArgs, config: cli::config::Config) {
    use cli::config::list;
    if args.specs.is_empty() {
        args.specs = config.specs;
    }
    list(&mut args.report.deny, &config.deny);
    list(&mut args.report.allow, &config.allow);
    list(&mut args.ignore_paths, &config.ignore_paths);
    args.report.strict |= config.strict;
    args.require_final |= config.require_final;
    if args.secret_env.is_none() {
        args.secret_env = config.secret_env;
    }
    if args.base_path.is_none() {
        args.base_path = config.base_path;
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
