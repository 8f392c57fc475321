//! `identity.idempotent-replay`: the calls of an `x-idempotency` operation
//! that carry the same key are one call and its replays (specs/README.md
//! § Idempotency). A replay with the same request body answers as the first
//! call did (same status, same body as JSON); one with another body is
//! refused (a 4xx). The first call is the first that completed: an answer
//! of 429 or 5xx leaves the key free, as does a replay answered so.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use pyng_spec::ir::Operation;
use pyng_spec::registry::RuleId;
use serde_json::Value;

use crate::exchange::{Exchange, header};
use crate::finding::Finding;
use crate::matcher::OpRef;

/// Keys remembered per file; later keys are not checked (and counted so).
pub(crate) const MAX_KEYS: usize = 100_000;

/// The coverage's reason for replays that could not be checked.
pub(crate) const UNTRACKED: &str = "the idempotency key was redacted in the recording, or the file holds more than 100000 keys, so its replays are not checked";

/// What a replay is compared on: the key, and digests of the request body
/// and of the answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Call {
    key: String,
    request: u64,
    status: u16,
    response: u64,
}

/// The outcome of reading a call's key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Keyed {
    /// A call to compare.
    Call(Call),
    /// The key was redacted: nothing to compare.
    Redacted,
}

/// The call `ex` makes of `op`, when `op` is idempotent and the request
/// carries its key; `response` is the response body as read, when it was
/// (else `ex.body` is read).
pub(crate) fn call(op: &Operation, ex: &Exchange, response: Option<&Value>) -> Option<Keyed> {
    let idem = op.idempotency.as_ref()?;
    if ex.operation.is_some() {
        return None;
    }
    let key = header(&ex.request_headers, &idem.header)?;
    if crate::redact::is_redacted(key) {
        return Some(Keyed::Redacted);
    }
    let response = match response {
        Some(v) => digest_value(v),
        None => digest_bytes(&ex.body),
    };
    Some(Keyed::Call(Call {
        key: key.to_string(),
        request: digest_bytes(&ex.request_body),
        status: ex.status,
        response,
    }))
}

/// A body's digest: of its JSON value (key order and white space aside)
/// when it is JSON, else of its bytes.
fn digest_bytes(body: &[u8]) -> u64 {
    match serde_json::from_slice::<Value>(body) {
        Ok(v) => digest_value(&v),
        Err(_) => {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            body.hash(&mut h);
            h.finish()
        }
    }
}

fn digest_value(v: &Value) -> u64 {
    fn feed(v: &Value, h: &mut impl Hasher) {
        match v {
            Value::Null => 0u8.hash(h),
            Value::Bool(b) => (1u8, b).hash(h),
            Value::Number(n) => (2u8, n.to_string()).hash(h),
            Value::String(s) => (3u8, s).hash(h),
            Value::Array(items) => {
                (4u8, items.len()).hash(h);
                items.iter().for_each(|i| feed(i, h));
            }
            Value::Object(map) => {
                (5u8, map.len()).hash(h);
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort();
                for k in keys {
                    k.hash(h);
                    feed(&map[k], h);
                }
            }
        }
    }
    let mut h = std::collections::hash_map::DefaultHasher::new();
    feed(v, &mut h);
    h.finish()
}

/// The first completed call of each key, per operation, in one file.
#[derive(Debug, Default)]
pub(crate) struct Replays {
    first: HashMap<(OpRef, String), (Call, Option<usize>)>,
}

/// Where a call is, for its findings.
pub(crate) struct At<'a> {
    pub op_ref: OpRef,
    pub op: &'a Operation,
    pub ex_file: &'a str,
    pub entry: Option<usize>,
}

fn completed(status: u16) -> bool {
    status != 429 && status < 500
}

impl Replays {
    /// Checks `call` against the first call of its key; `false` when it
    /// could not be tracked (the bound is reached).
    pub(crate) fn check(&mut self, at: &At<'_>, call: Call, out: &mut Vec<Finding>) -> bool {
        if !completed(call.status) {
            return true;
        }
        let slot = (at.op_ref, call.key.clone());
        let Some((first, first_entry)) = self.first.get(&slot) else {
            if self.first.len() >= MAX_KEYS {
                return false;
            }
            self.first.insert(slot, (call, at.entry));
            return true;
        };
        let first_at = match first_entry {
            Some(e) => format!("entry {e}"),
            None => "an earlier exchange".to_owned(),
        };
        let idem = at.op.idempotency.as_ref();
        let header = idem.map_or("the idempotency key", |i| i.header.as_str());
        let message = if call.request == first.request {
            if call.status != first.status {
                Some(format!(
                    "a replay (the same `{header}` `{}` and body as {first_at}) is answered {}; the first call was answered {}",
                    call.key, call.status, first.status
                ))
            } else if call.response != first.response {
                Some(format!(
                    "a replay (the same `{header}` `{}` and body as {first_at}) is answered with another body than the first call",
                    call.key
                ))
            } else {
                None
            }
        } else if !(400..500).contains(&call.status) {
            Some(format!(
                "the `{header}` `{}` of {first_at} is sent again with another body and answered {}; a reused key with another body is refused with a 4xx",
                call.key, call.status
            ))
        } else {
            None
        };
        if let Some(message) = message {
            let mut f = Finding::of(RuleId::IdentityIdempotentReplay, at.ex_file, message)
                .with_source(
                    idem.and_then(|i| i.source.as_ref())
                        .or(at.op.source.as_ref()),
                );
            f.entry = at.entry;
            f.operation = Some(at.op.id.clone());
            out.push(f);
        }
        true
    }
}
