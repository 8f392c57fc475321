//! `lint.misplaced-extension`: a known `x-` key where the loader does not read
//! it (an `x-stable` on an operation, an `x-unit` beside a `$ref`) would be
//! silently ignored. The walk follows the OpenAPI 3.0.3 object structure, so it
//! knows what kind of object each key stands in; the places each key may stand
//! are [`crate::extensions::EXTENSIONS`]. The same walk hands every schema to
//! the keyword check (`keywords.rs`) and every other object to the field check
//! (`fields.rs`).

use serde_json::{Map, Value};

use crate::diag::Problem;
use crate::extensions::{Place, extension};
use crate::openapi_fields::Object;
use crate::pointer::push;
use crate::registry::RuleId;

/// Reports the misplaced extensions and returns every object the walk met, for
/// the keyword and field checks, which need the same structure.
pub(super) fn misplaced_extensions<'v>(raw: &'v Value, problems: &mut Vec<Problem>) -> Walked<'v> {
    let mut walk = Walk {
        problems,
        found: Walked {
            schemas: Vec::new(),
            objects: Vec::new(),
        },
    };
    walk.node(raw, "", Node::Root);
    walk.found
}

/// The pointers of the document's outermost schemas (component schemas,
/// body, parameter and header schemas), in document order: every schema of
/// the document is one of them or inside one.
pub(crate) fn schema_roots(raw: &Value) -> Vec<String> {
    let mut ignored = Vec::new();
    let walked = misplaced_extensions(raw, &mut ignored);
    let mut roots: Vec<String> = Vec::new();
    // The walk meets a schema before the schemas inside it.
    for s in walked.schemas {
        if !roots
            .last()
            .is_some_and(|r| crate::pointer::within(&s.pointer, r))
        {
            roots.push(s.pointer);
        }
    }
    roots
}

/// The objects of a document, by kind.
pub(super) struct Walked<'v> {
    pub schemas: Vec<SchemaAt<'v>>,
    pub objects: Vec<ObjectAt<'v>>,
}

/// An object of the document other than a schema, and where it stands.
pub(super) struct ObjectAt<'v> {
    pub object: Object,
    pub pointer: String,
    pub members: &'v Map<String, Value>,
}

/// A schema object of the document and where it stands.
pub(super) struct SchemaAt<'v> {
    pub pointer: String,
    pub members: &'v Map<String, Value>,
    /// An inline schema under `properties`.
    pub property: bool,
    /// A parameter's `schema`.
    pub parameter: bool,
    /// A schema of `components/schemas` (its own members, not the schemas
    /// inside it).
    pub component: bool,
    /// An array's `items` (not a parameter's or a header's).
    pub items: bool,
    /// A request's or a response's body schema (of a media type under its
    /// `content`).
    pub body: bool,
    /// Inside a parameter's or a header's schema (its array's items, a
    /// member), where the IR keeps no constraints.
    pub parameter_items: bool,
}

impl SchemaAt<'_> {
    /// Where the schema stands.
    pub(super) fn position(&self) -> crate::schema_keywords::Position {
        crate::schema_keywords::Position {
            property: self.property,
            parameter: self.parameter,
            component: self.component,
            items: self.items,
            body: self.body,
            parameter_items: self.parameter_items,
        }
    }
}

/// What an object of the document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Node {
    Root,
    Info,
    Paths,
    PathItem,
    Operation,
    Parameter,
    RequestBody,
    Responses,
    Response,
    Header,
    MediaType,
    /// A media type under a request body's `content`.
    RequestMediaType,
    /// A media type of a response's `content`.
    ResponseMediaType,
    Example,
    Components,
    SecurityScheme,
    Server,
    ServerVariable,
    Link,
    Encoding,
    OAuthFlows,
    OAuthFlow,
    Contact,
    License,
    Tag,
    ExternalDocs,
    /// `property`: under `properties`; `parameter`: a parameter's schema;
    /// `component`: a schema of `components/schemas`; `items`: an array's
    /// `items` (a parameter's array's items are `parameter`); `body`:
    /// a request's or a response's body schema.
    Schema {
        property: bool,
        parameter: bool,
        component: bool,
        items: bool,
        body: bool,
        parameter_items: bool,
    },
    /// Anything else (`servers`, `tags`, `externalDocs`, ...): no extension of
    /// the vocabulary is read there.
    Other,
}

impl Node {
    /// The OpenAPI object this node is, for the field check; `None` for a
    /// schema, a map of names or anything the walk does not follow.
    fn object(self) -> Option<Object> {
        Some(match self {
            Node::Root => Object::Document,
            Node::Info => Object::Info,
            Node::PathItem => Object::PathItem,
            Node::Operation => Object::Operation,
            Node::Parameter => Object::Parameter,
            Node::RequestBody => Object::RequestBody,
            Node::Response => Object::Response,
            Node::Header => Object::Header,
            Node::MediaType | Node::RequestMediaType | Node::ResponseMediaType => Object::MediaType,
            Node::Example => Object::Example,
            Node::Components => Object::Components,
            Node::SecurityScheme => Object::SecurityScheme,
            Node::Server => Object::Server,
            Node::ServerVariable => Object::ServerVariable,
            Node::Link => Object::Link,
            Node::Encoding => Object::Encoding,
            Node::OAuthFlows => Object::OAuthFlows,
            Node::OAuthFlow => Object::OAuthFlow,
            Node::Contact => Object::Contact,
            Node::License => Object::License,
            Node::Tag => Object::Tag,
            Node::ExternalDocs => Object::ExternalDocs,
            Node::Paths | Node::Responses | Node::Schema { .. } | Node::Other => return None,
        })
    }
}

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

struct Walk<'p, 'v> {
    problems: &'p mut Vec<Problem>,
    found: Walked<'v>,
}

impl<'v> Walk<'_, 'v> {
    fn node(&mut self, value: &'v Value, at: &str, node: Node) {
        match value {
            Value::Object(map) => {
                if let Node::Schema {
                    property,
                    parameter,
                    component,
                    items,
                    body,
                    parameter_items,
                } = node
                {
                    self.found.schemas.push(SchemaAt {
                        pointer: at.to_owned(),
                        members: map,
                        property,
                        parameter,
                        component,
                        items,
                        body,
                        parameter_items,
                    });
                } else if let Some(object) = node.object() {
                    self.found.objects.push(ObjectAt {
                        object,
                        pointer: at.to_owned(),
                        members: map,
                    });
                }
                self.object(map, at, node)
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.node(item, &push(at, &i.to_string()), Node::Other);
                }
            }
            _ => {}
        }
    }

    /// Every child of a map of names (`properties`, `schemas`...).
    fn names(&mut self, value: &'v Value, at: &str, node: Node) {
        if let Value::Object(map) = value {
            for (name, child) in map {
                self.node(child, &push(at, name), node);
            }
        }
    }

    /// The Paths or Responses object: names, and `x-` keys that are its own
    /// extensions (OAS 3.0.3 § Paths Object), none of which is read there.
    fn extensible_names(&mut self, value: &'v Value, at: &str, node: Node, this: Node) {
        if let Value::Object(map) = value {
            for (name, child) in map {
                let here = push(at, name);
                match extension(name) {
                    Some(ext) => self.misplaced(&here, name, this, ext.places),
                    None => self.node(child, &here, node),
                }
            }
        }
    }

    fn misplaced(&mut self, at: &str, key: &str, node: Node, allowed: &[Place]) {
        let message = message(key, node, allowed);
        let problem = Problem::new(at, RuleId::LintMisplacedExtension, message);
        self.problems.push(problem.at_key());
    }

    fn list(&mut self, value: &'v Value, at: &str, node: Node) {
        if let Value::Array(items) = value {
            for (i, item) in items.iter().enumerate() {
                self.node(item, &push(at, &i.to_string()), node);
            }
        }
    }

    fn object(&mut self, map: &'v Map<String, Value>, at: &str, node: Node) {
        let places = places(map, node);
        for (key, child) in map {
            let here = push(at, key);
            if key.starts_with("x-") {
                // Unknown keys are `lint.unknown-extension`; the values of known
                // ones are read by their typed forms.
                if let Some(ext) = extension(key)
                    && !ext.places.iter().any(|p| places.contains(p))
                {
                    self.misplaced(&here, key, node, ext.places);
                }
                continue;
            }
            self.child(node, key, child, &here);
        }
    }

    /// Descends into the member `key` of an object of kind `node`.
    fn child(&mut self, node: Node, key: &str, child: &'v Value, at: &str) {
        let schema = Node::Schema {
            property: false,
            parameter: false,
            component: false,
            items: false,
            body: false,
            parameter_items: false,
        };
        match (node, key) {
            // Data, not spec.
            (_, "example" | "default" | "enum") => {}
            (Node::Example, "value") => {}
            (Node::Root, "info") => self.node(child, at, Node::Info),
            (Node::Info, "contact") => self.node(child, at, Node::Contact),
            (Node::Info, "license") => self.node(child, at, Node::License),
            (Node::Root | Node::PathItem | Node::Operation, "servers") => {
                self.list(child, at, Node::Server);
            }
            (Node::Link, "server") => self.node(child, at, Node::Server),
            (Node::Server, "variables") => self.names(child, at, Node::ServerVariable),
            (Node::Root, "tags") => self.list(child, at, Node::Tag),
            (Node::Root | Node::Operation | Node::Tag, "externalDocs") => {
                self.node(child, at, Node::ExternalDocs);
            }
            // Runtime expressions and constants, not objects.
            (Node::Link, "parameters" | "requestBody") => {}
            (Node::Response | Node::Components, "links") => self.names(child, at, Node::Link),
            (Node::MediaType | Node::RequestMediaType | Node::ResponseMediaType, "encoding") => {
                self.names(child, at, Node::Encoding);
            }
            (Node::Encoding, "headers") => self.names(child, at, Node::Header),
            (Node::SecurityScheme, "flows") => self.node(child, at, Node::OAuthFlows),
            (Node::OAuthFlows, _) => self.node(child, at, Node::OAuthFlow),
            // Names and their descriptions.
            (Node::OAuthFlow, "scopes") => {}
            (Node::Root, "paths") => {
                self.extensible_names(child, at, Node::PathItem, Node::Paths);
            }
            (Node::Root, "components") => self.node(child, at, Node::Components),
            (Node::PathItem, "parameters") | (Node::Operation, "parameters") => {
                self.list(child, at, Node::Parameter);
            }
            (Node::PathItem, method) if METHODS.contains(&method) => {
                self.node(child, at, Node::Operation);
            }
            (Node::Operation, "requestBody") => self.node(child, at, Node::RequestBody),
            (Node::Operation, "responses") => {
                self.extensible_names(child, at, Node::Response, Node::Responses);
            }
            (Node::Parameter, "schema") => self.node(
                child,
                at,
                Node::Schema {
                    property: false,
                    parameter: true,
                    component: false,
                    items: false,
                    body: false,
                    parameter_items: false,
                },
            ),
            (Node::Response, "content") => self.names(child, at, Node::ResponseMediaType),
            (Node::RequestBody, "content") => self.names(child, at, Node::RequestMediaType),
            (Node::Parameter | Node::Header, "content") => {
                self.names(child, at, Node::MediaType);
            }
            (Node::Response, "headers") => self.names(child, at, Node::Header),
            // A header's value is text, checked as a parameter's is.
            (Node::Header, "schema") => self.node(
                child,
                at,
                Node::Schema {
                    property: false,
                    parameter: true,
                    component: false,
                    items: false,
                    body: false,
                    parameter_items: false,
                },
            ),
            (Node::MediaType, "schema") => self.node(child, at, schema),
            (Node::RequestMediaType | Node::ResponseMediaType, "schema") => self.node(
                child,
                at,
                Node::Schema {
                    property: false,
                    parameter: false,
                    component: false,
                    items: false,
                    body: true,
                    parameter_items: false,
                },
            ),
            (
                Node::Parameter
                | Node::Header
                | Node::MediaType
                | Node::RequestMediaType
                | Node::ResponseMediaType,
                "examples",
            ) => {
                self.names(child, at, Node::Example);
            }
            (Node::Components, "schemas") => self.names(
                child,
                at,
                Node::Schema {
                    property: false,
                    parameter: false,
                    component: true,
                    items: false,
                    body: false,
                    parameter_items: false,
                },
            ),
            (Node::Components, "securitySchemes") => {
                self.names(child, at, Node::SecurityScheme);
            }
            (Node::Components, "parameters") => self.names(child, at, Node::Parameter),
            (Node::Components, "responses") => self.names(child, at, Node::Response),
            (Node::Components, "examples") => self.names(child, at, Node::Example),
            (Node::Components, "requestBodies") => self.names(child, at, Node::RequestBody),
            (Node::Components, "headers") => self.names(child, at, Node::Header),
            (Node::Schema { .. }, "properties") => self.names(
                child,
                at,
                Node::Schema {
                    property: true,
                    parameter: false,
                    component: false,
                    items: false,
                    body: false,
                    parameter_items: false,
                },
            ),
            // A map's values stand where an array's items do.
            (Node::Schema { parameter, .. }, "items" | "additionalProperties") => self.node(
                child,
                at,
                Node::Schema {
                    property: false,
                    parameter,
                    component: false,
                    items: !parameter,
                    body: false,
                    parameter_items: parameter,
                },
            ),
            // An `allOf` member is merged into the schema: it stands where
            // the schema does.
            (Node::Schema { .. }, "allOf") => self.list(child, at, schema),
            // A `oneOf`/`anyOf`/`not` member is a type of its own that a
            // value is tried against: it stands where an array's items do.
            (Node::Schema { parameter, .. }, "oneOf" | "anyOf" | "not") => {
                let member = Node::Schema {
                    property: false,
                    parameter,
                    component: false,
                    items: !parameter,
                    body: false,
                    parameter_items: parameter,
                };
                if key == "not" {
                    self.node(child, at, member)
                } else {
                    self.list(child, at, member)
                }
            }
            _ => self.node(child, at, Node::Other),
        }
    }
}

/// The places an object of kind `node` with members `map` is.
fn places(map: &Map<String, Value>, node: Node) -> Vec<Place> {
    let one = |p| vec![p];
    match node {
        Node::Info => one(Place::Info),
        Node::Operation => one(Place::Operation),
        Node::Parameter => one(Place::Parameter),
        Node::Response => one(Place::Response),
        Node::RequestBody => one(Place::RequestBody),
        Node::Example => one(Place::Example),
        Node::SecurityScheme => one(Place::SecurityScheme),
        // Members beside a `$ref` are not read (OAS 3.0.3 § Reference Object).
        Node::Schema { .. } if map.contains_key("$ref") => Vec::new(),
        Node::Schema {
            property,
            parameter,
            ..
        } => {
            let ty = map.get("type").and_then(Value::as_str);
            let has_enum = map
                .get("enum")
                .and_then(Value::as_array)
                .is_some_and(|e| !e.is_empty());
            let mut places = Vec::new();
            if property {
                places.push(Place::Property);
            }
            if parameter {
                places.push(Place::ParameterSchema);
            }
            if ty == Some("object") || crate::schema_keywords::is_typeless_object(map) {
                places.push(Place::ObjectSchema);
            }
            if ty == Some("string") && has_enum {
                places.push(Place::EnumSchema);
            }
            places
        }
        Node::Root
        | Node::Paths
        | Node::Responses
        | Node::PathItem
        | Node::Header
        | Node::MediaType
        | Node::RequestMediaType
        | Node::ResponseMediaType
        | Node::Components
        | Node::Server
        | Node::ServerVariable
        | Node::Link
        | Node::Encoding
        | Node::OAuthFlows
        | Node::OAuthFlow
        | Node::Contact
        | Node::License
        | Node::Tag
        | Node::ExternalDocs
        | Node::Other => Vec::new(),
    }
}

fn message(key: &str, node: Node, allowed: &[Place]) -> String {
    let here = match node {
        Node::Root => "the document root",
        Node::Info => "`info`",
        Node::Paths => "`paths`",
        Node::PathItem => "a path item",
        Node::Operation => "an operation",
        Node::Parameter => "a parameter",
        Node::RequestBody => "a request body",
        Node::Responses => "`responses`",
        Node::Response => "a response",
        Node::Header => "a header",
        Node::MediaType | Node::RequestMediaType | Node::ResponseMediaType => "a media type",
        Node::Example => "an example object",
        Node::Components => "`components`",
        Node::SecurityScheme => "a security scheme",
        Node::Server => "a server",
        Node::ServerVariable => "a server variable",
        Node::Link => "a link",
        Node::Encoding => "an encoding object",
        Node::OAuthFlows => "`flows`",
        Node::OAuthFlow => "an OAuth flow",
        Node::Contact => "`contact`",
        Node::License => "`license`",
        Node::Tag => "a tag",
        Node::ExternalDocs => "`externalDocs`",
        Node::Schema { .. } => "this schema",
        Node::Other => "this object",
    };
    let allowed: Vec<&str> = allowed.iter().map(|p| p.describe()).collect();
    format!(
        "`{key}` has no effect on {here}; it applies to {} (specs/README.md, the `x-` vocabulary)",
        allowed.join(", ")
    )
}
