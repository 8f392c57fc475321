//! `cargo xtask diff OLD.yaml NEW.yaml`: the semantic diff of two specs as text
//! (coloured on a terminal), JSON or Markdown (a PR comment), and with
//! `--fail-on` a gate a PR's CI can run.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

use pyng_spec::diff::{self, Change, Class};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Markdown,
}

/// Which changes make the command exit 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// Never: the diff is informative only.
    Never,
    /// Any breaking change.
    Breaking,
    /// Any change at all.
    Any,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// The spec before the change: a file, or `REV:PATH` (as `git show` spells
    /// it, e.g. `main:specs/pyng/x.yaml`) for the spec and the files it refers
    /// to as they were at that revision.
    pub old: PathBuf,
    /// The spec after the change.
    pub new: PathBuf,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Exit 1 when the diff has changes of this class (a PR gate).
    #[arg(long, value_enum, default_value_t = FailOn::Never)]
    pub fail_on: FailOn,
    /// Colour the text format: `auto` on a terminal unless NO_COLOR is set.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Where `git` reads a `REV:PATH` from; `None`: the current directory.
    #[arg(skip)]
    pub git_dir: Option<PathBuf>,
}

/// What the run found, for the exit status.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    /// `--fail-on` matched this many changes.
    Fail(usize),
}

pub fn run(args: &DiffArgs, out: &mut dyn Write) -> Result<Verdict, String> {
    let load = |p: &Path| match at_revision(p) {
        Some((rev, path)) => load_at_revision(args.git_dir.as_deref(), rev, path),
        None => pyng_spec::load_file(p)
            .map(|l| l.spec)
            .map_err(|d| d.to_string()),
    };
    let (old_spec, new_spec) = (load(&args.old)?, load(&args.new)?);
    let changes = diff::diff(&old_spec, &new_spec);
    let colour = match args.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            pyng_spec::Style::for_terminal(io::stdout().is_terminal()) == pyng_spec::Style::Colour
        }
    };
    let text = match args.format {
        Format::Text => text(&changes, colour),
        Format::Json => json(&args.old, &args.new, &changes),
        Format::Markdown => markdown(&args.old, &args.new, &changes),
    };
    crate::write_out(out, &text)?;
    let failing = changes
        .iter()
        .filter(|c| match args.fail_on {
            FailOn::Never => false,
            FailOn::Breaking => c.class == Class::Breaking,
            FailOn::Any => true,
        })
        .count();
    Ok(if failing == 0 {
        Verdict::Pass
    } else {
        Verdict::Fail(failing)
    })
}

/// `REV:PATH` split, when `p` is not a file of its own name.
fn at_revision(p: &Path) -> Option<(&str, &str)> {
    let text = p.to_str()?;
    let (rev, path) = text.split_once(':')?;
    (!rev.is_empty() && !path.is_empty() && !p.exists()).then_some((rev, path))
}

/// The spec at `path` as revision `rev` has it, each file it refers to read
/// from the same revision (so a shared file's change is part of the diff).
fn load_at_revision(
    git_dir: Option<&Path>,
    rev: &str,
    path: &str,
) -> Result<pyng_spec::ir::Spec, String> {
    let show = |name: &str| -> io::Result<String> {
        let mut git = std::process::Command::new("git");
        if let Some(dir) = git_dir {
            git.arg("-C").arg(dir);
        }
        // `./`: the path is relative to where git runs, as on the command line.
        let out = git.args(["show", &format!("{rev}:./{name}")]).output()?;
        if !out.status.success() {
            let why = String::from_utf8_lossy(&out.stderr);
            return Err(io::Error::other(format!(
                "git show {rev}:{name}: {}",
                why.trim()
            )));
        }
        String::from_utf8(out.stdout).map_err(|e| io::Error::other(e.to_string()))
    };
    let text = show(path).map_err(|e| e.to_string())?;
    pyng_spec::load_with(path, &text, &show)
        .map(|l| l.spec)
        .map_err(|d| format!("{rev}:{path} does not load:\n{d}"))
}

fn breaking(changes: &[Change]) -> usize {
    changes
        .iter()
        .filter(|c| c.class == Class::Breaking)
        .count()
}

fn text(changes: &[Change], colour: bool) -> String {
    if changes.is_empty() {
        return "no semantic changes\n".to_owned();
    }
    let mut s = String::new();
    for c in changes {
        let line = c.to_string();
        if colour {
            let code = match c.class {
                Class::Breaking => "31",
                Class::NonBreaking => "32",
            };
            s.push_str(&format!("\x1b[{code}m{line}\x1b[0m\n"));
        } else {
            s.push_str(&line);
            s.push('\n');
        }
    }
    let b = breaking(changes);
    s.push_str(&format!(
        "{} changes, {b} breaking, {} not breaking\n",
        changes.len(),
        changes.len() - b
    ));
    s
}

/// `FieldMadeRequired` -> `field-made-required`: a stable id for tools.
fn kind_id(c: &Change) -> String {
    let mut id = String::new();
    for (i, ch) in format!("{:?}", c.kind).chars().enumerate() {
        if ch.is_ascii_uppercase() && i > 0 {
            id.push('-');
        }
        id.push(ch.to_ascii_lowercase());
    }
    id
}

fn json(old: &Path, new: &Path, changes: &[Change]) -> String {
    let list: Vec<serde_json::Value> = changes
        .iter()
        .map(|c| {
            serde_json::json!({
                "class": c.class.to_string(),
                "kind": kind_id(c),
                "at": c.at,
                "detail": c.detail,
            })
        })
        .collect();
    let b = breaking(changes);
    let doc = serde_json::json!({
        "old": old.display().to_string(),
        "new": new.display().to_string(),
        "changes": list,
        "summary": {"changes": changes.len(), "breaking": b, "nonBreaking": changes.len() - b},
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

/// A cell's text: `|` and line breaks would end the cell or the row.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}

fn markdown(old: &Path, new: &Path, changes: &[Change]) -> String {
    let b = breaking(changes);
    let mut s = format!(
        "### Spec diff: `{}` -> `{}`\n\n",
        cell(&old.display().to_string()),
        cell(&new.display().to_string())
    );
    if changes.is_empty() {
        s.push_str("No semantic changes.\n");
        return s;
    }
    s.push_str(&format!(
        "**{} changes, {b} breaking, {} not breaking.**\n\n| | class | where | change |\n|---|---|---|---|\n",
        changes.len(),
        changes.len() - b
    ));
    for c in changes {
        let mark = match c.class {
            Class::Breaking => ":x:",
            Class::NonBreaking => ":white_check_mark:",
        };
        s.push_str(&format!(
            "| {mark} | {} | `{}` | {} |\n",
            c.class,
            cell(&c.at),
            cell(&c.detail)
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(dir: &Path, name: &str, text: &str) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    const OLD: &str = r##"
openapi: 3.0.3
info: {title: T, version: 1.0.0}
paths:
  /things/{id}:
    get:
      operationId: getThing
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        "200":
          description: OK
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Thing"}
components:
  schemas:
    Thing:
      type: object
      required: [id]
      properties:
        id: {type: string}
        note: {type: string}
"##;

    fn args(old: PathBuf, new: PathBuf, format: Format, fail_on: FailOn) -> DiffArgs {
        DiffArgs {
            old,
            new,
            format,
            fail_on,
            color: Color::Never,
            git_dir: None,
        }
    }

    fn fixture() -> (tempfile::TempDir, PathBuf, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let old = spec(dir.path(), "old.yaml", OLD);
        // `note` removed (breaking), `extra|x` added (not breaking).
        let new_text = OLD.replace(
            "        note: {type: string}",
            "        \"extra|x\": {type: string}",
        );
        let new = spec(dir.path(), "new.yaml", &new_text);
        (dir, old, new)
    }

    #[test]
    fn fail_on_gates_by_class() {
        let (_dir, old, new) = fixture();
        let mut out = Vec::new();
        let verdict = |fail_on| {
            run(
                &args(old.clone(), new.clone(), Format::Text, fail_on),
                &mut Vec::new(),
            )
            .unwrap()
        };
        assert_eq!(verdict(FailOn::Never), Verdict::Pass);
        assert_eq!(verdict(FailOn::Breaking), Verdict::Fail(1));
        assert_eq!(verdict(FailOn::Any), Verdict::Fail(2));
        // No change at all passes every gate.
        let same = run(
            &args(old.clone(), old.clone(), Format::Text, FailOn::Any),
            &mut out,
        )
        .unwrap();
        assert_eq!(same, Verdict::Pass);
        assert_eq!(String::from_utf8(out).unwrap(), "no semantic changes\n");
    }

    #[test]
    fn json_and_markdown_carry_every_change() {
        let (_dir, old, new) = fixture();
        let mut out = Vec::new();
        run(
            &args(old.clone(), new.clone(), Format::Json, FailOn::Never),
            &mut out,
        )
        .unwrap();
        let doc: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(doc["summary"]["changes"], 2);
        assert_eq!(doc["summary"]["breaking"], 1);
        let kinds: Vec<&str> = doc["changes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["kind"].as_str().unwrap())
            .collect();
        assert!(kinds.contains(&"field-removed"), "{kinds:?}");
        assert!(kinds.contains(&"field-added"), "{kinds:?}");
        let mut md = Vec::new();
        run(&args(old, new, Format::Markdown, FailOn::Never), &mut md).unwrap();
        let md = String::from_utf8(md).unwrap();
        assert!(
            md.contains("**2 changes, 1 breaking, 1 not breaking.**"),
            "{md}"
        );
        let rows: Vec<&str> = md.lines().filter(|l| l.starts_with("| :")).collect();
        assert_eq!(rows.len(), 2, "{md}");
        // A `|` in a name is escaped, so every row keeps its four cells.
        assert!(rows.iter().all(|r| r.matches(" | ").count() == 3), "{md}");
    }

    /// `REV:PATH` reads the spec and its shared file from the revision, so an
    /// edit of the shared file alone is a change of the spec.
    #[test]
    fn a_revision_brings_the_shared_files_of_its_time() {
        let dir = tempfile::tempdir().unwrap();
        let shared = "components:\n  schemas:\n    Thing:\n      type: object\n      required: [id]\n      properties:\n        id: {type: string}\n        note: {type: string}\n";
        let text = OLD.split("components:").next().unwrap().replace(
            "#/components/schemas/Thing",
            "common.yaml#/components/schemas/Thing",
        );
        let new = spec(dir.path(), "thing.yaml", &text);
        spec(dir.path(), "common.yaml", shared);
        crate::draft_loop::git(dir.path(), &["init", "-q"]);
        crate::draft_loop::git(dir.path(), &["add", "-A"]);
        crate::draft_loop::git(dir.path(), &["commit", "-q", "-m", "old"]);
        spec(
            dir.path(),
            "common.yaml",
            &shared.replace("        note: {type: string}\n", ""),
        );
        let mut a = args(
            "HEAD:thing.yaml".into(),
            new,
            Format::Text,
            FailOn::Breaking,
        );
        a.git_dir = Some(dir.path().to_path_buf());
        let mut out = Vec::new();
        assert_eq!(run(&a, &mut out).unwrap(), Verdict::Fail(1));
        let out = String::from_utf8(out).unwrap();
        assert!(out.contains("note"), "{out}");
        // A revision that does not have the file says so.
        a.old = "HEAD:nothing.yaml".into();
        let err = run(&a, &mut Vec::new()).unwrap_err();
        assert!(err.contains("git show HEAD:nothing.yaml"), "{err}");
    }

    #[test]
    fn colour_only_when_asked() {
        let (_dir, old, new) = fixture();
        let mut plain = Vec::new();
        run(
            &args(old.clone(), new.clone(), Format::Text, FailOn::Never),
            &mut plain,
        )
        .unwrap();
        assert!(!plain.contains(&0x1b));
        let mut coloured = Vec::new();
        let mut a = args(old, new, Format::Text, FailOn::Never);
        a.color = Color::Always;
        run(&a, &mut coloured).unwrap();
        let coloured = String::from_utf8(coloured).unwrap();
        assert!(coloured.contains("\x1b[31mbreaking"), "{coloured:?}");
    }
}
