//! Browser sessions: an opaque id in an HttpOnly cookie, stored as its SHA-256 in
//! `web_sessions`. Each one is a refresh-token family of its own (`sessions::start`), so signing
//! out, a password change and disabling end it exactly as they end an API session.

use sqlx::{AssertSqlSafe, FromRow};

use crate::auth::AuthUser;
use crate::auth::accounts::UserRow;
use crate::auth::sessions;
use crate::auth::tokens::{hash_refresh_token, new_refresh_token, new_security_stamp};
use crate::db::Pool;
use crate::error::AppResult;

pub const SESSION_COOKIE: &str = "cq_session";
/// A browser session ends a week after sign-in whatever happens (ASVS 3.3.1); the cookie
/// itself has no Max-Age, so it also ends with the browser on a shared school computer.
const SESSION_TTL_MS: i64 = 7 * 24 * 3600 * 1000;

/// A signed-in browser: the account, its session's family and the session's CSRF token.
#[derive(Clone)]
pub struct WebSession {
    pub user: UserRow,
    pub family_id: String,
    pub csrf_token: String,
}

impl WebSession {
    /// The caller as the API's functions take it, or none while a one-time password must still
    /// be replaced (the rule of the API's `AuthUser`).
    pub fn caller(&self) -> Option<AuthUser> {
        (!self.user.must_change_password).then(|| self.as_auth_user())
    }

    /// The same without the password rule, for extractors that have checked it.
    pub(super) fn as_auth_user(&self) -> AuthUser {
        AuthUser {
            user: self.user.clone(),
            session_id: self.family_id.clone(),
        }
    }
}

#[derive(FromRow)]
struct SessionRow {
    #[sqlx(flatten)]
    user: UserRow,
    family_id: String,
    csrf_token: String,
    session_stamp: String,
    expires_at: i64,
    revoked: i64,
}

/// Starts a session for `user`; returns the cookie value (never stored) and the session.
pub async fn begin(pool: &Pool, user: &UserRow, now_ms: i64) -> AppResult<(String, WebSession)> {
    let family = sessions::start(pool, &user.id, now_ms).await?;
    let (cookie_value, id_hash) = new_refresh_token();
    let csrf_token = new_security_stamp();
    sqlx::query(
        "INSERT INTO web_sessions (id_hash, family_id, user_id, security_stamp, csrf_token, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&id_hash)
    .bind(&family.family_id)
    .bind(&user.id)
    .bind(&user.security_stamp)
    .bind(&csrf_token)
    .bind(now_ms)
    .bind(now_ms + SESSION_TTL_MS)
    .execute(pool)
    .await?;
    Ok((
        cookie_value,
        WebSession {
            user: user.clone(),
            family_id: family.family_id,
            csrf_token,
        },
    ))
}

/// The live session behind a cookie value: not expired, its family not revoked, the account
/// enabled and its security stamp unchanged since sign-in. One query: it runs on every page.
pub async fn find(pool: &Pool, cookie_value: &str, now_ms: i64) -> AppResult<Option<WebSession>> {
    let sql = format!(
        "SELECT {columns}, s.family_id, s.csrf_token, s.security_stamp AS session_stamp, s.expires_at,
            (SELECT COUNT(*) FROM refresh_tokens r WHERE r.family_id = s.family_id AND r.revoked_at IS NOT NULL) AS revoked
         FROM web_sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = $1",
        columns = crate::auth::accounts::USER_COLUMNS_OF_U,
    );
    let row = sqlx::query_as::<_, SessionRow>(AssertSqlSafe(sql))
        .bind(hash_refresh_token(cookie_value))
        .fetch_optional(pool)
        .await?;
    Ok(row
        .filter(|row| {
            row.expires_at > now_ms
                && row.revoked == 0
                && !row.user.disabled
                && row.user.security_stamp == row.session_stamp
        })
        .map(|row| WebSession {
            user: row.user,
            family_id: row.family_id,
            csrf_token: row.csrf_token,
        }))
}

/// Deletes the rows of sessions that can no longer be used (expired, their family revoked, or
/// their account's stamp changed since); returns how many. [`find`] refuses them anyway: this
/// only keeps the table small.
pub async fn purge_dead(pool: &Pool, now_ms: i64) -> AppResult<u64> {
    let done = sqlx::query(
        "DELETE FROM web_sessions WHERE expires_at <= $1
            OR family_id IN (SELECT family_id FROM refresh_tokens WHERE revoked_at IS NOT NULL)
            OR security_stamp <> (SELECT u.security_stamp FROM users u WHERE u.id = web_sessions.user_id)",
    )
    .bind(now_ms)
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}

/// Purges dead sessions at start and then hourly, on every process (the delete is idempotent).
pub async fn purge_periodically(state: crate::app::AppState) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        tick.tick().await;
        if let Err(error) = purge_dead(&state.db.pool, state.clock.now_ms()).await {
            tracing::warn!(%error, "purging dead browser sessions failed");
        }
    }
}

/// Ends the session (sign-out): its family is revoked and its row removed.
pub async fn end(pool: &Pool, session: &WebSession, now_ms: i64) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    sessions::revoke_family(&mut *tx, &session.family_id, now_ms).await?;
    sqlx::query("DELETE FROM web_sessions WHERE family_id = $1")
        .bind(&session.family_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}
