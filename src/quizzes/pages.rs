//! The student's pages: home, quiz intro, the attempt, its summary and its result. Each calls
//! the same functions as the `/api/v1` routes; these pages only turn forms into their calls
//! and their answers into HTML.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::Value;

use super::attempts::{self, AttemptResult, AttemptView, SaveRequest};
use super::quiz::{QuizState, QuizStatus, Ranking, Review};
use super::review::{self, ReviewedQuestion};
use super::routes::{self, QuizView};
use super::{access, attempt_store};
use crate::app::AppState;
use crate::banks::Text;
use crate::boards::routes::{BoardQuery, my_standing};
use crate::contests::routes::ContestView;
use crate::error::{AppError, ErrorCode};
use crate::http::{AppJson, AppQuery};
use crate::orgs::store as orgs;
use crate::quizzes::attempt_store::AttemptStatus;
use crate::web::locale::Locale;
use crate::web::page::{Chrome, OrPage, PageError, ok, points_text, redirect};
use crate::web::{CsrfForm, Member, Visitor};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/quizzes/{id}", get(intro))
        .route("/quizzes/{id}/start", post(start))
        .route("/attempts/{id}", get(attempt_page))
        .route("/attempts/{id}/answers", post(save_answer))
        .route("/attempts/{id}/summary", get(summary))
        .route("/attempts/{id}/submit", post(submit))
        .route("/attempts/{id}/result", get(result))
}

/// A bank text in the page's language (banks are Vietnamese first; English where given).
pub fn localized(text: &Text, locale: Locale) -> String {
    match (locale, &text.en) {
        (Locale::En, Some(en)) if !en.is_empty() => en.clone(),
        _ => text.vi.clone(),
    }
}

fn state_key(state: QuizState) -> &'static str {
    match state {
        QuizState::Upcoming => "quiz-state-upcoming",
        QuizState::Open => "quiz-state-open",
        QuizState::Closed => "quiz-state-closed",
    }
}

fn review_key(review: Review) -> &'static str {
    match review {
        Review::Never => "review-never",
        Review::ScoreOnly => "review-score-only",
        Review::AfterSubmit => "review-after-submit",
        Review::AfterClose => "review-after-close",
    }
}

fn ranking_key(ranking: Ranking) -> &'static str {
    match ranking {
        Ranking::Best => "ranking-best",
        Ranking::First => "ranking-first",
    }
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    c: Chrome,
    signed_in: bool,
    quizzes: Vec<QuizView>,
    contests: Vec<ContestView>,
    attempts: Vec<attempts::MyAttempt>,
}

impl HomePage {
    fn state_label(&self, state: &QuizState) -> String {
        self.c.t(state_key(*state))
    }
    fn status_label(&self, status: &AttemptStatus) -> String {
        let status = status.as_str();
        self.c
            .t(&format!("attempt-status-{}", status.replace('_', "-")))
    }
    fn score(&self, result: &AttemptResult) -> String {
        format!(
            "{} / {}",
            points_text(result.score),
            points_text(result.max_score)
        )
    }
}

async fn home(State(state): State<AppState>, visitor: Visitor) -> Result<Response, PageError> {
    let contests = crate::contests::contest::list(&state.db.pool, 20, 0)
        .await
        .page(&visitor)?
        .0
        .into_iter()
        .map(|contest| crate::contests::routes::contest_view(contest, state.clock.now_ms()))
        .filter(|contest| contest.state != crate::contests::contest::ContestState::Closed)
        .collect();
    let caller = visitor.caller();
    if visitor.session.is_some() && caller.is_none() {
        return Ok(redirect("/account/password"));
    }
    let (quizzes, attempts) = match &caller {
        Some(caller) => {
            let quizzes = routes::visible_quizzes(&state, caller, 50, 0)
                .await
                .page(&visitor)?
                .items
                .into_iter()
                .filter(|quiz| {
                    quiz.status == QuizStatus::Published && quiz.state != QuizState::Closed
                })
                .collect();
            let attempts = attempts::attempts_of(&state, caller, 20, 0)
                .await
                .page(&visitor)?
                .items;
            (quizzes, attempts)
        }
        None => (Vec::new(), Vec::new()),
    };
    Ok(ok(&HomePage {
        c: Chrome::new(&visitor, "home-title"),
        signed_in: caller.is_some(),
        quizzes,
        contests,
        attempts,
    }))
}

#[derive(Template)]
#[template(path = "quizzes/intro.html")]
struct IntroPage {
    c: Chrome,
    quiz: QuizView,
    in_progress: Option<String>,
    can_start: bool,
}

impl IntroPage {
    fn state_label(&self) -> String {
        self.c.t(state_key(self.quiz.state))
    }
    fn review_label(&self) -> String {
        self.c.t(review_key(self.quiz.review))
    }
    fn ranking_label(&self) -> String {
        self.c.t(ranking_key(self.quiz.ranking))
    }
    fn minutes(&self) -> i64 {
        (self.quiz.time_limit_s + 59) / 60
    }
}

async fn intro(
    State(state): State<AppState>,
    member: Member,
    Path(quiz_id): Path<String>,
) -> Result<Response, PageError> {
    let visitor = &member.visitor;
    let caller = member.caller();
    let quiz = access::visible_quiz(&state, &caller, &quiz_id)
        .await
        .page(visitor)?;
    let in_progress = attempt_store::find_in_progress(&state.db.pool, &quiz.id, caller.id())
        .await
        .page(visitor)?
        .filter(|attempt| attempt.deadline_at + attempts::grace_ms(&state) >= state.clock.now_ms())
        .map(|attempt| attempt.id);
    let quiz = routes::caller_view(&state, &caller, quiz)
        .await
        .page(visitor)?;
    let can_start = in_progress.is_some()
        || (quiz.status == QuizStatus::Published
            && quiz.state == QuizState::Open
            && quiz.attempts_left > 0
            && !caller.role().organizes());
    Ok(ok(&IntroPage {
        c: Chrome::titled(visitor, quiz.title.clone()),
        quiz,
        in_progress,
        can_start,
    }))
}

/// Starts an attempt (or returns to the one in progress: a double tap makes one).
async fn start(
    State(state): State<AppState>,
    member: Member,
    Path(quiz_id): Path<String>,
    _form: CsrfForm,
) -> Result<Response, PageError> {
    let (_, AppJson(attempt)) =
        attempts::start_attempt(State(state), member.caller(), crate::http::AppPath(quiz_id))
            .await
            .page(&member.visitor)?;
    Ok(redirect(&format!("/attempts/{}", attempt.id)))
}

/// One option of a question as the page shows it.
pub struct OptionPane {
    pub id: String,
    pub text: String,
    pub chosen: bool,
}

/// One question of the attempt page with the answer saved for it.
pub struct QuestionPane {
    pub index: usize,
    pub id: String,
    pub kind: String,
    pub prompt: String,
    pub points: String,
    pub options: Vec<OptionPane>,
    pub text_value: String,
    pub truth: Option<bool>,
    pub answered: bool,
}

fn panes(view: &AttemptView, locale: Locale) -> Vec<QuestionPane> {
    view.questions
        .iter()
        .enumerate()
        .map(|(index, question)| {
            let saved = view.answers.get(&question.id);
            let chosen: Vec<&str> = match saved {
                Some(Value::String(id)) => vec![id.as_str()],
                Some(Value::Array(ids)) => ids.iter().filter_map(Value::as_str).collect(),
                _ => Vec::new(),
            };
            let mut options: Vec<OptionPane> = question
                .options
                .iter()
                .map(|option| OptionPane {
                    chosen: chosen.contains(&option.id.as_str()),
                    id: option.id.clone(),
                    text: localized(&option.text, locale),
                })
                .collect();
            if question.kind == "ordering" && !chosen.is_empty() {
                options.sort_by_key(|option| {
                    chosen
                        .iter()
                        .position(|id| *id == option.id)
                        .unwrap_or(usize::MAX)
                });
            }
            QuestionPane {
                index: index + 1,
                id: question.id.clone(),
                kind: question.kind.clone(),
                prompt: localized(&question.prompt, locale),
                points: points_text(question.points),
                options,
                text_value: match (question.kind.as_str(), saved) {
                    ("short_text", Some(Value::String(text))) => text.clone(),
                    _ => String::new(),
                },
                truth: saved.and_then(Value::as_bool),
                answered: saved.is_some_and(|value| !value.is_null()),
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "quizzes/attempt.html")]
struct AttemptPage {
    c: Chrome,
    quiz_title: String,
    attempt: AttemptView,
    questions: Vec<QuestionPane>,
    answered: usize,
    grace_ms: i64,
}

impl AttemptPage {
    fn deadline_ms(&self) -> i64 {
        self.attempt.deadline_at.0
    }
    fn server_now_ms(&self) -> i64 {
        self.attempt.server_now.0
    }
    /// What the countdown shows before its module runs (and without JavaScript).
    fn time_left_ms(&self) -> i64 {
        self.deadline_ms() - self.server_now_ms()
    }
    fn total(&self) -> usize {
        self.questions.len()
    }
}

async fn caller_attempt(
    state: &AppState,
    member: &Member,
    attempt_id: &str,
) -> Result<AttemptView, PageError> {
    let AppJson(view) = attempts::get_attempt(
        State(state.clone()),
        member.caller(),
        crate::http::AppPath(attempt_id.to_owned()),
    )
    .await
    .page(&member.visitor)?;
    Ok(view)
}

async fn quiz_title(
    state: &AppState,
    visitor: &Visitor,
    quiz_id: &str,
) -> Result<String, PageError> {
    Ok(super::quiz::find(&state.db.pool, quiz_id)
        .await
        .page(visitor)?
        .map(|quiz| quiz.title)
        .unwrap_or_default())
}

/// An attempt in progress as its pages show it; a finished one sends the student to its
/// result instead.
struct OpenAttempt {
    view: AttemptView,
    questions: Vec<QuestionPane>,
    answered: usize,
    title: String,
}

async fn open_attempt(
    state: &AppState,
    member: &Member,
    attempt_id: &str,
) -> Result<OpenAttempt, PageError> {
    let view = caller_attempt(state, member, attempt_id).await?;
    if view.status != AttemptStatus::InProgress {
        return Err(PageError::Redirect(format!(
            "/attempts/{attempt_id}/result"
        )));
    }
    let questions = panes(&view, member.visitor.locale);
    let title = quiz_title(state, &member.visitor, &view.quiz_id).await?;
    Ok(OpenAttempt {
        answered: questions.iter().filter(|q| q.answered).count(),
        questions,
        view,
        title,
    })
}

async fn attempt_page(
    State(state): State<AppState>,
    member: Member,
    Path(attempt_id): Path<String>,
) -> Result<Response, PageError> {
    let open = open_attempt(&state, &member, &attempt_id).await?;
    Ok(ok(&AttemptPage {
        c: Chrome::titled(&member.visitor, open.title.clone()),
        quiz_title: open.title,
        answered: open.answered,
        questions: open.questions,
        attempt: open.view,
        grace_ms: attempts::grace_ms(&state),
    }))
}

/// The response a question's form describes, in the API's shape (`null` clears it).
fn response_of(kind: &str, question: &str, form: &CsrfForm) -> Value {
    let field = format!("q-{question}");
    match kind {
        "multiple" => Value::from(form.all(&field)),
        "true_false" => match form.get(&field) {
            Some("true") => Value::Bool(true),
            Some("false") => Value::Bool(false),
            _ => Value::Null,
        },
        "ordering" => {
            let mut order: Vec<&str> = form.all(&format!("order-{question}"));
            if let Some((direction, option)) = form.get("move").and_then(|m| m.split_once(':'))
                && let Some(at) = order.iter().position(|id| *id == option)
            {
                match direction {
                    "up" if at > 0 => order.swap(at, at - 1),
                    "down" if at + 1 < order.len() => order.swap(at, at + 1),
                    _ => {}
                }
            }
            Value::from(order)
        }
        _ => match form.get(&field) {
            Some(text) if !text.trim().is_empty() => Value::from(text),
            _ => Value::Null,
        },
    }
}

/// Saves one question's answer from its form (the page without JavaScript) and comes back.
async fn save_answer(
    State(state): State<AppState>,
    member: Member,
    Path(attempt_id): Path<String>,
    form: CsrfForm,
) -> Result<Response, PageError> {
    let question = form.text("question");
    let view = caller_attempt(&state, &member, &attempt_id).await?;
    let result_page = format!("/attempts/{attempt_id}/result");
    if view.status != AttemptStatus::InProgress {
        return Ok(redirect(&result_page));
    }
    let Some(index) = view.questions.iter().position(|q| q.id == question) else {
        return Err(member.visitor.fail(AppError::not_found()));
    };
    let response = response_of(&view.questions[index].kind, &question, &form);
    match attempts::save_answer(
        State(state),
        member.caller(),
        crate::http::AppPath((attempt_id.clone(), question)),
        AppJson(SaveRequest { response }),
    )
    .await
    {
        Ok(_) => Ok(redirect(&format!("/attempts/{attempt_id}#q-{}", index + 1))),
        // Too late: the server has closed the attempt with what it had; show that.
        Err(error) if error.code() == ErrorCode::AttemptClosed => Ok(redirect(&result_page)),
        Err(error) => Err(member.visitor.fail(error)),
    }
}

#[derive(Template)]
#[template(path = "quizzes/summary.html")]
struct SummaryPage {
    c: Chrome,
    quiz_title: String,
    attempt_id: String,
    questions: Vec<QuestionPane>,
    answered: usize,
    deadline_ms: i64,
    server_now_ms: i64,
    grace_ms: i64,
}

impl SummaryPage {
    fn unanswered(&self) -> usize {
        self.questions.len() - self.answered
    }
}

async fn summary(
    State(state): State<AppState>,
    member: Member,
    Path(attempt_id): Path<String>,
) -> Result<Response, PageError> {
    let open = open_attempt(&state, &member, &attempt_id).await?;
    Ok(ok(&SummaryPage {
        c: Chrome::titled(&member.visitor, open.title.clone()),
        quiz_title: open.title,
        attempt_id,
        answered: open.answered,
        questions: open.questions,
        deadline_ms: open.view.deadline_at.0,
        server_now_ms: open.view.server_now.0,
        grace_ms: attempts::grace_ms(&state),
    }))
}

/// Submits; an attempt the clock closed first shows the result the server graded.
async fn submit(
    State(state): State<AppState>,
    member: Member,
    Path(attempt_id): Path<String>,
    _form: CsrfForm,
) -> Result<Response, PageError> {
    match attempts::submit_attempt(
        State(state),
        member.caller(),
        crate::http::AppPath(attempt_id.clone()),
        None,
    )
    .await
    {
        Ok(_) => {}
        Err(error) if error.code() == ErrorCode::AttemptClosed => {}
        Err(error) => return Err(member.visitor.fail(error)),
    }
    Ok(redirect(&format!("/attempts/{attempt_id}/result")))
}

/// A rank on one board: the whole quiz, or an org unit the student belongs to.
pub struct RankLine {
    pub scope: String,
    pub label: String,
    pub rank: Option<u64>,
    pub total: u64,
}

/// One reviewed question as the result page shows it.
pub struct ReviewPane {
    pub index: usize,
    pub prompt: String,
    pub response: String,
    pub correct_answer: Option<String>,
    pub explanation: Option<String>,
    pub points_awarded: Option<String>,
    pub correct: Option<bool>,
}

#[derive(Template)]
#[template(path = "quizzes/result.html")]
struct ResultPage {
    c: Chrome,
    quiz_title: String,
    quiz_id: String,
    result: AttemptResult,
    ranks: Vec<RankLine>,
    review: Vec<ReviewPane>,
    review_note: Option<String>,
}

impl ResultPage {
    fn score(&self) -> String {
        format!(
            "{} / {}",
            points_text(self.result.score),
            points_text(self.result.max_score)
        )
    }
    fn expired(&self) -> bool {
        self.result.status == AttemptStatus::Expired
    }
}

/// A response or a key in words: option texts in order, true/false, or the text typed.
fn answer_text(question: &ReviewedQuestion, value: &Value, locale: Locale) -> String {
    let option_text = |id: &str| {
        question
            .question
            .options
            .iter()
            .find(|option| option.id == id)
            .map_or_else(|| id.to_owned(), |option| localized(&option.text, locale))
    };
    match value {
        Value::Null => locale.text("review-blank"),
        Value::Bool(true) => locale.text("answer-true"),
        Value::Bool(false) => locale.text("answer-false"),
        Value::String(text) if question.question.kind == "short_text" => text.clone(),
        Value::String(id) => option_text(id),
        Value::Array(items) => {
            let texts: Vec<String> = items
                .iter()
                .map(|item| match item.as_str() {
                    Some(id) if question.question.kind != "short_text" => option_text(id),
                    Some(text) => text.to_owned(),
                    None => item.to_string(),
                })
                .collect();
            let separator = if question.question.kind == "ordering" {
                " → "
            } else {
                "; "
            };
            texts.join(separator)
        }
        other => other.to_string(),
    }
}

async fn ranks(
    state: &AppState,
    member: &Member,
    quiz_id: &str,
) -> Result<Vec<RankLine>, PageError> {
    let visitor = &member.visitor;
    let mut scopes = vec![("all".to_owned(), visitor.locale.text("rank-quiz"))];
    if let Some(unit) = &member.session.user.org_unit_id {
        for id in orgs::lineage(&state.db.pool, unit).await.page(visitor)? {
            if let Some(unit) = orgs::find(&state.db.pool, &id).await.page(visitor)?
                && matches!(unit.kind.as_str(), "class" | "school" | "ward")
            {
                scopes.push((format!("org:{}", unit.id), unit.name));
            }
        }
    }
    let mut lines = Vec::with_capacity(scopes.len());
    for (scope, label) in scopes {
        let AppJson(standing) = my_standing(
            State(state.clone()),
            member.caller(),
            crate::http::AppPath(quiz_id.to_owned()),
            AppQuery(BoardQuery {
                scope: Some(scope.clone()),
                offset: None,
                limit: None,
            }),
        )
        .await
        .page(visitor)?;
        lines.push(RankLine {
            scope,
            label,
            rank: standing.rank,
            total: standing.total,
        });
    }
    Ok(lines)
}

async fn result(
    State(state): State<AppState>,
    member: Member,
    Path(attempt_id): Path<String>,
) -> Result<Response, PageError> {
    let view = caller_attempt(&state, &member, &attempt_id).await?;
    let Some(result) = view.result else {
        return Ok(redirect(&format!("/attempts/{attempt_id}")));
    };
    let visitor = &member.visitor;
    let locale = visitor.locale;
    let (review, review_note) = match review::review_attempt(
        State(state.clone()),
        member.caller(),
        crate::http::AppPath(attempt_id.clone()),
    )
    .await
    {
        Ok(AppJson(reviewed)) => (
            reviewed
                .questions
                .iter()
                .enumerate()
                .map(|(index, question)| ReviewPane {
                    index: index + 1,
                    prompt: localized(&question.question.prompt, locale),
                    response: answer_text(question, &question.response, locale),
                    correct_answer: question
                        .correct_answer
                        .as_ref()
                        .map(|key| answer_text(question, key, locale)),
                    explanation: question
                        .explanation
                        .as_ref()
                        .map(|text| localized(text, locale)),
                    points_awarded: question.points_awarded.map(points_text),
                    correct: question.correct,
                })
                .collect(),
            None,
        ),
        Err(error) if error.code() == ErrorCode::Forbidden => {
            (Vec::new(), Some(locale.text("review-unavailable")))
        }
        Err(error) => return Err(visitor.fail(error)),
    };
    let title = quiz_title(&state, visitor, &view.quiz_id).await?;
    Ok(ok(&ResultPage {
        c: Chrome::titled(visitor, title.clone()),
        quiz_title: title,
        ranks: ranks(&state, &member, &view.quiz_id).await?,
        quiz_id: view.quiz_id,
        result,
        review,
        review_note,
    }))
}
