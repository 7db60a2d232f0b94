//! Query strings in the API's error shape, and the list paging convention.

use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use utoipa::IntoParams;

use crate::error::{AppError, FieldErrors};

pub struct AppQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for AppQuery<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(value)| AppQuery(value))
            .map_err(|rejection| {
                AppError::bad_request(format!("bad query string: {}", rejection.body_text()))
            })
    }
}

/// `?limit=` (default 50, at most 200) and `?offset=`.
#[derive(Debug, Clone, Copy, Default, Deserialize, IntoParams)]
pub struct Paging {
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

impl Paging {
    pub fn bounds(self) -> Result<(i64, i64), AppError> {
        let limit = self.limit.unwrap_or(50);
        let offset = self.offset.unwrap_or(0);
        let mut errors = FieldErrors::new();
        if !(1..=200).contains(&limit) {
            errors.add("limit", "must be between 1 and 200");
        }
        if offset < 0 {
            errors.add("offset", "must not be negative");
        }
        errors.into_result()?;
        Ok((limit, offset))
    }
}
