//! The organizers' quiz pages: every quiz with its state (`list`), the quiz builder (`builder`,
//! over the form's fields in `form` and the pickers in `choices`), publication (`publish`),
//! time allowances (`allowances`) and the board's state (`board`). Each calls the same
//! handler functions as the `/api/v1` routes, so the rules (what a quiz may hold, what a
//! published quiz may still change, which board states follow which) live there alone.

mod allowances;
mod board;
mod builder;
mod choices;
mod form;
mod list;
mod publish;

use axum::Router;
use axum::routing::{get, post};

use crate::app::AppState;
use crate::error::AppError;
use crate::quizzes::quiz::QuizState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/organize/quizzes", get(list::page))
        .route(
            "/organize/quizzes/new",
            get(builder::new_page).post(builder::create),
        )
        .route(
            "/organize/quizzes/{id}",
            get(builder::edit_page).post(builder::save),
        )
        .route(
            "/organize/quizzes/{id}/publish",
            get(publish::confirm_page).post(publish::publish),
        )
        .route(
            "/organize/quizzes/{id}/allowances",
            get(allowances::page).post(allowances::grant),
        )
        .route(
            "/organize/quizzes/{id}/allowances/{user_id}/remove",
            post(allowances::remove),
        )
        .route("/organize/quizzes/{id}/board", get(board::page))
        .route(
            "/organize/quizzes/{id}/board/state",
            get(board::confirm_page).post(board::change_state),
        )
}

/// The message key of a quiz's window by the server clock (`quiz-state-open`).
fn window_key(state: QuizState) -> &'static str {
    match state {
        QuizState::Upcoming => "quiz-state-upcoming",
        QuizState::Open => "quiz-state-open",
        QuizState::Closed => "quiz-state-closed",
    }
}

/// Whether an API refusal is one the page cannot show beside a field: the quiz is gone, or
/// the caller may not do this. Those get the error page.
fn is_page_error(error: &AppError) -> bool {
    matches!(
        error.status(),
        axum::http::StatusCode::NOT_FOUND
            | axum::http::StatusCode::FORBIDDEN
            | axum::http::StatusCode::UNAUTHORIZED
    )
}
