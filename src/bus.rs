//! The live-update bus: "this quiz's board changed". In-process broadcast without Redis;
//! Redis pub/sub with it, so a stream open on one server process hears about a submission
//! graded on another.

use std::time::Duration;

use futures::StreamExt;
use tokio::sync::broadcast;

use crate::kv::Kv;

const CAPACITY: usize = 1024;

#[derive(Clone)]
pub struct Bus {
    local: broadcast::Sender<String>,
    redis: Option<(redis::aio::ConnectionManager, String)>,
}

impl Bus {
    pub fn start(kv: &Kv) -> Self {
        let (local, _) = broadcast::channel(CAPACITY);
        let redis = match kv {
            Kv::Memory(_) => None,
            Kv::Redis(redis) => {
                let channel = redis.key("boards");
                tokio::spawn(relay(redis.client.clone(), channel.clone(), local.clone()));
                Some((redis.conn.clone(), channel))
            }
        };
        Self { local, redis }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<String> {
        self.local.subscribe()
    }

    /// Announces a change; a lost announcement only delays a stream until the next one.
    pub async fn announce(&self, quiz_id: &str) {
        match &self.redis {
            None => {
                let _ = self.local.send(quiz_id.to_owned());
            }
            Some((conn, channel)) => {
                let mut conn = conn.clone();
                let sent: redis::RedisResult<i64> = redis::cmd("PUBLISH")
                    .arg(channel)
                    .arg(quiz_id)
                    .query_async(&mut conn)
                    .await;
                if let Err(error) = sent {
                    tracing::warn!(%error, "could not announce a board change");
                }
            }
        }
    }
}

/// Forwards Redis messages to this process's subscribers, resubscribing after a Redis restart.
async fn relay(client: redis::Client, channel: String, local: broadcast::Sender<String>) {
    loop {
        match client.get_async_pubsub().await {
            Ok(mut pubsub) => {
                if let Err(error) = pubsub.subscribe(&channel).await {
                    tracing::warn!(%error, "bus: subscribe failed");
                } else {
                    let mut messages = pubsub.into_on_message();
                    while let Some(message) = messages.next().await {
                        if let Ok(quiz_id) = message.get_payload::<String>() {
                            let _ = local.send(quiz_id);
                        }
                    }
                    tracing::warn!("bus: Redis subscription ended; reconnecting");
                }
            }
            Err(error) => tracing::warn!(%error, "bus: cannot reach Redis; retrying"),
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}
