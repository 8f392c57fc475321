//! The state of one streaming validation: where the deserializer is (a cheap
//! stack of key indices and array indices, turned into an RFC 6901 pointer
//! only when something is reported), the findings so far with the key that
//! restores the DOM validator's order, and the duplicate keys.

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::HashSet;

use super::compile::Schema;
use crate::pointer::push;
use crate::validate::Finding;
use crate::validate::rules::Issue;

/// Objects with more keys than this detect duplicates with a hash set.
const SCAN_LIMIT: usize = 32;

#[derive(Debug, Clone, Copy)]
pub(super) enum Seg {
    /// Index into [`Ctx::keys`].
    Key(usize),
    Index(usize),
}

#[derive(Debug)]
pub(super) struct Ctx<'s, 'de> {
    pub schema: &'s Schema,
    /// The keys of every open object, innermost last (for duplicate detection
    /// and pointers; borrowed from the body unless they contain escapes).
    pub keys: Vec<Cow<'de, str>>,
    pub path: Vec<Seg>,
    /// The position in the DOM validator's traversal: per model property
    /// `[0, field index, 0]`, per array element `[index]`. Sorting findings by
    /// it (stably) gives the DOM order, whatever order the keys come in.
    pub order: Vec<usize>,
    pub findings: Vec<(Vec<usize>, Finding)>,
    /// Scratch for rules that report several issues at once.
    pub issues: Vec<Issue<'s>>,
    pub dups: Vec<String>,
}

/// The position stacks, kept empty from one body to the next on a thread:
/// no allocation per body, and plain `Vec` operations for every key.
#[derive(Default)]
struct Stacks {
    keys: Vec<Cow<'static, str>>,
    path: Vec<Seg>,
    order: Vec<usize>,
}

thread_local! {
    static SPARE: Cell<Stacks> = Cell::new(Stacks::default());
}

impl<'s, 'de> Ctx<'s, 'de> {
    pub fn new(schema: &'s Schema) -> Self {
        // A nested validation on the same thread finds no spare stacks and
        // starts with new ones.
        let spare = SPARE.try_with(Cell::take).unwrap_or_default();
        Ctx {
            schema,
            keys: spare.keys,
            path: spare.path,
            order: spare.order,
            findings: Vec::new(),
            issues: Vec::new(),
            dups: Vec::new(),
        }
    }

    /// The pointer of the current value.
    pub fn pointer(&self) -> String {
        let mut p = String::new();
        for seg in &self.path {
            match *seg {
                Seg::Key(k) => p = push(&p, &self.keys[k]),
                Seg::Index(i) => p = push(&p, &i.to_string()),
            }
        }
        p
    }

    /// Places the scratch issues at the current value, ordered after the
    /// current position by `tail`.
    #[inline]
    pub fn flush(&mut self, tail: &[usize]) {
        if !self.issues.is_empty() {
            self.place_issues(tail);
        }
    }

    #[cold]
    fn place_issues(&mut self, tail: &[usize]) {
        let at = self.pointer();
        for issue in self.issues.drain(..) {
            let mut key = self.order.to_vec();
            key.extend_from_slice(tail);
            self.findings.push((key, issue.place(&at)));
        }
    }

    pub fn report(&mut self, issue: Option<Issue<'s>>, tail: &[usize]) {
        if let Some(i) = issue {
            self.issues.push(i);
            self.flush(tail);
        }
    }

    /// Forgets the findings of an earlier value of model property `field`: a
    /// duplicate key replaces it, as in a parsed `Value` (the last one wins).
    pub fn forget(&mut self, field: usize) {
        if self.findings.is_empty() {
            return;
        }
        let mut prefix = self.order.to_vec();
        prefix.extend([0, field, 0]);
        self.findings.retain(|(k, _)| !k.starts_with(&prefix));
    }

    /// Whether `key` already occurs among the keys of the object whose keys
    /// start at `start`; `set` takes over from a linear scan for big objects.
    // A `&Cow` so that a borrowed key goes into the set without a copy.
    #[allow(clippy::ptr_arg)]
    pub fn is_dup(
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

    /// The findings in the DOM validator's order.
    pub fn finish(&mut self) -> Vec<Finding> {
        let mut f = std::mem::take(&mut self.findings);
        f.sort_by(|a, b| a.0.cmp(&b.0));
        f.into_iter().map(|(_, f)| f).collect()
    }
}

impl Drop for Ctx<'_, '_> {
    fn drop(&mut self) {
        let mut keys = std::mem::take(&mut self.keys);
        keys.clear();
        // Empty, so no key outlives the body; an in-place collect keeps the
        // allocation.
        let keys: Vec<Cow<'static, str>> = keys.into_iter().map(|_| unreachable!()).collect();
        let mut path = std::mem::take(&mut self.path);
        path.clear();
        let mut order = std::mem::take(&mut self.order);
        order.clear();
        // Not during thread teardown, where the spare may be gone already.
        let _ = SPARE.try_with(|s| s.set(Stacks { keys, path, order }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The stacks of one body are handed, empty, to the next one on the thread.
    #[test]
    fn stacks_are_reused_empty() {
        let spec = super::super::transaction_status_spec();
        let schema = Schema::new(&spec);
        let text = String::from("k");
        let capacity = {
            let mut cx = Ctx::new(&schema);
            for _ in 0..100 {
                cx.keys.push(Cow::Borrowed(text.as_str()));
                cx.path.push(Seg::Index(1));
                cx.order.push(1);
            }
            cx.keys.capacity()
        };
        drop(text);
        let cx = Ctx::new(&schema);
        assert!(cx.keys.is_empty() && cx.path.is_empty() && cx.order.is_empty());
        assert_eq!(cx.keys.capacity(), capacity);
        assert!(cx.path.capacity() >= 100 && cx.order.capacity() >= 100);
        // Nested: the inner one starts afresh.
        let inner = Ctx::new(&schema);
        assert_eq!(inner.keys.capacity(), 0);
    }
}
