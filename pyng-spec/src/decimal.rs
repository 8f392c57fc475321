//! Exact decimal numbers for the bounds and `multipleOf` of `type: number`.
//!
//! A JSON number is read as the decimal the parser gives: an integer literal
//! within 64 bits exactly, any other literal as the nearest double, taken as
//! the shortest decimal that reads back as that double (so `19.99` is
//! 1999 × 10⁻², not 19.989999999999998436805981327779591083526611328125).
//! Comparison and divisibility are then exact, on any magnitude a double
//! holds (`1e308`, `5e-324`): no `f64` arithmetic, so `0.3` is a multiple of
//! `0.1` and `19.999` is not a multiple of `0.01`.
//!
//! Standard library only: the codegen core copies this file into generated
//! modules whose `check()` reads a number bound, so the generated code and
//! both validators run the same arithmetic.

use std::cmp::Ordering;
use std::fmt;

/// The most significant digits a [`Decimal`] holds: every pair of them
/// aligned to the same exponent still fits a `u128` (below 10³⁸).
const MAX_DIGITS: u32 = 38;

/// A finite decimal number `±mantissa × 10^exponent`, normalized (the
/// mantissa has no trailing zero; zero is `+0 × 10⁰`), so that equal values
/// are equal structs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Decimal {
    negative: bool,
    mantissa: u128,
    exponent: i32,
}

impl Decimal {
    /// Zero.
    pub const ZERO: Decimal = Decimal {
        negative: false,
        mantissa: 0,
        exponent: 0,
    };

    /// `±mantissa × 10^exponent` from parts [`Decimal::parts`] gave (the
    /// generated code writes its bounds this way); normalized here as well.
    pub const fn from_parts(negative: bool, mantissa: u128, exponent: i32) -> Decimal {
        let (mut mantissa, mut exponent) = (mantissa, exponent);
        if mantissa == 0 {
            return Decimal::ZERO;
        }
        while mantissa % 10 == 0 && exponent < i32::MAX {
            mantissa /= 10;
            exponent += 1;
        }
        Decimal {
            negative,
            mantissa,
            exponent,
        }
    }

    /// The sign, mantissa and exponent.
    pub fn parts(self) -> (bool, u128, i32) {
        (self.negative, self.mantissa, self.exponent)
    }

    /// A JSON number literal (`-12.5e-3`); `None` for anything else, or for
    /// more than 38 significant digits or an exponent beyond `i32`.
    pub fn parse(text: &str) -> Option<Decimal> {
        let (negative, rest) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (number, exp) = match rest.find(['e', 'E']) {
            Some(i) => (&rest[..i], Some(&rest[i + 1..])),
            None => (rest, None),
        };
        let (int, frac) = match number.split_once('.') {
            Some((int, frac)) => (int, Some(frac)),
            None => (number, None),
        };
        let digits_only = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !digits_only(int) || frac.is_some_and(|f| !digits_only(f)) {
            return None;
        }
        let mut exponent: i64 = match exp {
            None => 0,
            Some(e) => {
                let digits = e.strip_prefix(['+', '-']).unwrap_or(e);
                if !digits_only(digits) {
                    return None;
                }
                // An exponent of more than ten digits is beyond `i32` anyway.
                let value: i64 = digits.get(..digits.len().min(11))?.parse().ok()?;
                if digits.len() > 11 {
                    return None;
                }
                if e.starts_with('-') { -value } else { value }
            }
        };
        let frac = frac.unwrap_or("");
        exponent -= frac.len() as i64;
        let mut mantissa: u128 = 0;
        let mut digits = 0u32;
        // Zeros are held back until a non-zero digit follows, so trailing
        // zeros (of `1000000000000000000000000000000000000000`) cost nothing.
        let mut zeros: u32 = 0;
        for b in int.bytes().chain(frac.bytes()) {
            let d = u128::from(b - b'0');
            if d == 0 {
                if mantissa != 0 {
                    zeros += 1;
                }
                continue;
            }
            digits += zeros + 1;
            if digits > MAX_DIGITS {
                return None;
            }
            mantissa = mantissa * 10u128.pow(zeros + 1) + d;
            zeros = 0;
        }
        exponent += i64::from(zeros);
        if mantissa == 0 {
            return Some(Decimal::ZERO);
        }
        let exponent = i32::try_from(exponent).ok()?;
        Some(Decimal::from_parts(negative, mantissa, exponent))
    }

    /// The decimal a double reads as: the shortest one that reads back as it;
    /// `None` for infinities and NaN.
    pub fn from_f64(value: f64) -> Option<Decimal> {
        if !value.is_finite() {
            return None;
        }
        // `{:e}` prints the shortest round-trip digits.
        Decimal::parse(&format!("{value:e}"))
    }

    /// An integer, exactly.
    pub fn from_i128(value: i128) -> Decimal {
        Decimal::from_parts(value < 0, value.unsigned_abs(), 0)
    }

    /// The value as an `i128` when it is an integer that fits one.
    pub fn to_i128(self) -> Option<i128> {
        if self.exponent < 0 {
            return None;
        }
        let scale = 10u128.checked_pow(u32::try_from(self.exponent).ok()?)?;
        let magnitude = i128::try_from(self.mantissa.checked_mul(scale)?).ok()?;
        Some(if self.negative { -magnitude } else { magnitude })
    }

    /// The nearest double (infinite beyond the doubles' range).
    pub fn to_f64(self) -> f64 {
        // The display is a valid float literal, which `str::parse` rounds
        // correctly; it cannot fail, hence the unreachable fallback.
        self.to_string().parse().unwrap_or(f64::NAN)
    }

    /// Whether the value is below zero.
    pub fn is_negative(self) -> bool {
        self.negative
    }

    /// The number of decimal digits of the mantissa (1 for zero).
    fn digits(self) -> u32 {
        self.mantissa.checked_ilog10().map_or(1, |d| d + 1)
    }

    /// `|self|` compared with `|other|`.
    fn cmp_magnitude(self, other: Decimal) -> Ordering {
        match (self.mantissa, other.mantissa) {
            (0, 0) => return Ordering::Equal,
            (0, _) => return Ordering::Less,
            (_, 0) => return Ordering::Greater,
            _ => {}
        }
        // The position of the leading digit decides, unless it is the same.
        let lead = |d: Decimal| i64::from(d.exponent) + i64::from(d.digits());
        match lead(self).cmp(&lead(other)) {
            Ordering::Equal => {}
            unequal => return unequal,
        }
        // Same leading position: the digits compare as text, the shorter
        // one padded with zeros (no arithmetic, so no overflow for any
        // mantissa `from_parts` was given).
        let (a, b) = (self.mantissa.to_string(), other.mantissa.to_string());
        let width = a.len().max(b.len());
        format!("{a:0<width$}").cmp(&format!("{b:0<width$}"))
    }

    /// Whether `self` is an integer multiple of `step` (a `multipleOf`, not
    /// zero; zero is a multiple of everything).
    ///
    /// With `self = a × 10^p` and `step = b × 10^q`, `self / step` is
    /// `(a / b) × 10^(p − q)`. Write `b = 2^x · 5^y · r` with `r` coprime to
    /// 10: the quotient is an integer when `r` divides `a` and the powers of 2
    /// and 5 left in `a / r`, plus `p − q`, cover `x` and `y`.
    pub fn is_multiple_of(self, step: Decimal) -> bool {
        if self.mantissa == 0 {
            return true;
        }
        if step.mantissa == 0 {
            return false;
        }
        let (x, y, r) = split_2_5(step.mantissa);
        if !self.mantissa.is_multiple_of(r) {
            return false;
        }
        let (c, d, _) = split_2_5(self.mantissa / r);
        let k = i64::from(self.exponent) - i64::from(step.exponent);
        i64::from(c) + k >= i64::from(x) && i64::from(d) + k >= i64::from(y)
    }
}

/// `n = 2^x · 5^y · r` with `r` coprime to 10 (`n` not zero).
fn split_2_5(mut n: u128) -> (u32, u32, u128) {
    let (mut x, mut y) = (0, 0);
    while n.is_multiple_of(2) {
        n /= 2;
        x += 1;
    }
    while n.is_multiple_of(5) {
        n /= 5;
        y += 1;
    }
    (x, y, n)
}

impl Ord for Decimal {
    fn cmp(&self, other: &Decimal) -> Ordering {
        let negative = |d: &Decimal| d.negative && d.mantissa != 0;
        match (negative(self), negative(other)) {
            (false, true) => Ordering::Greater,
            (true, false) => Ordering::Less,
            (false, false) => self.cmp_magnitude(*other),
            (true, true) => other.cmp_magnitude(*self),
        }
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Decimal) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Decimal {
    /// Plain digits when the number has at most 21 of them before and 6
    /// zeros after the point (`19.99`, `1000`, `0.000001`), else `1.5e300`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.negative { "-" } else { "" };
        let digits = self.mantissa.to_string();
        let len = digits.len() as i64;
        let exponent = i64::from(self.exponent);
        let lead = len + exponent;
        if (0..=21).contains(&exponent) && lead <= 21 {
            let zeros = "0".repeat(exponent as usize);
            write!(f, "{sign}{digits}{zeros}")
        } else if exponent < 0 && lead > 0 {
            let (int, frac) = digits.split_at(lead as usize);
            write!(f, "{sign}{int}.{frac}")
        } else if exponent < 0 && lead > -6 {
            let zeros = "0".repeat((-lead) as usize);
            write!(f, "{sign}0.{zeros}{digits}")
        } else {
            let (first, rest) = digits.split_at(1);
            let dot = if rest.is_empty() { "" } else { "." };
            write!(f, "{sign}{first}{dot}{rest}e{}", lead - 1)
        }
    }
}
