//! Specs built to hurt the loader: `$ref` cycles and long alias chains, models
//! that hold themselves, durations past any sane bound, deep nesting, a byte
//! order mark. Each is refused with a located diagnostic or loads; none
//! overflows the stack or takes long (the sizes here took minutes before).

use pyng_spec::ir::Type;
use pyng_spec::{Diagnostic, load_str};

const BASE: &str = include_str!("fixtures/lint-base.yaml");

fn errors(text: &str) -> Vec<Diagnostic> {
    match load_str("hostile.yaml", text) {
        Ok(_) => Vec::new(),
        Err(d) => d.0,
    }
}

#[track_caller]
fn only_error<'d>(diags: &'d [Diagnostic], rule: &str) -> &'d Diagnostic {
    let hits: Vec<&Diagnostic> = diags.iter().filter(|d| d.rule == rule).collect();
    assert_eq!(hits.len(), 1, "{diags:#?}");
    hits[0]
}

/// 1-based line and column of the last occurrence of `needle`.
fn position_of_last(text: &str, needle: &str) -> (usize, usize) {
    let at = text.rfind(needle).unwrap();
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    (
        text[..at].matches('\n').count() + 1,
        text[line_start..at].chars().count() + 1,
    )
}

fn with_schemas(extra: &str) -> String {
    format!("{BASE}{extra}")
}

#[test]
fn a_schema_that_is_a_ref_to_itself_is_a_ref_cycle_at_the_ref() {
    let text = with_schemas("    A:\n      $ref: '#/components/schemas/A'\n");
    let diags = errors(&text);
    let d = only_error(&diags, "lint.ref-cycle");
    assert!(d.message.contains("A -> A"), "{d}");
    assert_eq!((d.line, d.column), position_of_last(&text, "$ref"), "{d}");
}

#[test]
fn a_two_schema_alias_cycle_names_both() {
    let text = with_schemas(
        "    A:\n      $ref: '#/components/schemas/B'\n    B:\n      $ref: '#/components/schemas/A'\n",
    );
    let diags = errors(&text);
    let d = only_error(&diags, "lint.ref-cycle");
    assert!(d.message.contains("A -> B -> A"), "{d}");
    assert_eq!((d.line, d.column), position_of_last(&text, "$ref"), "{d}");
}

#[test]
fn a_property_into_an_alias_cycle_is_refused_not_overflowed() {
    let text = BASE.replace(
        "        note:\n          type: string",
        "        note:\n          $ref: '#/components/schemas/A'",
    ) + "    A:\n      $ref: '#/components/schemas/B'\n    B:\n      $ref: '#/components/schemas/A'\n";
    let diags = errors(&text);
    assert!(
        diags.iter().any(|d| d.rule == "lint.ref-cycle"),
        "{diags:#?}"
    );
}

#[test]
fn a_list_of_itself_without_an_object_is_a_ref_cycle() {
    let text = with_schemas(
        "    L:\n      type: array\n      items:\n        $ref: '#/components/schemas/L'\n",
    );
    let diags = errors(&text);
    assert!(
        diags.iter().any(|d| d.rule == "lint.ref-cycle"),
        "{diags:#?}"
    );
}

/// 20 000 aliases, each to the next, ending at `Line`: every one is `Line`.
#[test]
fn a_long_alias_chain_loads() {
    let n = 20_000;
    let mut text = BASE.to_owned();
    for i in 0..n {
        text.push_str(&format!(
            "    A{i}:\n      $ref: '#/components/schemas/A{}'\n",
            i + 1
        ));
    }
    text.push_str(&format!(
        "    A{n}:\n      $ref: '#/components/schemas/Line'\n"
    ));
    let spec = load_str("chain.yaml", &text).unwrap().spec;
    assert!(spec.model("Line").is_some());
    // The same chain closed into a cycle is one error, not 20 000.
    let cyclic = text.replace(
        &format!("A{n}:\n      $ref: '#/components/schemas/Line'"),
        &format!("A{n}:\n      $ref: '#/components/schemas/A0'"),
    );
    let diags = errors(&cyclic);
    only_error(&diags, "lint.ref-cycle");
}

/// Models that reference each other 3 000 deep: references to models never
/// recurse while lowering.
#[test]
fn a_deep_chain_of_models_loads() {
    let n = 3_000;
    let mut text = BASE.to_owned();
    for i in 0..n {
        text.push_str(&format!(
            "    M{i}:\n      type: object\n      properties:\n        next:\n          $ref: '#/components/schemas/M{}'\n",
            i + 1
        ));
    }
    text.push_str(&format!("    M{n}:\n      type: object\n"));
    let spec = load_str("models.yaml", &text).unwrap().spec;
    let body = pyng_spec::synth::body(
        &spec,
        &Type::Named("M0".into()),
        &pyng_spec::synth::Options::default(),
    );
    assert!(body.is_object());
}

/// A tree: a node with a parent node and a list of child nodes, each with many
/// self-typed fields (which multiplied before).
const TREE: &str = "    Node:
      type: object
      required: [id, children]
      properties:
        id:
          type: string
        parent:
          $ref: '#/components/schemas/Node'
        left:
          $ref: '#/components/schemas/Node'
        right:
          $ref: '#/components/schemas/Node'
        children:
          type: array
          items:
            $ref: '#/components/schemas/Node'
        status:
          $ref: '#/components/schemas/OrderStatus'
";

fn tree_spec() -> pyng_spec::ir::Spec {
    let text = BASE.replace(
        "        note:\n          type: string",
        "        note:\n          $ref: '#/components/schemas/Node'",
    ) + TREE;
    load_str("tree.yaml", &text).unwrap().spec
}

#[test]
fn a_recursive_model_loads_synthesises_and_validates() {
    let spec = tree_spec();
    let node = spec.model("Node").unwrap();
    assert_eq!(node.field("parent").unwrap().ty, Type::Named("Node".into()));
    assert_eq!(
        node.field("children").unwrap().ty,
        Type::Array(Box::new(Type::Named("Node".into())))
    );
    for optional in [false, true] {
        for ty in ["Node", "Order"] {
            let ty = Type::Named(ty.into());
            let options = pyng_spec::synth::Options {
                optional,
                ..Default::default()
            };
            let body = pyng_spec::synth::body(&spec, &ty, &options);
            let errors: Vec<_> = pyng_spec::validate::validate(&spec, &ty, &body)
                .into_iter()
                .filter(|f| f.severity == pyng_spec::Severity::Error)
                .collect();
            assert!(errors.is_empty(), "{errors:#?}\n{body:#}");
        }
    }
    // A deep instance of it validates without overflowing.
    let mut deep = serde_json::json!({"id": "leaf", "children": []});
    for _ in 0..100 {
        deep = serde_json::json!({"id": "n", "children": [deep.clone()], "left": deep});
        if deep.to_string().len() > 1 << 20 {
            break;
        }
    }
    let _ = pyng_spec::validate::validate(&spec, &Type::Named("Node".into()), &deep);
}

#[cfg(feature = "codegen")]
#[test]
fn codegen_of_a_recursive_model_does_not_overflow() {
    let spec = tree_spec();
    let _ = pyng_spec::codegen::render(&spec);
}

#[test]
fn durations_past_a_year_are_refused_where_they_are_written() {
    let machine = "          Open: [Paid, Void]\n";
    for (value, refused) in [
        ("18446744073709551615", true),
        ("9223372036854775807", true),
        ("31536001", true),
        ("31536000", false),
    ] {
        let timeout = BASE.replace(
            machine,
            &format!("{machine}        timeouts:\n          - id: t\n            while: [Open]\n            afterSeconds: {value}\n"),
        );
        let polling = BASE.replace(
            "      x-resource-key: [orderId]\n",
            &format!("      x-resource-key: [orderId]\n      x-polling:\n        intervalSeconds: {value}\n"),
        );
        for (text, key) in [(timeout, "afterSeconds"), (polling, "intervalSeconds")] {
            let diags = errors(&text);
            if refused {
                let d = only_error(&diags, "lint.duration-range");
                assert!(d.message.contains(value), "{d}");
                let (line, _) = position_of_last(&text, key);
                assert_eq!(d.line, line, "{d}");
            } else {
                assert!(diags.is_empty(), "{diags:#?}");
            }
        }
    }
}

#[track_caller]
fn refused_as_too_deep(text: &str, line: usize, column: usize) {
    let diags = errors(text);
    let d = only_error(&diags, "lint.nesting-depth");
    assert_eq!((d.line, d.column), (line, column), "{d}");
    assert!(d.message.contains("64"), "{d}");
}

#[test]
fn deep_nesting_is_refused_at_the_level_past_the_limit() {
    let (line, _) = position_of_last(BASE, "x-draft");
    let at = "  x-deep: ".len() + 1;
    // `info` is level 2, so the 63rd bracket is level 65.
    for (open, before) in [("[", 62), ("{a: ", 62 * 4), ("[{a: ", 31 * 5)] {
        let text = BASE.replace(
            "  x-draft: true\n",
            &format!("  x-draft: true\n  x-deep: {}\n", open.repeat(100_000)),
        );
        let column = at + before;
        refused_as_too_deep(&text, line + 1, column);
    }
    // Block mappings nested by indentation count too.
    let mut text = String::from("openapi: 3.0.3\n");
    for i in 0..100 {
        text.push_str(&" ".repeat(i));
        text.push_str("a:\n");
    }
    refused_as_too_deep(&text, 2 + 64, 65);
}

#[test]
fn a_byte_order_mark_is_not_content() {
    let loaded = load_str("bom.yaml", &format!("\u{feff}{BASE}"));
    assert!(loaded.is_ok(), "{:?}", loaded.err());
    // Positions are those of the text without it.
    let broken = BASE.replace("openapi: 3.0.3", "openapi: 3.0.3\nx-drafts: 1");
    let plain = errors(&broken);
    assert!(!plain.is_empty());
    assert_eq!(errors(&format!("\u{feff}{broken}")), plain);
}

#[test]
fn whole_file_problems_are_at_1_1() {
    for text in [
        "a: 1\n---\nb: 2\n",
        "",
        "[1, 2]",
        "\u{feff}\u{feff}openapi: 3.0.3\n",
    ] {
        for d in errors(text) {
            assert!(d.line >= 1 && d.column >= 1, "{text:?}: {d}");
        }
    }
    let missing = pyng_spec::load_file("/nonexistent/hostile.yaml").unwrap_err();
    let d = only_error(&missing.0, "lint.unreadable");
    assert_eq!((d.line, d.column), (1, 1), "{d}");
}

/// A 30 000-value state machine generates in time linear in the enum (it was a
/// walk per pair of values): the code is one variant per value and one match
/// arm per state with transitions.
#[cfg(feature = "codegen")]
#[test]
fn codegen_of_a_30000_value_state_machine_is_linear() {
    let values: Vec<String> = (0..30_000).map(|i| format!("S{i}")).collect();
    let text = BASE.replace(
        "enum: [Open, Paid, Void]",
        &format!("enum: [Open, Paid, Void, {}]", values.join(", ")),
    );
    let spec = load_str("big.yaml", &text).unwrap().spec;
    let code = pyng_spec::codegen::render(&spec).unwrap();
    assert!(code.contains("S29999"));
    assert!(code.len() < 400 * text.len() / 10, "{} bytes", code.len());
}
