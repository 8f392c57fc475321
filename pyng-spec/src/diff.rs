//! Semantic diff of two specs, each change classed for a partner.
//!
//! **Breaking** means a partner's code or data that works against the old spec
//! may fail against the new one: something it reads or sends disappears or
//! changes type, a field it may omit or rely on changes requiredness, a status
//! value or response code it has not seen can now arrive, or the state machine it
//! polls against says something different (final states, transitions as
//! observed by polling, initial states). Everything else is **non-breaking**:
//! additions of optional things, removed responses, rule, timeout, polling and
//! documentation changes.
//!
//! Value constraints of a response property are classed by what may now
//! arrive: a partner reads responses, so a constraint that admits more values
//! (a lower `minLength`, a higher or removed `maxLength`, a lower or inclusive
//! `minimum`, a `multipleOf` that does not divide into the old one) is breaking
//! and one that admits fewer is not. For `maxLength` this is oasdiff's grading
//! (`response-property-max-length-increased` and `-unset` are errors,
//! `-decreased` is information); a lowered `minLength` is breaking on the same
//! reasoning. An array's items' constraints and `nullable` are classed the same
//! way, at `Model.field[]`; a component's are those of each property that
//! references it.
//!
//! A type sent in request bodies is classed the other way round: narrowing
//! refuses what senders sent (breaking), widening is not. A type in both is
//! compared in both directions, and a change is breaking when it is in
//! either ([`directions`]); what each change does to the admitted values is
//! its `Effect`, a change that neither widens nor narrows (another format, a
//! `oneOf` of another size) being breaking both ways.
//!
//! Corrections (`x-state-machine.corrections`) are compared as what a poller may
//! observe only through one. A new correction is breaking: a partner that acts
//! once on a final state and stops polling misses the corrected status. A
//! removed one is non-breaking: the final state it left stays final, which code
//! that handled the correction already copes with.

mod directions;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use directions::Uses;

use crate::contract::Machine;
use crate::decimal::Decimal;
use crate::ir::{
    Additional, EnumDef, Field, Header, Link, Model, Operation, Param, RateLimit, Spec,
    StateMachine, Type, TypeDef,
};

/// A number bound and whether it is exclusive.
type Bound = Option<(Decimal, bool)>;
/// What a number's constraints admit: lower bound, upper bound, step.
type Admits = (Bound, Bound, Option<Decimal>);

/// How a change affects a partner (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// Code or data that works against the old spec may fail against the new one.
    Breaking,
    /// Nothing that works against the old spec stops working.
    NonBreaking,
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Class::Breaking => "breaking",
            Class::NonBreaking => "non-breaking",
        })
    }
}

/// What kind of change, for tests and tools; [`Change::detail`] says it for humans.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// A model or enum appears.
    TypeAdded,
    /// A model or enum disappears.
    TypeRemoved,
    /// A type changes between model and enum.
    TypeKindChanged,
    /// A model gains a property (breaking when it is required).
    FieldAdded,
    /// A model loses a property.
    FieldRemoved,
    /// A property becomes required.
    FieldMadeRequired,
    /// A property becomes optional.
    FieldMadeOptional,
    /// A property's type changes.
    FieldTypeChanged,
    /// A property becomes nullable or stops being nullable.
    FieldNullabilityChanged,
    /// A property's value constraints change (`minLength`, `maxLength`,
    /// `minItems`, `maxItems`,
    /// `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum`, `multipleOf`,
    /// `uniqueItems`; a model's `minProperties`, `maxProperties`):
    /// breaking when values the old spec ruled out may now arrive.
    FieldConstraintChanged,
    /// A model's `additionalProperties` changes kind (breaking when it stops
    /// being `false` or a map).
    AdditionalPropertiesChanged,
    /// A property becomes (or stops being) `deprecated` or `writeOnly`.
    FieldMarkingChanged,
    /// An enum gains a value.
    EnumValueAdded,
    /// An enum loses a value.
    EnumValueRemoved,
    /// A state machine's `final` states change.
    FinalStatesChanged,
    /// A state machine's `initial` states change.
    InitialStatesChanged,
    /// What a poller may observe changes, the transitions are rewritten, or a state
    /// machine appears or disappears.
    TransitionsChanged,
    /// A documented correction (a move out of a final state) appears.
    CorrectionsAdded,
    /// A documented correction disappears.
    CorrectionsRemoved,
    /// A state machine's timeout appears, disappears or changes.
    TimeoutsChanged,
    /// An invariant, `x-outcome` or `x-presence` rule changes.
    RuleChanged,
    /// An operation appears.
    OperationAdded,
    /// An operation disappears.
    OperationRemoved,
    /// An operation's method or path changes.
    OperationMoved,
    /// An operation gains a parameter (breaking when it is required).
    ParameterAdded,
    /// An operation loses a parameter.
    ParameterRemoved,
    /// A parameter becomes required or optional.
    ParameterRequirednessChanged,
    /// A parameter's location or type changes.
    ParameterTypeChanged,
    /// An operation or a parameter becomes (or stops being) `deprecated`.
    DeprecationChanged,
    /// A response status is documented that was not.
    ResponseAdded,
    /// A response status is no longer documented.
    ResponseRemoved,
    /// A response's body type changes.
    ResponseBodyChanged,
    /// An operation's request body appears, disappears, becomes required or
    /// optional, or a media type or its schema's type changes.
    RequestBodyChanged,
    /// `x-polling`'s interval changes.
    PollingChanged,
    /// `x-rate-limit` appears, disappears, tightens, loosens or is counted
    /// for other parameters.
    RateLimitChanged,
    /// A response's link (to the operation it leads to) appears, disappears,
    /// or leads elsewhere or takes its values from elsewhere.
    LinkChanged,
    /// A response header appears, disappears, changes requiredness or type.
    ResponseHeaderChanged,
    /// `info.version` or `x-draft` changes.
    InfoChanged,
}

/// One semantic change between two specs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Whether it breaks partners.
    pub class: Class,
    /// What kind of change it is.
    pub kind: Kind,
    /// What changed: `LineItem.amountTotal`, `getTransactionStatus 404`, ...
    pub at: String,
    /// What changed, in words (`type string -> integer`, `field removed`, ...).
    pub detail: String,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:<12} {}: {}",
            self.class.to_string(),
            self.at,
            self.detail
        )
    }
}

/// Every semantic change from `old` to `new`, in a stable order.
pub fn diff(old: &Spec, new: &Spec) -> Vec<Change> {
    let mut d = Differ {
        out: Vec::new(),
        old,
        new,
        uses: directions::of_both(old, new),
        direction: Direction::Response,
    };
    d.info(old, new);
    d.types(old, new);
    d.operations(old, new);
    d.out
}

struct Differ<'s> {
    out: Vec<Change>,
    old: &'s Spec,
    new: &'s Spec,
    /// The directions each type travels in ([`directions`]).
    uses: BTreeMap<String, Uses>,
    /// The direction the type being compared is classed for.
    direction: Direction,
}

/// Who a change of a type's values affects: a partner that reads them (a
/// response) or one that sends them (a request body).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    Response,
    Request,
}

/// What a change does to the values a schema admits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Effect {
    /// Admits every value it did, and more: breaks a reader.
    Widens,
    /// Admits only values it did, not all of them: breaks a sender.
    Narrows,
    /// Neither (a different format, a `oneOf` of another size): breaks both.
    Changes,
}

fn shape(spec: &Spec, ty: &Type) -> Type {
    spec.shape(ty)
}

/// The field of a constrained body type `ty`, if it is one.
fn body_field(spec: &Spec, ty: &Type) -> Option<Field> {
    match ty {
        Type::Named(n) => spec.constrained(n).map(|c| c.field.clone()),
        _ => None,
    }
}

/// The item field of a constrained array item type, or an unconstrained one
/// of the same shape as `like`.
fn item_field(spec: &Spec, ty: &Type, like: &Field) -> Field {
    match ty {
        Type::Named(n) if spec.constrained(n).is_some() => spec
            .constrained(n)
            .map(|c| c.field.clone())
            .unwrap_or_else(|| like.clone()),
        _ => Field {
            ty: ty.clone(),
            nullable: false,
            constraints: crate::ir::Constraints::default(),
            ..like.clone()
        },
    }
}

fn show(ty: &Type) -> String {
    match ty {
        Type::String => "string".into(),
        Type::Integer => "integer".into(),
        Type::Number => "number".into(),
        Type::Boolean => "boolean".into(),
        Type::Any => "any".into(),
        Type::Named(n) => n.clone(),
        Type::Array(t) => format!("array of {}", show(t)),
    }
}

fn list(values: &BTreeSet<&String>) -> String {
    values
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

impl Differ<'_> {
    /// The class of a change of `effect` in the current direction.
    fn class_of(&self, effect: Effect) -> Class {
        match (effect, self.direction) {
            (Effect::Widens, Direction::Response) | (Effect::Narrows, Direction::Request) => {
                Class::Breaking
            }
            (Effect::Changes, _) => Class::Breaking,
            _ => Class::NonBreaking,
        }
    }

    /// `response` or `request`, by the current direction.
    fn by_direction(&self, response: Class, request: Class) -> Class {
        match self.direction {
            Direction::Response => response,
            Direction::Request => request,
        }
    }

    /// Whether `f` is required in the current direction (OAS 3.0.3: a
    /// required `writeOnly` property is required in requests only, a
    /// required `readOnly` one in responses only).
    fn required(&self, f: &Field) -> bool {
        match self.direction {
            Direction::Response => f.required,
            Direction::Request => f.request_required,
        }
    }

    /// A change of the values a property admits, classed by `effect`.
    fn values_changed(&mut self, effect: Effect, at: &str, detail: impl Into<String>) {
        let class = self.class_of(effect);
        self.push(class, Kind::FieldConstraintChanged, at, detail);
    }

    /// Runs `compare` for type `name` once per direction the type travels
    /// in, and merges the two runs: a change both find is breaking when
    /// either says so, and says when it is breaking for senders only.
    fn in_directions(&mut self, name: &str, compare: impl Fn(&mut Self)) {
        let uses = self.uses.get(name).copied().unwrap_or(Uses::UNUSED);
        let start = self.out.len();
        let mut runs = Vec::new();
        for (used, direction) in [
            (uses.response, Direction::Response),
            (uses.request, Direction::Request),
        ] {
            if used {
                self.direction = direction;
                compare(self);
                runs.push((direction, self.out.split_off(start)));
            }
        }
        self.direction = Direction::Response;
        let mut merged: Vec<Change> = Vec::new();
        for (direction, changes) in runs {
            for mut change in changes {
                // A field added is one change, though each direction words
                // its requiredness (OAS 3.0.3: `readOnly`, `writeOnly`).
                let same = merged.iter_mut().find(|m| {
                    m.kind == change.kind
                        && m.at == change.at
                        && (m.detail == change.detail || m.kind == Kind::FieldAdded)
                });
                match (same, direction) {
                    (Some(m), _) => {
                        if change.class == Class::Breaking && m.class != Class::Breaking {
                            m.class = Class::Breaking;
                            m.detail = change.detail;
                            m.detail.push_str(
                                " (breaking for senders: the type is also in a request body)",
                            );
                        }
                    }
                    (None, Direction::Request) => {
                        change.detail.push_str(if uses.response {
                            " (for senders: the type is also in a request body)"
                        } else {
                            " (a request body type: classed for senders)"
                        });
                        merged.push(change);
                    }
                    (None, Direction::Response) => merged.push(change),
                }
            }
        }
        self.out.append(&mut merged);
    }

    fn push(&mut self, class: Class, kind: Kind, at: impl Into<String>, detail: impl Into<String>) {
        self.out.push(Change {
            class,
            kind,
            at: at.into(),
            detail: detail.into(),
        });
    }

    fn info(&mut self, old: &Spec, new: &Spec) {
        if old.version != new.version {
            self.push(
                Class::NonBreaking,
                Kind::InfoChanged,
                "info.version",
                format!("{} -> {}", old.version, new.version),
            );
        }
        if old.draft != new.draft {
            self.push(
                Class::NonBreaking,
                Kind::InfoChanged,
                "info.x-draft",
                format!("{} -> {}", old.draft, new.draft),
            );
        }
    }

    fn types(&mut self, old: &Spec, new: &Spec) {
        for (name, o) in &old.types {
            match (o, new.types.get(name)) {
                (TypeDef::Constrained(_), None) => {}
                (_, None) => self.push(Class::Breaking, Kind::TypeRemoved, name, "type removed"),
                (TypeDef::Model(a), Some(TypeDef::Model(b))) => {
                    self.in_directions(name, |d| d.model(a, b));
                }
                (TypeDef::Enum(a), Some(TypeDef::Enum(b))) => {
                    self.in_directions(name, |d| d.enum_def(a, b));
                }
                // An array's items: compared where the property's type
                // names them (`items`), not by their derived names.
                (TypeDef::Constrained(_), _) | (_, Some(TypeDef::Constrained(_))) => {}
                (_, Some(_)) => self.push(
                    Class::Breaking,
                    Kind::TypeKindChanged,
                    name,
                    "changed between object and enum",
                ),
            }
        }
        let constrained = |t: &TypeDef| matches!(t, TypeDef::Constrained(_));
        for (name, _) in new
            .types
            .iter()
            .filter(|(n, t)| !old.types.contains_key(*n) && !constrained(t))
        {
            self.push(Class::NonBreaking, Kind::TypeAdded, name, "type added");
        }
    }

    fn model(&mut self, a: &Model, b: &Model) {
        match (&a.additional, &b.additional) {
            // A map's values, classed as a property's schema.
            (Additional::Values(va), Additional::Values(vb)) => {
                self.field(&format!("{}.additionalProperties", a.name), va, vb);
            }
            (old, new) if std::mem::discriminant(old) != std::mem::discriminant(new) => {
                let detail = format!(
                    "additionalProperties {} -> {}",
                    old.describe(),
                    new.describe()
                );
                // Only `false` promises a partner that no other property
                // arrives; a map's values lose their schema (and the
                // generated map field goes) when it stops being one.
                let for_readers = match old {
                    Additional::Forbidden | Additional::Values(_) => Class::Breaking,
                    Additional::Undocumented | Additional::Allowed => Class::NonBreaking,
                };
                // A sender may send more once `false` goes; a map field goes
                // with its schema; `false` or a schema added refuses what it sent.
                let for_senders = match (old, new) {
                    (Additional::Forbidden, _) => Class::NonBreaking,
                    (_, Additional::Forbidden | Additional::Values(_))
                    | (Additional::Values(_), _) => Class::Breaking,
                    _ => Class::NonBreaking,
                };
                let class = self.by_direction(for_readers, for_senders);
                self.push(class, Kind::AdditionalPropertiesChanged, &a.name, detail);
            }
            _ => {}
        }
        // `minProperties`/`maxProperties`: the model's values, as a property's.
        self.size_bounds(
            &a.name,
            "property count",
            "objects with property counts",
            (a.min_properties, a.max_properties),
            (b.min_properties, b.max_properties),
        );
        for fa in &a.fields {
            let at = format!("{}.{}", a.name, fa.wire_name);
            match b.field(&fa.wire_name) {
                None => self.push(Class::Breaking, Kind::FieldRemoved, at, "field removed"),
                Some(fb) => self.field(&at, fa, fb),
            }
        }
        for fb in b.fields.iter().filter(|f| a.field(&f.wire_name).is_none()) {
            let at = format!("{}.{}", b.name, fb.wire_name);
            if self.required(fb) {
                self.push(
                    Class::Breaking,
                    Kind::FieldAdded,
                    at,
                    "required field added: bodies without it no longer conform",
                );
            } else {
                self.push(
                    Class::NonBreaking,
                    Kind::FieldAdded,
                    at,
                    "optional field added",
                );
            }
        }
        let inv = |m: &Model| -> BTreeMap<String, String> {
            m.invariants
                .iter()
                .map(|i| (i.id.clone(), i.expr.to_string()))
                .collect()
        };
        let (ia, ib) = (inv(a), inv(b));
        for (id, expr) in &ia {
            match ib.get(id) {
                None => self.push(
                    Class::NonBreaking,
                    Kind::RuleChanged,
                    format!("{}.{id}", a.name),
                    "invariant removed",
                ),
                Some(e) if e != expr => self.push(
                    Class::NonBreaking,
                    Kind::RuleChanged,
                    format!("{}.{id}", a.name),
                    format!("invariant changed: `{expr}` -> `{e}`"),
                ),
                Some(_) => {}
            }
        }
        for (id, expr) in ib.iter().filter(|(id, _)| !ia.contains_key(*id)) {
            self.push(
                Class::NonBreaking,
                Kind::RuleChanged,
                format!("{}.{id}", b.name),
                format!("invariant added: `{expr}`"),
            );
        }
        let outcome = |m: &Model| {
            m.outcome.as_ref().map(|o| {
                (
                    o.status_field.clone(),
                    o.outcome_field.clone(),
                    o.map.clone(),
                )
            })
        };
        if outcome(a) != outcome(b) {
            self.push(
                Class::NonBreaking,
                Kind::RuleChanged,
                format!("{}.x-outcome", a.name),
                "status/outcome rule changed",
            );
        }
    }

    fn field(&mut self, at: &str, a: &Field, b: &Field) {
        let (old_shape, new_shape) = (shape(self.old, &a.ty), shape(self.new, &b.ty));
        if old_shape != new_shape {
            self.push(
                Class::Breaking,
                Kind::FieldTypeChanged,
                at,
                format!("type {} -> {}", show(&old_shape), show(&new_shape)),
            );
        } else if let (Type::Array(ia), Type::Array(ib)) = (&a.ty, &b.ty) {
            // The items' constraints and `nullable`, classed as a property's.
            let constrained = |spec: &Spec, t: &Type| matches!(t, Type::Named(n) if spec.constrained(n).is_some());
            if constrained(self.old, ia) || constrained(self.new, ib) {
                let fa = item_field(self.old, ia, a);
                let fb = item_field(self.new, ib, &fa);
                let fa = item_field(self.old, ia, &fb);
                self.field(&format!("{at}[]"), &fa, &fb);
            }
        }
        match (self.required(a), self.required(b)) {
            (false, true) => self.push(
                Class::Breaking,
                Kind::FieldMadeRequired,
                at,
                "made required: bodies without it no longer conform",
            ),
            (true, false) => {
                // A sender may now leave it out; a reader may not get it.
                let class = self.by_direction(Class::Breaking, Class::NonBreaking);
                self.push(
                    class,
                    Kind::FieldMadeOptional,
                    at,
                    "made optional: partners relying on it may not get it",
                );
            }
            _ => {}
        }
        let nullability = match (a.nullable, b.nullable) {
            (false, true) => Some((Effect::Widens, "made nullable: null may now arrive")),
            (true, false) => Some((Effect::Narrows, "no longer nullable")),
            _ => None,
        };
        if let Some((effect, detail)) = nullability {
            let class = self.class_of(effect);
            self.push(class, Kind::FieldNullabilityChanged, at, detail);
        }
        self.lengths(at, a, b);
        self.item_counts(at, a, b);
        self.markings(at, a, b);
        self.integer_bounds(at, a, b);
        self.number_bounds(at, a, b);
        self.unique_items(at, a, b);
        self.listed_values(at, a, b);
        self.string_formats(at, a, b);
        self.patterns(at, a, b);
        self.float_format(at, a, b);
        self.composition(at, a, b);
        let presence = |f: &Field| {
            f.presence.as_ref().map(|p| {
                (
                    p.status_field.clone(),
                    p.required_when.clone(),
                    p.absent_when.clone(),
                )
            })
        };
        if presence(a) != presence(b) {
            self.push(
                Class::NonBreaking,
                Kind::RuleChanged,
                at,
                "conditional presence (x-presence) changed",
            );
        }
    }

    /// `oneOf`/`anyOf`/`not` of a response property, classed by what may now
    /// arrive: a keyword added admits fewer values (non-breaking), one
    /// dropped admits more (breaking); an `anyOf` member added admits more,
    /// one removed fewer; any change of a `oneOf`'s members may do either
    /// (a value matching two members is refused), and a changed `not`
    /// refuses other values: both breaking. Members at the same place are
    /// compared as properties are (a member model is compared as a type).
    fn composition(&mut self, at: &str, a: &Field, b: &Field) {
        let none = crate::ir::Composition::default();
        let old = a.constraints.composition.as_deref().unwrap_or(&none);
        let new = b.constraints.composition.as_deref().unwrap_or(&none);
        let mut changes: Vec<(Effect, String)> = Vec::new();
        let mut push = |effect, detail: String| changes.push((effect, detail));
        for (keyword, old, new) in [
            ("oneOf", &old.one_of, &new.one_of),
            ("anyOf", &old.any_of, &new.any_of),
        ] {
            match (old.len(), new.len()) {
                (0, 0) => {}
                (0, _) => push(
                    Effect::Narrows,
                    format!("`{keyword}` added: fewer values may arrive"),
                ),
                (_, 0) => push(
                    Effect::Widens,
                    format!("`{keyword}` dropped: values it refused may now arrive"),
                ),
                (o, n) if o < n && keyword == "anyOf" => push(
                    Effect::Widens,
                    format!("`anyOf` members {o} -> {n}: more values may arrive"),
                ),
                (o, n) if o > n && keyword == "anyOf" => push(
                    Effect::Narrows,
                    format!("`anyOf` members {o} -> {n}: fewer values may arrive"),
                ),
                (o, n) if o != n => push(
                    Effect::Changes,
                    format!("`oneOf` members {o} -> {n}: values it refused may now arrive"),
                ),
                _ => {}
            }
        }
        match (&old.not, &new.not) {
            (None, Some(_)) => push(
                Effect::Narrows,
                "`not` added: fewer values may arrive".into(),
            ),
            (Some(_), None) => push(
                Effect::Widens,
                "`not` dropped: values it refused may now arrive".into(),
            ),
            (Some(o), Some(n)) => {
                let (fo, fn_) = (body_field(self.old, o), body_field(self.new, n));
                let constraints = |f: Option<Field>| f.map(|f| (f.constraints, f.nullable));
                if shape(self.old, o) != shape(self.new, n) || constraints(fo) != constraints(fn_) {
                    push(
                        Effect::Changes,
                        "`not` changed: values it refused may now arrive".into(),
                    );
                }
            }
            (None, None) => {}
        }
        discriminator(old, new, &mut push);
        for (effect, detail) in changes {
            self.values_changed(effect, at, detail);
        }
        for (keyword, old, new) in [
            ("oneOf", &old.one_of, &new.one_of),
            ("anyOf", &old.any_of, &new.any_of),
        ] {
            for (i, (ma, mb)) in old.iter().zip(new).enumerate() {
                let fa = item_field(self.old, ma, a);
                let fb = item_field(self.new, mb, &fa);
                let fa = item_field(self.old, ma, &fb);
                self.field(&format!("{at}.{keyword}[{i}]"), &fa, &fb);
            }
        }
    }

    /// `minItems`/`maxItems` of a response array, classed as lengths are.
    fn item_counts(&mut self, at: &str, a: &Field, b: &Field) {
        let bounds = |f: &Field| (f.constraints.min_items, f.constraints.max_items);
        self.size_bounds(at, "item count", "arrays of sizes", bounds(a), bounds(b));
    }

    /// `deprecated` is documentation for a partner (a warning when used);
    /// `writeOnly` takes the property out of responses, so a partner that reads
    /// it loses it (breaking), and one that stops being write-only may arrive.
    fn markings(&mut self, at: &str, a: &Field, b: &Field) {
        // Per marking: its old and new value, and the class and words of its
        // being set and of its being cleared.
        let mut markings = vec![
            (
                a.deprecated,
                b.deprecated,
                (Class::NonBreaking, "deprecated"),
                (Class::NonBreaking, "no longer deprecated"),
            ),
            (
                a.write_only,
                b.write_only,
                // A sender still sends it; a reader no longer gets it.
                (
                    self.by_direction(Class::Breaking, Class::NonBreaking),
                    "made write-only: responses no longer carry it",
                ),
                (
                    Class::NonBreaking,
                    "no longer write-only: responses may carry it",
                ),
            ),
        ];
        // `readOnly` says nothing to a reader: compared for senders only.
        if self.direction == Direction::Request {
            markings.push((
                a.read_only,
                b.read_only,
                (
                    Class::Breaking,
                    "made read-only: requests that send it no longer conform",
                ),
                (
                    Class::NonBreaking,
                    "no longer read-only: requests may send it",
                ),
            ));
        }
        for (old, new, set, cleared) in markings {
            let (class, detail) = match (old, new) {
                (false, true) => set,
                (true, false) => cleared,
                _ => continue,
            };
            self.push(class, Kind::FieldMarkingChanged, at, detail);
        }
    }

    /// `minLength`/`maxLength` of a response property: a partner reads the
    /// values, so admitting more (a lower minimum, a higher or no maximum) is
    /// breaking, admitting fewer is not.
    fn lengths(&mut self, at: &str, a: &Field, b: &Field) {
        let bounds = |f: &Field| (f.constraints.min_length, f.constraints.max_length);
        self.size_bounds(at, "length", "strings of lengths", bounds(a), bounds(b));
    }

    /// A size range (`min`, `max`; `None` for unbounded) of a response value
    /// changed from `a` to `b`: breaking when `b` admits a size `a` ruled out.
    fn size_bounds(
        &mut self,
        at: &str,
        what: &str,
        values: &str,
        a: (Option<u64>, Option<u64>),
        b: (Option<u64>, Option<u64>),
    ) {
        let range =
            |(min, max): (Option<u64>, Option<u64>)| (min.unwrap_or(0), max.unwrap_or(u64::MAX));
        let ((a_min, a_max), (b_min, b_max)) = (range(a), range(b));
        if (a_min, a_max) == (b_min, b_max) {
            return;
        }
        let show = |(min, max): (u64, u64)| match max {
            u64::MAX => format!("{min}.."),
            max => format!("{min}..={max}"),
        };
        let detail = format!(
            "{what} {} -> {}",
            show((a_min, a_max)),
            show((b_min, b_max))
        );
        let narrower = b_min > a_min || b_max < a_max;
        if b_min < a_min || b_max > a_max {
            let effect = if narrower {
                Effect::Changes
            } else {
                Effect::Widens
            };
            self.values_changed(
                effect,
                at,
                format!("{detail}: {values} the old spec ruled out may now arrive"),
            );
        } else {
            self.values_changed(Effect::Narrows, at, detail);
        }
    }

    /// `minimum`/`maximum` (exclusive or not) and `multipleOf` of a response
    /// integer, compared as the values they admit: breaking when the new spec
    /// admits one the old did not (a lower bound, a `multipleOf` that is not a
    /// multiple of the old one).
    fn integer_bounds(&mut self, at: &str, a: &Field, b: &Field) {
        let admits = |f: &Field| {
            let c = &f.constraints;
            let lo = c.minimum.map_or(i128::from(i64::MIN), |m| {
                i128::from(m) + i128::from(c.exclusive_minimum)
            });
            let hi = c.maximum.map_or(i128::from(i64::MAX), |m| {
                i128::from(m) - i128::from(c.exclusive_maximum)
            });
            (lo, hi, i128::from(c.multiple_of.unwrap_or(1)))
        };
        let ((a_lo, a_hi, a_step), (b_lo, b_hi, b_step)) = (admits(a), admits(b));
        if (a_lo, a_hi, a_step) == (b_lo, b_hi, b_step) {
            return;
        }
        let show = |(lo, hi, step): (i128, i128, i128)| {
            let range = format!("{lo}..={hi}");
            if step == 1 {
                range
            } else {
                format!("{range}, multiple of {step}")
            }
        };
        let detail = format!(
            "integer values {} -> {}",
            show((a_lo, a_hi, a_step)),
            show((b_lo, b_hi, b_step))
        );
        let narrower = b_lo > a_lo || b_hi < a_hi || a_step % b_step != 0;
        if b_lo < a_lo || b_hi > a_hi || b_step % a_step != 0 {
            let effect = if narrower {
                Effect::Changes
            } else {
                Effect::Widens
            };
            self.values_changed(
                effect,
                at,
                format!("{detail}: values the old spec ruled out may now arrive"),
            );
        } else {
            self.values_changed(Effect::Narrows, at, detail);
        }
    }

    /// `minimum`/`maximum` (exclusive or not) and `multipleOf` of a response
    /// number, compared exactly ([`Decimal`]): breaking when the new spec
    /// admits a value the old did not (a bound lowered, raised, made
    /// inclusive at the same value or removed; a `multipleOf` that is not a
    /// multiple of the old one).
    fn number_bounds(&mut self, at: &str, a: &Field, b: &Field) {
        if a.ty != Type::Number || b.ty != Type::Number {
            return;
        }
        let admits = |f: &Field| {
            let c = &f.constraints;
            (
                c.number_minimum.map(|m| (m, c.exclusive_minimum)),
                c.number_maximum.map(|m| (m, c.exclusive_maximum)),
                c.number_multiple_of,
            )
        };
        let (old, new) = (admits(a), admits(b));
        if old == new {
            return;
        }
        // A bound `new` admits more under than `old`: gone, further out, or
        // inclusive where `old` was exclusive at the same value.
        let wider = |old: Bound, new: Bound, lower: bool| match (old, new) {
            (None, _) => false,
            (Some(_), None) => true,
            (Some((o, o_excl)), Some((n, n_excl))) => {
                let further = if lower { n < o } else { n > o };
                further || (n == o && o_excl && !n_excl)
            }
        };
        let coarser = |old: Option<Decimal>, new: Option<Decimal>| match (old, new) {
            (None, _) => false,
            (Some(_), None) => true,
            (Some(o), Some(n)) => !n.is_multiple_of(o),
        };
        let show = |(min, max, step): Admits| {
            let mut parts = Vec::new();
            match min {
                Some((m, true)) => parts.push(format!("> {m}")),
                Some((m, false)) => parts.push(format!(">= {m}")),
                None => {}
            }
            match max {
                Some((m, true)) => parts.push(format!("< {m}")),
                Some((m, false)) => parts.push(format!("<= {m}")),
                None => {}
            }
            if let Some(s) = step {
                parts.push(format!("multiple of {s}"));
            }
            if parts.is_empty() {
                "any".to_owned()
            } else {
                parts.join(", ")
            }
        };
        let detail = format!("number values {} -> {}", show(old), show(new));
        let narrower =
            wider(new.0, old.0, true) || wider(new.1, old.1, false) || coarser(new.2, old.2);
        if wider(old.0, new.0, true) || wider(old.1, new.1, false) || coarser(old.2, new.2) {
            let effect = if narrower {
                Effect::Changes
            } else {
                Effect::Widens
            };
            self.values_changed(
                effect,
                at,
                format!("{detail}: values the old spec ruled out may now arrive"),
            );
        } else {
            self.values_changed(Effect::Narrows, at, detail);
        }
    }

    /// The `enum` of a response integer, number or boolean, by JSON equality
    /// (`1` and `1.0` are one value): a value added, or the `enum` dropped,
    /// lets values partners do not know arrive (breaking); values removed, or
    /// an `enum` added, narrow what arrives (non-breaking).
    fn listed_values(&mut self, at: &str, a: &Field, b: &Field) {
        let set = |f: &Field| -> BTreeMap<String, String> {
            f.constraints
                .values
                .iter()
                .map(|v| {
                    (
                        crate::json_equality::canonical(v),
                        crate::validate::shown_value(v),
                    )
                })
                .collect()
        };
        let (old, new) = (set(a), set(b));
        if old.keys().eq(new.keys()) {
            return;
        }
        let listed = |m: &BTreeMap<String, String>, n: &BTreeMap<String, String>| {
            m.iter()
                .filter(|(k, _)| !n.contains_key(*k))
                .map(|(_, v)| v.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let (added, removed) = (listed(&new, &old), listed(&old, &new));
        if new.is_empty() {
            self.values_changed(
                Effect::Widens,
                at,
                "`enum` dropped: values the old spec ruled out may now arrive",
            );
        } else if !old.is_empty() && !added.is_empty() {
            let effect = if removed.is_empty() {
                Effect::Widens
            } else {
                Effect::Changes
            };
            self.values_changed(
                effect,
                at,
                format!(
                    "enum value added ({added}): partners may receive a value they do not know"
                ),
            );
        } else {
            let detail = if old.is_empty() {
                "`enum` added: fewer values may arrive".to_owned()
            } else {
                format!("enum value removed ({removed})")
            };
            self.values_changed(Effect::Narrows, at, detail);
        }
    }

    /// `uniqueItems` of a response array: added, partners see fewer arrays
    /// (non-breaking); dropped, arrays with repeated items may arrive (breaking).
    fn unique_items(&mut self, at: &str, a: &Field, b: &Field) {
        match (a.constraints.unique_items, b.constraints.unique_items) {
            (false, true) => self.values_changed(Effect::Narrows, at, "items now unique"),
            (true, false) => self.values_changed(
                Effect::Widens,
                at,
                "items no longer unique: arrays with repeated items may now arrive",
            ),
            _ => {}
        }
    }

    /// The checked `format` of a response string ([`crate::formats`]): a new
    /// one admits fewer values (non-breaking), a dropped or different one lets
    /// values the old format ruled out arrive (breaking). Unchecked formats
    /// (`binary`, `password`, unknown ones) are documentation.
    fn string_formats(&mut self, at: &str, a: &Field, b: &Field) {
        let (old, new) = (a.checked_format(), b.checked_format());
        if old == new {
            return;
        }
        let show = |f: Option<&str>| f.map_or("none".to_owned(), |f| format!("`{f}`"));
        let detail = format!("string format {} -> {}", show(old), show(new));
        if old.is_none() {
            self.values_changed(Effect::Narrows, at, detail);
        } else {
            let effect = if new.is_none() {
                Effect::Widens
            } else {
                Effect::Changes
            };
            self.values_changed(
                effect,
                at,
                format!("{detail}: strings the old format ruled out may now arrive"),
            );
        }
    }

    /// `pattern`: one added admits fewer strings, one dropped more, and one
    /// rewritten is taken as neither (whether two regular expressions accept
    /// the same strings is not decided).
    fn patterns(&mut self, at: &str, a: &Field, b: &Field) {
        let (old, new) = (&a.constraints.pattern, &b.constraints.pattern);
        let (effect, detail) = match (old, new) {
            (None, Some(p)) => (Effect::Narrows, format!("pattern `{p}` added")),
            (Some(p), None) => (
                Effect::Widens,
                format!("pattern `{p}` dropped: strings it ruled out may now arrive"),
            ),
            (Some(o), Some(n)) if o != n => (
                Effect::Changes,
                format!("pattern `{o}` -> `{n}`: strings the old one ruled out may now arrive"),
            ),
            _ => return,
        };
        self.values_changed(effect, at, detail);
    }

    /// `format: float` of a response number bounds its magnitude; `double`,
    /// or no format, admits every number the parser reads.
    fn float_format(&mut self, at: &str, a: &Field, b: &Field) {
        let float =
            |f: &Field| f.ty == Type::Number && f.constraints.format.as_deref() == Some("float");
        match (float(a), float(b)) {
            (false, true) => self.values_changed(Effect::Narrows, at, "number format now `float`"),
            (true, false) => self.values_changed(
                Effect::Widens,
                at,
                "number format no longer `float`: numbers beyond the float range may now arrive",
            ),
            _ => {}
        }
    }

    fn enum_def(&mut self, a: &EnumDef, b: &EnumDef) {
        for v in a.values.iter().filter(|v| !b.values.contains(v)) {
            self.push(
                Class::Breaking,
                Kind::EnumValueRemoved,
                format!("{}.{v}", a.name),
                "enum value removed",
            );
        }
        for v in b.values.iter().filter(|v| !a.values.contains(v)) {
            // A sender need not send the new value; a reader may get it.
            let class = self.by_direction(Class::Breaking, Class::NonBreaking);
            self.push(
                class,
                Kind::EnumValueAdded,
                format!("{}.{v}", b.name),
                "enum value added: partners may receive a value they do not know",
            );
        }
        match (&a.machine, &b.machine) {
            (Some(ma), Some(mb)) => self.machine(&a.name, &a.values, &b.values, ma, mb),
            (None, None) => {}
            (Some(_), None) => self.push(
                Class::Breaking,
                Kind::TransitionsChanged,
                &a.name,
                "state machine removed",
            ),
            (None, Some(_)) => self.push(
                Class::Breaking,
                Kind::TransitionsChanged,
                &a.name,
                "state machine added",
            ),
        }
    }

    fn machine(
        &mut self,
        name: &str,
        va: &[String],
        vb: &[String],
        a: &StateMachine,
        b: &StateMachine,
    ) {
        if a.final_states != b.final_states {
            let (fa, fb): (BTreeSet<_>, BTreeSet<_>) = (
                a.final_states.iter().collect(),
                b.final_states.iter().collect(),
            );
            self.push(
                Class::Breaking,
                Kind::FinalStatesChanged,
                name,
                format!("final states {{{}}} -> {{{}}}", list(&fa), list(&fb)),
            );
        }
        let (ia, ib): (BTreeSet<_>, BTreeSet<_>) =
            (a.initial.iter().collect(), b.initial.iter().collect());
        if ia != ib {
            self.push(
                Class::Breaking,
                Kind::InitialStatesChanged,
                name,
                format!("initial states {{{}}} -> {{{}}}", list(&ia), list(&ib)),
            );
        }
        // Compare what a poller may observe, not how the edges are written.
        let states: BTreeSet<&String> = va.iter().chain(vb).collect();
        let observable = |m: &StateMachine| -> BTreeSet<(&String, &String)> {
            let m = Machine::new(name, &[], m);
            let mut pairs = BTreeSet::new();
            for from in &states {
                for to in &states {
                    if from != to && m.may_observe_names(from, to) {
                        pairs.insert((*from, *to));
                    }
                }
            }
            pairs
        };
        let (oa, ob) = (observable(a), observable(b));
        if oa != ob {
            let fmt = |p: &BTreeSet<(&String, &String)>, q: &BTreeSet<(&String, &String)>| {
                p.difference(q)
                    .map(|(f, t)| format!("{f} -> {t}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let mut detail = String::from("observable transitions changed");
            let (added, removed) = (fmt(&ob, &oa), fmt(&oa, &ob));
            if !added.is_empty() {
                detail.push_str(&format!("; now allowed: {added}"));
            }
            if !removed.is_empty() {
                detail.push_str(&format!("; no longer allowed: {removed}"));
            }
            self.push(Class::Breaking, Kind::TransitionsChanged, name, detail);
        } else if a.transitions != b.transitions {
            self.push(
                Class::NonBreaking,
                Kind::TransitionsChanged,
                name,
                "transitions rewritten; what a poller may observe is unchanged",
            );
        }
        let corrected = |m: &StateMachine| -> BTreeSet<(&String, &String)> {
            let m = Machine::new(name, &[], m);
            let mut pairs = BTreeSet::new();
            if m.has_corrections() {
                for from in &states {
                    for to in &states {
                        if m.may_correct_names(from, to) {
                            pairs.insert((*from, *to));
                        }
                    }
                }
            }
            pairs
        };
        let (ca, cb) = (corrected(a), corrected(b));
        let pairs = |p: &BTreeSet<(&String, &String)>, q: &BTreeSet<(&String, &String)>| {
            p.difference(q)
                .map(|(f, t)| format!("{f} -> {t}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let added = pairs(&cb, &ca);
        if !added.is_empty() {
            self.push(
                Class::Breaking,
                Kind::CorrectionsAdded,
                name,
                format!("a later poll may now show, through a documented correction out of a final state: {added}"),
            );
        }
        let removed = pairs(&ca, &cb);
        if !removed.is_empty() {
            self.push(
                Class::NonBreaking,
                Kind::CorrectionsRemoved,
                name,
                format!("no longer a documented correction: {removed}"),
            );
        }
        let timeouts = |m: &StateMachine| -> BTreeMap<String, String> {
            m.timeouts
                .iter()
                .map(|t| {
                    (
                        t.id.clone(),
                        format!("{:?} {:?} {:?}", t.while_states, t.limit, t.becomes),
                    )
                })
                .collect()
        };
        let (ta, tb) = (timeouts(a), timeouts(b));
        let ids: BTreeSet<&String> = ta.keys().chain(tb.keys()).collect();
        for id in ids {
            let detail = match (ta.get(id), tb.get(id)) {
                (Some(x), Some(y)) if x == y => continue,
                (Some(x), Some(y)) => format!("timeout `{id}` changed: {x} -> {y}"),
                (Some(_), None) => format!("timeout `{id}` removed"),
                (None, _) => format!("timeout `{id}` added"),
            };
            self.push(Class::NonBreaking, Kind::TimeoutsChanged, name, detail);
        }
    }

    fn operations(&mut self, old: &Spec, new: &Spec) {
        for a in &old.operations {
            match new.operation(&a.id) {
                None => self.push(
                    Class::Breaking,
                    Kind::OperationRemoved,
                    &a.id,
                    "operation removed",
                ),
                Some(b) => self.operation(a, b),
            }
        }
        for b in new
            .operations
            .iter()
            .filter(|b| old.operation(&b.id).is_none())
        {
            self.push(
                Class::NonBreaking,
                Kind::OperationAdded,
                &b.id,
                format!("operation added: {} {}", b.method.to_uppercase(), b.path),
            );
        }
    }

    fn operation(&mut self, a: &Operation, b: &Operation) {
        self.deprecation(&a.id, a.deprecated, b.deprecated);
        if a.method != b.method || a.path != b.path {
            self.push(
                Class::Breaking,
                Kind::OperationMoved,
                &a.id,
                format!(
                    "{} {} -> {} {}",
                    a.method.to_uppercase(),
                    a.path,
                    b.method.to_uppercase(),
                    b.path
                ),
            );
        }
        for pa in &a.params {
            let at = format!("{} parameter {}", a.id, pa.name);
            match b.param(&pa.name) {
                None => self.push(
                    Class::Breaking,
                    Kind::ParameterRemoved,
                    at,
                    "parameter removed",
                ),
                Some(pb) => self.param(&at, pa, pb),
            }
        }
        for pb in b.params.iter().filter(|p| a.param(&p.name).is_none()) {
            let at = format!("{} parameter {}", b.id, pb.name);
            if pb.required {
                self.push(
                    Class::Breaking,
                    Kind::ParameterAdded,
                    at,
                    "required parameter added",
                );
            } else {
                self.push(
                    Class::NonBreaking,
                    Kind::ParameterAdded,
                    at,
                    "optional parameter added",
                );
            }
        }
        self.request_body(a, b);
        for ra in &a.responses {
            let code = ra.status;
            let at = format!("{} {code}", a.id);
            match b.responses.iter().find(|r| r.status == ra.status) {
                None => self.push(
                    Class::NonBreaking,
                    Kind::ResponseRemoved,
                    at,
                    "response no longer documented",
                ),
                Some(rb) => {
                    self.links(&at, &ra.links, &rb.links);
                    self.response_headers(&at, &ra.headers, &rb.headers);
                    let shape_of =
                        |spec: &Spec, body: &Option<Type>| body.as_ref().map(|t| shape(spec, t));
                    let (sa, sb) = (shape_of(self.old, &ra.body), shape_of(self.new, &rb.body));
                    if sa != sb {
                        self.push(
                            Class::Breaking,
                            Kind::ResponseBodyChanged,
                            at,
                            format!(
                                "body {} -> {}",
                                sa.as_ref().map(show).unwrap_or("none".into()),
                                sb.as_ref().map(show).unwrap_or("none".into())
                            ),
                        );
                    } else if let (Some(ta), Some(tb)) = (&ra.body, &rb.body) {
                        self.constrained_body(&format!("{at} body"), ta, tb);
                    }
                }
            }
        }
        for rb in b
            .responses
            .iter()
            .filter(|r| !a.responses.iter().any(|x| x.status == r.status))
        {
            let code = rb.status;
            self.push(
                Class::Breaking,
                Kind::ResponseAdded,
                format!("{} {code}", b.id),
                "response added: partners may receive a status they do not handle",
            );
        }
        let interval = |o: &Operation| o.polling.as_ref().map(|p| p.interval_seconds);
        if interval(a) != interval(b) {
            self.push(
                Class::NonBreaking,
                Kind::PollingChanged,
                &a.id,
                format!("polling interval {:?} -> {:?} s", interval(a), interval(b)),
            );
        }
        self.rate_limit(&a.id, a.rate_limit.as_ref(), b.rate_limit.as_ref());
    }

    /// `x-rate-limit`: a partner that keeps within the old limit must keep
    /// within the new one, so only a limit that lets through every pattern
    /// the old one did (at least as many requests in a window at most as
    /// long, counted per at least the same parameters) is non-breaking.
    fn rate_limit(&mut self, at: &str, a: Option<&RateLimit>, b: Option<&RateLimit>) {
        let show = |r: &RateLimit| {
            let key = if r.key.is_empty() {
                String::new()
            } else {
                format!(" per {}", r.key.join(", "))
            };
            format!("{} requests per {} s{key}", r.requests, r.per_seconds)
        };
        let (class, detail) = match (a, b) {
            (None, None) => return,
            (None, Some(b)) => (
                Class::Breaking,
                format!(
                    "rate limit added ({}): a partner's current rate may exceed it",
                    show(b)
                ),
            ),
            (Some(a), None) => (
                Class::NonBreaking,
                format!("rate limit ({}) removed", show(a)),
            ),
            (Some(a), Some(b)) => {
                let (ka, kb): (BTreeSet<&String>, BTreeSet<&String>) =
                    (a.key.iter().collect(), b.key.iter().collect());
                if a.requests == b.requests && a.per_seconds == b.per_seconds && ka == kb {
                    return;
                }
                let looser = b.requests >= a.requests
                    && b.per_seconds <= a.per_seconds
                    && kb.is_superset(&ka);
                let detail = format!("rate limit {} -> {}", show(a), show(b));
                if looser {
                    (Class::NonBreaking, detail)
                } else {
                    (
                        Class::Breaking,
                        format!("{detail}: a partner within the old limit may exceed the new one"),
                    )
                }
            }
        };
        self.push(class, Kind::RateLimitChanged, at, detail);
    }

    /// A response's `links`, by name: one removed, or leading to another
    /// operation or taking a parameter from elsewhere, breaks a partner that
    /// follows it (`poll --create` does); one added does not.
    fn links(&mut self, at: &str, a: &[Link], b: &[Link]) {
        for la in a {
            let link_at = format!("{at} link {}", la.name);
            match b.iter().find(|l| l.name == la.name) {
                None => self.push(Class::Breaking, Kind::LinkChanged, link_at, "link removed"),
                Some(lb) if lb.operation_id != la.operation_id => self.push(
                    Class::Breaking,
                    Kind::LinkChanged,
                    link_at,
                    format!("leads to {} -> {}", la.operation_id, lb.operation_id),
                ),
                Some(lb) if sorted(&lb.parameters) != sorted(&la.parameters) => {
                    let show = |l: &Link| {
                        l.parameters
                            .iter()
                            .map(|(name, value)| format!("{name} = {value}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    };
                    self.push(
                        Class::Breaking,
                        Kind::LinkChanged,
                        link_at,
                        format!("parameters {} -> {}", show(la), show(lb)),
                    );
                }
                Some(_) => {}
            }
        }
        for lb in b.iter().filter(|l| !a.iter().any(|x| x.name == l.name)) {
            self.push(
                Class::NonBreaking,
                Kind::LinkChanged,
                format!("{at} link {}", lb.name),
                format!("link to {} added", lb.operation_id),
            );
        }
    }

    /// A response's `headers`, as a response body's properties: one removed,
    /// made optional or of another type breaks a partner that reads it; one
    /// required added or made required breaks recorded responses without it;
    /// an optional one added does not. (The linter refuses value constraints
    /// on a header's schema, so there are none to compare.)
    fn response_headers(&mut self, at: &str, a: &[Header], b: &[Header]) {
        let find = |hs: &'_ [Header], name: &str| -> Option<usize> {
            hs.iter().position(|h| h.name.eq_ignore_ascii_case(name))
        };
        for ha in a {
            let header_at = format!("{at} header {}", ha.name);
            let Some(hb) = find(b, &ha.name).map(|i| &b[i]) else {
                self.push(
                    Class::Breaking,
                    Kind::ResponseHeaderChanged,
                    header_at,
                    "header removed",
                );
                continue;
            };
            match (ha.required, hb.required) {
                (false, true) => self.push(
                    Class::Breaking,
                    Kind::ResponseHeaderChanged,
                    &header_at,
                    "made required: responses without it no longer conform",
                ),
                (true, false) => self.push(
                    Class::Breaking,
                    Kind::ResponseHeaderChanged,
                    &header_at,
                    "made optional: partners relying on it may not get it",
                ),
                _ => {}
            }
            let (sa, sb) = (shape(self.old, &ha.ty), shape(self.new, &hb.ty));
            if sa != sb {
                self.push(
                    Class::Breaking,
                    Kind::ResponseHeaderChanged,
                    &header_at,
                    format!("type {} -> {}", show(&sa), show(&sb)),
                );
            }
        }
        for hb in b.iter().filter(|h| find(a, &h.name).is_none()) {
            let (class, what) = if hb.required {
                (
                    Class::Breaking,
                    "required header added: responses without it no longer conform",
                )
            } else {
                (Class::NonBreaking, "optional header added")
            };
            self.push(
                class,
                Kind::ResponseHeaderChanged,
                format!("{at} header {}", hb.name),
                what,
            );
        }
    }

    /// The request direction: what senders may send narrows (breaking) or
    /// widens (non-breaking). The types a body names are compared with the
    /// other types, in each direction they travel ([`Self::in_directions`]).
    fn request_body(&mut self, a: &Operation, b: &Operation) {
        let at = format!("{} request body", a.id);
        let (ra, rb) = match (&a.request_body, &b.request_body) {
            (None, None) => return,
            (None, Some(rb)) => {
                let (class, what) = if rb.required {
                    (Class::Breaking, "required request body added")
                } else {
                    (Class::NonBreaking, "optional request body added")
                };
                self.push(class, Kind::RequestBodyChanged, at, what);
                return;
            }
            (Some(_), None) => {
                self.push(
                    Class::Breaking,
                    Kind::RequestBodyChanged,
                    at,
                    "request body removed: requests that send one no longer conform",
                );
                return;
            }
            (Some(ra), Some(rb)) => (ra, rb),
        };
        match (ra.required, rb.required) {
            (false, true) => self.push(
                Class::Breaking,
                Kind::RequestBodyChanged,
                &at,
                "made required",
            ),
            (true, false) => self.push(
                Class::NonBreaking,
                Kind::RequestBodyChanged,
                &at,
                "made optional",
            ),
            _ => {}
        }
        for ca in &ra.contents {
            let Some(cb) = rb.contents.iter().find(|c| c.media_type == ca.media_type) else {
                self.push(
                    Class::Breaking,
                    Kind::RequestBodyChanged,
                    &at,
                    format!("media type `{}` removed", ca.media_type),
                );
                continue;
            };
            let shape_of = |spec: &Spec, body: &Option<Type>| body.as_ref().map(|t| shape(spec, t));
            let (sa, sb) = (shape_of(self.old, &ca.body), shape_of(self.new, &cb.body));
            if sa != sb {
                self.push(
                    Class::Breaking,
                    Kind::RequestBodyChanged,
                    &at,
                    format!(
                        "`{}` body {} -> {}",
                        ca.media_type,
                        sa.as_ref().map(show).unwrap_or("any".into()),
                        sb.as_ref().map(show).unwrap_or("any".into())
                    ),
                );
            } else if let (Some(ta), Some(tb)) = (&ca.body, &cb.body) {
                let body_at = format!("{at} `{}`", ca.media_type);
                self.for_senders(|d| d.constrained_body(&body_at, ta, tb));
            }
        }
        for cb in rb
            .contents
            .iter()
            .filter(|c| !ra.contents.iter().any(|x| x.media_type == c.media_type))
        {
            self.push(
                Class::NonBreaking,
                Kind::RequestBodyChanged,
                &at,
                format!("media type `{}` added", cb.media_type),
            );
        }
    }

    /// A body of the same shape whose type has constraints (an array's
    /// items'): classed as a property's, in the current direction.
    fn constrained_body(&mut self, at: &str, ta: &Type, tb: &Type) {
        let constrained =
            |spec: &Spec, t: &Type| matches!(t, Type::Named(n) if spec.constrained(n).is_some());
        if !(constrained(self.old, ta) || constrained(self.new, tb)) {
            return;
        }
        if let Some(like) = body_field(self.old, ta).or_else(|| body_field(self.new, tb)) {
            let fa = item_field(self.old, ta, &like);
            let fb = item_field(self.new, tb, &like);
            self.field(at, &fa, &fb);
        }
    }

    /// Runs `compare` classed for senders (a request body's or a
    /// parameter's values), then goes back to the response direction.
    fn for_senders(&mut self, compare: impl FnOnce(&mut Self)) {
        self.direction = Direction::Request;
        compare(self);
        self.direction = Direction::Response;
    }

    /// `deprecated` on an operation or a parameter: documentation for a
    /// partner and a warning when used; the call still works.
    fn deprecation(&mut self, at: &str, a: bool, b: bool) {
        let what = match (a, b) {
            (false, true) => "deprecated",
            (true, false) => "no longer deprecated",
            _ => return,
        };
        self.push(Class::NonBreaking, Kind::DeprecationChanged, at, what);
    }

    fn param(&mut self, at: &str, a: &Param, b: &Param) {
        self.deprecation(at, a.deprecated, b.deprecated);
        match (a.required, b.required) {
            (false, true) => self.push(
                Class::Breaking,
                Kind::ParameterRequirednessChanged,
                at,
                "made required",
            ),
            (true, false) => self.push(
                Class::NonBreaking,
                Kind::ParameterRequirednessChanged,
                at,
                "made optional",
            ),
            _ => {}
        }
        if a.ty != b.ty || a.location != b.location {
            self.push(
                Class::Breaking,
                Kind::ParameterTypeChanged,
                at,
                format!(
                    "{:?} {} -> {:?} {}",
                    a.location,
                    show(&a.ty),
                    b.location,
                    show(&b.ty)
                ),
            );
        } else if a.delimiter != b.delimiter {
            // A sender writing the old serialisation is misread.
            let how = |d: Option<char>| match d {
                None => "one value per item".to_owned(),
                Some(d) => format!("items joined by {d:?}"),
            };
            self.push(
                Class::Breaking,
                Kind::ParameterTypeChanged,
                at,
                format!("serialisation {} -> {}", how(a.delimiter), how(b.delimiter)),
            );
        }
        if a.ty == b.ty && a.location == b.location {
            // The value's constraints (a pattern, bounds, an enum), for senders.
            let fa = crate::validate::text_field(&a.ty, &a.constraints);
            let fb = crate::validate::text_field(&b.ty, &b.constraints);
            self.for_senders(|d| d.field(at, &fa, &fb));
        }
    }
}

/// A link's parameters by name: their order in the spec says nothing.
fn sorted(parameters: &[(String, crate::ir::LinkValue)]) -> Vec<(&String, String)> {
    let mut by_name: Vec<(&String, String)> =
        parameters.iter().map(|(n, v)| (n, v.to_string())).collect();
    by_name.sort();
    by_name
}

/// A `discriminator`'s changes: its values are read by partners as an enum's
/// are, so a new value or one that names another member is breaking.
fn discriminator(
    old: &crate::ir::Composition,
    new: &crate::ir::Composition,
    push: &mut impl FnMut(Effect, String),
) {
    match (&old.discriminator, &new.discriminator) {
        (None, None) => {}
        (None, Some(d)) => push(
            Effect::Narrows,
            format!(
                "`discriminator` `{}` added: every object names its member",
                d.property
            ),
        ),
        (Some(d), None) => push(
            Effect::Widens,
            format!(
                "`discriminator` `{}` dropped: objects may no longer name their member",
                d.property
            ),
        ),
        (Some(o), Some(n)) if o.property != n.property => push(
            Effect::Changes,
            format!(
                "`discriminator` property `{}` -> `{}`: a partner reading the old one finds nothing",
                o.property, n.property
            ),
        ),
        (Some(o), Some(n)) => {
            for (tag, member) in &n.tags {
                match o.tags.get(tag) {
                    None => push(
                        Effect::Widens,
                        format!("`discriminator` value `{tag}` added: partners may not know it"),
                    ),
                    Some(before) if before != member => push(
                        Effect::Changes,
                        format!("`discriminator` value `{tag}` names member {before} -> {member}"),
                    ),
                    Some(_) => {}
                }
            }
            for tag in o.tags.keys().filter(|t| !n.tags.contains_key(*t)) {
                push(
                    Effect::Narrows,
                    format!("`discriminator` value `{tag}` removed: it no longer arrives"),
                );
            }
        }
    }
}
