//! Every scenario of every spec: bodies validate, states follow the state machine
//! as observed by polling and end where the scenario says.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use pyng_spec::ir::{Spec, TypeDef};
use serde_json::Value;

use crate::common::*;

static IDS: AtomicU64 = AtomicU64::new(1);

/// A fresh resource id without a scenario in it.
pub fn fresh_id() -> String {
    format!("{:032x}", 0xabc0_0000 + IDS.fetch_add(1, Ordering::Relaxed))
}

fn field_names(spec: &Spec, pick: impl Fn(&pyng_spec::ir::Field) -> bool) -> Vec<String> {
    let mut out = Vec::new();
    for t in spec.types.values() {
        if let TypeDef::Model(m) = t {
            out.extend(
                m.fields
                    .iter()
                    .filter(|f| pick(f))
                    .map(|f| f.wire_name.clone()),
            );
        }
    }
    out
}

fn first_values(v: &Value, names: &[String], out: &mut BTreeMap<String, Value>) {
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                if names.contains(k) && !out.contains_key(k) {
                    out.insert(k.clone(), v.clone());
                }
                first_values(v, names, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|i| first_values(i, names, out)),
        _ => {}
    }
}

fn as_millis(v: &Value) -> Option<i128> {
    match v {
        Value::Number(n) => n.as_i64().map(i128::from),
        Value::String(s) => pyng_spec::validate::parse_rfc3339(s),
        _ => None,
    }
}

/// Checks one polled sequence against the spec; returns the observed states.
pub fn check_sequence(
    spec: &Spec,
    op: &pyng_spec::ir::Operation,
    id: &str,
    resps: &[Resp],
) -> Vec<String> {
    let ty = ok_type(op);
    let (ptr, enum_name) = status_pointer(spec, &ty);
    let machine = spec
        .enum_def(&enum_name)
        .and_then(|e| e.machine.clone())
        .unwrap();
    let stable = field_names(spec, |f| f.stable);
    let monotonic = field_names(spec, |f| f.monotonic);
    let mut states: Vec<String> = Vec::new();
    let mut first_stable: BTreeMap<String, Value> = BTreeMap::new();
    let mut last_mono: BTreeMap<String, i128> = BTreeMap::new();
    for (i, r) in resps.iter().enumerate() {
        assert_eq!(r.status, 200, "{} poll {i}: {}", spec.name, r.body);
        let body = r.json();
        let errs = errors(spec, &ty, &body);
        assert!(
            errs.is_empty(),
            "{} poll {i}: {errs:#?}\n{body:#}",
            spec.name
        );
        let state = body
            .pointer(&ptr)
            .and_then(Value::as_str)
            .unwrap()
            .to_owned();
        assert_eq!(r.header("x-sandbox-state"), Some(state.as_str()));
        if let Some(prev) = states.last() {
            assert!(
                machine.may_observe(prev, &state),
                "{}: {prev} -> {state}",
                spec.name
            );
        } else {
            assert!(
                machine.initial.contains(&state),
                "{} starts in {state}",
                spec.name
            );
        }
        let mut now = BTreeMap::new();
        first_values(&body, &stable, &mut now);
        for (k, v) in now {
            let first = first_stable.entry(k.clone()).or_insert_with(|| v.clone());
            assert_eq!(
                *first, v,
                "{}: x-stable `{k}` changed at poll {i}",
                spec.name
            );
        }
        let mut now = BTreeMap::new();
        first_values(&body, &monotonic, &mut now);
        for (k, v) in now {
            let ms = as_millis(&v).unwrap_or_else(|| panic!("{k}: {v} is not a timestamp"));
            let last = last_mono.entry(k.clone()).or_insert(ms);
            assert!(ms >= *last, "{}: x-monotonic `{k}` went back", spec.name);
            *last = ms;
        }
        for e in &op.echo {
            if e.parameter == id_param(op) {
                assert_eq!(
                    body.pointer(&e.pointer).and_then(Value::as_str),
                    Some(id),
                    "{}: echo {}",
                    spec.name,
                    e.pointer
                );
            }
        }
        states.push(state);
    }
    states
}

pub async fn poll(
    addr: std::net::SocketAddr,
    spec: &Spec,
    op: &pyng_spec::ir::Operation,
    id: &str,
    scenario: Option<&str>,
    n: usize,
) -> Vec<Resp> {
    let target = target(spec, op, id);
    let mut headers = vec![("Authorization", format!("Bearer {TOKEN}"))];
    if let Some(s) = scenario {
        headers.push((pyng_sandbox::SCENARIO_HEADER, s.to_owned()));
    }
    let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut out = Vec::new();
    for _ in 0..n {
        out.push(get(addr, &target, &headers).await);
    }
    out
}

#[tokio::test]
async fn every_state_of_every_spec_is_reached_through_valid_bodies() {
    let (addr, handle) = pyng_sandbox::spawn(config()).await.unwrap();
    let mut checked = 0;
    let mut expected = 0;
    for spec in specs() {
        for op in spec.polled() {
            let (_, enum_name) = status_pointer(&spec, &ok_type(op));
            let e = spec.enum_def(&enum_name).unwrap().clone();
            let machine = e.machine.clone().unwrap();
            // Every documented state, and the default scenario.
            expected += e.values.len() + 1;
            for target_state in e.values.iter().map(String::as_str).chain(["default"]) {
                let id = fresh_id();
                let scenario = format!("{target_state}-3");
                let resps = poll(addr, &spec, op, &id, Some(&scenario), 6).await;
                let states = check_sequence(&spec, op, &id, &resps);
                let last = states.last().unwrap();
                if target_state == "default" {
                    assert!(
                        machine.final_states.contains(last),
                        "{}: default ends in {last}",
                        spec.name
                    );
                } else {
                    assert_eq!(last, target_state, "{} {scenario}: {states:?}", spec.name);
                }
                if machine.final_states.contains(last) {
                    // Reached exactly after 3 polls, and kept.
                    assert!(
                        !machine.final_states.contains(&states[2]),
                        "{scenario}: {states:?}"
                    );
                    assert!(
                        states[3..].iter().all(|s| s == last),
                        "{scenario}: {states:?}"
                    );
                }
                assert_eq!(resps[0].header("x-sandbox-fault"), Some("none"));
                checked += 1;
            }
        }
    }
    assert!(
        expected > 0,
        "no operation of the bundled specs has a state machine"
    );
    assert_eq!(
        checked, expected,
        "every state of every status enum (plus `default`) must be played"
    );
    handle.shutdown().await.unwrap();
}

/// `Job{inner: Delivery{status}, status}`, `inner` listed first: the sandbox
/// drives the body's own `/status` (the field the checker reads), and the
/// nested one is just another field.
#[tokio::test]
async fn the_shallowest_status_field_is_the_one_driven() {
    let text = include_str!("../../../pyng-spec/tests/fixtures/nested-status.yaml");
    let spec = pyng_spec::load_str("nested-status.yaml", text)
        .unwrap()
        .spec;
    let mut c = config();
    c.specs = vec![spec.clone()];
    let (addr, handle) = pyng_sandbox::spawn(c).await.unwrap();
    let op = spec.first_polled().expect("a polled operation");
    assert_eq!(status_pointer(&spec, &ok_type(op)).0, "/status");
    for target_state in ["Done", "Failed", "Working"] {
        let id = fresh_id();
        let scenario = format!("{target_state}-2");
        let resps = poll(addr, &spec, op, &id, Some(&scenario), 4).await;
        let states = check_sequence(&spec, op, &id, &resps);
        assert_eq!(
            states.first().map(String::as_str),
            Some("Open"),
            "{states:?}"
        );
        assert_eq!(
            states.last().map(String::as_str),
            Some(target_state),
            "{states:?}"
        );
        for r in &resps {
            let inner = r
                .json()
                .pointer("/inner/status")
                .and_then(Value::as_str)
                .map(str::to_owned);
            assert!(
                matches!(inner.as_deref(), Some("Queued" | "Sent")),
                "{}",
                r.body
            );
        }
    }
    handle.shutdown().await.unwrap();
}

#[tokio::test]
async fn happy_paths_visit_every_intermediate_state_and_via_picks_the_path() {
    let (addr, handle) = pyng_sandbox::spawn(config()).await.unwrap();
    let specs = specs();
    let expect = [
        (
            "transaction_status",
            None,
            vec!["Pending", "InProgress", "Settled"],
        ),
        (
            "checkout_session_status",
            None,
            vec!["Created", "Launched", "Pending", "Completed"],
        ),
        (
            "checkout_status",
            None,
            vec!["created", "pending", "successful"],
        ),
        (
            "checkout_status",
            Some("cancelled.via-pending"),
            vec!["created", "pending", "cancelled"],
        ),
        (
            "checkout_status",
            Some("cancelled"),
            vec!["created", "cancelled"],
        ),
        (
            "transaction_status",
            Some("declined-1"),
            vec!["Pending", "Declined"],
        ),
    ];
    for (name, scenario, want) in expect {
        let spec = specs.iter().find(|s| s.name == name).unwrap();
        let op = spec.first_polled().expect("a polled operation");
        let id = fresh_id();
        let resps = poll(addr, spec, op, &id, scenario, want.len() + 1).await;
        let mut states = check_sequence(spec, op, &id, &resps);
        states.dedup();
        assert_eq!(states, want, "{name} {scenario:?}");
    }
    handle.shutdown().await.unwrap();
}

#[tokio::test]
async fn scenarios_are_read_from_resource_ids() {
    let (addr, handle) = pyng_sandbox::spawn(config()).await.unwrap();
    let specs = specs();
    let cases = [
        ("transaction_status", "pi-settle-3", "Settled", 3),
        ("transaction_status", "pi-decline-1", "Declined", 1),
        ("checkout_session_status", "cs-cancel", "Cancelled", 1),
        ("checkout_session_status", "cs-fail-2-x7", "Failed", 2),
        // Peach's merchantTransactionId carries it as well.
        ("checkout_status", "order-successful-2", "successful", 2),
    ];
    for (name, id, final_state, polls) in cases {
        let spec = specs.iter().find(|s| s.name == name).unwrap();
        let op = spec.first_polled().expect("a polled operation");
        let resps = poll(addr, spec, op, id, None, polls + 2).await;
        let states = check_sequence(spec, op, id, &resps);
        assert_eq!(states[polls], final_state, "{id}: {states:?}");
        assert_ne!(states[polls - 1], final_state, "{id}: {states:?}");
    }
    // A header wins over the id.
    let spec = specs
        .iter()
        .find(|s| s.name == "transaction_status")
        .unwrap();
    let resps = poll(
        addr,
        spec,
        spec.first_polled().expect("a polled operation"),
        "pi-settle-1",
        Some("declined-0"),
        1,
    )
    .await;
    assert_eq!(resps[0].header("x-sandbox-state"), Some("Declined"));
    handle.shutdown().await.unwrap();
}

#[tokio::test]
async fn the_same_requests_give_the_same_responses() {
    let mut runs = Vec::new();
    for _ in 0..2 {
        let (addr, handle) = pyng_sandbox::spawn(config()).await.unwrap();
        let mut bodies = Vec::new();
        for spec in specs() {
            let clock_fields = time_field_names(&spec);
            let op = spec.first_polled().expect("a polled operation");
            for r in poll(addr, &spec, op, "fixed-id-settled-2", None, 4).await {
                let mut body = r.json();
                strip(&mut body, &clock_fields);
                bodies.push(body);
            }
        }
        runs.push(bodies);
        handle.shutdown().await.unwrap();
    }
    assert_eq!(runs[0], runs[1]);
}

/// Removes clock-dependent values (timestamps, and the signature over them).
fn strip(v: &mut Value, names: &[String]) {
    match v {
        Value::Object(map) => {
            map.retain(|k, _| !names.contains(k) && k != "signature");
            map.values_mut().for_each(|v| strip(v, names));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| strip(v, names)),
        _ => {}
    }
}

/// Polls until the state is final or `limit` passes; returns the responses.
async fn poll_until_final(
    addr: std::net::SocketAddr,
    spec: &Spec,
    id: &str,
    scenario: &str,
    limit: Duration,
) -> Vec<Resp> {
    let op = spec.first_polled().expect("a polled operation");
    let (_, enum_name) = status_pointer(spec, &ok_type(op));
    let machine = spec
        .enum_def(&enum_name)
        .and_then(|e| e.machine.clone())
        .unwrap();
    let start = Instant::now();
    let mut out = Vec::new();
    while start.elapsed() < limit {
        let r = poll(addr, spec, op, id, Some(scenario), 1).await.remove(0);
        let done = r
            .header("x-sandbox-state")
            .is_some_and(|s| machine.final_states.contains(s));
        out.push(r);
        if done {
            break;
        }
        // Yield a little between polls; the outcome does not depend on it.
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    out
}

#[tokio::test]
async fn time_scale_makes_the_60s_qr_expiry_pass_in_under_a_second() {
    let mut c = config();
    c.time_scale = 200.0; // 60 s -> 0.3 s
    let (addr, handle) = pyng_sandbox::spawn(c).await.unwrap();
    let specs = specs();
    let spec = specs
        .iter()
        .find(|s| s.name == "transaction_status")
        .unwrap();
    let id = fresh_id();
    let start = Instant::now();
    let resps = poll_until_final(addr, spec, &id, "expire", Duration::from_secs(5)).await;
    let elapsed = start.elapsed();
    let states = check_sequence(
        spec,
        spec.first_polled().expect("a polled operation"),
        &id,
        &resps,
    );
    assert_eq!(
        states.last().map(String::as_str),
        Some("Expired"),
        "{states:?}"
    );
    assert!(elapsed < Duration::from_secs(1), "took {elapsed:?}");
    let fired = resps
        .iter()
        .filter_map(|r| r.header("x-sandbox-timeout"))
        .collect::<Vec<_>>();
    assert_eq!(fired, ["qr-code-expiry"]);
    handle.shutdown().await.unwrap();

    // Unscaled, the same scenario stays Pending: expiry is driven by time, not polls.
    let (addr, handle) = pyng_sandbox::spawn(config()).await.unwrap();
    let id = fresh_id();
    let resps = poll(
        addr,
        spec,
        spec.first_polled().expect("a polled operation"),
        &id,
        Some("expire"),
        5,
    )
    .await;
    let states = check_sequence(
        spec,
        spec.first_polled().expect("a polled operation"),
        &id,
        &resps,
    );
    assert!(states.iter().all(|s| s == "Pending"), "{states:?}");
    handle.shutdown().await.unwrap();
}

#[tokio::test]
async fn every_spec_expires_through_its_own_timeout() {
    let mut c = config();
    c.time_scale = 20_000.0; // Peach's 1800 s -> 90 ms; a 60 s deadline -> 3 ms
    let (addr, handle) = pyng_sandbox::spawn(c).await.unwrap();
    let specs = specs();
    let cases = [
        ("transaction_status", "expire", "qr-code-expiry", "Expired"),
        (
            "checkout_session_status",
            "expire-60",
            "session-expiry",
            "Expired",
        ),
        ("checkout_status", "expire", "checkout-expiry", "expired"),
    ];
    for (name, scenario, timeout, want) in cases {
        let spec = specs.iter().find(|s| s.name == name).unwrap();
        let id = fresh_id();
        let resps = poll_until_final(addr, spec, &id, scenario, Duration::from_secs(5)).await;
        let states = check_sequence(
            spec,
            spec.first_polled().expect("a polled operation"),
            &id,
            &resps,
        );
        assert_eq!(
            states.last().map(String::as_str),
            Some(want),
            "{name}: {states:?}"
        );
        assert_eq!(
            resps.last().unwrap().header("x-sandbox-timeout"),
            Some(timeout)
        );
    }
    // The session's deadline field holds the scenario TTL, and the expiry came after it.
    let spec = specs
        .iter()
        .find(|s| s.name == "checkout_session_status")
        .unwrap();
    let id = fresh_id();
    let resps = poll_until_final(addr, spec, &id, "expire-60", Duration::from_secs(5)).await;
    let first = resps[0].json();
    let last = resps.last().unwrap().json();
    let ms = |v: &Value, p: &str| {
        pyng_spec::validate::parse_rfc3339(v.pointer(p).and_then(Value::as_str).unwrap()).unwrap()
    };
    assert_eq!(ms(&first, "/data/expiresAt"), ms(&last, "/data/expiresAt"));
    assert!(ms(&last, "/data/updatedAt") > ms(&last, "/data/expiresAt"));
    assert!(ms(&first, "/data/expiresAt") - ms(&first, "/data/updatedAt") == 60_000);
    handle.shutdown().await.unwrap();
}
