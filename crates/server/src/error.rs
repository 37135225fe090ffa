//! One error type for every answer that is not a success: an HTTP status and a JSON body
//! `{"error": "...", "detail": "...", "param": ...}` (`param` is null unless a parameter is
//! at fault). Answers made below the handlers (a body too large, a path that is not UTF-8,
//! a refused connection) have the same shape: see [`crate::conn`] and `json_errors` in the
//! crate root. `error` is a short stable code a program can match;
//! `detail` is a sentence for people. Internal errors are logged with their cause and
//! answered with a generic sentence, so no path, SQL or stack ever leaves the server.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use builtby_search::{QueryError, SearchError};
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A query parameter is missing, unknown or malformed. `param` names it.
    #[error("{param}: {message}")]
    BadParam { param: String, message: String },
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    MethodNotAllowed(String),
    #[error("a bearer token is required")]
    Unauthorized,
    /// A request that changes state, on a server started without tokens.
    #[error("changes need a named token")]
    NeedsToken,
    /// The request took longer than the server allows; its work was stopped.
    #[error("the request took too long")]
    Timeout,
    /// The request's work was abandoned (its client went away or it timed out).
    #[error("the request was cancelled")]
    Cancelled,
    /// Any other status made below the handlers, with a sentence for people.
    #[error("{1}")]
    Status(StatusCode, String),
    /// Logged in full; answered without detail.
    #[error("internal error")]
    Internal,
}

#[derive(Serialize)]
pub struct ErrorBody {
    pub error: &'static str,
    pub detail: String,
    /// The parameter at fault, for 400s; null otherwise.
    pub param: Option<String>,
}

impl ApiError {
    /// Logs `cause` (with `context`) and returns the generic internal error.
    pub fn internal(context: &str, cause: impl std::fmt::Display) -> ApiError {
        tracing::error!(%cause, "{context}");
        ApiError::Internal
    }

    pub fn bad(param: &str, message: impl Into<String>) -> ApiError {
        ApiError::BadParam {
            param: param.to_string(),
            message: message.into(),
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadParam { .. } => StatusCode::BAD_REQUEST,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::NeedsToken => StatusCode::FORBIDDEN,
            ApiError::Timeout => StatusCode::REQUEST_TIMEOUT,
            ApiError::Cancelled => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Status(s, _) => *s,
            ApiError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn body(&self) -> ErrorBody {
        match self {
            ApiError::BadParam { param, message } => {
                ErrorBody { error: "bad_parameter", detail: format!("{param}: {message}"), param: Some(param.clone()) }
            }
            ApiError::NotFound(d) => ErrorBody { error: "not_found", detail: d.clone(), param: None },
            ApiError::MethodNotAllowed(d) => ErrorBody { error: "method_not_allowed", detail: d.clone(), param: None },
            ApiError::Unauthorized => ErrorBody {
                error: "unauthorized",
                detail: "this server needs a token: send `Authorization: Bearer <token>`".into(),
                param: None,
            },
            ApiError::NeedsToken => ErrorBody {
                error: "forbidden",
                detail: "this request changes what builtby stores, so it needs a named token, even on loopback: start the server with `builtby serve --token-file FILE` (one `name:token` a line; the name is who the audit log records) and send `Authorization: Bearer <token>`".into(),
                param: None,
            },
            ApiError::Timeout => ErrorBody {
                error: "timeout",
                detail: "the request took too long and was stopped; narrow the search (fewer words, a repository or an ecosystem)".into(),
                param: None,
            },
            ApiError::Cancelled => ErrorBody {
                error: "cancelled",
                detail: "the request was cancelled".into(),
                param: None,
            },
            ApiError::Status(s, d) => ErrorBody { error: status_code_name(*s), detail: d.clone(), param: None },
            ApiError::Internal => ErrorBody {
                error: "internal",
                detail: "something went wrong on the server; it has been logged. Try again, or ask whoever runs it".into(),
                param: None,
            },
        }
    }
}

/// The `error` code of a status made below the handlers.
pub fn status_code_name(s: StatusCode) -> &'static str {
    match s.as_u16() {
        400 => "bad_request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        405 => "method_not_allowed",
        408 => "timeout",
        409 => "conflict",
        413 => "payload_too_large",
        414 => "uri_too_long",
        431 => "headers_too_large",
        503 => "unavailable",
        _ if s.is_client_error() => "client_error",
        _ => "server_error",
    }
}

impl From<QueryError> for ApiError {
    fn from(e: QueryError) -> Self {
        ApiError::BadParam {
            param: e.param.to_string(),
            message: e.message,
        }
    }
}

impl From<SearchError> for ApiError {
    fn from(e: SearchError) -> Self {
        match e {
            SearchError::Query(q) => q.into(),
            // Work abandoned on purpose (a timeout, a client gone) is no server fault.
            SearchError::Store(s) if s.is_interrupted() => ApiError::Cancelled,
            // the ClickHouse backend: said as such (its address and message go to the log)
            SearchError::Store(s @ builtby_store::StoreError::Backend { .. }) => {
                tracing::error!(cause = %s, "ClickHouse");
                ApiError::Status(
                    StatusCode::BAD_GATEWAY,
                    "the ClickHouse backend did not answer as expected; the server log says why"
                        .into(),
                )
            }
            SearchError::Store(s) => ApiError::internal("store", s),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut res = (self.status(), axum::Json(self.body())).into_response();
        if matches!(self, ApiError::Unauthorized) {
            res.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer"),
            );
        }
        res
    }
}
