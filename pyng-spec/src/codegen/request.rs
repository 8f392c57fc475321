//! An operation's request body -> `RequestBody` in its module: the body
//! model's properties but the `readOnly` ones (the server sets them), each
//! required as it is in a request (`Field::request_required`), so a partner
//! cannot build a request the spec refuses for a read-only property. Named
//! types inside it are the shared models. Also the idempotency header name.

use proc_macro2::TokenStream;
use quote::quote;

use super::context::Context;
use super::docs::{self, Doc};
use super::models::field_doc;
use crate::ir::{BodyEncoding, Field, Operation, RequestContent, Type};

/// The content the generated type serves: the JSON one, else the first.
pub(super) fn content(op: &Operation) -> Option<&RequestContent> {
    let body = op.request_body.as_ref()?;
    body.contents
        .iter()
        .find(|c| c.encoding == BodyEncoding::Json)
        .or_else(|| body.contents.first())
}

/// `RequestBody`, `REQUEST_CONTENT_TYPE`, `REQUEST_BODY_REQUIRED` and
/// `IDEMPOTENCY_HEADER`, as the operation has them.
pub(super) fn request_items(cx: &Context, op: &Operation) -> TokenStream {
    let idempotency = op.idempotency.as_ref().map(|i| {
        let header = &i.header;
        let mut doc = Doc::new();
        doc.markdown(
            "The request header whose value makes calls one call (`x-idempotency`): send one value per call, and the same value, with the same body, to replay it.".to_owned(),
        );
        doc.source(i.source.as_ref());
        let doc = doc.attrs();
        quote! {
            #doc
            pub const IDEMPOTENCY_HEADER: &str = #header;
        }
    });
    let (Some(body), Some(c)) = (op.request_body.as_ref(), content(op)) else {
        return quote!(#idempotency);
    };
    let media = &c.media_type;
    let required = body.required;
    let mut doc = Doc::new();
    doc.markdown(format!(
        "The request body, sent as {}{}.",
        docs::code(media),
        if c.encoding == BodyEncoding::Form {
            " (serialize it as a form: each property a field)"
        } else {
            ""
        }
    ));
    doc.opt_text(body.description.as_deref());
    let ty = match &c.body {
        Some(Type::Named(name)) => cx.spec.model(name).map(|m| (name, m)),
        _ => None,
    };
    let definition = match (ty, &c.body) {
        (Some((name, m)), _) => {
            let read_only: Vec<&str> = m
                .fields
                .iter()
                .filter(|f| f.read_only)
                .map(|f| f.wire_name.as_str())
                .collect();
            if !read_only.is_empty() {
                doc.markdown(format!(
                    "The `readOnly` properties of {} ({}) are left out: the server sets them.",
                    docs::code(name),
                    docs::code_list(&read_only)
                ));
            }
            doc.source(body.source.as_ref()).draft(cx.spec.draft);
            let doc = doc.attrs();
            let fields = m
                .fields
                .iter()
                .enumerate()
                .filter(|(_, f)| !f.read_only)
                .map(|(i, f)| request_field(cx, &cx.field_ident(m, i), f));
            quote! {
                #doc
                #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
                pub struct RequestBody {
                    #(#fields)*
                }
            }
        }
        (None, Some(other)) => {
            doc.source(body.source.as_ref()).draft(cx.spec.draft);
            let doc = doc.attrs();
            let ty = cx.rust_type_in(other, &quote!(super::));
            quote! {
                #doc
                pub type RequestBody = #ty;
            }
        }
        (None, None) => {
            doc.source(body.source.as_ref()).draft(cx.spec.draft);
            let doc = doc.attrs();
            quote! {
                #doc
                pub type RequestBody = ::serde_json::Value;
            }
        }
    };
    quote! {
        #definition

        /// The media type of [`RequestBody`].
        pub const REQUEST_CONTENT_TYPE: &str = #media;

        /// Whether a request must carry a body (`requestBody.required`).
        pub const REQUEST_BODY_REQUIRED: bool = #required;

        #idempotency
    }
}

/// A property of the request body, `Option` where a request may leave it out.
fn request_field(cx: &Context, ident: &proc_macro2::Ident, f: &Field) -> TokenStream {
    let mut as_sent = f.clone();
    as_sent.required = f.request_required;
    let mut ty = cx.value_type_in(f, &quote!(super::));
    let optional = !as_sent.required || f.nullable;
    if optional {
        ty = quote!(Option<#ty>);
    }
    // Absent (`None`) and `null` (`Some(None)`) stay apart, as in the model.
    let double = super::context::is_double_option(&as_sent);
    if double {
        ty = quote!(Option<#ty>);
    }
    let mut serde_args = Vec::new();
    let rust_name = ident.to_string();
    let rust_name = rust_name.strip_prefix("r#").unwrap_or(&rust_name);
    if rust_name != f.wire_name {
        let wire = &f.wire_name;
        serde_args.push(quote!(rename = #wire));
    }
    if !as_sent.required {
        serde_args.push(quote!(skip_serializing_if = "Option::is_none"));
    }
    if super::support::keeps_null(&as_sent) {
        serde_args.push(quote!(default, deserialize_with = "super::keep_null"));
    }
    if double {
        serde_args.push(quote!(default, deserialize_with = "super::null_or_value"));
    }
    let serde_attr = if serde_args.is_empty() {
        quote!()
    } else {
        quote!(#[serde(#(#serde_args),*)])
    };
    let doc = field_doc(&as_sent).attrs();
    quote! {
        #doc
        #serde_attr
        pub #ident: #ty,
    }
}
