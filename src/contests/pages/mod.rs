//! The residents' pages: the contests, entering one with a recording, my entries and the
//! gallery with its votes. Each calls the same functions as the `/api/v1` routes.

use axum::Router;

use crate::app::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
}
