//! The intermediate representation: what a spec means, independent of OpenAPI's
//! shape. Every collection is ordered (spec order or `BTreeMap`) so that everything
//! derived from the IR is deterministic.

use std::collections::{BTreeMap, BTreeSet};

use crate::expr;
use crate::source_map::SourceMap;

/// Where a fact comes from: a seed document (or reference page) and a section.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Source {
    pub document: String,
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
    pub title: String,
    pub version: String,
    pub description: Option<String>,
    pub draft: bool,
    pub source: Option<Source>,
    pub servers: Vec<String>,
    /// Sorted by operation id.
    pub operations: Vec<Operation>,
    /// Models and enums by name.
    pub types: BTreeMap<String, TypeDef>,
    pub security_schemes: BTreeMap<String, SecurityScheme>,
    pub source_map: SourceMap,
    /// Every `pattern` of the spec, compiled once at load.
    pub patterns: BTreeMap<String, regex::Regex>,
}

impl Spec {
    pub fn operation(&self, id: &str) -> Option<&Operation> {
        self.operations.iter().find(|o| o.id == id)
    }
    pub fn model(&self, name: &str) -> Option<&Model> {
        match self.types.get(name) {
            Some(TypeDef::Model(m)) => Some(m),
            _ => None,
        }
    }
    pub fn enum_def(&self, name: &str) -> Option<&EnumDef> {
        match self.types.get(name) {
            Some(TypeDef::Enum(e)) => Some(e),
            _ => None,
        }
    }
    /// The state machines of this spec, with their enums.
    pub fn state_machines(&self) -> impl Iterator<Item = (&EnumDef, &StateMachine)> {
        self.types.values().filter_map(|t| match t {
            TypeDef::Enum(e) => e.machine.as_ref().map(|m| (e, m)),
            TypeDef::Model(_) => None,
        })
    }
}

#[derive(Debug, Clone)]
pub enum TypeDef {
    Model(Model),
    Enum(EnumDef),
}

/// The type of a field, parameter or body.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Type {
    String,
    Integer,
    Number,
    Boolean,
    /// A named model or enum in [`Spec::types`].
    Named(String),
    Array(Box<Type>),
    /// No schema constraints (e.g. `{}`).
    Any,
}

/// Units of numeric and timestamp values (`x-unit`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unit {
    Cents,
    UnixMillis,
    UnixSeconds,
    Rfc3339,
    DecimalMajor,
}

impl Unit {
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
    pub name: String,
    pub description: Option<String>,
    pub source: Option<Source>,
    /// In spec order.
    pub fields: Vec<Field>,
    pub invariants: Vec<InvariantDef>,
    pub outcome: Option<OutcomeRule>,
    /// Pointer to the schema in the spec document.
    pub pointer: String,
}

impl Model {
    pub fn field(&self, wire_name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.wire_name == wire_name)
    }
}

#[derive(Debug, Clone)]
pub struct Field {
    pub wire_name: String,
    pub ty: Type,
    pub required: bool,
    pub nullable: bool,
    pub description: Option<String>,
    pub source: Option<Source>,
    pub constraints: Constraints,
    /// Once present in a polling sequence, the value never changes (`x-stable`).
    pub stable: bool,
    /// Never decreases across a polling sequence (`x-monotonic`).
    pub monotonic: bool,
    pub presence: Option<Presence>,
    /// The schema's `example`, used to synthesise bodies.
    pub example: Option<serde_json::Value>,
    pub pointer: String,
}

/// Value constraints of a scalar schema.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Constraints {
    pub minimum: Option<i64>,
    pub maximum: Option<i64>,
    pub pattern: Option<String>,
    pub format: Option<String>,
    pub unit: Option<Unit>,
    /// Allowed values of an inline enum of a non-named schema (e.g. a header).
    pub allowed: Vec<String>,
}

/// `x-presence`: a field present or absent depending on a status field's value.
#[derive(Debug, Clone)]
pub struct Presence {
    pub status_field: String,
    pub required_when: Vec<String>,
    pub absent_when: Vec<String>,
    pub source: Option<Source>,
}

/// `x-outcome`: the outcome field is absent before a final status and matches it after.
#[derive(Debug, Clone)]
pub struct OutcomeRule {
    pub status_field: String,
    pub outcome_field: String,
    /// Final status -> the outcome it implies.
    pub map: BTreeMap<String, String>,
    pub source: Option<Source>,
}

/// `x-invariants` entry: a parsed arithmetic rule over a model instance.
#[derive(Debug, Clone)]
pub struct InvariantDef {
    /// Stable rule id, `amount.<name>`.
    pub id: String,
    pub description: Option<String>,
    pub expr: expr::Invariant,
    pub source: Option<Source>,
    pub pointer: String,
}

/// A string enum, with its state machine when it is a status.
#[derive(Debug, Clone)]
pub struct EnumDef {
    pub name: String,
    pub description: Option<String>,
    pub source: Option<Source>,
    pub values: Vec<String>,
    pub machine: Option<StateMachine>,
    pub pointer: String,
}

impl EnumDef {
    pub fn is_final(&self, value: &str) -> bool {
        self.machine
            .as_ref()
            .is_some_and(|m| m.final_states.contains(value))
    }
}

/// `x-state-machine`: transitions as observed by polling.
#[derive(Debug, Clone)]
pub struct StateMachine {
    pub initial: Vec<String>,
    pub final_states: BTreeSet<String>,
    /// Direct successors; a poll may observe any state reachable through them.
    pub transitions: BTreeMap<String, Vec<String>>,
    /// Moves out of a final state that the provider documents as corrections
    /// (`cancelled` later `successful`): final states stay final for every other
    /// purpose, and traffic that shows one is a warning, not an error.
    pub corrections: BTreeMap<String, Vec<String>>,
    pub timeouts: Vec<Timeout>,
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
}

#[derive(Debug, Clone)]
pub struct Timeout {
    pub id: String,
    pub description: Option<String>,
    /// The states the resource may not stay in past the limit.
    pub while_states: Vec<String>,
    pub limit: TimeoutLimit,
    /// The states expected once the limit has passed (all final states when empty).
    pub becomes: Vec<String>,
    pub source: Option<Source>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimeoutLimit {
    /// Counted from the first observation in one of the `while` states.
    AfterSeconds(u64),
    /// A timestamp field of the response holds the deadline.
    DeadlineField(String),
}

#[derive(Debug, Clone)]
pub struct Operation {
    pub id: String,
    pub method: String,
    pub path: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub source: Option<Source>,
    pub params: Vec<Param>,
    pub responses: Vec<Response>,
    pub polling: Option<Polling>,
    /// Parameters that identify the polled resource (`x-resource-key`).
    pub resource_key: Vec<String>,
    /// Exactly one of these parameters must be given (`x-one-of-parameters`).
    pub one_of_params: Vec<String>,
    pub echo: Vec<Echo>,
    /// Names of the security schemes that apply.
    pub security: Vec<String>,
    pub pointer: String,
}

impl Operation {
    pub fn response(&self, status: u16) -> Option<&Response> {
        self.responses
            .iter()
            .find(|r| r.status == Some(status))
            .or_else(|| self.responses.iter().find(|r| r.status.is_none()))
    }
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ParamLocation {
    Path,
    Query,
    Header,
}

#[derive(Debug, Clone)]
pub struct Param {
    pub name: String,
    pub location: ParamLocation,
    pub required: bool,
    pub description: Option<String>,
    pub ty: Type,
    pub constraints: Constraints,
    pub source: Option<Source>,
    pub example: Option<serde_json::Value>,
}

#[derive(Debug, Clone)]
pub struct Response {
    /// `None` for `default`.
    pub status: Option<u16>,
    pub description: String,
    pub content_type: Option<String>,
    pub body: Option<Type>,
    pub examples: Vec<Example>,
    pub source: Option<Source>,
}

#[derive(Debug, Clone)]
pub struct Example {
    pub name: String,
    pub summary: Option<String>,
    pub value: serde_json::Value,
    /// Rule ids this documented example is known to break (`x-expected-violations`).
    pub expected_violations: Vec<String>,
    pub source: Option<Source>,
    pub pointer: String,
}

#[derive(Debug, Clone)]
pub struct Polling {
    pub interval_seconds: u64,
    pub source: Option<Source>,
}

/// `x-echo`: a request parameter repeated in the response body.
#[derive(Debug, Clone)]
pub struct Echo {
    pub parameter: String,
    /// RFC 6901 pointer into the response body.
    pub pointer: String,
}

#[derive(Debug, Clone)]
pub enum SecurityScheme {
    Bearer,
    /// `x-signature`: an HMAC over the query parameters.
    SignedQuery(SignatureScheme),
    Other,
}

#[derive(Debug, Clone)]
pub struct SignatureScheme {
    /// The query parameter (and response body field) carrying the signature.
    pub parameter: String,
    /// Whether responses carry a signature in a body field of the same name.
    pub signs_responses: bool,
    pub source: Option<Source>,
}
