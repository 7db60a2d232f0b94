//! Contest definitions over HTTP: organizers create and edit; anyone reads the rules.

use crate::http::AppPath;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

use super::contest::{
    self, Contest, ContestInput, ContestState, Criterion, MediaKind, ResultsState, ShowAuthors,
    Voters, Voting,
};
use super::{judging, standings};
use crate::app::AppState;
use crate::auth::Organizer;
use crate::clock::Timestamp;
use crate::db::new_id;
use crate::error::{AppError, AppResult, ErrorBody, ErrorCode};
use crate::http::{AppJson, AppQuery, Paging};

#[derive(Serialize, ToSchema)]
pub struct ContestView {
    pub id: String,
    pub event_id: Option<String>,
    pub title: String,
    pub rules: String,
    pub opens_at: Timestamp,
    pub closes_at: Timestamp,
    pub media: Vec<MediaKind>,
    pub max_bytes: i64,
    pub max_duration_s: i64,
    pub max_entries_per_user: i64,
    pub criteria: Vec<Criterion>,
    pub judges_per_entry: i64,
    pub voting: Voting,
    pub show_authors: ShowAuthors,
    pub voters: Voters,
    /// `upcoming`, `open` or `closed` by the server clock.
    pub state: ContestState,
    pub voting_open: bool,
    pub results_state: ResultsState,
    pub server_now: Timestamp,
}

pub fn contest_view(contest: Contest, now_ms: i64) -> ContestView {
    ContestView {
        state: contest.state(now_ms),
        voting_open: contest.voting_open(now_ms),
        id: contest.id,
        event_id: contest.event_id,
        title: contest.title,
        rules: contest.rules,
        opens_at: Timestamp(contest.opens_at),
        closes_at: Timestamp(contest.closes_at),
        media: contest.media,
        max_bytes: contest.max_bytes,
        max_duration_s: contest.max_duration_s,
        max_entries_per_user: contest.max_entries_per_user,
        criteria: contest.criteria,
        judges_per_entry: contest.judges_per_entry,
        voting: contest.voting,
        show_authors: contest.show_authors,
        voters: contest.voters,
        results_state: contest.results_state,
        server_now: Timestamp(now_ms),
    }
}

/// Creates a contest.
#[utoipa::path(post, path = "/contests", tag = "contests", security(("bearer" = [])), request_body = crate::contests::contest::NewContest,
    responses((status = 201, body = ContestView), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn create_contest(
    State(state): State<AppState>,
    Organizer(caller): Organizer,
    AppJson(body): AppJson<ContestInput>,
) -> AppResult<(StatusCode, AppJson<ContestView>)> {
    let contest = body.into_new(new_id())?;
    let now = state.clock.now_ms();
    contest::insert(&state.db.pool, &contest, caller.id(), now).await?;
    Ok((StatusCode::CREATED, AppJson(contest_view(contest, now))))
}

/// Edits a contest. Limits apply to uploads from then on; the rubric (`criteria`,
/// `judges_per_entry`) is locked once a judge has scored.
#[utoipa::path(patch, path = "/contests/{id}", tag = "contests", security(("bearer" = [])), params(("id" = String, Path)),
    request_body = ContestInput,
    responses((status = 200, body = ContestView), (status = 409, body = ErrorBody, description = "the rubric is locked"),
              (status = 422, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn edit_contest(
    State(state): State<AppState>,
    Organizer(_caller): Organizer,
    AppPath(contest_id): AppPath<String>,
    AppJson(body): AppJson<ContestInput>,
) -> AppResult<AppJson<ContestView>> {
    let current = contest::require(&state.db.pool, &contest_id).await?;
    let locked = body.judging_fields_present();
    let judges_changed = body.judges_per_entry.is_some();
    let edited = body.apply_to(current)?;
    let now = state.clock.now_ms();
    let mut tx = state.db.pool.begin().await?;
    // The lock first, then the check: a judge's first score cannot slip in between.
    if !locked.is_empty()
        && (!contest::lock_rubric(&mut *tx, &contest_id, None).await?
            || judging::any_scores(&mut *tx, &contest_id).await?)
    {
        return Err(AppError::conflict(
            ErrorCode::RubricLocked,
            "judges have scored entries: the rubric can no longer change",
        )
        .with_details(serde_json::json!({ "locked_fields": locked })));
    }
    contest::update(&mut *tx, &edited, !locked.is_empty(), now).await?;
    tx.commit().await?;
    if judges_changed {
        judging::assign(&state, &edited).await?;
        // The quorum decides which entries rank.
        standings::contest_changed(&state, &edited.id).await?;
    }
    Ok(AppJson(contest_view(edited, now)))
}

#[derive(Serialize, ToSchema)]
pub struct ContestList {
    pub items: Vec<ContestView>,
    pub total: i64,
}

/// Contests, newest window first.
#[utoipa::path(get, path = "/contests", tag = "contests", params(Paging), responses((status = 200, body = ContestList)))]
pub async fn list_contests(
    State(state): State<AppState>,
    AppQuery(paging): AppQuery<Paging>,
) -> AppResult<AppJson<ContestList>> {
    let (limit, offset) = paging.bounds()?;
    let (contests, total) = contest::list(&state.db.pool, limit, offset).await?;
    let now = state.clock.now_ms();
    Ok(AppJson(ContestList {
        items: contests
            .into_iter()
            .map(|contest| contest_view(contest, now))
            .collect(),
        total,
    }))
}

/// One contest with its rules, limits and rubric.
#[utoipa::path(get, path = "/contests/{id}", tag = "contests", params(("id" = String, Path)),
    responses((status = 200, body = ContestView), (status = 404, body = ErrorBody)))]
pub async fn get_contest(
    State(state): State<AppState>,
    AppPath(contest_id): AppPath<String>,
) -> AppResult<AppJson<ContestView>> {
    let contest = contest::require(&state.db.pool, &contest_id).await?;
    Ok(AppJson(contest_view(contest, state.clock.now_ms())))
}
