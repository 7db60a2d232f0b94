//! Account administration: bulk import of a school's students and changes to one account.

use std::collections::HashSet;

use crate::http::AppPath;
use axum::extract::State;
use axum::http::StatusCode;
use rand::Rng;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::accounts::{
    self, AccountChange, AccountSearch, AccountStatus, NewUser, Role, UserRow, UserView,
};
use super::credentials::{DisplayName, Password, Username, parse_birth_year, search_fold};
use super::extract::Admin;
use super::password::Passwords;
use super::routes::current_year;
use super::sessions;
use crate::app::AppState;
use crate::bus::ParticipantChange;
use crate::clock::Timestamp;
use crate::db::Db;
use crate::error::{AppError, AppResult, ErrorBody, ErrorCode, FieldErrors};
use crate::http::{AppJson, AppQuery, CsvBody, Paging, RowError};
use crate::orgs;

const MAX_IMPORT_ROWS: usize = 5000;
const IMPORT_COLUMNS: [&str; 5] = [
    "username",
    "display_name",
    "org_unit_code",
    "role",
    "birth_year",
];

/// Twelve characters from an alphabet without look-alikes (0/O, 1/l/I): about 68 bits.
fn one_time_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..12)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect()
}

#[derive(Serialize, ToSchema)]
pub struct ImportedUser {
    #[serde(flatten)]
    pub user: UserView,
    /// Shown once: the user must replace it at first sign-in, before `expires_at`.
    pub one_time_password: String,
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: Timestamp,
}

#[derive(Serialize, ToSchema)]
pub struct ImportUsersResponse {
    pub created: usize,
    pub users: Vec<ImportedUser>,
}

struct ImportRow {
    username: Username,
    display_name: DisplayName,
    org_unit_id: Option<String>,
    role: Role,
    birth_year: Option<i64>,
}

/// Imports accounts from CSV `username,display_name,org_unit_code,role,birth_year`: all rows or
/// none. Every bad row is reported with its line.
#[utoipa::path(post, path = "/admin/users/import", tag = "admin", security(("bearer" = [])),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 201, body = ImportUsersResponse), (status = 422, body = ErrorBody, description = "validation_failed with details.rows"),
              (status = 403, body = ErrorBody)))]
pub async fn import_users(
    State(state): State<AppState>,
    Admin(_admin): Admin,
    CsvBody(table): CsvBody,
) -> AppResult<(StatusCode, AppJson<ImportUsersResponse>)> {
    let records = table.records(&IMPORT_COLUMNS, MAX_IMPORT_ROWS)?;
    let units = orgs::store::ids_by_code(&state.db.pool).await?;
    let current_year = current_year(state.clock.now_ms());
    let mut errors = Vec::new();
    let mut rows = Vec::new();
    let mut seen = HashSet::new();
    for record in &records {
        let mut fail =
            |field: &str, message: String| errors.push(RowError::new(record.line, field, message));
        let username = Username::parse(record.get("username"))
            .map_err(|m| fail("username", m))
            .ok();
        let display_name = DisplayName::parse(record.get("display_name"))
            .map_err(|m| fail("display_name", m))
            .ok();
        let code = record.get("org_unit_code").trim();
        let org_unit_id = if code.is_empty() {
            Some(None)
        } else {
            units
                .get(&orgs::code_key(code))
                .map(|id| Some(id.clone()))
                .or_else(|| {
                    fail(
                        "org_unit_code",
                        format!("no org unit has the code {code:?}"),
                    );
                    None
                })
        };
        let role_text = record.get("role").trim();
        let role = if role_text.is_empty() {
            Some(Role::Participant)
        } else {
            Role::parse(role_text).map_err(|m| fail("role", m)).ok()
        };
        let year_text = record.get("birth_year").trim();
        let birth_year = if year_text.is_empty() {
            Some(None)
        } else {
            year_text
                .parse::<i64>()
                .map_err(|_| "must be a year such as 2010".to_owned())
                .and_then(|year| parse_birth_year(year, current_year))
                .map(Some)
                .map_err(|m| fail("birth_year", m))
                .ok()
        };
        if let Some(username) = &username
            && !seen.insert(username.key.clone())
        {
            fail("username", "appears twice in this file".into());
        }
        if let (
            Some(username),
            Some(display_name),
            Some(org_unit_id),
            Some(role),
            Some(birth_year),
        ) = (username, display_name, org_unit_id, role, birth_year)
        {
            rows.push((
                record.line,
                ImportRow {
                    username,
                    display_name,
                    org_unit_id,
                    role,
                    birth_year,
                },
            ));
        }
    }
    let keys: Vec<String> = rows
        .iter()
        .map(|(_, row)| row.username.key.clone())
        .collect();
    let taken: HashSet<String> = accounts::existing_username_keys(&state.db.pool, &keys)
        .await?
        .into_iter()
        .collect();
    for (line, row) in &rows {
        if taken.contains(&row.username.key) {
            errors.push(RowError::new(*line, "username", "is already taken".into()));
        }
    }
    if !errors.is_empty() {
        return Err(RowError::into_app_error(errors));
    }

    let passwords: Vec<String> = rows.iter().map(|_| one_time_password()).collect();
    let hashes = state.passwords.hash_batch(passwords.clone()).await?;
    let now = state.clock.now_ms();
    let expires_at = one_time_password_expiry(&state, now);
    let mut tx = state.db.pool.begin().await?;
    let mut users = Vec::with_capacity(rows.len());
    for (((_, row), password_hash), password) in rows.into_iter().zip(hashes).zip(passwords) {
        let new_user = NewUser {
            username: row.username,
            display_name: row.display_name,
            password_hash,
            role: row.role,
            org_unit_id: row.org_unit_id,
            birth_year: row.birth_year,
            one_time_password_expires_at: Some(expires_at),
        };
        let user = accounts::insert(&mut *tx, &new_user, now).await?;
        users.push(ImportedUser {
            user: user.view(),
            one_time_password: password,
            expires_at: Timestamp(expires_at),
        });
    }
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        AppJson(ImportUsersResponse {
            created: users.len(),
            users,
        }),
    ))
}

fn one_time_password_expiry(state: &AppState, now_ms: i64) -> i64 {
    let ttl = state.config.limits.one_time_password_ttl.as_millis();
    now_ms.saturating_add(i64::try_from(ttl).unwrap_or(i64::MAX))
}

/// A new one-time password for an account (forgotten, or expired before first use): shown
/// once, it must be changed at the next sign-in, and every session of the account ends.
#[utoipa::path(post, path = "/admin/users/{id}/one-time-password", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 201, body = ImportedUser), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "self_lockout"),
              (status = 403, body = ErrorBody)))]
pub async fn reset_password(
    State(state): State<AppState>,
    Admin(admin): Admin,
    AppPath(user_id): AppPath<String>,
) -> AppResult<(StatusCode, AppJson<ImportedUser>)> {
    if user_id == admin.id() {
        return Err(AppError::conflict(
            ErrorCode::SelfLockout,
            "change your own password on your account page",
        ));
    }
    let password = one_time_password();
    let hash = state
        .passwords
        .hash_batch(vec![password.clone()])
        .await?
        .pop()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("no hash")))?;
    let now = state.clock.now_ms();
    let expires_at = one_time_password_expiry(&state, now);
    let mut tx = state.db.pool.begin().await?;
    let user = accounts::set_one_time_password(&mut *tx, &user_id, &hash, expires_at, now)
        .await?
        .ok_or_else(AppError::not_found)?;
    sessions::revoke_all(&mut *tx, &user.id, None, now).await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        AppJson(ImportedUser {
            user: user.view(),
            one_time_password: password,
            expires_at: Timestamp(expires_at),
        }),
    ))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserSearchQuery {
    /// Words that must each appear in the username or the display name, whatever their case
    /// or accents ("nguyen van an" finds "Nguyễn Văn An"); at most 100 characters.
    pub q: Option<String>,
    #[param(value_type = Option<crate::auth::accounts::Role>)]
    pub role: Option<String>,
    /// Accounts of this unit or of any unit below it.
    pub org_unit_id: Option<String>,
    #[param(value_type = Option<AccountStatus>)]
    pub status: Option<String>,
    /// 1 to 200 (default 50).
    #[serde(default, deserialize_with = "crate::http::whole_number")]
    #[param(value_type = Option<i64>, minimum = 1, maximum = 200, default = 50)]
    pub limit: Option<i128>,
    /// 0 (default) or more.
    #[serde(default, deserialize_with = "crate::http::whole_number")]
    #[param(value_type = Option<i64>, minimum = 0, default = 0)]
    pub offset: Option<i128>,
}

#[derive(Serialize, ToSchema)]
pub struct AccountListItem {
    #[serde(flatten)]
    pub user: UserView,
    pub status: AccountStatus,
    /// When the account last signed in (a page or the API); null if it never did.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_sign_in_at: Option<Timestamp>,
}

#[derive(Serialize, ToSchema)]
pub struct AccountList {
    pub items: Vec<AccountListItem>,
    pub total: i64,
}

const MAX_QUERY_CHARS: usize = 100;

/// A query value, empty as absent (a search form sends every field).
fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// Accounts found by words of their username or display name (case and accents aside), role,
/// unit (with the units below it) and status, by username, paged.
#[utoipa::path(get, path = "/admin/users", tag = "admin", security(("bearer" = [])), params(UserSearchQuery),
    responses((status = 200, body = AccountList), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn search_users(
    State(state): State<AppState>,
    Admin(_admin): Admin,
    AppQuery(query): AppQuery<UserSearchQuery>,
) -> AppResult<AppJson<AccountList>> {
    let (limit, offset) = Paging {
        limit: query.limit,
        offset: query.offset,
    }
    .bounds()?;
    let mut errors = FieldErrors::new();
    let words = given(&query.q).and_then(|q| {
        errors.take(
            "q",
            if q.chars().count() > MAX_QUERY_CHARS {
                Err(format!("must be at most {MAX_QUERY_CHARS} characters"))
            } else {
                Ok(search_fold(q)
                    .split(' ')
                    .filter(|word| !word.is_empty())
                    .map(str::to_owned)
                    .collect::<Vec<_>>())
            },
        )
    });
    let role = given(&query.role).and_then(|r| errors.take("role", Role::parse(r)));
    let status = given(&query.status).and_then(|s| errors.take("status", AccountStatus::parse(s)));
    let org_unit_ids = match given(&query.org_unit_id) {
        Some(unit) => {
            let units = orgs::store::list(&state.db.pool).await?;
            let subtree = orgs::store::subtree(&units, unit);
            if subtree.is_none() {
                errors.add("org_unit_id", "no such org unit");
            }
            subtree
        }
        None => None,
    };
    errors.into_result()?;
    let search = AccountSearch {
        words: words.unwrap_or_default(),
        role,
        org_unit_ids,
        status,
    };
    let (rows, total) = accounts::search(&state.db.pool, &search, limit, offset).await?;
    let ids: Vec<String> = rows.iter().map(|row| row.id.clone()).collect();
    let signed_in = sessions::last_sign_ins(&state.db.pool, &ids).await?;
    Ok(AppJson(AccountList {
        items: rows
            .iter()
            .map(|row| AccountListItem {
                user: row.view(),
                status: row.status(),
                last_sign_in_at: signed_in.get(&row.id).copied().map(Timestamp),
            })
            .collect(),
        total,
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserChangeRequest {
    #[schema(value_type = Option<crate::auth::accounts::Role>)]
    pub role: Option<String>,
    pub disabled: Option<bool>,
    pub org_unit_id: Option<String>,
    #[schema(min_length = 1, max_length = 64)]
    pub display_name: Option<String>,
}

/// Changes an account's role, status, org unit or display name. Disabling ends its sessions.
#[utoipa::path(patch, path = "/admin/users/{id}", tag = "admin", security(("bearer" = [])), request_body = UserChangeRequest,
    params(("id" = String, Path)),
    responses((status = 200, body = UserView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn change_user(
    State(state): State<AppState>,
    Admin(admin): Admin,
    AppPath(user_id): AppPath<String>,
    AppJson(body): AppJson<UserChangeRequest>,
) -> AppResult<AppJson<UserView>> {
    let mut errors = FieldErrors::new();
    let role = body
        .role
        .as_deref()
        .and_then(|r| errors.take("role", Role::parse(r)));
    let display_name = body
        .display_name
        .as_deref()
        .and_then(|name| errors.take("display_name", DisplayName::parse(name)));
    errors.into_result()?;
    if user_id == admin.id()
        && (body.disabled == Some(true) || role.is_some_and(|r| r != Role::Admin))
    {
        return Err(AppError::conflict(
            ErrorCode::SelfLockout,
            "admins cannot disable or demote themselves",
        ));
    }
    let change = AccountChange {
        role,
        disabled: body.disabled,
        org_unit_id: body.org_unit_id,
        display_name,
    };
    let now = state.clock.now_ms();
    let mut tx = state.db.pool.begin().await?;
    let user = accounts::apply_change(&mut *tx, &user_id, &change, now)
        .await?
        .ok_or_else(AppError::not_found)?;
    if change.disabled == Some(true) {
        sessions::revoke_all(&mut *tx, &user.id, None, now).await?;
    }
    tx.commit().await?;
    let shown = ParticipantChange {
        display_name: change.display_name.is_some(),
        org_unit: change.org_unit_id.is_some(),
        disabled: change.disabled.is_some(),
    };
    if shown.display_name || shown.org_unit || shown.disabled {
        crate::bus::participant_changed(&state, &user.id, shown).await?;
    }
    Ok(AppJson(user.view()))
}

/// `civiquiz admin create`: an admin account from the command line.
pub async fn create_admin(
    db: &Db,
    username: &str,
    display_name: Option<&str>,
    password: &str,
    now_ms: i64,
) -> anyhow::Result<UserRow> {
    let username = Username::parse(username).map_err(|m| anyhow::anyhow!("username {m}"))?;
    let display_name = DisplayName::parse(display_name.unwrap_or(&username.display))
        .map_err(|m| anyhow::anyhow!("display name {m}"))?;
    let password = Password::parse(password).map_err(|m| anyhow::anyhow!("password {m}"))?;
    let passwords = Passwords::new(std::time::Duration::from_secs(60))?;
    let password_hash = passwords
        .hash(&password)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let user = NewUser {
        username,
        display_name,
        password_hash,
        role: Role::Admin,
        org_unit_id: None,
        birth_year: None,
        one_time_password_expires_at: None,
    };
    accounts::insert(&db.pool, &user, now_ms)
        .await
        .map_err(|e| match e {
            AppError::Api { message, .. } => anyhow::anyhow!(message),
            AppError::Internal(e) => e,
        })
}
