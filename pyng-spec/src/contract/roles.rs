//! What an operation is to the flows around the status calls, read from the
//! spec alone, for the engine and the sandbox alike:
//! - the `POST` at a bearer scheme's OAuth 2.0 `tokenUrl` issues tokens
//!   ([`issues_tokens`]);
//! - a success response whose `links` name a polled operation (`x-polling` and
//!   `x-resource-key`) is a creation of that operation's resource
//!   ([`creation_link`]).

use crate::ir::{Link, Operation, Response, SecurityScheme, Spec};

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

#[cfg(test)]
mod tests {
    use super::url_path;

    #[test]
    fn url_paths() {
        assert_eq!(url_path("https://h.example/a/b?x#y"), "/a/b");
        assert_eq!(url_path("https://h.example"), "/");
        assert_eq!(url_path("/t"), "/t");
    }
}
