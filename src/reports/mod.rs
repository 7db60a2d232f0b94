//! Organizer reports: JSON for programs, CSV that opens in Excel. Organizers only; a report
//! never carries password hashes, tokens or birth years.

pub mod pages;
pub mod participation;
pub mod quiz_reports;
pub mod table;
pub mod workbook;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(quiz_reports::quiz_results))
        .routes(routes!(quiz_reports::question_analysis))
        .routes(routes!(quiz_reports::competence_profile))
        .routes(routes!(participation::event_participation))
        .routes(routes!(workbook::event_workbook))
}
