//! What one response says about its resource's state, for a caller that
//! watches traffic live (the proxy's `--until-final`): the same route, the
//! same documented response and the same status field as the sequence checks.

use super::Engine;
use crate::checks::Params;
use crate::exchange::split_url;

/// The state a response shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateSeen {
    /// The operation the request matched.
    pub operation: String,
    /// The values of the operation's `x-resource-key` parameters (the
    /// sequence the response belongs to).
    pub resource: Vec<Option<String>>,
    /// The value of the status field.
    pub state: String,
    /// Whether the state is one of the machine's final states.
    pub is_final: bool,
}

impl Engine {
    /// The state `body` (the response to `method url` with `status`) shows,
    /// when the request matches an operation whose documented response for
    /// `status` has a status field with a state machine, and the body holds
    /// one of its states.
    pub fn state_seen(
        &self,
        method: &str,
        url: &str,
        status: u16,
        body: &[u8],
    ) -> Option<StateSeen> {
        let (path, query) = split_url(url);
        let found = self.matcher.find(method, &path)?;
        let (response_index, _) = self.response_plan(found.op, status);
        let plan = self.plans(found.op).by_response.get(response_index?)?;
        let (tracked, _) = plan.status.as_ref()?;
        let states = plan.states.as_ref()?;
        let value: serde_json::Value = serde_json::from_slice(body).ok()?;
        let state = crate::plan::lookup(&value, &tracked.pointer)?.as_str()?;
        let index = states.index(state)?;
        let (_, op) = self.operation(found.op);
        let params = Params {
            path: &found.path_params,
            query: &query,
        };
        Some(StateSeen {
            operation: op.id.clone(),
            resource: op
                .resource_key
                .iter()
                .map(|k| params.get(k).map(str::to_owned))
                .collect(),
            state: state.to_owned(),
            is_final: states.is_final(index),
        })
    }
}
