//! Who may make her own account, and which unit she lands in (`REGISTRATION`).
//!
//! A unit decides which restricted quizzes its members see and on which boards they rank, so
//! picking a unit is not left to whoever registers once a deployment hands out join codes.

use clap::ValueEnum;

use crate::app::AppState;
use crate::error::{AppError, AppResult, ErrorCode, FieldErrors};
use crate::orgs::join_codes;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Registration {
    /// Anyone registers and picks her unit from the tree (a closed network, a trusted class).
    Open,
    /// Anyone registers; she joins a unit only with its join code, else belongs to none until
    /// an admin places her.
    JoinCode,
    /// No self-registration: accounts come from imports and admins.
    Closed,
}

/// The deployment's policy: `REGISTRATION` when set, otherwise `join_code` as soon as any
/// unit has a live code, `open` before.
pub async fn policy(state: &AppState) -> AppResult<Registration> {
    if let Some(policy) = state.config.registration {
        return Ok(policy);
    }
    Ok(
        if join_codes::any_live(&state.db.pool, state.clock.now_ms()).await? {
            Registration::JoinCode
        } else {
            Registration::Open
        },
    )
}

/// The unit a new account belongs to under `policy`, from what she sent.
pub async fn placement(
    state: &AppState,
    policy: Registration,
    org_unit_id: Option<String>,
    join_code: Option<&str>,
) -> AppResult<Option<String>> {
    let join_code = join_code.map(str::trim).filter(|code| !code.is_empty());
    let by_code = match join_code {
        Some(code) => Some(
            join_codes::unit_of(&state.db.pool, code, state.clock.now_ms())
                .await?
                .ok_or_else(|| {
                    FieldErrors::single("join_code", "is not a valid join code, or has expired")
                })?,
        ),
        None => None,
    };
    match (policy, by_code, org_unit_id) {
        (Registration::Closed, _, _) => Err(AppError::api(
            ErrorCode::RegistrationClosed,
            "accounts are made by the organizers here; ask your school for yours",
        )),
        (_, Some(unit), Some(asked)) if asked != unit => Err(FieldErrors::single(
            "org_unit_id",
            "is not the unit of that join code",
        )),
        (_, Some(unit), _) => Ok(Some(unit)),
        (Registration::JoinCode, None, Some(_)) => Err(FieldErrors::single(
            "org_unit_id",
            "is joined with the unit's join code",
        )),
        (Registration::JoinCode, None, None) => Ok(None),
        (Registration::Open, None, asked) => Ok(asked),
    }
}
