//! Lints spec files: `cargo run -p pyng-spec --example lint -- specs/pyng/*.yaml`.
//! Exit 0 when every spec is clean, 1 when any has an error, 2 without arguments.

use std::process::ExitCode;

fn main() -> ExitCode {
    let files: Vec<String> = std::env::args().skip(1).collect();
    if files.is_empty() {
        eprintln!("usage: lint SPEC.yaml...");
        return ExitCode::from(2);
    }
    let mut failed = false;
    for file in &files {
        match pyng_spec::load_file(file) {
            Ok(loaded) => {
                print!("{}", loaded.warnings);
                println!("{file}: ok");
            }
            Err(diagnostics) => {
                print!("{diagnostics}");
                failed = true;
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
