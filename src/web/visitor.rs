//! Who is looking at a page: the extractors page handlers name, like the API's role
//! extractors. `Visitor` is anyone; `Member` is signed in with a password of her own (others
//! are sent to sign in, or to choose their password first).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum_extra::extract::cookie::CookieJar;

use super::context::PageContext;
use super::locale::Locale;
use super::page::PageError;
use super::session::{self, SESSION_COOKIE, WebSession};
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::auth::accounts::Role;
use crate::error::AppError;

#[derive(Clone)]
pub struct Visitor {
    pub locale: Locale,
    pub session: Option<WebSession>,
    /// The token this visitor's forms must send back.
    pub csrf: String,
    pub secure: bool,
    /// The path and query of this request, for the language switch and `next=`.
    pub here: String,
}

impl Visitor {
    /// The signed-in caller as the API's functions take it (none when signed out, or while a
    /// one-time password must still be replaced).
    pub fn caller(&self) -> Option<AuthUser> {
        self.session.as_ref().and_then(WebSession::caller)
    }

    pub fn role(&self) -> Option<Role> {
        self.session.as_ref().map(|s| s.user.role())
    }

    /// An error page (or a redirect to sign in) in this visitor's language.
    pub fn fail(&self, error: AppError) -> PageError {
        PageError::new(self.clone(), error)
    }
}

/// The browser session behind a request's cookie, if it is live.
pub async fn cookie_session(
    parts: &Parts,
    state: &AppState,
) -> Result<Option<WebSession>, AppError> {
    let jar = CookieJar::from_headers(&parts.headers);
    match jar.get(SESSION_COOKIE) {
        Some(cookie) if cookie.value().len() <= 128 => {
            session::find(&state.db.pool, cookie.value(), state.clock.now_ms()).await
        }
        _ => Ok(None),
    }
}

impl FromRequestParts<AppState> for Visitor {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(visitor) = parts.extensions.get::<Visitor>() {
            return Ok(visitor.clone());
        }
        let context = parts
            .extensions
            .get::<PageContext>()
            .cloned()
            .unwrap_or(PageContext {
                locale: Locale::default(),
                anon_csrf: String::new(),
                secure: false,
            });
        let session = cookie_session(parts, state).await?;
        let visitor = Visitor {
            locale: context.locale,
            csrf: session
                .as_ref()
                .map_or(context.anon_csrf, |s| s.csrf_token.clone()),
            session,
            secure: context.secure,
            here: parts
                .uri
                .path_and_query()
                .map_or_else(|| "/".to_owned(), |pq| pq.as_str().to_owned()),
        };
        parts.extensions.insert(visitor.clone());
        Ok(visitor)
    }
}

/// A signed-in visitor who may use the site (her password is her own).
pub struct Member {
    pub visitor: Visitor,
    pub session: WebSession,
}

impl Member {
    /// The caller as the API's functions take it.
    pub fn caller(&self) -> AuthUser {
        self.session.as_auth_user()
    }

    /// The organizer behind a form: the role check of the API's `Organizer` extractor, made
    /// on the page's session. (The extractor wants a cookie caller's CSRF token in a header,
    /// which a plain form cannot send; `CsrfForm` has checked the form's own.)
    pub fn organizer(&self) -> Result<crate::auth::Organizer, PageError> {
        let caller = self.caller();
        if caller.role().organizes() {
            Ok(crate::auth::Organizer(caller))
        } else {
            Err(self.visitor.fail(AppError::forbidden()))
        }
    }

    /// The admin behind a form, as `organizer` for organizers.
    pub fn admin(&self) -> Result<crate::auth::Admin, PageError> {
        let caller = self.caller();
        if caller.role() == Role::Admin {
            Ok(crate::auth::Admin(caller))
        } else {
            Err(self.visitor.fail(AppError::forbidden()))
        }
    }
}

impl FromRequestParts<AppState> for Member {
    type Rejection = PageError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let visitor = Visitor::from_request_parts(parts, state)
            .await
            .map_err(|error| PageError::bare(Locale::default(), error))?;
        let Some(session) = visitor.session.clone() else {
            return Err(PageError::Redirect(sign_in_url(&visitor.here)));
        };
        if session.user.must_change_password {
            return Err(PageError::Redirect("/account/password".to_owned()));
        }
        Ok(Member { visitor, session })
    }
}

/// `/login?next=…` back to `here` (only our own paths are kept).
pub fn sign_in_url(here: &str) -> String {
    let mut url = String::from("/login");
    if here.starts_with('/') && !here.starts_with("//") && here != "/" {
        url.push_str("?next=");
        url.push_str(&percent_encode(here));
    }
    url
}

pub fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A `next=` target that is a path of this site, never another origin.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.contains('\\')
                && !path.chars().any(char::is_control) =>
        {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}
