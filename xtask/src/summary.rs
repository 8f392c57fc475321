//! What changed in a generated file, in terms of its items: types, fields, enum
//! variants, state machines (final and initial states, transitions,
//! corrections) and
//! operation modules added or removed. Computed from the old and new
//! file contents (what is really on disk), not from guesses about the spec.

use std::collections::{BTreeMap, BTreeSet};

/// `kind name` -> member names (fields, variants, module items).
type Items = BTreeMap<String, BTreeSet<String>>;

pub fn describe(path: &str, old: Option<&str>, new: Option<&str>) -> String {
    match (old, new) {
        (None, Some(new)) => {
            let items = items(new);
            format!("{path}: new, {} items ({})", items.len(), names(&items))
        }
        (Some(_), None) => format!("{path}: removed (no spec generates it)"),
        (Some(old), Some(new)) => {
            let lines = changes(&items(old), &items(new));
            if lines.is_empty() {
                format!("{path}: updated (docs or bodies only; no item added or removed)")
            } else {
                format!("{path}: updated\n{}", lines.join("\n"))
            }
        }
        (None, None) => format!("{path}: unchanged"),
    }
}

fn names(items: &Items) -> String {
    items.keys().cloned().collect::<Vec<_>>().join(", ")
}

/// `+ struct X`, `- enum Y`, `~ struct Z: +field a -field b`.
pub fn changes(old: &Items, new: &Items) -> Vec<String> {
    let mut out = Vec::new();
    for (name, members) in new {
        match old.get(name) {
            None => out.push(format!("  + {name}")),
            Some(before) => {
                let added: Vec<String> = members
                    .difference(before)
                    .map(|m| format!("+{m}"))
                    .collect();
                let removed: Vec<String> = before
                    .difference(members)
                    .map(|m| format!("-{m}"))
                    .collect();
                if !added.is_empty() || !removed.is_empty() {
                    let all = word_transitions(added.into_iter().chain(removed).collect());
                    out.push(format!("  ~ {name}: {}", all.join(" ")));
                }
            }
        }
    }
    for name in old.keys().filter(|k| !new.contains_key(*k)) {
        out.push(format!("  - {name}"));
    }
    out
}

/// Transitions and corrections are kept as the tokens of `can_transition_to`
/// and `can_correct_to`; a change shows as one `transitions changed` or
/// `corrections changed` (`cargo xtask diff` says which).
fn word_transitions(changes: Vec<String>) -> Vec<String> {
    let mut rest = changes;
    for prefix in [TRANSITIONS, CORRECTIONS] {
        let before = rest.len();
        rest.retain(|c| !c[1..].starts_with(prefix));
        if rest.len() != before {
            rest.push(format!("{prefix}changed"));
        }
    }
    rest
}

const TRANSITIONS: &str = "transitions ";
const CORRECTIONS: &str = "corrections ";

/// The state-machine members of an `impl` of a generated enum: `final X`,
/// `initial X` from its `FINAL`/`INITIAL` constants, its transitions and its
/// corrections.
fn machine_members(i: &syn::ItemImpl) -> BTreeSet<String> {
    let mut members = BTreeSet::new();
    for item in &i.items {
        match item {
            syn::ImplItem::Const(c) if c.ident == "FINAL" || c.ident == "INITIAL" => {
                let role = if c.ident == "FINAL" {
                    "final"
                } else {
                    "initial"
                };
                let mut expr = &c.expr;
                if let syn::Expr::Reference(r) = expr {
                    expr = &r.expr;
                }
                if let syn::Expr::Array(a) = expr {
                    for e in &a.elems {
                        if let syn::Expr::Path(p) = e
                            && let Some(last) = p.path.segments.last()
                        {
                            members.insert(format!("{role} {}", last.ident));
                        }
                    }
                }
            }
            syn::ImplItem::Fn(f) if f.sig.ident == "can_transition_to" => {
                let body = &f.block;
                members.insert(format!("{TRANSITIONS}{}", quote::quote!(#body)));
            }
            syn::ImplItem::Fn(f) if f.sig.ident == "can_correct_to" => {
                let body = &f.block;
                members.insert(format!("{CORRECTIONS}{}", quote::quote!(#body)));
            }
            _ => {}
        }
    }
    members
}

/// The items of a Rust file; an unparsable file has none.
pub fn items(source: &str) -> Items {
    let mut out = Items::new();
    if let Ok(file) = syn::parse_file(source) {
        collect(&file.items, "", &mut out);
    }
    out
}

fn collect(items: &[syn::Item], prefix: &str, out: &mut Items) {
    for item in items {
        match item {
            syn::Item::Struct(s) => {
                let fields = s
                    .fields
                    .iter()
                    .filter_map(|f| f.ident.as_ref().map(|i| format!("field {i}")))
                    .collect();
                out.insert(format!("struct {prefix}{}", s.ident), fields);
            }
            syn::Item::Enum(e) => {
                let variants = e
                    .variants
                    .iter()
                    .map(|v| format!("variant {}", v.ident))
                    .collect();
                out.insert(format!("enum {prefix}{}", e.ident), variants);
            }
            syn::Item::Impl(i) if i.trait_.is_none() => {
                if let syn::Type::Path(p) = &*i.self_ty
                    && let Some(last) = p.path.segments.last()
                {
                    let members = machine_members(i);
                    if !members.is_empty() {
                        out.entry(format!("enum {prefix}{}", last.ident))
                            .or_default()
                            .extend(members);
                    }
                }
            }
            syn::Item::Mod(m) => {
                let inner: BTreeSet<String> = m
                    .content
                    .iter()
                    .flat_map(|(_, items)| items.iter().filter_map(item_name))
                    .collect();
                out.insert(format!("mod {prefix}{}", m.ident), inner);
                if let Some((_, items)) = &m.content {
                    collect(items, &format!("{prefix}{}::", m.ident), out);
                }
            }
            _ => {}
        }
    }
}

fn item_name(item: &syn::Item) -> Option<String> {
    Some(match item {
        syn::Item::Const(c) => format!("const {}", c.ident),
        syn::Item::Fn(f) => format!("fn {}", f.sig.ident),
        syn::Item::Struct(s) => format!("struct {}", s.ident),
        syn::Item::Enum(e) => format!("enum {}", e.ident),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_added_and_removed_items_and_members() {
        let old = "pub struct A { pub x: i64, pub y: i64 } pub enum S { P, Q } pub mod op { pub const M: &str = \"GET\"; }";
        let new = "pub struct A { pub x: i64, pub z: i64 } pub enum S { P, Q, R } pub struct B {}";
        let lines = changes(&items(old), &items(new));
        assert_eq!(
            lines,
            [
                "  ~ enum S: +variant R",
                "  ~ struct A: +field z -field y",
                "  + struct B",
                "  - mod op",
            ]
        );
        assert!(describe("f.rs", Some(old), Some(old)).contains("docs or bodies only"));
        // State machines: final and initial states by name, transitions as a whole.
        let machine = |finals: &str, arms: &str| {
            format!(
                "pub enum S {{ P, Q, R }} impl S {{ pub const FINAL: &'static [Self] = &[{finals}]; \
                 pub const INITIAL: &'static [Self] = &[Self::P]; \
                 pub fn can_transition_to(&self, next: &Self) -> bool {{ matches!((self, next), {arms}) }} }}"
            )
        };
        let before = machine("Self::Q", "(Self::P, Self::Q)");
        let after = machine("Self::Q, Self::R", "(Self::P, Self::Q | Self::R)");
        assert_eq!(
            changes(&items(&before), &items(&after)),
            ["  ~ enum S: +final R transitions changed"]
        );
        assert!(changes(&items(&before), &items(&before)).is_empty());
        let corrected = |arms: &str| {
            format!(
                "pub enum S {{ P, Q, R }} impl S {{ pub const FINAL: &'static [Self] = &[Self::Q, Self::R]; \
                 pub fn can_correct_to(&self, next: &Self) -> bool {{ {arms} }} }}"
            )
        };
        assert_eq!(
            changes(
                &items(&corrected("let _ = next; false")),
                &items(&corrected("matches!((self, next), (Self::Q, Self::R))"))
            ),
            ["  ~ enum S: corrections changed"]
        );
        assert_eq!(
            changes(&items(&before), &items(&corrected("false"))),
            ["  ~ enum S: +final R -initial P transitions changed corrections changed"]
        );
        assert!(describe("f.rs", None, Some(new)).starts_with("f.rs: new, 3 items"));
    }
}
