//! The organizers' report pages: participation, and each quiz's results, questions and competences.

use axum::Router;

use crate::app::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
}
