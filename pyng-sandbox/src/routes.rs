//! The router, built from the IR: every operation of every loaded spec is served
//! at its method and path template (OpenAPI's `{param}` is axum 0.8's syntax), so
//! a new operation in a spec is served without code changes; what each one does
//! is its role (`roles.rs`). No route is written by hand.

use std::collections::BTreeMap;
use std::io;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::{QueryRejection, RawPathParamsRejection};
use axum::extract::{Query, RawPathParams, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, MethodRouter};
use serde_json::Value;

use crate::app::App;
use crate::body::error_body;
use crate::plan::OpPlan;

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
                            headers: HeaderMap,
                            body: Bytes| async move {
            crate::handler::operation(app, ix, params, query, headers, body).await
        };
        let entry = by_path.remove(&plan.route_path()).unwrap_or_default();
        by_path.insert(plan.route_path(), entry.on(method, handler));
    }
    // axum panics on routes it cannot register (invalid or conflicting templates);
    // a spec must not be able to crash the caller, so that becomes an error.
    let built = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
        let mut router = Router::new();
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

pub(crate) async fn not_found() -> Response {
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

pub(crate) fn raw_json_response(
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

pub(crate) fn hname(s: &'static str) -> HeaderName {
    HeaderName::from_static(s)
}

/// The operation's documented error body (first of `prefer` that it documents,
/// else any documented 4xx), with `message` in its message fields; returned with
/// the HTTP status `status`.
pub(crate) fn error(
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
pub(crate) fn bad_request(app: &App, plan: &OpPlan, message: &str) -> Response {
    error(
        app,
        plan,
        &[400, 404, 401],
        StatusCode::BAD_REQUEST,
        message,
        Vec::new(),
    )
}
