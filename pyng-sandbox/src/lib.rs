//! Reference sandbox server driven by the specs.
