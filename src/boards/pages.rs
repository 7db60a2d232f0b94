//! A quiz's board as a page: the standings its state lets the public see, in one scope
//! (the whole quiz or an org unit), kept live by `board.js` over the board's SSE stream.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;

use super::routes::{Board, board_quiz, parse_scope, public_page};
use super::state::Visibility;
use crate::app::AppState;
use crate::quizzes::quiz::Ranking;
use crate::web::Visitor;
use crate::web::page::{Chrome, OrPage, PageError, ok};

pub fn router() -> Router<AppState> {
    Router::new().route("/quizzes/{id}/board", get(board_page))
}

#[derive(Deserialize)]
struct ScopeQuery {
    scope: Option<String>,
}

#[derive(Template)]
#[template(path = "boards/board.html")]
struct BoardPage {
    c: Chrome,
    quiz_id: String,
    quiz_title: String,
    scope: String,
    board: Board,
    ranking: Ranking,
}

impl BoardPage {
    fn state_label(&self) -> String {
        self.c
            .t(&format!("board-state-{}", self.board.state.as_str()))
    }
    fn hidden(&self) -> bool {
        self.board.state == Visibility::Hidden
    }
    fn ranking_label(&self) -> String {
        self.c.t(match self.ranking {
            Ranking::Best => "ranking-best",
            Ranking::First => "ranking-first",
        })
    }
    fn stream_url(&self) -> String {
        format!(
            "/api/v1/quizzes/{}/leaderboard/stream?scope={}",
            self.quiz_id,
            crate::web::visitor::percent_encode(&self.scope)
        )
    }
}

async fn board_page(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(quiz_id): Path<String>,
    Query(query): Query<ScopeQuery>,
) -> Result<Response, PageError> {
    let caller = visitor.caller();
    let quiz = board_quiz(&state, caller.as_ref(), &quiz_id)
        .await
        .page(&visitor)?;
    let scope_text = query.scope.unwrap_or_else(|| "all".to_owned());
    let scope = parse_scope(Some(&scope_text)).page(&visitor)?;
    let board = public_page(&state, &quiz, scope, 0, super::stream::TOP)
        .await
        .page(&visitor)?;
    Ok(ok(&BoardPage {
        c: Chrome::titled(&visitor, quiz.title.clone()),
        quiz_id: quiz.id.clone(),
        quiz_title: quiz.title.clone(),
        ranking: quiz.ranking,
        scope: scope_text,
        board: board.board.clone(),
    }))
}
