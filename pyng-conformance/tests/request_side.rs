//! The request side of an operation: request bodies (JSON and form, a shared
//! `requestBodies` component), `readOnly` and `writeOnly`, header, path and
//! query parameters, response headers, `x-idempotency` replays, against the fixture `tests/request_side/orders.yaml`.

use std::sync::atomic::{AtomicUsize, Ordering};

use pyng_conformance::{Engine, Report};
use serde_json::{Value, json};

const ORDERS: &str = include_str!("request_side/orders.yaml");
const ORDERS_URL: &str = "https://api.example/v1/orders";

fn engine() -> Engine {
    let loaded = pyng_spec::load_str("orders.yaml", ORDERS).unwrap();
    Engine::from_specs(vec![loaded.spec])
}

/// A POST to `url` with `request` members (headers, body...) answered 201
/// with a conforming order.
fn post(url: &str, request: Value, status: u16, body: Value) -> Value {
    // A new key for every call, unless the test says otherwise.
    static KEYS: AtomicUsize = AtomicUsize::new(0);
    let key = format!("key-{:04}", KEYS.fetch_add(1, Ordering::Relaxed));
    let mut req = json!({"method": "POST", "url": url, "headers": {"Idempotency-Key": key}});
    for (k, v) in request.as_object().into_iter().flatten() {
        match (k.as_str(), v.as_object()) {
            ("headers", Some(headers)) => {
                for (name, value) in headers {
                    req["headers"][name] = value.clone();
                }
            }
            _ => req[k] = v.clone(),
        }
    }
    json!({
        "startedAt": "2024-11-17T05:30:00Z",
        "request": req,
        "response": {"status": status,
            "headers": {"Content-Type": "application/json", "Location": "/v1/orders/o-1"}, "body": body}
    })
}

fn created() -> Value {
    json!({"id": "o-1", "amount": 100, "currency": "ZAR"})
}

fn check(exchanges: Vec<Value>) -> Report {
    let doc = json!({"format": "pyng-recording", "version": 1, "exchanges": exchanges});
    engine().check_bytes("r.json", &serde_json::to_vec(&doc).unwrap())
}

fn json_order(body: Value) -> Value {
    json!({"headers": {"Content-Type": "application/json"}, "body": body})
}

fn form_order(text: &str) -> Value {
    json!({"headers": {"Content-Type": "application/x-www-form-urlencoded"}, "bodyText": text})
}

fn rules(r: &Report) -> Vec<&str> {
    r.findings.iter().map(|f| f.rule.as_str()).collect()
}

fn messages(r: &Report) -> Vec<&str> {
    r.findings.iter().map(|f| f.message.as_str()).collect()
}

#[test]
fn a_conforming_json_or_form_body_passes() {
    let r = check(vec![
        post(
            ORDERS_URL,
            json_order(json!({"amount": 100, "currency": "ZAR", "cardToken": "t", "tags": ["a"]})),
            201,
            created(),
        ),
        post(
            ORDERS_URL,
            form_order("amount=100&currency=USD&express=true&tags=a&tags=b"),
            201,
            created(),
        ),
    ]);
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
    assert!(!r.coverage.not_evaluated.contains_key("http.request-body"));
}

#[test]
fn the_body_is_checked_with_the_schema_rules_as_a_request() {
    // `id` is required but readOnly: not required in a request, refused in one.
    let r = check(vec![post(
        ORDERS_URL,
        json_order(json!({"id": "o-1", "amount": 0, "currency": "EUR"})),
        201,
        created(),
    )]);
    assert_eq!(
        rules(&r),
        ["schema.read-only", "schema.minimum", "schema.enum"],
        "{:#?}",
        r.findings
    );
    assert!(
        messages(&r)[0].starts_with("request body at `/id`: "),
        "{}",
        messages(&r)[0]
    );
    // A required property missing from the request.
    let r = check(vec![post(
        ORDERS_URL,
        json_order(json!({"currency": "ZAR"})),
        201,
        created(),
    )]);
    assert_eq!(rules(&r), ["schema.required"], "{:#?}", r.findings);
}

#[test]
fn form_fields_are_coerced_to_their_property_types() {
    let r = check(vec![post(
        ORDERS_URL,
        form_order("amount=ten&currency=ZAR&express=yes"),
        201,
        created(),
    )]);
    assert_eq!(
        rules(&r),
        ["schema.type", "schema.type"],
        "{:#?}",
        r.findings
    );
    assert!(messages(&r)[0].contains("`/amount`"), "{:?}", messages(&r));
}

#[test]
fn a_write_only_property_in_the_response_is_refused() {
    let mut body = created();
    body["cardToken"] = json!("t");
    let r = check(vec![post(
        ORDERS_URL,
        json_order(json!({"amount": 1, "currency": "ZAR"})),
        201,
        body,
    )]);
    assert_eq!(rules(&r), ["schema.write-only"], "{:#?}", r.findings);
}

#[test]
fn a_missing_required_body_is_a_finding() {
    let r = check(vec![post(ORDERS_URL, json!({}), 201, created())]);
    assert_eq!(rules(&r), ["http.request-body"], "{:#?}", r.findings);
    assert!(
        messages(&r)[0].contains("requires one"),
        "{:?}",
        messages(&r)
    );
}

#[test]
fn a_body_that_is_not_recorded_is_not_checked_and_says_so() {
    // Declared (Content-Type) but not kept by the recorder.
    let declared = post(
        ORDERS_URL,
        json!({"headers": {"Content-Type": "application/json"}}),
        201,
        created(),
    );
    // An optional body, not sent (or not kept).
    let optional = post("https://api.example/v1/notes", json!({}), 204, Value::Null);
    let mut optional = optional;
    optional["response"] = json!({"status": 204});
    let r = check(vec![declared, optional]);
    assert!(
        !rules(&r).contains(&"http.request-body"),
        "{:#?}",
        r.findings
    );
    let skipped = &r.coverage.not_evaluated["http.request-body"];
    assert_eq!(skipped.exchanges, 2);
    assert!(
        skipped.reason.contains("no request body"),
        "{}",
        skipped.reason
    );
}

#[test]
fn an_undocumented_media_type_or_broken_json_is_a_finding() {
    let r = check(vec![post(
        ORDERS_URL,
        json!({"headers": {"Content-Type": "text/plain"}, "bodyText": "amount=1"}),
        201,
        created(),
    )]);
    assert_eq!(rules(&r), ["http.request-body"], "{:#?}", r.findings);
    assert!(
        messages(&r)[0].contains("`text/plain`"),
        "{:?}",
        messages(&r)
    );
    let r = check(vec![post(
        ORDERS_URL,
        json!({"headers": {"Content-Type": "application/json; charset=utf-8"}, "bodyText": "{\"amount\": "}),
        201,
        created(),
    )]);
    assert_eq!(rules(&r), ["http.request-body"], "{:#?}", r.findings);
    assert!(messages(&r)[0].contains("not JSON"), "{:?}", messages(&r));
}

#[test]
fn har_post_data_params_are_a_form_body() {
    let har = json!({"log": {"entries": [{
        "startedDateTime": "2024-11-17T05:30:00Z",
        "request": {"method": "POST", "url": ORDERS_URL, "headers": [{"name": "idempotency-key", "value": "key-0001"}],
            "postData": {"mimeType": "application/x-www-form-urlencoded",
                "params": [{"name": "amount", "value": "0"}, {"name": "currency", "value": "ZAR"}]}},
        "response": {"status": 201, "headers": [{"name": "Content-Type", "value": "application/json"},
            {"name": "location", "value": "/v1/orders/o-1"}],
            "content": {"mimeType": "application/json", "text": created().to_string()}}
    }]}});
    let r = engine().check_bytes("r.har", &serde_json::to_vec(&har).unwrap());
    assert_eq!(rules(&r), ["schema.minimum"], "{:#?}", r.findings);
}

#[test]
fn a_required_header_parameter_is_required_in_any_case_and_checked() {
    let order = || json_order(json!({"amount": 1, "currency": "ZAR"}));
    let mut missing = post(ORDERS_URL, order(), 201, created());
    missing["request"]["headers"]
        .as_object_mut()
        .unwrap()
        .remove("Idempotency-Key");
    let r = check(vec![missing]);
    assert_eq!(rules(&r), ["http.request-parameters"], "{:#?}", r.findings);
    assert!(
        messages(&r)[0].contains("required header `Idempotency-Key`"),
        "{:?}",
        messages(&r)
    );
    // Any case; a value off its pattern, an integer header that is not one.
    let mut bad = post(ORDERS_URL, order(), 201, created());
    bad["request"]["headers"] = json!({"Content-Type": "application/json",
        "IDEMPOTENCY-KEY": "short", "x-attempt": "one"});
    let r = check(vec![bad]);
    assert_eq!(
        rules(&r),
        ["http.request-parameters", "http.request-parameters"],
        "{:#?}",
        r.findings
    );
    assert!(
        messages(&r)[0].contains("schema.pattern"),
        "{:?}",
        messages(&r)
    );
    assert!(
        messages(&r)[1].contains("schema.type"),
        "{:?}",
        messages(&r)
    );
    let mut good = post(ORDERS_URL, order(), 201, created());
    good["request"]["headers"]["X-Attempt"] = json!("2");
    assert!(check(vec![good]).findings.is_empty());
}

#[test]
fn a_redacted_header_parameter_is_not_checked_and_says_so() {
    // `redact` and `poll` replace credentials by the marker; a header
    // parameter holding one cannot be checked against its pattern.
    let mut x = post(
        ORDERS_URL,
        json_order(json!({"amount": 1, "currency": "ZAR"})),
        201,
        created(),
    );
    x["request"]["headers"]["Idempotency-Key"] = json!(pyng_conformance::redact::REDACTED);
    let r = check(vec![x]);
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
    let skipped = &r.coverage.not_evaluated["http.request-parameters"];
    assert_eq!(skipped.exchanges, 1);
}

#[test]
fn documented_response_headers_are_required_and_checked() {
    let order = || json_order(json!({"amount": 1, "currency": "ZAR"}));
    let mut missing = post(ORDERS_URL, order(), 201, created());
    missing["response"]["headers"]
        .as_object_mut()
        .unwrap()
        .remove("Location");
    let r = check(vec![missing]);
    assert_eq!(rules(&r), ["http.response-header"], "{:#?}", r.findings);
    assert!(
        messages(&r)[0].contains("lacks the required header `Location`"),
        "{:?}",
        messages(&r)
    );
    let mut bad = post(ORDERS_URL, order(), 201, created());
    bad["response"]["headers"] = json!({"Content-Type": "application/json",
        "LOCATION": "/elsewhere", "x-request-count": "many"});
    let r = check(vec![bad]);
    assert_eq!(
        rules(&r),
        ["http.response-header", "http.response-header"],
        "{:#?}",
        r.findings
    );
    assert!(
        messages(&r)[0].contains("schema.pattern"),
        "{:?}",
        messages(&r)
    );
    assert!(
        messages(&r)[1].contains("schema.type"),
        "{:?}",
        messages(&r)
    );
    let mut good = post(ORDERS_URL, order(), 201, created());
    good["response"]["headers"]["X-Request-Count"] = json!("3");
    assert!(check(vec![good]).findings.is_empty());
}

/// A call of `createOrder` with the idempotency key `key` and `amount`,
/// answered `status` with an order of `answered` cents.
fn keyed(key: &str, amount: i64, status: u16, answered: i64) -> Value {
    let mut x = post(
        ORDERS_URL,
        json_order(json!({"amount": amount, "currency": "ZAR"})),
        status,
        json!({"id": "o-1", "amount": answered, "currency": "ZAR"}),
    );
    x["request"]["headers"]["Idempotency-Key"] = json!(key);
    x
}

#[test]
fn a_replay_with_the_same_body_answers_as_the_first_call() {
    let same = check(vec![
        keyed("k-00000001", 5, 201, 5),
        keyed("k-00000001", 5, 201, 5),
    ]);
    assert!(same.findings.is_empty(), "{:#?}", same.findings);
    let other_status = check(vec![
        keyed("k-00000001", 5, 201, 5),
        keyed("k-00000001", 5, 200, 5),
    ]);
    // (200 is not documented either: `http.status-documented` too.)
    let replay = other_status
        .findings
        .iter()
        .find(|f| f.rule == "identity.idempotent-replay")
        .unwrap();
    assert_eq!(replay.entry, Some(1));
    assert!(
        replay
            .message
            .contains("answered 200; the first call was answered 201"),
        "{}",
        replay.message
    );
    let other_body = check(vec![
        keyed("k-00000001", 5, 201, 5),
        keyed("k-00000001", 5, 201, 6),
    ]);
    assert_eq!(rules(&other_body), ["identity.idempotent-replay"]);
    assert_eq!(
        other_body.findings[0].source.as_deref(),
        Some("orders.md § Idempotency")
    );
    // Another key is another call.
    let two = check(vec![
        keyed("k-00000001", 5, 201, 5),
        keyed("k-00000002", 5, 201, 6),
    ]);
    assert!(two.findings.is_empty(), "{:#?}", two.findings);
}

#[test]
fn a_reused_key_with_another_body_is_refused() {
    let accepted = check(vec![
        keyed("k-00000001", 5, 201, 5),
        keyed("k-00000001", 6, 201, 6),
    ]);
    assert_eq!(rules(&accepted), ["identity.idempotent-replay"]);
    assert!(
        messages(&accepted)[0].contains("refused with a 4xx"),
        "{:?}",
        messages(&accepted)
    );
    let mut refused = keyed("k-00000001", 6, 422, 6);
    refused["response"]["body"] = json!({});
    let r = engine().check_bytes(
        "r.json",
        &serde_json::to_vec(&json!({"format": "pyng-recording", "version": 1,
            "exchanges": [keyed("k-00000001", 5, 201, 5), refused]}))
        .unwrap(),
    );
    assert!(
        !rules(&r).contains(&"identity.idempotent-replay"),
        "{:#?}",
        r.findings
    );
}

#[test]
fn a_call_that_did_not_complete_leaves_the_key_free() {
    let mut failed = keyed("k-00000001", 5, 503, 5);
    failed["response"]["body"] = json!({});
    let r = check(vec![
        failed,
        keyed("k-00000001", 5, 201, 5),
        keyed("k-00000001", 5, 201, 5),
    ]);
    assert!(
        !rules(&r).contains(&"identity.idempotent-replay"),
        "{:#?}",
        r.findings
    );
}

#[test]
fn a_redacted_key_is_not_checked_and_says_so() {
    let r = check(vec![
        keyed(pyng_conformance::redact::REDACTED, 5, 201, 5),
        keyed(pyng_conformance::redact::REDACTED, 6, 201, 6),
    ]);
    assert!(
        !rules(&r).contains(&"identity.idempotent-replay"),
        "{:#?}",
        r.findings
    );
    assert_eq!(
        r.coverage.not_evaluated["identity.idempotent-replay"].exchanges,
        2
    );
}

#[test]
fn replays_are_compared_on_ndjson_lines_too() {
    let lines = |second: i64| {
        [
            keyed("k-00000001", 5, 201, 5),
            keyed("k-00000001", 5, 201, second),
        ]
        .iter()
        .map(|x| serde_json::to_string(x).unwrap())
        .collect::<Vec<_>>()
        .join("\n")
    };
    let same = engine().check_bytes("r.ndjson", lines(5).as_bytes());
    assert!(same.findings.is_empty(), "{:#?}", same.findings);
    let other = engine().check_bytes("r.ndjson", lines(6).as_bytes());
    assert_eq!(
        rules(&other),
        ["identity.idempotent-replay"],
        "{:#?}",
        other.findings
    );
}

#[test]
fn a_redacted_request_body_value_is_not_checked_and_says_so() {
    // `redact` replaces a credential in a form body by the marker; the
    // marker is no `currency`, and is not reported as one.
    let form = format!(
        "amount=1&currency={}",
        pyng_conformance::redact::REDACTED
            .replace('<', "%3C")
            .replace('>', "%3E")
    );
    let r = check(vec![post(ORDERS_URL, form_order(&form), 201, created())]);
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
    let skipped = &r.coverage.not_evaluated["http.request-body"];
    assert_eq!(skipped.exchanges, 1);
    assert!(skipped.reason.contains("redacted"), "{}", skipped.reason);
}

/// A GET of `url` answered 200 with a conforming order.
fn get(url: &str) -> Value {
    json!({
        "startedAt": "2024-11-17T05:30:00Z",
        "request": {"method": "GET", "url": url},
        "response": {"status": 200, "headers": {"Content-Type": "application/json"}, "body": created()}
    })
}

#[test]
fn path_and_query_parameters_are_read_as_their_schema_types() {
    let good = check(vec![
        get("https://api.example/v1/orders/12?page=2&verbose=true&expand=items&expand=payments"),
        get("https://api.example/v1/orders/-3"),
    ]);
    assert!(good.findings.is_empty(), "{:#?}", good.findings);
    for (url, rule) in [
        ("https://api.example/v1/orders/abc", "schema.type"),
        ("https://api.example/v1/orders/1?page=two", "schema.type"),
        ("https://api.example/v1/orders/1?page=1.5", "schema.type"),
        ("https://api.example/v1/orders/1?verbose=yes", "schema.type"),
        // A parameter that is not an array, sent twice.
        (
            "https://api.example/v1/orders/1?page=1&page=2",
            "schema.type",
        ),
        // Every value of a repeated array parameter is an item.
        (
            "https://api.example/v1/orders/1?expand=items&expand=shipping",
            "schema.enum",
        ),
    ] {
        one_parameter_problem(url, rule);
    }
}

/// A GET of `url` gets exactly one `http.request-parameters` finding, naming
/// the parameter and the schema `rule`.
fn one_parameter_problem(url: &str, rule: &str) {
    let r = check(vec![get(url)]);
    assert_eq!(
        rules(&r),
        ["http.request-parameters"],
        "{url}: {:#?}",
        r.findings
    );
    assert!(
        messages(&r)[0].starts_with("parameter `") && messages(&r)[0].contains(rule),
        "{url}: {:?}",
        messages(&r)
    );
}

/// `explode: false`, `spaceDelimited` and `pipeDelimited`: an array sent as
/// one value, its items joined by `,`, a space or `|`, each item checked.
#[test]
fn a_joined_array_query_parameter_is_split_by_its_style() {
    let good = check(vec![get(
        "https://api.example/v1/orders/1?ids=1,2,3&shelves=4|5&words=ab%20cd",
    )]);
    assert!(good.findings.is_empty(), "{:#?}", good.findings);
    for (url, rule) in [
        ("https://api.example/v1/orders/1?ids=1,x", "schema.type"),
        ("https://api.example/v1/orders/1?shelves=4,5", "schema.type"),
        (
            "https://api.example/v1/orders/1?words=ab%20zz",
            "schema.enum",
        ),
    ] {
        one_parameter_problem(url, rule);
    }
    // The other serialisation: the key repeated, one item each.
    let repeated = check(vec![get("https://api.example/v1/orders/1?ids=1&ids=2")]);
    assert_eq!(
        rules(&repeated),
        ["http.request-parameters"],
        "{:#?}",
        repeated.findings
    );
    assert!(
        messages(&repeated)[0].contains("`ids` is sent as 2 repeated keys")
            && messages(&repeated)[0].contains("joined by `,`"),
        "{:?}",
        messages(&repeated)
    );
}

#[test]
fn a_deprecated_operation_or_parameter_is_a_warning() {
    let r = check(vec![get("https://api.example/v1/orders/1?legacySort=asc")]);
    assert_eq!(rules(&r), ["http.deprecated"], "{:#?}", r.findings);
    assert!(
        messages(&r)[0].contains("`legacySort`"),
        "{:?}",
        messages(&r)
    );
    assert_eq!(r.findings[0].severity, pyng_conformance::Severity::Warning);
    let mut x = get("https://api.example/v1/orders/1");
    x["response"]["headers"]["X-Legacy-Version"] = json!("1");
    let r = check(vec![x]);
    assert_eq!(rules(&r), ["http.deprecated"], "{:#?}", r.findings);
    assert!(
        messages(&r)[0].contains("`X-Legacy-Version`"),
        "{:?}",
        messages(&r)
    );
    let r = check(vec![get("https://api.example/v1/orders/1/receipt")]);
    assert_eq!(rules(&r), ["http.deprecated"], "{:#?}", r.findings);
    assert!(
        messages(&r)[0].contains("`getReceipt`"),
        "{:?}",
        messages(&r)
    );
}

#[test]
fn an_array_header_is_a_comma_separated_list() {
    let with_header = |value: &str| {
        let mut x = get("https://api.example/v1/orders/1");
        x["response"]["headers"]["X-Related"] = json!(value);
        check(vec![x])
    };
    for good in ["7", "7,8", "7, 8 ,9"] {
        let r = with_header(good);
        assert!(r.findings.is_empty(), "{good}: {:#?}", r.findings);
    }
    let r = with_header("7,eight");
    assert_eq!(rules(&r), ["http.response-header"], "{:#?}", r.findings);
    assert!(
        messages(&r)[0].contains("schema.type"),
        "{:?}",
        messages(&r)
    );
}

#[test]
fn a_redacted_query_parameter_is_not_checked_and_says_so() {
    let url = format!(
        "https://api.example/v1/orders/1?page={}",
        pyng_conformance::redact::REDACTED
    );
    let r = check(vec![get(&url)]);
    assert!(r.findings.is_empty(), "{:#?}", r.findings);
    assert_eq!(
        r.coverage.not_evaluated["http.request-parameters"].exchanges,
        1
    );
}

/// The bundled transaction spec's status call, with these request headers.
fn status_call(headers: Value) -> Report {
    let url = "https://h.example/checkout/site-1/transaction-status?paymentIntentId=pi_1";
    let x = json!({
        "startedAt": "2024-11-17T05:30:00Z",
        "request": {"method": "GET", "url": url, "headers": headers},
        "response": {"status": 200, "headers": {"Content-Type": "application/json"},
            "body": {"data": {"transactionStatus": "Pending"}, "traceId": "t"}}
    });
    let doc = json!({"format": "pyng-recording", "version": 1, "exchanges": [x]});
    Engine::with_bundled_specs()
        .unwrap()
        .check_bytes("r.json", &serde_json::to_vec(&doc).unwrap())
}

#[test]
fn a_request_without_the_credentials_its_security_asks_for_is_a_finding() {
    for (headers, sent) in [
        (json!({}), "no `Authorization`"),
        (
            json!({"Authorization": "Basic dXNlcjpwYXNz"}),
            "`Authorization: Basic`",
        ),
        (json!({"Authorization": "Digest s3cr3t"}), "another scheme"),
    ] {
        let r = status_call(headers.clone());
        let found: Vec<_> = r
            .findings
            .iter()
            .filter(|f| f.rule == "http.request-credentials")
            .collect();
        assert_eq!(found.len(), 1, "{headers}: {:#?}", r.findings);
        assert!(
            found[0].message.contains("`Authorization: Bearer`"),
            "{}",
            found[0].message
        );
        assert!(found[0].message.contains(sent), "{}", found[0].message);
        assert!(!found[0].message.contains("s3cr3t"), "{}", found[0].message);
    }
    for headers in [
        json!({"Authorization": "Bearer abc"}),
        json!({"authorization": "bearer abc"}),
        json!({"Authorization": "Bearer <redacted>"}),
    ] {
        let r = status_call(headers.clone());
        assert!(
            !r.findings
                .iter()
                .any(|f| f.rule == "http.request-credentials"),
            "{headers}: {:#?}",
            r.findings
        );
        assert!(
            !r.coverage
                .not_evaluated
                .contains_key("http.request-credentials")
        );
    }
    // Redacted whole (or sent without a scheme word, which redacts whole):
    // present, but its scheme is not judged, and the coverage says so.
    for value in [pyng_conformance::redact::REDACTED, "s3cr3t-token"] {
        let r = status_call(json!({"Authorization": value}));
        assert!(
            !r.findings
                .iter()
                .any(|f| f.rule == "http.request-credentials"),
            "{:#?}",
            r.findings
        );
        assert_eq!(
            r.coverage.not_evaluated["http.request-credentials"].exchanges,
            1
        );
    }
}
