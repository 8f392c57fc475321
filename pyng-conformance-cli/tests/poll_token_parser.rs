//! Fuzzing the token endpoint's answer: arbitrary bytes and mutated valid
//! responses (huge, negative, fractional, string and missing `expires_in`;
//! missing or odd `access_token`) never panic the parser, nor the renewal
//! arithmetic that uses its lifetime. Bounded: 128 cases per property.

use std::time::Instant;

use proptest::prelude::*;
use pyng_conformance_cli::live::stop::later;
use pyng_conformance_cli::live::token::parse;
use serde_json::{Value, json};

fn expires_in() -> impl Strategy<Value = Option<Value>> {
    prop_oneof![
        Just(None),
        Just(Some(json!(u64::MAX))),
        Just(Some(json!(i64::MAX))),
        Just(Some(json!(i64::MIN))),
        Just(Some(json!(-1))),
        Just(Some(json!(1e308))),
        Just(Some(json!(-0.5))),
        Just(Some(json!("18446744073709551615"))),
        Just(Some(json!("99999999999999999999999"))),
        Just(Some(Value::Null)),
        Just(Some(json!([1]))),
        Just(Some(json!({"s": 1}))),
        any::<u64>().prop_map(|n| Some(json!(n))),
        any::<i64>().prop_map(|n| Some(json!(n))),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map(Value::Number)),
        ".{0,24}".prop_map(|s| Some(Value::String(s))),
    ]
}

fn access_token() -> impl Strategy<Value = Option<Value>> {
    prop_oneof![
        Just(None),
        Just(Some(json!(""))),
        Just(Some(json!(12))),
        Just(Some(Value::Null)),
        ".{0,40}".prop_map(|s| Some(Value::String(s))),
    ]
}

fn status() -> impl Strategy<Value = u16> {
    prop_oneof![Just(200u16), Just(400), Just(401), Just(500), any::<u16>()]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(status in status(), body in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse(status, &body);
    }

    #[test]
    fn mutated_token_responses_never_panic(
        status in status(),
        token in access_token(),
        expires in expires_in(),
        cut in 0usize..200,
        extra in proptest::option::of(".{0,16}"),
    ) {
        let mut obj = serde_json::Map::new();
        if let Some(t) = token { obj.insert("access_token".into(), t); }
        if let Some(e) = expires { obj.insert("expires_in".into(), e); }
        obj.insert("token_type".into(), json!("Bearer"));
        if let Some(x) = extra { obj.insert("error_description".into(), json!(x)); }
        let bytes = serde_json::to_vec(&Value::Object(obj)).unwrap();
        for body in [&bytes[..], &bytes[..cut.min(bytes.len())]] {
            if let Ok(t) = parse(status, body) {
                prop_assert!(!t.access_token.is_empty());
                if let Some(d) = t.expires_in {
                    // What the poller does with it: an instant that far ahead.
                    let now = Instant::now();
                    prop_assert!(later(now, d) >= now);
                }
            }
        }
    }
}

#[test]
fn the_reported_overflow_is_a_token_that_lives_long() {
    let t = parse(
        200,
        br#"{"access_token":"a","expires_in":18446744073709551615}"#,
    )
    .unwrap();
    assert_eq!(t.expires_in.map(|d| d.as_secs()), Some(u64::MAX));
}
