//! The organizers' contest pages: the contests with their counts (`list`), a contest's
//! results state and judges (`overview`, `judges`) and its moderation queue (`moderation`).
//! Each calls the same handler functions as the `/api/v1` routes, so the rules (who may
//! decide, which reasons are required, which state changes are allowed) live there alone.

mod judges;
mod list;
mod moderation;
mod overview;
mod settings;

use axum::Router;
use axum::extract::State;
use axum::routing::{get, post};

use super::contest::Contest;
use super::entries::{self, EntryFilter};
use super::entry_store::EntryStatus;
use super::{results, standings};
use crate::app::AppState;
use crate::contests::access::MaybeUser;
use crate::error::AppResult;
use crate::http::{AppJson, AppPath, AppQuery};
use crate::web::Member;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/organize/contests", get(list::page))
        .route(
            "/organize/contests/new",
            get(settings::new_form).post(settings::create),
        )
        .route("/organize/contests/{id}", get(overview::page))
        .route(
            "/organize/contests/{id}/edit",
            get(settings::edit_form).post(settings::save),
        )
        .route(
            "/organize/contests/{id}/results",
            get(overview::confirm_page).post(overview::change_state),
        )
        .route(
            "/organize/contests/{id}/moderation",
            get(moderation::page).post(moderation::decide),
        )
        .route("/organize/contests/{id}/judges", post(judges::add))
        .route(
            "/organize/contests/{id}/judges/{user_id}/remove",
            post(judges::remove),
        )
}

/// How far a contest's entries have come.
pub struct Counts {
    pub awaiting: i64,
    pub approved: i64,
    /// Approved entries whose quorum of judges has scored (ranked on the board).
    pub judged: i64,
}

/// How many entries of `status` the gallery handler counts for an organizer.
async fn count_of(
    state: &AppState,
    member: &Member,
    contest_id: &str,
    status: EntryStatus,
) -> AppResult<i64> {
    let AppJson(gallery) = entries::list_entries(
        State(state.clone()),
        MaybeUser(Some(member.caller())),
        AppPath(contest_id.to_owned()),
        AppQuery(EntryFilter {
            status: Some(status.as_str().to_owned()),
            limit: Some(1),
            offset: Some(0),
        }),
    )
    .await?;
    Ok(gallery.total)
}

pub async fn counts(state: &AppState, member: &Member, contest: &Contest) -> AppResult<Counts> {
    let board = results::board_for(state, contest, true, standings::WHOLE_BOARD).await?;
    Ok(Counts {
        awaiting: count_of(state, member, &contest.id, EntryStatus::Submitted).await?,
        approved: count_of(state, member, &contest.id, EntryStatus::Approved).await?,
        judged: board.items.iter().filter(|s| s.rank.is_some()).count() as i64,
    })
}

/// The label key of a results state (`organize-state-live`).
pub fn state_key(state: super::contest::ResultsState) -> String {
    format!("organize-state-{}", state.as_str())
}
