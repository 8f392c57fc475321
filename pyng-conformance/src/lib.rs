//! Conformance engine: checks recorded status-API traffic (HAR, the kit's
//! recordings, NDJSON streams, bare bodies) against the specs, interpreting the
//! spec IR at run time.
//!
//! ```no_run
//! use pyng_conformance::Engine;
//! let engine = Engine::with_bundled_specs()?;
//! let report = engine.check_paths(&["examples/recordings"]);
//! for f in &report.findings {
//!     println!("{}: {} {}", f.file, f.rule, f.message);
//! }
//! let findings = engine.check_body("getTransactionStatus", 200, br#"{"data":{}}"#)?;
//! assert!(findings.iter().any(|f| f.rule == "schema.required"));
//! # Ok::<(), pyng_conformance::EngineError>(())
//! ```
#![warn(missing_docs, unreachable_pub)]

mod checks;
pub mod corpus;
pub mod coverage;
mod engine;
pub mod exchange;
/// `Retry-After` and HTTP-dates (RFC 9110), read one way by `check`, `proxy` and `poll`.
pub mod http_date {
    pub use crate::checks::http_date::{RetryAfter, parse, retry_after};
}
mod finding;
pub mod input;
mod matcher;
mod origin;
pub mod plan;
mod position;
pub mod recorder;
pub mod redact;
pub mod report;
mod rules;

pub use checks::signature::Secret;
pub use engine::{
    BUNDLED_SHARED, BUNDLED_SPECS, Engine, EngineError, Report, SequenceRecord, Session, StateSeen,
};
pub use finding::{Finding, Severity, Snippet};
pub use rules::{Policy, Rule};
