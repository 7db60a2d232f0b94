//! The `users` table: the only place its SQL lives.

use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, FromRow, Row};
use utoipa::ToSchema;

use super::credentials::{DisplayName, Username, search_fold};
use super::tokens::new_security_stamp;
use crate::db::{self, Pool, new_id};
use crate::error::{AppError, AppResult, ErrorCode, FieldErrors};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Participant,
    Judge,
    Organizer,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Participant => "participant",
            Role::Judge => "judge",
            Role::Organizer => "organizer",
            Role::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        match text.trim() {
            "participant" => Ok(Role::Participant),
            "judge" => Ok(Role::Judge),
            "organizer" => Ok(Role::Organizer),
            "admin" => Ok(Role::Admin),
            _ => Err("must be participant, judge, organizer or admin".into()),
        }
    }

    /// Admins can do whatever organizers can.
    pub fn organizes(self) -> bool {
        matches!(self, Role::Organizer | Role::Admin)
    }
}

impl std::str::FromStr for Role {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        Role::parse(text)
    }
}

/// An account as stored, with its role and flags decoded once, here.
#[derive(Debug, Clone)]
pub struct UserRow {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: Role,
    pub org_unit_id: Option<String>,
    pub birth_year: Option<i64>,
    pub disabled: bool,
    pub must_change_password: bool,
    /// When the one-time password stops working (imported accounts, until changed).
    pub password_expires_at: Option<i64>,
    /// Whether she picked her display name herself; until then public boards show a
    /// pseudonym (an imported roster name is a child's full name).
    pub display_name_chosen: bool,
    pub security_stamp: String,
}

impl<'r> FromRow<'r, AnyRow> for UserRow {
    fn from_row(row: &'r AnyRow) -> sqlx::Result<Self> {
        Ok(UserRow {
            id: row.try_get("id")?,
            username: row.try_get("username")?,
            display_name: row.try_get("display_name")?,
            password_hash: row.try_get("password_hash")?,
            role: db::parse_column(row, "role")?,
            org_unit_id: row.try_get("org_unit_id")?,
            birth_year: row.try_get("birth_year")?,
            disabled: db::flag(row, "disabled")?,
            must_change_password: db::flag(row, "must_change_password")?,
            password_expires_at: row.try_get("password_expires_at")?,
            display_name_chosen: db::flag(row, "display_name_chosen")?,
            security_stamp: row.try_get("security_stamp")?,
        })
    }
}

/// What `GET /me` and the auth responses show of an account.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UserView {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub org_unit_id: Option<String>,
    pub birth_year: Option<i64>,
    pub disabled: bool,
    /// Set for accounts created with a one-time password until the user picks their own.
    pub must_change_password: bool,
}

/// Where an account stands, as the admins' search lists it: one of three, never two.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AccountStatus {
    /// Signs in with a password of her own.
    Active,
    /// Imported or reset, and has not chosen her own password yet.
    OneTimePassword,
    /// Cannot sign in.
    Disabled,
}

impl AccountStatus {
    pub const ALL: [AccountStatus; 3] = [
        AccountStatus::Active,
        AccountStatus::OneTimePassword,
        AccountStatus::Disabled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AccountStatus::Active => "active",
            AccountStatus::OneTimePassword => "one_time_password",
            AccountStatus::Disabled => "disabled",
        }
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|status| status.as_str() == text.trim())
            .ok_or_else(|| "must be active, one_time_password or disabled".into())
    }

    /// The condition on `users` that picks accounts of this status.
    fn condition(self) -> &'static str {
        match self {
            AccountStatus::Active => "disabled = 0 AND must_change_password = 0",
            AccountStatus::OneTimePassword => "disabled = 0 AND must_change_password = 1",
            AccountStatus::Disabled => "disabled = 1",
        }
    }
}

impl UserRow {
    pub fn role(&self) -> Role {
        self.role
    }

    pub fn status(&self) -> AccountStatus {
        if self.disabled {
            AccountStatus::Disabled
        } else if self.must_change_password {
            AccountStatus::OneTimePassword
        } else {
            AccountStatus::Active
        }
    }

    /// A one-time password past its days: the right password no longer signs in.
    pub fn one_time_password_expired(&self, now_ms: i64) -> bool {
        self.must_change_password && self.password_expires_at.is_some_and(|at| now_ms >= at)
    }

    pub fn view(&self) -> UserView {
        UserView {
            id: self.id.clone(),
            username: self.username.clone(),
            display_name: self.display_name.clone(),
            role: self.role(),
            org_unit_id: self.org_unit_id.clone(),
            birth_year: self.birth_year,
            disabled: self.disabled,
            must_change_password: self.must_change_password,
        }
    }
}

const USER_COLUMNS: &str = "id, username, display_name, password_hash, role, org_unit_id, birth_year, disabled, must_change_password, password_expires_at, display_name_chosen, security_stamp";
/// The same columns of `users u`, for queries that join it.
pub const USER_COLUMNS_OF_U: &str = "u.id, u.username, u.display_name, u.password_hash, u.role, u.org_unit_id, u.birth_year, u.disabled, u.must_change_password, u.password_expires_at, u.display_name_chosen, u.security_stamp";

pub struct NewUser {
    pub username: Username,
    pub display_name: DisplayName,
    pub password_hash: String,
    pub role: Role,
    pub org_unit_id: Option<String>,
    pub birth_year: Option<i64>,
    /// A one-time password (imports), which must be changed before it expires.
    pub one_time_password_expires_at: Option<i64>,
}

/// Inserts one account. The unique index on the normalised username decides races.
pub async fn insert<'e, E>(executor: E, user: &NewUser, now_ms: i64) -> AppResult<UserRow>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let sql = format!(
        "INSERT INTO users (id, username, username_key, display_name, password_hash, role, org_unit_id, birth_year, disabled, must_change_password, password_expires_at, display_name_chosen, security_stamp, created_at, updated_at, username_folded, display_name_folded)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $10, $11, $12, $13, $13, $14, $15) RETURNING {USER_COLUMNS}"
    );
    sqlx::query_as::<_, UserRow>(AssertSqlSafe(sql))
        .bind(new_id())
        .bind(&user.username.display)
        .bind(&user.username.key)
        .bind(&user.display_name.0)
        .bind(&user.password_hash)
        .bind(user.role.as_str())
        .bind(&user.org_unit_id)
        .bind(user.birth_year)
        .bind(db::bool_to_db(user.one_time_password_expires_at.is_some()))
        .bind(user.one_time_password_expires_at)
        // Someone who types her own name has chosen it; a roster's name was chosen for her.
        .bind(db::bool_to_db(user.one_time_password_expires_at.is_none()))
        .bind(new_security_stamp())
        .bind(now_ms)
        .bind(search_fold(&user.username.display))
        .bind(search_fold(&user.display_name.0))
        .fetch_one(executor)
        .await
        .map_err(|error| {
            if db::is_unique_violation(&error) {
                AppError::conflict(ErrorCode::UsernameTaken, "that username is taken")
            } else if db::is_foreign_key_violation(&error) {
                FieldErrors::single("org_unit_id", "no such org unit")
            } else {
                error.into()
            }
        })
}

pub async fn find_by_id(pool: &Pool, id: &str) -> AppResult<Option<UserRow>> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
    Ok(sqlx::query_as::<_, UserRow>(AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(pool)
        .await?)
}

pub async fn find_by_username_key(pool: &Pool, key: &str) -> AppResult<Option<UserRow>> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE username_key = $1");
    Ok(sqlx::query_as::<_, UserRow>(AssertSqlSafe(sql))
        .bind(key)
        .fetch_optional(pool)
        .await?)
}

/// Keys among `keys` that already belong to accounts (for bulk-import row errors).
pub async fn existing_username_keys(pool: &Pool, keys: &[String]) -> AppResult<Vec<String>> {
    let mut taken = Vec::new();
    for chunk in keys.chunks(500) {
        let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT username_key FROM users WHERE username_key IN ({})",
            placeholders.join(", ")
        );
        let mut query = sqlx::query_scalar::<_, String>(AssertSqlSafe(sql));
        for key in chunk {
            query = query.bind(key);
        }
        taken.extend(query.fetch_all(pool).await?);
    }
    Ok(taken)
}

/// What an admin searches accounts by; every part given must hold.
#[derive(Debug, Default)]
pub struct AccountSearch {
    /// Words folded by `search_fold`, each found in the username or the display name.
    pub words: Vec<String>,
    pub role: Option<Role>,
    /// A unit and every unit below it.
    pub org_unit_ids: Option<Vec<String>>,
    pub status: Option<AccountStatus>,
}

/// `word` as a LIKE pattern that finds it anywhere, its own `%` and `_` taken literally.
fn contains_pattern(word: &str) -> String {
    let mut pattern = String::from("%");
    for c in word.chars() {
        if matches!(c, '\\' | '%' | '_') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// A page of the accounts `search` finds, by username, and how many it finds in all.
pub async fn search(
    pool: &Pool,
    search: &AccountSearch,
    limit: i64,
    offset: i64,
) -> AppResult<(Vec<UserRow>, i64)> {
    let mut conditions: Vec<String> = Vec::new();
    let mut binds: Vec<String> = Vec::new();
    let next = |binds: &mut Vec<String>, value: String| {
        binds.push(value);
        format!("${}", binds.len())
    };
    for word in &search.words {
        let at = next(&mut binds, contains_pattern(word));
        conditions.push(format!(
            "(username_folded LIKE {at} ESCAPE '\\' OR display_name_folded LIKE {at} ESCAPE '\\')"
        ));
    }
    if let Some(role) = search.role {
        let at = next(&mut binds, role.as_str().to_owned());
        conditions.push(format!("role = {at}"));
    }
    if let Some(units) = &search.org_unit_ids {
        let placeholders: Vec<String> = units
            .iter()
            .map(|unit| next(&mut binds, unit.clone()))
            .collect();
        conditions.push(if placeholders.is_empty() {
            "1 = 0".to_owned()
        } else {
            format!("org_unit_id IN ({})", placeholders.join(", "))
        });
    }
    if let Some(status) = search.status {
        conditions.push(format!("({})", status.condition()));
    }
    let filter = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };
    let count_sql = format!("SELECT COUNT(*) FROM users {filter}");
    let mut count = sqlx::query_scalar::<_, i64>(AssertSqlSafe(count_sql));
    for value in &binds {
        count = count.bind(value);
    }
    let total = count.fetch_one(pool).await?;
    let page_sql = format!(
        "SELECT {USER_COLUMNS} FROM users {filter} ORDER BY username_key, id LIMIT ${} OFFSET ${}",
        binds.len() + 1,
        binds.len() + 2
    );
    let mut page = sqlx::query_as::<_, UserRow>(AssertSqlSafe(page_sql));
    for value in &binds {
        page = page.bind(value);
    }
    let rows = page.bind(limit).bind(offset).fetch_all(pool).await?;
    Ok((rows, total))
}

/// Sets a new password and stamp: every access token issued before stops working.
pub async fn set_password<'e, E>(
    executor: E,
    user_id: &str,
    password_hash: &str,
    now_ms: i64,
) -> AppResult<()>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query(
        "UPDATE users SET password_hash = $1, security_stamp = $2, must_change_password = 0, password_expires_at = NULL, updated_at = $3 WHERE id = $4",
    )
    .bind(password_hash)
    .bind(new_security_stamp())
    .bind(now_ms)
    .bind(user_id)
    .execute(executor)
    .await?;
    Ok(())
}

/// Gives the account a new one-time password (an admin's reset): it must be changed before
/// `expires_at`, and every token issued before stops working.
pub async fn set_one_time_password<'e, E>(
    executor: E,
    user_id: &str,
    password_hash: &str,
    expires_at_ms: i64,
    now_ms: i64,
) -> AppResult<Option<UserRow>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let sql = format!(
        "UPDATE users SET password_hash = $1, security_stamp = $2, must_change_password = 1, password_expires_at = $3, updated_at = $4
         WHERE id = $5 RETURNING {USER_COLUMNS}"
    );
    Ok(sqlx::query_as::<_, UserRow>(AssertSqlSafe(sql))
        .bind(password_hash)
        .bind(new_security_stamp())
        .bind(expires_at_ms)
        .bind(now_ms)
        .bind(user_id)
        .fetch_optional(executor)
        .await?)
}

/// The name the public sees for `user`: hers if she chose it, else the pseudonym of a roster
/// name (her given name's initial and her unit).
pub async fn public_name_of(pool: &Pool, user: &UserRow) -> AppResult<String> {
    if user.display_name_chosen {
        return Ok(user.display_name.clone());
    }
    let unit = match &user.org_unit_id {
        Some(id) => crate::orgs::store::find(pool, id).await?,
        None => None,
    };
    Ok(super::credentials::public_name(
        &user.display_name,
        false,
        unit.as_ref().map(|u| u.name.as_str()),
    ))
}

/// The caller's own display name: chosen by her from now on.
pub async fn set_own_display_name(
    pool: &Pool,
    user_id: &str,
    name: &DisplayName,
    now_ms: i64,
) -> AppResult<Option<UserRow>> {
    let sql = format!(
        "UPDATE users SET display_name = $1, display_name_chosen = 1, updated_at = $2, display_name_folded = $4 WHERE id = $3 RETURNING {USER_COLUMNS}"
    );
    Ok(sqlx::query_as::<_, UserRow>(AssertSqlSafe(sql))
        .bind(&name.0)
        .bind(now_ms)
        .bind(user_id)
        .bind(search_fold(&name.0))
        .fetch_optional(pool)
        .await?)
}

pub struct AccountChange {
    pub role: Option<Role>,
    pub disabled: Option<bool>,
    pub org_unit_id: Option<String>,
    pub display_name: Option<DisplayName>,
}

/// Applies an admin's change; disabling also rotates the stamp so the user's tokens die.
pub async fn apply_change<'e, E>(
    executor: E,
    user_id: &str,
    change: &AccountChange,
    now_ms: i64,
) -> AppResult<Option<UserRow>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let stamp_changes = change.disabled == Some(true);
    let sql = format!(
        "UPDATE users SET
            role = COALESCE($1, role),
            disabled = COALESCE($2, disabled),
            org_unit_id = COALESCE($3, org_unit_id),
            display_name = COALESCE($4, display_name),
            display_name_folded = COALESCE($9, display_name_folded),
            security_stamp = CASE WHEN $5 = 1 THEN $6 ELSE security_stamp END,
            updated_at = $7
         WHERE id = $8 RETURNING {USER_COLUMNS}"
    );
    sqlx::query_as::<_, UserRow>(AssertSqlSafe(sql))
        .bind(change.role.map(Role::as_str))
        .bind(change.disabled.map(db::bool_to_db))
        .bind(&change.org_unit_id)
        .bind(change.display_name.as_ref().map(|name| name.0.clone()))
        .bind(db::bool_to_db(stamp_changes))
        .bind(new_security_stamp())
        .bind(now_ms)
        .bind(user_id)
        .bind(
            change
                .display_name
                .as_ref()
                .map(|name| search_fold(&name.0)),
        )
        .fetch_optional(executor)
        .await
        .map_err(|error| {
            if db::is_foreign_key_violation(&error) {
                FieldErrors::single("org_unit_id", "no such org unit")
            } else {
                error.into()
            }
        })
}

#[derive(FromRow)]
struct SessionRow {
    #[sqlx(flatten)]
    user: UserRow,
    revoked: i64,
}

/// The account behind an access token and whether its session was revoked, in one query:
/// this runs on every authenticated request.
pub async fn find_for_session(
    pool: &Pool,
    user_id: &str,
    family_id: &str,
) -> AppResult<Option<(UserRow, bool)>> {
    let sql = format!(
        "SELECT {USER_COLUMNS},
            (SELECT COUNT(*) FROM refresh_tokens r WHERE r.family_id = $2 AND r.revoked_at IS NOT NULL) AS revoked
         FROM users WHERE id = $1"
    );
    let row = sqlx::query_as::<_, SessionRow>(AssertSqlSafe(sql))
        .bind(user_id)
        .bind(family_id)
        .fetch_optional(pool)
        .await?;
    Ok(row.map(|row| (row.user, row.revoked > 0)))
}
