//! Conformance engine.
