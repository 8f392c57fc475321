//! A creation operation (`roles::Creation`): answers its success response with a
//! new resource of the operation it links to, and remembers that resource so
//! that polling it starts from the creation's time (the timeouts count from
//! there) and repeats what the request said (`orderId`).
//!
//! The new id is the linked operation's resource-key parameter, written at the
//! link's `$response.body` pointer: the initials of the parameter's name, a
//! counter and the scenario (`pi-000001-settled`, `cs-000002`), so that polling
//! it plays that scenario. The scenario comes from the `x-sandbox-scenario`
//! header, else from the first string member of the request body that the
//! linked operation's body repeats (the partner's own reference, `orderId`).
//! The request body is checked against the operation's `requestBody` as a
//! request (a bad one gets the documented 400 body), absent members take their
//! schema's `default`. The response body is synthesised from the spec, in the
//! machine's initial state, with the request's members and parameters under
//! the fields of the same name.

use std::collections::BTreeMap;

use axum::http::{HeaderMap, StatusCode, header};
use serde_json::{Map, Value};

use pyng_spec::Severity;
use pyng_spec::ir::{BodyEncoding, Spec, Type};
use pyng_spec::pointer;
use pyng_spec::validate::{self, Direction};

use crate::app::App;
use crate::body::{Times, seed_of, synthesise, time_values};
use crate::handler::{Checked, Rejected, refuse_bad, resource_seed};
use crate::plan::OpPlan;
use crate::roles::Creation;
use crate::routes::SCENARIO_HEADER;
use crate::scenario::Scenario;
use crate::state::Created;

/// Scenario text safe in a path segment, a query value and an id pattern.
fn id_safe(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '+' | ' ' => '.',
            c if c.is_ascii_alphanumeric() || c == '.' || c == '-' => c.to_ascii_lowercase(),
            _ => '-',
        })
        .take(100)
        .collect()
}

/// `paymentIntentId` -> `pi`, `checkoutSessionId` -> `cs`, `job_id` -> `j`.
pub(crate) fn id_prefix(param: &str) -> String {
    let stem = ["Id", "ID", "_id", "-id"]
        .iter()
        .find_map(|s| param.strip_suffix(s))
        .filter(|s| !s.is_empty())
        .unwrap_or(param);
    let mut out = String::new();
    let mut word_start = true;
    for c in stem.chars() {
        if c == '_' || c == '-' {
            word_start = true;
            continue;
        }
        if (word_start || c.is_ascii_uppercase()) && c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        }
        word_start = false;
    }
    if out.is_empty() { "r".into() } else { out }
}

/// The request body read as the operation's `requestBody` documents it and
/// checked against its schema as a request (the engine's `http.request-body`
/// rules), with the schema's `default`s filled in; or why it is refused.
fn request_members(
    spec: &Spec,
    plan: &OpPlan,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Map<String, Value>, String> {
    let Some(documented) = &plan.op.request_body else {
        return Ok(Map::new());
    };
    if body.is_empty() {
        return if documented.required {
            Err("a request body is required".into())
        } else {
            Ok(Map::new())
        };
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let content = documented
        .content_for(content_type)
        .or(match documented.contents.as_slice() {
            [only] if content_type.is_empty() => Some(only),
            _ => None,
        })
        .ok_or_else(|| {
            let types: Vec<&str> = documented
                .contents
                .iter()
                .map(|c| c.media_type.as_str())
                .collect();
            format!("the body must be sent as {}", types.join(" or "))
        })?;
    let value = match content.encoding {
        BodyEncoding::Json => serde_json::from_slice::<Value>(body)
            .map_err(|e| format!("the request body is not JSON: {e}"))?,
        BodyEncoding::Form => {
            let pairs: Vec<(String, String)> = form_urlencoded::parse(body).into_owned().collect();
            let pairs: Vec<(&str, &str)> = pairs
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            match &content.body {
                Some(ty) => validate::text::from_form(spec, ty, &pairs),
                None => Value::Object(Map::new()),
            }
        }
    };
    if let Some(ty) = &content.body
        && let Some(problem) = validate::validate_in(spec, ty, &value, Direction::Request)
            .into_iter()
            .find(|f| f.severity == Severity::Error)
    {
        let at = if problem.pointer.is_empty() {
            "/"
        } else {
            &problem.pointer
        };
        return Err(format!("request body at `{at}`: {}", problem.message));
    }
    // A body the schema accepts that is not an object (an array, a
    // composition's scalar) conforms; it has no members to echo.
    let Value::Object(mut members) = value else {
        return Ok(Map::new());
    };
    if let Some(model) = content.body.as_ref().and_then(|ty| match ty {
        Type::Named(name) => spec.model(name),
        _ => None,
    }) {
        for f in &model.fields {
            if let Some(default) = &f.default {
                members
                    .entry(f.wire_name.clone())
                    .or_insert_with(|| default.clone());
            }
        }
    }
    Ok(members)
}

/// Whether any model of `plan`'s success body has the wire field `name`.
fn has_field(app: &App, plan: &OpPlan, name: &str) -> bool {
    let spec = &app.specs[plan.spec];
    plan.models
        .iter()
        .filter_map(|(m, _)| spec.model(m))
        .any(|m| m.field(name).is_some())
}

fn set_at(body: &mut Value, at: &str, value: Value) {
    if let Some(slot) = body.pointer_mut(at) {
        *slot = value;
    }
}

/// The creation's answer: its status and body (kept for idempotent replays),
/// or the refusal.
pub(crate) fn create(
    app: &App,
    plan: &OpPlan,
    creation: &Creation,
    req: &Checked,
    body: &[u8],
) -> Result<(StatusCode, Value), Rejected> {
    let spec = &app.specs[plan.spec];
    let members = match request_members(spec, plan, &req.headers, body) {
        Ok(m) => m,
        Err(msg) => return Err(refuse_bad(app, plan, &msg)),
    };
    let target = &app.plans[creation.target];
    let scenario = req
        .headers
        .get(SCENARIO_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or_else(|| {
            members.iter().find_map(|(k, v)| match v {
                Value::String(s) if has_field(app, target, k) => Some(s.clone()),
                _ => None,
            })
        })
        .map(|s| id_safe(&s))
        .unwrap_or_default();
    // The request's members and parameters, under the fields of the same name.
    let mut fields: BTreeMap<String, Value> = members
        .iter()
        .filter(|(k, _)| has_field(app, plan, k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for (name, value) in &req.values {
        if has_field(app, plan, name) {
            fields.insert(name.clone(), Value::String(value.clone()));
        }
    }
    let now = app.clock.now_ms();
    let id = {
        let mut store = app.store();
        store.make_room(app.max_resources);
        // A counter, not the map size: ids stay unique after `make_room`.
        store.created_counter += 1;
        let n = store.created_counter;
        let prefix = id_prefix(&creation.id_param);
        let id = if scenario.is_empty() {
            format!("{prefix}-{n:06}")
        } else {
            format!("{prefix}-{n:06}-{scenario}")
        };
        store.created.insert(
            id.clone(),
            Created {
                created_ms: now,
                fields: members.clone().into_iter().collect(),
            },
        );
        id
    };
    let Some(ok_type) = &plan.ok_type else {
        return Ok((ok_status(plan), Value::Null));
    };
    let states = plan
        .status
        .as_ref()
        .and_then(|s| {
            Some((
                s.enum_name.clone(),
                s.machine.machine.initial.first()?.clone(),
            ))
        })
        .into_iter()
        .collect();
    let id_field = pointer::tokens(&creation.id_pointer).and_then(|t| t.last().cloned());
    if let Some(name) = id_field {
        fields.insert(name, Value::String(id.clone()));
    }
    // The creation shows the deadline its polls will show (the linked
    // machine's `deadlineField`, from the creation's time and the id's
    // scenario), so the values it returned stay as they were.
    let times = Times {
        now_ms: now,
        changed_ms: now,
        deadline: target_deadline(app, target, &id, now),
    };
    for (name, value) in time_values(spec, ok_type, &times) {
        fields.entry(name).or_insert(value);
    }
    let seed = resource_seed(plan, req) ^ seed_of([id.as_str()]);
    let mut out = synthesise(spec, ok_type, seed, states, fields);
    set_at(&mut out, &creation.id_pointer, Value::String(id));
    for (param, at) in &creation.from_request {
        if let Some((_, v)) = req.values.iter().find(|(p, _)| p == param) {
            set_at(&mut out, at, Value::String(v.clone()));
        }
    }
    Ok((ok_status(plan), out))
}

/// The linked operation's `deadlineField` and the deadline a poll of `id`
/// will give it: the creation's time plus the TTL of the id's scenario
/// (`expire-S`), else `deadline_ttl_seconds`, as `handler` computes it.
fn target_deadline(app: &App, target: &OpPlan, id: &str, now: i64) -> Option<(String, i64)> {
    let status = target.status.as_ref()?;
    let field = status.machine.machine.deadline_field()?.to_owned();
    let ttl_s = Scenario::parse_id(id, &status.machine.values)
        .unwrap_or_default()
        .schedule(&status.machine)
        .ok()
        .and_then(|s| s.ttl_seconds)
        .unwrap_or(app.deadline_ttl_seconds);
    let ttl_ms = i64::try_from(ttl_s)
        .unwrap_or(i64::MAX)
        .saturating_mul(1000);
    Some((field, now.saturating_add(ttl_ms)))
}

fn ok_status(plan: &OpPlan) -> StatusCode {
    StatusCode::from_u16(plan.ok_status).unwrap_or(StatusCode::OK)
}

#[cfg(test)]
mod tests {
    use super::id_prefix;

    #[test]
    fn prefixes_are_the_initials_of_the_id_parameter() {
        assert_eq!(id_prefix("paymentIntentId"), "pi");
        assert_eq!(id_prefix("checkoutSessionId"), "cs");
        assert_eq!(id_prefix("job_id"), "j");
        assert_eq!(id_prefix("Id"), "i");
        assert_eq!(id_prefix("__"), "r");
    }
}
