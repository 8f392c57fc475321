//! `Retry-After` (RFC 9110 § 10.2.3): delay-seconds or an HTTP-date, and the
//! HTTP-date itself (§ 5.6.7): the IMF-fixdate a sender generates
//! (`Sun, 06 Nov 1994 08:49:37 GMT`) and the two obsolete forms a recipient
//! accepts, RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime
//! (`Sun Nov  6 08:49:37 1994`). Strict: the day name must be the date's, so
//! that a garbled date is no date rather than a guess.

use time::{Date, Month, PrimitiveDateTime, Time, Weekday};

/// A `Retry-After` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryAfter {
    /// delay-seconds, in ms.
    Delay(i128),
    /// An HTTP-date, Unix ms.
    At(i128),
}

/// Reads a `Retry-After` value. An RFC 850 date's two-digit year is read as
/// RFC 9110 says, against `reference_ms` (the response's time) when known.
pub fn retry_after(value: &str, reference_ms: Option<i128>) -> Option<RetryAfter> {
    let v = value.trim();
    if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        return v
            .parse::<i128>()
            .ok()
            .map(|s| RetryAfter::Delay(s.saturating_mul(1000)));
    }
    parse(v, reference_ms).map(RetryAfter::At)
}

const DAYS: [(&str, &str, Weekday); 7] = [
    ("Mon", "Monday", Weekday::Monday),
    ("Tue", "Tuesday", Weekday::Tuesday),
    ("Wed", "Wednesday", Weekday::Wednesday),
    ("Thu", "Thursday", Weekday::Thursday),
    ("Fri", "Friday", Weekday::Friday),
    ("Sat", "Saturday", Weekday::Saturday),
    ("Sun", "Sunday", Weekday::Sunday),
];

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// An HTTP-date as Unix ms (`None`: not one). Names are case-sensitive, as
/// the grammar's literals are.
pub fn parse(s: &str, reference_ms: Option<i128>) -> Option<i128> {
    // Every form is ASCII; byte offsets below are then char boundaries.
    if !s.is_ascii() {
        return None;
    }
    if let Some((day, rest)) = s.split_once(", ") {
        if let Some((_, _, wd)) = DAYS.iter().find(|(short, _, _)| *short == day) {
            return imf_fixdate(rest, *wd);
        }
        let (_, _, wd) = DAYS.iter().find(|(_, long, _)| *long == day)?;
        return rfc850(rest, *wd, reference_ms);
    }
    asctime(s)
}

/// `06 Nov 1994 08:49:37 GMT`, after the day name.
fn imf_fixdate(s: &str, weekday: Weekday) -> Option<i128> {
    let b = s.as_bytes();
    if b.len() != 24 || b[2] != b' ' || b[6] != b' ' || b[11] != b' ' || &s[20..] != " GMT" {
        return None;
    }
    let day = digits(&s[0..2])?;
    let month = month(&s[3..6])?;
    let year = digits(&s[7..11])?;
    at(year, month, day, &s[12..20], weekday)
}

/// `06-Nov-94 08:49:37 GMT`, after the day name. RFC 9110: a two-digit year
/// that would be more than 50 years in the future is the most recent past
/// year with those digits.
fn rfc850(s: &str, weekday: Weekday, reference_ms: Option<i128>) -> Option<i128> {
    let b = s.as_bytes();
    if b.len() != 22 || b[2] != b'-' || b[6] != b'-' || b[9] != b' ' || &s[18..] != " GMT" {
        return None;
    }
    let day = digits(&s[0..2])?;
    let month = month(&s[3..6])?;
    let yy = digits(&s[7..9])?;
    let now_year = reference_ms
        .and_then(|ms| time::OffsetDateTime::from_unix_timestamp_nanos(ms * 1_000_000).ok())
        .map_or(2000, |t| i128::from(t.year()));
    let mut year = now_year - now_year.rem_euclid(100) + yy;
    if year > now_year + 50 {
        year -= 100;
    }
    at(year, month, day, &s[10..18], weekday)
}

/// `Sun Nov  6 08:49:37 1994` (the day of the month padded with a space).
fn asctime(s: &str) -> Option<i128> {
    let b = s.as_bytes();
    if b.len() != 24 || b[3] != b' ' || b[7] != b' ' || b[10] != b' ' || b[19] != b' ' {
        return None;
    }
    let (_, _, weekday) = DAYS.iter().find(|(short, _, _)| *short == &s[0..3])?;
    let month = month(&s[4..7])?;
    let day = match &s[8..10] {
        d if d.starts_with(' ') => digits(&d[1..])?,
        d => digits(d)?,
    };
    let year = digits(&s[20..24])?;
    at(year, month, day, &s[11..19], *weekday)
}

fn month(s: &str) -> Option<Month> {
    let i = MONTHS.iter().position(|m| *m == s)?;
    Month::try_from(u8::try_from(i + 1).ok()?).ok()
}

/// ASCII digits only (no sign, no spaces).
fn digits(s: &str) -> Option<i128> {
    (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// `hh:mm:ss` on that date, GMT, when the date is real and falls on `weekday`.
fn at(year: i128, month: Month, day: i128, hms: &str, weekday: Weekday) -> Option<i128> {
    let b = hms.as_bytes();
    if b.len() != 8 || b[2] != b':' || b[5] != b':' {
        return None;
    }
    let part = |r: std::ops::Range<usize>| digits(&hms[r]).and_then(|v| u8::try_from(v).ok());
    // 60 s is a leap second (RFC 9110 allows it); it is read as the next second's start.
    let (h, m, sec) = (part(0..2)?, part(3..5)?, part(6..8)?);
    let leap = sec == 60;
    let time = Time::from_hms(h, m, if leap { 59 } else { sec }).ok()?;
    let date =
        Date::from_calendar_date(i32::try_from(year).ok()?, month, u8::try_from(day).ok()?).ok()?;
    if date.weekday() != weekday {
        return None;
    }
    let seconds = PrimitiveDateTime::new(date, time)
        .assume_utc()
        .unix_timestamp();
    Some((i128::from(seconds) + i128::from(leap)) * 1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOV_6_1994: i128 = 784_111_777_000;

    #[test]
    fn the_three_forms_of_rfc_9110() {
        assert_eq!(
            parse("Sun, 06 Nov 1994 08:49:37 GMT", None),
            Some(NOV_6_1994)
        );
        assert_eq!(
            parse("Sunday, 06-Nov-94 08:49:37 GMT", None),
            Some(NOV_6_1994)
        );
        assert_eq!(parse("Sun Nov  6 08:49:37 1994", None), Some(NOV_6_1994));
        assert_eq!(
            parse("Wed, 21 Oct 2015 07:28:00 GMT", None),
            Some(1_445_412_480_000)
        );
    }

    #[test]
    fn two_digit_years_are_at_most_fifty_years_ahead() {
        let in_2026 = 1_780_000_000_000;
        let y = |s| {
            parse(s, Some(in_2026))
                .and_then(|ms| time::OffsetDateTime::from_unix_timestamp_nanos(ms * 1_000_000).ok())
                .map(|t| t.year())
        };
        assert_eq!(y("Sunday, 06-Nov-94 08:49:37 GMT"), Some(1994));
        assert_eq!(y("Thursday, 06-Nov-25 08:49:37 GMT"), Some(2025));
        assert_eq!(y("Friday, 06-Nov-76 08:49:37 GMT"), Some(2076));
        assert_eq!(y("Sunday, 06-Nov-77 08:49:37 GMT"), Some(1977));
    }

    #[test]
    fn anything_else_is_no_date() {
        for s in [
            "",
            "Mon, 06 Nov 1994 08:49:37 GMT", // 6 Nov 1994 was a Sunday
            "Sun, 06 Nov 1994 08:49:37 UTC", // only GMT
            "Sun, 6 Nov 1994 08:49:37 GMT",  // two digits
            "sun, 06 Nov 1994 08:49:37 GMT", // case-sensitive
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "Sun, 31 Feb 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37 GMT ", // trailing
            "Sun, 06 Nov +994 08:49:37 GMT",
            "Sun Nov 06 08:49:37 1994 x",
            "Sunday, 06 Nov 1994 08:49:37 GMT",
            "Sun, 06 Növ 1994 08:49:37 GMT",
            "1994-11-06T08:49:37Z",
        ] {
            assert_eq!(parse(s, None), None, "{s:?}");
        }
    }

    #[test]
    fn retry_after_is_seconds_or_a_date() {
        assert_eq!(retry_after("5", None), Some(RetryAfter::Delay(5000)));
        assert_eq!(retry_after(" 0 ", None), Some(RetryAfter::Delay(0)));
        assert_eq!(
            retry_after("Sun, 06 Nov 1994 08:49:37 GMT", None),
            Some(RetryAfter::At(NOV_6_1994))
        );
        for v in ["", "-1", "1.5", "soon"] {
            assert_eq!(retry_after(v, None), None, "{v}");
        }
        assert_eq!(
            retry_after(&"9".repeat(60), None),
            None,
            "past i128: no value"
        );
    }

    proptest::proptest! {
        /// Every IMF-fixdate `httpdate` writes (years 1970 to 9999) reads
        /// back as its instant, and both read the obsolete forms alike.
        #[test]
        fn agrees_with_httpdate(seconds in 0u64..253_402_300_800) {
            let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(seconds);
            let text = httpdate::fmt_http_date(t);
            proptest::prop_assert_eq!(parse(&text, None), Some(i128::from(seconds) * 1000));
            let odt = time::OffsetDateTime::from_unix_timestamp(i64::try_from(seconds).unwrap()).unwrap();
            let asc = format!(
                "{} {} {:>2} {:02}:{:02}:{:02} {}",
                &text[..3], &text[8..11], odt.day(), odt.hour(), odt.minute(), odt.second(), odt.year()
            );
            let theirs = httpdate::parse_http_date(&asc).ok();
            proptest::prop_assert_eq!(parse(&asc, None), Some(i128::from(seconds) * 1000), "{}", asc);
            proptest::prop_assert_eq!(theirs, Some(t));
        }

        #[test]
        fn never_panics(s in "\\PC{0,40}") {
            let _ = parse(&s, Some(0));
            let _ = retry_after(&s, None);
        }
    }
}
