//! The organizers' contest pages: contests with their rubric, the moderation queue, the
//! judges and the results' state. Each calls the same functions as the `/api/v1` routes.

use axum::Router;

use crate::app::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
}
