//! The audience vote: one per account per approved entry, never on one's own, only while the
//! contest's voting window is open. The vote table is the record; counts are kept on the
//! contest's board (`standings`), which moves only when a vote row was really added or
//! removed, so double clicks and races cannot make it drift.

use std::net::IpAddr;

use crate::http::AppPath;
use axum::extract::State;

use serde::Serialize;
use utoipa::ToSchema;

use super::contest::{self, Contest, Voters};
use super::entry_store::{self as store, EntryRow, EntryStatus};
use super::results::shown_vote;
use super::standings;
use super::vote_log as log;

use crate::app::AppState;
use crate::auth::{AuthUser, ClientIp};
use crate::error::{AppError, AppResult, ErrorBody, ErrorCode};
use crate::http::AppJson;

#[derive(Clone, Copy)]
enum Change {
    Cast,
    Withdraw,
}

impl Change {
    fn as_str(self) -> &'static str {
        match self {
            Change::Cast => "cast",
            Change::Withdraw => "withdraw",
        }
    }
}

/// Adds or removes the caller's vote row and, only if a row really changed, marks the entry's
/// line changed in the same transaction and puts it on the board.
async fn change_vote(
    state: &AppState,
    caller: &AuthUser,
    ip: IpAddr,
    entry: &EntryRow,
    change: Change,
) -> AppResult<()> {
    let now = state.clock.now_ms();
    let mut tx = state.db.pool.begin().await?;
    let query = match change {
        Change::Cast => sqlx::query(
            "INSERT INTO entry_votes (entry_id, user_id, contest_id, voted_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (entry_id, user_id) DO NOTHING",
        )
        .bind(&entry.id)
        .bind(caller.id())
        .bind(&entry.contest_id)
        .bind(now),
        Change::Withdraw => {
            sqlx::query("DELETE FROM entry_votes WHERE entry_id = $1 AND user_id = $2")
                .bind(&entry.id)
                .bind(caller.id())
        }
    };
    let changed = query.execute(&mut *tx).await?.rows_affected() == 1;
    if changed {
        store::bump_board_rev(&mut *tx, &entry.id).await?;
        log::record(
            &mut *tx,
            state,
            caller.id(),
            ip,
            entry,
            change.as_str(),
            now,
        )
        .await?;
    }
    tx.commit().await?;
    if changed {
        standings::entry_changed(state, &entry.contest_id, &entry.id).await;
    }
    Ok(())
}

#[derive(Serialize, ToSchema)]
pub struct VoteView {
    pub entry_id: String,
    /// Whether the caller's vote is counted now.
    pub voted: bool,
    /// The entry's votes as the results' state lets the caller see them: live while `live`
    /// (and for organizers), as at the freeze while `frozen` or `published`, absent while
    /// `hidden`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub votes: Option<i64>,
}

/// The approved entry the caller may vote on now, and its contest.
async fn votable(
    state: &AppState,
    caller: &AuthUser,
    entry_id: &str,
) -> AppResult<(EntryRow, Contest)> {
    let entry = store::find(&state.db.pool, entry_id)
        .await?
        .filter(|entry| entry.status == EntryStatus::Approved)
        .ok_or_else(AppError::not_found)?;
    if entry.user_id == caller.id() {
        return Err(AppError::api(
            ErrorCode::Forbidden,
            "you cannot vote for your own entry",
        ));
    }
    let contest = contest::require(&state.db.pool, &entry.contest_id).await?;
    if !contest.voting_open(state.clock.now_ms()) {
        return Err(AppError::conflict(
            ErrorCode::VotingClosed,
            "voting is not open for this contest",
        ));
    }
    Ok((entry, contest))
}

/// Votes for an approved entry. Voting twice counts once.
#[utoipa::path(post, path = "/entries/{id}/vote", tag = "voting", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = VoteView), (status = 403, body = ErrorBody, description = "one's own entry, or not_a_member"),
              (status = 409, body = ErrorBody, description = "voting_closed"), (status = 404, body = ErrorBody)))]
pub async fn vote(
    State(state): State<AppState>,
    caller: AuthUser,
    ClientIp(ip): ClientIp,
    AppPath(entry_id): AppPath<String>,
) -> AppResult<AppJson<VoteView>> {
    let (entry, contest) = votable(&state, &caller, &entry_id).await?;
    if contest.voters == Voters::Members && caller.user.org_unit_id.is_none() {
        return Err(AppError::api(
            ErrorCode::NotAMember,
            "only accounts placed in a unit (by the school, an import or a join code) vote here",
        ));
    }
    change_vote(&state, &caller, ip, &entry, Change::Cast).await?;
    Ok(AppJson(VoteView {
        votes: shown_vote(&state, &contest, caller.role().organizes(), &entry.id).await?,
        entry_id: entry.id,
        voted: true,
    }))
}

/// Withdraws the caller's vote while voting is open.
#[utoipa::path(delete, path = "/entries/{id}/vote", tag = "voting", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = VoteView), (status = 409, body = ErrorBody, description = "voting_closed"), (status = 404, body = ErrorBody)))]
pub async fn unvote(
    State(state): State<AppState>,
    caller: AuthUser,
    ClientIp(ip): ClientIp,
    AppPath(entry_id): AppPath<String>,
) -> AppResult<AppJson<VoteView>> {
    let (entry, contest) = votable(&state, &caller, &entry_id).await?;
    change_vote(&state, &caller, ip, &entry, Change::Withdraw).await?;
    Ok(AppJson(VoteView {
        votes: shown_vote(&state, &contest, caller.role().organizes(), &entry.id).await?,
        entry_id: entry.id,
        voted: false,
    }))
}
