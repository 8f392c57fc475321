//! One snapshot per spec of the **public surface** of its generated module
//! (types, fields with wire names and units, variants with their state-machine
//! roles, transitions, timeouts, operations, the rules `check()` enforces): a
//! spec edit shows up in `cargo insta review` as what it means for a partner's
//! code. The generated code itself is not snapshotted: `cargo xtask regenerate
//! --check` keeps it fresh and `git diff` shows it, so no change is reviewed
//! twice. CI runs with `INSTA_UPDATE=no`, so a stale snapshot fails;
//! `no_orphaned_snapshots` fails on snapshots whose spec is gone, and leaves
//! pending reviews (`.snap.new`) to insta.
#![cfg(feature = "codegen")]

use std::path::{Path, PathBuf};

fn specs_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../specs")
}

/// Loads a spec by its path relative to the workspace root, as the xtask does,
/// so that nothing machine-specific reaches the snapshot.
fn surface(path: &Path) -> String {
    let specs = specs_dir().canonicalize().unwrap();
    let path = path.canonicalize().unwrap();
    let under = path
        .strip_prefix(&specs)
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/");
    let rel = format!("specs/{under}");
    let text = std::fs::read_to_string(&path).unwrap();
    let root = specs.join("..");
    let read = |name: &str| std::fs::read_to_string(root.join(name));
    let loaded = pyng_spec::load_with(&rel, &text, &read).unwrap_or_else(|d| panic!("{rel}:\n{d}"));
    pyng_spec::codegen::surface(&loaded.spec).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn generated_surface() {
    insta::glob!("../../specs", "**/*.yaml", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        // A shared-components file has no surface of its own: its types are
        // in the surfaces of the specs that use them.
        if !pyng_spec::is_shared_components(&text) {
            insta::assert_snapshot!(surface(path));
        }
    });
}

/// The request side no bundled spec has yet (request bodies, `readOnly`
/// left out of `RequestBody`, `x-idempotency`), on the fixture
/// `tests/fixtures/request-side.yaml`; `pyng-derive/tests/request_types.rs`
/// compiles the same code.
#[test]
fn request_side_surface_and_code() {
    let text = include_str!("fixtures/request-side.yaml");
    let spec = pyng_spec::load_str("tests/fixtures/request-side.yaml", text)
        .unwrap()
        .spec;
    insta::assert_snapshot!(
        "request_side_surface",
        pyng_spec::codegen::surface(&spec).unwrap()
    );
    let code = pyng_spec::codegen::render(&spec).unwrap();
    let start = code.find("pub mod create_order").unwrap();
    let end = code[start..].find("pub enum Response").unwrap() + start;
    insta::assert_snapshot!("request_side_create_order_module", &code[start..end]);
    let start = code.find("    pub struct CreatedHeaders").unwrap();
    let end = code[start..].find("\n    }\n}\n").unwrap() + start;
    insta::assert_snapshot!("request_side_created_headers", &code[start..end]);
}

/// A map (`additionalProperties` with a schema): a `BTreeMap` flattened
/// beside the listed properties, its values checked at their keys.
#[test]
fn a_map_is_a_flattened_btree_map() {
    let text = r##"openapi: 3.0.3
info: {title: Maps, version: "1"}
paths:
  /limits:
    get:
      operationId: getLimits
      responses:
        "200":
          description: OK
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/Limits"
components:
  schemas:
    Limits:
      type: object
      required: [currency]
      properties:
        currency: {type: string}
        additional_properties: {type: string}
      additionalProperties:
        type: integer
        minimum: 0
        nullable: true
"##;
    let spec = pyng_spec::load_str("maps.yaml", text).unwrap().spec;
    let code = pyng_spec::codegen::render(&spec).unwrap();
    let start = code.find("/// The `Limits` schema.").unwrap();
    let end = code[start..].find("\n}\n").unwrap() + start;
    insta::assert_snapshot!("a_map_struct", &code[start..end]);
    let start = code.find("    fn check_at").unwrap();
    let end = code[start..].find("\n    }\n").unwrap() + start;
    insta::assert_snapshot!("a_map_check", &code[start..end]);
}

/// An `allOf` of a component and an inline schema: one struct with every
/// member's properties, its `check()` holding every member's constraints.
#[test]
fn an_all_of_is_one_merged_struct() {
    let text = r##"openapi: 3.0.3
info: {title: Composition, version: "1"}
paths:
  /payments/{id}:
    get:
      operationId: getPayment
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        "200":
          description: OK
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/Payment"
components:
  schemas:
    Base:
      type: object
      required: [id]
      properties:
        id: {type: string, maxLength: 5}
    Payment:
      description: A payment.
      allOf:
        - $ref: "#/components/schemas/Base"
        - type: object
          required: [amount]
          properties:
            id: {minLength: 2}
            amount: {type: integer, minimum: 0}
"##;
    let spec = pyng_spec::load_str("composition.yaml", text).unwrap().spec;
    let code = pyng_spec::codegen::render(&spec).unwrap();
    let start = code.find("/// A payment.").unwrap();
    let end = code[start..].find("\n}\n").unwrap() + start;
    insta::assert_snapshot!("an_all_of_struct", &code[start..end]);
}

/// `oneOf`/`anyOf` -> enums: a discriminated one with its catch-all, an
/// untagged one tried in member order
/// (`pyng-derive/tests/compositions.rs` runs them).
#[test]
fn composition_enums() {
    let text = include_str!("../../pyng-derive/tests/fixtures/compositions.yaml");
    let spec = pyng_spec::load_str("compositions.yaml", text).unwrap().spec;
    let code = pyng_spec::codegen::render(&spec).unwrap();
    for (name, heading) in [
        (
            "a_discriminated_enum",
            "/// The `oneOf` of 3 schemas at `/components/schemas/Pet`.",
        ),
        (
            "an_untagged_enum",
            "/// The `oneOf` of 3 schemas at `/components/schemas/Owner/properties/label`.",
        ),
    ] {
        let start = code.find(heading).unwrap();
        let impls = code[start..]
            .find("impl<'de> ::serde::Deserialize")
            .unwrap()
            + start;
        let mut end = code[impls..].find("\n}\n").unwrap() + impls;
        // The enum's `check()`, when it has one, follows its serde impls.
        let next = &code[end + 3..];
        if next.starts_with("impl ") && next.find("fn check_at") < next.find("\n}\n") {
            end += 3 + next.find("\n}\n").unwrap();
        }
        insta::assert_snapshot!(name, &code[start..end]);
    }
    let surface = pyng_spec::codegen::surface(&spec).unwrap();
    let start = surface.find("\nenum Node").unwrap();
    insta::assert_snapshot!("composition_surfaces", &surface[start..]);
}

const PREFIX: &str = "codegen_snapshots__generated_surface@";

/// What a file in the snapshot directory is, for [`no_orphaned_snapshots`].
#[derive(Debug, PartialEq)]
enum SnapshotFile {
    /// A snapshot whose spec exists.
    Kept,
    /// A snapshot whose spec is gone: `specs/<path>`.
    Orphan(String),
    /// A pending review (`.snap.new`, `.pending-snap`): insta's to report.
    Pending,
    /// Not one of this test's snapshots.
    Other,
}

/// The glob above names each snapshot `<PREFIX><path under specs/ with / as
/// __>.snap`.
fn classify(name: &str, specs: &Path) -> SnapshotFile {
    if name.ends_with(".snap.new") || name.ends_with(".pending-snap") {
        return SnapshotFile::Pending;
    }
    let Some(spec) = name
        .strip_prefix(PREFIX)
        .and_then(|rest| rest.strip_suffix(".snap"))
    else {
        return SnapshotFile::Other;
    };
    let spec = spec.replace("__", "/");
    if specs.join(&spec).is_file() {
        SnapshotFile::Kept
    } else {
        SnapshotFile::Orphan(spec)
    }
}

/// A missing snapshot is insta's to report (`INSTA_UPDATE=no` fails on it in CI);
/// this test only looks for snapshots left behind by a removed spec.
#[test]
fn no_orphaned_snapshots() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return;
    };
    let orphans: Vec<String> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter_map(|name| match classify(&name, &specs_dir()) {
            SnapshotFile::Orphan(spec) => Some(format!("{name} (no specs/{spec})")),
            _ => None,
        })
        .collect();
    assert!(
        orphans.is_empty(),
        "snapshots without a spec; delete them: {orphans:?}"
    );
}

#[test]
fn a_pending_review_is_not_an_orphan() {
    let specs = tempfile_dir();
    std::fs::create_dir_all(specs.join("pyng")).unwrap();
    std::fs::write(specs.join("pyng/a.yaml"), "x").unwrap();
    assert_eq!(
        classify(&format!("{PREFIX}pyng__a.yaml.snap"), &specs),
        SnapshotFile::Kept
    );
    assert_eq!(
        classify(&format!("{PREFIX}pyng__a.yaml.snap.new"), &specs),
        SnapshotFile::Pending
    );
    assert_eq!(
        classify(&format!("{PREFIX}pyng__gone.yaml.snap.new"), &specs),
        SnapshotFile::Pending
    );
    assert_eq!(
        classify(&format!("{PREFIX}pyng__gone.yaml.snap"), &specs),
        SnapshotFile::Orphan("pyng/gone.yaml".into())
    );
    let _ = std::fs::remove_dir_all(&specs);
}

/// A fresh directory under the target dir (no tempfile dependency here).
fn tempfile_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pyng-snapshots-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}
