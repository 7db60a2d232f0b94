//! Live standings over Server-Sent Events: a `standings` event whenever they change, at most
//! two per second per stream, heartbeats in between. Event ids are the SHA-256 of the
//! standings, so a client resuming with `Last-Event-ID` is sent the current standings only if
//! they differ from the last ones it saw, whichever process it reconnects to.
//!
//! One stream for every kind of board: a quiz's standings here, a contest's results in the
//! contest slice, each a [`Standings`] source woken by its [`Topic`] on the bus.

use std::convert::Infallible;
use std::time::{Duration, Instant};

use crate::http::AppPath;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures::Stream;
use sha2::{Digest, Sha256};
use tokio::sync::broadcast;
use tokio::sync::broadcast::error::RecvError;

use super::routes::{BoardQuery, board_quiz, parse_scope, public_page};
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::bus::Topic;
use crate::error::{AppResult, ErrorBody};
use crate::http::AppQuery;
use crate::http::slots::{Slot, Slots};
use crate::quizzes::quiz::Quiz;

/// Entries a stream's events carry: the top of the board.
pub const TOP: u64 = 10;
const MIN_GAP: Duration = Duration::from_millis(500);

/// What a stream shows, read again each time its board changes.
pub trait Standings: Send + 'static {
    /// The board whose changes wake the stream.
    fn topic(&self) -> Topic;
    /// The standings now, as the JSON of a `standings` event.
    fn current(&self) -> impl Future<Output = AppResult<String>> + Send;
}

struct Watch<S> {
    /// Held as long as the stream is open.
    _slot: Slot,
    source: S,
    topic: Topic,
    changes: broadcast::Receiver<Topic>,
    last_id: Option<String>,
    last_sent: Option<Instant>,
    first: bool,
}

impl<S: Standings> Watch<S> {
    /// The current standings as an event, unless they are what the client last saw.
    async fn standings(&mut self) -> Option<Event> {
        let payload = match self.source.current().await {
            Ok(payload) => payload,
            Err(error) => {
                tracing::warn!(%error, topic = %self.topic, "stream: reading standings failed");
                return None;
            }
        };
        let id = hex::encode(&Sha256::digest(payload.as_bytes())[..12]);
        if self.last_id.as_deref() == Some(id.as_str()) {
            return None;
        }
        self.last_id = Some(id.clone());
        self.last_sent = Some(Instant::now());
        Some(Event::default().event("standings").id(id).data(payload))
    }

    /// Waits for a change to this board, then lets further changes pile up until the minimum
    /// gap has passed, so a burst of changes costs one event.
    async fn next_change(&mut self) -> bool {
        loop {
            match self.changes.recv().await {
                Ok(topic) if topic == self.topic => break,
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

/// The SSE response for `source`: its standings now, then again whenever they change.
/// Open streams a signed-in user may hold at once (a few tabs and a projector).
pub const STREAMS_PER_USER: usize = 8;
/// Open anonymous streams one address may hold (a school's projectors and phones share one).
pub const STREAMS_PER_ADDRESS: usize = 500;

/// Open streams by holder (`user:ID` or `address:KEY`), so one client cannot hold every
/// connection the server has.
#[derive(Default)]
pub struct StreamSlots(Slots);

impl StreamSlots {
    /// A place for `caller` (or her address when anonymous): 429 `rate_limited` past the cap.
    /// Held by the stream, given back when it is dropped (the client went away).
    pub fn take(
        &self,
        caller: Option<&crate::auth::AuthUser>,
        address: std::net::IpAddr,
    ) -> AppResult<Slot> {
        let (holder, cap) = match caller {
            Some(user) => (format!("user:{}", user.id()), STREAMS_PER_USER),
            None => (
                format!("address:{}", crate::http::client::limit_key(address)),
                STREAMS_PER_ADDRESS,
            ),
        };
        self.0
            .take(holder, cap)
            .ok_or_else(|| crate::error::AppError::rate_limited(15))
    }
}

pub fn standings_stream<S: Standings>(
    state: &AppState,
    source: S,
    headers: &HeaderMap,
    slot: Slot,
) -> Sse<impl Stream<Item = Result<Event, Infallible>> + use<S>> {
    let last_id = headers
        .get("last-event-id")
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let watch = Watch {
        _slot: slot,
        topic: source.topic(),
        changes: state.bus.subscribe(),
        source,
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
    Sse::new(events).keep_alive(
        KeepAlive::new()
            .interval(Duration::from_secs(15))
            .text("heartbeat"),
    )
}

/// The top of a quiz board in one scope, as the public sees it.
struct QuizStandings {
    state: AppState,
    quiz: std::sync::Arc<Quiz>,
    scope: String,
}

impl Standings for QuizStandings {
    fn topic(&self) -> Topic {
        Topic::Quiz(self.quiz.id.clone())
    }

    async fn current(&self) -> AppResult<String> {
        let board = public_page(&self.state, &self.quiz, &self.scope, 0, TOP).await?;
        Ok(String::from_utf8_lossy(&board.json).into_owned())
    }
}

/// Live standings (top entries) as Server-Sent Events.
#[utoipa::path(get, path = "/quizzes/{id}/leaderboard/stream", tag = "leaderboards", security((), ("bearer" = [])), params(("id" = String, Path), BoardQuery),
    responses((status = 200, content_type = "text/event-stream", description = "`standings` events"), (status = 404, body = ErrorBody),
              (status = 429, body = ErrorBody, description = "rate_limited: too many streams open")))]
pub async fn board_stream(
    State(state): State<AppState>,
    caller: Option<AuthUser>,
    crate::auth::ClientIp(address): crate::auth::ClientIp,
    AppPath(quiz_id): AppPath<String>,
    AppQuery(query): AppQuery<BoardQuery>,
    headers: HeaderMap,
) -> AppResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    let quiz = board_quiz(&state, caller.as_ref(), &quiz_id).await?;
    let slot = state.streams.take(caller.as_ref(), address)?;
    let scope = parse_scope(query.scope.as_deref())?;
    let source = QuizStandings {
        state: state.clone(),
        quiz,
        scope: scope.to_owned(),
    };
    Ok(standings_stream(&state, source, &headers, slot))
}
