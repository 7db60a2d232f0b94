//! Judging: organizers add judges to a contest; approved entries are assigned automatically,
//! `judges_per_entry` judges each, never to their entrant, keeping every judge's load within
//! one of the others'. Judges see a blind queue and score against the weighted rubric.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::http::AppPath;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::AssertSqlSafe;
use utoipa::ToSchema;

use super::access::Viewer;
use super::contest::{self, Contest, Criterion, ResultsState, text_field};
use super::entries::{MediaView, media_view};
use super::entry_store::{self as store, EntryStatus};
use super::standings;
use crate::app::AppState;
use crate::auth::accounts::{self, Role};
use crate::auth::{AuthUser, Judge, Organizer};
use crate::clock::Timestamp;
use crate::db::Pool;
use crate::error::{AppError, AppResult, ErrorBody, ErrorCode, FieldErrors};
use crate::http::{AppJson, AppQuery, Paging};

/// Whether `judge_id` judges this entry now: assigned to it, and still one of its contest's
/// judges with a judging role (removing or demoting a judge ends her rights at once).
pub async fn is_assigned(pool: &Pool, entry_id: &str, judge_id: &str) -> AppResult<bool> {
    let found: Option<i64> = sqlx::query_scalar(AssertSqlSafe(format!(
        "SELECT 1 FROM entry_judges ej {STILL_JUDGING} WHERE ej.entry_id = $1 AND ej.judge_id = $2"
    )))
    .bind(entry_id)
    .bind(judge_id)
    .fetch_optional(pool)
    .await?;
    Ok(found.is_some())
}

/// Joins an `entry_judges ej` row to what keeps it alive: the judge is still on the
/// contest, active, and holds a judging role.
const STILL_JUDGING: &str = "JOIN contest_judges cj ON cj.contest_id = ej.contest_id AND cj.user_id = ej.judge_id
     JOIN users ju ON ju.id = ej.judge_id AND ju.disabled = 0 AND ju.role IN ('judge', 'organizer', 'admin')";

pub async fn any_scores<'e, E>(executor: E, contest_id: &str) -> AppResult<bool>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM entry_judges WHERE contest_id = $1 AND scored_at IS NOT NULL LIMIT 1",
    )
    .bind(contest_id)
    .fetch_optional(executor)
    .await?;
    Ok(found.is_some())
}

/// An assignment as the planner sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub entry_id: String,
    pub judge_id: String,
    pub scored: bool,
}

/// What a planning pass changes.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Plan {
    pub add: Vec<(String, String)>,
    pub remove: Vec<(String, String)>,
}

/// Plans assignments: every entry gets up to `per_entry` judges other than its entrant, the
/// least loaded first; then unscored assignments move from the most to the least loaded
/// judge until loads differ by at most one (or no move is allowed).
///
/// `entries` are `(entry_id, entrant_id)`; `judges` in the order they were added.
pub fn plan(
    entries: &[(String, String)],
    judges: &[String],
    existing: &[Assignment],
    per_entry: usize,
) -> Plan {
    let entrant: HashMap<&str, &str> = entries
        .iter()
        .map(|(entry, user)| (entry.as_str(), user.as_str()))
        .collect();
    let mut current: Vec<Assignment> = existing
        .iter()
        .filter(|a| entrant.contains_key(a.entry_id.as_str()))
        .filter(|a| judges.contains(&a.judge_id))
        .cloned()
        .collect();
    let mut load: BTreeMap<&str, usize> = judges.iter().map(|j| (j.as_str(), 0)).collect();
    for assignment in &current {
        if let Some(count) = load.get_mut(assignment.judge_id.as_str()) {
            *count += 1;
        }
    }
    let mut result = Plan::default();
    let order: HashMap<&str, usize> = judges
        .iter()
        .enumerate()
        .map(|(i, j)| (j.as_str(), i))
        .collect();
    for (index, (entry_id, entrant_id)) in entries.iter().enumerate() {
        let assigned: HashSet<String> = current
            .iter()
            .filter(|a| &a.entry_id == entry_id)
            .map(|a| a.judge_id.clone())
            .collect();
        let needed = per_entry.saturating_sub(assigned.len());
        if needed == 0 {
            continue;
        }
        let mut candidates: Vec<&str> = judges
            .iter()
            .map(String::as_str)
            .filter(|j| *j != entrant_id && !assigned.contains(*j))
            .collect();
        // Least loaded first; ties rotate with the entry so no judge is always first.
        candidates.sort_by_key(|j| {
            let rank = order.get(j).copied().unwrap_or(0);
            (
                load.get(j).copied().unwrap_or(0),
                (rank + judges.len() - index % judges.len().max(1)) % judges.len().max(1),
            )
        });
        for judge in candidates.into_iter().take(needed) {
            if let Some(count) = load.get_mut(judge) {
                *count += 1;
            }
            current.push(Assignment {
                entry_id: entry_id.clone(),
                judge_id: judge.to_owned(),
                scored: false,
            });
            result.add.push((entry_id.clone(), judge.to_owned()));
        }
    }
    // Rebalance (judges added after entries were assigned start with nothing).
    for _ in 0..current.len() {
        let mut by_load: Vec<(&str, usize)> = load.iter().map(|(j, n)| (*j, *n)).collect();
        by_load.sort_by_key(|(j, n)| (*n, order.get(j).copied().unwrap_or(0)));
        let (Some(&(_, min)), Some(&(_, max))) = (by_load.first(), by_load.last()) else {
            break;
        };
        if max <= min + 1 {
            break;
        }
        let mut moved = None;
        'search: for (donor, donor_load) in by_load.iter().rev() {
            for (receiver, receiver_load) in &by_load {
                if donor_load <= &(receiver_load + 1) {
                    break;
                }
                let candidate = current.iter().position(|a| {
                    a.judge_id == *donor
                        && !a.scored
                        && entrant.get(a.entry_id.as_str()) != Some(receiver)
                        && !current
                            .iter()
                            .any(|b| b.entry_id == a.entry_id && b.judge_id == *receiver)
                });
                if let Some(position) = candidate {
                    moved = Some((position, receiver.to_string()));
                    break 'search;
                }
            }
        }
        let Some((position, receiver)) = moved else {
            break;
        };
        let assignment = current.remove(position);
        if let Some(count) = load.get_mut(assignment.judge_id.as_str()) {
            *count -= 1;
        }
        if let Some(count) = load.get_mut(receiver.as_str()) {
            *count += 1;
        }
        let pair = (assignment.entry_id.clone(), assignment.judge_id.clone());
        // A move of something added in this pass just changes the addition.
        if let Some(added) = result.add.iter().position(|p| *p == pair) {
            result.add.remove(added);
        } else {
            result.remove.push(pair);
        }
        result
            .add
            .push((assignment.entry_id.clone(), receiver.clone()));
        current.push(Assignment {
            entry_id: assignment.entry_id,
            judge_id: receiver,
            scored: false,
        });
    }
    result
}

/// Brings the contest's assignments up to date. Passes are serialised by a conditional
/// update of the contest row, so concurrent approvals and new judges cannot double-assign.
pub async fn assign(state: &AppState, contest: &Contest) -> AppResult<()> {
    let pool = &state.db.pool;
    let mut tx = pool.begin().await?;
    sqlx::query("UPDATE contests SET assignment_rev = assignment_rev + 1 WHERE id = $1")
        .bind(&contest.id)
        .execute(&mut *tx)
        .await?;
    let judges: Vec<String> = sqlx::query_scalar(
        // Demoted or disabled judges get nothing new (and lose what they had not scored).
        "SELECT cj.user_id FROM contest_judges cj
         JOIN users u ON u.id = cj.user_id AND u.disabled = 0 AND u.role IN ('judge', 'organizer', 'admin')
         WHERE cj.contest_id = $1 ORDER BY cj.added_at, cj.user_id",
    )
    .bind(&contest.id)
    .fetch_all(&mut *tx)
    .await?;
    // Unscored work of judges who no longer judge goes back to the pool.
    sqlx::query(
        "DELETE FROM entry_judges WHERE contest_id = $1 AND scored_at IS NULL AND judge_id NOT IN
           (SELECT cj.user_id FROM contest_judges cj
            JOIN users u ON u.id = cj.user_id AND u.disabled = 0 AND u.role IN ('judge', 'organizer', 'admin')
            WHERE cj.contest_id = $1)",
    )
    .bind(&contest.id)
    .execute(&mut *tx)
    .await?;
    let entries: Vec<(String, String)> = sqlx::query_as(
        "SELECT id, user_id FROM entries WHERE contest_id = $1 AND status = 'approved' ORDER BY submitted_at, id",
    )
    .bind(&contest.id)
    .fetch_all(&mut *tx)
    .await?;
    let existing: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT entry_id, judge_id, CASE WHEN scored_at IS NULL THEN 0 ELSE 1 END FROM entry_judges WHERE contest_id = $1",
    )
    .bind(&contest.id)
    .fetch_all(&mut *tx)
    .await?;
    let existing: Vec<Assignment> = existing
        .into_iter()
        .map(|(entry_id, judge_id, scored)| Assignment {
            entry_id,
            judge_id,
            scored: scored != 0,
        })
        .collect();
    let per_entry = usize::try_from(contest.judges_per_entry).unwrap_or(1);
    let changes = plan(&entries, &judges, &existing, per_entry);
    let now = state.clock.now_ms();
    for (entry_id, judge_id) in &changes.remove {
        sqlx::query(
            "DELETE FROM entry_judges WHERE entry_id = $1 AND judge_id = $2 AND scored_at IS NULL",
        )
        .bind(entry_id)
        .bind(judge_id)
        .execute(&mut *tx)
        .await?;
    }
    for (entry_id, judge_id) in &changes.add {
        sqlx::query(
            "INSERT INTO entry_judges (entry_id, judge_id, contest_id, assigned_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (entry_id, judge_id) DO NOTHING",
        )
        .bind(entry_id)
        .bind(judge_id)
        .bind(&contest.id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddJudge {
    pub user_id: String,
}

#[derive(Serialize, ToSchema)]
pub struct JudgeView {
    pub user_id: String,
    pub display_name: String,
    /// Entries assigned to this judge in the contest.
    pub assigned: i64,
    pub scored: i64,
}

#[derive(Serialize, ToSchema)]
pub struct JudgeList {
    pub items: Vec<JudgeView>,
    pub total: i64,
}

async fn judge_views(pool: &Pool, contest_id: &str) -> AppResult<Vec<JudgeView>> {
    let rows: Vec<(String, String, i64, i64)> = sqlx::query_as(
        "SELECT cj.user_id, u.display_name,
                (SELECT COUNT(*) FROM entry_judges ej WHERE ej.contest_id = cj.contest_id AND ej.judge_id = cj.user_id),
                (SELECT COUNT(*) FROM entry_judges ej WHERE ej.contest_id = cj.contest_id AND ej.judge_id = cj.user_id AND ej.scored_at IS NOT NULL)
         FROM contest_judges cj JOIN users u ON u.id = cj.user_id
         WHERE cj.contest_id = $1 ORDER BY cj.added_at, cj.user_id",
    )
    .bind(contest_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(user_id, display_name, assigned, scored)| JudgeView {
            user_id,
            display_name,
            assigned,
            scored,
        })
        .collect())
}

/// Adds a judge (an account with the judge, organizer or admin role) and rebalances the
/// assignments. Adding the same judge again changes nothing.
#[utoipa::path(post, path = "/contests/{id}/judges", tag = "judging", security(("bearer" = [])), params(("id" = String, Path)),
    request_body = AddJudge,
    responses((status = 201, body = JudgeList), (status = 422, body = ErrorBody, description = "no such user, or not a judge"),
              (status = 404, body = ErrorBody)))]
pub async fn add_judge(
    State(state): State<AppState>,
    Organizer(caller): Organizer,
    AppPath(contest_id): AppPath<String>,
    AppJson(body): AppJson<AddJudge>,
) -> AppResult<(StatusCode, AppJson<JudgeList>)> {
    let contest = contest::require(&state.db.pool, &contest_id).await?;
    let user = accounts::find_by_id(&state.db.pool, &body.user_id)
        .await?
        .ok_or_else(|| FieldErrors::single("user_id", "no such user"))?;
    if !matches!(user.role(), Role::Judge | Role::Organizer | Role::Admin) || user.disabled {
        return Err(FieldErrors::single(
            "user_id",
            "must be an active account with the judge (or organizer) role",
        ));
    }
    sqlx::query(
        "INSERT INTO contest_judges (contest_id, user_id, added_by, added_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (contest_id, user_id) DO NOTHING",
    )
    .bind(&contest.id)
    .bind(&user.id)
    .bind(caller.id())
    .bind(state.clock.now_ms())
    .execute(&state.db.pool)
    .await?;
    assign(&state, &contest).await?;
    let items = judge_views(&state.db.pool, &contest.id).await?;
    let total = items.len() as i64;
    Ok((StatusCode::CREATED, AppJson(JudgeList { items, total })))
}

/// Removes a judge from the contest: her queue and her right to score end at once, her
/// unscored entries go to the other judges; scores she already gave stay in the results.
#[utoipa::path(delete, path = "/contests/{id}/judges/{user_id}", tag = "judging", security(("bearer" = [])),
    params(("id" = String, Path), ("user_id" = String, Path)),
    responses((status = 200, body = JudgeList), (status = 404, body = ErrorBody, description = "no such contest, or not one of its judges"),
              (status = 403, body = ErrorBody)))]
pub async fn remove_judge(
    State(state): State<AppState>,
    Organizer(_caller): Organizer,
    AppPath((contest_id, user_id)): AppPath<(String, String)>,
) -> AppResult<AppJson<JudgeList>> {
    let contest = contest::require(&state.db.pool, &contest_id).await?;
    let removed = sqlx::query("DELETE FROM contest_judges WHERE contest_id = $1 AND user_id = $2")
        .bind(&contest.id)
        .bind(&user_id)
        .execute(&state.db.pool)
        .await?
        .rows_affected();
    if removed == 0 {
        return Err(AppError::not_found());
    }
    // The assignment pass gives her unscored work back to the pool and to the other judges;
    // meanwhile `is_assigned` already refuses her.
    assign(&state, &contest).await?;
    let items = judge_views(&state.db.pool, &contest.id).await?;
    let total = items.len() as i64;
    Ok(AppJson(JudgeList { items, total }))
}

/// The contest's judges with their loads.
#[utoipa::path(get, path = "/contests/{id}/judges", tag = "judging", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = JudgeList), (status = 404, body = ErrorBody)))]
pub async fn list_judges(
    State(state): State<AppState>,
    Organizer(_caller): Organizer,
    AppPath(contest_id): AppPath<String>,
) -> AppResult<AppJson<JudgeList>> {
    let contest = contest::require(&state.db.pool, &contest_id).await?;
    let items = judge_views(&state.db.pool, &contest.id).await?;
    let total = items.len() as i64;
    Ok(AppJson(JudgeList { items, total }))
}

/// An entry in a judge's queue: no entrant identity (blind judging).
#[derive(Serialize, ToSchema)]
pub struct QueueItem {
    pub entry_id: String,
    pub contest_id: String,
    pub contest_title: String,
    pub title: String,
    pub description: String,
    pub media: Option<MediaView>,
    pub criteria: Vec<Criterion>,
    /// Points per criterion key, once this judge has scored.
    #[schema(value_type = Option<BTreeMap<String, f64>>)]
    pub scores: Option<Value>,
    pub comment: Option<String>,
    pub scored_at: Option<Timestamp>,
}

#[derive(Serialize, ToSchema)]
pub struct Queue {
    pub items: Vec<QueueItem>,
    pub total: i64,
}

#[derive(sqlx::FromRow)]
struct QueueRow {
    entry_id: String,
    contest_id: String,
    title: String,
    description: String,
    media_id: Option<String>,
    scores: Option<String>,
    comment: Option<String>,
    scored_at: Option<i64>,
}

/// The caller's assigned, approved entries, unscored first.
#[utoipa::path(get, path = "/judging/queue", tag = "judging", security(("bearer" = [])), params(Paging),
    responses((status = 200, body = Queue), (status = 403, body = ErrorBody)))]
pub async fn judging_queue(
    State(state): State<AppState>,
    Judge(caller): Judge,
    AppQuery(paging): AppQuery<Paging>,
) -> AppResult<AppJson<Queue>> {
    let (limit, offset) = paging.bounds()?;
    let pool = &state.db.pool;
    let total: i64 = sqlx::query_scalar(AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM entry_judges ej JOIN entries e ON e.id = ej.entry_id {STILL_JUDGING}
         WHERE ej.judge_id = $1 AND e.status = 'approved'"
    )))
    .bind(caller.id())
    .fetch_one(pool)
    .await?;
    let rows: Vec<QueueRow> =
        sqlx::query_as(
            AssertSqlSafe(format!("SELECT e.id AS entry_id, e.contest_id, e.title, e.description, e.media_id, ej.scores, ej.comment, ej.scored_at
             FROM entry_judges ej JOIN entries e ON e.id = ej.entry_id {STILL_JUDGING}
             WHERE ej.judge_id = $1 AND e.status = 'approved'
             ORDER BY ej.scored_at IS NOT NULL, ej.assigned_at, e.id
             LIMIT $2 OFFSET $3")),
        )
        .bind(caller.id())
        .bind(limit)
        .bind(offset)
        .fetch_all(pool)
        .await?;
    let mut contests: HashMap<String, Contest> = HashMap::new();
    let mut items = Vec::with_capacity(rows.len());
    for QueueRow {
        entry_id,
        contest_id,
        title,
        description,
        media_id,
        scores,
        comment,
        scored_at,
    } in rows
    {
        if !contests.contains_key(&contest_id) {
            let contest = contest::require(pool, &contest_id).await?;
            contests.insert(contest_id.clone(), contest);
        }
        let contest = contests.get(&contest_id).ok_or_else(AppError::not_found)?;
        let media = match media_id {
            Some(id) => store::find_media(pool, &id).await?,
            None => None,
        };
        items.push(QueueItem {
            entry_id,
            contest_id: contest_id.clone(),
            contest_title: contest.title.clone(),
            title,
            description,
            media: media.as_ref().map(|media| media_view(media, Viewer::Judge)),
            criteria: contest.criteria.clone(),
            scores: scores.and_then(|s| serde_json::from_str(&s).ok()),
            comment,
            scored_at: scored_at.map(Timestamp),
        });
    }
    Ok(AppJson(Queue { items, total }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScoreRequest {
    /// Points per criterion key, each from 0 to the criterion's `max_points`.
    #[schema(value_type = BTreeMap<String, f64>)]
    pub scores: BTreeMap<String, Value>,
    pub comment: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ScoreView {
    pub entry_id: String,
    pub scores: BTreeMap<String, f64>,
    /// This judge's weighted percentage, 0–100.
    pub percent: f64,
    pub comment: Option<String>,
    pub scored_at: Timestamp,
}

/// Checks a judge's points against the rubric; returns them and the weighted percentage.
pub fn check_scores(
    criteria: &[Criterion],
    sent: &BTreeMap<String, Value>,
) -> AppResult<(BTreeMap<String, f64>, f64)> {
    let mut errors = FieldErrors::new();
    for key in sent.keys() {
        if !criteria.iter().any(|c| &c.key == key) {
            errors.add(
                format!("scores.{key}"),
                "is not a criterion of this contest",
            );
        }
    }
    let mut points = BTreeMap::new();
    let (mut weighted, mut weights) = (0.0, 0.0);
    for criterion in criteria {
        let field = format!("scores.{}", criterion.key);
        match sent.get(&criterion.key).and_then(Value::as_f64) {
            None if sent.contains_key(&criterion.key) => errors.add(field, "must be a number"),
            None => errors.add(field, "is required"),
            Some(value) if !(0.0..=criterion.max_points).contains(&value) => errors.add(
                field,
                format!("must be between 0 and {}", criterion.max_points),
            ),
            Some(value) => {
                points.insert(criterion.key.clone(), value);
                weighted += criterion.weight * value / criterion.max_points;
                weights += criterion.weight;
            }
        }
    }
    errors.into_result()?;
    let percent = if weights > 0.0 {
        weighted / weights * 100.0
    } else {
        0.0
    };
    Ok((points, percent))
}

/// Scores an assigned, approved entry (again, until the results are frozen).
#[utoipa::path(put, path = "/entries/{id}/scores", tag = "judging", security(("bearer" = [])), params(("id" = String, Path)),
    request_body = ScoreRequest,
    responses((status = 200, body = ScoreView), (status = 422, body = ErrorBody),
              (status = 409, body = ErrorBody, description = "results frozen or published"), (status = 404, body = ErrorBody)))]
pub async fn score_entry(
    State(state): State<AppState>,
    caller: AuthUser,
    AppPath(entry_id): AppPath<String>,
    AppJson(body): AppJson<ScoreRequest>,
) -> AppResult<AppJson<ScoreView>> {
    let pool = &state.db.pool;
    let entry = store::find(pool, &entry_id)
        .await?
        .filter(|entry| entry.status == EntryStatus::Approved)
        .ok_or_else(AppError::not_found)?;
    if !is_assigned(pool, &entry.id, caller.id()).await? {
        return Err(AppError::not_found());
    }
    let contest = contest::require(pool, &entry.contest_id).await?;
    if matches!(
        contest.results_state,
        ResultsState::Frozen | ResultsState::Published
    ) {
        return Err(AppError::conflict(
            ErrorCode::ResultsFrozen,
            "the results are frozen: scores can no longer change",
        ));
    }
    let (points, percent) = check_scores(&contest.criteria, &body.scores)?;
    let comment = match body.comment.as_deref().map(str::trim) {
        Some(text) if !text.is_empty() => Some(
            text_field(text, 1, 2000).map_err(|problem| FieldErrors::single("comment", problem))?,
        ),
        _ => None,
    };
    let now = state.clock.now_ms();
    let mut tx = pool.begin().await?;
    if !contest::lock_rubric(&mut *tx, &contest.id, Some(contest.rubric_rev)).await? {
        return Err(AppError::conflict(
            ErrorCode::StateChanged,
            "the rubric changed meanwhile; reload the entry and score it again",
        ));
    }
    let scored = sqlx::query(
        "UPDATE entry_judges SET scores = $1, comment = $2, percent = $3, scored_at = $4
         WHERE entry_id = $5 AND judge_id = $6",
    )
    .bind(serde_json::to_string(&points).map_err(anyhow::Error::from)?)
    .bind(&comment)
    .bind(percent)
    .bind(now)
    .bind(&entry.id)
    .bind(caller.id())
    .execute(&mut *tx)
    .await?;
    if scored.rows_affected() != 1 {
        // The assignment went away meanwhile (the judge was removed).
        return Err(AppError::not_found());
    }
    store::bump_board_rev(&mut *tx, &entry.id).await?;
    tx.commit().await?;
    let scored = true;
    if scored {
        standings::entry_changed(&state, &entry.contest_id, &entry.id).await;
    }
    Ok(AppJson(ScoreView {
        entry_id: entry.id,
        scores: points,
        percent,
        comment,
        scored_at: Timestamp(now),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(prefix: &str, n: usize) -> Vec<String> {
        (0..n).map(|i| format!("{prefix}{i:02}")).collect()
    }

    fn loads(plan: &Plan, judges: &[String]) -> Vec<usize> {
        judges
            .iter()
            .map(|j| plan.add.iter().filter(|(_, judge)| judge == j).count())
            .collect()
    }

    #[test]
    fn assigns_evenly_and_never_to_the_entrant() {
        let judges = ids("j", 3);
        // Entry 0 is by judge j00 (an organizer who entered, say).
        let mut entries: Vec<(String, String)> =
            ids("e", 10).into_iter().zip(ids("u", 10)).collect();
        entries[0].1 = "j00".into();
        let plan = plan(&entries, &judges, &[], 2);
        assert_eq!(plan.add.len(), 20);
        let loads = loads(&plan, &judges);
        assert!(
            loads.iter().max().expect("present") - loads.iter().min().expect("present") <= 1,
            "{loads:?}"
        );
        assert!(!plan.add.contains(&("e00".into(), "j00".into())));
        for (entry, _) in &entries {
            let judges: HashSet<_> = plan
                .add
                .iter()
                .filter(|(e, _)| e == entry)
                .map(|(_, j)| j)
                .collect();
            assert_eq!(judges.len(), 2, "{entry}");
        }
    }

    #[test]
    fn a_late_judge_takes_over_unscored_work() {
        let entries: Vec<(String, String)> = ids("e", 6).into_iter().zip(ids("u", 6)).collect();
        let first = plan(&entries, &ids("j", 2), &[], 1);
        let existing: Vec<Assignment> = first
            .add
            .iter()
            .enumerate()
            .map(|(i, (e, j))| Assignment {
                entry_id: e.clone(),
                judge_id: j.clone(),
                scored: i == 0,
            })
            .collect();
        let judges = ids("j", 3);
        let second = plan(&entries, &judges, &existing, 1);
        let mut load: HashMap<String, i64> = HashMap::new();
        for a in &existing {
            *load.entry(a.judge_id.clone()).or_default() += 1;
        }
        for (_, j) in &second.add {
            *load.entry(j.clone()).or_default() += 1;
        }
        for (_, j) in &second.remove {
            *load.entry(j.clone()).or_default() -= 1;
        }
        assert_eq!(load.get("j02"), Some(&2), "{second:?}");
        // The scored assignment never moves.
        assert!(
            !second
                .remove
                .contains(&(existing[0].entry_id.clone(), existing[0].judge_id.clone()))
        );
    }

    #[test]
    fn weighted_percentages() {
        let criteria = vec![
            Criterion {
                key: "content".into(),
                title: "Nội dung".into(),
                weight: 3.0,
                max_points: 10.0,
            },
            Criterion {
                key: "voice".into(),
                title: "Giọng".into(),
                weight: 1.0,
                max_points: 5.0,
            },
        ];
        let sent: BTreeMap<String, Value> = [
            ("content".to_owned(), Value::from(8)),
            ("voice".to_owned(), Value::from(5)),
        ]
        .into();
        let (_, percent) = check_scores(&criteria, &sent).expect("present");
        assert!((percent - 85.0).abs() < 1e-9);
        let over: BTreeMap<String, Value> = [
            ("content".to_owned(), Value::from(11)),
            ("voice".to_owned(), Value::from(5)),
        ]
        .into();
        assert!(check_scores(&criteria, &over).is_err());
        let missing: BTreeMap<String, Value> = [("content".to_owned(), Value::from(1))].into();
        assert!(check_scores(&criteria, &missing).is_err());
    }
}
