//! Each fault produces the violation it names, on every spec it applies to, and
//! says `none` (serving conformant bodies) where it cannot apply.

use std::time::{Duration, Instant};

use pyng_sandbox::Fault;
use pyng_spec::ir::Spec;
use serde_json::Value;

use crate::common::*;
use crate::scenarios::{fresh_id, poll};

/// Which faults each bundled spec supports; the rest report `none`.
fn applies(spec: &str, fault: Fault) -> bool {
    match fault {
        // Only the transaction status has `==` amount invariants.
        Fault::AmountMismatch => spec == "transaction_status",
        // Only the specs with `x-echo`.
        Fault::NotEchoed => spec != "transaction_status",
        // Only Peach signs responses.
        Fault::BadSignature => spec == "checkout_status",
        _ => true,
    }
}

fn state_of(spec: &Spec, body: &Value) -> Option<String> {
    let (ptr, _) = status_pointer(
        spec,
        &ok_type(spec.first_polled().expect("a polled operation")),
    );
    body.pointer(&ptr)
        .and_then(Value::as_str)
        .map(str::to_owned)
}

#[tokio::test]
async fn every_fault_produces_its_violation() {
    let (addr, handle) = pyng_sandbox::spawn(config()).await.unwrap();
    let mut applied = 0;
    for spec in specs() {
        let op = spec.first_polled().expect("a polled operation");
        let ty = ok_type(op);
        let (_, enum_name) = status_pointer(&spec, &ty);
        let machine = spec
            .enum_def(&enum_name)
            .and_then(|e| e.machine.clone())
            .unwrap();
        for fault in Fault::ALL {
            if fault == Fault::Slow {
                continue; // its own test: it needs a client timeout
            }
            let id = fresh_id();
            let resps = poll(addr, &spec, op, &id, Some(&format!("default-3+{fault}")), 7).await;
            let ctx = format!("{} {fault}", spec.name);
            let fault_headers: Vec<&str> = resps
                .iter()
                .filter_map(|r| r.header("x-sandbox-fault"))
                .collect();
            if !applies(&spec.name, fault) {
                assert!(
                    fault_headers.iter().all(|h| *h == "none"),
                    "{ctx}: {fault_headers:?}"
                );
                crate::scenarios::check_sequence(&spec, op, &id, &resps);
                continue;
            }
            applied += 1;
            assert!(
                fault_headers.iter().any(|h| h.starts_with(fault.name())),
                "{ctx}: {fault_headers:?}"
            );
            let bodies: Vec<Value> = resps
                .iter()
                .filter(|r| r.status == 200)
                .filter_map(|r| serde_json::from_str(&r.body).ok())
                .collect();
            let rules: Vec<String> = bodies
                .iter()
                .flat_map(|b| errors(&spec, &ty, b))
                .map(|f| f.rule)
                .collect();
            let states: Vec<String> = bodies.iter().filter_map(|b| state_of(&spec, b)).collect();
            let pairs = || states.windows(2).map(|w| (w[0].clone(), w[1].clone()));
            match fault {
                Fault::AmountMismatch => {
                    assert!(
                        !bodies.is_empty() && rules.len() == bodies.len(),
                        "{ctx}: {rules:?}"
                    );
                    assert!(
                        rules.iter().all(|r| r == "amount.paid-equals-line-totals"),
                        "{ctx}: {rules:?}"
                    );
                }
                Fault::MissingRequired => {
                    assert!(
                        rules.iter().any(|r| r == "schema.required"),
                        "{ctx}: {rules:?}"
                    );
                }
                Fault::WrongType => {
                    assert!(rules.iter().any(|r| r == "schema.type"), "{ctx}: {rules:?}");
                }
                Fault::NotEchoed => {
                    assert!(rules.is_empty(), "{ctx}: {rules:?}");
                    // The first echo pointer whose parameter was sent no longer echoes it.
                    let sent = |param: &str| {
                        if param == id_param(op) {
                            Some(id.clone())
                        } else {
                            Some("site-1".to_owned())
                        }
                    };
                    for b in &bodies {
                        let broken = op
                            .echo
                            .iter()
                            .filter(|e| {
                                op.param(&e.parameter)
                                    .is_some_and(|p| p.required || e.parameter == id_param(op))
                            })
                            .filter(|e| {
                                b.pointer(&e.pointer).and_then(Value::as_str)
                                    != sent(&e.parameter).as_deref()
                            })
                            .count();
                        assert_eq!(broken, 1, "{ctx}: {b}");
                    }
                }
                Fault::StateRegression => {
                    assert!(rules.is_empty(), "{ctx}: {rules:?}");
                    let bad: Vec<_> = pairs()
                        .filter(|(a, b)| !machine.may_observe(a, b))
                        .collect();
                    assert_eq!(bad.len(), 1, "{ctx}: {states:?}");
                    assert!(bad.iter().all(|(a, b)| !machine.final_states.contains(a)
                        && !machine.final_states.contains(b)));
                }
                Fault::LeaveFinal => {
                    assert!(rules.is_empty(), "{ctx}: {rules:?}");
                    let bad: Vec<_> = pairs()
                        .filter(|(a, b)| !machine.may_observe(a, b))
                        .collect();
                    assert_eq!(bad.len(), 1, "{ctx}: {states:?}");
                    assert!(bad.iter().all(|(a, b)| machine.final_states.contains(a)
                        && !machine.final_states.contains(b)));
                }
                Fault::ServerError | Fault::RateLimited | Fault::Unavailable => {
                    let want = match fault {
                        Fault::ServerError => 500,
                        Fault::RateLimited => 429,
                        _ => 503,
                    };
                    assert_eq!(resps[0].status, want, "{ctx}");
                    assert!(resps[1..].iter().all(|r| r.status == 200), "{ctx}");
                    // The error body is the operation's documented error schema.
                    let err = resps[0].json();
                    let err_ty = op
                        .responses
                        .iter()
                        .find(|r| r.status.code().is_some_and(|s| s >= 400))
                        .and_then(|r| r.body.clone())
                        .unwrap();
                    assert!(errors(&spec, &err_ty, &err).is_empty(), "{ctx}: {err}");
                    if fault == Fault::RateLimited {
                        let after: u64 = resps[0].header("retry-after").unwrap().parse().unwrap();
                        assert!(after >= 1);
                    }
                    if fault == Fault::Unavailable {
                        // An IMF-fixdate at least a second after `Date`.
                        let format = time::macros::format_description!(
                            "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
                        );
                        let at = |name| {
                            let v = resps[0]
                                .header(name)
                                .unwrap_or_else(|| panic!("{ctx}: no {name}"));
                            time::PrimitiveDateTime::parse(v, format)
                                .unwrap_or_else(|e| panic!("{ctx}: {name} {v:?}: {e}"))
                        };
                        let wait = at("retry-after") - at("date");
                        assert!(wait >= time::Duration::seconds(1), "{ctx}: {wait}");
                    }
                    // The failed request did not consume a poll: the sequence is intact.
                    crate::scenarios::check_sequence(&spec, op, &id, &resps[1..]);
                }
                Fault::MalformedJson => {
                    assert_eq!(resps[0].status, 200);
                    assert_eq!(resps[0].header("content-type"), Some("application/json"));
                    assert!(
                        serde_json::from_str::<Value>(&resps[0].body).is_err(),
                        "{ctx}"
                    );
                    crate::scenarios::check_sequence(&spec, op, &id, &resps[1..]);
                }
                Fault::BadSignature => {
                    assert!(rules.is_empty(), "{ctx}: {rules:?}");
                    for b in &bodies {
                        assert!(
                            !pyng_sandbox::signing::verify_response(b, PEACH_SECRET, "signature"),
                            "{ctx}"
                        );
                    }
                }
                Fault::Slow => unreachable!(),
            }
        }
    }
    assert_eq!(applied, 3 * 11 - 2 - 1 - 2);
    handle.shutdown().await.unwrap();
}

#[tokio::test]
async fn slow_outlasts_a_client_timeout_then_the_sequence_continues() {
    let mut c = config();
    c.slow_delay = Duration::from_millis(600);
    let (addr, handle) = pyng_sandbox::spawn(c).await.unwrap();
    let specs = specs();
    let spec = specs
        .iter()
        .find(|s| s.name == "transaction_status")
        .unwrap();
    let op = spec.first_polled().expect("a polled operation");
    let target = target(spec, op, "pi-settled-2.slow");
    let auth = format!("Bearer {TOKEN}");
    let headers = [("Authorization", auth.as_str())];
    let start = Instant::now();
    let first = send(
        addr,
        "GET",
        &target,
        &headers,
        b"",
        Duration::from_millis(150),
    )
    .await;
    assert!(
        first.is_err(),
        "a 150 ms read timeout must expire: {first:?}"
    );
    assert!(start.elapsed() < Duration::from_millis(600));
    // The slow request counted as poll 0; the next one is fast.
    let t = Instant::now();
    let second = send(addr, "GET", &target, &headers, b"", Duration::from_secs(5))
        .await
        .unwrap();
    assert!(
        t.elapsed() < Duration::from_millis(400),
        "{:?}",
        t.elapsed()
    );
    assert_eq!(second.header("x-sandbox-request"), Some("1"));
    assert_eq!(second.header("x-sandbox-fault"), Some("none"));
    // Completed slow responses are conformant bodies.
    let id = fresh_id();
    let slow = send(
        addr,
        "GET",
        &crate::common::target(spec, op, &format!("{id}.slow")),
        &headers,
        b"",
        Duration::from_secs(5),
    )
    .await
    .unwrap();
    assert_eq!(slow.header("x-sandbox-fault"), Some("slow"));
    assert!(errors(spec, &ok_type(op), &slow.json()).is_empty());
    handle.shutdown().await.unwrap();
}
