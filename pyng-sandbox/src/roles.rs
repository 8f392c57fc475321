//! What each operation does in the sandbox, read from the specs alone:
//! - the `tokenUrl` of a loaded OAuth 2.0 client credentials scheme issues the
//!   bearer tokens (RFC 6749 § 4.4);
//! - an operation whose success response `links` to a polled operation with a
//!   state machine creates that operation's resource (a payment intent, a
//!   checkout session);
//!
//! The first two are `pyng_spec::contract::roles`, which the engine reads too.
//! - an operation with a state machine is polled;
//! - any other operation answers a conformant, stateless body.

use pyng_spec::contract::roles;
use pyng_spec::ir::{LinkValue, Spec};

use crate::plan::OpPlan;

/// The sandbox's behaviour for one operation.
#[derive(Debug, Clone)]
pub(crate) enum Role {
    TokenIssuer,
    Creation(Creation),
    Polled,
    Stateless,
}

/// A creation: the link it follows to the polled operation it creates for.
#[derive(Debug, Clone)]
pub(crate) struct Creation {
    /// Index of the linked, polled plan.
    pub target: usize,
    /// The linked operation's parameter that names the new resource: the last
    /// of its `x-resource-key` the link takes from the response body.
    pub id_param: String,
    /// Where the new id goes in the creation's response body.
    pub id_pointer: String,
    /// Other link parameters taken from the response body, by the name of the
    /// creation's own parameter that supplies them (`siteId`), with their pointer.
    pub from_request: Vec<(String, String)>,
}

fn is_token_url(specs: &[Spec], plan: &OpPlan) -> bool {
    let urls = roles::token_urls(specs.iter().flat_map(|s| s.security_schemes.values()));
    roles::issues_tokens(&specs[plan.spec], &plan.op, urls)
}

fn creation(specs: &[Spec], plans: &[OpPlan], plan: &OpPlan) -> Option<Creation> {
    let ok = plan.op.responses.iter().find(|r| r.status.is_success())?;
    let (link, target_op) = roles::creation_link(&specs[plan.spec], ok)?;
    // The sandbox plays a created resource through its state machine.
    let target = plans
        .iter()
        .position(|p| p.spec == plan.spec && p.op.id == target_op.id && p.status.is_some())?;
    let from_body = |name: &str| {
        link.parameters.iter().find_map(|(p, v)| match v {
            LinkValue::ResponseBody(ptr) if p == name => Some(ptr.clone()),
            _ => None,
        })
    };
    let id_param = target_op
        .resource_key
        .iter()
        .rev()
        .find(|k| from_body(k).is_some() && plan.op.param(k).is_none())?
        .clone();
    let id_pointer = from_body(&id_param)?;
    let from_request = link
        .parameters
        .iter()
        .filter_map(|(p, v)| match v {
            LinkValue::ResponseBody(ptr) if *p != id_param && plan.op.param(p).is_some() => {
                Some((p.clone(), ptr.clone()))
            }
            _ => None,
        })
        .collect();
    Some(Creation {
        target,
        id_param,
        id_pointer,
        from_request,
    })
}

/// Assigns every plan its role (after all plans exist: a creation names its target).
pub(crate) fn assign(specs: &[Spec], plans: &mut [OpPlan]) {
    let roles: Vec<Role> = plans
        .iter()
        .map(|plan| {
            if is_token_url(specs, plan) {
                Role::TokenIssuer
            } else if let Some(c) = creation(specs, plans, plan) {
                Role::Creation(c)
            } else if plan.status.is_some() {
                Role::Polled
            } else {
                Role::Stateless
            }
        })
        .collect();
    for (plan, role) in plans.iter_mut().zip(roles) {
        plan.role = role;
    }
}
