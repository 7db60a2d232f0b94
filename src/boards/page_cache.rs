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

#[derive(Hash, PartialEq, Eq, Clone)]
pub struct PageKey {
    pub quiz_id: String,
    pub scope: String,
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

#[derive(Default)]
pub struct PageCache {
    pages: Mutex<HashMap<PageKey, (Instant, Arc<CachedBoard>)>>,
}

impl PageCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<PageKey, (Instant, Arc<CachedBoard>)>> {
        self.pages
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn get(&self, key: &PageKey) -> Option<Arc<CachedBoard>> {
        self.lock()
            .get(key)
            .filter(|(at, _)| at.elapsed() < FRESH_FOR)
            .map(|(_, board)| board.clone())
    }

    pub fn put(&self, key: PageKey, board: Arc<CachedBoard>) {
        let mut pages = self.lock();
        if pages.len() > 10_000 {
            pages.retain(|_, (at, _)| at.elapsed() < FRESH_FOR);
        }
        pages.insert(key, (Instant::now(), board));
    }

    pub fn invalidate(&self, quiz_id: &str) {
        self.lock().retain(|key, _| key.quiz_id != quiz_id);
    }
}

/// Drops pages of quizzes whose boards changed on any process.
pub async fn follow(cache: Arc<PageCache>, mut changes: tokio::sync::broadcast::Receiver<Topic>) {
    loop {
        match changes.recv().await {
            Ok(Topic::Quiz(quiz_id)) => cache.invalidate(&quiz_id),
            Ok(Topic::Contest(_)) => {}
            Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => cache.lock().clear(),
            Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
        }
    }
}
