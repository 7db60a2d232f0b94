//! The projector: public, display-only boards for a school hall's big screen, per quiz, per
//! contest and per event, live over the boards' streams.

use axum::Router;

use crate::app::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
}
