use std::time::{SystemTime, UNIX_EPOCH};

use pyng_conformance::recorder::{Captured, Recorder};

/// A GET through `agent`, recorded (redacted) into `recorder`.
pub fn recorded_get(
    agent: &ureq::Agent,
    recorder: &mut Recorder,
    url: &str,
    headers: &[(String, String)],
) -> Result<(u16, Vec<u8>), ureq::Error> {
    let now_ms = || {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_millis() as i128
    };
    let started_ms = now_ms();
    let mut request = agent.get(url);
    for (name, value) in headers {
        request = request.header(name, value);
    }
    let mut response = request.call()?;
    let status = response.status().as_u16();
    let response_headers: Vec<(String, String)> = response
        .headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or_default().to_owned()))
        .collect();
    let body = response.body_mut().read_to_vec()?;
    recorder.record(Captured {
        started_ms,
        elapsed_ms: now_ms() - started_ms,
        method: "GET",
        url,
        request_headers: headers,
        request_body: &[],
        status,
        response_headers: &response_headers,
        body: &body,
    });
    Ok((status, body))
}
