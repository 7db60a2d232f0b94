//! Query strings in the API's error shape, and the list paging convention.

use std::num::IntErrorKind;

use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
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
#[into_params(parameter_in = Query)]
pub struct Paging {
    /// 1 to 200 (default 50).
    #[serde(default, deserialize_with = "whole_number")]
    #[param(value_type = Option<i64>, minimum = 1, maximum = 200, default = 50)]
    pub limit: Option<i128>,
    /// 0 (default) or more.
    #[serde(default, deserialize_with = "whole_number")]
    #[param(value_type = Option<i64>, minimum = 0, default = 0)]
    pub offset: Option<i128>,
}

/// A whole number from a query string, wider than the i64 the stores count in so that a value
/// past i64 is refused by the bounds (422 naming the field) like any other out of range. Text
/// that is not a whole number is refused here (400 `bad_request`).
pub fn whole_number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i128>, D::Error> {
    let Some(text) = Option::<String>::deserialize(deserializer)? else {
        return Ok(None);
    };
    match text.parse::<i128>() {
        Ok(value) => Ok(Some(value)),
        Err(error) => match error.kind() {
            IntErrorKind::PosOverflow => Ok(Some(i128::MAX)),
            IntErrorKind::NegOverflow => Ok(Some(i128::MIN)),
            _ => Err(serde::de::Error::custom(format!(
                "`{text}` is not a whole number"
            ))),
        },
    }
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
        } else if offset > i128::from(i64::MAX) {
            errors.add("offset", "must be at most 9223372036854775807");
        }
        errors.into_result()?;
        // Both are within i64 now.
        Ok((
            i64::try_from(limit).unwrap_or(50),
            i64::try_from(offset).unwrap_or(0),
        ))
    }
}
