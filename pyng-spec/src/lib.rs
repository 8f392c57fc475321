//! Spec -> IR.
