//! The check of one file: items are numbered as they are read, get their
//! own checks (at once on the calling thread, else in parallel batches),
//! then their sequence checks in order; the findings are put back in input
//! order at the end, so the report never depends on threads or batches.

use pyng_spec::registry::RuleId;
use std::collections::{BTreeMap, BTreeSet};
use std::io::BufRead;
use std::sync::Arc;

use pyng_spec::ir::Spec;

use super::Engine;
use super::coverage::Covered;
use super::locate::locate;
use super::prepare::{Prepared, Route};
use super::rate_windows::RateWindows;
use super::report::{Report, SequenceRecord};
use super::sequences::{SeqKey, Sequences};
use super::stream::{Batch, Checked};
use super::threads::Threads;
use crate::checks::client::token::{self, TokenRole, TokenUse};
use crate::checks::idempotency::{self, Keyed, Replays};
use crate::checks::links;
use crate::checks::sequence::At;
use crate::finding::Finding;
use crate::input::ndjson::Line;
use crate::input::{self, Item, Kind};
use crate::matcher::OpRef;
use crate::origin::Origin;

/// The position of what concerns the file as a whole: after its entries.
const WHOLE_FILE: usize = usize::MAX;

pub(super) struct FileRun<'e> {
    engine: &'e Engine,
    file: Arc<str>,
    /// A whole document: its exchanges are checked all at once, their
    /// sequences in time order.
    by_time: bool,
    /// The input position of the next item read.
    next_position: usize,
    batch: Batch,
    /// Exchanges of the last batch, whose sequence checks run while the next
    /// batch gets its own.
    ready: Vec<(usize, Prepared<'static>)>,
    sequences: Sequences,
    rate_windows: RateWindows,
    tokens: TokenUse,
    /// Each with the input position of what it is about.
    findings: Vec<(usize, Finding)>,
    report: Report,
    unmatched: usize,
    first_unmatched: Option<(Option<usize>, String)>,
    /// What this file's exchanges covered, by operation (named at the end).
    covered: BTreeMap<OpRef, Covered>,
    /// The first call of each idempotency key.
    replays: Replays,
    spec_infos: BTreeSet<(String, String)>,
}

impl<'e> FileRun<'e> {
    pub(super) fn new(engine: &'e Engine, file: Arc<str>) -> Self {
        FileRun {
            engine,
            file,
            by_time: false,
            next_position: 0,
            batch: Batch::default(),
            ready: Vec::new(),
            sequences: Sequences::new(engine.eviction_window),
            rate_windows: RateWindows::default(),
            tokens: TokenUse::default(),
            findings: Vec::new(),
            report: Report {
                files: 1,
                ..Report::default()
            },
            unmatched: 0,
            first_unmatched: None,
            covered: BTreeMap::new(),
            replays: Replays::default(),
            spec_infos: BTreeSet::new(),
        }
    }

    pub(super) fn engine(&self) -> &'e Engine {
        self.engine
    }

    pub(super) fn file(&self) -> &str {
        &self.file
    }

    pub(super) fn exchanges(&self) -> usize {
        self.report.exchanges
    }

    /// How many findings there are so far, for [`Self::findings_since`].
    pub(super) fn findings_so_far(&self) -> usize {
        self.findings.len()
    }

    /// The findings given after the first `before`, in the order given.
    pub(super) fn findings_since(&self, before: usize) -> Vec<Finding> {
        self.findings[before..]
            .iter()
            .map(|(_, f)| f.clone())
            .collect()
    }

    fn on_caller(&self) -> bool {
        matches!(self.engine.threads, Threads::Caller)
    }

    fn position(&mut self) -> usize {
        let position = self.next_position;
        self.next_position += 1;
        position
    }

    fn emit(&mut self, position: usize, f: Finding) {
        if let Some(f) = self.engine.policy.apply(f) {
            self.findings.push((position, f));
        }
    }

    /// An NDJSON stream, line by line.
    pub(super) fn read_ndjson(&mut self, reader: &mut dyn BufRead) {
        let file = self.file.clone();
        input::ndjson::read_lines(&file, reader, &mut |line| self.push_line(line));
    }

    /// A HAR file or a recording (`kind`; [`Kind::JsonDocument`]: told by
    /// its content).
    pub(super) fn read_document(&mut self, kind: Kind, bytes: &[u8]) {
        let file = self.file.clone();
        let bytes = input::strip_bom(bytes);
        let kind = match kind {
            Kind::JsonDocument => match input::sniff(bytes) {
                Ok(Kind::JsonDocument) => {
                    return self.push(Item::Problem(input::problem(
                        &file,
                        None,
                        "neither a HAR file (`log`) nor a pyng recording (`format`); a bare response body needs --operation".into(),
                    )));
                }
                Ok(k) => k,
                Err(e) => {
                    return self.push(Item::Problem(input::syntax_problem(
                        &file, "the file", bytes, &e,
                    )));
                }
            },
            k => k,
        };
        self.by_time = true;
        let mut sink = |item| self.push(item);
        match kind {
            Kind::Har => input::har::read(&file, bytes, &mut sink),
            _ => input::recording::read(&file, bytes, &mut sink),
        }
        self.flush();
        self.place_in_document(kind, bytes);
    }

    /// The file positions of the findings of a document's entries, worked
    /// out from the document now that every entry is checked: a clean
    /// document costs nothing.
    fn place_in_document(&mut self, kind: Kind, bytes: &[u8]) {
        let mut wanted: Vec<usize> = self
            .findings
            .iter()
            .filter(|(_, f)| f.file_line.is_none())
            .filter_map(|(_, f)| f.entry)
            .collect();
        if wanted.is_empty() {
            return;
        }
        wanted.sort_unstable();
        wanted.dedup();
        let origins: BTreeMap<usize, Origin<'_>> = match kind {
            Kind::Har => input::har::origins(bytes, &wanted),
            _ => input::recording::origins(bytes, &wanted),
        }
        .into_iter()
        .collect();
        for (_, f) in &mut self.findings {
            if let Some(origin) = f.entry.and_then(|e| origins.get(&e))
                && f.file_line.is_none()
            {
                origin.place(f);
            }
        }
    }

    pub(super) fn push(&mut self, item: Item) {
        match item {
            Item::Exchange(ex) => {
                let position = self.position();
                if self.on_caller() && !self.by_time {
                    let prepared = self.engine.prepare(*ex);
                    self.sequence(position, prepared);
                    return;
                }
                self.batch.push_exchange(position, ex);
                if self.batch.is_full() && !self.by_time {
                    self.run_batch();
                }
            }
            Item::Problem(f) => {
                let position = self.position();
                self.emit(position, *f);
            }
            Item::SpecInfo { title, version } => {
                self.spec_infos.insert((title, version));
            }
        }
    }

    fn push_line(&mut self, line: Line<'_>) {
        let (entry, bytes) = match line {
            Line::Item(item) => return self.push(item),
            Line::Raw { entry, bytes } => (entry, bytes),
        };
        let position = self.position();
        if self.on_caller() {
            let checked = self.engine.check_line(&self.file, entry, bytes);
            self.checked(position, checked);
            return;
        }
        self.batch.push_line(position, entry, bytes);
        if self.batch.is_full() {
            self.run_batch();
        }
    }

    fn checked(&mut self, position: usize, checked: Checked<'_>) {
        match checked {
            None => {}
            Some(Err(problem)) => self.emit(position, *problem),
            Some(Ok(prepared)) => self.sequence(position, prepared),
        }
    }

    /// The own checks of the batch; on several threads, the sequence checks
    /// of the previous batch run meanwhile, so that no core waits.
    fn run_batch(&mut self) {
        let batch = std::mem::take(&mut self.batch);
        let ready = std::mem::take(&mut self.ready);
        let (engine, file, on_caller) = (self.engine, self.file.clone(), self.on_caller());
        let check = move || batch.check(engine, &file, on_caller);
        let checked = if on_caller || ready.is_empty() {
            self.sequences_of(ready);
            check()
        } else {
            rayon::join(check, || self.sequences_of(ready)).0
        };
        for (position, checked) in checked {
            match checked {
                None => {}
                Some(Err(problem)) => self.emit(position, *problem),
                Some(Ok(prepared)) => self.ready.push((position, prepared)),
            }
        }
        if self.by_time && self.ready.iter().all(|(_, p)| p.time_ms.is_some()) {
            self.ready.sort_by_key(|(_, p)| p.time_ms);
        }
    }

    fn sequences_of(&mut self, ready: Vec<(usize, Prepared<'static>)>) {
        for (position, prepared) in ready {
            self.sequence(position, prepared);
        }
    }

    /// Checks everything pushed so far.
    pub(super) fn flush(&mut self) {
        self.run_batch();
        let ready = std::mem::take(&mut self.ready);
        self.sequences_of(ready);
    }

    /// The sequence part of a prepared exchange, and its findings, located
    /// in its body.
    fn sequence(&mut self, position: usize, mut p: Prepared<'_>) {
        self.report.exchanges += 1;
        let creation = p.side.creation.take();
        let (op_ref, key, limit_key) = match p.route {
            Route::Operation { op, key, limit_key } => (op, key, limit_key),
            Route::Ignored => {
                self.report.ignored += 1;
                return;
            }
            Route::Unmatched(said) => {
                self.unmatched += 1;
                if self.first_unmatched.is_none() {
                    self.first_unmatched = Some((p.entry, said));
                }
                return;
            }
        };
        let engine = self.engine;
        let mut findings = match creation {
            Some(c) => self.creation(p.entry, p.time_ms, c),
            None => Vec::new(),
        };
        let (_, op) = engine.operation(op_ref);
        let plans = engine.plans(op_ref);
        let covered = self.covered.entry(op_ref).or_default();
        covered.exchanges += 1;
        *covered.statuses.entry(p.status).or_default() += 1;
        covered.redacted_parameters += usize::from(p.side.unevaluated.redacted_parameter);
        covered.unchecked_credentials += usize::from(p.side.unevaluated.unchecked_credentials);
        covered.redacted_response_headers +=
            usize::from(p.side.unevaluated.redacted_response_header);
        if let Some(why) = p.side.request_body_unchecked {
            *covered
                .request_bodies_unchecked
                .entry(why.reason())
                .or_default() += 1;
        }
        if engine.secret.is_none() {
            covered.unsigned_requests += usize::from(plans.signs_requests);
            covered.unsigned_responses += usize::from(plans.signs_responses);
        }
        let key = SeqKey {
            op: op_ref,
            values: key,
        };
        let (open, opened) = self.sequences.open(key, |key| label(op, &key.values));
        if opened {
            covered.sequences += 1;
            self.report.sequences += 1;
            if engine.record_sequences {
                open.record = Some(self.report.sequence_records.len());
                self.report.sequence_records.push(SequenceRecord {
                    file: self.file.to_string(),
                    label: open.label.clone(),
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
        findings.append(&mut p.findings);
        match p.side.call {
            Some(Keyed::Call(call)) => {
                let at = idempotency::At {
                    op_ref,
                    op,
                    ex_file: &self.file,
                    entry: p.entry,
                };
                if !self.replays.check(&at, call, &mut findings) {
                    covered.untracked_replays += 1;
                }
            }
            Some(Keyed::Redacted) => covered.untracked_replays += 1,
            None => {}
        }
        if let Some((i, obs)) = &p.observation {
            let at = At {
                plan: &plans.by_response[*i],
                interval_seconds: op.polling.as_ref().map_or(0, |p| p.interval_seconds),
                file: &self.file,
                entry: p.entry,
                operation: &op.id,
            };
            let before = open.state.last_status();
            if let Some(created) = &mut open.state.created {
                joined_poll(&at, created, obs, &p.text, &self.file, &mut findings);
            }
            open.state.update(&at, obs, &mut findings);
            if let Some(states) = &at.plan.states {
                if let Some(to) = obs.status {
                    covered.states.insert((*i, to));
                    let from = before
                        .filter(|(e, from)| *e == states.enum_name && *from != to)
                        .map(|(_, from)| from);
                    if let Some(from) = from {
                        covered.transitions.insert((*i, from, to));
                    }
                }
                if obs.time_ms.is_none() && !states.machine.timeouts.is_empty() {
                    covered.untimed += 1;
                }
            }
        }
        let observed = p.observation.as_ref().map(|(i, obs)| (*i, obs.status));
        let states = observed.and_then(|(i, _)| plans.by_response[i].states.as_ref());
        let client_at = crate::checks::client::At {
            file: &self.file,
            entry: p.entry,
            operation: &op.id,
            interval_seconds: op.polling.as_ref().map_or(0, |p| p.interval_seconds),
            states,
            polling_source: op.polling.as_ref().and_then(|p| p.source.as_ref()),
        };
        let request = crate::checks::client::Request {
            time_ms: p.time_ms,
            status: p.status,
            retry_after_ms: p.retry_after_ms,
            state: observed.and_then(|(_, s)| s),
        };
        open.state.client.update(&client_at, request, &mut findings);
        if let (Some(limit), Some(values), Some(t)) = (&op.rate_limit, limit_key, p.time_ms)
            && let Some(over) = self.rate_windows.count(op_ref, values.clone(), limit, t)
        {
            findings.push(crate::checks::client::rate_limit(
                &client_at, limit, &values, over,
            ));
        }
        let token_at = token::At {
            file: &self.file,
            entry: p.entry,
            operation: &op.id,
        };
        match plans.token {
            TokenRole::Issues => {
                let expires_in = (200..300)
                    .contains(&p.status)
                    .then(|| token::expires_in(&p.text.body(&self.file).0))
                    .flatten();
                self.tokens.token_request(
                    &token_at,
                    p.time_ms,
                    p.status,
                    expires_in,
                    &mut findings,
                );
            }
            TokenRole::Takes => self.tokens.takes_token(p.entry, &op.id, p.status),
            TokenRole::None => {}
        }
        let label = (!findings.is_empty()).then(|| open.label.clone());
        let last_time = open.state.last_time;
        self.sequences.updated(last_time);
        if findings.is_empty() {
            return;
        }
        let (body, origin) = p.text.body(&self.file);
        for mut f in findings {
            if f.sequence.is_none() {
                f.sequence = label.clone();
            }
            locate(&mut f, &body, engine.secret.as_ref());
            if let Some(origin) = &origin {
                origin.place(&mut f);
            }
            self.emit(position, f);
        }
    }

    /// A creation joins the sequence of the resource it made: the sequence
    /// is opened (or found, when polls came first: `link.poll-before-creation`),
    /// holds what the creation returned, and reads the creation's status, if
    /// its body has one, as the sequence's first (its timeouts count from
    /// then). The findings are the creation's.
    fn creation(
        &mut self,
        entry: Option<usize>,
        time_ms: Option<i128>,
        c: links::Creation,
    ) -> Vec<Finding> {
        let engine = self.engine;
        let (_, target) = engine.operation(c.target);
        let key = SeqKey {
            op: c.target,
            values: c.key,
        };
        let (open, opened) = self.sequences.open(key, |key| label(target, &key.values));
        let covered = self.covered.entry(c.target).or_default();
        if opened {
            covered.sequences += 1;
            self.report.sequences += 1;
            if engine.record_sequences {
                open.record = Some(self.report.sequence_records.len());
                self.report.sequence_records.push(SequenceRecord {
                    file: self.file.to_string(),
                    label: open.label.clone(),
                    operation: target.id.clone(),
                    exchanges: 0,
                });
            }
        }
        let mut findings = Vec::new();
        if open.state.created.is_some() {
            // A replay of the creation (the same resource again): it was
            // joined once.
            return findings;
        }
        let polls = open.state.exchanges;
        if polls > 0 {
            let mut f = Finding::of(
                RuleId::LinkPollBeforeCreation,
                &self.file,
                format!(
                    "`{}` was polled {polls} time{} before this creation made it; a created resource is polled after its creation",
                    open.label,
                    if polls == 1 { "" } else { "s" }
                ),
            );
            f.entry = entry;
            f.operation = Some(target.id.clone());
            findings.push(f);
        }
        open.state.created_ms = time_ms;
        let mut created = links::Created {
            carried: c.carried,
            first_status_pending: polls == 0,
        };
        if let Some((i, mut obs)) = c.observation
            && let Some(status) = obs.status
        {
            let at = At {
                plan: &engine.plans(c.target).by_response[i],
                interval_seconds: target.polling.as_ref().map_or(0, |p| p.interval_seconds),
                file: &self.file,
                entry,
                operation: &target.id,
            };
            if let Some(states) = &at.plan.states {
                if created.first_status_pending {
                    links::first_state(
                        &at,
                        states,
                        status,
                        "in the creation's body",
                        &mut findings,
                    );
                }
                covered.states.insert((i, status));
            }
            created.first_status_pending = false;
            // The creation's own values are held by `link.stable-value`, not
            // `identity.stable`: only its status and deadlines are read here.
            obs.stable.clear();
            obs.monotonic.clear();
            open.state.update(&at, &obs, &mut findings);
        }
        open.state.created = Some(created);
        for f in &mut findings {
            f.sequence = Some(open.label.clone());
        }
        findings
    }

    /// The report of the file: what concerns it as a whole added, its
    /// findings in input order, without the signing secret.
    pub(super) fn finish(mut self) -> Report {
        self.flush();
        self.report.unmatched = self.unmatched;
        if self.unmatched > 0 {
            let (entry, first) = self.first_unmatched.take().unwrap_or_default();
            let mut f = Finding::of(
                RuleId::InputUnmatched,
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
            self.emit(WHOLE_FILE, f);
        }
        if let Some(f) = self.tokens.finish(&self.file) {
            self.emit(WHOLE_FILE, f);
        }
        for (title, version) in std::mem::take(&mut self.spec_infos) {
            if let Some(message) = spec_version_mismatch(&self.engine.specs, &title, &version) {
                let f = Finding::of(RuleId::InputSpecVersion, &self.file, message);
                self.emit(WHOLE_FILE, f);
            }
        }
        for (op_ref, c) in std::mem::take(&mut self.covered) {
            self.engine.cover(op_ref, c, &mut self.report.coverage);
        }
        // Stable: the findings of one position stay as the checks gave them.
        self.findings.sort_by_key(|(position, _)| *position);
        self.report.findings = self.findings.into_iter().map(|(_, f)| f).collect();
        self.engine.scrub(&mut self.report.findings);
        if let Some(secret) = &self.engine.secret {
            for r in &mut self.report.sequence_records {
                secret.scrub_string(&mut r.label);
            }
        }
        self.report
    }
}

/// What to say of a recording made against `title` `version` when the loaded
/// specs differ (`None`: a loaded spec is that version).
fn spec_version_mismatch(specs: &[Spec], title: &str, version: &str) -> Option<String> {
    let loaded: Vec<&Spec> = specs.iter().filter(|s| s.title == title).collect();
    if loaded.iter().any(|s| s.version == version) {
        return None;
    }
    Some(if loaded.is_empty() {
        format!("recorded against `{title}` {version}, which is not among the loaded specs")
    } else {
        let versions: Vec<&str> = loaded.iter().map(|s| s.version.as_str()).collect();
        format!(
            "recorded against `{title}` {version}; the loaded spec is version {}",
            versions.join(", ")
        )
    })
}

/// The `link.*` checks of a poll of a created resource: its first status
/// (when the creation's body had none) and the values the creation returned.
fn joined_poll(
    at: &At<'_>,
    created: &mut links::Created,
    obs: &crate::plan::Observation,
    text: &super::prepare::Text<'_>,
    file: &Arc<str>,
    findings: &mut Vec<Finding>,
) {
    if created.first_status_pending
        && let (Some(states), Some(status)) = (&at.plan.states, obs.status)
    {
        links::first_state(at, states, status, "in its first poll", findings);
        created.first_status_pending = false;
    }
    if created.carried.is_empty() {
        return;
    }
    let (body, _) = text.body(file);
    if let Ok(body) = serde_json::from_slice::<serde_json::Value>(&body) {
        links::stable_values(at, created, &body, findings);
    }
}

/// How findings and reports name a sequence: the operation and the resource
/// key's values.
fn label(op: &pyng_spec::ir::Operation, values: &[Option<String>]) -> String {
    let mut label = op.id.clone();
    for (name, value) in op.resource_key.iter().zip(values) {
        if let Some(v) = value {
            label.push_str(&format!(" {name}={v}"));
        }
    }
    label
}
