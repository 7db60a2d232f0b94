use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::app::AppState;
use crate::error::{AppError, ErrorCode};
use crate::metrics::RouteLabels;

/// How long a request may take to its response head; set for every request by
/// `carry_request_timeout`, read by `request_timeout` on the routes that are timed.
#[derive(Clone, Copy)]
pub struct RequestTimeout(pub std::time::Duration);

pub async fn carry_request_timeout(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    request
        .extensions_mut()
        .insert(RequestTimeout(state.config.request_timeout));
    next.run(request).await
}

/// Bounds the time to the response head; streamed bodies (SSE, downloads) are not cut. A
/// route layer: routes that stream a long request body (uploads) are routed without it and
/// bound the wait for each chunk themselves.
pub async fn request_timeout(request: Request, next: Next) -> Response {
    let Some(RequestTimeout(limit)) = request.extensions().get::<RequestTimeout>().copied() else {
        return next.run(request).await;
    };
    match tokio::time::timeout(limit, next.run(request)).await {
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
