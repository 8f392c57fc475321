//! Semantic lint of a lowered spec: the `x-` rules must name things that exist and
//! agree with each other, and the documented examples must pass their own spec.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::diag::{Problem, Severity};
use crate::expr::Segment;
use crate::extensions::{MAX_DURATION_SECONDS, extension};
use crate::ir::*;
use crate::pointer::push;
use crate::registry::{Entry, INVARIANTS, RuleId};
use crate::validate;

mod placement;

pub(crate) fn lint(spec: &Spec, raw: &Value, problems: &mut Vec<Problem>) {
    unknown_extensions(raw, "", problems);
    placement::misplaced_extensions(raw, problems);
    for t in spec.types.values() {
        match t {
            TypeDef::Enum(e) => {
                if let Some(m) = &e.machine {
                    state_machine(spec, e, m, problems);
                }
            }
            TypeDef::Model(m) => model(spec, m, problems),
        }
    }
    for op in &spec.operations {
        operation(spec, op, problems);
    }
}

/// Keys whose children are names chosen by the author, not OpenAPI keywords.
const NAME_MAPS: &[&str] = &[
    "properties",
    "schemas",
    "responses",
    "examples",
    "securitySchemes",
    "parameters",
    "paths",
    "headers",
    "content",
    "variables",
    "links",
    "callbacks",
];

fn unknown_extensions(value: &Value, at: &str, problems: &mut Vec<Problem>) {
    match value {
        Value::Object(map) => {
            let parent_key = at.rsplit('/').next().unwrap_or("");
            let names = NAME_MAPS.contains(&parent_key);
            for (key, child) in map {
                let here = push(at, key);
                // Example payloads and defaults are data, not spec.
                if !names && matches!(key.as_str(), "example" | "value" | "default" | "enum") {
                    continue;
                }
                if !names && key.starts_with("x-") {
                    if extension(key).is_none() {
                        problems.push(Problem::new(&here, RuleId::LintUnknownExtension, format!("unknown extension `{key}`; the vocabulary is documented in specs/README.md")).at_key());
                    }
                    // Extension values are checked by their typed forms.
                    continue;
                }
                unknown_extensions(child, &here, problems);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                unknown_extensions(item, &push(at, &i.to_string()), problems);
            }
        }
        _ => {}
    }
}

fn err(problems: &mut Vec<Problem>, at: &str, rule: RuleId, message: String) {
    problems.push(Problem::new(at, rule, message));
}

fn state_machine(spec: &Spec, e: &EnumDef, m: &StateMachine, problems: &mut Vec<Problem>) {
    let at = push(&e.pointer, "x-state-machine");
    // Sets, not the value list: an enum may have tens of thousands of values.
    let values: BTreeSet<&str> = e.values.iter().map(String::as_str).collect();
    let check = |states: &mut dyn Iterator<Item = &String>,
                 what: &str,
                 at: &str,
                 problems: &mut Vec<Problem>| {
        for s in states {
            if !values.contains(s.as_str()) {
                err(
                    problems,
                    at,
                    RuleId::LintUnknownState,
                    format!("{what} `{s}` is not a value of {}", e.name),
                );
            }
        }
    };
    check(
        &mut m.initial.iter(),
        "initial state",
        &push(&at, "initial"),
        problems,
    );
    check(
        &mut m.final_states.iter(),
        "final state",
        &push(&at, "final"),
        problems,
    );
    for (from, tos) in &m.transitions {
        let tat = push(&push(&at, "transitions"), from);
        check(
            &mut std::iter::once(from),
            "transition source",
            &tat,
            problems,
        );
        check(&mut tos.iter(), "transition target", &tat, problems);
        if m.final_states.contains(from) && !tos.is_empty() {
            err(
                problems,
                &tat,
                RuleId::LintFinalStateLeft,
                format!("`{from}` is final but has outgoing transitions"),
            );
        }
    }
    corrections(e, m, &values, &at, problems);
    for (i, t) in m.timeouts.iter().enumerate() {
        let tat = push(&push(&at, "timeouts"), &i.to_string());
        check(
            &mut t.while_states.iter(),
            "timeout state",
            &push(&tat, "while"),
            problems,
        );
        check(
            &mut t.becomes.iter(),
            "timeout target",
            &push(&tat, "becomes"),
            problems,
        );
        for s in &t.while_states {
            if m.final_states.contains(s) {
                err(
                    problems,
                    &push(&tat, "while"),
                    RuleId::LintUnknownState,
                    format!("timeout `{}` applies to final state `{s}`", t.id),
                );
            }
        }
        if let TimeoutLimit::AfterSeconds(s) = t.limit {
            duration(s, &push(&tat, "afterSeconds"), problems);
        }
        if let TimeoutLimit::DeadlineField(field) = &t.limit {
            let carriers: Vec<&Model> = models_with_enum(spec, &e.name).collect();
            let ok = carriers.iter().any(|m| {
                m.field(field).is_some_and(|f| {
                    matches!(
                        f.constraints.unit,
                        Some(Unit::Rfc3339 | Unit::UnixMillis | Unit::UnixSeconds)
                    )
                })
            });
            if !ok {
                err(
                    problems,
                    &push(&tat, "deadlineField"),
                    RuleId::LintUnknownField,
                    format!(
                        "deadline field `{field}` is not a timestamp field (with an `x-unit` timestamp unit) of a model that carries {}",
                        e.name
                    ),
                );
            }
        }
    }
    let way_out = reaches_final(m);
    for s in &e.values {
        if !m.final_states.contains(s)
            && !way_out.contains(s.as_str())
            && m.transitions.contains_key(s)
        {
            problems.push(Problem::new(
                at.clone(),
                RuleId::LintNoWayOut,
                format!("no final state is reachable from `{s}`"),
            ));
        }
    }
}

/// `x-state-machine.corrections`: each leads from a final state of the enum to
/// another of its states.
fn corrections(
    e: &EnumDef,
    m: &StateMachine,
    values: &BTreeSet<&str>,
    at: &str,
    problems: &mut Vec<Problem>,
) {
    for (from, tos) in &m.corrections {
        let cat = push(&push(at, "corrections"), from);
        if !values.contains(from.as_str()) {
            err(
                problems,
                &cat,
                RuleId::LintUnknownState,
                format!("correction source `{from}` is not a value of {}", e.name),
            );
        } else if !m.final_states.contains(from) {
            err(
                problems,
                &cat,
                RuleId::LintBadCorrection,
                format!(
                    "`{from}` is not a final state: a correction leaves a final state (write a move out of `{from}` under `transitions`)"
                ),
            );
        }
        for to in tos {
            if !values.contains(to.as_str()) {
                err(
                    problems,
                    &cat,
                    RuleId::LintUnknownState,
                    format!("correction target `{to}` is not a value of {}", e.name),
                );
            } else if to == from {
                err(
                    problems,
                    &cat,
                    RuleId::LintBadCorrection,
                    format!("`{from}` is corrected to itself: a correction leads to another state"),
                );
            }
        }
    }
}

/// The states from which a final state is reachable through one or more
/// transitions: one walk back from the final states, not one walk per state.
fn reaches_final(m: &StateMachine) -> BTreeSet<&str> {
    let mut into: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (from, tos) in &m.transitions {
        for to in tos {
            into.entry(to.as_str()).or_default().push(from.as_str());
        }
    }
    let mut out = BTreeSet::new();
    let mut todo: Vec<&str> = m.final_states.iter().map(String::as_str).collect();
    while let Some(s) = todo.pop() {
        for &from in into.get(s).into_iter().flatten() {
            if out.insert(from) {
                todo.push(from);
            }
        }
    }
    out
}

/// A duration past [`MAX_DURATION_SECONDS`] is refused.
fn duration(seconds: u64, at: &str, problems: &mut Vec<Problem>) {
    if seconds > MAX_DURATION_SECONDS {
        err(
            problems,
            at,
            RuleId::LintDurationRange,
            format!(
                "{seconds} seconds is more than a year ({MAX_DURATION_SECONDS} s), the longest duration a spec may give"
            ),
        );
    }
}

fn models_with_enum<'a>(spec: &'a Spec, name: &'a str) -> impl Iterator<Item = &'a Model> {
    spec.types.values().filter_map(move |t| match t {
        TypeDef::Model(m)
            if m.fields
                .iter()
                .any(|f| f.ty == Type::Named(name.to_owned())) =>
        {
            Some(m)
        }
        _ => None,
    })
}

fn status_enum<'a>(
    spec: &'a Spec,
    m: &Model,
    field: &str,
    at: &str,
    problems: &mut Vec<Problem>,
) -> Option<&'a EnumDef> {
    let found = m.field(field).and_then(|f| match &f.ty {
        Type::Named(n) => spec.enum_def(n),
        _ => None,
    });
    if found.is_none() {
        err(
            problems,
            at,
            RuleId::LintUnknownField,
            format!("`{field}` is not an enum-typed property of {}", m.name),
        );
    }
    found
}

fn model(spec: &Spec, m: &Model, problems: &mut Vec<Problem>) {
    for f in &m.fields {
        if let Some(p) = &f.presence {
            let at = push(&f.pointer, "x-presence");
            if let Some(e) = status_enum(spec, m, &p.status_field, &push(&at, "field"), problems) {
                for s in p.required_when.iter().chain(&p.absent_when) {
                    if !e.values.contains(s) {
                        err(
                            problems,
                            &at,
                            RuleId::LintUnknownState,
                            format!("`{s}` is not a value of {}", e.name),
                        );
                    }
                }
            }
        }
    }
    if let Some(o) = &m.outcome {
        let at = push(&m.pointer, "x-outcome");
        let status = status_enum(
            spec,
            m,
            &o.status_field,
            &push(&at, "statusField"),
            problems,
        );
        let outcome = status_enum(
            spec,
            m,
            &o.outcome_field,
            &push(&at, "outcomeField"),
            problems,
        );
        if let (Some(status), Some(outcome)) = (status, outcome) {
            for (s, out) in &o.map {
                if !status.is_final(s) {
                    err(
                        problems,
                        &push(&at, "map"),
                        RuleId::LintUnknownState,
                        format!("`{s}` is not a final state of {}", status.name),
                    );
                }
                if !outcome.values.contains(out) {
                    err(
                        problems,
                        &push(&at, "map"),
                        RuleId::LintUnknownState,
                        format!("`{out}` is not a value of {}", outcome.name),
                    );
                }
            }
            for f in status.machine.iter().flat_map(|mc| &mc.final_states) {
                if !o.map.contains_key(f) {
                    err(
                        problems,
                        &push(&at, "map"),
                        RuleId::LintUnknownState,
                        format!("final state `{f}` has no outcome"),
                    );
                }
            }
        }
    }
    for inv in &m.invariants {
        if crate::registry::lookup(&inv.id) != Some(Entry::Family(&INVARIANTS)) {
            err(
                problems,
                &inv.pointer,
                RuleId::LintInvariantId,
                format!("invariant id `{}` must be `amount.<name>`", inv.id),
            );
        }
        for r in inv.expr.field_refs() {
            if let Err(message) = resolve_ref(spec, m, &r.path.segments, r.sum_array) {
                let offset = char_offset(&inv.expr.source, r.span.start);
                problems.push(
                    Problem::new(
                        &inv.pointer,
                        RuleId::LintInvariantField,
                        format!("invariant `{}` reads `{}`: {message}", inv.id, r.path),
                    )
                    .at_offset(offset),
                );
            }
        }
    }
}

/// Checks that a field path exists and ends at a number (or at an array for the
/// array argument of `sum`).
fn resolve_ref(
    spec: &Spec,
    root: &Model,
    segments: &[Segment],
    array_end: bool,
) -> Result<(), String> {
    let mut ty = Type::Named(root.name.clone());
    let mut unit = None;
    for seg in segments {
        ty = match (seg, &ty) {
            (Segment::Field(name), Type::Named(n)) => {
                let f = spec
                    .model(n)
                    .and_then(|m| m.field(name))
                    .ok_or_else(|| format!("`{name}` is not a property of {n}"))?;
                unit = f.constraints.unit;
                f.ty.clone()
            }
            (Segment::Each, Type::Array(item)) => (**item).clone(),
            (Segment::Each, _) => {
                return Err("[*] applies to something that is not an array".into());
            }
            (Segment::Field(name), _) => {
                return Err(format!(
                    "looks up `{name}` in something that is not an object"
                ));
            }
        };
    }
    let numeric = ty == Type::Integer
        || ty == Type::Number
        || (ty == Type::String && unit == Some(Unit::DecimalMajor));
    // The array argument of `sum` ends in `[*]`, which resolved above only on an array.
    match (array_end, numeric) {
        (true, _) | (false, true) => Ok(()),
        (false, false) => Err("wrong type: invariants compute on integers (cents) or decimal strings (x-unit: decimal-major)".into()),
    }
}

fn operation(spec: &Spec, op: &Operation, problems: &mut Vec<Problem>) {
    let at = &op.pointer;
    let path_params = op.path_param_names();
    for name in &path_params {
        if op
            .param(name)
            .is_none_or(|p| p.location != ParamLocation::Path)
        {
            err(
                problems,
                at,
                RuleId::LintUnknownParameter,
                format!("path template names `{{{name}}}`, which is not a declared path parameter"),
            );
        }
    }
    for p in op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Path)
    {
        if !path_params.contains(&p.name.as_str()) {
            err(
                problems,
                at,
                RuleId::LintUnknownParameter,
                format!("path parameter `{}` is not in the path template", p.name),
            );
        }
    }
    for (key, names) in [
        ("x-resource-key", &op.resource_key),
        ("x-one-of-parameters", &op.one_of_params),
    ] {
        for n in names {
            if op.param(n).is_none() {
                err(
                    problems,
                    &push(at, key),
                    RuleId::LintUnknownParameter,
                    format!("`{n}` is not a parameter of {}", op.id),
                );
            }
        }
    }
    if let Some(p) = &op.polling {
        if p.interval_seconds == 0 {
            err(
                problems,
                &push(at, "x-polling"),
                RuleId::LintMalformedExtension,
                "the polling interval must be at least 1 second".into(),
            );
        }
        duration(
            p.interval_seconds,
            &push(&push(at, "x-polling"), "intervalSeconds"),
            problems,
        );
    }
    let ok_body = op
        .responses
        .iter()
        .find(|r| r.status.is_some_and(|s| (200..300).contains(&s)))
        .and_then(|r| r.body.clone());
    for (i, e) in op.echo.iter().enumerate() {
        let eat = push(&push(at, "x-echo"), &i.to_string());
        if op.param(&e.parameter).is_none() {
            err(
                problems,
                &eat,
                RuleId::LintUnknownParameter,
                format!("`{}` is not a parameter of {}", e.parameter, op.id),
            );
        }
        let resolves = ok_body
            .as_ref()
            .is_some_and(|b| pointer_resolves(spec, b, &e.pointer));
        if !resolves {
            err(
                problems,
                &push(&eat, "pointer"),
                RuleId::LintUnknownField,
                format!(
                    "`{}` does not name a property of the success response",
                    e.pointer
                ),
            );
        }
    }
    for name in &op.security {
        if !spec.security_schemes.contains_key(name) {
            err(
                problems,
                at,
                RuleId::LintDanglingRef,
                format!("security scheme `{name}` is not defined"),
            );
        }
    }
    for r in &op.responses {
        let Some(body) = &r.body else { continue };
        for ex in &r.examples {
            examples(spec, body, ex, problems);
        }
        ambiguous_status_field(spec, op, r, body, problems);
    }
}

/// A success body with two status fields at the same depth: which one the
/// state is read from would come down to property order.
fn ambiguous_status_field(
    spec: &Spec,
    op: &Operation,
    r: &Response,
    body: &Type,
    problems: &mut Vec<Problem>,
) {
    if !r.status.is_some_and(|s| (200..300).contains(&s)) {
        return;
    }
    let candidates = crate::contract::status::candidates(spec, body);
    if candidates.len() < 2 {
        return;
    }
    let pointers: Vec<String> = candidates
        .iter()
        .map(|c| format!("`{}`", c.pointer))
        .collect();
    let code = r.status.map(|s| s.to_string()).unwrap_or_default();
    err(
        problems,
        &push(&push(&op.pointer, "responses"), &code),
        RuleId::LintAmbiguousStatusField,
        format!(
            "the {code} response of {} has {} status fields at the same depth ({}): the status is the shallowest field whose enum has an `x-state-machine`, so keep one of them there or move the others deeper",
            op.id,
            candidates.len(),
            pointers.join(", ")
        ),
    );
}

fn pointer_resolves(spec: &Spec, ty: &Type, pointer: &str) -> bool {
    let Some(tokens) = crate::pointer::tokens(pointer) else {
        return false;
    };
    let mut ty = ty.clone();
    for t in tokens {
        let next = match &ty {
            Type::Named(n) => spec
                .model(n)
                .and_then(|m| m.field(&t))
                .map(|f| f.ty.clone()),
            Type::Array(item) if t.parse::<usize>().is_ok() => Some((**item).clone()),
            _ => None,
        };
        match next {
            Some(n) => ty = n,
            None => return false,
        }
    }
    true
}

fn examples(spec: &Spec, body: &Type, ex: &Example, problems: &mut Vec<Problem>) {
    let findings = validate::validate(spec, body, &ex.value);
    for f in &findings {
        if f.severity == Severity::Error && !ex.expected_violations.contains(&f.rule) {
            problems.push(Problem::new(
                push(&ex.pointer, "").trim_end_matches('/').to_owned() + &f.pointer,
                RuleId::LintExampleViolation,
                format!("example `{}` breaks {}: {} (list the rule in `x-expected-violations` if the document's example is known to be wrong)", ex.name, f.rule, f.message),
            ));
        }
    }
    for expected in &ex.expected_violations {
        if !findings.iter().any(|f| &f.rule == expected) {
            let at = crate::pointer::parent(&ex.pointer)
                .map(|p| push(p, "x-expected-violations"))
                .unwrap_or_default();
            problems.push(Problem::new(
                at,
                RuleId::LintStaleExpectedViolation,
                format!("example `{}` lists `{expected}` in `x-expected-violations`, but does not break it", ex.name),
            ));
        }
    }
}

/// Characters before byte `at` of `text` (columns count characters).
pub(crate) fn char_offset(text: &str, at: usize) -> usize {
    text.get(..at).map_or(0, |t| t.chars().count())
}
