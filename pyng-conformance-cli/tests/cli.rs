//! The binary: exit codes, formats, usage errors.

mod binary;

fn run(args: &[&str]) -> (i32, String, String) {
    binary::run_in(binary::ROOT.as_ref(), args, &[("NO_COLOR", "1")])
}

#[test]
fn exit_codes() {
    let (code, out, _) = run(&[
        "check",
        "examples/recordings",
        "--secret-env",
        "PEACH_TEST_SECRET",
    ]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("amount.paid-equals-line-totals") && out.contains("2940"));
    assert!(!out.contains("\x1b["), "colour without a terminal");
    let (code, out, _) = run(&["check", "examples/recordings/pyng-transaction-clean.json"]);
    assert_eq!(code, 0, "{out}");
    let (code, _, _) = run(&["check", "examples/recordings/mixed-traffic.har"]);
    assert_eq!(code, 0);
    let (code, _, _) = run(&["check", "examples/recordings/mixed-traffic.har", "--strict"]);
    assert_eq!(code, 1);
    let (code, _, _) = run(&[
        "check",
        "examples/recordings/seed-001-examples.har",
        "--allow",
        "amount",
    ]);
    assert_eq!(code, 0);
    let (code, _, err) = run(&["check", "examples", "--deny", "nonsense.rule"]);
    assert_eq!(code, 2, "{err}");
    let (code, _, _) = run(&["check"]);
    assert_eq!(code, 2);
    let (code, _, _) = run(&["check", "examples", "--spec", "/nonexistent.yaml"]);
    assert_eq!(code, 2);
    let (code, _, _) = run(&[
        "check",
        "examples",
        "--secret-env",
        "PYNG_UNSET_VARIABLE_FOR_TEST",
    ]);
    assert_eq!(code, 2);
    let (code, _, _) = run(&[
        "check",
        "examples/bodies/seed-001-transaction-status-200.json",
        "--operation",
        "nope",
    ]);
    assert_eq!(code, 2);
}

#[test]
fn json_and_junit_formats() {
    let (code, out, _) = run(&[
        "check",
        "examples/recordings",
        "--format",
        "json",
        "--secret-env",
        "PEACH_TEST_SECRET",
    ]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let findings = v["findings"].as_array().unwrap();
    let seed = findings
        .iter()
        .find(|f| {
            f["rule"] == "amount.paid-equals-line-totals"
                && f["file"].as_str().unwrap().ends_with(".har")
        })
        .unwrap();
    assert_eq!(seed["severity"], "error");
    assert_eq!(seed["entry"], 0);
    assert_eq!(seed["pointer"], "/data/amountPaid");
    assert_eq!(
        (seed["line"].as_u64(), seed["column"].as_u64()),
        (Some(46), Some(15))
    );
    assert_eq!(v["summary"]["files"], 19);
    let dir = tempfile::tempdir().unwrap();
    let xml = dir.path().join("r.xml");
    let (code, _, _) = run(&[
        "check",
        "examples/recordings",
        "--format",
        "junit",
        "--output",
        xml.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    let xml = std::fs::read_to_string(xml).unwrap();
    assert!(xml.contains("<testsuites") && xml.contains("<testcase") && xml.contains("<failure"));
    assert!(xml.contains("getTransactionStatus siteId=site-123 paymentIntentId=pi_seed001"));
}

#[test]
fn bare_bodies_and_rules_listing() {
    let (code, out, _) = run(&[
        "check",
        "examples/bodies/seed-001-transaction-status-200.json",
        "--operation",
        "getTransactionStatus",
    ]);
    assert_eq!(code, 1);
    assert!(out.contains("amount.paid-equals-line-totals"));
    let (code, out, _) = run(&["rules"]);
    assert_eq!(code, 0);
    for id in [
        "schema.duplicate-key",
        "state.timeout",
        "amount.subtotal-covers-units",
        "signature.response",
    ] {
        assert!(out.contains(id), "{id} missing from `rules`");
    }
}

#[test]
fn jobs_change_nothing_in_the_report() {
    let report = |jobs: Option<&str>| {
        let mut args = vec![
            "check",
            "examples",
            "--format",
            "json",
            "--secret-env",
            "PEACH_TEST_SECRET",
        ];
        args.extend(jobs.map(|j| ["--jobs", j]).into_iter().flatten());
        run(&args)
    };
    let (code, all_cores, _) = report(None);
    assert_eq!(code, 1);
    assert!(all_cores.contains("amount.paid-equals-line-totals"));
    assert_eq!(report(Some("1")), (1, all_cores.clone(), String::new()));
    assert_eq!(report(Some("3")), (1, all_cores, String::new()));
    let (code, _, err) = run(&["check", "examples", "-j", "0"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--jobs"), "{err}");
}
