//! `AppJson<T>`: JSON in and out, with malformed, mistyped and oversized bodies answered in
//! the API's error shape (axum's own rejections are plain text).

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{AppError, FieldErrors};

pub struct AppJson<T>(pub T);

impl<S, T> FromRequest<S> for AppJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !declares_json(&request) {
            return Err(not_json());
        }
        let bytes = body_bytes(request, state).await?;
        parse(&bytes).map(AppJson)
    }
}

fn declares_json(request: &Request) -> bool {
    request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| {
            let mime = value
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            mime == "application/json" || mime.ends_with("+json")
        })
}

fn not_json() -> AppError {
    AppError::unsupported_media_type("send the body as application/json")
}

async fn body_bytes<S: Send + Sync>(request: Request, state: &S) -> Result<Bytes, AppError> {
    Bytes::from_request(request, state)
        .await
        .map_err(|rejection| match rejection {
            axum::extract::rejection::BytesRejection::FailedToBufferBody(_) => {
                AppError::payload_too_large(super::JSON_BODY_LIMIT as u64)
            }
            other => AppError::bad_request(other.body_text()),
        })
}

/// Syntax errors are `malformed_json`; a well-formed body with a missing or mistyped field is
/// `validation_failed` naming the field.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data => {
                let message = inner.to_string();
                let field = if path == "." {
                    missing_field(&message).unwrap_or("body")
                } else {
                    path.as_str()
                };
                FieldErrors::single(field, strip_position(&message))
            }
            _ => AppError::malformed_json(format!("the body is not valid JSON: {inner}")),
        }
    })?;
    deserializer.end().map_err(|error| {
        AppError::malformed_json(format!("the body is not valid JSON: {error}"))
    })?;
    Ok(value)
}

fn missing_field(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("missing field `")?;
    rest.split('`').next()
}

fn strip_position(message: &str) -> String {
    match message.find(" at line ") {
        Some(index) => message[..index].to_owned(),
        None => message.to_owned(),
    }
}

impl<T: Serialize> IntoResponse for AppJson<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// An optional JSON body: an empty body (whatever its content type, or none) and a JSON
/// `null` are both `None`; a body with something in it must be JSON.
impl<S, T> axum::extract::OptionalFromRequest<S> for AppJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Option<Self>, Self::Rejection> {
        let json = declares_json(&request);
        let bytes = body_bytes(request, state).await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(None);
        }
        if !json {
            return Err(not_json());
        }
        parse::<Option<T>>(&bytes).map(|body| body.map(AppJson))
    }
}
