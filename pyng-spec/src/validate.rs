//! Checks one JSON body against a spec type: the per-response rules (schema,
//! conditional presence, status/outcome, amount invariants). Used by the linter on
//! the specs' examples and by the conformance engine on recorded traffic, so both
//! agree by construction.

use serde_json::{Map, Value};

use crate::diag::Severity;
use crate::expr::{self, Evaluation};
use crate::ir::*;
use crate::pointer::push;

/// One rule broken by a body.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// Stable rule id, `category.name`.
    pub rule: String,
    pub severity: Severity,
    /// RFC 6901 pointer into the body at the offending value.
    pub pointer: String,
    pub message: String,
    /// The spec fact the rule comes from.
    pub source: Option<Source>,
    /// Further pointers involved (e.g. the operands of an invariant).
    pub related: Vec<String>,
}

/// Validates `body` as an instance of `ty`.
pub fn validate(spec: &Spec, ty: &Type, body: &Value) -> Vec<Finding> {
    let mut v = Validator {
        spec,
        findings: Vec::new(),
    };
    v.value(ty, body, "", None);
    v.findings
}

struct Validator<'a> {
    spec: &'a Spec,
    findings: Vec<Finding>,
}

/// The JSON type name used in messages.
pub fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_f64() => "number",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

impl<'a> Validator<'a> {
    fn push(
        &mut self,
        rule: impl Into<String>,
        severity: Severity,
        pointer: &str,
        message: String,
        source: Option<&Source>,
    ) {
        self.findings.push(Finding {
            rule: rule.into(),
            severity,
            pointer: pointer.to_owned(),
            message,
            source: source.cloned(),
            related: Vec::new(),
        });
    }

    fn value(&mut self, ty: &Type, value: &Value, at: &str, field: Option<&Field>) {
        let source = field.and_then(|f| f.source.as_ref());
        if value.is_null() {
            if !field.is_some_and(|f| f.nullable) {
                self.push(
                    "schema.nullable",
                    Severity::Error,
                    at,
                    "null is not allowed here (the schema is not nullable)".into(),
                    source,
                );
            }
            return;
        }
        let constraints = field.map(|f| &f.constraints);
        match ty {
            Type::Any => {}
            Type::String => match value.as_str() {
                Some(s) => self.string(s, constraints, at, source),
                None => self.type_error("string", value, at, source),
            },
            Type::Integer => self.integer(value, constraints, at, source),
            Type::Number => {
                if !value.is_number() {
                    self.type_error("number", value, at, source);
                }
            }
            Type::Boolean => {
                if !value.is_boolean() {
                    self.type_error("boolean", value, at, source);
                }
            }
            Type::Array(item) => match value.as_array() {
                Some(items) => {
                    for (i, v) in items.iter().enumerate() {
                        self.value(item, v, &push(at, &i.to_string()), None);
                    }
                }
                None => self.type_error("array", value, at, source),
            },
            Type::Named(name) => match self.spec.types.get(name) {
                Some(TypeDef::Enum(e)) => self.enum_value(e, value, at),
                Some(TypeDef::Model(m)) => match value.as_object() {
                    Some(obj) => self.model(m, obj, value, at),
                    None => self.type_error("object", value, at, m.source.as_ref()),
                },
                None => {}
            },
        }
    }

    fn type_error(&mut self, expected: &str, value: &Value, at: &str, source: Option<&Source>) {
        self.push(
            "schema.type",
            Severity::Error,
            at,
            format!("expected {expected}, found {}", json_type(value)),
            source,
        );
    }

    fn string(&mut self, s: &str, c: Option<&Constraints>, at: &str, source: Option<&Source>) {
        let Some(c) = c else { return };
        if !c.allowed.is_empty() && !c.allowed.iter().any(|a| a == s) {
            self.push(
                "schema.enum",
                Severity::Error,
                at,
                format!("`{s}` is not one of {}", quoted(&c.allowed)),
                source,
            );
        }
        if let Some(pattern) = &c.pattern
            && let Some(re) = self.spec.patterns.get(pattern)
            && !re.is_match(s)
        {
            self.push(
                "schema.pattern",
                Severity::Error,
                at,
                format!("`{}` does not match the pattern `{pattern}`", shorten(s)),
                source,
            );
        }
        if c.unit == Some(Unit::Rfc3339) && parse_rfc3339(s).is_none() {
            self.push(
                "schema.timestamp-format",
                Severity::Warning,
                at,
                format!(
                    "`{}` is not an RFC 3339 timestamp (the format the spec assumes)",
                    shorten(s)
                ),
                source,
            );
        }
    }

    fn integer(
        &mut self,
        value: &Value,
        c: Option<&Constraints>,
        at: &str,
        source: Option<&Source>,
    ) {
        let Value::Number(n) = value else {
            return self.type_error("integer", value, at, source);
        };
        let Some(i) = n.as_i64() else {
            if n.is_u64() {
                self.push(
                    "schema.format",
                    Severity::Error,
                    at,
                    format!("{n} is out of the int64 range"),
                    source,
                );
            } else {
                self.push(
                    "schema.type",
                    Severity::Error,
                    at,
                    format!("expected integer, found {n}"),
                    source,
                );
            }
            return;
        };
        let Some(c) = c else { return };
        if let Some(min) = c.minimum
            && i < min
        {
            self.push(
                "schema.minimum",
                Severity::Error,
                at,
                format!("{i} is less than the minimum {min}"),
                source,
            );
        }
        if let Some(max) = c.maximum
            && i > max
        {
            self.push(
                "schema.maximum",
                Severity::Error,
                at,
                format!("{i} is greater than the maximum {max}"),
                source,
            );
        }
        if c.format.as_deref() == Some("int32") && i32::try_from(i).is_err() {
            self.push(
                "schema.format",
                Severity::Error,
                at,
                format!("{i} is out of the int32 range"),
                source,
            );
        }
    }

    fn enum_value(&mut self, e: &EnumDef, value: &Value, at: &str) {
        let Some(s) = value.as_str() else {
            return self.type_error("string", value, at, e.source.as_ref());
        };
        if e.values.iter().any(|v| v == s) {
            return;
        }
        let hint = e
            .values
            .iter()
            .find(|v| v.eq_ignore_ascii_case(s))
            .map(|v| format!(" (values are case-sensitive: did you mean `{v}`?)"))
            .unwrap_or_default();
        self.push(
            "schema.enum",
            Severity::Error,
            at,
            format!(
                "`{s}` is not a documented {} value; expected one of {}{hint}",
                e.name,
                quoted(&e.values)
            ),
            e.source.as_ref(),
        );
    }

    fn model(&mut self, m: &Model, obj: &Map<String, Value>, instance: &Value, at: &str) {
        for f in &m.fields {
            match obj.get(&f.wire_name) {
                Some(v) => self.value(&f.ty, v, &push(at, &f.wire_name), Some(f)),
                None if f.required => self.push(
                    "schema.required",
                    Severity::Error,
                    &push(at, &f.wire_name),
                    format!(
                        "required property `{}` of {} is missing",
                        f.wire_name, m.name
                    ),
                    f.source.as_ref().or(m.source.as_ref()),
                ),
                None => {}
            }
            if let Some(p) = &f.presence {
                self.presence(f, p, obj, at);
            }
        }
        for key in obj.keys() {
            if m.field(key).is_none() {
                self.push(
                    "schema.undocumented-property",
                    Severity::Warning,
                    &push(at, key),
                    format!("`{key}` is not a documented property of {}", m.name),
                    m.source.as_ref(),
                );
            }
        }
        if let Some(rule) = &m.outcome {
            self.outcome(rule, obj, at);
        }
        for inv in &m.invariants {
            self.invariant(inv, instance, at);
        }
    }

    fn presence(&mut self, f: &Field, p: &Presence, obj: &Map<String, Value>, at: &str) {
        let Some(status) = obj.get(&p.status_field).and_then(Value::as_str) else {
            return;
        };
        let present = obj.get(&f.wire_name).is_some_and(|v| !v.is_null());
        let pointer = push(at, &f.wire_name);
        if !present && p.required_when.iter().any(|s| s == status) {
            self.push(
                "state.conditional-presence",
                Severity::Error,
                &pointer,
                format!(
                    "`{}` must be present when {} is {status}",
                    f.wire_name, p.status_field
                ),
                p.source.as_ref(),
            );
        }
        if present && p.absent_when.iter().any(|s| s == status) {
            self.push(
                "state.conditional-presence",
                Severity::Error,
                &pointer,
                format!(
                    "`{}` must be absent when {} is {status}",
                    f.wire_name, p.status_field
                ),
                p.source.as_ref(),
            );
        }
    }

    fn outcome(&mut self, rule: &OutcomeRule, obj: &Map<String, Value>, at: &str) {
        let Some(status) = obj.get(&rule.status_field).and_then(Value::as_str) else {
            return;
        };
        let outcome = obj.get(&rule.outcome_field).and_then(Value::as_str);
        let pointer = push(at, &rule.outcome_field);
        match (rule.map.get(status), outcome) {
            (None, Some(o)) => self.push(
                "state.status-outcome",
                Severity::Error,
                &pointer,
                format!("`{}` is {o} while {} is {status}, which is not terminal: the outcome must be absent before a terminal status", rule.outcome_field, rule.status_field),
                rule.source.as_ref(),
            ),
            (Some(expected), Some(o)) if expected != o => self.push(
                "state.status-outcome",
                Severity::Error,
                &pointer,
                format!("`{}` is {o} but {} {status} implies {expected}", rule.outcome_field, rule.status_field),
                rule.source.as_ref(),
            ),
            _ => {}
        }
    }

    fn invariant(&mut self, inv: &InvariantDef, instance: &Value, at: &str) {
        match expr::evaluate(&inv.expr, instance) {
            Evaluation::Holds | Evaluation::NotApplicable { .. } => {}
            Evaluation::Violated(v) => {
                let mut pointers = v.operands.iter().map(|o| format!("{at}{}", o.pointer));
                let first = pointers.next().unwrap_or_else(|| at.to_owned());
                let related = pointers.collect();
                self.findings.push(Finding {
                    rule: inv.id.clone(),
                    severity: Severity::Error,
                    pointer: first,
                    message: v.message,
                    source: inv.source.clone(),
                    related,
                });
            }
            Evaluation::Error(e) => self.push(
                inv.id.clone(),
                Severity::Error,
                &format!("{at}{}", e.pointer.unwrap_or_default()),
                format!("`{}` cannot be evaluated: {}", inv.expr, e.message),
                inv.source.as_ref(),
            ),
        }
    }
}

fn quoted(values: &[String]) -> String {
    values
        .iter()
        .map(|v| format!("`{v}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn shorten(s: &str) -> String {
    if s.chars().count() > 80 {
        format!("{}…", s.chars().take(80).collect::<String>())
    } else {
        s.to_owned()
    }
}

/// Parses an RFC 3339 timestamp into Unix milliseconds.
pub fn parse_rfc3339(s: &str) -> Option<i128> {
    let t = time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok()?;
    Some(t.unix_timestamp_nanos() / 1_000_000)
}
