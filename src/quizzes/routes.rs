//! Quiz definitions over HTTP: organizers create, edit and publish; everyone lists what they
//! may take, with its state by the server clock and their attempts left.

use crate::http::AppPath;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

use super::allowances::{self, Allowance};
use super::attempt_store;
use super::quiz::{self, Quiz, QuizInput, QuizState, QuizStatus, Ranking, Review, Rule};
use super::{access, draw};
use crate::app::AppState;
use crate::auth::{AuthUser, Organizer};
use crate::clock::Timestamp;
use crate::db::new_id;
use crate::error::{AppError, AppResult, ErrorBody, ErrorCode};
use crate::http::{AppJson, AppQuery, Paging};

#[derive(Serialize, ToSchema)]
pub struct QuizView {
    pub id: String,
    pub event_id: Option<String>,
    pub title: String,
    pub description: String,
    pub opens_at: Timestamp,
    pub closes_at: Timestamp,
    pub time_limit_s: i64,
    pub max_attempts: i64,
    pub rules: Vec<Rule>,
    pub question_count: u32,
    pub shuffle_questions: bool,
    pub shuffle_options: bool,
    pub review: Review,
    pub audience_org_unit_id: Option<String>,
    pub ranking: Ranking,
    pub status: QuizStatus,
    pub published_at: Option<Timestamp>,
    /// The quiz's state for the caller: her allowance's later close keeps it open for her.
    pub state: QuizState,
    /// The caller's attempts left.
    pub attempts_left: i64,
    /// The caller's time allowance on this quiz, when an organizer granted one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowance: Option<Allowance>,
}

fn quiz_view(
    quiz: Quiz,
    now_ms: i64,
    attempts_made: i64,
    allowance: Option<Allowance>,
) -> QuizView {
    let state = match quiz.state(now_ms) {
        QuizState::Closed if allowance.is_some_and(|a| a.open_for(&quiz, now_ms)) => {
            QuizState::Open
        }
        state => state,
    };
    QuizView {
        state,
        allowance,
        question_count: quiz.question_count(),
        attempts_left: (quiz.max_attempts - attempts_made).max(0),
        id: quiz.id,
        event_id: quiz.event_id,
        title: quiz.title,
        description: quiz.description,
        opens_at: Timestamp(quiz.opens_at),
        closes_at: Timestamp(quiz.closes_at),
        time_limit_s: quiz.time_limit_s,
        max_attempts: quiz.max_attempts,
        rules: quiz.rules,
        shuffle_questions: quiz.shuffle_questions,
        shuffle_options: quiz.shuffle_options,
        review: quiz.review,
        audience_org_unit_id: quiz.audience_org_unit_id,
        ranking: quiz.ranking,
        status: QuizStatus::of(quiz.published),
        published_at: quiz.published_at.map(Timestamp),
    }
}

pub async fn caller_view(state: &AppState, caller: &AuthUser, quiz: Quiz) -> AppResult<QuizView> {
    let made = attempt_store::count_for(&state.db.pool, &quiz.id, caller.id()).await?;
    let allowance = allowances::of(&state.db.pool, &quiz.id, caller.id()).await?;
    Ok(quiz_view(quiz, state.clock.now_ms(), made, allowance))
}

/// Creates a draft quiz.
#[utoipa::path(post, path = "/quizzes", tag = "quizzes", security(("bearer" = [])), request_body = crate::quizzes::quiz::NewQuiz,
    responses((status = 201, body = QuizView), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn create_quiz(
    State(state): State<AppState>,
    Organizer(caller): Organizer,
    AppJson(body): AppJson<QuizInput>,
) -> AppResult<(StatusCode, AppJson<QuizView>)> {
    let quiz = body.into_new(new_id())?;
    quiz::insert(&state.db.pool, &quiz, caller.id(), state.clock.now_ms()).await?;
    Ok((
        StatusCode::CREATED,
        AppJson(caller_view(&state, &caller, quiz).await?),
    ))
}

/// Edits a quiz: anything while it is a draft; after publication only `closes_at`, `title`
/// and `description` (moving the close earlier also shortens deadlines in progress).
#[utoipa::path(patch, path = "/quizzes/{id}", tag = "quizzes", security(("bearer" = [])), params(("id" = String, Path)), request_body = QuizInput,
    responses((status = 200, body = QuizView), (status = 409, body = ErrorBody, description = "a published quiz's locked fields"),
              (status = 422, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn edit_quiz(
    State(state): State<AppState>,
    Organizer(caller): Organizer,
    AppPath(quiz_id): AppPath<String>,
    AppJson(body): AppJson<QuizInput>,
) -> AppResult<AppJson<QuizView>> {
    let current = quiz::find(&state.db.pool, &quiz_id)
        .await?
        .ok_or_else(AppError::not_found)?;
    let was_published = current.published;
    if was_published {
        let locked = body.locked_fields_present();
        if !locked.is_empty() {
            return Err(AppError::conflict(
                ErrorCode::QuizLocked,
                "the quiz is published: only closes_at, title and description can change",
            )
            .with_details(serde_json::json!({ "locked_fields": locked })));
        }
    }
    let edited = body.apply_to(current)?;
    if !quiz::update(&state.db.pool, &edited, was_published, state.clock.now_ms()).await? {
        return Err(AppError::conflict(
            ErrorCode::StateChanged,
            "the quiz was published meanwhile; reload and try again",
        ));
    }
    if was_published {
        super::allowances::refresh_deadlines(&state.db.pool, &edited, None).await?;
    }
    Ok(AppJson(caller_view(&state, &caller, edited).await?))
}

/// Publishes a draft, once its rules can be served by the banks.
#[utoipa::path(post, path = "/quizzes/{id}/publish", tag = "quizzes", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = QuizView), (status = 422, body = ErrorBody, description = "a rule asks for more questions than the banks hold"),
              (status = 409, body = ErrorBody, description = "already published"), (status = 404, body = ErrorBody)))]
pub async fn publish_quiz(
    State(state): State<AppState>,
    Organizer(caller): Organizer,
    AppPath(quiz_id): AppPath<String>,
) -> AppResult<AppJson<QuizView>> {
    let current = quiz::find(&state.db.pool, &quiz_id)
        .await?
        .ok_or_else(AppError::not_found)?;
    if current.published {
        return Err(AppError::conflict(
            ErrorCode::AlreadyPublished,
            "the quiz is already published",
        ));
    }
    draw::check_rules(&state.db.pool, &current).await?;
    if !quiz::publish(&state.db.pool, &quiz_id, state.clock.now_ms()).await? {
        return Err(AppError::conflict(
            ErrorCode::AlreadyPublished,
            "the quiz is already published",
        ));
    }
    let published = quiz::find(&state.db.pool, &quiz_id)
        .await?
        .ok_or_else(AppError::not_found)?;
    Ok(AppJson(caller_view(&state, &caller, published).await?))
}

#[derive(Serialize, ToSchema)]
pub struct QuizList {
    pub items: Vec<QuizView>,
    pub total: i64,
}

/// The quizzes the caller may see, with their state and the caller's attempts left.
#[utoipa::path(get, path = "/quizzes", tag = "quizzes", security(("bearer" = [])), params(Paging),
    responses((status = 200, body = QuizList)))]
pub async fn list_quizzes(
    State(state): State<AppState>,
    caller: AuthUser,
    AppQuery(paging): AppQuery<Paging>,
) -> AppResult<AppJson<QuizList>> {
    let (limit, offset) = paging.bounds()?;
    Ok(AppJson(
        visible_quizzes(&state, &caller, limit, offset).await?,
    ))
}

/// The quizzes the caller may see, with her attempts left (the API and the home page).
pub async fn visible_quizzes(
    state: &AppState,
    caller: &AuthUser,
    limit: i64,
    offset: i64,
) -> AppResult<QuizList> {
    let units = access::caller_units(state, caller).await?;
    let (quizzes, total) = quiz::list(
        &state.db.pool,
        caller.role().organizes(),
        &units,
        limit,
        offset,
    )
    .await?;
    let made = attempt_store::counts_by_quiz(&state.db.pool, caller.id()).await?;
    let mut granted = allowances::granted(&state.db.pool, caller.id()).await?;
    let now = state.clock.now_ms();
    let items = quizzes
        .into_iter()
        .map(|quiz| {
            let attempts = made.get(&quiz.id).copied().unwrap_or(0);
            let allowance = granted.remove(&quiz.id);
            quiz_view(quiz, now, attempts, allowance)
        })
        .collect();
    Ok(QuizList { items, total })
}

/// One quiz (never its questions).
#[utoipa::path(get, path = "/quizzes/{id}", tag = "quizzes", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = QuizView), (status = 404, body = ErrorBody)))]
pub async fn get_quiz(
    State(state): State<AppState>,
    caller: AuthUser,
    AppPath(quiz_id): AppPath<String>,
) -> AppResult<AppJson<QuizView>> {
    let quiz = access::visible_quiz(&state, &caller, &quiz_id).await?;
    Ok(AppJson(caller_view(&state, &caller, quiz).await?))
}
