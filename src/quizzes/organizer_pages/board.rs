//! `/organize/quizzes/{id}/board`: the quiz board's state, when it froze, the changes allowed
//! from it (each confirmed on a second page, `/board/state?to=…`, the contests' confirmation),
//! and once published the snapshot's SHA-256 with the links to it, the board page and the
//! projector. Changes go to `boards::routes::set_board_state`.

use askama::Template;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::builder::stored;
use super::is_page_error;
use crate::app::AppState;
use crate::auth::Organizer;
use crate::boards::routes::{StateChange, published_snapshot, set_board_state};
use crate::boards::state::{BoardState, Visibility};
use crate::error::{AppError, AppResult};
use crate::http::{AppJson, AppPath};
use crate::quizzes::quiz::Quiz;
use crate::web::locale::Locale;
use crate::web::page::{
    Chrome, OrPage, PageError, StateConfirmation, error_message, redirect, render, with_retry_after,
};
use crate::web::{CsrfForm, Member};

pub struct Transition {
    pub to: &'static str,
    pub label: String,
}

pub struct Published {
    pub sha256: String,
    pub published_at: i64,
}

#[derive(Template)]
#[template(path = "builder/board.html")]
struct BoardPage {
    c: Chrome,
    quiz: Quiz,
    board: BoardState,
    state: String,
    transitions: Vec<Transition>,
    published: Option<Published>,
    notice: Option<String>,
    alert: Option<String>,
}

fn state_label(locale: Locale, state: Visibility) -> String {
    locale.text(&format!("board-state-{}", state.as_str()))
}

fn transition_label(locale: Locale, to: Visibility) -> String {
    locale.text(&format!("builder-board-to-{}", to.as_str()))
}

async fn board_page(state: &AppState, member: &Member, quiz_id: &str) -> AppResult<BoardPage> {
    let locale = member.visitor.locale;
    let quiz = stored(state, quiz_id).await?;
    let board = state.board_states.get(&state.db.pool, &quiz.id).await?;
    let published = if board.visibility == Visibility::Published {
        published_snapshot(state, &quiz.id)
            .await?
            .map(|found| Published {
                sha256: found.0.sha256.clone(),
                published_at: found.0.taken_at,
            })
    } else {
        None
    };
    Ok(BoardPage {
        c: Chrome::titled(
            &member.visitor,
            locale.text_with(
                "builder-board-title",
                &[("title", crate::web::locale::Arg::to_arg(&quiz.title))],
            ),
        ),
        state: state_label(locale, board.visibility),
        transitions: board
            .visibility
            .changes_allowed()
            .into_iter()
            .map(|to| Transition {
                to: to.as_str(),
                label: transition_label(locale, to),
            })
            .collect(),
        published,
        board,
        quiz,
        notice: None,
        alert: None,
    })
}

pub async fn page(
    State(state): State<AppState>,
    member: Member,
    organizer: Result<Organizer, AppError>,
    Path(quiz_id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    let visitor = &member.visitor;
    organizer.page(visitor)?;
    let mut page = board_page(&state, &member, &quiz_id).await.page(visitor)?;
    if query
        .as_deref()
        .is_some_and(|query| query.split('&').any(|pair| pair == "changed=1"))
    {
        page.notice = Some(visitor.locale.text("builder-board-changed"));
    }
    Ok(render(StatusCode::OK, &page))
}

#[derive(Deserialize)]
pub struct ToQuery {
    to: Option<String>,
}

/// The confirmation of a change of state: what it does, and the button that does it.
pub async fn confirm_page(
    State(state): State<AppState>,
    member: Member,
    organizer: Result<Organizer, AppError>,
    Path(quiz_id): Path<String>,
    Query(query): Query<ToQuery>,
) -> Result<Response, PageError> {
    let visitor = &member.visitor;
    organizer.page(visitor)?;
    let quiz = stored(&state, &quiz_id).await.page(visitor)?;
    let board = state
        .board_states
        .get(&state.db.pool, &quiz.id)
        .await
        .page(visitor)?;
    let Some(to) = query
        .to
        .as_deref()
        .and_then(Visibility::named)
        .filter(|to| board.visibility.changes_allowed().contains(to))
    else {
        return Ok(redirect(&format!("/organize/quizzes/{}/board", quiz.id)));
    };
    let locale = visitor.locale;
    Ok(render(
        StatusCode::OK,
        &StateConfirmation {
            c: Chrome::new(visitor, "builder-board-confirm-title"),
            back_href: format!("/organize/quizzes/{}/board", quiz.id),
            back_label: quiz.title.clone(),
            action: format!("/organize/quizzes/{}/board/state", quiz.id),
            from: state_label(locale, board.visibility),
            to: to.as_str(),
            to_label: transition_label(locale, to),
            explanation: locale.text(&format!("builder-board-explain-{}", to.as_str())),
        },
    ))
}

/// Changes the board's state once confirmed; an unconfirmed post goes to the confirmation.
pub async fn change_state(
    State(state): State<AppState>,
    member: Member,
    Path(quiz_id): Path<String>,
    form: CsrfForm,
) -> Result<Response, PageError> {
    let visitor = &member.visitor;
    let organizer = member.organizer()?;
    let Some(to) = Visibility::named(form.get("state").unwrap_or("")) else {
        return Err(visitor.fail(AppError::bad_request("choose a board state")));
    };
    if form.get("confirm") != Some("yes") {
        return Ok(redirect(&format!(
            "/organize/quizzes/{quiz_id}/board/state?to={}",
            to.as_str()
        )));
    }
    let outcome = set_board_state(
        State(state.clone()),
        organizer,
        AppPath(quiz_id.clone()),
        AppJson(StateChange { state: to }),
    )
    .await;
    match outcome {
        Ok(_) => Ok(redirect(&format!(
            "/organize/quizzes/{quiz_id}/board?changed=1#state"
        ))),
        Err(error) if is_page_error(&error) => Err(visitor.fail(error)),
        Err(error) => {
            let mut page = board_page(&state, &member, &quiz_id).await.page(visitor)?;
            page.alert = Some(error_message(visitor.locale, &error));
            Ok(with_retry_after(render(error.status(), &page), &error))
        }
    }
}
