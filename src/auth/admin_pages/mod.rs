//! The admins' account pages: search, role, status and unit; importing a school's students.

use axum::Router;

use crate::app::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
}
