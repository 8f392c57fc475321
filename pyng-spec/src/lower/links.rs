//! Response `links` (OpenAPI Link Objects) and the OAuth 2.0 security scheme.
//! A link is read by `operationId` within the same spec; its parameter values
//! are runtime expressions or constants. What the kit cannot follow
//! (`operationRef`, a link's `requestBody` or `server`, `$url`-style
//! expressions, `{$...}` templates) is refused, not read and ignored.

use indexmap::IndexMap;
use openapiv3 as oa;
use serde_json::Value;

use super::Lowerer;
use crate::ir::{Link, LinkValue, Operation, SecurityScheme};
use crate::pointer::push;
use crate::registry::RuleId;

/// A runtime expression (OpenAPI 3.0.3, Runtime Expressions), or why not.
pub(crate) fn parse_expression(text: &str) -> Result<LinkValue, String> {
    let header_or = |rest: &str, make: fn(String) -> LinkValue| -> Result<LinkValue, String> {
        if rest.is_empty() {
            Err(format!("`{text}` names no parameter"))
        } else {
            Ok(make(rest.to_owned()))
        }
    };
    if let Some(rest) = text.strip_prefix("$request.path.") {
        return header_or(rest, LinkValue::RequestPath);
    }
    if let Some(rest) = text.strip_prefix("$request.query.") {
        return header_or(rest, LinkValue::RequestQuery);
    }
    if let Some(rest) = text.strip_prefix("$request.header.") {
        return header_or(rest, LinkValue::RequestHeader);
    }
    if let Some(rest) = text.strip_prefix("$response.header.") {
        return header_or(rest, LinkValue::ResponseHeader);
    }
    for (prefix, make) in [
        (
            "$request.body",
            LinkValue::RequestBody as fn(String) -> LinkValue,
        ),
        ("$response.body", LinkValue::ResponseBody),
    ] {
        if let Some(rest) = text.strip_prefix(prefix) {
            return match rest.strip_prefix('#') {
                Some(pointer) if pointer.is_empty() || pointer.starts_with('/') => {
                    Ok(make(pointer.to_owned()))
                }
                Some(_) => Err(format!("`{text}`: the pointer after `#` starts with `/`")),
                None if rest.is_empty() => Ok(make(String::new())),
                None => Err(format!(
                    "`{text}`: a body expression is `{prefix}#/pointer`"
                )),
            };
        }
    }
    Err(format!(
        "`{text}` is not a runtime expression the kit follows (`$request.path|query|header.NAME`, `$request.body#/ptr`, `$response.body#/ptr`, `$response.header.NAME`)"
    ))
}

impl Lowerer<'_> {
    pub(super) fn lower_links(
        &mut self,
        links: &IndexMap<String, oa::ReferenceOr<oa::Link>>,
        response_at: &str,
    ) -> Vec<Link> {
        let mut out = Vec::new();
        for (name, link) in links {
            let at = push(&push(response_at, "links"), name);
            let oa::ReferenceOr::Item(link) = link else {
                self.error(
                    &at,
                    RuleId::LintUnsupported,
                    "a `$ref` link is not supported",
                );
                continue;
            };
            let operation_id = match &link.operation {
                oa::LinkOperation::OperationId(id) => id.clone(),
                oa::LinkOperation::OperationRef(_) => {
                    self.error(
                        &push(&at, "operationRef"),
                        RuleId::LintUnsupported,
                        "`operationRef` is not supported: name the operation with `operationId`",
                    );
                    continue;
                }
            };
            if link.request_body.is_some() {
                self.error(
                    &push(&at, "requestBody"),
                    RuleId::LintUnsupported,
                    "a link's `requestBody` is not supported",
                );
            }
            if link.server.is_some() {
                self.error(
                    &push(&at, "server"),
                    RuleId::LintUnsupported,
                    "a link's `server` is not supported: the linked operation is on this spec's servers",
                );
            }
            let mut parameters = Vec::new();
            for (param, value) in &link.parameters {
                let pat = push(&push(&at, "parameters"), param);
                let value = match value {
                    Value::String(text) if text.starts_with('$') => match parse_expression(text) {
                        Ok(v) => v,
                        Err(message) => {
                            self.error(&pat, RuleId::LintUnsupported, message);
                            continue;
                        }
                    },
                    Value::String(text) if text.contains("{$") => {
                        self.error(
                            &pat,
                            RuleId::LintUnsupported,
                            "an embedded `{$...}` expression is not supported: use a whole expression",
                        );
                        continue;
                    }
                    other => LinkValue::Constant(other.clone()),
                };
                // `path.siteId` qualifies a name that is not unique; the kit's
                // parameter names are unique per operation, so the plain name is read.
                let param = param
                    .split_once('.')
                    .filter(|(loc, _)| ["path", "query", "header", "cookie"].contains(loc))
                    .map_or(param.as_str(), |(_, n)| n);
                parameters.push((param.to_owned(), value));
            }
            out.push(Link {
                name: name.clone(),
                operation_id,
                parameters,
                pointer: at,
            });
        }
        out
    }

    /// Every link names an operation of this spec, and only its parameters.
    pub(super) fn check_links(&mut self, operations: &[Operation]) {
        for op in operations {
            for link in op.responses.iter().flat_map(|r| &r.links) {
                let Some(target) = operations.iter().find(|o| o.id == link.operation_id) else {
                    let known = operations.iter().map(|o| o.id.as_str());
                    let hint = crate::suggest::closest(&link.operation_id, known)
                        .map(|c| format!("; did you mean `{c}`?"))
                        .unwrap_or_default();
                    self.error(
                        &push(&link.pointer, "operationId"),
                        RuleId::LintDanglingLink,
                        format!(
                            "the link names `{}`, which is no operation of this spec{hint}",
                            link.operation_id
                        ),
                    );
                    continue;
                };
                for (param, _) in &link.parameters {
                    if target.param(param).is_none() {
                        self.error(
                            &push(&push(&link.pointer, "parameters"), param),
                            RuleId::LintDanglingLink,
                            format!("`{param}` is not a parameter of `{}`", target.id),
                        );
                    }
                }
            }
        }
    }

    /// OAuth 2.0 with one `clientCredentials` flow is a bearer token obtained
    /// at its `tokenUrl`; other flows are not followed.
    pub(super) fn oauth2(&mut self, flows: &oa::OAuth2Flows, at: &str) -> SecurityScheme {
        let others = flows.implicit.is_some()
            || flows.password.is_some()
            || flows.authorization_code.is_some();
        match &flows.client_credentials {
            Some(cc) if !others => SecurityScheme::Bearer {
                token_url: Some(cc.token_url.clone()),
            },
            // The linter refuses each other flow at its key
            // (`crate::openapi_fields`).
            _ if others => SecurityScheme::Other,
            _ => {
                self.error(
                    &push(at, "flows"),
                    RuleId::LintUnsupported,
                    "an OAuth 2.0 scheme needs its `clientCredentials` flow, the one the kit follows",
                );
                SecurityScheme::Other
            }
        }
    }
}
