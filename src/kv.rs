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
            Kv::Memory(memory) => memory.add(key, window, 1),
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
            Kv::Memory(memory) => {
                memory.add(key, window, -1);
            }
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

/// In-process counters keyed by name and window; old windows are dropped as new ones start.
#[derive(Default)]
pub struct MemoryKv {
    counters: Mutex<HashMap<String, (i64, i64)>>,
}

impl MemoryKv {
    fn add(&self, key: &str, window: i64, delta: i64) -> i64 {
        let mut counters = self
            .counters
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if counters.len() > 100_000 {
            counters.retain(|_, (w, _)| *w >= window);
        }
        let entry = counters.entry(key.to_owned()).or_insert((window, 0));
        if entry.0 != window {
            *entry = (window, 0);
        }
        entry.1 += delta;
        entry.1
    }
}

#[derive(Clone)]
pub struct RedisKv {
    pub conn: ConnectionManager,
    pub client: redis::Client,
    pub prefix: String,
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
        })
    }

    pub fn key(&self, suffix: &str) -> String {
        format!("{}{}", self.prefix, suffix)
    }
}
