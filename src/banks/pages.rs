//! The organizers' question-bank pages: the banks with their coverage, import, browse.

use axum::Router;

use crate::app::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
}
