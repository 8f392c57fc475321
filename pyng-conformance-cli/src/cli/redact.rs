//! `redact IN OUT`: a HAR file, a recording or an NDJSON stream without its
//! credentials, through the library's one redaction path
//! (`pyng_conformance::redact`), before it is kept as a CI artifact.

use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use pyng_conformance::redact::Redactor;
use pyng_conformance_cli::live::record::temp_beside;

use super::{env, usage};

/// The arguments of `redact`.
#[derive(clap::Args)]
pub struct RedactArgs {
    /// The file to redact (`-`: stdin, read as NDJSON).
    input: PathBuf,
    /// Where to write the result (`-`: stdout); may be the input itself (it
    /// is replaced only once the whole result is written).
    output: PathBuf,
    /// An environment variable holding a secret value to remove wherever it
    /// appears, in any encoding (repeatable; never on the command line).
    #[arg(long = "secret-env", value_name = "NAME")]
    secret_envs: Vec<String>,
    /// Read the input as NDJSON, a line at a time, whatever its name (the
    /// default for `.ndjson`, `.jsonl` and stdin).
    #[arg(long)]
    ndjson: bool,
}

/// Runs `redact`.
pub fn run(args: RedactArgs) -> ExitCode {
    let mut redactor = Redactor::default();
    for name in &args.secret_envs {
        match env::secret(name) {
            Ok(Some(s)) => redactor.add(s.expose()),
            Ok(None) => return usage(format!("the environment variable `{name}` is not set")),
            Err(e) => return usage(e),
        }
    }
    let stdin = args.input.as_os_str() == "-";
    let ndjson = args.ndjson || stdin || is_ndjson(&args.input);
    let result = write_output(&args.output, |out| {
        if ndjson {
            let input: Box<dyn Read> = if stdin {
                Box::new(std::io::stdin().lock())
            } else {
                Box::new(std::fs::File::open(&args.input)?)
            };
            let s = redactor.stream(BufReader::new(input), out)?;
            Ok(format!(
                "{} of {} lines changed, {} not JSON (known secrets removed only)",
                s.changed, s.lines, s.not_json
            ))
        } else {
            let bytes = std::fs::read(&args.input)?;
            let document = std::str::from_utf8(&bytes)
                .ok()
                .and_then(|text| redactor.document(text));
            match document {
                Some(clean) => {
                    let changed = clean.as_bytes() != bytes;
                    out.write_all(clean.as_bytes())?;
                    Ok(if changed {
                        "credentials removed"
                    } else {
                        "nothing to remove"
                    }
                    .to_owned())
                }
                // Not one JSON document: each line as one, and only the
                // known secrets of what is not JSON.
                None => {
                    let s = redactor.stream(&bytes[..], out)?;
                    Ok(format!(
                        "not one JSON document: redacted as NDJSON, {} of {} lines changed, {} not JSON (known secrets removed only)",
                        s.changed, s.lines, s.not_json
                    ))
                }
            }
        }
    });
    match result {
        Ok(summary) => {
            eprintln!("pyng-conformance redact: {summary}");
            ExitCode::SUCCESS
        }
        Err(e) => usage(format!("cannot redact {}: {e}", args.input.display())),
    }
}

fn is_ndjson(path: &Path) -> bool {
    let name = path.to_string_lossy().to_ascii_lowercase();
    name.ends_with(".ndjson") || name.ends_with(".jsonl")
}

/// Runs `write` into `path` (or stdout), through a temporary file beside it
/// that replaces `path` only when complete: a failed run leaves no half file.
fn write_output(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<String>,
) -> std::io::Result<String> {
    if path.as_os_str() == "-" {
        let mut out = BufWriter::new(std::io::stdout().lock());
        let summary = write(&mut out)?;
        super::quiet_on_closed_pipe(out.flush())?;
        return Ok(summary);
    }
    let tmp = temp_beside(path);
    let result = (|| {
        let mut out = BufWriter::new(std::fs::File::create(&tmp)?);
        let summary = write(&mut out)?;
        out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        std::fs::rename(&tmp, path)?;
        Ok(summary)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
