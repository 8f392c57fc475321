//! Loading: text -> YAML -> OpenAPI model -> IR, then lint. Every problem is
//! reported with file, line and column.

use std::path::Path;

use serde_json::Value;

use crate::diag::{Diagnostic, Diagnostics, Located, Problem};
use crate::ir::Spec;
use crate::lower::Lowerer;
use crate::registry::RuleId;
use crate::source_map::SourceMap;

/// A spec that loaded, with any warnings.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The spec's IR.
    pub spec: Spec,
    /// The lint findings of severity warning (an error would have rejected the spec).
    pub warnings: Diagnostics,
}

/// Loads and lints a spec file.
pub fn load_file(path: impl AsRef<Path>) -> Result<Loaded, Diagnostics> {
    let path = path.as_ref();
    let file = path.display().to_string();
    match std::fs::read_to_string(path) {
        Ok(text) => load_str(&file, &text),
        Err(e) => Err(Diagnostics(vec![Diagnostic::new(
            &file,
            1,
            1,
            RuleId::LintUnreadable,
            format!("cannot read the spec: {e}"),
        )])),
    }
}

/// The spec's stable name: the file stem in snake case (`transaction-status.yaml`
/// -> `transaction_status`).
pub fn spec_name(file: &str) -> String {
    let stem = Path::new(file)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("spec");
    stem.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// Loads and lints a spec from text; `file` names it in diagnostics.
pub fn load_str(file: &str, text: &str) -> Result<Loaded, Diagnostics> {
    let at = |line: usize, column: usize, rule: RuleId, message: String| {
        Diagnostics(vec![Diagnostic::new(file, line, column, rule, message)])
    };
    // A leading byte order mark is not content (editors hide it): the parser would
    // take it for a document of its own, and columns count from after it.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    crate::nesting::check(text).map_err(|at_pos| {
        at(
            at_pos.line,
            at_pos.column,
            RuleId::LintNestingDepth,
            format!(
                "collections nest deeper than {} levels, the loader's limit (specs/README.md)",
                crate::nesting::MAX_DEPTH
            ),
        )
    })?;
    let yaml: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| {
        // Whole-file errors point at the start of the file; positions are 1-based.
        let (line, column) = e
            .location()
            .map(|l| (l.line().max(1), l.column().max(1)))
            .unwrap_or((1, 1));
        at(
            line,
            column,
            RuleId::LintYamlSyntax,
            format!("YAML syntax: {e}"),
        )
    })?;
    let mut source_map = SourceMap::build(text);
    let raw = yaml_to_json(yaml).map_err(|m| at(1, 1, RuleId::LintYamlSyntax, m))?;
    let composed = crate::compose::compose(raw);
    for (to, from) in &composed.moved {
        source_map.alias(to, from);
    }
    let raw = composed.doc;
    let doc: openapiv3::OpenAPI = serde_path_to_error::deserialize(raw.clone()).map_err(|e| {
        let pointer = path_to_pointer(e.path());
        let pos = source_map.key(&pointer);
        at(
            pos.line,
            pos.column,
            RuleId::LintOpenapiStructure,
            format!(
                "not a valid OpenAPI 3.0 document at `{}`: {}",
                e.path(),
                e.inner()
            ),
        )
    })?;
    let mut problems = composed.problems;
    if !doc.openapi.starts_with("3.0.") {
        problems.push(Problem::new(
            "/openapi",
            RuleId::LintOpenapiStructure,
            format!("OpenAPI 3.0.x is required, found {}", doc.openapi),
        ));
    }
    let mut lowerer = Lowerer::new(&doc);
    let spec = lowerer.lower_spec(file, &spec_name(file), source_map);
    problems.append(&mut lowerer.problems);
    crate::lint::lint(&spec, &raw, &composed.refusals, &mut problems);
    let lines: Vec<&str> = text.lines().collect();
    let mut located: Vec<Located> = problems
        .into_iter()
        .map(|p| {
            let mut pos = if p.at_key {
                spec.source_map.key(&p.pointer)
            } else {
                spec.source_map.value(&p.pointer)
            };
            if let Some(offset) = p.offset {
                pos.column += offset + usize::from(opens_with_quote(&lines, pos));
            }
            let mut diagnostic = Diagnostic::new(file, pos.line, pos.column, p.rule, p.message);
            diagnostic.help = p.help;
            Located {
                diagnostic,
                needs: p.needs,
                leaves_missing: p.leaves_missing,
            }
        })
        .collect();
    let key = |d: &Diagnostic| (d.line, d.column, d.rule, d.message.clone());
    located.sort_by_key(|l| key(&l.diagnostic));
    located.dedup_by(|a, b| a.diagnostic == b.diagnostic);
    let diagnostics = crate::diag::fold(located);
    let diagnostics = Diagnostics(diagnostics);
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    Ok(Loaded {
        spec,
        warnings: diagnostics,
    })
}

/// Whether the scalar at `pos` is quoted, so that offsets into its value skip the quote.
fn opens_with_quote(lines: &[&str], pos: crate::source_map::Position) -> bool {
    let line = lines.get(pos.line.saturating_sub(1)).copied().unwrap_or("");
    matches!(
        line.chars().nth(pos.column.saturating_sub(1)),
        Some('"' | '\'')
    )
}

fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for seg in path.iter() {
        match seg {
            Segment::Seq { index } => pointer = crate::pointer::push(&pointer, &index.to_string()),
            Segment::Map { key } => pointer = crate::pointer::push(&pointer, key),
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    pointer
}

/// YAML -> JSON, turning non-string keys (e.g. unquoted status codes) into strings.
fn yaml_to_json(v: serde_yaml::Value) -> Result<Value, String> {
    use serde_yaml::Value as Y;
    Ok(match v {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                serde_json::Number::from_f64(n.as_f64().unwrap_or(f64::NAN))
                    .map(Value::Number)
                    .ok_or_else(|| format!("the number {n} cannot be represented in JSON"))?
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(
            items
                .into_iter()
                .map(yaml_to_json)
                .collect::<Result<_, _>>()?,
        ),
        Y::Mapping(map) => {
            let mut out = serde_json::Map::new();
            for (k, v) in map {
                let key = match k {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    other => return Err(format!("mapping keys must be scalars, found {other:?}")),
                };
                out.insert(key, yaml_to_json(v)?);
            }
            Value::Object(out)
        }
        Y::Tagged(t) => yaml_to_json(t.value)?,
    })
}
