//! `/projector/events/{id}`: an event's board (each participant's counted scores summed over
//! its quizzes) for a hall's screen. It has no stream: the page polls the event board.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;

use super::{TopQuery, inline_svg, join_url, qr_svg};
use crate::app::AppState;
use crate::boards::aggregates::EventStanding;
use crate::boards::routes::event_standings;
use crate::error::AppError;
use crate::web::Visitor;
use crate::web::page::{Chrome, OrPage, PageError, ok};

#[derive(Template)]
#[template(path = "projector/event.html")]
struct EventProjector {
    c: Chrome,
    event_id: String,
    event_title: String,
    items: Vec<EventStanding>,
    top: u64,
    join_url: String,
    qr: String,
}

impl EventProjector {
    fn page_url(&self) -> String {
        format!(
            "/api/v1/events/{}/leaderboard?limit={}",
            self.event_id, self.top
        )
    }
}

pub(super) async fn page(
    State(state): State<AppState>,
    visitor: Visitor,
    headers: HeaderMap,
    Path(event_id): Path<String>,
    Query(query): Query<TopQuery>,
) -> Result<Response, PageError> {
    if !crate::http::plausible_id(&event_id) {
        return Err(visitor.fail(AppError::not_found()));
    }
    let event = crate::quizzes::events::find(&state.db.pool, &event_id)
        .await
        .and_then(|found| found.ok_or_else(AppError::not_found))
        .page(&visitor)?;
    let top = query.top();
    // The public's board, whoever is signed in on the hall's computer.
    let standings = event_standings(&state, None, &event.id)
        .await
        .page(&visitor)?;
    let items = standings
        .iter()
        .take(usize::try_from(top).unwrap_or(usize::MAX))
        .cloned()
        .collect();
    let join = join_url(state.config.public_url.as_deref(), &visitor, &headers, "/");
    Ok(ok(&EventProjector {
        c: Chrome::titled(&visitor, event.title.clone()),
        event_id: event.id.clone(),
        event_title: event.title,
        items,
        top,
        qr: inline_svg(&qr_svg(&join)),
        join_url: join,
    }))
}
