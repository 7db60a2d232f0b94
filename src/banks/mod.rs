//! Question banks: the TOML bank format, its checker, Moodle GIFT import, coverage stats, the
//! bank tables and the organizer endpoints.

pub mod cache;
pub mod check;
pub mod format;
pub mod gift;
pub mod loader;
pub mod pages;
pub mod routes;
pub mod stats;
pub mod store;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;

pub use check::{check_file, check_paths, check_paths_with};
pub use format::{
    Answer, Bank, COMPETENCES, Choice, Kind, Problem, Question, Strictness, Text, competence_name,
    parse_bank, short_answer_key, to_toml,
};
pub use gift::{GiftImport, GiftOptions, parse_gift};
pub use stats::{Coverage, coverage_table};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(routes::list_banks))
        .routes(routes!(routes::bank_questions))
        .routes(routes!(routes::import_bank))
}

#[cfg(test)]
mod tests;
