//! The `x-` vocabulary: typed forms of each extension's value. `specs/README.md`
//! documents every key; [`KNOWN`] is the list the linter accepts.

use serde::Deserialize;

use crate::ir::Source;

/// Every extension key the specs may use.
pub const KNOWN: &[&str] = &[
    "x-draft",
    "x-source",
    "x-polling",
    "x-resource-key",
    "x-one-of-parameters",
    "x-echo",
    "x-expected-violations",
    "x-stable",
    "x-monotonic",
    "x-presence",
    "x-unit",
    "x-invariants",
    "x-outcome",
    "x-state-machine",
    "x-signature",
];

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
pub struct PollingExt {
    pub interval_seconds: u64,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(rename = "x-source")]
    pub source: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct EchoExt {
    pub parameter: String,
    pub pointer: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PresenceExt {
    pub field: String,
    #[serde(default)]
    pub required_when: Vec<String>,
    #[serde(default)]
    pub absent_when: Vec<String>,
    #[serde(rename = "x-source")]
    pub source: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct InvariantExt {
    pub id: String,
    #[serde(default)]
    pub description: Option<String>,
    pub expr: String,
    #[serde(rename = "x-source")]
    pub source: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct OutcomeExt {
    pub status_field: String,
    pub outcome_field: String,
    pub map: indexmap::IndexMap<String, String>,
    #[serde(rename = "x-source")]
    pub source: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct StateMachineExt {
    #[serde(default)]
    pub initial: Vec<String>,
    #[serde(rename = "final")]
    pub final_states: Vec<String>,
    #[serde(default)]
    pub transitions: indexmap::IndexMap<String, Vec<String>>,
    #[serde(default)]
    pub timeouts: Vec<TimeoutExt>,
    #[serde(rename = "x-source")]
    pub source: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TimeoutExt {
    pub id: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(rename = "while")]
    pub while_states: Vec<String>,
    #[serde(default)]
    pub after_seconds: Option<u64>,
    #[serde(default)]
    pub deadline_field: Option<String>,
    #[serde(default)]
    pub becomes: Vec<String>,
    #[serde(rename = "x-source")]
    pub source: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SignatureExt {
    pub algorithm: String,
    pub encoding: String,
    pub parameter: String,
    pub canonical: String,
    #[serde(default)]
    pub responses: Option<String>,
    #[serde(rename = "x-source")]
    pub source: Option<String>,
}
