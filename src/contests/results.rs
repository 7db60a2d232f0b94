//! Contest results: approved entries ranked by the mean of their judges' weighted
//! percentages (once `judges_per_entry` judges have scored), with vote counts; shown by the
//! same states as quiz boards. A freeze keeps a snapshot the public sees; publishing writes an
//! immutable snapshot with the SHA-256 of its canonical JSON (`boards::publication`).
//!
//! Live standings are read from the contest's board (`standings`); snapshots are taken from
//! the database of record.

use crate::http::AppPath;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::access::MaybeUser;
use super::contest::{self, Contest, ResultsState};
use super::standings::{self, WHOLE_BOARD};
use crate::app::AppState;
use crate::auth::Organizer;
use crate::boards::publication::{self, Sealed, SnapshotKind};
use crate::bus::Topic;
use crate::clock::Timestamp;
use crate::db::Pool;
use crate::error::{AppError, AppResult, ErrorBody, ErrorCode};
use crate::http::AppJson;

pub use super::standings::Standing;

async fn snapshot(pool: &Pool, contest_id: &str, kind: SnapshotKind) -> AppResult<Option<Sealed>> {
    publication::find(pool, &publication::contest_results(contest_id), kind).await
}

/// The vote counts of entries of `contest` as a viewer may see them: live for organizers and
/// while the results are live; as at the freeze (or the publication) while frozen or
/// published, from that snapshot; none while hidden. Counts that keep moving behind a frozen
/// board would tell what the freeze hides.
pub async fn shown_votes(
    state: &AppState,
    contest: &Contest,
    organizes: bool,
    entry_ids: &[&str],
) -> AppResult<Vec<Option<i64>>> {
    let kind = match contest.results_state {
        _ if organizes => None,
        ResultsState::Live => None,
        ResultsState::Hidden => return Ok(vec![None; entry_ids.len()]),
        ResultsState::Frozen => Some(SnapshotKind::Frozen),
        ResultsState::Published => Some(SnapshotKind::Published),
    };
    let Some(kind) = kind else {
        let counts = standings::vote_counts(state, &contest.id, entry_ids).await?;
        return Ok(counts.into_iter().map(Some).collect());
    };
    let items: Vec<Standing> = match snapshot(&state.db.pool, &contest.id, kind).await? {
        Some(sealed) => sealed.parse()?,
        None => Vec::new(),
    };
    Ok(entry_ids
        .iter()
        .map(|id| items.iter().find(|s| s.entry_id == *id).map(|s| s.votes))
        .collect())
}

/// One entry's vote count as [`shown_votes`] would give it.
pub async fn shown_vote(
    state: &AppState,
    contest: &Contest,
    organizes: bool,
    entry_id: &str,
) -> AppResult<Option<i64>> {
    let counts = shown_votes(state, contest, organizes, &[entry_id]).await?;
    Ok(counts.first().copied().flatten())
}

#[derive(Serialize, ToSchema)]
pub struct Leaderboard {
    pub state: ResultsState,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frozen_at: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published_at: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    pub total: i64,
    pub items: Vec<Standing>,
}

/// The board as `organizes` (an organizer, or not) may see it now, with at most `limit`
/// items. Organizers always see the live standings; the public sees nothing while `hidden`,
/// the live standings while `live`, the freeze-time standings while `frozen` and the
/// immutable snapshot once `published`.
pub async fn board_for(
    state: &AppState,
    contest: &Contest,
    organizes: bool,
    limit: u64,
) -> AppResult<Leaderboard> {
    let pool = &state.db.pool;
    let mut board = Leaderboard {
        state: contest.results_state,
        frozen_at: None,
        published_at: None,
        sha256: None,
        total: 0,
        items: Vec::new(),
    };
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let snapshot_page = |items: Vec<Standing>| {
        let total = items.len() as i64;
        (items.into_iter().take(limit).collect(), total)
    };
    (board.items, board.total) = match contest.results_state {
        ResultsState::Published => {
            let published = snapshot(pool, &contest.id, SnapshotKind::Published)
                .await?
                .ok_or_else(|| anyhow::anyhow!("published results without a snapshot"))?;
            board.published_at = Some(Timestamp(published.taken_at));
            board.sha256 = Some(published.sha256.clone());
            snapshot_page(published.parse()?)
        }
        ResultsState::Frozen if !organizes => {
            match snapshot(pool, &contest.id, SnapshotKind::Frozen).await? {
                Some(frozen) => {
                    board.frozen_at = Some(Timestamp(frozen.taken_at));
                    snapshot_page(frozen.parse()?)
                }
                None => (Vec::new(), 0),
            }
        }
        ResultsState::Hidden if !organizes => (Vec::new(), 0),
        _ => {
            if contest.results_state == ResultsState::Frozen {
                board.frozen_at = contest.results_changed_at.map(Timestamp);
            }
            let (items, total) = standings::live(state, &contest.id, 0, limit as u64).await?;
            (items, i64::try_from(total).unwrap_or(i64::MAX))
        }
    };
    if !organizes && !contest.authors_public() {
        for item in &mut board.items {
            item.display_name = None;
        }
    }
    Ok(board)
}

/// The contest's board. Organizers always see the live standings; the public sees nothing
/// while `hidden`, the live standings while `live`, the freeze-time standings while `frozen`
/// and the immutable snapshot once `published`.
#[utoipa::path(get, path = "/contests/{id}/leaderboard", tag = "results", security((), ("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = Leaderboard), (status = 404, body = ErrorBody)))]
pub async fn leaderboard(
    State(state): State<AppState>,
    MaybeUser(caller): MaybeUser,
    AppPath(contest_id): AppPath<String>,
) -> AppResult<AppJson<Leaderboard>> {
    let contest = contest::require(&state.db.pool, &contest_id).await?;
    let organizes = caller.as_ref().is_some_and(|c| c.role().organizes());
    Ok(AppJson(
        board_for(&state, &contest, organizes, WHOLE_BOARD).await?,
    ))
}

#[derive(Serialize, ToSchema)]
pub struct PublishedResults {
    pub published_at: Timestamp,
    /// SHA-256 (hex) of the canonical JSON of `items` (keys sorted, no whitespace).
    pub sha256: String,
    pub items: Vec<Standing>,
}

/// The immutable published results.
#[utoipa::path(get, path = "/contests/{id}/leaderboard/published", tag = "results", params(("id" = String, Path)),
    responses((status = 200, body = PublishedResults), (status = 404, body = ErrorBody, description = "not published")))]
pub async fn published_results(
    State(db): State<crate::db::Db>,
    AppPath(contest_id): AppPath<String>,
) -> AppResult<AppJson<PublishedResults>> {
    let published = snapshot(&db.pool, &contest_id, SnapshotKind::Published)
        .await?
        .ok_or_else(AppError::not_found)?;
    Ok(AppJson(PublishedResults {
        published_at: Timestamp(published.taken_at),
        items: published.parse()?,
        sha256: published.sha256,
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StateRequest {
    pub state: ResultsState,
}

/// Moves the results between `hidden`, `live`, `frozen` and `published`. Freezing keeps the
/// standings of that moment for the public; publishing stores the final snapshot, after
/// which nothing changes.
#[utoipa::path(post, path = "/contests/{id}/results/state", tag = "results", security(("bearer" = [])), params(("id" = String, Path)),
    request_body = StateRequest,
    responses((status = 200, body = Leaderboard), (status = 409, body = ErrorBody, description = "already published"),
              (status = 404, body = ErrorBody)))]
pub async fn change_results_state(
    State(state): State<AppState>,
    organizer: Organizer,
    AppPath(contest_id): AppPath<String>,
    AppJson(body): AppJson<StateRequest>,
) -> AppResult<AppJson<Leaderboard>> {
    let pool = &state.db.pool;
    let contest = contest::require(pool, &contest_id).await?;
    let from = contest.results_state;
    if from == ResultsState::Published {
        return Err(AppError::conflict(
            ErrorCode::AlreadyPublished,
            "the results are published and can no longer change",
        ));
    }
    let now = state.clock.now_ms();
    let mut tx = pool.begin().await?;
    if !contest::set_results_state(&mut *tx, &contest.id, from, body.state, now).await? {
        return Err(AppError::conflict(
            ErrorCode::StateChanged,
            "the results state changed meanwhile; reload and try again",
        ));
    }
    if let Some(kind) = match body.state {
        ResultsState::Frozen => Some(SnapshotKind::Frozen),
        ResultsState::Published => Some(SnapshotKind::Published),
        _ => None,
    } {
        let items = standings::standings_from_db(pool, &contest.id).await?;
        let sealed = Sealed::of(&items, now)?;
        let board = publication::contest_results(&contest.id);
        if !publication::keep(&mut *tx, &board, kind, &sealed).await? {
            return Err(AppError::conflict(
                ErrorCode::AlreadyPublished,
                "the results are already published",
            ));
        }
    }
    tx.commit().await?;
    state.bus.announce(Topic::Contest(contest.id.clone())).await;
    leaderboard(
        State(state),
        MaybeUser(Some(organizer.0)),
        AppPath(contest_id),
    )
    .await
}
