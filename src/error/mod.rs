//! One error type for every handler: a stable `code`, a human message and optional details,
//! rendered as `{"error": {"code", "message", "details"}}` with the status API.md gives the code.

use std::collections::BTreeMap;

mod code;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Value, json};

pub use self::code::ErrorCode;

pub type AppResult<T> = Result<T, AppError>;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// An error the client caused or may act on; its text is safe to show.
    #[error("{code}: {message}")]
    Api {
        code: ErrorCode,
        message: String,
        details: Option<Value>,
        retry_after_s: Option<u64>,
    },
    /// Anything unexpected: logged with its cause, answered with a bare 500.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    /// An error with its code; the code decides the status.
    pub fn api(code: ErrorCode, message: impl Into<String>) -> Self {
        AppError::Api {
            code,
            message: message.into(),
            details: None,
            retry_after_s: None,
        }
    }

    pub fn with_details(self, value: Value) -> Self {
        match self {
            AppError::Api {
                code,
                message,
                retry_after_s,
                ..
            } => AppError::Api {
                code,
                message,
                details: Some(value),
                retry_after_s,
            },
            other => other,
        }
    }

    fn with_retry_after(self, seconds: u64) -> Self {
        match self {
            AppError::Api {
                code,
                message,
                details,
                ..
            } => AppError::Api {
                code,
                message,
                details,
                retry_after_s: Some(seconds.max(1)),
            },
            other => other,
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::api(ErrorCode::BadRequest, message)
    }
    pub fn malformed_json(message: impl Into<String>) -> Self {
        Self::api(ErrorCode::MalformedJson, message)
    }
    pub fn unauthenticated() -> Self {
        Self::api(ErrorCode::Unauthenticated, "sign in to continue")
    }
    pub fn invalid_credentials() -> Self {
        Self::api(ErrorCode::InvalidCredentials, "wrong username or password")
    }
    pub fn token_expired() -> Self {
        Self::api(ErrorCode::TokenExpired, "the token expired")
    }
    pub fn token_invalid() -> Self {
        Self::api(ErrorCode::TokenInvalid, "the token is not valid")
    }
    pub fn forbidden() -> Self {
        Self::api(ErrorCode::Forbidden, "your role does not allow this")
    }
    pub fn not_found() -> Self {
        Self::api(ErrorCode::NotFound, "not found")
    }
    /// A 409: the request clashes with the object's state; `code` says how.
    pub fn conflict(code: ErrorCode, message: impl Into<String>) -> Self {
        debug_assert_eq!(code.status(), StatusCode::CONFLICT);
        Self::api(code, message)
    }
    pub fn payload_too_large(limit_bytes: u64) -> Self {
        Self::api(
            ErrorCode::PayloadTooLarge,
            format!("the body is larger than {limit_bytes} bytes"),
        )
        .with_details(json!({ "limit_bytes": limit_bytes }))
    }
    pub fn unsupported_media_type(message: impl Into<String>) -> Self {
        Self::api(ErrorCode::UnsupportedMediaType, message)
    }
    pub fn rate_limited(retry_after_s: u64) -> Self {
        Self::api(ErrorCode::RateLimited, "too many requests; try again later")
            .with_retry_after(retry_after_s)
    }
    pub fn overloaded(retry_after_s: u64) -> Self {
        Self::api(
            ErrorCode::Overloaded,
            "the server is busy; try again shortly",
        )
        .with_retry_after(retry_after_s)
    }
    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::api(ErrorCode::Unavailable, message)
    }

    /// The stable code a client branches on (`internal` for anything unexpected).
    pub fn code(&self) -> ErrorCode {
        match self {
            AppError::Api { code, .. } => *code,
            AppError::Internal(_) => ErrorCode::Internal,
        }
    }

    /// The fields a `validation_failed` error names, in order.
    pub fn fields(&self) -> Vec<String> {
        match self {
            AppError::Api {
                details: Some(details),
                ..
            } => details["fields"]
                .as_object()
                .map(|fields| fields.keys().cloned().collect())
                .unwrap_or_default(),
            _ => Vec::new(),
        }
    }

    pub fn retry_after_s(&self) -> Option<u64> {
        match self {
            AppError::Api { retry_after_s, .. } => *retry_after_s,
            AppError::Internal(_) => None,
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Api { code, .. } => code.status(),
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// Per-field validation reasons, collected so a client learns every problem at once.
#[derive(Debug, Default, Serialize)]
pub struct FieldErrors(BTreeMap<String, String>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn add(&mut self, field: impl Into<String>, reason: impl Into<String>) {
        self.0.entry(field.into()).or_insert_with(|| reason.into());
    }
    /// Records the error of a parse, keeping the value when it succeeded.
    pub fn take<T>(&mut self, field: &str, parsed: Result<T, String>) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(reason) => {
                self.add(field, reason);
                None
            }
        }
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn into_result(self) -> AppResult<()> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(self.into())
        }
    }
    pub fn single(field: impl Into<String>, reason: impl Into<String>) -> AppError {
        let mut errors = Self::new();
        errors.add(field, reason);
        errors.into()
    }
}

impl From<FieldErrors> for AppError {
    fn from(errors: FieldErrors) -> Self {
        AppError::api(ErrorCode::ValidationFailed, "some fields are not valid")
            .with_details(json!({ "fields": errors.0 }))
    }
}

impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        match &error {
            sqlx::Error::PoolTimedOut => AppError::overloaded(1),
            _ => AppError::Internal(error.into()),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        match self {
            AppError::Api {
                code,
                message,
                details,
                retry_after_s,
            } => {
                let status = code.status();
                let mut body = json!({ "code": code, "message": message });
                if let Some(details) = details {
                    body["details"] = details;
                }
                let mut response = (status, axum::Json(json!({ "error": body }))).into_response();
                if let Some(seconds) = retry_after_s {
                    response
                        .headers_mut()
                        .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
                }
                response
            }
            AppError::Internal(cause) => {
                tracing::error!(error = ?cause, "internal error");
                let body =
                    json!({ "error": { "code": "internal", "message": "internal server error" } });
                (StatusCode::INTERNAL_SERVER_ERROR, axum::Json(body)).into_response()
            }
        }
    }
}

/// The error shape, for the OpenAPI document.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable, snake_case; clients branch on it.
    pub code: String,
    pub message: String,
    #[schema(value_type = Option<Object>)]
    pub details: Option<Value>,
}
