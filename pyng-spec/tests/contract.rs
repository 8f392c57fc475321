//! The compiled contract: the status-field rule (on a hostile fixture with a
//! nested status listed first), reachability, timeouts and their due times,
//! the identity rules and `longest_timeout`.

use std::time::Duration;

use pyng_spec::contract::{Clocks, Contract, Machine, longest_timeout, status, timeouts};
use pyng_spec::ir::{Spec, StateMachine, Type};
use pyng_spec::load_str;

const NESTED: &str = include_str!("fixtures/nested-status.yaml");

fn nested() -> Spec {
    load_str("nested-status.yaml", NESTED).unwrap().spec
}

fn bundled() -> Vec<Spec> {
    [
        "pyng/transaction-status.yaml",
        "pyng/checkout-session-status.yaml",
        "peach/checkout-status.yaml",
    ]
    .iter()
    .map(|f| {
        let path = format!("{}/../specs/{f}", env!("CARGO_MANIFEST_DIR"));
        pyng_spec::load_file(&path).unwrap().spec
    })
    .collect()
}

#[test]
fn the_status_is_the_shallowest_state_machine_field_not_the_first_in_depth_first_order() {
    let spec = nested();
    let contract = Contract::compile(&spec);
    let op = &contract.operations[0];
    let r = op.success().expect("a success response");
    let s = r.status.as_ref().expect("a status field");
    assert_eq!(
        (s.pointer.as_str(), s.enum_name.as_str(), s.model.as_str()),
        ("/status", "JobStatus", "Job")
    );
    assert_eq!(s.model_pointer, "");
    assert_eq!(r.status_tracked.as_ref().unwrap().pointer, "/status");
    let m = r.machine.as_ref().unwrap();
    assert_eq!(&*m.enum_name, "JobStatus");
    // The identity rules still see the nested model's fields.
    let stable: Vec<&str> = r.stable.iter().map(|t| t.pointer.as_str()).collect();
    assert_eq!(stable, ["/inner/deliveryId", "/jobId"]);
    // The deadline field sits beside the status field.
    let deadlines: Vec<Option<&str>> = r
        .deadlines
        .iter()
        .map(|d| d.as_ref().map(|t| t.pointer.as_str()))
        .collect();
    assert_eq!(deadlines, [None, Some("/expiresAt")]);
    assert_eq!(op.echo[0].0, "jobId");
    assert_eq!(op.echo[0].1.tokens, ["jobId"]);
}

#[test]
fn the_status_rule_on_the_bundled_specs() {
    let found: Vec<(String, String)> = bundled()
        .iter()
        .flat_map(|spec| {
            let c = Contract::compile(spec);
            spec.operations
                .iter()
                .zip(c.operations)
                .filter_map(|(op, oc)| {
                    let s = oc.success()?.status.clone()?;
                    Some((op.id.clone(), s.pointer))
                })
                .collect::<Vec<_>>()
        })
        .collect();
    let found: Vec<(&str, &str)> = found
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            ("getTransactionStatus", "/data/transactionStatus"),
            ("createCheckoutSession", "/data/status"),
            ("getCheckoutSessionStatus", "/data/status"),
            ("getCheckoutStatus", "/status"),
        ]
    );
}

#[test]
fn two_status_fields_at_one_depth_are_ambiguous_and_refused() {
    // `inner` now holds the same machine as `status`, one level up: both at depth 1.
    let text = NESTED.replacen(
        "        inner:\n          $ref: \"#/components/schemas/Delivery\"",
        "        inner:\n          $ref: \"#/components/schemas/DeliveryStatus\"",
        1,
    );
    assert_ne!(text, NESTED);
    let diags = match load_str("ambiguous.yaml", &text) {
        Ok(_) => panic!("an ambiguous status field loads"),
        Err(d) => d.0,
    };
    let d = diags
        .iter()
        .find(|d| d.rule == "lint.ambiguous-status-field")
        .unwrap_or_else(|| panic!("{diags:?}"));
    assert!(
        d.message.contains("`/inner`") && d.message.contains("`/status`"),
        "{}",
        d.message
    );
    assert!(d.line > 0, "{d:?}");
}

#[test]
fn candidates_are_in_spec_order_and_a_recursive_model_ends() {
    let text = NESTED.replacen(
        "        deliveryId:\n          type: string",
        "        again:\n          $ref: \"#/components/schemas/Delivery\"\n        deliveryId:\n          type: string",
        1,
    );
    let spec = load_str("recursive.yaml", &text).unwrap().spec;
    let body = Type::Named("Delivery".into());
    let c = status::candidates(&spec, &body);
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].pointer, "/status");
    assert!(status::candidates(&spec, &Type::String).is_empty());
}

fn machine(transitions: &[(&str, &[&str])], finals: &[&str]) -> StateMachine {
    StateMachine {
        initial: Vec::new(),
        final_states: finals.iter().map(|s| (*s).to_owned()).collect(),
        transitions: transitions
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.iter().map(|s| (*s).to_owned()).collect()))
            .collect(),
        corrections: Default::default(),
        timeouts: Vec::new(),
        source: None,
    }
}

#[test]
fn reachability_follows_transitions_through_cycles_and_names_only_transitions_mention() {
    let sm = machine(
        &[("a", &["b"]), ("b", &["c", "a", "x"]), ("x", &["d"])],
        &["c"],
    );
    let values = ["a", "b", "c", "d", "e"].map(str::to_owned);
    let m = Machine::new("E", &values, &sm);
    let at = |v: &str| m.index(v).unwrap();
    assert!(m.may_observe(at("a"), at("c")));
    assert!(m.may_observe(at("b"), at("a")));
    // Through `x`, which is not a value of the enum.
    assert!(m.may_observe(at("a"), at("d")));
    assert!(m.may_observe_names("a", "x"));
    assert!(!m.may_observe(at("c"), at("a")));
    assert!(!m.may_observe(at("d"), at("a")));
    assert!(m.may_observe(at("e"), at("e")));
    assert!(!m.may_observe(at("e"), at("a")));
    assert!(!m.may_observe(99, at("a")));
    assert_eq!(m.reachable(at("a")), [at("a"), at("b"), at("c"), at("d")]);
    assert!(m.reachable(at("c")).is_empty());
    assert!(m.is_final(at("c")) && !m.is_final(at("a")));
    // Only the states asked about were walked.
    assert_eq!(m.reach_rows(), 2);
    assert_eq!(
        m.shortest_path("a", "d").unwrap(),
        ["a", "b", "x", "d"].map(str::to_owned)
    );
    assert_eq!(m.shortest_path("c", "c").unwrap(), ["c".to_owned()]);
    assert_eq!(m.shortest_path("c", "a"), None);
    // The IR's by-name question is the same one.
    assert!(sm.may_observe("a", "d") && !sm.may_observe("c", "a"));
}

#[test]
fn a_correction_leaves_a_final_state_which_stays_final_for_everything_else() {
    // Peach-like: cancelled and uncertain end an attempt; cancelled may later be
    // corrected to successful, which may in turn be corrected to refunded.
    let mut sm = machine(
        &[("pending", &["successful", "cancelled"])],
        &["successful", "cancelled", "refunded"],
    );
    sm.corrections = [
        ("cancelled".to_owned(), vec!["successful".to_owned()]),
        ("successful".to_owned(), vec!["refunded".to_owned()]),
    ]
    .into();
    let values = ["pending", "successful", "cancelled", "refunded"].map(str::to_owned);
    let m = Machine::new("E", &values, &sm);
    let at = |v: &str| m.index(v).unwrap();
    assert!(m.has_corrections());
    assert!(m.is_final(at("cancelled")) && m.is_final(at("successful")));
    // What a poller may observe is unchanged: the final state is never left.
    assert!(!m.may_observe(at("cancelled"), at("successful")));
    assert!(m.reachable(at("cancelled")).is_empty());
    assert_eq!(
        m.reachable(at("pending")),
        [at("successful"), at("cancelled")]
    );
    // Through a correction, and through two with the middle state skipped.
    assert!(m.may_correct(at("cancelled"), at("successful")));
    assert!(m.may_correct(at("cancelled"), at("refunded")));
    assert!(m.may_correct_names("successful", "refunded"));
    // From before the final state: `refunded` only through a correction,
    // `successful` by a transition, so not a correction.
    assert!(m.may_correct(at("pending"), at("refunded")));
    assert!(!m.may_correct(at("pending"), at("successful")));
    // Never backwards, never to itself, never undocumented.
    assert!(!m.may_correct(at("successful"), at("cancelled")));
    assert!(!m.may_correct(at("cancelled"), at("cancelled")));
    assert!(!m.may_correct(at("cancelled"), at("pending")));
    assert!(!m.may_correct(99, at("pending")));
    assert_eq!(
        m.correctable(at("cancelled")),
        [at("successful"), at("refunded")]
    );
    assert_eq!(m.correctable(at("pending")), [at("refunded")]);
    assert!(m.correctable(at("refunded")).is_empty());
    assert_eq!(m.shortest_path("cancelled", "refunded"), None);
    assert_eq!(
        m.shortest_corrected_path("pending", "refunded").unwrap(),
        ["pending", "successful", "refunded"].map(str::to_owned)
    );
    assert_eq!(
        m.shortest_corrected_path("cancelled", "refunded").unwrap(),
        ["cancelled", "successful", "refunded"].map(str::to_owned)
    );
}

#[test]
fn a_machine_without_corrections_corrects_nothing() {
    let sm = machine(&[("a", &["b"])], &["b"]);
    let values = ["a", "b"].map(str::to_owned);
    let m = Machine::new("E", &values, &sm);
    assert!(!m.has_corrections());
    assert!(!m.may_correct(1, 0) && !m.may_correct(0, 1));
    assert!(m.correctable(1).is_empty());
    assert_eq!(m.shortest_corrected_path("b", "a"), None);
}

#[test]
fn a_clock_starts_at_the_first_observation_in_a_while_state_and_stops_when_it_is_left() {
    let spec = nested();
    let m = Machine::of(spec.enum_def("JobStatus").unwrap()).unwrap();
    let (open, working, done) = (
        m.index("Open").unwrap(),
        m.index("Working").unwrap(),
        m.index("Done").unwrap(),
    );
    let work_limit = 0;
    let mut clocks = Clocks::default();
    clocks.observe(&m, open, Some(0));
    assert_eq!(clocks.due(&m, work_limit, None), None);
    // A deadline timeout is due when the body says, while its clock runs.
    assert_eq!(clocks.due(&m, 1, Some(30_000)), Some(30_000));
    assert_eq!(clocks.due(&m, 1, None), None);
    clocks.observe(&m, working, None);
    assert_eq!(clocks.since(work_limit), None, "no time, no clock");
    clocks.observe(&m, working, Some(50_000));
    clocks.observe(&m, working, Some(70_000));
    assert_eq!(clocks.since(work_limit), Some(50_000));
    assert_eq!(clocks.due(&m, work_limit, None), Some(110_000));
    assert_eq!(clocks.due(&m, 1, Some(30_000)), None, "Open was left");
    assert_eq!(
        clocks.next_due(&m, |_| Some(1)),
        Some((work_limit, 110_000))
    );
    assert!(!timeouts::is_late(110_000, 115_000, 5_000));
    assert!(timeouts::is_late(110_000, 115_001, 5_000));
    clocks.observe(&m, done, Some(80_000));
    assert_eq!(clocks.due(&m, work_limit, None), None);
    clocks.observe(&m, working, Some(90_000));
    assert_eq!(
        clocks.due(&m, work_limit, None),
        Some(150_000),
        "a new stay"
    );
}

#[test]
fn due_never_overflows() {
    let mut t = nested()
        .enum_def("JobStatus")
        .unwrap()
        .machine
        .clone()
        .unwrap();
    t.timeouts[0].limit = pyng_spec::ir::TimeoutLimit::AfterSeconds(u64::MAX);
    let due = timeouts::due(&t.timeouts[0], i128::MAX - 1, None);
    assert_eq!(due, Some(i128::MAX));
}

#[test]
fn the_longest_timeout_is_the_longest_after_seconds_limit_of_all_specs() {
    assert_eq!(longest_timeout(&bundled()), Duration::from_secs(1800));
    assert_eq!(longest_timeout(&[nested()]), Duration::from_secs(60));
    let long = NESTED.replacen("afterSeconds: 60", "afterSeconds: 10800", 1);
    let long = load_str("long.yaml", &long).unwrap().spec;
    let mut all = bundled();
    all.push(long);
    assert_eq!(longest_timeout(&all), Duration::from_secs(10800));
    assert_eq!(longest_timeout(&[]), Duration::ZERO);
}

#[test]
fn a_nullable_body_component_keeps_its_status_and_identity_rules() {
    // The body refers to `Job` made nullable: the body is a constrained type
    // around `Job`, and the contract reads `Job` through it.
    let text = NESTED.replacen("    Job:\n", "    Job:\n      nullable: true\n", 1);
    assert_ne!(text, NESTED, "the fixture has a `Job` component");
    let spec = match load_str("nested-status.yaml", &text) {
        Ok(l) => l.spec,
        Err(d) => panic!("{d}"),
    };
    let contract = Contract::compile(&spec);
    let r = contract.operations[0]
        .success()
        .expect("a success response");
    let s = r.status.as_ref().expect("a status field");
    assert_eq!((s.pointer.as_str(), s.model.as_str()), ("/status", "Job"));
    let stable: Vec<&str> = r.stable.iter().map(|t| t.pointer.as_str()).collect();
    assert_eq!(stable, ["/inner/deliveryId", "/jobId"]);
}
