//! Time left before the resource should leave its current state, from the
//! state machine's `timeouts`: `afterSeconds` counted from the first observation
//! in one of the `while` states, or the body's `deadlineField`. Shown in the
//! status line; the checks themselves are the engine's `state.timeout`.

use pyng_spec::ir::TimeoutLimit;
use serde_json::Value;

use super::target::Target;
use pyng_conformance::checks::sequence::{Observation, observe};

#[derive(Debug)]
pub struct Expiry {
    /// Per timeout: when the resource was first seen in one of its `while` states.
    since: Vec<Option<i128>>,
    /// The nearest expiry for the last observed state: timeout id and Unix ms.
    next: Option<(String, i128)>,
}

impl Expiry {
    pub fn new() -> Expiry {
        Expiry {
            since: Vec::new(),
            next: None,
        }
    }

    /// Takes one success body observed at `now_ms` in `state`.
    pub fn observe(&mut self, target: &Target<'_>, body: &Value, state: &str, now_ms: i128) {
        let Some(machine) = target.machine() else {
            return;
        };
        let mut obs = Observation::default();
        observe(&target.plan, body, Some(now_ms), &mut obs);
        self.since.resize(machine.timeouts.len(), None);
        self.next = None;
        for (i, t) in machine.timeouts.iter().enumerate() {
            if !t.while_states.iter().any(|s| s == state) {
                self.since[i] = None;
                continue;
            }
            let since = *self.since[i].get_or_insert(now_ms);
            let at = match &t.limit {
                TimeoutLimit::AfterSeconds(s) => Some(since + i128::from(*s) * 1000),
                TimeoutLimit::DeadlineField(_) => obs.deadlines.get(i).copied().flatten(),
            };
            if let Some(at) = at
                && self.next.as_ref().is_none_or(|(_, n)| at < *n)
            {
                self.next = Some((t.id.clone(), at));
            }
        }
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
        e.observe(&tx, &body, "Pending", 1_000);
        e.observe(&tx, &body, "Pending", 6_000);
        assert_eq!(e.remaining(6_000), Some(("qr-code-expiry", 55_000)));
        let settled = json!({"data": {"transactionStatus": "Settled"}});
        e.observe(&tx, &settled, "Settled", 7_000);
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
        e.observe(&session, &body, "Created", 0);
        assert_eq!(e.remaining(10_000), Some(("session-expiry", 50_000)));
    }
}
