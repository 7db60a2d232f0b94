//! `/organize/quizzes/{id}/publish`: what publishing does and the button that does it (a page
//! of its own, so it works without scripts), then `routes::publish_quiz`. A refusal (a rule
//! asking for more questions than the banks hold) shows the builder with the reason beside
//! that rule, and the quiz stays a draft.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;

use super::builder::{self, Refusal, Shown, rule_in_words};
use super::form::QuizForm;
use super::{choices, is_page_error};
use crate::app::AppState;
use crate::auth::Organizer;
use crate::error::AppError;
use crate::http::AppPath;
use crate::quizzes::quiz::Quiz;
use crate::quizzes::{draw, routes};
use crate::web::locale::Arg;
use crate::web::page::{Chrome, OrPage, PageError, ok, redirect};
use crate::web::{CsrfForm, Member};

/// A rule in words with how many questions it can draw now.
pub struct RuleLine {
    pub words: String,
    pub available: String,
    pub short: bool,
}

#[derive(Template)]
#[template(path = "builder/publish.html")]
struct ConfirmPage {
    c: Chrome,
    quiz: Quiz,
    rules: Vec<RuleLine>,
    /// Whether some rule cannot be served: publishing will be refused.
    short: bool,
}

pub async fn confirm_page(
    State(state): State<AppState>,
    member: Member,
    organizer: Result<Organizer, AppError>,
    Path(quiz_id): Path<String>,
) -> Result<Response, PageError> {
    let visitor = &member.visitor;
    organizer.page(visitor)?;
    let quiz = builder::stored(&state, &quiz_id).await.page(visitor)?;
    if quiz.published {
        return Ok(redirect(&format!("/organize/quizzes/{}", quiz.id)));
    }
    let locale = visitor.locale;
    let banks: Vec<&str> = quiz.rules.iter().map(|rule| rule.bank.as_str()).collect();
    let picked = choices::load(
        &state,
        &member,
        &banks,
        quiz.event_id.as_deref().unwrap_or(""),
    )
    .await
    .page(visitor)?;
    let available = draw::available_per_rule(&state.db.pool, &quiz.rules)
        .await
        .page(visitor)?;
    let rules: Vec<RuleLine> = quiz
        .rules
        .iter()
        .zip(available)
        .map(|(rule, available)| RuleLine {
            words: rule_in_words(locale, rule, &picked),
            available: locale.text_with(
                "builder-rule-available",
                &[("available", available.to_arg())],
            ),
            short: available < rule.count as usize,
        })
        .collect();
    Ok(ok(&ConfirmPage {
        c: Chrome::titled(
            visitor,
            locale.text_with("builder-publish-title", &[("title", quiz.title.to_arg())]),
        ),
        short: rules.iter().any(|rule| rule.short),
        rules,
        quiz,
    }))
}

/// Publishes once confirmed; an unconfirmed post goes to the confirmation.
pub async fn publish(
    State(state): State<AppState>,
    member: Member,
    Path(quiz_id): Path<String>,
    form: CsrfForm,
) -> Result<Response, PageError> {
    let visitor = &member.visitor;
    let organizer = member.organizer()?;
    if form.get("confirm") != Some("yes") {
        return Ok(redirect(&format!("/organize/quizzes/{quiz_id}/publish")));
    }
    let outcome =
        routes::publish_quiz(State(state.clone()), organizer, AppPath(quiz_id.clone())).await;
    match outcome {
        Ok(_) => Ok(redirect(&format!(
            "/organize/quizzes/{quiz_id}?published=1"
        ))),
        Err(error) if is_page_error(&error) => Err(visitor.fail(error)),
        Err(error) => {
            let quiz = builder::stored(&state, &quiz_id).await.page(visitor)?;
            let shown = Shown::refused(&error, visitor.locale, Refusal::Publish);
            builder::builder_page(&state, &member, Some(&quiz), QuizForm::of(&quiz), shown)
                .await
                .page(visitor)
        }
    }
}
