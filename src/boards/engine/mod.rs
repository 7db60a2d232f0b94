//! One board engine for every kind of board. A board is an index of the database of record:
//! lines (a quiz participant's counted attempt, a contest entry's votes and result), each
//! placed in one or more scopes and ranked by an integer sort key. The engine keeps boards in
//! Redis or in process, and builds a board from the tables whenever it is missing (never
//! built, Redis flushed) or marked stale: under temporary keys that expire, swapped in at once,
//! one build per board at a time. A kind of board says only what differs: what a line holds,
//! where it ranks, which of two lines for one id wins, and how lines are read from the tables.

pub mod envelope;
mod marks;
mod memory;
mod redis;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde::Serialize;
use serde::de::DeserializeOwned;

use self::envelope::Envelope;
pub use self::envelope::{Placement, Precedence};
use self::marks::Marks;
use self::memory::MemoryStore;
use self::redis::RedisStore;
use crate::clock::SharedClock;
use crate::db::Pool;
use crate::error::AppResult;
use crate::kv::Kv;

/// The most neighbours each side a rank may be read with.
const MAX_RADIUS: u64 = 500;

/// A line's JSON texts in rank order and how many lines the scope holds.
type StoredPage = (Vec<String>, u64);
/// `None` when the line is not placed in the scope, else the 0-based rank of the first
/// neighbour and the neighbours.
type Around = Option<(u64, StoredPage)>;

/// Lines in rank order (the first at the 0-based position asked for) and how many lines the
/// scope holds.
pub type Page<L> = (Vec<L>, u64);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    Changed,
    /// The board holds a line for the id that takes precedence.
    Unchanged,
    /// The board is not built; a build has been started, which reads the line from the tables.
    NotBuilt,
}

/// One line of a board.
pub trait Line: Serialize + DeserializeOwned + Clone + Send + Sync + 'static {
    /// Unique within its board.
    fn id(&self) -> &str;
    /// Where the line ranks; none when it is on the board without a rank.
    fn placements(&self) -> anyhow::Result<Vec<Placement>>;
}

/// One board: which keys it lives under and how its lines are read from the tables.
pub trait Board: Clone + Send + Sync + 'static {
    type Line: Line;
    /// The board's key prefix, with a Redis Cluster hash tag: `{quiz:ID}:live`.
    fn namespace(&self) -> String;
    /// Of two lines for one id, the board keeps the one with the smaller precedence.
    fn precedence(&self, line: &Self::Line) -> Precedence;
    /// Every line, from the database of record.
    fn read_all(&self, pool: &Pool) -> impl Future<Output = AppResult<Vec<Self::Line>>> + Send;
    /// Lines that may have changed since `since_ms`: a build puts them again after its swap,
    /// so a change committed while it read the tables is not lost.
    fn changed_since(
        &self,
        pool: &Pool,
        since_ms: i64,
    ) -> impl Future<Output = AppResult<Vec<Self::Line>>> + Send;
}

enum Store {
    Memory(MemoryStore),
    Redis(RedisStore),
}

struct Inner {
    store: Store,
    pool: Pool,
    clock: SharedClock,
    marks: Marks,
    /// One lock per board being built or checked: one build per board at a time.
    building: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

#[derive(Clone)]
pub struct Engine(Arc<Inner>);

/// How far back a build looks for changes it may have missed while reading the tables: more
/// than any clock difference between processes.
const CATCH_UP_MS: i64 = 5_000;

impl Engine {
    pub fn new(kv: &Kv, pool: Pool, clock: SharedClock) -> Self {
        let store = match kv {
            Kv::Memory(_) => Store::Memory(MemoryStore::default()),
            Kv::Redis(redis) => Store::Redis(RedisStore {
                conn: redis.conn.clone(),
                prefix: redis.prefix.clone(),
            }),
        };
        Engine(Arc::new(Inner {
            store,
            pool,
            clock,
            marks: Marks::default(),
            building: Mutex::default(),
        }))
    }

    fn envelope<B: Board>(board: &B, line: &B::Line) -> AppResult<Envelope> {
        Ok(Envelope::new(
            line.id(),
            board.precedence(line),
            line.placements()?,
            serde_json::to_string(line).map_err(anyhow::Error::from)?,
        ))
    }

    /// Puts a line unless the board holds one for its id that takes precedence. A board that
    /// is not built is built in the background: the caller does not wait, since the build
    /// reads this line from the tables.
    pub async fn put<B: Board>(&self, board: &B, line: &B::Line) -> AppResult<Recorded> {
        let namespace = board.namespace();
        let envelope = Self::envelope(board, line)?;
        let recorded = match &self.0.store {
            Store::Memory(memory) => memory.put(&namespace, envelope),
            Store::Redis(redis) => redis.put(&namespace, &envelope).await?,
        };
        if recorded == Recorded::NotBuilt {
            self.build_in_background(board);
        }
        Ok(recorded)
    }

    /// A page of a scope, building the board first if it is missing or stale. Any offset and
    /// limit are safe (the edge validates them for clients): past the end is an empty page.
    pub async fn page<B: Board>(
        &self,
        board: &B,
        scope: &str,
        offset: u64,
        limit: u64,
    ) -> AppResult<Page<B::Line>> {
        let stored = self
            .read(board, || self.stored_page(board, scope, offset, limit))
            .await?;
        Ok(match stored {
            Some((lines, total)) => (decode_all(lines), total),
            None => (Vec::new(), 0),
        })
    }

    /// The 0-based rank of a line in a scope with up to `radius` neighbours each side;
    /// `None` when the line is not placed there.
    pub async fn around<B: Board>(
        &self,
        board: &B,
        scope: &str,
        id: &str,
        radius: u64,
    ) -> AppResult<Option<(u64, Page<B::Line>)>> {
        let radius = radius.min(MAX_RADIUS);
        let found = self
            .read(board, || self.stored_around(board, scope, id, radius))
            .await?;
        Ok(found
            .flatten()
            .map(|(first, (lines, total))| (first, (decode_all(lines), total))))
    }

    /// The lines of `ids`, in order.
    pub async fn lines<B: Board>(
        &self,
        board: &B,
        ids: &[&str],
    ) -> AppResult<Vec<Option<B::Line>>> {
        let stored = self.read(board, || self.stored_lines(board, ids)).await?;
        Ok(match stored {
            Some(lines) => lines
                .into_iter()
                .map(|line| line.and_then(|text| decode(&text)))
                .collect(),
            None => vec![None; ids.len()],
        })
    }

    /// Builds the board from the tables now, whatever its state (one build at a time).
    pub async fn rebuild<B: Board>(&self, board: &B) -> AppResult<()> {
        self.build(board, false).await
    }

    /// Marks the board stale: its next reader builds it from the tables.
    pub async fn mark_stale<B: Board>(&self, board: &B) -> AppResult<()> {
        self.0.marks.mark(&self.0.pool, &board.namespace()).await
    }

    /// Drops a board (a freeze lifted); it is built again if asked for.
    pub async fn forget<B: Board>(&self, board: &B) -> AppResult<()> {
        let namespace = board.namespace();
        match &self.0.store {
            Store::Memory(memory) => memory.forget(&namespace),
            Store::Redis(redis) => redis.forget(&namespace).await?,
        }
        Ok(())
    }

    /// Runs `read`; builds the board first when it is marked stale, or when `read` finds it
    /// missing, and reads again.
    async fn read<B, T, F, Fut>(&self, board: &B, read: F) -> AppResult<Option<T>>
    where
        B: Board,
        F: Fn() -> Fut,
        Fut: Future<Output = anyhow::Result<Option<T>>>,
    {
        let namespace = board.namespace();
        if self.0.marks.recent(&self.0.pool, &namespace).await? == 0
            && let Some(found) = read().await?
        {
            return Ok(Some(found));
        }
        self.build(board, true).await?;
        Ok(read().await?)
    }

    fn lock_of(&self, namespace: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut building = self.0.building.lock().unwrap_or_else(|p| p.into_inner());
        building.entry(namespace.to_owned()).or_default().clone()
    }

    /// Forgets the lock of a board nobody else is building or waiting for.
    fn release(&self, namespace: &str, lock: Arc<tokio::sync::Mutex<()>>) {
        let mut building = self.0.building.lock().unwrap_or_else(|p| p.into_inner());
        // Ours and the map's: nobody else holds it or waits on it.
        if Arc::strong_count(&lock) <= 2 {
            building.remove(namespace);
        }
    }

    /// Builds the board as a task of its own, so a reader that gives up (a request timeout)
    /// does not cancel it. With `only_if_needed`, a board that another build finished while
    /// this one waited is left alone.
    async fn build<B: Board>(&self, board: &B, only_if_needed: bool) -> AppResult<()> {
        let (engine, board) = (self.clone(), board.clone());
        tokio::spawn(async move {
            let namespace = board.namespace();
            let lock = engine.lock_of(&namespace);
            let result = {
                let _one_at_a_time = lock.lock().await;
                engine.build_locked(&board, only_if_needed).await
            };
            engine.release(&namespace, lock);
            result
        })
        .await
        .map_err(|e| anyhow::anyhow!("board build task failed: {e}"))?
    }

    /// Starts a build unless one of this board is under way, and does not wait for it.
    fn build_in_background<B: Board>(&self, board: &B) {
        let namespace = board.namespace();
        let lock = self.lock_of(&namespace);
        let Ok(guard) = lock.clone().try_lock_owned() else {
            // The build under way swaps in before it catches up with recent changes.
            return;
        };
        let (engine, board) = (self.clone(), board.clone());
        tokio::spawn(async move {
            if let Err(error) = engine.build_locked(&board, true).await {
                tracing::warn!(%error, board = %namespace, "background board build failed");
            }
            drop(guard);
            engine.release(&namespace, lock);
        });
    }

    async fn build_locked<B: Board>(&self, board: &B, only_if_needed: bool) -> AppResult<()> {
        let (pool, namespace) = (&self.0.pool, board.namespace());
        let seen = self.0.marks.current(pool, &namespace).await?;
        if only_if_needed && seen == 0 && self.is_built(&namespace).await? {
            return Ok(());
        }
        let started = self.0.clock.now_ms();
        let lines = board.read_all(pool).await?;
        let count = lines.len();
        let envelopes = best_per_id(
            lines
                .iter()
                .map(|line| Self::envelope(board, line))
                .collect::<AppResult<Vec<_>>>()?,
        );
        match &self.0.store {
            Store::Memory(memory) => memory.replace(&namespace, envelopes),
            Store::Redis(redis) => redis.replace(&namespace, &envelopes).await?,
        }
        for line in board.changed_since(pool, started - CATCH_UP_MS).await? {
            let envelope = Self::envelope(board, &line)?;
            match &self.0.store {
                Store::Memory(memory) => {
                    memory.put(&namespace, envelope);
                }
                Store::Redis(redis) => {
                    redis.put(&namespace, &envelope).await?;
                }
            }
        }
        self.0.marks.clear(pool, &namespace, seen).await?;
        tracing::info!(board = %namespace, lines = count, "board built");
        Ok(())
    }

    async fn is_built(&self, namespace: &str) -> AppResult<bool> {
        Ok(match &self.0.store {
            Store::Memory(memory) => memory.is_built(namespace),
            Store::Redis(redis) => redis.is_built(namespace).await?,
        })
    }

    async fn stored_page<B: Board>(
        &self,
        board: &B,
        scope: &str,
        offset: u64,
        limit: u64,
    ) -> anyhow::Result<Option<StoredPage>> {
        let namespace = board.namespace();
        match &self.0.store {
            Store::Memory(memory) => Ok(memory.page(&namespace, scope, offset, limit)),
            Store::Redis(redis) => redis.page(&namespace, scope, offset, limit).await,
        }
    }

    async fn stored_around<B: Board>(
        &self,
        board: &B,
        scope: &str,
        id: &str,
        radius: u64,
    ) -> anyhow::Result<Option<Around>> {
        let namespace = board.namespace();
        match &self.0.store {
            Store::Memory(memory) => Ok(memory.around(&namespace, scope, id, radius)),
            Store::Redis(redis) => redis.around(&namespace, scope, id, radius).await,
        }
    }

    async fn stored_lines<B: Board>(
        &self,
        board: &B,
        ids: &[&str],
    ) -> anyhow::Result<Option<Vec<Option<String>>>> {
        let namespace = board.namespace();
        match &self.0.store {
            Store::Memory(memory) => Ok(memory.lines(&namespace, ids)),
            Store::Redis(redis) => redis.lines(&namespace, ids).await,
        }
    }
}

fn decode<L: DeserializeOwned>(text: &str) -> Option<L> {
    match serde_json::from_str(text) {
        Ok(line) => Some(line),
        Err(error) => {
            tracing::warn!(%error, "skipping a board line that cannot be read");
            None
        }
    }
}

fn decode_all<L: DeserializeOwned>(texts: Vec<String>) -> Vec<L> {
    texts.iter().filter_map(|text| decode(text)).collect()
}

/// One line per id: the one that takes precedence.
fn best_per_id(envelopes: Vec<Envelope>) -> Vec<Envelope> {
    let mut kept: HashMap<String, Envelope> = HashMap::with_capacity(envelopes.len());
    for envelope in envelopes {
        match kept.get(&envelope.i) {
            Some(held) if !envelope.supersedes(held) => {}
            _ => {
                kept.insert(envelope.i.clone(), envelope);
            }
        }
    }
    kept.into_values().collect()
}
