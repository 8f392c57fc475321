//! The rule catalogue (`pyng-conformance rules`), read from the registry in
//! `pyng_spec::registry`, and the severity policy (`--deny`, `--allow`,
//! `--strict`).

use pyng_spec::ir::{Spec, TypeDef};
use pyng_spec::registry::{INVARIANTS, RULES, Stage};
use serde::Serialize;

use crate::finding::{Finding, Severity};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
/// A rule as `pyng-conformance rules` lists it.
pub struct Rule {
    /// The stable id, `category.name`.
    pub id: String,
    /// Its severity under the policy.
    pub severity: Severity,
    /// What it checks.
    pub description: String,
    /// What in the specs (or the documents) drives the rule.
    pub source: String,
}

/// Every rule a run can report: the registered traffic and body rules
/// (`pyng_spec::registry`, whose `lint.*` rules are spec problems, reported by
/// the loader) and the `amount.*` invariants of the loaded specs.
pub(crate) fn catalogue(specs: &[Spec]) -> Vec<Rule> {
    let mut rules: Vec<Rule> = RULES
        .iter()
        .filter(|r| r.stage != Stage::Spec)
        .map(|r| Rule {
            id: r.name.to_owned(),
            severity: r.severity.into(),
            description: r.description.to_owned(),
            source: r.source.to_owned(),
        })
        .collect();
    for spec in specs {
        for model in spec.types.values().filter_map(|t| match t {
            TypeDef::Model(m) => Some(m),
            TypeDef::Enum(_) | TypeDef::Constrained(_) => None,
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
                let description = inv.description.as_deref().unwrap_or(INVARIANTS.description);
                rules.push(Rule {
                    id: inv.id.clone(),
                    severity: INVARIANTS.severity.into(),
                    description: format!(
                        "{} (`{}` on {})",
                        description.trim(),
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
    /// Rules (or `category` prefixes) made errors.
    pub deny: Vec<String>,
    /// Rules (or `category` prefixes) not reported.
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
