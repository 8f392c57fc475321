//! A bare response body, checked as the response of a given operation and status.

use std::sync::Arc;

use crate::exchange::Exchange;

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
        ..Exchange::default()
    }
}
