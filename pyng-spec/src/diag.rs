//! Diagnostics: a problem in a spec, located by file, line and column.

use std::fmt;

use crate::registry::RuleId;

mod fold;
mod render;

pub(crate) use fold::{Located, fold};
pub use render::{Style, colour_wanted};

/// How bad a problem is. Errors reject a spec; warnings are reported only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Reported; the spec still loads.
    Warning,
    /// The spec is rejected.
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// One lint finding against a spec file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The spec file as given to the loader.
    pub file: String,
    /// 1-based; 1 (with column 1) for a problem of the whole file.
    pub line: usize,
    /// 1-based.
    pub column: usize,
    /// Stable rule id, e.g. `lint.unknown-extension`.
    pub rule: &'static str,
    /// How bad the problem is.
    pub severity: Severity,
    /// What is wrong, for humans.
    pub message: String,
    /// What to change, where the linter can tell (`did you mean `Expired`?`).
    pub help: Option<String>,
    /// Problems that follow from this one (the checks that read what this one
    /// leaves missing); fixing this one fixes them.
    pub consequences: Vec<Diagnostic>,
}

impl Diagnostic {
    /// A diagnostic with no help and no consequences.
    pub fn new(file: &str, line: usize, column: usize, rule: RuleId, message: String) -> Self {
        Diagnostic {
            file: file.to_owned(),
            line,
            column,
            rule: rule.name(),
            severity: rule.severity(),
            message,
            help: None,
            consequences: Vec::new(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}[{}]: {}",
            self.file, self.line, self.column, self.severity, self.rule, self.message
        )
    }
}

/// Every problem found while loading one spec.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Whether any diagnostic is an error (the spec is rejected).
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|d| d.severity == Severity::Error)
    }
    /// The diagnostics of severity error, in order.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| d.severity == Severity::Error)
    }
    /// Only the errors.
    pub fn only_errors(&self) -> Diagnostics {
        Diagnostics(self.errors().cloned().collect())
    }
    /// Each diagnostic with the lines of its file around it, a caret at the
    /// offending token, its help and its consequences: what a person reads.
    /// `source` is the text of `file` (the spec loaded); a diagnostic in
    /// another file (a component it imports) shows that file as the file
    /// system has it now. The [`Display`](fmt::Display) form is one line a
    /// diagnostic, for logs and tools.
    pub fn render(&self, file: &str, source: &str, style: Style) -> String {
        self.render_with(
            &|name| {
                if name == file {
                    Some(source.to_owned())
                } else {
                    std::fs::read_to_string(name).ok()
                }
            },
            style,
        )
    }

    /// Like [`Self::render`], with the text of each file from `source_of`
    /// (`None`: the diagnostic is shown without its lines).
    pub fn render_with(&self, source_of: &dyn Fn(&str) -> Option<String>, style: Style) -> String {
        render::render(&self.0, source_of, style)
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            writeln!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

/// A problem found while lowering or linting, located by a JSON pointer into the
/// spec document; turned into a [`Diagnostic`] once positions are looked up.
#[derive(Debug, Clone)]
pub(crate) struct Problem {
    pub pointer: String,
    /// Point at the key of the member rather than its value (e.g. an unknown key).
    pub at_key: bool,
    /// Character offset inside a one-line scalar (e.g. into an invariant expression).
    pub offset: Option<usize>,
    pub rule: RuleId,
    pub message: String,
    pub help: Option<String>,
    /// Pointers of nodes whose absence this problem may follow from (a check
    /// that found no state machine, fields of unresolved type).
    pub needs: Vec<String>,
    /// The pointer of the node this problem leaves missing (the extension a
    /// misspelt key stands for, the field of a dangling `$ref`): problems that
    /// need it, or something under it, are its consequences.
    pub leaves_missing: Option<String>,
}

impl Problem {
    /// A problem with the rule's registered severity.
    pub(crate) fn new(
        pointer: impl Into<String>,
        rule: RuleId,
        message: impl Into<String>,
    ) -> Self {
        Problem {
            pointer: pointer.into(),
            at_key: false,
            offset: None,
            rule,
            message: message.into(),
            help: None,
            needs: Vec::new(),
            leaves_missing: None,
        }
    }
    pub(crate) fn with_help(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }
    pub(crate) fn needs(mut self, pointers: impl IntoIterator<Item = String>) -> Self {
        self.needs.extend(pointers);
        self
    }
    pub(crate) fn leaves_missing(mut self, pointer: impl Into<String>) -> Self {
        self.leaves_missing = Some(pointer.into());
        self
    }
    pub(crate) fn at_offset(mut self, offset: usize) -> Self {
        self.offset = Some(offset);
        self
    }
    pub(crate) fn at_key(mut self) -> Self {
        self.at_key = true;
        self
    }
}
