//! Generated models for the status APIs in `specs/`.
#![deny(warnings)]
