//! What an operation is to the flows around the status calls, read from the
//! spec alone, for the engine and the sandbox alike:
//! - the `POST` at a bearer scheme's OAuth 2.0 `tokenUrl` issues tokens
//!   ([`issues_tokens`]);
//! - a success response whose `links` name a polled operation (`x-polling` and
//!   `x-resource-key`) is a creation of that operation's resource
//!   ([`creation_link`]), and [`link_value`] reads the link's values from
//!   the creation's exchange (the checker from a recording, the poller live).

use serde_json::Value;

use crate::ir::{Link, LinkValue, Operation, Response, SecurityScheme, Spec};

/// The path of a URL (`https://host/a/b?q` -> `/a/b`; a relative URL is its own path).
pub fn url_path(url: &str) -> &str {
    let rest = url
        .split_once("://")
        .map_or(url, |(_, rest)| rest.find('/').map_or("/", |i| &rest[i..]));
    rest.split(['?', '#']).next().unwrap_or(rest)
}

/// The `tokenUrl`s of the bearer schemes among `schemes`.
pub fn token_urls<'a>(
    schemes: impl IntoIterator<Item = &'a SecurityScheme>,
) -> impl Iterator<Item = &'a str> {
    schemes.into_iter().filter_map(|s| match s {
        SecurityScheme::Bearer {
            token_url: Some(url),
        } => Some(url.as_str()),
        _ => None,
    })
}

/// Whether `op` of `spec` is the `POST` at one of the `token_urls`: its path,
/// under one of the spec's base paths, is the URL's path.
pub fn issues_tokens<'a>(
    spec: &Spec,
    op: &Operation,
    token_urls: impl IntoIterator<Item = &'a str>,
) -> bool {
    let route = if op.path.starts_with('/') {
        op.path.clone()
    } else {
        format!("/{}", op.path)
    };
    op.method.eq_ignore_ascii_case("POST")
        && token_urls.into_iter().any(|url| {
            let path = url_path(url);
            spec.base_paths
                .iter()
                .any(|base| path.strip_prefix(base.as_str()) == Some(route.as_str()))
        })
}

/// Whether `op` is polled for a resource a creation can name: it has
/// `x-polling` and an `x-resource-key`.
pub fn is_creation_target(op: &Operation) -> bool {
    op.polling.is_some() && !op.resource_key.is_empty()
}

/// The first link of `response` to a polled operation of `spec`, with that
/// operation: the response is then a creation of its resource.
pub fn creation_link<'a>(
    spec: &'a Spec,
    response: &'a Response,
) -> Option<(&'a Link, &'a Operation)> {
    response.links.iter().find_map(|link| {
        let target = spec.operation(&link.operation_id)?;
        is_creation_target(target).then_some((link, target))
    })
}

/// The parts of one exchange a link's runtime expressions read.
pub trait LinkSource {
    /// The request's path parameter `name`.
    fn path_param(&self, name: &str) -> Option<String>;
    /// The request's query parameter `name`.
    fn query_param(&self, name: &str) -> Option<String>;
    /// The request header `name` (case-insensitive).
    fn request_header(&self, name: &str) -> Option<String>;
    /// The request body, parsed as JSON (`None`: absent or not JSON).
    fn request_body(&self) -> Option<Value>;
    /// The response header `name` (case-insensitive).
    fn response_header(&self, name: &str) -> Option<String>;
    /// The response body, parsed as JSON.
    fn response_body(&self) -> Option<&Value>;
}

/// The value `v` takes in the exchange `at`, as a parameter's text: a string
/// as it is, a number or a boolean as written; `None` when the exchange lacks
/// it or it is not a scalar.
pub fn link_value(v: &LinkValue, at: &impl LinkSource) -> Option<String> {
    match v {
        LinkValue::RequestPath(name) => at.path_param(name),
        LinkValue::RequestQuery(name) => at.query_param(name),
        LinkValue::RequestHeader(name) => at.request_header(name),
        LinkValue::ResponseHeader(name) => at.response_header(name),
        LinkValue::RequestBody(pointer) => scalar(at.request_body()?.pointer(pointer)?),
        LinkValue::ResponseBody(pointer) => scalar(at.response_body()?.pointer(pointer)?),
        LinkValue::Constant(c) => scalar(c),
    }
}

/// The expression as the spec writes it (`$response.body#/data/id`), for messages.
pub fn link_expression(v: &LinkValue) -> String {
    match v {
        LinkValue::RequestPath(n) => format!("$request.path.{n}"),
        LinkValue::RequestQuery(n) => format!("$request.query.{n}"),
        LinkValue::RequestHeader(n) => format!("$request.header.{n}"),
        LinkValue::RequestBody(p) => format!("$request.body#{p}"),
        LinkValue::ResponseBody(p) => format!("$response.body#{p}"),
        LinkValue::ResponseHeader(n) => format!("$response.header.{n}"),
        LinkValue::Constant(c) => c.to_string(),
    }
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(_) | Value::Bool(_) => Some(v.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fixed(Value);

    impl LinkSource for Fixed {
        fn path_param(&self, name: &str) -> Option<String> {
            (name == "siteId").then(|| "site-1".to_owned())
        }
        fn query_param(&self, _: &str) -> Option<String> {
            None
        }
        fn request_header(&self, name: &str) -> Option<String> {
            name.eq_ignore_ascii_case("idempotency-key")
                .then(|| "k1".to_owned())
        }
        fn request_body(&self) -> Option<Value> {
            Some(serde_json::json!({"amount": 5}))
        }
        fn response_header(&self, _: &str) -> Option<String> {
            None
        }
        fn response_body(&self) -> Option<&Value> {
            Some(&self.0)
        }
    }

    #[test]
    fn link_values_from_an_exchange() {
        let at = Fixed(serde_json::json!({"data": {"id": "pi-1", "n": [1], "a~b": true}}));
        let v = |v: LinkValue| link_value(&v, &at);
        assert_eq!(
            v(LinkValue::RequestPath("siteId".into())).as_deref(),
            Some("site-1")
        );
        assert_eq!(v(LinkValue::RequestQuery("siteId".into())), None);
        assert_eq!(
            v(LinkValue::RequestHeader("Idempotency-Key".into())).as_deref(),
            Some("k1")
        );
        assert_eq!(
            v(LinkValue::RequestBody("/amount".into())).as_deref(),
            Some("5")
        );
        assert_eq!(
            v(LinkValue::ResponseBody("/data/id".into())).as_deref(),
            Some("pi-1")
        );
        assert_eq!(
            v(LinkValue::ResponseBody("/data/a~0b".into())).as_deref(),
            Some("true")
        );
        // Not a scalar, or absent: no value.
        assert_eq!(v(LinkValue::ResponseBody("/data/n".into())), None);
        assert_eq!(v(LinkValue::ResponseBody("/data/missing".into())), None);
        assert_eq!(
            v(LinkValue::Constant(serde_json::json!(7))).as_deref(),
            Some("7")
        );
        assert_eq!(
            link_expression(&LinkValue::ResponseBody("/data/id".into())),
            "$response.body#/data/id"
        );
    }

    #[test]
    fn url_paths() {
        assert_eq!(url_path("https://h.example/a/b?x#y"), "/a/b");
        assert_eq!(url_path("https://h.example"), "/");
        assert_eq!(url_path("/t"), "/t");
    }
}
