//! The organizers' report pages: an index of events and quizzes (`/organize/reports`), an
//! event's participation by ward, school or class (`event`), and a quiz's results, question
//! analysis and competence profile (`quiz`). Each reads the same functions as the
//! `/api/v1/reports` routes, and links to their CSV (and the event's XLSX workbook), so what
//! the page shows is what the files hold.

mod chart;
mod event;
mod quiz;
mod view;

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;

use crate::app::AppState;
use crate::auth::Organizer;
use crate::error::AppError;
use crate::quizzes::events::Event;
use crate::quizzes::quiz::{self as quizzes, Quiz};
use crate::web::Member;
use crate::web::page::{Chrome, OrPage, PageError, ok};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/organize/reports", get(index))
        .route("/organize/reports/events/{id}", get(event::page))
        .route("/organize/reports/quizzes/{id}", get(quiz::page))
}

#[derive(Template)]
#[template(path = "reports/index.html")]
struct IndexPage {
    c: Chrome,
    events: Vec<Event>,
    quizzes: Vec<Quiz>,
}

/// The most events and quizzes the index lists.
const MOST: i64 = 200;

async fn index(
    State(state): State<AppState>,
    member: Member,
    organizer: Result<Organizer, AppError>,
) -> Result<Response, PageError> {
    let visitor = &member.visitor;
    organizer.page(visitor)?;
    let pool = &state.db.pool;
    let (events, _) = crate::quizzes::events::page(pool, MOST, 0)
        .await
        .page(visitor)?;
    let (quizzes, _) = quizzes::list(pool, true, &[], MOST, 0)
        .await
        .page(visitor)?;
    Ok(ok(&IndexPage {
        c: Chrome::new(visitor, "reports-title"),
        events,
        quizzes: quizzes.into_iter().filter(|q| q.published).collect(),
    }))
}
