//! Live checking (`pyng-conformance poll`): polls one resource of a spec
//! operation over HTTP, checks each response as it arrives with the same engine
//! `check` uses, and writes the run as a recording that checks offline to the same
//! findings.
//!
//! Everything about the target comes from the spec IR: the URL from the
//! operation's path and parameters, authentication from its `security`, the stop
//! condition from the `final` states of the status enum's `x-state-machine`, the
//! interval from `x-polling`. Nothing here names an operation.
//!
//! - [`target`]: operation + parameters -> request URL, auth needs, stop states.
//! - [`creation`]: a flow that begins with the creation call, its link to the polled operation.
//! - [`client`]: HTTP with timeouts, retries with backoff, `Retry-After`.
//! - [`auth`]: bearer token (environment or client credentials), signed queries.
//! - [`token`]: the token endpoint's answer, read without trusting it.
//! - [`record`]: the recording (kit format and HAR), redacted.
//! - [`sink`]: NDJSON and HAR streamed to disk as exchanges arrive.
//! - [`poller`]: the loop.
//! - [`proxy`]: `pyng-conformance proxy`'s forwarding (any client's traffic, checked).
//! - [`expiry`]: time left before the resource's state-machine timeout.
//! - [`status_line`]: the live status line on a terminal.
//! - [`repeats`]: live finding lines, repeats grouped.
//! - [`stop`]: the Ctrl-C flag the loop waits on.

pub mod auth;
pub mod client;
pub mod creation;
pub mod expiry;
pub mod poller;
pub mod proxy;
pub mod record;
pub mod repeats;
pub mod sink;
pub mod status_line;
pub mod stop;
pub mod target;
pub mod token;

pub use auth::{Auth, BearerSource, SecretString};
pub use client::{ClientConfig, HttpClient};
pub use poller::{End, PollConfig, PollRun, Poller};
pub use record::{Recording, Redactor};
pub use sink::Sink;
pub use stop::StopSignal;
pub use target::{Target, TargetError};
