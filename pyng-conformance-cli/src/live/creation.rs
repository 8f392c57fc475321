//! A flow that begins with the creation call (`poll --create`): the creation
//! operation and its body, the OpenAPI `links` entry of its success response
//! that names the polled operation, and the polled operation's parameters
//! filled from that link once the creation has answered. Which operation
//! creates which, and where each value comes from, is the spec's (`links`,
//! `x-idempotency`); nothing here names an operation.

use std::hash::{BuildHasher, Hasher};

use pyng_spec::contract::roles::{self, LinkSource};
use pyng_spec::ir::{BodyEncoding, Operation, ParamLocation, Spec};
use serde_json::Value;

use super::client::{Request, Response};
use super::target::{Target, TargetError};

/// What the command line says about the flow.
#[derive(Debug, Clone, Default)]
pub struct CreationArgs {
    /// `--create`: the creation's operationId (else found from the links to `operation`).
    pub create: Option<String>,
    /// `--operation`: the polled operation (else the one the creation links to).
    pub operation: Option<String>,
    /// `--param`s: each goes to the creation, the polled operation, or both,
    /// by name.
    pub params: Vec<(String, String)>,
    /// `--header`s, sent with every request.
    pub headers: Vec<(String, String)>,
    /// The creation's request body, as given.
    pub body: Option<Vec<u8>>,
}

/// The creation call and the status target it leads to.
#[derive(Debug)]
pub struct Creation<'s> {
    /// The creation operation with its parameters and headers (a generated
    /// idempotency key among them).
    pub target: Target<'s>,
    /// The polled operation, waiting for the link's values.
    pub status: Target<'s>,
    /// The request body and its media type.
    body: Option<(Vec<u8>, String)>,
}

fn err<T>(message: impl Into<String>) -> Result<T, TargetError> {
    Err(TargetError(message.into()))
}

/// The operations the success responses of `op` create a resource of: each
/// response's creation link (`roles::creation_link`, the one the engine joins
/// to the polls).
fn linked_operations<'s>(spec: &'s Spec, op: &'s Operation) -> Vec<&'s str> {
    let mut out: Vec<&str> = Vec::new();
    for r in op.responses.iter().filter(|r| r.status.is_success()) {
        if let Some((_, target)) = roles::creation_link(spec, r)
            && !out.contains(&target.id.as_str())
        {
            out.push(&target.id);
        }
    }
    out
}

/// The creation and polled operations the arguments name, with their spec.
fn operations<'s>(
    specs: &'s [Spec],
    args: &CreationArgs,
) -> Result<(&'s Spec, &'s Operation, &'s Operation), TargetError> {
    if let Some(create) = &args.create {
        let Some((spec, op)) = specs
            .iter()
            .find_map(|s| s.operation(create).map(|o| (s, o)))
        else {
            return err(format!(
                "--create: no loaded spec has an operation `{create}`"
            ));
        };
        let linked = linked_operations(spec, op);
        let polled = match (&args.operation, linked.as_slice()) {
            (Some(wanted), _) if linked.contains(&wanted.as_str()) => wanted.as_str(),
            (Some(wanted), _) => {
                return err(format!(
                    "{create} has no success response whose `links` lead to {wanted} (it links to: {})",
                    if linked.is_empty() {
                        "nothing polled".to_owned()
                    } else {
                        linked.join(", ")
                    }
                ));
            }
            (None, [one]) => one,
            (None, []) => {
                return err(format!(
                    "{create} is not a creation: no success response has `links` to a polled operation"
                ));
            }
            (None, many) => {
                return err(format!(
                    "{create} links to several polled operations ({}); choose one with --operation",
                    many.join(", ")
                ));
            }
        };
        let status = spec.operation(polled).ok_or_else(|| {
            TargetError(format!(
                "{create} links to `{polled}`, which is not in its spec"
            ))
        })?;
        return Ok((spec, op, status));
    }
    let Some(polled) = &args.operation else {
        return err("say what to create: --create OPERATION_ID (or --operation of the polled one)");
    };
    let Some((spec, status)) = specs
        .iter()
        .find_map(|s| s.operation(polled).map(|o| (s, o)))
    else {
        return err(format!("no loaded spec has an operation `{polled}`"));
    };
    let creations: Vec<&Operation> = spec
        .operations
        .iter()
        .filter(|o| linked_operations(spec, o).contains(&polled.as_str()))
        .collect();
    match creations.as_slice() {
        [one] => Ok((spec, one, status)),
        [] => err(format!(
            "no operation of its spec links to {polled} from a success response; name the creation with --create"
        )),
        many => err(format!(
            "several operations create what {polled} polls ({}); choose one with --create",
            many.iter()
                .map(|o| o.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// A fresh idempotency key: the time and this process's random hash seed,
/// unique per run without a random-number dependency.
fn idempotency_key() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(nanos);
    h.write_u32(std::process::id());
    format!("pyng-{nanos:x}-{:016x}", h.finish())
}

/// The body to send and its media type: the operation's JSON content when it
/// documents one (the text must then be JSON), else its form content.
fn request_body(
    op: &Operation,
    body: Option<Vec<u8>>,
) -> Result<Option<(Vec<u8>, String)>, TargetError> {
    let Some(documented) = &op.request_body else {
        return match body {
            Some(_) => err(format!("{} documents no request body", op.id)),
            None => Ok(None),
        };
    };
    let Some(body) = body else {
        if documented.required {
            return err(format!(
                "{} needs a request body: --create-body JSON or --create-body-file FILE",
                op.id
            ));
        }
        return Ok(None);
    };
    let json = documented
        .contents
        .iter()
        .find(|c| c.encoding == BodyEncoding::Json);
    let form = documented
        .contents
        .iter()
        .find(|c| c.encoding == BodyEncoding::Form);
    match (json, form) {
        (Some(c), _) => match serde_json::from_slice::<Value>(&body) {
            Ok(_) => Ok(Some((body, c.media_type.clone()))),
            Err(e) => err(format!(
                "the creation's body is not JSON ({e}); {} takes {}",
                op.id, c.media_type
            )),
        },
        (None, Some(c)) => Ok(Some((body, c.media_type.clone()))),
        (None, None) => err(format!("{} documents no JSON or form request body", op.id)),
    }
}

impl<'s> Creation<'s> {
    /// The creation and the polled operation `args` name, checked against
    /// the spec: every `--param` belongs to one of them, the creation's
    /// required parameters and body are given; an `x-idempotency` header
    /// not given gets a fresh key.
    pub fn resolve(
        specs: &'s [Spec],
        base_url: &str,
        args: CreationArgs,
    ) -> Result<Creation<'s>, TargetError> {
        let (_, create, polled) = operations(specs, &args)?;
        for (name, _) in &args.params {
            if create.param(name).is_none() && polled.param(name).is_none() {
                return err(format!(
                    "`{name}` is a parameter of neither {} nor {}",
                    create.id, polled.id
                ));
            }
        }
        let mine = |op: &Operation| -> Vec<(String, String)> {
            args.params
                .iter()
                .filter(|(n, _)| op.param(n).is_some())
                .cloned()
                .collect()
        };
        let mut headers = args.headers.clone();
        if let Some(idem) = &create.idempotency {
            let named = |n: &String| n.eq_ignore_ascii_case(&idem.header);
            let given = args.params.iter().any(|(n, _)| named(n))
                || args.headers.iter().any(|(n, _)| named(n));
            if !given {
                headers.push((idem.header.clone(), idempotency_key()));
            }
        }
        let target = Target::resolve(specs, &create.id, base_url, &mine(create), &headers)?;
        let status =
            Target::awaiting_link(specs, &polled.id, base_url, &mine(polled), &args.headers)?;
        let body = request_body(create, args.body)?;
        Ok(Creation {
            target,
            status,
            body,
        })
    }

    /// The creation request (its `Authorization` and signature are the
    /// caller's, as for a poll).
    pub fn request(&self, authorization: Option<&str>, signature: Option<&str>) -> Request {
        let mut headers = vec![("Accept".to_owned(), "application/json".to_owned())];
        if let Some((_, media_type)) = &self.body {
            headers.push(("Content-Type".to_owned(), media_type.clone()));
        }
        headers.extend(self.target.headers());
        if let Some(a) = authorization {
            headers.push(("Authorization".to_owned(), a.to_owned()));
        }
        Request {
            method: self.target.op.method.to_ascii_uppercase(),
            url: self.target.url(signature),
            headers,
            body: self
                .body
                .as_ref()
                .map(|(b, _)| b.clone())
                .unwrap_or_default(),
        }
    }

    /// Whether sending the creation again is safe (a retry with the same
    /// idempotency key is the same creation); without it a retry could
    /// create a second resource.
    pub fn retriable(&self) -> bool {
        self.target.op.idempotency.is_some()
    }

    /// The polled target, its parameters filled from the link of the
    /// documented response `resp` (a success) answers with; or why the
    /// flow cannot go on (the message names the link and the expression).
    pub fn follow(&self, req: &Request, resp: &Response) -> Result<Target<'s>, String> {
        let create = self.target.op;
        let polled = self.status.op;
        let Some(documented) = create.response(resp.status) else {
            return Err(format!(
                "HTTP {} is not a documented response of {}: no link to {} to follow",
                resp.status, create.id, polled.id
            ));
        };
        let link = roles::creation_link(self.target.spec, documented)
            .map(|(link, _)| link)
            .filter(|link| link.operation_id == polled.id);
        let Some(link) = link else {
            return Err(format!(
                "the {} response of {} has no `links` entry to {}",
                documented.status, create.id, polled.id
            ));
        };
        let body = serde_json::from_slice::<Value>(&resp.body).ok();
        let at = Live {
            target: &self.target,
            req,
            resp,
            body: body.as_ref(),
        };
        let mut values = Vec::new();
        for (name, v) in &link.parameters {
            match roles::link_value(v, &at) {
                Some(value) => values.push((name.clone(), value)),
                None => {
                    return Err(format!(
                        "the creation's link `{}` gives {name} of {} from {}, which the exchange does not have (or is not a string, number or boolean)",
                        link.name,
                        polled.id,
                        roles::link_expression(v)
                    ));
                }
            }
        }
        self.status.filled(&values).map_err(|e| {
            format!(
                "{} after the creation's link `{}`: {e}",
                polled.id, link.name
            )
        })
    }
}

/// The creation's exchange as the link expressions read it.
struct Live<'a, 's> {
    target: &'a Target<'s>,
    req: &'a Request,
    resp: &'a Response,
    body: Option<&'a Value>,
}

impl Live<'_, '_> {
    fn param(&self, name: &str, location: ParamLocation) -> Option<String> {
        let p = self.target.op.param(name)?;
        (p.location == location)
            .then(|| self.target.param(name).map(str::to_owned))
            .flatten()
    }
}

impl LinkSource for Live<'_, '_> {
    fn path_param(&self, name: &str) -> Option<String> {
        self.param(name, ParamLocation::Path)
    }
    fn query_param(&self, name: &str) -> Option<String> {
        self.param(name, ParamLocation::Query)
    }
    fn request_header(&self, name: &str) -> Option<String> {
        self.req
            .headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    }
    fn request_body(&self) -> Option<Value> {
        serde_json::from_slice(&self.req.body).ok()
    }
    fn response_header(&self, name: &str) -> Option<String> {
        self.resp.header(name).map(str::to_owned)
    }
    fn response_body(&self) -> Option<&Value> {
        self.body
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pyng_conformance::Engine;
    use std::time::Duration;

    fn args(create: Option<&str>, operation: Option<&str>, body: &str) -> CreationArgs {
        CreationArgs {
            create: create.map(str::to_owned),
            operation: operation.map(str::to_owned),
            params: vec![("siteId".to_owned(), "site-1".to_owned())],
            headers: Vec::new(),
            body: Some(body.as_bytes().to_vec()),
        }
    }

    fn response(status: u16, body: &str) -> Response {
        Response {
            status,
            status_text: String::new(),
            headers: Vec::new(),
            body: body.as_bytes().to_vec(),
            started_ms: 0,
            elapsed: Duration::ZERO,
        }
    }

    #[test]
    fn the_link_fills_the_status_call() {
        let engine = Engine::with_bundled_specs().unwrap();
        let c = Creation::resolve(
            engine.specs(),
            "http://127.0.0.1:1",
            args(Some("createPaymentIntent"), None, r#"{"amount":100}"#),
        )
        .unwrap();
        assert_eq!(c.status.op.id, "getTransactionStatus");
        assert!(!c.retriable());
        let req = c.request(Some("Bearer t"), None);
        assert_eq!(req.method, "POST");
        assert_eq!(req.url, "http://127.0.0.1:1/checkout/site-1/payment-intent");
        assert!(
            req.headers
                .contains(&("Content-Type".into(), "application/json".into()))
        );
        let t = c
            .follow(
                &req,
                &response(201, r#"{"data":{"paymentIntentId":"pi-9"}}"#),
            )
            .unwrap();
        assert_eq!(
            t.url(None),
            "http://127.0.0.1:1/checkout/site-1/transaction-status?paymentIntentId=pi-9"
        );
        // The id missing from the response: a message naming the expression.
        let e = c
            .follow(&req, &response(201, r#"{"data":{}}"#))
            .unwrap_err();
        assert!(e.contains("$response.body#/data/paymentIntentId"), "{e}");
        // A documented error has no link.
        let e = c.follow(&req, &response(400, "{}")).unwrap_err();
        assert!(e.contains("no `links` entry"), "{e}");
    }

    #[test]
    fn the_creation_is_found_from_the_polled_operation() {
        let engine = Engine::with_bundled_specs().unwrap();
        let c = Creation::resolve(
            engine.specs(),
            "http://h.example",
            args(
                None,
                Some("getCheckoutSessionStatus"),
                r#"{"orderId":"o-1"}"#,
            ),
        )
        .unwrap();
        assert_eq!(c.target.op.id, "createCheckoutSession");
        assert!(c.retriable());
        let req = c.request(None, None);
        let key = req
            .headers
            .iter()
            .find(|(k, _)| k == "Idempotency-Key")
            .map(|(_, v)| v.clone())
            .expect("a generated key");
        assert!(key.starts_with("pyng-"), "{key}");
        // A key given as a parameter is sent as it is, and not twice.
        let mut a = args(Some("createCheckoutSession"), None, "{}");
        a.params.push(("Idempotency-Key".into(), "k-1".into()));
        let req = Creation::resolve(engine.specs(), "http://h.example", a)
            .unwrap()
            .request(None, None);
        let keys: Vec<_> = req
            .headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case("idempotency-key"))
            .collect();
        assert_eq!(keys, [&("Idempotency-Key".to_owned(), "k-1".to_owned())]);
    }

    #[test]
    fn usage_errors_say_what_to_change() {
        let engine = Engine::with_bundled_specs().unwrap();
        let specs = engine.specs();
        let e = |a| {
            Creation::resolve(specs, "http://h.example", a)
                .unwrap_err()
                .0
        };
        assert!(e(args(Some("getTransactionStatus"), None, "{}")).contains("not a creation"));
        assert!(
            e(args(
                Some("createPaymentIntent"),
                Some("getCheckoutSessionStatus"),
                "{}"
            ))
            .contains("no success response")
        );
        assert!(e(args(Some("createPaymentIntent"), None, "{amount")).contains("not JSON"));
        let mut a = args(Some("createPaymentIntent"), None, "{}");
        a.body = None;
        assert!(e(a).contains("--create-body"));
        let mut a = args(Some("createPaymentIntent"), None, "{}");
        a.params.push(("nope".into(), "1".into()));
        assert!(e(a).contains("neither"));
        assert!(e(args(None, Some("getCheckoutStatus"), "{}")).contains("--create"));
    }
}
