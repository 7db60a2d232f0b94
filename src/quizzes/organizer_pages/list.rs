//! `/organize/quizzes`: every quiz, draft or published, with its event, window, state and
//! board state, and links to its builder, allowances and board control.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use super::{choices, window_key};
use crate::app::AppState;
use crate::auth::Organizer;
use crate::error::AppError;
use crate::quizzes::quiz::QuizStatus;
use crate::quizzes::routes::visible_quizzes;
use crate::web::Member;
use crate::web::page::{Chrome, OrPage, PageError, ok};

pub struct QuizLine {
    pub id: String,
    pub title: String,
    pub event: Option<String>,
    pub opens_at: i64,
    pub closes_at: i64,
    pub window: String,
    pub published: bool,
    pub status: String,
    pub board: String,
    pub question_count: i64,
}

#[derive(Template)]
#[template(path = "builder/list.html")]
struct ListPage {
    c: Chrome,
    quizzes: Vec<QuizLine>,
    /// More quizzes than one page lists.
    more: bool,
}

/// The most quizzes one page lists (the API's largest page): a week has a few dozen.
const MOST: i64 = 200;

pub async fn page(
    State(state): State<AppState>,
    member: Member,
    organizer: Result<Organizer, AppError>,
) -> Result<Response, PageError> {
    let visitor = &member.visitor;
    let Organizer(caller) = organizer.page(visitor)?;
    let locale = visitor.locale;
    let listed = visible_quizzes(&state, &caller, MOST, 0)
        .await
        .page(visitor)?;
    let events: HashMap<String, String> = choices::events(&state)
        .await
        .page(visitor)?
        .into_iter()
        .map(|event| (event.id, event.title))
        .collect();
    let mut quizzes = Vec::with_capacity(listed.items.len());
    for quiz in listed.items {
        let board = state
            .board_states
            .get(&state.db.pool, &quiz.id)
            .await
            .page(visitor)?;
        quizzes.push(QuizLine {
            event: quiz
                .event_id
                .as_ref()
                .map(|id| events.get(id).cloned().unwrap_or_else(|| id.clone())),
            window: locale.text(window_key(quiz.state)),
            published: quiz.status == QuizStatus::Published,
            status: locale.text(&format!("builder-status-{}", quiz.status.as_str())),
            board: locale.text(&format!("board-state-{}", board.visibility.as_str())),
            opens_at: quiz.opens_at.0,
            closes_at: quiz.closes_at.0,
            question_count: i64::from(quiz.question_count),
            id: quiz.id,
            title: quiz.title,
        });
    }
    Ok(ok(&ListPage {
        c: Chrome::new(visitor, "builder-list-title"),
        more: listed.total > MOST,
        quizzes,
    }))
}
