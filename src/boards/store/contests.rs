//! Contest boards in the Leaderboards seam. Per contest: each entry's line (its vote count
//! and, while approved, its place in the results), the vote counts as a sorted set
//! `entry_id → votes`, and the placed lines in rank order (see `contest_line.rs`). Redis keeps
//! them under the contest's hash tag `{contest:ID}`, so one script touches one cluster slot.
//!
//! Lines carry the database's revision of the entry: a line is kept only if it is newer than
//! the one held, so updates that race, are retried, or land on a board rebuilt meanwhile
//! converge on the database instead of counting a vote twice or going back in time. Like quiz
//! views, a contest board exists only once built from the database (a generation marker).

use std::collections::{BTreeSet, HashMap};
use std::sync::{LazyLock, RwLock};

use anyhow::Context;
use redis::AsyncCommands;
use serde::{Deserialize, Serialize};

use super::{Boards, Recorded, RedisBoards};
use crate::boards::contest_line::{ContestLine, entry_of_member};

/// Placed lines in rank order (the first has rank `offset + 1` among placed lines) and how
/// many lines are placed.
pub type ContestPage = (Vec<ContestLine>, u64);

impl Boards {
    /// Puts an entry's line unless the board holds a newer one.
    pub async fn put_contest_line(
        &self,
        contest_id: &str,
        line: &ContestLine,
    ) -> anyhow::Result<Recorded> {
        match self {
            Boards::Memory(memory) => Ok(memory.contests.put(contest_id, line.clone())),
            Boards::Redis(redis) => redis.put_contest_line(contest_id, line).await,
        }
    }

    /// Replaces a contest's whole board at once: readers see the old board or the new one.
    pub async fn replace_contest(
        &self,
        contest_id: &str,
        lines: &[ContestLine],
    ) -> anyhow::Result<()> {
        match self {
            Boards::Memory(memory) => {
                memory.contests.replace(contest_id, lines);
                Ok(())
            }
            Boards::Redis(redis) => redis.replace_contest(contest_id, lines).await,
        }
    }

    /// `None` when the contest's board is not built.
    pub async fn contest_page(
        &self,
        contest_id: &str,
        offset: u64,
        limit: u64,
    ) -> anyhow::Result<Option<ContestPage>> {
        match self {
            Boards::Memory(memory) => Ok(memory.contests.page(contest_id, offset, limit)),
            Boards::Redis(redis) => redis.contest_page(contest_id, offset, limit).await,
        }
    }

    /// The vote counts of `entry_ids`, in order; `None` when the board is not built.
    pub async fn contest_votes(
        &self,
        contest_id: &str,
        entry_ids: &[&str],
    ) -> anyhow::Result<Option<Vec<i64>>> {
        match self {
            Boards::Memory(memory) => Ok(memory.contests.votes(contest_id, entry_ids)),
            Boards::Redis(redis) => redis.contest_votes(contest_id, entry_ids).await,
        }
    }

    /// Drops a contest's board; it is rebuilt when next asked for.
    pub async fn forget_contest(&self, contest_id: &str) -> anyhow::Result<()> {
        match self {
            Boards::Memory(memory) => {
                memory.contests.write().remove(contest_id);
                Ok(())
            }
            Boards::Redis(redis) => redis.forget_contest(contest_id).await,
        }
    }
}

#[derive(Default)]
struct ContestBoard {
    lines: HashMap<String, ContestLine>,
    order: BTreeSet<(i64, String)>,
}

impl ContestBoard {
    fn insert(&mut self, line: ContestLine) {
        if let Some(old) = self.lines.get(&line.entry_id)
            && let Some(key) = old.sort_key()
        {
            self.order.remove(&key);
        }
        if let Some(key) = line.sort_key() {
            self.order.insert(key);
        }
        self.lines.insert(line.entry_id.clone(), line);
    }
}

/// The in-process twin, for the embedded default.
#[derive(Default)]
pub struct MemoryContests {
    boards: RwLock<HashMap<String, ContestBoard>>,
}

impl MemoryContests {
    fn write(&self) -> std::sync::RwLockWriteGuard<'_, HashMap<String, ContestBoard>> {
        self.boards
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<String, ContestBoard>> {
        self.boards
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn put(&self, contest_id: &str, line: ContestLine) -> Recorded {
        let mut boards = self.write();
        let Some(board) = boards.get_mut(contest_id) else {
            return Recorded::NotLoaded;
        };
        if board
            .lines
            .get(&line.entry_id)
            .is_some_and(|held| held.rev >= line.rev)
        {
            return Recorded::Unchanged;
        }
        board.insert(line);
        Recorded::Changed
    }

    fn replace(&self, contest_id: &str, lines: &[ContestLine]) {
        let mut board = ContestBoard::default();
        for line in lines {
            board.insert(line.clone());
        }
        self.write().insert(contest_id.to_owned(), board);
    }

    fn page(&self, contest_id: &str, offset: u64, limit: u64) -> Option<ContestPage> {
        let boards = self.read();
        let board = boards.get(contest_id)?;
        let lines = board
            .order
            .iter()
            .skip(offset as usize)
            .take(limit as usize)
            .filter_map(|(_, member)| board.lines.get(entry_of_member(member)).cloned())
            .collect();
        Some((lines, board.order.len() as u64))
    }

    fn votes(&self, contest_id: &str, entry_ids: &[&str]) -> Option<Vec<i64>> {
        let boards = self.read();
        let board = boards.get(contest_id)?;
        Some(
            entry_ids
                .iter()
                .map(|id| board.lines.get(*id).map_or(0, |line| line.votes))
                .collect(),
        )
    }
}

/// A line as Redis holds it: with its revision and sorted-set member at the top, for the
/// script to read without knowing the rest.
#[derive(Serialize, Deserialize)]
struct StoredLine {
    rev: i64,
    /// The member in the rank order, empty when the line is not placed.
    m: String,
    l: ContestLine,
}

/// Puts a line if the board exists and holds no newer line for the entry.
/// KEYS: generation, lines, votes, order. ARGV: entry id, revision, stored line, votes,
/// member (empty when not placed), rank score.
static PUT_LINE: LazyLock<redis::Script> = LazyLock::new(|| {
    redis::Script::new(
        r#"
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local held = redis.call('HGET', KEYS[2], ARGV[1])
if held then
  local h = cjson.decode(held)
  if tonumber(h.rev) >= tonumber(ARGV[2]) then return 0 end
  if h.m ~= '' then redis.call('ZREM', KEYS[4], h.m) end
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[1])
if ARGV[5] ~= '' then redis.call('ZADD', KEYS[4], ARGV[6], ARGV[5]) end
return 1
"#,
    )
});

/// A half-built board's keys expire if its builder dies; the swap makes them permanent.
const TEMP_TTL_S: i64 = 3600;

struct ContestKeys {
    generation: String,
    lines: String,
    votes: String,
    order: String,
}

impl RedisBoards {
    fn contest_keys(&self, contest_id: &str, suffix: &str) -> ContestKeys {
        let base = format!("{}{{contest:{contest_id}}}{suffix}", self.prefix);
        ContestKeys {
            generation: format!("{base}:gen"),
            lines: format!("{base}:lines"),
            votes: format!("{base}:votes"),
            order: format!("{base}:order"),
        }
    }

    async fn put_contest_line(
        &self,
        contest_id: &str,
        line: &ContestLine,
    ) -> anyhow::Result<Recorded> {
        let keys = self.contest_keys(contest_id, "");
        let stored = StoredLine {
            rev: line.rev,
            m: line.member().unwrap_or_default(),
            l: line.clone(),
        };
        let mut conn = self.conn.clone();
        let outcome: i64 = PUT_LINE
            .key(&keys.generation)
            .key(&keys.lines)
            .key(&keys.votes)
            .key(&keys.order)
            .arg(&line.entry_id)
            .arg(line.rev)
            .arg(serde_json::to_string(&stored)?)
            .arg(line.votes)
            .arg(&stored.m)
            .arg(line.rank_score().unwrap_or(0))
            .invoke_async(&mut conn)
            .await
            .context("putting a contest board line")?;
        Ok(match outcome {
            -1 => Recorded::NotLoaded,
            0 => Recorded::Unchanged,
            _ => Recorded::Changed,
        })
    }

    /// Builds the board under temporary keys, then swaps them in with one MULTI.
    async fn replace_contest(&self, contest_id: &str, lines: &[ContestLine]) -> anyhow::Result<()> {
        let generation = crate::db::new_id();
        let live = self.contest_keys(contest_id, "");
        let temp = self.contest_keys(contest_id, &format!(":tmp{generation}"));
        let mut conn = self.conn.clone();
        let mut placed = 0;
        for chunk in lines.chunks(1000) {
            let mut pipe = redis::pipe();
            for line in chunk {
                let stored = StoredLine {
                    rev: line.rev,
                    m: line.member().unwrap_or_default(),
                    l: line.clone(),
                };
                pipe.hset(&temp.lines, &line.entry_id, serde_json::to_string(&stored)?)
                    .ignore()
                    .zadd(&temp.votes, &line.entry_id, line.votes)
                    .ignore();
                if let Some((score, member)) = line.sort_key() {
                    pipe.zadd(&temp.order, member, score).ignore();
                    placed += 1;
                }
            }
            for key in [&temp.lines, &temp.votes, &temp.order] {
                pipe.expire(key, TEMP_TTL_S).ignore();
            }
            let () = pipe
                .query_async(&mut conn)
                .await
                .context("writing a rebuilt contest board")?;
        }
        let mut swap = redis::pipe();
        swap.atomic()
            .del(&[&live.lines, &live.votes, &live.order])
            .ignore();
        if !lines.is_empty() {
            for (from, to) in [(&temp.lines, &live.lines), (&temp.votes, &live.votes)] {
                swap.rename(from, to).ignore().persist(to).ignore();
            }
        }
        if placed > 0 {
            swap.rename(&temp.order, &live.order)
                .ignore()
                .persist(&live.order)
                .ignore();
        }
        swap.set(&live.generation, &generation).ignore();
        let () = swap
            .query_async(&mut conn)
            .await
            .context("swapping in a rebuilt contest board")?;
        Ok(())
    }

    async fn contest_page(
        &self,
        contest_id: &str,
        offset: u64,
        limit: u64,
    ) -> anyhow::Result<Option<ContestPage>> {
        let keys = self.contest_keys(contest_id, "");
        let mut conn = self.conn.clone();
        let clamp = |n: u64| isize::try_from(n).unwrap_or(isize::MAX);
        let (exists, members, total): (bool, Vec<String>, u64) = redis::pipe()
            .exists(&keys.generation)
            .zrange(
                &keys.order,
                clamp(offset),
                clamp(offset.saturating_add(limit)) - 1,
            )
            .zcard(&keys.order)
            .query_async(&mut conn)
            .await?;
        if !exists {
            return Ok(None);
        }
        if members.is_empty() {
            return Ok(Some((Vec::new(), total)));
        }
        let entry_ids: Vec<&str> = members.iter().map(|m| entry_of_member(m)).collect();
        let stored: Vec<Option<String>> = redis::cmd("HMGET")
            .arg(&keys.lines)
            .arg(&entry_ids)
            .query_async(&mut conn)
            .await?;
        let lines = stored
            .into_iter()
            .flatten()
            .filter_map(|value| serde_json::from_str::<StoredLine>(&value).ok())
            .map(|stored| stored.l)
            .collect();
        Ok(Some((lines, total)))
    }

    async fn contest_votes(
        &self,
        contest_id: &str,
        entry_ids: &[&str],
    ) -> anyhow::Result<Option<Vec<i64>>> {
        let keys = self.contest_keys(contest_id, "");
        let mut conn = self.conn.clone();
        if entry_ids.is_empty() {
            let exists: bool = conn.exists(&keys.generation).await?;
            return Ok(exists.then(Vec::new));
        }
        // ZMSCORE: Redis 6.2 or later.
        let (exists, counts): (bool, Vec<Option<f64>>) = redis::pipe()
            .exists(&keys.generation)
            .cmd("ZMSCORE")
            .arg(&keys.votes)
            .arg(entry_ids)
            .query_async(&mut conn)
            .await?;
        if !exists {
            return Ok(None);
        }
        Ok(Some(
            counts
                .into_iter()
                .map(|count| count.map_or(0, |c| c as i64))
                .collect(),
        ))
    }

    async fn forget_contest(&self, contest_id: &str) -> anyhow::Result<()> {
        let keys = self.contest_keys(contest_id, "");
        let mut conn = self.conn.clone();
        let () = redis::pipe()
            .atomic()
            .del(&[&keys.generation, &keys.lines, &keys.votes, &keys.order])
            .ignore()
            .query_async(&mut conn)
            .await?;
        Ok(())
    }
}
