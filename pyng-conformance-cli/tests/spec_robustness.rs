//! Hostile specs through the engine and the built binary: a `$ref` cycle is a
//! lint error (exit 2), not a stack overflow (exit 134); recursive models and a
//! 30 000-value state machine check like any other spec, in work linear in the
//! spec.

use std::path::{Path, PathBuf};
use std::process::Command;

use pyng_conformance::Engine;
use pyng_spec::ir::Type;
use serde_json::{Value, json};

const BASE: &str = include_str!("../../pyng-spec/tests/fixtures/lint-base.yaml");

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn binary(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_pyng-conformance"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn ref_cycles_are_refused_by_check_rules_and_serve() {
    let dir = tempfile::tempdir().unwrap();
    let body = write(
        dir.path(),
        "body.json",
        r#"{"orderId": "o-1", "status": "Open"}"#,
    );
    for (name, extra) in [
        (
            "self.yaml",
            "    A:\n      $ref: '#/components/schemas/A'\n",
        ),
        (
            "pair.yaml",
            "    A:\n      $ref: '#/components/schemas/B'\n    B:\n      $ref: '#/components/schemas/A'\n",
        ),
    ] {
        let spec = write(dir.path(), name, &format!("{BASE}{extra}"));
        let spec = spec.to_str().unwrap();
        let body = body.to_str().unwrap();
        for args in [
            vec![
                "check",
                "--spec",
                spec,
                "--operation",
                "getOrderStatus",
                body,
            ],
            vec!["rules", "--spec", spec],
            vec!["serve", "--spec", spec, "--bind", "127.0.0.1:0"],
        ] {
            let out = binary(&args);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
            assert!(stderr.contains("lint.ref-cycle"), "{args:?}: {stderr}");
            assert!(stderr.contains(&format!("{name}:")), "{args:?}: {stderr}");
        }
    }
}

/// A model holding itself three times over and a list of itself.
fn tree_spec_text() -> String {
    BASE.replace(
        "        note:\n          type: string",
        "        note:\n          $ref: '#/components/schemas/Node'",
    ) + "    Node:
      type: object
      required: [id]
      properties:
        id:
          type: string
          x-stable: true
        status:
          $ref: '#/components/schemas/OrderStatus'
        parent:
          $ref: '#/components/schemas/Node'
        left:
          $ref: '#/components/schemas/Node'
        right:
          $ref: '#/components/schemas/Node'
        children:
          type: array
          items:
            $ref: '#/components/schemas/Node'
"
}

#[test]
fn a_recursive_model_checks_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let spec = write(dir.path(), "tree.yaml", &tree_spec_text());
    let mut node = json!({"id": "leaf"});
    for _ in 0..40 {
        node = json!({"id": "n", "parent": node.clone(), "children": [node]});
        if node.to_string().len() > 1 << 16 {
            break;
        }
    }
    let body = json!({"orderId": "o-1", "status": "Open", "note": node});
    let body = write(dir.path(), "body.json", &body.to_string());
    let out = binary(&[
        "check",
        "--spec",
        spec.to_str().unwrap(),
        "--operation",
        "getOrderStatus",
        body.to_str().unwrap(),
    ]);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The sequence plan of the body does not multiply through the self fields.
    let spec = pyng_spec::load_file(&spec).unwrap().spec;
    let plan = pyng_conformance::plan::plan(&spec, &Type::Named("Order".into()));
    assert!(plan.stable.len() <= 16, "{}", plan.stable.len());
    let synth = pyng_spec::synth::body(
        &spec,
        &Type::Named("Order".into()),
        &pyng_spec::synth::Options {
            optional: true,
            ..Default::default()
        },
    );
    let engine = Engine::from_specs(vec![spec]);
    let findings = engine
        .check_body("getOrderStatus", 200, synth.to_string().as_bytes())
        .unwrap();
    assert!(
        findings
            .iter()
            .all(|f| f.severity != pyng_conformance::Severity::Error),
        "{findings:#?}"
    );
}

const STATES: usize = 30_000;

/// `OrderStatus` with 30 000 more values in one chain of transitions:
/// Open -> S0 -> S1 -> ... -> S29999 -> Paid | Void.
fn big_machine() -> String {
    let values: Vec<String> = (0..STATES).map(|i| format!("S{i}")).collect();
    let mut transitions = String::from("          Open: [S0]\n");
    for i in 0..STATES - 1 {
        transitions.push_str(&format!("          S{i}: [S{}]\n", i + 1));
    }
    transitions.push_str(&format!("          S{}: [Paid, Void]\n", STATES - 1));
    BASE.replace(
        "enum: [Open, Paid, Void]",
        &format!("enum: [Open, Paid, Void, {}]", values.join(", ")),
    )
    .replace("          Open: [Paid, Void]\n", &transitions)
}

fn recording(states: &[&str]) -> Vec<u8> {
    let exchanges: Vec<Value> = states
        .iter()
        .enumerate()
        .map(|(i, s)| {
            json!({
                "startedAt": format!("2024-11-17T05:30:{:02}.000Z", i * 5),
                "request": {"method": "GET", "url": "https://api.example.test/orders/o-1/status"},
                "response": {
                    "status": 200,
                    "headers": {"Content-Type": "application/json"},
                    "body": {"orderId": "o-1", "status": s}
                }
            })
        })
        .collect();
    serde_json::to_vec(&json!({
        "format": "pyng-recording", "version": 1,
        "spec": {"title": "Lint fixture", "version": "1.0.0"},
        "exchanges": exchanges
    }))
    .unwrap()
}

#[test]
fn a_30000_value_state_machine_loads_and_checks_in_linear_space() {
    let spec = pyng_spec::load_str("big.yaml", &big_machine())
        .unwrap()
        .spec;
    let plan = pyng_conformance::plan::plan(&spec, &Type::Named("Order".into()));
    let states = plan.states.as_ref().unwrap();
    assert_eq!(states.values.len(), STATES + 3);
    let at = |v: &str| states.index(v).unwrap();
    assert!(states.may_observe(at("Open"), at("Paid")));
    assert!(states.may_observe(at("S7"), at("S29000")));
    assert!(!states.may_observe(at("S29000"), at("S7")));
    assert!(!states.may_observe(at("Paid"), at("Open")));
    // Reachability is worked out per state asked about (Open, S7, S29000; `Paid`
    // has no transitions), not as a table of every pair.
    assert_eq!(states.reach_rows(), 3);
    assert!(states.machine.timeouts.is_empty() && !states.is_while(0, at("Open")));

    let engine = Engine::from_specs(vec![spec]);
    let ok = engine.check_bytes("ok.json", &recording(&["Open", "S3", "S29999", "Paid"]));
    assert_eq!(ok.errors(), 0, "{:#?}", ok.findings);
    let back = engine.check_bytes("back.json", &recording(&["Open", "S9", "S3"]));
    assert!(
        back.findings
            .iter()
            .any(|f| f.rule == "state.invalid-transition"),
        "{:#?}",
        back.findings
    );
}

/// `Job{inner: Delivery{status}, status}`, `inner` listed first: the engine
/// reads the body's own `/status` (the shallowest state-machine field), as the
/// sandbox drives it, and not `/inner/status`.
#[test]
fn the_engine_tracks_the_shallowest_status_field() {
    let text = include_str!("../../pyng-spec/tests/fixtures/nested-status.yaml");
    let spec = pyng_spec::load_str("nested-status.yaml", text)
        .unwrap()
        .spec;
    let engine = Engine::from_specs(vec![spec]);
    let exchange = |i: usize, inner: &str, status: &str| {
        json!({
            "startedAt": format!("2024-11-17T05:30:{:02}.000Z", i * 5),
            "request": {"method": "GET", "url": "https://api.example.test/jobs/j-1"},
            "response": {
                "status": 200,
                "headers": {"Content-Type": "application/json"},
                "body": {"jobId": "j-1", "inner": {"status": inner}, "status": status}
            }
        })
    };
    // The nested status moves forward while the body's own leaves a final state.
    let bytes = serde_json::to_vec(&json!({
        "format": "pyng-recording", "version": 1,
        "spec": {"title": "Nested status fixture", "version": "1.0.0"},
        "exchanges": [exchange(0, "Queued", "Done"), exchange(1, "Sent", "Open")]
    }))
    .unwrap();
    let report = engine.check_bytes("nested.json", &bytes);
    let state: Vec<(&str, Option<&str>)> = report
        .findings
        .iter()
        .filter(|f| f.rule.starts_with("state."))
        .map(|f| (f.rule.as_str(), f.pointer.as_deref()))
        .collect();
    assert_eq!(
        state,
        [("state.final-state-left", Some("/status"))],
        "{:#?}",
        report.findings
    );
}
