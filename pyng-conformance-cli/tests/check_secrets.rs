//! `check --secret-env`: the signing secret never reaches any output, however
//! the input quotes it (plain, JSON-escaped, percent-encoded).

// The engine tests' helpers (recordings, exchanges), shared rather than copied.
#[path = "../../pyng-conformance/tests/common/mod.rs"]
mod common;

mod binary;

use serde_json::json;

const ENV: &str = "PYNG_TEST_SIGNING_SECRET";

fn run(args: &[&str]) -> (i32, String, String) {
    let here = env!("CARGO_MANIFEST_DIR").as_ref();
    binary::run_in(here, args, &[("NO_COLOR", "1"), (ENV, common::SECRET)])
}

/// A recording whose request and bodies quote the secret in every encoding.
fn hostile_recording() -> Vec<u8> {
    let escaped: String = common::SECRET
        .chars()
        .map(|c| format!("\\u{:04x}", u32::from(c)))
        .collect();
    let peach = format!(
        "https://p.example/status?authentication.entityId=8ac7a4ca86c2c24d0168c2caab2e0025&merchantTransactionId={}&signature=00",
        common::SECRET
    );
    let tx = common::exchange(
        0,
        common::TX,
        200,
        json!({"data": {"transactionStatus": common::SECRET}}),
    );
    let mut text = String::from_utf8(common::recording(vec![
        tx,
        common::exchange(
            1,
            &peach,
            200,
            json!({"status": "ESCAPED", "signature": common::SECRET}),
        ),
    ]))
    .unwrap();
    text = text.replace("ESCAPED", &escaped);
    text.into_bytes()
}

#[test]
fn no_output_of_check_holds_the_signing_secret() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("hostile.json");
    std::fs::write(&input, hostile_recording()).unwrap();
    let input = input.to_str().unwrap();
    let mut outputs = Vec::new();
    let (code, out, err) = run(&["check", input, "--secret-env", ENV]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("signature."),
        "the secret was configured: {out}"
    );
    outputs.push(("human", out + &err));
    for format in ["json", "junit"] {
        let file = dir.path().join(format!("report.{format}"));
        let (code, out, err) = run(&[
            "check",
            input,
            "--secret-env",
            ENV,
            "--format",
            format,
            "--output",
            file.to_str().unwrap(),
        ]);
        assert_eq!(code, 1);
        outputs.push((
            format,
            std::fs::read_to_string(&file).unwrap() + &out + &err,
        ));
    }
    let escaped_start: String = common::SECRET[..4]
        .chars()
        .map(|c| format!("\\u{:04x}", u32::from(c)))
        .collect();
    for (what, text) in outputs {
        assert!(
            !text.contains(common::SECRET),
            "{what} holds the secret:\n{text}"
        );
        assert!(
            !text.contains(&escaped_start),
            "{what} holds the escaped secret:\n{text}"
        );
        assert!(
            text.contains("redacted"),
            "{what}: where the secret stood: {text}"
        );
    }
}
