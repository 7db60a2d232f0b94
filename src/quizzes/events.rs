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
    let event = checked(
        new_id(),
        &body.title,
        body.description.as_deref().unwrap_or(""),
        body.starts_at,
        body.ends_at,
    )?;
    let now = state.clock.now_ms();
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

/// An event from its fields, each checked as creation and editing check them.
fn checked(
    id: String,
    title: &str,
    description: &str,
    starts_at: Timestamp,
    ends_at: Timestamp,
) -> AppResult<Event> {
    let mut errors = FieldErrors::new();
    let title = errors.take("title", validate_title(title));
    let description = errors.take("description", validate_description(description));
    if ends_at <= starts_at {
        errors.add("ends_at", "must be after starts_at");
    }
    let (Some(title), Some(description)) = (title, description) else {
        return Err(errors.into());
    };
    errors.into_result()?;
    Ok(Event {
        id,
        title,
        description,
        starts_at,
        ends_at,
    })
}

/// A change to an event: the fields given replace the event's own.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventChange {
    #[schema(min_length = 1, max_length = 200)]
    pub title: Option<String>,
    #[schema(max_length = 5000)]
    pub description: Option<String>,
    pub starts_at: Option<Timestamp>,
    pub ends_at: Option<Timestamp>,
}

/// Edits an event. Its dates frame the week for people; the quizzes and contests keep their
/// own windows, so moving the event moves none of them.
#[utoipa::path(patch, path = "/events/{id}", tag = "events", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = EventChange,
    responses((status = 200, body = Event), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn edit_event(
    State(state): State<AppState>,
    Organizer(_caller): Organizer,
    AppPath(id): AppPath<String>,
    AppJson(change): AppJson<EventChange>,
) -> AppResult<AppJson<Event>> {
    let event = find(&state.db.pool, &id)
        .await?
        .ok_or_else(AppError::not_found)?;
    let event = checked(
        event.id,
        change.title.as_deref().unwrap_or(&event.title),
        change.description.as_deref().unwrap_or(&event.description),
        change.starts_at.unwrap_or(event.starts_at),
        change.ends_at.unwrap_or(event.ends_at),
    )?;
    sqlx::query(
        "UPDATE events SET title = $1, description = $2, starts_at = $3, ends_at = $4, updated_at = $5 WHERE id = $6",
    )
    .bind(&event.title)
    .bind(&event.description)
    .bind(event.starts_at.0)
    .bind(event.ends_at.0)
    .bind(state.clock.now_ms())
    .bind(&event.id)
    .execute(&state.db.pool)
    .await?;
    Ok(AppJson(event))
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
    let (items, total) = page(&state.db.pool, limit, offset).await?;
    Ok(AppJson(EventList { items, total }))
}

/// A page of events, newest first, and how many there are.
pub async fn page(pool: &Pool, limit: i64, offset: i64) -> AppResult<(Vec<Event>, i64)> {
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM events")
        .fetch_one(pool)
        .await?;
    let rows: Vec<EventRow> =
        sqlx::query_as("SELECT id, title, description, starts_at, ends_at FROM events ORDER BY starts_at DESC, id LIMIT $1 OFFSET $2")
            .bind(limit)
            .bind(offset)
            .fetch_all(pool)
            .await?;
    Ok((rows.into_iter().map(Event::from).collect(), total))
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
