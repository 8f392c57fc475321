//! The reader of one exchange object. With a [`BodyCheck`], a `body` that
//! comes after the request and the status is checked by the streaming
//! validator as it is read, so the line is tokenized once; otherwise (no
//! check, or the keys in another order) the body is kept as raw JSON for a
//! later check.
//!
//! Written by hand rather than derived because the body's check depends on
//! fields read before it, which a derived `Deserialize` cannot pass on. Its
//! errors are worded as the derived read's would be (a test compares them).

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;

use pyng_spec::validate::stream::{BodySeed, Streamed};

use super::{Headers, Literal, Str};

/// Chooses the streaming check of a response body from the request and the
/// status read before it (`None`: the body is kept raw).
pub(crate) trait BodyCheck {
    /// The check of a body answering `method` `url` with `status`.
    fn body_seed(&self, method: &str, url: &str, status: u16) -> Option<BodySeed<'_>>;
}

/// One exchange object, borrowing from the text wherever JSON allows.
pub(super) struct RecordedExchange<'a> {
    pub started_at: Option<Str<'a>>,
    pub request: Request<'a>,
    pub response: Response<'a>,
}

/// Derived: a request body is kept as read, so nothing depends on the order
/// of its keys.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Request<'a> {
    #[serde(borrow)]
    pub method: Cow<'a, str>,
    #[serde(borrow)]
    pub url: Cow<'a, str>,
    #[serde(default, borrow)]
    pub headers: Headers<'a>,
    /// The request body, in the three forms a response body has.
    #[serde(borrow)]
    pub body: Option<&'a RawValue>,
    #[serde(borrow)]
    pub body_text: Option<Literal<'a>>,
    #[serde(borrow)]
    pub body_base64: Option<Literal<'a>>,
}

pub(super) struct Response<'a> {
    pub status: u16,
    pub headers: Headers<'a>,
    pub body: Option<Body<'a>>,
    /// A body that is not JSON (or not valid JSON), as text.
    pub body_text: Option<Literal<'a>>,
    /// A body that is not UTF-8.
    pub body_base64: Option<Literal<'a>>,
}

/// A `body` as read: the JSON it was, byte for byte, or already checked.
pub(super) enum Body<'a> {
    Raw(&'a RawValue),
    Checked(Streamed<'a>),
}

/// Reads an exchange object from `text`, checking its body with `check`
/// when the body comes after the request and the status.
pub(super) fn read<'a>(
    text: &'a str,
    check: Option<&dyn BodyCheck>,
) -> serde_json::Result<RecordedExchange<'a>> {
    let mut de = serde_json::Deserializer::from_str(text);
    let x = ExchangeSeed { check }.deserialize(&mut de)?;
    de.end()?;
    Ok(x)
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "camelCase")]
enum ExchangeKey {
    StartedAt,
    Request,
    Response,
    #[serde(other)]
    Other,
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "camelCase")]
enum ResponseKey {
    Status,
    Headers,
    Body,
    BodyText,
    BodyBase64,
    #[serde(other)]
    Other,
}

struct ExchangeSeed<'c> {
    check: Option<&'c dyn BodyCheck>,
}

impl<'de> DeserializeSeed<'de> for ExchangeSeed<'_> {
    type Value = RecordedExchange<'de>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ExchangeSeed<'_> {
    type Value = RecordedExchange<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("struct RecordedExchange")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut started_at: Option<Option<Str<'de>>> = None;
        let mut request: Option<Request<'de>> = None;
        let mut response: Option<Response<'de>> = None;
        while let Some(key) = map.next_key()? {
            match key {
                ExchangeKey::StartedAt => {
                    once(&started_at, "startedAt")?;
                    started_at = Some(map.next_value()?);
                }
                ExchangeKey::Request => {
                    once(&request, "request")?;
                    request = Some(map.next_value()?);
                }
                ExchangeKey::Response => {
                    once(&response, "response")?;
                    let check = self.check.zip(request.as_ref());
                    response = Some(map.next_value_seed(ResponseSeed { check })?);
                }
                ExchangeKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(RecordedExchange {
            started_at: started_at.flatten(),
            request: request.ok_or_else(|| de::Error::missing_field("request"))?,
            response: response.ok_or_else(|| de::Error::missing_field("response"))?,
        })
    }
}

/// A repeated key is an error, as in a derived read.
fn once<T, E: de::Error>(seen: &Option<T>, key: &'static str) -> Result<(), E> {
    match seen {
        Some(_) => Err(E::duplicate_field(key)),
        None => Ok(()),
    }
}

struct ResponseSeed<'c, 'r, 'de> {
    /// The body check and the request, when both are known.
    check: Option<(&'c dyn BodyCheck, &'r Request<'de>)>,
}

impl<'de> DeserializeSeed<'de> for ResponseSeed<'_, '_, 'de> {
    type Value = Response<'de>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ResponseSeed<'_, '_, 'de> {
    type Value = Response<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("struct Response")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut status: Option<u16> = None;
        let mut headers: Option<Headers<'de>> = None;
        let mut body: Option<Option<Body<'de>>> = None;
        let mut body_text: Option<Option<Literal<'de>>> = None;
        let mut body_base64: Option<Option<Literal<'de>>> = None;
        while let Some(key) = map.next_key()? {
            match key {
                ResponseKey::Status => {
                    once(&status, "status")?;
                    status = Some(map.next_value()?);
                }
                ResponseKey::Headers => {
                    once(&headers, "headers")?;
                    headers = Some(map.next_value()?);
                }
                ResponseKey::Body => {
                    once(&body, "body")?;
                    let seed = match (self.check, status) {
                        (Some((check, req)), Some(status)) => {
                            check.body_seed(&req.method, &req.url, status)
                        }
                        _ => None,
                    };
                    body = Some(match seed {
                        Some(seed) => map.next_value_seed(Optional(seed))?.map(Body::Checked),
                        None => map.next_value::<Option<&RawValue>>()?.map(Body::Raw),
                    });
                }
                ResponseKey::BodyText => {
                    once(&body_text, "bodyText")?;
                    body_text = Some(map.next_value()?);
                }
                ResponseKey::BodyBase64 => {
                    once(&body_base64, "bodyBase64")?;
                    body_base64 = Some(map.next_value()?);
                }
                ResponseKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Response {
            status: status.ok_or_else(|| de::Error::missing_field("status"))?,
            headers: headers.unwrap_or_default(),
            body: body.flatten(),
            body_text: body_text.flatten(),
            body_base64: body_base64.flatten(),
        })
    }
}

/// A seed's value, or `None` for JSON `null` (as an `Option` field reads it).
struct Optional<S>(S);

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Optional<S> {
    type Value = Option<S::Value>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de, S: DeserializeSeed<'de>> Visitor<'de> for Optional<S> {
    type Value = Option<S::Value>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("option")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        self.0.deserialize(d).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The derived read of the same shape: the oracle of the reader above.
    #[allow(dead_code)]
    mod derived {
        use super::super::{Headers, Literal, Request, Str};
        use serde::Deserialize;
        use serde_json::value::RawValue;

        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        pub(super) struct RecordedExchange<'a> {
            #[serde(borrow)]
            pub(super) started_at: Option<Str<'a>>,
            #[serde(borrow)]
            pub(super) request: Request<'a>,
            #[serde(borrow)]
            pub(super) response: Response<'a>,
        }

        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        pub(super) struct Response<'a> {
            pub(super) status: u16,
            #[serde(default, borrow)]
            pub(super) headers: Headers<'a>,
            #[serde(borrow)]
            pub(super) body: Option<&'a RawValue>,
            #[serde(borrow)]
            pub(super) body_text: Option<Literal<'a>>,
            #[serde(borrow)]
            pub(super) body_base64: Option<Literal<'a>>,
        }
    }

    /// What a read gives, as text: the fields, or the error.
    fn ours(text: &str) -> Result<String, String> {
        read(text, None)
            .map(|x| {
                let r = &x.response;
                let body = match &r.body {
                    Some(Body::Raw(raw)) => Some(raw.get()),
                    Some(Body::Checked(_)) => unreachable!("no check was given"),
                    None => None,
                };
                shape(&x.started_at, &x.request, r.status, &r.headers, body, r)
            })
            .map_err(|e| e.to_string())
    }

    fn theirs(text: &str) -> Result<String, String> {
        serde_json::from_str::<derived::RecordedExchange>(text)
            .map(|x| {
                let r = &x.response;
                let body = r.body.map(RawValue::get);
                let text = r.body_text.as_ref().map(|t| t.text.to_string());
                let b64 = r.body_base64.as_ref().map(|t| t.text.to_string());
                format!(
                    "{:?} {} {} {:?} {body:?} {text:?} {b64:?}",
                    x.started_at.as_ref().map(|s| s.0.to_string()),
                    request_shape(&x.request),
                    r.status,
                    headers(&r.headers),
                )
            })
            .map_err(|e| e.to_string())
    }

    fn headers(h: &Headers<'_>) -> Vec<(String, String)> {
        h.0.iter()
            .map(|(k, v)| (k.0.to_string(), v.0.to_string()))
            .collect()
    }

    fn shape(
        started_at: &Option<Str<'_>>,
        request: &Request<'_>,
        status: u16,
        h: &Headers<'_>,
        body: Option<&str>,
        r: &Response<'_>,
    ) -> String {
        let text = r.body_text.as_ref().map(|t| t.text.to_string());
        let b64 = r.body_base64.as_ref().map(|t| t.text.to_string());
        format!(
            "{:?} {} {status} {:?} {body:?} {text:?} {b64:?}",
            started_at.as_ref().map(|s| s.0.to_string()),
            request_shape(request),
            headers(h),
        )
    }

    fn request_shape(r: &Request<'_>) -> String {
        format!(
            "{} {} {:?} {:?} {:?} {:?}",
            r.method,
            r.url,
            headers(&r.headers),
            r.body.map(RawValue::get),
            r.body_text.as_ref().map(|t| t.text.to_string()),
            r.body_base64.as_ref().map(|t| t.text.to_string()),
        )
    }

    /// Valid and broken exchange objects read as the derived read reads them,
    /// its errors word for word. (Not the array form `[startedAt, request,
    /// response]` a derived struct also takes: the format has objects only.)
    #[test]
    fn reads_as_the_derived_read() {
        let request = r#""request":{"method":"GET","url":"/x?a=1","headers":{"A":"1"}}"#;
        let texts = [
            format!(
                r#"{{"startedAt":"2026-01-01T00:00:00Z",{request},"response":{{"status":200,"headers":{{"B":"2"}},"body":{{"a":[1,2]}}}}}}"#
            ),
            format!(r#"{{{request},"response":{{"body":{{"a":1}},"status":201}}}}"#),
            format!(r#"{{"response":{{"status":200,"body":null}},{request}}}"#),
            format!(
                r#"{{{request},"response":{{"status":200,"bodyText":"t\u0041","x":[1,{{}}]}},"y":1}}"#
            ),
            format!(r#"{{{request},"response":{{"status":200,"bodyBase64":"AAE="}}}}"#),
            format!(r#"{{"startedAt":null,{request},"response":{{"status":200}}}}"#),
            format!(r#"{{{request},"response":{{"status":200,"status":201}}}}"#),
            format!(r#"{{{request},{request},"response":{{"status":200}}}}"#),
            format!(r#"{{{request},"response":{{"status":200,"body":1,"body":2}}}}"#),
            format!(r#"{{{request},"response":{{"status":"200"}}}}"#),
            format!(r#"{{{request},"response":{{"status":70000}}}}"#),
            format!(r#"{{{request},"response":{{"headers":{{}}}}}}"#),
            format!(r#"{{{request}}}"#),
            r#"{"response":{"status":200}}"#.to_owned(),
            format!(r#"{{{request},"response":{{"status":200,"bodyText":1}}}}"#),
            format!(r#"{{{request},"response":{{"status":200,"headers":[]}}}}"#),
            format!(r#"{{{request},"response":{{"status":200,"body":{{"a":}}}}}}"#),
            format!(r#"{{"startedAt":5,{request},"response":{{"status":200}}}}"#),
            format!(r#"{{{request},"response":{{"status":200}}}} x"#),
            r#"{"request":{"method":"GET"},"response":{"status":200}}"#.to_owned(),
            r#"{"request":{"method":"G\u0045T","url":"/\u0078"},"response":{"st\u0061tus":200}}"#
                .to_owned(),
            // Request bodies, before or after the other request keys.
            r#"{"request":{"body":{"a":[1]},"method":"POST","url":"/x"},"response":{"status":201}}"#
                .to_owned(),
            r#"{"request":{"method":"POST","url":"/x","bodyText":"a=1\u0026b","headers":{"Content-Type":"application/x-www-form-urlencoded"}},"response":{"status":200,"body":{}}}"#
                .to_owned(),
            r#"{"request":{"method":"POST","url":"/x","bodyBase64":"/w==","body":null},"response":{"status":200}}"#
                .to_owned(),
            r#"{"request":{"method":"POST","url":"/x","body":1,"body":2},"response":{"status":200}}"#
                .to_owned(),
            r#"{"request":{"method":"POST","url":"/x","bodyText":{}},"response":{"status":200}}"#
                .to_owned(),
            r#"{"request":{"method":"POST","url":"/x","body":{"a":}},"response":{"status":200}}"#
                .to_owned(),
            "1".to_owned(),
            "null".to_owned(),
            "\"x\"".to_owned(),
            "{".to_owned(),
            String::new(),
        ];
        for text in &texts {
            assert_eq!(ours(text), theirs(text), "{text}");
        }
        // The oracle is not vacuous: both valid and broken texts are here.
        assert!(texts.iter().any(|t| ours(t).is_ok()));
        assert!(texts.iter().any(|t| ours(t).is_err()));
        for array in [format!(r#"{{{request},"response":[]}}"#), "[]".to_owned()] {
            assert!(ours(&array).unwrap_err().contains("invalid type: sequence"));
        }
    }
}
