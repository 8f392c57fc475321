//! The files a `check` of paths reads: arguments as given, directories walked
//! in sorted order, each directory and each file once however many links reach
//! it, and nothing that could block a read (FIFOs, sockets, devices) unless it
//! was named on the command line.

use pyng_spec::registry::RuleId;
use std::collections::HashSet;
use std::fs::Metadata;
use std::path::{Path, PathBuf};

use crate::engine::Report;
use crate::finding::Finding;
use crate::input::Kind;
use crate::rules::Policy;

/// What makes two paths the same file: device and inode where the platform has
/// them, the canonical path elsewhere.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Identity {
    #[cfg_attr(not(unix), allow(dead_code))]
    Inode(u64, u64),
    #[cfg_attr(unix, allow(dead_code))]
    Path(PathBuf),
}

fn identity(path: &Path, meta: &Metadata) -> Identity {
    #[cfg(unix)]
    {
        let _ = path;
        use std::os::unix::fs::MetadataExt;
        Identity::Inode(meta.dev(), meta.ino())
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        Identity::Path(std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()))
    }
}

pub(crate) struct Walk<'p> {
    policy: &'p Policy,
    files: Vec<(PathBuf, u64)>,
    report: Report,
    seen: HashSet<Identity>,
}

impl<'p> Walk<'p> {
    pub(crate) fn new(policy: &'p Policy) -> Self {
        Walk {
            policy,
            files: Vec::new(),
            report: Report::default(),
            seen: HashSet::new(),
        }
    }

    /// A path named by the user: a directory is walked, anything else is read,
    /// even a FIFO (`check <(...)` hands one over on purpose).
    pub(crate) fn argument(&mut self, path: &Path) {
        match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => self.directory(path, &m),
            Ok(m) => {
                if self.seen.insert(identity(path, &m)) {
                    self.files.push((path.to_path_buf(), m.len()));
                }
            }
            Err(e) => self.unreadable(path, format!("cannot read {}: {e}", path.display())),
        }
    }

    /// The files found and the findings for what could not be read.
    pub(crate) fn finish(self) -> (Vec<(PathBuf, u64)>, Report) {
        (self.files, self.report)
    }

    fn directory(&mut self, dir: &Path, meta: &Metadata) {
        // A directory reached again (a symlink to a parent, two links to one
        // folder) has been or is being walked: its files are counted once.
        if !self.seen.insert(identity(dir, meta)) {
            return;
        }
        let entries = match std::fs::read_dir(dir) {
            Ok(e) => e,
            Err(e) => {
                return self.unreadable(
                    dir,
                    format!("cannot read the directory {}: {e}", dir.display()),
                );
            }
        };
        let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for p in paths {
            match std::fs::metadata(&p) {
                Ok(m) if m.is_dir() => self.directory(&p, &m),
                Ok(_) if Kind::from_path(&p).is_none() => {}
                Ok(m) if m.is_file() => {
                    if self.seen.insert(identity(&p, &m)) {
                        self.files.push((p, m.len()));
                    }
                }
                Ok(m) => self.skipped(&p, &m),
                Err(e) => self.unreadable(&p, format!("cannot read {}: {e}", p.display())),
            }
        }
    }

    fn unreadable(&mut self, path: &Path, message: String) {
        self.report.files += 1;
        let f = Finding::of(
            RuleId::InputUnreadable,
            &path.display().to_string(),
            message,
        );
        self.report.findings.extend(self.policy.apply(f));
    }

    /// A FIFO, socket or device with a recording's name: reading it could
    /// block the run forever, so a walk leaves it and says so.
    fn skipped(&mut self, path: &Path, meta: &Metadata) {
        let what = file_kind(meta);
        let f = Finding::of(
            RuleId::InputSkipped,
            &path.display().to_string(),
            format!(
                "{} is {what}, not a regular file: a directory walk does not read it (name it as an argument to read it)",
                path.display()
            ),
        );
        self.report.findings.extend(self.policy.apply(f));
    }
}

fn file_kind(meta: &Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_block_device() || t.is_char_device() {
            return "a device";
        }
    }
    let _ = meta;
    "a special file"
}
