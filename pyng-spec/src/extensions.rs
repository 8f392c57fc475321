//! The `x-` vocabulary: every key, where it may stand ([`EXTENSIONS`]), and the
//! typed forms of their values. `specs/README.md` documents every key; the
//! linter refuses a key that is not in the table (`lint.unknown-extension`) and
//! one that stands where the loader does not read it (`lint.misplaced-extension`).

use serde::Deserialize;

use crate::ir::Source;

/// A kind of place in an OpenAPI document where the loader reads extensions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Place {
    /// The `info` object.
    Info,
    /// An operation object (`paths./p.get`).
    Operation,
    /// A parameter object.
    Parameter,
    /// The schema of a parameter.
    ParameterSchema,
    /// A response object.
    Response,
    /// A request body object (`requestBody`, `components/requestBodies`).
    RequestBody,
    /// An entry of a media type's `examples`.
    Example,
    /// A security scheme.
    SecurityScheme,
    /// A schema under `properties` (inline, not a `$ref`).
    Property,
    /// A schema of `type: object` (a model).
    ObjectSchema,
    /// A schema of `type: string` with an `enum`.
    EnumSchema,
}

impl Place {
    /// The place's name in the `where` column of specs/README.md.
    pub fn name(self) -> &'static str {
        match self {
            Place::Info => "`info`",
            Place::Operation => "operation",
            Place::Parameter => "parameter",
            Place::ParameterSchema => "parameter schema",
            Place::Response => "response",
            Place::RequestBody => "request body",
            Place::Example => "example object",
            Place::SecurityScheme => "security scheme",
            Place::Property => "property",
            Place::ObjectSchema => "object schema",
            Place::EnumSchema => "string enum schema",
        }
    }

    /// The place in a sentence ("an operation").
    pub fn describe(self) -> &'static str {
        match self {
            Place::Info => "`info`",
            Place::Operation => "an operation",
            Place::Parameter => "a parameter",
            Place::ParameterSchema => "a parameter's schema",
            Place::Response => "a response",
            Place::RequestBody => "a request body",
            Place::Example => "an example object",
            Place::SecurityScheme => "a security scheme",
            Place::Property => "a property schema",
            Place::ObjectSchema => "an object schema",
            Place::EnumSchema => "a string enum schema",
        }
    }
}

/// One `x-` key of the vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Extension {
    /// The key, e.g. `x-stable`.
    pub key: &'static str,
    /// Where the loader reads it; anywhere else it would have no effect.
    pub places: &'static [Place],
}

use Place::*;

/// Every extension key the specs may use, with where it may stand. Extensions
/// inside an extension's value (`x-source` in `x-polling`) belong to that
/// value's typed form, not to this table.
pub const EXTENSIONS: &[Extension] = &[
    Extension {
        key: "x-draft",
        places: &[Info],
    },
    Extension {
        key: "x-source",
        places: &[
            Info,
            Operation,
            Parameter,
            Response,
            RequestBody,
            Example,
            Property,
            ObjectSchema,
            EnumSchema,
        ],
    },
    Extension {
        key: "x-polling",
        places: &[Operation],
    },
    Extension {
        key: "x-rate-limit",
        places: &[Operation],
    },
    Extension {
        key: "x-resource-key",
        places: &[Operation],
    },
    Extension {
        key: "x-one-of-parameters",
        places: &[Operation],
    },
    Extension {
        key: "x-echo",
        places: &[Operation],
    },
    Extension {
        key: "x-idempotency",
        places: &[Operation],
    },
    Extension {
        key: "x-expected-violations",
        places: &[Example],
    },
    Extension {
        key: "x-stable",
        places: &[Property],
    },
    Extension {
        key: "x-monotonic",
        places: &[Property],
    },
    Extension {
        key: "x-presence",
        places: &[Property],
    },
    Extension {
        key: "x-unit",
        places: &[Property, ParameterSchema],
    },
    Extension {
        key: "x-invariants",
        places: &[ObjectSchema],
    },
    Extension {
        key: "x-outcome",
        places: &[ObjectSchema],
    },
    Extension {
        key: "x-state-machine",
        places: &[EnumSchema],
    },
    Extension {
        key: "x-signature",
        places: &[SecurityScheme],
    },
];

/// The vocabulary entry of `key`.
pub fn extension(key: &str) -> Option<&'static Extension> {
    EXTENSIONS.iter().find(|e| e.key == key)
}

/// The longest duration a spec may give (`intervalSeconds`, `afterSeconds`): one
/// year. Status APIs poll in seconds and expire in minutes to days; anything past
/// a year is a typo, and the checks add these to timestamps in milliseconds.
pub const MAX_DURATION_SECONDS: u64 = 31_536_000;

/// Parses `x-source: "file#section"`.
pub fn parse_source(s: &str) -> Source {
    match s.split_once('#') {
        Some((doc, section)) => Source {
            document: doc.trim().to_owned(),
            section: Some(section.trim().to_owned()),
        },
        None => Source {
            document: s.trim().to_owned(),
            section: None,
        },
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct PollingExt {
    pub(crate) interval_seconds: u64,
    #[serde(default)]
    pub(crate) description: Option<String>,
    #[serde(rename = "x-source")]
    pub(crate) source: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct IdempotencyExt {
    pub(crate) header: String,
    #[serde(rename = "x-source")]
    pub(crate) source: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct RateLimitExt {
    pub(crate) requests: u32,
    pub(crate) per_seconds: u64,
    #[serde(default)]
    pub(crate) key: Vec<String>,
    #[serde(default)]
    pub(crate) description: Option<String>,
    #[serde(rename = "x-source")]
    pub(crate) source: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct EchoExt {
    pub(crate) parameter: String,
    pub(crate) pointer: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct PresenceExt {
    pub(crate) field: String,
    #[serde(default)]
    pub(crate) required_when: Vec<String>,
    #[serde(default)]
    pub(crate) absent_when: Vec<String>,
    #[serde(rename = "x-source")]
    pub(crate) source: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct InvariantExt {
    pub(crate) id: String,
    #[serde(default)]
    pub(crate) description: Option<String>,
    pub(crate) expr: String,
    #[serde(rename = "x-source")]
    pub(crate) source: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct OutcomeExt {
    pub(crate) status_field: String,
    pub(crate) outcome_field: String,
    pub(crate) map: indexmap::IndexMap<String, String>,
    #[serde(rename = "x-source")]
    pub(crate) source: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct StateMachineExt {
    #[serde(default)]
    pub(crate) initial: Vec<String>,
    #[serde(rename = "final")]
    pub(crate) final_states: Vec<String>,
    #[serde(default)]
    pub(crate) transitions: indexmap::IndexMap<String, Vec<String>>,
    #[serde(default)]
    pub(crate) corrections: indexmap::IndexMap<String, Vec<String>>,
    #[serde(default)]
    pub(crate) timeouts: Vec<TimeoutExt>,
    #[serde(rename = "x-source")]
    pub(crate) source: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct TimeoutExt {
    pub(crate) id: String,
    #[serde(default)]
    pub(crate) description: Option<String>,
    #[serde(rename = "while")]
    pub(crate) while_states: Vec<String>,
    #[serde(default)]
    pub(crate) after_seconds: Option<u64>,
    #[serde(default)]
    pub(crate) deadline_field: Option<String>,
    #[serde(default)]
    pub(crate) becomes: Vec<String>,
    #[serde(rename = "x-source")]
    pub(crate) source: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct SignatureExt {
    pub(crate) algorithm: String,
    pub(crate) encoding: String,
    pub(crate) parameter: String,
    pub(crate) canonical: String,
    #[serde(default)]
    pub(crate) responses: Option<String>,
    #[serde(rename = "x-source")]
    pub(crate) source: Option<String>,
}
