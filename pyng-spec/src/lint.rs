//! Semantic lint of a lowered spec: the `x-` rules must name things that exist and
//! agree with each other, and the documented examples must pass their own spec.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::diag::{Problem, Severity};
use crate::expr::Segment;
use crate::extensions::{EXTENSIONS, MAX_DURATION_SECONDS, extension};
use crate::ir::*;
use crate::pointer::push;
use crate::registry::{Entry, INVARIANTS, RuleId};
use crate::suggest;
use crate::validate;

mod discriminator;
mod fields;
mod keywords;
mod placement;

pub(crate) use placement::schema_roots;

/// Lints `spec`, lowered from `raw` (the document with its `allOf`s merged;
/// `unmerged` says why the others were not).
pub(crate) fn lint(
    spec: &Spec,
    raw: &Value,
    unmerged: &BTreeMap<String, crate::compose::Refusal>,
    problems: &mut Vec<Problem>,
) {
    unknown_extensions(raw, "", problems);
    lowercase_ranges(raw, problems);
    let mut misplaced = Vec::new();
    let walked = placement::misplaced_extensions(raw, &mut misplaced);
    let refused = keywords::check(&walked.schemas, unmerged, problems);
    let refused_fields = fields::check(&walked.objects, problems);
    // Where a schema is refused, the kit reads none of it: its extensions are
    // not misplaced, only unread with the rest.
    problems.extend(misplaced.into_iter().filter(|p| {
        crate::pointer::parent(&p.pointer).is_none_or(|schema| !refused.contains(schema))
    }));
    if !refused.is_empty() || refused_fields {
        // The checks below read the lowered schemas, which a refused keyword
        // left incomplete: what they would report follows from the refusal
        // (a field without a type, an example checked against "any value").
        return;
    }
    for t in spec.types.values() {
        match t {
            TypeDef::Enum(e) => {
                if let Some(m) = &e.machine {
                    state_machine(spec, e, m, problems);
                }
            }
            TypeDef::Model(m) => {
                model(spec, m, problems);
                defaults(spec, m, raw, problems);
            }
            // An array's items: no `default` (the keyword lint refuses it there).
            TypeDef::Constrained(_) => {}
        }
    }
    for op in &spec.operations {
        operation(spec, op, problems);
    }
}

/// A status range under an operation's `responses` written `5xx`: OAS 3.0.3
/// spells the wildcard as an uppercase `X` (its schema's key pattern is
/// `^[1-5](?:\d{2}|XX)$`), and a tool that follows it reads `5xx` as no
/// response at all, so the kit does not read it as `5XX` silently.
fn lowercase_ranges(raw: &Value, problems: &mut Vec<Problem>) {
    let paths = raw
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten();
    for (path, item) in paths {
        let operations = item.as_object().into_iter().flatten();
        for (method, op) in operations {
            let responses = op.get("responses").and_then(Value::as_object);
            for key in responses.into_iter().flat_map(|r| r.keys()) {
                let b = key.as_bytes();
                let range = b.len() == 3
                    && (b'1'..=b'5').contains(&b[0])
                    && b[1..].iter().all(|c| c.eq_ignore_ascii_case(&b'x'));
                if range && key[1..] != *"XX" {
                    let at = crate::pointer::push(
                        &crate::pointer::push(
                            &crate::pointer::push(&crate::pointer::push("/paths", path), method),
                            "responses",
                        ),
                        key,
                    );
                    let upper = format!("{}XX", &key[..1]);
                    problems.push(
                        Problem::new(
                            at,
                            RuleId::LintOpenapiStructure,
                            format!(
                                "`{key}` is not a status range: OAS 3.0.3 writes the wildcard as an uppercase `X`"
                            ),
                        )
                        .with_help(Some(format!("write `{upper}`")))
                        .at_key(),
                    );
                }
            }
        }
    }
}

/// Keys whose children are names chosen by the author, not OpenAPI keywords:
/// a property called `example` is a schema, a response `default` a response.
pub(crate) const NAME_MAPS: &[&str] = &[
    "properties",
    "schemas",
    "responses",
    "examples",
    "requestBodies",
    "encoding",
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
                    if extension(key).is_none()
                        && let Some(problem) = unknown_extension(at, key)
                    {
                        problems.push(problem);
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

/// An `x-` key the kit does not define: a vendor extension, which OpenAPI
/// allows, unless it is a near miss of one of the kit's own keys. What reads
/// that extension finds it missing, so its problems follow from this one.
fn unknown_extension(at: &str, key: &str) -> Option<Problem> {
    let meant = suggest::closest(key, EXTENSIONS.iter().map(|e| e.key))?;
    let problem = Problem::new(
        push(at, key),
        RuleId::LintUnknownExtension,
        format!("unknown extension `{key}`; the vocabulary is documented in specs/README.md"),
    )
    .at_key()
    .with_help(Some(format!("did you mean `{meant}`?")))
    .leaves_missing(push(at, meant));
    Some(problem)
}

fn err(problems: &mut Vec<Problem>, at: &str, rule: RuleId, message: String) {
    problems.push(Problem::new(at, rule, message));
}

fn state_machine(spec: &Spec, e: &EnumDef, m: &StateMachine, problems: &mut Vec<Problem>) {
    let at = push(&e.pointer, "x-state-machine");
    // Sets, not the value list: an enum may have tens of thousands of values.
    let values: BTreeSet<&str> = e.values.iter().map(String::as_str).collect();
    // Each state is reported at its own token: a list item, or a map key.
    let check = |state: &str, what: &str, at: String, at_key: bool, problems: &mut Vec<Problem>| {
        if !values.contains(state) {
            let problem = Problem::new(
                at,
                RuleId::LintUnknownState,
                format!("{what} `{state}` is not a value of {}", e.name),
            )
            .with_help(suggest::did_you_mean(
                state,
                e.values.iter().map(String::as_str),
            ));
            problems.push(if at_key { problem.at_key() } else { problem });
        }
    };
    let items = |at: &str, list: &str| {
        let list = push(at, list);
        move |i: usize| push(&list, &i.to_string())
    };
    let initial = items(&at, "initial");
    for (i, s) in m.initial.iter().enumerate() {
        check(s, "initial state", initial(i), false, problems);
    }
    let fin = items(&at, "final");
    for (i, s) in m.final_states.iter().enumerate() {
        let before = problems.len();
        check(s, "final state", fin(i), false, problems);
        // What reads the final states misses this one.
        if let Some(p) = problems.get_mut(before) {
            p.leaves_missing = Some(fin(i));
        }
    }
    for (from, tos) in &m.transitions {
        let tat = push(&push(&at, "transitions"), from);
        check(from, "transition source", tat.clone(), true, problems);
        for (i, to) in tos.iter().enumerate() {
            check(
                to,
                "transition target",
                push(&tat, &i.to_string()),
                false,
                problems,
            );
        }
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
        let whiles = items(&tat, "while");
        for (i, s) in t.while_states.iter().enumerate() {
            check(s, "timeout state", whiles(i), false, problems);
        }
        let becomes = items(&tat, "becomes");
        for (i, s) in t.becomes.iter().enumerate() {
            check(s, "timeout target", becomes(i), false, problems);
        }
        for (i, s) in t.while_states.iter().enumerate() {
            if m.final_states.contains(s) {
                err(
                    problems,
                    &whiles(i),
                    RuleId::LintTimeoutInFinalState,
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
                let names = carriers
                    .iter()
                    .flat_map(|m| m.fields.iter().map(|f| f.wire_name.as_str()));
                // Without a carrier, the enum may be what an unresolved field was meant to be.
                let unresolved = if carriers.is_empty() {
                    untyped_fields(spec)
                } else {
                    Vec::new()
                };
                problems.push(
                    Problem::new(
                        push(&tat, "deadlineField"),
                        RuleId::LintUnknownField,
                        format!(
                            "deadline field `{field}` is not a timestamp field (with an `x-unit` timestamp unit) of a model that carries {}",
                            e.name
                        ),
                    )
                    .with_help(suggest::did_you_mean(field, names))
                    .needs(unresolved),
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

/// The pointers of the fields whose type did not resolve (a dangling `$ref`).
fn untyped_fields(spec: &Spec) -> Vec<String> {
    spec.types
        .values()
        .filter_map(|t| match t {
            TypeDef::Model(m) => Some(m),
            TypeDef::Enum(_) | TypeDef::Constrained(_) => None,
        })
        .flat_map(|m| &m.fields)
        .filter(|f| f.ty == Type::Any)
        .map(|f| f.pointer.clone())
        .collect()
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
        let names = m.fields.iter().map(|f| f.wire_name.as_str());
        let untyped = m
            .field(field)
            .filter(|f| f.ty == Type::Any)
            .map(|f| f.pointer.clone());
        problems.push(
            Problem::new(
                at,
                RuleId::LintUnknownField,
                format!("`{field}` is not an enum-typed property of {}", m.name),
            )
            .with_help(suggest::did_you_mean(field, names))
            .needs(untyped),
        );
    }
    found
}

/// A property's `default` passes the property's own schema; one it takes
/// from the component it references is reported where the component has it.
fn defaults(spec: &Spec, m: &Model, raw: &Value, problems: &mut Vec<Problem>) {
    for f in &m.fields {
        let Some(schema) = raw.pointer(&f.pointer) else {
            continue;
        };
        let Some(default) = &f.default else {
            continue;
        };
        let at = match schema.get("default") {
            // Beside a `$ref` it is ignored (`lint.ref-siblings`).
            Some(_) if schema.get("$ref").is_none() => push(&f.pointer, "default"),
            _ => match inherited_default_at(schema, raw) {
                Some(at) => at,
                None => continue,
            },
        };
        for finding in validate::validate_field(spec, f, default) {
            if finding.severity == Severity::Error {
                problems.push(Problem::new(
                    format!("{at}{}", finding.pointer),
                    RuleId::LintDefaultViolation,
                    format!(
                        "the `default` of `{}` breaks its own schema: {} ({})",
                        f.wire_name, finding.message, finding.rule
                    ),
                ));
            }
        }
    }
}

/// Where the `default` a property schema `schema` takes from the component it
/// references is written: the first schema along its references that has one.
fn inherited_default_at(schema: &Value, raw: &Value) -> Option<String> {
    let mut schema = schema;
    let mut seen = std::collections::BTreeSet::new();
    loop {
        let reference = schema
            .get("$ref")
            .or_else(|| schema.pointer("/allOf/0/$ref"))
            .and_then(Value::as_str)?;
        let pointer = reference.strip_prefix('#')?;
        if !seen.insert(pointer) {
            return None;
        }
        schema = raw.pointer(pointer)?;
        if schema.get("default").is_some() && schema.get("$ref").is_none() {
            return Some(push(pointer, "default"));
        }
    }
}

fn model(spec: &Spec, m: &Model, problems: &mut Vec<Problem>) {
    for f in &m.fields {
        if f.read_only && f.write_only {
            problems.push(
                Problem::new(
                    push(&f.pointer, "writeOnly"),
                    RuleId::LintReadAndWriteOnly,
                    format!(
                        "`{}` of {} is both `readOnly` and `writeOnly`: it could be sent neither in a request nor in a response (OAS 3.0.3: a property MUST NOT be both)",
                        f.wire_name, m.name
                    ),
                )
                .at_key(),
            );
        }
        if let Some(p) = &f.presence {
            let at = push(&f.pointer, "x-presence");
            if let Some(e) = status_enum(spec, m, &p.status_field, &push(&at, "field"), problems) {
                let lists = [
                    ("requiredWhen", &p.required_when),
                    ("absentWhen", &p.absent_when),
                ];
                for (key, states) in lists {
                    for (i, s) in states.iter().enumerate() {
                        if !e.values.contains(s) {
                            problems.push(
                                Problem::new(
                                    push(&push(&at, key), &i.to_string()),
                                    RuleId::LintUnknownState,
                                    format!("`{s}` is not a value of {}", e.name),
                                )
                                .with_help(suggest::did_you_mean(
                                    s,
                                    e.values.iter().map(String::as_str),
                                )),
                            );
                        }
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
            let map_at = push(&at, "map");
            // Without a state machine no state is final: that follows from its absence.
            let machine_at = push(&status.pointer, "x-state-machine");
            let final_states = status.machine.iter().flat_map(|mc| &mc.final_states);
            // A final state that is no value of the enum is reported at its entry;
            // the outcome map's problems with final states follow from it.
            let final_entry = |i: usize| push(&push(&machine_at, "final"), &i.to_string());
            let bad_finals: Vec<String> = final_states
                .clone()
                .enumerate()
                .filter(|(_, f)| !status.values.contains(f))
                .map(|(i, _)| final_entry(i))
                .collect();
            for (s, out) in &o.map {
                if !status.is_final(s) {
                    problems.push(
                        Problem::new(
                            push(&map_at, s),
                            RuleId::LintOutcomeNotFinal,
                            format!("`{s}` is not a final state of {}", status.name),
                        )
                        .at_key()
                        .with_help(suggest::did_you_mean(
                            s,
                            final_states.clone().map(String::as_str),
                        ))
                        .needs(status.machine.is_none().then(|| machine_at.clone()))
                        .needs(bad_finals.iter().cloned()),
                    );
                }
                if !outcome.values.contains(out) {
                    problems.push(
                        Problem::new(
                            push(&map_at, s),
                            RuleId::LintUnknownOutcome,
                            format!("`{out}` is not a value of {}", outcome.name),
                        )
                        .with_help(suggest::did_you_mean(
                            out,
                            outcome.values.iter().map(String::as_str),
                        )),
                    );
                }
            }
            for (i, f) in final_states.enumerate() {
                if !o.map.contains_key(f) {
                    let unknown = !status.values.contains(f);
                    problems.push(
                        Problem::new(
                            &map_at,
                            RuleId::LintFinalStateWithoutOutcome,
                            format!("final state `{f}` has no outcome"),
                        )
                        .at_key()
                        .with_help(Some(format!(
                            "add `{f}: <a value of {}>` to the map",
                            outcome.name
                        )))
                        .needs(unknown.then(|| final_entry(i))),
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
            if let Err((message, help)) = resolve_ref(spec, m, &r.path.segments, r.sum_array) {
                let offset = char_offset(&inv.expr.source, r.span.start);
                problems.push(
                    Problem::new(
                        &inv.pointer,
                        RuleId::LintInvariantField,
                        format!("invariant `{}` reads `{}`: {message}", inv.id, r.path),
                    )
                    .at_offset(offset)
                    .with_help(help)
                    // The examples checked against it read nothing there.
                    .leaves_missing(&inv.pointer),
                );
            }
        }
    }
}

/// Checks that a field path exists and ends at a number (or at an array for the
/// array argument of `sum`); the error has its message and, for a misspelt
/// property, the closest one.
fn resolve_ref(
    spec: &Spec,
    root: &Model,
    segments: &[Segment],
    array_end: bool,
) -> Result<(), (String, Option<String>)> {
    let plain = |message: String| (message, None);
    let mut ty = Type::Named(root.name.clone());
    let mut unit = None;
    for seg in segments {
        ty = match (seg, &ty) {
            (Segment::Field(name), Type::Named(n)) => {
                let model = spec.model(n);
                let f = model.and_then(|m| m.field(name)).ok_or_else(|| {
                    let names = model
                        .into_iter()
                        .flat_map(|m| &m.fields)
                        .map(|f| f.wire_name.as_str());
                    (
                        format!("`{name}` is not a property of {n}"),
                        suggest::did_you_mean(name, names),
                    )
                })?;
                unit = f.constraints.unit;
                f.ty.clone()
            }
            (Segment::Each, Type::Array(item)) => spec.value_type(item).clone(),
            (Segment::Each, _) => {
                return Err(plain(
                    "[*] applies to something that is not an array".into(),
                ));
            }
            (Segment::Field(name), _) => {
                return Err(plain(format!(
                    "looks up `{name}` in something that is not an object"
                )));
            }
        };
    }
    let numeric = ty == Type::Integer
        || ty == Type::Number
        || (ty == Type::String && unit == Some(Unit::DecimalMajor));
    // The array argument of `sum` ends in `[*]`, which resolved above only on an array.
    match (array_end, numeric) {
        (true, _) | (false, true) => Ok(()),
        (false, false) => Err(plain("wrong type: invariants compute on integers (cents) or decimal strings (x-unit: decimal-major)".into())),
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
            // Follows from a shared parameter that did not resolve, if any.
            problems.push(
                Problem::new(
                    at,
                    RuleId::LintUnknownParameter,
                    format!(
                        "path template names `{{{name}}}`, which is not a declared path parameter"
                    ),
                )
                .needs([push(at, "parameters")]),
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
        for (i, n) in names.iter().enumerate() {
            if op.param(n).is_none() {
                problems.push(
                    Problem::new(
                        push(&push(at, key), &i.to_string()),
                        RuleId::LintUnknownParameter,
                        format!("`{n}` is not a parameter of {}", op.id),
                    )
                    .with_help(param_help(op, n))
                    .needs([push(at, "parameters")]),
                );
            }
        }
    }
    if let Some(idem) = &op.idempotency {
        let is_header = |p: &&Param| {
            p.location == ParamLocation::Header && p.name.eq_ignore_ascii_case(&idem.header)
        };
        if !op.params.iter().any(|p| is_header(&p)) {
            let headers = op
                .params
                .iter()
                .filter(|p| p.location == ParamLocation::Header)
                .map(|p| p.name.as_str());
            problems.push(
                Problem::new(
                    push(&push(at, "x-idempotency"), "header"),
                    RuleId::LintUnknownParameter,
                    format!(
                        "`{}` is not a header parameter of {}: declare it (`in: header`, usually `required: true`)",
                        idem.header, op.id
                    ),
                )
                .with_help(suggest::did_you_mean(&idem.header, headers))
                .needs([push(at, "parameters")]),
            );
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
    if let Some(r) = &op.rate_limit {
        rate_limit(op, r, &push(at, "x-rate-limit"), problems);
    }
    let ok_body = op
        .responses
        .iter()
        .find(|r| r.status.is_success())
        .and_then(|r| r.body.clone());
    for (i, e) in op.echo.iter().enumerate() {
        let eat = push(&push(at, "x-echo"), &i.to_string());
        if op.param(&e.parameter).is_none() {
            problems.push(
                Problem::new(
                    push(&eat, "parameter"),
                    RuleId::LintUnknownParameter,
                    format!("`{}` is not a parameter of {}", e.parameter, op.id),
                )
                .with_help(param_help(op, &e.parameter))
                .needs([push(at, "parameters")]),
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
    for content in op.request_body.iter().flat_map(|b| &b.contents) {
        let Some(body) = &content.body else { continue };
        for ex in &content.examples {
            examples(spec, body, ex, validate::Direction::Request, problems);
        }
    }
    for r in &op.responses {
        let Some(body) = &r.body else { continue };
        for ex in &r.examples {
            examples(spec, body, ex, validate::Direction::Response, problems);
        }
        ambiguous_status_field(spec, op, r, body, problems);
    }
}

/// `x-rate-limit`: a limit that admits something, over a window the checks
/// can add to millisecond times, counted per parameters that exist.
fn rate_limit(op: &Operation, r: &RateLimit, at: &str, problems: &mut Vec<Problem>) {
    if r.requests == 0 {
        err(
            problems,
            &push(at, "requests"),
            RuleId::LintMalformedExtension,
            "a rate limit admits at least 1 request".into(),
        );
    }
    if r.requests > crate::contract::rate_limit::MAX_REQUESTS {
        err(
            problems,
            &push(at, "requests"),
            RuleId::LintMalformedExtension,
            format!(
                "a rate limit admits at most {} requests per window (the checks remember each one's time)",
                crate::contract::rate_limit::MAX_REQUESTS
            ),
        );
    }
    if r.per_seconds == 0 {
        err(
            problems,
            &push(at, "perSeconds"),
            RuleId::LintMalformedExtension,
            "a rate limit's window is at least 1 second".into(),
        );
    }
    duration(r.per_seconds, &push(at, "perSeconds"), problems);
    for (i, n) in r.key.iter().enumerate() {
        if op.param(n).is_none() {
            problems.push(
                Problem::new(
                    push(&push(at, "key"), &i.to_string()),
                    RuleId::LintUnknownParameter,
                    format!("`{n}` is not a parameter of {}", op.id),
                )
                .with_help(param_help(op, n))
                .needs([push(&op.pointer, "parameters")]),
            );
        }
    }
}

fn param_help(op: &Operation, name: &str) -> Option<String> {
    suggest::did_you_mean(name, op.params.iter().map(|p| p.name.as_str()))
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
    if !r.status.is_success() {
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
    let code = r.status.to_string();
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
    let mut ty = spec.value_type(ty).clone();
    for t in tokens {
        let next = match &ty {
            Type::Named(n) => spec
                .model(n)
                .and_then(|m| m.field(&t))
                .map(|f| f.ty.clone()),
            Type::Array(item) if t.parse::<usize>().is_ok() => Some(spec.value_type(item).clone()),
            _ => None,
        };
        match next {
            Some(n) => ty = n,
            None => return false,
        }
    }
    true
}

fn examples(
    spec: &Spec,
    body: &Type,
    ex: &Example,
    direction: validate::Direction,
    problems: &mut Vec<Problem>,
) {
    let findings = validate::validate_in(spec, body, &ex.value, direction);
    for f in &findings {
        if f.severity == Severity::Error && !ex.expected_violations.contains(&f.rule) {
            problems.push(
                Problem::new(
                    push(&ex.pointer, "").trim_end_matches('/').to_owned() + &f.pointer,
                    RuleId::LintExampleViolation,
                    format!("example `{}` breaks {}: {} (list the rule in `x-expected-violations` if the document's example is known to be wrong)", ex.name, f.rule, f.message),
                )
                .needs(invariant_pointers(spec, &f.rule)),
            );
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

/// Where the invariants with id `rule` are written (none for a fixed rule).
fn invariant_pointers(spec: &Spec, rule: &str) -> Vec<String> {
    spec.types
        .values()
        .filter_map(|t| match t {
            TypeDef::Model(m) => Some(m),
            TypeDef::Enum(_) | TypeDef::Constrained(_) => None,
        })
        .flat_map(|m| &m.invariants)
        .filter(|inv| inv.id == rule)
        .map(|inv| inv.pointer.clone())
        .collect()
}

/// Characters before byte `at` of `text` (columns count characters).
pub(crate) fn char_offset(text: &str, at: usize) -> usize {
    text.get(..at).map_or(0, |t| t.chars().count())
}
