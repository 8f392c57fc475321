//! Scenarios: which states a polled resource goes through, how fast, and which
//! fault it injects. Grammar (case-insensitive):
//!
//! ```text
//! scenario := part (SEP part)*            SEP: '.', '+' or ' ' ('+' arrives as ' ' in a query)
//! part     := outcome ['-' number]        at most one
//!           | 'via-' state                the path passes through this state
//!           | 'correct-' state            then a documented correction, at most one
//!           | fault                       at most one
//! outcome  := state | 'expire' | 'default'
//! ```
//!
//! `state` is a value of the operation's status enum: exact, or a unique prefix of
//! at least four letters (`settle` -> `Settled`, `cancel` -> `Cancelled`). A final
//! state is reached after `number` polls (default: one poll per state on the path);
//! a non-final one is reached and kept (timeouts may still fire). `expire` keeps the
//! resource in its initial state (or the last `via` state) until a timeout of the
//! state machine fires; its `number` is the TTL in sandbox seconds for
//! `deadlineField` timeouts. `default` (or no outcome) is the final state furthest
//! from the initial state, ties broken by enum order: the "happy path".
//! `correct-<state>` plays a correction the spec documents
//! (`x-state-machine.corrections`): after the outcome, the path goes on to `state`
//! through the corrections, and `number` counts the polls to it.
//!
//! In a header the whole value must parse. In a resource id the scenario is found
//! inside: tokens before the outcome (`pi-`, a counter) and unrecognised parts are
//! ignored, so `pi-000001-settle-3.amount-mismatch` works and so does a 32-character
//! Peach `checkoutId` such as `successful-2.bad-signature.0000000000000000`.

use pyng_spec::contract::Machine;

use crate::faults::Fault;

/// A parsed scenario, its state names resolved against the status enum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scenario {
    /// What the scenario ends in.
    pub target: Target,
    /// Polls before the target (or, for `expire`, the deadline TTL in seconds).
    pub number: Option<u64>,
    /// States the path must go through (`via-<state>`), in order.
    pub via: Vec<String>,
    /// The state a documented correction leads to after the outcome.
    pub correct: Option<String>,
    /// The fault injected into the sequence, if any.
    pub fault: Option<Fault>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
/// What a scenario ends in.
pub enum Target {
    /// The final state furthest from the initial one (ties: enum order).
    Default,
    /// Stay until a timeout of the state machine fires.
    Expire,
    /// An enum value, spelled as in the spec.
    State(String),
}

/// The state sequence of a scenario: `path[0]` is the initial state; poll `n`
/// shows `path[n * (len - 1) / polls]` before `polls` and the last state after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    /// The states shown, from the initial one to the target.
    pub path: Vec<String>,
    /// Polls over which the path is spread.
    pub polls: u64,
    /// Stay on the last state until a timeout fires.
    pub expire: bool,
    /// TTL of `deadlineField` timeouts, sandbox seconds, when the scenario sets it.
    pub ttl_seconds: Option<u64>,
}

impl Schedule {
    /// The state poll `poll` (0-based) shows.
    pub fn state_at(&self, poll: u64) -> &str {
        let last = self.path.len().saturating_sub(1);
        let i = if poll >= self.polls || last == 0 {
            last
        } else {
            // u128: no overflow for any u64 poll count.
            (u128::from(poll) * last as u128 / u128::from(self.polls)) as usize
        };
        self.path.get(i).map(String::as_str).unwrap_or_default()
    }
}

impl Default for Scenario {
    fn default() -> Self {
        Scenario {
            target: Target::Default,
            number: None,
            via: Vec::new(),
            correct: None,
            fault: None,
        }
    }
}

/// An enum value named by `word`: exact (ignoring case) or a unique prefix of at
/// least four characters.
pub(crate) fn match_state<'a>(word: &str, values: &'a [String]) -> Option<&'a String> {
    if let Some(v) = values.iter().find(|v| v.eq_ignore_ascii_case(word)) {
        return Some(v);
    }
    if word.chars().count() < 4 {
        return None;
    }
    let lw = word.to_ascii_lowercase();
    let mut found = values
        .iter()
        .filter(|v| v.to_ascii_lowercase().starts_with(&lw));
    let first = found.next()?;
    found.next().is_none().then_some(first)
}

fn outcome(word: &str, values: &[String]) -> Option<Target> {
    if word.eq_ignore_ascii_case("expire") {
        return Some(Target::Expire);
    }
    if word.eq_ignore_ascii_case("default") {
        return Some(Target::Default);
    }
    match_state(word, values).map(|v| Target::State(v.clone()))
}

/// The state named after `prefix` (`via-`, `correct-`) in `part`, if it has it.
fn prefixed<'a>(part: &'a str, prefix: &str) -> Option<&'a str> {
    part.get(..prefix.len())
        .filter(|p| p.eq_ignore_ascii_case(prefix))
        .and(part.get(prefix.len()..))
}

fn is_number(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && s.parse::<u64>().is_ok()
}

impl Scenario {
    /// Parses a header value: every part must be recognised.
    pub fn parse_strict(text: &str, values: &[String]) -> Result<Scenario, String> {
        let mut sc = Scenario::default();
        let mut have_outcome = false;
        for part in text.split(['.', '+', ' ']).filter(|p| !p.is_empty()) {
            if let Some(f) = Fault::parse(part) {
                if sc.fault.replace(f).is_some() {
                    return Err("more than one fault".into());
                }
            } else if let Some(state) = prefixed(part, "via-") {
                let v = match_state(state, values)
                    .ok_or_else(|| format!("`{state}` is not a state ({})", values.join(", ")))?;
                sc.via.push(v.clone());
            } else if let Some(state) = prefixed(part, "correct-") {
                let v = match_state(state, values)
                    .ok_or_else(|| format!("`{state}` is not a state ({})", values.join(", ")))?;
                if sc.correct.replace(v.clone()).is_some() {
                    return Err("more than one correction".into());
                }
            } else {
                let (word, number) = match part.split_once('-') {
                    Some((w, n)) if is_number(n) => (w, n.parse().ok()),
                    Some(_) => return Err(format!("`{part}` is not `<outcome>[-<number>]`")),
                    None => (part, None),
                };
                let target = outcome(word, values).ok_or_else(|| {
                    format!(
                        "`{word}` is neither a state ({}), `expire`, `default`, a fault nor `via-<state>`",
                        values.join(", ")
                    )
                })?;
                if have_outcome {
                    return Err("more than one outcome".into());
                }
                have_outcome = true;
                sc.target = target;
                sc.number = number;
            }
        }
        Ok(sc)
    }

    /// Finds a scenario inside a resource id; `None` when nothing in it is one.
    pub fn parse_id(id: &str, values: &[String]) -> Option<Scenario> {
        let mut sc = Scenario::default();
        let mut found = false;
        let mut have_outcome = false;
        for part in id.split(['.', '+', ' ']).filter(|p| !p.is_empty()) {
            if let Some(f) = Fault::parse(part) {
                if sc.fault.is_none() {
                    sc.fault = Some(f);
                    found = true;
                }
                continue;
            }
            if let Some(state) = prefixed(part, "via-")
                && let Some(v) = match_state(state, values)
            {
                sc.via.push(v.clone());
                found = true;
                continue;
            }
            if let Some(v) = prefixed(part, "correct-").and_then(|s| match_state(s, values)) {
                sc.correct.get_or_insert_with(|| v.clone());
                found = true;
                continue;
            }
            if have_outcome {
                continue;
            }
            let tokens: Vec<&str> = part.split('-').collect();
            if let Some(i) = tokens.iter().position(|t| outcome(t, values).is_some()) {
                sc.target = outcome(tokens[i], values).unwrap_or(Target::Default);
                sc.number = tokens
                    .get(i + 1)
                    .filter(|t| is_number(t))
                    .and_then(|t| t.parse().ok());
                have_outcome = true;
                found = true;
            }
        }
        found.then_some(sc)
    }

    /// Lower-case canonical text, e.g. `settled-3.via-inprogress.amount-mismatch`.
    pub fn canonical(&self) -> String {
        let mut s = match &self.target {
            Target::Default => "default".to_owned(),
            Target::Expire => "expire".to_owned(),
            Target::State(v) => v.to_ascii_lowercase(),
        };
        if let Some(n) = self.number {
            s.push_str(&format!("-{n}"));
        }
        for v in &self.via {
            s.push_str(&format!(".via-{}", v.to_ascii_lowercase()));
        }
        if let Some(v) = &self.correct {
            s.push_str(&format!(".correct-{}", v.to_ascii_lowercase()));
        }
        if let Some(f) = self.fault {
            s.push('.');
            s.push_str(f.name());
        }
        s
    }

    /// The state sequence on `machine`.
    pub fn schedule(&self, machine: &Machine) -> Result<Schedule, String> {
        let initial = machine
            .machine
            .initial
            .first()
            .or(machine.values.first())
            .ok_or("the status enum has no values")?;
        let target = match &self.target {
            Target::State(s) => Some(s.clone()),
            Target::Default => Some(
                happy_final(machine, initial)
                    .ok_or("no final state is reachable from the initial state")?,
            ),
            Target::Expire => {
                if machine.machine.timeouts.is_empty() {
                    return Err("`expire`: the state machine has no timeouts".into());
                }
                None
            }
        };
        let mut path = vec![initial.clone()];
        for stop in self.via.iter().chain(target.iter()) {
            let from = path.last().cloned().unwrap_or_default();
            let leg = machine
                .shortest_path(&from, stop)
                .ok_or_else(|| format!("no transition path from {from} to {stop}"))?;
            path.extend(leg.into_iter().skip(1));
        }
        let expire = self.target == Target::Expire;
        if let Some(to) = &self.correct {
            let from = path.last().cloned().unwrap_or_default();
            if expire {
                return Err(format!(
                    "`correct-{to}` needs an outcome to correct, not `expire`"
                ));
            }
            if !machine.may_correct_names(&from, to) {
                return Err(format!(
                    "the spec documents no correction from {from} to {to} (`x-state-machine.corrections`)"
                ));
            }
            let leg = machine
                .shortest_corrected_path(&from, to)
                .ok_or_else(|| format!("no correction path from {from} to {to}"))?;
            path.extend(leg.into_iter().skip(1));
        }
        let steps = (path.len() - 1) as u64;
        Ok(Schedule {
            polls: if expire {
                steps
            } else {
                self.number.unwrap_or(steps)
            },
            expire,
            ttl_seconds: if expire { self.number } else { None },
            path,
        })
    }
}

/// The reachable final state furthest from `initial`; ties go to enum order.
fn happy_final(machine: &Machine, initial: &str) -> Option<String> {
    let mut best: Option<(usize, &String)> = None;
    for (i, v) in machine.values.iter().enumerate() {
        if machine.is_final(i)
            && let Some(p) = machine.shortest_path(initial, v)
            && best.is_none_or(|(len, _)| p.len() > len)
        {
            best = Some((p.len(), v));
        }
    }
    best.map(|(_, v)| v.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn tx() -> (Machine, Vec<String>) {
        let s = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let values = s(&["Pending", "InProgress", "Settled", "Declined", "Expired"]);
        let machine = pyng_spec::ir::StateMachine {
            initial: s(&["Pending"]),
            final_states: s(&["Settled", "Declined", "Expired"]).into_iter().collect(),
            transitions: BTreeMap::from([
                ("Pending".to_owned(), s(&["InProgress", "Expired"])),
                ("InProgress".to_owned(), s(&["Settled", "Declined"])),
            ]),
            corrections: BTreeMap::new(),
            timeouts: Vec::new(),
            source: None,
        };
        (Machine::new("TxStatus", &values, &machine), values)
    }

    /// Peach-like, with a documented correction `cancelled -> successful`.
    fn corrected() -> (Machine, Vec<String>) {
        let s = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let values = s(&["pending", "successful", "cancelled", "expired"]);
        let machine = pyng_spec::ir::StateMachine {
            initial: s(&["pending"]),
            final_states: s(&["successful", "cancelled", "expired"])
                .into_iter()
                .collect(),
            transitions: BTreeMap::from([(
                "pending".to_owned(),
                s(&["successful", "cancelled", "expired"]),
            )]),
            corrections: BTreeMap::from([("cancelled".to_owned(), s(&["successful"]))]),
            timeouts: Vec::new(),
            source: None,
        };
        (Machine::new("CheckoutStatus", &values, &machine), values)
    }

    #[test]
    fn a_correction_is_played_after_the_outcome() {
        let (m, values) = corrected();
        let sc = Scenario::parse_strict("cancel.correct-success", &values).unwrap();
        assert_eq!(sc.correct.as_deref(), Some("successful"));
        assert_eq!(sc.canonical(), "cancelled.correct-successful");
        assert_eq!(
            Scenario::parse_strict(&sc.canonical(), &values).unwrap(),
            sc
        );
        let s = sc.schedule(&m).unwrap();
        assert_eq!(s.path, ["pending", "cancelled", "successful"]);
        assert_eq!(
            (0..4).map(|n| s.state_at(n)).collect::<Vec<_>>(),
            ["pending", "cancelled", "successful", "successful"]
        );
        // Every step of the path is a transition or the documented correction.
        for w in s.path.windows(2) {
            assert!(
                m.may_observe_names(&w[0], &w[1]) || m.may_correct_names(&w[0], &w[1]),
                "{w:?}"
            );
        }
        // In a resource id too.
        let sc = Scenario::parse_id("order-cancelled.correct-successful", &values).unwrap();
        assert_eq!(
            (sc.target, sc.correct),
            (Target::State("cancelled".into()), Some("successful".into()))
        );
        // Only what the spec documents.
        for bad in ["expired.correct-successful", "successful.correct-cancelled"] {
            let err = Scenario::parse_strict(bad, &values)
                .unwrap()
                .schedule(&m)
                .unwrap_err();
            assert!(err.contains("documents no correction"), "{bad}: {err}");
        }
        assert!(
            Scenario::parse_strict("cancelled.correct-success.correct-success", &values).is_err()
        );
        assert!(Scenario::parse_strict("cancelled.correct-nope", &values).is_err());
        let (tx, tx_values) = tx();
        assert!(
            Scenario::parse_strict("declined.correct-settled", &tx_values)
                .unwrap()
                .schedule(&tx)
                .is_err()
        );
    }

    #[test]
    fn strict_grammar() {
        let (_, values) = tx();
        let sc = Scenario::parse_strict("Settle-3+amount-mismatch", &values).unwrap();
        assert_eq!(sc.target, Target::State("Settled".into()));
        assert_eq!(sc.number, Some(3));
        assert_eq!(sc.fault, Some(Fault::AmountMismatch));
        assert_eq!(sc.canonical(), "settled-3.amount-mismatch");
        assert_eq!(
            Scenario::parse_strict(&sc.canonical(), &values).unwrap(),
            sc
        );
        assert_eq!(
            Scenario::parse_strict("declined via-inprogress slow", &values)
                .unwrap()
                .via,
            vec!["InProgress".to_owned()]
        );
        for bad in [
            "nope",
            "settled-x",
            "settled+slow+slow",
            "settled.declined",
            "via-nope",
            "set",
        ] {
            assert!(Scenario::parse_strict(bad, &values).is_err(), "{bad}");
        }
    }

    #[test]
    fn ids_carry_scenarios() {
        let (_, values) = tx();
        let sc = Scenario::parse_id("pi-000001-settle-3.amount-mismatch", &values).unwrap();
        assert_eq!(
            (sc.target, sc.number),
            (Target::State("Settled".into()), Some(3))
        );
        assert_eq!(sc.fault, Some(Fault::AmountMismatch));
        let sc = Scenario::parse_id("expire-5-abc", &values).unwrap();
        assert_eq!((sc.target, sc.number), (Target::Expire, Some(5)));
        assert_eq!(
            Scenario::parse_id("8ac7a4c98f2b1e0a018f2c3d4e5f6a7b", &values),
            None
        );
        assert_eq!(Scenario::parse_id("pi-1234", &values), None);
    }

    #[test]
    fn schedules_spread_states_over_polls() {
        let (m, values) = tx();
        let sched = |s: &str| {
            Scenario::parse_strict(s, &values)
                .unwrap()
                .schedule(&m)
                .unwrap()
        };
        let s = sched("default");
        assert_eq!(s.path, ["Pending", "InProgress", "Settled"]);
        assert_eq!(
            (0..4).map(|n| s.state_at(n)).collect::<Vec<_>>(),
            ["Pending", "InProgress", "Settled", "Settled"]
        );
        let s = sched("declined-4");
        assert_eq!(
            (0..5).map(|n| s.state_at(n)).collect::<Vec<_>>(),
            ["Pending", "Pending", "InProgress", "InProgress", "Declined"]
        );
        let s = sched("settled-1");
        assert_eq!([s.state_at(0), s.state_at(1)], ["Pending", "Settled"]);
        assert_eq!(sched("expired-0").state_at(0), "Expired");
        let s = sched("settled-18446744073709551615");
        assert_eq!(s.state_at(u64::MAX - 1), "InProgress");
        assert!(
            Scenario::parse_strict("expire", &values)
                .unwrap()
                .schedule(&m)
                .is_err()
        );
        assert!(
            Scenario::parse_strict("expired.via-inprogress", &values)
                .unwrap()
                .schedule(&m)
                .is_err()
        );
    }
}
