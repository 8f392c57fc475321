//! OpenAPI document -> IR. Resolves `$ref`s, names inline types, and reads the `x-`
//! extensions. Every problem is collected (never a panic, never a first-error stop).

use std::collections::{BTreeMap, BTreeSet};

use indexmap::IndexMap;
use openapiv3 as oa;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::decimal::Decimal;
use crate::diag::Problem;
use crate::extensions::{self as ext, parse_source};
use crate::ir::*;
use crate::pointer::push;
use crate::registry::RuleId;

pub(crate) mod composition;
mod headers;
mod inherit;
mod links;
mod refs;
mod request;

type Exts = IndexMap<String, Value>;

pub(crate) struct Lowerer<'a> {
    doc: &'a oa::OpenAPI,
    pub types: BTreeMap<String, TypeDef>,
    pub problems: Vec<Problem>,
    /// Anonymous component schemas being lowered, to stop on one that contains itself.
    in_progress: BTreeSet<String>,
    /// The type each component schema resolved to, so that alias chains are walked once.
    resolved: BTreeMap<String, Type>,
    /// Compiled `pattern`s, by pattern text.
    patterns: BTreeMap<String, regex::Regex>,
    /// What a property referencing each component schema takes from it, by name.
    inherited: BTreeMap<String, inherit::Inherited>,
    /// Lowering a parameter's or a header's schema: its array items keep no
    /// constraints (the request check reads a parameter's `pattern` and `enum`).
    in_parameter: bool,
    /// The `oneOf`/`anyOf`/`not` members of each schema read, by pointer.
    compositions: BTreeMap<String, Composition>,
}

const SCHEMA_PREFIX: &str = "#/components/schemas/";

impl<'a> Lowerer<'a> {
    pub(crate) fn new(doc: &'a oa::OpenAPI) -> Self {
        Lowerer {
            doc,
            types: BTreeMap::new(),
            problems: Vec::new(),
            in_progress: BTreeSet::new(),
            resolved: BTreeMap::new(),
            patterns: BTreeMap::new(),
            inherited: BTreeMap::new(),
            in_parameter: false,
            compositions: BTreeMap::new(),
        }
    }

    fn error(&mut self, pointer: &str, rule: RuleId, message: impl Into<String>) {
        self.problems.push(Problem::new(pointer, rule, message));
    }

    /// Reads an extension into its typed form, reporting a malformed one.
    fn ext<T: DeserializeOwned>(&mut self, exts: &Exts, key: &str, at: &str) -> Option<T> {
        let value = exts.get(key)?;
        match serde_json::from_value(value.clone()) {
            Ok(v) => Some(v),
            Err(e) => {
                self.error(
                    &push(at, key),
                    RuleId::LintMalformedExtension,
                    format!("`{key}` is malformed: {e}"),
                );
                None
            }
        }
    }

    fn source(&mut self, exts: &Exts, at: &str) -> Option<Source> {
        self.ext::<String>(exts, "x-source", at)
            .map(|s| parse_source(&s))
    }

    fn flag(&mut self, exts: &Exts, key: &str, at: &str) -> bool {
        self.ext::<bool>(exts, key, at).unwrap_or(false)
    }

    pub(crate) fn lower_spec(
        &mut self,
        file: &str,
        name: &str,
        source_map: crate::source_map::SourceMap,
    ) -> Spec {
        let doc = self.doc;
        let mut security_schemes = BTreeMap::new();
        if let Some(components) = &doc.components {
            for (schema_name, schema) in &components.schemas {
                self.lower_component(schema_name);
                // Read even when no property references it, so that its
                // `pattern` is compiled and checked once.
                if let oa::ReferenceOr::Item(schema) = schema {
                    self.component_constraints(schema_name, schema);
                }
            }
            for (scheme_name, scheme) in &components.security_schemes {
                let at = push("/components/securitySchemes", scheme_name);
                let lowered = match scheme {
                    oa::ReferenceOr::Item(oa::SecurityScheme::HTTP { scheme, .. })
                        if scheme.eq_ignore_ascii_case("bearer") =>
                    {
                        SecurityScheme::Bearer { token_url: None }
                    }
                    oa::ReferenceOr::Item(oa::SecurityScheme::HTTP { scheme, .. })
                        if scheme.eq_ignore_ascii_case("basic") =>
                    {
                        SecurityScheme::Basic
                    }
                    oa::ReferenceOr::Item(oa::SecurityScheme::OAuth2 { flows, .. }) => {
                        self.oauth2(flows, &at)
                    }
                    oa::ReferenceOr::Item(oa::SecurityScheme::APIKey { extensions, .. })
                        if extensions.contains_key("x-signature") =>
                    {
                        match self.ext::<ext::SignatureExt>(extensions, "x-signature", &at) {
                            Some(sig) => self.signature(sig, &at),
                            None => SecurityScheme::Other,
                        }
                    }
                    _ => SecurityScheme::Other,
                };
                security_schemes.insert(scheme_name.clone(), lowered);
            }
        }
        let mut operations = Vec::new();
        for (path, item) in doc.paths.iter() {
            let at = push("/paths", path);
            let oa::ReferenceOr::Item(item) = item else {
                self.error(
                    &at,
                    RuleId::LintUnsupported,
                    "a `$ref` path item is not supported",
                );
                continue;
            };
            // Matching reads the document's servers only: refused rather
            // than read and ignored.
            if !item.servers.is_empty() {
                self.error(
                    &push(&at, "servers"),
                    RuleId::LintUnsupported,
                    "`servers` of a path item are not supported: list them under the document's `servers`",
                );
            }
            for (method, op) in item.iter() {
                if !op.servers.is_empty() {
                    self.error(
                        &push(&push(&at, method), "servers"),
                        RuleId::LintUnsupported,
                        "`servers` of an operation are not supported: list them under the document's `servers`",
                    );
                }
                if let Some(op) =
                    self.lower_operation(path, method, op, &item.parameters, &push(&at, method))
                {
                    operations.push(op);
                }
            }
        }
        operations.sort_by(|a, b| a.id.cmp(&b.id));
        self.check_links(&operations);
        let info_exts = &doc.info.extensions;
        let draft = self.flag(info_exts, "x-draft", "/info");
        let source = self.source(info_exts, "/info");
        Spec {
            file: file.to_owned(),
            name: name.to_owned(),
            title: doc.info.title.clone(),
            version: doc.info.version.clone(),
            description: doc.info.description.clone(),
            draft,
            source,
            servers: doc.servers.iter().map(|s| s.url.clone()).collect(),
            base_paths: self.base_paths(&doc.servers),
            operations,
            types: std::mem::take(&mut self.types),
            security_schemes,
            source_map,
            patterns: std::mem::take(&mut self.patterns),
        }
    }

    /// [`Spec::base_paths`] of `servers`.
    fn base_paths(&mut self, servers: &[oa::Server]) -> Vec<String> {
        /// Server URLs spelt out past this are refused: a matcher that
        /// tries each would be slow, and no API has that many.
        const MAX_BASE_PATHS: usize = 64;
        let mut out: Vec<String> = Vec::new();
        if servers.is_empty() {
            out.push(String::new());
        }
        for (i, server) in servers.iter().enumerate() {
            let at = push(&push("/servers", &i.to_string()), "url");
            let mut urls = vec![server.url.clone()];
            for (name, var) in server.variables.iter().flatten() {
                let values: Vec<&String> = if var.enumeration.is_empty() {
                    vec![&var.default]
                } else {
                    var.enumeration.iter().collect()
                };
                let placeholder = format!("{{{name}}}");
                urls = urls
                    .iter()
                    .flat_map(|u| values.iter().map(|v| u.replace(&placeholder, v)))
                    .collect();
                if urls.len() > MAX_BASE_PATHS {
                    self.error(
                        &at,
                        RuleId::LintUnsupported,
                        format!("the server's variables spell out more than {MAX_BASE_PATHS} URLs"),
                    );
                    return out;
                }
            }
            for url in urls {
                if url.contains('{') {
                    self.error(
                        &at,
                        RuleId::LintUnknownParameter,
                        format!("`{url}` has a variable that `variables` does not define"),
                    );
                    continue;
                }
                let path = server_path(&url).trim_end_matches('/');
                let base = match path {
                    "" => String::new(),
                    p if p.starts_with('/') => p.to_owned(),
                    p => format!("/{p}"),
                };
                if !out.contains(&base) {
                    out.push(base);
                }
            }
        }
        out.sort_by_key(|b| std::cmp::Reverse(b.len()));
        out
    }

    fn signature(&mut self, sig: ext::SignatureExt, at: &str) -> SecurityScheme {
        let at = push(at, "x-signature");
        let checks = [
            ("algorithm", sig.algorithm.as_str(), "hmac-sha256"),
            ("encoding", sig.encoding.as_str(), "hex-lower"),
            (
                "canonical",
                sig.canonical.as_str(),
                "sorted-key-value-concat",
            ),
        ];
        for (key, got, want) in checks {
            if got != want {
                self.error(
                    &push(&at, key),
                    RuleId::LintMalformedExtension,
                    format!("`{key}` must be `{want}` (the only one supported), found `{got}`"),
                );
            }
        }
        let signs_responses = match sig.responses.as_deref() {
            None => false,
            Some("body-field") => true,
            Some(other) => {
                self.error(
                    &push(&at, "responses"),
                    RuleId::LintMalformedExtension,
                    format!("`responses` must be `body-field`, found `{other}`"),
                );
                false
            }
        };
        SecurityScheme::SignedQuery(SignatureScheme {
            parameter: sig.parameter,
            signs_responses,
            source: sig.source.as_deref().map(parse_source),
        })
    }

    /// A schema that becomes a named type when it is an object or a string enum, and
    /// an anonymous type otherwise.
    fn lower_named(&mut self, name: &str, schema: &oa::Schema, at: &str) -> Type {
        if let Some(reference) = single_ref(schema) {
            return self.resolve_ref(reference, &push(&push(at, "allOf"), "0"));
        }
        // Its type is that of its own keywords; [`Self::constraints`] reads
        // the composition.
        if let Some(split) = composition::split(schema) {
            // `type: object` that only restates what every member says is
            // no type of its own: the value is the composition's.
            if self.restates_members(&split) {
                return Type::Any;
            }
            return self.lower_named(name, &split.base, at);
        }
        let data = &schema.schema_data;
        if let Some(obj) = object_type(schema) {
            let model = self.lower_model(name, data, &obj, at);
            self.types.insert(name.to_owned(), TypeDef::Model(model));
            return Type::Named(name.to_owned());
        }
        match &schema.schema_kind {
            oa::SchemaKind::Type(oa::Type::String(s)) if !s.enumeration.is_empty() => {
                let def = self.lower_enum(name, data, s, at);
                self.types.insert(name.to_owned(), TypeDef::Enum(def));
                Type::Named(name.to_owned())
            }
            _ => self.lower_anonymous(name, schema, at),
        }
    }

    fn lower_schema_ref(
        &mut self,
        name_hint: &str,
        schema: &oa::ReferenceOr<Box<oa::Schema>>,
        at: &str,
    ) -> Type {
        match schema {
            oa::ReferenceOr::Reference { reference } => self.resolve_ref(reference, at),
            oa::ReferenceOr::Item(s) => self.lower_named(name_hint, s, at),
        }
    }

    /// Whether a value of `ty` is an array or an object (through constrained
    /// item types), not a scalar or a string enum.
    fn is_compound(&self, ty: &Type) -> bool {
        match ty {
            Type::Array(_) => true,
            Type::Named(n) => match self.types.get(n) {
                Some(TypeDef::Model(_)) => true,
                Some(TypeDef::Constrained(c)) => self.is_compound(&c.field.ty),
                _ => false,
            },
            _ => false,
        }
    }

    fn lower_anonymous(&mut self, name_hint: &str, schema: &oa::Schema, at: &str) -> Type {
        // Object schemas of fields and bodies are named by `lower_named`; only a
        // parameter's schema gets here.
        if object_type(schema).is_some() {
            self.error(
                at,
                RuleId::LintUnsupported,
                "object-typed parameters are not supported by the kit",
            );
            return Type::Any;
        }
        match &schema.schema_kind {
            oa::SchemaKind::Type(oa::Type::String(_)) => Type::String,
            oa::SchemaKind::Type(oa::Type::Integer(_)) => Type::Integer,
            oa::SchemaKind::Type(oa::Type::Number(_)) => Type::Number,
            oa::SchemaKind::Type(oa::Type::Boolean(_)) => Type::Boolean,
            oa::SchemaKind::Type(oa::Type::Array(arr)) => match &arr.items {
                Some(items) => {
                    let hint = singular(name_hint);
                    let iat = push(at, "items");
                    let item = self.lower_schema_ref(&hint, items, &iat);
                    let item = self.constrained_item(&hint, item, items, &iat);
                    Type::Array(Box::new(item))
                }
                None => Type::Array(Box::new(Type::Any)),
            },
            oa::SchemaKind::Any(_) => Type::Any,
            // Composition is refused by the keyword lint (`lint/keywords.rs`),
            // at the keyword; "any value" here is never checked against.
            _ => Type::Any,
        }
    }

    fn lower_model(
        &mut self,
        name: &str,
        data: &oa::SchemaData,
        obj: &oa::ObjectType,
        at: &str,
    ) -> Model {
        let mut fields = Vec::new();
        for (wire_name, prop) in &obj.properties {
            let fat = push(&push(at, "properties"), wire_name);
            let hint = format!("{name}{}", pascal(wire_name));
            let required = obj.required.contains(wire_name);
            fields.push(self.lower_property(wire_name, &hint, prop, required, &fat));
        }
        for required in &obj.required {
            if !obj.properties.contains_key(required) {
                self.error(
                    &push(at, "required"),
                    RuleId::LintUnknownField,
                    format!("`{required}` is required but is not a property of `{name}`"),
                );
            }
        }
        let exts = &data.extensions;
        let mut invariants = Vec::new();
        for (i, inv) in self
            .ext::<Vec<ext::InvariantExt>>(exts, "x-invariants", at)
            .unwrap_or_default()
            .into_iter()
            .enumerate()
        {
            let iat = push(&push(&push(at, "x-invariants"), &i.to_string()), "expr");
            match crate::expr::parse(&inv.expr) {
                Ok(expr) => invariants.push(InvariantDef {
                    id: inv.id,
                    description: inv.description,
                    expr,
                    source: inv.source.as_deref().map(parse_source),
                    pointer: iat,
                }),
                Err(e) => self.problems.push(
                    Problem::new(
                        &iat,
                        RuleId::LintInvariantSyntax,
                        format!("invariant `{}`: {}", inv.id, e.message),
                    )
                    .at_offset(crate::lint::char_offset(&inv.expr, e.offset))
                    .with_help(e.help),
                ),
            }
        }
        let outcome = self
            .ext::<ext::OutcomeExt>(exts, "x-outcome", at)
            .map(|o| OutcomeRule {
                status_field: o.status_field,
                outcome_field: o.outcome_field,
                map: o.map.into_iter().collect(),
                source: o.source.as_deref().map(parse_source),
            });
        let additional = match &obj.additional_properties {
            Some(oa::AdditionalProperties::Any(true)) => Additional::Allowed,
            Some(oa::AdditionalProperties::Any(false)) => Additional::Forbidden,
            // A map: each value is read as a property of that schema would be.
            Some(oa::AdditionalProperties::Schema(values)) => {
                let vat = push(at, "additionalProperties");
                let hint = format!("{name}MapValue");
                let field = self.lower_property("", &hint, &**values, false, &vat);
                Additional::Values(Box::new(field))
            }
            None => Additional::Undocumented,
        };
        Model {
            name: name.to_owned(),
            description: data.description.clone(),
            source: self.source(exts, at),
            fields,
            invariants,
            outcome,
            additional,
            min_properties: obj.min_properties.map(|n| n as u64),
            max_properties: obj.max_properties.map(|n| n as u64),
            pointer: at.to_owned(),
        }
    }

    /// A property's schema (or a map's values, with an empty `wire_name`) as
    /// a field: an inline object or string enum becomes type `hint`; a
    /// `$ref` (or `allOf: [$ref]`) takes the component's constraints.
    fn lower_property(
        &mut self,
        wire_name: &str,
        hint: &str,
        prop: &oa::ReferenceOr<impl std::borrow::Borrow<oa::Schema>>,
        required: bool,
        fat: &str,
    ) -> Field {
        let (ty, schema, reference) = match prop {
            oa::ReferenceOr::Reference { reference } => (
                self.resolve_ref(reference, fat),
                None,
                Some(reference.as_str()),
            ),
            oa::ReferenceOr::Item(s) => {
                let s: &oa::Schema = s.borrow();
                let reference = single_ref(s);
                let ty = match reference {
                    Some(r) => self.resolve_ref(r, &push(&push(fat, "allOf"), "0")),
                    None => self.lower_named(hint, s, fat),
                };
                (ty, Some(s), reference)
            }
        };
        let mut field = self.lower_field(wire_name, ty, schema, required, fat);
        if let Some(found) = reference.and_then(|r| self.inherited(r)) {
            // The property's own schema is a reference (members beside a
            // `$ref` are ignored; beside `allOf: [$ref]` only annotations
            // and `nullable` stand), so the component's constraints are its own.
            field.constraints = found.constraints;
            field.nullable |= found.nullable;
            found.annotations.apply(&mut field);
        }
        field
    }

    fn lower_field(
        &mut self,
        wire_name: &str,
        ty: Type,
        schema: Option<&oa::Schema>,
        required: bool,
        at: &str,
    ) -> Field {
        let empty = Exts::new();
        let (data, constraints) = match schema {
            Some(s) => (Some(&s.schema_data), self.constraints(s, at)),
            None => (None, Constraints::default()),
        };
        let exts = data.map(|d| &d.extensions).unwrap_or(&empty);
        let presence = self
            .ext::<ext::PresenceExt>(exts, "x-presence", at)
            .map(|p| Presence {
                status_field: p.field,
                required_when: p.required_when,
                absent_when: p.absent_when,
                source: p.source.as_deref().map(parse_source),
            });
        let write_only = data.is_some_and(|d| d.write_only);
        let read_only = data.is_some_and(|d| d.read_only);
        Field {
            wire_name: wire_name.to_owned(),
            ty,
            required: required && !write_only,
            deprecated: data.is_some_and(|d| d.deprecated),
            write_only,
            read_only,
            request_required: required && !read_only,
            nullable: data.is_some_and(|d| d.nullable),
            description: data.and_then(|d| d.description.clone()),
            source: self.source(exts, at),
            constraints,
            stable: self.flag(exts, "x-stable", at),
            monotonic: self.flag(exts, "x-monotonic", at),
            presence,
            example: data.and_then(|d| d.example.clone()),
            default: data.and_then(|d| d.default.clone()),
            pointer: at.to_owned(),
        }
    }

    fn constraints(&mut self, schema: &oa::Schema, at: &str) -> Constraints {
        if let Some(split) = composition::split(schema) {
            let mut c = self.constraints(&split.base, at);
            if !self.in_parameter {
                c.composition = Some(Box::new(self.composition(&split, at)));
            }
            return c;
        }
        let mut c = Constraints::default();
        match &schema.schema_kind {
            oa::SchemaKind::Type(oa::Type::String(s)) => {
                c.pattern = s.pattern.clone();
                c.min_length = s.min_length.map(|n| n as u64);
                c.max_length = s.max_length.map(|n| n as u64);
                if let oa::VariantOrUnknownOrEmpty::Unknown(f) = &s.format {
                    c.format = Some(f.clone());
                } else if let oa::VariantOrUnknownOrEmpty::Item(f) = &s.format {
                    c.format = Some(
                        serde_json::to_value(f)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_owned))
                            .unwrap_or_default(),
                    );
                }
                c.allowed = s.enumeration.iter().flatten().cloned().collect();
                self.compile_pattern(&c, at);
            }
            oa::SchemaKind::Type(oa::Type::Number(n)) => {
                // The bound a double holds, as its shortest decimal (the
                // literal, for up to 17 significant digits); the lint refuses
                // one that is not finite and a `multipleOf` that is not positive.
                let exact = |v: Option<f64>| v.and_then(Decimal::from_f64);
                c.number_minimum = exact(n.minimum);
                c.number_maximum = exact(n.maximum);
                c.exclusive_minimum = n.exclusive_minimum && c.number_minimum.is_some();
                c.exclusive_maximum = n.exclusive_maximum && c.number_maximum.is_some();
                c.number_multiple_of = exact(n.multiple_of).filter(|m| *m > Decimal::ZERO);
                c.values = n
                    .enumeration
                    .iter()
                    .flatten()
                    .filter_map(|v| serde_json::Number::from_f64(*v))
                    .map(serde_json::Value::Number)
                    .collect();
                if let oa::VariantOrUnknownOrEmpty::Item(f) = &n.format {
                    c.format = serde_json::to_value(f)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned));
                }
            }
            oa::SchemaKind::Type(oa::Type::Array(a)) => {
                c.min_items = a.min_items.map(|n| n as u64);
                c.max_items = a.max_items.map(|n| n as u64);
                c.unique_items = a.unique_items;
            }
            oa::SchemaKind::Type(oa::Type::Integer(i)) => {
                c.minimum = i.minimum;
                c.maximum = i.maximum;
                // Without their bound the flags say nothing (the lint refuses them).
                c.exclusive_minimum = i.exclusive_minimum && i.minimum.is_some();
                c.exclusive_maximum = i.exclusive_maximum && i.maximum.is_some();
                c.multiple_of = i.multiple_of;
                c.values = i
                    .enumeration
                    .iter()
                    .flatten()
                    .map(|v| (*v).into())
                    .collect();
                c.values_pointer = (!c.values.is_empty()).then(|| at.to_owned());
                if let oa::VariantOrUnknownOrEmpty::Item(f) = &i.format {
                    c.format = serde_json::to_value(f)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned));
                }
            }
            oa::SchemaKind::Type(oa::Type::Boolean(b)) => {
                c.values = b
                    .enumeration
                    .iter()
                    .flatten()
                    .map(|v| (*v).into())
                    .collect();
            }
            // A schema without `type` (and not an object, which is a model):
            // each keyword constrains the values of its own type, as JSON
            // Schema says; numbers (integers too) are bounded exactly.
            oa::SchemaKind::Any(a) => self.typeless_constraints(a, at, &mut c),
            _ => {}
        }
        if let Some(unit) = self.ext::<String>(&schema.schema_data.extensions, "x-unit", at) {
            match Unit::parse(&unit) {
                Some(u) => c.unit = Some(u),
                None => self.error(&push(at, "x-unit"), RuleId::LintMalformedExtension, format!("unknown unit `{unit}` (known: cents, unix-millis, unix-seconds, rfc3339, decimal-major)")),
            }
        }
        c
    }

    /// The constraints of a schema without `type` ([`Self::constraints`]);
    /// the keyword lint refuses what this does not read (`items`, a
    /// non-string `format`).
    fn typeless_constraints(&mut self, a: &oa::AnySchema, at: &str, c: &mut Constraints) {
        c.pattern = a.pattern.clone();
        self.compile_pattern(c, at);
        c.min_length = a.min_length.map(|n| n as u64);
        c.max_length = a.max_length.map(|n| n as u64);
        // Only a string format is read: one of another type says nothing
        // about a string, and the lint warns that it is not checked.
        c.format = a
            .format
            .clone()
            .filter(|f| crate::formats::describe(f).is_some());
        let exact = |v: Option<f64>| v.and_then(Decimal::from_f64);
        c.number_minimum = exact(a.minimum);
        c.number_maximum = exact(a.maximum);
        c.exclusive_minimum = a.exclusive_minimum == Some(true) && c.number_minimum.is_some();
        c.exclusive_maximum = a.exclusive_maximum == Some(true) && c.number_maximum.is_some();
        c.number_multiple_of = exact(a.multiple_of).filter(|m| *m > Decimal::ZERO);
        c.min_items = a.min_items.map(|n| n as u64);
        c.max_items = a.max_items.map(|n| n as u64);
        c.unique_items = a.unique_items == Some(true);
        // Without `type` `null` is a value like any other: listed or not.
        c.values = a.enumeration.clone();
    }

    /// Compiles `c.pattern` once into [`Spec::patterns`].
    fn compile_pattern(&mut self, c: &Constraints, at: &str) {
        if let Some(p) = &c.pattern {
            match regex::Regex::new(p) {
                Ok(re) => {
                    self.patterns.insert(p.clone(), re);
                }
                Err(e) => self.error(
                    &push(at, "pattern"),
                    RuleId::LintBadPattern,
                    format!("pattern does not compile: {e}"),
                ),
            }
        }
    }

    fn lower_enum(
        &mut self,
        name: &str,
        data: &oa::SchemaData,
        s: &oa::StringType,
        at: &str,
    ) -> EnumDef {
        let values: Vec<String> = s.enumeration.iter().flatten().cloned().collect();
        let exts = &data.extensions;
        let machine = self.ext::<ext::StateMachineExt>(exts, "x-state-machine", at).map(|m| StateMachine {
            initial: m.initial,
            final_states: m.final_states.into_iter().collect(),
            transitions: m.transitions.into_iter().collect(),
            corrections: m.corrections.into_iter().collect(),
            timeouts: m
                .timeouts
                .into_iter()
                .enumerate()
                .filter_map(|(i, t)| {
                    let tat = push(&push(&push(at, "x-state-machine"), "timeouts"), &i.to_string());
                    let limit = match (t.after_seconds, t.deadline_field) {
                        (Some(s), None) => TimeoutLimit::AfterSeconds(s),
                        (None, Some(f)) => TimeoutLimit::DeadlineField(f),
                        _ => {
                            self.error(&tat, RuleId::LintMalformedExtension, format!("timeout `{}` needs exactly one of `afterSeconds` and `deadlineField`", t.id));
                            return None;
                        }
                    };
                    Some(Timeout {
                        id: t.id,
                        description: t.description,
                        while_states: t.while_states,
                        limit,
                        becomes: t.becomes,
                        source: t.source.as_deref().map(parse_source),
                    })
                })
                .collect(),
            source: m.source.as_deref().map(parse_source),
        });
        EnumDef {
            name: name.to_owned(),
            description: data.description.clone(),
            source: self.source(exts, at),
            values,
            machine,
            pointer: at.to_owned(),
        }
    }

    fn lower_operation(
        &mut self,
        path: &str,
        method: &str,
        op: &oa::Operation,
        shared_params: &[oa::ReferenceOr<oa::Parameter>],
        at: &str,
    ) -> Option<Operation> {
        let Some(id) = op.operation_id.clone() else {
            self.error(
                at,
                RuleId::LintMissingOperationId,
                "every operation needs an `operationId` (it names the generated items)",
            );
            return None;
        };
        let mut params = Vec::new();
        let all = shared_params
            .iter()
            .enumerate()
            .map(|(i, p)| {
                (
                    p,
                    push(&push(&push("/paths", path), "parameters"), &i.to_string()),
                )
            })
            .chain(
                op.parameters
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (p, push(&push(at, "parameters"), &i.to_string()))),
            );
        // A path item's parameter is placed where the path item lists it.
        for (param, pat) in all {
            // A shared parameter's problems are placed in components.
            let (param, pat) = match param {
                oa::ReferenceOr::Item(param) => (param, pat),
                oa::ReferenceOr::Reference { reference } => {
                    match self.resolve_component::<oa::Parameter>(
                        reference,
                        &pat,
                        &push(at, "parameters"),
                    ) {
                        Some(found) => found,
                        None => continue,
                    }
                }
            };
            let mut query_style = None;
            let (location, data) = match param {
                oa::Parameter::Path { parameter_data, .. } => (ParamLocation::Path, parameter_data),
                oa::Parameter::Query {
                    parameter_data,
                    style,
                    ..
                } => {
                    query_style = Some(style);
                    (ParamLocation::Query, parameter_data)
                }
                oa::Parameter::Header { parameter_data, .. } => {
                    (ParamLocation::Header, parameter_data)
                }
                oa::Parameter::Cookie { .. } => continue,
            };
            // OAS 3.0.3: header parameters named Accept, Content-Type or Authorization
            // SHALL be ignored; the documents list them, the spec keeps them verbatim.
            if location == ParamLocation::Header
                && ["accept", "content-type", "authorization"]
                    .contains(&data.name.to_ascii_lowercase().as_str())
            {
                continue;
            }
            let (ty, constraints) = match &data.format {
                oa::ParameterSchemaOrContent::Schema(oa::ReferenceOr::Item(s)) => {
                    self.in_parameter = true;
                    let ty = self.lower_anonymous(&data.name, s, &pat);
                    self.in_parameter = false;
                    (ty, self.constraints(s, &push(&pat, "schema")))
                }
                oa::ParameterSchemaOrContent::Schema(oa::ReferenceOr::Reference { reference }) => {
                    self.position_ref(reference, &push(&pat, "schema"), "a parameter's schema");
                    (self.resolve_ref(reference, &pat), Constraints::default())
                }
                oa::ParameterSchemaOrContent::Content(_) => (Type::String, Constraints::default()),
            };
            // An array's items are written as texts side by side; items that
            // are arrays or objects have no such text in any style.
            if let Type::Array(item) = &ty
                && self.is_compound(item)
            {
                self.error(
                    &push(&pat, "schema"),
                    RuleId::LintUnsupported,
                    format!(
                        "parameter `{}` is an array of arrays or objects, which no OpenAPI 3.0.3 parameter style writes unambiguously",
                        data.name
                    ),
                );
                continue;
            }
            let delimiter = match (query_style, &ty) {
                (Some(style), Type::Array(_)) => query_delimiter(style, data.explode),
                _ => None,
            };
            params.push(Param {
                delimiter,
                name: data.name.clone(),
                location,
                required: data.required,
                description: data.description.clone(),
                deprecated: data.deprecated.unwrap_or(false),
                ty,
                constraints,
                source: self.source(&data.extensions, &pat),
                example: data.example.clone(),
            });
        }
        let mut responses = Vec::new();
        let rat = push(at, "responses");
        let codes = op
            .responses
            .responses
            .iter()
            .map(|(code, r)| {
                let key = match code {
                    oa::StatusCode::Code(c) => StatusKey::Code(*c),
                    // Any other digit is refused below.
                    oa::StatusCode::Range(d) => StatusKey::Range(u8::try_from(*d).unwrap_or(0)),
                };
                (key, r)
            })
            .collect::<Vec<_>>();
        let default = op
            .responses
            .default
            .as_ref()
            .map(|r| (StatusKey::Default, r));
        for (status, response) in codes.into_iter().chain(default) {
            let at = push(&rat, &status.to_string());
            if let StatusKey::Range(digit) = status
                && !(1..=5).contains(&digit)
            {
                self.error(
                    &at,
                    RuleId::LintUnsupported,
                    format!("`{status}` is not a status range: OpenAPI has `1XX` to `5XX`"),
                );
                continue;
            }
            let (response, at) = match response {
                oa::ReferenceOr::Item(response) => (response, at),
                oa::ReferenceOr::Reference { reference } => {
                    match self.resolve_component::<oa::Response>(reference, &at, &at) {
                        Some(found) => found,
                        None => continue,
                    }
                }
            };
            responses.push(self.lower_response(&id, status, response, &at));
        }
        let request_body = op
            .request_body
            .as_ref()
            .and_then(|body| self.lower_request_body(&id, body, &push(at, "requestBody")));
        let exts = &op.extensions;
        let polling = self
            .ext::<ext::PollingExt>(exts, "x-polling", at)
            .map(|p| Polling {
                interval_seconds: p.interval_seconds,
                description: p.description,
                source: p.source.as_deref().map(parse_source),
            });
        let rate_limit = self
            .ext::<ext::RateLimitExt>(exts, "x-rate-limit", at)
            .map(|r| RateLimit {
                requests: r.requests,
                per_seconds: r.per_seconds,
                key: r.key,
                description: r.description,
                source: r.source.as_deref().map(parse_source),
            });
        let echo = self
            .ext::<Vec<ext::EchoExt>>(exts, "x-echo", at)
            .unwrap_or_default()
            .into_iter()
            .map(|e| Echo {
                parameter: e.parameter,
                pointer: e.pointer,
            })
            .collect();
        let idempotency = self
            .ext::<ext::IdempotencyExt>(exts, "x-idempotency", at)
            .map(|i| Idempotency {
                header: i.header,
                source: i.source.as_deref().map(parse_source),
            });
        let security_requirements: Vec<Vec<String>> = op
            .security
            .as_ref()
            .or(self.doc.security.as_ref())
            .map(|reqs| reqs.iter().map(|r| r.keys().cloned().collect()).collect())
            .unwrap_or_default();
        let security = security_requirements.iter().flatten().cloned().collect();
        Some(Operation {
            id,
            method: method.to_ascii_uppercase(),
            path: path.to_owned(),
            summary: op.summary.clone(),
            description: op.description.clone(),
            deprecated: op.deprecated,
            source: self.source(exts, at),
            params,
            responses,
            request_body,
            polling,
            rate_limit,
            resource_key: self.ext(exts, "x-resource-key", at).unwrap_or_default(),
            one_of_params: self
                .ext(exts, "x-one-of-parameters", at)
                .unwrap_or_default(),
            echo,
            idempotency,
            security,
            security_requirements,
            pointer: at.to_owned(),
        })
    }

    fn lower_response(
        &mut self,
        op_id: &str,
        status: StatusKey,
        response: &oa::Response,
        at: &str,
    ) -> Response {
        let mut content_type = None;
        let mut body = None;
        let mut examples = Vec::new();
        if let Some((media, content)) = response
            .content
            .iter()
            .find(|(m, _)| m.starts_with("application/json"))
            .or_else(|| response.content.first())
        {
            let cat = push(&push(at, "content"), media);
            content_type = Some(media.clone());
            if let Some(schema) = &content.schema {
                let hint = match status {
                    StatusKey::Code(code) => format!("{}Response{code}", pascal(op_id)),
                    StatusKey::Range(digit) => format!("{}Response{digit}xx", pascal(op_id)),
                    StatusKey::Default => format!("{}Response", pascal(op_id)),
                };
                let sat = push(&cat, "schema");
                let ty = match schema {
                    oa::ReferenceOr::Reference { reference } => self.resolve_ref(reference, &sat),
                    oa::ReferenceOr::Item(s) => self.lower_named(&hint, s, &sat),
                };
                body = Some(self.constrained_body(&hint, ty, schema, &sat));
            }
            examples = self.lower_examples(content, &cat);
        }
        let headers = self.lower_headers(&response.headers, at);
        Response {
            status,
            description: response.description.clone(),
            content_type,
            body,
            examples,
            headers,
            source: self.source(&response.extensions, at),
            links: self.lower_links(&response.links, at),
        }
    }

    /// A media type's `example` (named `example`), then its `examples`;
    /// `cat` is the media type's pointer.
    pub(super) fn lower_examples(&mut self, content: &oa::MediaType, cat: &str) -> Vec<Example> {
        let mut examples = Vec::new();
        if let Some(value) = &content.example {
            examples.push(Example {
                name: "example".into(),
                summary: None,
                value: value.clone(),
                expected_violations: Vec::new(),
                source: None,
                pointer: push(cat, "example"),
            });
        }
        for (name, example) in &content.examples {
            let eat = push(&push(cat, "examples"), name);
            // A shared example's problems are placed in components.
            let (example, eat) = match example {
                oa::ReferenceOr::Item(example) => (example, eat),
                oa::ReferenceOr::Reference { reference } => {
                    match self.resolve_component::<oa::Example>(reference, &eat, &eat) {
                        Some(found) => found,
                        None => continue,
                    }
                }
            };
            let Some(value) = &example.value else {
                continue;
            };
            examples.push(Example {
                name: name.clone(),
                summary: example.summary.clone(),
                value: value.clone(),
                expected_violations: self
                    .ext(&example.extensions, "x-expected-violations", &eat)
                    .unwrap_or_default(),
                source: self.source(&example.extensions, &eat),
                pointer: push(&eat, "value"),
            });
        }
        examples
    }
}

/// The one `$ref` of `allOf: [{$ref: ...}]`, the OAS 3.0.3 way to put
/// `nullable` (or a description) on a reference: that schema is the referenced
/// one. The keyword lint refuses every other `allOf`.
pub(crate) fn single_ref(schema: &oa::Schema) -> Option<&str> {
    match &schema.schema_kind {
        oa::SchemaKind::AllOf { all_of } => match all_of.as_slice() {
            [oa::ReferenceOr::Reference { reference }] => Some(reference),
            _ => None,
        },
        _ => None,
    }
}

/// The object a schema describes: `type: object`, or no `type` but object
/// keywords (`properties`...) and no composition, as the keyword lint reads it
/// (`schema_keywords::is_typeless_object`).
impl Lowerer<'_> {
    /// Whether the schema of `split` is a bare `type: object` (no properties,
    /// `required`, map, property counts or extension of the kit's) beside a
    /// `oneOf` or `anyOf` whose members are all objects: that `type` says
    /// nothing the members do not, so the value is typed by the composition
    /// (an enum in generated code, not an empty struct that drops the data).
    fn restates_members(&self, split: &composition::Split) -> bool {
        let Some(obj) = object_type(&split.base) else {
            return false;
        };
        let bare = obj.properties.is_empty()
            && obj.required.is_empty()
            && obj.additional_properties.is_none()
            && obj.min_properties.is_none()
            && obj.max_properties.is_none()
            && !(split.base.schema_data.extensions.keys())
                .any(|k| crate::extensions::extension(k).is_some());
        let members = split.members();
        bare && !members.is_empty() && members.iter().all(|m| self.is_object_member(m))
    }

    /// Whether a member is an object schema, inline or a component's.
    fn is_object_member(&self, member: &oa::ReferenceOr<oa::Schema>) -> bool {
        match member {
            oa::ReferenceOr::Item(s) => object_type(s).is_some(),
            oa::ReferenceOr::Reference { reference } => reference
                .strip_prefix(SCHEMA_PREFIX)
                .and_then(|name| self.doc.components.as_ref()?.schemas.get(name))
                .is_some_and(|s| matches!(s, oa::ReferenceOr::Item(s) if object_type(s).is_some())),
        }
    }
}

pub(crate) fn object_type(schema: &oa::Schema) -> Option<std::borrow::Cow<'_, oa::ObjectType>> {
    use std::borrow::Cow;
    match &schema.schema_kind {
        oa::SchemaKind::Type(oa::Type::Object(obj)) => Some(Cow::Borrowed(obj)),
        oa::SchemaKind::Any(any)
            if any.typ.is_none()
                && any.one_of.is_empty()
                && any.all_of.is_empty()
                && any.any_of.is_empty()
                && any.not.is_none()
                && (!any.properties.is_empty()
                    || !any.required.is_empty()
                    || any.additional_properties.is_some()
                    || any.min_properties.is_some()
                    || any.max_properties.is_some()) =>
        {
            Some(Cow::Owned(oa::ObjectType {
                properties: any.properties.clone(),
                required: any.required.clone(),
                additional_properties: any.additional_properties.clone(),
                min_properties: any.min_properties,
                max_properties: any.max_properties,
            }))
        }
        _ => None,
    }
}

/// `lineItems` -> `LineItems`, `result.code` -> `ResultCode`.
/// The delimiter an array query parameter's items are joined by, for its
/// `style` and `explode` (OpenAPI 3.0.3: `explode` defaults to `true` for
/// `form` only); `None` when each item repeats the key. `deepObject` is
/// refused by the linter.
fn query_delimiter(style: &oa::QueryStyle, explode: Option<bool>) -> Option<char> {
    let explode = explode.unwrap_or(matches!(style, oa::QueryStyle::Form));
    match (style, explode) {
        (_, true) => None,
        (oa::QueryStyle::Form, false) => Some(','),
        (oa::QueryStyle::SpaceDelimited, false) => Some(' '),
        (oa::QueryStyle::PipeDelimited, false) => Some('|'),
        (oa::QueryStyle::DeepObject, false) => None,
    }
}

pub(crate) fn pascal(s: &str) -> String {
    let mut out = String::new();
    let mut upper = true;
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            if upper {
                out.extend(c.to_uppercase());
            } else {
                out.push(c);
            }
            upper = false;
        } else {
            upper = true;
        }
    }
    out
}

/// Item type name for an array field: `LineItems` -> `LineItem`.
fn singular(s: &str) -> String {
    if let Some(stem) = s.strip_suffix("ies") {
        format!("{stem}y")
    } else if let Some(stem) = s.strip_suffix('s').filter(|stem| !stem.ends_with('s')) {
        stem.to_owned()
    } else {
        format!("{s}Item")
    }
}

/// The path of a server URL, absolute or relative to where the spec is
/// served (then all of it is the path), without its query. The host,
/// whatever it is, is not matched.
fn server_path(url: &str) -> &str {
    let before_query = url.split(['?', '#']).next().unwrap_or_default();
    fn after_host(rest: &str) -> &str {
        rest.find('/').map_or("", |i| &rest[i..])
    }
    match before_query.split_once("://") {
        Some((_, after_scheme)) => after_host(after_scheme),
        None => match before_query.strip_prefix("//") {
            Some(authority_and_path) => after_host(authority_and_path),
            None => before_query,
        },
    }
}
