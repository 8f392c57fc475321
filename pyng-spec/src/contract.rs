//! The compiled contract of a spec: the facts about its operations and
//! responses that the checker, the live poller, the sandbox, the generator and
//! the diff all need, each computed by exactly one function here and read by
//! all of them.
//!
//! - the status field of a response: [`status::status_field`];
//! - its state machine and what may be observed after what: [`Machine`];
//! - when each timeout is due: [`timeouts::due`], through [`Clocks`];
//! - the identity rules (echoed, `x-stable` and `x-monotonic` fields):
//!   [`ResponseContract`] and [`OperationContract::echo`];
//! - how long a sequence may wait for a timeout: [`longest_timeout`];
//! - when a request exceeds an `x-rate-limit`: [`rate_limit::Window`];
//! - which operation issues tokens and which response creates a polled
//!   resource: [`roles::issues_tokens`], [`roles::creation_link`].

pub mod identity;
pub mod machine;
pub mod rate_limit;
pub mod roles;
pub mod status;
pub mod timeouts;

pub use identity::Tracked;
pub use machine::Machine;
pub use status::StatusField;
pub use timeouts::{Clocks, longest_timeout};

use crate::ir::{Operation, Response, Spec, Type};

/// The contract of one spec, aligned with its operations.
#[derive(Debug, Clone)]
pub struct Contract {
    /// `operations[i]` is the contract of `spec.operations[i]`.
    pub operations: Vec<OperationContract>,
}

impl Contract {
    /// Compiles every operation of `spec`.
    pub fn compile(spec: &Spec) -> Contract {
        Contract {
            operations: spec
                .operations
                .iter()
                .map(|op| OperationContract::compile(spec, op))
                .collect(),
        }
    }
}

/// The contract of one operation.
#[derive(Debug, Clone)]
pub struct OperationContract {
    /// `responses[i]` is the contract of the operation's `responses[i]`.
    pub responses: Vec<ResponseContract>,
    /// The `x-echo` rules: the request parameter and where its value comes
    /// back in a success body.
    pub echo: Vec<(String, Tracked)>,
    /// The index of the response a poller reads the resource's state from:
    /// the first 2xx response with a body.
    pub success: Option<usize>,
}

impl OperationContract {
    /// Compiles one operation of `spec`.
    pub fn compile(spec: &Spec, op: &Operation) -> OperationContract {
        OperationContract {
            responses: op
                .responses
                .iter()
                .map(|r| ResponseContract::of_response(spec, r))
                .collect(),
            echo: op
                .echo
                .iter()
                .map(|e| {
                    let name = crate::pointer::tokens(&e.pointer)
                        .and_then(|mut t| t.pop())
                        .unwrap_or_default();
                    let tracked = Tracked {
                        tokens: crate::pointer::tokens(&e.pointer).unwrap_or_default(),
                        pointer: e.pointer.clone(),
                        name,
                        unit: None,
                        source: op.source.clone(),
                    };
                    (e.parameter.clone(), tracked)
                })
                .collect(),
            success: success_response(op),
        }
    }

    /// The contract of the response a poller reads the state from.
    pub fn success(&self) -> Option<&ResponseContract> {
        self.responses.get(self.success?)
    }
}

/// The first 2xx response of `op` that has a body: the one a poller reads.
pub fn success_response(op: &Operation) -> Option<usize> {
    op.responses
        .iter()
        .position(|r| is_success(r) && r.body.is_some())
}

/// Only a success response says what state the resource is in.
fn is_success(r: &Response) -> bool {
    r.status.is_success()
}

/// What the sequence rules read in one response's body. Empty for a
/// response that is not a success or has no body.
#[derive(Debug, Clone, Default)]
pub struct ResponseContract {
    /// The status field ([`status::status_field`]).
    pub status: Option<StatusField>,
    /// The status field as a tracked field (its source is the state machine).
    pub status_tracked: Option<Tracked>,
    /// The status enum's state machine, compiled.
    pub machine: Option<Machine>,
    /// `x-stable` fields: once present in a sequence, never changed.
    pub stable: Vec<Tracked>,
    /// `x-monotonic` fields: never going back within a sequence.
    pub monotonic: Vec<Tracked>,
    /// Per timeout of the machine (same order): the deadline field, when the
    /// timeout is a `deadlineField` one.
    pub deadlines: Vec<Option<Tracked>>,
}

impl ResponseContract {
    /// The contract of a response of an operation.
    pub fn of_response(spec: &Spec, r: &Response) -> ResponseContract {
        match (&r.body, is_success(r)) {
            (Some(body), true) => ResponseContract::of_body(spec, body),
            _ => ResponseContract::default(),
        }
    }

    /// The contract of a success body of type `body`.
    pub fn of_body(spec: &Spec, body: &Type) -> ResponseContract {
        let (stable, monotonic) = identity::stable_and_monotonic(spec, body);
        let mut out = ResponseContract {
            stable,
            monotonic,
            ..ResponseContract::default()
        };
        let Some(status) = status::status_field(spec, body) else {
            return out;
        };
        if let Some(e) = spec.enum_def(&status.enum_name)
            && let Some(m) = &e.machine
        {
            out.status_tracked = Some(identity::status(&status, m));
            out.deadlines = identity::deadlines(spec, &status, m);
            out.machine = Machine::of(e);
        }
        out.status = Some(status);
        out
    }
}
