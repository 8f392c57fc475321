//! A state machine compiled over the indices of its enum's values: final
//! states, `while` states per timeout, what a later poll may observe, and what
//! it may observe only through a documented correction out of a final state.
//!
//! Linear in the size of the spec: an enum may have tens of thousands of
//! values, so nothing here is a table of value pairs. What a state reaches is
//! worked out the first time someone asks, for states with transitions only.

use std::collections::VecDeque;
use std::sync::{Arc, OnceLock};

use foldhash::HashMap;

use crate::ir::{EnumDef, StateMachine};

/// One enum's state machine, compiled.
#[derive(Debug, Clone)]
pub struct Machine {
    /// The enum's name: an index is only comparable with another of the same
    /// enum (two responses of one operation may document different ones).
    pub enum_name: Arc<str>,
    /// The enum's documented values; an observed status is an index into them.
    pub values: Vec<String>,
    /// The machine as the spec writes it.
    pub machine: StateMachine,
    final_state: Members,
    /// Per timeout of the machine: its `while` states.
    while_state: Vec<Members>,
    /// Value -> the index of its first occurrence.
    index: HashMap<String, usize>,
    /// Per value: its node in `next`.
    node: Vec<usize>,
    /// Per node: its name (the values' names first, then the names that only
    /// the transitions mention).
    names: Vec<String>,
    /// Name -> node.
    node_of: HashMap<String, usize>,
    /// Per node: the value index of its first occurrence, when it is a value.
    value_of: Vec<Option<usize>>,
    /// Direct successors by node.
    next: Vec<Vec<usize>>,
    /// Per node: the nodes reachable in one or more transitions, a bit set,
    /// filled on first use.
    reach: Vec<OnceLock<Box<[u64]>>>,
    /// Direct successors by node through transitions and corrections; empty
    /// when the machine documents no correction.
    corrected: Vec<Vec<usize>>,
    /// As `reach`, over `corrected`.
    reach_corrected: Vec<OnceLock<Box<[u64]>>>,
}

/// A set of value indices, sorted.
#[derive(Debug, Clone, Default)]
struct Members(Vec<usize>);

impl Members {
    fn contains(&self, i: usize) -> bool {
        self.0.binary_search(&i).is_ok()
    }
}

impl Machine {
    /// The compiled machine of an enum that has one.
    pub fn of(e: &EnumDef) -> Option<Machine> {
        Some(Machine::new(&e.name, &e.values, e.machine.as_ref()?))
    }

    /// `machine` over the enum `enum_name` with `values` (in spec order).
    pub fn new(enum_name: &str, values: &[String], machine: &StateMachine) -> Machine {
        let mut node_of: HashMap<String, usize> = HashMap::default();
        let mut names: Vec<String> = Vec::new();
        let mut by_name: HashMap<&str, Vec<usize>> = HashMap::default();
        let mut add = |name: &str, node_of: &mut HashMap<String, usize>| -> usize {
            if let Some(&n) = node_of.get(name) {
                return n;
            }
            names.push(name.to_owned());
            node_of.insert(name.to_owned(), names.len() - 1);
            names.len() - 1
        };
        let mut node = Vec::with_capacity(values.len());
        for (i, v) in values.iter().enumerate() {
            node.push(add(v, &mut node_of));
            by_name.entry(v.as_str()).or_default().push(i);
        }
        for name in machine
            .transitions
            .iter()
            .chain(&machine.corrections)
            .flat_map(|(f, t)| std::iter::once(f).chain(t))
        {
            add(name, &mut node_of);
        }
        let mut next = vec![Vec::new(); names.len()];
        for (from, tos) in &machine.transitions {
            if let Some(&f) = node_of.get(from.as_str()) {
                next[f].extend(tos.iter().filter_map(|t| node_of.get(t.as_str()).copied()));
            }
        }
        let mut corrected = Vec::new();
        if machine.corrections.values().any(|tos| !tos.is_empty()) {
            corrected = next.clone();
            for (from, tos) in &machine.corrections {
                if let Some(&f) = node_of.get(from.as_str()) {
                    corrected[f]
                        .extend(tos.iter().filter_map(|t| node_of.get(t.as_str()).copied()));
                }
            }
        }
        let mut value_of = vec![None; names.len()];
        for (i, &n) in node.iter().enumerate() {
            value_of[n].get_or_insert(i);
        }
        let members = |states: &mut dyn Iterator<Item = &String>| {
            let mut m: Vec<usize> = states
                .filter_map(|n| by_name.get(n.as_str()))
                .flatten()
                .copied()
                .collect();
            m.sort_unstable();
            m.dedup();
            Members(m)
        };
        Machine {
            enum_name: Arc::from(enum_name),
            final_state: members(&mut machine.final_states.iter()),
            while_state: machine
                .timeouts
                .iter()
                .map(|t| members(&mut t.while_states.iter()))
                .collect(),
            index: values
                .iter()
                .enumerate()
                .rev()
                .map(|(i, v)| (v.clone(), i))
                .collect(),
            values: values.to_vec(),
            machine: machine.clone(),
            reach: (0..next.len()).map(|_| OnceLock::new()).collect(),
            reach_corrected: (0..corrected.len()).map(|_| OnceLock::new()).collect(),
            corrected,
            node,
            names,
            node_of,
            value_of,
            next,
        }
    }

    /// The index of a documented value.
    pub fn index(&self, value: &str) -> Option<usize> {
        self.index.get(value).copied()
    }

    /// Whether value `i` is a final state.
    pub fn is_final(&self, i: usize) -> bool {
        self.final_state.contains(i)
    }

    /// Whether value `i` is one of the `while` states of timeout `t`.
    pub fn is_while(&self, t: usize, i: usize) -> bool {
        self.while_state.get(t).is_some_and(|w| w.contains(i))
    }

    /// Whether a later poll may observe value `to` after value `from`: the same
    /// value, or one reachable through one or more documented transitions
    /// (states may be skipped between polls, never re-entered backwards, never
    /// left once final).
    pub fn may_observe(&self, from: usize, to: usize) -> bool {
        match (self.node.get(from), self.node.get(to)) {
            (Some(&from), Some(&to)) => from == to || self.node_reaches(from, to),
            _ => false,
        }
    }

    /// [`Machine::may_observe`] by name; a name the enum does not list but a
    /// transition mentions is a state too.
    pub fn may_observe_names(&self, from: &str, to: &str) -> bool {
        if from == to {
            return true;
        }
        match (self.node_of.get(from), self.node_of.get(to)) {
            (Some(&from), Some(&to)) => self.node_reaches(from, to),
            _ => false,
        }
    }

    /// Whether the machine documents any correction.
    pub fn has_corrections(&self) -> bool {
        !self.corrected.is_empty()
    }

    /// Whether a later poll may observe value `to` after value `from` only
    /// through a documented correction: [`Machine::may_observe`] says no, and
    /// `to` is reachable through transitions and at least one correction (states
    /// may be skipped between polls here too). The checker reports such a move
    /// as `state.correction`, a warning; every other move out of a final state
    /// stays an error.
    pub fn may_correct(&self, from: usize, to: usize) -> bool {
        match (self.node.get(from), self.node.get(to)) {
            (Some(&from), Some(&to)) => {
                from != to && !self.node_reaches(from, to) && self.node_corrects(from, to)
            }
            _ => false,
        }
    }

    /// [`Machine::may_correct`] by name.
    pub fn may_correct_names(&self, from: &str, to: &str) -> bool {
        match (self.node_of.get(from), self.node_of.get(to)) {
            (Some(&from), Some(&to)) => {
                from != to && !self.node_reaches(from, to) && self.node_corrects(from, to)
            }
            _ => false,
        }
    }

    /// The values a later poll may observe after value `from` only through a
    /// correction ([`Machine::may_correct`]), each once, in index order.
    pub fn correctable(&self, from: usize) -> Vec<usize> {
        let Some(&node) = self.node.get(from) else {
            return Vec::new();
        };
        if self.corrected.get(node).is_none_or(Vec::is_empty) {
            return Vec::new();
        }
        let row = self.row_corrected(node);
        let mut out: Vec<usize> = (0..self.names.len())
            .filter(|&n| n != node && row[n / 64] & (1 << (n % 64)) != 0)
            .filter(|&n| !self.node_reaches(node, n))
            .filter_map(|n| self.value_of[n])
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The values reachable from value `from` through one or more transitions,
    /// each once (by the index of its first occurrence), in index order.
    pub fn reachable(&self, from: usize) -> Vec<usize> {
        let Some(&from) = self.node.get(from) else {
            return Vec::new();
        };
        if self.next[from].is_empty() {
            return Vec::new();
        }
        let row = self.row(from);
        let mut out: Vec<usize> = (0..self.names.len())
            .filter(|&n| row[n / 64] & (1 << (n % 64)) != 0)
            .filter_map(|n| self.value_of[n])
            .collect();
        out.sort_unstable();
        out
    }

    /// A shortest path of documented transitions from `from` to `to`, both
    /// included (`[from]` when equal); ties go to the transitions' order.
    pub fn shortest_path(&self, from: &str, to: &str) -> Option<Vec<String>> {
        self.path_over(&self.next, from, to)
    }

    /// As [`Machine::shortest_path`], through transitions and corrections.
    pub fn shortest_corrected_path(&self, from: &str, to: &str) -> Option<Vec<String>> {
        if self.corrected.is_empty() {
            return self.shortest_path(from, to);
        }
        self.path_over(&self.corrected, from, to)
    }

    fn path_over(&self, next: &[Vec<usize>], from: &str, to: &str) -> Option<Vec<String>> {
        if from == to {
            return Some(vec![from.to_owned()]);
        }
        let (&start, &goal) = (self.node_of.get(from)?, self.node_of.get(to)?);
        let mut prev: Vec<Option<usize>> = vec![None; self.names.len()];
        let mut queue = VecDeque::from([start]);
        while let Some(s) = queue.pop_front() {
            for &n in next.get(s).into_iter().flatten() {
                if n == start || prev[n].is_some() {
                    continue;
                }
                prev[n] = Some(s);
                if n == goal {
                    let mut path = vec![self.names[goal].clone()];
                    let mut cur = goal;
                    while let Some(p) = prev[cur] {
                        path.push(self.names[p].clone());
                        cur = p;
                    }
                    path.reverse();
                    return Some(path);
                }
                queue.push_back(n);
            }
        }
        None
    }

    fn node_reaches(&self, from: usize, to: usize) -> bool {
        if self.next[from].is_empty() {
            return false;
        }
        self.row(from)[to / 64] & (1 << (to % 64)) != 0
    }

    fn row(&self, from: usize) -> &[u64] {
        self.reach[from].get_or_init(|| walk(&self.next, from))
    }

    fn node_corrects(&self, from: usize, to: usize) -> bool {
        if self.corrected.get(from).is_none_or(Vec::is_empty) {
            return false;
        }
        self.row_corrected(from)[to / 64] & (1 << (to % 64)) != 0
    }

    fn row_corrected(&self, from: usize) -> &[u64] {
        self.reach_corrected[from].get_or_init(|| walk(&self.corrected, from))
    }

    /// How many reach rows have been worked out (tests: the work is per state
    /// asked about, not per pair of states).
    pub fn reach_rows(&self) -> usize {
        self.reach.iter().filter(|r| r.get().is_some()).count()
    }
}

/// The nodes reachable from `from` in one or more steps of `next`.
fn walk(next: &[Vec<usize>], from: usize) -> Box<[u64]> {
    let mut seen = vec![0u64; next.len().div_ceil(64)];
    let mut todo = vec![from];
    while let Some(s) = todo.pop() {
        for &n in &next[s] {
            if seen[n / 64] & (1 << (n % 64)) == 0 {
                seen[n / 64] |= 1 << (n % 64);
                todo.push(n);
            }
        }
    }
    seen.into_boxed_slice()
}
