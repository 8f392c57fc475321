//! The state of one streaming validation: where the deserializer is (a stack
//! of key indices and array indices, turned into an RFC 6901 pointer only when
//! something is reported), the findings so far with their place in the report
//! order, and the duplicate keys.

use std::borrow::Cow;
use std::collections::HashSet;

use super::compile::Schema;
use crate::pointer::push;
use crate::validate::Finding;
use crate::validate::order::Phase;
use crate::validate::rules::Issue;

/// Objects with more keys than this detect duplicates with a hash set.
const SCAN_LIMIT: usize = 32;

#[derive(Debug, Clone, Copy)]
pub(super) enum Seg {
    /// Index into [`Ctx::keys`].
    Key(usize),
    Index(usize),
}

/// One level of a finding's place in the report order: a model's rule phase,
/// or an array element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Step {
    Phase(Phase),
    Item(usize),
    /// `oneOf`/`anyOf`/`not` of the value: after everything inside it.
    Composition,
}

#[derive(Debug)]
pub(super) struct Ctx<'s, 'de> {
    pub schema: &'s Schema,
    /// The keys of every open object, innermost last (for duplicate detection
    /// and pointers; borrowed from the body unless they contain escapes).
    pub keys: Vec<Cow<'de, str>>,
    pub path: Vec<Seg>,
    /// Where the current value is in the report order (see
    /// [`crate::validate::order`]). Sorting findings by it (stably) gives the
    /// DOM validator's order, whatever order the keys come in.
    pub order: Vec<Step>,
    pub findings: Vec<(Vec<Step>, Finding)>,
    /// Scratch for rules that report several issues at once.
    pub issues: Vec<Issue<'s>>,
    pub dups: Vec<String>,
}

impl<'s, 'de> Ctx<'s, 'de> {
    pub(super) fn new(schema: &'s Schema) -> Self {
        // Room for a body of ordinary depth, so that the stacks do not regrow.
        const DEPTH: usize = 16;
        Ctx {
            schema,
            keys: Vec::with_capacity(DEPTH),
            path: Vec::with_capacity(DEPTH),
            order: Vec::with_capacity(DEPTH),
            findings: Vec::new(),
            issues: Vec::new(),
            dups: Vec::new(),
        }
    }

    /// The pointer of the current value.
    pub(super) fn pointer(&self) -> String {
        let mut p = String::new();
        for seg in &self.path {
            match *seg {
                Seg::Key(k) => p = push(&p, &self.keys[k]),
                Seg::Index(i) => p = push(&p, &i.to_string()),
            }
        }
        p
    }

    /// Places the scratch issues at the current value; `phase` is the model
    /// rule they come from when the current value is a model instance.
    #[inline]
    pub(super) fn flush(&mut self, phase: Option<Phase>) {
        if self.issues.is_empty() {
            return;
        }
        let at = self.pointer();
        let issues = std::mem::take(&mut self.issues);
        for issue in issues {
            self.push(issue.place(&at), phase);
        }
    }

    /// Adds a finding at the current place in the report order.
    pub(super) fn push(&mut self, finding: Finding, phase: Option<Phase>) {
        let mut key = self.order.clone();
        key.extend(phase.map(Step::Phase));
        self.findings.push((key, finding));
    }

    pub(super) fn report(&mut self, issue: Option<Issue<'s>>, phase: Option<Phase>) {
        if let Some(i) = issue {
            self.issues.push(i);
            self.flush(phase);
        }
    }

    /// Forgets the findings of an earlier value of model property `field`: a
    /// duplicate key replaces it, as in a parsed `Value` (the last one wins).
    pub(super) fn forget(&mut self, field: usize) {
        let prefix = |phase| {
            let mut prefix = self.order.clone();
            prefix.push(Step::Phase(phase));
            prefix
        };
        let (value, marked) = (prefix(Phase::value(field)), prefix(Phase::marked(field)));
        self.findings
            .retain(|(k, _)| !k.starts_with(&value) && !k.starts_with(&marked));
    }

    /// Forgets the findings of an earlier value of the map key at `place`
    /// among the current object's keys: a duplicate key replaces it.
    pub(super) fn forget_map_value(&mut self, place: usize) {
        let mut prefix = self.order.clone();
        prefix.push(Step::Phase(Phase::Undocumented));
        prefix.push(Step::Item(place));
        self.findings.retain(|(k, _)| !k.starts_with(&prefix));
    }

    /// Whether `key` already occurs among the keys of the object whose keys
    /// start at `start`; `set` takes over from a linear scan for big objects.
    // A `&Cow` so that a borrowed key goes into the set without a copy.
    #[allow(clippy::ptr_arg)]
    pub(super) fn is_dup(
        &self,
        start: usize,
        key: &Cow<'de, str>,
        set: &mut Option<HashSet<Cow<'de, str>>>,
    ) -> bool {
        if let Some(set) = set {
            return !set.insert(key.clone());
        }
        let open = &self.keys[start..];
        if open.len() < SCAN_LIMIT {
            return open.contains(key);
        }
        let mut s: HashSet<Cow<'de, str>> = open.iter().cloned().collect();
        let dup = !s.insert(key.clone());
        *set = Some(s);
        dup
    }

    /// The findings in the report order.
    pub(super) fn finish(&mut self) -> Vec<Finding> {
        let mut f = std::mem::take(&mut self.findings);
        f.sort_by(|a, b| a.0.cmp(&b.0));
        f.into_iter().map(|(_, f)| f).collect()
    }
}
