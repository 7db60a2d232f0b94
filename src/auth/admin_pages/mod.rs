//! The admins' account pages: the search (`search`), one account's role, status, unit, name
//! and one-time password (`account`), and the import of a school's students from CSV with
//! its printable sheet of one-time passwords (`import`, `sheet`). Each calls the same handler
//! functions as `/api/v1/admin/users`, so the rules (who may be demoted, which rows are wrong)
//! live there alone. The CSV forms (`csv_form`) serve the org-tree page too.

mod account;
pub mod csv_form;
mod import;
mod search;
mod sheet;

use axum::Router;
use axum::routing::{get, post};

use crate::app::AppState;
use crate::auth::accounts::{AccountStatus, Role};
use crate::error::AppError;
use crate::web::locale::Locale;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/users", get(search::page))
        .route(
            "/admin/users/import",
            get(import::page).post(import::import),
        )
        .route(
            "/admin/users/{id}",
            get(account::page).post(account::change),
        )
        .route("/admin/users/{id}/status", post(account::change_status))
        .route(
            "/admin/users/{id}/one-time-password",
            post(account::reset_password),
        )
}

pub const ROLES: [Role; 4] = [Role::Participant, Role::Judge, Role::Organizer, Role::Admin];

/// A choice of a `<select>`: its value, its label and whether it is the one chosen.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

pub fn role_choices(locale: Locale, selected: &str) -> Vec<Choice> {
    ROLES
        .into_iter()
        .map(|role| Choice {
            value: role.as_str().to_owned(),
            label: locale.text(&format!("role-{}", role.as_str())),
            selected: role.as_str() == selected,
        })
        .collect()
}

pub fn status_label(locale: Locale, status: AccountStatus) -> String {
    locale.text(&format!("admin-status-{}", status.as_str()))
}

pub use crate::web::form::Refusal;

/// Whether an API error is one the page cannot show beside a form: the page's error page
/// (or sign-in) answers instead.
pub fn not_for_the_form(error: &AppError) -> bool {
    matches!(
        error.status(),
        axum::http::StatusCode::NOT_FOUND
            | axum::http::StatusCode::FORBIDDEN
            | axum::http::StatusCode::UNAUTHORIZED
    ) || matches!(error, AppError::Internal(_))
}
