//! Typed extractors for the caller: handlers name the role they need and never read headers.

use std::net::IpAddr;

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

use super::accounts::{self, Role, UserRow};
use crate::app::AppState;
use crate::error::{AppError, ErrorCode};
use crate::web::csrf;

/// Any signed-in caller, including one who must still replace a one-time password.
pub struct SessionUser {
    pub user: UserRow,
    pub session_id: String,
}

impl FromRequestParts<AppState> for SessionUser {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Some(header) = parts.headers.get(AUTHORIZATION) else {
            return browser_session(parts, state)
                .await?
                .ok_or_else(AppError::unauthenticated);
        };
        let header = header.to_str().map_err(|_| AppError::token_invalid())?;
        let token = header
            .strip_prefix("Bearer ")
            .or_else(|| header.strip_prefix("bearer "))
            .ok_or_else(AppError::token_invalid)?
            .trim();
        let claims = state.tokens.verify_access(token, state.clock.now_ms())?;
        let (user, revoked) = accounts::find_for_session(&state.db.pool, &claims.sub, &claims.sid)
            .await?
            .ok_or_else(AppError::token_invalid)?;
        if revoked || user.disabled || user.security_stamp != claims.stamp {
            return Err(AppError::token_invalid());
        }
        Ok(SessionUser {
            user,
            session_id: claims.sid,
        })
    }
}

/// The web app's pages call the API with their session cookie instead of a token (no JWT in
/// page scripts); an unsafe method must then carry the session's CSRF token.
async fn browser_session(parts: &Parts, state: &AppState) -> Result<Option<SessionUser>, AppError> {
    let Some(session) = crate::web::visitor::cookie_session(parts, state).await? else {
        return Ok(None);
    };
    if !csrf::api_request_allowed(&parts.method, &parts.headers, &session.csrf_token) {
        return Err(AppError::api(
            ErrorCode::CsrfFailed,
            "send the page's CSRF token in X-CSRF-Token",
        ));
    }
    Ok(Some(SessionUser {
        user: session.user,
        session_id: session.family_id,
    }))
}

/// A signed-in caller with a password of their own.
pub struct AuthUser {
    pub user: UserRow,
    pub session_id: String,
}

impl AuthUser {
    pub fn id(&self) -> &str {
        &self.user.id
    }
    pub fn role(&self) -> Role {
        self.user.role()
    }
}

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let SessionUser { user, session_id } =
            SessionUser::from_request_parts(parts, state).await?;
        if user.must_change_password {
            return Err(AppError::api(
                ErrorCode::PasswordChangeRequired,
                "choose your own password first (PATCH /api/v1/me/password)",
            ));
        }
        Ok(AuthUser { user, session_id })
    }
}

macro_rules! role_extractor {
    ($(#[$doc:meta])* $name:ident, $allowed:expr) => {
        $(#[$doc])*
        pub struct $name(pub AuthUser);

        impl FromRequestParts<AppState> for $name {
            type Rejection = AppError;

            async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
                let caller = AuthUser::from_request_parts(parts, state).await?;
                let allowed: fn(Role) -> bool = $allowed;
                if allowed(caller.role()) {
                    Ok($name(caller))
                } else {
                    Err(AppError::forbidden())
                }
            }
        }
    };
}

role_extractor!(
    /// An organizer or an admin.
    Organizer,
    Role::organizes
);
role_extractor!(
    /// An admin.
    Admin,
    |role| role == Role::Admin
);
role_extractor!(
    /// A judge (organizers and admins judge too when added to a contest).
    Judge,
    |role| matches!(role, Role::Judge | Role::Organizer | Role::Admin)
);

/// The client's address: the TCP peer, or behind our proxies the rightmost X-Forwarded-For
/// hop that is not one of them (`http::client`).
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(
            state
                .config
                .trusted_proxies
                .client(&parts.headers, &parts.extensions),
        ))
    }
}

/// `Option<AuthUser>`: anonymous without an Authorization header or a live session cookie; a
/// bad token is still refused.
impl axum::extract::OptionalFromRequestParts<AppState> for AuthUser {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Option<Self>, Self::Rejection> {
        if parts.headers.contains_key(AUTHORIZATION) {
            <AuthUser as FromRequestParts<AppState>>::from_request_parts(parts, state)
                .await
                .map(Some)
        } else {
            match browser_session(parts, state).await? {
                Some(SessionUser { user, session_id }) if !user.must_change_password => {
                    Ok(Some(AuthUser { user, session_id }))
                }
                _ => Ok(None),
            }
        }
    }
}
