//! Time allowances: an organizer grants one participant extra time on a quiz, or a later close
//! (WCAG 2.2.1's accommodation, Moodle's user overrides). The deadline rule lives here, once:
//! deadline = min(start + limit + extra time, close + extra close). An attempt stores its
//! deadline, so the sweeper, grading and reports honour an allowance by reading it; granting,
//! changing or removing one re-computes the deadline of her attempt in progress.

use std::collections::HashMap;

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::quiz::{self, Quiz};
use crate::app::AppState;
use crate::auth::{Organizer, accounts};
use crate::clock::Timestamp;
use crate::db::Pool;
use crate::error::{AppError, AppResult, ErrorBody, FieldErrors};
use crate::http::{AppJson, AppPath};

/// At most a day of extra time, and a close moved at most 30 days.
const MAX_EXTRA_TIME_S: i64 = 86_400;
const MAX_EXTRA_CLOSE_S: i64 = 30 * 86_400;

/// What one participant is allowed beyond the quiz's own limits (none: zeros).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Allowance {
    /// Seconds added to the quiz's time limit, 0–86,400.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 86_400)]
    pub extra_time_s: i64,
    /// Seconds by which the quiz closes later for her, 0–2,592,000.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 2_592_000)]
    pub extra_close_s: i64,
}

impl Allowance {
    fn check(self) -> AppResult<Self> {
        let mut errors = FieldErrors::new();
        if !(0..=MAX_EXTRA_TIME_S).contains(&self.extra_time_s) {
            errors.add("extra_time_s", format!("must be 0 to {MAX_EXTRA_TIME_S}"));
        }
        if !(0..=MAX_EXTRA_CLOSE_S).contains(&self.extra_close_s) {
            errors.add("extra_close_s", format!("must be 0 to {MAX_EXTRA_CLOSE_S}"));
        }
        errors.into_result()?;
        Ok(self)
    }

    /// When the quiz closes for her.
    pub fn closes_at(self, quiz: &Quiz) -> i64 {
        quiz.closes_at.saturating_add(self.extra_close_s * 1000)
    }

    /// The deadline of an attempt she starts at `started_at`: the one deadline rule.
    pub fn deadline(self, quiz: &Quiz, started_at: i64) -> i64 {
        let limit_ms = (quiz.time_limit_s + self.extra_time_s) * 1000;
        started_at
            .saturating_add(limit_ms)
            .min(self.closes_at(quiz))
    }

    /// Whether she may start an attempt now: the quiz has opened and has not closed for her.
    pub fn open_for(self, quiz: &Quiz, now_ms: i64) -> bool {
        quiz.opens_at <= now_ms && now_ms < self.closes_at(quiz)
    }
}

/// The participant's allowance on the quiz, if one was granted.
pub async fn of(pool: &Pool, quiz_id: &str, user_id: &str) -> AppResult<Option<Allowance>> {
    let row: Option<(i64, i64)> = sqlx::query_as(
        "SELECT extra_time_s, extra_close_s FROM quiz_allowances WHERE quiz_id = $1 AND user_id = $2",
    )
    .bind(quiz_id)
    .bind(user_id)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|(extra_time_s, extra_close_s)| Allowance {
        extra_time_s,
        extra_close_s,
    }))
}

/// The allowances granted to one participant, by quiz (for her own quiz views).
pub async fn granted(pool: &Pool, user_id: &str) -> AppResult<HashMap<String, Allowance>> {
    let rows: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT quiz_id, extra_time_s, extra_close_s FROM quiz_allowances WHERE user_id = $1",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(quiz_id, extra_time_s, extra_close_s)| {
            let allowance = Allowance {
                extra_time_s,
                extra_close_s,
            };
            (quiz_id, allowance)
        })
        .collect())
}

/// When the quiz has closed for everyone: keys and explanations wait for it, so nobody still
/// answering under a later close can be handed them by a classmate.
pub async fn closed_for_all_at(pool: &Pool, quiz: &Quiz) -> AppResult<i64> {
    let latest: Option<i64> =
        sqlx::query_scalar("SELECT MAX(extra_close_s) FROM quiz_allowances WHERE quiz_id = $1")
            .bind(&quiz.id)
            .fetch_one(pool)
            .await?;
    Ok(quiz.closes_at.saturating_add(latest.unwrap_or(0) * 1000))
}

#[derive(sqlx::FromRow)]
struct OpenAttempt {
    id: String,
    started_at: i64,
    deadline_at: i64,
    extra_time_s: Option<i64>,
    extra_close_s: Option<i64>,
}

/// Re-computes the deadlines of the quiz's attempts in progress (of one participant, or of
/// all) by the rule, after an allowance or the quiz's close changed.
pub async fn refresh_deadlines(pool: &Pool, quiz: &Quiz, user_id: Option<&str>) -> AppResult<()> {
    let open: Vec<OpenAttempt> = sqlx::query_as(
        "SELECT a.id, a.started_at, a.deadline_at, q.extra_time_s, q.extra_close_s
         FROM attempts a LEFT JOIN quiz_allowances q ON q.quiz_id = a.quiz_id AND q.user_id = a.user_id
         WHERE a.quiz_id = $1 AND a.status = 'in_progress' AND ($2 = '' OR a.user_id = $2)",
    )
    .bind(&quiz.id)
    .bind(user_id.unwrap_or(""))
    .fetch_all(pool)
    .await?;
    for attempt in open {
        let allowance = Allowance {
            extra_time_s: attempt.extra_time_s.unwrap_or(0),
            extra_close_s: attempt.extra_close_s.unwrap_or(0),
        };
        let deadline = allowance.deadline(quiz, attempt.started_at);
        if deadline != attempt.deadline_at {
            // Only while it is still running: a submit or the sweeper may have closed it.
            sqlx::query(
                "UPDATE attempts SET deadline_at = $1 WHERE id = $2 AND status = 'in_progress'",
            )
            .bind(deadline)
            .bind(&attempt.id)
            .execute(pool)
            .await?;
        }
    }
    Ok(())
}

#[derive(Serialize, ToSchema)]
pub struct AllowanceView {
    pub quiz_id: String,
    pub user_id: String,
    pub display_name: String,
    pub extra_time_s: i64,
    pub extra_close_s: i64,
    /// When the quiz closes for her.
    #[schema(value_type = String, format = DateTime)]
    pub closes_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub granted_at: Timestamp,
}

#[derive(Serialize, ToSchema)]
pub struct AllowanceList {
    pub items: Vec<AllowanceView>,
    pub total: i64,
}

async fn views(pool: &Pool, quiz: &Quiz, user_id: Option<&str>) -> AppResult<Vec<AllowanceView>> {
    let rows: Vec<(String, String, i64, i64, i64)> = sqlx::query_as(
        "SELECT q.user_id, u.display_name, q.extra_time_s, q.extra_close_s, q.granted_at
         FROM quiz_allowances q JOIN users u ON u.id = q.user_id
         WHERE q.quiz_id = $1 AND ($2 = '' OR q.user_id = $2)
         ORDER BY u.display_name, q.user_id",
    )
    .bind(&quiz.id)
    .bind(user_id.unwrap_or(""))
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(user_id, display_name, extra_time_s, extra_close_s, granted_at)| {
                let allowance = Allowance {
                    extra_time_s,
                    extra_close_s,
                };
                AllowanceView {
                    quiz_id: quiz.id.clone(),
                    user_id,
                    display_name,
                    extra_time_s,
                    extra_close_s,
                    closes_at: Timestamp(allowance.closes_at(quiz)),
                    granted_at: Timestamp(granted_at),
                }
            },
        )
        .collect())
}

async fn organizer_quiz(state: &AppState, quiz_id: &str) -> AppResult<Quiz> {
    quiz::find(&state.db.pool, quiz_id)
        .await?
        .ok_or_else(AppError::not_found)
}

/// Grants (or changes) a participant's allowance on a quiz, before or during the week; her
/// attempt in progress gets its new deadline at once.
#[utoipa::path(put, path = "/quizzes/{id}/allowances/{user_id}", tag = "quizzes", security(("bearer" = [])),
    params(("id" = String, Path), ("user_id" = String, Path)), request_body = Allowance,
    responses((status = 200, body = AllowanceView), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody, description = "no such quiz or user"), (status = 422, body = ErrorBody)))]
pub async fn grant(
    State(state): State<AppState>,
    Organizer(caller): Organizer,
    AppPath((quiz_id, user_id)): AppPath<(String, String)>,
    AppJson(body): AppJson<Allowance>,
) -> AppResult<AppJson<AllowanceView>> {
    let quiz = organizer_quiz(&state, &quiz_id).await?;
    let allowance = body.check()?;
    let user = accounts::find_by_id(&state.db.pool, &user_id)
        .await?
        .ok_or_else(AppError::not_found)?;
    sqlx::query(
        "INSERT INTO quiz_allowances (quiz_id, user_id, extra_time_s, extra_close_s, granted_by, granted_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (quiz_id, user_id) DO UPDATE SET extra_time_s = excluded.extra_time_s,
             extra_close_s = excluded.extra_close_s, granted_by = excluded.granted_by, granted_at = excluded.granted_at",
    )
    .bind(&quiz.id)
    .bind(&user.id)
    .bind(allowance.extra_time_s)
    .bind(allowance.extra_close_s)
    .bind(caller.id())
    .bind(state.clock.now_ms())
    .execute(&state.db.pool)
    .await?;
    refresh_deadlines(&state.db.pool, &quiz, Some(&user.id)).await?;
    views(&state.db.pool, &quiz, Some(&user.id))
        .await?
        .pop()
        .map(AppJson)
        .ok_or_else(AppError::not_found)
}

/// Takes a participant's allowance back; her attempt in progress returns to the quiz's own
/// deadline (the sweeper closes it if that has passed).
#[utoipa::path(delete, path = "/quizzes/{id}/allowances/{user_id}", tag = "quizzes", security(("bearer" = [])),
    params(("id" = String, Path), ("user_id" = String, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody, description = "no such quiz, or no allowance")))]
pub async fn revoke(
    State(state): State<AppState>,
    Organizer(_caller): Organizer,
    AppPath((quiz_id, user_id)): AppPath<(String, String)>,
) -> AppResult<StatusCode> {
    let quiz = organizer_quiz(&state, &quiz_id).await?;
    let removed = sqlx::query("DELETE FROM quiz_allowances WHERE quiz_id = $1 AND user_id = $2")
        .bind(&quiz.id)
        .bind(&user_id)
        .execute(&state.db.pool)
        .await?
        .rows_affected();
    if removed == 0 {
        return Err(AppError::not_found());
    }
    refresh_deadlines(&state.db.pool, &quiz, Some(&user_id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The quiz's allowances, by name.
#[utoipa::path(get, path = "/quizzes/{id}/allowances", tag = "quizzes", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 200, body = AllowanceList), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Organizer(_caller): Organizer,
    AppPath(quiz_id): AppPath<String>,
) -> AppResult<AppJson<AllowanceList>> {
    let quiz = organizer_quiz(&state, &quiz_id).await?;
    let items = views(&state.db.pool, &quiz, None).await?;
    let total = items.len() as i64;
    Ok(AppJson(AllowanceList { items, total }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_deadline_is_the_earlier_of_the_longer_limit_and_the_later_close() {
        let quiz = Quiz {
            id: "q".into(),
            event_id: None,
            title: "Quiz".into(),
            description: String::new(),
            opens_at: 0,
            closes_at: 3_600_000,
            time_limit_s: 600,
            max_attempts: 1,
            rules: Vec::new(),
            shuffle_questions: false,
            shuffle_options: false,
            review: crate::quizzes::quiz::Review::AfterClose,
            audience_org_unit_id: None,
            ranking: crate::quizzes::quiz::Ranking::Best,
            published: true,
            published_at: Some(0),
        };
        let none = Allowance::default();
        assert_eq!(none.deadline(&quiz, 1_000), 601_000);
        assert_eq!(none.deadline(&quiz, 3_300_000), 3_600_000);
        let more = Allowance {
            extra_time_s: 300,
            extra_close_s: 0,
        };
        assert_eq!(more.deadline(&quiz, 1_000), 901_000);
        assert_eq!(
            more.deadline(&quiz, 3_300_000),
            3_600_000,
            "the close still binds"
        );
        let later = Allowance {
            extra_time_s: 300,
            extra_close_s: 1_800,
        };
        assert_eq!(later.deadline(&quiz, 3_300_000), 4_200_000);
        assert!(later.open_for(&quiz, 3_700_000));
        assert!(!none.open_for(&quiz, 3_700_000));
    }
}
