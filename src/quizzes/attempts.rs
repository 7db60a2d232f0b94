//! Attempts: start, resume, autosave, submit, and the server closing them at the deadline.
//! Every time comparison reads the application clock.

use std::collections::HashMap;

use crate::http::AppPath;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::allowances::{self, Allowance};
use super::attempt_store::{self as store, AttemptRow, Drawn, Ending, Grades, NewAttempt};
use super::grading::{grade, max_points_milli};
use super::quiz::{self, Quiz};
use super::{access, draw, response};
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::auth::accounts::Role;
use crate::banks::Text;
use crate::boards;
use crate::clock::Timestamp;
use crate::db;
use crate::error::{AppError, AppResult, ErrorBody, ErrorCode, FieldErrors};
use crate::http::{AppJson, AppQuery, Paging};
use crate::quizzes::attempt_store::AttemptStatus;

#[derive(Serialize, ToSchema)]
pub struct OptionView {
    pub id: String,
    pub text: Text,
}

#[derive(Serialize, ToSchema)]
pub struct QuestionView {
    /// The id to save answers under.
    pub id: String,
    pub kind: String,
    pub prompt: Text,
    pub options: Vec<OptionView>,
    pub points: f64,
}

#[derive(Serialize, ToSchema, Clone)]
pub struct AttemptResult {
    /// `submitted` or `expired`.
    pub status: AttemptStatus,
    pub score: f64,
    pub max_score: f64,
    pub correct_count: i64,
    pub question_count: i64,
    pub duration_ms: i64,
    pub finished_at: Option<Timestamp>,
    /// The participant's rank in the quiz's live board (on submission).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rank: Option<u64>,
}

#[derive(Serialize, ToSchema)]
pub struct AttemptView {
    pub id: String,
    pub quiz_id: String,
    pub number: i64,
    pub status: AttemptStatus,
    pub started_at: Timestamp,
    pub deadline_at: Timestamp,
    /// The server's clock, for correcting the countdown on the device.
    pub server_now: Timestamp,
    pub questions: Vec<QuestionView>,
    /// The saved answers by question id.
    #[schema(value_type = HashMap<String, crate::quizzes::response::Answer>)]
    pub answers: HashMap<String, Value>,
    pub result: Option<AttemptResult>,
}

pub fn milli_to_points(milli: i64) -> f64 {
    milli as f64 / 1000.0
}

pub fn result_of(attempt: &AttemptRow) -> Option<AttemptResult> {
    (!attempt.in_progress()).then(|| AttemptResult {
        status: attempt.status,
        score: milli_to_points(attempt.score_milli.unwrap_or(0)),
        max_score: milli_to_points(attempt.max_score_milli),
        correct_count: attempt.correct_count.unwrap_or(0),
        question_count: attempt.question_count,
        duration_ms: attempt.duration_ms.unwrap_or(0),
        finished_at: attempt.finished_at.map(Timestamp),
        rank: None,
    })
}

/// The question as a participant sees it: prompt and options in shown order, never the key.
pub fn question_view(drawn: &Drawn) -> QuestionView {
    let options = drawn
        .option_order
        .iter()
        .filter_map(|id| {
            drawn
                .question
                .options
                .iter()
                .find(|choice| &choice.id == id)
        })
        .map(|choice| OptionView {
            id: choice.id.clone(),
            text: choice.text.clone(),
        })
        .collect();
    QuestionView {
        id: drawn.key.clone(),
        kind: drawn.question.kind.as_str().to_owned(),
        prompt: drawn.question.prompt.clone(),
        options,
        points: f64::from(drawn.question.points),
    }
}

/// The grace after a deadline during which saves and submits are still taken, in ms.
pub fn grace_ms(state: &AppState) -> i64 {
    i64::try_from(state.config.attempt_grace.as_millis()).unwrap_or(5_000)
}

/// Grades and closes `attempt` as `ending`; false if it was already closed or not allowed.
async fn finish(
    state: &AppState,
    attempt: &AttemptRow,
    ending: Ending,
    final_answers: &[(String, Option<Value>)],
) -> AppResult<bool> {
    let questions = store::questions(&state.db.pool, &state.questions, &attempt.id).await?;
    let finished = store::finish(
        &state.db.pool,
        attempt,
        ending,
        final_answers,
        state.clock.now_ms(),
        grace_ms(state),
        |answers| {
            let mut grades = Grades {
                score_milli: 0,
                correct_count: 0,
                per_question: Vec::with_capacity(questions.len()),
            };
            for drawn in &questions {
                let outcome = grade(&drawn.question, answers.get(&drawn.key));
                grades.score_milli += outcome.points_milli;
                grades.correct_count += i64::from(outcome.correct);
                grades.per_question.push((
                    drawn.key.clone(),
                    outcome.points_milli,
                    outcome.correct,
                ));
            }
            grades
        },
    )
    .await?;
    if finished {
        boards::record_finished(state, &attempt.id).await;
    }
    Ok(finished)
}

/// Closes an attempt past its deadline plus grace with what was saved in time. Safe to call
/// from any number of requests and server processes: one of them grades it.
pub async fn close_if_due(state: &AppState, attempt: AttemptRow) -> AppResult<AttemptRow> {
    if !attempt.in_progress() || attempt.deadline_at + grace_ms(state) >= state.clock.now_ms() {
        return Ok(attempt);
    }
    finish(state, &attempt, Ending::Expired, &[]).await?;
    store::find(&state.db.pool, &attempt.id)
        .await?
        .ok_or_else(AppError::not_found)
}

/// The caller's own attempt (another user's is "not found"), closed on the spot if it is due.
async fn owned_attempt(
    state: &AppState,
    caller: &AuthUser,
    attempt_id: &str,
) -> AppResult<AttemptRow> {
    let attempt = store::find(&state.db.pool, attempt_id)
        .await?
        .filter(|attempt| attempt.user_id == caller.id())
        .ok_or_else(AppError::not_found)?;
    close_if_due(state, attempt).await
}

async fn view(state: &AppState, attempt: &AttemptRow) -> AppResult<AttemptView> {
    let questions = store::questions(&state.db.pool, &state.questions, &attempt.id).await?;
    let answers = store::answers(&state.db.pool, &attempt.id).await?;
    Ok(AttemptView {
        id: attempt.id.clone(),
        quiz_id: attempt.quiz_id.clone(),
        number: attempt.number,
        status: attempt.status,
        started_at: Timestamp(attempt.started_at),
        deadline_at: Timestamp(attempt.deadline_at),
        server_now: Timestamp(state.clock.now_ms()),
        questions: questions.iter().map(question_view).collect(),
        answers,
        result: result_of(attempt),
    })
}

fn attempt_closed() -> AppError {
    AppError::conflict(
        ErrorCode::AttemptClosed,
        "the attempt is closed: its time is up or it was submitted",
    )
}

/// Starts an attempt, or returns the one in progress (a double click never makes two).
#[utoipa::path(post, path = "/quizzes/{id}/attempts", tag = "attempts", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 201, body = AttemptView, description = "started"), (status = 200, body = AttemptView, description = "the attempt in progress"),
              (status = 409, body = ErrorBody, description = "quiz_not_open or attempts_exhausted"), (status = 404, body = ErrorBody)))]
pub async fn start_attempt(
    State(state): State<AppState>,
    caller: AuthUser,
    AppPath(quiz_id): AppPath<String>,
) -> AppResult<(StatusCode, AppJson<AttemptView>)> {
    let quiz = access::visible_quiz(&state, &caller, &quiz_id).await?;
    if !quiz.published {
        return Err(AppError::conflict(
            ErrorCode::QuizNotOpen,
            "the quiz is not published",
        ));
    }
    if caller.role() != Role::Participant {
        return Err(AppError::api(
            ErrorCode::Forbidden,
            "only participants take quizzes",
        ));
    }
    // A lost race (another tab started first) is resolved by reading again.
    for _ in 0..5 {
        if let Some(current) =
            store::find_in_progress(&state.db.pool, &quiz.id, caller.id()).await?
        {
            let current = close_if_due(&state, current).await?;
            if current.in_progress() {
                return Ok((StatusCode::OK, AppJson(view(&state, &current).await?)));
            }
        }
        let now = state.clock.now_ms();
        let allowance = allowances::of(&state.db.pool, &quiz.id, caller.id())
            .await?
            .unwrap_or_default();
        if !allowance.open_for(&quiz, now) {
            return Err(AppError::conflict(
                ErrorCode::QuizNotOpen,
                "the quiz is not open now",
            ));
        }
        let made = store::count_for(&state.db.pool, &quiz.id, caller.id()).await?;
        if made >= quiz.max_attempts {
            return Err(AppError::conflict(
                ErrorCode::AttemptsExhausted,
                "you have used every attempt of this quiz",
            ));
        }
        match create(&state, &quiz, caller.id(), made + 1, now, allowance).await? {
            Some(attempt) => {
                return Ok((StatusCode::CREATED, AppJson(view(&state, &attempt).await?)));
            }
            None => continue,
        }
    }
    Err(AppError::conflict(
        ErrorCode::Conflict,
        "the attempt could not be started; try again",
    ))
}

/// Draws and stores a new attempt; `None` when a concurrent start won the race.
async fn create(
    state: &AppState,
    quiz: &Quiz,
    user_id: &str,
    number: i64,
    now: i64,
    allowance: Allowance,
) -> AppResult<Option<AttemptRow>> {
    let draw = draw::draw(&state.db.pool, &state.questions, quiz).await?;
    let id = db::new_id();
    let deadline_at = allowance.deadline(quiz, now);
    let max_score_milli = draw
        .questions
        .iter()
        .map(|d| max_points_milli(&d.question))
        .sum();
    let seed = format!("{:016x}", draw.seed);
    let new = NewAttempt {
        id: &id,
        quiz_id: &quiz.id,
        user_id,
        number,
        seed: &seed,
        started_at: now,
        deadline_at,
        max_score_milli,
    };
    match store::create(&state.db.pool, &new, &draw.questions).await {
        Ok(()) => Ok(store::find(&state.db.pool, &id).await?),
        Err(error) if db::is_unique_violation(&error) => Ok(None),
        Err(error) => Err(error.into()),
    }
}

/// The attempt with every saved answer: resume from any device.
#[utoipa::path(get, path = "/attempts/{id}", tag = "attempts", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = AttemptView), (status = 404, body = ErrorBody)))]
pub async fn get_attempt(
    State(state): State<AppState>,
    caller: AuthUser,
    AppPath(attempt_id): AppPath<String>,
) -> AppResult<AppJson<AttemptView>> {
    let attempt = owned_attempt(&state, &caller, &attempt_id).await?;
    Ok(AppJson(view(&state, &attempt).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SaveRequest {
    /// `"opt"`, `["opt", …]`, `true`/`false`, `"text"`, or `null` to clear.
    #[schema(value_type = crate::quizzes::response::AnswerOrClear)]
    pub response: Value,
}

#[derive(Serialize, ToSchema)]
pub struct Saved {
    pub saved_at: Timestamp,
}

/// Autosaves one answer. Idempotent; refused once the deadline plus grace has passed.
#[utoipa::path(put, path = "/attempts/{id}/answers/{question_id}", tag = "attempts", security(("bearer" = [])),
    params(("id" = String, Path), ("question_id" = String, Path)), request_body = SaveRequest,
    responses((status = 200, body = Saved), (status = 409, body = ErrorBody, description = "attempt_closed"),
              (status = 422, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn save_answer(
    State(state): State<AppState>,
    caller: AuthUser,
    AppPath((attempt_id, question_key)): AppPath<(String, String)>,
    AppJson(body): AppJson<SaveRequest>,
) -> AppResult<AppJson<Saved>> {
    let target = store::save_target(&state.db.pool, &state.questions, &attempt_id, &question_key)
        .await?
        .filter(|target| target.user_id == caller.id())
        .ok_or_else(AppError::not_found)?;
    let response = response::check(&target.question, &body.response)
        .map_err(|reason| FieldErrors::single("response", reason))?;
    let now = state.clock.now_ms();
    if target.status != AttemptStatus::InProgress {
        return Err(attempt_closed());
    }
    if store::save_answer(
        &state.db,
        &attempt_id,
        &question_key,
        response.as_ref(),
        now,
        grace_ms(&state),
    )
    .await?
    {
        return Ok(AppJson(Saved {
            saved_at: Timestamp(now),
        }));
    }
    // Too late: close the attempt now with what was saved in time.
    if let Some(attempt) = store::find(&state.db.pool, &attempt_id).await? {
        close_if_due(&state, attempt).await?;
    }
    Err(attempt_closed())
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct SubmitRequest {
    /// Last answers to save with the submission, by question id.
    #[schema(value_type = Option<HashMap<String, crate::quizzes::response::AnswerOrClear>>)]
    pub answers: Option<HashMap<String, Value>>,
}

/// Grades and finishes the attempt. Repeating it returns the same result.
#[utoipa::path(post, path = "/attempts/{id}/submit", tag = "attempts", security(("bearer" = [])), params(("id" = String, Path)),
    request_body(content = Option<SubmitRequest>),
    responses((status = 200, body = AttemptResult), (status = 409, body = ErrorBody, description = "attempt_closed"), (status = 404, body = ErrorBody)))]
pub async fn submit_attempt(
    State(state): State<AppState>,
    caller: AuthUser,
    AppPath(attempt_id): AppPath<String>,
    body: Option<AppJson<SubmitRequest>>,
) -> AppResult<AppJson<AttemptResult>> {
    let attempt = store::find(&state.db.pool, &attempt_id)
        .await?
        .filter(|attempt| attempt.user_id == caller.id())
        .ok_or_else(AppError::not_found)?;
    if attempt.in_progress() {
        let final_answers = final_answers(
            &state,
            &attempt,
            body.map(|AppJson(b)| b).unwrap_or_default(),
        )
        .await?;
        if !finish(&state, &attempt, Ending::Submitted, &final_answers).await? {
            // Lost to the clock (or raced by another tab, which is fine): settle and re-read.
            let settled = store::find(&state.db.pool, &attempt.id)
                .await?
                .ok_or_else(AppError::not_found)?;
            let settled = close_if_due(&state, settled).await?;
            if settled.status == AttemptStatus::Expired {
                return Err(attempt_closed());
            }
        }
    } else if attempt.status == AttemptStatus::Expired {
        return Err(attempt_closed());
    }
    let finished = store::find(&state.db.pool, &attempt_id)
        .await?
        .ok_or_else(AppError::not_found)?;
    let mut result = result_of(&finished).ok_or_else(attempt_closed)?;
    let quiz = quiz_of(&state, &finished).await?;
    result.rank = boards::live_rank(&state, &quiz, caller.id())
        .await
        .unwrap_or_else(|error| {
            tracing::warn!(%error, "rank unavailable");
            None
        });
    Ok(AppJson(result))
}

/// Checks the answers sent with a submission against their questions.
async fn final_answers(
    state: &AppState,
    attempt: &AttemptRow,
    body: SubmitRequest,
) -> AppResult<Vec<(String, Option<Value>)>> {
    let Some(answers) = body.answers else {
        return Ok(Vec::new());
    };
    let questions = store::questions(&state.db.pool, &state.questions, &attempt.id).await?;
    let mut errors = FieldErrors::new();
    let mut checked = Vec::with_capacity(answers.len());
    for (key, value) in answers {
        match questions.iter().find(|drawn| drawn.key == key) {
            None => errors.add(
                format!("answers.{key}"),
                "is not a question of this attempt",
            ),
            Some(drawn) => match response::check(&drawn.question, &value) {
                Ok(response) => checked.push((key, response)),
                Err(reason) => errors.add(format!("answers.{key}"), reason),
            },
        }
    }
    errors.into_result()?;
    Ok(checked)
}

pub async fn quiz_of(state: &AppState, attempt: &AttemptRow) -> AppResult<Quiz> {
    quiz::find(&state.db.pool, &attempt.quiz_id)
        .await?
        .ok_or_else(AppError::not_found)
}

#[derive(Serialize, ToSchema)]
pub struct MyAttempt {
    pub id: String,
    pub quiz_id: String,
    pub quiz_title: String,
    pub number: i64,
    pub status: AttemptStatus,
    pub started_at: Timestamp,
    pub deadline_at: Timestamp,
    pub result: Option<AttemptResult>,
}

#[derive(Serialize, ToSchema)]
pub struct MyAttempts {
    pub items: Vec<MyAttempt>,
    pub total: i64,
}

/// The caller's own attempts, newest first (one in progress shows without a result).
pub async fn attempts_of(
    state: &AppState,
    caller: &AuthUser,
    limit: i64,
    offset: i64,
) -> AppResult<MyAttempts> {
    let (rows, total) = store::list_for_user(&state.db.pool, caller.id(), limit, offset).await?;
    let items = rows
        .into_iter()
        .map(|(attempt, quiz_title)| MyAttempt {
            result: result_of(&attempt),
            id: attempt.id,
            quiz_id: attempt.quiz_id,
            quiz_title,
            number: attempt.number,
            status: attempt.status,
            started_at: Timestamp(attempt.started_at),
            deadline_at: Timestamp(attempt.deadline_at),
        })
        .collect();
    Ok(MyAttempts { items, total })
}

/// The caller's own attempts at every quiz, newest first.
#[utoipa::path(get, path = "/me/attempts", tag = "attempts", security(("bearer" = [])), params(Paging),
    responses((status = 200, body = MyAttempts), (status = 401, body = ErrorBody)))]
pub async fn my_attempts(
    State(state): State<AppState>,
    caller: AuthUser,
    AppQuery(paging): AppQuery<Paging>,
) -> AppResult<AppJson<MyAttempts>> {
    let (limit, offset) = paging.bounds()?;
    Ok(AppJson(attempts_of(&state, &caller, limit, offset).await?))
}
