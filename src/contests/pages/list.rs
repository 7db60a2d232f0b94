//! `/contests` and `/contests/{id}`: the rules, the window in Vietnam's time, what may be sent
//! and how much, the entries this resident has left and the voting window.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;

use super::ContestFacts;
use crate::app::AppState;
use crate::contests::contest::{self, ContestState};
use crate::contests::entry_store as store;
use crate::contests::routes::{ContestView, contest_view};
use crate::web::Visitor;
use crate::web::page::{Chrome, OrPage, PageError, ok};

pub struct ContestCard {
    pub contest: ContestView,
    pub facts: ContestFacts,
}

#[derive(Template)]
#[template(path = "contests/list.html")]
struct ListPage {
    c: Chrome,
    open: Vec<ContestCard>,
    others: Vec<ContestCard>,
}

pub async fn index(State(state): State<AppState>, visitor: Visitor) -> Result<Response, PageError> {
    let now = state.clock.now_ms();
    let c = Chrome::new(&visitor, "contests-title");
    let (contests, _) = contest::list(&state.db.pool, 100, 0).await.page(&visitor)?;
    let (open, others) = contests
        .into_iter()
        .map(|contest| {
            let contest = contest_view(contest, now);
            ContestCard {
                facts: ContestFacts::of(&c, &contest),
                contest,
            }
        })
        .partition(|card| card.contest.state != ContestState::Closed);
    Ok(ok(&ListPage { c, open, others }))
}

#[derive(Template)]
#[template(path = "contests/show.html")]
struct ShowPage {
    c: Chrome,
    contest: ContestView,
    facts: ContestFacts,
    signed_in: bool,
    /// Entries this resident may still make (none when signed out).
    entries_left: Option<i64>,
    may_enter: bool,
}

pub async fn show(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(contest_id): Path<String>,
) -> Result<Response, PageError> {
    let found = contest::require(&state.db.pool, &contest_id)
        .await
        .page(&visitor)?;
    let contest = contest_view(found, state.clock.now_ms());
    let caller = visitor.caller();
    let entries_left = match &caller {
        Some(caller) => {
            let made = store::count_for(&state.db.pool, &contest.id, caller.id())
                .await
                .page(&visitor)?;
            Some((contest.max_entries_per_user - made).max(0))
        }
        None => None,
    };
    let participant = caller
        .as_ref()
        .is_none_or(|caller| caller.role() == crate::auth::accounts::Role::Participant);
    let c = Chrome::titled(&visitor, contest.title.clone());
    let facts = ContestFacts::of(&c, &contest);
    Ok(ok(&ShowPage {
        may_enter: facts.open && participant && entries_left.is_none_or(|left| left > 0),
        signed_in: caller.is_some(),
        c,
        facts,
        contest,
        entries_left,
    }))
}
