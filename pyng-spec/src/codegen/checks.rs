//! `check()`: the per-value rules of a model, compiled to Rust. Mirrors
//! `pyng_spec::validate::validate` rule for rule (same rule ids, same RFC 6901
//! pointers relative to the value checked), for the categories a typed value can
//! still break: conditional presence, status/outcome, amount invariants, string
//! lengths, array item counts, integer and number bounds, `multipleOf` and
//! `int32` range. Types, required
//! fields and the int64 range are enforced by deserialization itself; a
//! `pattern` is not checked by the generated code (it would need a regex engine
//! in the models' dependencies).

use proc_macro2::TokenStream;
use quote::quote;

use super::GenerateError;
use super::context::{
    Context, is_absent, is_double_option, is_option, is_present, present_ref, ref_target,
};
use super::invariants;
use crate::decimal::Decimal;
use crate::ir::{Field, Model, OutcomeRule, Presence, Type};
use crate::registry::{Message, RuleId, messages};
use crate::validate::order::{self, FieldRule, Phase};

pub(super) fn check_impl(cx: &Context, m: &Model) -> Result<TokenStream, GenerateError> {
    let ident = cx.type_ident(&m.name);
    if !cx.is_checked(&m.name) {
        return Ok(quote! {
            impl #ident {
                /// Checks the spec's per-value rules. This schema and the schemas it
                /// contains carry none, so the result is always empty.
                pub fn check(&self) -> Vec<Violation> {
                    Vec::new()
                }
            }
        });
    }
    let mut stmts = Vec::new();
    let mut methods = Vec::new();
    // In the report order the interpreter uses; schema rules (required,
    // undocumented, the value's type) are deserialization's.
    for phase in order::phases(m) {
        match phase {
            Phase::Field { index, rule } => {
                let Some(f) = m.fields.get(index) else {
                    continue;
                };
                match (rule, &f.presence) {
                    (FieldRule::Value, _) => {
                        stmts.extend(value_rules(cx, m, f, index));
                        stmts.extend(composed_rules(cx, m, f, index));
                        if cx.field_is_checked(f) {
                            stmts.push(field_check(cx, m, f, index));
                        }
                    }
                    (FieldRule::Presence, Some(p)) => stmts.push(presence(cx, m, f, index, p)?),
                    (FieldRule::Presence, None) => {}
                    (FieldRule::Marked, _) => stmts.push(marked(cx, m, f, index)),
                }
            }
            Phase::Undocumented => stmts.extend(map_values(cx, m)),
            Phase::Outcome => {
                if let Some(rule) = &m.outcome {
                    stmts.push(outcome(cx, m, rule)?);
                }
            }
            Phase::Invariant(i) => {
                if let Some(inv) = m.invariants.get(i) {
                    let compiled = invariants::invariant(cx, m, inv, i)?;
                    stmts.push(compiled.call);
                    methods.push(compiled.method);
                }
            }
        }
    }
    Ok(quote! {
        impl #ident {
            /// Checks the spec's per-value rules (amount invariants, status/outcome,
            /// conditional presence, string lengths, integer bounds) on this value
            /// and every value it contains.
            /// Pointers are RFC 6901, relative to `self`; rule ids are those of the
            /// spec and of `pyng_spec::validate`.
            pub fn check(&self) -> Vec<Violation> {
                let mut out = Vec::new();
                self.check_at("", &mut out);
                out
            }

            fn check_at(&self, at: &str, out: &mut Vec<Violation>) {
                #(#stmts)*
            }

            #(#methods)*
        }
    })
}

/// `Response::check()` of operation `op` (its module `module`), when a
/// response body has rules no model's `check()` reaches (an array whose items
/// have constraints). Emitted beside the module, where `Violation`, the
/// support modules and the models' `check_at` are in scope.
pub(super) fn response_check(
    cx: &Context,
    op: &crate::ir::Operation,
    module: &proc_macro2::Ident,
) -> Option<TokenStream> {
    if cx.unreached_bodies(op).is_empty() {
        return None;
    }
    let mut arms = Vec::new();
    for r in &op.responses {
        let Some(ty) = r.body.as_ref() else { continue };
        if !cx.unreached_bodies(op).contains(&ty) {
            continue;
        }
        let v = quote::format_ident!("{}", super::operations::status_variant(r.status));
        let inner = child(cx, ty, &quote!(v), &quote!(&p), 0);
        let pattern = match r.status {
            crate::ir::StatusKey::Code(_) => quote!(#module::Response::#v(v)),
            _ => quote!(#module::Response::#v { body: v, .. }),
        };
        arms.push(quote!(#pattern => {
            let p = String::new();
            #inner
        }));
    }
    let rest = (arms.len() < op.responses.len()).then(|| quote!(_ => {}));
    Some(quote! {
        impl #module::Response {
            /// Checks the spec's per-value rules on the body (the constraints
            /// of an array's items, and each model's `check()`). Pointers are
            /// RFC 6901 into the body.
            pub fn check(&self) -> Vec<Violation> {
                let mut found = Vec::new();
                let out = &mut found;
                match self {
                    #(#arms)*
                    #rest
                }
                found
            }
        }
    })
}

/// Whether field `f`'s own value has rules `check()` evaluates (beside those of
/// the models inside it): a string's lengths, an array's item counts, an
/// integer's bounds, `multipleOf` and `int32` range.
pub(super) fn has_value_rules(f: &Field) -> bool {
    let c = &f.constraints;
    if !c.values.is_empty() && matches!(f.ty, Type::Integer | Type::Number | Type::Boolean) {
        return true;
    }
    match f.ty {
        Type::String => {
            c.min_length.is_some() || c.max_length.is_some() || f.checked_format().is_some()
        }
        Type::Array(_) => c.min_items.is_some() || c.max_items.is_some() || c.unique_items,
        Type::Number => c.format.as_deref() == Some("float") || has_number_bounds(f),
        Type::Any => {
            c.min_length.is_some()
                || c.max_length.is_some()
                || f.checked_format().is_some()
                || has_number_bounds(f)
                || c.min_items.is_some()
                || c.max_items.is_some()
                || c.unique_items
                || !c.values.is_empty()
        }
        Type::Integer => {
            c.minimum.is_some()
                || c.maximum.is_some()
                || c.multiple_of.is_some()
                || c.format.as_deref() == Some("int32")
        }
        _ => false,
    }
}

/// Whether number field `f` has a `minimum`, `maximum` or `multipleOf`
/// (checked through the generated module's copy of [`crate::decimal`]).
pub(super) fn has_number_bounds(f: &Field) -> bool {
    let c = &f.constraints;
    matches!(f.ty, Type::Number | Type::Any)
        && (c.number_minimum.is_some()
            || c.number_maximum.is_some()
            || c.number_multiple_of.is_some())
}

/// `decimal::Decimal` with the value of `d`, as the generated code writes it.
fn decimal_literal(d: Decimal) -> TokenStream {
    let (negative, mantissa, exponent) = d.parts();
    quote!(decimal::Decimal::from_parts(#negative, #mantissa, #exponent))
}

/// The exact bounds of a number field, on the decimal its `Number` holds
/// (the one the validators read).
fn number_bounds(f: &Field, ptr: &str) -> Vec<TokenStream> {
    let c = &f.constraints;
    let mut checks = Vec::new();
    if let Some(min) = c.number_minimum {
        let shown = min.to_string();
        let bound = decimal_literal(min);
        checks.push(if c.exclusive_minimum {
            let push = violation(ptr, messages::EXCLUSIVE_MINIMUM, &[("minimum", &shown)]);
            quote!(if value <= #bound { #push })
        } else {
            let push = violation(ptr, messages::MINIMUM, &[("minimum", &shown)]);
            quote!(if value < #bound { #push })
        });
    }
    if let Some(max) = c.number_maximum {
        let shown = max.to_string();
        let bound = decimal_literal(max);
        checks.push(if c.exclusive_maximum {
            let push = violation(ptr, messages::EXCLUSIVE_MAXIMUM, &[("maximum", &shown)]);
            quote!(if value >= #bound { #push })
        } else {
            let push = violation(ptr, messages::MAXIMUM, &[("maximum", &shown)]);
            quote!(if value > #bound { #push })
        });
    }
    if let Some(m) = c.number_multiple_of {
        let push = violation(
            ptr,
            messages::MULTIPLE_OF,
            &[("multiple_of", &m.to_string())],
        );
        let step = decimal_literal(m);
        checks.push(quote!(if !value.is_multiple_of(#step) { #push }));
    }
    checks
}

/// `schema.enum` of an integer, number or boolean field: the value the model
/// holds against the listed values. A number compares exactly, as the
/// validators compare them ([`crate::json_equality`]).
fn listed(f: &Field, ptr: &str) -> Option<TokenStream> {
    let c = &f.constraints;
    if c.values.is_empty() {
        return None;
    }
    let literals: Vec<TokenStream> = match f.ty {
        Type::Integer => c
            .values
            .iter()
            .filter_map(serde_json::Value::as_i64)
            .map(|v| quote!(#v))
            .collect(),
        Type::Number => c
            .values
            .iter()
            .filter_map(|v| v.as_number().and_then(crate::validate::exact_number))
            .map(|d| {
                let d = decimal_literal(d);
                quote!(Number(#d))
            })
            .collect(),
        Type::Boolean => c
            .values
            .iter()
            .filter_map(serde_json::Value::as_bool)
            .map(|v| quote!(#v))
            .collect(),
        _ => return None,
    };
    let shown = c
        .values
        .iter()
        .map(|v| format!("`{}`", crate::validate::shown_value(v)))
        .collect::<Vec<_>>()
        .join(", ");
    let push = violation(ptr, messages::NOT_ALLOWED, &[("allowed", &shown)]);
    Some(quote!(if ![#(#literals),*].contains(&value) { #push }))
}

/// `schema.deprecated`/`schema.write-only` of field `index` when it has a value.
fn marked(cx: &Context, m: &Model, f: &Field, index: usize) -> TokenStream {
    let id = cx.field_ident(m, index);
    let known = [
        ("property", f.wire_name.as_str()),
        ("model", m.name.as_str()),
    ];
    let ptr = &ptr_fmt("at", &f.wire_name);
    let mut pushes = Vec::new();
    if f.deprecated {
        pushes.push(violation(ptr, messages::DEPRECATED, &known));
    }
    if f.write_only {
        pushes.push(violation(ptr, messages::WRITE_ONLY, &known));
    }
    if is_option(f) {
        let present = is_present(f, quote!(self.#id));
        quote!(if #present { #(#pushes)* })
    } else {
        quote!(#(#pushes)*)
    }
}

/// A `Violation` of `message` at the pointer the `format!` string `ptr`
/// makes, its text a `format!` of the template with `known` holes filled now
/// and the others read from variables.
pub(super) fn violation(ptr: &str, message: Message, known: &[(&str, &str)]) -> TokenStream {
    let rule = message.rule.name();
    let text = message.template.format_string(known);
    quote! {
        out.push(Violation {
            rule: #rule,
            pointer: format!(#ptr),
            message: format!(#text),
        });
    }
}

/// The rules on field `index`'s own value, as `validate/rules.rs` has them:
/// a string's `minLength`/`maxLength` in Unicode code points; an array's
/// `minItems`/`maxItems`; an integer's
/// `minimum`/`maximum` (exclusive or not), `multipleOf` and `int32` range.
fn value_rules(cx: &Context, m: &Model, f: &Field, index: usize) -> Option<TokenStream> {
    let (binding, body, by_reference) = value_checks(f, &ptr_fmt("at", &f.wire_name))?;
    let id = cx.field_ident(m, index);
    let target = ref_target(f, quote!(self.#id));
    Some(match (by_reference, is_option(f)) {
        (true, true) => quote!(if let Some(#binding) = #target { #body }),
        (true, false) => quote!({ let #binding = &self.#id; #body }),
        (false, true) if is_double_option(f) => {
            quote!(if let Some(&#binding) = #target { #body })
        }
        (false, true) => quote!(if let Some(#binding) = self.#id { #body }),
        (false, false) => quote!({ let #binding = self.#id; #body }),
    })
}

/// The composition keywords of field `index` that `check()` judges beside
/// its type ([`super::composed`]), when it has a value.
fn composed_rules(cx: &Context, m: &Model, f: &Field, index: usize) -> Option<TokenStream> {
    let id = cx.field_ident(m, index);
    let ptr = ptr_fmt("at", &f.wire_name);
    let checks = super::composed::checks(cx, f, &quote!(v), &ptr)?;
    Some(if is_option(f) {
        let target = ref_target(f, quote!(self.#id));
        quote!(if let Some(v) = #target { #checks })
    } else {
        quote!({ let v = &self.#id; #checks })
    })
}

/// The checks of [`value_rules`] on the value of a field with `f`'s schema,
/// reported at the pointer the `format!` string `ptr` makes: the binding they
/// read (`v`, a reference, or `value`, a copy), the checks, and whether the
/// binding is a reference.
fn value_checks(f: &Field, ptr: &str) -> Option<(TokenStream, TokenStream, bool)> {
    if !has_value_rules(f) {
        return None;
    }
    if f.ty == Type::Any {
        return Some((quote!(v), typeless_checks(f, ptr), true));
    }
    let c = &f.constraints;
    let mut checks = Vec::new();
    let (binding, setup) = match f.ty {
        Type::String => {
            if let Some(min) = c.min_length {
                let push = violation(
                    ptr,
                    messages::MIN_LENGTH,
                    &[("min_length", &min.to_string())],
                );
                checks.push(quote!(if length < #min { #push }));
            }
            if let Some(max) = c.max_length {
                let push = violation(
                    ptr,
                    messages::MAX_LENGTH,
                    &[("max_length", &max.to_string())],
                );
                checks.push(quote!(if length > #max { #push }));
            }
            if let Some(format) = f.checked_format() {
                let expected = crate::formats::describe(format).unwrap_or_default();
                let push = violation(
                    ptr,
                    messages::STRING_FORMAT,
                    &[("format", format), ("expected", expected)],
                );
                checks.push(quote!(if formats::matches(#format, v) == Some(false) { #push }));
            }
            let count = (c.min_length.is_some() || c.max_length.is_some())
                .then(|| quote!(let length = v.chars().count() as u64;));
            (quote!(v), quote!(#count))
        }
        Type::Array(_) => {
            if let Some(min) = c.min_items {
                let push = violation(ptr, messages::MIN_ITEMS, &[("min_items", &min.to_string())]);
                checks.push(quote!(if count < #min { #push }));
            }
            if let Some(max) = c.max_items {
                let push = violation(ptr, messages::MAX_ITEMS, &[("max_items", &max.to_string())]);
                checks.push(quote!(if count > #max { #push }));
            }
            if c.unique_items {
                // The items as JSON, as the model serializes them (a model
                // item holds its documented properties only).
                let push = violation(ptr, messages::UNIQUE_ITEMS, &[]);
                checks.push(quote! {
                    let items: Vec<::serde_json::Value> = v
                        .iter()
                        .map(|item| ::serde_json::to_value(item).unwrap_or(::serde_json::Value::Null))
                        .collect();
                    if let Some((first, second)) = json_equality::first_duplicate(&items) { #push }
                });
            }
            let count = (c.min_items.is_some() || c.max_items.is_some())
                .then(|| quote!(let count = v.len() as u64;));
            (quote!(v), quote!(#count))
        }
        Type::Number => {
            if c.format.as_deref() == Some("float") {
                let push = violation(ptr, messages::FLOAT_RANGE, &[]);
                checks.push(quote!(if value.to_f64().abs() > f64::from(f32::MAX) { #push }));
            }
            let exact = number_bounds(f, ptr);
            if !exact.is_empty() {
                checks.push(quote! {
                    {
                        let value: decimal::Decimal = value.0;
                        #(#exact)*
                    }
                });
            }
            checks.extend(listed(f, ptr));
            (quote!(value), quote!())
        }
        Type::Boolean => {
            checks.extend(listed(f, ptr));
            (quote!(value), quote!())
        }
        _ => {
            if let Some(min) = c.minimum {
                let known = [("minimum", min.to_string())];
                let known: Vec<(&str, &str)> =
                    known.iter().map(|(k, v)| (*k, v.as_str())).collect();
                checks.push(if c.exclusive_minimum {
                    let push = violation(ptr, messages::EXCLUSIVE_MINIMUM, &known);
                    quote!(if value <= #min { #push })
                } else {
                    let push = violation(ptr, messages::MINIMUM, &known);
                    quote!(if value < #min { #push })
                });
            }
            if let Some(max) = c.maximum {
                let known = [("maximum", max.to_string())];
                let known: Vec<(&str, &str)> =
                    known.iter().map(|(k, v)| (*k, v.as_str())).collect();
                checks.push(if c.exclusive_maximum {
                    let push = violation(ptr, messages::EXCLUSIVE_MAXIMUM, &known);
                    quote!(if value >= #max { #push })
                } else {
                    let push = violation(ptr, messages::MAXIMUM, &known);
                    quote!(if value > #max { #push })
                });
            }
            if let Some(multiple) = c.multiple_of {
                let push = violation(
                    ptr,
                    messages::MULTIPLE_OF,
                    &[("multiple_of", &multiple.to_string())],
                );
                checks.push(
                    quote!(if value.checked_rem(#multiple).is_some_and(|r| r != 0) { #push }),
                );
            }
            if c.format.as_deref() == Some("int32") {
                let push = violation(ptr, messages::INT32_RANGE, &[]);
                checks.push(quote!(if i32::try_from(value).is_err() { #push }));
            }
            checks.extend(listed(f, ptr));
            // An integer `enum` is its Rust enum; the rules read the integer.
            let setup = super::integer_enums::is_integer_enum(f)
                .then(|| quote!(let value: i64 = value.value();));
            (quote!(value), quote!(#setup))
        }
    };
    let body = quote!(#setup #(#checks)*);
    let by_reference = matches!(f.ty, Type::String | Type::Array(_));
    Some((binding, body, by_reference))
}

/// The checks of a `serde_json::Value` `v` whose schema has no `type`: each
/// keyword on the values of its own type, then `enum` by JSON equality, in
/// the order of `validate/rules.rs`'s `typeless`.
fn typeless_checks(f: &Field, ptr: &str) -> TokenStream {
    let c = &f.constraints;
    let as_type = |ty: Type| {
        let mut typed = f.clone();
        typed.ty = ty;
        typed.constraints.values.clear();
        typed
    };
    let mut checks = Vec::new();
    if let Some((_, body, _)) = value_checks(&as_type(Type::String), ptr) {
        checks.push(quote!(if let ::serde_json::Value::String(v) = v { #body }));
    }
    let bounds = number_bounds(f, ptr);
    if !bounds.is_empty() {
        // Exact as the validators read a number: an integer within 64 bits
        // as itself, any other as its double's shortest decimal.
        checks.push(quote! {
            if let ::serde_json::Value::Number(n) = v {
                let exact = match (n.as_i64(), n.as_u64()) {
                    (Some(i), _) => Some(decimal::Decimal::from_i128(i128::from(i))),
                    (None, Some(u)) => Some(decimal::Decimal::from_i128(i128::from(u))),
                    (None, None) => n.as_f64().and_then(decimal::Decimal::from_f64),
                };
                if let Some(value) = exact { #(#bounds)* }
            }
        });
    }
    if let Some((_, body, _)) = value_checks(&as_type(Type::Array(Box::new(Type::Any))), ptr) {
        checks.push(quote!(if let ::serde_json::Value::Array(v) = v { #body }));
    }
    if !c.values.is_empty() {
        let keys: Vec<String> = c
            .values
            .iter()
            .map(crate::json_equality::canonical)
            .collect();
        let shown = c
            .values
            .iter()
            .map(|v| format!("`{}`", crate::validate::shown_value(v)))
            .collect::<Vec<_>>()
            .join(", ");
        let push = violation(ptr, messages::NOT_ALLOWED, &[("allowed", &shown)]);
        checks.push(quote! {
            if ![#(#keys),*].contains(&json_equality::canonical(v).as_str()) {
                let value = match v {
                    ::serde_json::Value::Number(n) if n.is_f64() => {
                        n.as_f64().map(|f| f.to_string()).unwrap_or_default()
                    }
                    _ => v.to_string(),
                };
                #push
            }
        });
    }
    quote!(#(#checks)*)
}

/// The rules of a map model's values, each at its key's pointer, as
/// [`value_rules`] and [`field_check`] have them for a property.
fn map_values(cx: &Context, m: &Model) -> Option<TokenStream> {
    let values = m.map_values()?;
    let own = value_checks(values, "{p}").map(|(binding, body, by_reference)| {
        if by_reference {
            quote!({ let #binding = v; #body })
        } else {
            quote!({ let #binding = *v; #body })
        }
    });
    let composed = super::composed::checks(cx, values, &quote!(v), "{p}");
    let inner = cx
        .field_is_checked(values)
        .then(|| child(cx, &values.ty, &quote!(v), &quote!(&p), 0));
    if own.is_none() && composed.is_none() && inner.is_none() {
        return None;
    }
    let id = cx.map_ident(m);
    let body = if values.nullable {
        quote!(if let Some(v) = v { #own #composed #inner })
    } else {
        quote!(#own #composed #inner)
    };
    Some(quote! {
        for (key, v) in &self.#id {
            let p = format!("{at}/{}", key.replace('~', "~0").replace('/', "~1"));
            #body
        }
    })
}

/// The rules inside the value of field `index` (a model, or an array of them).
fn field_check(cx: &Context, m: &Model, f: &Field, index: usize) -> TokenStream {
    let id = cx.field_ident(m, index);
    let ptr = ptr_fmt("at", &f.wire_name);
    let inner = child(cx, &f.ty, &quote!(v), &quote!(&p), 0);
    if is_option(f) {
        let target = ref_target(f, quote!(self.#id));
        quote! {
            if let Some(v) = #target {
                let p = format!(#ptr);
                #inner
            }
        }
    } else {
        quote! {
            {
                let v = &self.#id;
                let p = format!(#ptr);
                #inner
            }
        }
    }
}

/// The rules of a value `v` (a reference) of type `ty` at pointer `p` (a
/// `String`), pushed to `out`.
pub(super) fn child_check(
    cx: &Context,
    ty: &Type,
    v: &TokenStream,
    p: &TokenStream,
) -> TokenStream {
    child(cx, ty, v, p, 0)
}

/// Recursion into a contained value `v` (a reference) at pointer `p` (a String).
fn child(cx: &Context, ty: &Type, v: &TokenStream, p: &TokenStream, depth: usize) -> TokenStream {
    match ty {
        // Array items with constraints: their own rules, as a property's,
        // then the rules inside them; a nullable item is an `Option`.
        Type::Named(n) if let Some(c) = cx.spec.constrained(n) => {
            let x = quote::format_ident!("x{depth}");
            let ptr = format!("{{{}}}", name_of(p));
            let own = value_checks(&c.field, &ptr).map(|(binding, body, by_reference)| {
                if by_reference {
                    quote!({ let #binding = #x; #body })
                } else {
                    quote!({ let #binding = *#x; #body })
                }
            });
            let composed = super::composed::checks(cx, &c.field, &quote!(#x), &ptr);
            let inner = cx
                .field_is_checked(&c.field)
                .then(|| child(cx, &c.field.ty, &quote!(#x), p, depth + 1));
            if c.field.nullable {
                quote!(if let Some(#x) = #v { #own #composed #inner })
            } else {
                quote!({ let #x = #v; #own #composed #inner })
            }
        }
        Type::Array(inner) => {
            let i = quote::format_ident!("i{depth}");
            let item = quote::format_ident!("item{depth}");
            let ip = quote::format_ident!("p{depth}");
            let fmt = format!("{{{p_name}}}/{{{i}}}", p_name = name_of(p));
            let inner = child(cx, inner, &quote!(#item), &quote!(&#ip), depth + 1);
            quote! {
                for (#i, #item) in #v.iter().enumerate() {
                    let #ip = format!(#fmt);
                    #inner
                }
            }
        }
        _ => quote!(#v.check_at(#p, out);),
    }
}

/// `&p` -> `p`: the identifier inside a borrowed pointer expression.
fn name_of(p: &TokenStream) -> String {
    p.to_string().trim_start_matches('&').trim().to_owned()
}

/// An enum or string field read as `&str`; `(expr, is_option)`.
fn str_access(cx: &Context, m: &Model, wire: &str) -> Result<(TokenStream, bool), GenerateError> {
    let Some((f, id)) = cx.field(m, wire) else {
        return Err(cx.error(
            &m.pointer,
            format!("`{}` names no field of `{}`", wire, m.name),
        ));
    };
    let opt = is_option(f);
    let present = present_ref(f, quote!(self.#id));
    match (&f.ty, opt) {
        (Type::Named(n), true) if cx.spec.enum_def(n).is_some() => {
            let e = cx.type_ident(n);
            Ok((quote!(#present.map(#e::as_str)), true))
        }
        (Type::Named(n), false) if cx.spec.enum_def(n).is_some() => {
            Ok((quote!(self.#id.as_str()), false))
        }
        (Type::String, true) if is_double_option(f) => {
            Ok((quote!(#present.map(String::as_str)), true))
        }
        (Type::String, true) => Ok((quote!(self.#id.as_deref()), true)),
        (Type::String, false) => Ok((quote!(self.#id.as_str()), false)),
        _ => Err(cx.error(
            &f.pointer,
            format!(
                "`{}` of `{}` is used as a status but is not a string or string enum",
                wire, m.name
            ),
        )),
    }
}

/// `let name = expr; body` or `if let Some(name) = expr { body }`.
fn bind(name: &str, (expr, opt): (TokenStream, bool), body: TokenStream) -> TokenStream {
    let name = quote::format_ident!("{name}");
    if opt {
        quote!(if let Some(#name) = #expr { #body })
    } else {
        quote!({ let #name = #expr; #body })
    }
}

fn presence(
    cx: &Context,
    m: &Model,
    f: &Field,
    index: usize,
    p: &Presence,
) -> Result<TokenStream, GenerateError> {
    let id = cx.field_ident(m, index);
    let ptr = ptr_fmt("at", &f.wire_name);
    let mut checks = Vec::new();
    let rule = RuleId::StateConditionalPresence.name();
    let violation = |message: Message| {
        let message = message.template.format_string(&[
            ("property", &f.wire_name),
            ("status_field", &p.status_field),
        ]);
        quote! {
            out.push(Violation {
                rule: #rule,
                pointer: format!(#ptr),
                message: format!(#message),
            });
        }
    };
    // A required, non-nullable field is always present once deserialized.
    if !p.required_when.is_empty() && is_option(f) {
        let values = &p.required_when;
        let push = violation(messages::MUST_BE_PRESENT);
        let absent = is_absent(f, quote!(self.#id));
        checks.push(quote!(if #absent && matches!(status, #(#values)|*) { #push }));
    }
    if !p.absent_when.is_empty() {
        let values = &p.absent_when;
        let push = violation(messages::MUST_BE_ABSENT);
        let present = is_present(f, quote!(self.#id));
        checks.push(if is_option(f) {
            quote!(if #present && matches!(status, #(#values)|*) { #push })
        } else {
            quote!(if matches!(status, #(#values)|*) { #push })
        });
    }
    if checks.is_empty() {
        return Ok(quote!());
    }
    Ok(bind(
        "status",
        str_access(cx, m, &p.status_field)?,
        quote!(#(#checks)*),
    ))
}

fn outcome(cx: &Context, m: &Model, rule: &OutcomeRule) -> Result<TokenStream, GenerateError> {
    let ptr = ptr_fmt("at", &rule.outcome_field);
    let known = [
        ("outcome_field", rule.outcome_field.as_str()),
        ("status_field", rule.status_field.as_str()),
    ];
    let not_final = messages::OUTCOME_BEFORE_FINAL
        .template
        .format_string(&known);
    let mismatch = messages::OUTCOME_MISMATCH.template.format_string(&known);
    let id = RuleId::StateStatusOutcome.name();
    let push_not_final = quote! {
        out.push(Violation {
            rule: #id,
            pointer: format!(#ptr),
            message: format!(#not_final),
        })
    };
    let body = if rule.map.is_empty() {
        quote!(#push_not_final;)
    } else {
        let (statuses, outcomes): (Vec<_>, Vec<_>) = rule.map.iter().unzip();
        quote! {
            let expected = match status {
                #(#statuses => Some(#outcomes),)*
                _ => None,
            };
            match expected {
                None => #push_not_final,
                Some(expected) if expected != outcome => out.push(Violation {
                    rule: #id,
                    pointer: format!(#ptr),
                    message: format!(#mismatch),
                }),
                Some(_) => {}
            }
        }
    };
    let inner = bind("outcome", str_access(cx, m, &rule.outcome_field)?, body);
    Ok(bind(
        "status",
        str_access(cx, m, &rule.status_field)?,
        inner,
    ))
}

/// Escapes text for use inside a `format!` string literal.
pub(super) fn fmt_lit(s: &str) -> String {
    s.replace('{', "{{").replace('}', "}}")
}

/// A `format!` string for the pointer `{base}/<wire>`, with `wire` escaped for
/// RFC 6901 and for `format!`.
pub(super) fn ptr_fmt(base: &str, wire: &str) -> String {
    format!("{{{base}}}/{}", fmt_lit(&crate::pointer::escape(wire)))
}
