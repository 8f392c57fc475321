//! The intermediate representation: what a spec means, independent of OpenAPI's
//! shape. Every collection is ordered (spec order or `BTreeMap`) so that everything
//! derived from the IR is deterministic.

use std::collections::{BTreeMap, BTreeSet};

use crate::decimal::Decimal;

use crate::expr;
use crate::source_map::SourceMap;

/// Where a fact comes from: a seed document (or reference page) and a section.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Source {
    /// The seed document's file name, or the reference page (e.g. `provider-facts.md`).
    pub document: String,
    /// The section within the document (the part after `#`); `None` for the whole document.
    pub section: Option<String>,
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.section {
            Some(s) => write!(f, "{} § {}", self.document, s),
            None => f.write_str(&self.document),
        }
    }
}

/// One loaded spec file.
#[derive(Debug, Clone)]
pub struct Spec {
    /// The file as given to the loader (used in diagnostics).
    pub file: String,
    /// Stable name derived from the file name, e.g. `transaction_status`.
    pub name: String,
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// `info.description`.
    pub description: Option<String>,
    /// `x-draft`: the contract is a draft and may change.
    pub draft: bool,
    /// `x-source` of `info`.
    pub source: Option<Source>,
    /// The `servers` URLs, in spec order.
    pub servers: Vec<String>,
    /// The path each server puts before the operations' paths (`/v1` of
    /// `https://{host}/v1`), without a trailing `/`, `""` for the root: the
    /// variables of a server substituted by each value of their `enum`, else
    /// by their `default`. `[""]` without `servers` (OpenAPI's default `/`).
    /// Deduplicated, longest first.
    pub base_paths: Vec<String>,
    /// Sorted by operation id.
    pub operations: Vec<Operation>,
    /// Models and enums by name.
    pub types: BTreeMap<String, TypeDef>,
    /// `components.securitySchemes` by name.
    pub security_schemes: BTreeMap<String, SecurityScheme>,
    /// Line and column of every JSON pointer into the spec's file, for diagnostics.
    pub source_map: SourceMap,
    /// Every `pattern` of the spec, compiled once at load.
    pub patterns: BTreeMap<String, regex::Regex>,
}

impl Spec {
    /// The polled operations (those with `x-polling`), in `operationId` order.
    pub fn polled(&self) -> impl Iterator<Item = &Operation> {
        self.operations.iter().filter(|o| o.polling.is_some())
    }
    /// The first polled operation: the status call of a spec that has one.
    pub fn first_polled(&self) -> Option<&Operation> {
        self.polled().next()
    }
    /// The operation with this `operationId`.
    pub fn operation(&self, id: &str) -> Option<&Operation> {
        self.operations.iter().find(|o| o.id == id)
    }
    /// The model named `name`; `None` when there is none or it is an enum.
    pub fn model(&self, name: &str) -> Option<&Model> {
        match self.types.get(name) {
            Some(TypeDef::Model(m)) => Some(m),
            _ => None,
        }
    }
    /// The enum named `name`; `None` when there is none or it is a model.
    pub fn enum_def(&self, name: &str) -> Option<&EnumDef> {
        match self.types.get(name) {
            Some(TypeDef::Enum(e)) => Some(e),
            _ => None,
        }
    }
    /// The constrained schema named `name` (an array's items with value
    /// constraints or `nullable`); `None` when there is none.
    pub fn constrained(&self, name: &str) -> Option<&Constrained> {
        match self.types.get(name) {
            Some(TypeDef::Constrained(c)) => Some(c),
            _ => None,
        }
    }
    /// `ty` with a [`Constrained`] name replaced by the type it constrains
    /// (through nested ones): the shape of the value.
    pub fn value_type<'t>(&'t self, ty: &'t Type) -> &'t Type {
        let mut ty = ty;
        // A constrained schema never names itself (`lower` builds each from
        // the schema inside it); the bound keeps a hand-built IR from looping.
        for _ in 0..64 {
            match ty {
                Type::Named(n) => match self.constrained(n) {
                    Some(c) => ty = &c.field.ty,
                    None => return ty,
                },
                _ => return ty,
            }
        }
        ty
    }
    /// `ty` with every constrained type in it (itself, array items) replaced
    /// by the type it constrains: what a value is, constraints aside.
    pub fn shape(&self, ty: &Type) -> Type {
        match self.value_type(ty) {
            Type::Array(item) => Type::Array(Box::new(self.shape(item))),
            other => other.clone(),
        }
    }
    /// The state machines of this spec, with their enums.
    pub fn state_machines(&self) -> impl Iterator<Item = (&EnumDef, &StateMachine)> {
        self.types.values().filter_map(|t| match t {
            TypeDef::Enum(e) => e.machine.as_ref().map(|m| (e, m)),
            TypeDef::Model(_) | TypeDef::Constrained(_) => None,
        })
    }
}

/// A named type of [`Spec::types`].
#[derive(Debug, Clone)]
pub enum TypeDef {
    /// An object schema.
    Model(Model),
    /// A string enum schema.
    Enum(EnumDef),
    /// A schema that is not a property's and carries value constraints or
    /// `nullable`: an array's items. Not a type of its own in generated code
    /// (the type it constrains, an `Option` when nullable).
    Constrained(Box<Constrained>),
}

/// An array's `items` schema with value constraints (`maxLength`, `minimum`,
/// `minItems`, a checked `format`, an integer `enum` ...) or `nullable`, its
/// own or those of the component it references. Checked as a property with
/// this schema would be.
#[derive(Debug, Clone)]
pub struct Constrained {
    /// The name it has in [`Spec::types`] (derived from where it stands;
    /// never a component's name).
    pub name: String,
    /// The type, constraints, `nullable` and pointer of the schema, as a
    /// property's (`wire_name` is empty; `required` is `true`).
    pub field: Field,
}

/// The type of a field, parameter or body.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Type {
    /// `type: string`; a string enum is [`Type::Named`] except in a parameter.
    String,
    /// `type: integer`.
    Integer,
    /// `type: number`.
    Number,
    /// `type: boolean`.
    Boolean,
    /// A named model or enum in [`Spec::types`].
    Named(String),
    /// `type: array` of its `items` (`Any` items when `items` is missing).
    Array(Box<Type>),
    /// No schema constraints (e.g. `{}`).
    Any,
}

/// Units of numeric and timestamp values (`x-unit`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unit {
    /// `cents`: an integer amount in minor currency units.
    Cents,
    /// `unix-millis`: milliseconds since the Unix epoch.
    UnixMillis,
    /// `unix-seconds`: seconds since the Unix epoch.
    UnixSeconds,
    /// `rfc3339`: an RFC 3339 timestamp string.
    Rfc3339,
    /// `decimal-major`: a decimal string in major currency units, computed exactly.
    DecimalMajor,
}

impl Unit {
    /// The unit an `x-unit` value names; `None` for an unknown one.
    pub fn parse(s: &str) -> Option<Unit> {
        Some(match s {
            "cents" => Unit::Cents,
            "unix-millis" => Unit::UnixMillis,
            "unix-seconds" => Unit::UnixSeconds,
            "rfc3339" => Unit::Rfc3339,
            "decimal-major" => Unit::DecimalMajor,
            _ => return None,
        })
    }
    /// The unit's `x-unit` spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Cents => "cents",
            Unit::UnixMillis => "unix-millis",
            Unit::UnixSeconds => "unix-seconds",
            Unit::Rfc3339 => "rfc3339",
            Unit::DecimalMajor => "decimal-major",
        }
    }
}

/// An object schema.
#[derive(Debug, Clone)]
pub struct Model {
    /// The type name: the component's name, or one derived from where an inline schema stands.
    pub name: String,
    /// The schema's `description`.
    pub description: Option<String>,
    /// `x-source`.
    pub source: Option<Source>,
    /// In spec order.
    pub fields: Vec<Field>,
    /// `x-invariants`, in spec order.
    pub invariants: Vec<InvariantDef>,
    /// `x-outcome`.
    pub outcome: Option<OutcomeRule>,
    /// What a property the schema does not list is (`additionalProperties`).
    pub additional: Additional,
    /// `minProperties`: the fewest properties an instance has, every present
    /// one counted (undocumented ones and `null`s too).
    pub min_properties: Option<u64>,
    /// `maxProperties`: the most properties an instance has, counted so.
    pub max_properties: Option<u64>,
    /// Pointer to the schema in the spec document.
    pub pointer: String,
}

/// `additionalProperties` of an object schema.
#[derive(Debug, Clone, Default)]
pub enum Additional {
    /// Not given: an undocumented property is a warning (it is allowed, and
    /// often a sign of a spec that lags the API).
    #[default]
    Undocumented,
    /// `additionalProperties: true`: allowed, and nothing to report.
    Allowed,
    /// `additionalProperties: false`: an error.
    Forbidden,
    /// `additionalProperties` with a schema: a map. Every property the schema
    /// does not list is a value of this field's schema (its type,
    /// constraints and `nullable`, as an array's items have them; its
    /// `wire_name` is empty and its pointer is the `additionalProperties`
    /// schema's). Generated code holds them in a `BTreeMap`.
    Values(Box<Field>),
}

impl Additional {
    /// `additionalProperties: false`.
    pub fn is_forbidden(&self) -> bool {
        matches!(self, Additional::Forbidden)
    }

    /// How the spec writes it, for messages and the diff.
    pub fn describe(&self) -> &'static str {
        match self {
            Additional::Undocumented => "not given",
            Additional::Allowed => "true",
            Additional::Forbidden => "false",
            Additional::Values(_) => "a schema (a map)",
        }
    }
}

impl Model {
    /// The field with this wire name.
    pub fn field(&self, wire_name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.wire_name == wire_name)
    }

    /// The schema of every property the model does not list, when it is a
    /// map (`additionalProperties` with a schema).
    pub fn map_values(&self) -> Option<&Field> {
        match &self.additional {
            Additional::Values(f) => Some(f),
            _ => None,
        }
    }
}

/// A property of a [`Model`].
#[derive(Debug, Clone)]
pub struct Field {
    /// The property's name in JSON.
    pub wire_name: String,
    /// The property's type.
    pub ty: Type,
    /// Listed in the object's `required` (and not `writeOnly`: OAS 3.0.3 makes
    /// such a property required in requests only, and the kit checks responses).
    pub required: bool,
    /// `deprecated: true`: a value is a warning (it may go away).
    pub deprecated: bool,
    /// `writeOnly: true`: sent in requests only; a value in a response is an error.
    pub write_only: bool,
    /// `readOnly: true`: sent in responses only; a value in a request body is
    /// an error (`schema.read-only`).
    pub read_only: bool,
    /// Listed in the object's `required` and not `readOnly`: required in a
    /// request body (OAS 3.0.3: a required `readOnly` property is required in
    /// responses only).
    pub request_required: bool,
    /// `nullable: true`: the value may be JSON `null`.
    pub nullable: bool,
    /// The property schema's `description`.
    pub description: Option<String>,
    /// `x-source`.
    pub source: Option<Source>,
    /// Value constraints of the property schema (none for a `$ref`).
    pub constraints: Constraints,
    /// Once present in a polling sequence, the value never changes (`x-stable`).
    pub stable: bool,
    /// Never decreases across a polling sequence (`x-monotonic`).
    pub monotonic: bool,
    /// `x-presence`.
    pub presence: Option<Presence>,
    /// The schema's `example`, used to synthesise bodies.
    pub example: Option<serde_json::Value>,
    /// The property schema's `default`: the value a receiver assumes when the
    /// property is absent (the sandbox applies it to request bodies).
    pub default: Option<serde_json::Value>,
    /// Pointer to the property schema in the spec document.
    pub pointer: String,
}

impl Field {
    /// The string `format` of this field that [`crate::formats`] checks, if any
    /// (not `binary`, `password` or an unknown format).
    pub fn checked_format(&self) -> Option<&str> {
        let format = self.constraints.format.as_deref()?;
        // Without `type`, a format constrains the values that are strings.
        let strings = matches!(self.ty, Type::String | Type::Any);
        (strings && crate::formats::describe(format).is_some()).then_some(format)
    }
}

/// Value constraints of a scalar or array schema.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Constraints {
    /// `minimum` of an integer schema (inclusive unless `exclusive_minimum`).
    pub minimum: Option<i64>,
    /// `exclusiveMinimum: true`: the value must be greater than `minimum`
    /// (or `number_minimum`).
    pub exclusive_minimum: bool,
    /// `maximum` of an integer schema (inclusive unless `exclusive_maximum`).
    pub maximum: Option<i64>,
    /// `exclusiveMaximum: true`: the value must be less than `maximum`
    /// (or `number_maximum`).
    pub exclusive_maximum: bool,
    /// `multipleOf` of an integer schema (positive).
    pub multiple_of: Option<i64>,
    /// `minimum` of a number schema, exact (inclusive unless `exclusive_minimum`).
    pub number_minimum: Option<Decimal>,
    /// `maximum` of a number schema, exact (inclusive unless `exclusive_maximum`).
    pub number_maximum: Option<Decimal>,
    /// `multipleOf` of a number schema (positive), exact.
    pub number_multiple_of: Option<Decimal>,
    /// `minLength` of a string schema, in Unicode code points.
    pub min_length: Option<u64>,
    /// `maxLength` of a string schema, in Unicode code points.
    pub max_length: Option<u64>,
    /// `minItems` of an array schema.
    pub min_items: Option<u64>,
    /// `maxItems` of an array schema.
    pub max_items: Option<u64>,
    /// `uniqueItems: true` of an array schema ([`crate::json_equality`]).
    pub unique_items: bool,
    /// `pattern` of a string schema; compiled once in [`Spec::patterns`].
    pub pattern: Option<String>,
    /// `format` (e.g. `int64`, `date-time`).
    pub format: Option<String>,
    /// `x-unit`.
    pub unit: Option<Unit>,
    /// Allowed values of an inline enum of a non-named schema (e.g. a header).
    pub allowed: Vec<String>,
    /// Allowed values of an `enum` of an integer, number or boolean schema,
    /// compared by JSON equality ([`crate::json_equality`]: `1` equals `1.0`).
    /// Empty: no such `enum`. A nullable field's `null` is allowed by
    /// `nullable`, so it is not listed here.
    pub values: Vec<serde_json::Value>,
    /// `oneOf`, `anyOf` and `not` beside the schema's own keywords.
    pub composition: Option<Box<Composition>>,
    /// Pointer to the integer schema whose `enum` [`Self::values`] are (a
    /// component's, when a property inherits them): generated code emits
    /// one enum per pointer. `None` without such an `enum`.
    pub values_pointer: Option<String>,
}

/// The composition keywords of a schema other than `allOf` (which is merged
/// into the schema when the document is loaded): each member is a type a
/// value is tried against, and it matches when checking it against that
/// type finds no error.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Composition {
    /// `oneOf`: the value matches exactly one (empty: no `oneOf`).
    pub one_of: Vec<Type>,
    /// `anyOf`: the value matches at least one (empty: no `anyOf`).
    pub any_of: Vec<Type>,
    /// `not`: the value does not match it.
    pub not: Option<Type>,
    /// `discriminator`: an object's property that names the member of
    /// `one_of` (else `any_of`) it is checked against, in place of trying
    /// every member.
    pub discriminator: Option<Discriminator>,
    /// Pointer to the schema that holds the keywords (a component's, when a
    /// property inherits them through a `$ref`): generated code names and
    /// emits one type per pointer.
    pub pointer: String,
}

/// A `discriminator` of a `oneOf` or `anyOf` whose members are all
/// component references.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Discriminator {
    /// `propertyName`.
    pub property: String,
    /// Each value of the property and the index of the member it selects:
    /// the `mapping`, and each member's component name unless the mapping
    /// names that member.
    pub tags: BTreeMap<String, usize>,
}

impl Discriminator {
    /// The first value that names member `index`.
    pub fn tag_of(&self, index: usize) -> Option<&str> {
        (self.tags.iter())
            .find(|(_, member)| **member == index)
            .map(|(tag, _)| tag.as_str())
    }
}

impl Composition {
    /// The members a discriminator chooses among, with their keyword.
    pub fn discriminated(&self) -> (&'static str, &[Type]) {
        if self.one_of.is_empty() {
            ("anyOf", &self.any_of)
        } else {
            ("oneOf", &self.one_of)
        }
    }
}

/// `x-presence`: a field present or absent depending on a status field's value.
#[derive(Debug, Clone)]
pub struct Presence {
    /// The enum property whose value decides (`field`).
    pub status_field: String,
    /// Values of the status field under which this field must be present (`requiredWhen`).
    pub required_when: Vec<String>,
    /// Values of the status field under which this field must be absent (`absentWhen`).
    pub absent_when: Vec<String>,
    /// `x-source`.
    pub source: Option<Source>,
}

/// `x-outcome`: the outcome field is absent before a final status and matches it after.
#[derive(Debug, Clone)]
pub struct OutcomeRule {
    /// The status property (`statusField`).
    pub status_field: String,
    /// The outcome property (`outcomeField`).
    pub outcome_field: String,
    /// Final status -> the outcome it implies.
    pub map: BTreeMap<String, String>,
    /// `x-source`.
    pub source: Option<Source>,
}

/// `x-invariants` entry: a parsed arithmetic rule over a model instance.
#[derive(Debug, Clone)]
pub struct InvariantDef {
    /// Stable rule id, `amount.<name>`.
    pub id: String,
    /// The invariant's `description`.
    pub description: Option<String>,
    /// The parsed `expr`.
    pub expr: expr::Invariant,
    /// `x-source`.
    pub source: Option<Source>,
    /// Pointer to the invariant's `expr` in the spec document.
    pub pointer: String,
}

/// A string enum, with its state machine when it is a status.
#[derive(Debug, Clone)]
pub struct EnumDef {
    /// The type name: the component's name, or one derived from where an inline schema stands.
    pub name: String,
    /// The schema's `description`.
    pub description: Option<String>,
    /// `x-source`.
    pub source: Option<Source>,
    /// The `enum` values, in spec order.
    pub values: Vec<String>,
    /// `x-state-machine`, when the enum is a status.
    pub machine: Option<StateMachine>,
    /// Pointer to the enum schema in the spec document.
    pub pointer: String,
}

impl EnumDef {
    /// Whether `value` is a final state of the enum's state machine (`false` without one).
    pub fn is_final(&self, value: &str) -> bool {
        self.machine
            .as_ref()
            .is_some_and(|m| m.final_states.contains(value))
    }
}

/// `x-state-machine`: transitions as observed by polling.
#[derive(Debug, Clone)]
pub struct StateMachine {
    /// `initial`: the states a resource starts in.
    pub initial: Vec<String>,
    /// `final`: the states a resource never leaves.
    pub final_states: BTreeSet<String>,
    /// Direct successors; a poll may observe any state reachable through them.
    pub transitions: BTreeMap<String, Vec<String>>,
    /// Moves out of a final state that the provider documents as corrections
    /// (`cancelled` later `successful`): final states stay final for every other
    /// purpose, and traffic that shows one is a warning, not an error.
    pub corrections: BTreeMap<String, Vec<String>>,
    /// `timeouts`, in spec order.
    pub timeouts: Vec<Timeout>,
    /// `x-source`.
    pub source: Option<Source>,
}

impl StateMachine {
    /// Whether a later poll may observe `to` after `from`: the same state, or one
    /// reachable through one or more documented transitions (states may be skipped
    /// between polls, never re-entered backwards, never left once final). Compiles
    /// the machine on every call: a consumer that asks repeatedly holds a
    /// [`crate::contract::Machine`].
    pub fn may_observe(&self, from: &str, to: &str) -> bool {
        crate::contract::Machine::new("", &[], self).may_observe_names(from, to)
    }

    /// The body field of the first timeout that is a deadline field
    /// (`deadlineField`), the one a server fills with the resource's deadline.
    pub fn deadline_field(&self) -> Option<&str> {
        self.timeouts.iter().find_map(|t| match &t.limit {
            TimeoutLimit::DeadlineField(f) => Some(f.as_str()),
            TimeoutLimit::AfterSeconds(_) => None,
        })
    }
}

/// An `x-state-machine.timeouts[]` entry: how long a resource may stay in some states.
#[derive(Debug, Clone)]
pub struct Timeout {
    /// Stable id of the timeout, named in findings.
    pub id: String,
    /// The timeout's `description`.
    pub description: Option<String>,
    /// The states the resource may not stay in past the limit.
    pub while_states: Vec<String>,
    /// When the limit passes: `afterSeconds` or `deadlineField`.
    pub limit: TimeoutLimit,
    /// The states expected once the limit has passed (all final states when empty).
    pub becomes: Vec<String>,
    /// `x-source`.
    pub source: Option<Source>,
}

/// When a [`Timeout`] is due.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimeoutLimit {
    /// Counted from the first observation in one of the `while` states.
    AfterSeconds(u64),
    /// A timestamp field of the response holds the deadline.
    DeadlineField(String),
}

/// An operation of `paths`.
#[derive(Debug, Clone)]
pub struct Operation {
    /// `operationId`; it names the generated items.
    pub id: String,
    /// The HTTP method, upper case.
    pub method: String,
    /// The path template, e.g. `/payments/{id}`.
    pub path: String,
    /// The operation's `summary`.
    pub summary: Option<String>,
    /// The operation's `description`.
    pub description: Option<String>,
    /// `deprecated: true`: a call is `http.deprecated`, a warning.
    pub deprecated: bool,
    /// `x-source`.
    pub source: Option<Source>,
    /// Path, query and header parameters, path-item ones first; cookie parameters and
    /// the `Accept`, `Content-Type` and `Authorization` headers (which OpenAPI ignores)
    /// are left out.
    pub params: Vec<Param>,
    /// The responses with a status code or a range (`5XX`) in spec order,
    /// then `default`.
    pub responses: Vec<Response>,
    /// `requestBody`, when the operation documents one.
    pub request_body: Option<RequestBody>,
    /// `x-polling`.
    pub polling: Option<Polling>,
    /// `x-rate-limit`.
    pub rate_limit: Option<RateLimit>,
    /// Parameters that identify the polled resource (`x-resource-key`).
    pub resource_key: Vec<String>,
    /// Exactly one of these parameters must be given (`x-one-of-parameters`).
    pub one_of_params: Vec<String>,
    /// `x-echo` entries, in spec order.
    pub echo: Vec<Echo>,
    /// `x-idempotency`: the request header whose value makes a replay.
    pub idempotency: Option<Idempotency>,
    /// Names of the security schemes that apply (of every requirement).
    pub security: Vec<String>,
    /// The security requirements (the operation's, else the document's):
    /// a request meets one when it carries the credentials of every scheme
    /// it names; an empty requirement (`{}`) makes credentials optional, and
    /// no requirement at all means none are asked for.
    pub security_requirements: Vec<Vec<String>>,
    /// Pointer to the operation object in the spec document.
    pub pointer: String,
}

impl Operation {
    /// The response documented for `status`, by OpenAPI's precedence: its
    /// code, else its range (`5XX`), else `default`.
    pub fn response(&self, status: u16) -> Option<&Response> {
        self.response_index(status).map(|i| &self.responses[i])
    }

    /// The index in [`Self::responses`] of [`Self::response`].
    pub fn response_index(&self, status: u16) -> Option<usize> {
        let by = |key: StatusKey| self.responses.iter().position(|r| r.status == key);
        by(StatusKey::Code(status))
            .or_else(|| by(StatusKey::Range((status / 100) as u8)))
            .or_else(|| by(StatusKey::Default))
    }
    /// The parameter named `name`.
    pub fn param(&self, name: &str) -> Option<&Param> {
        self.params.iter().find(|p| p.name == name)
    }
    /// Path parameter names in template order.
    pub fn path_param_names(&self) -> Vec<&str> {
        let mut names = Vec::new();
        let mut rest = self.path.as_str();
        while let Some(start) = rest.find('{') {
            let Some(len) = rest[start..].find('}') else {
                break;
            };
            names.push(&rest[start + 1..start + len]);
            rest = &rest[start + len + 1..];
        }
        names
    }
}

/// Where a parameter is sent (its `in`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ParamLocation {
    /// In the path template.
    Path,
    /// In the query string.
    Query,
    /// In a request header.
    Header,
}

/// A request parameter of an [`Operation`].
#[derive(Debug, Clone)]
pub struct Param {
    /// The parameter's name.
    pub name: String,
    /// Where it is sent.
    pub location: ParamLocation,
    /// `required: true`.
    pub required: bool,
    /// The parameter's `description`.
    pub description: Option<String>,
    /// `deprecated: true`: sending it is `http.deprecated`, a warning.
    pub deprecated: bool,
    /// The type of its schema (`String` for a `content` parameter).
    pub ty: Type,
    /// Value constraints of its inline schema (none for a `$ref` or `content`).
    pub constraints: Constraints,
    /// `x-source`.
    pub source: Option<Source>,
    /// The parameter's `example`.
    pub example: Option<serde_json::Value>,
    /// An array query parameter sent as one value, its items joined by this:
    /// `,` (`style: form`, `explode: false`), ` ` (`spaceDelimited`) or `|`
    /// (`pipeDelimited`). `None`: one value per item, the key repeated
    /// (`form`, `explode: true`, OpenAPI's default).
    pub delimiter: Option<char>,
}

/// The statuses a response documents: its key under `responses`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StatusKey {
    /// One status code, e.g. `200`.
    Code(u16),
    /// A range, `1XX` to `5XX`: its first digit.
    Range(u8),
    /// `default`: any status the others do not document.
    Default,
}

impl StatusKey {
    /// Whether `status` is one of the statuses this key names (whatever a
    /// more specific key of the same operation says).
    pub fn covers(self, status: u16) -> bool {
        match self {
            StatusKey::Code(code) => code == status,
            StatusKey::Range(digit) => status / 100 == u16::from(digit),
            StatusKey::Default => true,
        }
    }

    /// The status code of a `Code` key.
    pub fn code(self) -> Option<u16> {
        match self {
            StatusKey::Code(code) => Some(code),
            _ => None,
        }
    }

    /// A key of success statuses only: a 2xx code or `2XX`.
    pub fn is_success(self) -> bool {
        match self {
            StatusKey::Code(code) => (200..300).contains(&code),
            StatusKey::Range(digit) => digit == 2,
            StatusKey::Default => false,
        }
    }
}

impl std::fmt::Display for StatusKey {
    /// As written under `responses`: `200`, `5XX`, `default`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StatusKey::Code(code) => write!(f, "{code}"),
            StatusKey::Range(digit) => write!(f, "{digit}XX"),
            StatusKey::Default => f.write_str("default"),
        }
    }
}

/// A response of an [`Operation`].
#[derive(Debug, Clone)]
pub struct Response {
    /// The statuses it documents.
    pub status: StatusKey,
    /// The response's `description`.
    pub description: String,
    /// The media type read: the first `application/json...` one, else the first listed.
    pub content_type: Option<String>,
    /// The schema of that media type; `None` without content or schema.
    pub body: Option<Type>,
    /// The media type's `example` (named `example`), then its `examples`.
    pub examples: Vec<Example>,
    /// The response's `headers` but `Content-Type` (which OpenAPI ignores),
    /// in spec order.
    pub headers: Vec<Header>,
    /// `x-source`.
    pub source: Option<Source>,
    /// Its `links`: the operations this response leads to, with the values
    /// they take from this exchange (a creation's link to its status operation).
    pub links: Vec<Link>,
}

/// An OpenAPI Link Object: a later operation whose parameters come from this
/// exchange.
#[derive(Debug, Clone)]
pub struct Link {
    /// Its key under `links`.
    pub name: String,
    /// The `operationId` of the linked operation, in the same spec.
    pub operation_id: String,
    /// Each parameter of the linked operation, by name, and where its value comes from.
    pub parameters: Vec<(String, LinkValue)>,
    /// Pointer to the Link Object in the spec document.
    pub pointer: String,
}

/// A value of a link parameter: a runtime expression or a constant.
#[derive(Debug, Clone, PartialEq)]
pub enum LinkValue {
    /// `$request.path.NAME`.
    RequestPath(String),
    /// `$request.query.NAME`.
    RequestQuery(String),
    /// `$request.header.NAME`.
    RequestHeader(String),
    /// `$request.body#POINTER` (RFC 6901).
    RequestBody(String),
    /// `$response.body#POINTER` (RFC 6901).
    ResponseBody(String),
    /// `$response.header.NAME`.
    ResponseHeader(String),
    /// A constant value.
    Constant(serde_json::Value),
}

impl std::fmt::Display for LinkValue {
    /// The runtime expression as the spec writes it, or the constant as JSON.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LinkValue::RequestPath(n) => write!(f, "$request.path.{n}"),
            LinkValue::RequestQuery(n) => write!(f, "$request.query.{n}"),
            LinkValue::RequestHeader(n) => write!(f, "$request.header.{n}"),
            LinkValue::RequestBody(p) => write!(f, "$request.body#{p}"),
            LinkValue::ResponseBody(p) => write!(f, "$response.body#{p}"),
            LinkValue::ResponseHeader(n) => write!(f, "$response.header.{n}"),
            LinkValue::Constant(v) => write!(f, "{v}"),
        }
    }
}

/// A documented response header (`headers`, or a `$ref` to
/// `components/headers`).
#[derive(Debug, Clone)]
pub struct Header {
    /// The header's name as the spec writes it; matched case-insensitively.
    pub name: String,
    /// `required: true`: every response of its status carries it.
    pub required: bool,
    /// The header's `description`.
    pub description: Option<String>,
    /// `deprecated: true`: a response that carries it is `http.deprecated`,
    /// a warning.
    pub deprecated: bool,
    /// The type of its schema (`String` for a `content` header).
    pub ty: Type,
    /// Value constraints of its inline schema.
    pub constraints: Constraints,
    /// Pointer to the header object in the spec document (the component
    /// for a `$ref`).
    pub pointer: String,
}

/// How a request body's media type is written on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BodyEncoding {
    /// `application/json` (and `+json` types).
    Json,
    /// `application/x-www-form-urlencoded`: decoded to an object of strings,
    /// each coerced to its property's type (specs/README.md § Request bodies).
    Form,
}

/// `requestBody` of an [`Operation`].
#[derive(Debug, Clone)]
pub struct RequestBody {
    /// `required: true`: a request without a body is an error.
    pub required: bool,
    /// The request body's `description`.
    pub description: Option<String>,
    /// The media types the kit reads (JSON and form), in spec order.
    pub contents: Vec<RequestContent>,
    /// `x-source`.
    pub source: Option<Source>,
    /// Pointer to the request body object (the component for a `$ref`).
    pub pointer: String,
}

impl RequestBody {
    /// The documented content a recorded `Content-Type` selects: the media
    /// type it names (parameters such as `charset` aside, case-insensitive).
    pub fn content_for(&self, content_type: &str) -> Option<&RequestContent> {
        let essence = content_type.split(';').next().unwrap_or_default().trim();
        self.contents
            .iter()
            .find(|c| c.media_type.eq_ignore_ascii_case(essence))
    }
}

/// One media type of a [`RequestBody`].
#[derive(Debug, Clone)]
pub struct RequestContent {
    /// The media type as the spec writes it.
    pub media_type: String,
    /// How the body is written.
    pub encoding: BodyEncoding,
    /// The schema; `None` without one (any body).
    pub body: Option<Type>,
    /// The media type's `example` (named `example`), then its `examples`.
    pub examples: Vec<Example>,
}

/// A documented example body of a [`Response`].
#[derive(Debug, Clone)]
pub struct Example {
    /// Its key under `examples`, or `example` for a media type's single `example`.
    pub name: String,
    /// The example's `summary`.
    pub summary: Option<String>,
    /// The example body.
    pub value: serde_json::Value,
    /// Rule ids this documented example is known to break (`x-expected-violations`).
    pub expected_violations: Vec<String>,
    /// `x-source`.
    pub source: Option<Source>,
    /// Pointer to the example's value in the spec document.
    pub pointer: String,
}

/// `x-polling`: how often a client should poll an operation.
#[derive(Debug, Clone)]
pub struct Polling {
    /// `intervalSeconds`: the recommended interval, in seconds; one interval is also
    /// the tolerance of timeout checks.
    pub interval_seconds: u64,
    /// `description`: why this interval (a rate limit, say); shown in the
    /// generated docs.
    pub description: Option<String>,
    /// `x-source`.
    pub source: Option<Source>,
}

/// `x-idempotency`: requests that carry the same value of `header` are
/// replays of one call (specs/README.md § Idempotency).
#[derive(Debug, Clone)]
pub struct Idempotency {
    /// The request header parameter holding the key (`Idempotency-Key`).
    pub header: String,
    /// `x-source`.
    pub source: Option<Source>,
}

/// `x-rate-limit`: how many requests a client may send to an operation in a
/// window of time, counted per value of the `key` parameters (per merchant,
/// say). [`crate::contract::rate_limit`] decides when a request exceeds it.
#[derive(Debug, Clone)]
pub struct RateLimit {
    /// `requests`: at most this many requests (at least 1) ...
    pub requests: u32,
    /// `perSeconds`: ... within any window this long, in seconds.
    pub per_seconds: u64,
    /// `key`: the parameters whose values name who the limit is counted for
    /// (a merchant's id); requests with equal values share one limit. Empty:
    /// every request to the operation shares it.
    pub key: Vec<String>,
    /// `description`: the limit in the provider's words.
    pub description: Option<String>,
    /// `x-source`.
    pub source: Option<Source>,
}

/// `x-echo`: a request parameter repeated in the response body.
#[derive(Debug, Clone)]
pub struct Echo {
    /// The request parameter whose value is repeated.
    pub parameter: String,
    /// RFC 6901 pointer into the response body.
    pub pointer: String,
}

/// A security scheme of `components.securitySchemes`, as far as the kit checks it.
#[derive(Debug, Clone)]
pub enum SecurityScheme {
    /// A bearer token: HTTP `bearer`, or OAuth 2.0 whose one flow is
    /// `clientCredentials` (its `tokenUrl`).
    Bearer {
        /// The client credentials flow's `tokenUrl`, when the scheme is OAuth 2.0.
        token_url: Option<String>,
    },
    /// HTTP `basic` authentication (an OAuth 2.0 client's credentials at its token endpoint).
    Basic,
    /// `x-signature`: an HMAC over the query parameters.
    SignedQuery(SignatureScheme),
    /// Any other scheme; the kit does not check it.
    Other,
}

/// The `x-signature` scheme of an API key: an HMAC-SHA256, hex-encoded, over
/// the query parameters but the signature, sorted by key.
#[derive(Debug, Clone)]
pub struct SignatureScheme {
    /// The query parameter (and response body field) carrying the signature.
    pub parameter: String,
    /// Whether responses carry a signature in a body field of the same name.
    pub signs_responses: bool,
    /// `x-source`.
    pub source: Option<Source>,
}
