//! `pyng_spec::formats`, the predicates every layer runs, on the edges of
//! each RFC grammar (and `std::net` as the oracle of the address forms).

use pyng_spec::formats::{describe, matches, sample};

const CHECKED: &[&str] = &[
    "date",
    "date-time",
    "uuid",
    "ipv4",
    "ipv6",
    "byte",
    "email",
    "hostname",
    "uri",
];

fn yes(format: &str, values: &[&str]) {
    for v in values {
        assert_eq!(
            matches(format, v),
            Some(true),
            "{format}: {v:?} should pass"
        );
    }
}

fn no(format: &str, values: &[&str]) {
    for v in values {
        assert_eq!(
            matches(format, v),
            Some(false),
            "{format}: {v:?} should fail"
        );
    }
}

#[test]
fn every_checked_format_has_a_description_and_a_sample_it_accepts() {
    for f in CHECKED {
        assert!(describe(f).is_some(), "{f}");
        let s = sample(f).unwrap();
        assert_eq!(matches(f, s), Some(true), "{f}: {s}");
    }
    for f in ["binary", "password", "credit-card", "int32"] {
        assert_eq!(matches(f, "anything"), None, "{f}");
        assert!(describe(f).is_none() && sample(f).is_none(), "{f}");
    }
}

#[test]
fn dates_are_rfc_3339_full_dates_that_exist() {
    yes(
        "date",
        &["2024-02-29", "2000-02-29", "1999-12-31", "0001-01-01"],
    );
    no(
        "date",
        &[
            "2023-02-29",
            "1900-02-29",
            "2024-04-31",
            "2024-13-01",
            "2024-00-10",
            "2024-01-00",
            "24-01-01",
            "2024-1-01",
            "2024/01/01",
            "2024-01-01T00:00:00Z",
            "",
            "２024-01-01",
        ],
    );
}

#[test]
fn date_times_are_rfc_3339() {
    yes(
        "date-time",
        &[
            "2024-02-29T13:45:00Z",
            "2024-02-29t13:45:00z",
            "2024-02-29T13:45:00.123456789+05:30",
            "2024-02-29T13:45:00-00:00",
            "1998-12-31T23:59:60Z",
            "1998-12-31T15:59:60-08:00",
        ],
    );
    no(
        "date-time",
        &[
            "2024-02-29T13:45:00",
            "2024-02-29 13:45:00Z",
            "2024-02-29T24:00:00Z",
            "2024-02-29T13:60:00Z",
            "2024-02-29T13:45:61Z",
            "2024-02-29T13:45:60Z",
            "2024-02-29T13:45:00.Z",
            "2024-02-29T13:45:00+0530",
            "2024-02-29T13:45:00+24:00",
            "2024-02-30T13:45:00Z",
            "2024-02-29T13:45:00Zé",
            "2024-02-29T13:45é00Z",
        ],
    );
}

#[test]
fn uuids_are_hyphenated_hex() {
    yes(
        "uuid",
        &[
            "123e4567-e89b-12d3-a456-426614174000",
            "123E4567-E89B-12D3-A456-426614174000",
        ],
    );
    no(
        "uuid",
        &[
            "123e4567e89b12d3a456426614174000",
            "{123e4567-e89b-12d3-a456-426614174000}",
            "urn:uuid:123e4567-e89b-12d3-a456-426614174000",
            "123e4567-e89b-12d3-a456-42661417400g",
            "123e4567-e89b-12d3-a4564-26614174000",
        ],
    );
}

#[test]
fn addresses_follow_std_net() {
    yes("ipv4", &["0.0.0.0", "255.255.255.255", "192.0.2.1"]);
    no(
        "ipv4",
        &[
            "256.0.0.1",
            "1.2.3",
            "1.2.3.4.5",
            "01.2.3.4",
            "0x7f.0.0.1",
            " 1.2.3.4",
        ],
    );
    yes(
        "ipv6",
        &[
            "::",
            "::1",
            "2001:db8::1",
            "::ffff:192.0.2.1",
            "2001:0db8:0000:0000:0000:0000:0000:0001",
        ],
    );
    no(
        "ipv6",
        &[
            "2001:db8:::1",
            "12345::",
            "1:2:3:4:5:6:7:8:9",
            "fe80::1%eth0",
            "[::1]",
        ],
    );
}

#[test]
fn byte_is_canonical_padded_base64() {
    yes("byte", &["", "cHluZw==", "cHlu", "cHluZy0=", "+/+/"]);
    no(
        "byte",
        &[
            "cHluZw",
            "cHluZw=",
            "cHlu=Zw==",
            "cHluZx==",
            "cHluZy1=",
            "cH=u",
            "cHl_",
            "a===",
        ],
    );
}

#[test]
fn hostnames_are_rfc_1123() {
    let long_label = "a".repeat(64);
    let long_name = vec!["a".repeat(63); 4].join(".");
    yes(
        "hostname",
        &[
            "example",
            "api.example.com",
            "1.example",
            "xn--nxasmq6b.com",
            "a-b.c",
        ],
    );
    no(
        "hostname",
        &[
            "",
            "-a.com",
            "a-.com",
            "a..com",
            ".a.com",
            "a_b.com",
            "ex ample.com",
            &long_label,
            &long_name,
        ],
    );
}

#[test]
fn emails_are_rfc_5321_mailboxes() {
    yes(
        "email",
        &[
            "name@example.com",
            "first.last+tag@example.co.za",
            "\"with space\"@example.com",
            "\"at@inside\"@example.com",
            "user@[192.0.2.1]",
            "user@[IPv6:2001:db8::1]",
            "!#$%&'*+-/=?^_`{|}~@example.com",
        ],
    );
    let long_local = format!("{}@example.com", "a".repeat(65));
    no(
        "email",
        &[
            "name",
            "@example.com",
            "name@",
            ".name@example.com",
            "na..me@example.com",
            "name.@example.com",
            "na me@example.com",
            "name@-example.com",
            "name@[300.0.0.1]",
            "\"unterminated@example.com",
            &long_local,
        ],
    );
}

#[test]
fn uris_are_absolute_rfc_3986() {
    yes(
        "uri",
        &[
            "https://example.com",
            "https://user:pw@example.com:8443/a/b?c=d&e#f",
            "http://[2001:db8::1]:80/",
            "urn:isbn:0451450523",
            "mailto:name@example.com",
            "file:///etc/hosts",
            "https://example.com/%E2%82%AC",
            "a+b.c-d:x",
        ],
    );
    no(
        "uri",
        &[
            "",
            "//example.com/a",
            "/a/b",
            "1http://example.com",
            "https://exa mple.com",
            "https://example.com/a b",
            "https://example.com/%G0",
            "https://example.com:80a/",
            "https://[::1/",
            "https://example.com/a#b#c",
            "https://example.com/\\",
            "https://example.com/é",
        ],
    );
}
