//! `client.*`: how the client polls one resource, from the times of its
//! requests in a polling sequence: no faster than `x-polling`, not on after a
//! final state, not on an expired resource, honouring `Retry-After`, backing
//! off after 429 and 5xx; and, across the resources of an operation, within
//! its `x-rate-limit` ([`rate_limit`]); across the file, its access tokens
//! ([`token`]). Each exchange is a few numbers, so a sequence's
//! client state stays a few values however long it is.

pub(crate) mod token;

use pyng_spec::contract::rate_limit::Exceeded;
use pyng_spec::ir::RateLimit;
use pyng_spec::registry::RuleId;

use super::http_date::{self, RetryAfter};

use crate::finding::Finding;
use crate::plan::States;

/// Polls a client may make after the first final state it saw (to confirm
/// it) before `client.poll-after-final` or `client.poll-expired`.
pub(crate) const CONFIRMATION_POLLS: usize = 1;

/// A poll may come this much sooner than the interval (in percent of it):
/// clocks, schedulers and the time a response takes vary.
pub(crate) const INTERVAL_TOLERANCE_PERCENT: i128 = 20;

/// What one exchange says about the client.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Request {
    /// When the request was sent (Unix ms).
    pub time_ms: Option<i128>,
    /// The response status.
    pub status: u16,
    /// The response's `Retry-After`, as a delay in ms.
    pub retry_after_ms: Option<i128>,
    /// The state the response shows, as its index in the machine's values.
    pub state: Option<usize>,
}

/// The client's side of one sequence so far.
#[derive(Debug, Clone, Default)]
pub(crate) struct ClientState {
    last: Option<Request>,
    /// The gap before the last request, when it retried an error.
    last_retry_gap: Option<i128>,
    since_final: Option<SinceFinal>,
    /// Reported once per sequence each: a client that polls on does so on
    /// every poll.
    said_after_final: bool,
}

/// Context for the findings of one exchange.
pub(crate) struct At<'a> {
    pub file: &'a str,
    pub entry: Option<usize>,
    pub operation: &'a str,
    pub interval_seconds: u64,
    pub states: Option<&'a States>,
    pub polling_source: Option<&'a pyng_spec::ir::Source>,
}

impl At<'_> {
    fn finding(&self, rule: RuleId, message: String) -> Finding {
        let mut f = Finding::of(rule, self.file, message);
        f.entry = self.entry;
        f.operation = Some(self.operation.to_owned());
        f
    }
}

/// How finely an HTTP-date tells the time.
const DATE_RESOLUTION_MS: i128 = 1000;

/// `Retry-After` as a delay in ms from the request: delay-seconds as they
/// are; an HTTP-date less the response's `Date` (the server's clock, so
/// that clock skew does not count) and less a second (both are whole
/// seconds, `Date` rounded down: a client that waits for the date may send
/// up to a second sooner than their difference after its request), else
/// less the request's time.
pub(crate) fn retry_after_ms(
    value: &str,
    date: Option<&str>,
    request_ms: Option<i128>,
) -> Option<i128> {
    match http_date::retry_after(value, request_ms)? {
        RetryAfter::Delay(ms) => Some(ms),
        RetryAfter::At(at) => {
            let wait = match date.and_then(|d| http_date::parse(d.trim(), request_ms)) {
                Some(server_now) => at - server_now - DATE_RESOLUTION_MS,
                None => at - request_ms?,
            };
            Some(wait.max(0))
        }
    }
}

/// `client.rate-limit`: the request is `over` the operation's `limit` for
/// the key values `values`.
pub(crate) fn rate_limit(
    at: &At<'_>,
    limit: &RateLimit,
    values: &[Option<String>],
    over: Exceeded,
) -> Finding {
    let who = if limit.key.is_empty() {
        "all clients".to_owned()
    } else {
        limit
            .key
            .iter()
            .zip(values)
            .map(|(k, v)| format!("{k}={}", v.as_deref().unwrap_or("(absent)")))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let f = at.finding(
        RuleId::ClientRateLimit,
        format!(
            "request {} to {} within {} ms for {who}: the operation admits {} per {} s (counted across all its resources)",
            over.in_window,
            at.operation,
            over.elapsed_ms.max(0),
            limit.requests,
            limit.per_seconds
        ),
    );
    f.with_source(limit.source.as_ref())
}

fn is_error(status: u16) -> bool {
    status == 429 || (500..600).contains(&status)
}

impl ClientState {
    pub(crate) fn update(&mut self, at: &At<'_>, now: Request, out: &mut Vec<Finding>) {
        let interval_ms = i128::from(at.interval_seconds) * 1000;
        let mut retry_gap = None;
        if let (Some(last), Some(t)) = (self.last, now.time_ms)
            && let Some(before) = last.time_ms
        {
            let gap = t - before;
            if let Some(wait) = last.retry_after_ms {
                if gap < wait {
                    out.push(at.finding(
                        RuleId::ClientRetryAfter,
                        format!(
                            "the request came {} ms after a {} response whose `Retry-After` asked for {} ms",
                            gap.max(0),
                            last.status,
                            wait
                        ),
                    ));
                }
            } else if is_error(last.status) {
                retry_gap = Some(gap);
                if interval_ms > 0 && gap < interval_ms {
                    out.push(at.finding(
                        RuleId::ClientBackoff,
                        format!(
                            "the request came {} ms after a {} response: a retry waits at least the polling interval, {} s",
                            gap.max(0),
                            last.status,
                            at.interval_seconds
                        ),
                    ));
                } else if let Some(previous) = self.last_retry_gap
                    && gap <= previous
                {
                    out.push(at.finding(
                        RuleId::ClientBackoff,
                        format!(
                            "the request came {gap} ms after the {} response, no longer than the {previous} ms before it: retries after errors in a row back off",
                            last.status
                        ),
                    ));
                }
            } else if interval_ms > 0
                && gap * 100 < interval_ms * (100 - INTERVAL_TOLERANCE_PERCENT)
            {
                let mut f = at.finding(
                    RuleId::ClientPollInterval,
                    format!(
                        "the request came {} ms after the previous one; the operation's polling interval is {} s (polls may come {INTERVAL_TOLERANCE_PERCENT}% sooner)",
                        gap.max(0),
                        at.interval_seconds
                    ),
                );
                f = f.with_source(at.polling_source);
                out.push(f);
            }
        }
        self.last_retry_gap = retry_gap;
        self.after_final(at, &now, out);
        self.last = Some(now);
    }

    fn after_final(&mut self, at: &At<'_>, now: &Request, out: &mut Vec<Finding>) {
        // A status of another enum (another response documents another
        // machine) starts afresh, as the sequence checks do.
        if let (Some(seen), Some(states)) = (&self.since_final, at.states)
            && now.state.is_some()
            && *seen.enum_name != *states.enum_name
        {
            self.since_final = None;
            self.said_after_final = false;
        }
        if let Some(seen) = &mut self.since_final {
            seen.polls += 1;
            if seen.polls > CONFIRMATION_POLLS + 1 && !self.said_after_final {
                self.said_after_final = true;
                let (rule, advice) = if seen.expired {
                    (
                        RuleId::ClientPollExpired,
                        "it has expired: create a new one instead of polling it",
                    )
                } else {
                    (RuleId::ClientPollAfterFinal, "a final state is never left")
                };
                let f = at.finding(
                    rule,
                    format!(
                        "poll {} after the resource showed the final state {} ({CONFIRMATION_POLLS} confirming poll allowed): {advice}",
                        seen.polls - 1,
                        seen.state
                    ),
                );
                out.push(f.with_source(seen.source.as_ref()));
            }
            return;
        }
        if let (Some(states), Some(s)) = (at.states, now.state)
            && states.is_final(s)
        {
            let name = states.values[s].clone();
            let expired = states
                .machine
                .timeouts
                .iter()
                .find(|t| t.becomes.contains(&name));
            self.since_final = Some(SinceFinal {
                polls: 1,
                enum_name: states.enum_name.clone(),
                expired: expired.is_some(),
                source: expired
                    .and_then(|t| t.source.clone())
                    .or_else(|| states.machine.source.clone()),
                state: name,
            });
        }
    }
}

/// The first final state a sequence showed, and the polls since.
#[derive(Debug, Clone)]
struct SinceFinal {
    /// Polls since it, that one included.
    polls: usize,
    /// The enum whose machine it is final in.
    enum_name: std::sync::Arc<str>,
    state: String,
    /// A state a timeout `becomes`: the resource expired.
    expired: bool,
    source: Option<pyng_spec::ir::Source>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_is_a_delay_from_the_request() {
        assert_eq!(retry_after_ms("5", None, None), Some(5000));
        assert_eq!(retry_after_ms(" 0 ", None, Some(7)), Some(0));
        let date = "Wed, 21 Oct 2015 07:28:00 GMT";
        let date_ms = 1_445_412_480_000;
        // Against the server's `Date`, whatever the client's clock said.
        assert_eq!(
            retry_after_ms(date, Some("Wed, 21 Oct 2015 07:27:50 GMT"), Some(0)),
            Some(9_000)
        );
        // Without `Date`, against the request's time; a past date is now.
        assert_eq!(retry_after_ms(date, None, Some(date_ms - 3000)), Some(3000));
        assert_eq!(retry_after_ms(date, None, Some(date_ms + 3000)), Some(0));
        // With neither, a date says nothing.
        assert_eq!(retry_after_ms(date, None, None), None);
        assert_eq!(retry_after_ms(date, Some("garbage"), None), None);
        for v in ["", "-1", "1.5", "Wed, 21 Oct 2015 07:28:00"] {
            assert_eq!(retry_after_ms(v, None, Some(0)), None, "{v}");
        }
    }
}
