//! The generator core: IR -> Rust tokens. One core for every front-end: the
//! `pyng_derive::generate!` macro expands [`generate`] in place, `cargo xtask
//! regenerate` writes [`render`] to `pyng-models/src/generated/`.
//!
//! Output is a pure function of the [`Spec`]: every collection walked here is a
//! `Vec` in spec order or a `BTreeMap`, so the same spec gives byte-identical code.
//! The generated items depend only on `serde` and `serde_json`, so a crate using
//! the macro needs nothing else (each module carries its own small helpers).
//!
//! Layout of a generated module: one struct per object schema (with `check()`),
//! one enum per string enum and per integer enum, one sub-module per operation, then the support items
//! (`Violation`, `UnknownValue`, `ResponseError`, helpers) the rest needs.

mod checks;
mod composed;
mod context;
mod docs;
mod enums;
mod integer_enums;
mod invariants;
mod models;
mod names;
mod operations;
mod request;
mod response_headers;
mod support;
mod surface;
mod unions;

use std::fmt;

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::Spec;

pub use context::SUPPORT_NAMES;
pub use docs::escape as escape_doc_text;
pub use surface::surface;

/// Why a spec cannot be generated (it loaded and linted, but uses something the
/// generator does not support). Located like a [`crate::Diagnostic`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenerateError {
    /// The spec file as given to the loader.
    pub file: String,
    /// 1-based line of the construct the generator refuses.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// What is unsupported, for humans.
    pub message: String,
}

impl fmt::Display for GenerateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: error[codegen.unsupported]: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

impl std::error::Error for GenerateError {}

/// The items of the generated module for `spec` (no inner attributes, so the
/// result can be expanded by a macro in any module).
pub fn generate(spec: &Spec) -> Result<TokenStream, GenerateError> {
    let cx = context::Context::new(spec)?;
    let mut items = TokenStream::new();
    for model in cx.models() {
        items.extend(models::model(&cx, model)?);
    }
    for e in cx.enums() {
        items.extend(enums::enum_def(&cx, e));
    }
    for u in cx.unions() {
        items.extend(unions::union_def(&cx, u));
    }
    for e in cx.integer_enums() {
        items.extend(integer_enums::integer_enum_def(e));
    }
    for op in &spec.operations {
        items.extend(operations::operation(&cx, op)?);
    }
    items.extend(support::support(&cx));
    Ok(quote!(#items))
}

/// [`generate`], formatted with prettyplease.
pub fn render(spec: &Spec) -> Result<String, GenerateError> {
    let tokens = generate(spec)?;
    let file: syn::File = syn::parse2(tokens).map_err(|e| GenerateError {
        file: spec.file.clone(),
        line: 1,
        column: 1,
        message: format!("the generated code does not parse (a generator bug): {e}"),
    })?;
    Ok(prettyplease::unparse(&file))
}

/// The tokens of [`render`]'s output: what the `generate!` macro expands to.
///
/// prettyplease normalises tokens as it formats (trailing commas, braces around
/// match arms), so the raw [`generate`] tokens differ from the committed files.
/// Re-lexing the formatted text makes the macro's expansion token-identical to
/// what `cargo xtask regenerate` writes, by construction.
pub fn expand(spec: &Spec) -> Result<TokenStream, GenerateError> {
    let text = render(spec)?;
    text.parse::<TokenStream>().map_err(|e| GenerateError {
        file: spec.file.clone(),
        line: 1,
        column: 1,
        message: format!("the formatted code does not lex (a generator bug): {e}"),
    })
}

/// Doc lines describing the whole spec, for the `mod` declaration of a generated
/// module (the generated items themselves carry no inner attributes).
pub fn module_doc(spec: &Spec) -> TokenStream {
    let mut doc = docs::Doc::new();
    doc.markdown(format!(
        "{} {} (generated from {}).",
        docs::escape(&spec.title),
        docs::code(&spec.version),
        docs::code(&spec.file)
    ));
    doc.opt_text(spec.description.as_deref());
    doc.source(spec.source.as_ref());
    doc.draft(spec.draft);
    doc.attrs()
}
