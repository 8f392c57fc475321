//! `pyng_spec::decimal`: exact parsing, comparison, divisibility and
//! printing (the module itself carries no tests: generated code copies it).

use std::cmp::Ordering;

use pyng_spec::decimal::Decimal;

fn d(text: &str) -> Decimal {
    Decimal::parse(text).unwrap()
}

#[test]
fn parses_json_literals_normalized() {
    assert_eq!(d("19.990"), d("1999e-2"));
    assert_eq!(d("-0"), Decimal::ZERO);
    assert_eq!(d("0.000"), Decimal::ZERO);
    assert_eq!(d("1E+3").parts(), (false, 1, 3));
    assert_eq!(
        d("1000000000000000000000000000000000000000000").parts(),
        (false, 1, 42)
    );
    for bad in [
        "",
        "-",
        "1.",
        ".5",
        "1e",
        "1e+",
        "0x10",
        "1.5.2",
        "NaN",
        "1e99999999999",
    ] {
        assert_eq!(Decimal::parse(bad), None, "{bad}");
    }
    // 39 significant digits do not fit.
    assert_eq!(
        Decimal::parse("123456789012345678901234567890123456789"),
        None
    );
}

#[test]
fn a_double_reads_as_its_shortest_decimal() {
    assert_eq!(Decimal::from_f64(19.99), Some(d("19.99")));
    assert_eq!(Decimal::from_f64(0.1 + 0.2), Some(d("0.30000000000000004")));
    assert_eq!(Decimal::from_f64(1e308), Some(d("1e308")));
    assert_eq!(Decimal::from_f64(5e-324), Some(d("5e-324")));
    assert_eq!(Decimal::from_f64(-0.0), Some(Decimal::ZERO));
    assert_eq!(Decimal::from_f64(f64::INFINITY), None);
    assert_eq!(Decimal::from_f64(f64::NAN), None);
}

#[test]
fn compares_exactly() {
    assert!(d("0.3") < Decimal::from_f64(0.1 + 0.2).unwrap());
    assert!(d("0.1") < d("0.10000000000000001"));
    assert!(d("-1e308") < d("-1e307"));
    assert!(d("1e-300") > Decimal::ZERO);
    assert!(d("-1e-300") < Decimal::ZERO);
    assert!(d("99999999999999999999") < d("1e20"));
    assert!(d("12345678901234567890123") > d("12345678901234567890122"));
    assert_eq!(d("2.50").cmp(&d("2.5")), Ordering::Equal);
    assert!(d("9.5") < d("10"));
}

#[test]
fn divides_exactly() {
    assert!(d("19.99").is_multiple_of(d("0.01")));
    assert!(!d("19.999").is_multiple_of(d("0.01")));
    assert!(d("0.3").is_multiple_of(d("0.1")));
    assert!(
        !Decimal::from_f64(0.1 + 0.2)
            .unwrap()
            .is_multiple_of(d("0.1"))
    );
    assert!(d("1e308").is_multiple_of(d("0.5")));
    assert!(!d("1e-300").is_multiple_of(d("1e-299")));
    assert!(d("1e-299").is_multiple_of(d("1e-300")));
    assert!(d("-7.5").is_multiple_of(d("2.5")));
    assert!(!d("7.5").is_multiple_of(d("2")));
    assert!(d("6").is_multiple_of(d("1.5")));
    assert!(d("4.5").is_multiple_of(d("1.5")));
    assert!(!d("4.6").is_multiple_of(d("1.5")));
    assert!(d("0.0075").is_multiple_of(d("0.0001")));
    assert!(Decimal::ZERO.is_multiple_of(d("3.3")));
}

#[test]
fn prints_readably_and_reads_back() {
    for (text, shown) in [
        ("19.99", "19.99"),
        ("1000", "1000"),
        ("-0.000001", "-0.000001"),
        ("1e-7", "1e-7"),
        ("1.5e300", "1.5e300"),
        ("123e20", "1.23e22"),
        ("1e22", "1e22"),
        ("0", "0"),
    ] {
        assert_eq!(d(text).to_string(), shown);
        assert_eq!(d(shown), d(text));
    }
}

#[test]
fn the_widest_mantissas_compare_without_overflow() {
    let widest = Decimal::from_i128(i128::MIN);
    assert!(widest < Decimal::from_i128(i128::MIN + 1));
    assert!(Decimal::from_i128(i128::MAX) > Decimal::from_parts(false, 9, 37));
    assert!(Decimal::from_i128(i128::MAX) < Decimal::from_parts(false, 9, 38));
    assert!(Decimal::from_parts(false, u128::MAX, 0) > Decimal::from_parts(false, 3, 38));
    assert_eq!(
        Decimal::from_parts(false, u128::MAX, 0).cmp(&Decimal::from_parts(false, u128::MAX, 0)),
        Ordering::Equal
    );
}

#[test]
fn converts_to_integers_and_doubles() {
    assert_eq!(d("12").to_i128(), Some(12));
    assert_eq!(d("-1.2e1").to_i128(), Some(-12));
    assert_eq!(d("1e20").to_i128(), Some(100_000_000_000_000_000_000));
    assert_eq!(d("12.5").to_i128(), None);
    assert_eq!(d("1e39").to_i128(), None, "beyond i128");
    assert_eq!(
        Decimal::from_parts(true, i128::MAX.unsigned_abs(), 0).to_i128(),
        Some(-i128::MAX)
    );
    assert_eq!(Decimal::from_parts(false, u128::MAX, 0).to_i128(), None);
    assert_eq!(d("19.99").to_f64(), 19.99);
    assert_eq!(d("-5e-324").to_f64(), -5e-324);
    assert_eq!(d("1e400").to_f64(), f64::INFINITY);
    for value in [0.1, 0.30000000000000004, 1e300, 123456.789, f64::MAX] {
        assert_eq!(Decimal::from_f64(value).unwrap().to_f64(), value);
    }
}
