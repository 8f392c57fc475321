//! A response's `headers` -> [`Header`]s; a `$ref` to `components/headers`
//! is read where it is used, its problems placed in `components`.

use indexmap::IndexMap;
use openapiv3 as oa;

use super::Lowerer;
use crate::ir::{Constraints, Header, Type};
use crate::pointer::push;

impl<'a> Lowerer<'a> {
    /// The headers of a response at `at`, but `Content-Type`, which OpenAPI
    /// 3.0.3 says is ignored there (the media type says it).
    pub(super) fn lower_headers(
        &mut self,
        headers: &IndexMap<String, oa::ReferenceOr<oa::Header>>,
        at: &str,
    ) -> Vec<Header> {
        let hat = push(at, "headers");
        let mut out = Vec::new();
        for (name, header) in headers {
            if name.eq_ignore_ascii_case("content-type") {
                continue;
            }
            let here = push(&hat, name);
            let lowered = match header {
                oa::ReferenceOr::Item(h) => self.header(name, h, here),
                oa::ReferenceOr::Reference { reference } => {
                    match self.resolve_component::<oa::Header>(reference, &here, &hat) {
                        Some((h, pointer)) => self.header(name, h, pointer),
                        None => continue,
                    }
                }
            };
            out.push(lowered);
        }
        out
    }

    fn header(&mut self, name: &str, h: &oa::Header, at: String) -> Header {
        let (ty, constraints) = match &h.format {
            oa::ParameterSchemaOrContent::Schema(oa::ReferenceOr::Item(s)) => {
                self.in_parameter = true;
                let ty = self.lower_anonymous(name, s, &at);
                self.in_parameter = false;
                (ty, self.constraints(s, &push(&at, "schema")))
            }
            oa::ParameterSchemaOrContent::Schema(oa::ReferenceOr::Reference { reference }) => (
                {
                    self.position_ref(reference, &push(&at, "schema"), "a header's schema");
                    self.resolve_ref(reference, &push(&at, "schema"))
                },
                Constraints::default(),
            ),
            oa::ParameterSchemaOrContent::Content(_) => (Type::String, Constraints::default()),
        };
        Header {
            name: name.to_owned(),
            required: h.required,
            description: h.description.clone(),
            deprecated: h.deprecated.unwrap_or(false),
            ty,
            constraints,
            pointer: at,
        }
    }
}
