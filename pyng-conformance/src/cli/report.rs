//! Report output and severity policy, shared by `check` and `poll`.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::ValueEnum;
use pyng_conformance::report::{human, json, junit};
use pyng_conformance::{Engine, Policy, Report};

use super::usage;

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    Human,
    Json,
    Junit,
}

#[derive(clap::Args)]
pub struct ReportArgs {
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
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

    /// Writes the report; `Err` when it cannot be written.
    pub fn emit(&self, report: &Report) -> Result<(), ExitCode> {
        let text = match self.format {
            Format::Human => {
                let colour = self.output.is_none()
                    && std::io::stdout().is_terminal()
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
                human::render(report, colour)
            }
            Format::Json => json::render(report),
            Format::Junit => junit::render(report),
        };
        let written = match &self.output {
            Some(path) => std::fs::write(path, text.as_bytes()),
            None => std::io::stdout().write_all(text.as_bytes()),
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
