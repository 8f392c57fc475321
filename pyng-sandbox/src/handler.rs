//! The handler of every spec operation, in three steps: check the request
//! (auth, parameters), move the resource one step along its scenario, and build the
//! response (a synthesised body for the step's state, then the fault, then the
//! signature).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::{QueryRejection, RawPathParamsRejection};
use axum::extract::{Query, RawPathParams};
use axum::http::{HeaderMap, HeaderName, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use pyng_spec::ir::{ParamLocation, Spec, StatusKey, Type};

use crate::app::App;
use crate::auth;
use crate::body::{Times, collect_values, seed_of, synthesise, time_values};
use crate::faults::{self, Fault, FaultKind};
use crate::plan::{OpPlan, StatusLoc};
use crate::roles::Role;
use crate::routes::{
    SCENARIO_HEADER, bad_request, error, hname, json_response, not_found, raw_json_response,
};
use crate::scenario::Scenario;
use crate::signing::sign_response;
use crate::state::{Resource, Step};

/// The response to a refused request (boxed: it is the cold path).
pub(crate) type Rejected = Box<Response>;

fn refuse(
    app: &App,
    plan: &OpPlan,
    prefer: &[u16],
    status: StatusCode,
    message: &str,
    extra: Vec<(HeaderName, String)>,
) -> Rejected {
    Box::new(error(app, plan, prefer, status, message, extra))
}

pub(crate) fn refuse_bad(app: &App, plan: &OpPlan, message: &str) -> Rejected {
    Box::new(bad_request(app, plan, message))
}

/// A request that passed the checks.
pub(crate) struct Checked {
    /// `x-resource-key` parameters that were sent, in key order.
    key: Vec<(String, String)>,
    /// `x-echo` parameters that were sent.
    echo: Vec<(String, String)>,
    /// Every parameter of the operation that was sent, by name.
    pub values: Vec<(String, String)>,
    pub headers: HeaderMap,
}

/// What the resource step gives the response builder.
struct Tracked {
    step: Step,
    seed: u64,
    pinned: BTreeMap<String, Value>,
    changed_ms: i64,
    deadline_ms: i64,
    scenario: String,
}

pub(crate) async fn operation(
    app: Arc<App>,
    ix: usize,
    params: Result<RawPathParams, RawPathParamsRejection>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(plan) = app.plans.get(ix) else {
        return not_found().await;
    };
    if let Role::TokenIssuer = plan.role {
        return crate::token::issue(&app, &headers, &body);
    }
    let spec = &app.specs[plan.spec];
    let req = match check(&app, plan, params, query, headers) {
        Ok(r) => r,
        Err(resp) => return *resp,
    };
    if let Role::Creation(creation) = &plan.role {
        return crate::idempotency::answer(&app, ix, plan, &req, &body, || {
            crate::creation::create(&app, plan, creation, &req, &body)
        });
    }
    let (Role::Polled, Some(ok_type), Some(status)) = (&plan.role, &plan.ok_type, &plan.status)
    else {
        return stateless(&app, plan, &req);
    };
    let now = app.clock.now_ms();
    let tracked = match track(&app, ix, plan, status, ok_type, &req, now) {
        Ok(t) => t,
        Err(resp) => return *resp,
    };
    respond(&app, spec, plan, status, ok_type, &req, tracked, now).await
}

/// Auth first (bearer, signed query), then the parameters the IR requires.
fn check(
    app: &App,
    plan: &OpPlan,
    params: Result<RawPathParams, RawPathParamsRejection>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
    headers: HeaderMap,
) -> Result<Checked, Rejected> {
    if plan.bearer
        && let Err(e) = auth::check_bearer(app, &headers)
    {
        return Err(refuse(
            app,
            plan,
            &[401],
            StatusCode::UNAUTHORIZED,
            e.message(),
            vec![(header::WWW_AUTHENTICATE, e.challenge().to_owned())],
        ));
    }
    let Ok(Query(query)) = query else {
        return Err(refuse_bad(
            app,
            plan,
            "the query string is not valid form-urlencoded UTF-8",
        ));
    };
    if let Some(scheme) = &plan.signature
        && let Err(msg) = auth::check_signed_query(&app.secrets.peach, scheme, &query)
    {
        // 401 when the operation documents it, else its documented 400.
        let status = if plan
            .op
            .response(401)
            .is_some_and(|r| r.status != StatusKey::Default)
        {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::BAD_REQUEST
        };
        return Err(refuse(
            app,
            plan,
            &[status.as_u16(), 400, 401],
            status,
            msg,
            Vec::new(),
        ));
    }
    let path: HashMap<String, String> = match &params {
        Ok(p) => p
            .iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect(),
        Err(_) if plan.op.path_param_names().is_empty() => HashMap::new(),
        Err(_) => {
            return Err(refuse_bad(app, plan, "a path parameter is not valid UTF-8"));
        }
    };
    let value_of = |name: &str| -> Option<String> {
        let p = plan.op.param(name)?;
        match p.location {
            ParamLocation::Path => path.get(name).cloned(),
            ParamLocation::Query => query
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone()),
            ParamLocation::Header => headers.get(name)?.to_str().ok().map(str::to_owned),
        }
    };
    // `Accept`, `Content-Type` and `Authorization` header parameters are not
    // in the IR (OpenAPI 3.0.3 ignores them); every other one is checked.
    for p in &plan.op.params {
        if p.required && value_of(&p.name).is_none() {
            let msg = format!("the required parameter `{}` is missing", p.name);
            return Err(refuse_bad(app, plan, &msg));
        }
    }
    // Each value sent, against its schema, read as the checker reads it.
    let spec = &app.specs[plan.spec];
    for (p, field) in plan.op.params.iter().zip(&plan.param_fields) {
        let values: Vec<String> = match p.location {
            ParamLocation::Query => (query.iter())
                .filter(|(k, _)| *k == p.name)
                .map(|(_, v)| v.clone())
                .collect(),
            _ => value_of(&p.name).into_iter().collect(),
        };
        if values.is_empty() {
            continue;
        }
        let values: Vec<&str> = values.iter().map(String::as_str).collect();
        if let Some(why) = pyng_spec::validate::param_serialization_problem(p, &values) {
            return Err(refuse_bad(app, plan, &why));
        }
        let findings = pyng_spec::validate::validate_param(spec, p, field, &values);
        if let Some(f) = (findings.iter()).find(|f| f.severity == pyng_spec::Severity::Error) {
            let msg = format!("parameter `{}`: {} ({})", p.name, f.message, f.rule);
            return Err(refuse_bad(app, plan, &msg));
        }
    }
    let one_of = &plan.op.one_of_params;
    if !one_of.is_empty() && one_of.iter().filter(|n| value_of(n).is_some()).count() != 1 {
        let msg = format!("exactly one of {} is required", one_of.join(", "));
        return Err(refuse_bad(app, plan, &msg));
    }
    let key = plan
        .op
        .resource_key
        .iter()
        .filter_map(|n| Some((n.clone(), value_of(n)?)))
        .collect();
    let echo = plan
        .op
        .echo
        .iter()
        .filter_map(|e| Some((e.parameter.clone(), value_of(&e.parameter)?)))
        .collect();
    let values = plan
        .op
        .params
        .iter()
        .filter_map(|p| Some((p.name.clone(), value_of(&p.name)?)))
        .collect();
    Ok(Checked {
        key,
        echo,
        values,
        headers,
    })
}

pub(crate) fn resource_seed(plan: &OpPlan, req: &Checked) -> u64 {
    seed_of(std::iter::once(plan.op.id.as_str()).chain(req.key.iter().map(|(_, v)| v.as_str())))
}

/// An operation without a state machine: a conformant body, the same for the
/// same key; no scenarios.
fn stateless(app: &App, plan: &OpPlan, req: &Checked) -> Response {
    let Some(ok_type) = &plan.ok_type else {
        return ok_status(plan).into_response();
    };
    let spec = &app.specs[plan.spec];
    let fields = echo_fields(plan, &req.echo);
    let mut body = synthesise(
        spec,
        ok_type,
        resource_seed(plan, req),
        BTreeMap::new(),
        fields,
    );
    sign(app, plan, &mut body);
    json_response(ok_status(plan), &body, Vec::new())
}

/// Finds or creates the resource (its scenario is fixed by its first request) and
/// takes one step.
fn track(
    app: &App,
    ix: usize,
    plan: &OpPlan,
    status: &StatusLoc,
    ok_type: &Type,
    req: &Checked,
    now: i64,
) -> Result<Tracked, Rejected> {
    let header_scenario = match req.headers.get(SCENARIO_HEADER).map(|v| v.to_str()) {
        None => None,
        Some(Ok(text)) => Some(
            Scenario::parse_strict(text, &status.machine.values)
                .map_err(|e| refuse_bad(app, plan, &format!("{SCENARIO_HEADER}: {e}")))?,
        ),
        Some(Err(_)) => {
            let msg = format!("{SCENARIO_HEADER} is not visible ASCII");
            return Err(refuse_bad(app, plan, &msg));
        }
    };
    let spec = &app.specs[plan.spec];
    let mut store = app.store();
    let store_key = (
        ix,
        req.key.iter().map(|(_, v)| v.clone()).collect::<Vec<_>>(),
    );
    if !store.resources.contains_key(&store_key) {
        let scenario = header_scenario
            .or_else(|| {
                req.key
                    .last()
                    .and_then(|(_, id)| Scenario::parse_id(id, &status.machine.values))
            })
            .unwrap_or_default();
        let schedule = match scenario.schedule(&status.machine) {
            Ok(s) => s,
            Err(e) => {
                drop(store);
                let msg = format!("scenario `{}`: {e}", scenario.canonical());
                return Err(refuse_bad(app, plan, &msg));
            }
        };
        let intent = req
            .key
            .iter()
            .find_map(|(_, v)| store.created.get(v))
            .cloned();
        let seed = resource_seed(plan, req);
        let mut fixed = echo_fields(plan, &req.echo);
        if let Some(i) = &intent {
            // Only fields the operation's bodies have (e.g. `orderId`).
            let known = |name: &String| {
                plan.models
                    .iter()
                    .filter_map(|(m, _)| spec.model(m))
                    .any(|m| m.field(name).is_some())
            };
            for (k, v) in i.fields.iter().filter(|(k, _)| known(k)) {
                fixed.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
        let pinned = pin(spec, status, plan, ok_type, seed, fixed);
        let created = intent.map_or(now, |i| i.created_ms);
        let ttl_s = schedule.ttl_seconds.unwrap_or(app.deadline_ttl_seconds);
        let ttl_ms = i64::try_from(ttl_s)
            .unwrap_or(i64::MAX)
            .saturating_mul(1000);
        store.make_room(app.max_resources);
        let resource = Resource::new(
            &status.machine,
            scenario,
            schedule,
            seed,
            created,
            ttl_ms,
            pinned,
        );
        store.resources.insert(store_key.clone(), resource);
    }
    let Some(resource) = store.resources.get_mut(&store_key) else {
        drop(store);
        return Err(refuse_bad(app, plan, "the resource could not be tracked"));
    };
    let step = resource.step(&status.machine, now);
    Ok(Tracked {
        step,
        seed: resource.seed,
        pinned: resource.pinned.clone(),
        changed_ms: resource.changed_ms,
        deadline_ms: resource.deadline_ms,
        scenario: resource.scenario.canonical(),
    })
}

/// The body for the step's state, with the step's fault and the signature.
#[allow(clippy::too_many_arguments)]
async fn respond(
    app: &App,
    spec: &Spec,
    plan: &OpPlan,
    status: &StatusLoc,
    ok_type: &Type,
    req: &Checked,
    t: Tracked,
    now: i64,
) -> Response {
    let deadline_field = status.machine.machine.deadline_field().map(str::to_owned);
    let times = Times {
        now_ms: now,
        changed_ms: t.changed_ms,
        deadline: deadline_field.map(|f| (f, t.deadline_ms)),
    };
    let mut fields = t.pinned;
    fields.extend(time_values(spec, ok_type, &times));
    let states = BTreeMap::from([(status.enum_name.clone(), t.step.state.clone())]);
    let mut body = synthesise(spec, ok_type, t.seed, states, fields);

    let step = t.step;
    let mut extra: Vec<(HeaderName, String)> = vec![
        (hname("x-sandbox-scenario"), t.scenario),
        (hname("x-sandbox-request"), step.request.to_string()),
        (hname("x-sandbox-state"), step.state.clone()),
    ];
    if let Some(id) = &step.timeout {
        extra.push((hname("x-sandbox-timeout"), id.clone()));
    }
    let fault_header = |name: &str| (hname("x-sandbox-fault"), name.to_owned());
    let mut applied = None;
    match step.fault {
        Some(f @ Fault::ServerError) => {
            extra.push(fault_header(f.name()));
            let status = StatusCode::INTERNAL_SERVER_ERROR;
            let msg = "sandbox fault: internal server error";
            return error(app, plan, &[500, 503, 401, 400, 404], status, msg, extra);
        }
        Some(f @ Fault::RateLimited) => {
            let interval = plan.op.polling.as_ref().map_or(1, |p| p.interval_seconds);
            extra.push(fault_header(f.name()));
            let retry = app.clock.real_whole_seconds(interval).to_string();
            extra.push((header::RETRY_AFTER, retry));
            let status = StatusCode::TOO_MANY_REQUESTS;
            let msg = "sandbox fault: too many requests";
            return error(app, plan, &[429, 401, 400, 404], status, msg, extra);
        }
        Some(f @ Fault::Unavailable) => {
            let interval = plan.op.polling.as_ref().map_or(1, |p| p.interval_seconds);
            extra.push(fault_header(f.name()));
            // The real clock, in whole seconds: `Date` and the date to retry
            // after, so that a client reads the wait from the two.
            let now = time::OffsetDateTime::now_utc();
            let now = now.replace_nanosecond(0).unwrap_or(now);
            let wait = app.clock.real_whole_seconds(interval);
            let later = now.saturating_add(time::Duration::seconds(
                i64::try_from(wait).unwrap_or(i64::MAX),
            ));
            extra.push((header::DATE, http_date(now)));
            extra.push((header::RETRY_AFTER, http_date(later)));
            let status = StatusCode::SERVICE_UNAVAILABLE;
            let msg = "sandbox fault: service unavailable";
            return error(app, plan, &[503, 500, 401, 400, 404], status, msg, extra);
        }
        Some(f @ Fault::MalformedJson) => {
            sign(app, plan, &mut body);
            let text = body.to_string();
            // Cut in the middle of the document: never valid JSON.
            let cut = text
                .char_indices()
                .nth(text.chars().count() / 2)
                .map_or(0, |(i, _)| i);
            extra.push(fault_header(f.name()));
            return raw_json_response(ok_status(plan), text[..cut].to_owned(), extra);
        }
        Some(f @ Fault::Slow) => {
            applied = Some(f.name().to_owned());
            let mut shutdown = app.shutdown.clone();
            tokio::select! {
                _ = tokio::time::sleep(app.slow_delay) => {}
                _ = shutdown.wait_for(|stop| *stop) => {}
            }
        }
        Some(f @ (Fault::StateRegression | Fault::LeaveFinal)) => {
            applied = Some(f.name().to_owned());
        }
        Some(f) if f.kind() == FaultKind::Body && f != Fault::BadSignature => {
            applied = faults::apply_body_fault(spec, plan, f, &req.echo, &mut body)
                .map(|p| format!("{} {p}", f.name()));
        }
        _ => {}
    }
    sign(app, plan, &mut body);
    if step.fault == Some(Fault::BadSignature)
        && let Some(scheme) = plan.signature.as_ref().filter(|s| s.signs_responses)
    {
        applied = faults::corrupt_signature(&mut body, &scheme.parameter)
            .map(|p| format!("{} {p}", Fault::BadSignature.name()));
    }
    extra.push(fault_header(applied.as_deref().unwrap_or("none")));
    json_response(ok_status(plan), &body, extra)
}

fn ok_status(plan: &OpPlan) -> StatusCode {
    StatusCode::from_u16(plan.ok_status).unwrap_or(StatusCode::OK)
}

/// Echoed parameter values by the wire name they appear under.
fn echo_fields(plan: &OpPlan, echo_values: &[(String, String)]) -> BTreeMap<String, Value> {
    plan.echo_fields
        .iter()
        .filter_map(|(param, field)| {
            let (_, v) = echo_values.iter().find(|(p, _)| p == param)?;
            let value = match plan.op.param(param).map(|p| &p.ty) {
                Some(Type::Integer) => v
                    .parse::<i64>()
                    .map(Value::from)
                    .unwrap_or_else(|_| Value::from(v.clone())),
                _ => Value::from(v.clone()),
            };
            Some((field.clone(), value))
        })
        .collect()
}

/// The resource's fixed field values: `fixed` plus, for every pinnable name, the
/// first value synth gives it in any state (same seed), so that values stay put
/// when the state changes.
fn pin(
    spec: &Spec,
    status: &StatusLoc,
    plan: &OpPlan,
    ok_type: &Type,
    seed: u64,
    fixed: BTreeMap<String, Value>,
) -> BTreeMap<String, Value> {
    let names = plan
        .pinned
        .iter()
        .filter(|n| !fixed.contains_key(*n))
        .cloned()
        .collect();
    let mut found = BTreeMap::new();
    for state in &status.machine.values {
        let states = BTreeMap::from([(status.enum_name.clone(), state.clone())]);
        let body = synthesise(spec, ok_type, seed, states, fixed.clone());
        collect_values(&body, &names, &mut found);
    }
    found.extend(fixed);
    found
}

/// Signs an object body when the operation's scheme signs responses.
fn sign(app: &App, plan: &OpPlan, body: &mut Value) {
    if let Some(scheme) = plan.signature.as_ref().filter(|s| s.signs_responses) {
        if let Some(obj) = body.as_object_mut() {
            obj.remove(&scheme.parameter);
        }
        sign_response(body, &app.secrets.peach, &scheme.parameter);
    }
}

/// An IMF-fixdate (RFC 9110 § 5.6.7), `Sun, 06 Nov 1994 08:49:37 GMT`.
fn http_date(t: time::OffsetDateTime) -> String {
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    t.to_offset(time::UtcOffset::UTC)
        .format(format)
        .unwrap_or_default()
}
