//! What the sandbox needs to know about an operation, read once from the IR: the
//! success body, where its status enum sits, which fields carry timestamps, which
//! values stay fixed for a resource, and which security schemes apply.

use std::collections::{BTreeMap, BTreeSet};

use pyng_spec::contract::{Machine, OperationContract, ResponseContract};
use pyng_spec::ir::{
    Model, Operation, SecurityScheme, SignatureScheme, Spec, StatusKey, Type, Unit,
};
use pyng_spec::pointer;

use crate::roles::Role;

/// The status field of the success body (`pyng_spec::contract::status`) and
/// its compiled state machine.
#[derive(Debug, Clone)]
pub(crate) struct StatusLoc {
    pub enum_name: String,
    pub machine: Machine,
    pub model_name: String,
    /// Pointer to the model instance holding the status field.
    pub model_pointer: String,
}

/// A timestamp field (`x-unit` unix-millis, unix-seconds or rfc3339).
#[derive(Debug, Clone)]
pub(crate) struct TimeField {
    pub name: String,
    pub ty: Type,
    pub unit: Unit,
    pub monotonic: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct OpPlan {
    pub spec: usize,
    pub op: Operation,
    pub ok_status: u16,
    pub ok_type: Option<Type>,
    pub status: Option<StatusLoc>,
    /// Models reachable from the success body, with the pointer of their (first)
    /// instance, depth-first.
    pub models: Vec<(String, String)>,
    /// Wire names whose value is fixed per resource: `x-stable` fields, amounts
    /// (`x-unit` cents or decimal-major) and arrays, when the name is unique among
    /// the reachable models. `synth` draws values from one random stream, so without
    /// pinning a field that appears only in some states would shift the others.
    pub pinned: BTreeSet<String>,
    /// Request parameter -> wire name it is echoed to (`x-echo`, last pointer token).
    pub echo_fields: Vec<(String, String)>,
    pub bearer: bool,
    pub signature: Option<SignatureScheme>,
    /// Each of `op.params`' schema, as its values are read and checked.
    pub param_fields: Vec<pyng_spec::validate::TextField>,
    /// What the operation does here, set once all plans exist (`roles::assign`).
    pub role: Role,
}

/// The status sent for a response documented under `key`: its code, the
/// first of its range (`200` for `2XX`); `default` names none, so 500.
fn sent_status(key: StatusKey) -> u16 {
    match key {
        StatusKey::Code(code) => code,
        StatusKey::Range(digit) => u16::from(digit) * 100,
        StatusKey::Default => 500,
    }
}

impl OpPlan {
    pub(crate) fn new(spec_index: usize, spec: &Spec, op: &Operation) -> OpPlan {
        let ok = op
            .responses
            .iter()
            .find(|r| r.status.is_success())
            .map(|r| (sent_status(r.status), r.body.clone()));
        let (ok_status, ok_type) = ok.unwrap_or((200, None));
        let models: Vec<(String, String)> = ok_type
            .as_ref()
            .map(|t| models(spec, t))
            .unwrap_or_default()
            .into_iter()
            .map(|(m, p)| (m.name.clone(), p))
            .collect();
        let status = ok_type.as_ref().and_then(|t| {
            let contract = ResponseContract::of_body(spec, t);
            let field = contract.status?;
            Some(StatusLoc {
                enum_name: field.enum_name,
                machine: contract.machine?,
                model_name: field.model,
                model_pointer: field.model_pointer,
            })
        });
        let mut bearer = false;
        let mut signature = None;
        for name in &op.security {
            match spec.security_schemes.get(name) {
                Some(SecurityScheme::Bearer { .. }) => bearer = true,
                Some(SecurityScheme::SignedQuery(s)) => signature = Some(s.clone()),
                _ => {}
            }
        }
        let mut plan = OpPlan {
            spec: spec_index,
            op: op.clone(),
            ok_status,
            ok_type,
            status,
            models,
            pinned: BTreeSet::new(),
            echo_fields: OperationContract::compile(spec, op)
                .echo
                .into_iter()
                .filter(|(_, field)| !field.tokens.is_empty())
                .map(|(parameter, field)| (parameter, field.name))
                .collect(),
            bearer,
            signature,
            param_fields: (op.params.iter())
                .map(|p| pyng_spec::validate::TextField::new(spec, &p.ty, &p.constraints))
                .collect(),
            role: Role::Stateless,
        };
        plan.pinned = plan.pinnable(spec);
        plan
    }

    fn pinnable(&self, spec: &Spec) -> BTreeSet<String> {
        let mut count: BTreeMap<&str, usize> = BTreeMap::new();
        let reachable: Vec<&Model> = self
            .models
            .iter()
            .filter_map(|(n, _)| spec.model(n))
            .collect();
        let mut seen_models = BTreeSet::new();
        for m in reachable
            .iter()
            .filter(|m| seen_models.insert(m.name.as_str()))
        {
            for f in &m.fields {
                *count.entry(f.wire_name.as_str()).or_default() += 1;
            }
        }
        let outcome_fields: BTreeSet<&str> = reachable
            .iter()
            .filter_map(|m| m.outcome.as_ref().map(|o| o.outcome_field.as_str()))
            .collect();
        let mut out = BTreeSet::new();
        for m in &reachable {
            for f in &m.fields {
                let unit = f.constraints.unit;
                let wanted = f.stable
                    || matches!(unit, Some(Unit::Cents | Unit::DecimalMajor))
                    || matches!(f.ty, Type::Array(_));
                let excluded = matches!(&f.ty, Type::Named(_))
                    || matches!(
                        unit,
                        Some(Unit::UnixMillis | Unit::UnixSeconds | Unit::Rfc3339)
                    )
                    || outcome_fields.contains(f.wire_name.as_str())
                    || self
                        .signature
                        .as_ref()
                        .is_some_and(|s| s.parameter == f.wire_name)
                    || count.get(f.wire_name.as_str()) != Some(&1);
                if wanted && !excluded {
                    out.insert(f.wire_name.clone());
                }
            }
        }
        out
    }

    /// The documented error response to use: the first of `prefer` that the
    /// operation documents with a body, else any documented 4xx with a body.
    pub(crate) fn error_type(&self, prefer: &[u16]) -> Option<(u16, Type)> {
        // By its code or its range (`4XX`), not by `default`.
        let with_body = |s: u16| {
            self.op
                .response(s)
                .filter(|r| r.status != StatusKey::Default)
                .and_then(|r| r.body.clone())
                .map(|t| (s, t))
        };
        prefer.iter().find_map(|&s| with_body(s)).or_else(|| {
            self.op
                .responses
                .iter()
                .filter(|r| r.status != StatusKey::Default)
                .map(|r| (sent_status(r.status), r))
                .filter(|(s, _)| (400..500).contains(s))
                .find_map(|(s, r)| Some((s, r.body.clone()?)))
        })
    }

    /// The axum route path: OpenAPI's `{param}` is already axum 0.8's syntax; a
    /// missing leading slash is added.
    pub(crate) fn route_path(&self) -> String {
        if self.op.path.starts_with('/') {
            self.op.path.clone()
        } else {
            format!("/{}", self.op.path)
        }
    }
}

/// Models reachable from `ty`, with the pointer of their first instance in a body
/// (arrays contribute their element 0), depth-first in spec order. A model inside
/// itself is not walked again, and the walk stops after [`MAX_VISITS`] models.
pub(crate) fn models<'a>(spec: &'a Spec, ty: &Type) -> Vec<(&'a Model, String)> {
    struct Walk<'a> {
        spec: &'a Spec,
        path: Vec<&'a str>,
        out: Vec<(&'a Model, String)>,
    }
    impl<'a> Walk<'a> {
        fn walk(&mut self, ty: &Type, at: &str, depth: usize) {
            if depth > 8 || self.out.len() >= MAX_VISITS {
                return;
            }
            // Items or a body with constraints are the type they constrain.
            match self.spec.value_type(ty) {
                Type::Array(item) => {
                    let item = self.spec.value_type(item);
                    self.walk(item, &pointer::push(at, "0"), depth + 1);
                }
                Type::Named(n) => {
                    let spec = self.spec;
                    let Some(m) = spec.model(n) else { return };
                    if self.path.contains(&m.name.as_str()) {
                        return;
                    }
                    self.out.push((m, at.to_owned()));
                    self.path.push(&m.name);
                    for f in &m.fields {
                        self.walk(&f.ty, &pointer::push(at, &f.wire_name), depth + 1);
                    }
                    self.path.pop();
                }
                _ => {}
            }
        }
    }
    let mut w = Walk {
        spec,
        path: Vec::new(),
        out: Vec::new(),
    };
    w.walk(ty, "", 0);
    w.out
}

/// Models [`models`] lists at most: many fields of one model type nested a few
/// levels deep multiply.
const MAX_VISITS: usize = 4096;

/// Timestamp fields of the models reachable from `ty`, first per wire name.
pub(crate) fn time_fields(spec: &Spec, ty: &Type) -> Vec<TimeField> {
    let mut out: Vec<TimeField> = Vec::new();
    for (m, _) in models(spec, ty) {
        for f in &m.fields {
            let Some(unit @ (Unit::UnixMillis | Unit::UnixSeconds | Unit::Rfc3339)) =
                f.constraints.unit
            else {
                continue;
            };
            if out.iter().all(|t| t.name != f.wire_name) {
                out.push(TimeField {
                    name: f.wire_name.clone(),
                    ty: f.ty.clone(),
                    unit,
                    monotonic: f.monotonic,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = include_str!("../../pyng-spec/tests/fixtures/lint-base.yaml");

    /// A model with four fields of its own type walked 8 deep was 4^8 entries;
    /// now each model appears once per path, and a model never inside itself.
    #[test]
    fn models_of_a_recursive_model_do_not_multiply() {
        let mut node = String::from(
            "    Node:\n      type: object\n      properties:\n        items:\n          type: array\n          items:\n            $ref: '#/components/schemas/Node'\n",
        );
        for f in ["a", "b", "c", "d"] {
            node.push_str(&format!(
                "        {f}:\n          $ref: '#/components/schemas/Node'\n"
            ));
        }
        let text = BASE.replace(
            "        note:\n          type: string",
            "        note:\n          $ref: '#/components/schemas/Node'",
        ) + &node;
        let spec = pyng_spec::load_str("tree.yaml", &text).unwrap().spec;
        let found = models(&spec, &Type::Named("Order".into()));
        let names: Vec<&str> = found.iter().map(|(m, _)| m.name.as_str()).collect();
        assert_eq!(names, ["Order", "Node", "Line"], "{found:?}");
        let op = &spec.operations[0];
        let plan = OpPlan::new(0, &spec, op);
        assert_eq!(plan.models.len(), 3);
        let body = pyng_spec::synth::body(
            &spec,
            &Type::Named("Order".into()),
            &pyng_spec::synth::Options {
                optional: true,
                ..Default::default()
            },
        );
        assert!(body["note"].is_object(), "{body:#}");
    }

    /// `Job{inner: Delivery{status}, status}`, `inner` listed first: the
    /// sandbox drives the body's own status, the one the checker reads.
    #[test]
    fn the_status_is_the_shallowest_state_machine_field() {
        let text = include_str!("../../pyng-spec/tests/fixtures/nested-status.yaml");
        let spec = pyng_spec::load_str("nested-status.yaml", text)
            .unwrap()
            .spec;
        let plan = OpPlan::new(0, &spec, &spec.operations[0]);
        let status = plan.status.as_ref().unwrap();
        assert_eq!(
            (
                status.enum_name.as_str(),
                status.model_name.as_str(),
                status.model_pointer.as_str()
            ),
            ("JobStatus", "Job", "")
        );
        let ty = Type::Named("Job".into());
        let states = BTreeMap::from([(status.enum_name.clone(), "Working".to_owned())]);
        let body = crate::body::synthesise(&spec, &ty, 7, states, BTreeMap::new());
        assert_eq!(body["status"], "Working", "{body:#}");
    }
}
