//! A quiz board's state (`publication.rs` says what each state shows) and when it froze or was
//! published. Read on every board request, so each process keeps it for a second; a change
//! made on another process shows within that second.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::publication::Sealed;
use super::routes::Snapshot;
use crate::db::Pool;
use crate::error::AppResult;
use crate::quizzes::quiz::{self, Quiz};

pub use super::publication::Visibility;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BoardState {
    pub visibility: Visibility,
    pub frozen_at: Option<i64>,
    pub published_at: Option<i64>,
}

impl BoardState {
    /// The cut-off of what the public sees (frozen, or published after a freeze).
    pub fn public_cutoff(&self) -> Option<i64> {
        match self.visibility {
            Visibility::Frozen => self.frozen_at,
            Visibility::Published => self.frozen_at.or(self.published_at),
            _ => None,
        }
    }
}

const FRESH_FOR: Duration = Duration::from_secs(1);

/// A published board's snapshot, sealed and parsed.
pub type Published = Arc<(Sealed, Snapshot)>;

/// A quiz (or its absence) as read at an instant.
type KeptQuiz = (Instant, Option<Arc<Quiz>>);

#[derive(Default)]
pub struct StateCache {
    entries: Mutex<HashMap<String, (Instant, BoardState)>>,
    quizzes: Mutex<HashMap<String, KeptQuiz>>,
    /// Published snapshots never change: kept until the map grows too large.
    published: Mutex<HashMap<String, Published>>,
    /// Org-unit boards by quiz, kind and cut-off.
    pub unit_boards: super::brief::Brief<
        (String, crate::orgs::OrgKind, Option<i64>),
        Vec<super::aggregates::UnitStanding>,
    >,
    /// Event boards as an anonymous reader sees them.
    pub event_boards: super::brief::Brief<String, Vec<super::aggregates::EventStanding>>,
}

impl StateCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (Instant, BoardState)>> {
        self.entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub async fn get(&self, pool: &Pool, quiz_id: &str) -> AppResult<BoardState> {
        if let Some((at, state)) = self.lock().get(quiz_id)
            && at.elapsed() < FRESH_FOR
        {
            return Ok(*state);
        }
        let state = load(pool, quiz_id).await?;
        let mut entries = self.lock();
        if entries.len() > 10_000 {
            entries.clear();
        }
        entries.insert(quiz_id.to_owned(), (Instant::now(), state));
        Ok(state)
    }

    pub fn published(&self, quiz_id: &str) -> Option<Published> {
        self.published
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(quiz_id)
            .cloned()
    }

    pub fn keep_published(&self, quiz_id: &str, published: Published) {
        let mut kept = self
            .published
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if kept.len() >= 1_000 {
            kept.clear();
        }
        kept.insert(quiz_id.to_owned(), published);
    }

    pub fn forget(&self, quiz_id: &str) {
        self.lock().remove(quiz_id);
    }

    /// The quiz behind a board, kept as briefly as the state: anonymous board reads (the
    /// projector, the public page) then touch no table at all.
    pub async fn quiz(&self, pool: &Pool, quiz_id: &str) -> AppResult<Option<Arc<Quiz>>> {
        let lock = || {
            self.quizzes
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
        };
        if let Some((at, quiz)) = lock().get(quiz_id)
            && at.elapsed() < FRESH_FOR
        {
            return Ok(quiz.clone());
        }
        let quiz = quiz::find(pool, quiz_id).await?.map(Arc::new);
        let mut quizzes = lock();
        if quizzes.len() > 10_000 {
            quizzes.clear();
        }
        quizzes.insert(quiz_id.to_owned(), (Instant::now(), quiz.clone()));
        Ok(quiz)
    }
}

async fn load(pool: &Pool, quiz_id: &str) -> AppResult<BoardState> {
    let row: Option<(String, Option<i64>, Option<i64>)> = sqlx::query_as(
        "SELECT state, frozen_at, published_at FROM board_states WHERE quiz_id = $1",
    )
    .bind(quiz_id)
    .fetch_optional(pool)
    .await?;
    Ok(match row {
        Some((state, frozen_at, published_at)) => BoardState {
            visibility: state.parse()?,
            frozen_at,
            published_at,
        },
        None => BoardState {
            visibility: Visibility::Live,
            frozen_at: None,
            published_at: None,
        },
    })
}

/// Moves to `visibility` unless the board is published (final). Returns false if it was.
pub async fn set(
    pool: &Pool,
    quiz_id: &str,
    visibility: Visibility,
    now_ms: i64,
) -> AppResult<bool> {
    let frozen_at = match visibility {
        Visibility::Frozen => Some(now_ms),
        _ => None,
    };
    sqlx::query(
        "INSERT INTO board_states (quiz_id, state, frozen_at, published_at, updated_at) VALUES ($1, 'live', NULL, NULL, $2)
         ON CONFLICT (quiz_id) DO NOTHING",
    )
    .bind(quiz_id)
    .bind(now_ms)
    .execute(pool)
    .await?;
    // Freezing twice keeps the first freeze time; publishing keeps the freeze it followed.
    let changed = sqlx::query(
        "UPDATE board_states SET state = $1,
             frozen_at = CASE WHEN $1 = 'frozen' THEN COALESCE(CASE WHEN state = 'frozen' THEN frozen_at END, $2)
                              WHEN $1 = 'published' THEN CASE WHEN state = 'frozen' THEN frozen_at END
                              ELSE NULL END,
             published_at = CASE WHEN $1 = 'published' THEN $3 ELSE NULL END,
             updated_at = $3
         WHERE quiz_id = $4 AND state <> 'published'",
    )
    .bind(visibility.as_str())
    .bind(frozen_at)
    .bind(now_ms)
    .bind(quiz_id)
    .execute(pool)
    .await?;
    Ok(changed.rows_affected() == 1)
}
