//! One value of the body, deserialized and checked against its resolved type
//! in the same pass: scalars and arrays here, objects in `object`.

use std::borrow::Cow;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Number, Value};

use super::compile::CType;
use super::ctx::{Ctx, Seg, Step};
use super::kept::{ArrAcc, Kept};
use super::want::Capture;
use crate::ir::{Field, Source};
use crate::validate::rules;

/// Deserializes and checks one value. `ty` is `None` below a value that has no
/// schema (an undocumented property, `{}`, a value of the wrong type): only
/// duplicate keys and captures apply there.
pub(super) struct Node<'c, 's, 'de> {
    pub cx: &'c mut Ctx<'s, 'de>,
    pub ty: Option<&'s CType>,
    /// The model property the value is (none for array items and the body).
    pub field: Option<&'s Field>,
    pub cap: Capture<'s>,
}

/// What a value leaves behind.
pub(super) struct Out<'de> {
    /// The captured value (`None` when nothing was asked for).
    pub value: Option<Kept<'de>>,
    pub null: bool,
}

impl<'de> Out<'de> {
    #[inline]
    fn kept(cap: &Capture<'_>, v: impl FnOnce() -> Kept<'de>) -> Self {
        Out {
            value: cap.is_some().then(v),
            null: false,
        }
    }
}

impl<'s, 'de> Node<'_, 's, 'de> {
    fn source(&self) -> Option<&'s Source> {
        self.field.and_then(|f| f.source.as_ref())
    }

    /// Reports a `schema.type` issue: a `found` value where `ty` wants another.
    fn mismatch(&mut self, found: &str) {
        let fs = self.source();
        let schema = self.cx.schema;
        let (expected, source) = match self.ty {
            // Read through at `deserialize`; never seen here.
            None | Some(CType::Any | CType::Constrained(..)) => return,
            Some(CType::String) => ("string", fs),
            Some(CType::Integer) => ("integer", fs),
            Some(CType::Number) => ("number", fs),
            Some(CType::Boolean) => ("boolean", fs),
            Some(CType::Array(_)) => ("array", fs),
            Some(CType::Model(i)) => ("object", schema.models[*i].model.source.as_ref()),
            Some(CType::Enum(i)) => ("string", schema.enums[*i].source.as_ref()),
        };
        self.cx
            .report(Some(rules::type_error(expected, found, source)), None);
    }

    fn number(mut self, n: Number) -> Out<'de> {
        match self.ty {
            Some(CType::Integer) => {
                let c = self.field.map(|f| &f.constraints);
                rules::integer(&n, c, self.source(), &mut self.cx.issues);
                let value = Value::Number(n.clone());
                rules::listed(&value, c, self.source(), &mut self.cx.issues);
                self.cx.flush(None);
            }
            Some(CType::Number) => {
                let c = self.field.map(|f| &f.constraints);
                rules::number(&n, c, self.source(), &mut self.cx.issues);
                let value = Value::Number(n.clone());
                rules::listed(&value, c, self.source(), &mut self.cx.issues);
                self.cx.flush(None);
            }
            Some(CType::Any) => {
                if let Some(c) = self.field.map(|f| &f.constraints) {
                    let value = Value::Number(n.clone());
                    let patterns = &self.cx.schema.patterns;
                    rules::typeless(
                        patterns,
                        &value,
                        Some(c),
                        self.source(),
                        &mut self.cx.issues,
                    );
                    self.cx.flush(None);
                }
            }
            None => {}
            Some(_) => self.mismatch(rules::number_type(&n)),
        }
        Out::kept(&self.cap, || Kept::Value(Value::Number(n)))
    }

    fn null(self) -> Out<'de> {
        if matches!(self.ty, Some(CType::Any)) {
            // Without `type`, `null` is a value like any other (see `validate`).
            let c = self.field.map(|f| &f.constraints);
            rules::listed(&Value::Null, c, self.source(), &mut self.cx.issues);
            self.cx.flush(None);
        } else if self.ty.is_some() {
            self.cx.report(rules::null(self.field), None);
        }
        Out {
            value: self.cap.is_some().then_some(Kept::Value(Value::Null)),
            null: true,
        }
    }

    fn string(mut self, s: &str) -> Capture<'s> {
        let schema = self.cx.schema;
        match self.ty {
            Some(CType::String) => {
                let c = self.field.map(|f| &f.constraints);
                rules::string(&schema.patterns, s, c, self.source(), &mut self.cx.issues);
                self.cx.flush(None);
            }
            Some(CType::Enum(i)) => self
                .cx
                .report(rules::enum_value(&schema.enums[*i], s), None),
            Some(CType::Any) => {
                if let Some(c) = self.field.map(|f| &f.constraints) {
                    rules::string(
                        &schema.patterns,
                        s,
                        Some(c),
                        self.source(),
                        &mut self.cx.issues,
                    );
                    if !c.values.is_empty() {
                        let value = Value::String(s.to_owned());
                        rules::listed(&value, Some(c), self.source(), &mut self.cx.issues);
                    }
                    self.cx.flush(None);
                }
            }
            None => {}
            Some(_) => self.mismatch("string"),
        }
        self.cap
    }
}

impl<'de> DeserializeSeed<'de> for Node<'_, '_, 'de> {
    type Value = Out<'de>;
    fn deserialize<D: Deserializer<'de>>(mut self, d: D) -> Result<Out<'de>, D::Error> {
        // An array's items with constraints: the type they constrain, checked
        // as a property with their field would be (as the DOM validator does).
        while let Some(CType::Constrained(inner, i)) = self.ty {
            self.ty = Some(inner);
            self.field = self.cx.schema.constrained.get(*i);
        }
        match self.field.filter(|f| f.constraints.composition.is_some()) {
            Some(field) => composed(self, field, d),
            None => d.deserialize_any(self),
        }
    }
}

/// A value whose schema has `oneOf`, `anyOf` or `not`: its own rules as it
/// is read, then the composition on the whole value, kept for the purpose
/// (the DOM validator tries it against each member).
fn composed<'s, 'de, D: Deserializer<'de>>(
    node: Node<'_, 's, 'de>,
    field: &'s Field,
    d: D,
) -> Result<Out<'de>, D::Error> {
    let Node { cx, ty, cap, .. } = node;
    let wanted = cap.is_some();
    let whole = Node {
        cx: &mut *cx,
        ty,
        field: Some(field),
        cap: Capture::Full,
    };
    let out = d.deserialize_any(whole)?;
    let value = out.value.map_or(Value::Null, Kept::into_value);
    let typeless = matches!(ty, Some(CType::Any));
    if let (Some(spec), Some(c)) = (
        cx.schema.composed.as_deref(),
        crate::validate::composed(field, typeless, &value),
    ) {
        let direction = crate::validate::Direction::Response;
        let check = |member: &crate::ir::Type| {
            crate::validate::first_error(spec, member, &value, direction)
        };
        rules::composition(c, &value, check, field.source.as_ref(), &mut cx.issues);
        cx.order.push(Step::Composition);
        cx.flush(None);
        cx.order.pop();
    }
    Ok(Out {
        // The whole value answers a capture of any part of it.
        value: wanted.then_some(Kept::Value(value)),
        null: out.null,
    })
}

impl<'de> Visitor<'de> for Node<'_, '_, 'de> {
    type Value = Out<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(mut self, v: bool) -> Result<Out<'de>, E> {
        if !matches!(self.ty, None | Some(CType::Any | CType::Boolean)) {
            self.mismatch("boolean");
        } else if matches!(self.ty, Some(CType::Boolean | CType::Any)) {
            let c = self.field.map(|f| &f.constraints);
            rules::listed(&Value::Bool(v), c, self.source(), &mut self.cx.issues);
            self.cx.flush(None);
        }
        Ok(Out::kept(&self.cap, || Kept::Value(Value::Bool(v))))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Out<'de>, E> {
        Ok(self.number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Out<'de>, E> {
        Ok(self.number(v.into()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Out<'de>, E> {
        // As when parsing into a `Value` by hand: a non-finite float (which
        // serde_json does not produce) would become null.
        Ok(match Number::from_f64(v) {
            Some(n) => self.number(n),
            None => self.null(),
        })
    }

    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Out<'de>, E> {
        let cap = self.string(s);
        Ok(Out::kept(&cap, || Kept::Str(Cow::Borrowed(s))))
    }

    fn visit_str<E>(self, s: &str) -> Result<Out<'de>, E> {
        let cap = self.string(s);
        Ok(Out::kept(&cap, || Kept::Str(Cow::Owned(s.to_owned()))))
    }

    fn visit_string<E>(self, s: String) -> Result<Out<'de>, E> {
        let cap = self.string(&s);
        Ok(Out::kept(&cap, || Kept::Str(Cow::Owned(s))))
    }

    fn visit_unit<E>(self) -> Result<Out<'de>, E> {
        Ok(self.null())
    }

    fn visit_none<E>(self) -> Result<Out<'de>, E> {
        Ok(self.null())
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<Out<'de>, A::Error> {
        let constraints = self.field.map(|f| &f.constraints);
        let source = self.source();
        let item = match self.ty {
            Some(CType::Array(item)) => Some(&**item),
            None | Some(CType::Any) => None,
            Some(_) => {
                self.mismatch("array");
                None
            }
        };
        // Without `type`, the array keywords apply, and `uniqueItems` or an
        // `enum` reads the whole array.
        let typeless = matches!(self.ty, Some(CType::Any))
            .then_some(constraints)
            .flatten();
        let Node { cx, cap, .. } = self;
        let mut items = ArrAcc::new(&cap);
        // `uniqueItems` compares whole items: each is kept while the array is read.
        let unique = (item.is_some() && constraints.is_some_and(|c| c.unique_items))
            || typeless.is_some_and(|c| c.unique_items || !c.values.is_empty());
        let mut whole_items: Vec<Value> = Vec::new();
        let mut i = 0;
        loop {
            let wanted_part = cap.index(i);
            let wanted = wanted_part.is_some();
            let child = if unique { Capture::Full } else { wanted_part };
            cx.path.push(Seg::Index(i));
            if item.is_some() {
                cx.order.push(Step::Item(i));
            }
            let next = seq.next_element_seed(Node {
                cx: &mut *cx,
                ty: item,
                field: None,
                cap: child,
            });
            cx.path.pop();
            if item.is_some() {
                cx.order.pop();
            }
            let Some(out) = next? else { break };
            if unique {
                let value = out.value.map_or(Value::Null, Kept::into_value);
                items.push(wanted.then(|| Kept::Value(value.clone())));
                whole_items.push(value);
            } else {
                items.push(out.value.filter(|_| wanted));
            }
            i += 1;
        }
        if item.is_some() {
            // Placed at the array, so they sort before its items' findings.
            rules::items(i, constraints, source, &mut cx.issues);
            rules::unique_items(&whole_items, constraints, source, &mut cx.issues);
            cx.flush(None);
        } else if let Some(c) = typeless {
            // The order of `rules::typeless` on an array; the items were
            // kept only when `uniqueItems` or an `enum` needs them.
            rules::items(i, Some(c), source, &mut cx.issues);
            rules::unique_items(&whole_items, Some(c), source, &mut cx.issues);
            if !c.values.is_empty() {
                rules::listed(&Value::Array(whole_items), Some(c), source, &mut cx.issues);
            }
            cx.flush(None);
        }
        Ok(Out {
            value: items.finish(),
            null: false,
        })
    }

    fn visit_map<A: MapAccess<'de>>(mut self, map: A) -> Result<Out<'de>, A::Error> {
        match self.ty {
            Some(CType::Model(i)) => {
                let i = *i;
                super::object::model(self, i, map)
            }
            Some(CType::Any) => typeless_object(self, map),
            None => super::object::untyped(self, map),
            Some(_) => {
                self.mismatch("object");
                self.ty = None;
                super::object::untyped(self, map)
            }
        }
    }
}

/// An object where the schema has no `type`: only an `enum` applies, and
/// it reads the whole object.
fn typeless_object<'de, A: MapAccess<'de>>(
    node: Node<'_, '_, 'de>,
    map: A,
) -> Result<Out<'de>, A::Error> {
    let source = node.source();
    let Some(c) = node
        .field
        .map(|f| &f.constraints)
        .filter(|c| !c.values.is_empty())
    else {
        return super::object::untyped(node, map);
    };
    let Node { cx, ty, field, cap } = node;
    let wanted = cap.is_some();
    let whole = Node {
        cx: &mut *cx,
        ty,
        field,
        cap: Capture::Full,
    };
    let out = super::object::untyped(whole, map)?;
    let value = out.value.map_or(Value::Null, Kept::into_value);
    rules::listed(&value, Some(c), source, &mut cx.issues);
    cx.flush(None);
    Ok(Out {
        // The whole object answers a capture of any part of it.
        value: wanted.then_some(Kept::Value(value)),
        null: false,
    })
}

/// An object key, borrowed from the body unless it contains escapes.
pub(super) struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Cow<'de, str>, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
}
