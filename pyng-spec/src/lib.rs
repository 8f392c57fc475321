//! Spec -> IR for pyng-kit.
//!
//! [`load_file`] reads an OpenAPI 3.0.3 spec with the kit's `x-` extensions,
//! resolves it into the [`ir`] and lints it; every problem is a [`Diagnostic`] that
//! names the file, line, column and rule. [`validate`] checks a JSON body against
//! the IR, and [`expr`] is the invariant expression language. The generator core
//! lives in `codegen` behind the `codegen` feature.

#![warn(missing_docs, unreachable_pub)]

#[cfg(feature = "codegen")]
pub mod codegen;
mod compose;
pub mod contract;
pub mod decimal;
pub mod diag;
pub mod diff;
pub mod expr;
pub mod extensions;
pub mod formats;
mod imports;
pub mod ir;
pub mod json_equality;
mod lint;
mod load;
mod lower;
pub mod nesting;
pub mod openapi_fields;
mod pattern_sample;
pub mod pointer;
pub mod registry;
pub mod schema_keywords;
pub mod signature;
pub mod source_map;
mod suggest;
pub mod synth;
pub mod validate;

pub use diag::{Diagnostic, Diagnostics, Severity, Style};
pub use imports::ReadFile;
pub use load::{Loaded, is_shared_components, load_file, load_str, load_with, spec_name};
