//! The live side of the `pyng-conformance` command: `poll`'s client, loop and
//! recorder. The engine it drives is the [`pyng_conformance`] library, which
//! builds without any of this crate's HTTP, terminal or CLI dependencies.

#![warn(missing_docs, unreachable_pub)]

pub mod live;
