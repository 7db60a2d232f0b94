//! Leaderboards: one interface over Redis sorted sets or their in-process twin, scopes down the
//! org tree, visibility states with freeze and verifiable publication, and live updates.
//!
//! The database is the record. Boards are an index built from it: a board that is missing
//! (never built, Redis flushed) or marked stale is rebuilt from the attempts table and swapped
//! in whole. Contest results and vote counts live behind the same seam (`store/contests.rs`,
//! `contest_line.rs`), built by the contest slice from its tables with the same rebuild task.

pub mod aggregates;
pub mod contest_line;
pub mod entry;
pub mod page_cache;
pub mod pages;
pub mod rebuild;
pub mod routes;
pub mod state;
pub mod store;
pub mod stream;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use self::entry::Entry;
use self::state::BoardState;
use self::store::{Page, Recorded, View};
use crate::app::AppState;
use crate::bus::Topic;
use crate::error::AppResult;
use crate::quizzes::quiz::{self, Quiz};

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

/// A board kept in the backend and rebuilt from the database of record: a view of a quiz
/// board here, a contest's results in the contest slice.
pub trait Rebuildable: Clone + Send + Sync + 'static {
    /// Whether the board is in the backend now, fit to read.
    fn is_built(&self, state: &AppState) -> impl Future<Output = AppResult<bool>> + Send;
    /// Reads the board from the database and swaps it in whole.
    fn rebuild_now(&self, state: &AppState) -> impl Future<Output = AppResult<()>> + Send;
}

/// Rebuilds a board as its own task, one rebuild at a time per process: a reader that gives
/// up (a request timeout on a large board) does not cancel it. With `only_if_needed` (a
/// reader found the board missing), it is skipped when another reader's rebuild, which this
/// one waited for, already built the board.
pub async fn rebuild_task<B: Rebuildable>(
    state: &AppState,
    board: &B,
    only_if_needed: bool,
) -> AppResult<()> {
    let (state, board) = (state.clone(), board.clone());
    tokio::spawn(async move {
        let _one_at_a_time = state.board_rebuilds.lock().await;
        if only_if_needed && board.is_built(&state).await? {
            return Ok(());
        }
        board.rebuild_now(&state).await
    })
    .await
    .map_err(|e| anyhow::anyhow!("board rebuild task failed: {e}"))?
}

/// One view of a quiz's board.
#[derive(Clone)]
struct QuizView {
    quiz: Quiz,
    view: View,
}

impl Rebuildable for QuizView {
    async fn is_built(&self, state: &AppState) -> AppResult<bool> {
        Ok(state
            .boards
            .page(&self.view, rebuild::SCOPE_ALL, 0, 1)
            .await?
            .is_some())
    }

    /// Attempts graded while the view was being built are recorded again afterwards, so none
    /// is lost to the swap.
    async fn rebuild_now(&self, state: &AppState) -> AppResult<()> {
        let (quiz, view) = (&self.quiz, &self.view);
        let started = state.clock.now_ms();
        let entries =
            rebuild::counted_entries(&state.db.pool, &quiz.id, quiz.ranking, view.cutoff).await?;
        state.boards.replace(view, &entries).await?;
        state.board_pages.invalidate(&quiz.id);
        if view.cutoff.is_none() {
            for attempt_id in
                rebuild::graded_since(&state.db.pool, &quiz.id, started - 5_000).await?
            {
                if let Some((entry, scopes)) =
                    rebuild::entry_of_attempt(&state.db.pool, &attempt_id).await?
                {
                    state
                        .boards
                        .record(view, &entry, &scopes, quiz.ranking)
                        .await?;
                }
            }
            state::mark_stale(&state.db.pool, &quiz.id, false, state.clock.now_ms()).await?;
            state.board_states.forget(&quiz.id);
        }
        tracing::info!(quiz = %quiz.id, cutoff = ?view.cutoff, entries = entries.len(), "board rebuilt");
        Ok(())
    }
}

fn quiz_view(quiz: &Quiz, view: &View) -> QuizView {
    QuizView {
        quiz: quiz.clone(),
        view: view.clone(),
    }
}

/// Rebuilds a view from the database and swaps it in.
pub async fn rebuild(state: &AppState, quiz: &Quiz, view: &View) -> AppResult<()> {
    rebuild_task(state, &quiz_view(quiz, view), false).await
}

/// Builds a view that readers found missing, unless another reader's rebuild already did.
async fn ensure_built(state: &AppState, quiz: &Quiz, view: &View) -> AppResult<()> {
    rebuild_task(state, &quiz_view(quiz, view), true).await
}

/// A page of a view, rebuilding the view first if it is missing or stale.
pub async fn page(
    state: &AppState,
    quiz: &Quiz,
    view: &View,
    scope: &str,
    offset: u64,
    limit: u64,
) -> AppResult<Page> {
    if view.cutoff.is_none()
        && state
            .board_states
            .get(&state.db.pool, &quiz.id)
            .await?
            .stale
    {
        rebuild(state, quiz, view).await?;
    }
    if let Some(page) = state.boards.page(view, scope, offset, limit).await? {
        return Ok(page);
    }
    ensure_built(state, quiz, view).await?;
    Ok(state
        .boards
        .page(view, scope, offset, limit)
        .await?
        .unwrap_or_default())
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
    if let Some(found) = state.boards.around(view, scope, user_id, radius).await? {
        return Ok(found);
    }
    ensure_built(state, quiz, view).await?;
    Ok(state
        .boards
        .around(view, scope, user_id, radius)
        .await?
        .flatten())
}

/// Puts a newly finished attempt on its quiz's boards and announces the change. A failure
/// marks the board stale in the database, so the next reader rebuilds it.
pub async fn record_finished(state: &AppState, attempt_id: &str) {
    if let Err(error) = try_record(state, attempt_id).await {
        tracing::warn!(%error, attempt_id, "could not record a finished attempt on its board; marking it stale");
        if let Ok(Some(quiz_id)) = quiz_of_attempt(state, attempt_id).await {
            let _ = state::mark_stale(&state.db.pool, &quiz_id, true, state.clock.now_ms()).await;
            state.board_states.forget(&quiz_id);
        }
    }
}

async fn quiz_of_attempt(state: &AppState, attempt_id: &str) -> AppResult<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT quiz_id FROM attempts WHERE id = $1")
            .bind(attempt_id)
            .fetch_optional(&state.db.pool)
            .await?,
    )
}

async fn try_record(state: &AppState, attempt_id: &str) -> AppResult<()> {
    let Some(quiz_id) = quiz_of_attempt(state, attempt_id).await? else {
        return Ok(());
    };
    let Some(quiz) = quiz::find(&state.db.pool, &quiz_id).await? else {
        return Ok(());
    };
    let Some((entry, scopes)) = rebuild::entry_of_attempt(&state.db.pool, attempt_id).await? else {
        return Ok(());
    };
    let board_state = state.board_states.get(&state.db.pool, &quiz.id).await?;
    let mut views = vec![View::live(&quiz.id)];
    // An attempt closed late by the sweeper may have finished before the freeze.
    if let Some(cutoff) = board_state.frozen_at
        && entry.finished_at <= cutoff
    {
        views.push(View {
            quiz_id: quiz.id.clone(),
            cutoff: Some(cutoff),
        });
    }
    let mut changed = false;
    for view in &views {
        match state
            .boards
            .record(view, &entry, &scopes, quiz.ranking)
            .await?
        {
            Recorded::Changed => changed = true,
            Recorded::Unchanged => {}
            Recorded::NotLoaded => {
                rebuild(state, &quiz, view).await?;
                changed = true;
            }
        }
    }
    if changed {
        state.board_pages.invalidate(&quiz.id);
        state.bus.announce(Topic::Quiz(quiz.id.clone())).await;
    }
    Ok(())
}

/// The view the public sees in `board_state` (live, or the standings at the cut-off).
pub fn public_view(quiz_id: &str, board_state: &BoardState) -> View {
    View {
        quiz_id: quiz_id.to_owned(),
        cutoff: board_state.public_cutoff(),
    }
}

/// 1-based rank of the user's entry in the live `all` board.
pub async fn live_rank(state: &AppState, quiz: &Quiz, user_id: &str) -> AppResult<Option<u64>> {
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

/// A participant's name or org unit changed: her boards are rebuilt on their next read.
pub async fn participant_changed(state: &AppState, user_id: &str) -> AppResult<()> {
    let quiz_ids: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT quiz_id FROM attempts WHERE user_id = $1 AND status <> 'in_progress'",
    )
    .bind(user_id)
    .fetch_all(&state.db.pool)
    .await?;
    for quiz_id in quiz_ids {
        state::mark_stale(&state.db.pool, &quiz_id, true, state.clock.now_ms()).await?;
        state.board_states.forget(&quiz_id);
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
            let view = View::live(&quiz.id);
            if state
                .boards
                .page(&view, rebuild::SCOPE_ALL, 0, 1)
                .await?
                .is_none()
            {
                rebuild(&state, &quiz, &view).await?;
            }
            AppResult::Ok(())
        }
        .await;
        if let Err(error) = result {
            tracing::warn!(%error, quiz = %quiz_id, "board warm-up failed; readers will rebuild");
        }
    }
}
