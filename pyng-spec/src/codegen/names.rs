//! Rust names for spec names: types, fields, variants, modules. Every mapping is a
//! pure function of the spec, and collisions are resolved by spec order, so the
//! same spec always gets the same names.

use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span};

/// Keywords that `r#` cannot escape.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false",
    "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "static", "struct", "trait", "true", "type", "unsafe", "use", "where",
    "while", "abstract", "become", "box", "do", "final", "macro", "override", "priv", "try",
    "typeof", "unsized", "virtual", "yield",
];

/// `transactionStatus` -> `transaction_status`, `result.code` -> `result_code`.
pub(super) fn snake(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let s = cleaned.to_snake_case();
    let s = s.trim_matches('_').to_owned();
    if s.is_empty() {
        "value".to_owned()
    } else if s.starts_with(|c: char| c.is_ascii_digit()) {
        format!("n{s}")
    } else {
        s
    }
}

/// `in-progress` -> `InProgress`, `application/json` -> `ApplicationJson`.
pub(super) fn camel(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let s = cleaned.to_upper_camel_case();
    if s.is_empty() {
        "Empty".to_owned()
    } else if s.starts_with(|c: char| c.is_ascii_digit()) {
        format!("V{s}")
    } else {
        s
    }
}

/// An identifier for a name that may be a keyword (`type` -> `r#type`).
pub(super) fn ident(name: &str) -> Ident {
    if NOT_RAW.contains(&name) {
        Ident::new(&format!("{name}_"), Span::call_site())
    } else if KEYWORDS.contains(&name) {
        Ident::new_raw(name, Span::call_site())
    } else {
        Ident::new(name, Span::call_site())
    }
}

/// Hands out unique names within one scope, in request order.
#[derive(Debug, Default)]
pub(super) struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    pub(super) fn with_reserved(reserved: &[&str]) -> Self {
        Scope {
            taken: reserved.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    /// `base`, or `base2`, `base3`, ... (`base_2` for snake case) if taken.
    pub(super) fn claim(&mut self, base: &str) -> String {
        let sep = if base.contains('_') || base.starts_with(|c: char| c.is_ascii_lowercase()) {
            "_"
        } else {
            ""
        };
        let mut candidate = base.to_owned();
        let mut n = 2;
        while self.taken.contains(&candidate) {
            candidate = format!("{base}{sep}{n}");
            n += 1;
        }
        self.taken.insert(candidate.clone());
        candidate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_rust_conventions() {
        assert_eq!(snake("transactionStatus"), "transaction_status");
        assert_eq!(snake("result.code"), "result_code");
        assert_eq!(snake("authentication.entityId"), "authentication_entity_id");
        assert_eq!(snake("redirect_url"), "redirect_url");
        assert_eq!(snake("3ds"), "n3ds");
        assert_eq!(camel("InProgress"), "InProgress");
        assert_eq!(camel("created"), "Created");
        assert_eq!(camel("application/json"), "ApplicationJson");
        assert_eq!(camel("100"), "V100");
        assert_eq!(ident("type").to_string(), "r#type");
        assert_eq!(ident("self").to_string(), "self_");
    }

    #[test]
    fn collisions_get_numbered() {
        let mut s = Scope::with_reserved(&["Unknown"]);
        assert_eq!(s.claim("Unknown"), "Unknown2");
        assert_eq!(s.claim("result_code"), "result_code");
        assert_eq!(s.claim("result_code"), "result_code_2");
    }
}
