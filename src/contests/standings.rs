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
use sqlx::FromRow;
use utoipa::ToSchema;

use super::entry_store::APPROVED;
use crate::app::AppState;
use crate::boards::contest_line::{ContestLine, Placed};
use crate::boards::store::Recorded;
use crate::boards::{Rebuildable, rebuild_task};
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
    pub display_name: String,
    /// Mean of the judges' weighted percentages (0–100, two decimals); absent until ranked.
    pub score: Option<f64>,
    /// Judges who have scored the entry.
    pub judged_by: i64,
    pub votes: i64,
}

#[derive(FromRow)]
struct LineRow {
    id: String,
    status: String,
    board_rev: i64,
    title: String,
    display_name: String,
    submitted_at: Option<i64>,
    judges_per_entry: i64,
    mean: Option<f64>,
    judged: i64,
    votes: i64,
}

impl LineRow {
    fn into_line(self) -> ContestLine {
        let placed = (self.status == APPROVED).then(|| Placed {
            score_centi: self
                .mean
                .filter(|_| self.judged >= self.judges_per_entry)
                .map(|mean| (mean * 100.0).round() as i64),
            title: self.title,
            display_name: self.display_name,
            submitted_at: self.submitted_at,
            judged_by: self.judged,
        });
        ContestLine {
            entry_id: self.id,
            rev: self.board_rev,
            votes: self.votes,
            placed,
        }
    }
}

/// One statement, so the revision and what it describes are read from one snapshot.
const LINES: &str = "SELECT e.id, e.status, e.board_rev, e.title, u.display_name, e.submitted_at, c.judges_per_entry,
        (SELECT AVG(j.percent) FROM entry_judges j WHERE j.entry_id = e.id AND j.scored_at IS NOT NULL) AS mean,
        (SELECT COUNT(*) FROM entry_judges j WHERE j.entry_id = e.id AND j.scored_at IS NOT NULL) AS judged,
        (SELECT COUNT(*) FROM entry_votes v WHERE v.entry_id = e.id) AS votes
     FROM entries e JOIN users u ON u.id = e.user_id JOIN contests c ON c.id = e.contest_id";

/// Every entry's line of a contest, from the database.
async fn lines_from_db(pool: &Pool, contest_id: &str) -> AppResult<Vec<ContestLine>> {
    let sql = format!("{LINES} WHERE e.contest_id = $1");
    let rows: Vec<LineRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(contest_id)
        .fetch_all(pool)
        .await?;
    Ok(rows.into_iter().map(LineRow::into_line).collect())
}

async fn line_from_db(pool: &Pool, entry_id: &str) -> AppResult<Option<ContestLine>> {
    let sql = format!("{LINES} WHERE e.id = $1");
    let row: Option<LineRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(entry_id)
        .fetch_optional(pool)
        .await?;
    Ok(row.map(LineRow::into_line))
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
                display_name: placed.display_name,
                score,
                judged_by: placed.judged_by,
                votes: line.votes,
            })
        })
        .collect()
}

/// The standings now, read from the database of record itself: what snapshots are made of.
pub async fn standings_from_db(pool: &Pool, contest_id: &str) -> AppResult<Vec<Standing>> {
    let mut placed: Vec<(Option<(i64, String)>, ContestLine)> = lines_from_db(pool, contest_id)
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

/// A contest's board in the backend.
#[derive(Clone)]
struct ContestBoard {
    contest_id: String,
}

impl Rebuildable for ContestBoard {
    /// Built and not stale: readers queued behind a rebuild then skip theirs.
    async fn is_built(&self, state: &AppState) -> AppResult<bool> {
        Ok(stale_mark(&state.db.pool, &self.contest_id).await? == 0
            && state
                .boards
                .contest_votes(&self.contest_id, &[])
                .await?
                .is_some())
    }

    /// Lines that changed on the old board while the new one was read are put again after
    /// the swap: their revisions keep the repeat from undoing anything newer.
    async fn rebuild_now(&self, state: &AppState) -> AppResult<()> {
        let pool = &state.db.pool;
        let stale = stale_mark(pool, &self.contest_id).await?;
        let lines = lines_from_db(pool, &self.contest_id).await?;
        state
            .boards
            .replace_contest(&self.contest_id, &lines)
            .await?;
        for line in lines_from_db(pool, &self.contest_id).await? {
            state
                .boards
                .put_contest_line(&self.contest_id, &line)
                .await?;
        }
        clear_stale(pool, &self.contest_id, stale).await?;
        tracing::info!(contest = %self.contest_id, lines = lines.len(), "contest board rebuilt");
        Ok(())
    }
}

async fn stale_mark(pool: &Pool, contest_id: &str) -> AppResult<i64> {
    Ok(
        sqlx::query_scalar::<_, i64>("SELECT board_stale FROM contests WHERE id = $1")
            .bind(contest_id)
            .fetch_optional(pool)
            .await?
            .unwrap_or(0),
    )
}

async fn mark_stale(pool: &Pool, contest_id: &str) -> AppResult<()> {
    sqlx::query("UPDATE contests SET board_stale = board_stale + 1 WHERE id = $1")
        .bind(contest_id)
        .execute(pool)
        .await?;
    Ok(())
}

/// Clears the failures a rebuild has seen; one marked while it ran keeps the board stale.
async fn clear_stale(pool: &Pool, contest_id: &str, seen: i64) -> AppResult<()> {
    if seen != 0 {
        sqlx::query("UPDATE contests SET board_stale = 0 WHERE id = $1 AND board_stale = $2")
            .bind(contest_id)
            .bind(seen)
            .execute(pool)
            .await?;
    }
    Ok(())
}

/// Reads the contest's board with `read`, rebuilding the board first if it is stale or
/// `read` finds it missing.
async fn read_board<T: Default, F, Fut>(state: &AppState, contest_id: &str, read: F) -> AppResult<T>
where
    F: Fn() -> Fut,
    Fut: Future<Output = anyhow::Result<Option<T>>>,
{
    if stale_mark(&state.db.pool, contest_id).await? == 0
        && let Some(found) = read().await?
    {
        return Ok(found);
    }
    let board = ContestBoard {
        contest_id: contest_id.to_owned(),
    };
    rebuild_task(state, &board, true).await?;
    Ok(read().await?.unwrap_or_default())
}

/// The live standings of approved entries, `limit` from 0-based position `offset`, and how
/// many approved entries there are.
pub async fn live(
    state: &AppState,
    contest_id: &str,
    offset: u64,
    limit: u64,
) -> AppResult<(Vec<Standing>, u64)> {
    let (lines, total) = read_board(state, contest_id, || {
        state.boards.contest_page(contest_id, offset, limit)
    })
    .await?;
    Ok((standings_of(offset, lines), total))
}

/// The vote counts of entries of one contest, in order.
pub async fn vote_counts(
    state: &AppState,
    contest_id: &str,
    entry_ids: &[&str],
) -> AppResult<Vec<i64>> {
    let counts = read_board(state, contest_id, || {
        state.boards.contest_votes(contest_id, entry_ids)
    })
    .await?;
    // A board rebuilt from nothing (the contest is gone) has no counts.
    Ok(if counts.len() == entry_ids.len() {
        counts
    } else {
        vec![0; entry_ids.len()]
    })
}

/// An entry's line changed in the database (its `board_rev` was bumped): puts the line on the
/// board and announces the change. A failure marks the board stale, so the next reader
/// rebuilds it.
pub async fn entry_changed(state: &AppState, contest_id: &str, entry_id: &str) {
    let changed = match put_line(state, contest_id, entry_id).await {
        Ok(changed) => changed,
        Err(error) => {
            tracing::warn!(%error, contest = contest_id, entry = entry_id, "could not update a contest board; marking it stale");
            let _ = mark_stale(&state.db.pool, contest_id).await;
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

async fn put_line(state: &AppState, contest_id: &str, entry_id: &str) -> AppResult<bool> {
    let Some(line) = line_from_db(&state.db.pool, entry_id).await? else {
        return Ok(false);
    };
    match state.boards.put_contest_line(contest_id, &line).await? {
        Recorded::Changed => Ok(true),
        Recorded::Unchanged => Ok(false),
        Recorded::NotLoaded => {
            // Built from the database, which holds this change already.
            let board = ContestBoard {
                contest_id: contest_id.to_owned(),
            };
            rebuild_task(state, &board, true).await?;
            Ok(true)
        }
    }
}

/// Something every line of the contest depends on changed (its quorum): the board is
/// rebuilt on its next read.
pub async fn contest_changed(state: &AppState, contest_id: &str) -> AppResult<()> {
    mark_stale(&state.db.pool, contest_id).await?;
    state
        .bus
        .announce(Topic::Contest(contest_id.to_owned()))
        .await;
    Ok(())
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
