//! Staleness marks: a counter per board in the database, raised when updating the board
//! failed (Redis unreachable, a script error) or when something every line depends on changed.
//! A rebuild reads the counter before it reads the tables and clears it by compare-and-set
//! afterwards, so a failure marked while it ran keeps the board stale for the next reader.
//! Readers check the mark on every read, so each process keeps it for a second.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::db::Pool;
use crate::error::AppResult;

const FRESH_FOR: Duration = Duration::from_secs(1);
const MAX_CACHED: usize = 10_000;

#[derive(Default)]
pub struct Marks {
    cached: Mutex<HashMap<String, (Instant, i64)>>,
}

impl Marks {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (Instant, i64)>> {
        self.cached.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The mark as this process saw it within the last second.
    pub async fn recent(&self, pool: &Pool, board: &str) -> AppResult<i64> {
        if let Some((at, mark)) = self.lock().get(board)
            && at.elapsed() < FRESH_FOR
        {
            return Ok(*mark);
        }
        self.current(pool, board).await
    }

    /// The mark as the database holds it now.
    pub async fn current(&self, pool: &Pool, board: &str) -> AppResult<i64> {
        let mark: i64 = sqlx::query_scalar("SELECT stale FROM board_marks WHERE board = $1")
            .bind(board)
            .fetch_optional(pool)
            .await?
            .unwrap_or(0);
        let mut cached = self.lock();
        if cached.len() >= MAX_CACHED {
            cached.clear();
        }
        cached.insert(board.to_owned(), (Instant::now(), mark));
        Ok(mark)
    }

    pub async fn mark(&self, pool: &Pool, board: &str) -> AppResult<()> {
        sqlx::query(
            "INSERT INTO board_marks (board, stale) VALUES ($1, 1)
             ON CONFLICT (board) DO UPDATE SET stale = board_marks.stale + 1",
        )
        .bind(board)
        .execute(pool)
        .await?;
        self.lock().remove(board);
        Ok(())
    }

    /// Clears the marks a rebuild has seen; one raised while it ran keeps the board stale.
    pub async fn clear(&self, pool: &Pool, board: &str, seen: i64) -> AppResult<()> {
        if seen != 0 {
            sqlx::query("UPDATE board_marks SET stale = 0 WHERE board = $1 AND stale = $2")
                .bind(board)
                .bind(seen)
                .execute(pool)
                .await?;
        }
        self.lock().remove(board);
        Ok(())
    }
}
