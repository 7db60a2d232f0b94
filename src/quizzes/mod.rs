//! Timed quizzes: events, quiz definitions drawn from bank rules, server-authoritative
//! attempts with autosave, grading, review and the deadline sweeper.

pub mod access;
pub mod allowances;
pub mod attempt_store;
pub mod attempts;
pub mod availability;
pub mod draw;
pub mod event_pages;
pub mod events;
pub mod grading;
pub mod organizer_pages;
pub mod pages;
pub mod quiz;
pub mod response;
pub mod review;
pub mod routes;
pub mod sweeper;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(events::create_event, events::list_events))
        .routes(routes!(events::get_event, events::edit_event))
        .routes(routes!(routes::create_quiz, routes::list_quizzes))
        .routes(routes!(routes::edit_quiz, routes::get_quiz))
        .routes(routes!(routes::publish_quiz))
        .routes(routes!(availability::rule_availability))
        .routes(routes!(allowances::grant, allowances::revoke))
        .routes(routes!(allowances::list))
        .routes(routes!(attempts::start_attempt))
        .routes(routes!(attempts::get_attempt))
        .routes(routes!(attempts::save_answer))
        .routes(routes!(attempts::submit_attempt))
        .routes(routes!(review::review_attempt))
        .routes(routes!(attempts::my_attempts))
}
