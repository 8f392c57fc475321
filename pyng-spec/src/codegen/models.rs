//! Object schemas -> serde structs. Wire names are kept exactly (`rename` where
//! the Rust name differs); optional fields are `Option`s skipped when `None`
//! (an optional nullable one an `Option<Option<_>>`, `null` being `Some(None)`),
//! so a documented body round-trips unchanged.

use proc_macro2::TokenStream;
use quote::quote;

use super::GenerateError;
use super::checks;
use super::context::Context;
use super::docs::{self, Doc};
use crate::ir::{Field, Model, Presence, Type};
use crate::registry::RuleId;

pub(super) fn model(cx: &Context, m: &Model) -> Result<TokenStream, GenerateError> {
    let ident = cx.type_ident(&m.name);
    let mut doc = Doc::new();
    doc.opt_text(m.description.as_deref());
    if m.description.is_none() {
        doc.markdown(format!("The {} schema.", docs::code(&m.name)));
    }
    for inv in &m.invariants {
        let mut line = format!(
            "Rule {}: {}.",
            docs::code(&inv.id),
            docs::code(&inv.expr.to_string())
        );
        if let Some(d) = &inv.description {
            line.push(' ');
            line.push_str(&docs::escape(d));
        }
        doc.markdown(line);
    }
    if let Some(o) = &m.outcome {
        let pairs: Vec<String> = o
            .map
            .iter()
            .map(|(s, out)| format!("{s} -> {out}"))
            .collect();
        doc.markdown(format!(
            "Rule `{}`: {} is absent while {} is not final, and after a final status it is the mapped outcome ({}).",
            RuleId::StateStatusOutcome,
            docs::code(&o.outcome_field),
            docs::code(&o.status_field),
            docs::code_list(&pairs)
        ));
    }
    if m.additional.is_forbidden() {
        doc.markdown(
            "`additionalProperties: false`: a value with another property does not deserialize."
                .to_owned(),
        );
    }
    let count = match (m.min_properties, m.max_properties) {
        (Some(a), Some(b)) => Some(format!("from {a} to {b} properties")),
        (Some(a), None) => Some(format!("at least {a} properties")),
        (None, Some(b)) => Some(format!("at most {b} properties")),
        (None, None) => None,
    };
    if let Some(count) = count {
        // The model cannot count what it drops (undocumented properties, a
        // `null` read as absent), so `check()` leaves this to the validators.
        doc.markdown(format!(
            "Rule `{}`/`{}`: {count} on the wire, every present one counted; checked by `pyng_spec::validate`, not by `check()`.",
            RuleId::SchemaMinProperties,
            RuleId::SchemaMaxProperties
        ));
    }
    doc.source(m.source.as_ref()).draft(cx.spec.draft);
    let doc = doc.attrs();
    let fields = m.fields.iter().enumerate().map(|(i, f)| field(cx, m, f, i));
    let map = m.map_values().map(|values| map_field(cx, m, values));
    let check = checks::check_impl(cx, m)?;
    // `additionalProperties: false` is enforced by deserialization, as types are.
    let closed = m
        .additional
        .is_forbidden()
        .then(|| quote!(#[serde(deny_unknown_fields)]));
    Ok(quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        #closed
        pub struct #ident {
            #(#fields)*
            #map
        }
        #check
    })
}

fn field(cx: &Context, m: &Model, f: &Field, index: usize) -> TokenStream {
    let ident = cx.field_ident(m, index);
    let ty = cx.field_type(m, f);
    let mut serde_args = Vec::new();
    let rust_name = ident.to_string();
    let rust_name = rust_name.strip_prefix("r#").unwrap_or(&rust_name);
    if rust_name != f.wire_name {
        let wire = &f.wire_name;
        serde_args.push(quote!(rename = #wire));
    }
    if !f.required {
        serde_args.push(quote!(skip_serializing_if = "Option::is_none"));
    }
    if super::support::keeps_null(f) {
        serde_args.push(quote!(default, deserialize_with = "keep_null"));
    }
    if super::context::is_double_option(f) {
        serde_args.push(quote!(default, deserialize_with = "null_or_value"));
    }
    let serde_attr = if serde_args.is_empty() {
        quote!()
    } else {
        quote!(#[serde(#(#serde_args),*)])
    };
    let doc = field_doc(f).attrs();
    quote! {
        #doc
        #serde_attr
        pub #ident: #ty,
    }
}

/// The entries of a map model (`additionalProperties` with a schema): every
/// property the schema does not list, by name, its value typed by the
/// schema (a value that is not does not deserialize).
fn map_field(cx: &Context, m: &Model, values: &Field) -> TokenStream {
    let ident = cx.map_ident(m);
    let ty = cx.map_value_type(values);
    let mut doc = Doc::new();
    doc.opt_text(values.description.as_deref());
    let mut facts = vec![
        "The properties the schema does not list (`additionalProperties`), by name".to_owned(),
    ];
    if values.nullable {
        facts.push("values nullable".to_owned());
    }
    facts.extend(value_facts(values));
    doc.markdown(format!("{}.", facts.join("; ")));
    doc.source(values.source.as_ref());
    let doc = doc.attrs();
    quote! {
        #doc
        #[serde(flatten)]
        pub #ident: ::std::collections::BTreeMap<String, #ty>,
    }
}

pub(super) fn field_doc(f: &Field) -> Doc {
    let mut doc = Doc::new();
    doc.opt_text(f.description.as_deref());
    let mut facts = vec![format!("Wire name {}", docs::code(&f.wire_name))];
    if !f.required {
        facts.push("optional".to_owned());
    }
    if f.nullable {
        facts.push(if f.required {
            "nullable".to_owned()
        } else {
            "nullable (absent is `None`, `null` is `Some(None)`)".to_owned()
        });
    }
    facts.extend(value_facts(f));
    doc.markdown(format!("{}.", facts.join("; ")));
    if let Some(p) = &f.presence {
        doc.markdown(presence_doc(p));
        doc.source(p.source.as_ref());
    }
    doc.source(f.source.as_ref());
    doc
}

/// What the schema of `f` says of its value, for the generated docs.
fn value_facts(f: &Field) -> Vec<String> {
    let mut facts = Vec::new();
    if let Some(format) = f.checked_format() {
        let what = crate::formats::describe(format).unwrap_or_default();
        facts.push(format!(
            "format {}: {}",
            docs::code(format),
            docs::escape(what)
        ));
    } else if f.ty == Type::Number && f.constraints.format.as_deref() == Some("float") {
        facts.push("format `float`: at most 3.4028235e38 in magnitude".to_owned());
    }
    if let Some(unit) = f.constraints.unit {
        facts.push(format!("unit {}", docs::code(unit.as_str())));
    }
    let c = &f.constraints;
    match (c.minimum, c.exclusive_minimum) {
        (Some(min), false) => facts.push(format!("minimum {min}")),
        (Some(min), true) => facts.push(format!("greater than {min} (exclusive minimum)")),
        (None, _) => {}
    }
    match (c.maximum, c.exclusive_maximum) {
        (Some(max), false) => facts.push(format!("maximum {max}")),
        (Some(max), true) => facts.push(format!("less than {max} (exclusive maximum)")),
        (None, _) => {}
    }
    if let Some(m) = c.multiple_of {
        facts.push(format!("a multiple of {m}"));
    }
    match (c.number_minimum, c.exclusive_minimum) {
        (Some(min), false) => facts.push(format!("minimum {min}")),
        (Some(min), true) => facts.push(format!("greater than {min} (exclusive minimum)")),
        (None, _) => {}
    }
    match (c.number_maximum, c.exclusive_maximum) {
        (Some(max), false) => facts.push(format!("maximum {max}")),
        (Some(max), true) => facts.push(format!("less than {max} (exclusive maximum)")),
        (None, _) => {}
    }
    if let Some(m) = c.number_multiple_of {
        facts.push(format!("a multiple of {m} (exact decimal arithmetic)"));
    }
    if let Some(p) = &f.constraints.pattern {
        facts.push(format!("pattern {}", docs::code(p)));
    }
    if let Some(min) = f.constraints.min_length {
        facts.push(format!("at least {min} characters"));
    }
    if let Some(max) = f.constraints.max_length {
        facts.push(format!("at most {max} characters"));
    }
    if f.constraints.unique_items {
        facts.push("items unique (JSON equality)".to_owned());
    }
    if let Some(min) = f.constraints.min_items {
        facts.push(format!("at least {min} items"));
    }
    if let Some(max) = f.constraints.max_items {
        facts.push(format!("at most {max} items"));
    }
    if f.read_only {
        facts.push("read-only: set by the server, never sent in a request".to_owned());
    }
    if f.write_only {
        facts.push("write-only: sent in requests, never in a response".to_owned());
    }
    if f.stable {
        facts.push("stable: never changes once present in a polling sequence".to_owned());
    }
    if f.monotonic {
        facts.push("monotonic: never goes back across a polling sequence".to_owned());
    }
    facts
}

fn presence_doc(p: &Presence) -> String {
    let mut parts = Vec::new();
    if !p.required_when.is_empty() {
        parts.push(format!(
            "present when {} is one of {}",
            docs::code(&p.status_field),
            docs::code_list(&p.required_when)
        ));
    }
    if !p.absent_when.is_empty() {
        parts.push(format!(
            "absent when it is one of {}",
            docs::code_list(&p.absent_when)
        ));
    }
    format!(
        "Rule `{}`: {}.",
        RuleId::StateConditionalPresence,
        parts.join("; ")
    )
}
