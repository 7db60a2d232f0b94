//! The organizers' event pages: the events, and one event with its quizzes and contests.

use axum::Router;

use crate::app::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
}
