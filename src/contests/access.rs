//! Who may see an entry and its recording: the entrant, organizers, the judges assigned to it
//! and, once it is approved, everyone. Anyone else gets "not found", as if it did not exist.

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

use super::contest::Contest;
use super::entry_store::{self, EntryRow, EntryStatus};
use super::judging;
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::error::{AppError, AppResult};

/// A caller who may be anonymous (public galleries and playback in a `<video>` element). A
/// request that does send a token must send a valid one.
pub struct MaybeUser(pub Option<AuthUser>);

impl FromRequestParts<AppState> for MaybeUser {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if !parts.headers.contains_key(AUTHORIZATION) {
            return Ok(MaybeUser(None));
        }
        AuthUser::from_request_parts(parts, state)
            .await
            .map(|user| MaybeUser(Some(user)))
    }
}

/// How the caller sees an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer {
    Organizer,
    Owner,
    /// An assigned judge: blind to who made it.
    Judge,
    Public,
}

impl Viewer {
    /// Whether the entrant is named: never to a judge, to the public only as the contest's
    /// `show_authors` allows.
    pub fn sees_author(self, contest: &Contest) -> bool {
        match self {
            Viewer::Organizer | Viewer::Owner => true,
            Viewer::Judge => false,
            Viewer::Public => contest.authors_public(),
        }
    }
    /// Whether consent, moderation notes and the uploader's file name are shown.
    pub fn sees_private(self) -> bool {
        matches!(self, Viewer::Organizer | Viewer::Owner)
    }
}

pub async fn viewer_of(
    state: &AppState,
    caller: Option<&AuthUser>,
    entry: &EntryRow,
) -> AppResult<Option<Viewer>> {
    if let Some(caller) = caller {
        if caller.role().organizes() {
            return Ok(Some(Viewer::Organizer));
        }
        if caller.id() == entry.user_id {
            return Ok(Some(Viewer::Owner));
        }
        if judging::is_assigned(&state.db.pool, &entry.id, caller.id()).await? {
            return Ok(Some(Viewer::Judge));
        }
    }
    Ok((entry.status == EntryStatus::Approved).then_some(Viewer::Public))
}

/// The entry and how the caller sees it, or "not found".
pub async fn visible_entry(
    state: &AppState,
    caller: Option<&AuthUser>,
    entry_id: &str,
) -> AppResult<(EntryRow, Viewer)> {
    let entry = entry_store::find(&state.db.pool, entry_id)
        .await?
        .ok_or_else(AppError::not_found)?;
    let viewer = viewer_of(state, caller, &entry)
        .await?
        .ok_or_else(AppError::not_found)?;
    Ok((entry, viewer))
}

/// The caller's own entry, or "not found".
pub async fn owned_entry(
    state: &AppState,
    caller: &AuthUser,
    entry_id: &str,
) -> AppResult<EntryRow> {
    entry_store::find(&state.db.pool, entry_id)
        .await?
        .filter(|entry| entry.user_id == caller.id())
        .ok_or_else(AppError::not_found)
}
