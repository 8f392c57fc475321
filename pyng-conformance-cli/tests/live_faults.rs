//! `poll` against the sandbox for every injected fault on every bundled spec:
//! where the sandbox applies the fault, the verdict names the matching rule
//! category; where it cannot apply (no amount invariant, no echo, no response
//! signature), the verdict is clean. Transport faults are retried through, and
//! every recording checked offline gives the same findings.

mod live_support;

use live_support::*;
use pyng_sandbox::Fault;

/// What a fault must produce when applied: a rule category (or a rule id).
fn expected(fault: Fault) -> &'static str {
    match fault {
        Fault::AmountMismatch => "amount",
        Fault::StateRegression | Fault::LeaveFinal => "state",
        Fault::MissingRequired | Fault::WrongType => "schema",
        Fault::NotEchoed => "identity",
        Fault::MalformedJson => "schema.not-json",
        Fault::BadSignature => "signature",
        // Undocumented statuses: retried through, and reported.
        Fault::ServerError | Fault::RateLimited | Fault::Unavailable => "http",
        // Handled by the read timeout and a retry: nothing to report.
        Fault::Slow => "none",
    }
}

fn matches_rule(rule: &str, want: &str) -> bool {
    rule == want || rule.split('.').next() == Some(want)
}

fn ms(rfc3339: &serde_json::Value) -> i128 {
    pyng_spec::validate::parse_rfc3339(rfc3339.as_str().unwrap()).unwrap()
}

/// Polls every fault on `spec`; returns the faults the sandbox applied.
fn faults_on(sandbox: &Sandbox, spec: &pyng_spec::ir::Spec) -> Vec<&'static str> {
    let dir = tempfile::tempdir().unwrap();
    let mut applied = Vec::new();
    let op = spec.first_polled().expect("a polled operation");
    for fault in Fault::ALL {
        let name = format!("{}-{fault}", op.id);
        let mut args = target_args(spec, op, &fresh_id());
        args.extend(
            [
                "--header",
                &format!("x-sandbox-scenario:default-3.{fault}"),
                "--interval",
                "25ms",
                "--deadline",
                "4s",
                // Below the sandbox's slow delay (3 s), well above a normal
                // loopback response.
                "--read-timeout",
                "500ms",
                "--backoff",
                "20ms",
            ]
            .map(String::from),
        );
        let r = poll(dir.path(), &name, &sandbox.url, &args);
        let errors = r.errors();
        // Transport and sequence faults are retried or polled through to the
        // scenario's final state; a body fault may hide the status field itself
        // (a missing or mistyped one), and then polling runs to its deadline.
        let ended_final = r.out.stderr.contains("pyng-conformance poll: final state");
        let body_fault = matches!(
            fault,
            Fault::MissingRequired | Fault::WrongType | Fault::AmountMismatch | Fault::NotEchoed
        );
        assert!(
            ended_final || (body_fault && r.out.stderr.contains("deadline reached")),
            "{name}: {}",
            r.out.stderr
        );
        if fault == Fault::Slow {
            // The slow response is never recorded: the read timeout gave up on it
            // and the retry got the next one.
            assert_eq!(r.out.code(), 0, "{name}: {:?}", r.keys);
            assert!(errors.is_empty(), "{name}: {errors:?}");
            assert!(
                r.out
                    .stderr
                    .contains("timed out (receive response); retrying"),
                "{name}: {}",
                r.out.stderr
            );
            applied.push(fault.name());
            continue;
        }
        if !r.fault_applied() {
            assert_eq!(r.out.code(), 0, "{name}: {:?}", r.keys);
            assert!(errors.is_empty(), "{name}: {errors:?}");
            continue;
        }
        applied.push(fault.name());
        let want = expected(fault);
        assert_eq!(r.out.code(), 1, "{name}: {:?}", r.keys);
        assert!(
            errors.iter().any(|rule| matches_rule(rule, want)),
            "{name}: expected a `{want}` finding, got {errors:?}"
        );
        if matches!(
            fault,
            Fault::ServerError | Fault::RateLimited | Fault::Unavailable
        ) {
            let xs = r.exchanges();
            let first = &xs[0];
            assert!(
                first["response"]["status"].as_u64().unwrap() >= 429,
                "{name}: {first}"
            );
            assert_eq!(xs[1]["response"]["status"], 200, "{name}");
            if let Some(wait) = first["response"]["headers"]["retry-after"].as_str() {
                use pyng_conformance::http_date::{RetryAfter, retry_after};
                let started = ms(&first["startedAt"]);
                // The poller and the sandbox share this machine's clock: a
                // date is waited for as it stands.
                let earliest = match retry_after(wait, Some(started)) {
                    Some(RetryAfter::Delay(ms)) => started + ms,
                    Some(RetryAfter::At(at)) => at,
                    None => panic!("{name}: Retry-After {wait:?}"),
                };
                let next = ms(&xs[1]["startedAt"]);
                assert!(
                    next >= earliest - 50,
                    "{name}: retried {} ms early, Retry-After {wait}",
                    earliest - next
                );
            }
        }
    }
    applied
}

#[test]
fn every_fault_is_reported_under_its_category() {
    // Time runs 20 times faster: `Retry-After` (the polling interval in real
    // seconds, at least 1) stays short, and no timeout (60 s at the least, 3 s
    // here) races a scenario of a few 25 ms polls.
    let sandbox = Sandbox::start(20.0);
    let specs = specs();
    let applied: Vec<&str> = std::thread::scope(|s| {
        let runs: Vec<_> = specs
            .iter()
            .map(|spec| s.spawn(|| faults_on(&sandbox, spec)))
            .collect();
        runs.into_iter().flat_map(|r| r.join().unwrap()).collect()
    });
    // Each fault applies to at least one bundled spec, so none passed vacuously.
    for fault in Fault::ALL {
        assert!(
            applied.contains(&fault.name()),
            "{fault} never applied: {applied:?}"
        );
    }
}
