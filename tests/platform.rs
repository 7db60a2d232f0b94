mod common;

use common::{Anonymous, TestApp, path};

#[tokio::test]
async fn health_readiness_and_metrics() {
    let app = TestApp::spawn().await;
    for path in ["/healthz".to_owned(), path::health()] {
        let response = app.get(&path, None).await;
        assert_eq!(response.status, 200, "{path}");
        assert_eq!(response.body["status"], "ok");
    }
    let ready = app.get("/readyz", None).await;
    assert_eq!(ready.status, 200, "{}", ready.text);
    app.org_units(Anonymous).await;
    let metrics = app.get("/metrics", None).await;
    assert_eq!(metrics.status, 200);
    assert!(
        metrics
            .header("content-type")
            .is_some_and(|v| v.starts_with("text/plain"))
    );
    assert!(
        metrics.text.contains("civiquiz_http_requests_total{method=\"GET\",route=\"/api/v1/org-units\",status=\"200\"} 1"),
        "{}",
        metrics.text
    );
    assert!(
        metrics
            .text
            .contains("civiquiz_http_request_duration_seconds_bucket")
    );
}

#[tokio::test]
async fn errors_keep_their_shape_and_requests_carry_ids() {
    let app = TestApp::spawn().await;
    // Not a route, and a method the route does not take: literal paths on purpose.
    let missing = app.get("/api/v1/no/such/route", None).await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.code(), "not_found");
    assert!(
        missing
            .header("x-request-id")
            .is_some_and(|id| !id.is_empty())
    );
    let wrong_method = app
        .send(app.request(reqwest::Method::DELETE, "/api/v1/me", None))
        .await;
    assert_eq!(wrong_method.status, 405);
    assert_eq!(wrong_method.code(), "method_not_allowed");
    let echoed = app
        .send(
            app.request(reqwest::Method::GET, "/healthz", None)
                .header("x-request-id", "abc-123"),
        )
        .await;
    assert_eq!(echoed.header("x-request-id"), Some("abc-123"));
}

#[tokio::test]
async fn the_openapi_document_covers_every_route() {
    let app = TestApp::spawn().await;
    let response = app.openapi_document(Anonymous).await;
    assert_eq!(response.status, 200);
    assert!(
        response.body["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1"))
    );
    let documented = common::openapi_operations(&response.body);
    for route in [
        "GET /api/v1/healthz",
        "GET /api/v1/readyz",
        "GET /api/v1/metrics",
        "POST /api/v1/auth/register",
        "POST /api/v1/auth/login",
        "POST /api/v1/auth/refresh",
        "POST /api/v1/auth/logout",
        "GET /api/v1/me",
        "PATCH /api/v1/me/password",
        "POST /api/v1/admin/users/import",
        "PATCH /api/v1/admin/users/{id}",
        "GET /api/v1/org-units",
        "POST /api/v1/org-units",
        "POST /api/v1/org-units/import",
        "GET /api/v1/banks",
        "GET /api/v1/banks/{slug}/questions",
        "POST /api/v1/banks/import",
        "POST /api/v1/events",
        "GET /api/v1/events",
        "GET /api/v1/events/{id}",
        "POST /api/v1/quizzes",
        "GET /api/v1/quizzes",
        "PATCH /api/v1/quizzes/{id}",
        "GET /api/v1/quizzes/{id}",
        "POST /api/v1/quizzes/{id}/publish",
        "POST /api/v1/quizzes/{id}/attempts",
        "GET /api/v1/attempts/{id}",
        "PUT /api/v1/attempts/{id}/answers/{question_id}",
        "POST /api/v1/attempts/{id}/submit",
        "GET /api/v1/attempts/{id}/review",
        "GET /api/v1/quizzes/{id}/leaderboard",
        "GET /api/v1/quizzes/{id}/leaderboard/me",
        "GET /api/v1/quizzes/{id}/leaderboard/stream",
        "GET /api/v1/quizzes/{id}/leaderboard/org-units",
        "POST /api/v1/quizzes/{id}/leaderboard/state",
        "GET /api/v1/quizzes/{id}/leaderboard/published",
        "GET /api/v1/events/{id}/leaderboard",
        "GET /api/v1/reports/quizzes/{id}/results",
        "GET /api/v1/reports/quizzes/{id}/questions",
        "GET /api/v1/reports/quizzes/{id}/competences",
        "GET /api/v1/reports/events/{id}/participation",
        "GET /api/v1/reports/events/{id}/workbook",
        "POST /api/v1/contests",
        "GET /api/v1/contests",
        "PATCH /api/v1/contests/{id}",
        "GET /api/v1/contests/{id}",
        "POST /api/v1/contests/{id}/entries",
        "GET /api/v1/contests/{id}/entries",
        "GET /api/v1/entries/{id}",
        "PUT /api/v1/entries/{id}/media",
        "GET /api/v1/entries/{id}/media/{media_id}",
        "POST /api/v1/entries/{id}/submit",
        "POST /api/v1/entries/{id}/moderation",
        "POST /api/v1/contests/{id}/judges",
        "GET /api/v1/contests/{id}/judges",
        "GET /api/v1/judging/queue",
        "PUT /api/v1/entries/{id}/scores",
        "POST /api/v1/entries/{id}/vote",
        "DELETE /api/v1/entries/{id}/vote",
        "GET /api/v1/contests/{id}/leaderboard",
        "GET /api/v1/contests/{id}/leaderboard/stream",
        "GET /api/v1/contests/{id}/leaderboard/published",
        "POST /api/v1/contests/{id}/results/state",
    ] {
        assert!(
            documented.contains(route),
            "{route} missing from {documented:?}"
        );
    }
}

#[tokio::test]
async fn a_second_process_on_the_same_database_does_not_race_the_migrations() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = common::fresh_database_url(dir.path()).await;
    let config = common::test_config(dir.path(), url);
    let (first, second) = tokio::join!(
        civiquiz::app::AppState::connect(config.clone(), None),
        civiquiz::app::AppState::connect(config.clone(), None)
    );
    let (first, second) = (
        first.expect("first process"),
        second.expect("second process"),
    );
    // Both see one schema: what one writes the other reads.
    let count = |state: civiquiz::app::AppState| async move {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM _sqlx_migrations")
            .fetch_one(&state.db.pool)
            .await
            .expect("migrations table")
    };
    assert_eq!(count(first).await, count(second).await);
}
