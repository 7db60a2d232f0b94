//! The `Leaderboards` seam: Redis sorted sets, or their in-process twin. Both keep, per board
//! view (a quiz's live standings, or its standings at a freeze), one ordered set per scope and
//! the entries by user, and agree entry for entry (same sort key, see `entry.rs`).
//!
//! Contest boards (vote counts and results) live here too, in `store/contests.rs`.
//!
//! A view exists only once it was built from the database (a generation marker); readers that
//! find it missing rebuild it, so losing Redis loses nothing.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, RwLock};

use anyhow::{Context, anyhow};
use redis::AsyncCommands;
use redis::aio::ConnectionManager;
use serde::{Deserialize, Serialize};

use super::entry::{Entry, user_of_member};

mod contests;
use crate::kv::Kv;
use crate::quizzes::quiz::Ranking;
pub use contests::ContestPage;

/// One board of a quiz: its live standings, or the standings at a cut-off time (a freeze).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct View {
    pub quiz_id: String,
    pub cutoff: Option<i64>,
}

impl View {
    pub fn live(quiz_id: &str) -> Self {
        Self {
            quiz_id: quiz_id.to_owned(),
            cutoff: None,
        }
    }

    fn namespace(&self) -> String {
        match self.cutoff {
            None => format!("{{quiz:{}}}:live", self.quiz_id),
            Some(at) => format!("{{quiz:{}}}:at{at}", self.quiz_id),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    Changed,
    Unchanged,
    /// The view was never built (or was lost): rebuild it from the database.
    NotLoaded,
}

/// An entry with its scopes, as both backends store it.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Stored {
    e: Entry,
    rs: i64,
    m: String,
    sc: Vec<String>,
}

impl Stored {
    fn of(entry: &Entry, scopes: &[String]) -> anyhow::Result<Self> {
        let rs = entry
            .rank_score()
            .ok_or_else(|| anyhow!("entry outside the board's bounds: {entry:?}"))?;
        Ok(Stored {
            e: entry.clone(),
            rs,
            m: entry.member(),
            sc: scopes.to_vec(),
        })
    }

    fn beats(&self, other: &Stored) -> bool {
        (self.rs, &self.m) < (other.rs, &other.m)
    }
}

/// A page of a scope: entries in rank order (the first has rank `offset + 1`) and the total.
pub type Page = (Vec<Entry>, u64);

#[derive(Clone)]
pub enum Boards {
    Memory(Arc<MemoryBoards>),
    Redis(RedisBoards),
}

impl Boards {
    pub fn new(kv: &Kv) -> Self {
        match kv {
            Kv::Memory(_) => Boards::Memory(Arc::default()),
            Kv::Redis(redis) => Boards::Redis(RedisBoards {
                conn: redis.conn.clone(),
                prefix: redis.prefix.clone(),
            }),
        }
    }

    /// Adds a finished attempt under the quiz's policy: `best` keeps a participant's best
    /// entry, `first` her first.
    pub async fn record(
        &self,
        view: &View,
        entry: &Entry,
        scopes: &[String],
        ranking: Ranking,
    ) -> anyhow::Result<Recorded> {
        let stored = Stored::of(entry, scopes)?;
        match self {
            Boards::Memory(memory) => Ok(memory.record(view, stored, ranking)),
            Boards::Redis(redis) => redis.record(view, stored, ranking).await,
        }
    }

    /// Replaces a whole view at once: readers see the old board or the new one.
    pub async fn replace(
        &self,
        view: &View,
        entries: &[(Entry, Vec<String>)],
    ) -> anyhow::Result<()> {
        let stored = entries
            .iter()
            .map(|(entry, scopes)| Stored::of(entry, scopes))
            .collect::<anyhow::Result<Vec<_>>>()?;
        match self {
            Boards::Memory(memory) => {
                memory.replace(view, stored);
                Ok(())
            }
            Boards::Redis(redis) => redis.replace(view, stored).await,
        }
    }

    /// `None` when the view is not built.
    pub async fn page(
        &self,
        view: &View,
        scope: &str,
        offset: u64,
        limit: u64,
    ) -> anyhow::Result<Option<Page>> {
        match self {
            Boards::Memory(memory) => Ok(memory.page(view, scope, offset, limit)),
            Boards::Redis(redis) => redis.page(view, scope, offset, limit).await,
        }
    }

    /// The user's 0-based rank with up to `radius` neighbours each side: `(first rank of the
    /// window, window, total)`. Outer `None`: view not built; inner `None`: user not ranked.
    pub async fn around(
        &self,
        view: &View,
        scope: &str,
        user_id: &str,
        radius: u64,
    ) -> anyhow::Result<Option<Option<(u64, Page)>>> {
        match self {
            Boards::Memory(memory) => Ok(memory.around(view, scope, user_id, radius)),
            Boards::Redis(redis) => redis.around(view, scope, user_id, radius).await,
        }
    }

    /// Drops a view (a freeze lifted); it is rebuilt if asked for again.
    pub async fn forget(&self, view: &View) -> anyhow::Result<()> {
        match self {
            Boards::Memory(memory) => {
                memory.write().remove(&view.namespace());
                Ok(())
            }
            Boards::Redis(redis) => redis.forget(view).await,
        }
    }
}

#[derive(Default)]
struct MemoryBoard {
    by_user: HashMap<String, Stored>,
    scopes: HashMap<String, BTreeSet<(i64, String)>>,
}

impl MemoryBoard {
    fn insert(&mut self, stored: Stored) {
        for scope in &stored.sc {
            self.scopes
                .entry(scope.clone())
                .or_default()
                .insert((stored.rs, stored.m.clone()));
        }
        self.by_user.insert(stored.e.user_id.clone(), stored);
    }

    fn remove(&mut self, user_id: &str) {
        if let Some(old) = self.by_user.remove(user_id) {
            for scope in &old.sc {
                if let Some(set) = self.scopes.get_mut(scope) {
                    set.remove(&(old.rs, old.m.clone()));
                }
            }
        }
    }

    fn entries(&self, keys: impl Iterator<Item = (i64, String)>) -> Vec<Entry> {
        keys.filter_map(|(_, member)| {
            self.by_user
                .get(user_of_member(&member))
                .map(|s| s.e.clone())
        })
        .collect()
    }
}

/// The in-process twin, for the embedded default (one server process).
#[derive(Default)]
pub struct MemoryBoards {
    views: RwLock<HashMap<String, MemoryBoard>>,
    contests: contests::MemoryContests,
}

impl MemoryBoards {
    fn write(&self) -> std::sync::RwLockWriteGuard<'_, HashMap<String, MemoryBoard>> {
        self.views
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<String, MemoryBoard>> {
        self.views
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn record(&self, view: &View, stored: Stored, ranking: Ranking) -> Recorded {
        let mut views = self.write();
        let Some(board) = views.get_mut(&view.namespace()) else {
            return Recorded::NotLoaded;
        };
        if let Some(old) = board.by_user.get(&stored.e.user_id)
            && (ranking == Ranking::First || !stored.beats(old))
        {
            return Recorded::Unchanged;
        }
        board.remove(&stored.e.user_id);
        board.insert(stored);
        Recorded::Changed
    }

    fn replace(&self, view: &View, stored: Vec<Stored>) {
        let mut board = MemoryBoard::default();
        for entry in stored {
            board.insert(entry);
        }
        self.write().insert(view.namespace(), board);
    }

    fn page(&self, view: &View, scope: &str, offset: u64, limit: u64) -> Option<Page> {
        let views = self.read();
        let board = views.get(&view.namespace())?;
        let Some(set) = board.scopes.get(scope) else {
            return Some((Vec::new(), 0));
        };
        let keys = set
            .iter()
            .skip(offset as usize)
            .take(limit as usize)
            .cloned();
        Some((board.entries(keys), set.len() as u64))
    }

    fn around(
        &self,
        view: &View,
        scope: &str,
        user_id: &str,
        radius: u64,
    ) -> Option<Option<(u64, Page)>> {
        let views = self.read();
        let board = views.get(&view.namespace())?;
        let (Some(stored), Some(set)) = (board.by_user.get(user_id), board.scopes.get(scope))
        else {
            return Some(None);
        };
        let key = (stored.rs, stored.m.clone());
        if !set.contains(&key) {
            return Some(None);
        }
        let rank = set.range(..key).count() as u64;
        let first = rank.saturating_sub(radius);
        let keys = set
            .iter()
            .skip(first as usize)
            .take((rank - first + radius + 1) as usize)
            .cloned();
        Some(Some((first, (board.entries(keys), set.len() as u64))))
    }
}

/// Records an entry if the view exists and the entry should replace the user's current one.
/// Scope keys are built inside the script from their prefix; they share the quiz's hash tag,
/// so the script stays on one Redis Cluster slot.
const RECORD_SCRIPT: &str = r#"
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local old = redis.call('HGET', KEYS[2], ARGV[1])
if old then
  if ARGV[5] == 'first' then return 0 end
  local o = cjson.decode(old)
  local old_score = tonumber(o.rs)
  local new_score = tonumber(ARGV[3])
  if old_score < new_score or (old_score == new_score and o.m <= ARGV[2]) then return 0 end
  for _, scope in ipairs(o.sc) do redis.call('ZREM', ARGV[6] .. scope, o.m) end
end
for i = 7, #ARGV do
  redis.call('ZADD', ARGV[6] .. ARGV[i], ARGV[3], ARGV[2])
  redis.call('SADD', KEYS[3], ARGV[i])
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[4])
return 1
"#;

#[derive(Clone)]
pub struct RedisBoards {
    conn: ConnectionManager,
    prefix: String,
}

struct ViewKeys {
    generation: String,
    entries: String,
    scopes: String,
    scope_prefix: String,
}

impl RedisBoards {
    fn keys(&self, view: &View, namespace_suffix: &str) -> ViewKeys {
        let base = format!("{}{}{}", self.prefix, view.namespace(), namespace_suffix);
        ViewKeys {
            generation: format!("{base}:gen"),
            entries: format!("{base}:e"),
            scopes: format!("{base}:scopes"),
            scope_prefix: format!("{base}:z:"),
        }
    }

    async fn record(
        &self,
        view: &View,
        stored: Stored,
        ranking: Ranking,
    ) -> anyhow::Result<Recorded> {
        let keys = self.keys(view, "");
        let value = serde_json::to_string(&stored)?;
        let script = redis::Script::new(RECORD_SCRIPT);
        let mut invocation = script.prepare_invoke();
        invocation
            .key(&keys.generation)
            .key(&keys.entries)
            .key(&keys.scopes)
            .arg(&stored.e.user_id)
            .arg(&stored.m)
            .arg(stored.rs)
            .arg(value)
            .arg(if ranking == Ranking::First {
                "first"
            } else {
                "best"
            })
            .arg(&keys.scope_prefix);
        for scope in &stored.sc {
            invocation.arg(scope);
        }
        let mut conn = self.conn.clone();
        let outcome: i64 = invocation
            .invoke_async(&mut conn)
            .await
            .context("recording a board entry")?;
        Ok(match outcome {
            -1 => Recorded::NotLoaded,
            0 => Recorded::Unchanged,
            _ => Recorded::Changed,
        })
    }

    /// Builds the new view under temporary keys, then swaps them in with one MULTI.
    async fn replace(&self, view: &View, stored: Vec<Stored>) -> anyhow::Result<()> {
        let generation = crate::db::new_id();
        let live = self.keys(view, "");
        let temp = self.keys(view, &format!(":tmp{generation}"));
        let mut conn = self.conn.clone();
        let mut scopes: BTreeSet<String> = BTreeSet::new();
        for chunk in stored.chunks(1000) {
            let mut pipe = redis::pipe();
            for entry in chunk {
                for scope in &entry.sc {
                    pipe.zadd(format!("{}{scope}", temp.scope_prefix), &entry.m, entry.rs)
                        .ignore();
                    scopes.insert(scope.clone());
                }
                pipe.hset(
                    &temp.entries,
                    &entry.e.user_id,
                    serde_json::to_string(entry)?,
                )
                .ignore();
            }
            let () = pipe
                .query_async(&mut conn)
                .await
                .context("writing a rebuilt board")?;
        }
        let old_scopes: Vec<String> = redis::cmd("SMEMBERS")
            .arg(&live.scopes)
            .query_async(&mut conn)
            .await?;
        let mut swap = redis::pipe();
        swap.atomic();
        for scope in &old_scopes {
            swap.del(format!("{}{scope}", live.scope_prefix)).ignore();
        }
        swap.del(&live.entries).ignore().del(&live.scopes).ignore();
        for scope in &scopes {
            swap.rename(
                format!("{}{scope}", temp.scope_prefix),
                format!("{}{scope}", live.scope_prefix),
            )
            .ignore();
        }
        if !stored.is_empty() {
            swap.rename(&temp.entries, &live.entries).ignore();
        }
        if !scopes.is_empty() {
            swap.sadd(&live.scopes, scopes.iter().collect::<Vec<_>>())
                .ignore();
        }
        swap.set(&live.generation, &generation).ignore();
        let () = swap
            .query_async(&mut conn)
            .await
            .context("swapping in a rebuilt board")?;
        Ok(())
    }

    async fn entries_of(&self, keys: &ViewKeys, members: &[String]) -> anyhow::Result<Vec<Entry>> {
        if members.is_empty() {
            return Ok(Vec::new());
        }
        let users: Vec<&str> = members.iter().map(|m| user_of_member(m)).collect();
        let mut conn = self.conn.clone();
        let values: Vec<Option<String>> = redis::cmd("HMGET")
            .arg(&keys.entries)
            .arg(&users)
            .query_async(&mut conn)
            .await?;
        Ok(values
            .into_iter()
            .flatten()
            .filter_map(|value| serde_json::from_str::<Stored>(&value).ok().map(|s| s.e))
            .collect())
    }

    async fn page(
        &self,
        view: &View,
        scope: &str,
        offset: u64,
        limit: u64,
    ) -> anyhow::Result<Option<Page>> {
        let keys = self.keys(view, "");
        let scope_key = format!("{}{scope}", keys.scope_prefix);
        let mut conn = self.conn.clone();
        let (exists, members, total): (bool, Vec<String>, u64) = redis::pipe()
            .exists(&keys.generation)
            .zrange(&scope_key, offset as isize, (offset + limit) as isize - 1)
            .zcard(&scope_key)
            .query_async(&mut conn)
            .await?;
        if !exists {
            return Ok(None);
        }
        Ok(Some((self.entries_of(&keys, &members).await?, total)))
    }

    async fn around(
        &self,
        view: &View,
        scope: &str,
        user_id: &str,
        radius: u64,
    ) -> anyhow::Result<Option<Option<(u64, Page)>>> {
        let keys = self.keys(view, "");
        let scope_key = format!("{}{scope}", keys.scope_prefix);
        let mut conn = self.conn.clone();
        let (exists, stored, total): (bool, Option<String>, u64) = redis::pipe()
            .exists(&keys.generation)
            .hget(&keys.entries, user_id)
            .zcard(&scope_key)
            .query_async(&mut conn)
            .await?;
        if !exists {
            return Ok(None);
        }
        let Some(stored) = stored.and_then(|s| serde_json::from_str::<Stored>(&s).ok()) else {
            return Ok(Some(None));
        };
        let rank: Option<u64> = redis::cmd("ZRANK")
            .arg(&scope_key)
            .arg(&stored.m)
            .query_async(&mut conn)
            .await?;
        let Some(rank) = rank else {
            return Ok(Some(None));
        };
        let first = rank.saturating_sub(radius);
        let members: Vec<String> = conn
            .zrange(&scope_key, first as isize, (rank + radius) as isize)
            .await?;
        Ok(Some(Some((
            first,
            (self.entries_of(&keys, &members).await?, total),
        ))))
    }

    async fn forget(&self, view: &View) -> anyhow::Result<()> {
        let keys = self.keys(view, "");
        let mut conn = self.conn.clone();
        let scopes: Vec<String> = redis::cmd("SMEMBERS")
            .arg(&keys.scopes)
            .query_async(&mut conn)
            .await?;
        let mut pipe = redis::pipe();
        pipe.atomic();
        for scope in scopes {
            pipe.del(format!("{}{scope}", keys.scope_prefix)).ignore();
        }
        pipe.del(&keys.entries)
            .ignore()
            .del(&keys.scopes)
            .ignore()
            .del(&keys.generation)
            .ignore();
        let () = pipe.query_async(&mut conn).await?;
        Ok(())
    }
}
