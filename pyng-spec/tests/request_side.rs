//! `requestBody`, response `headers` and shared `examples` in the IR and
//! the linter, on
//! `fixtures/request-side.yaml`.

use pyng_spec::ir::BodyEncoding;
use pyng_spec::{Diagnostic, load_str};

const BASE: &str = include_str!("fixtures/request-side.yaml");

fn problems(find: &str, replace: &str) -> (String, Vec<Diagnostic>) {
    assert!(BASE.contains(find), "fixture edit `{find}` does not apply");
    let text = BASE.replacen(find, replace, 1);
    let diags = match load_str("fixture.yaml", &text) {
        Ok(loaded) => loaded.warnings.0,
        Err(d) => d.0,
    };
    (text, diags)
}

fn line_of(text: &str, needle: &str) -> usize {
    let at = text.find(needle).unwrap();
    text[..at].matches('\n').count() + 1
}

#[test]
fn request_bodies_are_lowered_shared_or_inline() {
    let spec = load_str("fixture.yaml", BASE).unwrap().spec;
    let op = spec.operation("createOrder").unwrap();
    let body = op.request_body.as_ref().unwrap();
    assert!(body.required);
    assert_eq!(
        body.source.as_ref().unwrap().to_string(),
        "orders.md § Create an order"
    );
    assert_eq!(body.pointer, "/components/requestBodies/NewOrder");
    assert_eq!(body.contents.len(), 1);
    assert_eq!(body.contents[0].encoding, BodyEncoding::Json);
    assert!(
        body.content_for("Application/JSON; charset=utf-8")
            .is_some()
    );
    assert!(body.content_for("text/plain").is_none());
    let order = spec.model("Order").unwrap();
    let id = order.field("id").unwrap();
    assert!(id.read_only && id.required && !id.request_required);
    let note = spec
        .operation("createNote")
        .unwrap()
        .request_body
        .as_ref()
        .unwrap();
    assert!(!note.required);
    assert_eq!(note.contents[0].encoding, BodyEncoding::Form);
    assert!(spec.model("CreateNoteFormRequest").is_some());
}

#[test]
fn other_media_types_and_form_bodies_that_are_not_objects_are_refused() {
    let (text, diags) = problems(
        "          application/x-www-form-urlencoded:\n",
        "          text/plain:\n",
    );
    let hit = diags.iter().find(|d| d.rule == "lint.unsupported").unwrap();
    assert!(hit.message.contains("`text/plain`"), "{hit}");
    assert_eq!(hit.line, line_of(&text, "text/plain"));
    let (_, diags) = problems(
        "            schema:\n              type: object\n              properties:\n                text: {type: string}\n",
        "            schema: {type: string}\n",
    );
    assert!(
        diags
            .iter()
            .any(|d| d.rule == "lint.unsupported" && d.message.contains("form body")),
        "{diags:#?}"
    );
}

#[test]
fn a_dangling_request_body_reference_is_reported_with_the_closest_name() {
    let (text, diags) = problems(
        "$ref: \"#/components/requestBodies/NewOrder\"",
        "$ref: \"#/components/requestBodies/NewOrdr\"",
    );
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(diags[0].rule, "lint.dangling-ref");
    assert_eq!(
        diags[0].help.as_deref(),
        Some("did you mean `#/components/requestBodies/NewOrder`?")
    );
    assert_eq!(diags[0].line, line_of(&text, "NewOrdr"));
}

#[test]
fn request_examples_are_checked_as_requests() {
    // The response example carries the readOnly `id`; the request example
    // may not, and need not (it is required in responses only).
    assert!(load_str("fixture.yaml", BASE).is_ok());
    let (_, diags) = problems("example: {amount: 5}", "example: {id: o-1, amount: 5}");
    let hit = diags
        .iter()
        .find(|d| d.rule == "lint.example-violation")
        .unwrap_or_else(|| panic!("{diags:#?}"));
    assert!(hit.message.contains("schema.read-only"), "{hit}");
}

#[test]
fn a_property_both_read_only_and_write_only_is_refused() {
    let (text, diags) = problems(
        "id: {type: string, readOnly: true}",
        "id: {type: string, readOnly: true, writeOnly: true}",
    );
    let hit = diags
        .iter()
        .find(|d| d.rule == "lint.read-and-write-only")
        .unwrap_or_else(|| panic!("{diags:#?}"));
    assert_eq!(hit.line, line_of(&text, "writeOnly: true"));
}

#[test]
fn response_headers_are_lowered_shared_or_inline_but_content_type() {
    let spec = load_str("fixture.yaml", BASE).unwrap().spec;
    let op = spec.operation("createOrder").unwrap();
    let headers = &op.response(201).unwrap().headers;
    let names: Vec<&str> = headers.iter().map(|h| h.name.as_str()).collect();
    assert_eq!(names, ["Location", "X-Request-Count", "X-Related"]);
    assert!(headers[0].required);
    assert_eq!(headers[0].constraints.pattern.as_deref(), Some("^/orders/"));
    assert_eq!(headers[0].pointer, "/components/headers/Location");
    let (text, diags) = problems(
        "$ref: \"#/components/headers/Location\"",
        "$ref: \"#/components/headers/Locaton\"",
    );
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(diags[0].rule, "lint.dangling-ref");
    assert_eq!(diags[0].line, line_of(&text, "Locaton"));
    // A header's schema is a parameter's: `minLength` is read there, and
    // refused on its array's items, where the IR keeps no constraints.
    let (_, diags) = problems(
        "schema: {type: string, pattern: \"^/orders/\"}",
        "schema: {type: string, minLength: 3}",
    );
    assert!(diags.is_empty(), "{diags:#?}");
    let (_, diags) = problems(
        "schema: {type: string, pattern: \"^/orders/\"}",
        "schema: {type: array, items: {type: string, minLength: 3}}",
    );
    assert!(
        diags.iter().any(|d| d.rule == "lint.unsupported"),
        "{diags:#?}"
    );
}

#[test]
fn shared_examples_are_read_and_checked_where_they_are_written() {
    let spec = load_str("fixture.yaml", BASE).unwrap().spec;
    let op = spec.operation("createOrder").unwrap();
    let examples = &op.response(201).unwrap().examples;
    assert_eq!(examples.len(), 1);
    assert_eq!(examples[0].name, "created");
    assert_eq!(examples[0].summary.as_deref(), Some("A created order"));
    assert_eq!(
        examples[0].pointer,
        "/components/examples/CreatedOrder/value"
    );
    // Broken in components: reported there.
    let (text, diags) = problems("value: {id: o-1, amount: 5}", "value: {id: o-1, amount: 0}");
    let hit = diags
        .iter()
        .find(|d| d.rule == "lint.example-violation")
        .unwrap_or_else(|| panic!("{diags:#?}"));
    assert!(hit.message.contains("schema.minimum"), "{hit}");
    assert_eq!(hit.line, line_of(&text, "amount: 0}"));
    let (text, diags) = problems(
        "$ref: \"#/components/examples/CreatedOrder\"",
        "$ref: \"#/components/examples/CreatedOrdr\"",
    );
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(diags[0].rule, "lint.dangling-ref");
    assert_eq!(
        diags[0].help.as_deref(),
        Some("did you mean `#/components/examples/CreatedOrder`?")
    );
    assert_eq!(diags[0].line, line_of(&text, "CreatedOrdr"));
}

#[test]
fn x_idempotency_names_a_header_parameter_in_any_case() {
    let spec = load_str("fixture.yaml", BASE).unwrap().spec;
    let op = spec.operation("createOrder").unwrap();
    assert_eq!(op.idempotency.as_ref().unwrap().header, "idempotency-key");
    let (text, diags) = problems(
        "x-idempotency: {header: idempotency-key}",
        "x-idempotency: {header: Idempotency-Kee}",
    );
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(diags[0].rule, "lint.unknown-parameter");
    assert_eq!(
        diags[0].help.as_deref(),
        Some("did you mean `Idempotency-Key`?")
    );
    assert_eq!(diags[0].line, line_of(&text, "Idempotency-Kee"));
    // On a request body it would not be read.
    let (_, diags) = problems(
        "      x-source: \"orders.md#Create an order\"\n",
        "      x-idempotency: {header: Idempotency-Key}\n",
    );
    assert!(
        diags.iter().any(|d| d.rule == "lint.misplaced-extension"),
        "{diags:#?}"
    );
}
