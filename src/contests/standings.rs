//! Contest results and vote counts behind the Leaderboards interface. The database is the
//! record (votes in `entry_votes`, scores in `entry_judges`, decisions in `entries`); the
//! board holds each entry's line built from it, kept current by the changes that alter it (a
//! vote counted or withdrawn, a score saved, a moderation decision) and rebuilt from the
//! database whenever it is missing (never built, Redis flushed) or marked stale.
//!
//! Every such change bumps the entry's `board_rev` in its own transaction, and the board
//! keeps the newest line per entry: racing requests and a rebuild running meanwhile converge
//! on the database's state whatever order their updates land in.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::app::AppState;
use crate::boards::contest_board::{ContestBoard, RESULTS, line_of_entry, lines_of_contest};
use crate::boards::contest_line::ContestLine;
use crate::boards::engine::Recorded;
use crate::bus::Topic;
use crate::db::Pool;
use crate::error::AppResult;

/// More lines than any contest has: "the whole board".
pub const WHOLE_BOARD: u64 = u32::MAX as u64;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Standing {
    /// 1-based; absent until the entry's quorum of judges has scored.
    pub rank: Option<i64>,
    pub entry_id: String,
    pub title: String,
    /// The author's display name; absent while the contest keeps authors from the public
    /// (`show_authors`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Mean of the judges' weighted percentages (0–100, two decimals); absent until ranked.
    pub score: Option<f64>,
    /// Judges who have scored the entry.
    pub judged_by: i64,
    pub votes: i64,
}

/// Placed lines in rank order as standings, the first at 0-based position `offset`. Ranked
/// lines come before unranked ones, so a ranked line's rank is its position + 1.
fn standings_of(offset: u64, lines: Vec<ContestLine>) -> Vec<Standing> {
    lines
        .into_iter()
        .enumerate()
        .filter_map(|(index, line)| {
            let placed = line.placed?;
            let score = placed.score_centi.map(|centi| centi as f64 / 100.0);
            Some(Standing {
                rank: score.map(|_| (offset + index as u64 + 1) as i64),
                entry_id: line.entry_id,
                title: placed.title,
                display_name: Some(placed.display_name),
                score,
                judged_by: placed.judged_by,
                votes: line.votes,
            })
        })
        .collect()
}

/// The standings now, read from the database of record itself: what snapshots are made of.
pub async fn standings_from_db(pool: &Pool, contest_id: &str) -> AppResult<Vec<Standing>> {
    let mut placed: Vec<(Option<(i64, String)>, ContestLine)> = lines_of_contest(pool, contest_id)
        .await?
        .into_iter()
        .filter(|line| line.placed.is_some())
        .map(|line| (line.sort_key(), line))
        .collect();
    placed.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(standings_of(
        0,
        placed.into_iter().map(|(_, line)| line).collect(),
    ))
}

/// The live standings of approved entries, `limit` from 0-based position `offset`, and how
/// many approved entries there are.
pub async fn live(
    state: &AppState,
    contest_id: &str,
    offset: u64,
    limit: u64,
) -> AppResult<(Vec<Standing>, u64)> {
    let (lines, total) = state
        .boards
        .page(&ContestBoard::of(contest_id), RESULTS, offset, limit)
        .await?;
    Ok((standings_of(offset, lines), total))
}

/// The vote counts of entries of one contest, in order.
pub async fn vote_counts(
    state: &AppState,
    contest_id: &str,
    entry_ids: &[&str],
) -> AppResult<Vec<i64>> {
    let lines = state
        .boards
        .lines(&ContestBoard::of(contest_id), entry_ids)
        .await?;
    Ok(lines
        .into_iter()
        .map(|line| line.map_or(0, |line| line.votes))
        .collect())
}

/// An entry's line changed in the database (its `board_rev` was bumped): puts the line on the
/// board and announces the change. A failure marks the board stale, so the next reader
/// builds it again.
pub async fn entry_changed(state: &AppState, contest_id: &str, entry_id: &str) {
    let board = ContestBoard::of(contest_id);
    let changed = match put_line(state, &board, entry_id).await {
        Ok(changed) => changed,
        Err(error) => {
            tracing::warn!(%error, contest = contest_id, entry = entry_id, "could not update a contest board; marking it stale");
            let _ = state.boards.mark_stale(&board).await;
            true
        }
    };
    if changed {
        state
            .bus
            .announce(Topic::Contest(contest_id.to_owned()))
            .await;
    }
}

/// Whether the board changed; one not built yet is built in the background from the tables,
/// which hold this change already.
async fn put_line(state: &AppState, board: &ContestBoard, entry_id: &str) -> AppResult<bool> {
    let Some(line) = line_of_entry(&state.db.pool, entry_id).await? else {
        return Ok(false);
    };
    Ok(state.boards.put(board, &line).await? != Recorded::Unchanged)
}

/// Something every line of the contest depends on changed (its quorum, a name): the board is
/// built again on its next read.
pub async fn contest_changed(state: &AppState, contest_id: &str) -> AppResult<()> {
    state
        .boards
        .mark_stale(&ContestBoard::of(contest_id))
        .await?;
    state
        .bus
        .announce(Topic::Contest(contest_id.to_owned()))
        .await;
    Ok(())
}

/// Listens for participants' changes: contest boards show display names only.
pub fn on_participant_changed(
    state: &AppState,
    user_id: &str,
    change: crate::bus::ParticipantChange,
) -> futures::future::BoxFuture<'static, AppResult<()>> {
    let (state, user_id) = (state.clone(), user_id.to_owned());
    Box::pin(async move {
        if change.display_name {
            participant_changed(&state, &user_id).await?;
        }
        Ok(())
    })
}

/// A participant's display name changed: the boards of her contests are rebuilt on their
/// next read.
pub async fn participant_changed(state: &AppState, user_id: &str) -> AppResult<()> {
    let contest_ids: Vec<String> =
        sqlx::query_scalar("SELECT DISTINCT contest_id FROM entries WHERE user_id = $1")
            .bind(user_id)
            .fetch_all(&state.db.pool)
            .await?;
    for contest_id in contest_ids {
        contest_changed(state, &contest_id).await?;
    }
    Ok(())
}
