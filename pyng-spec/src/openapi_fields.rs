//! The one table of the fixed fields of the OpenAPI 3.0.3 objects other than
//! the Schema Object (which is [`crate::schema_keywords`]) and what the kit does
//! with each: read (each layer enforces or uses it), documentation only, or
//! refused by the linter (`lint.unsupported` at the field). A field the kit
//! would read and ignore is refused; a field OpenAPI does not define is
//! `lint.openapi-structure`, with the one it probably meant. `specs/README.md`
//! § Other OpenAPI 3.0.3 objects prints this table, and a test holds the two
//! equal.

/// An OpenAPI 3.0.3 object, by the name the specification gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Object {
    /// The OpenAPI Object (the document's root).
    Document,
    /// The Info Object.
    Info,
    /// The Contact Object.
    Contact,
    /// The License Object.
    License,
    /// The Server Object.
    Server,
    /// The Server Variable Object.
    ServerVariable,
    /// The Components Object.
    Components,
    /// The Path Item Object.
    PathItem,
    /// The Operation Object.
    Operation,
    /// The External Documentation Object.
    ExternalDocs,
    /// The Parameter Object.
    Parameter,
    /// The Request Body Object.
    RequestBody,
    /// The Media Type Object.
    MediaType,
    /// The Encoding Object.
    Encoding,
    /// The Response Object.
    Response,
    /// The Example Object.
    Example,
    /// The Link Object.
    Link,
    /// The Header Object.
    Header,
    /// The Tag Object.
    Tag,
    /// The Security Scheme Object.
    SecurityScheme,
    /// The OAuth Flows Object.
    OAuthFlows,
    /// The OAuth Flow Object.
    OAuthFlow,
}

impl Object {
    /// The object's name in the specification (`Parameter Object`).
    pub fn title(self) -> &'static str {
        match self {
            Object::Document => "OpenAPI Object",
            Object::Info => "Info Object",
            Object::Contact => "Contact Object",
            Object::License => "License Object",
            Object::Server => "Server Object",
            Object::ServerVariable => "Server Variable Object",
            Object::Components => "Components Object",
            Object::PathItem => "Path Item Object",
            Object::Operation => "Operation Object",
            Object::ExternalDocs => "External Documentation Object",
            Object::Parameter => "Parameter Object",
            Object::RequestBody => "Request Body Object",
            Object::MediaType => "Media Type Object",
            Object::Encoding => "Encoding Object",
            Object::Response => "Response Object",
            Object::Example => "Example Object",
            Object::Link => "Link Object",
            Object::Header => "Header Object",
            Object::Tag => "Tag Object",
            Object::SecurityScheme => "Security Scheme Object",
            Object::OAuthFlows => "OAuth Flows Object",
            Object::OAuthFlow => "OAuth Flow Object",
        }
    }
}

/// What the kit does with a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Support {
    /// Read: checked or used by the layers the note names.
    Read,
    /// Documentation only: nothing in traffic to check.
    Annotation,
    /// `lint.unsupported`, unless the field has a value that changes nothing.
    Refused(Inert),
    /// `lint.unsupported` from the loader, which must skip what holds it (a
    /// `$ref` path item, an `operationRef` link), unless the value is inert.
    RefusedByLoader(Inert),
}

/// The values of a refused field that change nothing, and so are accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inert {
    /// Every value is refused.
    Never,
    /// `false`.
    False,
    /// An empty map or list.
    Empty,
    /// The parameter's default `style` for its `in` (`form` in a query,
    /// `simple` in a path or a header), or in a query `spaceDelimited` or
    /// `pipeDelimited` ([`crate::ir::Param::delimiter`]).
    DefaultStyle,
}

/// One fixed field of an OpenAPI 3.0.3 object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// The object it belongs to.
    pub object: Object,
    /// The field's name.
    pub name: &'static str,
    /// What the kit does with it.
    pub support: Support,
    /// How, or why not, in a few words (the README table's last column).
    pub note: &'static str,
}

const fn read(object: Object, name: &'static str, note: &'static str) -> Field {
    Field {
        object,
        name,
        support: Support::Read,
        note,
    }
}

const fn doc(object: Object, name: &'static str) -> Field {
    Field {
        object,
        name,
        support: Support::Annotation,
        note: "documentation",
    }
}

const fn doc_note(object: Object, name: &'static str, note: &'static str) -> Field {
    Field {
        object,
        name,
        support: Support::Annotation,
        note,
    }
}

const fn refused(object: Object, name: &'static str, inert: Inert, note: &'static str) -> Field {
    Field {
        object,
        name,
        support: Support::Refused(inert),
        note,
    }
}

const fn refused_by_loader(
    object: Object,
    name: &'static str,
    inert: Inert,
    note: &'static str,
) -> Field {
    Field {
        object,
        name,
        support: Support::RefusedByLoader(inert),
        note,
    }
}

use Object::*;

const METHOD: &str = "an operation: matched, checked, generated, served";
const STYLE: &str = "the default style for its `in`, and in a query `spaceDelimited` and `pipeDelimited`; `deepObject` and a path's or a header's other styles are not parsed";
const EXPLODE: &str = "a query array with `explode: false` is one value, its items joined by `,` (`form`), a space (`spaceDelimited`) or `|` (`pipeDelimited`), else the key repeats per item; in the `simple` style of a path or a header it changes nothing";
const EMPTY_VALUE: &str = "an empty value is checked against the schema like any other";
const RESERVED: &str = "reserved characters are percent-decoded as any other";
const CONTENT: &str = "a parameter's value as a media type is not parsed: use `schema`";
const EXAMPLES: &str = "checked against the schema (`lint.example-violation`)";
const PARAMETER_EXAMPLE: &str = "documentation (not checked against the schema)";

/// Every fixed field of the OpenAPI 3.0.3 objects but the Schema Object, in
/// the order the specification lists objects and fields. The Discriminator
/// and XML Objects stand inside schemas: `discriminator` and `xml` are in
/// [`crate::schema_keywords::KEYWORDS`]. The Paths, Responses, Callback and
/// Security Requirement Objects are maps of names.
pub const FIELDS: &[Field] = &[
    read(
        Document,
        "openapi",
        "3.0.x is required (`lint.openapi-structure`)",
    ),
    doc(Document, "info"),
    read(
        Document,
        "servers",
        "base paths (and their variables) matched against recorded URLs",
    ),
    read(Document, "paths", "the operations"),
    read(Document, "components", "the shared definitions"),
    read(
        Document,
        "security",
        "the default of operations without their own",
    ),
    doc(Document, "tags"),
    doc(Document, "externalDocs"),
    doc(Info, "title"),
    doc(Info, "description"),
    doc(Info, "termsOfService"),
    doc(Info, "contact"),
    doc(Info, "license"),
    read(
        Info,
        "version",
        "documentation; `xtask diff` reports a change",
    ),
    doc(Contact, "name"),
    doc(Contact, "url"),
    doc(Contact, "email"),
    doc(License, "name"),
    doc(License, "url"),
    read(
        Server,
        "url",
        "its path is a base path matched against recorded URLs (any host)",
    ),
    doc(Server, "description"),
    read(Server, "variables", "each variable's default and enum"),
    read(ServerVariable, "enum", "the values a base path may take"),
    read(ServerVariable, "default", "the value a base path takes"),
    doc(ServerVariable, "description"),
    read(Components, "schemas", "models and enums"),
    read(Components, "responses", "`$ref` from an operation"),
    read(
        Components,
        "parameters",
        "`$ref` from an operation or path item",
    ),
    read(
        Components,
        "examples",
        "`$ref` from a media type's examples",
    ),
    read(Components, "requestBodies", "`$ref` from an operation"),
    read(Components, "headers", "`$ref` from a response"),
    read(Components, "securitySchemes", "the schemes operations name"),
    refused(
        Components,
        "links",
        Inert::Empty,
        "a `$ref` link is not followed: write the link in the response",
    ),
    refused(
        Components,
        "callbacks",
        Inert::Empty,
        "callbacks are not checked",
    ),
    refused_by_loader(
        PathItem,
        "$ref",
        Inert::Never,
        "a path item elsewhere is not followed",
    ),
    doc(PathItem, "summary"),
    doc(PathItem, "description"),
    read(PathItem, "get", METHOD),
    read(PathItem, "put", METHOD),
    read(PathItem, "post", METHOD),
    read(PathItem, "delete", METHOD),
    read(PathItem, "options", METHOD),
    read(PathItem, "head", METHOD),
    read(PathItem, "patch", METHOD),
    read(PathItem, "trace", METHOD),
    refused_by_loader(
        PathItem,
        "servers",
        Inert::Empty,
        "matching reads the document's servers: list them there",
    ),
    read(PathItem, "parameters", "shared by its operations"),
    doc(Operation, "tags"),
    doc(Operation, "summary"),
    doc(Operation, "description"),
    doc(Operation, "externalDocs"),
    read(
        Operation,
        "operationId",
        "required: names the operation in reports, models and links",
    ),
    read(
        Operation,
        "parameters",
        "checked in recorded requests (`http.request-parameters`), generated",
    ),
    read(
        Operation,
        "requestBody",
        "checked in recorded requests (`http.request-body`), generated",
    ),
    read(
        Operation,
        "responses",
        "status, headers and bodies checked, generated, served",
    ),
    refused(
        Operation,
        "callbacks",
        Inert::Empty,
        "callbacks are not checked",
    ),
    read(
        Operation,
        "deprecated",
        "a call is `http.deprecated`, a warning; the generated docs say it",
    ),
    read(
        Operation,
        "security",
        "the credentials of recorded requests (`http.request-credentials`), tokens and signatures of `poll` and the sandbox",
    ),
    refused_by_loader(
        Operation,
        "servers",
        Inert::Empty,
        "matching reads the document's servers: list them there",
    ),
    doc(ExternalDocs, "description"),
    doc(ExternalDocs, "url"),
    read(Parameter, "name", "the parameter's name"),
    read(
        Parameter,
        "in",
        "`path`, `query`, `header`; `cookie` is refused (cookies are not read)",
    ),
    doc(Parameter, "description"),
    read(
        Parameter,
        "required",
        "a missing one is `http.request-parameters`",
    ),
    read(
        Parameter,
        "deprecated",
        "sending it is `http.deprecated`, a warning; the generated docs say it",
    ),
    refused(Parameter, "allowEmptyValue", Inert::False, EMPTY_VALUE),
    refused(Parameter, "style", Inert::DefaultStyle, STYLE),
    read(Parameter, "explode", EXPLODE),
    refused(Parameter, "allowReserved", Inert::False, RESERVED),
    read(
        Parameter,
        "schema",
        "the value read as its type and checked (`http.request-parameters`)",
    ),
    doc_note(Parameter, "example", PARAMETER_EXAMPLE),
    doc_note(Parameter, "examples", PARAMETER_EXAMPLE),
    refused(Parameter, "content", Inert::Never, CONTENT),
    doc(RequestBody, "description"),
    read(
        RequestBody,
        "content",
        "`application/json` and `application/x-www-form-urlencoded`",
    ),
    read(
        RequestBody,
        "required",
        "a request without a body is `http.request-body`",
    ),
    read(
        MediaType,
        "schema",
        "the body checked against it, generated",
    ),
    read(MediaType, "example", EXAMPLES),
    read(MediaType, "examples", EXAMPLES),
    refused(
        MediaType,
        "encoding",
        Inert::Empty,
        "a form field's own content type, style or headers are not parsed",
    ),
    refused(
        Encoding,
        "contentType",
        Inert::Never,
        "under a refused `encoding`",
    ),
    refused(
        Encoding,
        "headers",
        Inert::Never,
        "under a refused `encoding`",
    ),
    refused(
        Encoding,
        "style",
        Inert::Never,
        "under a refused `encoding`",
    ),
    refused(
        Encoding,
        "explode",
        Inert::Never,
        "under a refused `encoding`",
    ),
    refused(
        Encoding,
        "allowReserved",
        Inert::Never,
        "under a refused `encoding`",
    ),
    doc(Response, "description"),
    read(
        Response,
        "headers",
        "required and checked (`http.response-header`), generated",
    ),
    read(
        Response,
        "content",
        "media types (`http.content-type`) and bodies checked",
    ),
    read(
        Response,
        "links",
        "a creation joined with the polls of what it created (`link.*`)",
    ),
    doc(Example, "summary"),
    doc(Example, "description"),
    read(
        Example,
        "value",
        "checked against the schema where a media type lists it",
    ),
    refused(
        Example,
        "externalValue",
        Inert::Never,
        "an example elsewhere is not fetched, so it could not be checked",
    ),
    refused_by_loader(
        Link,
        "operationRef",
        Inert::Never,
        "name the operation with `operationId`",
    ),
    read(
        Link,
        "operationId",
        "the linked operation, in the same spec",
    ),
    read(
        Link,
        "parameters",
        "runtime expressions or constants filling the linked operation's parameters",
    ),
    refused_by_loader(
        Link,
        "requestBody",
        Inert::Never,
        "a linked operation's body is not filled",
    ),
    doc(Link, "description"),
    refused_by_loader(
        Link,
        "server",
        Inert::Never,
        "the linked operation is on this spec's servers",
    ),
    doc(Header, "description"),
    read(
        Header,
        "required",
        "a missing one is `http.response-header` (`http.request-parameters` for a header parameter)",
    ),
    read(
        Header,
        "deprecated",
        "a response that carries it is `http.deprecated`, a warning (a header parameter's is the Parameter Object's)",
    ),
    refused(Header, "allowEmptyValue", Inert::False, EMPTY_VALUE),
    read(
        Header,
        "style",
        "`simple`, a header's one style (the OpenAPI model refuses another)",
    ),
    doc_note(
        Header,
        "explode",
        "no effect: an array header is comma-separated either way (`simple`), and object headers are refused",
    ),
    refused(Header, "allowReserved", Inert::False, RESERVED),
    read(Header, "schema", "the value read as its type and checked"),
    doc_note(Header, "example", PARAMETER_EXAMPLE),
    doc_note(Header, "examples", PARAMETER_EXAMPLE),
    refused(Header, "content", Inert::Never, CONTENT),
    doc(Tag, "name"),
    doc(Tag, "description"),
    doc(Tag, "externalDocs"),
    read(
        SecurityScheme,
        "type",
        "`http`, `apiKey` (with `x-signature`) and `oauth2` are used; others are named unchecked by `poll`",
    ),
    doc(SecurityScheme, "description"),
    read(SecurityScheme, "name", "an `apiKey`'s parameter"),
    read(SecurityScheme, "in", "an `apiKey`'s location"),
    read(SecurityScheme, "scheme", "`bearer` and `basic`"),
    doc(SecurityScheme, "bearerFormat"),
    read(
        SecurityScheme,
        "flows",
        "an `oauth2` scheme's one `clientCredentials` flow",
    ),
    doc_note(
        SecurityScheme,
        "openIdConnectUrl",
        "documentation: an `openIdConnect` scheme is named unchecked by `poll`",
    ),
    refused(
        OAuthFlows,
        "implicit",
        Inert::Never,
        "only the `clientCredentials` flow is followed",
    ),
    refused(
        OAuthFlows,
        "password",
        Inert::Never,
        "only the `clientCredentials` flow is followed",
    ),
    read(
        OAuthFlows,
        "clientCredentials",
        "the token endpoint (`poll`, the sandbox, `client.token-reuse`)",
    ),
    refused(
        OAuthFlows,
        "authorizationCode",
        Inert::Never,
        "only the `clientCredentials` flow is followed",
    ),
    doc(OAuthFlow, "authorizationUrl"),
    read(OAuthFlow, "tokenUrl", "the token endpoint's path"),
    doc(OAuthFlow, "refreshUrl"),
    doc(OAuthFlow, "scopes"),
];

/// The entry for field `name` of `object`.
pub fn field(object: Object, name: &str) -> Option<&'static Field> {
    FIELDS.iter().find(|f| f.object == object && f.name == name)
}

/// The fields of `object`, in the specification's order.
pub fn fields_of(object: Object) -> impl Iterator<Item = &'static Field> {
    FIELDS.iter().filter(move |f| f.object == object)
}
