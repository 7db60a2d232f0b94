//! Join codes: how a self-registered account joins a school or a class. An organizer prints a
//! unit's code for its pupils; whoever registers with it belongs to that unit, and without one
//! belongs to none until an admin places her. Codes are stored as SHA-256 hashes only and a
//! unit has one live code at a time: issuing a new one rotates the old one out.

use crate::http::AppPath;
use axum::extract::State;
use axum::http::StatusCode;
use rand::Rng;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use super::store;
use crate::app::AppState;
use crate::auth::Organizer;
use crate::clock::Timestamp;
use crate::db::Pool;
use crate::error::{AppError, AppResult, ErrorBody, FieldErrors};
use crate::http::{AppJson, plausible_id};

/// Ten characters from 32 without look-alikes (no 0/O, 1/I): 50 bits, printed as `ABCDE-FGHJK`.
const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
const CODE_LEN: usize = 10;
const DAY_MS: i64 = 86_400_000;
pub const DEFAULT_VALID_DAYS: i64 = 30;

fn new_code() -> String {
    let mut rng = rand::rng();
    let raw: String = (0..CODE_LEN)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect();
    format!("{}-{}", &raw[..5], &raw[5..])
}

/// A code as typed: case, spaces and dashes do not matter. `None` when it cannot be a code.
fn normalise(typed: &str) -> Option<String> {
    let code: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (code.len() == CODE_LEN && code.bytes().all(|b| ALPHABET.contains(&b))).then_some(code)
}

fn hash(normalised: &str) -> String {
    hex::encode(Sha256::digest(normalised.as_bytes()))
}

/// The unit a typed code lets its holder join, if it is live.
pub async fn unit_of(pool: &Pool, typed: &str, now_ms: i64) -> AppResult<Option<String>> {
    let Some(code) = normalise(typed) else {
        return Ok(None);
    };
    Ok(sqlx::query_scalar(
        "SELECT org_unit_id FROM org_join_codes WHERE code_hash = $1 AND expires_at > $2",
    )
    .bind(hash(&code))
    .bind(now_ms)
    .fetch_optional(pool)
    .await?)
}

/// Whether any unit has a live code (the registration policy's default follows it).
pub async fn any_live(pool: &Pool, now_ms: i64) -> AppResult<bool> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT 1 FROM org_join_codes WHERE expires_at > $1 LIMIT 1")
            .bind(now_ms)
            .fetch_optional(pool)
            .await?;
    Ok(found.is_some())
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct NewJoinCode {
    /// Days the code stays valid: 1 to 366, default 30.
    #[schema(minimum = 1, maximum = 366)]
    pub valid_days: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct JoinCode {
    pub org_unit_id: String,
    /// Shown once: only its hash is kept.
    pub code: String,
    pub expires_at: Timestamp,
}

/// Issues the unit's join code, replacing the one it had (rotation): the old code stops
/// working at once.
#[utoipa::path(post, path = "/org-units/{id}/join-codes", tag = "org units", security(("bearer" = [])),
    params(("id" = String, Path)), request_body(content = Option<NewJoinCode>),
    responses((status = 201, body = JoinCode), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn issue_join_code(
    State(state): State<AppState>,
    Organizer(caller): Organizer,
    AppPath(unit_id): AppPath<String>,
    body: Option<AppJson<NewJoinCode>>,
) -> AppResult<(StatusCode, AppJson<JoinCode>)> {
    let unit = require_unit(&state, &unit_id).await?;
    let valid_days = body
        .and_then(|AppJson(body)| body.valid_days)
        .unwrap_or(DEFAULT_VALID_DAYS);
    if !(1..=366).contains(&valid_days) {
        return Err(FieldErrors::single(
            "valid_days",
            "must be between 1 and 366",
        ));
    }
    let now = state.clock.now_ms();
    let code = new_code();
    let expires_at = now + valid_days * DAY_MS;
    sqlx::query(
        "INSERT INTO org_join_codes (org_unit_id, code_hash, expires_at, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (org_unit_id) DO UPDATE SET code_hash = excluded.code_hash,
             expires_at = excluded.expires_at, created_by = excluded.created_by,
             created_at = excluded.created_at",
    )
    .bind(&unit.id)
    .bind(hash(&normalise(&code).unwrap_or_default()))
    .bind(expires_at)
    .bind(caller.id())
    .bind(now)
    .execute(&state.db.pool)
    .await?;
    Ok((
        StatusCode::CREATED,
        AppJson(JoinCode {
            org_unit_id: unit.id,
            code,
            expires_at: Timestamp(expires_at),
        }),
    ))
}

/// Revokes the unit's join code; accounts that joined with it stay where they are.
#[utoipa::path(delete, path = "/org-units/{id}/join-codes", tag = "org units", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 204, description = "revoked (or there was none)"), (status = 404, body = ErrorBody),
              (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn revoke_join_code(
    State(state): State<AppState>,
    Organizer(_caller): Organizer,
    AppPath(unit_id): AppPath<String>,
) -> AppResult<StatusCode> {
    let unit = require_unit(&state, &unit_id).await?;
    sqlx::query("DELETE FROM org_join_codes WHERE org_unit_id = $1")
        .bind(&unit.id)
        .execute(&state.db.pool)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn require_unit(state: &AppState, id: &str) -> AppResult<store::OrgUnit> {
    if !plausible_id(id) {
        return Err(AppError::not_found());
    }
    store::find(&state.db.pool, id)
        .await?
        .ok_or_else(AppError::not_found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_read_as_typed() {
        let code = new_code();
        assert_eq!(code.len(), CODE_LEN + 1);
        let typed = format!(" {} ", code.to_lowercase().replace('-', " "));
        assert_eq!(normalise(&typed), normalise(&code));
        assert!(normalise(&code).is_some());
        assert_eq!(normalise("ABCDE-FGHJ0"), None, "0 is not in the alphabet");
        assert_eq!(normalise("ABCD"), None);
    }
}
