//! Grep for the secret: the real `poll` binary against a local fake server that
//! echoes every secret it is sent, in every way a server may (the token
//! endpoint's `error_description` with `id:secret`, JSON-escaped with `\/` and
//! `\uXXXX`, in response headers, in the query), and every output `poll`
//! writes (stdout, stderr, JSON and NDJSON recordings, HAR, JSON and JUnit
//! reports) searched for them, raw and decoded (JSON strings, percent-encoding).

mod live_support;

use base64::Engine as _;
use live_support::fake::{Fake, FakeRequest, respond};
use live_support::*;
use serde_json::Value;

const ID: &str = "echo-client-id-5h2k";
const SECRET: &str = "echo/client+secret=7Qm";
const ISSUED: &str = "echo/issued+token=9Zx";
const ENV_TOKEN: &str = "echo/env+token=4Wd";
const SIGNING: &str = "echo/signing+secret=3Lp";
const ENTITY: &str = "8ac7a4ca86c2c24d0168c2caab2e0025";

fn secrets() -> Vec<String> {
    let basic =
        base64::engine::general_purpose::STANDARD.encode(format!("{}:{}", form(ID), form(SECRET)));
    vec![
        ID.into(),
        SECRET.into(),
        ISSUED.into(),
        ENV_TOKEN.into(),
        SIGNING.into(),
        basic,
    ]
}

fn form(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// `\/` as PHP writes it.
fn slashed(s: &str) -> String {
    s.replace('/', "\\/")
}

/// Every character as `\uXXXX`.
fn unicode(s: &str) -> String {
    s.chars().map(|c| format!("\\u{:04x}", c as u32)).collect()
}

/// Some characters escaped, some not.
fn mixed(s: &str) -> String {
    s.chars()
        .enumerate()
        .map(|(i, c)| {
            if i % 2 == 0 {
                format!("\\u{:04X}", c as u32)
            } else if c == '/' {
                "\\/".into()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// A JSON string literal's content for arbitrary text (quotes and backslashes).
fn lit(s: &str) -> String {
    let q = serde_json::to_string(s).unwrap();
    q[1..q.len() - 1].to_owned()
}

/// The Basic credentials of the token request, decoded as the server sees them.
fn basic_pair(req: &FakeRequest) -> String {
    req.header("authorization")
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default()
}

fn echo(req: &FakeRequest, conn: &mut std::net::TcpStream) {
    let auth = req.header("authorization").unwrap_or("").to_owned();
    let merchant = req.header("x-merchant").unwrap_or("").to_owned();
    if req.path().ends_with("/refuse/token") {
        let pair = basic_pair(req);
        let body = format!(
            r#"{{"error":"invalid_client","error_description":"client {} ({}) refused; {} {} {}"}}"#,
            lit(&pair),
            lit(&auth),
            slashed(SECRET),
            unicode(SECRET),
            mixed(ID)
        );
        respond(
            conn,
            401,
            &[("Content-Type", "application/json")],
            body.as_bytes(),
        );
        return;
    }
    if req.path().ends_with("/token") {
        let body = format!(r#"{{"access_token":"{}","expires_in":3600}}"#, lit(ISSUED));
        respond(
            conn,
            200,
            &[("Content-Type", "application/json")],
            body.as_bytes(),
        );
        return;
    }
    let bearer = auth.strip_prefix("Bearer ").unwrap_or("").to_owned();
    let state = if req.path() == "/status" {
        r#""result":{"code":"000.000.000","description":"ok"},"status":"successful""#.to_owned()
    } else {
        r#""data":{"transactionStatus":"Settled"}"#.to_owned()
    };
    let body = format!(
        r#"{{{state},"echo":{{"auth":"{}","slashed":"{}","unicode":"{}","mixed":"{}","merchant":"{}","merchantU":"{}","signing":"{}","query":"{}"}},"traceId":"t"}}"#,
        lit(&auth),
        slashed(&bearer),
        unicode(&bearer),
        mixed(&bearer),
        lit(&merchant),
        unicode(&merchant),
        mixed(SIGNING),
        lit(&req.target),
    );
    let location = format!("/again?{}", req.target.split('?').nth(1).unwrap_or(""));
    respond(
        conn,
        200,
        &[
            ("Content-Type", "application/json"),
            ("X-Echo-Auth", &auth),
            ("X-Echo-Merchant", &merchant),
            ("Location", &location),
        ],
        body.as_bytes(),
    );
}

/// Every string inside `v`, and inside strings that are JSON themselves.
fn strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => {
            out.push(s.clone());
            if let Ok(inner) = serde_json::from_str::<Value>(s) {
                strings(&inner, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|v| strings(v, out)),
        Value::Object(o) => o.iter().for_each(|(k, v)| {
            out.push(k.clone());
            strings(v, out);
        }),
        _ => {}
    }
}

/// The text and every decoded view of it that a reader may take.
fn views(text: &str) -> Vec<String> {
    let mut out = vec![text.to_owned()];
    let docs: Vec<Value> = match serde_json::from_str::<Value>(text) {
        Ok(v) => vec![v],
        Err(_) => text
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect(),
    };
    for d in &docs {
        strings(d, &mut out);
    }
    let decoded: Vec<String> = out
        .iter()
        .map(|s| {
            percent_encoding::percent_decode_str(&s.replace('+', " "))
                .decode_utf8_lossy()
                .into_owned()
        })
        .chain(out.iter().map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        }))
        .collect();
    out.extend(decoded);
    out
}

fn assert_clean(what: &str, text: &str) {
    for view in views(text) {
        for s in secrets() {
            // Most of a secret is as bad as all of it (a message cut short).
            let most: String = s.chars().take(s.chars().count() - 3).collect();
            assert!(
                !view.contains(&most),
                "{what} holds the secret `{s}`:\n{view}\n--- whole text:\n{text}"
            );
        }
    }
}

/// A child's environment.
type Env<'a> = Vec<(&'a str, &'a str)>;

fn a(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn no_output_of_poll_holds_a_secret_however_the_server_echoes_it() {
    let fake = Fake::start(echo);
    let dir = tempfile::tempdir().unwrap();
    let p = |name: &str| dir.path().join(name).display().to_string();
    let all_env = [
        ("PYNG_CLIENT_ID", ID),
        ("PYNG_CLIENT_SECRET", SECRET),
        ("PEACH_SECRET", SIGNING),
    ];
    let merchant = format!("x-merchant:{SIGNING}");
    let pyng = |extra: &[&str]| {
        let mut v = a(&[
            "poll",
            "--base-url",
            &fake.url,
            // The signing secret in the query (and so in the URL poll prints).
            "--payment-intent",
            SIGNING,
            "--site",
            "site-1",
            // A Peach secret sent to a Pyng API: still a secret of the run.
            "--header",
            &merchant,
            "--interval",
            "10ms",
            "--confirm-final",
            "1",
        ]);
        v.extend(a(extra));
        v
    };
    let runs: Vec<(Vec<String>, Env, i32)> = vec![
        // The token endpoint refuses and echoes `id:secret` in error_description.
        (
            pyng(&[
                "--token-url",
                &format!("{}/refuse/token", fake.url),
                "--record",
                &p("r1.json"),
                "--format",
                "json",
                "--output",
                &p("r1.report.json"),
            ]),
            all_env.to_vec(),
            2,
        ),
        // An issued token, echoed every way; document recording, HAR, JSON report.
        (
            pyng(&[
                "--record",
                &p("r2.json"),
                "--har",
                &p("r2.har"),
                "--format",
                "json",
                "--output",
                &p("r2.report.json"),
            ]),
            all_env.to_vec(),
            1,
        ),
        // The same streamed: NDJSON, HAR, JUnit.
        (
            pyng(&[
                "--record",
                &p("r3.ndjson"),
                "--har",
                &p("r3.har"),
                "--format",
                "junit",
                "--output",
                &p("r3.xml"),
            ]),
            all_env.to_vec(),
            1,
        ),
        // A token from the environment; human report on stdout.
        (
            pyng(&["--record", &p("r4.jsonl")]),
            vec![("PYNG_ACCESS_TOKEN", ENV_TOKEN), ("PEACH_SECRET", SIGNING)],
            1,
        ),
        // A signed Peach query, the signing secret echoed back.
        (
            a(&[
                "poll",
                "--base-url",
                &fake.url,
                "--peach-checkout",
                "successful-2.0000000000000000000000",
                "--entity-id",
                ENTITY,
                "--interval",
                "10ms",
                "--record",
                &p("r5.json"),
                "--har",
                &p("r5.har"),
            ]),
            all_env.to_vec(),
            1,
        ),
    ];
    let mut texts: Vec<(String, String)> = Vec::new();
    for (args, env, want) in &runs {
        let out = run(args, env);
        assert_ne!(out.code(), 101, "{args:?} panicked:\n{}", out.stderr);
        if *want == 2 {
            assert_eq!(out.code(), 2, "{args:?}:\n{}", out.stderr);
        } else {
            assert!(matches!(out.code(), 0 | 1), "{args:?}:\n{}", out.stderr);
        }
        texts.push((format!("{args:?} stdout"), out.stdout));
        texts.push((format!("{args:?} stderr"), out.stderr));
    }
    let mut files = 0;
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        files += 1;
        texts.push((
            path.display().to_string(),
            std::fs::read_to_string(&path).unwrap(),
        ));
    }
    assert_eq!(files, 11, "every output was written");
    // The server did echo, and poll saw it: the texts are not trivially clean.
    let all: String = texts.iter().map(|(_, t)| t.as_str()).collect();
    assert!(all.contains("<redacted>"), "{all}");
    assert!(all.contains("invalid_client"), "the refusal is reported");
    assert!(fake.requests().len() >= 8, "{:?}", fake.requests().len());
    for (what, text) in &texts {
        assert_clean(what, text);
    }
}

/// A secret inside a signed parameter is redacted after signing: the
/// recording then cannot show the signed text, so the signature rules are not
/// evaluated for those exchanges (a `signature.unverifiable` warning), live and
/// offline alike, rather than failing (or passing) them.
#[test]
fn a_redacted_signed_parameter_is_unverifiable_not_a_signature_error() {
    let sandbox = Sandbox::start(1.0);
    let dir = tempfile::tempdir().unwrap();
    let r = poll(
        dir.path(),
        "unverifiable",
        &sandbox.url,
        &a(&[
            // The checkout id holds the signing secret: it is redacted.
            "--peach-checkout",
            &format!("{SIGNING_SECRET}-000"),
            "--entity-id",
            ENTITY,
            "--interval",
            "30ms",
            "--deadline",
            "3s",
        ]),
    );
    let rules: Vec<&str> = r.keys.iter().map(|k| k.0.as_str()).collect();
    assert!(
        rules.contains(&"signature.unverifiable"),
        "{rules:?}\n{}",
        r.out.stderr
    );
    assert!(
        !r.errors().iter().any(|e| e.starts_with("signature.")),
        "{:?}\n{}",
        r.errors(),
        r.out.stderr
    );
    let url = r.exchanges()[0]["request"]["url"].as_str().unwrap();
    assert!(url.contains("<redacted>"), "{url}");
}
