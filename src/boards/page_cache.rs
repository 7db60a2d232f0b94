//! Public board pages are the same for every reader, so a process keeps each one briefly and
//! drops a quiz's pages the moment its board changes (locally at once, from other processes
//! through the bus). What is cached never depends on the caller: `me` is not cached.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;

use super::routes::Board;
use crate::bus::Topic;

const FRESH_FOR: Duration = Duration::from_millis(1000);

/// Which page: a scope of a quiz's board, from `offset`, `limit` lines.
pub struct PageKey<'a> {
    pub quiz_id: &'a str,
    pub scope: &'a str,
    pub offset: u64,
    pub limit: u64,
}

/// A public page, and its JSON as the API serves it: a cached read serializes nothing.
pub struct CachedBoard {
    pub board: Board,
    pub json: Bytes,
}

impl CachedBoard {
    pub fn new(board: Board) -> anyhow::Result<Self> {
        let json = Bytes::from(serde_json::to_vec(&board)?);
        Ok(Self { board, json })
    }
}

/// At most this many bytes of pages are kept; past it, expired pages go, then all.
const MAX_BYTES: usize = 64 << 20;

/// One quiz's pages: by scope, then (offset, limit).
type QuizPages = HashMap<String, HashMap<(u64, u64), (Instant, Arc<CachedBoard>)>>;
type Pages = HashMap<String, QuizPages>;

/// Pages by quiz, then scope, then (offset, limit): a read looks up borrowed keys and
/// allocates nothing, and a quiz's pages are dropped at once.
#[derive(Default)]
pub struct PageCache {
    inner: Mutex<(Pages, usize)>,
}

impl PageCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, (Pages, usize)> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn get(&self, key: &PageKey) -> Option<Arc<CachedBoard>> {
        self.lock()
            .0
            .get(key.quiz_id)?
            .get(key.scope)?
            .get(&(key.offset, key.limit))
            .filter(|(at, _)| at.elapsed() < FRESH_FOR)
            .map(|(_, board)| board.clone())
    }

    pub fn put(&self, key: &PageKey, board: Arc<CachedBoard>) {
        let size = board.json.len() + key.quiz_id.len() + key.scope.len();
        let mut guard = self.lock();
        let (pages, bytes) = &mut *guard;
        if *bytes + size > MAX_BYTES {
            for scopes in pages.values_mut() {
                for lines in scopes.values_mut() {
                    lines.retain(|_, (at, _)| at.elapsed() < FRESH_FOR);
                }
            }
            *bytes = Self::measure(pages);
            if *bytes + size > MAX_BYTES {
                pages.clear();
                *bytes = 0;
            }
        }
        let old = pages
            .entry(key.quiz_id.to_owned())
            .or_default()
            .entry(key.scope.to_owned())
            .or_default()
            .insert((key.offset, key.limit), (Instant::now(), board));
        let replaced = old.map_or(0, |(_, b)| {
            b.json.len() + key.quiz_id.len() + key.scope.len()
        });
        *bytes = (*bytes + size).saturating_sub(replaced);
    }

    fn measure(pages: &Pages) -> usize {
        pages
            .iter()
            .map(|(quiz, scopes)| Self::measure_quiz(quiz, scopes))
            .sum()
    }

    fn measure_quiz(quiz: &str, scopes: &QuizPages) -> usize {
        scopes
            .iter()
            .map(|(scope, lines)| {
                lines
                    .values()
                    .map(|(_, b)| b.json.len() + quiz.len() + scope.len())
                    .sum::<usize>()
            })
            .sum()
    }

    pub fn invalidate(&self, quiz_id: &str) {
        let mut guard = self.lock();
        let (pages, bytes) = &mut *guard;
        if let Some(scopes) = pages.remove(quiz_id) {
            *bytes = bytes.saturating_sub(Self::measure_quiz(quiz_id, &scopes));
        }
    }

    fn clear(&self) {
        let mut guard = self.lock();
        guard.0.clear();
        guard.1 = 0;
    }
}

/// Drops pages of quizzes whose boards changed on any process.
pub async fn follow(cache: Arc<PageCache>, mut changes: tokio::sync::broadcast::Receiver<Topic>) {
    loop {
        match changes.recv().await {
            Ok(Topic::Quiz(quiz_id)) => cache.invalidate(&quiz_id),
            Ok(Topic::Contest(_)) => {}
            Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => cache.clear(),
            Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
        }
    }
}
