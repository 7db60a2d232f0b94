//! Events, which group quizzes and contests.

use serde_json::Value;

use super::{Caller, Response, TestApp, path};

impl TestApp {
    pub async fn create_event(&self, who: impl Caller, body: &Value) -> Response {
        self.post(&path::events(), who.token(), body).await
    }

    pub async fn events(&self, who: impl Caller) -> Response {
        self.get(&path::events(), who.token()).await
    }

    /// A page of events; `query` is `?limit=..&offset=..`.
    pub async fn events_page(&self, who: impl Caller, query: &str) -> Response {
        self.get(&format!("{}{query}", path::events()), who.token())
            .await
    }

    pub async fn event(&self, who: impl Caller, event: &str) -> Response {
        self.get(&path::event(event), who.token()).await
    }
}
