//! The rule catalogue (`pyng-conformance rules`) and the severity policy
//! (`--deny`, `--allow`, `--strict`).

use pyng_spec::ir::Spec;
use serde::Serialize;

use crate::finding::{Finding, Severity};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rule {
    pub id: String,
    pub severity: Severity,
    pub description: String,
    /// What in the specs (or the documents) drives the rule.
    pub source: String,
}

/// id, severity, description, source.
const STATIC: &[(&str, Severity, &str, &str)] = &[
    (
        "input.unreadable",
        Severity::Error,
        "A file or directory cannot be read.",
        "the run's inputs",
    ),
    (
        "input.malformed",
        Severity::Error,
        "A file, HAR entry, recorded exchange or NDJSON line is not in the expected format.",
        "HAR 1.2; docs/recording-format.md",
    ),
    (
        "input.truncated",
        Severity::Error,
        "A HAR file or recording ends before its JSON is complete.",
        "HAR 1.2; docs/recording-format.md",
    ),
    (
        "input.skipped",
        Severity::Warning,
        "A directory walk met a FIFO, socket or device with a recording's name and did not read it (it could block the run).",
        "the run's inputs",
    ),
    (
        "input.timestamp",
        Severity::Error,
        "A recorded time (`startedAt`, HAR `startedDateTime`) is an RFC 3339 date-time; without one the timeout rules are not evaluated for the exchange.",
        "HAR 1.2; docs/recording-format.md `startedAt`",
    ),
    (
        "input.aborted",
        Severity::Error,
        "A live run (`poll`) ends as planned: a refused request, an unreachable server, failed authentication or a signal stops it early, and what it did not poll is not checked.",
        "the run's inputs",
    ),
    (
        "input.nothing-checked",
        Severity::Error,
        "A run checks at least one exchange: no input, no exchange, or only entries that match no operation is an error, never a pass.",
        "the run's inputs",
    ),
    (
        "input.unmatched",
        Severity::Warning,
        "Entries whose method and path match no operation of the loaded specs (reported once per file).",
        "the specs' `paths`",
    ),
    (
        "input.spec-version",
        Severity::Warning,
        "The recording was made against a spec title/version that is not loaded.",
        "docs/recording-format.md `spec`; the specs' `info.version`",
    ),
    (
        "schema.number-range",
        Severity::Error,
        "A body's number is within the range of a 64-bit float; beyond it (`1e400`) the body cannot be checked.",
        "RFC 8259 § 6 (implementations may limit the range of numbers)",
    ),
    (
        "schema.too-deep",
        Severity::Error,
        "A body nests arrays and objects at most 128 levels deep; deeper, the body cannot be checked.",
        "RFC 8259 § 9 (implementations may limit the depth of nesting)",
    ),
    (
        "state.final-not-reached",
        Severity::Error,
        "With --require-final: the traffic of every exercised state-machine operation reaches one of its final states.",
        "`x-state-machine.final`",
    ),
    (
        "http.status-documented",
        Severity::Error,
        "The response status code is documented for the operation.",
        "the operation's `responses`",
    ),
    (
        "http.request-parameters",
        Severity::Error,
        "The recorded request sends every required parameter, each matching its `pattern` and `enum`.",
        "the operation's `parameters`",
    ),
    (
        "http.request-one-of",
        Severity::Error,
        "The recorded request sends exactly one of the `x-one-of-parameters` (e.g. Peach's checkoutId or merchantTransactionId).",
        "the operation's `x-one-of-parameters`",
    ),
    (
        "http.content-type",
        Severity::Error,
        "A response documented as JSON is recorded with a JSON Content-Type.",
        "the response's `content` media type",
    ),
    (
        "schema.not-json",
        Severity::Error,
        "A response body documented as JSON is not JSON (empty, truncated or broken).",
        "the response's `content` media type",
    ),
    (
        "schema.duplicate-key",
        Severity::Error,
        "A JSON object repeats a key (RFC 8259: names SHOULD be unique; readers disagree on which wins).",
        "RFC 8259 § 4",
    ),
    (
        "schema.required",
        Severity::Error,
        "A required property is missing.",
        "schema `required`",
    ),
    (
        "schema.type",
        Severity::Error,
        "A value has the wrong JSON type.",
        "schema `type`",
    ),
    (
        "schema.enum",
        Severity::Error,
        "A string is not one of the documented values (case-sensitive).",
        "schema `enum`",
    ),
    (
        "schema.format",
        Severity::Error,
        "An integer is out of the range of its `format` (int32, int64).",
        "schema `format`",
    ),
    (
        "schema.minimum",
        Severity::Error,
        "A number is below its `minimum`.",
        "schema `minimum`",
    ),
    (
        "schema.maximum",
        Severity::Error,
        "A number is above its `maximum`.",
        "schema `maximum`",
    ),
    (
        "schema.pattern",
        Severity::Error,
        "A string does not match its `pattern`.",
        "schema `pattern`",
    ),
    (
        "schema.nullable",
        Severity::Error,
        "null where the schema is not `nullable` (OAS 3.0.3).",
        "schema `nullable`",
    ),
    (
        "schema.undocumented-property",
        Severity::Warning,
        "A property the schema does not document.",
        "schema `properties`",
    ),
    (
        "schema.timestamp-format",
        Severity::Warning,
        "A timestamp that is not RFC 3339 where the spec assumes it (`x-unit: rfc3339`).",
        "`x-unit`",
    ),
    (
        "state.final-state-left",
        Severity::Error,
        "A later poll shows a different status after a final one.",
        "`x-state-machine.final`",
    ),
    (
        "state.invalid-transition",
        Severity::Error,
        "A later poll shows a status not reachable from the previous one (backwards or undocumented); skipped states are fine.",
        "`x-state-machine.transitions`",
    ),
    (
        "state.timeout",
        Severity::Error,
        "A resource stays in a state past its timeout (or its deadline field), with one polling interval of tolerance.",
        "`x-state-machine.timeouts`, `x-polling`",
    ),
    (
        "state.status-outcome",
        Severity::Error,
        "The outcome is absent before a final status and matches the final status after.",
        "`x-outcome`",
    ),
    (
        "state.conditional-presence",
        Severity::Error,
        "A property present or absent depending on the status.",
        "`x-presence`",
    ),
    (
        "state.monotonic",
        Severity::Error,
        "A last-updated timestamp goes back within a sequence.",
        "`x-monotonic`",
    ),
    (
        "identity.echo",
        Severity::Error,
        "A request parameter is repeated unchanged in the body.",
        "`x-echo`",
    ),
    (
        "identity.stable",
        Severity::Error,
        "An id never changes within a polling sequence once present.",
        "`x-stable`",
    ),
    (
        "signature.request",
        Severity::Error,
        "A request of a signed-query operation carries a signature that verifies with the configured secret.",
        "`x-signature` (provider-facts.md § Peach Payments)",
    ),
    (
        "signature.response",
        Severity::Error,
        "A response's signature field verifies with the configured secret.",
        "`x-signature.responses: body-field`",
    ),
    (
        "signature.unverifiable",
        Severity::Warning,
        "A signature cannot be re-verified: a secret was redacted from the signed parameters or fields when the traffic was recorded (the signature rules are not evaluated for that exchange).",
        "`x-signature`; pyng-conformance-cli/docs/live.md § Credentials",
    ),
];

/// Every rule: the fixed ones and the `amount.*` invariants of the loaded specs.
pub fn catalogue(specs: &[Spec]) -> Vec<Rule> {
    let mut rules: Vec<Rule> = STATIC
        .iter()
        .map(|(id, severity, description, source)| Rule {
            id: (*id).to_owned(),
            severity: *severity,
            description: (*description).to_owned(),
            source: (*source).to_owned(),
        })
        .collect();
    for spec in specs {
        for model in spec.types.values().filter_map(|t| match t {
            pyng_spec::ir::TypeDef::Model(m) => Some(m),
            pyng_spec::ir::TypeDef::Enum(_) => None,
        }) {
            for inv in &model.invariants {
                let source = inv
                    .source
                    .as_ref()
                    .map_or_else(|| spec.file.clone(), ToString::to_string);
                if let Some(existing) = rules.iter_mut().find(|r| r.id == inv.id) {
                    if !existing.source.contains(&source) {
                        existing.source.push_str("; ");
                        existing.source.push_str(&source);
                    }
                    continue;
                }
                rules.push(Rule {
                    id: inv.id.clone(),
                    severity: Severity::Error,
                    description: format!(
                        "{} (`{}` on {})",
                        inv.description
                            .as_deref()
                            .unwrap_or("Amount invariant")
                            .trim(),
                        inv.expr,
                        model.name
                    ),
                    source,
                });
            }
        }
    }
    rules
}

/// `--deny`, `--allow` (a rule id or a category such as `schema`) and `--strict`.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    pub deny: Vec<String>,
    pub allow: Vec<String>,
    /// Warnings count as errors.
    pub strict: bool,
}

/// 2 for an exact rule id, 1 for its category, 0 for no match.
fn specificity(pattern: &str, rule: &str) -> u8 {
    if pattern == rule {
        2
    } else if rule.split('.').next() == Some(pattern) {
        1
    } else {
        0
    }
}

impl Policy {
    /// The finding with its effective severity, or `None` when allowed.
    /// The most specific pattern wins; between equals, `--deny` does.
    pub fn apply(&self, mut f: Finding) -> Option<Finding> {
        let best = |patterns: &[String]| {
            patterns
                .iter()
                .map(|p| specificity(p, &f.rule))
                .max()
                .unwrap_or(0)
        };
        let (deny, allow) = (best(&self.deny), best(&self.allow));
        if allow > deny {
            return None;
        }
        if deny > 0 || self.strict {
            f.severity = Severity::Error;
        }
        Some(f)
    }

    /// Whether a pattern names a known rule or category.
    pub fn known(pattern: &str, rules: &[Rule]) -> bool {
        rules.iter().any(|r| specificity(pattern, &r.id) > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(rule: &str, severity: Severity) -> Finding {
        Finding::new(rule, severity, "x", String::new())
    }

    #[test]
    fn most_specific_pattern_wins() {
        let p = Policy {
            deny: vec!["schema.undocumented-property".into()],
            allow: vec!["schema".into()],
            strict: false,
        };
        assert_eq!(
            p.apply(f("schema.undocumented-property", Severity::Warning))
                .unwrap()
                .severity,
            Severity::Error
        );
        assert!(p.apply(f("schema.type", Severity::Error)).is_none());
        assert_eq!(
            p.apply(f("state.timeout", Severity::Error))
                .unwrap()
                .severity,
            Severity::Error
        );
        let strict = Policy {
            strict: true,
            ..Policy::default()
        };
        assert_eq!(
            strict
                .apply(f("input.unmatched", Severity::Warning))
                .unwrap()
                .severity,
            Severity::Error
        );
        assert_eq!(
            Policy::default()
                .apply(f("input.unmatched", Severity::Warning))
                .unwrap()
                .severity,
            Severity::Warning
        );
    }
}
