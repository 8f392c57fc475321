//! `http.*`: the status code is documented for the operation, and the response
//! is declared JSON where the spec says JSON.

use pyng_spec::ir::Operation;
use pyng_spec::registry::RuleId;

use super::at_exchange;
use crate::exchange::Exchange;
use crate::finding::Finding;

pub(crate) fn check(op: &Operation, ex: &Exchange, out: &mut Vec<Finding>) {
    let Some(response) = op.response(ex.status) else {
        let documented: Vec<String> = op
            .responses
            .iter()
            // Not `default`: with it, every status is documented.
            .map(|r| r.status.to_string())
            .collect();
        out.push(
            at_exchange(
                ex,
                &op.id,
                RuleId::HttpStatusDocumented,
                format!(
                    "status {} is not documented for {}; documented: {}",
                    ex.status,
                    op.id,
                    documented.join(", ")
                ),
            )
            .with_source(op.source.as_ref()),
        );
        return;
    };
    let Some(expected) = &response.content_type else {
        return;
    };
    if !is_json(expected) {
        return;
    }
    // A bare body has no recorded headers: nothing to check.
    if ex.operation.is_some() && ex.content_type.is_none() {
        return;
    }
    match &ex.content_type {
        Some(ct) if is_json(ct) => {}
        other => out.push(
            at_exchange(
                ex,
                &op.id,
                RuleId::HttpContentType,
                match other {
                    Some(ct) => format!("Content-Type is `{ct}`; the spec documents `{expected}`"),
                    None => format!("no Content-Type recorded; the spec documents `{expected}`"),
                },
            )
            .with_source(response.source.as_ref().or(op.source.as_ref())),
        ),
    }
}

/// `application/json`, `application/json;charset=UTF-8`, `application/problem+json`.
pub(crate) fn is_json(content_type: &str) -> bool {
    let essence = match memchr::memchr(b';', content_type.as_bytes()) {
        Some(i) => &content_type[..i],
        None => content_type,
    }
    .trim();
    let b = essence.as_bytes();
    essence.eq_ignore_ascii_case("application/json")
        || (b.len() >= "application/".len() + "+json".len()
            && b[..12].eq_ignore_ascii_case(b"application/")
            && b[b.len() - 5..].eq_ignore_ascii_case(b"+json"))
}

#[cfg(test)]
mod tests {
    use super::is_json;

    #[test]
    fn json_media_types() {
        assert!(is_json("application/json;charset=UTF-8"));
        assert!(is_json("Application/JSON"));
        assert!(is_json("application/problem+json"));
        assert!(!is_json("text/html"));
        assert!(!is_json("application/jsonx"));
        assert!(is_json(" APPLICATION/Vnd.X+JSON ; q=1"));
        assert!(!is_json("application/+jso"));
        assert!(!is_json("text/x+json"));
        assert!(!is_json("application+json"));
        assert!(!is_json(""));
    }
}
