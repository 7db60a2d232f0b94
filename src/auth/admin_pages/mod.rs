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
use crate::auth::Admin;
use crate::auth::accounts::{AccountStatus, Role};
use crate::error::AppError;
use crate::web::Member;
use crate::web::locale::Locale;
use crate::web::page::{PageError, error_message};

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

/// The admin behind a form: the role check of the API's `Admin` extractor, made on the page's
/// session (the extractor wants a cookie caller's CSRF token in a header, which a plain form
/// cannot send; the form's own token has been checked).
pub fn admin_of(member: &Member) -> Result<Admin, PageError> {
    let caller = member.caller();
    if caller.role() == Role::Admin {
        Ok(Admin(caller))
    } else {
        Err(member.visitor.fail(AppError::forbidden()))
    }
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

/// A form's refusal: the message of its summary, and each refused field's own message, shown
/// beside it, in the page's language (`admin-field-{field}`).
#[derive(Default)]
pub struct Refusal {
    pub message: Option<String>,
    pub fields: Vec<(String, String)>,
}

impl Refusal {
    pub fn of(locale: Locale, error: &AppError) -> Self {
        let fields: Vec<(String, String)> = error
            .fields()
            .into_iter()
            .map(|field| {
                let text = locale.text(&format!("admin-field-{field}"));
                (field, text)
            })
            .collect();
        Refusal {
            message: Some(if fields.is_empty() {
                error_message(locale, error)
            } else {
                locale.text("admin-not-saved")
            }),
            fields,
        }
    }

    /// A refusal of one field, with its own message.
    pub fn field(locale: Locale, field: &str, message: String) -> Self {
        Refusal {
            message: Some(locale.text("admin-not-saved")),
            fields: vec![(field.to_owned(), message)],
        }
    }

    pub fn error(&self, field: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(name, _)| name == field)
            .map(|(_, text)| text.as_str())
    }

    pub fn invalid(&self, field: &str) -> bool {
        self.error(field).is_some()
    }
}

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
