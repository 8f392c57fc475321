//! `requestBody` -> [`RequestBody`]: the JSON and form media types, each
//! with its schema (named `<Operation>Request`, `<Operation>FormRequest`
//! when inline) and examples; a `$ref` to `components/requestBodies` is read
//! where it is used, its problems placed in `components`.

use openapiv3 as oa;

use super::{Lowerer, pascal};
use crate::ir::{BodyEncoding, RequestBody, RequestContent, Type};
use crate::pointer::push;
use crate::registry::RuleId;

/// The encoding of a media type the kit reads; `None` for any other.
pub(crate) fn encoding(media_type: &str) -> Option<BodyEncoding> {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
    {
        Some(BodyEncoding::Json)
    } else if essence == "application/x-www-form-urlencoded" {
        Some(BodyEncoding::Form)
    } else {
        None
    }
}

impl<'a> Lowerer<'a> {
    pub(super) fn lower_request_body(
        &mut self,
        op_id: &str,
        body: &oa::ReferenceOr<oa::RequestBody>,
        at: &str,
    ) -> Option<RequestBody> {
        match body {
            oa::ReferenceOr::Item(body) => Some(self.request_body(op_id, body, at.to_owned())),
            oa::ReferenceOr::Reference { reference } => {
                let (body, at) = self.resolve_component::<oa::RequestBody>(reference, at, at)?;
                Some(self.request_body(op_id, body, at))
            }
        }
    }

    fn request_body(&mut self, op_id: &str, body: &oa::RequestBody, at: String) -> RequestBody {
        let mut contents = Vec::new();
        for (media, content) in &body.content {
            let cat = push(&push(&at, "content"), media);
            let Some(encoding) = encoding(media) else {
                self.problems.push(
                    crate::diag::Problem::new(
                        &cat,
                        RuleId::LintUnsupported,
                        format!(
                            "request bodies of `{media}` are not read by the kit: only `application/json` and `application/x-www-form-urlencoded` are"
                        ),
                    )
                    .at_key(),
                );
                continue;
            };
            let hint = match encoding {
                BodyEncoding::Json => format!("{}Request", pascal(op_id)),
                BodyEncoding::Form => format!("{}FormRequest", pascal(op_id)),
            };
            let sat = push(&cat, "schema");
            if let (BodyEncoding::Form, Some(schema)) = (encoding, &content.schema) {
                self.position_schema(schema, &sat, "a form body");
            }
            let ty = content.schema.as_ref().map(|schema| {
                let ty = match schema {
                    oa::ReferenceOr::Reference { reference } => self.resolve_ref(reference, &sat),
                    oa::ReferenceOr::Item(s) => self.lower_named(&hint, s, &sat),
                };
                match encoding {
                    // A JSON body holds its constraints, `nullable` and
                    // composition as a response body does.
                    BodyEncoding::Json => self.constrained_request_body(&hint, ty, schema, &sat),
                    BodyEncoding::Form => ty,
                }
            });
            if encoding == BodyEncoding::Form
                && let Some(ty) = &ty
                && !self.is_model(ty)
            {
                self.error(
                    &sat,
                    RuleId::LintUnsupported,
                    "a form body's schema is an object (a form is a list of named fields)",
                );
            }
            let examples = self.lower_examples(content, &cat);
            contents.push(RequestContent {
                media_type: media.clone(),
                encoding,
                body: ty,
                examples,
            });
        }
        RequestBody {
            required: body.required,
            description: body.description.clone(),
            contents,
            source: self.source(&body.extensions, &at),
            pointer: at,
        }
    }

    /// Whether `ty` names a model (lowered, or a component being lowered).
    fn is_model(&self, ty: &Type) -> bool {
        let Type::Named(name) = ty else {
            return false;
        };
        match self.types.get(name) {
            Some(crate::ir::TypeDef::Model(_)) => true,
            Some(crate::ir::TypeDef::Enum(_) | crate::ir::TypeDef::Constrained(_)) => false,
            // A component not lowered yet: every component is lowered
            // before the operations, so this is not reached for one.
            None => self
                .doc
                .components
                .as_ref()
                .and_then(|c| c.schemas.get(name))
                .is_some_and(
                    |s| matches!(s, oa::ReferenceOr::Item(s) if super::object_type(s).is_some()),
                ),
        }
    }
}
