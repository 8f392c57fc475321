//! The router, built from the IR: every operation of every loaded spec is served
//! at its method and path template (OpenAPI's `{param}` is axum 0.8's syntax), so
//! a new operation in a spec is served without code changes. The token endpoint
//! and create-payment-intent are not in the specs and are the only hand-written
//! routes (`token.rs`).

use std::collections::{BTreeMap, HashMap};
use std::io;
use std::sync::Arc;

use axum::Router;
use axum::extract::rejection::{QueryRejection, RawPathParamsRejection};
use axum::extract::{Query, RawPathParams, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, MethodRouter, post};
use serde_json::Value;

use pyng_spec::ir::{ParamLocation, Type};

use crate::app::App;
use crate::auth;
use crate::body::{Times, collect_values, error_body, seed_of, synthesise, time_values};
use crate::faults::{self, Fault, FaultKind};
use crate::plan::OpPlan;
use crate::scenario::Scenario;
use crate::signing::sign_response;
use crate::state::Resource;

/// The request header that chooses a scenario (wins over the resource id).
pub const SCENARIO_HEADER: &str = "x-sandbox-scenario";

pub(crate) fn router(app: Arc<App>) -> io::Result<Router> {
    let mut by_path: BTreeMap<String, MethodRouter<Arc<App>>> = BTreeMap::new();
    for (ix, plan) in app.plans.iter().enumerate() {
        let method = Method::from_bytes(plan.op.method.to_ascii_uppercase().as_bytes())
            .ok()
            .and_then(|m| MethodFilter::try_from(m).ok())
            .ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("{}: unsupported HTTP method {}", plan.op.id, plan.op.method),
                )
            })?;
        let handler = move |State(app): State<Arc<App>>,
                            params: Result<RawPathParams, RawPathParamsRejection>,
                            query: Result<Query<Vec<(String, String)>>, QueryRejection>,
                            headers: HeaderMap| async move {
            operation(app, ix, params, query, headers).await
        };
        let entry = by_path.remove(&plan.route_path()).unwrap_or_default();
        by_path.insert(plan.route_path(), entry.on(method, handler));
    }
    // axum panics on routes it cannot register (invalid or conflicting templates);
    // a spec must not be able to crash the caller, so that becomes an error.
    let built = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
        let mut router = Router::new()
            .route("/checkout/oauth2/token", post(crate::token::token))
            .route(
                "/checkout/{siteId}/payment-intent",
                post(crate::token::payment_intent),
            );
        for (path, methods) in by_path {
            router = router.route(&path, methods);
        }
        router
    }));
    let router = built.map_err(|panic| {
        let msg = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "invalid route".into());
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("cannot route the specs: {msg}"),
        )
    })?;
    Ok(router.fallback(not_found).with_state(app))
}

async fn not_found() -> Response {
    json_response(
        StatusCode::NOT_FOUND,
        &serde_json::json!({"errors": [{"message": "no such operation in the loaded specs"}]}),
        Vec::new(),
    )
}

pub(crate) fn json_response(
    status: StatusCode,
    body: &Value,
    headers: Vec<(HeaderName, String)>,
) -> Response {
    raw_json_response(status, body.to_string(), headers)
}

fn raw_json_response(
    status: StatusCode,
    body: String,
    headers: Vec<(HeaderName, String)>,
) -> Response {
    let mut resp = (status, body).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    for (name, value) in headers {
        // Values are built by the sandbox; a non-header-safe one is dropped, not a panic.
        if let Ok(v) = HeaderValue::from_str(&value) {
            h.insert(name, v);
        }
    }
    resp
}

fn hname(s: &'static str) -> HeaderName {
    HeaderName::from_static(s)
}

/// The operation's documented error body (first of `prefer` that it documents,
/// else any documented 4xx), with `message` in its message fields; returned with
/// the HTTP status `status`.
fn error(
    app: &App,
    plan: &OpPlan,
    prefer: &[u16],
    status: StatusCode,
    message: &str,
    extra: Vec<(HeaderName, String)>,
) -> Response {
    let spec = &app.specs[plan.spec];
    let now = app.clock.now_ms();
    let body = match plan.error_type(prefer) {
        Some((_, ty)) => error_body(spec, &ty, app.next_seed(), message, now),
        None => serde_json::json!({ "message": message }),
    };
    json_response(status, &body, extra)
}

/// 400 with the documented error body: the client sent something unusable.
fn bad_request(app: &App, plan: &OpPlan, message: &str) -> Response {
    error(
        app,
        plan,
        &[400, 404, 401],
        StatusCode::BAD_REQUEST,
        message,
        Vec::new(),
    )
}

async fn operation(
    app: Arc<App>,
    ix: usize,
    params: Result<RawPathParams, RawPathParamsRejection>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
    headers: HeaderMap,
) -> Response {
    let Some(plan) = app.plans.get(ix) else {
        return not_found().await;
    };
    let spec = &app.specs[plan.spec];
    if plan.bearer
        && let Err(e) = auth::check_bearer(&app, &headers)
    {
        return error(
            &app,
            plan,
            &[401],
            StatusCode::UNAUTHORIZED,
            e.message(),
            vec![(header::WWW_AUTHENTICATE, e.challenge().to_owned())],
        );
    }
    let Ok(Query(query)) = query else {
        return bad_request(
            &app,
            plan,
            "the query string is not valid form-urlencoded UTF-8",
        );
    };
    if let Some(scheme) = &plan.signature
        && let Err(msg) = auth::check_signed_query(&app.secrets.peach, scheme, &query)
    {
        // 401 when the operation documents it, else its documented 400.
        let status = if plan.op.response(401).is_some_and(|r| r.status == Some(401)) {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::BAD_REQUEST
        };
        return error(
            &app,
            plan,
            &[status.as_u16(), 400, 401],
            status,
            msg,
            Vec::new(),
        );
    }
    let path: HashMap<String, String> = match &params {
        Ok(p) => p
            .iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect(),
        Err(_) if plan.op.path_param_names().is_empty() => HashMap::new(),
        Err(_) => return bad_request(&app, plan, "a path parameter is not valid UTF-8"),
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
    for p in &plan.op.params {
        // Header parameters (`Content-Type` on a GET) are documentation only.
        if p.required && p.location != ParamLocation::Header && value_of(&p.name).is_none() {
            return bad_request(
                &app,
                plan,
                &format!("the required parameter `{}` is missing", p.name),
            );
        }
    }
    if !plan.op.one_of_params.is_empty() {
        let given = plan
            .op
            .one_of_params
            .iter()
            .filter(|n| value_of(n).is_some())
            .count();
        if given != 1 {
            return bad_request(
                &app,
                plan,
                &format!(
                    "exactly one of {} is required",
                    plan.op.one_of_params.join(", ")
                ),
            );
        }
    }
    let key: Vec<(String, String)> = plan
        .op
        .resource_key
        .iter()
        .filter_map(|n| Some((n.clone(), value_of(n)?)))
        .collect();
    let echo_values: Vec<(String, String)> = plan
        .op
        .echo
        .iter()
        .filter_map(|e| Some((e.parameter.clone(), value_of(&e.parameter)?)))
        .collect();

    let (Some(ok_type), Some(status)) = (&plan.ok_type, &plan.status) else {
        // No state machine: a conformant body, the same for the same key.
        let Some(ok_type) = &plan.ok_type else {
            return (StatusCode::from_u16(plan.ok_status).unwrap_or(StatusCode::OK))
                .into_response();
        };
        let seed = seed_of(
            std::iter::once(plan.op.id.as_str()).chain(key.iter().map(|(_, v)| v.as_str())),
        );
        let mut body = synthesise(
            spec,
            ok_type,
            seed,
            BTreeMap::new(),
            echo_fields(plan, &echo_values),
        );
        sign(&app, plan, &mut body);
        return json_response(ok_status(plan), &body, Vec::new());
    };

    let header_scenario = match headers.get(SCENARIO_HEADER).map(|v| v.to_str()) {
        None => None,
        Some(Ok(text)) => match Scenario::parse_strict(text, &status.values) {
            Ok(sc) => Some(sc),
            Err(e) => return bad_request(&app, plan, &format!("{SCENARIO_HEADER}: {e}")),
        },
        Some(Err(_)) => {
            return bad_request(
                &app,
                plan,
                &format!("{SCENARIO_HEADER} is not visible ASCII"),
            );
        }
    };

    let now = app.clock.now_ms();
    let (step, seed, pinned, changed_ms, deadline_ms, canonical) = {
        let mut store = app.store();
        let store_key = (ix, key.iter().map(|(_, v)| v.clone()).collect::<Vec<_>>());
        if !store.resources.contains_key(&store_key) {
            let scenario = header_scenario
                .or_else(|| {
                    key.last()
                        .and_then(|(_, id)| Scenario::parse_id(id, &status.values))
                })
                .unwrap_or_default();
            let schedule = match scenario.schedule(&status.machine, &status.values) {
                Ok(s) => s,
                Err(e) => {
                    drop(store);
                    return bad_request(
                        &app,
                        plan,
                        &format!("scenario `{}`: {e}", scenario.canonical()),
                    );
                }
            };
            let intent = key.iter().find_map(|(_, v)| store.intents.get(v)).cloned();
            let seed = seed_of(
                std::iter::once(plan.op.id.as_str()).chain(key.iter().map(|(_, v)| v.as_str())),
            );
            let mut fixed = echo_fields(plan, &echo_values);
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
            let pinned = pin(&app, plan, ok_type, seed, fixed);
            let created = intent.map(|i| i.created_ms).unwrap_or(now);
            let ttl_s = schedule.ttl_seconds.unwrap_or(app.deadline_ttl_seconds);
            let ttl_ms = i64::try_from(ttl_s)
                .unwrap_or(i64::MAX)
                .saturating_mul(1000);
            store.make_room(app.max_resources);
            store.resources.insert(
                store_key.clone(),
                Resource::new(scenario, schedule, seed, created, ttl_ms, pinned),
            );
        }
        let Some(resource) = store.resources.get_mut(&store_key) else {
            drop(store);
            return bad_request(&app, plan, "the resource could not be tracked");
        };
        let step = resource.step(&status.machine, now);
        (
            step,
            resource.seed,
            resource.pinned.clone(),
            resource.changed_ms,
            resource.deadline_ms,
            resource.scenario.canonical(),
        )
    };

    let deadline_field = status.machine.timeouts.iter().find_map(|t| match &t.limit {
        pyng_spec::ir::TimeoutLimit::DeadlineField(f) => Some(f.clone()),
        _ => None,
    });
    let times = Times {
        now_ms: now,
        changed_ms,
        deadline: deadline_field.map(|f| (f, deadline_ms)),
    };
    let mut fields = pinned;
    fields.extend(time_values(spec, ok_type, &times));
    let states = BTreeMap::from([(status.enum_name.clone(), step.state.clone())]);
    let mut body = synthesise(spec, ok_type, seed, states, fields);

    let mut extra = vec![
        (hname("x-sandbox-scenario"), canonical),
        (hname("x-sandbox-request"), step.request.to_string()),
        (hname("x-sandbox-state"), step.state.clone()),
    ];
    if let Some(t) = &step.timeout {
        extra.push((hname("x-sandbox-timeout"), t.clone()));
    }
    let mut applied = None;
    match step.fault {
        Some(Fault::ServerError) => {
            extra.push((hname("x-sandbox-fault"), Fault::ServerError.name().into()));
            return error(
                &app,
                plan,
                &[500, 503, 401, 400, 404],
                StatusCode::INTERNAL_SERVER_ERROR,
                "sandbox fault: internal server error",
                extra,
            );
        }
        Some(Fault::RateLimited) => {
            let interval = plan.op.polling.as_ref().map_or(1, |p| p.interval_seconds);
            extra.push((hname("x-sandbox-fault"), Fault::RateLimited.name().into()));
            extra.push((
                header::RETRY_AFTER,
                app.clock.real_whole_seconds(interval).to_string(),
            ));
            return error(
                &app,
                plan,
                &[429, 401, 400, 404],
                StatusCode::TOO_MANY_REQUESTS,
                "sandbox fault: too many requests",
                extra,
            );
        }
        Some(Fault::MalformedJson) => {
            sign(&app, plan, &mut body);
            let text = body.to_string();
            // Cut in the middle of the document: never valid JSON.
            let cut = text
                .char_indices()
                .nth(text.chars().count() / 2)
                .map_or(0, |(i, _)| i);
            extra.push((hname("x-sandbox-fault"), Fault::MalformedJson.name().into()));
            return raw_json_response(ok_status(plan), text[..cut].to_owned(), extra);
        }
        Some(Fault::Slow) => {
            applied = Some(Fault::Slow.name().to_owned());
            let mut shutdown = app.shutdown.clone();
            tokio::select! {
                _ = tokio::time::sleep(app.slow_delay) => {}
                _ = shutdown.wait_for(|v| *v) => {}
            }
        }
        Some(f @ (Fault::StateRegression | Fault::LeaveFinal)) => {
            applied = Some(f.name().to_owned());
        }
        Some(f) if f.kind() == FaultKind::Body && f != Fault::BadSignature => {
            applied = faults::apply_body_fault(spec, plan, f, &echo_values, &mut body)
                .map(|p| format!("{} {p}", f.name()));
        }
        _ => {}
    }
    sign(&app, plan, &mut body);
    if step.fault == Some(Fault::BadSignature)
        && let Some(scheme) = plan.signature.as_ref().filter(|s| s.signs_responses)
    {
        applied = faults::corrupt_signature(&mut body, &scheme.parameter)
            .map(|p| format!("{} {p}", Fault::BadSignature.name()));
    }
    extra.push((
        hname("x-sandbox-fault"),
        applied.unwrap_or_else(|| "none".into()),
    ));
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
    app: &App,
    plan: &OpPlan,
    ok_type: &Type,
    seed: u64,
    fixed: BTreeMap<String, Value>,
) -> BTreeMap<String, Value> {
    let spec = &app.specs[plan.spec];
    let Some(status) = &plan.status else {
        return fixed;
    };
    let names = plan
        .pinned
        .iter()
        .filter(|n| !fixed.contains_key(*n))
        .cloned()
        .collect();
    let mut found = BTreeMap::new();
    for state in &status.values {
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
