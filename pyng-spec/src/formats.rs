//! The string `format`s the kit checks, as predicates on the value's text.
//!
//! Standard library only, on purpose: the codegen core copies this file into
//! every generated module that checks a format (generated code depends on
//! `serde` and `serde_json` alone), so the validators and the generated
//! `check()` run the same code. That is also why no crate (`uuid`,
//! `fluent-uri`, `email_address`) is used: each would be a dependency of
//! every partner's generated models, and a second implementation beside it
//! would be free to disagree. Each predicate follows its RFC's grammar:
//!
//! - `date`, `date-time`: RFC 3339 § 5.6 `full-date` and `date-time` (`T` and
//!   `Z` in either case; a leap second only at 23:59:60 UTC);
//! - `uuid`: RFC 4122's hyphenated form, hex digits in either case;
//! - `ipv4`: dotted quad without leading zeros; `ipv6`: RFC 4291 § 2.2 text
//!   (std's parsers, which follow them);
//! - `byte`: RFC 4648 § 4 base64 with padding, canonical (unused bits zero);
//! - `email`: RFC 5321 `Mailbox`: a dot-atom or quoted-string local part of
//!   at most 64 octets, `@`, a hostname or an address literal;
//! - `hostname`: RFC 1123 § 2.1 (labels of letters, digits and inner hyphens,
//!   at most 63 octets, at most 253 in all);
//! - `uri`: RFC 3986 § 3 `URI` (absolute, with a scheme; the authority's host
//!   a reg-name, IPv4 or bracketed IPv6; percent escapes well formed).

/// Whether `value` is a valid `format`; `None` for a format this module does
/// not check (an annotation such as `binary` or `password`, or an unknown one).
pub fn matches(format: &str, value: &str) -> Option<bool> {
    Some(match format {
        "date" => is_date(value),
        "date-time" => is_date_time(value),
        "uuid" => is_uuid(value),
        "ipv4" => value.parse::<std::net::Ipv4Addr>().is_ok(),
        "ipv6" => value.parse::<std::net::Ipv6Addr>().is_ok(),
        "byte" => is_base64(value),
        "email" => is_email(value),
        "hostname" => is_hostname(value),
        "uri" => is_uri(value),
        _ => return None,
    })
}

/// What a value of `format` looks like, for messages and docs.
pub fn describe(format: &str) -> Option<&'static str> {
    Some(match format {
        "date" => "an RFC 3339 full-date, 2024-02-29",
        "date-time" => "an RFC 3339 date-time, 2024-02-29T13:45:00Z",
        "uuid" => "a hyphenated UUID, 123e4567-e89b-12d3-a456-426614174000",
        "ipv4" => "an IPv4 address in dotted-quad form, 192.0.2.1",
        "ipv6" => "an IPv6 address, 2001:db8::1",
        "byte" => "base64 text with padding (RFC 4648)",
        "email" => "an RFC 5321 address, name@example.com",
        "hostname" => "an RFC 1123 host name, api.example.com",
        "uri" => "an absolute RFC 3986 URI, https://example.com/a",
        _ => return None,
    })
}

/// A value of `format` that [`matches()`] accepts (for synthesised bodies).
pub fn sample(format: &str) -> Option<&'static str> {
    Some(match format {
        "date" => "2024-02-29",
        "date-time" => "2024-02-29T13:45:00Z",
        "uuid" => "123e4567-e89b-12d3-a456-426614174000",
        "ipv4" => "192.0.2.1",
        "ipv6" => "2001:db8::1",
        "byte" => "cHluZw==",
        "email" => "name@example.com",
        "hostname" => "api.example.com",
        "uri" => "https://example.com/a",
        _ => return None,
    })
}

fn digits(s: &[u8]) -> Option<u32> {
    if s.is_empty() || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(s.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
}

/// RFC 3339 `full-date`: `YYYY-MM-DD`, a day that exists (leap years too).
pub fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let (Some(year), Some(month), Some(day)) =
        (digits(&b[0..4]), digits(&b[5..7]), digits(&b[8..10]))
    else {
        return false;
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// RFC 3339 `date-time`: `full-date "T" partial-time time-offset`.
pub fn is_date_time(s: &str) -> bool {
    let b = s.as_bytes();
    // full-date, T, HH:MM:SS is 19 ASCII bytes; slicing `s` below is safe
    // because every byte checked before a cut is ASCII.
    if b.len() < 20 || !b[..19].is_ascii() || !matches!(b[10], b'T' | b't') {
        return false;
    }
    if !is_date(&s[..10]) || b[13] != b':' || b[16] != b':' {
        return false;
    }
    let (Some(hour), Some(minute), Some(second)) =
        (digits(&b[11..13]), digits(&b[14..16]), digits(&b[17..19]))
    else {
        return false;
    };
    if hour > 23 || minute > 59 || second > 60 {
        return false;
    }
    let mut rest = &b[19..];
    if let Some(fraction) = rest.strip_prefix(b".") {
        let n = fraction.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return false;
        }
        rest = &fraction[n..];
    }
    let offset_minutes: i64 = match rest {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let (Some(h), Some(m)) = (digits(&[*h1, *h2]), digits(&[*m1, *m2])) else {
                return false;
            };
            if h > 23 || m > 59 {
                return false;
            }
            let minutes = i64::from(h * 60 + m);
            if *sign == b'-' { -minutes } else { minutes }
        }
        _ => return false,
    };
    if second == 60 {
        // A leap second is the last second of a UTC day.
        let utc = (i64::from(hour * 60 + minute) - offset_minutes).rem_euclid(24 * 60);
        return utc == 23 * 60 + 59;
    }
    true
}

/// RFC 4122 string form: 8-4-4-4-12 hex digits.
pub fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

fn base64_value(c: u8) -> Option<u8> {
    Some(match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => return None,
    })
}

/// RFC 4648 § 4 base64: groups of four, `=` padding only at the end, the
/// unused bits of the last character zero (one text per byte string).
pub fn is_base64(s: &str) -> bool {
    let b = s.as_bytes();
    if !b.len().is_multiple_of(4) {
        return false;
    }
    let padding = b.iter().rev().take_while(|c| **c == b'=').count();
    if padding > 2 {
        return false;
    }
    let data = &b[..b.len() - padding];
    if !data.iter().all(|c| base64_value(*c).is_some()) {
        return false;
    }
    let unused_bits = match padding {
        1 => 0b11,
        2 => 0b1111,
        _ => 0,
    };
    data.last()
        .and_then(|c| base64_value(*c))
        .is_none_or(|v| v & unused_bits == 0)
}

/// RFC 1123 § 2.1 host name.
pub fn is_hostname(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s.split('.').all(|label| {
            let b = label.as_bytes();
            !b.is_empty()
                && b.len() <= 63
                && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
                && b[0] != b'-'
                && b[b.len() - 1] != b'-'
        })
}

/// RFC 5322 `atext`, the characters of a dot-atom's atoms.
fn is_atext(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~".contains(&c)
}

/// RFC 5321 § 4.1.2 `Mailbox = Local-part "@" ( Domain / address-literal )`.
pub fn is_email(s: &str) -> bool {
    let Some(at) = s.rfind('@') else { return false };
    let (local, domain) = (&s[..at], &s[at + 1..]);
    let local_ok = if let Some(quoted) = local.strip_prefix('"').and_then(|l| l.strip_suffix('"')) {
        is_quoted_content(quoted.as_bytes())
    } else {
        !local.is_empty()
            && local
                .split('.')
                .all(|atom| !atom.is_empty() && atom.bytes().all(is_atext))
    };
    let domain_ok = match domain.strip_prefix('[').and_then(|d| d.strip_suffix(']')) {
        Some(literal) => match literal.strip_prefix("IPv6:") {
            Some(v6) => v6.parse::<std::net::Ipv6Addr>().is_ok(),
            None => literal.parse::<std::net::Ipv4Addr>().is_ok(),
        },
        None => is_hostname(domain),
    };
    local_ok && local.len() <= 64 && domain_ok
}

/// The inside of an RFC 5321 `Quoted-string`: `qtextSMTP` and `quoted-pairSMTP`.
fn is_quoted_content(mut b: &[u8]) -> bool {
    loop {
        match b {
            [] => return true,
            [b'\\', c, rest @ ..] if (32..=126).contains(c) => b = rest,
            [32..=33 | 35..=91 | 93..=126, rest @ ..] => b = rest,
            _ => return false,
        }
    }
}

/// RFC 3986 `unreserved / sub-delims` plus the extra characters a component allows.
fn is_uri_char(c: u8, extra: &[u8]) -> bool {
    c.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=".contains(&c) || extra.contains(&c)
}

/// A component of `allowed` characters and well-formed `%XX` escapes.
fn is_uri_part(s: &str, extra: &[u8]) -> bool {
    let mut b = s.as_bytes();
    loop {
        match b {
            [] => return true,
            [b'%', h, l, rest @ ..] if h.is_ascii_hexdigit() && l.is_ascii_hexdigit() => b = rest,
            [c, rest @ ..] if is_uri_char(*c, extra) => b = rest,
            _ => return false,
        }
    }
}

/// RFC 3986 § 3 `URI = scheme ":" hier-part [ "?" query ] [ "#" fragment ]`.
pub fn is_uri(s: &str) -> bool {
    let Some(colon) = s.find(':') else {
        return false;
    };
    let scheme = &s.as_bytes()[..colon];
    let scheme_ok = scheme.first().is_some_and(u8::is_ascii_alphabetic)
        && scheme
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || b"+-.".contains(c));
    if !scheme_ok {
        return false;
    }
    let rest = &s[colon + 1..];
    let (rest, fragment) = match rest.split_once('#') {
        Some((r, f)) => (r, Some(f)),
        None => (rest, None),
    };
    let (hier, query) = match rest.split_once('?') {
        Some((h, q)) => (h, Some(q)),
        None => (rest, None),
    };
    let path = match hier.strip_prefix("//") {
        Some(after) => {
            let end = after.find('/').unwrap_or(after.len());
            if !is_authority(&after[..end]) {
                return false;
            }
            &after[end..]
        }
        None => hier,
    };
    is_uri_part(path, b":@/")
        && query.is_none_or(|q| is_uri_part(q, b":@/?"))
        && fragment.is_none_or(|f| is_uri_part(f, b":@/?"))
}

/// RFC 3986 § 3.2 `authority = [ userinfo "@" ] host [ ":" port ]`.
fn is_authority(a: &str) -> bool {
    let (userinfo, host_port) = match a.rfind('@') {
        Some(at) => (Some(&a[..at]), &a[at + 1..]),
        None => (None, a),
    };
    if userinfo.is_some_and(|u| !is_uri_part(u, b":")) {
        return false;
    }
    let (host, port) = if let Some(literal) = host_port.strip_prefix('[') {
        let Some(close) = literal.find(']') else {
            return false;
        };
        if literal[..close].parse::<std::net::Ipv6Addr>().is_err() {
            return false;
        }
        match &literal[close + 1..] {
            "" => ("", None),
            p => match p.strip_prefix(':') {
                Some(port) => ("", Some(port)),
                None => return false,
            },
        }
    } else {
        match host_port.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (host_port, None),
        }
    };
    is_uri_part(host, b"") && port.is_none_or(|p| p.bytes().all(|c| c.is_ascii_digit()))
}
