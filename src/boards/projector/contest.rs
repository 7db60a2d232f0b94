//! `/projector/contests/{id}`: a contest's results for a hall's screen.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;

use super::{Headline, TopQuery, inline_svg, join_url, qr_svg};
use crate::app::AppState;
use crate::boards::state::Visibility;
use crate::contests::contest;
use crate::contests::results::{Leaderboard, Standing, board_for};
use crate::web::Visitor;
use crate::web::page::{Chrome, OrPage, PageError, ok};

#[derive(Template)]
#[template(path = "projector/contest.html")]
struct ContestProjector {
    c: Chrome,
    contest_id: String,
    contest_title: String,
    board: Leaderboard,
    headline: Headline,
    top: u64,
    join_url: String,
    qr: String,
}

impl ContestProjector {
    fn podium(&self) -> Vec<&Standing> {
        if self.board.state == Visibility::Published {
            self.board
                .items
                .iter()
                .filter(|s| s.rank.is_some())
                .take(3)
                .collect()
        } else {
            Vec::new()
        }
    }
    fn stream_url(&self) -> String {
        format!("/api/v1/contests/{}/leaderboard/stream", self.contest_id)
    }
    fn page_url(&self) -> String {
        format!("/api/v1/contests/{}/leaderboard", self.contest_id)
    }
    fn rank_text(&self, standing: &Standing) -> String {
        standing.rank.map(|r| r.to_string()).unwrap_or_default()
    }
    fn score_text(&self, standing: &Standing) -> String {
        standing.score.map(|s| self.c.points(s)).unwrap_or_default()
    }
}

pub(super) async fn page(
    State(state): State<AppState>,
    visitor: Visitor,
    headers: HeaderMap,
    Path(contest_id): Path<String>,
    Query(query): Query<TopQuery>,
) -> Result<Response, PageError> {
    if !crate::http::plausible_id(&contest_id) {
        return Err(visitor.fail(crate::error::AppError::not_found()));
    }
    let contest = contest::require(&state.db.pool, &contest_id)
        .await
        .page(&visitor)?;
    let top = query.top();
    // The public's board, whoever is signed in on the hall's computer.
    let board = board_for(&state, &contest, false, top)
        .await
        .page(&visitor)?;
    let join = join_url(
        state.config.public_url.as_deref(),
        &visitor,
        &headers,
        &format!("/contests/{}", contest.id),
    );
    let c = Chrome::titled(&visitor, contest.title.clone());
    Ok(ok(&ContestProjector {
        headline: Headline::of(&c, board.state, board.frozen_at),
        c,
        contest_id: contest.id.clone(),
        contest_title: contest.title.clone(),
        board,
        top,
        qr: inline_svg(&qr_svg(&join)),
        join_url: join,
    }))
}
