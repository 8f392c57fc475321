//! A finding: one rule broken by one exchange, sequence or input file.

use serde::Serialize;

/// How bad a finding is. Errors fail the run (exit status 1); warnings do not,
/// unless `--strict`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Reported; fails the run only with `--strict`.
    Warning,
    /// Fails the run (exit status 1).
    Error,
}

impl From<pyng_spec::Severity> for Severity {
    fn from(s: pyng_spec::Severity) -> Self {
        match s {
            pyng_spec::Severity::Warning => Severity::Warning,
            pyng_spec::Severity::Error => Severity::Error,
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// One broken rule, located as precisely as the input allows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable rule id, `category.name`.
    pub rule: String,
    /// How bad it is, after the policy.
    pub severity: Severity,
    /// What is wrong, in one sentence.
    pub message: String,
    /// The input file (or the name given to [`crate::Engine::check_bytes`]).
    pub file: String,
    /// 0-based index of the exchange in the recording (HAR entry, recording
    /// exchange, NDJSON line counting exchanges only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry: Option<usize>,
    /// RFC 6901 pointer into the response body.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    /// 1-based line in the response body text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// 1-based column (in characters) in the response body text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// 1-based line in the input file of the offending value; of the
    /// exchange when the finding is not located in its body.
    #[serde(rename = "fileLine", skip_serializing_if = "Option::is_none")]
    pub file_line: Option<usize>,
    /// 1-based column (in characters) in the input file, with `file_line`.
    #[serde(rename = "fileColumn", skip_serializing_if = "Option::is_none")]
    pub file_column: Option<usize>,
    /// Byte offset in the body text of the offending value: what the file
    /// position of a body written as a JSON string is worked out from.
    #[serde(skip)]
    pub body_offset: Option<usize>,
    /// The spec fact the rule comes from: `<seed file> § <section>`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// The operation the exchange matched.
    pub operation: Option<String>,
    /// The polling sequence the exchange belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sequence: Option<String>,
    /// The body lines around the offending value, for the human report.
    #[serde(skip)]
    pub snippet: Option<Snippet>,
}

impl Finding {
    /// A finding of `rule` in `file`, not yet located.
    pub fn new(rule: impl Into<String>, severity: Severity, file: &str, message: String) -> Self {
        Finding {
            rule: rule.into(),
            severity,
            message,
            file: file.to_owned(),
            entry: None,
            pointer: None,
            line: None,
            column: None,
            file_line: None,
            file_column: None,
            body_offset: None,
            source: None,
            operation: None,
            sequence: None,
            snippet: None,
        }
    }

    /// A finding of the registered rule `id`, at its registered severity.
    pub(crate) fn of(id: pyng_spec::registry::RuleId, file: &str, message: String) -> Self {
        Finding::new(id.name(), id.severity().into(), file, message)
    }

    /// The finding with the spec fact it comes from.
    pub fn with_source(mut self, source: Option<&pyng_spec::ir::Source>) -> Self {
        self.source = source.map(ToString::to_string);
        self
    }

    /// Whether it is an error (fails the run).
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// A few lines of the body, quoted in the human report with a caret under the
/// offending value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snippet {
    /// 1-based number of the first quoted line.
    pub first_line: usize,
    /// The quoted lines of the body around the finding.
    pub lines: Vec<String>,
    /// Index into `lines` of the line holding the value, and the 1-based column
    /// within the (possibly shortened) line and the length of the caret.
    pub mark_line: usize,
    /// 1-based column of the first marked character.
    pub mark_column: usize,
    /// How many characters are marked.
    pub mark_len: usize,
}
