//! The one error a request can end in, mapped to a status and a JSON body
//! that never carries upstream details (those go to the log only).

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use runbook_widgets::contract::{ErrorAnswer, ErrorDetail, CONTRACT_VERSION};
use runbook_widgets::timestamp::format_rfc3339;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    #[error("no such endpoint")]
    NotFound,
    /// An id the configuration does not declare.
    #[error("no {kind} with id `{id}` is configured")]
    UnknownId { kind: &'static str, id: String },
    #[error("this API is read-only: use GET or HEAD")]
    MethodNotAllowed,
    /// The upstream failed and there is no earlier answer to fall back on.
    #[error("the data source is unavailable and there is no earlier answer yet; retry shortly")]
    Unavailable { retry_after_seconds: u64 },
    /// The first read of this id is still running (the upstream is slow).
    #[error("the first answer is still being read from the data source; retry in a second")]
    Pending,
    /// A request the router could not take apart, e.g. an id that is not
    /// UTF-8 once percent-decoded.
    #[error("the request is malformed: ids are UTF-8 text, as listed by /api/v1/slos")]
    BadRequest,
    /// Any other refusal, keeping its status (4xx) or an internal failure (5xx).
    #[error("the request cannot be answered")]
    Other { status: StatusCode },
}

impl ApiError {
    fn status(&self) -> StatusCode {
        match self {
            ApiError::NotFound | ApiError::UnknownId { .. } => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Unavailable { .. } | ApiError::Pending => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::BadRequest => StatusCode::BAD_REQUEST,
            ApiError::Other { status } => *status,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            ApiError::NotFound | ApiError::UnknownId { .. } => "not_found",
            ApiError::MethodNotAllowed => "method_not_allowed",
            ApiError::Unavailable { .. } | ApiError::Pending => "unavailable",
            ApiError::BadRequest => "bad_request",
            ApiError::Other { status } if status.is_client_error() => "bad_request",
            ApiError::Other { .. } => "internal",
        }
    }

    /// The JSON body at `now_unix`. Ids in messages are ones the client
    /// sent, escaped by serde; nothing else from the request is echoed.
    pub fn body(&self, now_unix: i64) -> ErrorAnswer {
        ErrorAnswer {
            version: CONTRACT_VERSION,
            generated_at: format_rfc3339(now_unix),
            stale: false,
            error: ErrorDetail {
                code: self.code().to_string(),
                message: self.message(),
            },
        }
    }

    fn message(&self) -> String {
        match self {
            // Bound what is echoed: an id is short, a hostile path may not be.
            ApiError::UnknownId { kind, id } if id.chars().count() > 64 => {
                format!("no {kind} with this id is configured")
            }
            other => other.to_string(),
        }
    }

    /// With the body stamped at `now_unix`.
    pub fn into_response_at(self, now_unix: i64) -> Response {
        let body = serde_json::to_vec(&self.body(now_unix)).unwrap_or_default();
        let mut response = (self.status(), body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        headers.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        match self {
            ApiError::MethodNotAllowed => {
                headers.insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
            }
            ApiError::Unavailable {
                retry_after_seconds,
            } => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(retry_after_seconds));
            }
            // The read is under way: its answer is likely there in a second.
            ApiError::Pending => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(1));
            }
            _ => {}
        }
        response
    }
}
