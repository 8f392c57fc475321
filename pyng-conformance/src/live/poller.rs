//! The poll loop: request, record, check, decide, wait. Each response is
//! captured (redacted) into the recording first and then checked *from its
//! recorded form* by an engine [`Session`], so what is reported live is what a
//! later `check` of the recording reports.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::auth::Auth;
use super::client::{Event, HttpClient, Request, Response, Sent, parse_retry_after};
use super::expiry::Expiry;
use super::record::{Form, RecordedExchange, Recording, Redactor};
use super::status_line::Progress;
use super::stop::StopSignal;
use super::target::Target;
use crate::engine::{Engine, Session};
use crate::finding::Finding;
use crate::input::recording::exchange_item;

/// How often the status line is refreshed while waiting.
const TICK: Duration = Duration::from_millis(250);

#[derive(Debug, Clone)]
pub struct PollConfig {
    /// Between the starts of two polls.
    pub interval: Duration,
    /// Polling stops when this much time has passed, final state or not.
    pub deadline: Duration,
    /// Further polls after the first final state, to see that it is kept (a
    /// final state that is left is only visible to a poller that looks again).
    pub confirm_final: u32,
}

/// Why polling ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum End {
    /// A final state was seen (and confirmed).
    Final(String),
    Deadline,
    /// Ctrl-C (or SIGTERM).
    Interrupted,
    /// No response after every retry.
    Unreachable(String),
    /// No bearer token could be had.
    Auth(String),
}

impl End {
    /// The run could not do its job: a usage or environment problem (exit 2).
    pub fn is_failure(&self) -> bool {
        matches!(self, End::Unreachable(_) | End::Auth(_))
    }
}

impl std::fmt::Display for End {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            End::Final(s) => write!(f, "final state {s}"),
            End::Deadline => f.write_str("deadline reached before a final state"),
            End::Interrupted => f.write_str("interrupted"),
            End::Unreachable(e) => write!(f, "the server is unreachable: {e}"),
            End::Auth(e) => write!(f, "authentication failed: {e}"),
        }
    }
}

/// What a run produced.
#[derive(Debug)]
pub struct PollRun {
    pub recording: Recording,
    pub end: End,
    /// Findings as they were reported live (per exchange, sequence included).
    pub live_findings: Vec<Finding>,
    pub polls: usize,
}

/// Told about the run as it goes.
pub trait Observer {
    /// A response was recorded (entry `entry`) and checked.
    fn exchange(
        &mut self,
        entry: usize,
        x: &RecordedExchange,
        state: Option<&str>,
        findings: &[Finding],
    );
    /// A retry, a token renewal.
    fn note(&mut self, message: &str);
    /// Refreshed after each response and a few times a second while waiting.
    fn progress(&mut self, p: &Progress);
}

pub struct Poller<'a, 's> {
    pub engine: &'a Engine,
    pub target: &'a Target<'s>,
    pub client: &'a HttpClient,
    pub auth: &'a mut Auth,
    pub stop: &'a StopSignal,
    pub config: PollConfig,
    /// The `file` of findings: the recording's path when one is written.
    pub file_name: String,
    /// The form the recording is written in (it numbers the entries).
    pub form: Form,
}

impl std::fmt::Debug for Poller<'_, '_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Poller")
            .field("target", &self.target.label())
            .field("config", &self.config)
            .field("form", &self.form)
            .finish()
    }
}

/// Everything the response callback updates.
struct Run<'a, 's> {
    target: &'a Target<'s>,
    file: Arc<str>,
    session: Session<'a>,
    first_entry: usize,
    recording: Recording,
    redactor: Redactor,
    expiry: Expiry,
    findings: Vec<Finding>,
    state: Option<String>,
    last_status: Option<u16>,
    polls: usize,
    started: Instant,
    deadline: Instant,
    clock: super::client::WallClock,
}

impl Run<'_, '_> {
    /// Records, checks and reports one response; returns the state it shows.
    fn response(
        &mut self,
        req: &Request,
        resp: &Response,
        observer: &mut dyn Observer,
    ) -> Option<String> {
        let x = RecordedExchange::capture(req, resp, &self.redactor);
        let entry = self.first_entry + self.recording.exchanges.len();
        let item = exchange_item(&self.file, entry, &x.to_json());
        let findings = self.session.check(item);
        let state = if (200..300).contains(&x.status) {
            serde_json::from_slice::<Value>(&x.body)
                .ok()
                .and_then(|body| {
                    let state = self.target.status_of(&body)?;
                    self.expiry
                        .observe(self.target, &body, &state, x.started_ms);
                    Some(state)
                })
        } else {
            None
        };
        if state.is_some() {
            self.state.clone_from(&state);
        }
        self.last_status = Some(x.status);
        observer.exchange(entry, &x, state.as_deref(), &findings);
        self.findings.extend(findings);
        self.recording.exchanges.push(x);
        observer.progress(&self.progress());
        state
    }

    fn progress(&self) -> Progress {
        let now = Instant::now();
        Progress {
            label: self.target.label(),
            polls: self.polls,
            state: self.state.clone(),
            last_status: self.last_status,
            elapsed: now - self.started,
            deadline_in: self.deadline.saturating_duration_since(now),
            expiry: self
                .expiry
                .remaining(self.clock.now_ms())
                .map(|(id, left)| (id.to_owned(), left)),
            errors: self.findings.iter().filter(|f| f.is_error()).count(),
            warnings: self.findings.iter().filter(|f| !f.is_error()).count(),
        }
    }
}

impl Poller<'_, '_> {
    pub fn run(self, observer: &mut dyn Observer) -> PollRun {
        let Poller {
            engine,
            target,
            client,
            auth,
            stop,
            config,
            file_name,
            form,
        } = self;
        let started = Instant::now();
        let deadline = started + config.deadline;
        let mut run = Run {
            target,
            file: Arc::from(file_name.as_str()),
            session: engine.session(&file_name),
            first_entry: form.first_entry(),
            recording: Recording::new(Some((
                target.spec.title.clone(),
                target.spec.version.clone(),
            ))),
            redactor: Redactor::default(),
            expiry: Expiry::new(),
            findings: Vec::new(),
            state: None,
            last_status: None,
            polls: 0,
            started,
            deadline,
            clock: client.clock(),
        };
        let finals = target.final_states();
        let mut finals_seen = 0u32;
        let mut renewed_token = false;
        observer.progress(&run.progress());
        let end = loop {
            if stop.is_stopped() {
                break End::Interrupted;
            }
            let poll_started = Instant::now();
            let authorization = match auth.authorization(target, client, stop, Some(deadline)) {
                Ok(a) => a,
                Err(_) if stop.is_stopped() => break End::Interrupted,
                Err(e) => break End::Auth(e.0),
            };
            for s in auth.secrets() {
                run.redactor.add(s);
            }
            let mut headers = vec![("Accept".to_owned(), "application/json".to_owned())];
            headers.extend(target.headers());
            if let Some(a) = &authorization {
                headers.push(("Authorization".to_owned(), a.expose().to_owned()));
            }
            let req = Request {
                method: target.op.method.to_ascii_uppercase(),
                url: target.url(auth.sign(target).as_deref()),
                headers,
                body: Vec::new(),
            };
            run.polls += 1;
            let mut poll_state = None;
            let sent = client.send(&req, stop, Some(deadline), &mut |event| match event {
                Event::Response(resp) => poll_state = run.response(&req, resp, observer),
                Event::Retrying { reason, wait } => observer.note(&format!(
                    "{reason}; retrying in {:.1} s",
                    wait.as_secs_f64()
                )),
            });
            // A `Retry-After` the client could not wait out (it would pass the
            // deadline, or retries ran out) still holds for the next poll.
            let mut not_before = None;
            match sent {
                Sent::Stopped => break End::Interrupted,
                Sent::Unreachable(e) => break End::Unreachable(e.message),
                Sent::Response(resp) => {
                    if matches!(resp.status, 429 | 503) {
                        not_before = resp
                            .header("retry-after")
                            .and_then(parse_retry_after)
                            .map(|d| Instant::now() + d.min(client.config().max_wait));
                    }
                    if resp.status == 401 && target.needs_bearer {
                        if !renewed_token && auth.token_rejected() {
                            renewed_token = true;
                            observer
                                .note("HTTP 401: the access token was refused; fetching a new one");
                            continue;
                        }
                        // A fixed token, or a fresh one refused as well: more
                        // polls will not change that.
                        break End::Auth("HTTP 401: the server refused the access token".into());
                    }
                    renewed_token = false;
                }
            }
            match &poll_state {
                Some(s) if finals.contains(s) => {
                    finals_seen += 1;
                    if finals_seen > config.confirm_final {
                        break End::Final(s.clone());
                    }
                }
                Some(_) => finals_seen = 0,
                None => {}
            }
            let next = (poll_started + config.interval)
                .max(not_before.unwrap_or(poll_started))
                .min(deadline);
            let mut stopped = false;
            while Instant::now() < next {
                let step = TICK.min(next - Instant::now());
                if !stop.sleep(step) {
                    stopped = true;
                    break;
                }
                observer.progress(&run.progress());
            }
            if stopped {
                break End::Interrupted;
            }
            if Instant::now() >= deadline {
                break End::Deadline;
            }
        };
        PollRun {
            recording: run.recording,
            end,
            live_findings: run.findings,
            polls: run.polls,
        }
    }
}
