//! Live standings over Server-Sent Events: a `standings` event with the top entries whenever
//! they change, at most two per second per stream, heartbeats in between. Event ids are the
//! SHA-256 of the standings, so a client resuming with `Last-Event-ID` is sent the current
//! standings only if they differ from the last ones it saw, whichever process it reconnects to.

use std::convert::Infallible;
use std::time::{Duration, Instant};

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures::Stream;
use sha2::{Digest, Sha256};
use tokio::sync::broadcast;
use tokio::sync::broadcast::error::RecvError;

use super::routes::{BoardQuery, board_quiz, parse_scope, public_page};
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::error::{AppResult, ErrorBody};
use crate::http::AppQuery;
use crate::quizzes::quiz::Quiz;

const TOP: u64 = 10;
const MIN_GAP: Duration = Duration::from_millis(500);

struct Watch {
    state: AppState,
    quiz: Quiz,
    scope: String,
    changes: broadcast::Receiver<String>,
    last_id: Option<String>,
    last_sent: Option<Instant>,
    first: bool,
}

impl Watch {
    /// The current standings as an event, unless they are what the client last saw.
    async fn standings(&mut self) -> Option<Event> {
        let board = match public_page(&self.state, &self.quiz, &self.scope, 0, TOP).await {
            Ok(board) => board,
            Err(error) => {
                tracing::warn!(%error, quiz = %self.quiz.id, "stream: reading standings failed");
                return None;
            }
        };
        let payload = serde_json::to_string(board.as_ref()).ok()?;
        let id = hex::encode(&Sha256::digest(payload.as_bytes())[..12]);
        if self.last_id.as_deref() == Some(id.as_str()) {
            return None;
        }
        self.last_id = Some(id.clone());
        self.last_sent = Some(Instant::now());
        Some(Event::default().event("standings").id(id).data(payload))
    }

    /// Waits for a change to this quiz's board, then lets further changes pile up until the
    /// minimum gap has passed, so a burst of submissions costs one event.
    async fn next_change(&mut self) -> bool {
        loop {
            match self.changes.recv().await {
                Ok(quiz_id) if quiz_id == self.quiz.id => break,
                Ok(_) => continue,
                Err(RecvError::Lagged(_)) => break,
                Err(RecvError::Closed) => return false,
            }
        }
        if let Some(last) = self.last_sent {
            let wait = MIN_GAP.saturating_sub(last.elapsed());
            if !wait.is_zero() {
                tokio::time::sleep(wait).await;
            }
        }
        while self.changes.try_recv().is_ok() {}
        true
    }
}

/// Live standings (top entries) as Server-Sent Events.
#[utoipa::path(get, path = "/quizzes/{id}/leaderboard/stream", tag = "leaderboards", params(("id" = String, Path), BoardQuery),
    responses((status = 200, content_type = "text/event-stream", description = "`standings` events"), (status = 404, body = ErrorBody)))]
pub async fn board_stream(
    State(state): State<AppState>,
    caller: Option<AuthUser>,
    Path(quiz_id): Path<String>,
    AppQuery(query): AppQuery<BoardQuery>,
    headers: HeaderMap,
) -> AppResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    let quiz = board_quiz(&state, caller.as_ref(), &quiz_id).await?;
    let scope = parse_scope(query.scope.as_deref())?;
    let last_id = headers
        .get("last-event-id")
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let watch = Watch {
        changes: state.bus.subscribe(),
        state,
        quiz,
        scope,
        last_id,
        last_sent: None,
        first: true,
    };
    let events = futures::stream::unfold(watch, |mut watch| async move {
        loop {
            if watch.first {
                watch.first = false;
            } else if !watch.next_change().await {
                return None;
            }
            if let Some(event) = watch.standings().await {
                return Some((Ok(event), watch));
            }
        }
    });
    Ok(Sse::new(events).keep_alive(
        KeepAlive::new()
            .interval(Duration::from_secs(15))
            .text("heartbeat"),
    ))
}
