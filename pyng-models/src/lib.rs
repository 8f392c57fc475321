//! Generated models for the status APIs in `specs/`, one module per spec.
//!
//! Everything under `generated/` is written by `cargo xtask regenerate` from the
//! specs; do not edit it by hand. Each module is self-contained (it depends on
//! `serde` and `serde_json` only) and holds, for one spec:
//!
//! * a struct per object schema, keeping wire names exactly, with `check()`
//!   reporting the spec's per-value rules (amount invariants, status/outcome,
//!   conditional presence) as `Violation`s;
//! * an enum per string enum, with an `Unknown` variant that keeps undocumented
//!   values (they deserialize, round-trip and are never final), and for status
//!   enums `is_final()`, `FINAL`, `can_transition_to()`;
//! * a module per operation: method, path template, `path()`, `Query`, `Response`.
#![deny(warnings)]
#![warn(missing_docs, unreachable_pub)]

// prettyplease formats the generated files; rustfmt must not reformat them, or
// `cargo xtask regenerate --check` would see them as stale.
#[rustfmt::skip]
mod generated;

pub use generated::*;
