//! Reading Server-Sent Events streams in tests.

use std::time::Duration;

use serde_json::Value;

use super::TestApp;

/// Opens the stream at `path` (200, `text/event-stream`), as `token`'s owner or anonymously,
/// resuming after `last_event_id` if given.
pub async fn open(
    app: &TestApp,
    path: &str,
    token: Option<&str>,
    last_event_id: Option<&str>,
) -> reqwest::Response {
    let mut request = app.client.get(app.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(id) = last_event_id {
        request = request.header("last-event-id", id);
    }
    let response = request.send().await.expect("stream");
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap_or("")
            .starts_with("text/event-stream")
    );
    response
}

/// Reads `standings` events until one satisfies `wanted`, for at most `within`; returns its id
/// and data.
pub async fn event_within(
    response: &mut reqwest::Response,
    within: Duration,
    wanted: impl Fn(&Value) -> bool,
) -> Option<(String, Value)> {
    let mut buffer = String::new();
    let read = async {
        loop {
            let chunk = response
                .chunk()
                .await
                .expect("stream open")
                .expect("stream continues");
            buffer.push_str(&String::from_utf8_lossy(&chunk));
            while let Some(end) = buffer.find("\n\n") {
                let block: String = buffer.drain(..end + 2).collect();
                let mut id = String::new();
                let mut data = String::new();
                let mut event = String::new();
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("id:") {
                        id = v.trim().to_owned();
                    } else if let Some(v) = line.strip_prefix("data:") {
                        data.push_str(v.trim());
                    } else if let Some(v) = line.strip_prefix("event:") {
                        event = v.trim().to_owned();
                    }
                }
                if event == "standings"
                    && let Ok(value) = serde_json::from_str::<Value>(&data)
                    && wanted(&value)
                {
                    return (id, value);
                }
            }
        }
    };
    tokio::time::timeout(within, read).await.ok()
}

/// Reads `standings` events until one satisfies `wanted`; returns its id and data.
pub async fn wait_for_event(
    response: &mut reqwest::Response,
    wanted: impl Fn(&Value) -> bool,
) -> (String, Value) {
    event_within(response, Duration::from_secs(20), wanted)
        .await
        .expect("the event arrives")
}
