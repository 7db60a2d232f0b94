use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::app::AppState;
use crate::error::{AppError, ErrorCode};
use crate::metrics::RouteLabels;

/// Bounds the time to the response head; streamed bodies (SSE, downloads) are not cut.
/// Streamed uploads are exempt: their handler bounds the wait for each chunk instead.
pub async fn request_timeout(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let streamed_upload = request
        .extensions()
        .get::<MatchedPath>()
        .is_some_and(|path| crate::contests::is_streamed_upload(request.method(), path.as_str()));
    if streamed_upload {
        return next.run(request).await;
    }
    match tokio::time::timeout(state.config.request_timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) => AppError::unavailable("the request took too long").into_response(),
    }
}

/// Counts every answered request by matched route (never the raw path, which holds ids).
pub async fn observe(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |path| path.as_str().to_owned());
    let response = next.run(request).await;
    let status = response.status().as_u16();
    let elapsed = started.elapsed();
    state.metrics.observe(
        RouteLabels {
            method,
            route,
            status,
        },
        elapsed.as_secs_f64(),
    );
    tracing::Span::current().record("status", status);
    response
}

pub async fn fallback() -> AppError {
    AppError::not_found()
}

pub async fn method_not_allowed() -> AppError {
    AppError::api(
        ErrorCode::MethodNotAllowed,
        "this path does not take that method",
    )
}
