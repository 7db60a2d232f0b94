//! The residents' pages: the contests, entering one with a recording, my entries and the
//! gallery with its votes. Each calls the same functions as the `/api/v1` routes.

mod enter;
mod entry;
mod gallery;
mod list;
mod mine;

use axum::Router;
use axum::routing::{get, post};

use super::contest::{ContestState, MediaKind};
use super::entry_store::EntryStatus;
use super::routes::ContestView;
use crate::app::AppState;
use crate::web::page::Chrome;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/contests", get(list::index))
        .route("/contests/{id}", get(list::show))
        .route("/contests/{id}/enter", get(enter::form).post(enter::create))
        .route("/contests/{id}/gallery", get(gallery::page))
        .route("/entries/{id}", get(entry::page))
        .route("/entries/{id}/submit", post(entry::submit))
        .route("/entries/{id}/vote", post(gallery::vote))
        .route("/entries/{id}/unvote", post(gallery::unvote))
        .route("/me/entries", get(mine::page))
}

/// Routes whose request or response body is a recording: served without the pages' time
/// limit (the upload bounds the wait for each chunk itself) and without their compression
/// (ranges of a recording are sent as they are stored).
pub fn streamed_router() -> Router<AppState> {
    Router::new()
        .route("/entries/{id}/recording", post(entry::upload))
        .route("/entries/{id}/recording/{media_id}", get(entry::recording))
}

/// Where the entrant's own player plays her recording (`entry::recording`).
pub fn own_recording_url(entry_id: &str, media_id: &str) -> String {
    format!("/entries/{entry_id}/recording/{media_id}")
}

/// The facts of a contest as every residents' page words them.
pub struct ContestFacts {
    pub state: String,
    pub window: String,
    pub media: String,
    pub max_size: String,
    pub max_duration: String,
    pub voting: String,
    pub open: bool,
}

impl ContestFacts {
    pub fn of(c: &Chrome, contest: &ContestView) -> Self {
        let window = |opens: i64, closes: i64| {
            format!(
                "{} ({})",
                c.t2(
                    "quiz-window",
                    "opens",
                    c.when(opens),
                    "closes",
                    c.when(closes)
                ),
                c.zone()
            )
        };
        ContestFacts {
            state: c.t(state_key(contest.state)),
            window: window(contest.opens_at.0, contest.closes_at.0),
            media: contest
                .media
                .iter()
                .map(|kind| c.t(media_key(*kind)))
                .collect::<Vec<_>>()
                .join(", "),
            max_size: c.t1("contest-megabytes", "count", megabytes(contest.max_bytes)),
            max_duration: duration_words(c, contest.max_duration_s),
            voting: match (&contest.voting.opens_at, &contest.voting.closes_at) {
                (Some(opens), Some(closes)) if contest.voting.enabled => window(opens.0, closes.0),
                _ => c.t("contest-no-voting"),
            },
            open: contest.state == ContestState::Open,
        }
    }
}

fn state_key(state: ContestState) -> &'static str {
    match state {
        ContestState::Upcoming => "contest-state-upcoming",
        ContestState::Open => "contest-state-open",
        ContestState::Closed => "contest-state-closed",
    }
}

fn media_key(kind: MediaKind) -> &'static str {
    match kind {
        MediaKind::Audio => "contest-media-audio",
        MediaKind::Video => "contest-media-video",
    }
}

/// Megabytes as people read them (10 000 000 bytes is 10 MB), to one decimal when needed.
pub fn megabytes(bytes: i64) -> String {
    crate::web::page::points_text(((bytes as f64) / 100_000.0).floor() / 10.0)
}

/// `1 minute 30 seconds`, `45 seconds`, `2 minutes`.
pub fn duration_words(c: &Chrome, seconds: i64) -> String {
    let (minutes, seconds) = (seconds / 60, seconds % 60);
    match (minutes, seconds) {
        (0, s) => c.t1("duration-seconds", "count", s),
        (m, 0) => c.t1("minutes", "count", m),
        (m, s) => format!(
            "{} {}",
            c.t1("minutes", "count", m),
            c.t1("duration-seconds", "count", s)
        ),
    }
}

pub fn status_key(status: EntryStatus) -> String {
    format!("entry-status-{}", status.as_str())
}
