//! `poll` against the sandbox over loopback HTTP, for every scenario of every
//! bundled spec: every state of the status enum as the target, the default
//! (happy) path and expiry through the state machine's own timeout. Each gives a
//! clean verdict, and the recording checked offline gives the same findings.

mod live_support;

use live_support::*;

/// Scenarios that end in a final state stop there (after one confirming poll);
/// the others run to the deadline. Real time for the scenarios, so that no
/// timeout races them; for `expire`, time scaled so that every timeout of the
/// bundled specs (Peach's 30 minutes at most) fires within a second.
fn every_scenario_is_clean(spec_name: &str) {
    let real_time = Sandbox::start(1.0);
    let fast = Sandbox::start(2500.0);
    let dir = tempfile::tempdir().unwrap();
    let specs = specs();
    let spec = specs.iter().find(|s| s.name == spec_name).unwrap();
    let mut checked = 0;
    for op in spec.polled() {
        let Some(ty) = op.response(200).and_then(|r| r.body.clone()) else {
            continue;
        };
        let plan = pyng_conformance::plan::plan(spec, &ty);
        let (_, enum_name) = plan.status.clone().expect("a status field");
        let e = spec.enum_def(&enum_name).unwrap();
        let machine = e.machine.as_ref().unwrap();
        let scenarios = e
            .values
            .iter()
            .map(|v| format!("{v}-3"))
            .chain(["default".to_owned(), "expire".to_owned()]);
        for scenario in scenarios {
            let name = format!("{}-{}", op.id, scenario);
            let (sandbox, deadline) = if scenario == "expire" {
                (&fast, "3s")
            } else {
                (&real_time, "700ms")
            };
            let mut args = target_args(spec, op, &fresh_id());
            args.extend(
                [
                    "--header",
                    &format!("x-sandbox-scenario:{scenario}"),
                    "--interval",
                    "25ms",
                    "--deadline",
                    deadline,
                ]
                .map(String::from),
            );
            let r = poll(dir.path(), &name, &sandbox.url, &args);
            assert_eq!(r.out.code(), 0, "{name}: {:?}\n{}", r.keys, r.out.stderr);
            assert!(r.errors().is_empty(), "{name}: {:?}", r.keys);
            let states = r.states();
            let last = states.last().unwrap_or_else(|| panic!("{name}: no states"));
            assert!(
                machine.initial.contains(&states[0]),
                "{name} starts in {}",
                states[0]
            );
            let target = scenario.trim_end_matches("-3");
            if machine.final_states.contains(target) {
                assert_eq!(last, target, "{name}: {states:?}");
                assert!(
                    r.out.stderr.contains(&format!("final state {target}")),
                    "{name}: {}",
                    r.out.stderr
                );
                // Stopped on the final state after one confirming poll.
                assert_eq!(states[states.len() - 2], *last, "{name}: {states:?}");
            } else if scenario == "default" || scenario == "expire" {
                assert!(machine.final_states.contains(last), "{name}: {states:?}");
            }
            checked += 1;
        }
    }
    assert!(checked >= 7, "{spec_name}: {checked} scenarios");
}

#[test]
fn transaction_status_scenarios() {
    every_scenario_is_clean("transaction_status");
}

#[test]
fn checkout_session_status_scenarios() {
    every_scenario_is_clean("checkout_session_status");
}

#[test]
fn peach_checkout_status_scenarios() {
    every_scenario_is_clean("checkout_status");
}
