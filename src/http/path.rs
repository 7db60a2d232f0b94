//! `AppPath<T>`: path parameters in the API's error shape (axum's own rejection is plain text).

use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::error::AppError;

pub struct AppPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for AppPath<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(value)| AppPath(value))
            .map_err(|rejection| match rejection {
                // A segment that is not UTF-8 (`%FF`) names nothing: like any implausible id.
                PathRejection::FailedToDeserializePathParams(error)
                    if matches!(
                        error.kind(),
                        axum::extract::path::ErrorKind::InvalidUtf8InPathParam { .. }
                    ) =>
                {
                    AppError::not_found()
                }
                PathRejection::FailedToDeserializePathParams(error) => {
                    AppError::bad_request(format!("bad path: {}", error.body_text()))
                }
                // The route and the handler disagree: our bug, not the client's.
                other => AppError::Internal(anyhow::anyhow!("path extraction: {other}")),
            })
    }
}
