//! An incremental check of one recording while it is being made.

use super::file_run::FileRun;
use super::report::Report;
use crate::finding::Finding;
use crate::input::Item;

/// See [`super::Engine::session`].
pub struct Session<'e> {
    run: FileRun<'e>,
}

impl std::fmt::Debug for Session<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("file", &self.run.file())
            .field("exchanges", &self.run.exchanges())
            .finish()
    }
}

impl<'e> Session<'e> {
    pub(super) fn new(run: FileRun<'e>) -> Session<'e> {
        Session { run }
    }

    /// Checks one input item (an exchange, or a problem with one) now and
    /// returns the findings it produced, after the policy.
    pub fn check(&mut self, item: Item) -> Vec<Finding> {
        let before = self.run.findings_so_far();
        let run = &mut self.run;
        run.engine().threads.run(|| {
            run.push(item);
            run.flush();
        });
        let mut found = self.run.findings_since(before);
        self.run.engine().scrub(&mut found);
        found
    }

    /// Findings of the file as a whole (unmatched entries, spec versions) and the
    /// report of everything checked.
    pub fn finish(self) -> Report {
        self.run.finish()
    }
}
