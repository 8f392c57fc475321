//! The public surface of a spec's generated module, as reviewable text: every
//! type with its Rust and wire names, every field with its type, requiredness,
//! unit and identity rules, every enum variant with its state-machine role,
//! transitions, corrections and timeouts, every operation with its parameters and
//! responses, every rule `check()` enforces.
//!
//! This is what the insta snapshots hold. The committed code itself is kept
//! fresh by `cargo xtask regenerate --check` and reviewed in `git diff`; the
//! snapshot says in a page what a change means for a partner's code, so one
//! draft change is not reviewed twice as the same text.

use std::fmt::Write;

use proc_macro2::TokenStream;

use super::GenerateError;
use super::context::Context;
use super::names;
use crate::ir::{
    Constraints, EnumDef, Model, Operation, ParamLocation, Spec, StateMachine, TimeoutLimit, Type,
};

/// The surface of the module [`super::render`] generates for `spec`.
pub fn surface(spec: &Spec) -> Result<String, GenerateError> {
    let cx = Context::new(spec)?;
    let mut s = String::new();
    let draft = if spec.draft { ", draft" } else { "" };
    let _ = writeln!(
        s,
        "spec {} {} ({}{draft})",
        spec.title, spec.version, spec.file
    );
    for model in cx.models() {
        model_surface(&cx, model, &mut s);
    }
    for e in cx.enums() {
        enum_surface(&cx, e, &mut s);
    }
    for u in cx.unions() {
        union_surface(&cx, u, &mut s);
    }
    for op in &spec.operations {
        operation_surface(&cx, op, &mut s);
    }
    Ok(s)
}

/// `Option < Vec < i64 > >` -> `Option<Vec<i64>>`.
pub(super) fn tidy(tokens: &TokenStream) -> String {
    let mut text = tokens.to_string();
    for (from, to) in [
        (" < ", "<"),
        ("< ", "<"),
        (" <", "<"),
        (" >", ">"),
        (" :: ", "::"),
    ] {
        text = text.replace(from, to);
    }
    text
}

fn type_name(cx: &Context<'_>, ty: &Type) -> String {
    tidy(&cx.rust_type(ty))
}

fn constraints(c: &Constraints) -> String {
    let mut parts = Vec::new();
    if let Some(unit) = c.unit {
        parts.push(format!("unit {}", unit.as_str()));
    }
    if let Some(f) = &c.format {
        parts.push(format!("format {f}"));
    }
    if let Some(p) = &c.pattern {
        parts.push(format!("pattern {p:?}"));
    }
    let low = |a: &str| {
        if c.exclusive_minimum {
            format!("> {a}")
        } else {
            format!(">= {a}")
        }
    };
    let high = |b: &str| {
        if c.exclusive_maximum {
            format!("< {b}")
        } else {
            format!("<= {b}")
        }
    };
    // An integer's bounds or a number's (a schema has one type).
    let min =
        (c.minimum.map(|a| a.to_string())).or_else(|| c.number_minimum.map(|a| a.to_string()));
    let max =
        (c.maximum.map(|b| b.to_string())).or_else(|| c.number_maximum.map(|b| b.to_string()));
    match (min, max) {
        (Some(a), Some(b)) if !c.exclusive_minimum && !c.exclusive_maximum => {
            parts.push(format!("{a}..={b}"));
        }
        (Some(a), Some(b)) => parts.push(format!("{}, {}", low(&a), high(&b))),
        (Some(a), None) => parts.push(low(&a)),
        (None, Some(b)) => parts.push(high(&b)),
        (None, None) => {}
    }
    if let Some(m) = c.multiple_of {
        parts.push(format!("multiple of {m}"));
    }
    if let Some(m) = c.number_multiple_of {
        parts.push(format!("multiple of {m}"));
    }
    match (c.min_length, c.max_length) {
        (Some(a), Some(b)) => parts.push(format!("length {a}..={b}")),
        (Some(a), None) => parts.push(format!("length >= {a}")),
        (None, Some(b)) => parts.push(format!("length <= {b}")),
        (None, None) => {}
    }
    match (c.min_items, c.max_items) {
        (Some(a), Some(b)) => parts.push(format!("items {a}..={b}")),
        (Some(a), None) => parts.push(format!("items >= {a}")),
        (None, Some(b)) => parts.push(format!("items <= {b}")),
        (None, None) => {}
    }
    if c.unique_items {
        parts.push("unique items".to_owned());
    }
    if !c.allowed.is_empty() {
        parts.push(format!("one of [{}]", c.allowed.join(", ")));
    }
    parts.join(", ")
}

fn model_surface(cx: &Context<'_>, model: &Model, s: &mut String) {
    let _ = writeln!(s, "\nstruct {}", cx.type_ident(&model.name));
    for (i, f) in model.fields.iter().enumerate() {
        let mut notes = vec![if f.required { "required" } else { "optional" }.to_owned()];
        if f.nullable {
            notes.push("nullable".into());
        }
        let c = constraints(&f.constraints);
        if !c.is_empty() {
            notes.push(c);
        }
        if f.stable {
            notes.push("stable".into());
        }
        if f.monotonic {
            notes.push("monotonic".into());
        }
        if let Some(p) = &f.presence {
            if !p.required_when.is_empty() {
                notes.push(format!(
                    "present when {} is {}",
                    p.status_field,
                    p.required_when.join("|")
                ));
            }
            if !p.absent_when.is_empty() {
                notes.push(format!(
                    "absent when {} is {}",
                    p.status_field,
                    p.absent_when.join("|")
                ));
            }
        }
        let _ = writeln!(
            s,
            "  {}: {} <- {:?} ({})",
            cx.field_ident(model, i),
            tidy(&cx.field_type(model, f)),
            f.wire_name,
            notes.join("; ")
        );
    }
    if let Some(o) = &model.outcome {
        let map: Vec<String> = o.map.iter().map(|(k, v)| format!("{k} => {v}")).collect();
        let _ = writeln!(
            s,
            "  check outcome: {} decides {} ({})",
            o.status_field,
            o.outcome_field,
            map.join(", ")
        );
    }
    for inv in &model.invariants {
        let _ = writeln!(s, "  check {}", inv.id);
    }
}

fn union_surface(cx: &Context<'_>, u: &super::context::UnionNames<'_>, s: &mut String) {
    let (keyword, members) = u.composition.discriminated();
    let _ = writeln!(
        s,
        "\nenum {} ({keyword} at {})",
        u.name, u.composition.pointer
    );
    for (i, (member, variant)) in members.iter().zip(&u.variants).enumerate() {
        let picked = match &u.composition.discriminator {
            Some(d) => {
                let tags: Vec<&str> = (d.tags.iter())
                    .filter(|(_, m)| **m == i)
                    .map(|(t, _)| t.as_str())
                    .collect();
                format!("{} = {}", d.property, tags.join(" | "))
            }
            None => format!("member {i}"),
        };
        let _ = writeln!(s, "  {variant}({}) <- {picked}", type_name(cx, member));
    }
    if let Some(unknown) = &u.unknown {
        let _ = writeln!(s, "  {unknown}(Value) <- any other value");
    }
}

fn enum_surface(cx: &Context<'_>, e: &EnumDef, s: &mut String) {
    let (variants, unknown) = cx.variant_idents(e);
    let _ = writeln!(s, "\nenum {}", cx.type_ident(&e.name));
    for (value, ident) in e.values.iter().zip(&variants) {
        let role = e.machine.as_ref().map_or(String::new(), |m| role(m, value));
        let _ = writeln!(s, "  {ident} <- {value:?}{role}");
    }
    let _ = writeln!(s, "  {unknown}(String) <- any other value");
    let Some(m) = &e.machine else { return };
    for (from, to) in &m.transitions {
        let _ = writeln!(s, "  transition {from} -> {}", to.join(", "));
    }
    for (from, to) in &m.corrections {
        let _ = writeln!(s, "  correction {from} -> {}", to.join(", "));
    }
    for t in &m.timeouts {
        let limit = match &t.limit {
            TimeoutLimit::AfterSeconds(n) => format!("after {n} s"),
            TimeoutLimit::DeadlineField(f) => format!("at the deadline field {f}"),
        };
        let becomes = if t.becomes.is_empty() {
            String::new()
        } else {
            format!(" -> {}", t.becomes.join(" | "))
        };
        let _ = writeln!(
            s,
            "  timeout {}: while {} {limit}{becomes}",
            t.id,
            t.while_states.join(" | ")
        );
    }
}

fn role(m: &StateMachine, value: &str) -> String {
    let mut roles = Vec::new();
    if m.initial.iter().any(|v| v == value) {
        roles.push("initial");
    }
    if m.final_states.contains(value) {
        roles.push("final");
    }
    if roles.is_empty() {
        String::new()
    } else {
        format!(" [{}]", roles.join(", "))
    }
}

fn operation_surface(cx: &Context<'_>, op: &Operation, s: &mut String) {
    let _ = writeln!(
        s,
        "\nmod {} ({} {} {})",
        names::snake(&op.id),
        op.id,
        op.method.to_uppercase(),
        op.path
    );
    for p in &op.params {
        let at = match p.location {
            ParamLocation::Path => "path",
            ParamLocation::Query => "query",
            ParamLocation::Header => "header",
        };
        let required = if p.required { "required" } else { "optional" };
        let c = constraints(&p.constraints);
        let c = if c.is_empty() { c } else { format!(", {c}") };
        let _ = writeln!(
            s,
            "  param {:?} ({at}, {required}{c}): {}",
            p.name,
            type_name(cx, &p.ty)
        );
    }
    if !op.one_of_params.is_empty() {
        let _ = writeln!(s, "  one of params: {}", op.one_of_params.join(", "));
    }
    if let (Some(b), Some(c)) = (&op.request_body, super::request::content(op)) {
        let required = if b.required { "required" } else { "optional" };
        let body = c
            .body
            .as_ref()
            .map_or("any".to_owned(), |t| type_name(cx, t));
        let _ = writeln!(s, "  request body ({}, {required}): {body}", c.media_type);
        if let Some(Type::Named(name)) = &c.body
            && let Some(m) = cx.spec.model(name)
        {
            let left_out: Vec<&str> = m
                .fields
                .iter()
                .filter(|f| f.read_only)
                .map(|f| f.wire_name.as_str())
                .collect();
            if !left_out.is_empty() {
                let _ = writeln!(
                    s,
                    "    readOnly, not in RequestBody: {}",
                    left_out.join(", ")
                );
            }
        }
    }
    if let Some(i) = &op.idempotency {
        let _ = writeln!(s, "  idempotency header: {}", i.header);
    }
    for r in &op.responses {
        let status = r.status;
        let body = r
            .body
            .as_ref()
            .map_or("no body".to_owned(), |t| type_name(cx, t));
        let _ = writeln!(s, "  response {status}: {body}");
        for h in &r.headers {
            let required = if h.required { "required" } else { "optional" };
            let _ = writeln!(
                s,
                "    header {:?} ({required}): {}",
                h.name,
                type_name(cx, &h.ty)
            );
        }
    }
    if let Some(p) = &op.polling {
        let why = p
            .description
            .as_deref()
            .map_or(String::new(), |d| format!(": {}", d.trim()));
        let _ = writeln!(s, "  polling every {} s{why}", p.interval_seconds);
    }
    if !op.resource_key.is_empty() {
        let _ = writeln!(s, "  resource key: {}", op.resource_key.join(", "));
    }
    for e in &op.echo {
        let _ = writeln!(s, "  echo param {} at {}", e.parameter, e.pointer);
    }
    if !op.security.is_empty() {
        let _ = writeln!(s, "  security: {}", op.security.join(", "));
    }
}
