//! Quizzes and attempts.

use reqwest::Method;
use serde_json::{Value, json};

use super::{Caller, Response, TestApp, path};

impl TestApp {
    pub async fn create_quiz(&self, who: impl Caller, body: &Value) -> Response {
        self.post(&path::quizzes(), who.token(), body).await
    }

    /// The quizzes `who` may see.
    pub async fn quizzes(&self, who: impl Caller) -> Response {
        self.get(&path::quizzes(), who.token()).await
    }

    pub async fn quiz(&self, who: impl Caller, quiz: &str) -> Response {
        self.get(&path::quiz(quiz), who.token()).await
    }

    pub async fn update_quiz(&self, who: impl Caller, quiz: &str, changes: &Value) -> Response {
        self.patch(&path::quiz(quiz), who.token(), changes).await
    }

    pub async fn publish_quiz(&self, who: impl Caller, quiz: &str) -> Response {
        self.post(&path::quiz_publish(quiz), who.token(), &json!({}))
            .await
    }

    /// How many questions each of `rules` can draw, as publishing counts them.
    pub async fn rule_availability(&self, who: impl Caller, rules: &Value) -> Response {
        self.post(
            &path::rule_availability(),
            who.token(),
            &json!({ "rules": rules }),
        )
        .await
    }

    /// Starts an attempt, or resumes the one in progress.
    /// An organizer grants `user` extra time or a later close: `{extra_time_s, extra_close_s}`.
    pub async fn grant_allowance(
        &self,
        who: impl Caller,
        quiz: &str,
        user: &str,
        body: &Value,
    ) -> Response {
        self.send(
            self.request(Method::PUT, &path::quiz_allowance(quiz, user), who.token())
                .json(body),
        )
        .await
    }

    pub async fn revoke_allowance(&self, who: impl Caller, quiz: &str, user: &str) -> Response {
        self.send(self.request(
            Method::DELETE,
            &path::quiz_allowance(quiz, user),
            who.token(),
        ))
        .await
    }

    pub async fn allowances(&self, who: impl Caller, quiz: &str) -> Response {
        self.get(&path::quiz_allowances(quiz), who.token()).await
    }

    pub async fn start_attempt(&self, who: impl Caller, quiz: &str) -> Response {
        self.post(&path::quiz_attempts(quiz), who.token(), &json!({}))
            .await
    }

    pub async fn attempt(&self, who: impl Caller, attempt: &str) -> Response {
        self.get(&path::attempt(attempt), who.token()).await
    }

    /// Saves `response` as the answer to `question` (`null` clears it).
    pub async fn save_answer(
        &self,
        who: impl Caller,
        attempt: &str,
        question: &str,
        response: Value,
    ) -> Response {
        self.send(
            self.request(Method::PUT, &path::answer(attempt, question), who.token())
                .json(&json!({ "response": response })),
        )
        .await
    }

    pub async fn submit_attempt(&self, who: impl Caller, attempt: &str) -> Response {
        self.submit_attempt_with(who, attempt, &json!({})).await
    }

    /// Submits with no body at all: no `Content-Type`, no bytes.
    pub async fn submit_attempt_bare(&self, who: impl Caller, attempt: &str) -> Response {
        self.send(self.request(Method::POST, &path::attempt_submit(attempt), who.token()))
            .await
    }

    /// Submits with `body` (`{"answers": {...}}`: answers sent with the submission).
    pub async fn submit_attempt_with(
        &self,
        who: impl Caller,
        attempt: &str,
        body: &Value,
    ) -> Response {
        self.post(&path::attempt_submit(attempt), who.token(), body)
            .await
    }

    pub async fn attempt_review(&self, who: impl Caller, attempt: &str) -> Response {
        self.get(&path::attempt_review(attempt), who.token()).await
    }
}
