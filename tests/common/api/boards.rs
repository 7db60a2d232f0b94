//! Quiz and event leaderboards.

use serde_json::json;

use super::{Caller, Response, TestApp, path};

impl TestApp {
    /// A quiz's board; `query` is `""` or `?scope=..&offset=..&limit=..`.
    pub async fn quiz_board(&self, who: impl Caller, quiz: &str, query: &str) -> Response {
        self.get(&format!("{}{query}", path::quiz_board(quiz)), who.token())
            .await
    }

    /// The caller's own place on a quiz's board, with neighbours.
    pub async fn my_quiz_standing(&self, who: impl Caller, quiz: &str) -> Response {
        self.get(&path::quiz_board_me(quiz), who.token()).await
    }

    /// A quiz's board by organisation unit; `query` is `?kind=..`.
    pub async fn quiz_board_units(&self, who: impl Caller, quiz: &str, query: &str) -> Response {
        self.get(
            &format!("{}{query}", path::quiz_board_units(quiz)),
            who.token(),
        )
        .await
    }

    /// Opens a quiz board's event stream (200, `text/event-stream`), resuming after
    /// `last_event_id` if given; read it with `common::sse`.
    pub async fn quiz_board_stream(
        &self,
        who: impl Caller,
        quiz: &str,
        last_event_id: Option<&str>,
    ) -> reqwest::Response {
        super::super::sse::open(
            self,
            &path::quiz_board_stream(quiz),
            who.token(),
            last_event_id,
        )
        .await
    }

    /// Sets a quiz board's state: `live`, `frozen`, `hidden`, `published`.
    pub async fn set_quiz_board_state(
        &self,
        who: impl Caller,
        quiz: &str,
        state: &str,
    ) -> Response {
        self.post(
            &path::quiz_board_state(quiz),
            who.token(),
            &json!({ "state": state }),
        )
        .await
    }

    pub async fn published_quiz_board(&self, who: impl Caller, quiz: &str) -> Response {
        self.get(&path::quiz_board_published(quiz), who.token())
            .await
    }

    /// The board of an event's quizzes together.
    pub async fn event_board(&self, who: impl Caller, event: &str) -> Response {
        self.get(&path::event_board(event), who.token()).await
    }
}
