//! Contest results: approved entries ranked by the mean of their judges' weighted
//! percentages (once `judges_per_entry` judges have scored), with vote counts; shown by the
//! same states as quiz boards. A freeze keeps a snapshot the public sees; publishing writes an
//! immutable snapshot with the SHA-256 of its canonical JSON.
//!
//! Live standings are read from the contest's board (`standings`); snapshots are taken from
//! the database of record.

use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use super::access::MaybeUser;
use super::contest::{self, Contest, ResultsState};
use super::standings::{self, WHOLE_BOARD};
use crate::app::AppState;
use crate::auth::Organizer;
use crate::bus::Topic;
use crate::clock::Timestamp;
use crate::db::{self, Pool};
use crate::error::{AppError, AppResult, ErrorBody};
use crate::http::AppJson;

pub use super::standings::Standing;

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
            let published = snapshot(pool, &contest.id, "published")
                .await?
                .ok_or_else(|| anyhow::anyhow!("published results without a snapshot"))?;
            board.published_at = Some(Timestamp(published.taken_at));
            board.sha256 = Some(published.sha256.clone());
            snapshot_page(snapshot_items(&published)?)
        }
        ResultsState::Frozen if !organizes => match snapshot(pool, &contest.id, "frozen").await? {
            Some(frozen) => {
                board.frozen_at = Some(Timestamp(frozen.taken_at));
                snapshot_page(snapshot_items(&frozen)?)
            }
            None => (Vec::new(), 0),
        },
        ResultsState::Hidden if !organizes => (Vec::new(), 0),
        _ => {
            if contest.results_state == ResultsState::Frozen {
                board.frozen_at = contest.results_changed_at.map(Timestamp);
            }
            let (items, total) = standings::live(state, &contest.id, 0, limit as u64).await?;
            (items, i64::try_from(total).unwrap_or(i64::MAX))
        }
    };
    Ok(board)
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
    let contest = contest::require(&state.db.pool, &contest_id).await?;
    let organizes = caller.as_ref().is_some_and(|c| c.role().organizes());
    Ok(AppJson(
        board_for(&state, &contest, organizes, WHOLE_BOARD).await?,
    ))
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
        let items = standings::standings_from_db(pool, &contest.id).await?;
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
    state.bus.announce(Topic::Contest(contest.id.clone())).await;
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
