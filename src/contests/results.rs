//! Contest results: approved entries ranked by the mean of their judges' weighted
//! percentages (once `judges_per_entry` judges have scored), with vote counts; shown by the
//! same states as quiz boards. A freeze keeps a snapshot the public sees; publishing writes an
//! immutable snapshot with the SHA-256 of its canonical JSON.
//!
//! Standings are computed from the database of record by [`standings`], the one function to
//! swap when boards move behind the Leaderboards interface.

use std::cmp::Ordering;

use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use super::access::MaybeUser;
use super::contest::{self, Contest, ResultsState};
use crate::app::AppState;
use crate::auth::Organizer;
use crate::clock::Timestamp;
use crate::db::{self, Pool};
use crate::error::{AppError, AppResult, ErrorBody};
use crate::http::AppJson;

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

#[derive(sqlx::FromRow)]
struct StandingRow {
    id: String,
    title: String,
    display_name: String,
    submitted_at: Option<i64>,
    mean: Option<f64>,
    judged: i64,
    votes: i64,
}

/// The contest's standings now: ranked entries by score, then votes, then earlier
/// submission, then id; entries still waiting for judges after them, unranked.
pub async fn standings(pool: &Pool, contest: &Contest) -> AppResult<Vec<Standing>> {
    let rows: Vec<StandingRow> = sqlx::query_as(
        "SELECT e.id, e.title, u.display_name, e.submitted_at,
                (SELECT AVG(j.percent) FROM entry_judges j WHERE j.entry_id = e.id AND j.scored_at IS NOT NULL) AS mean,
                (SELECT COUNT(*) FROM entry_judges j WHERE j.entry_id = e.id AND j.scored_at IS NOT NULL) AS judged,
                (SELECT COUNT(*) FROM entry_votes v WHERE v.entry_id = e.id) AS votes
         FROM entries e JOIN users u ON u.id = e.user_id
         WHERE e.contest_id = $1 AND e.status = 'approved'",
    )
    .bind(&contest.id)
    .fetch_all(pool)
    .await?;
    let quorum = contest.judges_per_entry;
    let mut rows: Vec<_> = rows
        .into_iter()
        .map(|row| {
            let StandingRow {
                id,
                title,
                display_name: name,
                submitted_at: submitted,
                mean,
                judged,
                votes,
            } = row;
            let score = mean
                .filter(|_| judged >= quorum)
                .map(|m| (m * 100.0).round() / 100.0);
            (
                id,
                title,
                name,
                submitted.unwrap_or(i64::MAX),
                score,
                judged,
                votes,
            )
        })
        .collect();
    rows.sort_by(|a, b| {
        let by_score = match (a.4, b.4) {
            (Some(x), Some(y)) => y.partial_cmp(&x).unwrap_or(Ordering::Equal),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        };
        by_score
            .then(b.6.cmp(&a.6))
            .then(a.3.cmp(&b.3))
            .then(a.0.cmp(&b.0))
    });
    let mut next_rank = 0;
    Ok(rows
        .into_iter()
        .map(
            |(entry_id, title, display_name, _, score, judged_by, votes)| {
                let rank = score.map(|_| {
                    next_rank += 1;
                    next_rank
                });
                Standing {
                    rank,
                    entry_id,
                    title,
                    display_name,
                    score,
                    judged_by,
                    votes,
                }
            },
        )
        .collect())
}

/// JSON with object keys sorted and no whitespace: the bytes the snapshot hash covers.
pub fn canonical_json(value: &Value) -> String {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let fields: Vec<String> = keys
                .into_iter()
                .map(|key| {
                    format!(
                        "{}:{}",
                        Value::String(key.clone()),
                        canonical_json(&map[key.as_str()])
                    )
                })
                .collect();
            format!("{{{}}}", fields.join(","))
        }
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(canonical_json).collect();
            format!("[{}]", items.join(","))
        }
        other => other.to_string(),
    }
}

struct Snapshot {
    taken_at: i64,
    body: String,
    sha256: String,
}

async fn snapshot(pool: &Pool, contest_id: &str, kind: &str) -> AppResult<Option<Snapshot>> {
    let row: Option<(i64, String, String)> = sqlx::query_as(
        "SELECT taken_at, body, sha256 FROM contest_results WHERE contest_id = $1 AND kind = $2",
    )
    .bind(contest_id)
    .bind(kind)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|(taken_at, body, sha256)| Snapshot {
        taken_at,
        body,
        sha256,
    }))
}

fn snapshot_items(snapshot: &Snapshot) -> AppResult<Vec<Standing>> {
    Ok(serde_json::from_str(&snapshot.body)
        .map_err(|e| anyhow::anyhow!("stored results snapshot: {e}"))?)
}

#[derive(Serialize, ToSchema)]
pub struct Leaderboard {
    pub state: ResultsState,
    #[schema(value_type = Option<String>)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frozen_at: Option<Timestamp>,
    #[schema(value_type = Option<String>)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published_at: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    pub total: i64,
    pub items: Vec<Standing>,
}

/// The contest's board. Organizers always see the live standings; the public sees nothing
/// while `hidden`, the live standings while `live`, the freeze-time standings while `frozen`
/// and the immutable snapshot once `published`.
#[utoipa::path(get, path = "/contests/{id}/leaderboard", tag = "results", params(("id" = String, Path)),
    responses((status = 200, body = Leaderboard), (status = 404, body = ErrorBody)))]
pub async fn leaderboard(
    State(state): State<AppState>,
    MaybeUser(caller): MaybeUser,
    Path(contest_id): Path<String>,
) -> AppResult<AppJson<Leaderboard>> {
    let pool = &state.db.pool;
    let contest = contest::require(pool, &contest_id).await?;
    let organizes = caller.as_ref().is_some_and(|c| c.role().organizes());
    let mut board = Leaderboard {
        state: contest.results_state,
        frozen_at: None,
        published_at: None,
        sha256: None,
        total: 0,
        items: Vec::new(),
    };
    match contest.results_state {
        ResultsState::Published => {
            let published = snapshot(pool, &contest.id, "published")
                .await?
                .ok_or_else(|| anyhow::anyhow!("published results without a snapshot"))?;
            board.published_at = Some(Timestamp(published.taken_at));
            board.sha256 = Some(published.sha256.clone());
            board.items = snapshot_items(&published)?;
        }
        ResultsState::Frozen if !organizes => {
            if let Some(frozen) = snapshot(pool, &contest.id, "frozen").await? {
                board.frozen_at = Some(Timestamp(frozen.taken_at));
                board.items = snapshot_items(&frozen)?;
            }
        }
        ResultsState::Hidden if !organizes => {}
        _ => {
            if contest.results_state == ResultsState::Frozen {
                board.frozen_at = contest.results_changed_at.map(Timestamp);
            }
            board.items = standings(pool, &contest).await?;
        }
    }
    board.total = board.items.len() as i64;
    Ok(AppJson(board))
}

#[derive(Serialize, ToSchema)]
pub struct PublishedResults {
    #[schema(value_type = String)]
    pub published_at: Timestamp,
    /// SHA-256 (hex) of the canonical JSON of `items` (keys sorted, no whitespace).
    pub sha256: String,
    pub items: Vec<Standing>,
}

/// The immutable published results.
#[utoipa::path(get, path = "/contests/{id}/leaderboard/published", tag = "results", params(("id" = String, Path)),
    responses((status = 200, body = PublishedResults), (status = 404, body = ErrorBody, description = "not published")))]
pub async fn published_results(
    State(state): State<AppState>,
    Path(contest_id): Path<String>,
) -> AppResult<AppJson<PublishedResults>> {
    let published = snapshot(&state.db.pool, &contest_id, "published")
        .await?
        .ok_or_else(AppError::not_found)?;
    Ok(AppJson(PublishedResults {
        published_at: Timestamp(published.taken_at),
        items: snapshot_items(&published)?,
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
    Path(contest_id): Path<String>,
    AppJson(body): AppJson<StateRequest>,
) -> AppResult<AppJson<Leaderboard>> {
    let pool = &state.db.pool;
    let contest = contest::require(pool, &contest_id).await?;
    let from = contest.results_state;
    if from == ResultsState::Published {
        return Err(AppError::conflict(
            "conflict",
            "the results are published and can no longer change",
        ));
    }
    let now = state.clock.now_ms();
    let mut tx = pool.begin().await?;
    if !contest::set_results_state(&mut *tx, &contest.id, from, body.state, now).await? {
        return Err(AppError::conflict(
            "conflict",
            "the results state changed meanwhile; reload and try again",
        ));
    }
    if let Some(kind) = match body.state {
        ResultsState::Frozen => Some("frozen"),
        ResultsState::Published => Some("published"),
        _ => None,
    } {
        let items = standings(pool, &contest).await?;
        let value = serde_json::to_value(&items).map_err(anyhow::Error::from)?;
        let canonical = canonical_json(&value);
        let sha256 = hex::encode(Sha256::digest(canonical.as_bytes()));
        if kind == "frozen" {
            sqlx::query("DELETE FROM contest_results WHERE contest_id = $1 AND kind = 'frozen'")
                .bind(&contest.id)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query(
            "INSERT INTO contest_results (contest_id, kind, taken_at, body, sha256) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&contest.id)
        .bind(kind)
        .bind(now)
        .bind(&canonical)
        .bind(&sha256)
        .execute(&mut *tx)
        .await
        .map_err(|error| {
            if db::is_unique_violation(&error) {
                AppError::conflict("conflict", "the results are already published")
            } else {
                error.into()
            }
        })?;
    }
    tx.commit().await?;
    leaderboard(State(state), MaybeUser(Some(organizer.0)), Path(contest_id)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_json_sorts_keys_without_spaces() {
        let value = serde_json::json!({"b": 1, "a": [{"z": null, "y": "Việt"}], "c": 2.5});
        assert_eq!(
            canonical_json(&value),
            r#"{"a":[{"y":"Việt","z":null}],"b":1,"c":2.5}"#
        );
    }
}
