//! References to other files (`$ref: "common.yaml#/components/schemas/LineItem"`),
//! resolved before anything else reads the document: each component such a
//! reference names is copied into this document's `components` under the same
//! kind and name, and the reference becomes local (`#/components/schemas/LineItem`).
//! Every later layer then reads one document and never knows files were
//! shared. The copy keeps its positions in its own file, so a problem in it is
//! reported there.
//!
//! Inside an imported component, a local reference (`#/components/...`) means
//! the imported file's component and is imported in turn; a reference back to
//! the spec's own file stays local. What is refused, each at the `$ref`: a
//! remote URL, a reference to a whole file or to anything but a component, and
//! two components of one kind and name from different files (the copy would
//! have to be renamed, and a generated type would silently change).

use std::collections::{BTreeMap, VecDeque};

use serde_json::{Map, Value};

use crate::diag::{Diagnostic, Problem};
use crate::pointer::{push, tokens};
use crate::registry::RuleId;
use crate::source_map::SourceMap;

/// Reads a file that a spec refers to, by the path the loader resolved
/// (relative to the referring file's directory, joined onto its path).
pub type ReadFile<'a> = &'a dyn Fn(&str) -> std::io::Result<String>;

/// The component kinds a reference may name (OpenAPI 3.0.3 Components Object).
const KINDS: &[&str] = &[
    "schemas",
    "responses",
    "parameters",
    "examples",
    "requestBodies",
    "headers",
    "securitySchemes",
    "links",
    "callbacks",
];

/// Keywords whose values are data, where a `$ref` key is not a reference.
const DATA_KEYWORDS: &[&str] = &["example", "default", "enum", "const"];

/// A file read for its components, as the loader parsed it.
pub(crate) struct SharedFile {
    pub name: String,
    pub text: String,
    pub doc: Value,
    pub source_map: SourceMap,
}

/// The document with every other-file reference resolved.
pub(crate) struct Imported {
    pub doc: Value,
    /// The files read, in the order first referred to.
    pub files: Vec<SharedFile>,
    /// `(pointer, file)`: the component at `pointer` was copied from the same
    /// pointer in `files[file]`.
    pub placed: Vec<(String, usize)>,
    /// Problems at a `$ref` (in the document, or in an imported copy).
    pub problems: Vec<Problem>,
    /// Problems of a referenced file as a whole (it does not parse), located there.
    pub diagnostics: Vec<Diagnostic>,
}

/// One reference found, to resolve: the pointer of its string, and what it names.
struct Pending {
    at: String,
    reference: String,
    file: String,
    kind: String,
    name: String,
}

/// The loader's parser: a file's text -> its document and source map, or its
/// problems as a whole (it does not parse).
pub(crate) type Parse<'a> =
    &'a dyn Fn(&str, &str) -> Result<(Value, SourceMap), crate::diag::Diagnostics>;

/// Resolves the other-file references of `doc`, the document of `file`.
pub(crate) fn import(file: &str, doc: Value, read: ReadFile<'_>, parse: Parse<'_>) -> Imported {
    let mut importer = Importer {
        main: normalise(file.split('/')),
        owners: BTreeMap::new(),
        files: Vec::new(),
        unreadable: BTreeMap::new(),
        placed: Vec::new(),
        problems: Vec::new(),
        diagnostics: Vec::new(),
        read,
        parse,
    };
    let mut doc = doc;
    if let Some(components) = doc.get("components").and_then(Value::as_object) {
        for (kind, members) in components {
            for name in members.as_object().into_iter().flat_map(Map::keys) {
                importer
                    .owners
                    .insert((kind.clone(), name.clone()), importer.main.clone());
            }
        }
    }
    let mut queue = VecDeque::new();
    let mut found = Vec::new();
    importer.walk(&doc, "", file, true, None, &mut found);
    queue.extend(found);
    while let Some(pending) = queue.pop_front() {
        if let Some(placed_at) = importer.resolve(&pending, &mut doc) {
            if let Some(Value::String(s)) = doc.pointer_mut(&pending.at) {
                *s = format!("#{}", local(&pending.kind, &pending.name));
            }
            if let Some((at, from)) = placed_at {
                let mut found = Vec::new();
                if let Some(node) = doc.pointer(&at) {
                    importer.walk(node, &at, &from, false, None, &mut found);
                }
                queue.extend(found);
            }
        }
    }
    Imported {
        doc,
        files: importer.files,
        placed: importer.placed,
        problems: importer.problems,
        diagnostics: importer.diagnostics,
    }
}

fn local(kind: &str, name: &str) -> String {
    push(&push("/components", kind), name)
}

struct Importer<'r> {
    main: String,
    /// Who defines each `(kind, name)` of the document: its own file or the
    /// file it was imported from.
    owners: BTreeMap<(String, String), String>,
    files: Vec<SharedFile>,
    /// Files that could not be read or parsed, with why.
    unreadable: BTreeMap<String, String>,
    placed: Vec<(String, usize)>,
    problems: Vec<Problem>,
    diagnostics: Vec<Diagnostic>,
    read: ReadFile<'r>,
    parse: Parse<'r>,
}

impl Importer<'_> {
    /// Collects the references under `value` (at `at`, written in `here`)
    /// that name a component of another file, or, in an imported copy
    /// (`in_main` false), any component. `parent` is the key `value` stands under.
    fn walk(
        &mut self,
        value: &Value,
        at: &str,
        here: &str,
        in_main: bool,
        parent: Option<&str>,
        found: &mut Vec<Pending>,
    ) {
        match value {
            Value::Object(map) => {
                let named = parent.is_some_and(|p| crate::lint::NAME_MAPS.contains(&p));
                if let (false, Some(Value::String(reference))) = (named, map.get("$ref")) {
                    self.reference(reference, &push(at, "$ref"), here, in_main, found);
                }
                let mapping = parent == Some("mapping");
                for (key, child) in map {
                    let child_at = push(at, key);
                    if !named && (key == "$ref" || is_data(key, map)) {
                        continue;
                    }
                    if mapping {
                        // A discriminator mapping's value is a reference or a bare name.
                        if let Value::String(s) = child
                            && (s.contains('#') || s.contains('/'))
                        {
                            self.reference(s, &child_at, here, in_main, found);
                        }
                        continue;
                    }
                    // The members of a named map are never named maps themselves.
                    let child_parent = if named { None } else { Some(key.as_str()) };
                    self.walk(child, &child_at, here, in_main, child_parent, found);
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.walk(item, &push(at, &i.to_string()), here, in_main, None, found);
                }
            }
            _ => {}
        }
    }

    /// Classifies one reference string at `at`.
    fn reference(
        &mut self,
        reference: &str,
        at: &str,
        here: &str,
        in_main: bool,
        found: &mut Vec<Pending>,
    ) {
        let (path, fragment) = match reference.split_once('#') {
            Some((path, fragment)) => (path, fragment),
            None => (reference, ""),
        };
        if path.is_empty() && in_main {
            return;
        }
        if path.contains("://") || path.starts_with("//") {
            self.refuse(
                at,
                format!(
                    "`$ref` `{reference}` is a remote reference, which the kit does not fetch; copy the file beside the spec and refer to it by a relative path"
                ),
            );
            return;
        }
        let file = if path.is_empty() {
            here.to_owned()
        } else {
            join(here, path)
        };
        let shape = tokens(fragment).filter(|t| t.len() == 3 && t[0] == "components");
        let Some(parts) = shape.filter(|t| KINDS.contains(&t[1].as_str())) else {
            let whole = if fragment.is_empty() {
                "names a whole file"
            } else {
                "does not name a component"
            };
            self.refuse(
                at,
                format!(
                    "`$ref` `{reference}` {whole}; a reference to another file must name one component, e.g. `{path}#/components/schemas/Name`"
                ),
            );
            return;
        };
        found.push(Pending {
            at: at.to_owned(),
            reference: reference.to_owned(),
            file,
            kind: parts[1].clone(),
            name: parts[2].clone(),
        });
    }

    fn refuse(&mut self, at: &str, message: String) {
        self.problems
            .push(Problem::new(at, RuleId::LintUnsupported, message));
    }

    /// Makes the component `pending` names part of `doc`. `None`: it cannot
    /// be (reported). `Some(Some((pointer, file)))`: it was copied to
    /// `pointer` from `file` now, and its own references are to be read.
    fn resolve(&mut self, pending: &Pending, doc: &mut Value) -> Option<Option<(String, String)>> {
        let key = (pending.kind.clone(), pending.name.clone());
        let target = local(&pending.kind, &pending.name);
        if self.owners.get(&key) == Some(&pending.file) {
            return Some(None);
        }
        if pending.file == self.main {
            // The spec's own file, spelt as a path, and a component it lacks:
            // the text loaded is the spec, so it is not read again.
            let message = format!("`$ref` `{}`: the spec has no `{target}`", pending.reference);
            self.problems
                .push(Problem::new(&pending.at, RuleId::LintDanglingRef, message));
            return None;
        }
        let index = self.file(&pending.file, pending)?;
        let shared = &self.files[index];
        let Some(node) = shared.doc.pointer(&target).cloned() else {
            let names = shared
                .doc
                .pointer(&push("/components", &pending.kind))
                .and_then(Value::as_object);
            let help = names.and_then(|m| {
                crate::suggest::closest(&pending.name, m.keys().map(String::as_str)).map(|t| {
                    // The path as the reference spells it, so that it can be pasted.
                    let written = pending.reference.split('#').next().unwrap_or_default();
                    format!("did you mean `{written}#{}`?", local(&pending.kind, t))
                })
            });
            let message = format!(
                "`$ref` `{}`: `{}` has no `{target}`",
                pending.reference, pending.file
            );
            self.problems
                .push(Problem::new(&pending.at, RuleId::LintDanglingRef, message).with_help(help));
            return None;
        };
        if let Some(owner) = self.owners.get(&key) {
            let owner = owner.clone();
            self.problems.push(Problem::new(
                &pending.at,
                RuleId::LintRefNameClash,
                format!(
                    "`$ref` `{}` would import `{}` as `#{target}`, which `{owner}` already defines; a document has one component of each name, so rename one of them",
                    pending.reference, pending.file
                ),
            ));
            return None;
        }
        let root = doc.as_object_mut()?;
        let components = root
            .entry("components")
            .or_insert_with(|| Value::Object(Map::new()));
        let kind = components
            .as_object_mut()?
            .entry(pending.kind.clone())
            .or_insert_with(|| Value::Object(Map::new()));
        kind.as_object_mut()?.insert(pending.name.clone(), node);
        self.owners.insert(key, pending.file.clone());
        self.placed.push((target.clone(), index));
        Some(Some((target, pending.file.clone())))
    }

    /// The index of `name` in `files`, reading and parsing it the first time;
    /// `None` (reported at the reference) when it cannot be read or parsed.
    fn file(&mut self, name: &str, pending: &Pending) -> Option<usize> {
        if let Some(i) = self.files.iter().position(|f| f.name == name) {
            return Some(i);
        }
        let why = match self.unreadable.get(name) {
            Some(why) => why.clone(),
            None => match self.load(name) {
                Ok(shared) => {
                    self.files.push(shared);
                    return Some(self.files.len() - 1);
                }
                Err(why) => {
                    self.unreadable.insert(name.to_owned(), why.clone());
                    why
                }
            },
        };
        self.problems.push(Problem::new(
            &pending.at,
            RuleId::LintDanglingRef,
            format!("`$ref` `{}`: {why}", pending.reference),
        ));
        None
    }

    fn load(&mut self, name: &str) -> Result<SharedFile, String> {
        let text = (self.read)(name).map_err(|e| format!("cannot read `{name}`: {e}"))?;
        match (self.parse)(name, &text) {
            Ok((doc, source_map)) => Ok(SharedFile {
                name: name.to_owned(),
                // Positions are those of the text without a byte order mark.
                text: text.strip_prefix('\u{feff}').unwrap_or(&text).to_owned(),
                doc,
                source_map,
            }),
            Err(diagnostics) => {
                self.diagnostics.extend(diagnostics.0);
                Err(format!("`{name}` does not parse (see its own diagnostics)"))
            }
        }
    }
}

/// Whether `key` of `map` holds data rather than schemas or references: an
/// example's value, a default, an enum, an extension.
fn is_data(key: &str, map: &Map<String, Value>) -> bool {
    if DATA_KEYWORDS.contains(&key) || key.starts_with("x-") {
        return true;
    }
    // An Example Object's `value` (beside `summary`, `description`, `externalValue`).
    key == "value"
        && map.keys().all(|k| {
            k.starts_with("x-")
                || matches!(
                    k.as_str(),
                    "value" | "summary" | "description" | "externalValue"
                )
        })
}

/// `path` (relative, `/`-separated) read from the directory of `from`, with
/// `.` and `..` segments folded: `specs/pyng/a.yaml` + `../common.yaml` ->
/// `specs/common.yaml`. A `..` above `from`'s first segment is kept.
pub(crate) fn join(from: &str, path: &str) -> String {
    if path.starts_with('/') {
        return normalise(path.split('/'));
    }
    match from.rsplit_once('/') {
        Some((dir, _)) => normalise(dir.split('/').chain(path.split('/'))),
        None => normalise(path.split('/')),
    }
}

fn normalise<'a>(segments: impl Iterator<Item = &'a str>) -> String {
    let mut out: Vec<&str> = Vec::new();
    let mut absolute = false;
    for (i, segment) in segments.enumerate() {
        match segment {
            "" if i == 0 => absolute = true,
            "" | "." => {}
            ".." if out.last().is_some_and(|s| *s != "..") => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    let joined = out.join("/");
    if absolute {
        format!("/{joined}")
    } else {
        joined
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_join_from_the_referring_files_directory() {
        assert_eq!(
            join("specs/pyng/a.yaml", "common.yaml"),
            "specs/pyng/common.yaml"
        );
        assert_eq!(
            join("specs/pyng/a.yaml", "../shared/./c.yaml"),
            "specs/shared/c.yaml"
        );
        assert_eq!(join("a.yaml", "b.yaml"), "b.yaml");
        assert_eq!(join("a.yaml", "../b.yaml"), "../b.yaml");
        assert_eq!(join("../specs/x.yaml", "../c.yaml"), "../c.yaml");
        assert_eq!(join("/abs/dir/x.yaml", "c.yaml"), "/abs/dir/c.yaml");
        assert_eq!(join("specs/x.yaml", "/etc/c.yaml"), "/etc/c.yaml");
    }
}
