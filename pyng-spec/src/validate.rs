//! Checks one JSON body against a spec type: the per-response rules (schema,
//! conditional presence, status/outcome, amount invariants). Used by the linter on
//! the specs' examples and by the conformance engine on recorded traffic, so both
//! agree by construction.
//!
//! Two validators share the rules in `rules`: [`validate`] walks a parsed
//! `serde_json::Value` (the reference), and [`stream`] checks the body text while
//! deserializing it, without building the document. A differential test keeps
//! them in agreement finding for finding.

pub(crate) mod order;
mod rules;
pub mod stream;
pub mod text;

use serde_json::{Map, Value};

use crate::diag::Severity;
use crate::ir::*;
use crate::pointer::push;
use order::{FieldRule, Phase};
use rules::Issue;

pub(crate) use rules::exact as exact_number;
pub use rules::parse_rfc3339;
pub(crate) use rules::shown as shown_value;

/// One rule broken by a body.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// Stable rule id, `category.name`.
    pub rule: String,
    /// The rule's registered severity.
    pub severity: Severity,
    /// RFC 6901 pointer into the body at the offending value.
    pub pointer: String,
    /// What is wrong, for humans.
    pub message: String,
    /// The spec fact the rule comes from.
    pub source: Option<Source>,
    /// Further pointers involved (e.g. the operands of an invariant).
    pub related: Vec<String>,
}

/// Which way a body travels: the rules of `readOnly`, `writeOnly` and
/// `required` depend on it (OAS 3.0.3 § Schema Object).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// A response body: a `writeOnly` property is refused, and `required`
    /// does not apply to it.
    Response,
    /// A request body: a `readOnly` property is refused, and `required`
    /// does not apply to it.
    Request,
}

/// Validates `body` as an instance of `ty` in a response.
pub fn validate(spec: &Spec, ty: &Type, body: &Value) -> Vec<Finding> {
    validate_in(spec, ty, body, Direction::Response)
}

/// Validates `body` as an instance of `ty` in a body going `direction`: the
/// conformance engine checks request bodies with [`Direction::Request`].
pub fn validate_in(spec: &Spec, ty: &Type, body: &Value, direction: Direction) -> Vec<Finding> {
    let mut v = Validator {
        spec,
        direction,
        findings: Vec::new(),
        issues: Vec::new(),
    };
    v.value(ty, body, "", None);
    v.findings
}

/// Validates `value` as a value of field `f` (its type and its constraints), as
/// the field's own schema says: for a property's `default`.
pub(crate) fn validate_field(spec: &Spec, f: &Field, value: &Value) -> Vec<Finding> {
    let mut v = Validator {
        spec,
        direction: Direction::Response,
        findings: Vec::new(),
        issues: Vec::new(),
    };
    v.value(&f.ty, value, "", Some(f));
    v.findings
}

/// Validates a value that arrives as one text in the `simple` style (a
/// header's, a path parameter's), of type `ty` with the `constraints` of its
/// schema: split as [`text::simple_items`] says, read as [`text::from_texts`]
/// says, then checked as a property of that schema would be.
pub fn validate_text(
    spec: &Spec,
    ty: &Type,
    constraints: &Constraints,
    text: &str,
) -> Vec<Finding> {
    validate_texts(
        spec,
        ty,
        constraints,
        &text::simple_items(&spec.shape(ty), text),
    )
}

/// Validates the values of one repeated key (a query parameter's), read as
/// [`text::from_texts`] says, like [`validate_text`].
pub fn validate_texts(
    spec: &Spec,
    ty: &Type,
    constraints: &Constraints,
    texts: &[&str],
) -> Vec<Finding> {
    validate_texts_as(spec, &TextField::new(spec, ty, constraints), texts)
}

/// A text value's type and constraints as the validator reads them (a
/// parameter's, a header's): prepared once by a consumer that checks many
/// values of it ([`validate_texts_as`]).
#[derive(Debug, Clone)]
pub struct TextField {
    field: Field,
    /// The type's shape, which the text is read as.
    shape: Type,
}

impl TextField {
    /// The field a text of type `ty` with `constraints` is checked as.
    pub fn new(spec: &Spec, ty: &Type, constraints: &Constraints) -> TextField {
        TextField {
            field: text_field(ty, constraints),
            shape: spec.shape(ty),
        }
    }

    /// The type's shape (what [`text::simple_items`] splits by).
    pub fn shape(&self) -> &Type {
        &self.shape
    }
}

/// The findings of one parameter's values as a request sends them: a path
/// segment or a header is one text in the `simple` style, a query array with
/// a delimiter (`explode: false`, `spaceDelimited`, `pipeDelimited`) one
/// joined text, any other query parameter its repeated values. `field` is
/// the parameter's [`TextField`]. The checker and the sandbox both read
/// parameters through it, so they agree on what a value means.
pub fn validate_param(
    spec: &Spec,
    param: &crate::ir::Param,
    field: &TextField,
    values: &[&str],
) -> Vec<Finding> {
    use crate::ir::ParamLocation;
    match (param.location, values, param.delimiter) {
        (ParamLocation::Path | ParamLocation::Header, [one], _) => {
            validate_texts_as(spec, field, &text::simple_items(field.shape(), one))
        }
        (ParamLocation::Query, [joined], Some(delimiter)) => {
            let items: Vec<&str> = joined.split(delimiter).collect();
            validate_texts_as(spec, field, &items)
        }
        _ => validate_texts_as(spec, field, values),
    }
}

/// Why `values` (one parameter's, as a request sends them) are not written
/// the way the spec says, if they are not: an array joined by a delimiter
/// (`explode: false`, `spaceDelimited`, `pipeDelimited`) is one value, so
/// its key sent more than once is the other serialisation. (Each value is
/// still checked as an item by [`validate_param`].)
pub fn param_serialization_problem(param: &crate::ir::Param, values: &[&str]) -> Option<String> {
    let delimiter = param.delimiter?;
    (values.len() > 1).then(|| {
        format!(
            "`{}` is sent as {} repeated keys; the spec documents one value, its items joined by `{delimiter}`",
            param.name,
            values.len()
        )
    })
}

/// [`validate_texts`] with the field prepared.
pub fn validate_texts_as(spec: &Spec, field: &TextField, texts: &[&str]) -> Vec<Finding> {
    let value = text::from_texts(&field.shape, texts);
    let mut v = Validator {
        spec,
        direction: Direction::Request,
        findings: Vec::new(),
        issues: Vec::new(),
    };
    v.value(&field.field.ty, &value, "", Some(&field.field));
    v.findings
}

pub(crate) fn text_field(ty: &Type, constraints: &Constraints) -> Field {
    Field {
        wire_name: String::new(),
        ty: ty.clone(),
        required: false,
        deprecated: false,
        write_only: false,
        read_only: false,
        request_required: false,
        nullable: false,
        description: None,
        source: None,
        constraints: constraints.clone(),
        stable: false,
        monotonic: false,
        presence: None,
        example: None,
        default: None,
        pointer: String::new(),
    }
}

/// The `oneOf`/`anyOf`/`not` of field `f` that apply to `value` of type `ty`:
/// a `null` where the schema has a `type` is its `nullable`'s to judge.
pub(crate) fn composed<'f>(f: &'f Field, typeless: bool, value: &Value) -> Option<&'f Composition> {
    let c = f.constraints.composition.as_deref()?;
    (!value.is_null() || typeless).then_some(c)
}

/// The first error of `value` as an instance of composition member
/// `member`: `None` when it matches.
pub(crate) fn first_error(
    spec: &Spec,
    member: &Type,
    value: &Value,
    direction: Direction,
) -> Option<Finding> {
    validate_in(spec, member, value, direction)
        .into_iter()
        .find(|f| f.severity == Severity::Error)
}

struct Validator<'a> {
    spec: &'a Spec,
    direction: Direction,
    findings: Vec<Finding>,
    /// Scratch for the rules that may report several issues at once.
    issues: Vec<Issue<'a>>,
}

/// The JSON type name used in messages.
pub fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) => rules::number_type(n),
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

impl<'a> Validator<'a> {
    fn place(&mut self, issue: Option<Issue<'_>>, at: &str) {
        if let Some(i) = issue {
            self.findings.push(i.place(at));
        }
    }

    fn place_all(&mut self, at: &str) {
        for i in self.issues.drain(..) {
            self.findings.push(i.place(at));
        }
    }

    fn value(&mut self, ty: &'a Type, value: &Value, at: &str, field: Option<&'a Field>) {
        // An array's items with constraints: checked as a property of that
        // schema (its `nullable`, its constraints), `null` included.
        if let Type::Named(name) = ty
            && let Some(c) = self.spec.constrained(name)
        {
            return self.value(&c.field.ty, value, at, Some(&c.field));
        }
        self.own_value(ty, value, at, field);
        // After everything inside the value, as the streaming validator
        // orders it (`Step::Composition`).
        if let Some(f) = field
            && let Some(c) = composed(f, *ty == Type::Any, value)
        {
            let (spec, direction) = (self.spec, self.direction);
            let check = |member: &Type| first_error(spec, member, value, direction);
            rules::composition(c, value, check, f.source.as_ref(), &mut self.issues);
            self.place_all(at);
        }
    }

    /// [`Self::value`] without `oneOf`, `anyOf` and `not`.
    fn own_value(&mut self, ty: &'a Type, value: &Value, at: &str, field: Option<&'a Field>) {
        let source = field.and_then(|f| f.source.as_ref());
        if value.is_null() {
            if *ty == Type::Any {
                // OAS 3.0.3: without `type` every JSON value is of the type,
                // `null` too; only an `enum` that does not list it refuses it.
                rules::listed(
                    value,
                    field.map(|f| &f.constraints),
                    source,
                    &mut self.issues,
                );
                self.place_all(at);
            } else {
                self.place(rules::null(field), at);
            }
            return;
        }
        let constraints = field.map(|f| &f.constraints);
        let type_error = |expected| Some(rules::type_error(expected, json_type(value), source));
        match ty {
            Type::Any => {
                rules::typeless(
                    &self.spec.patterns,
                    value,
                    constraints,
                    source,
                    &mut self.issues,
                );
                self.place_all(at);
            }
            Type::String => match value.as_str() {
                Some(s) => {
                    rules::string(
                        &self.spec.patterns,
                        s,
                        constraints,
                        source,
                        &mut self.issues,
                    );
                    self.place_all(at);
                }
                None => self.place(type_error("string"), at),
            },
            Type::Integer => match value {
                Value::Number(n) => {
                    rules::integer(n, constraints, source, &mut self.issues);
                    rules::listed(value, constraints, source, &mut self.issues);
                    self.place_all(at);
                }
                _ => self.place(type_error("integer"), at),
            },
            Type::Number => match value {
                Value::Number(n) => {
                    rules::number(n, constraints, source, &mut self.issues);
                    rules::listed(value, constraints, source, &mut self.issues);
                    self.place_all(at);
                }
                _ => self.place(type_error("number"), at),
            },
            Type::Boolean if !value.is_boolean() => self.place(type_error("boolean"), at),
            Type::Boolean => {
                rules::listed(value, constraints, source, &mut self.issues);
                self.place_all(at);
            }
            Type::Array(item) => match value.as_array() {
                Some(items) => {
                    // Before the items' own findings, as the streaming
                    // validator orders them (it counts at the end).
                    rules::items(items.len(), constraints, source, &mut self.issues);
                    rules::unique_items(items, constraints, source, &mut self.issues);
                    self.place_all(at);
                    for (i, v) in items.iter().enumerate() {
                        self.value(item, v, &push(at, &i.to_string()), None);
                    }
                }
                None => self.place(type_error("array"), at),
            },
            Type::Named(name) => match self.spec.types.get(name) {
                Some(TypeDef::Enum(e)) => {
                    let issue = match value.as_str() {
                        Some(s) => rules::enum_value(e, s),
                        None => Some(rules::type_error(
                            "string",
                            json_type(value),
                            e.source.as_ref(),
                        )),
                    };
                    self.place(issue, at);
                }
                Some(TypeDef::Model(m)) => match value.as_object() {
                    Some(obj) => self.model(m, obj, value, at),
                    None => {
                        let issue =
                            rules::type_error("object", json_type(value), m.source.as_ref());
                        self.place(Some(issue), at);
                    }
                },
                // Constrained types are read above.
                Some(TypeDef::Constrained(_)) | None => {}
            },
        }
    }

    fn model(&mut self, m: &'a Model, obj: &Map<String, Value>, instance: &Value, at: &str) {
        let status = |field: &str| obj.get(field).and_then(Value::as_str);
        let direction = self.direction;
        let required = move |f: &Field| match direction {
            Direction::Response => f.required,
            Direction::Request => f.request_required,
        };
        for phase in order::phases_in(m, self.direction) {
            match phase {
                Phase::Field { index, rule } => {
                    let Some(f) = m.fields.get(index) else {
                        continue;
                    };
                    let value = obj.get(&f.wire_name);
                    match (rule, value) {
                        (FieldRule::Value, Some(v)) => {
                            self.value(&f.ty, v, &push(at, &f.wire_name), Some(f));
                        }
                        (FieldRule::Value, None) if required(f) => {
                            self.place(Some(rules::required(m, f)), at);
                        }
                        (FieldRule::Value, None) => {}
                        (FieldRule::Marked, Some(v)) if !v.is_null() => {
                            rules::marked(m, f, self.direction, &mut self.issues);
                            self.place_all(&push(at, &f.wire_name));
                        }
                        (FieldRule::Marked, _) => {}
                        (FieldRule::Presence, _) => {
                            if let Some(p) = &f.presence {
                                let present = value.is_some_and(|v| !v.is_null());
                                let s = status(&p.status_field);
                                rules::presence(f, p, s, present, &mut self.issues);
                                self.place_all(at);
                            }
                        }
                    }
                }
                Phase::Undocumented => {
                    for (key, v) in obj {
                        if m.field(key).is_some() {
                            continue;
                        }
                        match m.map_values() {
                            Some(values) => self.value(&values.ty, v, &push(at, key), Some(values)),
                            None => self.place(rules::undocumented(m, key), at),
                        }
                    }
                    rules::property_count(m, obj.len(), &mut self.issues);
                    self.place_all(at);
                }
                Phase::Outcome => {
                    if let Some(rule) = &m.outcome {
                        let issue = rules::outcome(
                            rule,
                            status(&rule.status_field),
                            status(&rule.outcome_field),
                        );
                        self.place(issue, at);
                    }
                }
                Phase::Invariant(i) => {
                    if let Some(inv) = m.invariants.get(i) {
                        self.place(rules::invariant(inv, instance), at);
                    }
                }
            }
        }
    }
}
