//! The end of a live run (`poll`, `proxy`): its recording finished, written
//! and checked, the same way for both.

use std::path::Path;
use std::process::ExitCode;

use pyng_conformance::{Engine, Report};
use pyng_conformance_cli::live::record::{Form, write_atomically};
use pyng_conformance_cli::live::{Recording, Sink};

use super::usage;

/// Where a live run keeps what it recorded: `--record` (in the form its name
/// asks for) and `--har`.
pub struct Outputs<'a> {
    /// `--record`.
    pub record: Option<&'a Path>,
    /// `--har`.
    pub har: Option<&'a Path>,
}

impl Outputs<'_> {
    /// The report is the engine's check of the recording's own bytes, so a
    /// later `check` of the written file reports exactly this: a recording
    /// streamed to its file is read back from it; otherwise it is encoded
    /// (stamped `recorded_at_ms`), written here and checked. Beside the
    /// report: the exit code of a failure to finish or write an output.
    pub fn finish(
        &self,
        engine: &Engine,
        sink: Sink,
        recording: &Recording,
        recorded_at_ms: i128,
        file_name: &str,
    ) -> (Report, Option<ExitCode>) {
        let mut failed = None;
        let streamed = sink.streams();
        if let Err(e) = sink.finish() {
            failed = Some(usage(e));
        }
        let report = match (self.record, streamed) {
            (Some(path), true) => engine.check_file(path),
            _ => {
                let form = self.record.map_or(Form::Document, Form::of);
                let bytes = recording.encode(form, recorded_at_ms);
                if let Some(path) = self.record
                    && let Err(e) = write_atomically(path, &bytes)
                {
                    failed = Some(usage(format!(
                        "cannot write the recording {}: {e}",
                        path.display()
                    )));
                }
                if let Some(path) = self.har
                    && let Err(e) = write_atomically(path, &recording.to_har())
                {
                    failed = Some(usage(format!(
                        "cannot write the HAR {}: {e}",
                        path.display()
                    )));
                }
                engine.check_bytes(file_name, &bytes)
            }
        };
        (report, failed)
    }
}
