//! The judges' pages: the queue of entries assigned to them and the blind scoring page.
//! Each calls the same functions as the `/api/v1` judging routes.

use axum::Router;

use crate::app::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
}
