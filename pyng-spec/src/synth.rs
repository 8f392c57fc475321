//! Synthesises bodies that satisfy a spec: schema, conditional presence,
//! status/outcome and the `==`/`>=` amount invariants. The sandbox server and the
//! benchmark corpus use it, so both follow the specs rather than restating them.
//!
//! Deterministic: the same options give the same body.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::decimal::Decimal;
use crate::expr::{self, CmpOp, Evaluation, ExprKind, Num, Segment};
use crate::ir::*;

/// What to put in a synthesised body.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Seed of the pseudo-random amounts and ids.
    pub seed: u64,
    /// The value to use for each enum that has a state machine, by enum name.
    pub states: BTreeMap<String, String>,
    /// Fixed values by wire name (ids to echo, timestamps), used wherever a field of
    /// that name appears.
    pub fields: BTreeMap<String, Value>,
    /// Include optional fields that no rule requires.
    pub optional: bool,
}

/// A body of type `ty`.
pub fn body(spec: &Spec, ty: &Type, options: &Options) -> Value {
    let mut s = Synth {
        spec,
        options,
        rng: options.seed ^ 0x9e37_79b9_7f4a_7c15,
        depth: 0,
        path: Vec::new(),
        models: 0,
    };
    s.value(ty, None, "item")
}

struct Synth<'a> {
    spec: &'a Spec,
    options: &'a Options,
    rng: u64,
    depth: usize,
    /// The models being synthesised, outermost first: a model that holds itself
    /// gets an empty list or no optional field there, not another instance.
    path: Vec<&'a str>,
    /// Model instances made so far, against [`MAX_MODELS`].
    models: usize,
}

/// Model instances in one body at most: many fields of one model type nested a
/// few levels deep multiply.
const MAX_MODELS: usize = 4096;

impl<'a> Synth<'a> {
    /// xorshift64*: small, deterministic, good enough for test data.
    fn next(&mut self, below: u64) -> u64 {
        self.rng ^= self.rng >> 12;
        self.rng ^= self.rng << 25;
        self.rng ^= self.rng >> 27;
        self.rng.wrapping_mul(0x2545_f491_4f6c_dd1d) % below.max(1)
    }

    /// A value of field `f` with `oneOf`/`anyOf`/`not`: the first that the
    /// field's whole schema accepts of a value of its own keywords and one
    /// of each member (a `not` or a `oneOf` whose members overlap may refuse
    /// them all: then the first).
    fn composed(&mut self, ty: &Type, f: &Field, name: &str) -> Value {
        let mut own = f.clone();
        let composition = own.constraints.composition.take().unwrap_or_default();
        let mut candidates = vec![self.value(ty, Some(&own), name)];
        let (discriminated, _) = composition.discriminated();
        let lists = [
            ("oneOf", &composition.one_of),
            ("anyOf", &composition.any_of),
        ];
        for (keyword, members) in lists {
            for (i, member) in members.iter().enumerate() {
                let mut candidate = self.value(member, None, name);
                // A discriminated member's objects carry the value that names it.
                if let (Some(d), Value::Object(object)) =
                    (&composition.discriminator, &mut candidate)
                    && keyword == discriminated
                    && let Some(tag) = d.tag_of(i)
                {
                    object.insert(d.property.clone(), Value::String(tag.to_owned()));
                }
                candidates.push(candidate);
            }
        }
        let accepted = candidates.iter().position(|v| {
            crate::validate::validate_field(self.spec, f, v)
                .iter()
                .all(|found| found.severity != crate::diag::Severity::Error)
        });
        candidates.swap_remove(accepted.unwrap_or(0))
    }

    fn value(&mut self, ty: &Type, field: Option<&Field>, name: &str) -> Value {
        if let Some(v) = self.options.fields.get(name) {
            return v.clone();
        }
        if let Some(example) = field.and_then(|f| f.example.clone()) {
            return example;
        }
        if let Some(f) = field.filter(|f| f.constraints.composition.is_some()) {
            return self.composed(ty, f, name);
        }
        let unit = field.and_then(|f| f.constraints.unit);
        // An `enum` of integers, numbers or booleans: one of its values.
        if let Some(values) = field.map(|f| &f.constraints.values).filter(|v| {
            !v.is_empty() && matches!(ty, Type::Integer | Type::Number | Type::Boolean | Type::Any)
        }) {
            let i = self.next(values.len() as u64) as usize;
            return values[i % values.len()].clone();
        }
        match ty {
            Type::String if unit == Some(Unit::Rfc3339) => {
                Value::String("2026-01-01T00:00:00Z".into())
            }
            Type::String if unit == Some(Unit::DecimalMajor) => {
                Value::String(format!("{}.{:02}", 1 + self.next(500), self.next(100)))
            }
            Type::String => Value::String(self.id(name, field)),
            Type::Integer => Value::from(self.integer(field, unit)),
            Type::Number => {
                let preferred = self.next(1000);
                match field {
                    Some(f) => number_within_bounds(preferred, &f.constraints),
                    None => Value::from(preferred),
                }
            }
            Type::Boolean => Value::Bool(self.next(2) == 1),
            // Without `type`, every keyword but `enum` (above) constrains
            // one type: a boolean meets them all.
            Type::Any if field.is_some_and(|f| f.constraints != Default::default()) => {
                Value::Bool(true)
            }
            Type::Any => Value::Null,
            Type::Array(item) if self.recursive(item) => Value::Array(Vec::new()),
            Type::Array(item) => {
                let c = field.map(|f| &f.constraints);
                let (min, max) = (
                    c.and_then(|c| c.min_items).unwrap_or(0),
                    c.and_then(|c| c.max_items).unwrap_or(u64::MAX),
                );
                let count = (1 + self.next(3)).max(min).min(max);
                let item_name = name.trim_end_matches('s');
                if c.is_some_and(|c| c.unique_items) {
                    return Value::Array(self.unique_items(item, item_name, count));
                }
                Value::Array(
                    (0..count)
                        .map(|_| self.value(item, None, item_name))
                        .collect(),
                )
            }
            Type::Named(n) => match self.spec.types.get(n) {
                // An array's items with constraints: a value that meets them
                // (never `null`, though they may be nullable).
                Some(TypeDef::Constrained(c)) => self.value(&c.field.ty, Some(&c.field), name),
                Some(TypeDef::Enum(e)) => Value::String(self.enum_value(e)),
                Some(TypeDef::Model(m))
                    if self.depth < 8 && self.models < MAX_MODELS && !self.recursive(ty) =>
                {
                    self.depth += 1;
                    self.models += 1;
                    self.path.push(&m.name);
                    let v = self.model(m);
                    self.path.pop();
                    self.depth -= 1;
                    v
                }
                _ => Value::Null,
            },
        }
    }

    /// Whether `ty` names a model being synthesised (directly or as list items).
    fn recursive(&self, ty: &Type) -> bool {
        match ty {
            Type::Named(n) => self.path.contains(&n.as_str()),
            Type::Array(item) => self.recursive(item),
            _ => false,
        }
    }

    fn id(&mut self, name: &str, field: Option<&Field>) -> String {
        let pattern = field.and_then(|f| f.constraints.pattern.as_deref());
        let hex32 = format!("{:016x}{:016x}", self.next(u64::MAX), self.next(u64::MAX));
        let c = field.map(|f| &f.constraints);
        let format = c.and_then(|c| c.format.as_deref());
        let mut candidates = vec![
            format!("{name}-{:04}", self.next(10_000)),
            hex32.clone(),
            hex32.repeat(2),
        ];
        // A checked format comes first: a value of it (a fresh one for
        // `uuid`, which names things), or its sample.
        let formatted = match format {
            Some("uuid") => Some(format!(
                "{}-{}-{}-{}-{}",
                &hex32[..8],
                &hex32[8..12],
                &hex32[12..16],
                &hex32[16..20],
                &hex32[20..]
            )),
            Some(f) => crate::formats::sample(f).map(str::to_owned),
            None => None,
        };
        candidates.splice(0..0, formatted.clone());
        let regex = pattern.and_then(|p| self.spec.patterns.get(p));
        let (min, max) = (
            c.and_then(|c| c.min_length).unwrap_or(0),
            c.and_then(|c| c.max_length).unwrap_or(u64::MAX),
        );
        let fits = |s: &str| (min..=max).contains(&(s.chars().count() as u64));
        let formatted_ok =
            |s: &str| format.is_none_or(|f| crate::formats::matches(f, s) != Some(false));
        let matches = |s: &str| regex.is_none_or(|re| re.is_match(s)) && fits(s) && formatted_ok(s);
        let smallest = pattern.and_then(crate::pattern_sample::smallest_match);
        // The smallest match, and it grown to the minimum length by repeating
        // its last character (`[a-z]+` with a `minLength`).
        let grown = smallest.iter().flat_map(|s| {
            let missing = min.saturating_sub(s.chars().count() as u64) as usize;
            let longer = s
                .chars()
                .last()
                .map(|c| format!("{s}{}", c.to_string().repeat(missing)));
            std::iter::once(s.clone()).chain(longer)
        });
        let found = candidates.iter().cloned().chain(grown).find(|c| matches(c));
        match (found.or(formatted), pattern) {
            // Else the format's value, though the other constraints reject it.
            (Some(s), _) => s,
            // Without a pattern, any characters do: cut or pad to the lengths.
            (None, None) => {
                let cut: String = candidates[0].chars().take(max.min(64) as usize).collect();
                let padding = min.saturating_sub(cut.chars().count() as u64) as usize;
                cut + &"x".repeat(padding)
            }
            // A pattern no candidate meets within the lengths: its smallest match.
            (None, Some(p)) => {
                crate::pattern_sample::smallest_match(p).unwrap_or_else(|| candidates[0].clone())
            }
        }
    }

    /// `count` items no two of which are JSON-equal (`uniqueItems`), from a
    /// bounded number of draws: an item type with fewer values (a boolean)
    /// gives fewer items.
    fn unique_items(&mut self, item: &Type, item_name: &str, count: u64) -> Vec<Value> {
        let mut seen = std::collections::HashSet::new();
        let mut items = Vec::new();
        for _ in 0..count.saturating_mul(8) {
            if items.len() as u64 >= count {
                break;
            }
            let v = self.value(item, None, item_name);
            if seen.insert(crate::json_equality::canonical(&v)) {
                items.push(v);
            }
        }
        items
    }

    fn integer(&mut self, field: Option<&Field>, unit: Option<Unit>) -> i64 {
        let preferred = self.preferred_integer(field, unit);
        match field {
            Some(f) => within_bounds(preferred, &f.constraints),
            None => preferred,
        }
    }

    /// The integer a unit suggests, or a small one at the minimum.
    fn preferred_integer(&mut self, field: Option<&Field>, unit: Option<Unit>) -> i64 {
        let c = field.map(|f| &f.constraints);
        let min = c.and_then(|c| c.minimum).unwrap_or(0);
        match unit {
            Some(Unit::UnixMillis) => 1_767_225_600_000,
            Some(Unit::UnixSeconds) => 1_767_225_600,
            // Amounts nested deeper than a line (a line's discounts) stay small, so
            // totals computed from them stay positive as in real traffic.
            Some(Unit::Cents) if self.depth > 3 => 1 + self.next(30) as i64,
            Some(Unit::Cents) => 100 + 10 * self.next(200) as i64,
            _ => min.max(1) + self.next(3) as i64,
        }
    }

    fn enum_value(&mut self, e: &EnumDef) -> String {
        if let Some(v) = self.options.states.get(&e.name) {
            return v.clone();
        }
        e.machine
            .as_ref()
            .and_then(|m| m.initial.first())
            .or(e.values.first())
            .cloned()
            .unwrap_or_default()
    }

    fn model(&mut self, m: &'a Model) -> Value {
        let mut obj = Map::new();
        // Enum fields first: presence and outcome rules depend on them.
        let (enums, others): (Vec<&Field>, Vec<&Field>) = m
            .fields
            .iter()
            .partition(|f| matches!(&f.ty, Type::Named(n) if self.spec.enum_def(n).is_some()));
        for f in enums.into_iter().chain(others) {
            if self.wanted(m, f, &obj) {
                let v = self.value(&f.ty, Some(f), &f.wire_name);
                obj.insert(f.wire_name.clone(), v);
            }
        }
        if let Some(rule) = &m.outcome {
            let status = obj
                .get(&rule.status_field)
                .and_then(Value::as_str)
                .map(str::to_owned);
            match status.and_then(|s| rule.map.get(&s)) {
                Some(outcome) => {
                    obj.insert(rule.outcome_field.clone(), Value::String(outcome.clone()))
                }
                None => obj.remove(&rule.outcome_field),
            };
        }
        self.property_count(m, &mut obj);
        let mut value = Value::Object(obj);
        for inv in &m.invariants {
            satisfy(&inv.expr, &mut value);
        }
        value
    }

    /// `minProperties`/`maxProperties`: documented optional properties (not
    /// write-only, deprecated or named by a rule) are added up to the minimum,
    /// then a map's entries (`key1`, `key2`, ... with values of its schema),
    /// and dropped down to the maximum; a minimum the documented ones cannot
    /// reach in a model that is no map stays short (no undocumented property
    /// is made up).
    fn property_count(&mut self, m: &'a Model, obj: &mut Map<String, Value>) {
        let free = |f: &&Field| {
            !f.required
                && !f.write_only
                && !f.deprecated
                && f.presence.is_none()
                && !m.outcome.as_ref().is_some_and(|o| {
                    o.outcome_field == f.wire_name || o.status_field == f.wire_name
                })
        };
        if let Some(min) = m.min_properties {
            for f in m.fields.iter().filter(free) {
                if obj.len() as u64 >= min {
                    break;
                }
                if !obj.contains_key(&f.wire_name) {
                    let v = self.value(&f.ty, Some(f), &f.wire_name);
                    obj.insert(f.wire_name.clone(), v);
                }
            }
            if let Some(values) = m.map_values() {
                let mut n = 0u64;
                while (obj.len() as u64) < min {
                    n += 1;
                    let key = format!("key{n}");
                    if !obj.contains_key(&key) && m.field(&key).is_none() {
                        let v = self.value(&values.ty, Some(values), &key);
                        obj.insert(key, v);
                    }
                }
            }
        }
        if let Some(max) = m.max_properties {
            for f in m.fields.iter().rev().filter(free) {
                if obj.len() as u64 <= max {
                    break;
                }
                obj.shift_remove(&f.wire_name);
            }
        }
    }

    fn wanted(&self, m: &Model, f: &Field, obj: &Map<String, Value>) -> bool {
        if m.outcome
            .as_ref()
            .is_some_and(|o| o.outcome_field == f.wire_name)
        {
            return false;
        }
        if !f.required && !matches!(f.ty, Type::Array(_)) && self.recursive(&f.ty) {
            return false;
        }
        // A response does not carry a write-only property, and a deprecated one
        // is a warning.
        if f.write_only || (f.deprecated && !f.required) {
            return false;
        }
        if let Some(p) = &f.presence {
            let status = obj
                .get(&p.status_field)
                .and_then(Value::as_str)
                .unwrap_or_default();
            if p.absent_when.iter().any(|s| s == status) {
                return false;
            }
            if p.required_when.iter().any(|s| s == status) {
                return true;
            }
        }
        f.required || self.options.optional || self.options.fields.contains_key(&f.wire_name)
    }
}

/// Makes an invariant `field OP expr` hold by setting `field` to the value of
/// `expr` when it does not. Invariants of other shapes are left alone.
fn satisfy(inv: &expr::Invariant, instance: &mut Value) {
    let ExprKind::Field(path) = &inv.lhs.kind else {
        return;
    };
    let [Segment::Field(name)] = path.segments.as_slice() else {
        return;
    };
    if !matches!(inv.op, CmpOp::Eq | CmpOp::Ge | CmpOp::Le) {
        return;
    }
    let target = match expr::evaluate(inv, instance) {
        Evaluation::Violated(v) => v.rhs,
        _ => return,
    };
    let value = match target {
        Num::Int(i) => Value::from(i),
        Num::Dec(d) => Value::String(d.to_string()),
    };
    if let Some(obj) = instance.as_object_mut() {
        obj.insert(name.clone(), value);
    }
}

/// `preferred` if it meets the integer constraints (bounds, exclusive or not,
/// `multipleOf`, the int32 range), else the multiple of `multipleOf` nearest the
/// lower bound (or below the upper one) that does; `preferred` when none does.
fn within_bounds(preferred: i64, c: &crate::ir::Constraints) -> i64 {
    let mut lo = c.minimum.map_or(i128::from(i64::MIN), |m| {
        i128::from(m) + i128::from(c.exclusive_minimum)
    });
    let mut hi = c.maximum.map_or(i128::from(i64::MAX), |m| {
        i128::from(m) - i128::from(c.exclusive_maximum)
    });
    if c.format.as_deref() == Some("int32") {
        lo = lo.max(i128::from(i32::MIN));
        hi = hi.min(i128::from(i32::MAX));
    }
    let step = i128::from(c.multiple_of.unwrap_or(1).max(1));
    let fits = |v: i128| v >= lo && v <= hi && v % step == 0;
    if fits(i128::from(preferred)) {
        return preferred;
    }
    let start = if c.minimum.is_some() { lo } else { hi.min(1) };
    let up = start.div_euclid(step) * step + if start.rem_euclid(step) == 0 { 0 } else { step };
    let down = hi.div_euclid(step) * step;
    [up, down]
        .into_iter()
        .find(|v| fits(*v))
        .and_then(|v| i64::try_from(v).ok())
        .unwrap_or(preferred)
}

/// `preferred` if it meets a number's exact bounds and `multipleOf`, else the
/// multiple of `multipleOf` (or the bound itself) nearest the lower bound, or
/// below the upper one, that does. The arithmetic is on integers counting
/// the smallest unit any of the decimals involved has (`0.01` for a
/// `multipleOf: 0.01`); when that does not fit 128 bits (`minimum: 1e300`
/// with `multipleOf: 0.5`), a bound that is itself a value; else `preferred`,
/// as for a range with no value.
fn number_within_bounds(preferred: u64, c: &crate::ir::Constraints) -> Value {
    let fallback = Value::from(preferred);
    let preferred_exact = Decimal::from_i128(i128::from(preferred));
    let holds = |d: Decimal| {
        let above = c.number_minimum.is_none_or(|min| {
            if c.exclusive_minimum {
                d > min
            } else {
                d >= min
            }
        });
        let below = c.number_maximum.is_none_or(|max| {
            if c.exclusive_maximum {
                d < max
            } else {
                d <= max
            }
        });
        above && below && c.number_multiple_of.is_none_or(|m| d.is_multiple_of(m))
    };
    if holds(preferred_exact) {
        return fallback;
    }
    let known = [c.number_minimum, c.number_maximum, c.number_multiple_of];
    let unit = known
        .iter()
        .flatten()
        .map(|d| d.parts().2)
        .min()
        .unwrap_or(0)
        .min(0);
    // `d` in units of 10^unit, when that fits.
    let scaled = |d: Decimal| -> Option<i128> {
        let (negative, mantissa, exponent) = d.parts();
        let shift = u32::try_from(i64::from(exponent) - i64::from(unit)).ok()?;
        let magnitude = i128::try_from(mantissa)
            .ok()?
            .checked_mul(10i128.checked_pow(shift)?)?;
        Some(if negative { -magnitude } else { magnitude })
    };
    let candidate = || -> Option<Decimal> {
        let step = c.number_multiple_of.map_or(Some(1), scaled)?.max(1);
        let lo = match c.number_minimum {
            Some(min) => scaled(min)?.checked_add(i128::from(c.exclusive_minimum))?,
            None => i128::MIN / 4,
        };
        let hi = match c.number_maximum {
            Some(max) => scaled(max)?.checked_sub(i128::from(c.exclusive_maximum))?,
            None => i128::MAX / 4,
        };
        let start = if c.number_minimum.is_some() {
            lo
        } else {
            hi.min(step)
        };
        let up = start
            .div_euclid(step)
            .checked_add(i128::from(start.rem_euclid(step) != 0))?;
        let down = hi.div_euclid(step);
        [up, down].into_iter().find_map(|k| {
            let v = k.checked_mul(step)?;
            let d = Decimal::from_parts(v < 0, v.unsigned_abs(), unit);
            holds(d).then_some(d)
        })
    };
    // A bound itself, when the scaled arithmetic does not fit (`1e300` with
    // a step of `0.5`) and the bound is a value.
    let bound = || {
        [c.number_minimum, c.number_maximum]
            .into_iter()
            .flatten()
            .find(|d| holds(*d))
    };
    // As a JSON number the validators read back as the same decimal.
    candidate()
        .or_else(bound)
        .and_then(|d| {
            let text = d.to_string();
            let value: Value = serde_json::from_str(&text).ok()?;
            let back = value.as_number().and_then(crate::validate::exact_number)?;
            (back == d).then_some(value)
        })
        .unwrap_or(fallback)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TRANSACTION: &str = "pyng/transaction-status.yaml";
    const SESSION: &str = "pyng/checkout-session-status.yaml";
    const PEACH: &str = "peach/checkout-status.yaml";

    /// A spec of `specs/`, with the files it refers to.
    fn load(under_specs: &str) -> crate::ir::Spec {
        let path = format!("{}/../specs/{under_specs}", env!("CARGO_MANIFEST_DIR"));
        crate::load_file(path).unwrap().spec
    }

    /// Every state of every state machine, with and without optional fields, gives a
    /// body the validator accepts without errors.
    #[test]
    fn synthesised_bodies_validate_in_every_state() {
        for file in [TRANSACTION, SESSION, PEACH] {
            let spec = load(file);
            for op in &spec.operations {
                let ok = op
                    .responses
                    .iter()
                    .find(|r| r.status.is_success())
                    .and_then(|r| r.body.clone())
                    .unwrap();
                for (e, _) in spec.state_machines() {
                    for state in &e.values {
                        for (seed, optional) in [(1, false), (2, true), (3, true)] {
                            let options = Options {
                                seed,
                                states: BTreeMap::from([(e.name.clone(), state.clone())]),
                                optional,
                                ..Options::default()
                            };
                            let body = body(&spec, &ok, &options);
                            let errors: Vec<_> = crate::validate::validate(&spec, &ok, &body)
                                .into_iter()
                                .filter(|f| f.severity == crate::Severity::Error)
                                .collect();
                            assert!(errors.is_empty(), "{file} {state}: {errors:#?}\n{body:#}");
                            assert!(!has_negative_number(&body), "{file} {state}: {body:#}");
                        }
                    }
                }
            }
        }
    }

    fn has_negative_number(v: &Value) -> bool {
        match v {
            Value::Number(n) => n.as_i64().is_some_and(|i| i < 0),
            Value::Array(items) => items.iter().any(has_negative_number),
            Value::Object(map) => map.values().any(has_negative_number),
            _ => false,
        }
    }

    #[test]
    fn fixed_fields_and_determinism() {
        let spec = load(SESSION);
        let ty = Type::Named("CheckoutSessionStatusEnvelope".into());
        let options = Options {
            seed: 7,
            fields: BTreeMap::from([("siteId".into(), Value::from("site-1"))]),
            states: BTreeMap::from([("CheckoutSessionStatus".into(), "Completed".into())]),
            optional: false,
        };
        let a = body(&spec, &ty, &options);
        assert_eq!(a, body(&spec, &ty, &options));
        assert_eq!(a["data"]["siteId"], "site-1");
        assert_eq!(a["data"]["outcome"], "Succeeded");
    }
}
