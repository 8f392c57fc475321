//! The two hand-written routes: Pyng's token endpoint and create-payment-intent.
//! Neither is in the specs (provider-facts.md describes them), so their shapes are
//! written here; everything else the sandbox serves comes from the IR.
//!
//! - `POST /checkout/oauth2/token`: HTTP Basic client credentials, form body
//!   `grant_type=client_credentials[&scope=...]`; 200
//!   `{access_token, token_type: "Bearer", expires_in, scope}`; RFC 6749 § 5.2 error
//!   bodies `{error, error_description}` (401 `invalid_client`, 400
//!   `invalid_request` / `unsupported_grant_type`).
//! - `POST /checkout/{siteId}/payment-intent` (bearer): JSON body `amount` (integer
//!   cents >= 1), optional `orderId`, `qrCodeFormat` (`base64` default, or `text`),
//!   `lineItems` (accepted, not used). 200
//!   `{data: {paymentIntentId, siteId, amount, orderId?, qrCodeFormat, qrCode}, traceId}`.
//!   The new id carries the scenario, from the `x-sandbox-scenario` header or else
//!   the `orderId` (`pi-000001-<scenario text>`), so polling it plays that scenario;
//!   its creation time anchors the status timeouts (the QR code's 60 s). `qrCode`
//!   is the text `pyng-sandbox://pay/<siteId>/<paymentIntentId>`, base64-encoded
//!   for `base64` (not a PNG: the sandbox does not draw QR codes). Errors use
//!   Pyng's generic body `{errors: [{message}], traceId, timestamp}`.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::{FormRejection, RawPathParamsRejection};
use axum::extract::{Form, RawPathParams, State};
use axum::http::{HeaderMap, HeaderName, StatusCode, header};
use axum::response::Response;
use serde_json::{Value, json};

use crate::app::App;
use crate::auth;
use crate::routes::{SCENARIO_HEADER, json_response};
use crate::state::Intent;
use base64::Engine as _;
use base64::prelude::BASE64_STANDARD;

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    let mut headers = vec![
        (header::CACHE_CONTROL, "no-store".to_owned()),
        (header::PRAGMA, "no-cache".to_owned()),
    ];
    if status == StatusCode::UNAUTHORIZED {
        headers.push((
            header::WWW_AUTHENTICATE,
            "Basic realm=\"pyng-sandbox\"".into(),
        ));
    }
    json_response(
        status,
        &json!({"error": error, "error_description": description}),
        headers,
    )
}

pub(crate) async fn token(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    if !auth::check_basic(&app, &headers) {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "client authentication failed: send HTTP Basic credentials of a registered client",
        );
    }
    let Ok(Form(form)) = form else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "the body must be application/x-www-form-urlencoded",
        );
    };
    let field = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    match field("grant_type") {
        None => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "grant_type is missing",
            );
        }
        Some("client_credentials") => {}
        Some(_) => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "only client_credentials is supported",
            );
        }
    }
    let scope = field("scope")
        .filter(|s| !s.is_empty())
        .unwrap_or("checkout")
        .to_owned();
    let now = app.clock.now_ms();
    let ttl_ms = i64::try_from(app.token_ttl_seconds)
        .unwrap_or(i64::MAX)
        .saturating_mul(1000);
    let token = {
        let mut store = app.store();
        store.make_room(app.max_resources);
        store.issued += 1;
        let token = auth::new_token(&app, store.issued, now);
        store
            .tokens
            .insert(token.clone(), now.saturating_add(ttl_ms));
        token
    };
    json_response(
        StatusCode::OK,
        &json!({
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": app.token_ttl_seconds,
            "scope": scope,
        }),
        vec![
            (header::CACHE_CONTROL, "no-store".to_owned()),
            (header::PRAGMA, "no-cache".to_owned()),
        ],
    )
}

fn pyng_error(
    app: &App,
    status: StatusCode,
    message: &str,
    extra: Vec<(HeaderName, String)>,
) -> Response {
    json_response(
        status,
        &json!({
            "errors": [{"message": message}],
            "traceId": app.trace_id(),
            "timestamp": app.clock.now_ms(),
        }),
        extra,
    )
}

/// Scenario text safe in a path segment, a query value and Peach's id pattern.
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

pub(crate) async fn payment_intent(
    State(app): State<Arc<App>>,
    params: Result<RawPathParams, RawPathParamsRejection>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(e) = auth::check_bearer(&app, &headers) {
        return pyng_error(
            &app,
            StatusCode::UNAUTHORIZED,
            e.message(),
            vec![(header::WWW_AUTHENTICATE, e.challenge().to_owned())],
        );
    }
    let site = params.ok().and_then(|p| {
        p.iter()
            .find(|(k, _)| *k == "siteId")
            .map(|(_, v)| v.to_owned())
    });
    let Some(site) = site else {
        return pyng_error(
            &app,
            StatusCode::BAD_REQUEST,
            "siteId is not valid UTF-8",
            Vec::new(),
        );
    };
    let Ok(Value::Object(req)) = serde_json::from_slice::<Value>(&body) else {
        return pyng_error(
            &app,
            StatusCode::BAD_REQUEST,
            "the body must be a JSON object",
            Vec::new(),
        );
    };
    let Some(amount) = req
        .get("amount")
        .and_then(Value::as_i64)
        .filter(|a| *a >= 1)
    else {
        return pyng_error(
            &app,
            StatusCode::BAD_REQUEST,
            "amount must be an integer number of cents >= 1",
            Vec::new(),
        );
    };
    let order_id = match req.get("orderId") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => {
            return pyng_error(
                &app,
                StatusCode::BAD_REQUEST,
                "orderId must be a string",
                Vec::new(),
            );
        }
    };
    let format = match req.get("qrCodeFormat").map(|v| v.as_str()) {
        None | Some(Some("base64")) => "base64",
        Some(Some("text")) => "text",
        Some(_) => {
            return pyng_error(
                &app,
                StatusCode::BAD_REQUEST,
                "qrCodeFormat must be `base64` or `text`",
                Vec::new(),
            );
        }
    };
    let scenario = headers
        .get(SCENARIO_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or_else(|| order_id.clone())
        .map(|s| id_safe(&s))
        .unwrap_or_default();
    let now = app.clock.now_ms();
    let id = {
        let mut store = app.store();
        store.make_room(app.max_resources);
        // A counter, not the map size: ids stay unique after `make_room`.
        store.intent_counter += 1;
        let n = store.intent_counter;
        let id = if scenario.is_empty() {
            format!("pi-{n:06}")
        } else {
            format!("pi-{n:06}-{scenario}")
        };
        let mut fields = BTreeMap::new();
        if let Some(o) = &order_id {
            fields.insert("orderId".to_owned(), Value::String(o.clone()));
        }
        store.intents.insert(
            id.clone(),
            Intent {
                created_ms: now,
                fields,
            },
        );
        id
    };
    let text = format!("pyng-sandbox://pay/{site}/{id}");
    let qr = if format == "text" {
        text
    } else {
        BASE64_STANDARD.encode(text.as_bytes())
    };
    let mut data = json!({
        "paymentIntentId": id,
        "siteId": site,
        "amount": amount,
        "qrCodeFormat": format,
        "qrCode": qr,
    });
    if let (Some(o), Some(obj)) = (order_id, data.as_object_mut()) {
        obj.insert("orderId".into(), Value::String(o));
    }
    json_response(
        StatusCode::OK,
        &json!({"data": data, "traceId": app.trace_id()}),
        Vec::new(),
    )
}
