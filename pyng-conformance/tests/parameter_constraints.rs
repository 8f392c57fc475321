//! Value constraints on a parameter's or a header's schema (`minLength`,
//! `maxLength`, `minimum`/`maximum` exclusive or not, `multipleOf`,
//! `minItems`/`maxItems`, `uniqueItems`) are checked on the values a request
//! sends and a response's headers carry; on a parameter's array items, where
//! nothing would check them, the linter refuses them.

use pyng_conformance::{Engine, Report};
use serde_json::json;

const SPEC: &str = include_str!("parameter_constraints/spec.yaml");

fn check(url: &str, trace: &str, count: &str) -> Report {
    let spec = pyng_spec::load_str("spec.yaml", SPEC).unwrap().spec;
    let exchange = json!({
        "startedAt": "2024-11-17T05:30:00Z",
        "request": {"method": "GET", "url": url, "headers": {"X-Trace": trace}},
        "response": {"status": 204, "headers": {"X-Count": count}},
    });
    let doc = json!({"format": "pyng-recording", "version": 1, "exchanges": [exchange]});
    Engine::from_specs(vec![spec]).check_bytes("r.json", &serde_json::to_vec(&doc).unwrap())
}

fn found(report: &Report) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = report
        .findings
        .iter()
        .map(|f| {
            // The keyword's own rule closes the message: `(schema.max-length)`.
            let keyword = f.message.rsplit('(').next().unwrap_or_default();
            (f.rule.clone(), keyword.trim_end_matches(')').to_owned())
        })
        .collect();
    out.sort();
    out
}

#[test]
fn values_within_the_constraints_pass() {
    let report = check(
        "https://x.example/a/ab?ids=b&ids=c&n=4&ratio=0.5",
        "abc",
        "3",
    );
    assert_eq!(found(&report), Vec::<(String, String)>::new());
}

#[test]
fn each_constraint_is_checked_on_the_sent_values() {
    let report = check(
        "https://x.example/a/abcdef?ids=b&ids=b&ids=c&n=7&ratio=0",
        "abcd",
        "0",
    );
    let expected: Vec<(String, String)> = [
        ("http.request-parameters", "schema.max-items"),
        ("http.request-parameters", "schema.max-length"),
        ("http.request-parameters", "schema.max-length"),
        ("http.request-parameters", "schema.maximum"),
        ("http.request-parameters", "schema.minimum"),
        ("http.request-parameters", "schema.multiple-of"),
        ("http.request-parameters", "schema.unique-items"),
        ("http.response-header", "schema.minimum"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(found(&report), expected);
    let short = check("https://x.example/a/a?n=2", "a", "1");
    assert_eq!(
        found(&short),
        [(
            "http.request-parameters".to_owned(),
            "schema.min-length".to_owned()
        )]
    );
}

#[test]
fn constraints_on_a_parameters_array_items_are_refused() {
    let text = SPEC.replace(
        "schema: {type: array, items: {type: string}, maxItems: 2, uniqueItems: true}",
        "schema: {type: array, items: {type: string, pattern: \"^a\", maxLength: 2}}",
    );
    let errors = pyng_spec::load_str("spec.yaml", &text).unwrap_err();
    let found: Vec<(usize, &str)> = errors.errors().map(|d| (d.line, d.rule)).collect();
    assert_eq!(found, [(14, "lint.unsupported"), (14, "lint.unsupported")]);
    assert!(
        errors.0[0].message.contains("not its array's items"),
        "{}",
        errors.0[0].message
    );
}
