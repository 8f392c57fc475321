//! The formats partner CI systems display: JUnit (parsed as XML), SARIF
//! (validated against the SARIF 2.1.0 schema), GitHub workflow commands
//! (exact lines), the JSON report's tool and specs, and `--color`.

mod binary;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

const SEED: &str = "examples/recordings/seed-001-examples.har";
const TRUNCATED: &str = "examples/recordings/truncated.har";

fn run_env(args: &[&str], env: &[(&str, &str)]) -> (i32, String) {
    let (code, stdout, _) = binary::run_in(binary::ROOT.as_ref(), args, env);
    (code, stdout)
}

/// Line `line` (1-based) of the seed HAR file.
fn seed_line(line: usize) -> String {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/recordings/seed-001-examples.har"
    ))
    .unwrap();
    text.lines().nth(line - 1).unwrap_or_default().to_owned()
}

/// The seed HAR file's text from `line` and character `column` (1-based) to
/// the end of that line.
fn seed_at(line: usize, column: usize) -> String {
    seed_line(line).chars().skip(column - 1).collect()
}

fn run(args: &[&str]) -> (i32, String) {
    run_env(args, &[("NO_COLOR", "1")])
}

fn attrs(e: &BytesStart<'_>) -> Vec<(String, String)> {
    e.attributes()
        .map(|a| {
            let a = a.unwrap();
            (
                String::from_utf8(a.key.as_ref().to_vec()).unwrap(),
                a.unescape_value().unwrap().into_owned(),
            )
        })
        .collect()
}

fn get<'a>(attrs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

#[derive(Debug, Default)]
struct Case {
    attrs: Vec<(String, String)>,
    suite: String,
    failed: bool,
    skipped: bool,
    system_out: String,
}

#[derive(Debug, Default)]
struct Junit {
    suites: Vec<Vec<(String, String)>>,
    /// (suite name, property name, value)
    properties: Vec<(String, String, String)>,
    cases: Vec<Case>,
}

fn parse_junit(xml: &str) -> Junit {
    let mut reader = Reader::from_str(xml);
    let mut junit = Junit::default();
    let mut suite = String::new();
    let mut in_out = false;
    loop {
        match reader.read_event().unwrap() {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => {
                let a = attrs(&e);
                match e.name().as_ref() {
                    b"testsuite" => {
                        suite = get(&a, "name").unwrap().to_owned();
                        junit.suites.push(a);
                    }
                    b"property" => junit.properties.push((
                        suite.clone(),
                        get(&a, "name").unwrap().to_owned(),
                        get(&a, "value").unwrap().to_owned(),
                    )),
                    b"testcase" => junit.cases.push(Case {
                        attrs: a,
                        suite: suite.clone(),
                        ..Case::default()
                    }),
                    b"failure" => junit.cases.last_mut().unwrap().failed = true,
                    b"skipped" => junit.cases.last_mut().unwrap().skipped = true,
                    b"system-out" => in_out = true,
                    _ => {}
                }
            }
            Event::Text(t) if in_out => {
                if let Some(c) = junit.cases.last_mut() {
                    c.system_out.push_str(&t.decode().unwrap());
                }
            }
            Event::End(e) if e.name().as_ref() == b"system-out" => in_out = false,
            _ => {}
        }
    }
    junit
}

#[test]
fn junit_attributes() {
    let (code, xml) = run(&[
        "check",
        SEED,
        TRUNCATED,
        "examples/recordings/mixed-traffic.har",
        "--format",
        "junit",
        "--allow",
        "identity",
    ]);
    assert_eq!(code, 1, "{xml}");
    let junit = parse_junit(&xml);
    assert!(!junit.cases.is_empty());
    for s in &junit.suites {
        let ts = get(s, "timestamp").expect("suite timestamp");
        assert!(ts.ends_with('Z') && ts.contains('T'), "{ts}");
        assert!(get(s, "time").is_some());
    }
    for c in &junit.cases {
        let class = get(&c.attrs, "classname").unwrap();
        assert!(!class.contains('.'), "Jenkins would split {class}");
        assert!(get(&c.attrs, "time").is_some());
        if c.suite != "policy" {
            assert_eq!(get(&c.attrs, "file"), Some(c.suite.as_str()));
        }
    }
    let seed: Vec<&Case> = junit.cases.iter().filter(|c| c.suite == SEED).collect();
    assert_eq!(
        get(&seed[0].attrs, "classname"),
        Some("examples/recordings/seed-001-examples_har")
    );
    assert!(seed.iter().any(|c| c.failed));
    // A body finding of a HAR is located in the file, at its value.
    let failed = seed.iter().find(|c| c.failed).unwrap();
    let line: usize = get(&failed.attrs, "line").unwrap().parse().unwrap();
    assert!(seed_line(line).contains("2940"), "{line}");
    let truncated = junit
        .cases
        .iter()
        .find(|c| c.suite == TRUNCATED)
        .expect("truncated case");
    assert!(truncated.failed);
    assert_eq!(get(&truncated.attrs, "name"), Some("input"));
    assert_eq!(get(&truncated.attrs, "line"), Some("60"));
    // Warnings are visible in system-out.
    let warned: Vec<&Case> = junit
        .cases
        .iter()
        .filter(|c| c.suite.ends_with("mixed-traffic.har") && !c.system_out.is_empty())
        .collect();
    assert!(!warned.is_empty(), "{xml}");
    assert!(warned.iter().all(|c| !c.failed));
    assert!(warned[0].system_out.starts_with("warning["));
    // Rules --allow does not report are skipped cases.
    let skipped: Vec<&str> = junit
        .cases
        .iter()
        .filter(|c| c.skipped)
        .map(|c| get(&c.attrs, "name").unwrap())
        .collect();
    assert!(!skipped.is_empty() && skipped.iter().all(|r| r.starts_with("identity.")));
    let props = |suite: &str, name: &str| -> Vec<String> {
        junit
            .properties
            .iter()
            .filter(|(s, n, _)| s == suite && n == name)
            .map(|(_, _, v)| v.clone())
            .collect()
    };
    assert_eq!(props(SEED, "tool.name"), ["pyng-conformance"]);
    assert_eq!(props(SEED, "tool.version"), [env!("CARGO_PKG_VERSION")]);
    assert!(props(SEED, "spec.title").contains(&"Pyng Pull Transaction Status API".to_owned()));
    assert_eq!(
        props(SEED, "spec.title").len(),
        props(SEED, "spec.version").len()
    );
    assert!(props(SEED, "spec.file").contains(&"specs/pyng/transaction-status.yaml".to_owned()));
}

#[test]
fn sarif_validates_against_the_schema() {
    // The SARIF 2.1.0 schema as serde-sarif ships it (the OASIS file). Its
    // `run.language` pattern has a stray `]`, which the draft-07 meta-schema's
    // `format: regex` rejects; that one pattern is repaired here, as in the
    // schema's later errata, before the schema is compiled.
    let text = include_str!("data/sarif-schema-2.1.0.json").replace(
        r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#,
        r#""^[a-zA-Z]{2}(-[a-zA-Z]{2})?$""#,
    );
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let (code, text) = run(&[
        "check",
        "examples/recordings",
        "--secret-env",
        "PEACH_TEST_SECRET",
        "--format",
        "sarif",
    ]);
    assert_eq!(code, 1);
    let sarif: serde_json::Value = serde_json::from_str(&text).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // The validator does reject a broken log.
    let mut broken = sarif.clone();
    broken["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!validator.is_valid(&broken));

    assert_eq!(sarif["version"], "2.1.0");
    let runs = sarif["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let driver = &runs[0]["tool"]["driver"];
    assert_eq!(driver["name"], "pyng-conformance");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    let rules = driver["rules"].as_array().unwrap();
    let truncated_rule = rules
        .iter()
        .position(|r| r["id"] == "input.truncated")
        .unwrap();
    assert_eq!(
        rules[truncated_rule]["defaultConfiguration"]["level"],
        "error"
    );
    assert!(rules[truncated_rule]["shortDescription"]["text"].is_string());
    let results = runs[0]["results"].as_array().unwrap();
    let truncated = results
        .iter()
        .find(|r| r["ruleId"] == "input.truncated")
        .unwrap();
    assert_eq!(truncated["level"], "error");
    assert_eq!(truncated["ruleIndex"], truncated_rule);
    let loc = &truncated["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], TRUNCATED);
    assert_eq!(loc["region"]["startLine"], 60);
    assert_eq!(loc["region"]["startColumn"], 15);
    let amount = results
        .iter()
        .find(|r| r["ruleId"] == "amount.paid-equals-line-totals")
        .unwrap();
    assert!(amount["message"]["text"].as_str().unwrap().contains("2940"));
    let loc = &amount["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], SEED);
    let (line, column) = (
        loc["region"]["startLine"].as_u64().unwrap() as usize,
        loc["region"]["startColumn"].as_u64().unwrap() as usize,
    );
    assert!(seed_at(line, column).starts_with("2940"), "{line}:{column}");
    assert_eq!(amount["properties"]["pointer"], "/data/amountPaid");
    assert_eq!(amount["properties"]["entry"], 0);
    assert_eq!(amount["properties"]["bodyLine"], 46);
    assert!(amount["properties"]["sequence"].is_string());
    let specs = runs[0]["properties"]["specs"].as_array().unwrap();
    assert!(
        specs
            .iter()
            .any(|s| s["title"] == "Pyng Pull Transaction Status API")
    );
    assert!(results.iter().any(|r| r["level"] == "warning"));
}

#[test]
fn github_lines() {
    let (code, out) = run(&["check", SEED, TRUNCATED, "--format", "github"]);
    assert_eq!(code, 1);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines,
        [
            "::error file=examples/recordings/seed-001-examples.har,line=45,col=1262,title=amount.paid-equals-line-totals::amountPaid == sum(lineItems[*], amountTotal ?? amountSubtotal - (sum(discounts[*].amount) ?? 0)) does not hold: left side is 2940, right side is 2440 (entry 0, /data/amountPaid)",
            "::error file=examples/recordings/truncated.har,line=60,col=15,title=input.truncated::the HAR file ends early (truncated?): EOF while parsing a value at line 60 column 15",
            "pyng-conformance: 2 errors, 0 warnings; 2 files, 2 exchanges checked, 0 unmatched",
        ]
    );
    // Line 45, column 1262 is the offending value in the file.
    assert!(seed_at(45, 1262).starts_with("2940"));
    let (code, out) = run(&[
        "check",
        "examples/recordings/mixed-traffic.har",
        "--format",
        "github",
    ]);
    assert_eq!(code, 0);
    assert!(
        out.lines().next().unwrap().starts_with("::warning file="),
        "{out}"
    );
}

#[test]
fn github_escapes_file_names() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a,b:c%d.har");
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../examples/recordings/truncated.har"
        ),
        &path,
    )
    .unwrap();
    let (code, out) = run(&["check", path.to_str().unwrap(), "--format", "github"]);
    assert_eq!(code, 1);
    let first = out.lines().next().unwrap();
    assert!(
        first.contains("a%2Cb%3Ac%25d.har,line=60,col=15,title=input.truncated::"),
        "{first}"
    );
}

#[test]
fn json_names_tool_and_specs() {
    let (_, text) = run(&["check", SEED, "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["formatVersion"], 1);
    assert_eq!(doc["tool"]["name"], "pyng-conformance");
    assert_eq!(doc["tool"]["version"], env!("CARGO_PKG_VERSION"));
    let specs = doc["specs"].as_array().unwrap();
    assert_eq!(specs.len(), 3);
    assert!(
        specs
            .iter()
            .any(|s| s["title"] == "Pyng Pull Transaction Status API"
                && s["version"] == "1.0.0"
                && s["file"] == "specs/pyng/transaction-status.yaml")
    );
}

#[test]
fn color_flag_and_environment() {
    let coloured = |args: &[&str], env: &[(&str, &str)]| {
        let mut all = vec!["check", SEED];
        all.extend_from_slice(args);
        run_env(&all, env).1.contains("\x1b[")
    };
    // Not a terminal: no colour under auto...
    assert!(!coloured(&[], &[]));
    assert!(!coloured(&["--color", "auto"], &[("CLICOLOR", "1")]));
    // ...unless forced.
    assert!(coloured(&[], &[("FORCE_COLOR", "1")]));
    assert!(coloured(&[], &[("CLICOLOR_FORCE", "1")]));
    assert!(!coloured(&[], &[("FORCE_COLOR", "0")]));
    assert!(!coloured(&[], &[("FORCE_COLOR", "")]));
    assert!(!coloured(&[], &[("FORCE_COLOR", "1"), ("NO_COLOR", "1")]));
    assert!(coloured(&[], &[("FORCE_COLOR", "1"), ("NO_COLOR", "")]));
    // The flag wins over the environment.
    assert!(coloured(&["--color", "always"], &[("NO_COLOR", "1")]));
    assert!(coloured(&["--color", "always"], &[("CLICOLOR", "0")]));
    assert!(!coloured(&["--color", "never"], &[("FORCE_COLOR", "1")]));
    // Only the human format has colour.
    assert!(!coloured(&["--color", "always", "--format", "github"], &[]));
    let (code, _) = run(&["check", SEED, "--color", "sometimes"]);
    assert_eq!(code, 2);
}
