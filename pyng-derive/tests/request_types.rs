//! Generated request types: an operation's `RequestBody` has its body
//! model's properties but the `readOnly` ones, required as in a request,
//! beside its media type, whether a body is required, and the
//! `x-idempotency` header.
#![deny(warnings)]

mod orders {
    pyng_derive::generate!("../pyng-spec/tests/fixtures/request-side.yaml");
}

use orders::{create_note, create_order, list_shelf_items};

#[test]
fn the_request_body_leaves_read_only_properties_out() {
    // A struct literal names every field: `id` (readOnly) is not one, and
    // `amount` is required in a request as in the model.
    let body = create_order::RequestBody {
        amount: 5,
        memo: None,
    };
    assert_eq!(serde_json::to_string(&body).unwrap(), r#"{"amount":5}"#);
    let back: create_order::RequestBody = serde_json::from_str(r#"{"amount":7}"#).unwrap();
    assert_eq!(back.amount, 7);
    // The response model keeps `id`.
    let created = orders::Order {
        id: "o-1".into(),
        amount: 5,
        memo: None,
    };
    assert_eq!(created.id, "o-1");
    assert_eq!(create_order::REQUEST_CONTENT_TYPE, "application/json");
    const { assert!(create_order::REQUEST_BODY_REQUIRED) };
    assert_eq!(create_order::IDEMPOTENCY_HEADER, "idempotency-key");
}

#[test]
fn an_optional_nullable_property_keeps_null_apart_from_absent() {
    // `Some(None)` is sent as `null` (to clear a value), `None` not at all.
    let cleared = create_order::RequestBody {
        amount: 5,
        memo: Some(None),
    };
    assert_eq!(
        serde_json::to_string(&cleared).unwrap(),
        r#"{"amount":5,"memo":null}"#
    );
    let set = create_order::RequestBody {
        amount: 5,
        memo: Some(Some("gift".into())),
    };
    assert_eq!(
        serde_json::to_string(&set).unwrap(),
        r#"{"amount":5,"memo":"gift"}"#
    );
    // The response model reads them apart as well.
    for (text, memo) in [
        (r#"{"id":"o-1","amount":5}"#, None),
        (r#"{"id":"o-1","amount":5,"memo":null}"#, Some(None)),
        (
            r#"{"id":"o-1","amount":5,"memo":"x"}"#,
            Some(Some("x".to_owned())),
        ),
    ] {
        let order: orders::Order = serde_json::from_str(text).unwrap();
        assert_eq!(order.memo, memo);
        assert_eq!(serde_json::to_string(&order).unwrap(), text);
    }
}

#[test]
fn a_form_body_of_its_own_schema_is_its_own_type() {
    let note = create_note::RequestBody { text: None };
    assert_eq!(serde_json::to_string(&note).unwrap(), "{}");
    assert_eq!(
        create_note::REQUEST_CONTENT_TYPE,
        "application/x-www-form-urlencoded"
    );
    const { assert!(!create_note::REQUEST_BODY_REQUIRED) };
}

#[test]
fn documented_response_headers_are_read_typed_in_any_case() {
    use orders::HeaderError;
    let h = create_order::CreatedHeaders::from_headers(&[
        ("content-type", "application/json"),
        ("location", "/orders/o-1"),
        ("X-REQUEST-COUNT", " 3"),
        ("x-related", "1, 2,3"),
    ])
    .unwrap();
    assert_eq!(h.location, "/orders/o-1");
    assert_eq!(h.x_request_count, Some(3));
    assert_eq!(h.x_related, Some(vec![1, 2, 3]));
    let only_required = create_order::CreatedHeaders::from_headers(&[("Location", "/o")]).unwrap();
    assert_eq!(only_required.x_request_count, None);
    assert_eq!(
        create_order::CreatedHeaders::from_headers(&[("X-Request-Count", "3")]),
        Err(HeaderError::Missing("Location"))
    );
    assert_eq!(
        create_order::CreatedHeaders::from_headers(&[("Location", "/o"), ("X-Related", "1,two")]),
        Err(HeaderError::Invalid {
            name: "X-Related",
            value: "two".into()
        })
    );
    let e = create_order::CreatedHeaders::from_headers(&[
        ("Location", "/o"),
        ("X-Request-Count", "3.5"),
    ])
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "header `X-Request-Count`: `3.5` is not of its documented type"
    );
}

#[test]
fn header_parameters_are_a_struct_of_their_own() {
    let headers = create_order::RequestHeaders {
        idempotency_key: "key-1".into(),
        x_shelves: None,
    };
    assert_eq!(headers.pairs(), [("Idempotency-Key", "key-1".to_owned())]);
}

/// An array parameter is a `Vec`: a header sends its items comma-separated,
/// a query one pair per item; the conformance check's reader turns those
/// items back into the array that was sent.
#[test]
fn array_parameters_are_sent_as_the_check_reads_them() {
    let headers = create_order::RequestHeaders {
        idempotency_key: "key-1".into(),
        x_shelves: Some(vec![3, 14]),
    };
    assert_eq!(
        headers.pairs(),
        [
            ("Idempotency-Key", "key-1".to_owned()),
            ("X-Shelves", "3,14".to_owned())
        ]
    );
    let query = create_order::Query {
        tag: Some(vec!["a b".into(), "c".into()]),
        ids: None,
        lanes: None,
    };
    assert_eq!(
        query.pairs(),
        [("tag", "a b".to_owned()), ("tag", "c".to_owned())]
    );
    assert_eq!(query.to_query_string(), "tag=a%20b&tag=c");
    // `explode: false` and `pipeDelimited`: one value, the items joined.
    let joined = create_order::Query {
        tag: None,
        ids: Some(vec![1, 2]),
        lanes: Some(vec![3, 4]),
    };
    assert_eq!(
        joined.pairs(),
        [("ids", "1,2".to_owned()), ("lanes", "3|4".to_owned())]
    );
    let empty = create_order::Query {
        tag: None,
        ids: None,
        lanes: None,
    };
    assert_eq!(empty.to_query_string(), "");

    let spec = pyng_spec::load_file(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../pyng-spec/tests/fixtures/request-side.yaml"
    ))
    .unwrap()
    .spec;
    let op = spec
        .operations
        .iter()
        .find(|o| o.id == "createOrder")
        .unwrap();
    let param = |name: &str| op.params.iter().find(|p| p.name == name).unwrap();
    let shelves = pyng_spec::validate::text::from_texts(&param("X-Shelves").ty, &["3", "14"]);
    assert_eq!(shelves, serde_json::json!([3, 14]));
    let tags = pyng_spec::validate::text::from_texts(&param("tag").ty, &["a b", "c"]);
    assert_eq!(tags, serde_json::json!(["a b", "c"]));
}

/// An array path parameter is one segment, its items percent-encoded and
/// comma-separated (`simple`), which the check splits back into the array.
#[test]
fn an_array_path_parameter_is_one_comma_separated_segment() {
    let path = list_shelf_items::path(&[3, 14]);
    assert_eq!(path, "/shelves/3,14/items");
    let spec = pyng_spec::load_file(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../pyng-spec/tests/fixtures/request-side.yaml"
    ))
    .unwrap()
    .spec;
    let op = spec.operation("listShelfItems").unwrap();
    let numbers = &op.params[0];
    let field = pyng_spec::validate::TextField::new(&spec, &numbers.ty, &numbers.constraints);
    let segment = path.split('/').nth(2).unwrap();
    assert!(pyng_spec::validate::validate_param(&spec, numbers, &field, &[segment]).is_empty());
    let items = pyng_spec::validate::text::simple_items(field.shape(), segment);
    assert_eq!(
        pyng_spec::validate::text::from_texts(&numbers.ty, &items),
        serde_json::json!([3, 14])
    );
    // An item that is not an integer is what the check reports.
    let bad = pyng_spec::validate::validate_param(&spec, numbers, &field, &["3,x"]);
    assert_eq!(bad.len(), 1, "{bad:?}");
}
