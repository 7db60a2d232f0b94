//! Closes attempts whose deadline plus grace has passed, so boards and reports see them even
//! if the student never comes back. Several server processes may sweep the same database:
//! closing is a conditional update, so each attempt is graded once.

use super::attempt_store as store;
use super::attempts::close_if_due;
use crate::app::AppState;
use crate::error::AppResult;

const BATCH: i64 = 200;

/// One pass; returns how many attempts this pass closed or saw closed.
pub async fn sweep_once(state: &AppState) -> AppResult<usize> {
    let grace_ms = i64::try_from(state.config.attempt_grace.as_millis()).unwrap_or(5_000);
    let mut handled = 0;
    loop {
        let due = store::due(&state.db.pool, state.clock.now_ms(), grace_ms, BATCH).await?;
        let batch = due.len();
        for attempt in due {
            close_if_due(state, attempt).await?;
        }
        handled += batch;
        if batch < BATCH as usize {
            return Ok(handled);
        }
    }
}

/// Runs until the task is aborted (at shutdown).
pub async fn run(state: AppState) {
    let mut ticks = tokio::time::interval(state.config.sweep_interval);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        match sweep_once(&state).await {
            Ok(0) => {}
            Ok(closed) => tracing::info!(closed, "sweeper closed attempts past their deadline"),
            Err(error) => tracing::warn!(%error, "sweeper pass failed; retrying next tick"),
        }
    }
}
