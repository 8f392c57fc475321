//! Generated `Response::parse` takes a status by OpenAPI's precedence: its
//! code, then its range (`5XX`), then `default`; the expansion of ranges on
//! every method compiles warning-free (no unreachable arm).
#![deny(warnings)]

mod orders {
    pyng_derive::generate!("tests/fixtures/status-ranges.yaml");
}

use orders::{create_order, delete_order, get_order, replace_order, update_order};

#[test]
fn an_exact_code_comes_before_its_range() {
    match get_order::Response::parse(503, r#"{"retryAfterSeconds":30}"#).unwrap() {
        get_order::Response::ServiceUnavailable(m) => assert_eq!(m.retry_after_seconds, 30),
        other => panic!("{other:?}"),
    }
    match get_order::Response::parse(502, r#"{"code":"x"}"#).unwrap() {
        get_order::Response::ServerError { status, body } => {
            assert_eq!(status, 502);
            assert_eq!(body.code, "x");
        }
        other => panic!("{other:?}"),
    }
    let r = get_order::Response::parse(500, r#"{"code":"x"}"#).unwrap();
    assert_eq!(r.status(), 500);
    assert!(matches!(
        get_order::Response::parse(404, "").unwrap(),
        get_order::Response::NotFound
    ));
    assert!(get_order::Response::parse(302, "").is_err());
    assert!(get_order::Response::parse(600, "").is_err());
}

#[test]
fn ranges_and_default_keep_the_status_read() {
    match create_order::Response::parse(422, r#"{"code":"bad"}"#).unwrap() {
        create_order::Response::ClientError { status, .. } => assert_eq!(status, 422),
        other => panic!("{other:?}"),
    }
    assert!(create_order::Response::parse(500, "{}").is_err());
    let update_order::Response::Successful { status, body } =
        update_order::Response::parse(202, r#"{"id":"1"}"#).unwrap();
    assert_eq!((status, body.id.as_str()), (202, "1"));
    assert!(update_order::Response::parse(302, "").is_err());
    match replace_order::Response::parse(418, r#"{"code":"teapot"}"#).unwrap() {
        replace_order::Response::Other { status, .. } => assert_eq!(status, 418),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        replace_order::Response::parse(200, r#"{"id":"1"}"#).unwrap(),
        replace_order::Response::Ok(_)
    ));
    assert_eq!(
        delete_order::Response::parse(204, "").unwrap().status(),
        204
    );
}
