//! Report output and severity policy, shared by `check` and `poll`.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::ValueEnum;
use pyng_conformance::report::{RunInfo, github, human, json, junit, sarif};
use pyng_conformance::{Engine, Policy, Report};

use super::usage;

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    Human,
    Json,
    Junit,
    /// SARIF 2.1.0 (code scanning).
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[derive(clap::Args)]
pub struct ReportArgs {
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Colour in the human report. `auto`: only on a terminal (stdout, no
    /// --output), off when NO_COLOR is non-empty or CLICOLOR=0, forced on
    /// when CLICOLOR_FORCE or FORCE_COLOR is non-empty and not `0` (NO_COLOR
    /// wins over them). `always`/`never` override the environment.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = Color::Auto)]
    pub color: Color,
    /// Write the report to FILE instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Make a rule (or a category such as `schema`) an error (repeatable).
    #[arg(long, value_name = "RULE")]
    pub deny: Vec<String>,
    /// Do not report a rule (or a category) (repeatable).
    #[arg(long, value_name = "RULE")]
    pub allow: Vec<String>,
    /// Warnings count as errors.
    #[arg(long)]
    pub strict: bool,
}

impl ReportArgs {
    /// The engine with the policy and sequence records the report needs;
    /// `Err` for an unknown rule in `--deny`/`--allow`.
    pub fn configure(&self, engine: Engine) -> Result<Engine, ExitCode> {
        let rules = engine.rules();
        for pattern in self.deny.iter().chain(&self.allow) {
            if !Policy::known(pattern, &rules) {
                return Err(usage(format!(
                    "`{pattern}` is neither a rule id nor a category (see `pyng-conformance rules`)"
                )));
            }
        }
        Ok(engine
            .with_policy(Policy {
                deny: self.deny.clone(),
                allow: self.allow.clone(),
                strict: self.strict,
            })
            .record_sequences(matches!(self.format, Format::Junit)))
    }

    /// What the reports say about the run (specs, rules, skipped rules); the
    /// run starts now. Call on the configured engine.
    pub fn run_info(&self, engine: &Engine, bare: bool) -> RunInfo {
        RunInfo::start(engine)
            .with_policy(&Policy {
                deny: self.deny.clone(),
                allow: self.allow.clone(),
                strict: self.strict,
            })
            .with_bare(bare)
    }

    fn colour(&self) -> bool {
        match self.color {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => pyng_spec::diag::colour_wanted(
                self.output.is_none() && std::io::stdout().is_terminal(),
                |name| std::env::var_os(name),
            ),
        }
    }

    /// Writes the report; `Err` when it cannot be written.
    pub fn emit(&self, report: &Report, info: &RunInfo) -> Result<(), ExitCode> {
        let text = match self.format {
            Format::Human => human::render(report, self.colour()),
            Format::Json => json::render_with(report, info),
            Format::Junit => junit::render_with(report, info),
            Format::Sarif => sarif::render(report, info),
            Format::Github => github::render(report, info),
        };
        let written = match &self.output {
            Some(path) => std::fs::write(path, text.as_bytes()),
            None => super::write_stdout(text.as_bytes()),
        };
        written.map_err(|e| usage(format!("cannot write the report: {e}")))
    }
}

/// 1 when any finding is an error, else 0.
pub fn verdict(report: &Report) -> ExitCode {
    if report.errors() > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
