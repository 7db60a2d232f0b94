//! The attempt tables. Every change to an attempt starts with a conditional update of its row,
//! so saves, submits and the sweeper serialise on it on both engines: a save that wins commits
//! before grading reads the answers; a save that loses sees the attempt finished.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::Value;
use sqlx::FromRow;
use utoipa::ToSchema;

use std::sync::Arc;

use crate::banks::Question;
use crate::banks::cache::QuestionCache;
use crate::db::{self, Db, Engine, Pool};
use crate::error::AppResult;

#[derive(Debug, Clone, FromRow)]
pub struct AttemptRow {
    pub id: String,
    pub quiz_id: String,
    pub user_id: String,
    pub number: i64,
    #[sqlx(try_from = "String")]
    pub status: AttemptStatus,
    pub started_at: i64,
    pub deadline_at: i64,
    pub finished_at: Option<i64>,
    pub question_count: i64,
    pub score_milli: Option<i64>,
    pub max_score_milli: i64,
    pub correct_count: Option<i64>,
    pub duration_ms: Option<i64>,
}

impl AttemptRow {
    pub fn in_progress(&self) -> bool {
        self.status == AttemptStatus::InProgress
    }
}

/// Where an attempt stands: running, or finished by the participant or by the deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AttemptStatus {
    InProgress,
    Submitted,
    Expired,
}

impl AttemptStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AttemptStatus::InProgress => "in_progress",
            AttemptStatus::Submitted => "submitted",
            AttemptStatus::Expired => "expired",
        }
    }
}

/// A stored status is parsed strictly: an unknown value is a fault of the record.
impl TryFrom<String> for AttemptStatus {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        match text.as_str() {
            "in_progress" => Ok(AttemptStatus::InProgress),
            "submitted" => Ok(AttemptStatus::Submitted),
            "expired" => Ok(AttemptStatus::Expired),
            other => Err(format!("unknown attempt status {other:?}")),
        }
    }
}

const ATTEMPT_COLUMNS: &str = "id, quiz_id, user_id, number, status, started_at, deadline_at, finished_at, question_count, \
     score_milli, max_score_milli, correct_count, duration_ms";

pub async fn find(pool: &Pool, id: &str) -> AppResult<Option<AttemptRow>> {
    let sql = format!("SELECT {ATTEMPT_COLUMNS} FROM attempts WHERE id = $1");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(pool)
        .await?)
}

pub async fn find_in_progress(
    pool: &Pool,
    quiz_id: &str,
    user_id: &str,
) -> AppResult<Option<AttemptRow>> {
    let sql = format!("SELECT {ATTEMPT_COLUMNS} FROM attempts WHERE in_progress_key = $1");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(in_progress_key(quiz_id, user_id))
        .fetch_optional(pool)
        .await?)
}

fn in_progress_key(quiz_id: &str, user_id: &str) -> String {
    format!("{quiz_id}:{user_id}")
}

pub async fn count_for(pool: &Pool, quiz_id: &str, user_id: &str) -> AppResult<i64> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM attempts WHERE quiz_id = $1 AND user_id = $2")
            .bind(quiz_id)
            .bind(user_id)
            .fetch_one(pool)
            .await?,
    )
}

/// Attempts the user made per quiz (for "attempts left" in listings).
pub async fn counts_by_quiz(pool: &Pool, user_id: &str) -> AppResult<HashMap<String, i64>> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT quiz_id, COUNT(*) FROM attempts WHERE user_id = $1 GROUP BY quiz_id",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().collect())
}

/// A question drawn for an attempt, pinned to its version, with its options in shown order.
#[derive(Debug, Clone)]
pub struct Drawn {
    pub key: String,
    pub bank_slug: String,
    pub question_id: String,
    pub version: i64,
    pub option_order: Vec<String>,
    pub question: Arc<Question>,
}

pub struct NewAttempt<'a> {
    pub id: &'a str,
    pub quiz_id: &'a str,
    pub user_id: &'a str,
    pub number: i64,
    pub seed: &'a str,
    pub started_at: i64,
    pub deadline_at: i64,
    pub max_score_milli: i64,
}

/// Inserts the attempt and its questions at once. A unique violation means another request
/// started an attempt first (one in progress per user, numbers unique): the caller re-reads.
pub async fn create(
    pool: &Pool,
    attempt: &NewAttempt<'_>,
    drawn: &[Drawn],
) -> Result<(), sqlx::Error> {
    let mut tx = pool.begin().await?;
    sqlx::query(
        "INSERT INTO attempts (id, quiz_id, user_id, number, seed, status, in_progress_key, started_at, deadline_at, question_count, max_score_milli)
         VALUES ($1, $2, $3, $4, $5, 'in_progress', $6, $7, $8, $9, $10)",
    )
    .bind(attempt.id)
    .bind(attempt.quiz_id)
    .bind(attempt.user_id)
    .bind(attempt.number)
    .bind(attempt.seed)
    .bind(in_progress_key(attempt.quiz_id, attempt.user_id))
    .bind(attempt.started_at)
    .bind(attempt.deadline_at)
    .bind(drawn.len() as i64)
    .bind(attempt.max_score_milli)
    .execute(&mut *tx)
    .await?;
    for (position, question) in drawn.iter().enumerate() {
        sqlx::query(
            "INSERT INTO attempt_questions (attempt_id, position, question_key, bank_slug, question_id, version, competence, option_order)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(attempt.id)
        .bind(position as i64)
        .bind(&question.key)
        .bind(&question.bank_slug)
        .bind(&question.question_id)
        .bind(question.version)
        .bind(&question.question.competence)
        .bind(serde_json::to_string(&question.option_order).unwrap_or_else(|_| "[]".into()))
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await
}

/// An attempt's questions in shown order, each as the version it served.
pub async fn questions(
    pool: &Pool,
    cache: &QuestionCache,
    attempt_id: &str,
) -> AppResult<Vec<Drawn>> {
    let rows: Vec<(String, String, String, i64, String)> = sqlx::query_as(
        "SELECT question_key, bank_slug, question_id, version, option_order
         FROM attempt_questions WHERE attempt_id = $1 ORDER BY position",
    )
    .bind(attempt_id)
    .fetch_all(pool)
    .await?;
    let mut drawn = Vec::with_capacity(rows.len());
    for (key, bank_slug, question_id, version, order) in rows {
        let question = cache.get(pool, &bank_slug, &question_id, version).await?;
        drawn.push(Drawn {
            key,
            bank_slug,
            question_id,
            version,
            option_order: serde_json::from_str(&order).unwrap_or_default(),
            question,
        });
    }
    Ok(drawn)
}

/// What a save needs: the attempt and the one question it names.
pub struct SaveTarget {
    pub user_id: String,
    pub status: AttemptStatus,
    pub question: Arc<Question>,
}

pub async fn save_target(
    pool: &Pool,
    cache: &QuestionCache,
    attempt_id: &str,
    question_key: &str,
) -> AppResult<Option<SaveTarget>> {
    let row: Option<(String, String, String, String, i64)> = sqlx::query_as(
        "SELECT a.user_id, a.status, aq.bank_slug, aq.question_id, aq.version
         FROM attempts a JOIN attempt_questions aq ON aq.attempt_id = a.id AND aq.question_key = $2
         WHERE a.id = $1",
    )
    .bind(attempt_id)
    .bind(question_key)
    .fetch_optional(pool)
    .await?;
    let Some((user_id, status, bank, question_id, version)) = row else {
        return Ok(None);
    };
    let question = cache.get(pool, &bank, &question_id, version).await?;
    Ok(Some(SaveTarget {
        user_id,
        status: AttemptStatus::try_from(status).map_err(anyhow::Error::msg)?,
        question,
    }))
}

pub async fn answers(pool: &Pool, attempt_id: &str) -> AppResult<HashMap<String, Value>> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT question_key, response FROM attempt_answers WHERE attempt_id = $1")
            .bind(attempt_id)
            .fetch_all(pool)
            .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(key, response)| {
            serde_json::from_str(&response)
                .ok()
                .map(|value| (key, value))
        })
        .collect())
}

async fn write_answer(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    attempt_id: &str,
    key: &str,
    response: Option<&Value>,
    now_ms: i64,
) -> AppResult<()> {
    match response {
        Some(response) => {
            sqlx::query(
                "INSERT INTO attempt_answers (attempt_id, question_key, response, saved_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (attempt_id, question_key) DO UPDATE SET response = excluded.response, saved_at = excluded.saved_at",
            )
            .bind(attempt_id)
            .bind(key)
            .bind(response.to_string())
            .bind(now_ms)
            .execute(&mut **tx)
            .await?;
        }
        None => {
            sqlx::query("DELETE FROM attempt_answers WHERE attempt_id = $1 AND question_key = $2")
                .bind(attempt_id)
                .bind(key)
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(())
}

/// Saves (or clears, with `None`) one answer if the attempt is still open at `now_ms`;
/// false when it is finished or past its deadline plus grace.
///
/// A save must never land after grading has read the answers. The check and the write are
/// therefore one statement that holds the attempt's write lock: on SQLite every write
/// statement takes the database's single write lock before it reads; on PostgreSQL the
/// statement first updates the attempt row, which waits for (and then re-checks against) a
/// grading transaction holding it. This is the one place the SQL differs by engine: autosave
/// is the hottest write, and one statement instead of a four-step transaction doubles it.
pub async fn save_answer(
    db: &Db,
    attempt_id: &str,
    key: &str,
    response: Option<&Value>,
    now_ms: i64,
    grace_ms: i64,
) -> AppResult<bool> {
    let Some(response) = response else {
        return clear_answer(&db.pool, attempt_id, key, now_ms, grace_ms).await;
    };
    let sql = match db.engine {
        Engine::Sqlite => {
            "INSERT INTO attempt_answers (attempt_id, question_key, response, saved_at)
             SELECT $1, $2, $3, $4 WHERE EXISTS (
                 SELECT 1 FROM attempts WHERE id = $1 AND status = 'in_progress' AND deadline_at + $5 >= $4)
             ON CONFLICT (attempt_id, question_key) DO UPDATE SET response = excluded.response, saved_at = excluded.saved_at"
        }
        Engine::Postgres => {
            "WITH open AS (
                 UPDATE attempts SET last_saved_at = $4
                 WHERE id = $1 AND status = 'in_progress' AND deadline_at + $5 >= $4 RETURNING id)
             INSERT INTO attempt_answers (attempt_id, question_key, response, saved_at)
             SELECT id, $2, $3, $4 FROM open
             ON CONFLICT (attempt_id, question_key) DO UPDATE SET response = excluded.response, saved_at = excluded.saved_at"
        }
    };
    let saved = sqlx::query(sql)
        .bind(attempt_id)
        .bind(key)
        .bind(response.to_string())
        .bind(now_ms)
        .bind(grace_ms)
        .execute(&db.pool)
        .await?;
    Ok(saved.rows_affected() == 1)
}

/// Clearing is rare: a transaction that claims the row first, as grading does.
async fn clear_answer(
    pool: &Pool,
    attempt_id: &str,
    key: &str,
    now_ms: i64,
    grace_ms: i64,
) -> AppResult<bool> {
    let mut tx = pool.begin().await?;
    let open = sqlx::query(
        "UPDATE attempts SET last_saved_at = $1 WHERE id = $2 AND status = 'in_progress' AND deadline_at + $3 >= $1",
    )
    .bind(now_ms)
    .bind(attempt_id)
    .bind(grace_ms)
    .execute(&mut *tx)
    .await?;
    if open.rows_affected() == 0 {
        tx.rollback().await?;
        return Ok(false);
    }
    write_answer(&mut tx, attempt_id, key, None, now_ms).await?;
    tx.commit().await?;
    Ok(true)
}

/// How an attempt ends: by its owner inside the deadline plus grace, or by the server after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    Submitted,
    Expired,
}

/// Claims an open attempt for grading and applies `grade` to its answers, in one transaction.
/// Returns false when another request (a second tab, the sweeper, another server) or the
/// clock got there first; nothing is written then.
pub async fn finish<F>(
    pool: &Pool,
    attempt: &AttemptRow,
    ending: Ending,
    final_answers: &[(String, Option<Value>)],
    now_ms: i64,
    grace_ms: i64,
    grade: F,
) -> AppResult<bool>
where
    F: FnOnce(&HashMap<String, Value>) -> Grades,
{
    let (status, time_condition, finished_at) = match ending {
        Ending::Submitted => (AttemptStatus::Submitted, "deadline_at + $4 >= $3", now_ms),
        Ending::Expired => (
            AttemptStatus::Expired,
            "deadline_at + $4 < $3",
            attempt.deadline_at,
        ),
    };
    let mut tx = pool.begin().await?;
    let claim = format!(
        "UPDATE attempts SET status = $1, in_progress_key = NULL, finished_at = $5, graded_at = $3
         WHERE id = $2 AND status = 'in_progress' AND {time_condition}"
    );
    let claimed = sqlx::query(sqlx::AssertSqlSafe(claim))
        .bind(status.as_str())
        .bind(&attempt.id)
        .bind(now_ms)
        .bind(grace_ms)
        .bind(finished_at)
        .execute(&mut *tx)
        .await?;
    if claimed.rows_affected() == 0 {
        tx.rollback().await?;
        return Ok(false);
    }
    for (key, response) in final_answers {
        write_answer(&mut tx, &attempt.id, key, response.as_ref(), now_ms).await?;
    }
    // Only answers the attempt accepted in time: saves are refused after deadline + grace.
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT question_key, response FROM attempt_answers WHERE attempt_id = $1 AND saved_at <= $2")
            .bind(&attempt.id)
            .bind(attempt.deadline_at + grace_ms)
            .fetch_all(&mut *tx)
            .await?;
    let answers: HashMap<String, Value> = rows
        .into_iter()
        .filter_map(|(key, response)| {
            serde_json::from_str(&response)
                .ok()
                .map(|value| (key, value))
        })
        .collect();
    let grades = grade(&answers);
    let duration_ms = (finished_at.min(attempt.deadline_at) - attempt.started_at).max(0);
    sqlx::query(
        "UPDATE attempts SET score_milli = $1, correct_count = $2, duration_ms = $3 WHERE id = $4",
    )
    .bind(grades.score_milli)
    .bind(grades.correct_count)
    .bind(duration_ms)
    .bind(&attempt.id)
    .execute(&mut *tx)
    .await?;
    for (key, points_milli, correct) in &grades.per_question {
        sqlx::query("UPDATE attempt_questions SET points_milli = $1, correct = $2 WHERE attempt_id = $3 AND question_key = $4")
            .bind(points_milli)
            .bind(db::bool_to_db(*correct))
            .bind(&attempt.id)
            .bind(key)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(true)
}

pub struct Grades {
    pub score_milli: i64,
    pub correct_count: i64,
    pub per_question: Vec<(String, i64, bool)>,
}

/// Per-question outcomes of a finished attempt: `(key, points_milli, correct)`.
pub async fn question_outcomes(
    pool: &Pool,
    attempt_id: &str,
) -> AppResult<HashMap<String, (i64, bool)>> {
    let rows: Vec<(String, Option<i64>, Option<i64>)> = sqlx::query_as(
        "SELECT question_key, points_milli, correct FROM attempt_questions WHERE attempt_id = $1",
    )
    .bind(attempt_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(key, points, correct)| (key, (points.unwrap_or(0), correct.unwrap_or(0) != 0)))
        .collect())
}

/// Open attempts whose deadline plus grace has passed, oldest first.
pub async fn due(
    pool: &Pool,
    now_ms: i64,
    grace_ms: i64,
    limit: i64,
) -> AppResult<Vec<AttemptRow>> {
    let sql = format!(
        "SELECT {ATTEMPT_COLUMNS} FROM attempts WHERE status = 'in_progress' AND deadline_at + $1 < $2 ORDER BY deadline_at LIMIT $3"
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(grace_ms)
        .bind(now_ms)
        .bind(limit)
        .fetch_all(pool)
        .await?)
}

/// The user's attempts, newest first, with their quiz's title.
pub async fn list_for_user(
    pool: &Pool,
    user_id: &str,
    limit: i64,
    offset: i64,
) -> AppResult<(Vec<(AttemptRow, String)>, i64)> {
    #[derive(FromRow)]
    struct Row {
        #[sqlx(flatten)]
        attempt: AttemptRow,
        quiz_title: String,
    }
    let columns = ATTEMPT_COLUMNS
        .split(", ")
        .map(|column| format!("a.{}", column.trim()))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT {columns}, q.title AS quiz_title FROM attempts a JOIN quizzes q ON q.id = a.quiz_id
         WHERE a.user_id = $1 ORDER BY a.started_at DESC, a.id DESC LIMIT $2 OFFSET $3"
    );
    let rows: Vec<Row> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(user_id)
        .bind(limit)
        .bind(offset)
        .fetch_all(pool)
        .await?;
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM attempts WHERE user_id = $1")
        .bind(user_id)
        .fetch_one(pool)
        .await?;
    Ok((
        rows.into_iter()
            .map(|r| (r.attempt, r.quiz_title))
            .collect(),
        total,
    ))
}
