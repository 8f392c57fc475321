//! Loading: text -> YAML -> OpenAPI model -> IR, then lint. Every problem is
//! reported with file, line and column.

use std::path::Path;

use serde_json::Value;

use crate::diag::{Diagnostic, Diagnostics, Located, Problem};
use crate::imports::ReadFile;
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
    /// The other files the spec refers to and that were read, by the path
    /// they were read by (e.g. to rebuild when one changes).
    pub imports: Vec<String>,
}

/// Loads and lints a spec file; files it refers to are read from the file
/// system, relative to its directory.
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

/// Loads and lints a spec from text; `file` names it in diagnostics and is
/// the path other files it refers to are read relative to (from the file system).
pub fn load_str(file: &str, text: &str) -> Result<Loaded, Diagnostics> {
    load_with(file, text, &|name| std::fs::read_to_string(name))
}

/// Loads and lints a spec from text, reading the files it refers to
/// (`$ref: "common.yaml#/components/schemas/X"`) with `read`, by their path
/// joined onto `file`'s directory (`specs/pyng/a.yaml` -> `specs/pyng/common.yaml`).
pub fn load_with(file: &str, text: &str, read: ReadFile<'_>) -> Result<Loaded, Diagnostics> {
    let text = strip_bom(text);
    let (raw, mut source_map) = parse(file, text)?;
    if reads_as_shared(&raw) {
        return Err(Diagnostics(vec![Diagnostic::new(
            file,
            1,
            1,
            RuleId::LintOpenapiStructure,
            "no `openapi` version: this reads as a shared-components file, which specs use through `$ref`s to it (`common.yaml#/components/schemas/Name`); load the specs that refer to it".to_owned(),
        )]));
    }
    let imported =
        crate::imports::import(file, raw, read, &|name, text| parse(name, strip_bom(text)));
    for (at, index) in &imported.placed {
        let shared = &imported.files[*index];
        source_map.import(at, &shared.name, &shared.source_map);
    }
    let composed = crate::compose::compose(imported.doc);
    for (to, from) in &composed.moved {
        source_map.alias(to, from);
    }
    let raw = composed.doc;
    let doc: openapiv3::OpenAPI = serde_path_to_error::deserialize(raw.clone()).map_err(|e| {
        let pointer = path_to_pointer(e.path());
        let (in_file, pos) = source_map.locate(&pointer, true);
        Diagnostics(vec![Diagnostic::new(
            in_file.unwrap_or(file),
            pos.line,
            pos.column,
            RuleId::LintOpenapiStructure,
            format!(
                "not a valid OpenAPI 3.0 document at `{}`: {}",
                e.path(),
                e.inner()
            ),
        )])
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
    absorb_import_problems(&mut problems, imported.problems);
    let mut texts: Vec<(&str, Vec<&str>)> = vec![(file, text.lines().collect())];
    for shared in &imported.files {
        texts.push((&shared.name, shared.text.lines().collect()));
    }
    let mut located: Vec<Located> = problems
        .into_iter()
        .map(|p| {
            let (in_file, mut pos) = spec.source_map.locate(&p.pointer, p.at_key);
            let in_file = in_file.unwrap_or(file);
            if let Some(offset) = p.offset {
                let lines = texts
                    .iter()
                    .find(|(f, _)| *f == in_file)
                    .map_or(&[][..], |(_, l)| &l[..]);
                pos.column += offset + usize::from(opens_with_quote(lines, pos));
            }
            let mut diagnostic = Diagnostic::new(in_file, pos.line, pos.column, p.rule, p.message);
            diagnostic.help = p.help;
            Located {
                diagnostic,
                needs: p.needs,
                leaves_missing: p.leaves_missing,
            }
        })
        .collect();
    located.extend(imported.diagnostics.into_iter().map(|diagnostic| Located {
        diagnostic,
        needs: Vec::new(),
        leaves_missing: None,
    }));
    let key = |d: &Diagnostic| (d.file.clone(), d.line, d.column, d.rule, d.message.clone());
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
        imports: imported.files.into_iter().map(|f| f.name).collect(),
    })
}

/// Whether `text` is a shared-components file rather than a spec: a YAML
/// mapping with `components` and no `openapi` version, which specs use through
/// `$ref`s to it. Such a file is read only through the specs that refer to it.
pub fn is_shared_components(text: &str) -> bool {
    serde_yaml::from_str(strip_bom(text))
        .ok()
        .and_then(|yaml| yaml_to_json(yaml).ok())
        .is_some_and(|doc| reads_as_shared(&doc))
}

/// [`is_shared_components`] of a parsed document.
fn reads_as_shared(doc: &Value) -> bool {
    doc.get("openapi").is_none() && doc.get("components").is_some()
}

/// A leading byte order mark is not content (editors hide it): the parser would
/// take it for a document of its own, and columns count from after it.
fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// Text -> JSON document and the positions of its nodes.
fn parse(file: &str, text: &str) -> Result<(Value, SourceMap), Diagnostics> {
    let at = |line: usize, column: usize, rule: RuleId, message: String| {
        Diagnostics(vec![Diagnostic::new(file, line, column, rule, message)])
    };
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
    let source_map = SourceMap::build(text);
    let raw = yaml_to_json(yaml).map_err(|m| at(1, 1, RuleId::LintYamlSyntax, m))?;
    Ok((raw, source_map))
}

/// The lowering and the linter find a reference the import could not resolve
/// too (as dangling, or as not local): the import's problem, which says why,
/// stands for theirs, and takes over what theirs leaves missing.
fn absorb_import_problems(problems: &mut Vec<Problem>, mut imports: Vec<Problem>) {
    let at_import = |pointer: &str| {
        imports.iter().position(|i| {
            i.pointer == pointer || crate::pointer::parent(&i.pointer) == Some(pointer)
        })
    };
    let mut kept = Vec::with_capacity(problems.len());
    let mut taken = Vec::new();
    for p in problems.drain(..) {
        let about_refs = matches!(
            p.rule,
            RuleId::LintDanglingRef | RuleId::LintUnsupported | RuleId::LintRefCycle
        );
        match at_import(&p.pointer).filter(|_| about_refs) {
            Some(i) => taken.push((i, p.leaves_missing)),
            None => kept.push(p),
        }
    }
    for (i, leaves_missing) in taken {
        if imports[i].leaves_missing.is_none() {
            imports[i].leaves_missing = leaves_missing;
        }
    }
    kept.append(&mut imports);
    *problems = kept;
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
