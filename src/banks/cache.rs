//! Question versions never change once stored, so a process may keep them: autosave checks
//! every response against its question, and grading reads whole attempts.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::Question;
use super::store;
use crate::db::Pool;
use crate::error::AppResult;

type Key = (String, String, i64);

/// A bounded map of `(bank, question, version)` to the parsed question.
pub struct QuestionCache {
    entries: Mutex<HashMap<Key, Arc<Question>>>,
    capacity: usize,
}

impl QuestionCache {
    pub fn new(capacity: usize) -> Self {
        Self {
            entries: Mutex::new(HashMap::new()),
            capacity,
        }
    }

    pub async fn get(
        &self,
        pool: &Pool,
        bank: &str,
        question_id: &str,
        version: i64,
    ) -> AppResult<Arc<Question>> {
        let key = (bank.to_owned(), question_id.to_owned(), version);
        if let Some(found) = self.lock().get(&key) {
            return Ok(found.clone());
        }
        let question = Arc::new(store::load_version(pool, bank, question_id, version).await?);
        let mut entries = self.lock();
        // Simple and bounded: a full cache starts over (a campaign uses a few thousand).
        if entries.len() >= self.capacity {
            entries.clear();
        }
        entries.insert(key, question.clone());
        Ok(question)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Key, Arc<Question>>> {
        self.entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
