//! The one table of the OpenAPI 3.0.3 Schema Object's fields and what the kit
//! does with each: enforced (with the rules that do it), an annotation with
//! nothing to check, or refused by the linter (`lint.unsupported`, naming the
//! keyword at its file:line:col). There is no third state: a keyword the kit
//! would read and ignore is refused. `specs/README.md` § Supported OpenAPI 3.0.3
//! prints this table, and a test holds the two equal.

use crate::registry::RuleId;

/// A JSON type a schema keyword applies to (the values of `type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JsonType {
    /// `type: string`.
    String,
    /// `type: integer`.
    Integer,
    /// `type: number`.
    Number,
    /// `type: boolean`.
    Boolean,
    /// `type: array`.
    Array,
    /// `type: object`.
    Object,
}

impl JsonType {
    /// The type `type: <name>` names; `None` for a name OpenAPI 3.0.3 does not have.
    pub fn parse(name: &str) -> Option<JsonType> {
        Some(match name {
            "string" => JsonType::String,
            "integer" => JsonType::Integer,
            "number" => JsonType::Number,
            "boolean" => JsonType::Boolean,
            "array" => JsonType::Array,
            "object" => JsonType::Object,
            _ => return None,
        })
    }

    /// The `type` value naming this type.
    pub fn as_str(self) -> &'static str {
        match self {
            JsonType::String => "string",
            JsonType::Integer => "integer",
            JsonType::Number => "number",
            JsonType::Boolean => "boolean",
            JsonType::Array => "array",
            JsonType::Object => "object",
        }
    }
}

/// What the kit does with a keyword.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Support {
    /// Checked, by these rules, where [`Keyword::applies_to`] allows it.
    Enforced {
        /// The rules that enforce it.
        rules: &'static [RuleId],
    },
    /// Documentation only: there is nothing in a body to check.
    Annotation,
    /// `lint.unsupported`, unless it has the value that means "no constraint"
    /// ([`Keyword::inert`]).
    Refused,
}

/// The schemas where a keyword is read. The IR keeps value constraints on a
/// property (and a parameter), on an array's items and on a request or
/// response body; a component's are the constraints of every property,
/// items or body that reference it (a reference from a form body, a
/// parameter or a header to a component that has them is refused where it
/// stands, `lower/inherit.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Where {
    /// Every schema.
    Anywhere,
    /// Every schema but a parameter's (a parameter's value, a text, has no
    /// properties to count).
    Body,
    /// An inline schema under `properties`.
    Property,
    /// An inline schema under `properties`, or a parameter's `schema`.
    PropertyOrParameter,
    /// An inline schema under `properties`, an array's `items` (but a
    /// parameter's or a header's), a response's body, or a schema of
    /// `components/schemas` (checked where a property, items or a response
    /// body reference it).
    Value,
    /// As [`Where::Value`], or a parameter's or a header's `schema` (not
    /// its array's items, where the IR keeps no constraints).
    ValueOrParameter,
    /// An inline schema under `properties`, or a schema of
    /// `components/schemas` (read where a property references it).
    PropertyOrComponent,
}

impl Where {
    /// Whether a schema that is (or is not) an inline property schema, a
    /// parameter's schema, a component schema or an array's items is one of these.
    pub fn allows(self, at: Position) -> bool {
        let Position {
            property,
            parameter,
            component,
            items,
            body,
            parameter_items,
        } = at;
        let value = property || component || items || body;
        let parameter_root = parameter && !parameter_items;
        match self {
            Where::Anywhere => true,
            Where::Body => !parameter,
            Where::Property => property,
            Where::PropertyOrParameter => property || parameter_root,
            Where::Value => value,
            Where::ValueOrParameter => value || parameter_root,
            Where::PropertyOrComponent => property || component,
        }
    }

    /// The schemas, for messages and the README table.
    pub fn describe(self) -> &'static str {
        match self {
            Where::Anywhere => "every schema",
            Where::Body => "every schema but a parameter's",
            Where::Property => "an inline property schema",
            Where::PropertyOrParameter => {
                "an inline property schema or a parameter's or a header's schema (not its array's items)"
            }
            Where::Value => {
                "an inline property schema, an array's items, a map's values, a request or response body, or a component schema they reference"
            }
            Where::ValueOrParameter => {
                "an inline property schema, an array's items, a map's values, a request or response body, a component schema they reference, or a parameter's or a header's schema (not its array's items)"
            }
            Where::PropertyOrComponent => {
                "an inline property schema, or a component schema a property references"
            }
        }
    }
}

/// Where a schema stands, for [`Where::allows`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Position {
    /// An inline schema under `properties`.
    pub property: bool,
    /// A parameter's or a header's `schema` (and its array's items).
    pub parameter: bool,
    /// A schema of `components/schemas`.
    pub component: bool,
    /// An array's `items` (not a parameter's).
    pub items: bool,
    /// A request's or a response's body schema.
    pub body: bool,
    /// Inside a parameter's or a header's schema: its array's items or a
    /// member (`parameter` is set too).
    pub parameter_items: bool,
}

/// One field of the OpenAPI 3.0.3 Schema Object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Keyword {
    /// The field's name.
    pub name: &'static str,
    /// What the kit does with it.
    pub support: Support,
    /// The types it applies to; empty for every type (and for a schema without
    /// `type`). Beside another `type` it is refused, since the kit would not read it.
    pub applies_to: &'static [JsonType],
    /// The schemas where the kit reads it; elsewhere it is refused.
    pub checked_in: Where,
    /// The value that constrains nothing (`uniqueItems: false`), accepted even
    /// when the keyword is refused.
    pub inert: Option<bool>,
    /// Where and how, in a few words (the README table's last column).
    pub note: &'static str,
}

use JsonType::*;

const fn enforced(
    name: &'static str,
    rules: &'static [RuleId],
    applies_to: &'static [JsonType],
    checked_in: Where,
    note: &'static str,
) -> Keyword {
    Keyword {
        name,
        support: Support::Enforced { rules },
        applies_to,
        checked_in,
        inert: None,
        note,
    }
}

const fn annotation(name: &'static str, note: &'static str) -> Keyword {
    Keyword {
        name,
        support: Support::Annotation,
        applies_to: &[],
        checked_in: Where::Anywhere,
        inert: None,
        note,
    }
}

/// How `minProperties`/`maxProperties` count, and where.
const PROPERTY_COUNT: &str = "every present property counted, undocumented ones and nulls too; by the validators only: a generated model drops undocumented properties and reads the `null` of an optional property that is not nullable (an error) as absent, so its `check()` cannot count them";

/// Every field of the OpenAPI 3.0.3 Schema Object, in the order the
/// specification lists them, then `$ref` (a Reference Object in a schema's place).
pub const KEYWORDS: &[Keyword] = &[
    annotation("title", "documentation"),
    enforced(
        "multipleOf",
        &[RuleId::SchemaMultipleOf],
        &[Integer, Number],
        Where::ValueOrParameter,
        "a positive integer on integers, a positive number on numbers (exact decimal arithmetic: 19.99 is a multiple of 0.01, 19.999 is not)",
    ),
    enforced(
        "maximum",
        &[RuleId::SchemaMaximum],
        &[Integer, Number],
        Where::ValueOrParameter,
        "an integer bound of an integer, a finite bound of a number (compared exactly)",
    ),
    Keyword {
        name: "exclusiveMaximum",
        support: Support::Enforced {
            rules: &[RuleId::SchemaMaximum],
        },
        applies_to: &[Integer, Number],
        checked_in: Where::ValueOrParameter,
        inert: Some(false),
        note: "beside `maximum`",
    },
    enforced(
        "minimum",
        &[RuleId::SchemaMinimum],
        &[Integer, Number],
        Where::ValueOrParameter,
        "an integer bound of an integer, a finite bound of a number (compared exactly)",
    ),
    Keyword {
        name: "exclusiveMinimum",
        support: Support::Enforced {
            rules: &[RuleId::SchemaMinimum],
        },
        applies_to: &[Integer, Number],
        checked_in: Where::ValueOrParameter,
        inert: Some(false),
        note: "beside `minimum`",
    },
    enforced(
        "maxLength",
        &[RuleId::SchemaMaxLength],
        &[String],
        Where::ValueOrParameter,
        "in Unicode code points; not beside `enum`",
    ),
    enforced(
        "minLength",
        &[RuleId::SchemaMinLength],
        &[String],
        Where::ValueOrParameter,
        "in Unicode code points; not beside `enum`",
    ),
    enforced(
        "pattern",
        &[RuleId::SchemaPattern, RuleId::LintBadPattern],
        &[String],
        Where::ValueOrParameter,
        "Rust `regex` syntax (no lookaround, no backreferences); not beside `enum`",
    ),
    enforced(
        "maxItems",
        &[RuleId::SchemaMaxItems],
        &[Array],
        Where::ValueOrParameter,
        "the number of items",
    ),
    enforced(
        "minItems",
        &[RuleId::SchemaMinItems],
        &[Array],
        Where::ValueOrParameter,
        "the number of items; at most 65 536 (synthesised bodies hold that many)",
    ),
    Keyword {
        name: "uniqueItems",
        support: Support::Enforced {
            rules: &[RuleId::SchemaUniqueItems],
        },
        applies_to: &[Array],
        checked_in: Where::ValueOrParameter,
        inert: Some(false),
        note: "JSON equality (`1` equals `1.0`, key order does not matter); generated `check()` compares the items as the model holds them (without an open model's undocumented properties, the `null` of an optional property that is not nullable as absent; a nullable one keeps its `null`)",
    },
    enforced(
        "maxProperties",
        &[RuleId::SchemaMaxProperties],
        &[Object],
        Where::Body,
        PROPERTY_COUNT,
    ),
    enforced(
        "minProperties",
        &[RuleId::SchemaMinProperties],
        &[Object],
        Where::Body,
        PROPERTY_COUNT,
    ),
    enforced(
        "required",
        &[RuleId::SchemaRequired],
        &[Object],
        Where::Anywhere,
        "each name is one of `properties`",
    ),
    enforced(
        "enum",
        &[RuleId::SchemaEnum],
        &[String, Integer, Number, Boolean],
        Where::Anywhere,
        "values of the schema's type (`null` with `nullable`), compared by JSON equality (`1` equals `1.0`); of `integer`, `number`, `boolean` not on a parameter; without `type`, values of any JSON type (`null` too), on a property, items, a request or response body or a component",
    ),
    enforced(
        "type",
        &[RuleId::SchemaType],
        &[],
        Where::Anywhere,
        "one of `string`, `integer`, `number`, `boolean`, `array`, `object`; without `type`, a schema with object keywords is an object, and any other is any value (`null` included) that its keywords constrain where it is of their type (`maxLength` checks strings and lets a number through)",
    ),
    enforced(
        "allOf",
        &[RuleId::LintDanglingRef, RuleId::LintUnsupported],
        &[],
        Where::Anywhere,
        "`allOf: [{$ref: ...}]` beside annotations (and `nullable`, `deprecated`, `readOnly`, `writeOnly`) is the referenced schema; any other `allOf` is merged with the schema's own keywords into one schema (properties and `required` united, `x-invariants` added up, every other keyword agreeing), refused where members disagree, a member's `additionalProperties` judges another's properties, or `nullable` stands beside several members",
    ),
    enforced(
        "oneOf",
        &[RuleId::SchemaOneOf],
        &[],
        Where::Value,
        COMPOSITION_NOTE,
    ),
    enforced(
        "anyOf",
        &[RuleId::SchemaAnyOf],
        &[],
        Where::Value,
        COMPOSITION_NOTE,
    ),
    enforced(
        "not",
        &[RuleId::SchemaNot],
        &[],
        Where::Value,
        COMPOSITION_NOTE,
    ),
    enforced(
        "items",
        &[RuleId::SchemaType],
        &[Array],
        Where::Anywhere,
        "every item is checked against it; refused without `type: array`",
    ),
    enforced(
        "properties",
        &[RuleId::SchemaType, RuleId::SchemaUndocumentedProperty],
        &[Object],
        Where::Anywhere,
        "a property the schema does not list is a warning",
    ),
    enforced(
        "additionalProperties",
        &[
            RuleId::SchemaAdditionalProperty,
            RuleId::SchemaUndocumentedProperty,
        ],
        &[Object],
        Where::Anywhere,
        "`false`: another property is an error; `true`: allowed, not reported; absent: a warning; a schema: a map, each other property's value checked against it as an array's items are (a flattened `BTreeMap` in generated code)",
    ),
    annotation("description", "documentation"),
    enforced(
        "format",
        &[RuleId::SchemaFormat, RuleId::LintUncheckedFormat],
        NUMERIC_OR_STRING,
        Where::Anywhere,
        "`int64` on integers but parameters, `int32` on integer properties and parameters; `date`, `date-time`, `uuid`, `ipv4`, `ipv6`, `byte`, `email`, `hostname`, `uri` on string properties and parameters (`pyng_spec::formats`); `binary`, `password` annotations; `float` (at most `f32::MAX` in magnitude), `double` (every number the JSON parser reads) on number properties and parameters; a property, items or body referencing a component have the component's format; without `type`, a string format checks strings and lets other values through; any other format, or one elsewhere, is a lint warning that it is not checked",
    ),
    enforced(
        "default",
        &[RuleId::LintDefaultViolation],
        &[],
        Where::PropertyOrComponent,
        "documentation, itself checked against its schema (a warning: values are checked, a default is never filled in)",
    ),
    Keyword {
        name: "nullable",
        support: Support::Enforced {
            rules: &[RuleId::SchemaNullable],
        },
        applies_to: &[],
        checked_in: Where::Value,
        inert: Some(false),
        note: "`null` is a value of the property, the items or the body (of each that references the component)",
    },
    enforced(
        "discriminator",
        &[RuleId::SchemaDiscriminator],
        &[],
        Where::Value,
        "beside a `oneOf` or an `anyOf` whose members are all `$ref`s to component schemas: an object's `propertyName` value names its member (by `mapping`, else by component name) and the object is checked against that member alone; a `mapping` onto a schema that is not a member, and the `allOf` inheritance form, are refused (generated code: the tag picks the enum's variant, and its `check()` judges the tag and the member as the validators do)",
    ),
    Keyword {
        name: "readOnly",
        support: Support::Enforced {
            rules: &[RuleId::SchemaReadOnly, RuleId::LintReadAndWriteOnly],
        },
        applies_to: &[],
        checked_in: Where::PropertyOrComponent,
        inert: Some(false),
        note: "a request body does not carry the property (and `required` does not apply to it there); not beside `writeOnly: true`",
    },
    Keyword {
        name: "writeOnly",
        support: Support::Enforced {
            rules: &[RuleId::SchemaWriteOnly],
        },
        applies_to: &[],
        checked_in: Where::PropertyOrComponent,
        inert: Some(false),
        note: "a response does not carry the property (and `required` does not apply to it)",
    },
    annotation("xml", "documentation (bodies are JSON)"),
    annotation("externalDocs", "documentation"),
    annotation("example", "documentation; used to synthesise bodies"),
    Keyword {
        name: "deprecated",
        support: Support::Enforced {
            rules: &[RuleId::SchemaDeprecated],
        },
        applies_to: &[],
        checked_in: Where::PropertyOrComponent,
        inert: Some(false),
        note: "a warning when the property has a value",
    },
    enforced(
        "$ref",
        &[RuleId::LintDanglingRef, RuleId::LintRefSiblings],
        &[],
        Where::Anywhere,
        "a local `#/components/schemas/...` reference; members beside it are ignored (OAS 3.0.3), with a lint warning",
    ),
];

const NUMERIC_OR_STRING: &[JsonType] = &[Integer, Number, String];

/// The table entry for a Schema Object field.
pub fn keyword(name: &str) -> Option<&'static Keyword> {
    KEYWORDS.iter().find(|k| k.name == name)
}

/// The keywords that make a schema without `type` an object.
pub const OBJECT_KEYWORDS: &[&str] = &[
    "properties",
    "required",
    "additionalProperties",
    "minProperties",
    "maxProperties",
];

/// The formats the kit checks: the format, the type it applies to, and where.
/// A string format's predicate is [`crate::formats::matches`]; the IR keeps a
/// string's format on a property and on an array's items (each inherits a
/// referenced component's), so it is checked there.
pub const CHECKED_FORMATS: &[(&str, JsonType, Where)] = &[
    ("int32", Integer, Where::ValueOrParameter),
    ("int64", Integer, Where::Body),
    ("float", Number, Where::ValueOrParameter),
    ("double", Number, Where::ValueOrParameter),
    ("date", String, Where::ValueOrParameter),
    ("date-time", String, Where::ValueOrParameter),
    ("uuid", String, Where::ValueOrParameter),
    ("ipv4", String, Where::ValueOrParameter),
    ("ipv6", String, Where::ValueOrParameter),
    ("byte", String, Where::ValueOrParameter),
    ("email", String, Where::ValueOrParameter),
    ("hostname", String, Where::ValueOrParameter),
    ("uri", String, Where::ValueOrParameter),
];

/// The string formats OpenAPI 3.0.3 defines that constrain nothing a JSON
/// validator can see (`binary`: any octets; `password`: a UI hint).
pub const ANNOTATION_FORMATS: &[&str] = &["binary", "password"];

/// What may stand beside `allOf: [{$ref: ...}]`: the keywords that say nothing
/// about the value's shape, so the referenced schema is all there is to check.
pub const BESIDE_SINGLE_REF: &[&str] = &[
    "allOf",
    "title",
    "description",
    "example",
    "externalDocs",
    "xml",
    "nullable",
    "readOnly",
    "writeOnly",
    "deprecated",
];

/// Whether a schema is the idiom `allOf: [{$ref: ...}]` with nothing beside
/// it but [`BESIDE_SINGLE_REF`] and extensions: the referenced schema, made
/// nullable or documented (the loader reads it as a reference).
pub(crate) fn is_single_ref_idiom(
    schema: &serde_json::Map<std::string::String, serde_json::Value>,
) -> bool {
    let one_ref = schema
        .get("allOf")
        .and_then(serde_json::Value::as_array)
        .is_some_and(|items| items.len() == 1 && items[0].get("$ref").is_some());
    one_ref
        && schema
            .keys()
            .all(|k| k.starts_with("x-") || BESIDE_SINGLE_REF.contains(&k.as_str()))
}

/// The composition keywords: beside them a schema's `type` says nothing the kit reads.
pub const COMPOSITION: &[&str] = &["allOf", "oneOf", "anyOf", "not"];

/// The note of `oneOf`, `anyOf` and `not` in the keyword table.
const COMPOSITION_NOTE: &str = "a member matches when checking the value against it finds no error (its own type, constraints and rules; the schema's other keywords apply beside it). Generated code: a `oneOf`/`anyOf` without `type` (and without value constraints of its own) is an enum with a variant per member, chosen by the discriminator's tag (an unknown tag kept as `Unknown`) or else as the first member that deserializes and whose `check()` finds no error; its `check()` judges the value as the model holds it: without a discriminator it counts the members the value matches (`schema.one-of`, `schema.any-of`), under one it reports a missing or unknown tag and the first error of the member the tag names (`schema.discriminator`); any other composed schema holds its value as its own keywords type it, and `check()` judges its `oneOf`, `anyOf` and `not` (and a `not` beside an enum) by trying each member on the value as the model holds it, unless a member has a rule generated code is lenient on (`pattern`, `minProperties`/`maxProperties`, a closed model, a string enum inside a model, a nested composition) or reads a property an object holder does not list: those, and a `discriminator` beside a `type` of the schema's own, are the validators' alone";

/// Whether a schema without `type` is an object: it has an object keyword with
/// content and no composition. (An empty `properties` or `required` cannot be
/// told from an absent one once parsed, so it does not count.)
pub(crate) fn is_typeless_object(
    schema: &serde_json::Map<std::string::String, serde_json::Value>,
) -> bool {
    use serde_json::Value;
    let with_content = |key: &str| match schema.get(key) {
        None => false,
        Some(Value::Object(m)) => !m.is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(_) => true,
    };
    // `oneOf`/`anyOf`/`not` stand beside the schema's own keywords; an
    // `allOf` still here was not merged (and is refused).
    !schema.contains_key("type")
        && !schema.contains_key("allOf")
        && OBJECT_KEYWORDS.iter().any(|k| with_content(k))
}
