//! Leaderboards: one engine over Redis sorted sets or their in-process twin (`engine/`), two
//! kinds of board on it (quiz standings scoped down the org tree in `quiz_board.rs`, contest
//! results and votes in `contest_board.rs`), the four visibility states with freeze and
//! verifiable publication (`publication.rs`, `state.rs`), and live updates.
//!
//! The database is the record. Boards are an index built from it: a board that is missing
//! (never built, Redis flushed) or marked stale is built from the tables and swapped in whole.

pub mod aggregates;
pub mod brief;
pub mod contest_board;
pub mod contest_line;
pub mod engine;
pub mod entry;
pub mod page_cache;
pub mod pages;
pub mod projector;
pub mod publication;
pub mod quiz_board;
pub mod rebuild;
pub mod routes;
pub mod state;
pub mod stream;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use self::engine::Recorded;
use self::entry::Entry;
use self::quiz_board::{QuizBoard, View};
use self::state::BoardState;
use crate::app::AppState;
use crate::bus::{ParticipantChange, Topic};
use crate::error::AppResult;
use crate::quizzes::quiz::{self, Quiz};

/// A page of a quiz view: entries in rank order (the first has rank `offset + 1`) and the total.
pub type Page = (Vec<Entry>, u64);

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(routes::quiz_board))
        .routes(routes!(routes::my_standing))
        .routes(routes!(stream::board_stream))
        .routes(routes!(routes::org_unit_board))
        .routes(routes!(routes::set_board_state))
        .routes(routes!(routes::published_board))
        .routes(routes!(routes::event_board))
}

/// A page of a view, building the view first if it is missing or stale.
pub async fn page(
    state: &AppState,
    quiz: &Quiz,
    view: &View,
    scope: &str,
    offset: u64,
    limit: u64,
) -> AppResult<Page> {
    let (lines, total) = state
        .boards
        .page(&QuizBoard::of(quiz, view), scope, offset, limit)
        .await?;
    Ok((lines.into_iter().map(|line| line.entry).collect(), total))
}

/// Builds a view from the database now and swaps it in.
pub async fn rebuild(state: &AppState, quiz: &Quiz, view: &View) -> AppResult<()> {
    state.boards.rebuild(&QuizBoard::of(quiz, view)).await
}

/// The user's place in a view: `(0-based rank of the first neighbour, neighbours, total)`.
pub async fn around(
    state: &AppState,
    quiz: &Quiz,
    view: &View,
    scope: &str,
    user_id: &str,
    radius: u64,
) -> AppResult<Option<(u64, Page)>> {
    Ok(state
        .boards
        .around(&QuizBoard::of(quiz, view), scope, user_id, radius)
        .await?
        .map(|(first, (lines, total))| {
            (
                first,
                (lines.into_iter().map(|line| line.entry).collect(), total),
            )
        }))
}

/// Puts a newly finished attempt on its quiz's boards and announces the change. A failure
/// marks the board stale, so the next reader builds it again.
pub async fn record_finished(state: &AppState, attempt_id: &str) {
    let Ok(Some(quiz)) = quiz_of_attempt(state, attempt_id).await else {
        return;
    };
    match try_record(state, &quiz, attempt_id).await {
        Ok(true) => {
            state.board_pages.invalidate(&quiz.id);
            state.bus.announce(Topic::Quiz(quiz.id.clone())).await;
        }
        Ok(false) => {}
        Err(error) => {
            tracing::warn!(%error, attempt_id, "could not record a finished attempt on its board; marking it stale");
            let board = QuizBoard::of(&quiz, &View::live(&quiz.id));
            let _ = state.boards.mark_stale(&board).await;
        }
    }
}

async fn quiz_of_attempt(state: &AppState, attempt_id: &str) -> AppResult<Option<Quiz>> {
    let quiz_id: Option<String> = sqlx::query_scalar("SELECT quiz_id FROM attempts WHERE id = $1")
        .bind(attempt_id)
        .fetch_optional(&state.db.pool)
        .await?;
    match quiz_id {
        Some(id) => quiz::find(&state.db.pool, &id).await,
        None => Ok(None),
    }
}

/// Whether a board changed. A board not built yet is built in the background and reads the
/// attempt from the table: the submit does not wait for it.
async fn try_record(state: &AppState, quiz: &Quiz, attempt_id: &str) -> AppResult<bool> {
    let Some(line) = quiz_board::line_of_attempt(&state.db.pool, attempt_id).await? else {
        return Ok(false);
    };
    let board_state = state.board_states.get(&state.db.pool, &quiz.id).await?;
    let mut views = vec![View::live(&quiz.id)];
    // An attempt closed late by the sweeper may have finished before the freeze.
    if let Some(cutoff) = board_state.frozen_at
        && line.entry.finished_at <= cutoff
    {
        views.push(View::at(&quiz.id, cutoff));
    }
    let mut changed = false;
    for view in &views {
        let recorded = state.boards.put(&QuizBoard::of(quiz, view), &line).await?;
        changed |= recorded != Recorded::Unchanged;
    }
    Ok(changed)
}

/// The view the public sees in `board_state` (live, or the standings at the cut-off).
pub fn public_view(quiz_id: &str, board_state: &BoardState) -> View {
    View {
        quiz_id: quiz_id.to_owned(),
        cutoff: board_state.public_cutoff(),
    }
}

/// 1-based rank of the user's entry in the live `all` board, while the board is `live`: a
/// hidden or frozen board's live ranks are not the participants' to see.
pub async fn live_rank(state: &AppState, quiz: &Quiz, user_id: &str) -> AppResult<Option<u64>> {
    let board_state = state.board_states.get(&state.db.pool, &quiz.id).await?;
    if board_state.visibility != state::Visibility::Live {
        return Ok(None);
    }
    let view = View::live(&quiz.id);
    Ok(around(state, quiz, &view, rebuild::SCOPE_ALL, user_id, 0)
        .await?
        .map(|(first, _)| first + 1))
}

pub fn points(milli: i64) -> f64 {
    milli as f64 / 1000.0
}

/// Entries as the API shows them: display names and org units, never usernames or ages.
pub fn ranked(first_rank: u64, entries: Vec<Entry>) -> Vec<routes::RankedEntry> {
    entries
        .into_iter()
        .enumerate()
        .map(|(index, entry)| routes::RankedEntry {
            rank: first_rank + index as u64 + 1,
            user_id: entry.user_id,
            display_name: entry.display_name,
            org_unit: entry.org_unit_id.map(|id| routes::UnitRef {
                id,
                name: entry.org_unit_name.unwrap_or_default(),
            }),
            score: points(entry.score_milli),
            max_score: points(entry.max_score_milli),
            correct_count: entry.correct_count,
            duration_ms: entry.duration_ms,
        })
        .collect()
}

/// Listens for participants' changes: her name, unit or standing shows on quiz boards.
pub fn on_participant_changed(
    state: &AppState,
    user_id: &str,
    _change: ParticipantChange,
) -> futures::future::BoxFuture<'static, AppResult<()>> {
    let (state, user_id) = (state.clone(), user_id.to_owned());
    Box::pin(async move { participant_changed(&state, &user_id).await })
}

/// A participant's name or org unit changed: her boards are built again on their next read.
pub async fn participant_changed(state: &AppState, user_id: &str) -> AppResult<()> {
    let quiz_ids: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT quiz_id FROM attempts WHERE user_id = $1 AND status <> 'in_progress'",
    )
    .bind(user_id)
    .fetch_all(&state.db.pool)
    .await?;
    for quiz_id in quiz_ids {
        let Some(quiz) = quiz::find(&state.db.pool, &quiz_id).await? else {
            continue;
        };
        state
            .boards
            .mark_stale(&QuizBoard::of(&quiz, &View::live(&quiz.id)))
            .await?;
        state.board_pages.invalidate(&quiz_id);
        state.bus.announce(Topic::Quiz(quiz_id.clone())).await;
    }
    Ok(())
}

/// Builds the live boards of open quizzes at start, so the first reader does not wait.
pub async fn warm_up(state: AppState) {
    let now = state.clock.now_ms();
    let open: Vec<String> = match sqlx::query_scalar(
        "SELECT id FROM quizzes WHERE status = 'published' AND opens_at <= $1 AND closes_at > $1",
    )
    .bind(now)
    .fetch_all(&state.db.pool)
    .await
    {
        Ok(ids) => ids,
        Err(error) => {
            tracing::warn!(%error, "board warm-up: cannot list open quizzes");
            return;
        }
    };
    for quiz_id in open {
        let result = async {
            let Some(quiz) = quiz::find(&state.db.pool, &quiz_id).await? else {
                return Ok(());
            };
            // A read builds the board if it is missing or stale.
            page(
                &state,
                &quiz,
                &View::live(&quiz.id),
                rebuild::SCOPE_ALL,
                0,
                1,
            )
            .await?;
            AppResult::Ok(())
        }
        .await;
        if let Err(error) = result {
            tracing::warn!(%error, quiz = %quiz_id, "board warm-up failed; readers will rebuild");
        }
    }
}
