//! `/contests/{id}/gallery`: the approved entries with a player, their titles, their authors'
//! names as the contest lets the public see them, and votes. Voting and unvoting are plain
//! forms calling `votes::` (`gallery.js` sends the same calls with fetch).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;

use super::{ContestFacts, duration_words};
use crate::app::AppState;
use crate::auth::ClientIp;
use crate::contests::access::MaybeUser;
use crate::contests::contest::{self, ResultsState, Voters};
use crate::contests::entries::{self, EntryFilter, GalleryItem};
use crate::contests::entry_store as store;
use crate::contests::routes::{ContestView, contest_view};
use crate::contests::votes;
use crate::error::AppError;
use crate::http::{AppJson, AppPath, AppQuery};
use crate::web::page::{Chrome, OrPage, PageError, ok, redirect};
use crate::web::{CsrfForm, Member, Visitor, sign_in_url};

pub struct GalleryEntry {
    pub item: GalleryItem,
    pub media_url: Option<String>,
    pub video: bool,
    pub length: String,
    pub own: bool,
    pub voted: bool,
}

#[derive(Template)]
#[template(path = "contests/gallery.html")]
struct GalleryPage {
    c: Chrome,
    contest: ContestView,
    facts: ContestFacts,
    entries: Vec<GalleryEntry>,
    signed_in: bool,
    sign_in: String,
    /// Why nobody (or not this visitor) can vote now, when that is so.
    no_votes_reason: Option<String>,
    counts_shown: bool,
}

impl GalleryPage {
    fn may_vote(&self) -> bool {
        self.signed_in && self.no_votes_reason.is_none()
    }
    /// Whether the counts move while the page is open (`gallery.js` follows the results'
    /// stream then).
    fn live(&self) -> bool {
        self.counts_shown && self.contest.results_state == ResultsState::Live
    }
}

pub async fn page(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(contest_id): Path<String>,
) -> Result<Response, PageError> {
    let pool = &state.db.pool;
    let found = contest::require(pool, &contest_id).await.page(&visitor)?;
    let contest = contest_view(found, state.clock.now_ms());
    let caller = visitor.caller();
    let AppJson(gallery) = entries::list_entries(
        State(state.clone()),
        MaybeUser(visitor.caller()),
        AppPath(contest_id.clone()),
        AppQuery(EntryFilter {
            status: Some("approved".to_owned()),
            limit: Some(200),
            offset: None,
        }),
    )
    .await
    .page(&visitor)?;
    let (own, voted): (Vec<String>, Vec<String>) = match &caller {
        Some(caller) => (
            sqlx::query_scalar("SELECT id FROM entries WHERE contest_id = $1 AND user_id = $2")
                .bind(&contest.id)
                .bind(caller.id())
                .fetch_all(pool)
                .await
                .map_err(AppError::from)
                .page(&visitor)?,
            sqlx::query_scalar(
                "SELECT entry_id FROM entry_votes WHERE contest_id = $1 AND user_id = $2",
            )
            .bind(&contest.id)
            .bind(caller.id())
            .fetch_all(pool)
            .await
            .map_err(AppError::from)
            .page(&visitor)?,
        ),
        None => (Vec::new(), Vec::new()),
    };
    let c = Chrome::titled(&visitor, contest.title.clone());
    let no_votes_reason = if !contest.voting.enabled {
        Some(c.t("gallery-no-voting"))
    } else if !contest.voting_open {
        Some(c.t("gallery-voting-closed"))
    } else if contest.voters == Voters::Members
        && caller
            .as_ref()
            .is_some_and(|caller| caller.user.org_unit_id.is_none())
    {
        Some(c.t("error-not_a_member"))
    } else {
        None
    };
    let entries = gallery
        .items
        .into_iter()
        .map(|item| GalleryEntry {
            media_url: item
                .media_id
                .as_ref()
                .map(|media| format!("/api/v1/entries/{}/media/{media}", item.id)),
            video: item.kind.as_deref() == Some("video"),
            length: item
                .duration_ms
                .map(|ms| duration_words(&c, (ms + 500) / 1000))
                .unwrap_or_default(),
            own: own.contains(&item.id),
            voted: voted.contains(&item.id),
            item,
        })
        .collect::<Vec<_>>();
    let counts_shown = entries.iter().any(|entry| entry.item.votes.is_some());
    Ok(ok(&GalleryPage {
        facts: ContestFacts::of(&c, &contest),
        sign_in: sign_in_url(&visitor.here),
        signed_in: caller.is_some(),
        c,
        contest,
        entries,
        no_votes_reason,
        counts_shown,
    }))
}

/// Where a vote form comes back to: the entry in its gallery.
async fn back_to(state: &AppState, member: &Member, entry_id: &str) -> Result<String, PageError> {
    let entry = store::find(&state.db.pool, entry_id)
        .await
        .page(&member.visitor)?
        .ok_or_else(|| member.visitor.fail(AppError::not_found()))?;
    Ok(format!(
        "/contests/{}/gallery#entry-{}",
        entry.contest_id, entry.id
    ))
}

pub async fn vote(
    State(state): State<AppState>,
    member: Member,
    ip: ClientIp,
    Path(entry_id): Path<String>,
    _form: CsrfForm,
) -> Result<Response, PageError> {
    votes::vote(
        State(state.clone()),
        member.caller(),
        ip,
        AppPath(entry_id.clone()),
    )
    .await
    .page(&member.visitor)?;
    Ok(redirect(&back_to(&state, &member, &entry_id).await?))
}

pub async fn unvote(
    State(state): State<AppState>,
    member: Member,
    ip: ClientIp,
    Path(entry_id): Path<String>,
    _form: CsrfForm,
) -> Result<Response, PageError> {
    votes::unvote(
        State(state.clone()),
        member.caller(),
        ip,
        AppPath(entry_id.clone()),
    )
    .await
    .page(&member.visitor)?;
    Ok(redirect(&back_to(&state, &member, &entry_id).await?))
}
