//! What the streaming validator keeps of a body: a trie of the values later
//! rules read (invariant operands, status fields, the caller's pointers), so
//! that only those are materialised as `serde_json::Value`s, at their places.

use crate::expr::Segment;

/// A node of the trie: the value here is kept (its kind at least), with the
/// parts below it that the node names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Want {
    /// Keep the whole value (everything below).
    whole: bool,
    /// Object properties (or, for a canonical index token such as `2`, array
    /// elements, as RFC 6901 reads them).
    keys: Vec<(String, Option<usize>, Want)>,
    /// Bit `n % 64` is set when some key is `n` bytes long: most keys of a
    /// body are rejected by their length alone.
    lengths: u64,
    /// Every array element.
    each: Option<Box<Want>>,
}

/// The whole body.
pub static WHOLE: Want = Want {
    whole: true,
    keys: Vec::new(),
    lengths: 0,
    each: None,
};

impl Want {
    /// Keeps the whole value at an RFC 6901 `pointer` (ignored when it is not
    /// one, as `Value::pointer` would find nothing there).
    pub fn add_pointer(&mut self, pointer: &str) {
        let Some(tokens) = crate::pointer::tokens(pointer) else {
            return;
        };
        let mut node = self;
        for t in tokens {
            node = node.key_mut(&t);
        }
        node.whole = true;
    }

    /// Adds an invariant path (absolute from the instance); `leaf` keeps the
    /// whole value at its end, else only its kind (an array `sum` walks over).
    pub(crate) fn add_path(&mut self, segments: &[Segment], leaf: bool) {
        let mut node = self;
        for s in segments {
            node = match s {
                Segment::Field(name) => node.key_mut(name),
                Segment::Each => node.each.get_or_insert_with(Box::default),
            };
        }
        node.whole |= leaf;
    }

    fn key_mut(&mut self, key: &str) -> &mut Want {
        let i = match self.keys.iter().position(|(k, _, _)| k == key) {
            Some(i) => i,
            None => {
                self.keys
                    .push((key.to_owned(), index_token(key), Want::default()));
                self.lengths |= length_bit(key);
                self.keys.len() - 1
            }
        };
        &mut self.keys[i].2
    }

    pub(super) fn is_whole(&self) -> bool {
        self.whole
    }

    #[inline]
    pub(super) fn key(&self, key: &str) -> Option<&Want> {
        if self.lengths & length_bit(key) == 0 {
            return None;
        }
        self.keys.iter().find(|(k, _, _)| k == key).map(|e| &e.2)
    }

    pub(super) fn index(&self, i: usize) -> impl Iterator<Item = &Want> {
        let by_token = self.keys.iter().filter(move |e| e.1 == Some(i));
        self.each
            .as_deref()
            .into_iter()
            .chain(by_token.map(|e| &e.2))
    }
}

fn length_bit(key: &str) -> u64 {
    1 << (key.len() % 64)
}

/// The array index a pointer token names, by `serde_json`'s rules (no sign, no
/// leading zero).
fn index_token(t: &str) -> Option<usize> {
    if t.starts_with('+') || (t.starts_with('0') && t.len() != 1) {
        return None;
    }
    t.parse().ok()
}

/// The trie nodes that apply to one value (several rules may read it); a few
/// inline, the rest spilled.
#[derive(Debug, Default)]
pub(super) struct Wants<'w> {
    inline: [Option<&'w Want>; 3],
    spill: Vec<&'w Want>,
}

impl<'w> Wants<'w> {
    #[inline]
    pub(super) fn push(&mut self, w: &'w Want) {
        match self.inline.iter_mut().find(|s| s.is_none()) {
            Some(slot) => *slot = Some(w),
            None => self.spill.push(w),
        }
    }

    pub(super) fn iter(&self) -> impl Iterator<Item = &'w Want> + '_ {
        self.inline
            .iter()
            .map_while(|w| *w)
            .chain(self.spill.iter().copied())
    }
}

/// What to keep of one value.
#[derive(Debug, Default)]
pub(super) enum Capture<'w> {
    /// Nothing: the value is only checked.
    #[default]
    None,
    /// The whole value.
    Full,
    /// The parts the nodes name.
    Part(Wants<'w>),
}

impl<'w> Capture<'w> {
    pub(super) fn of(w: Option<&'w Want>) -> Capture<'w> {
        let mut c = Capture::None;
        if let Some(w) = w {
            c.add(w);
        }
        c
    }

    #[inline]
    pub(super) fn is_some(&self) -> bool {
        !matches!(self, Capture::None)
    }

    /// Also keeps what `w` names.
    #[inline]
    pub(super) fn add(&mut self, w: &'w Want) {
        match self {
            Capture::Full => {}
            _ if w.is_whole() => *self = Capture::Full,
            Capture::Part(ws) => ws.push(w),
            Capture::None => {
                let mut ws = Wants::default();
                ws.push(w);
                *self = Capture::Part(ws);
            }
        }
    }

    /// What to keep of the property `key` of an object kept this way.
    #[inline]
    pub(super) fn key(&self, key: &str) -> Capture<'w> {
        match self {
            Capture::None => Capture::None,
            Capture::Full => Capture::Full,
            Capture::Part(ws) => {
                let mut c = Capture::None;
                // Plain loops: this runs for every key of a kept object.
                for w in ws.inline.iter() {
                    let Some(w) = w else { break };
                    if let Some(k) = w.key(key) {
                        c.add(k);
                    }
                }
                for w in &ws.spill {
                    if let Some(k) = w.key(key) {
                        c.add(k);
                    }
                }
                c
            }
        }
    }

    /// What to keep of element `i` of an array kept this way.
    pub(super) fn index(&self, i: usize) -> Capture<'w> {
        match self {
            Capture::None => Capture::None,
            Capture::Full => Capture::Full,
            Capture::Part(ws) => {
                let mut c = Capture::None;
                for w in ws.iter().flat_map(|w| w.index(i)) {
                    c.add(w);
                }
                c
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_and_indexes() {
        let mut w = Want::default();
        w.add_pointer("/data/items/1/id");
        w.add_pointer("/a~1b");
        w.add_pointer("nope");
        let items = w.key("data").and_then(|d| d.key("items")).unwrap();
        assert_eq!(items.index(1).count(), 1);
        assert_eq!(items.index(0).count(), 0);
        assert!(items.index(1).next().unwrap().key("id").unwrap().is_whole());
        assert!(w.key("a/b").unwrap().is_whole());
        assert_eq!(index_token("01"), None);
        assert_eq!(index_token("+1"), None);
        assert_eq!(index_token("0"), Some(0));
    }

    #[test]
    fn captures_merge() {
        let mut a = Want::default();
        a.add_pointer("/x/y");
        let mut b = Want::default();
        b.add_pointer("/x");
        let mut c = Capture::of(Some(&a));
        assert!(matches!(c.key("x"), Capture::Part(_)));
        c.add(&b);
        assert!(matches!(c.key("x"), Capture::Full));
        assert!(matches!(c.key("z"), Capture::None));
        assert!(matches!(Capture::of(Some(&WHOLE)).key("q"), Capture::Full));
    }
}
