//! The token endpoint: the operation at a loaded OAuth 2.0 client credentials
//! scheme's `tokenUrl` (`roles.rs`). Its protocol is RFC 6749's, not the spec's
//! to restate: HTTP Basic client credentials, form body
//! `grant_type=client_credentials[&scope=...]` (§ 4.4.2); 200
//! `{access_token, token_type: "Bearer", expires_in, scope}` (§ 5.1); error bodies
//! `{error, error_description}` (§ 5.2: 401 `invalid_client`, 400
//! `invalid_request` / `unsupported_grant_type`), all with `Cache-Control: no-store`.

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use serde_json::json;

use crate::app::App;
use crate::auth;
use crate::routes::json_response;

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

pub(crate) fn issue(app: &App, headers: &HeaderMap, body: &[u8]) -> Response {
    if !auth::check_basic(app, headers) {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "client authentication failed: send HTTP Basic credentials of a registered client",
        );
    }
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| {
            v.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        });
    if !is_form {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "the body must be application/x-www-form-urlencoded",
        );
    }
    let form: Vec<(String, String)> = form_urlencoded::parse(body).into_owned().collect();
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
        let token = auth::new_token(app, store.issued, now);
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
