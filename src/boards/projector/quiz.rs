//! `/projector/quizzes/{id}`: a quiz's board for a hall's screen, with its ward standings.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;

use super::{Headline, TopQuery, inline_svg, join_url, qr_svg};
use crate::app::AppState;
use crate::boards::aggregates::UnitStanding;
use crate::boards::rebuild::SCOPE_ALL;
use crate::boards::routes::{Board, RankedEntry, board_quiz, public_page, unit_board};
use crate::boards::state::Visibility;
use crate::orgs::OrgKind;
use crate::quizzes::quiz::Ranking;
use crate::web::Visitor;
use crate::web::page::{Chrome, OrPage, PageError, ok};

#[derive(Template)]
#[template(path = "projector/quiz.html")]
struct QuizProjector {
    c: Chrome,
    quiz_id: String,
    quiz_title: String,
    board: Board,
    headline: Headline,
    ranking: Ranking,
    wards: Vec<UnitStanding>,
    top: u64,
    join_url: String,
    qr: String,
}

impl QuizProjector {
    fn ranking_label(&self) -> String {
        self.c.t(match self.ranking {
            Ranking::Best => "ranking-best",
            Ranking::First => "ranking-first",
        })
    }
    fn podium(&self) -> Vec<&RankedEntry> {
        if self.board.state == Visibility::Published {
            self.board.items.iter().take(3).collect()
        } else {
            Vec::new()
        }
    }
    fn stream_url(&self) -> String {
        format!(
            "/api/v1/quizzes/{}/leaderboard/stream?scope=all",
            self.quiz_id
        )
    }
    fn page_url(&self) -> String {
        format!(
            "/api/v1/quizzes/{}/leaderboard?limit={}",
            self.quiz_id, self.top
        )
    }
    fn wards_url(&self) -> String {
        format!(
            "/api/v1/quizzes/{}/leaderboard/org-units?kind=ward",
            self.quiz_id
        )
    }
}

pub(super) async fn page(
    State(state): State<AppState>,
    visitor: Visitor,
    headers: HeaderMap,
    Path(quiz_id): Path<String>,
    Query(query): Query<TopQuery>,
) -> Result<Response, PageError> {
    // Always what the public sees: an organizer signed in on the hall's computer must not
    // put a hidden board on the wall.
    let quiz = board_quiz(&state, None, &quiz_id).await.page(&visitor)?;
    let top = query.top();
    let board = public_page(&state, &quiz, SCOPE_ALL, 0, top)
        .await
        .page(&visitor)?;
    let wards = unit_board(&state, &quiz, OrgKind::Ward)
        .await
        .page(&visitor)?;
    let join = join_url(
        state.config.public_url.as_deref(),
        &visitor,
        &headers,
        &format!("/quizzes/{}", quiz.id),
    );
    let c = Chrome::titled(&visitor, quiz.title.clone());
    Ok(ok(&QuizProjector {
        headline: Headline::of(&c, board.board.state, board.board.frozen_at),
        c,
        quiz_id: quiz.id.clone(),
        quiz_title: quiz.title.clone(),
        ranking: quiz.ranking,
        board: board.board.clone(),
        wards: wards.items,
        top,
        qr: inline_svg(&qr_svg(&join)),
        join_url: join,
    }))
}
