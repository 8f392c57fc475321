//! The rules, grouped by what they look at: one exchange's HTTP envelope
//! ([`http`]), its request ([`request`]), its body ([`body`]), its signatures ([`signature`]), and a
//! polling sequence ([`sequence`]).

pub mod body;
pub mod http;
pub mod request;
pub mod sequence;
pub mod signature;

use std::borrow::Cow;

use crate::exchange::Exchange;
use crate::finding::{Finding, Severity};

/// A request parameter as the checks read it: its name and (decoded) value,
/// path parameters first, then the recorded query.
pub type Param<'a> = (&'a str, Cow<'a, str>);

/// A finding about one exchange.
pub fn at_exchange(
    ex: &Exchange<'_>,
    operation: &str,
    rule: &str,
    severity: Severity,
    message: String,
) -> Finding {
    let mut f = Finding::new(rule, severity, &ex.file, message);
    f.entry = ex.entry;
    f.operation = Some(operation.to_owned());
    f
}
