//! The rules, grouped by what they look at: one exchange's HTTP envelope
//! ([`http`], [`response_headers`]), its request ([`request`], [`request_body`]), its body ([`body`]), its signatures ([`signature`]), and a
//! polling sequence ([`sequence`], joined by the creation that made its resource:
//! [`links`]) or an idempotent call's replays ([`idempotency`]).

pub(crate) mod body;
pub(crate) mod client;
pub(crate) mod credentials;
pub(crate) mod http;
pub(crate) mod http_date;
pub(crate) mod idempotency;
pub(crate) mod links;
pub(crate) mod request;
pub(crate) mod request_body;
pub(crate) mod response_headers;
pub(crate) mod sequence;
pub(crate) mod signature;

use pyng_spec::registry::RuleId;
use std::borrow::Cow;

use crate::exchange::Exchange;
use crate::finding::Finding;

/// The request's parameters as the checks read them, by name: the path
/// parameters of the matched template first, then the recorded query (both
/// decoded). Borrowed where they are, not gathered in one list.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Params<'a> {
    pub path: &'a [(&'a str, Cow<'a, str>)],
    pub query: &'a [(Cow<'a, str>, Cow<'a, str>)],
}

impl<'a> Params<'a> {
    /// Every value of the parameter called `name`: its path segment, or each
    /// query value sent under that name, in order.
    pub(crate) fn values(&self, name: &str) -> Vec<&'a str> {
        match self.path.iter().find(|(k, _)| *k == name) {
            Some((_, v)) => vec![v.as_ref()],
            None => self
                .query
                .iter()
                .filter(|(k, _)| k == name)
                .map(|(_, v)| v.as_ref())
                .collect(),
        }
    }

    /// The first parameter called `name`.
    pub(crate) fn get(&self, name: &str) -> Option<&'a str> {
        let path = self.path.iter().find(|(k, _)| *k == name);
        match path {
            Some((_, v)) => Some(v),
            None => self
                .query
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_ref()),
        }
    }
}

/// What the checks of one exchange could not evaluate, for the coverage.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Unevaluated {
    /// A parameter's value (a header's, a query's) was redacted when it was
    /// recorded.
    pub redacted_parameter: bool,
    /// The request's credentials were judged by a scheme the kit does not
    /// check.
    pub unchecked_credentials: bool,
    /// A documented response header's value was redacted when it was
    /// recorded.
    pub redacted_response_header: bool,
}

/// A finding of the registered rule `rule` about one exchange.
pub(crate) fn at_exchange(
    ex: &Exchange<'_>,
    operation: &str,
    rule: RuleId,
    message: String,
) -> Finding {
    of_exchange(ex, operation, Finding::of(rule, &ex.file, message))
}

/// `f`, located at the exchange `ex` of `operation`.
pub(crate) fn of_exchange(ex: &Exchange<'_>, operation: &str, mut f: Finding) -> Finding {
    f.entry = ex.entry;
    f.operation = Some(operation.to_owned());
    f
}
