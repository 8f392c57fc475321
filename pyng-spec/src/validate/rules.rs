//! The per-body rules as pure functions over the facts they need (a string, a
//! number, whether a field is present...), shared by the DOM validator
//! ([`super::validate`]) and the streaming one ([`super::stream`]), so both
//! produce the same rule ids, severities and messages by construction. They
//! return [`Issue`]s without a pointer: each validator knows where it is and
//! builds the pointer only when there is an issue.

use std::collections::BTreeMap;

use serde_json::{Number, Value};

use crate::diag::Severity;
use crate::expr::{self, Evaluation};
use crate::ir::*;
use crate::pointer::push;

/// A broken rule, relative to the value (or model instance) it was found at.
#[derive(Debug)]
pub(crate) struct Issue<'a> {
    pub rule: &'a str,
    pub severity: Severity,
    pub message: String,
    pub source: Option<&'a Source>,
    pub at: Rel<'a>,
    /// Further pointers, relative like [`Rel::Suffix`].
    pub related: Vec<String>,
}

/// Where an issue points, relative to the value being checked.
#[derive(Debug)]
pub(crate) enum Rel<'a> {
    Here,
    /// A property of the object (escaped when placed).
    Key(&'a str),
    /// An already-escaped pointer suffix (from the invariant evaluator).
    Suffix(String),
}

impl Issue<'_> {
    fn new<'a>(
        rule: &'a str,
        severity: Severity,
        at: Rel<'a>,
        message: String,
        source: Option<&'a Source>,
    ) -> Issue<'a> {
        Issue {
            rule,
            severity,
            message,
            source,
            at,
            related: Vec::new(),
        }
    }

    /// The finding, given the pointer of the value the issue is relative to.
    pub fn place(self, at: &str) -> super::Finding {
        let pointer = match self.at {
            Rel::Here => at.to_owned(),
            Rel::Key(k) => push(at, k),
            Rel::Suffix(s) => format!("{at}{s}"),
        };
        super::Finding {
            rule: self.rule.to_owned(),
            severity: self.severity,
            pointer,
            message: self.message,
            source: self.source.cloned(),
            related: self.related.iter().map(|r| format!("{at}{r}")).collect(),
        }
    }
}

const ERR: Severity = Severity::Error;

/// A `null` where `field` (none for an array item or the body) is not nullable.
pub(crate) fn null(field: Option<&Field>) -> Option<Issue<'_>> {
    (!field.is_some_and(|f| f.nullable)).then(|| {
        Issue::new(
            "schema.nullable",
            ERR,
            Rel::Here,
            "null is not allowed here (the schema is not nullable)".into(),
            field.and_then(|f| f.source.as_ref()),
        )
    })
}

/// The JSON type name of a number, as [`super::json_type`] gives it.
pub(crate) fn number_type(n: &Number) -> &'static str {
    if n.is_f64() { "number" } else { "integer" }
}

pub(crate) fn type_error<'a>(expected: &str, found: &str, source: Option<&'a Source>) -> Issue<'a> {
    Issue::new(
        "schema.type",
        ERR,
        Rel::Here,
        format!("expected {expected}, found {found}"),
        source,
    )
}

pub(crate) fn string<'a>(
    patterns: &BTreeMap<String, regex::Regex>,
    s: &str,
    c: Option<&'a Constraints>,
    source: Option<&'a Source>,
    out: &mut Vec<Issue<'a>>,
) {
    let Some(c) = c else { return };
    if !c.allowed.is_empty() && !c.allowed.iter().any(|a| a == s) {
        out.push(Issue::new(
            "schema.enum",
            ERR,
            Rel::Here,
            format!("`{s}` is not one of {}", quoted(&c.allowed)),
            source,
        ));
    }
    if let Some(pattern) = &c.pattern
        && let Some(re) = patterns.get(pattern)
        && !re.is_match(s)
    {
        out.push(Issue::new(
            "schema.pattern",
            ERR,
            Rel::Here,
            format!("`{}` does not match the pattern `{pattern}`", shorten(s)),
            source,
        ));
    }
    if c.unit == Some(Unit::Rfc3339) && parse_rfc3339(s).is_none() {
        out.push(Issue::new(
            "schema.timestamp-format",
            Severity::Warning,
            Rel::Here,
            format!(
                "`{}` is not an RFC 3339 timestamp (the format the spec assumes)",
                shorten(s)
            ),
            source,
        ));
    }
}

/// A number where the schema says integer.
pub(crate) fn integer<'a>(
    n: &Number,
    c: Option<&'a Constraints>,
    source: Option<&'a Source>,
    out: &mut Vec<Issue<'a>>,
) {
    let Some(i) = n.as_i64() else {
        let (rule, message) = if n.is_u64() {
            ("schema.format", format!("{n} is out of the int64 range"))
        } else if let Some(big) = n
            .as_f64()
            .filter(|f| f.fract() == 0.0 && f.abs() >= 2f64.powi(63))
        {
            // An integer literal beyond 64 bits is read as the nearest double:
            // it is an integer, out of range, not a value of another type.
            let shown = if big.abs() < 1e21 {
                format!("{big:.0}")
            } else {
                n.to_string()
            };
            (
                "schema.format",
                format!(
                    "{shown} is out of the int64 range (an integer this large is read only approximately)"
                ),
            )
        } else {
            ("schema.type", format!("expected integer, found {n}"))
        };
        out.push(Issue::new(rule, ERR, Rel::Here, message, source));
        return;
    };
    let Some(c) = c else { return };
    if let Some(min) = c.minimum
        && i < min
    {
        out.push(Issue::new(
            "schema.minimum",
            ERR,
            Rel::Here,
            format!("{i} is less than the minimum {min}"),
            source,
        ));
    }
    if let Some(max) = c.maximum
        && i > max
    {
        out.push(Issue::new(
            "schema.maximum",
            ERR,
            Rel::Here,
            format!("{i} is greater than the maximum {max}"),
            source,
        ));
    }
    if c.format.as_deref() == Some("int32") && i32::try_from(i).is_err() {
        out.push(Issue::new(
            "schema.format",
            ERR,
            Rel::Here,
            format!("{i} is out of the int32 range"),
            source,
        ));
    }
}

/// A string value of a named enum.
pub(crate) fn enum_value<'a>(e: &'a EnumDef, s: &str) -> Option<Issue<'a>> {
    if e.values.iter().any(|v| v == s) {
        return None;
    }
    let hint = e
        .values
        .iter()
        .find(|v| v.eq_ignore_ascii_case(s))
        .map(|v| format!(" (values are case-sensitive: did you mean `{v}`?)"))
        .unwrap_or_default();
    Some(Issue::new(
        "schema.enum",
        ERR,
        Rel::Here,
        format!(
            "`{s}` is not a documented {} value; expected one of {}{hint}",
            e.name,
            quoted(&e.values)
        ),
        e.source.as_ref(),
    ))
}

/// A required field missing from an instance of `m`.
pub(crate) fn required<'a>(m: &'a Model, f: &'a Field) -> Issue<'a> {
    Issue::new(
        "schema.required",
        ERR,
        Rel::Key(&f.wire_name),
        format!(
            "required property `{}` of {} is missing",
            f.wire_name, m.name
        ),
        f.source.as_ref().or(m.source.as_ref()),
    )
}

/// `x-presence` of `f`, given the status field's value (when a string) and
/// whether `f` is present and not null.
pub(crate) fn presence<'a>(
    f: &'a Field,
    p: &'a Presence,
    status: Option<&str>,
    present: bool,
    out: &mut Vec<Issue<'a>>,
) {
    let Some(status) = status else { return };
    if !present && p.required_when.iter().any(|s| s == status) {
        out.push(Issue::new(
            "state.conditional-presence",
            ERR,
            Rel::Key(&f.wire_name),
            format!(
                "`{}` must be present when {} is {status}",
                f.wire_name, p.status_field
            ),
            p.source.as_ref(),
        ));
    }
    if present && p.absent_when.iter().any(|s| s == status) {
        out.push(Issue::new(
            "state.conditional-presence",
            ERR,
            Rel::Key(&f.wire_name),
            format!(
                "`{}` must be absent when {} is {status}",
                f.wire_name, p.status_field
            ),
            p.source.as_ref(),
        ));
    }
}

pub(crate) fn undocumented<'a>(m: &'a Model, key: &'a str) -> Issue<'a> {
    Issue::new(
        "schema.undocumented-property",
        Severity::Warning,
        Rel::Key(key),
        format!("`{key}` is not a documented property of {}", m.name),
        m.source.as_ref(),
    )
}

/// `x-outcome`, given the status and outcome fields' values (when strings).
pub(crate) fn outcome<'a>(
    rule: &'a OutcomeRule,
    status: Option<&str>,
    outcome: Option<&str>,
) -> Option<Issue<'a>> {
    let status = status?;
    let at = Rel::Key(&rule.outcome_field);
    let message = match (rule.map.get(status), outcome) {
        (None, Some(o)) => format!(
            "`{}` is {o} while {} is {status}, which is not terminal: the outcome must be absent before a terminal status",
            rule.outcome_field, rule.status_field
        ),
        (Some(expected), Some(o)) if expected != o => format!(
            "`{}` is {o} but {} {status} implies {expected}",
            rule.outcome_field, rule.status_field
        ),
        _ => return None,
    };
    Some(Issue::new(
        "state.status-outcome",
        ERR,
        at,
        message,
        rule.source.as_ref(),
    ))
}

/// One `x-invariants` entry on a model instance (the whole instance, or any
/// value holding at least the fields the invariant reads).
pub(crate) fn invariant<'a>(inv: &'a InvariantDef, instance: &Value) -> Option<Issue<'a>> {
    match expr::evaluate(&inv.expr, instance) {
        Evaluation::Holds | Evaluation::NotApplicable { .. } => None,
        Evaluation::Violated(v) => {
            let mut pointers = v.operands.into_iter().map(|o| o.pointer);
            let first = pointers.next().map_or(Rel::Here, Rel::Suffix);
            let mut issue = Issue::new(&inv.id, ERR, first, v.message, inv.source.as_ref());
            issue.related = pointers.collect();
            Some(issue)
        }
        Evaluation::Error(e) => Some(Issue::new(
            &inv.id,
            ERR,
            Rel::Suffix(e.pointer.unwrap_or_default()),
            format!("`{}` cannot be evaluated: {}", inv.expr, e.message),
            inv.source.as_ref(),
        )),
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
