//! The binary's subcommands beside `check`: `serve` (the sandbox) and `poll`
//! (live checking), and what they share with `check` (report output, policy,
//! durations, secrets from the environment).

pub mod config;
pub mod duration;
pub mod env;
pub mod help;
pub mod poll;
pub mod report;
pub mod serve;

use std::process::ExitCode;

/// A usage or configuration problem: message on stderr, exit status 2.
pub fn usage(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("pyng-conformance: {message}");
    ExitCode::from(2)
}
