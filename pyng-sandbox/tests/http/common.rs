//! Test support: a tiny HTTP/1.1 client over loopback (`Connection: close`, read to
//! EOF, every call bounded by a timeout) and request builders driven by the IR.

use std::net::SocketAddr;
use std::time::Duration;

use pyng_spec::ir::{Operation, ParamLocation, SecurityScheme, Spec, Type};
use serde_json::Value;

pub const TOKEN: &str = "test-token-0123456789";
pub const CLIENT_ID: &str = "client-1";
pub const CLIENT_SECRET: &str = "client-secret-xyz";
pub const PEACH_SECRET: &[u8] = b"3fcd7cf22f55119eadbe02d14de18c0c";

pub fn specs() -> Vec<Spec> {
    [
        "pyng/transaction-status.yaml",
        "pyng/checkout-session-status.yaml",
        "peach/checkout-status.yaml",
    ]
    .iter()
    .map(|f| {
        let path = format!("{}/../specs/{f}", env!("CARGO_MANIFEST_DIR"));
        pyng_spec::load_file(&path)
            .expect("bundled spec loads")
            .spec
    })
    .collect()
}

pub fn config() -> pyng_sandbox::SandboxConfig {
    let mut c = pyng_sandbox::SandboxConfig::new(specs());
    c.bind = "127.0.0.1:0".parse().unwrap();
    c.tokens = vec![TOKEN.into()];
    c.client_id = CLIENT_ID.into();
    c.client_secret = CLIENT_SECRET.into();
    c.peach_secret = PEACH_SECRET.to_vec();
    c.slow_delay = Duration::from_millis(400);
    c
}

#[derive(Debug, Clone)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

/// One request on a fresh connection; `Err` when it does not complete in `limit`.
pub async fn send(
    addr: SocketAddr,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    limit: Duration,
) -> Result<Resp, String> {
    let mut req = format!(
        "{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    let mut bytes = req.into_bytes();
    bytes.extend_from_slice(body);
    // Blocking std I/O on the blocking pool: simple, and every call is bounded.
    let exchange = tokio::task::spawn_blocking(move || -> Result<Resp, String> {
        use std::io::{Read, Write};
        let mut stream =
            std::net::TcpStream::connect_timeout(&addr, limit).map_err(|e| e.to_string())?;
        stream
            .set_read_timeout(Some(limit))
            .map_err(|e| e.to_string())?;
        stream
            .set_write_timeout(Some(limit))
            .map_err(|e| e.to_string())?;
        stream.write_all(&bytes).map_err(|e| e.to_string())?;
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).map_err(|e| e.to_string())?;
        parse(&raw)
    });
    match tokio::time::timeout(limit + Duration::from_millis(100), exchange).await {
        Ok(Ok(result)) => result,
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err(format!("no response within {limit:?}")),
    }
}

fn parse(raw: &[u8]) -> Result<Resp, String> {
    let text = String::from_utf8_lossy(raw);
    let (head, body) = text.split_once("\r\n\r\n").ok_or("no header end")?;
    let mut lines = head.lines();
    let status_line = lines.next().ok_or("empty response")?;
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or("bad status line")?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    assert!(
        !headers
            .iter()
            .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked")),
        "the tiny client does not decode chunked bodies"
    );
    Ok(Resp {
        status,
        headers,
        body: body.to_owned(),
    })
}

pub async fn get(addr: SocketAddr, target: &str, headers: &[(&str, &str)]) -> Resp {
    send(addr, "GET", target, headers, b"", Duration::from_secs(10))
        .await
        .unwrap_or_else(|e| panic!("GET {target}: {e}"))
}

pub fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The signed-query scheme of the operation, if any.
pub fn signed(spec: &Spec, op: &Operation) -> Option<pyng_spec::ir::SignatureScheme> {
    op.security
        .iter()
        .find_map(|n| match spec.security_schemes.get(n) {
            Some(SecurityScheme::SignedQuery(s)) => Some(s.clone()),
            _ => None,
        })
}

/// The parameter that carries the resource id: the last `x-resource-key` entry.
pub fn id_param(op: &Operation) -> &str {
    op.resource_key.last().map(String::as_str).unwrap_or("id")
}

/// A request target for `op` with `id` in its id parameter, other parameters from
/// their examples (or `site-1`), one-of alternatives other than the id left out,
/// and the query signed when the operation requires it.
pub fn target(spec: &Spec, op: &Operation, id: &str) -> String {
    target_with(spec, op, id, Some(PEACH_SECRET))
}

pub fn target_with(spec: &Spec, op: &Operation, id: &str, secret: Option<&[u8]>) -> String {
    let id_param = id_param(op);
    let scheme = signed(spec, op);
    let value = |name: &str, example: &Option<Value>| -> String {
        if name == id_param {
            id.to_owned()
        } else {
            example
                .as_ref()
                .and_then(Value::as_str)
                .unwrap_or("site-1")
                .to_owned()
        }
    };
    let mut path = op.path.clone();
    let mut query: Vec<(String, String)> = Vec::new();
    for p in &op.params {
        match p.location {
            ParamLocation::Path => {
                path = path.replace(
                    &format!("{{{}}}", p.name),
                    &encode(&value(&p.name, &p.example)),
                );
            }
            ParamLocation::Query => {
                if scheme.as_ref().is_some_and(|s| s.parameter == p.name) {
                    continue;
                }
                if op.one_of_params.contains(&p.name) && p.name != id_param {
                    continue;
                }
                if p.required || p.name == id_param {
                    query.push((p.name.clone(), value(&p.name, &p.example)));
                }
            }
            ParamLocation::Header => {}
        }
    }
    if let (Some(s), Some(secret)) = (&scheme, secret) {
        let msg = pyng_spec::signature::canonical_message(
            query.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            &s.parameter,
        );
        query.push((
            s.parameter.clone(),
            pyng_spec::signature::sign(secret, &msg),
        ));
    }
    if query.is_empty() {
        return path;
    }
    let q: Vec<String> = query
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect();
    format!("{path}?{}", q.join("&"))
}

pub fn ok_type(op: &Operation) -> Type {
    op.response(200)
        .and_then(|r| r.body.clone())
        .expect("a 200 body")
}

/// Pointer of the status field and its enum name, by the contract's rule.
pub fn status_pointer(spec: &Spec, ty: &Type) -> (String, String) {
    let s = pyng_spec::contract::status::status_field(spec, ty).expect("a status field");
    (s.pointer, s.enum_name)
}

/// Error-severity findings of `body` against `ty`.
pub fn errors(spec: &Spec, ty: &Type, body: &Value) -> Vec<pyng_spec::validate::Finding> {
    pyng_spec::validate::validate(spec, ty, body)
        .into_iter()
        .filter(|f| f.severity == pyng_spec::Severity::Error)
        .collect()
}

/// Wire names of timestamp fields (they depend on the clock).
pub fn time_field_names(spec: &Spec) -> Vec<String> {
    use pyng_spec::ir::{TypeDef, Unit};
    let mut out = Vec::new();
    for t in spec.types.values() {
        if let TypeDef::Model(m) = t {
            for f in &m.fields {
                if matches!(
                    f.constraints.unit,
                    Some(Unit::UnixMillis | Unit::UnixSeconds | Unit::Rfc3339)
                ) {
                    out.push(f.wire_name.clone());
                }
            }
        }
    }
    out
}
