//! README's "When the draft changes", walked end to end on a copy of the draft
//! spec: edit it (a `Refunded` state and a field), regenerate, review the
//! surface, diff with the PR gate, and `regenerate --check` after. If a step
//! of the README stops working, this test says which.

use std::fs;
use std::path::Path;

use crate::diff_cmd::{Color, DiffArgs, FailOn, Format, Verdict};
use crate::regenerate;

const SPEC: &str = "specs/pyng/checkout-session-status.yaml";
/// The shared-components file the spec refers to.
const SHARED: &str = "specs/pyng/common.yaml";

/// The example edit: a final state `Refunded` with its outcome, reached from
/// `Pending` (a final state is never left), and an optional `refundedAt`.
fn edit(text: &str) -> String {
    let edits = [
        (
            "enum: [Created, Launched, Pending, Completed, Cancelled, Expired, Failed]",
            "enum: [Created, Launched, Pending, Completed, Cancelled, Expired, Failed, Refunded]",
        ),
        (
            "final: [Completed, Cancelled, Expired, Failed]",
            "final: [Completed, Cancelled, Expired, Failed, Refunded]",
        ),
        (
            "Pending: [Completed, Cancelled, Expired, Failed]",
            "Pending: [Completed, Cancelled, Expired, Failed, Refunded]",
        ),
        (
            "enum: [Succeeded, Cancelled, Expired, Failed]",
            "enum: [Succeeded, Cancelled, Expired, Failed, Refunded]",
        ),
        (
            "          Failed: Failed\n",
            "          Failed: Failed\n          Refunded: Refunded\n",
        ),
        (
            "        failureReason:\n",
            "        refundedAt:\n          type: string\n          format: date-time\n        failureReason:\n",
        ),
    ];
    let mut out = text.to_owned();
    for (from, to) in edits {
        assert!(
            out.contains(from),
            "{SPEC} no longer contains `{from}`: update this walk-through's edit"
        );
        out = out.replacen(from, to, 1);
    }
    out
}

fn surface(rel: &str, text: &str) -> String {
    let root = crate::workspace_root();
    let read = |name: &str| fs::read_to_string(root.join(name));
    let spec = pyng_spec::load_with(rel, text, &read)
        .unwrap_or_else(|d| panic!("{rel}:\n{d}"))
        .spec;
    pyng_spec::codegen::surface(&spec).unwrap()
}

#[test]
fn when_the_draft_changes_walks_end_to_end() {
    let workspace = crate::workspace_root();
    let original = fs::read_to_string(workspace.join(SPEC)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let spec = root.join(SPEC);
    fs::create_dir_all(spec.parent().unwrap()).unwrap();
    fs::write(&spec, &original).unwrap();
    fs::copy(workspace.join(SHARED), root.join(SHARED)).unwrap();
    regenerate::run_to(root, false, &mut Vec::new()).unwrap();
    // The spec before the edit is the committed one (the README diffs against `HEAD:`).
    git(root, &["init", "-q"]);
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "before the edit"]);

    // 1. Edit the spec.
    let edited = edit(&original);
    fs::write(&spec, &edited).unwrap();

    // 2. `cargo xtask regenerate` rewrites the models and says what changed,
    //    state machine included.
    let mut summary = Vec::new();
    regenerate::run_to(root, false, &mut summary).unwrap();
    let summary = String::from_utf8(summary).unwrap();
    assert!(summary.contains("+variant Refunded"), "{summary}");
    assert!(summary.contains("+final Refunded"), "{summary}");
    assert!(summary.contains("transitions changed"), "{summary}");
    assert!(summary.contains("+field refunded_at"), "{summary}");
    assert!(
        summary.contains("pyng-conformance/specs/pyng/checkout-session-status.yaml: copied from"),
        "{summary}"
    );
    let models =
        fs::read_to_string(root.join("pyng-models/src/generated/pyng_checkout_session_status.rs"))
            .unwrap();
    assert!(models.contains("Refunded"));

    // 3. The review: the snapshot of the surface changes where the spec did.
    let before = surface(SPEC, &original);
    let after = surface(SPEC, &edited);
    assert!(!before.contains("Refunded"));
    assert!(
        after.contains("Refunded <- \"Refunded\" [final]"),
        "{after}"
    );
    assert!(
        after.contains("refunded_at: Option<String> <- \"refundedAt\""),
        "{after}"
    );

    // 4. `cargo xtask diff OLD NEW --fail-on breaking`: a new status value is
    //    breaking for partners, so the gate fails.
    let args = |fail_on| DiffArgs {
        old: format!("HEAD:{SPEC}").into(),
        new: spec.clone(),
        format: Format::Text,
        fail_on,
        color: Color::Never,
        git_dir: Some(root.to_path_buf()),
    };
    let mut text = Vec::new();
    let verdict = run_diff(&args(FailOn::Breaking), &mut text);
    let text = String::from_utf8(text).unwrap();
    assert!(matches!(verdict, Verdict::Fail(n) if n > 0), "{text}");
    assert!(text.contains("Refunded"), "{text}");
    assert_eq!(
        run_diff(&args(FailOn::Never), &mut Vec::new()),
        Verdict::Pass
    );

    // 5. What CI runs: nothing is stale after the regenerate.
    regenerate::run_to(root, true, &mut Vec::new()).unwrap();
    assert_workspace_untouched(&workspace, &original);
}

/// Runs git in `dir`, as a throwaway identity.
pub(crate) fn git(dir: &Path, args: &[&str]) {
    let status = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.name=walk", "-c", "user.email=walk@example.com"])
        .args(["-c", "commit.gpgsign=false"])
        .args(args)
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

fn run_diff(args: &DiffArgs, out: &mut Vec<u8>) -> Verdict {
    crate::diff_cmd::run(args, out).unwrap()
}

/// The walk-through works on a copy: the real spec is as it was.
fn assert_workspace_untouched(workspace: &Path, original: &str) {
    assert_eq!(fs::read_to_string(workspace.join(SPEC)).unwrap(), original);
}
