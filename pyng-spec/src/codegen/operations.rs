//! Operations -> one sub-module each: method, path template, a path builder with
//! percent-encoded parameters, a query struct, and a typed response per
//! documented status code.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::GenerateError;
use super::context::Context;
use super::docs::{self, Doc};
use super::names::{self, Scope};
use crate::ir::{Operation, Param, ParamLocation, Response, Spec, StatusKey, Type};

pub(super) fn needs_percent_encoding(spec: &Spec) -> bool {
    spec.operations.iter().any(|op| {
        op.params
            .iter()
            .any(|p| matches!(p.location, ParamLocation::Path | ParamLocation::Query))
    })
}

pub(super) fn operation(cx: &Context, op: &Operation) -> Result<TokenStream, GenerateError> {
    let module = names::ident(&names::snake(&op.id));
    let doc = operation_doc(cx, op).attrs();
    let method = op.method.to_uppercase();
    let template = &op.path;
    let mut scope = Scope::default();
    let path_fn = path_fn(cx, op, &mut scope)?;
    let query = query_struct(cx, op)?;
    let request_headers = request_headers_struct(cx, op)?;
    let response = response_enum(cx, op)?;
    let request = super::request::request_items(cx, op);
    let headers = super::response_headers::structs(cx, op);
    let polling = op.polling.as_ref().map(|p| {
        let s = proc_macro2::Literal::u64_unsuffixed(p.interval_seconds);
        let mut doc = Doc::new();
        doc.markdown("The recommended polling interval (`x-polling`), in seconds.".to_owned());
        doc.opt_text(p.description.as_deref());
        doc.source(p.source.as_ref());
        let doc = doc.attrs();
        quote! {
            #doc
            pub const POLLING_INTERVAL_SECONDS: u64 = #s;
        }
    });
    let response_check = super::checks::response_check(cx, op, &module);
    Ok(quote! {
        #response_check
        #doc
        pub mod #module {
            /// The HTTP method.
            pub const METHOD: &str = #method;

            /// The path template, parameters in braces.
            pub const PATH_TEMPLATE: &str = #template;

            #polling
            #path_fn
            #query
            #request_headers
            #request
            #response
            #headers
        }
    })
}

fn operation_doc(cx: &Context, op: &Operation) -> Doc {
    let mut doc = Doc::new();
    match &op.summary {
        Some(s) => doc.markdown(format!("{} ({}).", docs::escape(s), docs::code(&op.id))),
        None => doc.markdown(format!("Operation {}.", docs::code(&op.id))),
    };
    doc.opt_text(op.description.as_deref());
    if op.deprecated {
        doc.markdown(
            "Deprecated (`deprecated: true`): it still works, until a draft removes it.".to_owned(),
        );
    }
    doc.markdown(docs::code(&format!(
        "{} {}",
        op.method.to_uppercase(),
        op.path
    )));
    if !op.resource_key.is_empty() {
        doc.markdown(format!(
            "Resource key (`x-resource-key`): {}.",
            docs::code_list(&op.resource_key)
        ));
    }
    if !op.one_of_params.is_empty() {
        doc.markdown(format!(
            "Exactly one of {} must be sent (`x-one-of-parameters`).",
            docs::code_list(&op.one_of_params)
        ));
    }
    for e in &op.echo {
        doc.markdown(format!(
            "Echo: the {} parameter is repeated in the success body at {}.",
            docs::code(&e.parameter),
            docs::code(&e.pointer)
        ));
    }
    let headers: Vec<&str> = op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Header)
        .map(|p| p.name.as_str())
        .collect();
    if !headers.is_empty() {
        doc.markdown(format!(
            "Header parameters (not generated; set them on the request): {}.",
            docs::code_list(&headers)
        ));
    }
    if !op.security.is_empty() {
        doc.markdown(format!(
            "Security schemes: {}.",
            docs::code_list(&op.security)
        ));
    }
    doc.source(op.source.as_ref()).draft(cx.spec.draft);
    doc
}

/// How a parameter value is written: `(rust type, expression turning `v` into a String)`.
fn param_type(
    cx: &Context,
    p: &Param,
    by_ref: bool,
) -> Result<(TokenStream, TokenStream), GenerateError> {
    let unsupported = || {
        cx.error(
            "",
            format!("parameter `{}` has a type the generator does not support (only strings, integers, numbers, booleans and string enums, and arrays of them)", p.name),
        )
    };
    Ok(match &p.ty {
        Type::String if by_ref => (quote!(&str), quote!(v)),
        Type::String => (quote!(String), quote!(v.as_str())),
        Type::Integer => (quote!(i64), quote!(&v.to_string())),
        Type::Number => (quote!(super::Number), quote!(&v.to_string())),
        Type::Boolean => (quote!(bool), quote!(&v.to_string())),
        Type::Named(n) if cx.spec.enum_def(n).is_some() => {
            let id = cx.type_ident(n);
            if by_ref {
                (quote!(&super::#id), quote!(v.as_str()))
            } else {
                (quote!(super::#id), quote!(v.as_str()))
            }
        }
        _ => return Err(unsupported()),
    })
}

fn path_fn(cx: &Context, op: &Operation, scope: &mut Scope) -> Result<TokenStream, GenerateError> {
    let names = op.path_param_names();
    let mut args = Vec::new();
    let mut fmt = String::new();
    let mut values = Vec::new();
    let mut rest = op.path.as_str();
    for name in &names {
        let Some(start) = rest.find(&format!("{{{name}}}")) else {
            continue;
        };
        fmt.push_str(&super::checks::fmt_lit(&rest[..start]));
        fmt.push_str("{}");
        rest = &rest[start + name.len() + 2..];
        let p = op.param(name).ok_or_else(|| {
            cx.error(
                &op.pointer,
                format!("path parameter `{name}` of `{}` is not declared", op.id),
            )
        })?;
        let arg = names::ident(&scope.claim(&names::snake(name)));
        let (ty, value) = match &p.ty {
            // An array is one segment in the `simple` style: its items,
            // each percent-encoded, comma-separated, as the check splits it.
            Type::Array(item) => {
                let item_param = Param {
                    ty: (**item).clone(),
                    ..p.clone()
                };
                let (item_ty, as_str) = param_type(cx, &item_param, false)?;
                let value = quote! {
                    #arg.iter()
                        .map(|v| super::percent_encode(#as_str))
                        .collect::<Vec<String>>()
                        .join(",")
                };
                (quote!(&[#item_ty]), value)
            }
            _ => {
                let (ty, as_str) = param_type(cx, p, true)?;
                (ty, quote!({ let v = #arg; super::percent_encode(#as_str) }))
            }
        };
        args.push(quote!(#arg: #ty));
        values.push(value);
    }
    fmt.push_str(&super::checks::fmt_lit(rest));
    let doc = if names.is_empty() {
        " The request path (the template has no parameters).".to_owned()
    } else {
        format!(
            " The request path, with {} percent-encoded.",
            docs::code_list(&names)
        )
    };
    let body = if values.is_empty() {
        quote!(PATH_TEMPLATE.to_owned())
    } else {
        quote!(format!(#fmt, #(#values),*))
    };
    Ok(quote! {
        #[doc = #doc]
        pub fn path(#(#args),*) -> String {
            #body
        }
    })
}

fn query_struct(cx: &Context, op: &Operation) -> Result<TokenStream, GenerateError> {
    let Some((fields, pushes)) = param_fields(cx, op, ParamLocation::Query)? else {
        return Ok(quote!());
    };
    Ok(quote! {
        /// The query parameters.
        #[derive(Debug, Clone, PartialEq)]
        pub struct Query {
            #(#fields)*
        }

        impl Query {
            /// The parameters that are set, as `(name, value)` in spec order, not encoded.
            pub fn pairs(&self) -> Vec<(&'static str, String)> {
                let mut pairs = Vec::new();
                #(#pushes)*
                pairs
            }

            /// `name=value&...`, percent-encoded, in spec order (no leading `?`).
            pub fn to_query_string(&self) -> String {
                self.pairs()
                    .iter()
                    .map(|(k, v)| format!("{}={}", super::percent_encode(k), super::percent_encode(v)))
                    .collect::<Vec<_>>()
                    .join("&")
            }
        }
    })
}

/// The header parameters (`Idempotency-Key`, ...), to send as they are.
fn request_headers_struct(cx: &Context, op: &Operation) -> Result<TokenStream, GenerateError> {
    let Some((fields, pushes)) = param_fields(cx, op, ParamLocation::Header)? else {
        return Ok(quote!());
    };
    Ok(quote! {
        /// The header parameters.
        #[derive(Debug, Clone, PartialEq)]
        pub struct RequestHeaders {
            #(#fields)*
        }

        impl RequestHeaders {
            /// The headers that are set, as `(name, value)` in spec order.
            pub fn pairs(&self) -> Vec<(&'static str, String)> {
                let mut pairs = Vec::new();
                #(#pushes)*
                pairs
            }
        }
    })
}

/// The fields of a struct of parameters, and the statements pushing each
/// one that is set onto `pairs`.
type ParamFields = (Vec<TokenStream>, Vec<TokenStream>);

/// The [`ParamFields`] of `op`'s parameters in `location`; `None` without any.
fn param_fields(
    cx: &Context,
    op: &Operation,
    location: ParamLocation,
) -> Result<Option<ParamFields>, GenerateError> {
    let params: Vec<&Param> = op
        .params
        .iter()
        .filter(|p| p.location == location)
        .collect();
    if params.is_empty() {
        return Ok(None);
    }
    let label = match location {
        ParamLocation::Header => "Header",
        _ => "Query parameter",
    };
    let mut fields_scope = Scope::default();
    let mut fields = Vec::new();
    let mut pushes = Vec::new();
    for p in &params {
        let id = names::ident(&fields_scope.claim(&names::snake(&p.name)));
        // An array is a `Vec` of its items: a query sends one pair per item
        // (`form`, `explode: true`), a header one comma-separated value
        // (`simple`), as the conformance check reads them.
        let (item, array) = match &p.ty {
            Type::Array(item) => (&**item, true),
            other => (other, false),
        };
        let item_param = Param {
            ty: item.clone(),
            ..(*p).clone()
        };
        let (item_ty, _) = param_type(cx, &item_param, false)?;
        let ty = if array {
            quote!(Vec<#item_ty>)
        } else {
            item_ty
        };
        // `v` is a reference to the value; the pair holds an owned string.
        let item_owned = match item {
            Type::String => quote!(v.clone()),
            Type::Named(_) => quote!(v.as_str().to_owned()),
            _ => quote!(v.to_string()),
        };
        let name = &p.name;
        let joined_by = match location {
            ParamLocation::Header => Some(','),
            _ => p.delimiter,
        };
        let push = match (array, joined_by) {
            (false, _) => quote!(pairs.push((#name, #item_owned));),
            (true, Some(delimiter)) => {
                let delimiter = delimiter.to_string();
                quote! {
                    let items: Vec<String> = v.iter().map(|v| #item_owned).collect();
                    pairs.push((#name, items.join(#delimiter)));
                }
            }
            (true, None) => quote! {
                for v in v {
                    pairs.push((#name, #item_owned));
                }
            },
        };
        let mut doc = Doc::new();
        doc.opt_text(p.description.as_deref());
        let mut facts = vec![format!("{label} {}", docs::code(&p.name))];
        facts.push(if p.required { "required" } else { "optional" }.to_owned());
        if p.deprecated {
            facts.push("deprecated".to_owned());
        }
        if let Some(pattern) = &p.constraints.pattern {
            facts.push(format!("pattern {}", docs::code(pattern)));
        }
        if array {
            facts.push(match joined_by {
                Some(',') => "sent as its items, comma-separated".to_owned(),
                Some(' ') => "sent as its items, space-separated".to_owned(),
                Some(d) => format!("sent as its items, separated by `{d}`"),
                None => "sent once per item".to_owned(),
            });
        }
        doc.markdown(format!("{}.", facts.join("; ")));
        doc.source(p.source.as_ref());
        let doc = doc.attrs();
        if p.required {
            fields.push(quote!(#doc pub #id: #ty,));
            pushes.push(quote!({ let v = &self.#id; #push }));
        } else {
            fields.push(quote!(#doc pub #id: Option<#ty>,));
            pushes.push(quote!(if let Some(v) = &self.#id { #push }));
        }
    }
    Ok(Some((fields, pushes)))
}

/// `200` -> `Ok`, `404` -> `NotFound`, others `Status418`; `5XX` ->
/// `ServerError` (RFC 9110 § 15's class names); `default` -> `Other`.
pub(super) fn status_variant(status: StatusKey) -> String {
    let code = match status {
        StatusKey::Code(code) => code,
        StatusKey::Range(digit) => {
            let class = match digit {
                1 => "Informational",
                2 => "Successful",
                3 => "Redirection",
                4 => "ClientError",
                5 => "ServerError",
                _ => return format!("Status{digit}xx"),
            };
            return class.to_owned();
        }
        StatusKey::Default => return "Other".to_owned(),
    };
    let name = match code {
        200 => "Ok",
        201 => "Created",
        202 => "Accepted",
        204 => "NoContent",
        301 => "MovedPermanently",
        302 => "Found",
        304 => "NotModified",
        400 => "BadRequest",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        409 => "Conflict",
        410 => "Gone",
        422 => "UnprocessableEntity",
        429 => "TooManyRequests",
        500 => "InternalServerError",
        502 => "BadGateway",
        503 => "ServiceUnavailable",
        504 => "GatewayTimeout",
        _ => return format!("Status{code}"),
    };
    name.to_owned()
}

fn response_enum(cx: &Context, op: &Operation) -> Result<TokenStream, GenerateError> {
    let mut variants = Vec::new();
    // Codes, then ranges, then `default`: a match takes the first arm that
    // fits, which is OpenAPI's precedence.
    let mut code_arms = Vec::new();
    let mut range_arms = Vec::new();
    let mut status_arms = Vec::new();
    let mut default_arm =
        quote!(_ => return Err(super::ResponseError::UndocumentedStatus(status)),);
    for r in &op.responses {
        let v = format_ident!("{}", status_variant(r.status));
        let doc = response_doc(r).attrs();
        let body_ty = body_type(cx, r);
        let parse = match &body_ty {
            Some(_) => quote!(
                ::serde_json::from_str(body)
                    .map_err(|error| super::ResponseError::Body { status, error })?
            ),
            None => quote!(),
        };
        // A range's or `default`'s variant keeps the status it was read with.
        let pattern = match r.status {
            StatusKey::Code(code) => {
                let code = proc_macro2::Literal::u16_unsuffixed(code);
                match &body_ty {
                    Some(ty) => {
                        variants.push(quote!(#doc #v(#ty),));
                        code_arms.push(quote!(#code => Self::#v(#parse),));
                        status_arms.push(quote!(Self::#v(_) => #code,));
                    }
                    None => {
                        variants.push(quote!(#doc #v,));
                        code_arms.push(quote!(#code => Self::#v,));
                        status_arms.push(quote!(Self::#v => #code,));
                    }
                }
                continue;
            }
            StatusKey::Range(digit) => {
                let low = proc_macro2::Literal::u16_unsuffixed(u16::from(digit) * 100);
                let high = proc_macro2::Literal::u16_unsuffixed(u16::from(digit) * 100 + 99);
                quote!(#low..=#high)
            }
            StatusKey::Default => quote!(_),
        };
        let arm = match &body_ty {
            Some(ty) => {
                variants.push(quote!(#doc #v {
                    /// The status code received.
                    status: u16,
                    /// The parsed body.
                    body: #ty
                },));
                status_arms.push(quote!(Self::#v { status, .. } => *status,));
                quote!(#pattern => Self::#v { status, body: #parse },)
            }
            None => {
                variants.push(quote!(#doc #v {
                    /// The status code received.
                    status: u16
                },));
                status_arms.push(quote!(Self::#v { status } => *status,));
                quote!(#pattern => Self::#v { status },)
            }
        };
        match r.status {
            StatusKey::Default => default_arm = arm,
            _ => range_arms.push(arm),
        }
    }
    let parse_arms: Vec<TokenStream> = code_arms.into_iter().chain(range_arms).collect();
    let uses_body = op.responses.iter().any(|r| body_type(cx, r).is_some());
    let body_param = if uses_body {
        quote!(body)
    } else {
        quote!(_body)
    };
    Ok(quote! {
        /// The documented responses, by status code.
        // A response is read once per request; boxing bodies to even out the
        // variant sizes would only make matching on them clumsier.
        #[allow(clippy::large_enum_variant)]
        #[derive(Debug, Clone, PartialEq)]
        pub enum Response {
            #(#variants)*
        }

        impl Response {
            /// Reads a response from its status code and body.
            pub fn parse(status: u16, #body_param: &str) -> Result<Self, super::ResponseError> {
                Ok(match status {
                    #(#parse_arms)*
                    #default_arm
                })
            }

            /// The status code.
            pub fn status(&self) -> u16 {
                match self {
                    #(#status_arms)*
                }
            }
        }
    })
}

/// The body type of a response; a non-JSON body is kept as text.
fn body_type(cx: &Context, r: &Response) -> Option<TokenStream> {
    let ty = r.body.as_ref()?;
    let json = r
        .content_type
        .as_deref()
        .is_some_and(|c| c.contains("json"));
    if !json {
        return Some(quote!(String));
    }
    Some(cx.rust_type_in(ty, &quote!(super::)))
}

fn response_doc(r: &Response) -> Doc {
    let mut doc = Doc::new();
    match r.status {
        StatusKey::Code(code) => doc.markdown(format!("Status {code}.")),
        StatusKey::Range(_) => doc.markdown(format!(
            "Any status of `{}` that no code of its own documents.",
            r.status
        )),
        StatusKey::Default => doc.markdown("Any other status (`default`).".to_owned()),
    };
    doc.text(&r.description);
    doc.source(r.source.as_ref());
    doc
}
