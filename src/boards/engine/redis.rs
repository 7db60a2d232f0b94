//! The Redis backend. Per board, under the board's hash tag (one Redis Cluster slot): a
//! generation marker (the board exists only once built), the lines by id in a hash, the names
//! of its scopes in a set and one sorted set per scope. The scripts touch only that slot and
//! are built once.

use std::sync::LazyLock;

use anyhow::Context;
use redis::aio::ConnectionManager;

use super::envelope::{Envelope, id_of_member};
use super::{Around, Recorded, StoredPage};

/// A half-built board's keys expire if its builder dies; the swap makes them permanent.
const TEMP_TTL_S: i64 = 3600;

/// Puts a line if the board exists and holds no line for its id that takes precedence.
/// KEYS: generation, lines, scopes. ARGV: id, precedence number, precedence text, envelope,
/// scope key prefix, then (scope, score, member) per placement.
static PUT: LazyLock<redis::Script> = LazyLock::new(|| {
    redis::Script::new(
        r#"
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local held = redis.call('HGET', KEYS[2], ARGV[1])
if held then
  local h = cjson.decode(held)
  local hk, nk = tonumber(h.k), tonumber(ARGV[2])
  if hk < nk or (hk == nk and h.t <= ARGV[3]) then return 0 end
  for _, p in ipairs(h.p) do redis.call('ZREM', ARGV[5] .. p[1], p[2]) end
end
for i = 6, #ARGV, 3 do
  redis.call('ZADD', ARGV[5] .. ARGV[i], ARGV[i + 1], ARGV[i + 2])
  redis.call('SADD', KEYS[3], ARGV[i])
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[4])
return 1
"#,
    )
});

/// Swaps a board built under temporary keys in for the live one, in one step: readers see
/// the old board or the new one. Reading the old scopes inside the script means a line put
/// into a new scope meanwhile cannot survive the swap.
/// KEYS: generation, lines, scopes, temporary lines, temporary scopes. ARGV: live scope key
/// prefix, temporary scope key prefix, new generation.
static SWAP: LazyLock<redis::Script> = LazyLock::new(|| {
    redis::Script::new(
        r#"
for _, s in ipairs(redis.call('SMEMBERS', KEYS[3])) do redis.call('DEL', ARGV[1] .. s) end
redis.call('DEL', KEYS[2], KEYS[3])
if redis.call('EXISTS', KEYS[4]) == 1 then
  redis.call('RENAME', KEYS[4], KEYS[2])
  redis.call('PERSIST', KEYS[2])
end
if redis.call('EXISTS', KEYS[5]) == 1 then
  for _, s in ipairs(redis.call('SMEMBERS', KEYS[5])) do
    redis.call('RENAME', ARGV[2] .. s, ARGV[1] .. s)
    redis.call('PERSIST', ARGV[1] .. s)
  end
  redis.call('RENAME', KEYS[5], KEYS[3])
  redis.call('PERSIST', KEYS[3])
end
redis.call('SET', KEYS[1], ARGV[3])
return 1
"#,
    )
});

/// Drops a board. KEYS: generation, lines, scopes. ARGV: scope key prefix.
static FORGET: LazyLock<redis::Script> = LazyLock::new(|| {
    redis::Script::new(
        r#"
for _, s in ipairs(redis.call('SMEMBERS', KEYS[3])) do redis.call('DEL', ARGV[1] .. s) end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
return 1
"#,
    )
});

/// The rank of a line in a scope with its neighbours, read in one step.
/// KEYS: generation, lines, scope's sorted set. ARGV: id, scope, radius.
/// Returns false when the board is not built, {} when the line is not placed in the scope,
/// else {first rank, total, line JSON…}.
static AROUND: LazyLock<redis::Script> = LazyLock::new(|| {
    redis::Script::new(
        r#"
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local held = redis.call('HGET', KEYS[2], ARGV[1])
if not held then return {} end
local member
for _, p in ipairs(cjson.decode(held).p) do
  if p[1] == ARGV[2] then member = p[2] end
end
if not member then return {} end
local rank = redis.call('ZRANK', KEYS[3], member)
if not rank then return {} end
local radius = tonumber(ARGV[3])
local first = math.max(rank - radius, 0)
local out = {first, redis.call('ZCARD', KEYS[3])}
for _, m in ipairs(redis.call('ZRANGE', KEYS[3], first, rank + radius)) do
  local id = string.sub(m, string.find(m, ':', 1, true) + 1)
  out[#out + 1] = redis.call('HGET', KEYS[2], id) or ''
end
return out
"#,
    )
});

#[derive(Clone)]
pub struct RedisStore {
    pub conn: ConnectionManager,
    pub prefix: String,
}

struct Keys {
    generation: String,
    lines: String,
    scopes: String,
    scope_prefix: String,
}

impl Keys {
    fn scope(&self, scope: &str) -> String {
        format!("{}{scope}", self.scope_prefix)
    }
}

/// The envelope of each stored line, skipping any that cannot be read.
fn lines_of(stored: Vec<Option<String>>) -> Vec<Option<String>> {
    stored
        .into_iter()
        .map(|value| {
            value.and_then(|text| serde_json::from_str::<Envelope>(&text).ok().map(|e| e.l))
        })
        .collect()
}

fn clamp(n: u64) -> isize {
    isize::try_from(n).unwrap_or(isize::MAX)
}

impl RedisStore {
    /// `v2`: the layout of this engine; boards of the older layout are simply never read.
    fn keys(&self, namespace: &str, suffix: &str) -> Keys {
        let base = format!("{}{namespace}:v2{suffix}", self.prefix);
        Keys {
            generation: format!("{base}:gen"),
            lines: format!("{base}:lines"),
            scopes: format!("{base}:scopes"),
            scope_prefix: format!("{base}:z:"),
        }
    }

    pub async fn put(&self, namespace: &str, line: &Envelope) -> anyhow::Result<Recorded> {
        let keys = self.keys(namespace, "");
        let mut invocation = PUT.prepare_invoke();
        invocation
            .key(&keys.generation)
            .key(&keys.lines)
            .key(&keys.scopes)
            .arg(&line.i)
            .arg(line.k)
            .arg(&line.t)
            .arg(serde_json::to_string(line)?)
            .arg(&keys.scope_prefix);
        for (scope, score, member) in line.placements() {
            invocation.arg(scope).arg(score).arg(member);
        }
        let mut conn = self.conn.clone();
        let outcome: i64 = invocation
            .invoke_async(&mut conn)
            .await
            .context("putting a board line")?;
        Ok(match outcome {
            -1 => Recorded::NotBuilt,
            0 => Recorded::Unchanged,
            _ => Recorded::Changed,
        })
    }

    /// Builds the board under temporary keys that expire, then swaps them in.
    pub async fn replace(&self, namespace: &str, lines: &[Envelope]) -> anyhow::Result<()> {
        let generation = crate::db::new_id();
        let live = self.keys(namespace, "");
        let temp = self.keys(namespace, &format!(":tmp{generation}"));
        let mut conn = self.conn.clone();
        for chunk in lines.chunks(1000) {
            let mut pipe = redis::pipe();
            let mut scopes = std::collections::BTreeSet::new();
            for line in chunk {
                for (scope, score, member) in line.placements() {
                    pipe.zadd(temp.scope(scope), member, score).ignore();
                    scopes.insert(scope);
                }
                pipe.hset(&temp.lines, &line.i, serde_json::to_string(line)?)
                    .ignore();
            }
            for scope in &scopes {
                pipe.sadd(&temp.scopes, *scope)
                    .ignore()
                    .expire(temp.scope(scope), TEMP_TTL_S)
                    .ignore();
            }
            pipe.expire(&temp.lines, TEMP_TTL_S)
                .ignore()
                .expire(&temp.scopes, TEMP_TTL_S)
                .ignore();
            let () = pipe
                .query_async(&mut conn)
                .await
                .context("writing a rebuilt board")?;
        }
        let _: i64 = SWAP
            .key(&live.generation)
            .key(&live.lines)
            .key(&live.scopes)
            .key(&temp.lines)
            .key(&temp.scopes)
            .arg(&live.scope_prefix)
            .arg(&temp.scope_prefix)
            .arg(&generation)
            .invoke_async(&mut conn)
            .await
            .context("swapping in a rebuilt board")?;
        Ok(())
    }

    pub async fn is_built(&self, namespace: &str) -> anyhow::Result<bool> {
        let keys = self.keys(namespace, "");
        let mut conn = self.conn.clone();
        Ok(redis::cmd("EXISTS")
            .arg(&keys.generation)
            .query_async(&mut conn)
            .await?)
    }

    pub async fn page(
        &self,
        namespace: &str,
        scope: &str,
        offset: u64,
        limit: u64,
    ) -> anyhow::Result<Option<StoredPage>> {
        let keys = self.keys(namespace, "");
        let scope_key = keys.scope(scope);
        let mut conn = self.conn.clone();
        // limit ≥ 1 here, so the stop index never wraps to -1 ("to the end").
        let stop = clamp(offset.saturating_add(limit.max(1)) - 1);
        let (exists, members, total): (bool, Vec<String>, u64) = redis::pipe()
            .exists(&keys.generation)
            .zrange(&scope_key, clamp(offset), stop)
            .zcard(&scope_key)
            .query_async(&mut conn)
            .await?;
        if !exists {
            return Ok(None);
        }
        if members.is_empty() || limit == 0 {
            return Ok(Some((Vec::new(), total)));
        }
        let ids: Vec<&str> = members.iter().map(|m| id_of_member(m)).collect();
        let stored: Vec<Option<String>> = redis::cmd("HMGET")
            .arg(&keys.lines)
            .arg(&ids)
            .query_async(&mut conn)
            .await?;
        Ok(Some((
            lines_of(stored).into_iter().flatten().collect(),
            total,
        )))
    }

    pub async fn around(
        &self,
        namespace: &str,
        scope: &str,
        id: &str,
        radius: u64,
    ) -> anyhow::Result<Option<Around>> {
        let keys = self.keys(namespace, "");
        let mut conn = self.conn.clone();
        let reply: redis::Value = AROUND
            .key(&keys.generation)
            .key(&keys.lines)
            .key(keys.scope(scope))
            .arg(id)
            .arg(scope)
            .arg(radius.min(1000))
            .invoke_async(&mut conn)
            .await
            .context("reading a line's neighbours")?;
        let items: Vec<redis::Value> = match reply {
            redis::Value::Nil => return Ok(None),
            redis::Value::Array(items) => items,
            other => anyhow::bail!("unexpected reply to the neighbours script: {other:?}"),
        };
        if items.is_empty() {
            return Ok(Some(None));
        }
        let mut items = items.into_iter();
        let (Some(first), Some(total)) = (items.next(), items.next()) else {
            anyhow::bail!("a short reply to the neighbours script");
        };
        let first: u64 = redis::from_redis_value(first)?;
        let total: u64 = redis::from_redis_value(total)?;
        let stored = items
            .map(|value| redis::from_redis_value::<String>(value).ok())
            .collect();
        Ok(Some(Some((
            first,
            (lines_of(stored).into_iter().flatten().collect(), total),
        ))))
    }

    pub async fn lines(
        &self,
        namespace: &str,
        ids: &[&str],
    ) -> anyhow::Result<Option<Vec<Option<String>>>> {
        let keys = self.keys(namespace, "");
        let mut conn = self.conn.clone();
        if ids.is_empty() {
            let exists: bool = redis::cmd("EXISTS")
                .arg(&keys.generation)
                .query_async(&mut conn)
                .await?;
            return Ok(exists.then(Vec::new));
        }
        let (exists, stored): (bool, Vec<Option<String>>) = redis::pipe()
            .exists(&keys.generation)
            .cmd("HMGET")
            .arg(&keys.lines)
            .arg(ids)
            .query_async(&mut conn)
            .await?;
        Ok(exists.then(|| lines_of(stored)))
    }

    pub async fn forget(&self, namespace: &str) -> anyhow::Result<()> {
        let keys = self.keys(namespace, "");
        let mut conn = self.conn.clone();
        let _: i64 = FORGET
            .key(&keys.generation)
            .key(&keys.lines)
            .key(&keys.scopes)
            .arg(&keys.scope_prefix)
            .invoke_async(&mut conn)
            .await?;
        Ok(())
    }
}
