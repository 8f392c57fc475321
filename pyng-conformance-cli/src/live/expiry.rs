//! Time left before the resource should leave its current state: the timeout
//! of the state machine due first, by `pyng_spec::contract::timeouts`. Shown in the
//! status line; the checks themselves are the engine's `state.timeout`.

use pyng_spec::contract::Clocks;
use serde_json::Value;

use super::target::Target;
use pyng_conformance::plan::{Observation, observe};

#[derive(Debug)]
/// The countdown to the next state-machine timeout of the polled resource.
pub struct Expiry {
    /// Per timeout: when the resource's stay in its `while` states began.
    clocks: Clocks,
    /// The nearest expiry for the last observed state: timeout id and Unix ms.
    next: Option<(String, i128)>,
}

impl Expiry {
    /// A countdown with nothing observed yet.
    pub fn new() -> Expiry {
        Expiry {
            clocks: Clocks::default(),
            next: None,
        }
    }

    /// Takes one success body observed at `now_ms`.
    pub fn observe(&mut self, target: &Target<'_>, body: &Value, now_ms: i128) {
        let Some(machine) = &target.plan.states else {
            return;
        };
        let mut obs = Observation::default();
        observe(&target.plan, body, Some(now_ms), &mut obs);
        let Some(state) = obs.status else { return };
        self.clocks.observe(machine, state, Some(now_ms));
        let deadline = |t: usize| obs.deadlines.get(t).copied().flatten();
        self.next = self
            .clocks
            .next_due(machine, deadline)
            .and_then(|(t, at)| Some((machine.machine.timeouts.get(t)?.id.clone(), at)));
    }

    /// The nearest timeout of the current state: its id and milliseconds left
    /// (negative when overdue).
    pub fn remaining(&self, now_ms: i128) -> Option<(&str, i128)> {
        self.next
            .as_ref()
            .map(|(id, at)| (id.as_str(), at - now_ms))
    }
}

impl Default for Expiry {
    fn default() -> Self {
        Expiry::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pyng_conformance::Engine;
    use serde_json::json;

    #[test]
    fn after_seconds_counts_from_the_first_observation_and_deadlines_come_from_the_body() {
        let engine = Engine::with_bundled_specs().unwrap();
        let params = |v: &[(&str, &str)]| -> Vec<(String, String)> {
            v.iter().map(|(a, b)| ((*a).into(), (*b).into())).collect()
        };
        let tx = Target::resolve(
            engine.specs(),
            "getTransactionStatus",
            "http://h",
            &params(&[("siteId", "s"), ("paymentIntentId", "p")]),
            &[],
        )
        .unwrap();
        let mut e = Expiry::new();
        let body = json!({"data": {"transactionStatus": "Pending"}});
        e.observe(&tx, &body, 1_000);
        e.observe(&tx, &body, 6_000);
        assert_eq!(e.remaining(6_000), Some(("qr-code-expiry", 55_000)));
        let settled = json!({"data": {"transactionStatus": "Settled"}});
        e.observe(&tx, &settled, 7_000);
        assert_eq!(e.remaining(7_000), None);

        let session = Target::resolve(
            engine.specs(),
            "getCheckoutSessionStatus",
            "http://h",
            &params(&[("siteId", "s"), ("checkoutSessionId", "c")]),
            &[],
        )
        .unwrap();
        let mut e = Expiry::new();
        let body = json!({"data": {"status": "Created", "expiresAt": "1970-01-01T00:01:00Z"}});
        e.observe(&session, &body, 0);
        assert_eq!(e.remaining(10_000), Some(("session-expiry", 50_000)));
    }

    /// `Job{inner: Delivery{status}, status}`: the live poller reads `/status`
    /// (as the checker and the sandbox do), and `work-limit` counts from the
    /// first poll that saw Working.
    #[test]
    fn the_countdown_reads_the_shallowest_status_and_counts_from_the_entry() {
        let text = include_str!("../../../pyng-spec/tests/fixtures/nested-status.yaml");
        let spec = pyng_spec::load_str("nested-status.yaml", text)
            .unwrap()
            .spec;
        let specs = [spec];
        let params = [("jobId".to_owned(), "j-1".to_owned())];
        let job = Target::resolve(&specs, "getJob", "http://h", &params, &[]).unwrap();
        let body =
            |status: &str| json!({"jobId": "j-1", "inner": {"status": "Sent"}, "status": status});
        assert_eq!(job.status_of(&body("Working")).as_deref(), Some("Working"));
        let mut e = Expiry::new();
        e.observe(&job, &body("Open"), 0);
        assert_eq!(e.remaining(0), None, "no deadline in the body");
        e.observe(&job, &body("Working"), 40_000);
        e.observe(&job, &body("Working"), 45_000);
        assert_eq!(e.remaining(45_000), Some(("work-limit", 55_000)));
    }
}
