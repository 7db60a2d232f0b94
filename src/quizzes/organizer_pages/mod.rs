//! The organizers' quiz pages: the quiz builder, time allowances and the board's state.

use axum::Router;

use crate::app::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
}
