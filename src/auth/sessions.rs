//! Sign-in sessions as refresh-token families (the `refresh_tokens` table). Each use of a
//! refresh token rotates it; presenting a used one again revokes its whole family (ASVS 10.4.5)
//! — except within `REUSE_GRACE_MS` of its rotation, while its successor is unused: two tabs
//! refreshing at once, or a retry after a lost response, get the same successor (as Auth0's
//! and Okta's reuse intervals do) instead of signing the student out.

use super::tokens::{
    REFRESH_TTL_MS, hash_refresh_token, new_refresh_token, seal_successor, unseal_successor,
};
use crate::db::{Pool, new_id};
use crate::error::{AppError, AppResult};

/// How long a rotated refresh token still yields its (unused) successor.
pub const REUSE_GRACE_MS: i64 = 30_000;

pub struct Session {
    pub family_id: String,
    pub user_id: String,
    pub refresh_token: String,
}

async fn insert_token<'e, E>(
    executor: E,
    family_id: &str,
    user_id: &str,
    expires_at: i64,
    now_ms: i64,
) -> AppResult<String>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let (token, hash) = new_refresh_token();
    insert_token_as(
        executor, &token, &hash, family_id, user_id, expires_at, now_ms,
    )
    .await?;
    Ok(token)
}

async fn insert_token_as<'e, E>(
    executor: E,
    token: &str,
    hash: &str,
    family_id: &str,
    user_id: &str,
    expires_at: i64,
    now_ms: i64,
) -> AppResult<()>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    debug_assert_eq!(hash_refresh_token(token), hash);
    sqlx::query(
        "INSERT INTO refresh_tokens (token_hash, family_id, user_id, issued_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(hash)
    .bind(family_id)
    .bind(user_id)
    .bind(now_ms)
    .bind(expires_at)
    .execute(executor)
    .await?;
    Ok(())
}

/// Starts a new family with an absolute expiry 30 days from now.
pub async fn start(pool: &Pool, user_id: &str, now_ms: i64) -> AppResult<Session> {
    let family_id = new_id();
    let refresh_token =
        insert_token(pool, &family_id, user_id, now_ms + REFRESH_TTL_MS, now_ms).await?;
    Ok(Session {
        family_id,
        user_id: user_id.to_owned(),
        refresh_token,
    })
}

/// Exchanges a refresh token for its successor. The conditional update makes the exchange
/// happen once even when two requests race with the same token.
pub async fn rotate(pool: &Pool, presented: &str, now_ms: i64) -> AppResult<Session> {
    let hash = hash_refresh_token(presented);
    let (successor, successor_hash) = new_refresh_token();
    let mut tx = pool.begin().await?;
    let claimed: Option<(String, String, i64)> = sqlx::query_as(
        "UPDATE refresh_tokens SET used_at = $1, successor_sealed = $3
         WHERE token_hash = $2 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $1
         RETURNING family_id, user_id, expires_at",
    )
    .bind(now_ms)
    .bind(&hash)
    .bind(seal_successor(presented, &successor))
    .fetch_optional(&mut *tx)
    .await?;
    let Some((family_id, user_id, expires_at)) = claimed else {
        tx.rollback().await?;
        return refusal(pool, presented, &hash, now_ms).await?;
    };
    insert_token_as(
        &mut *tx,
        &successor,
        &successor_hash,
        &family_id,
        &user_id,
        expires_at,
        now_ms,
    )
    .await?;
    tx.commit().await?;
    let refresh_token = successor;
    Ok(Session {
        family_id,
        user_id,
        refresh_token,
    })
}

/// A token that could not be claimed: within the reuse grace, the same successor again
/// (`Ok`); otherwise why it is refused. A used token outside the grace means theft or a
/// replay, so the family ends.
async fn refusal(
    pool: &Pool,
    presented: &str,
    hash: &str,
    now_ms: i64,
) -> AppResult<Result<Session, AppError>> {
    type Row = (
        String,
        String,
        Option<i64>,
        Option<i64>,
        i64,
        Option<String>,
    );
    let row: Option<Row> = sqlx::query_as(
        "SELECT family_id, user_id, used_at, revoked_at, expires_at, successor_sealed FROM refresh_tokens WHERE token_hash = $1",
    )
    .bind(hash)
    .fetch_optional(pool)
    .await?;
    Ok(Err(match row {
        None => AppError::token_invalid(),
        Some((family_id, user_id, Some(used_at), None, _, sealed)) => {
            if now_ms - used_at <= REUSE_GRACE_MS
                && let Some(successor) = sealed.and_then(|s| unseal_successor(presented, &s))
                && unused(pool, &successor, now_ms).await?
            {
                return Ok(Ok(Session {
                    family_id,
                    user_id,
                    refresh_token: successor,
                }));
            }
            tracing::warn!(family_id, "refresh token reused; revoking its family");
            revoke_family(pool, &family_id, now_ms).await?;
            AppError::token_invalid()
        }
        Some((_, _, _, None, expires_at, _)) if expires_at <= now_ms => AppError::token_expired(),
        Some(_) => AppError::token_invalid(),
    }))
}

/// Whether a token is live and not yet rotated.
async fn unused(pool: &Pool, token: &str, now_ms: i64) -> AppResult<bool> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM refresh_tokens WHERE token_hash = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $2",
    )
    .bind(hash_refresh_token(token))
    .bind(now_ms)
    .fetch_optional(pool)
    .await?;
    Ok(found.is_some())
}

pub async fn family_owner(pool: &Pool, presented: &str) -> AppResult<Option<(String, String)>> {
    Ok(
        sqlx::query_as("SELECT family_id, user_id FROM refresh_tokens WHERE token_hash = $1")
            .bind(hash_refresh_token(presented))
            .fetch_optional(pool)
            .await?,
    )
}

pub async fn revoke_family<'e, E>(executor: E, family_id: &str, now_ms: i64) -> AppResult<()>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query(
        "UPDATE refresh_tokens SET revoked_at = $1 WHERE family_id = $2 AND revoked_at IS NULL",
    )
    .bind(now_ms)
    .bind(family_id)
    .execute(executor)
    .await?;
    Ok(())
}

/// Ends every session of a user, except `keep` (the caller's own, when changing a password).
pub async fn revoke_all<'e, E>(
    executor: E,
    user_id: &str,
    keep: Option<&str>,
    now_ms: i64,
) -> AppResult<()>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query(
        "UPDATE refresh_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL AND family_id <> $3",
    )
    .bind(now_ms)
    .bind(user_id)
    .bind(keep.unwrap_or(""))
    .execute(executor)
    .await?;
    Ok(())
}

/// When each of `user_ids` last signed in (page or API), by the first token of her newest
/// session; accounts that never did are absent.
pub async fn last_sign_ins(
    pool: &Pool,
    user_ids: &[String],
) -> AppResult<std::collections::HashMap<String, i64>> {
    let mut found = std::collections::HashMap::new();
    for chunk in user_ids.chunks(500) {
        let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT user_id, MAX(started) FROM (
                SELECT user_id, MIN(issued_at) AS started FROM refresh_tokens
                WHERE user_id IN ({}) GROUP BY user_id, family_id
             ) sessions GROUP BY user_id",
            placeholders.join(", ")
        );
        let mut query = sqlx::query_as::<_, (String, i64)>(sqlx::AssertSqlSafe(sql));
        for id in chunk {
            query = query.bind(id);
        }
        found.extend(query.fetch_all(pool).await?);
    }
    Ok(found)
}
