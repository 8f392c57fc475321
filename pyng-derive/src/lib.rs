//! `pyng_derive::generate!("path/to/spec.yaml")`: expands a spec into models at
//! compile time, with the same generator core (and so the same tokens) as
//! `cargo xtask regenerate`.
//!
//! ```ignore
//! mod transaction_status {
//!     pyng_derive::generate!("../specs/pyng/transaction-status.yaml");
//! }
//! ```
//!
//! The path is relative to the invoking crate's `CARGO_MANIFEST_DIR`. The crate
//! needs `serde` (with `derive`) and `serde_json` as dependencies, nothing else.
//! Invoke it at module level (operation modules refer to the module's items
//! through `super::`). The expansion includes the spec, and each file it refers
//! to, with `include_str!`, so editing any of them recompiles the crate. A spec
//! that does not load becomes a `compile_error!` listing every diagnostic as
//! `file:line:col: error[rule]: ...`.

use std::path::{Path, PathBuf};

use proc_macro2::TokenStream;
use quote::quote;
use syn::LitStr;

/// Overrides `CARGO_MANIFEST_DIR` for path resolution. Only for this crate's
/// compile-fail tests: trybuild compiles them in a scratch crate whose manifest
/// directory does not hold the fixtures.
const MANIFEST_DIR_OVERRIDE: &str = "PYNG_DERIVE_MANIFEST_DIR";

/// Expands the spec at the given path (relative to `CARGO_MANIFEST_DIR`) into
/// models, enums with `check()`, and operation modules.
#[proc_macro]
pub fn generate(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    let dir = std::env::var_os(MANIFEST_DIR_OVERRIDE)
        .or_else(|| std::env::var_os("CARGO_MANIFEST_DIR"))
        .map(PathBuf::from);
    expand(input.into(), dir.as_deref()).into()
}

fn expand(input: TokenStream, manifest_dir: Option<&Path>) -> TokenStream {
    match try_expand(input, manifest_dir) {
        Ok(tokens) => tokens,
        Err(e) => e.to_compile_error(),
    }
}

fn try_expand(input: TokenStream, manifest_dir: Option<&Path>) -> syn::Result<TokenStream> {
    let lit: LitStr = syn::parse2(input).map_err(|e| {
        syn::Error::new(
            e.span(),
            "expected the spec path as one string literal, e.g. `generate!(\"specs/api.yaml\")`",
        )
    })?;
    let rel = lit.value();
    let error = |message: String| syn::Error::new(lit.span(), message);
    let dir = manifest_dir
        .ok_or_else(|| error("CARGO_MANIFEST_DIR is not set; build with cargo".to_owned()))?;
    let path = dir.join(&rel);
    let text = std::fs::read_to_string(&path).map_err(|e| {
        error(format!(
            "cannot read the spec `{rel}` (resolved against CARGO_MANIFEST_DIR): {e}"
        ))
    })?;
    // Diagnostics name the file as written in the invocation, and the files
    // it refers to are read by their paths joined onto it, from the same directory.
    let read = |name: &str| std::fs::read_to_string(dir.join(name));
    let source_of = |name: &str| read(name).ok();
    let loaded = pyng_spec::load_with(&rel, &text, &read).map_err(|diagnostics| {
        let shown = diagnostics
            .only_errors()
            .render_with(&source_of, pyng_spec::Style::Plain);
        error(format!(
            "the spec `{rel}` does not load:\n\n{}",
            shown.trim_end()
        ))
    })?;
    let items = pyng_spec::codegen::expand(&loaded.spec).map_err(|e| error(e.to_string()))?;
    // Every file read is included, so editing any of them recompiles the crate.
    let tracked = std::iter::once(path)
        .chain(loaded.imports.iter().map(|name| dir.join(name)))
        .map(|p| p.canonicalize().unwrap_or(p).display().to_string());
    Ok(quote! {
        #(const _: &str = include_str!(#tracked);)*
        #items
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest_dir() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
    }

    /// The macro's expansion, without the `include_str!` lines, is token for token
    /// the file `cargo xtask regenerate` writes.
    #[test]
    fn expansion_is_token_identical_to_the_committed_generated_code() {
        let specs = [
            ("peach/checkout-status.yaml", "peach_checkout_status"),
            (
                "pyng/checkout-session-status.yaml",
                "pyng_checkout_session_status",
            ),
            ("pyng/transaction-status.yaml", "pyng_transaction_status"),
        ];
        for (spec, module) in specs {
            let arg = format!("../specs/{spec}");
            let expanded = expand(quote!(#arg), Some(&manifest_dir()));
            let mut file: syn::File = syn::parse2(expanded).unwrap();
            let first = file.items.remove(0);
            let first = quote!(#first).to_string();
            assert!(
                first.starts_with("const _ : & str = include_str !"),
                "{first}"
            );
            assert!(first.contains(spec), "{first}");
            // The files the spec refers to are tracked after it.
            let tracks = |item: &syn::Item| {
                quote!(#item)
                    .to_string()
                    .starts_with("const _ : & str = include_str !")
            };
            let imports = file.items.iter().take_while(|i| tracks(i)).count();
            let shares = spec.starts_with("pyng/");
            assert_eq!(imports, usize::from(shares), "{spec}");
            file.items.drain(..imports);
            let generated =
                manifest_dir().join(format!("../pyng-models/src/generated/{module}.rs"));
            let text = std::fs::read_to_string(&generated).unwrap();
            let committed: syn::File = syn::parse_file(&text).unwrap();
            assert_eq!(
                quote!(#file).to_string(),
                quote!(#committed).to_string(),
                "{spec}: macro expansion and `cargo xtask regenerate` output differ; run the xtask"
            );
        }
    }

    #[test]
    fn errors_name_the_file_line_and_column_and_never_panic() {
        let dir = manifest_dir();
        let out = expand(quote!("tests/fixtures/broken-invariant.yaml"), Some(&dir)).to_string();
        assert!(out.contains("compile_error"), "{out}");
        assert!(
            out.contains("tests/fixtures/broken-invariant.yaml:"),
            "the message names the file: {out}"
        );
        assert!(out.contains("error[lint.invariant-syntax]"), "{out}");
        let out = expand(quote!(42), Some(&dir)).to_string();
        assert!(out.contains("expected the spec path"), "{out}");
        let out = expand(quote!("x.yaml"), None).to_string();
        assert!(out.contains("CARGO_MANIFEST_DIR is not set"), "{out}");
        let out = expand(quote!("a" "b"), Some(&dir)).to_string();
        assert!(out.contains("compile_error"), "{out}");
    }
}
