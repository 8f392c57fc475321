//! The binary's subcommands beside `check`: `serve` (the sandbox), `poll`
//! (live checking), `proxy` (live checking of any client) and `redact` (credentials out of captures), and what they share with `check` (report output, policy,
//! durations, secrets from the environment).

pub mod config;
pub mod duration;
pub mod env;
pub mod help;
pub mod poll;
pub mod proxy;
pub mod recorded;
pub mod redact;
pub mod report;
pub mod serve;

use std::io::Write;
use std::process::ExitCode;

/// Writes `bytes` to stdout. A reader that has gone (`| head`) is not an
/// error: the output was wanted only as far as it was read.
pub fn write_stdout(bytes: &[u8]) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    quiet_on_closed_pipe(out.write_all(bytes).and_then(|()| out.flush()))
}

/// `result`, with a closed pipe counted as success.
pub fn quiet_on_closed_pipe(result: std::io::Result<()>) -> std::io::Result<()> {
    match result {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// A usage or configuration problem: message on stderr, exit status 2.
pub fn usage(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("pyng-conformance: {message}");
    ExitCode::from(2)
}
