//! The engine: loaded specs, routes and per-response plans; runs every input
//! through the checks and collects a [`Report`].

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::io::BufReader;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use pyng_spec::ir::{Operation, SecurityScheme, Spec};
use pyng_spec::validate::stream::{BodySeed, Schema, Streamed, WHOLE, Want};
use rayon::prelude::*;
use smallvec::SmallVec;

use crate::checks::sequence::{At, Observation, SequenceState, observe};
use crate::checks::signature::Secret;
use crate::checks::{self, Params, body, http, request, signature};
use crate::coverage::{Coverage, MachineCoverage, OperationCoverage};
use crate::exchange::Exchange;
use crate::finding::{Finding, Severity};
use crate::input::ndjson::Line;
use crate::input::{self, Item, Kind};
use crate::matcher::{Match, Matcher, OpRef};
use crate::plan::{SequencePlan, plan};
use crate::position;
use crate::rules::{self, Policy, Rule};

mod one_pass;
mod walk;

/// The three specs shipped with the kit, embedded at build time.
pub const BUNDLED_SPECS: &[(&str, &str)] = &[
    (
        "specs/pyng/checkout-session-status.yaml",
        include_str!("../specs/pyng/checkout-session-status.yaml"),
    ),
    (
        "specs/pyng/transaction-status.yaml",
        include_str!("../specs/pyng/transaction-status.yaml"),
    ),
    (
        "specs/peach/checkout-status.yaml",
        include_str!("../specs/peach/checkout-status.yaml"),
    ),
];

/// Exchanges checked together (in parallel) before their sequence updates.
const BATCH: usize = 512;
/// Open sequences kept before idle ones are dropped (NDJSON streams).
const MAX_OPEN_SEQUENCES: usize = 4096;
/// A sequence idle this long (stream time) is closed: longer than any timeout.
const IDLE_MS: i128 = 2 * 3600 * 1000;

#[derive(Debug)]
pub enum EngineError {
    /// A spec does not load; the diagnostics say where and why.
    Spec(pyng_spec::Diagnostics),
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

/// One checked polling sequence (for the JUnit report).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SequenceRecord {
    pub file: String,
    pub label: String,
    pub operation: String,
    pub exchanges: usize,
}

/// Everything a run found.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub findings: Vec<Finding>,
    pub files: usize,
    pub exchanges: usize,
    /// Exchanges no operation of the loaded specs matches (not checked).
    pub unmatched: usize,
    /// Exchanges matching no operation whose path `--ignore-path` names
    /// (not checked, not reported as unmatched).
    pub ignored: usize,
    pub sequences: usize,
    /// What was checked against what the specs document, and what could not be.
    pub coverage: Coverage,
    /// Filled when [`Engine::record_sequences`] is on.
    pub sequence_records: Vec<SequenceRecord>,
}

impl Report {
    pub fn errors(&self) -> usize {
        self.findings.iter().filter(|f| f.is_error()).count()
    }
    pub fn warnings(&self) -> usize {
        self.findings.len() - self.errors()
    }
    /// Exchanges an operation matched: the ones the rules were run on.
    pub fn checked(&self) -> usize {
        self.exchanges - self.unmatched - self.ignored
    }
    fn merge(&mut self, other: Report) {
        self.findings.extend(other.findings);
        self.files += other.files;
        self.exchanges += other.exchanges;
        self.unmatched += other.unmatched;
        self.ignored += other.ignored;
        self.coverage.merge(other.coverage);
        self.sequences += other.sequences;
        self.sequence_records.extend(other.sequence_records);
    }
}

#[derive(Debug)]
struct OpPlans {
    /// Aligned with the operation's `responses`.
    by_response: Vec<SequencePlan>,
    /// Aligned with `responses`: the body values the sequence and echo checks
    /// read, kept by the streaming body check (`None`: nothing).
    wants: Vec<Option<Want>>,
    /// A signed-query scheme signs response bodies: with a secret, the response
    /// signature check reads the whole body.
    signs_responses: bool,
    /// A signed-query scheme applies to the requests.
    signs_requests: bool,
}

impl OpPlans {
    fn new(spec: &Spec, op: &Operation) -> OpPlans {
        let by_response: Vec<SequencePlan> = op
            .responses
            .iter()
            .map(|r| match (&r.body, r.status) {
                (Some(ty), Some(200..=299)) => plan(spec, ty),
                _ => SequencePlan::default(),
            })
            .collect();
        let wants = by_response
            .iter()
            .map(|p| {
                let mut pointers = p.pointers().chain(body::echo_pointers(op)).peekable();
                pointers.peek()?;
                let mut want = Want::default();
                pointers.for_each(|ptr| want.add_pointer(ptr));
                Some(want)
            })
            .collect();
        let signs_responses = op.security.iter().any(|name| {
            matches!(spec.security_schemes.get(name), Some(SecurityScheme::SignedQuery(s)) if s.signs_responses)
        });
        let signs_requests = op.security.iter().any(|name| {
            matches!(
                spec.security_schemes.get(name),
                Some(SecurityScheme::SignedQuery(_))
            )
        });
        OpPlans {
            by_response,
            wants,
            signs_responses,
            signs_requests,
        }
    }
}

/// Where the engine's checks run.
#[derive(Debug, Default)]
enum Threads {
    /// The current rayon pool: the global one (all cores, or
    /// `RAYON_NUM_THREADS`) unless the caller installed another.
    #[default]
    Rayon,
    /// The calling thread only: no thread is started (and no rayon pool is
    /// created), so a one-thread check costs what its work costs.
    Caller,
    /// A pool of the engine's own.
    Pool(rayon::ThreadPool),
}

/// The conformance engine.
#[derive(Debug)]
pub struct Engine {
    specs: Vec<Spec>,
    /// Aligned with `specs`: compiled for the streaming body check.
    schemas: Vec<Schema>,
    matcher: Matcher,
    plans: Vec<Vec<OpPlans>>,
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
        let specs = BUNDLED_SPECS
            .iter()
            .map(|(file, text)| pyng_spec::load_str(file, text).map(|l| l.spec))
            .collect::<Result<Vec<_>, _>>()
            .map_err(EngineError::Spec)?;
        Ok(Engine::from_specs(specs))
    }

    /// Specs read at run time (a newer draft is checked without a rebuild).
    pub fn with_specs(paths: &[impl AsRef<Path>]) -> Result<Engine, EngineError> {
        let specs = paths
            .iter()
            .map(|p| pyng_spec::load_file(p).map(|l| l.spec))
            .collect::<Result<Vec<_>, _>>()
            .map_err(EngineError::Spec)?;
        Ok(Engine::from_specs(specs))
    }

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
            schemas: specs.iter().map(Schema::new).collect(),
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
        let cores = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
        NonZeroUsize::new(cores.saturating_mul(4)).unwrap_or(NonZeroUsize::MIN)
    }

    /// The number of threads checks use: 1 runs them on the calling thread
    /// without starting any; more gives the engine a pool of that many, at
    /// most [`Self::max_threads`]. Without this, checks run on the current
    /// rayon pool. The report is the same whatever the number.
    pub fn with_threads(mut self, threads: NonZeroUsize) -> Result<Engine, EngineError> {
        let threads = threads.min(Self::max_threads());
        self.threads = if threads.get() == 1 {
            Threads::Caller
        } else {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads.get())
                .build()
                .map_err(|e| EngineError::Threads(e.to_string()))?;
            Threads::Pool(pool)
        };
        Ok(self)
    }

    /// One operation's coverage, named, into `into`.
    fn cover(&self, op_ref: OpRef, c: Covered, into: &mut Coverage) {
        let (_, op) = self.operation(op_ref);
        let plans = &self.plans[op_ref.spec][op_ref.op];
        let mut o = self.documented(op_ref);
        o.exchanges = c.exchanges;
        o.sequences = c.sequences;
        o.statuses_seen = c.statuses;
        if let Some(m) = &mut o.state_machine {
            for (i, v) in c.states {
                if let Some(states) = &plans.by_response[i].states {
                    m.states_seen.insert(states.values[v].clone());
                }
            }
            for (i, from, to) in c.transitions {
                if let Some(states) = &plans.by_response[i].states {
                    let (from, to) = (&states.values[from], &states.values[to]);
                    let documented = states
                        .machine
                        .transitions
                        .get(from)
                        .is_some_and(|next| next.contains(to));
                    let seen = if documented {
                        &mut m.transitions_seen
                    } else {
                        &mut m.other_changes_seen
                    };
                    seen.insert(format!("{from} -> {to}"));
                }
            }
        }
        let mut skipped = Coverage::default();
        skipped.operations.insert(op.id.clone(), o);
        if c.untimed > 0 {
            skipped.skipped(
                "state.timeout",
                c.untimed,
                "the exchange has no recorded time (startedAt / startedDateTime missing or unreadable)",
            );
        }
        if c.unsigned_requests > 0 {
            skipped.skipped(
                "signature.request",
                c.unsigned_requests,
                "no signing secret was given (--secret-env): only the signature's presence is checked",
            );
        }
        if c.unsigned_responses > 0 {
            skipped.skipped(
                "signature.response",
                c.unsigned_responses,
                "no signing secret was given (--secret-env): only the signature's presence is checked",
            );
        }
        into.merge(skipped);
    }

    /// What the spec documents of an operation, with nothing seen yet.
    fn documented(&self, op_ref: OpRef) -> OperationCoverage {
        let (_, op) = self.operation(op_ref);
        let plans = &self.plans[op_ref.spec][op_ref.op];
        let state_machine = plans.by_response.iter().find_map(|p| {
            let (tracked, _) = p.status.as_ref()?;
            let states = p.states.as_ref()?;
            Some(MachineCoverage {
                field: tracked.name.clone(),
                states_documented: states.values.len(),
                final_states: states.machine.final_states.iter().cloned().collect(),
                transitions_documented: states.machine.transitions.values().map(Vec::len).sum(),
                ..MachineCoverage::default()
            })
        });
        OperationCoverage {
            statuses_documented: op
                .responses
                .iter()
                .map(|r| {
                    r.status
                        .map_or_else(|| "default".to_owned(), |s| s.to_string())
                })
                .collect(),
            state_machine,
            ..OperationCoverage::default()
        }
    }

    /// What a whole run adds to the reports of its inputs (`inputs` names
    /// them): every loaded operation in the coverage, the `--require-final`
    /// gate, and `input.nothing-checked` when no exchange was checked. `check`
    /// of paths does this itself; a caller that assembles a run (live
    /// polling) calls it once at the end.
    pub fn finish_run(&self, report: &mut Report, inputs: &str) {
        self.complete_coverage(report);
        if self.require_final {
            self.final_gate(report, inputs);
        }
        if report.checked() == 0 {
            let f = Finding::new(
                "input.nothing-checked",
                Severity::Error,
                inputs,
                format!(
                    "no exchange was checked: {} file{}, {} exchange{}, {} matching no operation of the loaded specs, {} ignored; a run that checked nothing does not pass",
                    report.files,
                    if report.files == 1 { "" } else { "s" },
                    report.exchanges,
                    if report.exchanges == 1 { "" } else { "s" },
                    report.unmatched,
                    report.ignored
                ),
            );
            report.findings.extend(self.policy.apply(f));
        }
    }

    /// Says in `report` that the run stopped before its end (`why`): an
    /// `input.aborted` error, so that no format reads as a pass.
    pub fn aborted(&self, report: &mut Report, inputs: &str, why: &str) {
        let f = Finding::new(
            "input.aborted",
            Severity::Error,
            inputs,
            format!("the run stopped before its end ({why}): what it did not reach is not checked"),
        );
        report.findings.extend(self.policy.apply(f));
    }

    /// `state.final-not-reached` for each exercised state machine whose polls
    /// never saw a final state.
    fn final_gate(&self, report: &mut Report, inputs: &str) {
        let mut found = Vec::new();
        for (id, o) in &report.coverage.operations {
            let Some(m) = &o.state_machine else { continue };
            if o.exchanges == 0 || m.reached_final() {
                continue;
            }
            let mut f = Finding::new(
                "state.final-not-reached",
                Severity::Error,
                inputs,
                format!(
                    "no poll of {id} in this run saw a final state of `{}` ({}); seen: {} (--require-final)",
                    m.field,
                    m.final_states.join(", "),
                    m.states_seen.iter().cloned().collect::<Vec<_>>().join(", ")
                ),
            );
            f.operation = Some(id.clone());
            found.push(f);
        }
        for f in found {
            report.findings.extend(self.policy.apply(f));
        }
    }

    /// Every loaded operation in the report's coverage, checked or not.
    fn complete_coverage(&self, report: &mut Report) {
        for (si, spec) in self.specs.iter().enumerate() {
            for oi in 0..spec.operations.len() {
                let op_ref = OpRef { spec: si, op: oi };
                let id = &spec.operations[oi].id;
                if !report.coverage.operations.contains_key(id) {
                    let documented = self.documented(op_ref);
                    report.coverage.operations.insert(id.clone(), documented);
                }
            }
        }
    }

    /// Findings without the signing secret, whatever the input quoted.
    fn scrub(&self, findings: &mut [Finding]) {
        if let Some(secret) = &self.secret {
            findings.iter_mut().for_each(|f| secret.scrub_finding(f));
        }
    }

    /// Runs `work` where this engine's checks run.
    fn on_threads<R: Send>(&self, work: impl FnOnce() -> R + Send) -> R {
        match &self.threads {
            Threads::Pool(pool) => pool.install(work),
            Threads::Rayon | Threads::Caller => work(),
        }
    }

    /// How many threads checks run on (the caller's only: 1, without asking
    /// rayon, which would start its global pool).
    fn thread_count(&self) -> usize {
        match &self.threads {
            Threads::Caller => 1,
            Threads::Pool(pool) => pool.current_num_threads(),
            Threads::Rayon => rayon::current_num_threads(),
        }
    }

    /// Whether checks run on the calling thread only.
    fn on_caller(&self) -> bool {
        match self.threads {
            Threads::Caller => true,
            Threads::Rayon | Threads::Pool(_) => false,
        }
    }

    /// The secret for `signature.*` checks (without one they only check presence).
    pub fn with_secret(mut self, secret: Secret) -> Engine {
        self.secret = Some(secret);
        self
    }

    pub fn with_policy(mut self, policy: Policy) -> Engine {
        self.policy = policy;
        self
    }

    /// Keep a record of every checked sequence (the JUnit report needs them).
    pub fn record_sequences(mut self, on: bool) -> Engine {
        self.record_sequences = on;
        self
    }

    pub fn specs(&self) -> &[Spec] {
        &self.specs
    }

    pub fn rules(&self) -> Vec<Rule> {
        rules::catalogue(&self.specs)
    }

    fn operation(&self, r: OpRef) -> (&Spec, &Operation) {
        let spec = &self.specs[r.spec];
        (spec, &spec.operations[r.op])
    }

    fn find_operation(&self, id: &str) -> Option<OpRef> {
        self.specs.iter().enumerate().find_map(|(si, s)| {
            s.operations
                .iter()
                .position(|o| o.id == id)
                .map(|oi| OpRef { spec: si, op: oi })
        })
    }

    /// Checks a bare response body of `operation_id` with `status`.
    pub fn check_body(
        &self,
        operation_id: &str,
        status: u16,
        bytes: &[u8],
    ) -> Result<Vec<Finding>, EngineError> {
        self.check_body_named("<body>", operation_id, status, bytes)
    }

    fn check_body_named(
        &self,
        name: &str,
        operation_id: &str,
        status: u16,
        bytes: &[u8],
    ) -> Result<Vec<Finding>, EngineError> {
        if self.find_operation(operation_id).is_none() {
            return Err(EngineError::UnknownOperation(operation_id.to_owned()));
        }
        let file: Arc<str> = Arc::from(name);
        let ex = input::bare::exchange(&file, operation_id, status, bytes.to_vec());
        Ok(self.on_threads(|| {
            let mut run = FileRun::new(self, file);
            run.push(Item::Exchange(Box::new(ex)));
            run.finish().findings
        }))
    }

    /// Checks an in-memory recording (HAR, recording or NDJSON), recognised by
    /// `name`'s extension or, failing that, by content.
    pub fn check_bytes(&self, name: &str, bytes: &[u8]) -> Report {
        let mut report = self.on_threads(|| self.check_bytes_here(name, bytes));
        self.complete_coverage(&mut report);
        report
    }

    fn check_bytes_here(&self, name: &str, bytes: &[u8]) -> Report {
        let file: Arc<str> = Arc::from(name);
        let mut run = FileRun::new(self, file.clone());
        match Kind::from_path(Path::new(name)) {
            Some(Kind::Ndjson) => {
                input::ndjson::read_lines(&file, &mut &bytes[..], &mut |l| run.push_line(l));
            }
            kind => self.read_document(&file, kind.unwrap_or(Kind::JsonDocument), bytes, &mut run),
        }
        run.finish()
    }

    fn read_document(&self, file: &Arc<str>, kind: Kind, bytes: &[u8], run: &mut FileRun<'_>) {
        let bytes = input::strip_bom(bytes);
        let kind = match kind {
            Kind::JsonDocument => match input::sniff(bytes) {
                Ok(Kind::JsonDocument) => {
                    return run.push(Item::Problem(input::problem(
                        file,
                        None,
                        "neither a HAR file (`log`) nor a pyng recording (`format`); a bare response body needs --operation".into(),
                    )));
                }
                Ok(k) => k,
                Err(e) => {
                    return run.push(Item::Problem(input::syntax_problem(file, "the file", &e)));
                }
            },
            k => k,
        };
        // Whole-document formats are ordered by time before the sequence checks.
        run.sort_by_time = true;
        let mut sink = |i| run.push(i);
        match kind {
            Kind::Har => input::har::read(file, bytes, &mut sink),
            _ => input::recording::read(file, bytes, &mut sink),
        }
    }

    /// An incremental check of one recording as it is being made (live polling):
    /// each exchange is checked when it is pushed, its sequence included, so the
    /// findings it returns are the ones a later offline check of the same
    /// recording reports for that exchange.
    pub fn session(&self, name: &str) -> Session<'_> {
        Session {
            run: FileRun::new(self, Arc::from(name)),
        }
    }

    /// Checks one file.
    pub fn check_file(&self, path: &Path) -> Report {
        let mut report = self.on_threads(|| self.check_file_as(path, None));
        self.complete_coverage(&mut report);
        report
    }

    /// `bare`: check the file as a bare body of (operation, status).
    fn check_file_as(&self, path: &Path, bare: Option<(&str, u16)>) -> Report {
        let name = path.display().to_string();
        let file: Arc<str> = Arc::from(name.as_str());
        let unreadable = |e: std::io::Error| {
            let mut r = Report {
                files: 1,
                ..Report::default()
            };
            let f = Finding::new(
                "input.unreadable",
                Severity::Error,
                &name,
                format!("cannot read {name}: {e}"),
            );
            r.findings.extend(self.policy.apply(f));
            r
        };
        if let Some((op, status)) = bare {
            return match std::fs::read(path) {
                Ok(bytes) => {
                    let mut run = FileRun::new(self, file.clone());
                    run.push(Item::Exchange(Box::new(input::bare::exchange(
                        &file, op, status, bytes,
                    ))));
                    run.finish()
                }
                Err(e) => unreadable(e),
            };
        }
        let kind = Kind::from_path(path).unwrap_or(Kind::JsonDocument);
        if kind == Kind::Ndjson {
            return match std::fs::File::open(path) {
                Ok(f) => {
                    let mut run = FileRun::new(self, file.clone());
                    let mut reader = BufReader::new(f);
                    input::ndjson::read_lines(&file, &mut reader, &mut |l| run.push_line(l));
                    run.finish()
                }
                Err(e) => unreadable(e),
            };
        }
        match std::fs::read(path) {
            Ok(bytes) => {
                let mut run = FileRun::new(self, file.clone());
                self.read_document(&file, kind, &bytes, &mut run);
                run.finish()
            }
            Err(e) => unreadable(e),
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
        let (files, mut report) = self.expand(paths);
        let check = |(path, _): &(PathBuf, u64)| {
            let r = self.check_file_as(path, bare);
            progress(std::fs::metadata(path).map(|m| m.len()).unwrap_or(0));
            r
        };
        let reports: Vec<Report> = if self.on_caller() {
            files.iter().map(check).collect()
        } else {
            self.on_threads(|| files.par_iter().map(check).collect())
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
        self.expand(paths)
    }

    fn expand(&self, paths: &[impl AsRef<Path>]) -> (Vec<(PathBuf, u64)>, Report) {
        let mut walk = walk::Walk::new(&self.policy);
        for p in paths {
            walk.argument(p.as_ref());
        }
        walk.finish()
    }

    /// The documented response `status` selects and what the body check
    /// keeps of its body.
    fn response_plan(&self, op_ref: OpRef, status: u16) -> (Option<usize>, Option<&Want>) {
        let (_, op) = self.operation(op_ref);
        let response_index = op
            .responses
            .iter()
            .position(|r| r.status == Some(status))
            .or_else(|| op.responses.iter().position(|r| r.status.is_none()));
        let plans = &self.plans[op_ref.spec][op_ref.op];
        let want = match response_index {
            _ if self.secret.is_some() && plans.signs_responses => Some(&WHOLE),
            Some(i) => plans.wants[i].as_ref(),
            None => None,
        };
        (response_index, want)
    }

    /// The streaming check of a response body of `status` to `method path`,
    /// when its documented response has a body to check against.
    fn body_seed(&self, op_ref: OpRef, status: u16) -> Option<BodySeed<'_>> {
        let (response_index, want) = self.response_plan(op_ref, status);
        let (_, op) = self.operation(op_ref);
        let ty = op.responses[response_index?].body.as_ref()?;
        Some(self.schemas[op_ref.spec].seed(ty, want))
    }

    /// The per-exchange checks of an NDJSON line (`None`: a blank line): in one
    /// pass when the line reads so, else the usual way. The prepared exchange's
    /// body is left to the caller, which knows where the line lives; the body
    /// is found in the line again (`body_in_line`) only if a finding needs it.
    fn check_line(
        &self,
        file: &Arc<str>,
        entry: usize,
        line: &[u8],
    ) -> Option<Result<Prepared, Box<Finding>>> {
        let mut checked = one_pass::Checked::default();
        let one = std::str::from_utf8(line)
            .ok()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .and_then(|t| one_pass::read(self, file, entry, t, &mut checked));
        if let Some(exchange) = one {
            return Some(Ok(self.prepare_streamed(
                &exchange,
                checked.streamed,
                Some(checked.route.as_ref()),
            )));
        }
        input::ndjson::parse_line(file, entry, line).map(|read| read.map(|ex| self.prepare(&ex)))
    }

    /// What to say of an exchange that matches no operation.
    fn unmatched(&self, ex: &Exchange<'_>) -> Unmatched {
        if self
            .ignore_paths
            .as_ref()
            .is_some_and(|globs| globs.is_match(ex.path.as_ref()))
        {
            return Unmatched::Ignored;
        }
        let mut said = format!("{} {}", ex.method, ex.path);
        if let Some(prefix) = self.matcher.prefix_hint(&ex.method, &ex.path) {
            said.push_str(&format!(
                "; it ends like an operation's path: if `{prefix}` is a gateway prefix, `--base-path {prefix}` checks it"
            ));
        }
        Unmatched::Reported(said)
    }

    /// Per-exchange checks (run in parallel).
    fn prepare(&self, ex: &Exchange<'_>) -> Prepared {
        self.prepare_streamed(ex, None, None)
    }

    /// [`Self::prepare`], given the body's streamed check when it was done
    /// while the exchange was read, and the route when it was matched then.
    fn prepare_streamed<'b>(
        &self,
        ex: &'b Exchange<'b>,
        pre: Option<Streamed<'b>>,
        route: Option<Option<&Match<'_, '_>>>,
    ) -> Prepared {
        // Filled in place: it is big, and moves of it cost.
        let mut prepared = Prepared {
            entry: ex.entry,
            status: ex.status,
            unmatched: None,
            op: None,
            key: KeyValues::default(),
            findings: Vec::new(),
            obs: None,
            // Set by the caller, which knows where the body lives.
            body: BodyText::Owned(Vec::new()),
        };
        let findings = &mut prepared.findings;
        let matched_here;
        let op_ref = match (&ex.operation, route) {
            (Some(id), _) => self.find_operation(id).map(|r| (r, &[][..])),
            (None, Some(matched)) => matched.map(|m| (m.op, &m.path_params[..])),
            (None, None) => {
                matched_here = self.matcher.find(&ex.method, &ex.path);
                matched_here.as_ref().map(|m| (m.op, &m.path_params[..]))
            }
        };
        let Some((op_ref, path_params)) = op_ref else {
            prepared.unmatched = Some(self.unmatched(ex));
            return prepared;
        };
        let params = Params {
            path: path_params,
            query: &ex.query,
        };
        let (spec, op) = self.operation(op_ref);
        if let Some(recorded) = &ex.unreadable_time {
            findings.push(checks::at_exchange(
                ex,
                &op.id,
                "input.timestamp",
                Severity::Error,
                format!(
                    "the recorded time `{recorded}` is not an RFC 3339 date-time, so the rules that need it (`state.timeout`) are not evaluated for this exchange"
                ),
            ));
        }
        http::check(op, ex, findings);
        request::check(spec, op, ex, params, findings);
        let (response_index, want) = self.response_plan(op_ref, ex.status);
        let response = response_index.map(|i| &op.responses[i]);
        let plans = &self.plans[op_ref.spec][op_ref.op];
        let schema = &self.schemas[op_ref.spec];
        let streamed = body::check(schema, op, response, ex, params, want, pre, findings);
        signature::check_request(spec, op, ex, self.secret.as_ref(), findings);
        if let (Some(body), Some(i)) = (&streamed, response_index) {
            if self.secret.is_some() && plans.signs_responses {
                let whole = body.pointer("").unwrap_or_default();
                signature::check_response(spec, op, ex, &whole, self.secret.as_ref(), findings);
            }
            let plan = &plans.by_response[i];
            if !plan.is_empty() {
                let (_, obs) = prepared.obs.insert((i, Observation::default()));
                observe(plan, body, ex.time_ms, obs);
            }
        }
        drop(streamed);
        // Only what the sequence phase needs outlives this (the rest of the
        // exchange is freed here, on the worker that allocated it).
        prepared.op = Some(op_ref);
        for k in &op.resource_key {
            prepared.key.push(params.get(k));
        }
        prepared
    }
}

/// See [`Engine::session`].
pub struct Session<'e> {
    run: FileRun<'e>,
}

impl std::fmt::Debug for Session<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("file", &self.run.file)
            .field("exchanges", &self.run.report.exchanges)
            .finish()
    }
}

impl Session<'_> {
    /// Checks one input item (an exchange, or a problem with one) now and
    /// returns the findings it produced, after the policy.
    pub fn check(&mut self, item: Item) -> Vec<Finding> {
        let before = self.run.report.findings.len();
        let run = &mut self.run;
        run.engine.on_threads(|| {
            run.push(item);
            run.flush();
        });
        let mut found = self.run.report.findings[before..].to_vec();
        self.run.engine.scrub(&mut found);
        found
    }

    /// Findings of the file as a whole (unmatched entries, spec versions) and the
    /// report of everything checked.
    pub fn finish(self) -> Report {
        self.run.finish()
    }
}

/// Work for the next parallel batch.
enum Pending {
    Exchange(Box<Exchange<'static>>),
    /// A problem with an NDJSON line, in its place among the lines.
    Problem(Box<Finding>),
    /// An NDJSON line (at `start..end` of [`FileRun::lines`]): checked and
    /// parsed in the batch too.
    Line {
        entry: usize,
        start: usize,
        end: usize,
    },
}

/// A batch element after its parallel part, in input order.
// Nearly every element is a `Prepared`: boxing it would cost an allocation
// per exchange for nothing.
#[allow(clippy::large_enum_variant)]
enum Done {
    Prepared(Prepared),
    Blank,
    Problem(Box<Finding>),
}

/// The sequential part of a batch, applied in input order (while the next
/// batch is prepared).
enum Event {
    Problem(Box<Finding>),
    /// [`BATCH`] prepared exchanges, checked as one chunk of their sequences.
    Chunk(Vec<Prepared>),
}

/// An exchange after its own checks, waiting for its sequence.
struct Prepared {
    entry: Option<usize>,
    /// The response status.
    status: u16,
    /// An exchange no operation matches: `METHOD path` and a hint, or
    /// `Ignored` when `--ignore-path` names its path.
    unmatched: Option<Unmatched>,
    op: Option<OpRef>,
    /// The values of the operation's `x-resource-key` parameters.
    key: KeyValues,
    findings: Vec<Finding>,
    /// The response index and what it says about the resource.
    obs: Option<(usize, Observation)>,
    /// The response body, to locate findings in.
    body: BodyText,
}

/// One operation's coverage in one file, by index (named once, at the end).
#[derive(Debug, Default)]
struct Covered {
    exchanges: usize,
    sequences: usize,
    statuses: BTreeMap<u16, usize>,
    /// (response, value index) of the state machine's values seen.
    states: BTreeSet<(usize, usize)>,
    /// (response, from, to) between consecutive polls.
    transitions: BTreeSet<(usize, usize, usize)>,
    /// Exchanges of a timed state machine without a recorded time.
    untimed: usize,
    /// Exchanges of a signed operation checked without the secret.
    unsigned_requests: usize,
    unsigned_responses: usize,
}

#[derive(Debug)]
enum Unmatched {
    Reported(String),
    Ignored,
}

/// Where a prepared exchange's response body is.
enum BodyText {
    Owned(Vec<u8>),
    /// In the NDJSON line at `range` of a batch's line buffer (kept until the
    /// batch's sequence checks are done), cut out only for a finding.
    InLine {
        lines: Arc<Vec<u8>>,
        range: std::ops::Range<usize>,
    },
}

impl BodyText {
    fn bytes(&self) -> Cow<'_, [u8]> {
        match self {
            BodyText::Owned(b) => Cow::Borrowed(b),
            BodyText::InLine { lines, range } => Cow::Owned(body_in_line(&lines[range.clone()])),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct SeqKey {
    op: OpRef,
    values: KeyValues,
}

/// The values of a resource key, in one small buffer: inline for the usual
/// short ids, so that the open-sequence map is looked up without following
/// pointers. Per value: `0` when absent, else `1`, its length (8 bytes, LE)
/// and its UTF-8 bytes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
struct KeyValues(SmallVec<[u8; 48]>);

impl KeyValues {
    fn push(&mut self, value: Option<&str>) {
        match value {
            None => self.0.push(0),
            Some(v) => {
                self.0.push(1);
                self.0.extend_from_slice(&(v.len() as u64).to_le_bytes());
                self.0.extend_from_slice(v.as_bytes());
            }
        }
    }

    /// The values, in order.
    fn values(&self) -> impl Iterator<Item = Option<&str>> {
        let mut rest = &self.0[..];
        std::iter::from_fn(move || {
            let (&tag, after) = rest.split_first()?;
            if tag == 0 {
                rest = after;
                return Some(None);
            }
            let (len, after) = after.split_first_chunk::<8>()?;
            let len = usize::try_from(u64::from_le_bytes(*len)).ok()?;
            let (text, after) = after.split_at_checked(len)?;
            rest = after;
            Some(std::str::from_utf8(text).ok())
        })
    }
}

struct OpenSequence {
    state: SequenceState,
    /// Index in `report.sequence_records`, when recorded.
    record: Option<usize>,
}

/// The state of checking one file.
struct FileRun<'e> {
    engine: &'e Engine,
    file: Arc<str>,
    sort_by_time: bool,
    pending: Vec<Pending>,
    /// The pending NDJSON lines, one buffer per batch.
    lines: Vec<u8>,
    /// Prepared exchanges whose sequence checks run together, [`BATCH`] at a
    /// time (all at once when sorted by time).
    chunk: Vec<Prepared>,
    /// Full chunks and problems not yet applied, in order.
    events: Vec<Event>,
    // foldhash: one lookup per exchange, keyed by recorded values; its
    // per-process seed keeps crafted keys from colliding on purpose.
    sequences: foldhash::HashMap<SeqKey, OpenSequence>,
    /// The latest last time of any sequence, and a lower bound of the open
    /// sequences' last times (see [`Self::evict_idle`]).
    latest_time: Option<i128>,
    oldest_time: Option<i128>,
    report: Report,
    unmatched: usize,
    first_unmatched: Option<(Option<usize>, String)>,
    /// What this file's exchanges covered, by operation (named at the end).
    covered: BTreeMap<OpRef, Covered>,
    spec_infos: BTreeSet<(String, String)>,
    /// One worker thread: NDJSON lines are checked as they are read, with
    /// nothing to gain from batches (see [`Self::line_now`]).
    inline: bool,
    /// With `inline`: the findings of the exchanges of the current chunk,
    /// released when it is complete, where the batches release them.
    held: Vec<Finding>,
    held_exchanges: usize,
}

impl<'e> FileRun<'e> {
    fn new(engine: &'e Engine, file: Arc<str>) -> Self {
        FileRun {
            engine,
            file,
            sort_by_time: false,
            pending: Vec::new(),
            lines: Vec::new(),
            chunk: Vec::new(),
            events: Vec::new(),
            sequences: foldhash::HashMap::default(),
            latest_time: None,
            oldest_time: None,
            report: Report {
                files: 1,
                ..Report::default()
            },
            unmatched: 0,
            first_unmatched: None,
            covered: BTreeMap::new(),
            spec_infos: BTreeSet::new(),
            inline: engine.thread_count() == 1,
            held: Vec::new(),
            held_exchanges: 0,
        }
    }

    fn emit(&mut self, f: Finding) {
        self.report.findings.extend(self.engine.policy.apply(f));
    }

    fn push(&mut self, item: Item) {
        match item {
            Item::Exchange(ex) => {
                self.pending.push(Pending::Exchange(ex));
                if !self.sort_by_time && self.pending.len() >= BATCH {
                    self.run_batch();
                }
            }
            // After the findings of chunks already complete but not yet applied.
            Item::Problem(f) if !self.events.is_empty() => self.events.push(Event::Problem(f)),
            Item::Problem(f) => self.emit(*f),
            Item::SpecInfo { title, version } => {
                self.spec_infos.insert((title, version));
            }
        }
    }

    /// An NDJSON line. Its exchange is parsed with the batch, in parallel; its
    /// findings come out in the order they would if it had been parsed when
    /// read (problems at once, exchanges' findings [`BATCH`] exchanges at a
    /// time).
    fn push_line(&mut self, line: Line<'_>) {
        if self.inline {
            return match line {
                Line::Item(Item::Problem(f)) => self.emit(*f),
                Line::Item(item) => self.push(item),
                Line::Raw { entry, bytes } => self.line_now(entry, bytes),
            };
        }
        match line {
            Line::Item(Item::Problem(f)) => self.pending.push(Pending::Problem(f)),
            Line::Item(item) => return self.push(item),
            Line::Raw { entry, bytes } => {
                let start = self.lines.len();
                self.lines.extend_from_slice(bytes);
                self.pending.push(Pending::Line {
                    entry,
                    start,
                    end: self.lines.len(),
                });
            }
        }
        if self.pending.len() >= BATCH {
            self.run_batch();
        }
    }

    /// An NDJSON line checked at once, sequence checks included, on one
    /// worker thread. The findings come out as the batches give them:
    /// problems at once, exchanges' findings [`BATCH`] exchanges at a time
    /// (idle sequences are dropped at the same points too), so the report
    /// does not depend on the number of threads.
    fn line_now(&mut self, entry: usize, bytes: &[u8]) {
        // Matched by reference: the prepared exchange is big, and moves of it
        // cost.
        let mut outcome = self.engine.check_line(&self.file, entry, bytes);
        let prepared = match &mut outcome {
            None => return,
            Some(Err(_)) => {
                if let Some(Err(f)) = outcome {
                    self.emit(*f);
                }
                return;
            }
            Some(Ok(prepared)) => prepared,
        };
        self.sequence(prepared, Some(bytes));
        self.held_exchanges += 1;
        if self.held_exchanges == BATCH {
            self.release_held();
            self.evict_idle();
        }
    }

    fn release_held(&mut self) {
        self.held_exchanges = 0;
        let held = std::mem::take(&mut self.held);
        self.report.findings.extend(held);
    }

    /// Checks everything pushed so far.
    fn flush(&mut self) {
        self.run_batch();
        let events = std::mem::take(&mut self.events);
        self.apply(events);
        self.run_chunk();
        if self.held_exchanges > 0 || !self.held.is_empty() {
            self.release_held();
            self.evict_idle();
        }
    }

    /// The per-exchange part of the pending work, in parallel; meanwhile the
    /// sequential part of the previous batch (sequence checks, problems) runs
    /// on another thread, so both cores stay busy.
    fn run_batch(&mut self) {
        let mut batch = std::mem::take(&mut self.pending);
        let time = |p: &Pending| match p {
            Pending::Exchange(e) => e.time_ms,
            _ => None,
        };
        if self.sort_by_time && batch.iter().all(|p| time(p).is_some()) {
            batch.sort_by_key(time);
        }
        let engine = self.engine;
        let file = self.file.clone();
        // Shared with the prepared exchanges whose lines it holds; the next
        // batch gets a new buffer of the same size.
        let capacity = self.lines.capacity();
        let lines = Arc::new(std::mem::replace(
            &mut self.lines,
            Vec::with_capacity(capacity),
        ));
        let on_caller = engine.on_caller();
        let prepare = move || {
            let work = |p: Pending| match p {
                Pending::Exchange(ex) => {
                    let mut prepared = engine.prepare(&ex);
                    prepared.body = BodyText::Owned(ex.body.into_owned());
                    Done::Prepared(prepared)
                }
                Pending::Problem(f) => Done::Problem(f),
                Pending::Line { entry, start, end } => {
                    match engine.check_line(&file, entry, &lines[start..end]) {
                        None => Done::Blank,
                        Some(Err(f)) => Done::Problem(f),
                        Some(Ok(mut prepared)) => {
                            prepared.body = BodyText::InLine {
                                lines: lines.clone(),
                                range: start..end,
                            };
                            Done::Prepared(prepared)
                        }
                    }
                }
            };
            if batch.len() > 1 && !on_caller {
                batch.into_par_iter().map(work).collect()
            } else {
                batch.into_iter().map(work).collect()
            }
        };
        let events = std::mem::take(&mut self.events);
        let done: Vec<Done> = if events.is_empty() {
            prepare()
        } else if on_caller {
            // `prepare` does not touch the run: the order does not matter.
            self.apply(events);
            prepare()
        } else {
            rayon::join(prepare, || self.apply(events)).0
        };
        for d in done {
            match d {
                Done::Prepared(p) => {
                    self.chunk.push(p);
                    if !self.sort_by_time && self.chunk.len() >= BATCH {
                        let chunk = std::mem::take(&mut self.chunk);
                        self.events.push(Event::Chunk(chunk));
                    }
                }
                Done::Problem(f) => self.events.push(Event::Problem(f)),
                Done::Blank => {}
            }
        }
    }

    /// Sequential work queued by [`Self::run_batch`], in input order.
    fn apply(&mut self, events: Vec<Event>) {
        for e in events {
            match e {
                Event::Problem(f) => self.emit(*f),
                Event::Chunk(chunk) => {
                    for mut p in chunk {
                        self.sequence(&mut p, None);
                    }
                    self.evict_idle();
                }
            }
        }
    }

    /// The sequence part of the prepared exchanges, in order.
    fn run_chunk(&mut self) {
        for mut p in std::mem::take(&mut self.chunk) {
            self.sequence(&mut p, None);
        }
        self.evict_idle();
    }

    /// The sequence part of a prepared exchange. `line` is given by
    /// [`Self::line_now`]: the NDJSON line just checked, where the body is
    /// found for a finding; its findings are held until its chunk is complete.
    fn sequence(&mut self, p: &mut Prepared, line: Option<&[u8]>) {
        self.report.exchanges += 1;
        let Some(op_ref) = p.op else {
            match p.unmatched.take() {
                Some(Unmatched::Ignored) => self.report.ignored += 1,
                Some(Unmatched::Reported(said)) => {
                    self.unmatched += 1;
                    if self.first_unmatched.is_none() {
                        self.first_unmatched = Some((p.entry, said));
                    }
                }
                None => self.unmatched += 1,
            }
            return;
        };
        let engine = self.engine;
        let (_, op) = engine.operation(op_ref);
        // For the label (an inline copy, without allocating).
        let values = p.key.clone();
        let key = SeqKey {
            op: op_ref,
            values: std::mem::take(&mut p.key),
        };
        let open = self.sequences.entry(key).or_insert_with(|| OpenSequence {
            state: SequenceState::default(),
            record: None,
        });
        let covered = self.covered.entry(op_ref).or_default();
        covered.exchanges += 1;
        if engine.secret.is_none() {
            let plans = &engine.plans[op_ref.spec][op_ref.op];
            if plans.signs_requests {
                covered.unsigned_requests += 1;
            }
            if plans.signs_responses {
                covered.unsigned_responses += 1;
            }
        }
        *covered.statuses.entry(p.status).or_default() += 1;
        if open.state.exchanges == 0 {
            covered.sequences += 1;
            self.report.sequences += 1;
            if engine.record_sequences {
                open.record = Some(self.report.sequence_records.len());
                self.report.sequence_records.push(SequenceRecord {
                    file: self.file.to_string(),
                    label: label(op, &values),
                    operation: op.id.clone(),
                    exchanges: 0,
                });
            }
        }
        open.state.exchanges += 1;
        if let Some(r) = open
            .record
            .and_then(|i| self.report.sequence_records.get_mut(i))
        {
            r.exchanges += 1;
        }
        let mut findings = std::mem::take(&mut p.findings);
        if let Some((i, obs)) = p.obs.as_ref().map(|(i, o)| (*i, o)) {
            let at = At {
                plan: &engine.plans[op_ref.spec][op_ref.op].by_response[i],
                interval_seconds: op.polling.as_ref().map_or(0, |p| p.interval_seconds),
                file: &self.file,
                entry: p.entry,
                operation: &op.id,
            };
            let before = open.state.last_status();
            open.state.update(&at, obs, &mut findings);
            if let Some(states) = &at.plan.states {
                if let Some(to) = obs.status {
                    covered.states.insert((i, to));
                    let from = before
                        .filter(|(e, from)| *e == states.enum_name && *from != to)
                        .map(|(_, from)| from);
                    if let Some(from) = from {
                        covered.transitions.insert((i, from, to));
                    }
                }
                if obs.time_ms.is_none() && !states.machine.timeouts.is_empty() {
                    covered.untimed += 1;
                }
            }
        }
        if let Some(t) = open.state.last_time {
            self.latest_time = Some(self.latest_time.map_or(t, |l| l.max(t)));
            // A lower bound of the open sequences' last times.
            self.oldest_time = Some(self.oldest_time.map_or(t, |o| o.min(t)));
        }
        let name = (!findings.is_empty()).then(|| label(op, &values));
        let body = match line {
            _ if findings.is_empty() => Cow::Borrowed(&[][..]),
            Some(line) => Cow::Owned(body_in_line(line)),
            None => p.body.bytes(),
        };
        for mut f in findings {
            f.sequence = name.clone();
            locate(&mut f, &body, self.engine.secret.as_ref());
            if line.is_some() {
                // Checked at once (`line_now`): held until its chunk is complete.
                self.held.extend(self.engine.policy.apply(f));
            } else {
                self.emit(f);
            }
        }
    }

    /// Drops sequences idle for longer than any timeout, so that a long NDJSON
    /// stream keeps a bounded number of open sequences.
    fn evict_idle(&mut self) {
        if self.sequences.len() <= MAX_OPEN_SEQUENCES {
            return;
        }
        // The latest time of any open sequence is the latest seen (that
        // sequence is never idle); nothing is idle unless the oldest is far
        // enough behind it, so most calls need not visit the sequences.
        let (Some(now), Some(oldest)) = (self.latest_time, self.oldest_time) else {
            return;
        };
        if now - oldest < IDLE_MS {
            return;
        }
        self.sequences
            .retain(|_, s| s.state.last_time.is_none_or(|t| now - t < IDLE_MS));
        self.oldest_time = self
            .sequences
            .values()
            .filter_map(|s| s.state.last_time)
            .min();
    }

    fn finish(mut self) -> Report {
        self.flush();
        self.report.unmatched = self.unmatched;
        if self.unmatched > 0 {
            let (entry, first) = self.first_unmatched.take().unwrap_or_default();
            let mut f = Finding::new(
                "input.unmatched",
                Severity::Warning,
                &self.file,
                format!(
                    "{} entr{} no operation of the loaded specs (first: {first})",
                    self.unmatched,
                    if self.unmatched == 1 {
                        "y matches"
                    } else {
                        "ies match"
                    }
                ),
            );
            f.entry = entry;
            self.emit(f);
        }
        for (title, version) in std::mem::take(&mut self.spec_infos) {
            let loaded: Vec<&Spec> = self
                .engine
                .specs
                .iter()
                .filter(|s| s.title == title)
                .collect();
            if loaded.iter().any(|s| s.version == version) {
                continue;
            }
            let message = if loaded.is_empty() {
                format!("recorded against `{title}` {version}, which is not among the loaded specs")
            } else {
                format!(
                    "recorded against `{title}` {version}; the loaded spec is version {}",
                    loaded
                        .iter()
                        .map(|s| s.version.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            self.emit(Finding::new(
                "input.spec-version",
                Severity::Warning,
                &self.file,
                message,
            ));
        }
        let covered = std::mem::take(&mut self.covered);
        for (op_ref, c) in covered {
            self.engine.cover(op_ref, c, &mut self.report.coverage);
        }
        self.engine.scrub(&mut self.report.findings);
        if let Some(secret) = &self.engine.secret {
            for r in &mut self.report.sequence_records {
                secret.scrub_string(&mut r.label);
            }
        }
        self.report
    }
}

/// The body of the exchange an NDJSON line holds, as its usual read finds it.
fn body_in_line(line: &[u8]) -> Vec<u8> {
    std::str::from_utf8(line)
        .ok()
        .and_then(|line| input::recording::body_of(line.trim()))
        .unwrap_or_default()
}

/// A match's parameters, with room for the query's. Rebuilt rather than
/// extended: `SmallVec` does not shorten lifetimes, its elements do.
#[allow(clippy::map_identity)] // the map shortens the lifetimes
/// How findings and reports name a sequence: the operation and the resource
/// key's values (worded only when needed: most sequences have no finding).
fn label(op: &Operation, values: &KeyValues) -> String {
    let mut label = op.id.clone();
    for (name, value) in op.resource_key.iter().zip(values.values()) {
        if let Some(v) = value {
            label.push_str(&format!(" {name}={v}"));
        }
    }
    label
}

/// Line, column and snippet of a finding's pointer in the body it was found in.
/// The snippet quotes the body: when the body holds the secret, it quotes a
/// copy without it (the line and column stay those of the body).
fn locate(f: &mut Finding, body: &[u8], secret: Option<&Secret>) {
    let clean = secret.and_then(|s| s.scrub_bytes(body));
    let quoted: &[u8] = clean.as_deref().unwrap_or(body);
    let Some(pointer) = &f.pointer else {
        if let (Some(line), Some(column)) = (f.line, f.column) {
            // A syntax error: quote the body around its position.
            let offset = offset_of(quoted, line, column);
            let at = position::Located {
                start: offset,
                end: (offset + 1).min(quoted.len()),
                line,
                column,
            };
            if !quoted.is_empty() {
                f.snippet = Some(position::snippet(quoted, at, 2));
            }
        }
        return;
    };
    if let Some(at) = position::locate(body, pointer) {
        f.line = Some(at.line);
        f.column = Some(at.column);
        let quoted_at = match &clean {
            Some(c) => position::locate(c, pointer),
            None => Some(at),
        };
        if let Some(q) = quoted_at {
            f.snippet = Some(position::snippet(quoted, q, 2));
        }
    }
}

/// Byte offset of a 1-based line and character column.
fn offset_of(text: &[u8], line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match text[start..].iter().position(|&b| b == b'\n') {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let rest = String::from_utf8_lossy(&text[start..]);
    let within: usize = rest
        .chars()
        .take(column.saturating_sub(1))
        .map(char::len_utf8)
        .sum();
    (start + within).min(text.len())
}

#[cfg(test)]
mod tests {
    use super::{Engine, KeyValues};

    #[test]
    fn a_pool_never_exceeds_four_threads_per_core() {
        let asked = std::num::NonZeroUsize::new(10_000).unwrap();
        let engine = Engine::from_specs(Vec::new()).with_threads(asked).unwrap();
        assert_eq!(engine.thread_count(), Engine::max_threads().get());
    }

    /// A key's values come back as they went in, absent ones included, and
    /// different lists of values never give the same key.
    #[test]
    fn key_values_round_trip() {
        let lists: [&[Option<&str>]; 6] = [
            &[],
            &[None],
            &[Some("")],
            &[Some("site-1"), Some("pi_00000001")],
            &[
                None,
                Some("a\u{0}b"),
                Some("é€😀 and a long value past the inline room of the key"),
            ],
            &[Some("site-1pi_00000001")],
        ];
        let keys: Vec<KeyValues> = lists
            .iter()
            .map(|values| {
                let mut key = KeyValues::default();
                for v in *values {
                    key.push(*v);
                }
                assert_eq!(key.values().collect::<Vec<_>>(), *values);
                key
            })
            .collect();
        for (i, a) in keys.iter().enumerate() {
            for (j, b) in keys.iter().enumerate() {
                assert_eq!(a == b, i == j, "{:?} {:?}", lists[i], lists[j]);
            }
        }
    }
}
