//! `/organize/contests`: every contest, whatever its state, with how far its entries have
//! come and links to its pages.

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use super::{Counts, counts, state_key};
use crate::app::AppState;
use crate::auth::Organizer;
use crate::contests::contest::{self, ContestState};
use crate::error::AppError;
use crate::web::Member;
use crate::web::page::{Chrome, OrPage, PageError, ok};

pub struct ContestLine {
    pub id: String,
    pub title: String,
    pub opens_at: i64,
    pub closes_at: i64,
    /// Upcoming, open or closed, in words.
    pub window: String,
    pub results: String,
    pub counts: Counts,
}

#[derive(Template)]
#[template(path = "organize/list.html")]
struct ListPage {
    c: Chrome,
    contests: Vec<ContestLine>,
}

/// The most contests one page lists: a district runs a handful a year.
const MOST: i64 = 200;

/// The contests. Participants and judges are refused as the API refuses them (403).
pub async fn page(
    State(state): State<AppState>,
    member: Member,
    organizer: Result<Organizer, AppError>,
) -> Result<Response, PageError> {
    let visitor = &member.visitor;
    organizer.page(visitor)?;
    let (listed, _) = contest::list(&state.db.pool, MOST, 0).await.page(visitor)?;
    let now = state.clock.now_ms();
    let mut contests = Vec::with_capacity(listed.len());
    for contest in listed {
        let counts = counts(&state, &member, &contest).await.page(visitor)?;
        contests.push(ContestLine {
            window: visitor.locale.text(match contest.state(now) {
                ContestState::Upcoming => "contest-state-upcoming",
                ContestState::Open => "contest-state-open",
                ContestState::Closed => "contest-state-closed",
            }),
            results: visitor.locale.text(&state_key(contest.results_state)),
            id: contest.id,
            title: contest.title,
            opens_at: contest.opens_at,
            closes_at: contest.closes_at,
            counts,
        });
    }
    Ok(ok(&ListPage {
        c: Chrome::new(visitor, "organize-contests-title"),
        contests,
    }))
}
