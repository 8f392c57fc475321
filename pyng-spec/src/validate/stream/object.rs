//! Objects: a model instance (properties checked as they come, then the rules
//! over the whole instance: required, presence, undocumented, outcome,
//! invariants) or an object without schema (duplicate keys and captures only).

use std::borrow::Cow;
use std::collections::HashSet;

use serde::de::MapAccess;

use super::ctx::Seg;
use super::kept::{ObjAcc, View};
use super::visit::{KeySeed, Node, Out};
use crate::validate::rules;

/// Which model properties were seen (and were not null), in one object.
enum Bits {
    Small(u64),
    Large(Vec<bool>),
}

impl Bits {
    fn new(n: usize) -> Bits {
        if n <= 64 {
            Bits::Small(0)
        } else {
            Bits::Large(vec![false; n])
        }
    }
    #[inline]
    fn get(&self, i: usize) -> bool {
        match self {
            Bits::Small(b) => b & (1 << i) != 0,
            Bits::Large(v) => v[i],
        }
    }
    #[inline]
    fn put(&mut self, i: usize, on: bool) {
        match self {
            Bits::Small(b) if on => *b |= 1 << i,
            Bits::Small(b) => *b &= !(1 << i),
            Bits::Large(v) => v[i] = on,
        }
    }
}

pub(super) fn untyped<'de, A: MapAccess<'de>>(
    node: Node<'_, '_, 'de>,
    mut map: A,
) -> Result<Out<'de>, A::Error> {
    let Node { cx, cap, .. } = node;
    let start = cx.keys.len();
    let mut set: Option<HashSet<Cow<'de, str>>> = None;
    let mut out = ObjAcc::new(&cap);
    while let Some(key) = map.next_key_seed(KeySeed)? {
        let dup = cx.is_dup(start, &key, &mut set);
        let child = cap.key(&key);
        let wanted = child.is_some();
        cx.keys.push(key);
        let k = cx.keys.len() - 1;
        cx.path.push(Seg::Key(k));
        let v = map.next_value_seed(Node {
            cx: &mut *cx,
            ty: None,
            field: None,
            cap: child,
        })?;
        cx.path.pop();
        if dup {
            let p = crate::pointer::push(&cx.pointer(), &cx.keys[k]);
            cx.dups.push(p);
        }
        if let (true, Some(v)) = (wanted, v.value) {
            out.insert(&cx.keys[k], v);
        }
    }
    cx.keys.truncate(start);
    Ok(Out {
        value: out.finish(),
        null: false,
    })
}

pub(super) fn model<'s, 'de, A: MapAccess<'de>>(
    node: Node<'_, 's, 'de>,
    index: usize,
    mut map: A,
) -> Result<Out<'de>, A::Error> {
    let Node { cx, mut cap, .. } = node;
    let schema = cx.schema;
    let cm = &schema.models[index];
    let m = &cm.model;
    if let Some(local) = &cm.local {
        cap.add(local);
    }
    let mut out = ObjAcc::new(&cap);
    let (mut seen, mut present) = (Bits::new(m.fields.len()), Bits::new(m.fields.len()));
    let mut undocumented = 0;
    let start = cx.keys.len();
    let mut set: Option<HashSet<Cow<'de, str>>> = None;
    while let Some(key) = map.next_key_seed(KeySeed)? {
        let fi = cm.field(&key);
        let child = cap.key(&key);
        let wanted = child.is_some();
        let dup = match fi {
            Some(fi) => {
                let dup = seen.get(fi);
                if dup {
                    cx.forget(fi);
                }
                dup
            }
            None => {
                let dup = cx.is_dup(start, &key, &mut set);
                if !dup {
                    // At the first occurrence, as `Map::keys` orders them.
                    let f = rules::undocumented(m, &key).place(&cx.pointer());
                    let mut order = cx.order.to_vec();
                    order.extend([1, undocumented]);
                    cx.findings.push((order, f));
                    undocumented += 1;
                }
                dup
            }
        };
        cx.keys.push(key);
        let k = cx.keys.len() - 1;
        cx.path.push(Seg::Key(k));
        let v = match fi {
            Some(fi) => {
                cx.order.extend_from_slice(&[0, fi, 0]);
                let v = map.next_value_seed(Node {
                    cx: &mut *cx,
                    ty: Some(&cm.types[fi]),
                    field: Some(&m.fields[fi]),
                    cap: child,
                });
                cx.order.truncate(cx.order.len() - 3);
                let v = v?;
                seen.put(fi, true);
                present.put(fi, !v.null);
                v
            }
            None => map.next_value_seed(Node {
                cx: &mut *cx,
                ty: None,
                field: None,
                cap: child,
            })?,
        };
        cx.path.pop();
        if dup {
            let p = crate::pointer::push(&cx.pointer(), &cx.keys[k]);
            cx.dups.push(p);
        }
        if let (true, Some(v)) = (wanted, v.value) {
            out.insert(&cx.keys[k], v);
        }
    }
    cx.keys.truncate(start);

    // The rules over the whole instance, read from the captured properties.
    let kept = out.finish();
    let view = kept.as_ref().map(View::K);
    let text = |name: &str| view?.get(name).ok()??.as_str();
    for (fi, f) in m.fields.iter().enumerate() {
        if !seen.get(fi) && f.required {
            cx.report(Some(rules::required(m, f)), &[0, fi, 0]);
        }
        if let Some(p) = &f.presence {
            let status = text(&p.status_field);
            rules::presence(f, p, status, present.get(fi), &mut cx.issues);
            cx.flush(&[0, fi, 1]);
        }
    }
    if let Some(rule) = &m.outcome {
        let issue = rules::outcome(rule, text(&rule.status_field), text(&rule.outcome_field));
        cx.report(issue, &[2]);
    }
    if let Some(view) = view {
        for (i, inv) in m.invariants.iter().enumerate() {
            if !super::quiet::quiet(&inv.expr, view) {
                // The reference evaluator words the finding.
                let instance = kept.clone().map(|k| k.into_value()).unwrap_or_default();
                cx.report(rules::invariant(inv, &instance), &[3, i]);
            }
        }
    }
    Ok(Out {
        value: kept,
        null: false,
    })
}
