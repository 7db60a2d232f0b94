//! Events: the campaigns (such as a Lifelong Learning Week) that group quizzes and contests.

use crate::http::AppPath;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use sqlx::FromRow;
use utoipa::ToSchema;

use super::quiz::{validate_description, validate_title};
use crate::app::AppState;
use crate::auth::Organizer;
use crate::clock::Timestamp;
use crate::db::{Pool, new_id};
use crate::error::{AppError, AppResult, ErrorBody, FieldErrors};
use crate::http::{AppJson, AppQuery, Paging};

#[derive(Debug, Serialize, ToSchema)]
pub struct Event {
    pub id: String,
    pub title: String,
    pub description: String,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
}

#[derive(FromRow)]
struct EventRow {
    id: String,
    title: String,
    description: String,
    starts_at: i64,
    ends_at: i64,
}

impl From<EventRow> for Event {
    fn from(row: EventRow) -> Self {
        Event {
            id: row.id,
            title: row.title,
            description: row.description,
            starts_at: Timestamp(row.starts_at),
            ends_at: Timestamp(row.ends_at),
        }
    }
}

pub async fn find(pool: &Pool, id: &str) -> AppResult<Option<Event>> {
    let row: Option<EventRow> = sqlx::query_as(
        "SELECT id, title, description, starts_at, ends_at FROM events WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(Event::from))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEvent {
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    #[schema(max_length = 5000)]
    pub description: Option<String>,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
}

/// Creates an event.
#[utoipa::path(post, path = "/events", tag = "events", security(("bearer" = [])), request_body = NewEvent,
    responses((status = 201, body = Event), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn create_event(
    State(state): State<AppState>,
    Organizer(caller): Organizer,
    AppJson(body): AppJson<NewEvent>,
) -> AppResult<(StatusCode, AppJson<Event>)> {
    let mut errors = FieldErrors::new();
    let title = errors.take("title", validate_title(&body.title));
    let description = errors.take(
        "description",
        validate_description(body.description.as_deref().unwrap_or("")),
    );
    if body.ends_at <= body.starts_at {
        errors.add("ends_at", "must be after starts_at");
    }
    let (Some(title), Some(description)) = (title, description) else {
        return Err(errors.into());
    };
    errors.into_result()?;
    let now = state.clock.now_ms();
    let event = Event {
        id: new_id(),
        title,
        description,
        starts_at: body.starts_at,
        ends_at: body.ends_at,
    };
    sqlx::query(
        "INSERT INTO events (id, title, description, starts_at, ends_at, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
    )
    .bind(&event.id)
    .bind(&event.title)
    .bind(&event.description)
    .bind(event.starts_at.0)
    .bind(event.ends_at.0)
    .bind(caller.id())
    .bind(now)
    .execute(&state.db.pool)
    .await?;
    Ok((StatusCode::CREATED, AppJson(event)))
}

#[derive(Serialize, ToSchema)]
pub struct EventList {
    pub items: Vec<Event>,
    pub total: i64,
}

/// Events, newest first.
#[utoipa::path(get, path = "/events", tag = "events", params(Paging), responses((status = 200, body = EventList)))]
pub async fn list_events(
    State(state): State<AppState>,
    AppQuery(paging): AppQuery<Paging>,
) -> AppResult<AppJson<EventList>> {
    let (limit, offset) = paging.bounds()?;
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM events")
        .fetch_one(&state.db.pool)
        .await?;
    let rows: Vec<EventRow> =
        sqlx::query_as("SELECT id, title, description, starts_at, ends_at FROM events ORDER BY starts_at DESC, id LIMIT $1 OFFSET $2")
            .bind(limit)
            .bind(offset)
            .fetch_all(&state.db.pool)
            .await?;
    Ok(AppJson(EventList {
        items: rows.into_iter().map(Event::from).collect(),
        total,
    }))
}

/// One event.
#[utoipa::path(get, path = "/events/{id}", tag = "events", params(("id" = String, Path)),
    responses((status = 200, body = Event), (status = 404, body = ErrorBody)))]
pub async fn get_event(
    State(state): State<AppState>,
    AppPath(id): AppPath<String>,
) -> AppResult<AppJson<Event>> {
    find(&state.db.pool, &id)
        .await?
        .map(AppJson)
        .ok_or_else(AppError::not_found)
}
