//! Register, sign in, refresh, sign out, and the caller's own account.

use std::net::IpAddr;

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::accounts::{self, NewUser, Role, UserView};
use super::credentials::{DisplayName, Password, Username, parse_birth_year};
use super::extract::{ClientIp, SessionUser};
use super::tokens::ACCESS_TTL_S;
use super::{devices, limits, registration, sessions};
use crate::app::AppState;
use crate::error::{AppError, AppResult, ErrorBody, ErrorCode, FieldErrors};
use crate::http::AppJson;

#[derive(Deserialize, ToSchema)]
pub struct RegisterRequest {
    /// Letters of the Latin script (Vietnamese included), digits, `.`, `_`, `-`.
    #[schema(min_length = 3, max_length = 32)]
    pub username: String,
    #[schema(min_length = 10, max_length = 128)]
    pub password: String,
    #[schema(min_length = 1, max_length = 64)]
    pub display_name: String,
    /// Honoured where `REGISTRATION` is `open`; elsewhere the unit comes from `join_code`.
    pub org_unit_id: Option<String>,
    /// A unit's join code (printed by its organizers): she joins that unit.
    pub join_code: Option<String>,
    #[schema(minimum = 1900)]
    pub birth_year: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct AuthResponse {
    pub user: UserView,
    pub access_token: String,
    pub refresh_token: String,
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    /// After a sign-in: this device's token for the account, to send with the next sign-in
    /// (`LoginRequest.device_token`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device_token: Option<String>,
}

pub fn current_year(now_ms: i64) -> i64 {
    time::OffsetDateTime::from_unix_timestamp(now_ms.div_euclid(1000))
        .map(|t| i64::from(t.year()))
        .unwrap_or(2100)
}

/// Issues the token pair of a session.
async fn respond(
    state: &AppState,
    user: &accounts::UserRow,
    session: sessions::Session,
) -> AppResult<AuthResponse> {
    let access_token = state.tokens.issue_access(
        &user.id,
        &session.family_id,
        &user.security_stamp,
        state.clock.now_ms(),
    )?;
    Ok(AuthResponse {
        user: user.view(),
        access_token,
        refresh_token: session.refresh_token,
        token_type: "Bearer",
        expires_in: ACCESS_TTL_S,
        device_token: None,
    })
}

/// Creates a participant account and signs it in.
#[utoipa::path(post, path = "/auth/register", tag = "auth", request_body = RegisterRequest,
    responses((status = 201, body = AuthResponse), (status = 409, body = ErrorBody, description = "username_taken"),
              (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn register(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    AppJson(body): AppJson<RegisterRequest>,
) -> AppResult<(StatusCode, AppJson<AuthResponse>)> {
    let user = create_participant(&state, ip, body).await?;
    let now = state.clock.now_ms();
    let session = sessions::start(&state.db.pool, &user.id, now).await?;
    let mut response = respond(&state, &user, session).await?;
    response.device_token = Some(devices::issue(&state, &user.id, None, now));
    Ok((StatusCode::CREATED, AppJson(response)))
}

/// Validates a registration and creates the participant's account (the API and the
/// register page both come here).
pub async fn create_participant(
    state: &AppState,
    ip: IpAddr,
    body: RegisterRequest,
) -> AppResult<accounts::UserRow> {
    limits::per_address(state, ip).await?;
    let policy = registration::policy(state).await?;
    let now = state.clock.now_ms();
    let mut errors = FieldErrors::new();
    let username = errors.take("username", Username::parse(&body.username));
    let password = errors.take("password", Password::parse(&body.password));
    let display_name = errors.take("display_name", DisplayName::parse(&body.display_name));
    let birth_year = match body.birth_year {
        Some(year) => errors.take("birth_year", parse_birth_year(year, current_year(now))),
        None => None,
    };
    let (Some(username), Some(password), Some(display_name)) = (username, password, display_name)
    else {
        return Err(errors.into());
    };
    errors.into_result()?;
    let org_unit_id =
        registration::placement(state, policy, body.org_unit_id, body.join_code.as_deref()).await?;
    let slot = limits::reserve_account(state, ip).await?;
    let password_hash = state.passwords.hash(&password).await?;
    let created = accounts::insert(
        &state.db.pool,
        &NewUser {
            username,
            display_name,
            password_hash,
            role: Role::Participant,
            org_unit_id,
            birth_year,
            one_time_password_expires_at: None,
        },
        now,
    )
    .await;
    if created.is_err() {
        slot.release(state).await;
    }
    created
}

#[derive(Deserialize, ToSchema)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
    /// The `device_token` an earlier sign-in on this device returned: failed sign-ins from
    /// elsewhere do not lock this device out.
    #[schema(max_length = 256)]
    pub device_token: Option<String>,
}

/// Signs in. Unknown users and wrong passwords get the same answer for the same work.
#[utoipa::path(post, path = "/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = AuthResponse), (status = 401, body = ErrorBody, description = "invalid_credentials"),
              (status = 429, body = ErrorBody, description = "rate_limited"), (status = 503, body = ErrorBody, description = "overloaded")))]
pub async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    AppJson(body): AppJson<LoginRequest>,
) -> AppResult<AppJson<AuthResponse>> {
    let signed_in = authenticate(
        &state,
        ip,
        &body.username,
        &body.password,
        body.device_token.as_deref(),
    )
    .await?;
    let session = sessions::start(&state.db.pool, &signed_in.user.id, state.clock.now_ms()).await?;
    let mut response = respond(&state, &signed_in.user, session).await?;
    response.device_token = Some(signed_in.device_token);
    Ok(AppJson(response))
}

/// A successful sign-in: the account, and the device token to keep for the next one.
pub struct SignedIn {
    pub user: accounts::UserRow,
    pub device_token: String,
}

/// Checks a sign-in under the rate limits: the account, or `invalid_credentials`
/// (`one_time_password_expired` once the right one-time password is past its days).
pub async fn authenticate(
    state: &AppState,
    ip: IpAddr,
    username: &str,
    password: &str,
    device_token: Option<&str>,
) -> AppResult<SignedIn> {
    limits::per_address(state, ip).await?;
    // No account has a longer name (32 characters, at most 4 bytes each): refused before it
    // can cost the limiter or the database anything.
    if username.len() > 32 * 4 + 64 {
        return Err(AppError::invalid_credentials());
    }
    let key = Username::key_of(username);
    let user = accounts::find_by_username_key(&state.db.pool, &key).await?;
    let now = state.clock.now_ms();
    let device = match (device_token, &user) {
        (Some(token), Some(user)) => devices::recognise(state, token, &user.id, now),
        _ => None,
    };
    let slot = limits::reserve_login(state, &key, device.as_ref(), ip).await?;
    let candidate = Password::candidate(password);
    let matches = state
        .passwords
        .verify(&candidate, user.as_ref().map(|u| u.password_hash.as_str()))
        .await?;
    let user = match user {
        Some(user) if matches && !user.disabled => user,
        _ => return Err(AppError::invalid_credentials()),
    };
    slot.release(state).await;
    if user.one_time_password_expired(now) {
        return Err(AppError::api(
            ErrorCode::OneTimePasswordExpired,
            "this one-time password has expired: ask your school for a new one",
        ));
    }
    Ok(SignedIn {
        device_token: devices::issue(state, &user.id, device.as_ref(), now),
        user,
    })
}

#[derive(Deserialize, ToSchema)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

/// Exchanges a refresh token for a new pair. A token used twice ends its whole session.
#[utoipa::path(post, path = "/auth/refresh", tag = "auth", request_body = RefreshRequest,
    responses((status = 200, body = AuthResponse), (status = 401, body = ErrorBody, description = "token_invalid or token_expired"),
              (status = 429, body = ErrorBody, description = "rate_limited")))]
pub async fn refresh(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    AppJson(body): AppJson<RefreshRequest>,
) -> AppResult<AppJson<AuthResponse>> {
    limits::per_address(&state, ip).await?;
    let now = state.clock.now_ms();
    let session = sessions::rotate(&state.db.pool, body.refresh_token.trim(), now).await?;
    let user = accounts::find_by_id(&state.db.pool, &session.user_id)
        .await?
        .filter(|user| !user.disabled)
        .ok_or_else(AppError::token_invalid)?;
    Ok(AppJson(respond(&state, &user, session).await?))
}

/// Ends the session the refresh token belongs to (the caller's own only).
#[utoipa::path(post, path = "/auth/logout", tag = "auth", request_body = RefreshRequest, security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody)))]
pub async fn logout(
    State(state): State<AppState>,
    caller: SessionUser,
    AppJson(body): AppJson<RefreshRequest>,
) -> AppResult<StatusCode> {
    match sessions::family_owner(&state.db.pool, body.refresh_token.trim()).await? {
        Some((family_id, owner)) if owner == caller.user.id => {
            sessions::revoke_family(&state.db.pool, &family_id, state.clock.now_ms()).await?;
            Ok(StatusCode::NO_CONTENT)
        }
        _ => Err(AppError::token_invalid()),
    }
}

/// The caller's account.
#[utoipa::path(get, path = "/me", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = UserView), (status = 401, body = ErrorBody)))]
pub async fn me(caller: SessionUser) -> AppJson<UserView> {
    AppJson(caller.user.view())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeChangeRequest {
    /// The name boards and pages show (the register page's rules).
    #[schema(min_length = 1, max_length = 64)]
    pub display_name: String,
}

/// Changes the caller's display name. A name she picks herself replaces the pseudonym public
/// boards show for an imported account.
#[utoipa::path(patch, path = "/me", tag = "auth", request_body = MeChangeRequest, security(("bearer" = [])),
    responses((status = 200, body = UserView), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_me(
    State(state): State<AppState>,
    caller: SessionUser,
    AppJson(body): AppJson<MeChangeRequest>,
) -> AppResult<AppJson<UserView>> {
    let name = DisplayName::parse(&body.display_name)
        .map_err(|reason| FieldErrors::single("display_name", reason))?;
    let user = rename_self(&state, &caller.user, &name).await?;
    Ok(AppJson(user.view()))
}

/// Sets the user's own display name and tells the boards (the API and the account page).
pub async fn rename_self(
    state: &AppState,
    user: &accounts::UserRow,
    name: &DisplayName,
) -> AppResult<accounts::UserRow> {
    let renamed =
        accounts::set_own_display_name(&state.db.pool, &user.id, name, state.clock.now_ms())
            .await?
            .ok_or_else(AppError::not_found)?;
    let change = crate::bus::ParticipantChange {
        display_name: true,
        org_unit: false,
        disabled: false,
    };
    crate::bus::participant_changed(state, &renamed.id, change).await?;
    Ok(renamed)
}

#[derive(Deserialize, ToSchema)]
pub struct ChangePasswordRequest {
    pub current_password: String,
    #[schema(min_length = 10, max_length = 128)]
    pub new_password: String,
}

/// Changes the caller's password; every other session ends, and access tokens issued before
/// stop working (the caller refreshes to continue).
#[utoipa::path(patch, path = "/me/password", tag = "auth", request_body = ChangePasswordRequest, security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody),
              (status = 429, body = ErrorBody, description = "rate_limited: too many wrong current passwords"),
              (status = 503, body = ErrorBody, description = "overloaded")))]
pub async fn change_password(
    State(state): State<AppState>,
    caller: SessionUser,
    AppJson(body): AppJson<ChangePasswordRequest>,
) -> AppResult<StatusCode> {
    replace_password(&state, &caller.user, &body, Some(&caller.session_id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Checks the current password and sets the new one; every session but `keep` ends, and
/// the new security stamp ends every access token issued before.
pub async fn replace_password(
    state: &AppState,
    user: &accounts::UserRow,
    body: &ChangePasswordRequest,
    keep: Option<&str>,
) -> AppResult<()> {
    let new_password = Password::parse(&body.new_password)
        .map_err(|reason| FieldErrors::single("new_password", reason))?;
    let slot = limits::reserve_password_check(state, &user.id).await?;
    let current = Password::candidate(&body.current_password);
    if !state
        .passwords
        .verify(&current, Some(&user.password_hash))
        .await?
    {
        return Err(FieldErrors::single(
            "current_password",
            "is not your current password",
        ));
    }
    slot.release(state).await;
    if body.current_password == body.new_password {
        return Err(FieldErrors::single(
            "new_password",
            "must differ from the current password",
        ));
    }
    let hash = state.passwords.hash(&new_password).await?;
    let now = state.clock.now_ms();
    let mut tx = state.db.pool.begin().await?;
    accounts::set_password(&mut *tx, &user.id, &hash, now).await?;
    sessions::revoke_all(&mut *tx, &user.id, keep, now).await?;
    tx.commit().await?;
    Ok(())
}
