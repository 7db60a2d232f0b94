//! `GET /contests/{id}/leaderboard/stream`: the contest's results as Server-Sent Events, by
//! the quiz boards' stream (coalesced, heartbeats, content-hash event ids). Each event is the
//! board as `GET /contests/{id}/leaderboard` shows it to the same caller, with the top
//! entries: organizers see the live standings, the public what the results state allows.

use std::convert::Infallible;

use crate::http::AppPath;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, Sse};
use futures::Stream;

use super::access::MaybeUser;
use super::contest;
use super::results::board_for;
use crate::app::AppState;
use crate::boards::stream::{Standings, TOP, standings_stream};
use crate::bus::Topic;
use crate::error::{AppError, AppResult, ErrorBody};

struct ContestStandings {
    state: AppState,
    contest_id: String,
    organizes: bool,
}

impl Standings for ContestStandings {
    fn topic(&self) -> Topic {
        Topic::Contest(self.contest_id.clone())
    }

    async fn current(&self) -> AppResult<String> {
        // Read afresh each time: the results state may have changed.
        let contest = contest::require(&self.state.db.pool, &self.contest_id).await?;
        let board = board_for(&self.state, &contest, self.organizes, TOP).await?;
        serde_json::to_string(&board).map_err(|e| AppError::Internal(e.into()))
    }
}

/// Live results (top entries) as Server-Sent Events: a `standings` event whenever they
/// change.
#[utoipa::path(get, path = "/contests/{id}/leaderboard/stream", tag = "results", security((), ("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, content_type = "text/event-stream", description = "`standings` events"), (status = 404, body = ErrorBody),
              (status = 429, body = ErrorBody, description = "rate_limited: too many streams open")))]
pub async fn results_stream(
    State(state): State<AppState>,
    MaybeUser(caller): MaybeUser,
    crate::auth::ClientIp(address): crate::auth::ClientIp,
    AppPath(contest_id): AppPath<String>,
    headers: HeaderMap,
) -> AppResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    let contest = contest::require(&state.db.pool, &contest_id).await?;
    let slot = state.streams.take(caller.as_ref(), address)?;
    let source = ContestStandings {
        state: state.clone(),
        contest_id: contest.id,
        organizes: caller.as_ref().is_some_and(|c| c.role().organizes()),
    };
    Ok(standings_stream(&state, source, &headers, slot))
}
