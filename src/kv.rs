//! The Redis seam: one `Memory | Redis` choice made at start from `REDIS_URL`. Rate limits use
//! it now; leaderboards and the live bus build on the same connection and key prefix.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};

#[derive(Clone)]
pub enum Kv {
    Memory(Arc<MemoryKv>),
    Redis(RedisKv),
}

impl Kv {
    pub async fn connect(redis_url: Option<&str>, prefix: &str) -> anyhow::Result<Kv> {
        match redis_url {
            None => Ok(Kv::Memory(Arc::default())),
            Some(url) => Ok(Kv::Redis(RedisKv::connect(url, prefix).await?)),
        }
    }

    /// Checks that the backing store answers (always true in-process).
    pub async fn ping(&self) -> anyhow::Result<()> {
        match self {
            Kv::Memory(_) => Ok(()),
            Kv::Redis(redis) => {
                let mut conn = redis.conn.clone();
                let _: String = redis::cmd("PING").query_async(&mut conn).await?;
                Ok(())
            }
        }
    }

    /// This process's own counters: the in-process store itself, or beside Redis the fallback
    /// the rate limits use while Redis is unreachable.
    pub fn local(&self) -> &MemoryKv {
        match self {
            Kv::Memory(memory) => memory,
            Kv::Redis(redis) => &redis.local,
        }
    }

    /// Counts one hit in the fixed window that contains `now_ms` and returns the count so far
    /// and the milliseconds until that window ends. Windows follow the application's clock.
    pub async fn count_hit(
        &self,
        key: &str,
        window_ms: i64,
        now_ms: i64,
    ) -> anyhow::Result<WindowCount> {
        let window = now_ms.div_euclid(window_ms);
        let remaining_ms = (window + 1) * window_ms - now_ms;
        let count = match self {
            Kv::Memory(memory) => return Ok(memory.count_hit(key, window_ms, now_ms)),
            Kv::Redis(redis) => {
                let full_key = redis.key(&format!("rl:{key}:{window}"));
                let mut conn = redis.conn.clone();
                // The key expires in real time after two windows: only garbage collection.
                let (count,): (i64,) = redis::pipe()
                    .atomic()
                    .incr(&full_key, 1)
                    .pexpire(&full_key, window_ms.saturating_mul(2))
                    .ignore()
                    .query_async(&mut conn)
                    .await?;
                count
            }
        };
        Ok(WindowCount {
            count,
            remaining_ms,
        })
    }

    /// Takes back a hit counted by [`Kv::count_hit`] in the same window.
    pub async fn uncount_hit(&self, key: &str, window_ms: i64, now_ms: i64) -> anyhow::Result<()> {
        let window = now_ms.div_euclid(window_ms);
        match self {
            Kv::Memory(memory) => memory.uncount_hit(key, window_ms, now_ms),
            Kv::Redis(redis) => {
                let full_key = redis.key(&format!("rl:{key}:{window}"));
                let mut conn = redis.conn.clone();
                let _: i64 = redis::cmd("DECR")
                    .arg(&full_key)
                    .query_async(&mut conn)
                    .await?;
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy)]
pub struct WindowCount {
    pub count: i64,
    pub remaining_ms: i64,
}

/// In-process counters, one per name, each for its current window. Each counter expires with
/// its own window (windows of different lengths are never compared), and the map is bounded:
/// past `MAX_COUNTERS` the expired go first, then those that expire soonest.
#[derive(Default)]
pub struct MemoryKv {
    counters: Mutex<HashMap<String, Counter>>,
}

struct Counter {
    window: i64,
    count: i64,
    expires_at_ms: i64,
}

const MAX_COUNTERS: usize = 100_000;

impl MemoryKv {
    /// [`Kv::count_hit`] in this process.
    pub fn count_hit(&self, key: &str, window_ms: i64, now_ms: i64) -> WindowCount {
        let window = now_ms.div_euclid(window_ms);
        WindowCount {
            count: self.add(key, window, window_ms, 1, now_ms),
            remaining_ms: (window + 1) * window_ms - now_ms,
        }
    }

    /// [`Kv::uncount_hit`] in this process.
    pub fn uncount_hit(&self, key: &str, window_ms: i64, now_ms: i64) {
        self.add(key, now_ms.div_euclid(window_ms), window_ms, -1, now_ms);
    }

    fn add(&self, key: &str, window: i64, window_ms: i64, delta: i64, now_ms: i64) -> i64 {
        let mut counters = self
            .counters
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if counters.len() >= MAX_COUNTERS && !counters.contains_key(key) {
            counters.retain(|_, counter| counter.expires_at_ms > now_ms);
            if counters.len() >= MAX_COUNTERS {
                let mut expiries: Vec<i64> = counters.values().map(|c| c.expires_at_ms).collect();
                expiries.sort_unstable();
                let cut = expiries[expiries.len() / 2];
                counters.retain(|_, counter| counter.expires_at_ms > cut);
            }
        }
        let expires_at_ms = (window + 1).saturating_mul(window_ms);
        let counter = counters.entry(key.to_owned()).or_insert(Counter {
            window,
            count: 0,
            expires_at_ms,
        });
        if counter.window != window {
            *counter = Counter {
                window,
                count: 0,
                expires_at_ms,
            };
        }
        counter.count += delta;
        counter.count
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.counters.lock().map(|c| c.len()).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_windows_never_wipe_long_ones_and_the_map_stays_bounded() {
        let kv = MemoryKv::default();
        let (minute, quarter) = (60_000, 900_000);
        let now = 1_800_000_000_000;
        for _ in 0..5 {
            kv.add("login-fail:x", now / quarter, quarter, 1, now);
        }
        // Floods of one-minute counters from many addresses, past the bound.
        for i in 0..(MAX_COUNTERS + 10) {
            kv.add(&format!("auth-ip:{i}"), now / minute, minute, 1, now);
        }
        assert!(kv.len() <= MAX_COUNTERS);
        // The fifteen-minute counter outlives them all: it expires last.
        assert_eq!(kv.add("login-fail:x", now / quarter, quarter, 1, now), 6);
        // And a counter expires with its own window.
        let later = (now / quarter + 1) * quarter;
        assert_eq!(
            kv.add("login-fail:x", later / quarter, quarter, 1, later),
            1
        );
    }
}

#[derive(Clone)]
pub struct RedisKv {
    pub conn: ConnectionManager,
    pub client: redis::Client,
    pub prefix: String,
    /// Where the rate limits count while Redis is unreachable.
    local: Arc<MemoryKv>,
}

impl RedisKv {
    async fn connect(url: &str, prefix: &str) -> anyhow::Result<Self> {
        let client = redis::Client::open(url).context("parsing REDIS_URL")?;
        // The manager reconnects by itself after a Redis restart; calls fail fast meanwhile.
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(2)))
            .set_response_timeout(Some(Duration::from_secs(2)))
            .set_number_of_retries(3);
        let conn = ConnectionManager::new_with_config(client.clone(), config)
            .await
            .context("connecting to Redis")?;
        Ok(Self {
            conn,
            client,
            prefix: prefix.to_owned(),
            local: Arc::default(),
        })
    }

    pub fn key(&self, suffix: &str) -> String {
        format!("{}{}", self.prefix, suffix)
    }
}
