//! Accounts, passwords, tokens, sessions, role extractors and the auth rate limits.

pub mod accounts;
pub mod admin;
pub mod admin_pages;
pub mod credentials;
pub mod devices;
pub mod extract;
pub mod keyed;
pub mod limits;
pub mod pages;
pub mod password;
pub mod registration;
pub mod routes;
pub mod sessions;
pub mod tokens;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;

pub use extract::{Admin, AuthUser, ClientIp, Judge, Organizer, SessionUser};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(routes::register))
        .routes(routes!(routes::login))
        .routes(routes!(routes::refresh))
        .routes(routes!(routes::logout))
        .routes(routes!(routes::me, routes::update_me))
        .routes(routes!(routes::change_password))
        .routes(routes!(admin::search_users))
        .routes(routes!(admin::import_users))
        .routes(routes!(admin::change_user))
        .routes(routes!(admin::reset_password))
}
