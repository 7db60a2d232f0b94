//! Contests, entries and their recordings, judging, votes and results.

use reqwest::Method;
use serde_json::{Value, json};

use super::{Caller, Response, TestApp, path};

impl TestApp {
    pub async fn create_contest(&self, who: impl Caller, body: &Value) -> Response {
        self.post(&path::contests(), who.token(), body).await
    }

    pub async fn contests(&self, who: impl Caller) -> Response {
        self.get(&path::contests(), who.token()).await
    }

    pub async fn contest(&self, who: impl Caller, contest: &str) -> Response {
        self.get(&path::contest(contest), who.token()).await
    }

    pub async fn update_contest(
        &self,
        who: impl Caller,
        contest: &str,
        changes: &Value,
    ) -> Response {
        self.patch(&path::contest(contest), who.token(), changes)
            .await
    }

    pub async fn create_entry(&self, who: impl Caller, contest: &str, body: &Value) -> Response {
        self.post(&path::contest_entries(contest), who.token(), body)
            .await
    }

    /// A contest's entries (the gallery); `query` is `""` or `?status=..`.
    pub async fn contest_entries(&self, who: impl Caller, contest: &str, query: &str) -> Response {
        self.get(
            &format!("{}{query}", path::contest_entries(contest)),
            who.token(),
        )
        .await
    }

    pub async fn entry(&self, who: impl Caller, entry: &str) -> Response {
        self.get(&path::entry(entry), who.token()).await
    }

    /// The recording upload (`PUT`) as a request still to be given its headers and body (a
    /// declared type, a stream).
    pub fn upload_request(&self, who: impl Caller, entry: &str) -> reqwest::RequestBuilder {
        self.request(Method::PUT, &path::entry_media(entry), who.token())
    }

    /// Uploads `bytes` as a recording the way a plain client does
    /// (`application/octet-stream`), with the file's name if given.
    pub async fn upload_media(
        &self,
        who: impl Caller,
        entry: &str,
        bytes: Vec<u8>,
        filename: Option<&str>,
    ) -> Response {
        let mut request = self
            .upload_request(who, entry)
            .header("content-type", "application/octet-stream")
            .body(bytes);
        if let Some(name) = filename {
            request = request.query(&[("filename", name)]);
        }
        self.send(request).await
    }

    /// A recording's playback (`GET`) as a request still to be given its headers (ranges,
    /// validators), answered as a stream.
    pub fn media_request(
        &self,
        who: impl Caller,
        entry: &str,
        media: &str,
    ) -> reqwest::RequestBuilder {
        self.request(Method::GET, &path::media(entry, media), who.token())
    }

    pub async fn media(&self, who: impl Caller, entry: &str, media: &str) -> Response {
        self.send(self.media_request(who, entry, media)).await
    }

    pub async fn submit_entry(&self, who: impl Caller, entry: &str) -> Response {
        self.post(&path::entry_submit(entry), who.token(), &json!({}))
            .await
    }

    /// A moderation decision: `{"decision": .., "reason": ..}`.
    pub async fn moderate_entry(&self, who: impl Caller, entry: &str, body: &Value) -> Response {
        self.post(&path::entry_moderation(entry), who.token(), body)
            .await
    }

    pub async fn add_judge(&self, who: impl Caller, contest: &str, judge_id: &str) -> Response {
        self.post(
            &path::contest_judges(contest),
            who.token(),
            &json!({ "user_id": judge_id }),
        )
        .await
    }

    /// A contest's judges with their loads.
    pub async fn judges(&self, who: impl Caller, contest: &str) -> Response {
        self.get(&path::contest_judges(contest), who.token()).await
    }

    /// The organizer removes a judge from a contest.
    pub async fn remove_judge(&self, who: impl Caller, contest: &str, judge_id: &str) -> Response {
        self.send(self.request(
            Method::DELETE,
            &path::contest_judge(contest, judge_id),
            who.token(),
        ))
        .await
    }

    /// A contest's vote log; `query` is e.g. `?format=csv`.
    pub async fn vote_log(&self, who: impl Caller, contest: &str, query: &str) -> Response {
        self.get(
            &format!("{}{query}", path::contest_vote_log(contest)),
            who.token(),
        )
        .await
    }

    /// The caller's judging queue.
    pub async fn judging_queue(&self, who: impl Caller) -> Response {
        self.get(&path::judging_queue(), who.token()).await
    }

    /// A judge's scores: `{"scores": {criterion: points}, "comment": ..}`.
    pub async fn score_entry(&self, who: impl Caller, entry: &str, body: &Value) -> Response {
        self.send(
            self.request(Method::PUT, &path::entry_scores(entry), who.token())
                .json(body),
        )
        .await
    }

    pub async fn vote(&self, who: impl Caller, entry: &str) -> Response {
        self.post(&path::entry_vote(entry), who.token(), &json!({}))
            .await
    }

    pub async fn withdraw_vote(&self, who: impl Caller, entry: &str) -> Response {
        self.send(self.request(Method::DELETE, &path::entry_vote(entry), who.token()))
            .await
    }

    pub async fn contest_board(&self, who: impl Caller, contest: &str) -> Response {
        self.get(&path::contest_board(contest), who.token()).await
    }

    /// Opens a contest board's event stream (200, `text/event-stream`), resuming after
    /// `last_event_id` if given; read it with `common::sse`.
    pub async fn contest_board_stream(
        &self,
        who: impl Caller,
        contest: &str,
        last_event_id: Option<&str>,
    ) -> reqwest::Response {
        super::super::sse::open(
            self,
            &path::contest_board_stream(contest),
            who.token(),
            last_event_id,
        )
        .await
    }

    pub async fn published_contest_board(&self, who: impl Caller, contest: &str) -> Response {
        self.get(&path::contest_board_published(contest), who.token())
            .await
    }

    /// Sets a contest's results state: `hidden`, `live`, `frozen`, `published`.
    pub async fn set_results_state(
        &self,
        who: impl Caller,
        contest: &str,
        state: &str,
    ) -> Response {
        self.post(
            &path::contest_results_state(contest),
            who.token(),
            &json!({ "state": state }),
        )
        .await
    }
}
