//! The live-update bus: "this board changed", for a quiz's board or a contest's results.
//! In-process broadcast without Redis; Redis pub/sub with it, so a stream open on one server
//! process hears about a change made on another.

use std::fmt;
use std::time::Duration;

use futures::StreamExt;
use tokio::sync::broadcast;

use crate::kv::Kv;

const CAPACITY: usize = 1024;

/// The board a change is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Topic {
    Quiz(String),
    Contest(String),
}

impl Topic {
    /// Parses a message; a bare id is a quiz (as announced before contests had boards).
    fn parse(message: &str) -> Self {
        match message.split_once(':') {
            Some(("contest", id)) => Topic::Contest(id.to_owned()),
            Some(("quiz", id)) => Topic::Quiz(id.to_owned()),
            _ => Topic::Quiz(message.to_owned()),
        }
    }
}

impl fmt::Display for Topic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Topic::Quiz(id) => write!(f, "quiz:{id}"),
            Topic::Contest(id) => write!(f, "contest:{id}"),
        }
    }
}

#[derive(Clone)]
pub struct Bus {
    local: broadcast::Sender<Topic>,
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

    pub fn subscribe(&self) -> broadcast::Receiver<Topic> {
        self.local.subscribe()
    }

    /// Announces a change; a lost announcement only delays a stream until the next one.
    pub async fn announce(&self, topic: Topic) {
        match &self.redis {
            None => {
                let _ = self.local.send(topic);
            }
            Some((conn, channel)) => {
                let mut conn = conn.clone();
                let sent: redis::RedisResult<i64> = redis::cmd("PUBLISH")
                    .arg(channel)
                    .arg(topic.to_string())
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
async fn relay(client: redis::Client, channel: String, local: broadcast::Sender<Topic>) {
    loop {
        match client.get_async_pubsub().await {
            Ok(mut pubsub) => {
                if let Err(error) = pubsub.subscribe(&channel).await {
                    tracing::warn!(%error, "bus: subscribe failed");
                } else {
                    let mut messages = pubsub.into_on_message();
                    while let Some(message) = messages.next().await {
                        if let Ok(text) = message.get_payload::<String>() {
                            let _ = local.send(Topic::parse(&text));
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

/// What a participant's change is, for the slices that show participants: her display
/// name, her org unit, or whether she is disabled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParticipantChange {
    pub display_name: bool,
    pub org_unit: bool,
    pub disabled: bool,
}

/// A slice's reaction to a participant's change (boards rebuild the lines that show her).
pub type ParticipantListener =
    fn(
        &crate::app::AppState,
        &str,
        ParticipantChange,
    ) -> futures::future::BoxFuture<'static, crate::error::AppResult<()>>;

/// Tells every slice that listens that a participant changed, and waits for them: the
/// account's owner (auth) does not know who shows her name.
pub async fn participant_changed(
    state: &crate::app::AppState,
    user_id: &str,
    change: ParticipantChange,
) -> crate::error::AppResult<()> {
    for listener in &state.participant_listeners {
        listener(state, user_id, change).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics_round_trip() {
        for topic in [Topic::Quiz("q1".into()), Topic::Contest("c:2".into())] {
            assert_eq!(Topic::parse(&topic.to_string()), topic);
        }
        assert_eq!(Topic::parse("0190aa"), Topic::Quiz("0190aa".into()));
    }
}
