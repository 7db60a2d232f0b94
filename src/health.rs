//! Liveness, readiness and metrics, under `/api/v1` and at the root for load balancers.

use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use axum::routing::get;
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;
use crate::auth::ClientIp;
use crate::error::{AppError, AppResult};
use crate::http::AppJson;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(healthz))
        .routes(routes!(readyz))
        .routes(routes!(metrics))
}

pub fn root_router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
}

#[derive(Serialize, ToSchema)]
pub struct Health {
    status: &'static str,
}

/// The process is up.
#[utoipa::path(get, path = "/healthz", tag = "operations", responses((status = 200, body = Health)))]
pub async fn healthz() -> AppJson<Health> {
    AppJson(Health { status: "ok" })
}

/// The database and, when configured, Redis answer.
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses((status = 200, body = Health), (status = 503, body = crate::error::ErrorBody)))]
pub async fn readyz(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
) -> AppResult<AppJson<Health>> {
    let (db, kv) = (&state.db, &state.kv);
    let probe = Duration::from_secs(2);
    let database = tokio::time::timeout(
        probe,
        sqlx::query_scalar::<_, i64>("SELECT 1").fetch_one(&db.pool),
    )
    .await
    .map_err(|_| "timed out".to_owned())
    .and_then(|result| result.map(|_| ()).map_err(|e| e.to_string()));
    let redis = tokio::time::timeout(probe, kv.ping())
        .await
        .map_err(|_| "timed out".to_owned())
        .and_then(|result| result.map_err(|e| e.to_string()));
    if database.is_ok() && redis.is_ok() {
        return Ok(AppJson(Health { status: "ready" }));
    }
    if let Err(error) = &database {
        tracing::warn!(%error, "readiness: database unreachable");
    }
    if let Err(error) = &redis {
        tracing::warn!(%error, "readiness: redis unreachable");
    }
    let refusal = AppError::unavailable("a backing store is unreachable");
    // Which store is down is for the operators, not the public.
    if !state.config.metrics_allow.contains(client) {
        return Err(refusal);
    }
    Err(refusal.with_details(json!({
        "database": if database.is_ok() { "ok" } else { "unreachable" },
        "redis": if redis.is_ok() { "ok" } else { "unreachable" },
    })))
}

/// Prometheus text format.
#[utoipa::path(get, path = "/metrics", tag = "operations", responses((status = 200, content_type = "text/plain", body = String), (status = 404, body = crate::error::ErrorBody, description = "not from an address in METRICS_ALLOW")))]
pub async fn metrics(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
) -> AppResult<impl IntoResponse> {
    // Route names, counts and latencies tell an attacker what is busy: operators only.
    if !state.config.metrics_allow.contains(client) {
        return Err(AppError::not_found());
    }
    Ok((
        [(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        state.metrics.render(),
    ))
}
