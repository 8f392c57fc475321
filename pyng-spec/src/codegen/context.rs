//! Names and facts computed once per spec and shared by the emitters.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::GenerateError;
use super::integer_enums::IntegerEnumNames;
use super::names::{self, Scope};
use crate::ir::{Composition, EnumDef, Field, Model, Spec, Type, TypeDef};

/// Type names the support items use; a schema with one of these names is an error.
pub const SUPPORT_NAMES: &[&str] = &[
    "Violation",
    "UnknownValue",
    "ResponseError",
    "HeaderError",
    "Amount",
    "Overflow",
    "Number",
    "NumberError",
    "UnknownInteger",
];

pub(super) struct Context<'a> {
    pub spec: &'a Spec,
    type_names: BTreeMap<String, String>,
    /// Per model, the Rust field names in field order.
    field_names: BTreeMap<String, Vec<String>>,
    /// Per map model, the Rust name of the field holding the map's entries.
    map_names: BTreeMap<String, String>,
    /// Per enum, the Rust variant names in value order, and the catch-all's name.
    variant_names: BTreeMap<String, (Vec<String>, String)>,
    /// Models whose `check()` can report something (rules of their own or below).
    checked: BTreeSet<String>,
    /// (model, field) pairs that need a `Box` to break a cycle of direct fields.
    boxed: BTreeSet<(String, String)>,
    /// Per composition pointer, the Rust enum generated for it
    /// ([`super::unions`]).
    unions: BTreeMap<String, UnionNames<'a>>,
    /// Per integer `enum`'s pointer, the Rust enum generated for it
    /// ([`super::integer_enums`]).
    integer_enums: BTreeMap<String, IntegerEnumNames>,
}

/// The Rust names of the enum generated for a `oneOf`/`anyOf`.
pub(super) struct UnionNames<'a> {
    pub composition: &'a Composition,
    /// The enum's name.
    pub name: String,
    /// Per member (of `oneOf`, else `anyOf`), its variant's name.
    pub variants: Vec<String>,
    /// The catch-all variant of a discriminated union.
    pub unknown: Option<String>,
}

impl<'a> Context<'a> {
    pub(super) fn new(spec: &'a Spec) -> Result<Self, GenerateError> {
        let mut types = Scope::with_reserved(SUPPORT_NAMES);
        let mut type_names = BTreeMap::new();
        // A constrained items type is the type it constrains in Rust: no name.
        let named = spec
            .types
            .iter()
            .filter(|(_, def)| !matches!(def, TypeDef::Constrained(_)));
        for (name, _) in named {
            let wanted = names::camel(name);
            if SUPPORT_NAMES.contains(&wanted.as_str()) {
                return Err(error_at(
                    spec,
                    &pointer_of(spec, name),
                    format!(
                        "schema `{name}` would be named `{wanted}`, which the generated support code uses; rename the schema"
                    ),
                ));
            }
            type_names.insert(name.clone(), types.claim(&wanted));
        }
        let mut field_names = BTreeMap::new();
        let mut map_names = BTreeMap::new();
        let mut variant_names = BTreeMap::new();
        for (name, def) in &spec.types {
            match def {
                TypeDef::Model(m) => {
                    let mut scope = Scope::default();
                    let fields = m
                        .fields
                        .iter()
                        .map(|f| scope.claim(&names::snake(&f.wire_name)))
                        .collect();
                    field_names.insert(name.clone(), fields);
                    if m.map_values().is_some() {
                        map_names.insert(name.clone(), scope.claim("additional_properties"));
                    }
                }
                TypeDef::Enum(e) => {
                    let mut scope = Scope::with_reserved(&["Unknown"]);
                    let variants = e
                        .values
                        .iter()
                        .map(|v| scope.claim(&names::camel(v)))
                        .collect();
                    variant_names.insert(name.clone(), (variants, "Unknown".to_owned()));
                }
                TypeDef::Constrained(_) => {}
            }
        }
        let mut cx = Context {
            spec,
            type_names,
            field_names,
            map_names,
            variant_names,
            checked: BTreeSet::new(),
            boxed: BTreeSet::new(),
            unions: BTreeMap::new(),
            integer_enums: BTreeMap::new(),
        };
        cx.unions = super::unions::names(&cx, &mut types);
        cx.integer_enums = super::integer_enums::names(&cx, &mut types);
        cx.checked = cx.compute_checked();
        cx.boxed = cx.compute_boxed();
        Ok(cx)
    }

    pub(super) fn models(&self) -> impl Iterator<Item = &'a Model> {
        self.spec.types.values().filter_map(|t| match t {
            TypeDef::Model(m) => Some(m),
            TypeDef::Enum(_) | TypeDef::Constrained(_) => None,
        })
    }

    pub(super) fn enums(&self) -> impl Iterator<Item = &'a EnumDef> {
        self.spec.types.values().filter_map(|t| match t {
            TypeDef::Enum(e) => Some(e),
            TypeDef::Model(_) | TypeDef::Constrained(_) => None,
        })
    }

    /// Every field whose value `check()` may read: the models' properties
    /// and map values, and the constrained array items'.
    pub(super) fn value_fields(&self) -> impl Iterator<Item = &'a Field> {
        self.spec.types.values().flat_map(|t| match t {
            TypeDef::Model(m) => m.fields.iter().chain(m.map_values()).collect::<Vec<_>>(),
            TypeDef::Constrained(c) => vec![&c.field],
            TypeDef::Enum(_) => Vec::new(),
        })
    }

    /// The JSON body types of the responses of `op` whose rules no model's
    /// `check()` reaches (a body that is an array whose items have
    /// constraints): `Response::check()` checks them.
    pub(super) fn unreached_bodies(&self, op: &'a crate::ir::Operation) -> Vec<&'a Type> {
        op.responses
            .iter()
            .filter(|r| {
                r.content_type
                    .as_deref()
                    .is_some_and(|c| c.contains("json"))
            })
            .filter_map(|r| r.body.as_ref())
            .filter(|ty| !matches!(ty, Type::Named(n) if self.spec.model(n).is_some()))
            .filter(|ty| self.type_is_checked(ty))
            .collect()
    }

    pub(super) fn has_models(&self) -> bool {
        self.models().next().is_some()
    }

    pub(super) fn has_enums(&self) -> bool {
        self.enums().next().is_some()
    }

    /// Whether any generated type, parameter or body holds a `type: number`
    /// value, which the support type `Number` holds exactly.
    pub(super) fn uses_number(&self) -> bool {
        let composed = |f: &Field| {
            f.constraints.composition.as_deref().is_some_and(|c| {
                c.one_of
                    .iter()
                    .chain(&c.any_of)
                    .chain(&c.not)
                    .any(mentions_number)
            })
        };
        let fields = self
            .value_fields()
            .any(|f| mentions_number(&f.ty) || composed(f));
        let operations = self.spec.operations.iter().any(|op| {
            op.params.iter().any(|p| mentions_number(&p.ty))
                || op
                    .responses
                    .iter()
                    .filter_map(|r| r.body.as_ref())
                    .any(mentions_number)
                || op
                    .request_body
                    .iter()
                    .flat_map(|b| &b.contents)
                    .filter_map(|c| c.body.as_ref())
                    .any(mentions_number)
        });
        fields || operations
    }

    pub(super) fn has_invariants(&self) -> bool {
        self.models().any(|m| !m.invariants.is_empty())
    }

    pub(super) fn type_ident(&self, name: &str) -> Ident {
        let n = self
            .type_names
            .get(name)
            .map(String::as_str)
            .unwrap_or(name);
        names::ident(n)
    }

    pub(super) fn field_ident(&self, model: &Model, index: usize) -> Ident {
        let n = self
            .field_names
            .get(&model.name)
            .and_then(|f| f.get(index))
            .map(String::as_str)
            .unwrap_or("value");
        names::ident(n)
    }

    /// The Rust name of the field holding a map model's entries.
    pub(super) fn map_ident(&self, model: &Model) -> Ident {
        let n = self
            .map_names
            .get(&model.name)
            .map(String::as_str)
            .unwrap_or("additional_properties");
        names::ident(n)
    }

    /// The Rust type of a map's values: the schema's, an `Option` when nullable.
    pub(super) fn map_value_type(&self, values: &Field) -> TokenStream {
        let ty = self.value_type_in(values, &quote!());
        if values.nullable {
            quote!(Option<#ty>)
        } else {
            ty
        }
    }

    /// The field and its Rust name, by wire name.
    pub(super) fn field(&self, model: &'a Model, wire: &str) -> Option<(&'a Field, Ident)> {
        let i = model.fields.iter().position(|f| f.wire_name == wire)?;
        Some((&model.fields[i], self.field_ident(model, i)))
    }

    pub(super) fn variant_idents(&self, e: &EnumDef) -> (Vec<Ident>, Ident) {
        match self.variant_names.get(&e.name) {
            Some((vs, unknown)) => (
                vs.iter().map(|v| names::ident(v)).collect(),
                names::ident(unknown),
            ),
            None => (Vec::new(), names::ident("Unknown")),
        }
    }

    pub(super) fn model_of(&self, ty: &Type) -> Option<&'a Model> {
        match ty {
            Type::Named(n) => self.spec.model(n),
            _ => None,
        }
    }

    /// Whether `check()` on this model can report anything.
    pub(super) fn is_checked(&self, model: &str) -> bool {
        self.checked.contains(model)
    }

    /// Whether a value of `field`'s schema has rules inside it: its type's,
    /// or those of the enum its composition is generated as.
    pub(super) fn field_is_checked(&self, field: &Field) -> bool {
        self.has_checked_union(field) || self.type_is_checked(&field.ty)
    }

    /// Whether `field`'s own value has rules `check()` evaluates: its value
    /// rules, or composition keywords judged beside its type.
    pub(super) fn has_own_rules(&self, field: &Field) -> bool {
        super::checks::has_value_rules(field) || super::composed::rules(self, field).is_some()
    }

    /// Whether `field` is an enum generated for a `oneOf`/`anyOf` (whose
    /// `check()` judges the members, [`super::unions`]).
    fn has_checked_union(&self, field: &Field) -> bool {
        self.union_of(field).is_some()
    }

    /// Whether a value of this type contains a model whose check can report.
    pub(super) fn type_is_checked(&self, ty: &Type) -> bool {
        match ty {
            Type::Named(n) if let Some(c) = self.spec.constrained(n) => {
                self.has_own_rules(&c.field) || self.field_is_checked(&c.field)
            }
            Type::Named(n) => self.is_checked(n),
            Type::Array(inner) => self.type_is_checked(inner),
            _ => false,
        }
    }

    /// The Rust type of a field (without the `Option` for optional fields).
    pub(super) fn rust_type(&self, ty: &Type) -> TokenStream {
        self.rust_type_in(ty, &quote!())
    }

    /// [`Self::rust_type`] with named types behind `prefix` (`super::` from an
    /// operation module).
    pub(super) fn rust_type_in(&self, ty: &Type, prefix: &TokenStream) -> TokenStream {
        match ty {
            Type::String => quote!(String),
            Type::Integer => quote!(i64),
            Type::Number => quote!(#prefix Number),
            Type::Boolean => quote!(bool),
            Type::Any => quote!(::serde_json::Value),
            Type::Named(n) if let Some(c) = self.spec.constrained(n) => {
                let inner = self.value_type_in(&c.field, prefix);
                if c.field.nullable {
                    quote!(Option<#inner>)
                } else {
                    inner
                }
            }
            Type::Named(n) => {
                let id = self.type_ident(n);
                quote!(#prefix #id)
            }
            Type::Array(inner) => {
                let inner = self.rust_type_in(inner, prefix);
                quote!(Vec<#inner>)
            }
        }
    }

    /// The Rust type of a value with `field`'s schema: the enum generated
    /// for its `oneOf`/`anyOf`, else its type's.
    pub(super) fn value_type_in(&self, field: &Field, prefix: &TokenStream) -> TokenStream {
        if let Some(u) = self.union_of(field) {
            let id = names::ident(&u.name);
            return quote!(#prefix #id);
        }
        if let Some(e) = self.integer_enum_of(field) {
            let id = names::ident(&e.name);
            return quote!(#prefix #id);
        }
        self.rust_type_in(&field.ty, prefix)
    }

    /// The enum generated for `field`'s integer `enum`.
    pub(super) fn integer_enum_of(&self, field: &Field) -> Option<&IntegerEnumNames> {
        super::integer_enums::is_integer_enum(field)
            .then(|| self.integer_enums.get(super::integer_enums::key(field)))
            .flatten()
    }

    pub(super) fn integer_enums(&self) -> impl Iterator<Item = &IntegerEnumNames> {
        self.integer_enums.values()
    }

    /// The enum generated for the `oneOf`/`anyOf` of `field`, if any.
    pub(super) fn union_of(&self, field: &Field) -> Option<&UnionNames<'a>> {
        let c = super::unions::composition_of(field)?;
        self.unions.get(&c.pointer)
    }

    /// Every enum generated for a `oneOf`/`anyOf`, by pointer.
    pub(super) fn unions(&self) -> impl Iterator<Item = &UnionNames<'a>> {
        self.unions.values()
    }

    pub(super) fn field_type(&self, model: &Model, field: &Field) -> TokenStream {
        let mut ty = self.value_type_in(field, &quote!());
        if self
            .boxed
            .contains(&(model.name.clone(), field.wire_name.clone()))
        {
            ty = quote!(Box<#ty>);
        }
        if is_option(field) {
            ty = quote!(Option<#ty>);
        }
        if is_double_option(field) {
            ty = quote!(Option<#ty>);
        }
        ty
    }

    pub(super) fn error(&self, pointer: &str, message: String) -> GenerateError {
        error_at(self.spec, pointer, message)
    }

    fn compute_checked(&self) -> BTreeSet<String> {
        let mut checked: BTreeSet<String> = self
            .models()
            .filter(|m| {
                !m.invariants.is_empty()
                    || m.outcome.is_some()
                    || m.fields.iter().any(|f| f.presence.is_some())
                    || m.fields.iter().any(|f| self.has_own_rules(f))
                    || m.fields.iter().any(|f| f.deprecated || f.write_only)
                    || m.map_values().is_some_and(|f| self.has_own_rules(f))
                    || m.fields
                        .iter()
                        .chain(m.map_values())
                        .any(|f| self.has_checked_union(f))
            })
            .map(|m| m.name.clone())
            .collect();
        // Propagate to every model that contains a checked one, until stable.
        loop {
            let before = checked.len();
            for m in self.models() {
                if m.fields
                    .iter()
                    .chain(m.map_values())
                    .any(|f| self.contains_checked(&f.ty, &checked))
                {
                    checked.insert(m.name.clone());
                }
            }
            if checked.len() == before {
                return checked;
            }
        }
    }

    /// Whether a value of `ty` holds one of the `checked` models, or array
    /// items with rules of their own.
    fn contains_checked(&self, ty: &Type, checked: &BTreeSet<String>) -> bool {
        match ty {
            Type::Named(n) if let Some(c) = self.spec.constrained(n) => {
                self.has_own_rules(&c.field)
                    || self.has_checked_union(&c.field)
                    || self.contains_checked(&c.field.ty, checked)
            }
            Type::Named(n) => checked.contains(n),
            Type::Array(inner) => self.contains_checked(inner, checked),
            _ => false,
        }
    }

    /// A direct (non-`Vec`) field whose model leads back to the field's own model
    /// would make an infinitely sized type; those fields are boxed.
    fn compute_boxed(&self) -> BTreeSet<(String, String)> {
        let mut boxed = BTreeSet::new();
        for m in self.models() {
            for f in &m.fields {
                let targets = self.direct_models(f);
                if targets.iter().any(|t| self.reaches_directly(t, &m.name)) {
                    boxed.insert((m.name.clone(), f.wire_name.clone()));
                }
            }
        }
        boxed
    }

    /// The models a value with `field`'s schema holds in place (not behind a
    /// `Vec`): its own model, or the members of the enum generated for it.
    fn direct_models(&self, field: &'a Field) -> Vec<String> {
        let mut out = Vec::new();
        let mut seen = BTreeSet::new();
        let mut todo = vec![field];
        while let Some(f) = todo.pop() {
            if !seen.insert(f.pointer.clone()) {
                continue;
            }
            let members = super::unions::composition_of(f)
                .filter(|_| self.union_of(f).is_some())
                .map(|c| c.discriminated().1.iter().collect())
                .unwrap_or_else(|| vec![&f.ty]);
            for ty in members {
                match ty {
                    Type::Named(n) if let Some(c) = self.spec.constrained(n) => todo.push(&c.field),
                    Type::Named(n) if self.spec.model(n).is_some() => out.push(n.clone()),
                    _ => {}
                }
            }
        }
        out
    }

    fn reaches_directly(&self, from: &str, to: &str) -> bool {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from.to_owned()];
        while let Some(name) = todo.pop() {
            if name == to {
                return true;
            }
            if !seen.insert(name.clone()) {
                continue;
            }
            if let Some(m) = self.spec.model(&name) {
                for f in &m.fields {
                    todo.extend(self.direct_models(f));
                }
            }
        }
        false
    }
}

/// Whether a field is an `Option` in Rust: optional, or nullable.
/// Whether `ty` is `type: number` or an array of them.
fn mentions_number(ty: &Type) -> bool {
    match ty {
        Type::Number => true,
        Type::Array(inner) => mentions_number(inner),
        _ => false,
    }
}

pub(super) fn is_option(field: &Field) -> bool {
    !field.required || field.nullable
}

/// Whether a field is an `Option<Option<_>>`: optional and nullable, so that
/// absent (`None`) and `null` (`Some(None)`) stay apart on a round trip. A
/// field without `type` keeps its `null` as `Some(Value::Null)` instead.
pub(super) fn is_double_option(field: &Field) -> bool {
    !field.required && field.nullable && !super::support::keeps_null(field)
}

/// The value of `Option` field `field` read by `expr`, as an `Option<&T>`:
/// `None` when absent or `null`.
pub(super) fn present_ref(field: &Field, expr: TokenStream) -> TokenStream {
    if is_double_option(field) {
        quote!(#expr.as_ref().and_then(Option::as_ref))
    } else {
        quote!(#expr.as_ref())
    }
}

/// Whether `Option` field `field` (read by `expr`) holds a value (not
/// absent, not `null`).
pub(super) fn is_present(field: &Field, expr: TokenStream) -> TokenStream {
    if is_double_option(field) {
        quote!(matches!(#expr, Some(Some(_))))
    } else {
        quote!(#expr.is_some())
    }
}

/// Whether `Option` field `field` (read by `expr`) is absent or `null`.
pub(super) fn is_absent(field: &Field, expr: TokenStream) -> TokenStream {
    if is_double_option(field) {
        quote!(!matches!(#expr, Some(Some(_))))
    } else {
        quote!(#expr.is_none())
    }
}

/// What `if let Some(v) = ...` matches to bind a reference to the value of
/// `Option` field `field` read by `expr`.
pub(super) fn ref_target(field: &Field, expr: TokenStream) -> TokenStream {
    if is_double_option(field) {
        present_ref(field, expr)
    } else {
        quote!(&#expr)
    }
}

fn pointer_of(spec: &Spec, name: &str) -> String {
    match spec.types.get(name) {
        Some(TypeDef::Model(m)) => m.pointer.clone(),
        Some(TypeDef::Enum(e)) => e.pointer.clone(),
        Some(TypeDef::Constrained(c)) => c.field.pointer.clone(),
        None => String::new(),
    }
}

fn error_at(spec: &Spec, pointer: &str, message: String) -> GenerateError {
    let (file, pos) = spec.source_map.locate(pointer, false);
    GenerateError {
        file: file.unwrap_or(&spec.file).to_owned(),
        line: pos.line,
        column: pos.column,
        message,
    }
}
