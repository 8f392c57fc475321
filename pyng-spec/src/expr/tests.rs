use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::*;

const PAID: &str =
    "amountPaid == sum(lineItems[*], amountTotal ?? amountSubtotal - sum(discounts[*].amount))";
const LINE_TOTAL: &str = "amountTotal == amountSubtotal - sum(discounts[*].amount)";
const LINE_SUBTOTAL: &str = "amountSubtotal >= quantity * amountPerUnit";

fn seed_data() -> Value {
    json!({
        "transactionId": "bae2e821-...",
        "transactionStatus": "Settled",
        "transactionUpdated": 1731821436160_i64,
        "lineItems": [
            {"itemId": "flat-white", "quantity": 1, "amountPerUnit": 450, "amountSubtotal": 500, "amountTotal": 500},
            {"itemId": "flat-white", "quantity": 1, "amountPerUnit": 450, "amountSubtotal": 550, "amountTotal": 550},
            {"itemId": "SKU1234-56789", "quantity": 1, "amountPerUnit": 890, "amountSubtotal": 1090,
             "discounts": [{"amount": 100, "reason": "Site promotion"}, {"amount": 50, "reason": "POS coupon"}],
             "amountTotal": 940},
            {"itemId": "blueberry-muffin", "quantity": 1, "amountPerUnit": 450, "amountSubtotal": 450, "amountTotal": 450}
        ],
        "amountPaid": 2940
    })
}

fn eval(src: &str, instance: &Value) -> Evaluation {
    evaluate(&parse(src).unwrap(), instance)
}

fn violation(e: Evaluation) -> Violation {
    match e {
        Evaluation::Violated(v) => v,
        other => panic!("expected a violation, got {other:?}"),
    }
}

fn error(e: Evaluation) -> EvalError {
    match e {
        Evaluation::Error(e) => e,
        other => panic!("expected an error, got {other:?}"),
    }
}

fn op(pointer: &str, value: i64) -> Operand {
    Operand {
        pointer: pointer.into(),
        value: Num::Int(value),
    }
}

// ---- the seed example ----

#[test]
fn seed_amount_paid_is_violated() {
    let v = violation(eval(PAID, &seed_data()));
    assert_eq!((v.lhs, v.rhs), (Num::Int(2940), Num::Int(2440)));
    assert!(v.operands.contains(&op("/amountPaid", 2940)));
    assert!(v.operands.contains(&op("/lineItems/2/amountTotal", 940)));
    // amountTotal is present everywhere, so the fallback was never read.
    assert_eq!(v.operands.len(), 5);
    assert!(!v.operands.iter().any(|o| o.pointer.contains("discounts")));
    assert_eq!(
        v.message,
        format!("{PAID} does not hold: left side is 2940, right side is 2440")
    );
}

#[test]
fn seed_line_invariants() {
    let data = seed_data();
    let items = data["lineItems"].as_array().unwrap();
    assert_eq!(eval(LINE_TOTAL, &items[2]), Evaluation::Holds);
    for item in items {
        assert_eq!(eval(LINE_SUBTOTAL, item), Evaluation::Holds);
    }
    // Without a discounts array the rule is not applicable (absent operand).
    assert_eq!(
        eval(LINE_TOTAL, &items[0]),
        Evaluation::NotApplicable {
            absent: vec!["/discounts".into()]
        }
    );
}

#[test]
fn coalesce_falls_back_to_subtotal_minus_discounts() {
    let mut data = seed_data();
    data["lineItems"][2]
        .as_object_mut()
        .unwrap()
        .remove("amountTotal");
    data["amountPaid"] = json!(2440);
    assert_eq!(eval(PAID, &data), Evaluation::Holds);
    data["amountPaid"] = json!(1);
    let v = violation(eval(PAID, &data));
    let discounts = [
        op("/lineItems/2/amountSubtotal", 1090),
        op("/lineItems/2/discounts/0/amount", 100),
    ];
    assert!(discounts.iter().all(|d| v.operands.contains(d)), "{v:?}");
}

#[test]
fn absent_and_empty_line_items() {
    let absent = json!({"amountPaid": 10});
    assert_eq!(
        eval(PAID, &absent),
        Evaluation::NotApplicable {
            absent: vec!["/lineItems".into()]
        }
    );
    let null = json!({"amountPaid": 10, "lineItems": null});
    assert!(matches!(
        eval(PAID, &null),
        Evaluation::NotApplicable { .. }
    ));
    let empty = json!({"amountPaid": 0, "lineItems": []});
    assert_eq!(eval(PAID, &empty), Evaluation::Holds);
}

#[test]
fn absent_parts_of_sums_contribute_nothing() {
    let data = json!({"t": 5, "a": [{"v": 2}, {}, {"v": null}, null, {"v": 3}]});
    assert_eq!(eval("t == sum(a[*].v)", &data), Evaluation::Holds);
    assert_eq!(eval("t == sum(a[*], v * 1)", &data), Evaluation::Holds);
    // Nested arrays: a missing inner array drops out like a missing leaf.
    let nested = json!({"t": 3, "a": [{"b": [{"c": 1}, {"c": 2}]}, {}]});
    assert_eq!(eval("t == sum(a[*].b[*].c)", &nested), Evaluation::Holds);
    assert_eq!(
        eval("t == sum(a[*], sum(b[*].c))", &nested),
        Evaluation::Holds
    );
    assert_eq!(
        eval("6 == sum(n[*][*])", &json!({"n": [[1, 2], [], [3]]})),
        Evaluation::Holds
    );
}

#[test]
fn absent_comparison_side_is_not_applicable() {
    let e = eval("a + b == c", &json!({"a": 1, "c": null}));
    assert_eq!(
        e,
        Evaluation::NotApplicable {
            absent: vec!["/b".into(), "/c".into()]
        }
    );
    // A coalesced-away absence is not reported.
    assert_eq!(eval("x ?? 1 == 1", &json!({})), Evaluation::Holds);
    let e = eval("(x ?? y) == 1", &json!({}));
    assert_eq!(
        e,
        Evaluation::NotApplicable {
            absent: vec!["/y".into()]
        }
    );
    // An escape hatch for optional arrays that mean "none".
    assert_eq!(
        eval("9 == s - (sum(d[*].x) ?? 0)", &json!({"s": 9})),
        Evaluation::Holds
    );
}

#[test]
fn errors_win_over_not_applicable() {
    let e = error(eval("missing == bad", &json!({"bad": true})));
    assert_eq!(e.pointer.as_deref(), Some("/bad"));
    assert!(e.message.contains("expected a number"), "{e}");
}

// ---- numbers ----

#[test]
fn overflow_is_an_error_naming_a_pointer() {
    let item = json!({"quantity": i64::MAX, "amountPerUnit": 2, "amountSubtotal": 1});
    let e = error(eval(LINE_SUBTOTAL, &item));
    assert_eq!(e.pointer.as_deref(), Some("/quantity"));
    assert!(e.message.contains("overflow"), "{e}");

    let data = json!({"t": 1, "a": [{"v": i64::MAX}, {"v": 1}]});
    let e = error(eval("t == sum(a[*].v)", &data));
    assert_eq!(e.pointer.as_deref(), Some("/a/1/v"));
    let e = error(eval("t == sum(a[*], v + 0)", &data));
    assert_eq!(e.pointer.as_deref(), Some("/a/1/v"));

    let e = error(eval("-m == 0", &json!({"m": i64::MIN})));
    assert_eq!(e.pointer.as_deref(), Some("/m"));
    let e = error(eval("m - 1 == 0", &json!({"m": i64::MIN})));
    assert_eq!(e.pointer.as_deref(), Some("/m"));
}

#[test]
fn floats_and_huge_numbers_are_errors() {
    let huge = [json!(1.5), json!(1e30), json!(u64::MAX), json!(-1e300)];
    for v in huge {
        let e = error(eval("x == 0", &json!({ "x": v })));
        assert_eq!(e.pointer.as_deref(), Some("/x"));
        assert!(
            e.message.contains("value out of range for integer cents"),
            "{e}"
        );
    }
    let e = error(eval("x == 0", &json!({"x": "1".repeat(40)})));
    assert!(e.message.contains("decimal string out of range"), "{e}");
    for v in [
        json!(true),
        json!("abc"),
        json!("1e5"),
        json!(" 1"),
        json!("1."),
        json!({}),
        json!([]),
    ] {
        let e = error(eval("x == 0", &json!({ "x": v })));
        assert!(e.message.contains("expected a number"), "{e}");
    }
}

#[test]
fn decimal_strings_are_exact() {
    let data = json!({"a": "0.10", "b": "0.20", "c": "0.30", "p": "14.99", "n": 3, "z": "-0.5"});
    assert_eq!(eval("a + b == c", &data), Evaluation::Holds);
    assert_eq!(eval("a + b == 0.3", &data), Evaluation::Holds);
    assert_eq!(eval("p * n == 44.97", &data), Evaluation::Holds);
    assert_eq!(eval("n == 3.00", &data), Evaluation::Holds);
    assert_eq!(eval("z < 0", &data), Evaluation::Holds);
    let v = violation(eval("p * n == 45", &data));
    assert_eq!(v.lhs, Num::Dec(Decimal::new(4497, 2)));
    assert_eq!(v.lhs.to_string(), "44.97");
    assert_eq!(v.operands[0].value.to_string(), "14.99");
    assert!(
        v.message.ends_with("left side is 44.97, right side is 45"),
        "{}",
        v.message
    );
}

#[test]
fn inexact_decimal_products_are_errors() {
    let data = json!({"a": "0.00000000000001", "b": "0.000000000000001"});
    let e = error(eval("a * b == 0", &data));
    assert_eq!(e.pointer.as_deref(), Some("/a"));
}

#[test]
fn pointers_are_escaped() {
    let data = json!({"a/b~c": 1, "x": [{"k/": 2}]});
    let v = violation(eval(r#""a/b~c" + sum(x[*]."k/") == 0"#, &data));
    assert_eq!(v.operands, vec![op("/a~1b~0c", 1), op("/x/0/k~1", 2)]);
}

#[test]
fn wrong_shapes_are_errors() {
    let e = error(eval("sum(a[*].v) == 0", &json!({"a": {"v": 1}})));
    assert_eq!(
        (e.pointer.as_deref(), e.message.as_str()),
        (Some("/a"), "expected an array, found an object")
    );
    let e = error(eval("a.b == 0", &json!({"a": 3})));
    assert_eq!(e.pointer.as_deref(), Some("/a"));
    let e = error(eval("sum(a[*], v) == 0", &json!({"a": [1]})));
    assert_eq!(e.pointer.as_deref(), Some("/a/0"));
    assert!(matches!(eval("a == 0", &json!([1])), Evaluation::Error(_)));
}

// ---- parsing ----

fn strip(e: &Expr) -> Expr {
    let path = |p: &Path| Path::new(p.segments.clone());
    let b = |e: &Expr| Box::new(strip(e));
    Expr::new(match &e.kind {
        ExprKind::Field(p) => ExprKind::Field(path(p)),
        ExprKind::Sum { over, each } => ExprKind::Sum {
            over: path(over),
            each: each.as_deref().map(b),
        },
        ExprKind::Neg(a) => ExprKind::Neg(b(a)),
        ExprKind::Add(x, y) => ExprKind::Add(b(x), b(y)),
        ExprKind::Sub(x, y) => ExprKind::Sub(b(x), b(y)),
        ExprKind::Mul(x, y) => ExprKind::Mul(b(x), b(y)),
        ExprKind::Coalesce(x, y) => ExprKind::Coalesce(b(x), b(y)),
        k @ (ExprKind::Int(_) | ExprKind::Decimal(_)) => k.clone(),
    })
}

fn field(name: &str) -> Expr {
    Expr::new(ExprKind::Field(Path::new(vec![Segment::Field(
        name.into(),
    )])))
}

fn bx(e: Expr) -> Box<Expr> {
    Box::new(e)
}

fn lhs(src: &str) -> Expr {
    strip(&parse(src).unwrap().lhs)
}

#[test]
fn precedence() {
    let (a, b, c) = (field("a"), field("b"), field("c"));
    let sub = |x: &Expr, y: &Expr| Expr::new(ExprKind::Sub(bx(x.clone()), bx(y.clone())));
    let coal = |x: &Expr, y: &Expr| Expr::new(ExprKind::Coalesce(bx(x.clone()), bx(y.clone())));
    assert_eq!(lhs("a ?? b - c == 0"), coal(&a, &sub(&b, &c)));
    assert_eq!(lhs("(a ?? b) - c == 0"), sub(&coal(&a, &b), &c));
    assert_eq!(lhs("a ?? b ?? c == 0"), coal(&a, &coal(&b, &c)));
    assert_eq!(lhs("a - b - c == 0"), sub(&sub(&a, &b), &c));
    let mul = Expr::new(ExprKind::Mul(
        bx(Expr::new(ExprKind::Neg(bx(a.clone())))),
        bx(b.clone()),
    ));
    assert_eq!(lhs("-a * b == 0"), mul);
    let add = Expr::new(ExprKind::Add(
        bx(a.clone()),
        bx(Expr::new(ExprKind::Mul(bx(b), bx(c)))),
    ));
    assert_eq!(lhs("a + b * c == 0"), add);
}

#[test]
fn examples_parse_and_print_canonically() {
    for src in [
        PAID,
        LINE_TOTAL,
        LINE_SUBTOTAL,
        "a ?? b - c == (a ?? b) - c",
        "-(a + b) * -2 != 0",
    ] {
        assert_eq!(parse(src).unwrap().to_string(), src);
    }
    let inv = parse(r#"redirect_post_data."amount" >= 0.00"#).unwrap();
    assert_eq!(inv.to_string(), "redirect_post_data.amount >= 0.00");
    assert_eq!(inv.rhs.kind, ExprKind::Decimal(Decimal::new(0, 2)));
    let inv = parse(r#"data."result.code" == "sum" + sum.x"#).unwrap();
    assert_eq!(inv.to_string(), r#"data."result.code" == "sum" + "sum".x"#);
    assert_eq!(
        parse(r#""q\"\\" == 1"#).unwrap().to_string(),
        r#""q\"\\" == 1"#
    );
    assert_eq!(parse(" a\n==\t1 ").unwrap().to_string(), "a == 1");
}

#[test]
fn spans_index_the_source() {
    let inv = parse(PAID).unwrap();
    let text = |s: Span| &PAID[s.start..s.end];
    assert_eq!(text(inv.lhs.span), "amountPaid");
    assert_eq!(text(inv.rhs.span), &PAID[14..]);
    let ExprKind::Sum {
        over,
        each: Some(each),
    } = &inv.rhs.kind
    else {
        panic!()
    };
    assert_eq!(text(over.span), "lineItems[*]");
    assert_eq!(
        text(each.span),
        "amountTotal ?? amountSubtotal - sum(discounts[*].amount)"
    );
}

#[test]
fn field_refs_are_absolute() {
    let refs = parse(PAID).unwrap().field_refs();
    let shown: Vec<(String, bool)> = refs
        .iter()
        .map(|r| (r.path.to_string(), r.sum_array))
        .collect();
    let expect = [
        ("amountPaid", false),
        ("lineItems[*]", true),
        ("lineItems[*].amountTotal", false),
        ("lineItems[*].amountSubtotal", false),
        ("lineItems[*].discounts[*].amount", false),
    ];
    assert_eq!(shown, expect.map(|(p, s)| (p.to_string(), s)));
    assert_eq!(
        &PAID[refs[4].span.start..refs[4].span.end],
        "discounts[*].amount"
    );
}

#[test]
fn parse_errors_have_offsets() {
    let cases = [
        ("", 0, "expected an expression"),
        (
            "a",
            1,
            "expected a comparison operator (==, !=, <, <=, >, >=)",
        ),
        ("a b == 1", 2, "expected a comparison operator"),
        ("a == #", 5, "unexpected character '#'"),
        ("a == é", 5, "unexpected character 'é'"),
        (
            "a == 99999999999999999999",
            5,
            "integer literal out of range",
        ),
        (
            "a == 1.000000000000000000000000000001",
            5,
            "decimal literal out of range",
        ),
        ("a == 1.", 6, "expected digits after '.'"),
        ("a == 12ab", 5, "invalid number literal"),
        ("a == 1 == 2", 7, "only one comparison is allowed"),
        ("a == 1 2", 7, "expected an operator"),
        ("a = 1", 2, "expected '=='"),
        ("a ! 1", 2, "expected '!='"),
        ("a ? b == 1", 2, "expected '??'"),
        ("a[0] == 1", 1, "expected '[*]'"),
        ("a. == 1", 3, "expected a field name after '.'"),
        ("\"ab == 1", 0, "unterminated quoted name"),
        (r#""a\n" == 1"#, 3, "invalid escape '\\n'"),
        ("(a == 1", 3, "expected ')'"),
        ("a + == 1", 4, "expected an expression"),
        ("a[*] == 1", 0, "use it inside sum(...)"),
        ("sum(a) == 1", 4, "must contain [*]"),
        ("sum(a[*].b, c) == 1", 4, "must end in [*]"),
        ("sum(1) == 1", 4, "expected a path"),
        ("sum(a[*] c) == 1", 9, "expected ',' or ')'"),
    ];
    for (src, offset, message) in cases {
        let e = parse(src).expect_err(src);
        assert_eq!(e.offset, offset, "{src}: {e}");
        assert!(e.message.contains(message), "{src}: {e}");
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let n = 100_000;
    let inputs = [
        format!("{}a{} == 1", "(".repeat(n), ")".repeat(n)),
        format!("{}a == 1", "-".repeat(n)),
        format!("{}a == 1", "a + ".repeat(n)),
        format!("{}a == 1", "a * ".repeat(n)),
        format!("{}a == 1", "a ?? ".repeat(n)),
        format!("{}a == 1", "sum(x[*], ".repeat(n)),
    ];
    for src in &inputs {
        let e = parse(src).unwrap_err();
        assert!(e.message.contains("nested too deeply"), "{e}");
    }
    // Within the limit is fine.
    let ok = format!("{}a{} == 1", "(".repeat(60), ")".repeat(60));
    assert!(parse(&ok).is_ok());
    assert!(parse(&format!("{}a == 1", "a + ".repeat(60))).is_ok());
    // Long paths are not nesting: they are walked iteratively.
    let long = format!("sum(a{}) == 0", "[*]".repeat(n));
    assert_eq!(
        evaluate(&parse(&long).unwrap(), &json!({"a": [[[]]]})),
        Evaluation::Holds
    );
}

// ---- properties ----

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        Just(json!(u64::MAX)),
        any::<f64>().prop_map(|f| json!(f)),
        Just(json!(1e30)),
        "-?[0-9]{1,40}(\\.[0-9]{1,35})?".prop_map(Value::from),
        ".*".prop_map(Value::from),
    ];
    let key = prop_oneof![
        prop::sample::select(vec![
            "a",
            "b",
            "v",
            "x",
            "amountPaid",
            "lineItems",
            "amountTotal",
            "amountSubtotal",
            "discounts",
            "amount"
        ])
        .prop_map(String::from),
        ".{0,4}",
    ];
    leaf.prop_recursive(5, 64, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key.clone(), inner), 0..8)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// An object whose keys are mostly ones the invariants read.
fn arb_object() -> impl Strategy<Value = Value> {
    let key = prop::sample::select(vec![
        "a",
        "b",
        "v",
        "x",
        "amountPaid",
        "lineItems",
        "amountTotal",
    ]);
    prop::collection::vec((key, arb_json()), 0..8)
        .prop_map(|kv| Value::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect()))
}

fn arb_name() -> impl Strategy<Value = String> {
    prop_oneof![4 => "[a-z_][a-zA-Z0-9_]{0,5}", 1 => Just("sum".to_string()), 1 => ".{0,5}"]
}

fn arb_path(each: bool) -> BoxedStrategy<Path> {
    let field = arb_name().prop_map(Segment::Field);
    let seg = if each {
        prop_oneof![3 => field, 1 => Just(Segment::Each)].boxed()
    } else {
        field.boxed()
    };
    (arb_name(), prop::collection::vec(seg, 0..4))
        .prop_map(|(first, rest)| {
            Path::new(std::iter::once(Segment::Field(first)).chain(rest).collect())
        })
        .boxed()
}

fn arb_expr() -> impl Strategy<Value = Expr> {
    let leaf = prop_oneof![
        (0..=i64::MAX).prop_map(ExprKind::Int),
        (0..=i64::MAX, 1..=12u32).prop_map(|(m, s)| ExprKind::Decimal(Decimal::new(m, s))),
        arb_path(false).prop_map(ExprKind::Field),
        arb_path(true).prop_map(|mut over| {
            if !over.has_each() {
                over.segments.push(Segment::Each);
            }
            ExprKind::Sum { over, each: None }
        }),
    ]
    .prop_map(Expr::new);
    leaf.prop_recursive(5, 48, 2, |inner| {
        let pair = (inner.clone(), inner.clone()).prop_map(|(a, b)| (bx(a), bx(b)));
        prop_oneof![
            inner.clone().prop_map(|a| ExprKind::Neg(bx(a))),
            pair.clone().prop_map(|(a, b)| ExprKind::Add(a, b)),
            pair.clone().prop_map(|(a, b)| ExprKind::Sub(a, b)),
            pair.clone().prop_map(|(a, b)| ExprKind::Mul(a, b)),
            pair.prop_map(|(a, b)| ExprKind::Coalesce(a, b)),
            (arb_path(true), inner).prop_map(|(mut over, e)| {
                over.segments.push(Segment::Each);
                ExprKind::Sum {
                    over,
                    each: Some(bx(e)),
                }
            }),
        ]
        .prop_map(Expr::new)
    })
}

fn arb_op() -> impl Strategy<Value = CmpOp> {
    prop::sample::select(vec![
        CmpOp::Eq,
        CmpOp::Ne,
        CmpOp::Lt,
        CmpOp::Le,
        CmpOp::Gt,
        CmpOp::Ge,
    ])
}

proptest! {
    #[test]
    fn evaluate_never_panics(instance in prop_oneof![arb_json(), arb_object()]) {
        for src in [PAID, LINE_TOTAL, LINE_SUBTOTAL, "a + b * x == -v ?? 0.50", "sum(a[*][*]) == sum(b[*].v[*].x)",
                    "sum(x[*], a * b - sum(v[*], amount)) <= a ?? b ?? x", "-x * x * x * x * x > 1.5"] {
            let _ = evaluate(&parse(src).unwrap(), &instance);
            // Also evaluate relative to every nested object, as line rules are.
            if let Some(items) = instance.get("lineItems").and_then(Value::as_array) {
                for item in items {
                    let _ = evaluate(&parse(src).unwrap(), item);
                }
            }
        }
    }

    #[test]
    fn parse_never_panics(src in ".{0,80}") {
        let _ = parse(&src);
    }

    #[test]
    fn parse_never_panics_on_near_misses(src in "[abs um()\\[\\]*.,+\\-?=<>!0-9\"\\\\]{0,60}") {
        if let Ok(inv) = parse(&src) {
            prop_assert_eq!(parse(&inv.to_string()).unwrap().to_string(), inv.to_string());
        }
    }

    #[test]
    fn display_round_trips(op in arb_op(), lhs in arb_expr(), rhs in arb_expr()) {
        let inv = Invariant { op, lhs, rhs, source: String::new() };
        let text = inv.to_string();
        let back = parse(&text).map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
        prop_assert_eq!(back.op, op);
        prop_assert_eq!(strip(&back.lhs), inv.lhs);
        prop_assert_eq!(strip(&back.rhs), inv.rhs);
    }
}
