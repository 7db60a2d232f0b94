//! Review of a finished attempt, as the quiz's policy allows: nothing (`never`), the score and
//! one's own responses (`score_only`), or also the keys and explanations (`after_close` once
//! the quiz has closed; `after_submit` once the participant has no attempt left, or the quiz
//! has closed). Before that, no route reveals a key or a
//! per-question outcome.

use crate::http::AppPath;
use axum::extract::State;

use serde::Serialize;
use serde_json::{Value, json};
use utoipa::ToSchema;

use super::attempt_store as store;
use super::attempts::{
    AttemptResult, QuestionView, close_if_due, milli_to_points, question_view, quiz_of, result_of,
};
use super::quiz::Review;
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::banks::Text;
use crate::clock::Timestamp;
use crate::error::{AppError, AppResult, ErrorBody, ErrorCode};
use crate::http::AppJson;

#[derive(Serialize, ToSchema)]
pub struct ReviewedQuestion {
    #[serde(flatten)]
    pub question: QuestionView,
    /// What the participant saved (null when left blank).
    #[schema(value_type = Option<crate::quizzes::response::Answer>)]
    pub response: Value,
    /// The key, in the response's shape (only when the policy shows keys).
    #[schema(value_type = Option<crate::quizzes::response::Answer>)]
    pub correct_answer: Option<Value>,
    pub explanation: Option<Text>,
    pub points_awarded: Option<f64>,
    pub correct: Option<bool>,
}

#[derive(Serialize, ToSchema)]
pub struct AttemptReview {
    pub attempt_id: String,
    pub review: Review,
    pub result: AttemptResult,
    pub questions: Vec<ReviewedQuestion>,
}

fn unavailable(message: &str, details: Value) -> AppError {
    AppError::api(ErrorCode::Forbidden, message).with_details(details)
}

/// The finished attempt as the quiz's review policy allows.
#[utoipa::path(get, path = "/attempts/{id}/review", tag = "attempts", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = AttemptReview), (status = 403, body = ErrorBody, description = "not (yet) allowed by the policy"),
              (status = 409, body = ErrorBody, description = "the attempt is in progress"), (status = 404, body = ErrorBody)))]
pub async fn review_attempt(
    State(state): State<AppState>,
    caller: AuthUser,
    AppPath(attempt_id): AppPath<String>,
) -> AppResult<AppJson<AttemptReview>> {
    let attempt = store::find(&state.db.pool, &attempt_id)
        .await?
        .filter(|attempt| attempt.user_id == caller.id())
        .ok_or_else(AppError::not_found)?;
    let attempt = close_if_due(&state, attempt).await?;
    let Some(result) = result_of(&attempt) else {
        return Err(AppError::conflict(
            ErrorCode::AttemptNotFinished,
            "finish the attempt first",
        ));
    };
    let quiz = quiz_of(&state, &attempt).await?;
    // Keys wait until the quiz has closed for everyone, later closes granted included.
    let closed_at = super::allowances::closed_for_all_at(&state.db.pool, &quiz).await?;
    let shows_keys = match quiz.review {
        Review::Never => {
            return Err(unavailable(
                "this quiz offers no review",
                json!({ "review": "never" }),
            ));
        }
        Review::ScoreOnly => false,
        // Keys help a next attempt (hers, or a classmate's): only once she has none left or
        // the quiz has closed; until then her score and her own responses.
        Review::AfterSubmit => {
            state.clock.now_ms() >= closed_at
                || store::count_for(&state.db.pool, &quiz.id, caller.id()).await?
                    >= quiz.max_attempts
        }
        Review::AfterClose if state.clock.now_ms() >= closed_at => true,
        Review::AfterClose => {
            return Err(unavailable(
                "the review opens when the quiz closes",
                json!({ "review": "after_close", "available_at": Timestamp(closed_at) }),
            ));
        }
    };
    let questions = store::questions(&state.db.pool, &state.questions, &attempt.id).await?;
    let answers = store::answers(&state.db.pool, &attempt.id).await?;
    let outcomes = if shows_keys {
        store::question_outcomes(&state.db.pool, &attempt.id).await?
    } else {
        Default::default()
    };
    let questions = questions
        .iter()
        .map(|drawn| {
            let outcome = outcomes.get(&drawn.key);
            ReviewedQuestion {
                question: question_view(drawn),
                response: answers.get(&drawn.key).cloned().unwrap_or(Value::Null),
                correct_answer: shows_keys.then(|| drawn.question.api_answer()),
                explanation: if shows_keys {
                    drawn.question.explanation.clone()
                } else {
                    None
                },
                points_awarded: outcome.map(|(points, _)| milli_to_points(*points)),
                correct: outcome.map(|(_, correct)| *correct),
            }
        })
        .collect();
    Ok(AppJson(AttemptReview {
        attempt_id: attempt.id,
        review: quiz.review,
        result,
        questions,
    }))
}
