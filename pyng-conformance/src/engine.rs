//! The engine: loaded specs, routes and per-response plans; runs every input
//! through the checks and collects a [`Report`].
//!
//! A file is read into exchanges (`crate::input`); each exchange gets its own
//! checks ([`prepare`], in parallel), then its sequence's ([`file_run`], in
//! order); findings are put back in input order when the file is done.

use pyng_spec::registry::RuleId;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use pyng_spec::ir::{Operation, Spec};
use rayon::prelude::*;

use crate::checks::signature::Secret;
use crate::finding::Finding;
use crate::input::{self, Item, Kind};
use crate::matcher::{Matcher, OpRef};
use crate::rules::{self, Policy, Rule};

mod coverage;
mod file_run;
mod locate;
mod plans;
mod prepare;
mod rate_windows;
mod report;
mod sequences;
mod session;
mod specs;
mod state_seen;
mod stream;
mod threads;
mod walk;

pub use report::{Report, SequenceRecord};
pub use session::Session;
pub use specs::{BUNDLED_SHARED, BUNDLED_SPECS};
pub use state_seen::StateSeen;

use file_run::FileRun;
use plans::OpPlans;
use threads::Threads;

#[derive(Debug)]
/// Why an engine cannot be built or a call cannot run.
pub enum EngineError {
    /// A spec does not load; the diagnostics say where and why.
    Spec(pyng_spec::Diagnostics),
    /// No loaded spec has an operation with this id.
    UnknownOperation(String),
    /// The engine's thread pool cannot be started.
    Threads(String),
    /// An option's value is not valid (a glob that does not parse).
    Option(String),
}

impl std::fmt::Display for EngineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EngineError::Spec(d) => write!(f, "a spec does not load:\n{d}"),
            EngineError::UnknownOperation(id) => {
                write!(f, "no loaded spec has an operation `{id}`")
            }
            EngineError::Threads(e) => write!(f, "cannot start the check's threads: {e}"),
            EngineError::Option(e) => f.write_str(e),
        }
    }
}

impl std::error::Error for EngineError {}

/// The conformance engine.
#[derive(Debug)]
pub struct Engine {
    specs: Vec<Spec>,
    /// Aligned with `specs`: compiled for the streaming body check.
    schemas: Vec<pyng_spec::validate::stream::Schema>,
    matcher: Matcher,
    /// Per spec, per operation.
    plans: Vec<Vec<OpPlans>>,
    /// How long an open sequence may go unpolled before a stream closes it.
    eviction_window: Duration,
    secret: Option<Secret>,
    policy: Policy,
    record_sequences: bool,
    threads: Threads,
    /// `--ignore-path`: unmatched exchanges whose path these name are counted
    /// as ignored, not reported.
    ignore_paths: Option<globset::GlobSet>,
    /// `--require-final`: an exercised state machine that never reached a
    /// final state fails the run.
    require_final: bool,
}

impl Engine {
    /// The bundled specs.
    pub fn with_bundled_specs() -> Result<Engine, EngineError> {
        specs::load_bundled()
            .map(Engine::from_specs)
            .map_err(EngineError::Spec)
    }

    /// Specs read at run time (a newer draft is checked without a rebuild).
    pub fn with_specs(paths: &[impl AsRef<Path>]) -> Result<Engine, EngineError> {
        specs::load_files(paths)
            .map(Engine::from_specs)
            .map_err(EngineError::Spec)
    }

    /// An engine for `specs` (already loaded and linted).
    pub fn from_specs(specs: Vec<Spec>) -> Engine {
        let plans = specs
            .iter()
            .map(|spec| {
                spec.operations
                    .iter()
                    .map(|op| OpPlans::new(spec, op))
                    .collect()
            })
            .collect();
        Engine {
            matcher: Matcher::new(&specs),
            schemas: specs
                .iter()
                .map(pyng_spec::validate::stream::Schema::new)
                .collect(),
            eviction_window: specs::eviction_window(&specs),
            specs,
            plans,
            secret: None,
            policy: Policy::default(),
            record_sequences: false,
            threads: Threads::Rayon,
            ignore_paths: None,
            require_final: false,
        }
    }

    /// With `on`, every operation whose traffic never reached a documented
    /// final state of its state machine is a `state.final-not-reached` error:
    /// a gate for recordings that must show a payment to its end.
    pub fn require_final(mut self, on: bool) -> Engine {
        self.require_final = on;
        self
    }

    /// Paths that start with `prefix` (a gateway prefix the specs do not
    /// know, `/gateway/v1`) are matched without it.
    pub fn with_base_path(mut self, prefix: &str) -> Engine {
        self.matcher = self.matcher.with_base_path(prefix);
        self
    }

    /// Exchanges that match no operation and whose path matches one of these
    /// globs (`/health`, `/static/**`) are counted as ignored instead of
    /// `input.unmatched`. An exchange that matches an operation is always
    /// checked.
    pub fn with_ignored_paths(mut self, globs: &[String]) -> Result<Engine, EngineError> {
        let mut set = globset::GlobSetBuilder::new();
        for g in globs {
            let glob = globset::GlobBuilder::new(g)
                .literal_separator(true)
                .build()
                .map_err(|e| EngineError::Option(format!("--ignore-path `{g}`: {e}")))?;
            set.add(glob);
        }
        let set = set
            .build()
            .map_err(|e| EngineError::Option(format!("--ignore-path: {e}")))?;
        self.ignore_paths = (!globs.is_empty()).then_some(set);
        Ok(self)
    }

    /// The most threads [`Self::with_threads`] starts: four per core. Checks
    /// are CPU-bound, so more only add contention (and thousands of threads
    /// cost more to start than a run takes).
    pub fn max_threads() -> NonZeroUsize {
        threads::max_threads()
    }

    /// The number of threads checks use: 1 runs them on the calling thread
    /// without starting any; more gives the engine a pool of that many, at
    /// most [`Self::max_threads`]. Without this, checks run on the current
    /// rayon pool. The report is the same whatever the number.
    pub fn with_threads(mut self, threads: NonZeroUsize) -> Result<Engine, EngineError> {
        self.threads = Threads::new(threads).map_err(EngineError::Threads)?;
        Ok(self)
    }

    /// The secret for `signature.*` checks (without one they only check presence).
    pub fn with_secret(mut self, secret: Secret) -> Engine {
        self.secret = Some(secret);
        self
    }

    /// The severity policy (`--deny`, `--allow`, `--strict`).
    pub fn with_policy(mut self, policy: Policy) -> Engine {
        self.policy = policy;
        self
    }

    /// Keep a record of every checked sequence (the JUnit report needs them).
    pub fn record_sequences(mut self, on: bool) -> Engine {
        self.record_sequences = on;
        self
    }

    /// The loaded specs.
    pub fn specs(&self) -> &[Spec] {
        &self.specs
    }

    /// Every rule this engine can report: the fixed ones and the loaded specs' invariants.
    pub fn rules(&self) -> Vec<Rule> {
        rules::catalogue(&self.specs)
    }

    fn operation(&self, r: OpRef) -> (&Spec, &Operation) {
        let spec = &self.specs[r.spec];
        (spec, &spec.operations[r.op])
    }

    fn plans(&self, r: OpRef) -> &OpPlans {
        &self.plans[r.spec][r.op]
    }

    fn find_operation(&self, id: &str) -> Option<OpRef> {
        self.specs.iter().enumerate().find_map(|(si, s)| {
            s.operations
                .iter()
                .position(|o| o.id == id)
                .map(|oi| OpRef { spec: si, op: oi })
        })
    }

    /// Findings without the signing secret, whatever the input quoted.
    fn scrub(&self, findings: &mut [Finding]) {
        if let Some(secret) = &self.secret {
            findings.iter_mut().for_each(|f| secret.scrub_finding(f));
        }
    }

    /// Checks a bare response body of `operation_id` with `status`.
    pub fn check_body(
        &self,
        operation_id: &str,
        status: u16,
        bytes: &[u8],
    ) -> Result<Vec<Finding>, EngineError> {
        if self.find_operation(operation_id).is_none() {
            return Err(EngineError::UnknownOperation(operation_id.to_owned()));
        }
        let file: Arc<str> = Arc::from("<body>");
        let ex = input::bare::exchange(&file, operation_id, status, bytes.to_vec());
        Ok(self.threads.run(|| {
            let mut run = FileRun::new(self, file);
            run.push(Item::Exchange(Box::new(ex)));
            run.finish().findings
        }))
    }

    /// Checks an in-memory recording (HAR, recording or NDJSON), recognised by
    /// `name`'s extension or, failing that, by content.
    pub fn check_bytes(&self, name: &str, bytes: &[u8]) -> Report {
        let mut report = self.threads.run(|| {
            let file: Arc<str> = Arc::from(name);
            let mut run = FileRun::new(self, file.clone());
            match Kind::from_path(Path::new(name)) {
                Some(Kind::Ndjson) => run.read_ndjson(&mut &bytes[..]),
                kind => run.read_document(kind.unwrap_or(Kind::JsonDocument), bytes),
            }
            run.finish()
        });
        self.complete_coverage(&mut report);
        report
    }

    /// An incremental check of one recording as it is being made (live polling):
    /// each exchange is checked when it is pushed, its sequence included, so the
    /// findings it returns are the ones a later offline check of the same
    /// recording reports for that exchange.
    pub fn session(&self, name: &str) -> Session<'_> {
        Session::new(FileRun::new(self, Arc::from(name)))
    }

    /// Checks one file.
    pub fn check_file(&self, path: &Path) -> Report {
        let mut report = self.threads.run(|| self.check_file_as(path, None));
        self.complete_coverage(&mut report);
        report
    }

    /// `bare`: check the file as a bare body of (operation, status).
    fn check_file_as(&self, path: &Path, bare: Option<(&str, u16)>) -> Report {
        let name = path.display().to_string();
        let file: Arc<str> = Arc::from(name.as_str());
        let mut run = FileRun::new(self, file.clone());
        let kind = Kind::from_path(path).unwrap_or(Kind::JsonDocument);
        let read = match bare {
            Some((op, status)) => std::fs::read(path).map(|bytes| {
                let ex = input::bare::exchange(&file, op, status, bytes);
                run.push(Item::Exchange(Box::new(ex)));
            }),
            None if kind == Kind::Ndjson => {
                std::fs::File::open(path).map(|f| run.read_ndjson(&mut std::io::BufReader::new(f)))
            }
            None => std::fs::read(path).map(|bytes| run.read_document(kind, &bytes)),
        };
        match read {
            Ok(()) => run.finish(),
            Err(e) => {
                let mut report = Report {
                    files: 1,
                    ..Report::default()
                };
                let f = Finding::of(
                    RuleId::InputUnreadable,
                    &name,
                    format!("cannot read {name}: {e}"),
                );
                report.findings.extend(self.policy.apply(f));
                report
            }
        }
    }

    /// Checks files and directories (recursively: `.har`, `.json`, `.ndjson`,
    /// `.jsonl`), files in parallel.
    pub fn check_paths(&self, paths: &[impl AsRef<Path>]) -> Report {
        self.check_paths_with(paths, None, &|_| {})
    }

    /// [`Self::check_paths`] with every file read as a bare body of
    /// `(operation, status)` when `bare` is set, and `progress` called with each
    /// finished file's size in bytes.
    pub fn check_paths_with(
        &self,
        paths: &[impl AsRef<Path>],
        bare: Option<(&str, u16)>,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Report {
        let (files, mut report) = self.inputs(paths);
        let check = |(path, size): &(PathBuf, u64)| {
            let r = self.check_file_as(path, bare);
            progress(*size);
            r
        };
        let reports: Vec<Report> = match self.threads {
            Threads::Caller => files.iter().map(check).collect(),
            _ => self.threads.run(|| files.par_iter().map(check).collect()),
        };
        for r in reports {
            report.merge(r);
        }
        let named: Vec<String> = paths
            .iter()
            .map(|p| p.as_ref().display().to_string())
            .collect();
        self.finish_run(&mut report, &named.join(", "));
        report
    }

    /// The files to check and their total size, plus findings for paths that
    /// cannot be read.
    pub fn inputs(&self, paths: &[impl AsRef<Path>]) -> (Vec<(PathBuf, u64)>, Report) {
        let mut walk = walk::Walk::new(&self.policy);
        for p in paths {
            walk.argument(p.as_ref());
        }
        walk.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::Engine;

    #[test]
    fn a_pool_never_exceeds_four_threads_per_core() {
        let asked = std::num::NonZeroUsize::new(10_000).unwrap();
        let engine = Engine::from_specs(Vec::new()).with_threads(asked).unwrap();
        assert_eq!(engine.threads.count(), Engine::max_threads().get());
    }
}
