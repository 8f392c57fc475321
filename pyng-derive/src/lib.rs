//! `generate!("spec.yaml")`: expands a spec into models at compile time.
