//! Moderation: organizers approve, reject or disqualify submitted entries, with the reason
//! kept (and every decision in `entry_moderation`). Approval puts an entry in the gallery and
//! in the judges' queues.

use crate::http::AppPath;
use axum::extract::State;
use serde::Deserialize;
use utoipa::ToSchema;

use super::contest::{self, text_field};
use super::entries::{EntryView, entry_view};
use super::entry_store::{self as store, EntryStatus};
use super::{access::Viewer, judging, standings};
use crate::app::AppState;
use crate::auth::Organizer;
use crate::error::{AppError, AppResult, ErrorBody, ErrorCode, FieldErrors};
use crate::http::AppJson;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Approve,
    Reject,
    Disqualify,
}

impl Decision {
    fn as_str(self) -> &'static str {
        match self {
            Decision::Approve => "approve",
            Decision::Reject => "reject",
            Decision::Disqualify => "disqualify",
        }
    }
    fn status(self) -> EntryStatus {
        match self {
            Decision::Approve => EntryStatus::Approved,
            Decision::Reject => EntryStatus::Rejected,
            Decision::Disqualify => EntryStatus::Disqualified,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ModerationRequest {
    pub decision: Decision,
    /// Shown to the entrant; required to reject or disqualify.
    pub reason: Option<String>,
}

/// Decides on a submitted entry (a later decision may overturn an earlier one).
#[utoipa::path(post, path = "/entries/{id}/moderation", tag = "entries", security(("bearer" = [])), params(("id" = String, Path)),
    request_body = ModerationRequest,
    responses((status = 200, body = EntryView), (status = 409, body = ErrorBody, description = "the entry is still a draft"),
              (status = 422, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn moderate_entry(
    State(state): State<AppState>,
    Organizer(caller): Organizer,
    AppPath(entry_id): AppPath<String>,
    AppJson(body): AppJson<ModerationRequest>,
) -> AppResult<AppJson<EntryView>> {
    let reason = match body.reason.as_deref().map(str::trim) {
        Some(reason) if !reason.is_empty() => {
            text_field(reason, 1, 2000).map_err(|problem| FieldErrors::single("reason", problem))?
        }
        _ if body.decision != Decision::Approve => {
            return Err(FieldErrors::single(
                "reason",
                "is required to reject or disqualify",
            ));
        }
        _ => String::new(),
    };
    let entry = store::find(&state.db.pool, &entry_id)
        .await?
        .ok_or_else(AppError::not_found)?;
    let now = state.clock.now_ms();
    let decided = store::moderate(
        &state.db.pool,
        &entry.id,
        body.decision.as_str(),
        body.decision.status(),
        &reason,
        caller.id(),
        now,
    )
    .await?;
    if !decided {
        return Err(AppError::conflict(
            ErrorCode::EntryNotSubmitted,
            "the entry is still a draft: it can be moderated once submitted",
        ));
    }
    standings::entry_changed(&state, &entry.contest_id, &entry.id).await;
    if body.decision == Decision::Approve {
        let contest = contest::require(&state.db.pool, &entry.contest_id).await?;
        judging::assign(&state, &contest).await?;
    }
    let entry = store::find(&state.db.pool, &entry_id)
        .await?
        .ok_or_else(AppError::not_found)?;
    Ok(AppJson(
        entry_view(&state, &entry, Viewer::Organizer).await?,
    ))
}
