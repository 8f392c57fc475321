//! Where recorded exchanges go as they arrive. An NDJSON recording (and a HAR
//! beside it) is streamed to a temporary file and renamed into place at the
//! end, so a long run holds no bodies in memory; a JSON document (or no
//! recording) keeps the exchanges, since the document is written whole.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use super::record::{Form, RecordedExchange, Recording, har_entry_json};

/// A file written as the run goes, renamed into place by [`Stream::finish`].
struct Stream {
    path: PathBuf,
    tmp: PathBuf,
    out: BufWriter<File>,
}

impl Stream {
    fn create(path: &Path) -> std::io::Result<Stream> {
        let tmp = super::record::temp_beside(path);
        Ok(Stream {
            path: path.to_owned(),
            out: BufWriter::new(File::create(&tmp)?),
            tmp,
        })
    }

    fn finish(mut self, tail: &[u8]) -> std::io::Result<()> {
        let done = self
            .out
            .write_all(tail)
            .and_then(|()| self.out.flush())
            .and_then(|()| self.out.get_ref().sync_all())
            .and_then(|()| std::fs::rename(&self.tmp, &self.path));
        if done.is_err() {
            let _ = std::fs::remove_file(&self.tmp);
        }
        done
    }
}

/// The outputs of a run.
pub struct Sink {
    ndjson: Option<Stream>,
    har: Option<Stream>,
    har_entries: usize,
    /// The first write error; later writes are skipped.
    error: Option<String>,
}

impl std::fmt::Debug for Sink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sink")
            .field("streaming", &self.streams())
            .finish()
    }
}

impl Sink {
    /// Keeps every exchange in the [`Recording`] (nothing streamed).
    pub fn in_memory() -> Sink {
        Sink {
            ndjson: None,
            har: None,
            har_entries: 0,
            error: None,
        }
    }

    /// Streams an NDJSON `record` (and then `har` too); any other form keeps
    /// the exchanges in memory.
    pub fn open(
        record: Option<(&Path, Form)>,
        har: Option<&Path>,
        recording: &Recording,
    ) -> Result<Sink, String> {
        let mut sink = Sink::in_memory();
        let Some((path, Form::Ndjson)) = record else {
            return Ok(sink);
        };
        let fail = |what: &str, p: &Path, e: std::io::Error| {
            format!("cannot write the {what} {}: {e}", p.display())
        };
        let mut nd = Stream::create(path).map_err(|e| fail("recording", path, e))?;
        nd.out
            .write_all(&recording.ndjson_head())
            .map_err(|e| fail("recording", path, e))?;
        sink.ndjson = Some(nd);
        if let Some(h) = har {
            let mut s = Stream::create(h).map_err(|e| fail("HAR", h, e))?;
            s.out
                .write_all(&Recording::har_head())
                .map_err(|e| fail("HAR", h, e))?;
            sink.har = Some(s);
        }
        Ok(sink)
    }

    /// Exchanges go to files rather than memory.
    pub fn streams(&self) -> bool {
        self.ndjson.is_some()
    }

    /// Takes one exchange: written out when streaming, else kept.
    pub fn push(&mut self, x: RecordedExchange, recording: &mut Recording) {
        if !self.streams() {
            recording.exchanges.push(x);
            return;
        }
        if self.error.is_some() {
            return;
        }
        if let Some(s) = &mut self.ndjson
            && let Err(e) = writeln!(s.out, "{}", x.to_json())
        {
            self.error = Some(format!(
                "cannot write the recording {}: {e}",
                s.path.display()
            ));
        }
        if let Some(s) = &mut self.har {
            let sep: &[u8] = if self.har_entries == 0 { b"\n" } else { b",\n" };
            let entry = har_entry_json(&x);
            if let Err(e) = s.out.write_all(sep).and_then(|()| s.out.write_all(&entry)) {
                self.error = Some(format!("cannot write the HAR {}: {e}", s.path.display()));
            }
            self.har_entries += 1;
        }
    }

    /// Closes the streams and puts them in place; the first error, if any.
    pub fn finish(self) -> Result<(), String> {
        let mut error = self.error;
        if let Some(s) = self.ndjson {
            let p = s.path.display().to_string();
            if let Err(e) = s.finish(b"")
                && error.is_none()
            {
                error = Some(format!("cannot write the recording {p}: {e}"));
            }
        }
        if let Some(s) = self.har {
            let p = s.path.display().to_string();
            if let Err(e) = s.finish(Recording::har_tail())
                && error.is_none()
            {
                error = Some(format!("cannot write the HAR {p}: {e}"));
            }
        }
        error.map_or(Ok(()), Err)
    }
}
