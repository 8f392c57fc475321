//! The poll loop: request, record, check, decide, wait. Each response is
//! captured (redacted) into the recording first and then checked *from its
//! recorded form* by an engine [`Session`], so what is reported live is what a
//! later `check` of the recording reports.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::auth::Auth;
use super::client::{
    Event, Failure, HttpClient, Request, Response, Sent, TransportError, parse_retry_after,
};
use super::creation::Creation;
use super::expiry::Expiry;
use super::record::{Form, RecordedExchange, Recording, Redactor};
use super::sink::Sink;
use super::status_line::Progress;
use super::stop::{StopSignal, later};
use super::target::Target;
use pyng_conformance::Finding;
use pyng_conformance::input::recording::exchange_item;
use pyng_conformance::{Engine, Session};

/// How often the status line is refreshed while waiting.
const TICK: Duration = Duration::from_millis(250);

#[derive(Debug, Clone)]
/// How a poll runs: interval, deadline, confirmation of final states.
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
    /// The deadline passed before a final state was seen.
    Deadline,
    /// Ctrl-C (or SIGTERM).
    Interrupted,
    /// No usable response after every retry: unreachable, a protocol error, a
    /// body over the limit (the message says which; redacted).
    Transport(TransportError),
    /// No bearer token could be had (the message is redacted).
    Auth(String),
    /// The flow's creation call did not lead to a resource to poll: refused,
    /// undocumented, or its link's value missing (the message says which;
    /// redacted).
    Creation(String),
    /// The server blames the request (see [`aborts`]): polling again would
    /// get the same answer. `detail` is a redacted excerpt of the body.
    Refused {
        /// The response status.
        status: u16,
        /// A redacted excerpt of the body.
        detail: String,
    },
}

impl End {
    /// The run could not do its job: a usage or environment problem (exit 2).
    pub fn is_failure(&self) -> bool {
        matches!(
            self,
            End::Transport(_) | End::Auth(_) | End::Creation(_) | End::Refused { .. }
        )
    }
}

/// A 4xx ends polling: the credentials, the signature or the parameters are
/// wrong, and the same request gets the same answer. Not 408, 425 and 429,
/// which say "later" (429 waits for `Retry-After`); 401 first gets one fresh
/// token when one can be fetched.
pub fn aborts(status: u16) -> bool {
    (400..500).contains(&status) && !matches!(status, 408 | 425 | 429)
}

/// At most this many characters of a refusing body go into the message.
const DETAIL: usize = 160;
/// And of a message with server text in it (after redaction, never before:
/// a cut secret would escape it).
const MESSAGE: usize = 400;

impl std::fmt::Display for End {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            End::Final(s) => write!(f, "final state {s}"),
            End::Deadline => f.write_str("deadline reached before a final state"),
            End::Interrupted => f.write_str("interrupted"),
            End::Transport(e) => write!(f, "{e}"),
            End::Auth(e) => write!(f, "authentication failed: {e}"),
            End::Creation(e) => write!(f, "the creation did not lead to a resource to poll: {e}"),
            End::Refused { status, detail } => write!(
                f,
                "HTTP {status}: the server refuses the request (wrong credentials, signature or parameters?); polling stopped{}",
                if detail.is_empty() {
                    String::new()
                } else {
                    format!(": {detail}")
                }
            ),
        }
    }
}

/// What a run produced.
#[derive(Debug)]
pub struct PollRun {
    /// The exchanges when not streamed (see [`Sink`]); always the spec.
    pub recording: Recording,
    /// How many exchanges were recorded (streamed or kept).
    pub recorded: usize,
    /// Why the poll ended.
    pub end: End,
    /// Findings as they were reported live (per exchange, sequence included).
    pub live_findings: Vec<Finding>,
    /// How many polls were sent.
    pub polls: usize,
    /// Every secret of the run (a fetched token included): for anything the
    /// caller prints.
    pub redactor: Redactor,
    /// The streamed outputs, to close with [`Sink::finish`].
    pub sink: Sink,
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

/// One poll of one resource: what it needs, borrowed for its run.
pub struct Poller<'a, 's> {
    /// The engine that checks each response.
    pub engine: &'a Engine,
    /// What to poll; with a [`Self::creation`], the target waiting for the
    /// values of the creation's link.
    pub target: &'a Target<'s>,
    /// The creation call that begins the flow, sent and checked before the
    /// first poll (`poll --create`).
    pub creation: Option<&'a Creation<'s>>,
    /// The HTTP client.
    pub client: &'a HttpClient,
    /// The credentials (a token fetched during the run is kept here).
    pub auth: &'a mut Auth,
    /// Set by Ctrl-C or SIGTERM.
    pub stop: &'a StopSignal,
    /// Interval, deadline and confirmation.
    pub config: PollConfig,
    /// The `file` of findings: the recording's path when one is written.
    pub file_name: String,
    /// The form the recording is written in (it numbers the entries).
    pub form: Form,
    /// Secrets known before the run (every credential variable that is set).
    pub redactor: Redactor,
    /// Where exchanges go ([`Sink::in_memory`] keeps them in the recording).
    pub sink: Sink,
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
    recorded: usize,
    sink: Sink,
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

impl<'s> Run<'_, 's> {
    /// Records, checks and reports one response; returns the state it shows.
    fn response(
        &mut self,
        req: &Request,
        resp: &Response,
        observer: &mut dyn Observer,
    ) -> Option<String> {
        let x = RecordedExchange::capture(req, resp, &self.redactor);
        let entry = self.first_entry + self.recorded;
        let item = exchange_item(&self.file, entry, &x.to_json());
        let findings = self.session.check(item);
        let state = if (200..300).contains(&x.status) {
            serde_json::from_slice::<Value>(&x.body)
                .ok()
                .and_then(|body| {
                    let state = self.target.status_of(&body)?;
                    self.expiry.observe(self.target, &body, x.started_ms);
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
        self.recorded += 1;
        self.sink.push(x, &mut self.recording);
        observer.progress(&self.progress());
        state
    }

    /// The creation call that begins a flow, recorded and checked as the
    /// first exchange (so the engine joins it to the polls), and the polled
    /// target its link fills. Sent once, unless it is idempotent: a retry of
    /// a creation without a key could create a second resource. (A 401 was
    /// not processed: it is sent once more with a new token.)
    fn create(
        &mut self,
        creation: &Creation<'s>,
        auth: &mut Auth,
        client: &HttpClient,
        stop: &StopSignal,
        observer: &mut dyn Observer,
    ) -> Result<Target<'s>, End> {
        let target = &creation.target;
        let mut renewed_token = false;
        let (req, resp) = loop {
            let (req, resp) = self.send_creation(creation, auth, client, stop, observer)?;
            if resp.status == 401 && target.needs_bearer {
                // A refused token refused the request before anything was
                // created, so the creation may go again, once, with a new one.
                if !renewed_token && auth.token_rejected() {
                    renewed_token = true;
                    observer.note("HTTP 401: the access token was refused; fetching a new one");
                    continue;
                }
                let op = &target.op.id;
                return Err(End::Auth(format!(
                    "HTTP 401: the server refused the access token for {op}"
                )));
            }
            break (req, resp);
        };
        let op = &target.op.id;
        if !(200..300).contains(&resp.status) {
            return Err(End::Creation(format!(
                "{op} answered HTTP {}{}",
                resp.status,
                match excerpt(&self.redactor.bytes(&resp.body)) {
                    d if d.is_empty() => String::new(),
                    d => format!(": {d}"),
                }
            )));
        }
        creation
            .follow(&req, &resp)
            .map_err(|e| End::Creation(clip(&self.redactor.text(&e), MESSAGE)))
    }

    /// Sends the creation once (with its retries when it is idempotent),
    /// recording each response.
    fn send_creation(
        &mut self,
        creation: &Creation<'s>,
        auth: &mut Auth,
        client: &HttpClient,
        stop: &StopSignal,
        observer: &mut dyn Observer,
    ) -> Result<(crate::live::client::Request, crate::live::client::Response), End> {
        let target = &creation.target;
        let authorization = match auth.authorization(target, client, stop, Some(self.deadline)) {
            Ok(a) => a,
            Err(_) if stop.is_stopped() => return Err(End::Interrupted),
            Err(e) => return Err(End::Auth(clip(&self.redactor.text(&e.0), MESSAGE))),
        };
        self.learn(auth);
        let req = creation.request(
            authorization.as_ref().map(|a| a.expose()),
            auth.sign(target).as_deref(),
        );
        let resp = if creation.retriable() {
            let sent = client.send(&req, stop, Some(self.deadline), &mut |event| match event {
                Event::Response(resp) => {
                    self.response(&req, resp, observer);
                }
                Event::Retrying { reason, wait } => observer.note(&self.redactor.text(&format!(
                    "{reason}; retrying the creation in {:.1} s",
                    wait.as_secs_f64()
                ))),
            });
            match sent {
                Sent::Response(resp) => resp,
                Sent::Stopped => return Err(End::Interrupted),
                Sent::Unreachable(mut e) => {
                    e.message = self.redactor.text(&e.message);
                    return Err(End::Transport(e));
                }
            }
        } else {
            let budget = self.deadline.saturating_duration_since(Instant::now());
            match client.send_once(&req, Some(budget)) {
                Ok(resp) => {
                    self.response(&req, &resp, observer);
                    resp
                }
                Err(mut e) => {
                    e.message = self.redactor.text(&e.message);
                    return Err(End::Transport(e));
                }
            }
        };
        Ok((req, resp))
    }

    /// Every secret `auth` holds now (a token it fetched), for what is printed
    /// and recorded.
    fn learn(&mut self, auth: &Auth) {
        for s in auth.secrets() {
            self.redactor.add(s);
        }
        for s in auth.derived_secrets() {
            self.redactor.add(&s);
        }
    }

    fn progress(&self) -> Progress {
        let now = Instant::now();
        Progress {
            label: self.redactor.text(&self.target.label()),
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

impl<'s> Poller<'_, 's> {
    /// Polls until a final state, the deadline, a stop or an error.
    pub fn run(self, observer: &mut dyn Observer) -> PollRun {
        let Poller {
            engine,
            target,
            creation,
            client,
            auth,
            stop,
            config,
            file_name,
            form,
            redactor,
            sink,
        } = self;
        // Declared before the run that borrows it: the target the creation's
        // link fills.
        let linked: Target<'s>;
        let started = Instant::now();
        let deadline = later(started, config.deadline);
        let mut run = Run {
            target,
            file: Arc::from(file_name.as_str()),
            session: engine.session(&file_name),
            first_entry: form.first_entry(),
            recording: Recording::new(Some((
                target.spec.title.clone(),
                target.spec.version.clone(),
            ))),
            recorded: 0,
            sink,
            redactor,
            expiry: Expiry::new(),
            findings: Vec::new(),
            state: None,
            last_status: None,
            polls: 0,
            started,
            deadline,
            clock: client.clock(),
        };
        observer.progress(&run.progress());
        let end = 'flow: {
            let target = match creation {
                None => target,
                Some(c) => match run.create(c, auth, client, stop, observer) {
                    Ok(t) => {
                        linked = t;
                        run.target = &linked;
                        &linked
                    }
                    Err(end) => break 'flow end,
                },
            };
            let finals = target.final_states();
            let mut finals_seen = 0u32;
            let mut renewed_token = false;
            loop {
                if stop.is_stopped() {
                    break End::Interrupted;
                }
                let poll_started = Instant::now();
                let authorization = match auth.authorization(target, client, stop, Some(deadline)) {
                    Ok(a) => a,
                    Err(_) if stop.is_stopped() => break End::Interrupted,
                    Err(e) => break End::Auth(clip(&run.redactor.text(&e.0), MESSAGE)),
                };
                for s in auth.secrets() {
                    run.redactor.add(s);
                }
                for s in auth.derived_secrets() {
                    run.redactor.add(&s);
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
                    Event::Retrying { reason, wait } => observer.note(&run.redactor.text(
                        &format!("{reason}; retrying in {:.1} s", wait.as_secs_f64()),
                    )),
                });
                // A `Retry-After` the client could not wait out (it would pass the
                // deadline, or retries ran out) still holds for the next poll.
                let mut not_before = None;
                match sent {
                    Sent::Stopped => break End::Interrupted,
                    Sent::Unreachable(mut e) => {
                        e.message = run.redactor.text(&e.message);
                        if e.kind == Failure::Unreachable && Instant::now() >= deadline {
                            // Cut short by the deadline, not by the server.
                            observer.note(&format!(
                                "the request in flight at the deadline was abandoned ({e})"
                            ));
                            break End::Deadline;
                        }
                        break End::Transport(e);
                    }
                    Sent::Response(resp) => {
                        if matches!(resp.status, 429 | 503) {
                            not_before = resp
                                .header("retry-after")
                                .and_then(parse_retry_after)
                                .map(|d| later(Instant::now(), d.min(client.config().max_wait)));
                        }
                        if resp.status == 401 && target.needs_bearer {
                            if !renewed_token && auth.token_rejected() {
                                renewed_token = true;
                                observer.note(
                                    "HTTP 401: the access token was refused; fetching a new one",
                                );
                                continue;
                            }
                            // A fixed token, or a fresh one refused as well: more
                            // polls will not change that.
                            break End::Auth(
                                "HTTP 401: the server refused the access token".into(),
                            );
                        }
                        if aborts(resp.status) {
                            break End::Refused {
                                status: resp.status,
                                detail: excerpt(&run.redactor.bytes(&resp.body)),
                            };
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
                let next = later(poll_started, config.interval)
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
            }
        };
        PollRun {
            recording: run.recording,
            recorded: run.recorded,
            end,
            live_findings: run.findings,
            polls: run.polls,
            redactor: run.redactor,
            sink: run.sink,
        }
    }
}

/// The start of a (redacted) body as one line of text.
fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    clip(
        &text.split_whitespace().collect::<Vec<_>>().join(" "),
        DETAIL,
    )
}

fn clip(text: &str, max: usize) -> String {
    let mut out: String = text.chars().take(max).collect();
    if text.chars().count() > max {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn which_4xx_end_polling() {
        for s in [400, 401, 403, 404, 409, 422] {
            assert!(aborts(s), "{s}");
        }
        for s in [200, 302, 408, 425, 429, 500, 503] {
            assert!(!aborts(s), "{s}");
        }
    }

    #[test]
    fn excerpts_are_one_short_line() {
        assert_eq!(excerpt(b"{\n \"a\": 1\n}"), "{ \"a\": 1 }");
        assert_eq!(excerpt(&[b'x'; 500]).chars().count(), DETAIL + 1);
    }
}
