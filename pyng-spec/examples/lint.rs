//! Lints spec files: `cargo run -p pyng-spec --example lint -- specs/pyng/*.yaml`.
//! Each problem is shown with the spec's lines around it; colour on a terminal
//! (`--color always|never|auto`, `NO_COLOR` honoured).
//! Exit 0 when every spec is clean, 1 when any has an error, 2 on a usage error.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use pyng_spec::{Diagnostics, Style};

const USAGE: &str = "usage: lint [--color auto|always|never] SPEC.yaml...";

fn main() -> ExitCode {
    let mut style = None;
    let mut files = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let choice = match arg.strip_prefix("--color") {
            Some("") => args.next(),
            Some(rest) => rest.strip_prefix('=').map(str::to_owned),
            None => {
                files.push(arg);
                continue;
            }
        };
        style = match choice.as_deref() {
            Some("always") => Some(Style::Colour),
            Some("never") => Some(Style::Plain),
            Some("auto") => None,
            _ => {
                eprintln!("{USAGE}");
                return ExitCode::from(2);
            }
        };
    }
    if files.is_empty() {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    }
    let style = style.unwrap_or_else(|| Style::for_terminal(std::io::stdout().is_terminal()));
    let mut out = std::io::stdout().lock();
    let mut failed = false;
    for file in &files {
        let (text, result) = match std::fs::read_to_string(file) {
            // Checked through the specs that refer to it (`specs/*/*.yaml` names it too).
            Ok(text) if pyng_spec::is_shared_components(&text) => {
                let note = format!(
                    "{file}: shared components, checked through the specs that refer to it\n"
                );
                if out.write_all(note.as_bytes()).is_err() {
                    break;
                }
                continue;
            }
            Ok(text) => {
                let result = pyng_spec::load_str(file, &text);
                (text, result)
            }
            // `load_file` words an unreadable file the way every front-end does.
            Err(_) => (String::new(), pyng_spec::load_file(file)),
        };
        let shown = match &result {
            Ok(loaded) => format!(
                "{}{file}: ok\n",
                render(&loaded.warnings, file, &text, style)
            ),
            Err(diagnostics) => {
                failed = true;
                render(diagnostics, file, &text, style)
            }
        };
        // A closed pipe (`| head`) ends the output, not the run's verdict.
        if out.write_all(shown.as_bytes()).is_err() {
            break;
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn render(diagnostics: &Diagnostics, file: &str, text: &str, style: Style) -> String {
    if diagnostics.0.is_empty() {
        String::new()
    } else {
        diagnostics.render(file, text, style)
    }
}
