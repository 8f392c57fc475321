//! A bare response body, checked as the response of a given operation and status.

use std::sync::Arc;

use crate::exchange::Exchange;
use crate::origin::{BodyForm, Origin};

pub(crate) fn exchange(
    file: &Arc<str>,
    operation: &str,
    status: u16,
    body: Vec<u8>,
) -> Exchange<'static> {
    Exchange {
        file: file.clone(),
        entry: None,
        status,
        body: body.into(),
        operation: Some(operation.to_owned()),
        origin: Some(Origin {
            exchange: (1, 1),
            body: Some((1, 1, BodyForm::Verbatim)),
        }),
        ..Exchange::default()
    }
}
