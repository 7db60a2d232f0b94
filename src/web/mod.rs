//! What every page shares: the page context (language, HTTPS), browser sessions, CSRF and
//! same-origin checks, the message catalogue, embedded assets, the layout and error page.
//! Each slice serves its own pages (`auth/pages.rs`, `quizzes/pages.rs`, `boards/pages.rs`,
//! `contests/pages/`, `contests/judge_pages/`, `contests/organizer_pages/`,
//! `boards/projector/`, `quizzes/event_pages.rs`, `quizzes/organizer_pages/`, `banks/pages.rs`,
//! `reports/pages.rs`, `auth/admin_pages/`, `orgs/pages.rs`) from `templates/`, calling the
//! same functions as its `/api/v1` routes.

pub mod assets;
pub mod context;
pub mod csrf;
pub mod form;
pub mod locale;
pub mod page;
pub mod session;
pub mod time;
pub mod visitor;

use axum::Router;
use axum::routing::get;

use crate::app::AppState;

pub use csrf::CsrfForm;
pub use visitor::{Member, Visitor, safe_next, sign_in_url};

/// Every page of the web app, behind the page context; assets beside them.
pub fn router(state: &AppState) -> Router<AppState> {
    Router::new()
        .merge(crate::auth::pages::router())
        .merge(crate::quizzes::pages::router())
        .merge(crate::boards::pages::router())
        .merge(crate::contests::pages::router())
        .merge(crate::contests::judge_pages::router())
        .merge(crate::contests::organizer_pages::router())
        .merge(crate::quizzes::event_pages::router())
        .merge(crate::quizzes::organizer_pages::router())
        .merge(crate::banks::pages::router())
        .merge(crate::reports::pages::router())
        .merge(crate::auth::admin_pages::router())
        .merge(crate::orgs::pages::router())
        .merge(crate::boards::projector::router())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            context::page_context,
        ))
        // Pages are small but a weak 3G link feels every kilobyte; their CSRF token is
        // masked per response, so compression cannot leak it. Assets come precompressed.
        .layer(tower_http::compression::CompressionLayer::new())
        .route("/assets/{file}", get(assets::serve))
}

/// Pages whose request body is a recording (a plain form's file): the same page context,
/// without the time limit on the whole request, which `app::router` puts on `router` alone.
pub fn streamed_router(state: &AppState) -> Router<AppState> {
    crate::contests::pages::streamed_router().layer(axum::middleware::from_fn_with_state(
        state.clone(),
        context::page_context,
    ))
}
