//! Contest boards on the engine: a line per entry (its vote count and, while approved, its
//! place in the results, see `contest_line.rs`), read from the entries, votes and judges'
//! scores. Every change to a line bumps the entry's `board_rev` in the change's own
//! transaction, and the board keeps the line with the highest revision: racing requests and a
//! build running meanwhile converge on the database whatever order their updates land in.

use sqlx::FromRow;

use super::contest_line::{ContestLine, Placed};
use super::engine::{self, Placement, Precedence};
use crate::auth::credentials::public_name;
use crate::contests::entry_store::EntryStatus;
use crate::db::{Flag, Pool};
use crate::error::AppResult;

/// The scope placed lines rank in.
pub const RESULTS: &str = "results";

#[derive(Debug, Clone)]
pub struct ContestBoard {
    pub contest_id: String,
}

impl ContestBoard {
    pub fn of(contest_id: &str) -> Self {
        Self {
            contest_id: contest_id.to_owned(),
        }
    }
}

impl engine::Line for ContestLine {
    fn id(&self) -> &str {
        &self.entry_id
    }

    fn placements(&self) -> anyhow::Result<Vec<Placement>> {
        Ok(match (self.rank_score(), self.tie_break()) {
            (Some(score), Some(tie_break)) => vec![Placement {
                scope: RESULTS.to_owned(),
                score,
                tie_break,
            }],
            _ => Vec::new(),
        })
    }
}

impl engine::Board for ContestBoard {
    type Line = ContestLine;

    fn namespace(&self) -> String {
        format!("{{contest:{}}}", self.contest_id)
    }

    /// The newer revision wins.
    fn precedence(&self, line: &ContestLine) -> Precedence {
        Precedence(-line.rev, String::new())
    }

    async fn read_all(&self, pool: &Pool) -> AppResult<Vec<ContestLine>> {
        lines_of_contest(pool, &self.contest_id).await
    }

    /// Entries carry no change time: every line again, whose revisions keep the repeat from
    /// undoing anything newer.
    async fn changed_since(&self, pool: &Pool, _since_ms: i64) -> AppResult<Vec<ContestLine>> {
        lines_of_contest(pool, &self.contest_id).await
    }
}

#[derive(FromRow)]
struct LineRow {
    id: String,
    #[sqlx(try_from = "String")]
    status: EntryStatus,
    board_rev: i64,
    title: String,
    display_name: String,
    #[sqlx(try_from = "i64")]
    display_name_chosen: Flag,
    org_unit_name: Option<String>,
    submitted_at: Option<i64>,
    judges_per_entry: i64,
    mean: Option<f64>,
    judged: i64,
    votes: i64,
}

impl LineRow {
    fn into_line(self) -> ContestLine {
        let placed = (self.status == EntryStatus::Approved).then(|| Placed {
            score_centi: self
                .mean
                .filter(|_| self.judged >= self.judges_per_entry)
                .map(|mean| (mean * 100.0).round() as i64),
            title: self.title,
            display_name: public_name(
                &self.display_name,
                self.display_name_chosen.0,
                self.org_unit_name.as_deref(),
            ),
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
const LINES: &str = "SELECT e.id, e.status, e.board_rev, e.title, u.display_name, u.display_name_chosen, o.name AS org_unit_name, e.submitted_at, c.judges_per_entry,
        (SELECT AVG(j.percent) FROM entry_judges j WHERE j.entry_id = e.id AND j.scored_at IS NOT NULL) AS mean,
        (SELECT COUNT(*) FROM entry_judges j WHERE j.entry_id = e.id AND j.scored_at IS NOT NULL) AS judged,
        (SELECT COUNT(*) FROM entry_votes v WHERE v.entry_id = e.id) AS votes
     FROM entries e JOIN users u ON u.id = e.user_id JOIN contests c ON c.id = e.contest_id
     LEFT JOIN org_units o ON o.id = u.org_unit_id";

/// Every entry's line of a contest, from the database.
pub async fn lines_of_contest(pool: &Pool, contest_id: &str) -> AppResult<Vec<ContestLine>> {
    let sql = format!("{LINES} WHERE e.contest_id = $1");
    let rows: Vec<LineRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(contest_id)
        .fetch_all(pool)
        .await?;
    Ok(rows.into_iter().map(LineRow::into_line).collect())
}

/// One entry's line, from the database.
pub async fn line_of_entry(pool: &Pool, entry_id: &str) -> AppResult<Option<ContestLine>> {
    let sql = format!("{LINES} WHERE e.id = $1");
    let row: Option<LineRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(entry_id)
        .fetch_optional(pool)
        .await?;
    Ok(row.map(LineRow::into_line))
}
