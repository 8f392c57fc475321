//! The checks of one exchange on its own (HTTP, request, body, signatures),
//! which run in parallel; what the sequence checks need of it is kept in a
//! [`Prepared`].

use pyng_spec::registry::RuleId;
use std::borrow::Cow;
use std::sync::Arc;

use super::Engine;
use crate::checks::sequence::{Observation, observe};
use crate::checks::{
    self, Params, body, credentials, http, idempotency, links, request, request_body,
    response_headers, signature,
};
use crate::exchange::Exchange;
use crate::finding::Finding;
use crate::input;
use crate::matcher::OpRef;
use crate::origin::Origin;
use pyng_spec::validate::stream::Streamed;

/// An exchange after its own checks, waiting for its sequence.
pub(super) struct Prepared<'a> {
    pub entry: Option<usize>,
    /// The response status.
    pub status: u16,
    /// When the request was sent, Unix milliseconds.
    pub time_ms: Option<i128>,
    /// The response's `Retry-After` as a delay from the request, in ms.
    pub retry_after_ms: Option<i128>,
    pub route: Route,
    /// The documented response and what its body says about the resource
    /// (matched exchanges whose response has a sequence plan).
    pub observation: Option<(usize, Observation)>,
    /// What the checks of the request and headers leave to the file's run.
    pub side: Side,
    pub findings: Vec<Finding>,
    /// Where to locate findings.
    pub text: Text<'a>,
}

/// What findings are located in.
pub(super) enum Text<'a> {
    /// The response body, and where the exchange and its body are in the
    /// file when known as read.
    Body {
        body: Cow<'a, [u8]>,
        origin: Option<Origin<'a>>,
    },
    /// An NDJSON line (number `entry + 1`), read again for its body and
    /// positions only when there are findings to locate.
    Line { entry: usize, line: Cow<'a, [u8]> },
}

impl Text<'_> {
    /// The body and the file position of the exchange and its body.
    pub(super) fn body(&self, file: &Arc<str>) -> (Cow<'_, [u8]>, Option<Origin<'_>>) {
        match self {
            Text::Body { body, origin } => (Cow::Borrowed(body), origin.clone()),
            Text::Line { entry, line } => match input::ndjson::locate_line(file, *entry, line) {
                Some((body, origin)) => (body, Some(origin)),
                None => (Cow::Borrowed(&[]), None),
            },
        }
    }

    fn into_owned(self) -> Text<'static> {
        match self {
            Text::Body { body, origin } => Text::Body {
                body: Cow::Owned(body.into_owned()),
                origin: origin.map(Origin::into_owned),
            },
            Text::Line { entry, line } => Text::Line {
                entry,
                line: Cow::Owned(line.into_owned()),
            },
        }
    }
}

/// What the checks of one exchange's request and headers leave to its
/// file's run: what they could not evaluate, and its idempotent call.
#[derive(Debug, Default)]
pub(super) struct Side {
    /// Why the request body was not checked, when the operation documents one.
    pub request_body_unchecked: Option<request_body::Unchecked>,
    /// What the header checks could not evaluate.
    pub unevaluated: checks::Unevaluated,
    /// The call of an `x-idempotency` operation, for the replay check.
    pub call: Option<idempotency::Keyed>,
    /// A success response linked to a polled operation: the creation of
    /// the resource that operation's sequence is about.
    pub creation: Option<links::Creation>,
}

/// What an exchange was matched to.
pub(super) enum Route {
    Operation {
        op: OpRef,
        /// The values of the operation's `x-resource-key` parameters.
        key: Vec<Option<String>>,
        /// The values of its `x-rate-limit`'s `key` parameters, when it has one.
        limit_key: Option<Vec<Option<String>>>,
    },
    /// No operation: `METHOD path` and a hint, for `input.unmatched`.
    Unmatched(String),
    /// No operation, and `--ignore-path` names the path.
    Ignored,
}

impl Prepared<'_> {
    pub(super) fn into_owned(self) -> Prepared<'static> {
        Prepared {
            entry: self.entry,
            status: self.status,
            time_ms: self.time_ms,
            retry_after_ms: self.retry_after_ms,
            route: self.route,
            observation: self.observation,
            side: self.side,
            findings: self.findings,
            text: self.text.into_owned(),
        }
    }
}

impl Engine {
    /// The checks of an NDJSON line (`None`: a blank line; an error: a line
    /// that is not a recorded exchange).
    pub(super) fn check_line<'a>(
        &self,
        file: &Arc<str>,
        entry: usize,
        line: &'a [u8],
    ) -> Option<Result<Prepared<'a>, Box<Finding>>> {
        let read = input::ndjson::parse_line(file, entry, line, Some(self))?;
        Some(read.map(|parsed| {
            let mut prepared = self.prepare_checked(parsed.exchange, parsed.checked);
            prepared.text = Text::Line {
                entry,
                line: Cow::Borrowed(line),
            };
            prepared
        }))
    }

    /// The checks of one exchange on its own.
    pub(super) fn prepare<'a>(&self, ex: Exchange<'a>) -> Prepared<'a> {
        self.prepare_checked(ex, None)
    }

    /// [`Self::prepare`] of an exchange whose body may have been checked as
    /// it was read (`checked`, see [`input::recording::BodyCheck`]).
    fn prepare_checked<'a>(&self, ex: Exchange<'a>, checked: Option<Streamed<'a>>) -> Prepared<'a> {
        let mut findings = Vec::new();
        let mut side = Side::default();
        let (route, observation) = self.check_exchange(&ex, checked, &mut findings, &mut side);
        let header = |name: &str| {
            ex.response_headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_ref())
        };
        let retry_after_ms = header("retry-after")
            .and_then(|v| checks::client::retry_after_ms(v, header("date"), ex.time_ms));
        Prepared {
            entry: ex.entry,
            status: ex.status,
            time_ms: ex.time_ms,
            retry_after_ms,
            route,
            observation,
            side,
            findings,
            text: Text::Body {
                body: ex.body,
                origin: ex.origin,
            },
        }
    }

    /// The route of `ex` and what its body says about its resource; its
    /// findings into `findings`.
    fn check_exchange<'b>(
        &self,
        ex: &Exchange<'b>,
        checked: Option<Streamed<'b>>,
        findings: &mut Vec<Finding>,
        side: &mut Side,
    ) -> (Route, Option<(usize, Observation)>) {
        let matched;
        let (op_ref, path_params) = match &ex.operation {
            Some(id) => match self.find_operation(id) {
                Some(op_ref) => (op_ref, &[][..]),
                None => return (self.unmatched(ex), None),
            },
            None => {
                matched = self.matcher.find(&ex.method, &ex.path);
                match &matched {
                    Some(m) => (m.op, &m.path_params[..]),
                    None => return (self.unmatched(ex), None),
                }
            }
        };
        let params = Params {
            path: path_params,
            query: &ex.query,
        };
        let (spec, op) = self.operation(op_ref);
        if let Some(recorded) = &ex.unreadable_time {
            findings.push(checks::at_exchange(
                ex,
                &op.id,
                RuleId::InputTimestamp,
                format!(
                    "the recorded time `{recorded}` is not an RFC 3339 date-time, so the rules that need it (`state.timeout`) are not evaluated for this exchange"
                ),
            ));
        }
        http::check(op, ex, findings);
        let fields = &self.plans(op_ref).params;
        side.unevaluated = request::check(spec, op, fields, ex, params, findings);
        side.unevaluated.unchecked_credentials = credentials::check(spec, op, ex, findings);
        side.unevaluated.redacted_response_header = response_headers::check(spec, op, ex, findings);
        side.request_body_unchecked = request_body::check(spec, op, ex, findings);
        let (response_index, want) = self.response_plan(op_ref, ex.status);
        let response = response_index.map(|i| &op.responses[i]);
        let plans = self.plans(op_ref);
        let schema = &self.schemas[op_ref.spec];
        let streamed = body::stream(schema, response, ex, want, checked);
        let streamed = body::check(op, response, ex, params, streamed, findings);
        signature::check_request(spec, op, ex, self.secret.as_ref(), findings);
        if op.idempotency.is_some() {
            let whole = streamed.as_ref().and_then(|b| b.pointer(""));
            side.call = idempotency::call(op, ex, whole.as_ref());
        }
        let mut observation = None;
        if let (Some(body), Some(i)) = (&streamed, response_index) {
            if self.secret.is_some() && plans.signs_responses {
                let whole = body.pointer("").unwrap_or_default();
                signature::check_response(spec, op, ex, &whole, self.secret.as_ref(), findings);
            }
            let plan = &plans.by_response[i];
            if !plan.is_empty() {
                let mut seen = Observation::default();
                observe(plan, body, ex.time_ms, &mut seen);
                observation = Some((i, seen));
            }
        }
        if let Some(i) = response_index {
            side.creation = self.creation(op_ref, &op.responses[i], ex, params);
        }
        let key = op
            .resource_key
            .iter()
            .map(|k| params.get(k).map(str::to_owned))
            .collect();
        let limit_key = op.rate_limit.as_ref().map(|limit| {
            limit
                .key
                .iter()
                .map(|k| param_value(op, ex, params, k))
                .collect()
        });
        (
            Route::Operation {
                op: op_ref,
                key,
                limit_key,
            },
            observation,
        )
    }

    /// The creation `ex` is when its documented `response` links to a polled
    /// operation (the first such link).
    fn creation(
        &self,
        op_ref: OpRef,
        response: &pyng_spec::ir::Response,
        ex: &Exchange<'_>,
        params: Params<'_>,
    ) -> Option<links::Creation> {
        if !(200..300).contains(&ex.status) {
            return None;
        }
        // The link names an operation of the creation's own spec.
        let (spec, _) = self.operation(op_ref);
        let (link, target_op) = pyng_spec::contract::roles::creation_link(spec, response)?;
        let target = OpRef {
            spec: op_ref.spec,
            op: spec.operations.iter().position(|o| o.id == target_op.id)?,
        };
        let body: serde_json::Value = serde_json::from_slice(&ex.body).unwrap_or_default();
        let sources = links::Sources {
            ex,
            params,
            body: &body,
        };
        let key = links::key(target_op, &link.parameters, &sources);
        let (index, _) = self.response_plan(target, 200);
        let plan = index.and_then(|i| self.plans(target).by_response.get(i));
        let observation = index.zip(plan).map(|(i, plan)| {
            let mut seen = Observation::default();
            observe(plan, &body, ex.time_ms, &mut seen);
            (i, seen)
        });
        Some(links::Creation {
            target,
            key,
            observation,
            carried: plan.map(|p| links::carried(p, &body)).unwrap_or_default(),
        })
    }

    /// What to say of an exchange that matches no operation.
    fn unmatched(&self, ex: &Exchange<'_>) -> Route {
        if self
            .ignore_paths
            .as_ref()
            .is_some_and(|globs| globs.is_match(ex.path.as_ref()))
        {
            return Route::Ignored;
        }
        let mut said = format!("{} {}", ex.method, ex.path);
        if let Some(prefix) = self.matcher.prefix_hint(&ex.method, &ex.path) {
            said.push_str(&format!(
                "; it ends like an operation's path: if `{prefix}` is a gateway prefix, `--base-path {prefix}` checks it"
            ));
        }
        Route::Unmatched(said)
    }
}

/// The value of the parameter `name` of `op` in `ex`: a header parameter
/// from the request's headers, any other from the path or the query.
fn param_value(
    op: &pyng_spec::ir::Operation,
    ex: &Exchange<'_>,
    params: Params<'_>,
    name: &str,
) -> Option<String> {
    let header = op
        .param(name)
        .is_some_and(|p| p.location == pyng_spec::ir::ParamLocation::Header);
    if header {
        return ex
            .request_headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.to_string());
    }
    params.get(name).map(str::to_owned)
}
