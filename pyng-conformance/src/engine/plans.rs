//! What the engine prepares once per operation: the sequence plan of each
//! response, the body values the later checks read, and the signing schemes.

use pyng_spec::ir::{Operation, SecurityScheme, Spec};
use pyng_spec::validate::TextField;
use pyng_spec::validate::stream::{BodySeed, WHOLE, Want};

use super::Engine;
use crate::checks::body;
use crate::checks::client::token::TokenRole;
use crate::exchange::path_and_query;
use crate::input::recording::BodyCheck;
use crate::matcher::OpRef;
use crate::plan::{SequencePlan, plan};

#[derive(Debug)]
pub(super) struct OpPlans {
    /// Aligned with the operation's `responses`.
    pub by_response: Vec<SequencePlan>,
    /// Aligned with `responses`: the body values the sequence and echo checks
    /// read, kept by the streaming body check (`None`: nothing).
    wants: Vec<Option<Want>>,
    /// A signed-query scheme signs response bodies: with a secret, the response
    /// signature check reads the whole body.
    pub signs_responses: bool,
    /// A signed-query scheme applies to the requests.
    pub signs_requests: bool,
    /// `x-idempotency`: the replay check compares whole response bodies.
    pub idempotent: bool,
    /// Whether it issues or takes the access tokens `client.token-reuse` follows.
    pub token: TokenRole,
    /// Aligned with the operation's `params`: each value's type and
    /// constraints as the request check reads them.
    pub params: Vec<TextField>,
}

impl OpPlans {
    pub(super) fn new(spec: &Spec, op: &Operation) -> OpPlans {
        let by_response: Vec<SequencePlan> = op
            .responses
            .iter()
            .map(|r| match &r.body {
                Some(ty) if r.status.is_success() => plan(spec, ty),
                _ => SequencePlan::default(),
            })
            .collect();
        let wants = by_response
            .iter()
            .map(|p| {
                let pointers: Vec<&str> = p.pointers().chain(body::echo_pointers(op)).collect();
                if pointers.is_empty() {
                    return None;
                }
                let mut want = Want::default();
                pointers.into_iter().for_each(|ptr| want.add_pointer(ptr));
                Some(want)
            })
            .collect();
        let scheme = |name: &String| spec.security_schemes.get(name);
        let signs_responses = op.security.iter().any(|name| {
            matches!(scheme(name), Some(SecurityScheme::SignedQuery(s)) if s.signs_responses)
        });
        let signs_requests = op
            .security
            .iter()
            .any(|name| matches!(scheme(name), Some(SecurityScheme::SignedQuery(_))));
        OpPlans {
            by_response,
            wants,
            signs_responses,
            signs_requests,
            idempotent: op.idempotency.is_some(),
            token: TokenRole::of(spec, op),
            params: op
                .params
                .iter()
                .map(|p| TextField::new(spec, &p.ty, &p.constraints))
                .collect(),
        }
    }
}

impl Engine {
    /// The documented response `status` selects, and what the body check
    /// keeps of its body.
    pub(super) fn response_plan(
        &self,
        op_ref: OpRef,
        status: u16,
    ) -> (Option<usize>, Option<&Want>) {
        let (_, op) = self.operation(op_ref);
        let response_index = op.response_index(status);
        let plans = self.plans(op_ref);
        let want = match response_index {
            _ if (self.secret.is_some() && plans.signs_responses) || plans.idempotent => {
                Some(&WHOLE)
            }
            Some(i) => plans.wants[i].as_ref(),
            None => None,
        };
        (response_index, want)
    }
}

/// The body of an NDJSON line is checked as the line is read, as the
/// response that [`Engine::response_plan`] selects for the route the
/// matcher finds: what `check_exchange` would check it as afterwards.
impl BodyCheck for Engine {
    fn body_seed(&self, method: &str, url: &str, status: u16) -> Option<BodySeed<'_>> {
        let (path, _) = path_and_query(url);
        let op_ref = self.matcher.find(method, path)?.op;
        let (response_index, want) = self.response_plan(op_ref, status);
        let (_, op) = self.operation(op_ref);
        let body_type = op.responses.get(response_index?)?.body.as_ref()?;
        Some(self.schemas[op_ref.spec].seed(body_type, want))
    }
}
