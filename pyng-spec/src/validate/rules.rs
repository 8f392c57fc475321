//! The per-body rules as pure functions over the facts they need (a string, a
//! number, whether a field is present...), shared by the DOM validator
//! ([`super::validate`]) and the streaming one ([`super::stream`]), so both
//! produce the same rule ids, severities and messages by construction. Ids,
//! severities and message templates come from [`crate::registry`]. The rules
//! return [`Issue`]s without a pointer: each validator knows where it is and
//! builds the pointer only when there is an issue.

use std::collections::BTreeMap;

use serde_json::{Number, Value};

use crate::decimal::Decimal;
use crate::expr::{self, Evaluation};
use crate::ir::*;
use crate::pointer::push;
use crate::registry::messages as msg;
use crate::registry::{Message, RuleRef};

/// A broken rule, relative to the value (or model instance) it was found at.
#[derive(Debug)]
pub(crate) struct Issue<'a> {
    pub rule: RuleRef<'a>,
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
        rule: RuleRef<'a>,
        at: Rel<'a>,
        message: String,
        source: Option<&'a Source>,
    ) -> Issue<'a> {
        Issue {
            rule,
            message,
            source,
            at,
            related: Vec::new(),
        }
    }

    /// An issue of a fixed rule, worded by `message`.
    fn of<'a>(
        message: Message,
        at: Rel<'a>,
        args: &[(&str, &dyn std::fmt::Display)],
        source: Option<&'a Source>,
    ) -> Issue<'a> {
        let text = message.template.render(args);
        Issue::new(RuleRef::Fixed(message.rule), at, text, source)
    }

    /// The finding, given the pointer of the value the issue is relative to.
    pub(super) fn place(self, at: &str) -> super::Finding {
        let pointer = match self.at {
            Rel::Here => at.to_owned(),
            Rel::Key(k) => push(at, k),
            Rel::Suffix(s) => format!("{at}{s}"),
        };
        super::Finding {
            rule: self.rule.name().to_owned(),
            severity: self.rule.severity(),
            pointer,
            message: self.message,
            source: self.source.cloned(),
            related: self.related.iter().map(|r| format!("{at}{r}")).collect(),
        }
    }
}

/// A `null` where `field` (none for an array item or the body) is not nullable.
pub(crate) fn null(field: Option<&Field>) -> Option<Issue<'_>> {
    (!field.is_some_and(|f| f.nullable)).then(|| {
        Issue::of(
            msg::NULL,
            Rel::Here,
            &[],
            field.and_then(|f| f.source.as_ref()),
        )
    })
}

/// The JSON type name of a number, as [`super::json_type`] gives it.
pub(crate) fn number_type(n: &Number) -> &'static str {
    if n.is_f64() { "number" } else { "integer" }
}

pub(crate) fn type_error<'a>(expected: &str, found: &str, source: Option<&'a Source>) -> Issue<'a> {
    Issue::of(
        msg::TYPE,
        Rel::Here,
        &[("expected", &expected), ("found", &found)],
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
        let allowed = quoted(&c.allowed);
        out.push(Issue::of(
            msg::NOT_ALLOWED,
            Rel::Here,
            &[("value", &s), ("allowed", &allowed)],
            source,
        ));
    }
    length(s, c, source, out);
    string_format(s, c, source, out);
    if let Some(pattern) = &c.pattern
        && let Some(re) = patterns.get(pattern)
        && !re.is_match(s)
    {
        out.push(Issue::of(
            msg::PATTERN,
            Rel::Here,
            &[("value", &shorten(s)), ("pattern", pattern)],
            source,
        ));
    }
    if c.unit == Some(Unit::Rfc3339) && parse_rfc3339(s).is_none() {
        out.push(Issue::of(
            msg::TIMESTAMP,
            Rel::Here,
            &[("value", &shorten(s))],
            source,
        ));
    }
}

/// A string `format` the kit checks ([`crate::formats`]); an annotation
/// (`binary`, `password`) or an unknown format (a lint warning) has no check.
fn string_format<'a>(
    s: &str,
    c: &Constraints,
    source: Option<&'a Source>,
    out: &mut Vec<Issue<'a>>,
) {
    let Some(format) = c.format.as_deref() else {
        return;
    };
    if crate::formats::matches(format, s) == Some(false) {
        let expected = crate::formats::describe(format).unwrap_or_default();
        out.push(Issue::of(
            msg::STRING_FORMAT,
            Rel::Here,
            &[("format", &format), ("expected", &expected)],
            source,
        ));
    }
}

/// `minLength` and `maxLength`, counted in Unicode code points (JSON Schema's
/// "characters"), not bytes or UTF-16 units.
fn length<'a>(s: &str, c: &Constraints, source: Option<&'a Source>, out: &mut Vec<Issue<'a>>) {
    if c.min_length.is_none() && c.max_length.is_none() {
        return;
    }
    let length = s.chars().count() as u64;
    if let Some(min) = c.min_length
        && length < min
    {
        out.push(Issue::of(
            msg::MIN_LENGTH,
            Rel::Here,
            &[("length", &length), ("min_length", &min)],
            source,
        ));
    }
    if let Some(max) = c.max_length
        && length > max
    {
        out.push(Issue::of(
            msg::MAX_LENGTH,
            Rel::Here,
            &[("length", &length), ("max_length", &max)],
            source,
        ));
    }
}

/// `minItems` and `maxItems` of an array of `count` items.
pub(crate) fn items<'a>(
    count: usize,
    c: Option<&'a Constraints>,
    source: Option<&'a Source>,
    out: &mut Vec<Issue<'a>>,
) {
    let Some(c) = c else { return };
    let count = count as u64;
    if let Some(min) = c.min_items
        && count < min
    {
        out.push(Issue::of(
            msg::MIN_ITEMS,
            Rel::Here,
            &[("count", &count), ("min_items", &min)],
            source,
        ));
    }
    if let Some(max) = c.max_items
        && count > max
    {
        out.push(Issue::of(
            msg::MAX_ITEMS,
            Rel::Here,
            &[("count", &count), ("max_items", &max)],
            source,
        ));
    }
}

/// `minProperties`/`maxProperties` of a model, given the number of distinct
/// properties the object has.
pub(crate) fn property_count<'a>(m: &'a Model, count: usize, out: &mut Vec<Issue<'a>>) {
    let count = count as u64;
    if let Some(min) = m.min_properties
        && count < min
    {
        out.push(Issue::of(
            msg::MIN_PROPERTIES,
            Rel::Here,
            &[("count", &count), ("min_properties", &min)],
            m.source.as_ref(),
        ));
    }
    if let Some(max) = m.max_properties
        && count > max
    {
        out.push(Issue::of(
            msg::MAX_PROPERTIES,
            Rel::Here,
            &[("count", &count), ("max_properties", &max)],
            m.source.as_ref(),
        ));
    }
}

/// `uniqueItems: true`: the first item JSON-equal to an earlier one.
pub(crate) fn unique_items<'a, 'v>(
    items: impl IntoIterator<Item = &'v serde_json::Value>,
    c: Option<&'a Constraints>,
    source: Option<&'a Source>,
    out: &mut Vec<Issue<'a>>,
) {
    if !c.is_some_and(|c| c.unique_items) {
        return;
    }
    if let Some((first, second)) = crate::json_equality::first_duplicate(items) {
        out.push(Issue::of(
            msg::UNIQUE_ITEMS,
            Rel::Here,
            &[("first", &first), ("second", &second)],
            source,
        ));
    }
}

/// A number where the schema says `number`: its `format` (`float`: at most
/// `f32::MAX` in magnitude; `double`: every number the parser reads is one).
/// The comparison is on the parsed `f64`, which is the literal correctly
/// rounded: a literal within half an `f64` step above `f32::MAX` rounds to it
/// and passes (a bound of the parser, documented in specs/README.md).
pub(crate) fn number<'a>(
    n: &Number,
    c: Option<&'a Constraints>,
    source: Option<&'a Source>,
    out: &mut Vec<Issue<'a>>,
) {
    let Some(c) = c else { return };
    if c.format.as_deref() == Some("float")
        && n.as_f64().is_some_and(|v| v.abs() > f64::from(f32::MAX))
    {
        out.push(Issue::of(msg::FLOAT_RANGE, Rel::Here, &[], source));
    }
    let bounded =
        c.number_minimum.is_some() || c.number_maximum.is_some() || c.number_multiple_of.is_some();
    if let Some(value) = bounded.then(|| exact(n)).flatten() {
        number_bounds(value, c, source, out);
    }
}

/// The decimal a JSON number reads as ([`crate::decimal`]): an integer within
/// 64 bits exactly, any other number as its double's shortest decimal.
pub(crate) fn exact(n: &Number) -> Option<Decimal> {
    if let Some(i) = n.as_i64() {
        return Some(Decimal::from_i128(i128::from(i)));
    }
    if let Some(u) = n.as_u64() {
        return Some(Decimal::from_i128(i128::from(u)));
    }
    n.as_f64().and_then(Decimal::from_f64)
}

/// `minimum`/`maximum` (exclusive or not) and `multipleOf` of a number,
/// compared as exact decimals.
fn number_bounds<'a>(
    value: Decimal,
    c: &'a Constraints,
    source: Option<&'a Source>,
    out: &mut Vec<Issue<'a>>,
) {
    if let Some(min) = c.number_minimum {
        let (below, message) = if c.exclusive_minimum {
            (value <= min, msg::EXCLUSIVE_MINIMUM)
        } else {
            (value < min, msg::MINIMUM)
        };
        if below {
            out.push(Issue::of(
                message,
                Rel::Here,
                &[("value", &value), ("minimum", &min)],
                source,
            ));
        }
    }
    if let Some(max) = c.number_maximum {
        let (above, message) = if c.exclusive_maximum {
            (value >= max, msg::EXCLUSIVE_MAXIMUM)
        } else {
            (value > max, msg::MAXIMUM)
        };
        if above {
            out.push(Issue::of(
                message,
                Rel::Here,
                &[("value", &value), ("maximum", &max)],
                source,
            ));
        }
    }
    if let Some(m) = c.number_multiple_of
        && !value.is_multiple_of(m)
    {
        out.push(Issue::of(
            msg::MULTIPLE_OF,
            Rel::Here,
            &[("value", &value), ("multiple_of", &m)],
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
        let issue = if n.is_u64() {
            Issue::of(msg::INT64_RANGE, Rel::Here, &[("value", n)], source)
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
            Issue::of(
                msg::INT64_APPROXIMATE,
                Rel::Here,
                &[("value", &shown)],
                source,
            )
        } else {
            type_error("integer", &n.to_string(), source)
        };
        out.push(issue);
        return;
    };
    let Some(c) = c else { return };
    if let Some(min) = c.minimum {
        let (below, message) = if c.exclusive_minimum {
            (i <= min, msg::EXCLUSIVE_MINIMUM)
        } else {
            (i < min, msg::MINIMUM)
        };
        if below {
            out.push(Issue::of(
                message,
                Rel::Here,
                &[("value", &i), ("minimum", &min)],
                source,
            ));
        }
    }
    if let Some(max) = c.maximum {
        let (above, message) = if c.exclusive_maximum {
            (i >= max, msg::EXCLUSIVE_MAXIMUM)
        } else {
            (i > max, msg::MAXIMUM)
        };
        if above {
            out.push(Issue::of(
                message,
                Rel::Here,
                &[("value", &i), ("maximum", &max)],
                source,
            ));
        }
    }
    // `checked_rem`: `i64::MIN % -1` overflows (the lint keeps `multipleOf` positive).
    if let Some(m) = c.multiple_of
        && i.checked_rem(m).is_some_and(|r| r != 0)
    {
        out.push(Issue::of(
            msg::MULTIPLE_OF,
            Rel::Here,
            &[("value", &i), ("multiple_of", &m)],
            source,
        ));
    }
    if c.format.as_deref() == Some("int32") && i32::try_from(i).is_err() {
        out.push(Issue::of(
            msg::INT32_RANGE,
            Rel::Here,
            &[("value", &i)],
            source,
        ));
    }
}

/// An integer, number or boolean `value` against its schema's `enum`, by
/// JSON equality (`1.0` is the listed `1`).
pub(crate) fn listed<'a>(
    value: &Value,
    c: Option<&'a Constraints>,
    source: Option<&'a Source>,
    out: &mut Vec<Issue<'a>>,
) {
    let Some(c) = c.filter(|c| !c.values.is_empty()) else {
        return;
    };
    let key = crate::json_equality::canonical(value);
    if c.values
        .iter()
        .any(|v| crate::json_equality::canonical(v) == key)
    {
        return;
    }
    let allowed = c
        .values
        .iter()
        .map(|v| format!("`{}`", shown(v)))
        .collect::<Vec<_>>()
        .join(", ");
    out.push(Issue::of(
        msg::NOT_ALLOWED,
        Rel::Here,
        &[("value", &shown(value)), ("allowed", &allowed)],
        source,
    ));
}

/// `oneOf`, `anyOf` and `not` of `value`. `first_error` checks the value
/// against a member: `None` when it matches, else the first error found.
/// A discriminator chooses the member of its list for an object, and that
/// member alone is checked.
pub(crate) fn composition<'a>(
    c: &Composition,
    value: &Value,
    mut first_error: impl FnMut(&Type) -> Option<super::Finding>,
    source: Option<&'a Source>,
    out: &mut Vec<Issue<'a>>,
) {
    // The list a discriminator chose from is not counted again.
    let chosen = match (&c.discriminator, value) {
        (Some(d), Value::Object(object)) => {
            discriminated(c, d, object, &mut first_error, source, out);
            Some(c.discriminated().0)
        }
        _ => None,
    };
    if !c.one_of.is_empty() && chosen != Some("oneOf") {
        let matched = c.one_of.iter().filter(|t| first_error(t).is_none()).count();
        if matched != 1 {
            let count = c.one_of.len();
            out.push(Issue::of(
                msg::ONE_OF,
                Rel::Here,
                &[("matched", &matched), ("count", &count)],
                source,
            ));
        }
    }
    if !c.any_of.is_empty()
        && chosen != Some("anyOf")
        && !c.any_of.iter().any(|t| first_error(t).is_none())
    {
        let count = c.any_of.len();
        out.push(Issue::of(
            msg::ANY_OF,
            Rel::Here,
            &[("count", &count)],
            source,
        ));
    }
    if let Some(not) = &c.not
        && first_error(not).is_none()
    {
        out.push(Issue::of(msg::NOT, Rel::Here, &[], source));
    }
}

/// An object under a discriminator: its tag, and the member the tag selects.
fn discriminated<'a>(
    c: &Composition,
    d: &Discriminator,
    object: &serde_json::Map<String, Value>,
    first_error: &mut impl FnMut(&Type) -> Option<super::Finding>,
    source: Option<&'a Source>,
    out: &mut Vec<Issue<'a>>,
) {
    let (keyword, members) = c.discriminated();
    let property: &dyn std::fmt::Display = &d.property;
    let Some(tag) = object.get(&d.property) else {
        out.push(Issue::of(
            msg::DISCRIMINATOR_MISSING,
            Rel::Here,
            &[("property", property), ("keyword", &keyword)],
            source,
        ));
        return;
    };
    let selected = tag
        .as_str()
        .and_then(|t| d.tags.get(t).map(|&i| (t, i)))
        .and_then(|(t, i)| members.get(i).map(|m| (t, i, m)));
    let Some((tag, index, member)) = selected else {
        let known = quoted(&d.tags.keys().cloned().collect::<Vec<_>>());
        let shown = shorten(&shown(tag));
        let mut issue = Issue::of(
            msg::DISCRIMINATOR_UNKNOWN,
            Rel::Here,
            &[
                ("property", property),
                ("value", &shown),
                ("keyword", &keyword),
                ("known", &known),
            ],
            source,
        );
        issue.at = Rel::Suffix(format!("/{}", crate::pointer::escape(&d.property)));
        out.push(issue);
        return;
    };
    if let Some(error) = first_error(member) {
        let detail = format!("{} ({})", error.message, error.rule);
        let mut issue = Issue::of(
            msg::DISCRIMINATOR_MISMATCH,
            Rel::Here,
            &[
                ("property", property),
                ("tag", &tag),
                ("keyword", &keyword),
                ("index", &index),
                ("detail", &detail),
            ],
            source,
        );
        issue.at = Rel::Suffix(error.pointer);
        out.push(issue);
    }
}

/// A value of a schema without `type`: each keyword checks the values of
/// its own type (JSON Schema's reading), in the order a typed schema's
/// rules come (the value's own, then `enum`). The items of an array are
/// given whole (`uniqueItems` compares them).
pub(crate) fn typeless<'a>(
    patterns: &BTreeMap<String, regex::Regex>,
    value: &Value,
    c: Option<&'a Constraints>,
    source: Option<&'a Source>,
    out: &mut Vec<Issue<'a>>,
) {
    match value {
        Value::String(s) => string(patterns, s, c, source, out),
        Value::Number(n) => number(n, c, source, out),
        Value::Array(items) => {
            self::items(items.len(), c, source, out);
            unique_items(items, c, source, out);
        }
        _ => {}
    }
    listed(value, c, source, out);
}

/// A listed value or a value checked against the list, as messages show it:
/// a non-integer number as its `f64` prints (`1.0` as `1`), which is what a
/// generated model's `Number` displays, so `check()` says the same.
pub(crate) fn shown(value: &Value) -> String {
    match value {
        Value::Number(n) if n.is_f64() => n.as_f64().map(|f| f.to_string()).unwrap_or_default(),
        _ => value.to_string(),
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
        .map(|v| msg::CASE_HINT.template.render(&[("suggestion", v)]))
        .unwrap_or_default();
    let values = quoted(&e.values);
    Some(Issue::of(
        msg::NOT_AN_ENUM_VALUE,
        Rel::Here,
        &[
            ("value", &s),
            ("enum", &e.name),
            ("values", &values),
            ("hint", &hint),
        ],
        e.source.as_ref(),
    ))
}

/// A required field missing from an instance of `m`.
pub(crate) fn required<'a>(m: &'a Model, f: &'a Field) -> Issue<'a> {
    Issue::of(
        msg::REQUIRED,
        Rel::Key(&f.wire_name),
        &[("property", &f.wire_name), ("model", &m.name)],
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
    let args: [(&str, &dyn std::fmt::Display); 3] = [
        ("property", &f.wire_name),
        ("status_field", &p.status_field),
        ("status", &status),
    ];
    let key = || Rel::Key(&f.wire_name);
    if !present && p.required_when.iter().any(|s| s == status) {
        out.push(Issue::of(
            msg::MUST_BE_PRESENT,
            key(),
            &args,
            p.source.as_ref(),
        ));
    }
    if present && p.absent_when.iter().any(|s| s == status) {
        out.push(Issue::of(
            msg::MUST_BE_ABSENT,
            key(),
            &args,
            p.source.as_ref(),
        ));
    }
}

/// `deprecated` and `writeOnly` of a field of `m` that has a value.
pub(crate) fn marked<'a>(
    m: &'a Model,
    f: &'a Field,
    direction: super::Direction,
    out: &mut Vec<Issue<'a>>,
) {
    let args: [(&str, &dyn std::fmt::Display); 2] =
        [("property", &f.wire_name), ("model", &m.name)];
    if f.deprecated {
        out.push(Issue::of(
            msg::DEPRECATED,
            Rel::Here,
            &args,
            f.source.as_ref(),
        ));
    }
    let (flag, message) = match direction {
        super::Direction::Response => (f.write_only, msg::WRITE_ONLY),
        super::Direction::Request => (f.read_only, msg::READ_ONLY),
    };
    if flag {
        out.push(Issue::of(message, Rel::Here, &args, f.source.as_ref()));
    }
}

/// A property `m` does not list: a warning, an error where
/// `additionalProperties: false`, nothing where it is `true` (or a map, whose
/// values are checked against its schema instead).
pub(crate) fn undocumented<'a>(m: &'a Model, key: &'a str) -> Option<Issue<'a>> {
    let message = match m.additional {
        Additional::Undocumented => msg::UNDOCUMENTED,
        Additional::Forbidden => msg::ADDITIONAL,
        Additional::Allowed | Additional::Values(_) => return None,
    };
    Some(Issue::of(
        message,
        Rel::Key(key),
        &[("property", &key), ("model", &m.name)],
        m.source.as_ref(),
    ))
}

/// `x-outcome`, given the status and outcome fields' values (when strings).
pub(crate) fn outcome<'a>(
    rule: &'a OutcomeRule,
    status: Option<&str>,
    outcome: Option<&str>,
) -> Option<Issue<'a>> {
    let (status, outcome) = (status?, outcome?);
    let expected = rule.map.get(status);
    let message = match expected {
        None => msg::OUTCOME_BEFORE_FINAL,
        Some(expected) if expected != outcome => msg::OUTCOME_MISMATCH,
        Some(_) => return None,
    };
    let expected = expected.map_or("", String::as_str);
    Some(Issue::of(
        message,
        Rel::Key(&rule.outcome_field),
        &[
            ("outcome_field", &rule.outcome_field),
            ("outcome", &outcome),
            ("status_field", &rule.status_field),
            ("status", &status),
            ("expected", &expected),
        ],
        rule.source.as_ref(),
    ))
}

/// One `x-invariants` entry on a model instance (the whole instance, or any
/// value holding at least the fields the invariant reads).
pub(crate) fn invariant<I: expr::Instance>(inv: &InvariantDef, instance: I) -> Option<Issue<'_>> {
    let rule = RuleRef::Invariant(&inv.id);
    match expr::evaluate_on(&inv.expr, instance) {
        Evaluation::Holds | Evaluation::NotApplicable { .. } => None,
        Evaluation::Violated(v) => {
            let mut pointers = v.operands.into_iter().map(|o| o.pointer);
            let first = pointers.next().map_or(Rel::Here, Rel::Suffix);
            let mut issue = Issue::new(rule, first, v.message, inv.source.as_ref());
            issue.related = pointers.collect();
            Some(issue)
        }
        Evaluation::Error(e) => {
            let message = msg::INVARIANT_UNEVALUABLE
                .render(&[("invariant", &inv.expr), ("reason", &e.message)]);
            let at = Rel::Suffix(e.pointer.unwrap_or_default());
            Some(Issue::new(rule, at, message, inv.source.as_ref()))
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
