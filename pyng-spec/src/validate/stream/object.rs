//! Objects: a model instance (properties checked as they come, then the rules
//! over the whole instance: required, presence, undocumented, outcome,
//! invariants) or an object without schema (duplicate keys and captures only).

use std::borrow::Cow;
use std::collections::HashSet;

use serde::de::MapAccess;

use super::ctx::{Seg, Step};
use super::kept::{ObjAcc, View};
use super::visit::{KeySeed, Node, Out};
use crate::validate::order::{FieldRule, Phase};
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
    let start = cx.keys.len();
    let mut set: Option<HashSet<Cow<'de, str>>> = None;
    // Distinct keys, as a parsed `Value` holds them (`minProperties`).
    let mut distinct = 0usize;
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
                    // At the first occurrence, as `Map::keys` orders them (the
                    // sort is stable).
                    if let Some(issue) = rules::undocumented(m, &key) {
                        let f = issue.place(&cx.pointer());
                        cx.push(f, Some(Phase::Undocumented));
                    }
                }
                dup
            }
        };
        distinct += usize::from(!dup);
        cx.keys.push(key);
        let k = cx.keys.len() - 1;
        cx.path.push(Seg::Key(k));
        let v = match fi {
            Some(fi) => {
                cx.order.push(Step::Phase(Phase::value(fi)));
                let v = map.next_value_seed(Node {
                    cx: &mut *cx,
                    ty: Some(&cm.types[fi]),
                    field: Some(&m.fields[fi]),
                    cap: child,
                });
                cx.order.pop();
                let v = v?;
                let field = &m.fields[fi];
                if !v.null && (field.deprecated || field.write_only) {
                    rules::marked(
                        m,
                        field,
                        crate::validate::Direction::Response,
                        &mut cx.issues,
                    );
                    cx.flush(Some(Phase::marked(fi)));
                }
                seen.put(fi, true);
                present.put(fi, !v.null);
                v
            }
            None => match (&cm.map_values, m.map_values()) {
                (Some(ty), Some(values)) => {
                    // A map's value, at its key's first place among the
                    // object's keys (a repeated key's last value replaces
                    // the earlier one's findings, as in a parsed `Value`).
                    let place = if dup {
                        let first = cx.keys[start..k].iter().position(|o| *o == cx.keys[k]);
                        let place = first.unwrap_or(k - start);
                        cx.forget_map_value(place);
                        place
                    } else {
                        k - start
                    };
                    cx.order.push(Step::Phase(Phase::Undocumented));
                    cx.order.push(Step::Item(place));
                    let v = map.next_value_seed(Node {
                        cx: &mut *cx,
                        ty: Some(ty),
                        field: Some(values),
                        cap: child,
                    });
                    cx.order.truncate(cx.order.len() - 2);
                    v?
                }
                _ => map.next_value_seed(Node {
                    cx: &mut *cx,
                    ty: None,
                    field: None,
                    cap: child,
                })?,
            },
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
    for &phase in &cm.phases {
        match phase {
            Phase::Field { index, rule } => {
                let Some(f) = m.fields.get(index) else {
                    continue;
                };
                match (rule, &f.presence) {
                    (FieldRule::Value, _) if !seen.get(index) && f.required => {
                        cx.report(Some(rules::required(m, f)), Some(phase));
                    }
                    (FieldRule::Presence, Some(p)) => {
                        let status = text(&p.status_field);
                        rules::presence(f, p, status, present.get(index), &mut cx.issues);
                        cx.flush(Some(phase));
                    }
                    _ => {}
                }
            }
            // Undocumented keys (or a map's values) are reported as they
            // come; the count after them.
            Phase::Undocumented => {
                rules::property_count(m, distinct, &mut cx.issues);
                cx.order.push(Step::Phase(phase));
                cx.order.push(Step::Item(usize::MAX));
                cx.flush(None);
                cx.order.truncate(cx.order.len() - 2);
            }
            Phase::Outcome => {
                if let Some(rule) = &m.outcome {
                    let (status, outcome) = (text(&rule.status_field), text(&rule.outcome_field));
                    cx.report(rules::outcome(rule, status, outcome), Some(phase));
                }
            }
            Phase::Invariant(i) => {
                if let (Some(inv), Some(view)) = (m.invariants.get(i), view)
                    && !crate::expr::quiet(&inv.expr, view)
                {
                    // Traced only when there is a finding to word.
                    cx.report(rules::invariant(inv, view), Some(phase));
                }
            }
        }
    }
    Ok(Out {
        value: kept,
        null: false,
    })
}
