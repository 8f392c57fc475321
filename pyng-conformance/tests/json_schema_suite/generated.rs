//! Layer (d): the code `pyng_spec::codegen` generates for each group, compiled
//! as one crate (a module per group) under `target/tmp/json-schema-suite/`, offline, with the
//! workspace's lockfile; a generated `main` deserializes each case through the
//! operation's `Response::parse`, calls `check()` and prints one line per case.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use pyng_spec::ir::{Spec, Type, TypeDef};

use super::interpreted::{body_type, invalid_if_any};
use super::suite::Case;
use super::verdict::Answer;

/// A group the generated crate has a module for.
pub struct Module<'a> {
    pub name: String,
    pub group_id: String,
    /// `codegen::render`'s output.
    pub code: String,
    /// How to collect the `check()` rule ids of the body value `body`.
    pub check: String,
    pub cases: Vec<&'a Case>,
}

impl<'a> Module<'a> {
    pub fn new(group_id: &str, spec: &Spec, cases: Vec<&'a Case>) -> Result<Self, String> {
        let code = pyng_spec::codegen::render(spec).map_err(|e| format!("codegen: {e}"))?;
        // A body whose rules no model's `check()` reaches (an array whose
        // items have constraints) has `Response::check()`.
        let check = if code.contains("impl get_body::Response {") {
            "response.check().into_iter().map(|v| v.rule).collect::<Vec<&'static str>>()".to_owned()
        } else {
            violations(spec, body_type(spec)?, "body", 0)
        };
        Ok(Module {
            name: module_name(group_id),
            group_id: group_id.to_owned(),
            code,
            check,
            cases,
        })
    }

    fn source(&self) -> String {
        let cases: String = self
            .cases
            .iter()
            .map(|c| format!("    ({:?}, {:?}),\n", c.id, c.data.compact()))
            .collect();
        format!(
            "//! {group}\n\nmod generated {{\n{code}}}\n\n\
             const CASES: &[(&str, &str)] = &[\n{cases}];\n\n\
             pub fn run() {{\n    for (id, data) in CASES {{\n        crate::report(id, std::panic::catch_unwind(|| one(data)));\n    }}\n}}\n\n\
             fn one(data: &str) -> Result<Vec<&'static str>, String> {{\n    \
             match generated::get_body::Response::parse(200, data) {{\n        \
             Ok(response) => match &response {{\n            \
             #[allow(unused_variables)]\n            \
             generated::get_body::Response::Ok(body) => Ok({check}),\n            \
             #[allow(unreachable_patterns)]\n            \
             _ => Err(\"parsed as another status\".to_owned()),\n        \
             }},\n        \
             Err(e) => Err(e.to_string()),\n    }}\n}}\n",
            group = self.group_id,
            code = self.code,
            check = self.check,
        )
    }
}

/// `type.json#3` -> `g_type_3`, `optional/format/uri.json#0` -> `g_optional_format_uri_0`.
fn module_name(group_id: &str) -> String {
    let cleaned: String = group_id
        .replace(".json#", "_")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    format!("g_{cleaned}")
}

/// An expression collecting the rule ids `check()` reports for `var` of type
/// `ty`: the body type decides where generated `check()`s are (an array of
/// models checks each element; a scalar or an enum has none).
fn violations(spec: &Spec, ty: &Type, var: &str, depth: usize) -> String {
    let none = "Vec::<&'static str>::new()".to_owned();
    match ty {
        Type::Named(name) => match spec.types.get(name) {
            Some(TypeDef::Model(_)) => {
                format!("{var}.check().into_iter().map(|v| v.rule).collect::<Vec<&'static str>>()")
            }
            // Array items with constraints are the type they constrain (an
            // `Option` of it when nullable, iterated as one).
            Some(TypeDef::Constrained(c)) if c.field.nullable => {
                let item = format!("x{depth}");
                let inner = violations(spec, &c.field.ty, &item, depth + 1);
                format!("{var}.iter().flat_map(|{item}| {inner}).collect::<Vec<&'static str>>()")
            }
            Some(TypeDef::Constrained(c)) => violations(spec, &c.field.ty, var, depth),
            Some(TypeDef::Enum(_)) | None => none,
        },
        Type::Array(inner) => {
            let item = format!("x{depth}");
            let inner = violations(spec, inner, &item, depth + 1);
            format!("{var}.iter().flat_map(|{item}| {inner}).collect::<Vec<&'static str>>()")
        }
        Type::String | Type::Integer | Type::Number | Type::Boolean | Type::Any => none,
    }
}

const MAIN_HELPERS: &str = r#"
/// One line per case: `<id>\tvalid`, `<id>\tviolations\t<rules>`,
/// `<id>\trejected\t<why>` or `<id>\tpanicked`.
fn report(id: &str, outcome: std::thread::Result<Result<Vec<&'static str>, String>>) {
    match outcome {
        Ok(Ok(rules)) if rules.is_empty() => println!("{id}\tvalid"),
        Ok(Ok(rules)) => println!("{id}\tviolations\t{}", rules.join(",")),
        Ok(Err(why)) => println!("{id}\trejected\t{}", why.replace(['\n', '\t'], " ")),
        Err(_) => println!("{id}\tpanicked"),
    }
}
"#;

/// Builds the crate `package` (leaving out modules that do not compile) and
/// runs it: the answer for every case id of `modules`.
pub fn run(package: &str, modules: Vec<Module<'_>>) -> BTreeMap<String, Answer> {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR")).join("json-schema-suite");
    let dir = tmp.join(package);
    // One target directory for every such crate: serde is built once.
    let target = tmp.join("target");
    let mut answers = BTreeMap::new();
    let mut kept = modules;
    loop {
        write_crate(&dir, package, &kept);
        let build = cargo(&dir, &target)
            .args(["build", "--offline", "--quiet", "--message-format", "short"])
            .output()
            .expect("cargo runs");
        if build.status.success() {
            break;
        }
        let stderr = String::from_utf8_lossy(&build.stderr);
        let broken = |m: &Module| stderr.contains(&format!("src/{}.rs:", m.name));
        let (bad, good): (Vec<_>, Vec<_>) = kept.into_iter().partition(broken);
        if bad.is_empty() {
            panic!(
                "the generated crate in {} does not build:\n{stderr}",
                dir.display()
            );
        }
        for m in &bad {
            let first = stderr
                .lines()
                .find(|l| l.contains(&format!("src/{}.rs:", m.name)) && l.contains("error"))
                .unwrap_or("");
            for c in &m.cases {
                let why = format!("the generated code does not compile: {first}");
                answers.insert(c.id.clone(), Answer::Unchecked(why));
            }
        }
        kept = good;
    }
    let exe = target.join("debug").join(package);
    let out = Command::new(&exe)
        .output()
        .expect("the generated program runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let mut printed: BTreeMap<&str, Answer> = BTreeMap::new();
    for line in stdout.lines() {
        let mut parts = line.splitn(3, '\t');
        let (Some(id), Some(kind)) = (parts.next(), parts.next()) else {
            continue;
        };
        let detail = parts.next().unwrap_or("");
        let answer = match kind {
            "valid" => Answer::Valid,
            "violations" => invalid_if_any(
                detail
                    .split(',')
                    .filter(|r| is_error(r))
                    .map(str::to_owned)
                    .collect(),
            ),
            "rejected" => Answer::Invalid(vec![format!("does not deserialize ({detail})")]),
            _ => Answer::Unchecked("the generated code panicked".to_owned()),
        };
        printed.insert(id, answer);
    }
    for m in &kept {
        for c in &m.cases {
            let answer = printed.remove(c.id.as_str()).unwrap_or_else(|| {
                Answer::Unchecked(format!(
                    "the generated program printed nothing for it ({}): {}",
                    out.status,
                    String::from_utf8_lossy(&out.stderr)
                ))
            });
            answers.insert(c.id.clone(), answer);
        }
    }
    answers
}

/// Whether a rule `check()` reports is an error (warnings do not count; an id
/// the registry does not know is counted as one).
fn is_error(rule: &str) -> bool {
    pyng_spec::registry::lookup(rule).is_none_or(|e| e.severity() == pyng_spec::Severity::Error)
}

fn cargo(dir: &Path, target: &Path) -> Command {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(dir).env("CARGO_TARGET_DIR", target);
    cmd
}

fn write_crate(dir: &Path, package: &str, modules: &[Module<'_>]) {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    // The workspace's lockfile pins serde and serde_json to the versions its
    // own build already fetched, so an offline build finds them.
    let lock = std::fs::read_to_string(workspace.join("Cargo.lock")).expect("Cargo.lock");
    write_if_changed(&dir.join("Cargo.lock"), &lock);
    write_if_changed(
        &dir.join("Cargo.toml"),
        &format!(
            "[package]\nname = \"{package}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [dependencies]\nserde = {{ version = \"1\", features = [\"derive\"] }}\nserde_json = \"1\"\n\n\
         # Not a member of the pyng-kit workspace above it.\n[workspace]\n"
        ),
    );
    let mut main = String::from(
        "//! Generated by pyng-conformance/tests/json_schema_suite.rs.\n#![allow(warnings)]\n\n",
    );
    for m in modules {
        main.push_str(&format!("mod {};\n", m.name));
        write_if_changed(&dir.join(format!("src/{}.rs", m.name)), &m.source());
    }
    main.push_str(MAIN_HELPERS);
    main.push_str("\nfn main() {\n    std::panic::set_hook(Box::new(|_| {}));\n");
    for m in modules {
        main.push_str(&format!("    {}::run();\n", m.name));
    }
    main.push_str("}\n");
    write_if_changed(&dir.join("src/main.rs"), &main);
}

/// Unchanged files keep their modification time, so cargo rebuilds only what changed.
fn write_if_changed(path: &Path, text: &str) {
    if std::fs::read_to_string(path).is_ok_and(|old| old == text) {
        return;
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("create the generated crate's directory");
    }
    std::fs::write(path, text).expect("write the generated crate");
}
