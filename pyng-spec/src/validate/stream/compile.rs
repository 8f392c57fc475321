//! The IR prepared for streaming: named types resolved to indices once, and per
//! model the values its own rules read at the end of an instance.

use std::collections::BTreeMap;

use super::want::Want;
use crate::ir::{EnumDef, Field, Model, Spec, Type, TypeDef};
use crate::validate::order::{self, Phase};

/// A resolved [`Type`].
#[derive(Debug, Clone)]
pub(super) enum CType {
    /// No constraint (also a name the spec does not define, which the DOM
    /// validator does not check either).
    Any,
    String,
    Integer,
    Number,
    Boolean,
    Array(Box<CType>),
    Model(usize),
    Enum(usize),
    /// An array's items with constraints: the type they constrain, and the
    /// index of their field in [`Schema::constrained`]. A [`super::visit`]
    /// node reads it as that type with that field.
    Constrained(Box<CType>, usize),
}

#[derive(Debug)]
pub(super) struct CModel {
    pub model: Model,
    /// Aligned with `model.fields`.
    pub types: Vec<CType>,
    /// The type of a map's values (`model.map_values()`).
    pub map_values: Option<CType>,
    /// What `x-presence`, `x-outcome` and `x-invariants` read, if any of them
    /// is declared.
    pub local: Option<Want>,
    /// The model's rules in report order.
    pub phases: Vec<Phase>,
}

impl CModel {
    /// The index of the field named `key`.
    pub(super) fn field(&self, key: &str) -> Option<usize> {
        self.model.fields.iter().position(|f| f.wire_name == key)
    }
}

/// A spec compiled for [`Schema::validate`]; build it once per spec.
#[derive(Debug)]
pub struct Schema {
    pub(super) models: Vec<CModel>,
    pub(super) enums: Vec<EnumDef>,
    pub(super) patterns: BTreeMap<String, regex::Regex>,
    /// The field (type, constraints, `nullable`) of each constrained type.
    pub(super) constrained: Vec<Field>,
    /// Looked up for every body checked.
    names: foldhash::HashMap<String, CType>,
    /// The index in `constrained` of each constrained type, by name.
    constrained_names: foldhash::HashMap<String, usize>,
    /// The spec, kept when a schema has `oneOf`, `anyOf` or `not`: a value
    /// is tried against their members by the DOM validator.
    pub(super) composed: Option<Box<Spec>>,
}

impl Schema {
    /// Compiles every model and enum of `spec`.
    pub fn new(spec: &Spec) -> Schema {
        let mut names = foldhash::HashMap::default();
        let mut constrained = Vec::new();
        let mut constrained_names = foldhash::HashMap::default();
        let (mut nm, mut ne) = (0, 0);
        for (name, def) in &spec.types {
            let t = match def {
                TypeDef::Constrained(c) => {
                    constrained_names.insert(name.clone(), constrained.len());
                    constrained.push(c.field.clone());
                    continue;
                }
                TypeDef::Model(_) => {
                    nm += 1;
                    CType::Model(nm - 1)
                }
                TypeDef::Enum(_) => {
                    ne += 1;
                    CType::Enum(ne - 1)
                }
            };
            names.insert(name.clone(), t);
        }
        let mut schema = Schema {
            models: Vec::with_capacity(nm),
            enums: Vec::with_capacity(ne),
            patterns: spec.patterns.clone(),
            constrained,
            names,
            constrained_names,
            composed: has_composition(spec).then(|| Box::new(spec.clone())),
        };
        // Same iteration order as above, so the indices line up.
        for def in spec.types.values() {
            match def {
                TypeDef::Model(m) => {
                    let types = m.fields.iter().map(|f| schema.resolve(&f.ty)).collect();
                    let map_values = m.map_values().map(|f| schema.resolve(&f.ty));
                    schema.models.push(CModel {
                        model: m.clone(),
                        types,
                        map_values,
                        local: local_want(m),
                        phases: order::phases(m).collect(),
                    });
                }
                TypeDef::Enum(e) => schema.enums.push(e.clone()),
                TypeDef::Constrained(_) => {}
            }
        }
        schema
    }

    /// Resolves a body type of the spec.
    pub(super) fn resolve(&self, ty: &Type) -> CType {
        match ty {
            Type::Any => CType::Any,
            Type::String => CType::String,
            Type::Integer => CType::Integer,
            Type::Number => CType::Number,
            Type::Boolean => CType::Boolean,
            Type::Array(item) => CType::Array(Box::new(self.resolve(item))),
            Type::Named(n) => match self.constrained_names.get(n) {
                // Built from the schema inside it, so never itself: finite.
                Some(&i) => CType::Constrained(Box::new(self.resolve(&self.constrained[i].ty)), i),
                None => self.names.get(n).cloned().unwrap_or(CType::Any),
            },
        }
    }
}

fn local_want(m: &Model) -> Option<Want> {
    let mut w = Want::default();
    let mut any = false;
    for f in &m.fields {
        if let Some(p) = &f.presence {
            w.add_pointer(&crate::pointer::push("", &p.status_field));
            any = true;
        }
    }
    if let Some(o) = &m.outcome {
        w.add_pointer(&crate::pointer::push("", &o.status_field));
        w.add_pointer(&crate::pointer::push("", &o.outcome_field));
        any = true;
    }
    for inv in &m.invariants {
        for r in inv.expr.field_refs() {
            w.add_path(&r.path.segments, !r.sum_array);
        }
        any = true;
    }
    any.then_some(w)
}

/// Whether any schema of `spec` has `oneOf`, `anyOf` or `not`.
fn has_composition(spec: &Spec) -> bool {
    let composed = |f: &Field| f.constraints.composition.is_some();
    spec.types.values().any(|def| match def {
        TypeDef::Model(m) => m.fields.iter().chain(m.map_values()).any(composed),
        TypeDef::Constrained(c) => composed(&c.field),
        TypeDef::Enum(_) => false,
    })
}
