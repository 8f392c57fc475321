//! Every fixed field of the OpenAPI 3.0.3 objects other than the Schema Object
//! is read, documentation, or refused by the linter at the field: never read
//! and ignored; a field OpenAPI does not define is an error naming the one it
//! probably meant. The field lists below are transcribed from the
//! specification (each object's "Fixed Fields"), independently of the kit's
//! table, which they must match.

use pyng_spec::openapi_fields::{FIELDS, Inert, Object, Support, field};
use pyng_spec::{Diagnostic, Severity, load_str};

/// OpenAPI 3.0.3, each object's fixed fields in the order listed there.
const SPECIFICATION: &[(Object, &[&str])] = &[
    (
        Object::Document,
        &[
            "openapi",
            "info",
            "servers",
            "paths",
            "components",
            "security",
            "tags",
            "externalDocs",
        ],
    ),
    (
        Object::Info,
        &[
            "title",
            "description",
            "termsOfService",
            "contact",
            "license",
            "version",
        ],
    ),
    (Object::Contact, &["name", "url", "email"]),
    (Object::License, &["name", "url"]),
    (Object::Server, &["url", "description", "variables"]),
    (Object::ServerVariable, &["enum", "default", "description"]),
    (
        Object::Components,
        &[
            "schemas",
            "responses",
            "parameters",
            "examples",
            "requestBodies",
            "headers",
            "securitySchemes",
            "links",
            "callbacks",
        ],
    ),
    (
        Object::PathItem,
        &[
            "$ref",
            "summary",
            "description",
            "get",
            "put",
            "post",
            "delete",
            "options",
            "head",
            "patch",
            "trace",
            "servers",
            "parameters",
        ],
    ),
    (
        Object::Operation,
        &[
            "tags",
            "summary",
            "description",
            "externalDocs",
            "operationId",
            "parameters",
            "requestBody",
            "responses",
            "callbacks",
            "deprecated",
            "security",
            "servers",
        ],
    ),
    (Object::ExternalDocs, &["description", "url"]),
    (
        Object::Parameter,
        &[
            "name",
            "in",
            "description",
            "required",
            "deprecated",
            "allowEmptyValue",
            "style",
            "explode",
            "allowReserved",
            "schema",
            "example",
            "examples",
            "content",
        ],
    ),
    (Object::RequestBody, &["description", "content", "required"]),
    (
        Object::MediaType,
        &["schema", "example", "examples", "encoding"],
    ),
    (
        Object::Encoding,
        &[
            "contentType",
            "headers",
            "style",
            "explode",
            "allowReserved",
        ],
    ),
    (
        Object::Response,
        &["description", "headers", "content", "links"],
    ),
    (
        Object::Example,
        &["summary", "description", "value", "externalValue"],
    ),
    (
        Object::Link,
        &[
            "operationRef",
            "operationId",
            "parameters",
            "requestBody",
            "description",
            "server",
        ],
    ),
    // The Parameter Object's fields but `name` and `in`.
    (
        Object::Header,
        &[
            "description",
            "required",
            "deprecated",
            "allowEmptyValue",
            "style",
            "explode",
            "allowReserved",
            "schema",
            "example",
            "examples",
            "content",
        ],
    ),
    (Object::Tag, &["name", "description", "externalDocs"]),
    (
        Object::SecurityScheme,
        &[
            "type",
            "description",
            "name",
            "in",
            "scheme",
            "bearerFormat",
            "flows",
            "openIdConnectUrl",
        ],
    ),
    (
        Object::OAuthFlows,
        &[
            "implicit",
            "password",
            "clientCredentials",
            "authorizationCode",
        ],
    ),
    (
        Object::OAuthFlow,
        &["authorizationUrl", "tokenUrl", "refreshUrl", "scopes"],
    ),
];

#[test]
fn every_fixed_field_is_in_the_table_once() {
    let mut listed = 0;
    for (object, names) in SPECIFICATION {
        let table: Vec<&str> = FIELDS
            .iter()
            .filter(|f| f.object == *object)
            .map(|f| f.name)
            .collect();
        assert_eq!(&table, names, "{}", object.title());
        listed += names.len();
    }
    assert_eq!(FIELDS.len(), listed, "the table has objects the list lacks");
}

/// A document with one of each object the walk reaches; `@NAME@` marks where
/// a test adds a line, indented for the object it stands in.
const BASE: &str = r##"openapi: 3.0.3
info:
  title: Fields
  version: "1"
  @INFO@
servers:
  - url: https://api.example/v1
    @SERVER@
paths:
  /orders/{orderId}:
    @PATH_ITEM@
    get:
      operationId: getOrder
      @OPERATION@
      parameters:
        - name: orderId
          in: path
          required: true
          schema: {type: string}
        - name: tags
          in: query
          @PARAMETER@
          schema: {type: array, items: {type: string}}
      responses:
        "200":
          description: OK
          @RESPONSE@
          headers:
            X-Count:
              @HEADER@
              schema: {type: integer}
          content:
            application/json:
              @MEDIA_TYPE@
              schema: {$ref: "#/components/schemas/Order"}
              examples:
                one:
                  @EXAMPLE@
                  value: {id: o-1}
  /orders:
    post:
      operationId: createOrder
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema: {$ref: "#/components/schemas/Order"}
            @FORM@
      responses:
        "201":
          description: Created
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Order"}
          links:
            status:
              operationId: getOrder
              @LINK@
              parameters: {orderId: "$response.body#/id"}
components:
  @COMPONENTS@
  schemas:
    Order:
      type: object
      properties:
        id: {type: string}
  securitySchemes:
    oauth:
      type: oauth2
      @SECURITY_SCHEME@
      flows:
        clientCredentials:
          tokenUrl: https://api.example/oauth/token
          @OAUTH_FLOW@
          scopes: {}
"##;

/// The marker of the object `object` in [`BASE`].
fn marker(object: Object) -> Option<&'static str> {
    Some(match object {
        Object::Info => "@INFO@",
        Object::Server => "@SERVER@",
        Object::PathItem => "@PATH_ITEM@",
        Object::Operation => "@OPERATION@",
        Object::Parameter => "@PARAMETER@",
        Object::Response => "@RESPONSE@",
        Object::Header => "@HEADER@",
        Object::MediaType => "@MEDIA_TYPE@",
        Object::Example => "@EXAMPLE@",
        Object::Link => "@LINK@",
        Object::Components => "@COMPONENTS@",
        Object::SecurityScheme => "@SECURITY_SCHEME@",
        Object::OAuthFlow => "@OAUTH_FLOW@",
        _ => return None,
    })
}

/// [`BASE`] with `line` at `at` and every other marker removed.
fn with(at: &str, line: &str) -> String {
    strip(&BASE.replace(at, line))
}

/// `text` without its markers.
fn strip(text: &str) -> String {
    let mut text = text.to_owned();
    for marker in [
        "@INFO@",
        "@SERVER@",
        "@PATH_ITEM@",
        "@OPERATION@",
        "@PARAMETER@",
        "@RESPONSE@",
        "@HEADER@",
        "@MEDIA_TYPE@",
        "@EXAMPLE@",
        "@FORM@",
        "@LINK@",
        "@COMPONENTS@",
        "@SECURITY_SCHEME@",
        "@OAUTH_FLOW@",
    ] {
        text = text.replace(marker, "");
    }
    text
}

fn diagnostics(text: &str) -> Vec<Diagnostic> {
    match load_str("fields.yaml", text) {
        Ok(loaded) => loaded.warnings.0,
        Err(d) => d.0,
    }
}

fn errors(text: &str) -> Vec<Diagnostic> {
    diagnostics(text)
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .collect()
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.trim_start().starts_with(needle))
        .unwrap_or_else(|| panic!("`{needle}` not in the text"))
        + 1
}

#[test]
fn the_base_document_loads_clean() {
    let text = with("", "");
    assert!(diagnostics(&text).is_empty(), "{:#?}", diagnostics(&text));
}

/// A value of `name` that changes something, as one YAML line.
fn effective(object: Object, name: &str) -> String {
    let value = match (object, name) {
        (_, "style") => "deepObject",
        (_, "content") => "{application/json: {schema: {type: string}}}",
        (_, "externalValue") => "https://api.example/example.json",
        (Object::Components, "links") => "{one: {operationId: getOrder}}",
        (Object::Components, _) => "{one: {}}",
        // Written whole, with the flow the kit follows (below).
        (Object::OAuthFlows, _) => "{}",
        (_, "callbacks") => "{done: {}}",
        (_, "encoding") => "{id: {contentType: text/plain}}",
        _ => "true",
    };
    format!("{name}: {value}")
}

#[test]
fn every_refused_field_is_refused_at_the_field_without_a_cascade() {
    let mut tried = 0;
    for f in FIELDS {
        let Support::Refused(_) = f.support else {
            continue;
        };
        let line = effective(f.object, f.name);
        let text = match (f.object, marker(f.object)) {
            (Object::OAuthFlows, _) => BASE.replace(
                "        clientCredentials:\n",
                &format!(
                    "        {}:\n          authorizationUrl: https://api.example/auth\n          tokenUrl: https://api.example/oauth/token\n          scopes: {{}}\n        clientCredentials:\n",
                    f.name
                ),
            ),
            // Only reached inside an `encoding`, itself refused.
            (Object::Encoding, _) => continue,
            (_, Some(at)) => with(at, &line),
            (_, None) => panic!("no place for {} in the fixture", f.object.title()),
        };
        let text = strip(&text);
        let errors = errors(&text);
        assert_eq!(
            errors.len(),
            1,
            "{} `{}`: one error expected:\n{errors:#?}",
            f.object.title(),
            f.name
        );
        let e = &errors[0];
        assert_eq!(e.rule, "lint.unsupported", "{e}");
        assert!(e.message.contains(&format!("`{}`", f.name)), "{e}");
        let needle = if f.object == Object::OAuthFlows {
            format!("{}:", f.name)
        } else {
            line.clone()
        };
        assert_eq!(e.line, line_of(&text, &needle), "{e}");
        tried += 1;
    }
    assert!(tried >= 15, "only {tried} refused fields tried");
}

#[test]
fn the_inert_value_of_a_refused_field_is_accepted() {
    let inert_lines = |f: &pyng_spec::openapi_fields::Field| -> Vec<String> {
        match f.support {
            Support::Refused(Inert::False) => vec![format!("{}: false", f.name)],
            Support::Refused(Inert::Empty) => vec![format!("{}: {{}}", f.name)],
            // The parameter in the fixture is an array in a query.
            Support::Refused(Inert::DefaultStyle) if f.object == Object::Parameter => vec![
                "style: form".into(),
                "style: spaceDelimited".into(),
                "style: pipeDelimited".into(),
            ],
            Support::Refused(Inert::DefaultStyle) => vec!["style: simple".into()],
            _ => Vec::new(),
        }
    };
    let mut tried = 0;
    for f in FIELDS {
        let Some(at) = marker(f.object) else {
            continue;
        };
        for line in inert_lines(f) {
            let text = with(at, &line);
            assert!(
                errors(&text).is_empty(),
                "`{line}` in {}: {:#?}",
                f.object.title(),
                errors(&text)
            );
            tried += 1;
        }
    }
    assert!(tried >= 10, "only {tried} inert values tried");
}

#[test]
fn every_read_field_has_an_entry_the_lookup_finds() {
    for f in FIELDS {
        assert_eq!(field(f.object, f.name), Some(f));
    }
}

#[test]
fn a_field_openapi_does_not_define_is_an_error_with_the_one_it_probably_meant() {
    let text = with("@PARAMETER@", "requried: true");
    let found = errors(&text);
    assert_eq!(found.len(), 1, "{found:#?}");
    let e = &found[0];
    assert_eq!(e.rule, "lint.openapi-structure");
    assert!(
        e.message
            .contains("`requried` is not a field of the Parameter Object"),
        "{e}"
    );
    assert_eq!(e.help.as_deref(), Some("did you mean `required`?"));
    assert_eq!(e.line, line_of(&text, "requried: true"));
    // A vendor extension is OpenAPI's own escape hatch.
    let text = with("@OPERATION@", "x-internal-owner: payments");
    assert!(errors(&text).is_empty(), "{:#?}", errors(&text));
    // A misspelt field of an object the walk reaches through a list.
    let text = with("@SERVER@", "descripton: the API");
    let e = &errors(&text)[0];
    assert!(e.message.contains("Server Object"), "{e}");
    assert_eq!(e.help.as_deref(), Some("did you mean `description`?"));
}

#[test]
fn a_cookie_parameter_is_refused() {
    let text = strip(&BASE.replace("in: query", "in: cookie"));
    let errors = errors(&text);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0].rule, "lint.unsupported");
    assert!(errors[0].message.contains("cookie"), "{}", errors[0]);
    assert_eq!(errors[0].line, line_of(&text, "in: cookie"));
}

#[test]
fn members_beside_a_reference_object_are_not_checked() {
    // OAS 3.0.3 § Reference Object: siblings of `$ref` are ignored.
    let text = BASE.replace(
        "            X-Count:\n              @HEADER@\n              schema: {type: integer}\n",
        "            X-Count: {$ref: \"#/components/headers/Count\", style: form}\n",
    );
    let text = strip(&text.replace(
        "@COMPONENTS@",
        "headers: {Count: {schema: {type: integer}}}",
    ));
    assert!(errors(&text).is_empty(), "{:#?}", errors(&text));
}

/// The table of specs/README.md § Other OpenAPI 3.0.3 objects, as the kit's
/// table says it.
fn readme_table() -> String {
    let mut out = String::from("| object | field | the kit | note |\n|---|---|---|---|\n");
    for f in FIELDS {
        let inert = |i: Inert| match i {
            Inert::Never => String::new(),
            Inert::False => format!(" (`{}: false` is accepted)", f.name),
            Inert::Empty => " (empty is accepted)".to_owned(),
            Inert::DefaultStyle => " (the default is accepted)".to_owned(),
        };
        let kit = match f.support {
            Support::Read => "read".to_owned(),
            Support::Annotation => "annotation".to_owned(),
            Support::Refused(i) | Support::RefusedByLoader(i) => {
                format!("refused (`lint.unsupported`){}", inert(i))
            }
        };
        out.push_str(&format!(
            "| {} | `{}` | {kit} | {} |\n",
            f.object.title(),
            f.name,
            f.note
        ));
    }
    out
}

#[test]
fn the_readme_table_is_the_kits_table() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../specs/README.md"))
            .unwrap();
    let table = readme_table();
    assert!(
        readme.contains(&table),
        "specs/README.md § Other OpenAPI 3.0.3 objects differs from pyng_spec::openapi_fields; the table is:\n\n{table}"
    );
}
