//! `x-idempotency` (specs/README.md § Idempotency): calls of an operation that
//! carry the same key are one call. A replay with the same body gets the first
//! answer again; the same key with another body is refused with the documented
//! 400 body. Only completed answers are kept: a refusal leaves the key free.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value;

use crate::app::App;
use crate::handler::{Checked, Rejected, refuse_bad};
use crate::plan::OpPlan;
use crate::routes::json_response;

/// A first call: its request body and its answer.
#[derive(Debug, Clone)]
pub(crate) struct FirstCall {
    request: RequestBody,
    status: StatusCode,
    body: Value,
}

/// Request bodies compare as JSON (key order and white space aside), else byte
/// for byte, as the engine's `identity.idempotent-replay` does.
#[derive(Debug, Clone, PartialEq)]
enum RequestBody {
    Json(Value),
    Bytes(Vec<u8>),
}

impl RequestBody {
    fn of(bytes: &[u8]) -> RequestBody {
        serde_json::from_slice(bytes)
            .map_or_else(|_| RequestBody::Bytes(bytes.to_vec()), RequestBody::Json)
    }
}

/// Answers the call through `make` unless its key has been answered before.
pub(crate) fn answer(
    app: &App,
    ix: usize,
    plan: &OpPlan,
    req: &Checked,
    body: &[u8],
    make: impl FnOnce() -> Result<(StatusCode, Value), Rejected>,
) -> Response {
    let key = plan.op.idempotency.as_ref().and_then(|i| {
        req.values
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(&i.header))
            .map(|(_, v)| v.clone())
    });
    let Some(key) = key else {
        return respond(make());
    };
    let request = RequestBody::of(body);
    let store_key = (ix, key);
    let first = app.store().first_calls.get(&store_key).cloned();
    if let Some(first) = first {
        if first.request == request {
            return json_response(first.status, &first.body, Vec::new());
        }
        let header = plan
            .op
            .idempotency
            .as_ref()
            .map_or("", |i| i.header.as_str());
        let msg = format!("this {header} was used with another request body");
        return *refuse_bad(app, plan, &msg);
    }
    match make() {
        Ok((status, out)) => {
            let mut store = app.store();
            store.make_room(app.max_resources);
            store.first_calls.insert(
                store_key,
                FirstCall {
                    request,
                    status,
                    body: out.clone(),
                },
            );
            drop(store);
            json_response(status, &out, Vec::new())
        }
        Err(refused) => *refused,
    }
}

fn respond(made: Result<(StatusCode, Value), Rejected>) -> Response {
    match made {
        Ok((status, out)) => json_response(status, &out, Vec::new()),
        Err(refused) => *refused,
    }
}
