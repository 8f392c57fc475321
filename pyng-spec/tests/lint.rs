//! Each lint class on a broken copy of a small valid fixture: the rule, the message
//! and the line it points at.

use pyng_spec::{Diagnostic, load_str};

const BASE: &str = include_str!("fixtures/lint-base.yaml");

/// Applies `find -> replace` to the base fixture and returns the diagnostics.
fn lint(find: &str, replace: &str) -> (String, Vec<Diagnostic>) {
    assert!(BASE.contains(find), "fixture edit `{find}` does not apply");
    let text = BASE.replacen(find, replace, 1);
    let diags = match load_str("fixture.yaml", &text) {
        Ok(_) => Vec::new(),
        Err(d) => d.0,
    };
    (text, diags)
}

/// 1-based line of the first occurrence of `needle` in `text`.
fn line_of(text: &str, needle: &str) -> usize {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` not in fixture"));
    text[..at].matches('\n').count() + 1
}

#[track_caller]
fn expect(find: &str, replace: &str, rule: &str, message_part: &str, line_marker: &str) {
    let (text, diags) = lint(find, replace);
    let hit = diags
        .iter()
        .find(|d| d.rule == rule)
        .unwrap_or_else(|| panic!("no `{rule}` among:\n{diags:#?}"));
    assert!(
        hit.message.contains(message_part),
        "message `{}` lacks `{message_part}`",
        hit.message
    );
    assert_eq!(hit.file, "fixture.yaml");
    assert_eq!(
        hit.line,
        line_of(&text, line_marker),
        "wrong line for {hit}"
    );
    assert!(hit.column >= 1);
}

/// The column of a problem inside an invariant points at the offending token.
#[track_caller]
fn expect_column(find: &str, replace: &str, rule: &str, token: &str) {
    let (text, diags) = lint(find, replace);
    let hit = diags
        .iter()
        .find(|d| d.rule == rule)
        .unwrap_or_else(|| panic!("no `{rule}` among:\n{diags:#?}"));
    let line = text.lines().nth(hit.line - 1).unwrap();
    let expected = line.find(token).unwrap() + 1;
    assert_eq!(hit.column, expected, "{hit}");
}

#[test]
fn invariant_problems_point_at_the_token() {
    expect_column(
        "total == sum(lines[*].amount)",
        "total == sum(lines[*].amont)",
        "lint.invariant-field",
        "lines[*].amont",
    );
    expect_column(
        "total == sum(lines[*].amount)",
        "total = sum(lines[*].amount)",
        "lint.invariant-syntax",
        "= sum",
    );
}

#[test]
fn base_fixture_is_clean() {
    let (_, diags) = lint("", "");
    assert!(diags.is_empty(), "{diags:#?}");
}

#[test]
fn yaml_syntax() {
    expect(
        "  version: 1.0.0\n",
        "  version: [1.0.0\n",
        "lint.yaml-syntax",
        "YAML syntax",
        "x-draft",
    );
}

#[test]
fn openapi_structure() {
    expect(
        "      required: [orderId, status]\n",
        "      required: 7\n",
        "lint.openapi-structure",
        "invalid type: integer `7`, expected a sequence",
        "    Order:",
    );
}

#[test]
fn unknown_extension() {
    expect(
        "  x-draft: true",
        "  x-drafty: true",
        "lint.unknown-extension",
        "unknown extension `x-drafty`",
        "x-drafty",
    );
}

#[test]
fn dangling_ref() {
    expect(
        "$ref: \"#/components/schemas/Line\"",
        "$ref: \"#/components/schemas/Lien\"",
        "lint.dangling-ref",
        "`Lien`",
        "Lien",
    );
}

#[test]
fn transition_to_unknown_state() {
    expect(
        "Open: [Paid, Void]",
        "Open: [Paid, Refunded]",
        "lint.unknown-state",
        "transition target `Refunded` is not a value of OrderStatus",
        "Refunded",
    );
}

#[test]
fn final_state_unknown() {
    expect(
        "final: [Paid, Void]",
        "final: [Paid, Closed]",
        "lint.unknown-state",
        "final state `Closed`",
        "final: [Paid, Closed]",
    );
}

#[test]
fn final_state_left() {
    expect(
        "          Open: [Paid, Void]\n",
        "          Open: [Paid, Void]\n          Paid: [Open]\n",
        "lint.final-state-left",
        "`Paid` is final",
        "Paid: [Open]",
    );
}

const TRANSITIONS: &str = "          Open: [Paid, Void]\n";

fn with_corrections(corrections: &str) -> String {
    format!("{TRANSITIONS}        corrections:\n{corrections}")
}

#[test]
fn a_documented_correction_out_of_a_final_state_is_clean() {
    let (_, diags) = lint(TRANSITIONS, &with_corrections("          Void: [Paid]\n"));
    assert!(diags.is_empty(), "{diags:#?}");
}

#[test]
fn a_correction_starts_at_a_final_state() {
    expect(
        TRANSITIONS,
        &with_corrections("          Open: [Void]\n"),
        "lint.bad-correction",
        "`Open` is not a final state: a correction leaves a final state",
        "Open: [Void]",
    );
}

#[test]
fn a_correction_leads_to_another_state() {
    expect(
        TRANSITIONS,
        &with_corrections("          Void: [Void]\n"),
        "lint.bad-correction",
        "`Void` is corrected to itself",
        "Void: [Void]",
    );
}

#[test]
fn a_correction_names_states_of_the_enum() {
    expect(
        TRANSITIONS,
        &with_corrections("          Void: [Refunded]\n"),
        "lint.unknown-state",
        "correction target `Refunded` is not a value of OrderStatus",
        "Void: [Refunded]",
    );
    expect(
        TRANSITIONS,
        &with_corrections("          Voided: [Paid]\n"),
        "lint.unknown-state",
        "correction source `Voided` is not a value of OrderStatus",
        "Voided: [Paid]",
    );
}

#[test]
fn invariant_names_unknown_field() {
    expect(
        "total == sum(lines[*].amount)",
        "totl == sum(lines[*].amount)",
        "lint.invariant-field",
        "reads `totl`: `totl` is not a property of Order",
        "totl ==",
    );
}

#[test]
fn invariant_field_of_wrong_type() {
    expect(
        "total == sum(lines[*].amount)",
        "note == sum(lines[*].amount)",
        "lint.invariant-field",
        "reads `note`: wrong type",
        "note ==",
    );
}

#[test]
fn invariant_syntax() {
    expect(
        "total == sum(lines[*].amount)",
        "total = sum(lines[*].amount)",
        "lint.invariant-syntax",
        "amount.total-is-sum-of-lines",
        "total = sum",
    );
}

#[test]
fn example_violating_the_invariants() {
    expect(
        "                    total: 300\n",
        "                    total: 301\n",
        "lint.example-violation",
        "breaks amount.total-is-sum-of-lines",
        "total: 301",
    );
}

#[test]
fn example_violating_the_schema() {
    expect(
        "                    status: Open\n",
        "                    status: open\n",
        "lint.example-violation",
        "breaks schema.enum",
        "status: open",
    );
}

#[test]
fn expected_violation_opt_out_is_honoured_and_must_be_needed() {
    let opt_out = "                good:\n                  x-expected-violations: [amount.total-is-sum-of-lines]\n";
    let (_, diags) = lint(
        "                good:\n                  value:\n                    orderId: o-1\n                    status: Open\n                    total: 300\n",
        &format!(
            "{opt_out}                  value:\n                    orderId: o-1\n                    status: Open\n                    total: 301\n"
        ),
    );
    assert!(
        diags.is_empty(),
        "a listed violation is not reported: {diags:#?}"
    );
    expect(
        "                good:\n",
        opt_out,
        "lint.stale-expected-violation",
        "does not break it",
        "x-expected-violations",
    );
}

#[test]
fn malformed_extension() {
    expect(
        "x-unit: cents\n        note",
        "x-unit: euros\n        note",
        "lint.malformed-extension",
        "unknown unit `euros`",
        "euros",
    );
}

#[test]
fn echo_pointer_to_nothing() {
    expect(
        "pointer: /orderId",
        "pointer: /orderNumber",
        "lint.unknown-field",
        "`/orderNumber` does not name a property",
        "/orderNumber",
    );
}

#[test]
fn resource_key_names_unknown_parameter() {
    expect(
        "x-resource-key: [orderId]",
        "x-resource-key: [orderNo]",
        "lint.unknown-parameter",
        "`orderNo` is not a parameter",
        "x-resource-key",
    );
}

#[test]
fn every_problem_is_listed() {
    let (_, diags) = lint("Open: [Paid, Void]", "Open: [Paid, Refunded, Gone]");
    assert_eq!(
        diags
            .iter()
            .filter(|d| d.rule == "lint.unknown-state")
            .count(),
        2,
        "{diags:#?}"
    );
}

#[test]
fn diagnostics_render_as_file_line_column() {
    let (_, diags) = lint("  x-draft: true", "  x-drafty: true");
    assert_eq!(
        diags[0].to_string(),
        "fixture.yaml:5:3: error[lint.unknown-extension]: unknown extension `x-drafty`; the vocabulary is documented in specs/README.md"
    );
}

/// Every known `x-` key that stands where the loader does not read it is
/// `lint.misplaced-extension`, at the key; the well-placed ones are not.
#[test]
fn misplaced_extensions_are_refused_where_they_stand() {
    let text = include_str!("fixtures/misplaced-extensions.yaml");
    let diags = match load_str("misplaced.yaml", text) {
        Ok(_) => panic!("a spec with misplaced extensions loads"),
        Err(d) => d.0,
    };
    let misplaced: Vec<(usize, usize, &str)> = diags
        .iter()
        .filter(|d| d.rule == "lint.misplaced-extension")
        .map(|d| {
            let line = text.lines().nth(d.line - 1).unwrap();
            let key = line[d.column - 1..].split(':').next().unwrap();
            (d.line, d.column, key)
        })
        .collect();
    let expected_at = |marker: &'static str, nth: usize| {
        let (i, line) = text
            .lines()
            .enumerate()
            .filter(|(_, l)| l.trim_start().starts_with(marker))
            .nth(nth)
            .unwrap_or_else(|| panic!("`{marker}` #{nth} not in the fixture"));
        (i + 1, line.find(marker).unwrap() + 1, marker)
    };
    assert_eq!(
        misplaced,
        [
            expected_at("x-stable", 0),        // on info
            expected_at("x-polling", 0),       // on a path item
            expected_at("x-stable", 1),        // on an operation
            expected_at("x-echo", 0),          // on a parameter
            expected_at("x-echo", 1),          // on the Responses object
            expected_at("x-outcome", 0),       // on a response
            expected_at("x-state-machine", 0), // on an object schema
            expected_at("x-stable", 3),        // beside a `$ref`
            expected_at("x-invariants", 0),    // on an integer property
            expected_at("x-unit", 3),          // on an array's items
            expected_at("x-stable", 4),        // on a component enum schema
        ],
        "{diags:#?}"
    );
    for d in diags
        .iter()
        .filter(|d| d.rule == "lint.misplaced-extension")
    {
        assert!(d.message.contains("has no effect on"), "{d}");
        assert!(d.message.contains("it applies to"), "{d}");
    }
}

#[test]
fn misplaced_extension_on_an_operation() {
    expect(
        "      operationId: getOrderStatus\n",
        "      operationId: getOrderStatus\n      x-stable: true\n",
        "lint.misplaced-extension",
        "`x-stable` has no effect on an operation; it applies to a property schema",
        "x-stable",
    );
    expect_column(
        "      operationId: getOrderStatus\n",
        "      operationId: getOrderStatus\n      x-stable: true\n",
        "lint.misplaced-extension",
        "x-stable",
    );
}

#[test]
fn well_placed_extensions_and_unknown_ones_are_not_misplaced() {
    let (_, diags) = lint(
        "        orderId:\n          type: string\n",
        "        orderId:\n          type: string\n          x-stable: true\n          x-source: \"doc.md#Order\"\n",
    );
    assert!(diags.is_empty(), "{diags:#?}");
    let (_, diags) = lint("  x-draft: true", "  x-drafty: true");
    assert_eq!(
        diags.iter().map(|d| d.rule).collect::<Vec<_>>(),
        ["lint.unknown-extension"]
    );
}

/// The `where` column of the vocabulary in specs/README.md is the placement
/// table the linter enforces.
#[test]
fn the_documented_placement_is_the_enforced_one() {
    use pyng_spec::extensions::EXTENSIONS;
    let readme = include_str!("../../specs/README.md");
    let mut documented = Vec::new();
    for line in readme.lines() {
        let cells: Vec<&str> = line.split(" | ").collect();
        let Some(key) = cells[0].strip_prefix("| `x-") else {
            continue;
        };
        let key = format!("x-{}", key.trim_end_matches('`'));
        if key.contains('.') {
            continue; // a member of another extension's value
        }
        // "a, b; also ..." -> ["a", "b"]
        let places = cells[1].split(';').next().unwrap();
        let places: Vec<String> = places.split(", ").map(str::to_owned).collect();
        documented.push((key, places));
    }
    let enforced: Vec<(String, Vec<String>)> = EXTENSIONS
        .iter()
        .map(|e| {
            let places = e.places.iter().map(|p| p.name().to_owned()).collect();
            (e.key.to_owned(), places)
        })
        .collect();
    let (mut documented, mut enforced) = (documented, enforced);
    documented.sort();
    enforced.sort();
    assert_eq!(documented, enforced);
}

#[test]
fn a_status_range_outside_1xx_to_5xx_is_refused_at_its_key() {
    expect(
        "      responses:\n",
        "      responses:\n        \"9XX\":\n          description: Nonsense\n",
        "lint.unsupported",
        "`9XX` is not a status range",
        "description: Nonsense",
    );
}

#[test]
fn a_lowercase_status_range_is_refused_with_its_spelling() {
    expect(
        "      responses:\n",
        "      responses:\n        \"5xx\":\n          description: Server error\n",
        "lint.openapi-structure",
        "`5xx` is not a status range: OAS 3.0.3 writes the wildcard as an uppercase `X`",
        "\"5xx\":",
    );
    let (_, diags) = lint(
        "      responses:\n",
        "      responses:\n        \"4xX\":\n          description: Client error\n",
    );
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(diags[0].help.as_deref(), Some("write `4XX`"));
}

#[test]
fn status_ranges_and_default_are_read() {
    let (_, diags) = lint(
        "      responses:\n",
        "      responses:\n        \"5XX\":\n          description: Server error\n        default:\n          description: Other\n",
    );
    assert_eq!(diags, []);
}

#[test]
fn a_server_variable_without_a_definition_is_reported() {
    expect(
        "paths:\n",
        "servers:\n  - url: https://h.example/{stage}\npaths:\n",
        "lint.unknown-parameter",
        "`https://h.example/{stage}` has a variable that `variables` does not define",
        "url: https://h.example/{stage}",
    );
}

#[test]
fn servers_of_a_path_or_an_operation_are_refused() {
    expect(
        "    get:\n      operationId: getOrderStatus\n",
        "    servers:\n      - url: /v2\n    get:\n      operationId: getOrderStatus\n",
        "lint.unsupported",
        "`servers` of a path item are not supported",
        "- url: /v2",
    );
    expect(
        "      operationId: getOrderStatus\n",
        "      operationId: getOrderStatus\n      servers:\n        - url: /v2\n",
        "lint.unsupported",
        "`servers` of an operation are not supported",
        "- url: /v2",
    );
}

/// A spec whose parameter and 200 response are shared components, the
/// response through a chain of two `$ref`s.
const SHARED: &str = r##"openapi: 3.0.3
info: {title: Shared, version: "1"}
paths:
  /orders/{orderId}:
    get:
      operationId: getOrder
      x-resource-key: [orderId]
      parameters:
        - $ref: "#/components/parameters/OrderId"
      responses:
        "200":
          $ref: "#/components/responses/Ok"
components:
  parameters:
    OrderId:
      name: orderId
      in: path
      required: true
      schema: {type: string, pattern: "^o-"}
  responses:
    Ok:
      $ref: "#/components/responses/OrderOk"
    OrderOk:
      description: OK
      content:
        application/json:
          schema: {$ref: "#/components/schemas/Order"}
          examples:
            good: {value: {orderId: o-1}}
  schemas:
    Order:
      type: object
      required: [orderId]
      properties:
        orderId: {type: string}
"##;

fn shared_problems(find: &str, replace: &str) -> (String, Vec<Diagnostic>) {
    assert!(SHARED.contains(find), "{find}");
    let text = SHARED.replacen(find, replace, 1);
    let diags = load_str("fixture.yaml", &text)
        .err()
        .map(|d| d.0)
        .unwrap_or_default();
    (text, diags)
}

#[test]
fn shared_parameters_and_responses_are_read_where_they_are_used() {
    let spec = load_str("fixture.yaml", SHARED)
        .unwrap_or_else(|d| panic!("{d}"))
        .spec;
    let op = &spec.operations[0];
    assert_eq!(op.params.len(), 1);
    assert_eq!(op.params[0].name, "orderId");
    assert!(op.params[0].required);
    assert_eq!(op.params[0].constraints.pattern.as_deref(), Some("^o-"));
    assert_eq!(op.responses.len(), 1);
    assert_eq!(
        op.responses[0].body,
        Some(pyng_spec::ir::Type::Named("Order".into()))
    );
    assert_eq!(
        op.responses[0].examples[0].pointer,
        "/components/responses/OrderOk/content/application~1json/examples/good/value"
    );
}

#[test]
fn a_dangling_shared_component_is_one_problem_with_a_suggestion() {
    let (text, diags) = shared_problems(
        "- $ref: \"#/components/parameters/OrderId\"",
        "- $ref: \"#/components/parameters/OrderI\"",
    );
    assert_eq!(diags.len(), 1, "{diags:#?}");
    let d = &diags[0];
    assert_eq!(d.rule, "lint.dangling-ref");
    assert!(
        d.message
            .contains("`OrderI`, which is not in components/parameters"),
        "{d}"
    );
    assert_eq!(
        d.help.as_deref(),
        Some("did you mean `#/components/parameters/OrderId`?")
    );
    assert_eq!(d.line, line_of(&text, "OrderI\""));
    let (_, diags) = shared_problems(
        "$ref: \"#/components/responses/OrderOk\"",
        "$ref: \"#/components/responses/OrderKo\"",
    );
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert!(
        diags[0].message.contains("components/responses"),
        "{}",
        diags[0]
    );
    let (_, diags) = shared_problems(
        "- $ref: \"#/components/parameters/OrderId\"",
        "- $ref: \"common.yaml#/components/parameters/OrderId\"",
    );
    assert!(
        diags
            .iter()
            .any(|d| d.rule == "lint.dangling-ref"
                && d.message.contains("cannot read `common.yaml`")),
        "{diags:#?}"
    );
}

#[test]
fn a_cycle_of_shared_components_is_reported() {
    let (_, diags) = shared_problems(
        "$ref: \"#/components/responses/OrderOk\"",
        "$ref: \"#/components/responses/Ok\"",
    );
    assert!(
        diags.iter().any(|d| d.rule == "lint.ref-cycle"),
        "{diags:#?}"
    );
}

const OK_200: &str = "        \"200\":\n          description: OK\n";

fn with_link(link: &str) -> String {
    format!("{OK_200}          links:\n            again:\n{link}")
}

#[test]
fn links_name_an_operation_of_the_spec_and_its_parameters() {
    let good = with_link(
        "              operationId: getOrderStatus\n              parameters:\n                orderId: \"$response.body#/orderId\"\n",
    );
    let (_, diags) = lint(OK_200, &good);
    assert!(diags.is_empty(), "{diags:#?}");
    expect(
        OK_200,
        &with_link("              operationId: getOrderStatu\n"),
        "lint.dangling-link",
        "did you mean `getOrderStatus`?",
        "operationId: getOrderStatu\n",
    );
    expect(
        OK_200,
        &with_link(
            "              operationId: getOrderStatus\n              parameters:\n                orderNo: \"$response.body#/orderId\"\n",
        ),
        "lint.dangling-link",
        "`orderNo` is not a parameter of `getOrderStatus`",
        "orderNo:",
    );
}

#[test]
fn link_forms_the_kit_cannot_follow_are_refused() {
    expect(
        OK_200,
        &with_link("              operationRef: \"#/paths/~1orders~1{orderId}~1status/get\"\n"),
        "lint.unsupported",
        "`operationRef` is not supported",
        "operationRef:",
    );
    expect(
        OK_200,
        &with_link(
            "              operationId: getOrderStatus\n              parameters:\n                orderId: \"$url\"\n",
        ),
        "lint.unsupported",
        "not a runtime expression the kit follows",
        "orderId: \"$url\"",
    );
    expect(
        OK_200,
        &with_link(
            "              operationId: getOrderStatus\n              parameters:\n                orderId: \"$response.body/orderId\"\n",
        ),
        "lint.unsupported",
        "`$response.body#/pointer`",
        "orderId: \"$response.body/orderId\"",
    );
    expect(
        OK_200,
        &with_link(
            "              operationId: getOrderStatus\n              parameters:\n                orderId: \"id-{$response.body#/orderId}\"\n",
        ),
        "lint.unsupported",
        "embedded",
        "orderId: \"id-",
    );
}

#[test]
fn oauth2_is_read_for_the_client_credentials_flow_only() {
    let scheme = |flows: &str| {
        format!(
            "components:\n  securitySchemes:\n    oauth:\n      type: oauth2\n      flows:\n{flows}"
        )
    };
    let cc = "        clientCredentials:\n          tokenUrl: https://h.example/oauth/token\n          scopes: {}\n";
    let (text, diags) = lint("components:\n", &scheme(cc));
    assert!(diags.is_empty(), "{diags:#?}");
    let spec = load_str("fixture.yaml", &text).unwrap().spec;
    assert!(matches!(
        spec.security_schemes.get("oauth"),
        Some(pyng_spec::ir::SecurityScheme::Bearer { token_url: Some(u) }) if u == "https://h.example/oauth/token"
    ));
    let implicit = "        implicit:\n          authorizationUrl: https://h.example/auth\n          scopes: {}\n";
    expect(
        "components:\n",
        &scheme(&format!("{cc}{implicit}")),
        "lint.unsupported",
        "`implicit` is not supported",
        "        implicit:",
    );
    // No flow the kit follows.
    let password = "        password:\n          tokenUrl: https://h.example/oauth/token\n          scopes: {}\n";
    expect(
        "components:\n",
        &scheme(password),
        "lint.unsupported",
        "`password` is not supported",
        "        password:",
    );
}

#[test]
fn rate_limit_names_parameters_and_admits_something() {
    let limit = |body: &str| format!("x-resource-key: [orderId]\n      x-rate-limit: {body}");
    let (_, diags) = lint(
        "x-resource-key: [orderId]",
        &limit("{requests: 2, perSeconds: 60, key: [orderId], x-source: \"doc.md#Limits\"}"),
    );
    assert!(diags.is_empty(), "{diags:#?}");
    expect(
        "x-resource-key: [orderId]",
        &limit("{requests: 2, perSeconds: 60, key: [merchant]}"),
        "lint.unknown-parameter",
        "`merchant` is not a parameter of getOrderStatus",
        "x-rate-limit",
    );
    for (body, part) in [
        ("{requests: 0, perSeconds: 60}", "admits at least 1 request"),
        (
            "{requests: 10001, perSeconds: 60}",
            "at most 10000 requests",
        ),
        ("{requests: 2, perSeconds: 0}", "at least 1 second"),
    ] {
        expect(
            "x-resource-key: [orderId]",
            &limit(body),
            "lint.malformed-extension",
            part,
            "x-rate-limit",
        );
    }
    expect(
        "x-resource-key: [orderId]",
        &limit("{requests: 2, perSeconds: 31536001}"),
        "lint.duration-range",
        "more than a year",
        "x-rate-limit",
    );
    expect(
        "x-resource-key: [orderId]",
        &limit("{requests: 2, perSecond: 60}"),
        "lint.malformed-extension",
        "perSecond",
        "x-rate-limit",
    );
}

#[test]
fn rate_limit_elsewhere_than_an_operation_is_misplaced() {
    expect(
        "        orderId:\n          type: string\n",
        "        orderId:\n          type: string\n          x-rate-limit: {requests: 2, perSeconds: 60}\n",
        "lint.misplaced-extension",
        "`x-rate-limit` has no effect on this schema; it applies to an operation",
        "x-rate-limit",
    );
}

#[test]
fn a_path_level_parameter_is_placed_where_the_path_item_lists_it() {
    let shared = "  /orders/{orderId}/status:\n    parameters:\n      - name: q\n        in: query\n        schema:\n          type: string\n          pattern: \"(\"\n    get:\n";
    expect(
        "  /orders/{orderId}/status:\n    get:\n",
        shared,
        "lint.bad-pattern",
        "",
        "          pattern: \"(\"",
    );
}

#[test]
fn a_parameter_that_is_an_array_of_arrays_or_objects_is_refused() {
    for items in [
        "{type: array, items: {type: integer}}",
        "{type: object, properties: {a: {type: string}}}",
    ] {
        let param = format!(
            "      parameters:\n        - name: grid\n          in: query\n          schema: {{type: array, items: {items}}}\n"
        );
        expect(
            "      parameters:\n",
            &param,
            "lint.unsupported",
            "parameter `grid` is an array of arrays or objects",
            "schema: {type: array",
        );
    }
}
