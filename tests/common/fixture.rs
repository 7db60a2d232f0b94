//! A server with an organizer, an admin and the fixture bank (`valid.toml`, five questions,
//! one of each kind, 8 points), and helpers for quizzes, attempts and boards.

use civiquiz::clock::{Clock, Timestamp};
use reqwest::Method;
use serde_json::{Value, json};

use super::{Response, Session, TestApp};

pub const BANK: &str = include_str!("../fixtures/banks/valid.toml");
pub const MINUTE: i64 = 60_000;
pub const GRACE: i64 = 5_000;

/// The key of each question of the fixture bank, in the response's shape.
pub fn right_answer(question_id: &str) -> Value {
    match question_id {
        "an-toan-so:as-001" => json!("b"),
        "an-toan-so:as-002" => json!(["a", "b", "d"]),
        "an-toan-so:as-003" => json!(false),
        "an-toan-so:as-004" => json!(["b", "c", "a", "d"]),
        "an-toan-so:as-005" => json!("vne id"),
        other => panic!("unexpected question {other}"),
    }
}

pub struct Setup {
    pub app: TestApp,
    pub organizer: Session,
    pub admin: Session,
}

pub async fn setup() -> Setup {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let organizer = app.user_with_role(&admin, "ban.to.chuc", "organizer").await;
    let imported = app
        .post_raw(
            "/api/v1/banks/import",
            Some(&organizer.access),
            "application/toml",
            BANK,
        )
        .await;
    assert_eq!(imported.status, 200, "{}", imported.text);
    Setup {
        app,
        organizer,
        admin,
    }
}

pub fn at(ms: i64) -> String {
    Timestamp(ms).to_rfc3339()
}

impl Setup {
    pub fn now(&self) -> i64 {
        self.app.clock.now_ms()
    }

    /// A draft quiz over the whole fixture bank, open now for an hour, 10 minutes per attempt.
    pub fn quiz_body(&self) -> Value {
        json!({
            "title": "Kỹ năng số cơ bản",
            "opens_at": at(self.now() - MINUTE),
            "closes_at": at(self.now() + 60 * MINUTE),
            "time_limit_s": 600,
            "max_attempts": 2,
            "rules": [{"bank": "an-toan-so", "count": 5}],
            "shuffle_questions": true,
            "shuffle_options": true,
            "review": "after_submit",
            "ranking": "best"
        })
    }

    pub async fn quiz_with(&self, changes: Value) -> String {
        let mut body = self.quiz_body();
        for (key, value) in changes.as_object().expect("object") {
            body[key] = value.clone();
        }
        let created = self
            .app
            .post("/api/v1/quizzes", Some(&self.organizer.access), &body)
            .await;
        assert_eq!(created.status, 201, "{}", created.text);
        let id = created.body["id"].as_str().expect("id").to_owned();
        let published = self
            .app
            .post(
                &format!("/api/v1/quizzes/{id}/publish"),
                Some(&self.organizer.access),
                &json!({}),
            )
            .await;
        assert_eq!(published.status, 200, "{}", published.text);
        id
    }

    pub async fn quiz(&self) -> String {
        self.quiz_with(json!({})).await
    }

    pub async fn start(&self, student: &Session, quiz: &str) -> Response {
        self.app
            .post(
                &format!("/api/v1/quizzes/{quiz}/attempts"),
                Some(&student.access),
                &json!({}),
            )
            .await
    }

    pub async fn save(
        &self,
        student: &Session,
        attempt: &str,
        question: &str,
        response: Value,
    ) -> Response {
        self.app
            .send(
                self.app
                    .request(
                        Method::PUT,
                        &format!("/api/v1/attempts/{attempt}/answers/{question}"),
                        Some(&student.access),
                    )
                    .json(&json!({ "response": response })),
            )
            .await
    }

    pub async fn submit(&self, student: &Session, attempt: &str) -> Response {
        self.app
            .post(
                &format!("/api/v1/attempts/{attempt}/submit"),
                Some(&student.access),
                &json!({}),
            )
            .await
    }

    /// Imports an org tree from CSV (`code,name,kind,parent_code`) and returns the id of the
    /// unit with `code`, as a lookup.
    pub async fn org_tree(&self, csv: &str) -> impl Fn(&str) -> String + use<> {
        let tree = self
            .app
            .post_raw(
                "/api/v1/org-units/import",
                Some(&self.admin.access),
                "text/csv",
                csv.to_owned(),
            )
            .await;
        assert_eq!(tree.status, 201, "{}", tree.text);
        let ids: std::collections::HashMap<String, String> = tree.body["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|u| {
                (
                    u["code"].as_str().expect("code").to_owned(),
                    u["id"].as_str().expect("id").to_owned(),
                )
            })
            .collect();
        move |code: &str| ids.get(code).cloned().expect("unit")
    }

    /// A quiz for board tests: open for ten hours, an hour per attempt, three attempts.
    pub async fn board_quiz(&self, changes: Value) -> String {
        let mut merged = json!({"closes_at": at(self.now() + 600 * MINUTE), "time_limit_s": 3600, "max_attempts": 3});
        for (key, value) in changes.as_object().expect("object") {
            merged[key] = value.clone();
        }
        self.quiz_with(merged).await
    }

    /// One attempt answering `right` questions correctly, taking `duration_ms`.
    pub async fn attempt(
        &self,
        student: &Session,
        quiz: &str,
        right: usize,
        duration_ms: i64,
    ) -> Response {
        let view = self
            .app
            .post(
                &format!("/api/v1/quizzes/{quiz}/attempts"),
                Some(&student.access),
                &json!({}),
            )
            .await;
        assert!(view.status == 201, "{}", view.text);
        let id = view.body["id"].as_str().expect("id").to_owned();
        let mut questions: Vec<String> = view.body["questions"]
            .as_array()
            .expect("questions")
            .iter()
            .map(|q| q["id"].as_str().expect("id").to_owned())
            .collect();
        questions.sort();
        // as-001, as-003 and as-005 are worth 1 point each; answer them first.
        questions.sort_by_key(|q| {
            !matches!(
                q.as_str(),
                "an-toan-so:as-001" | "an-toan-so:as-003" | "an-toan-so:as-005"
            )
        });
        for question in questions.iter().take(right) {
            let saved = self
                .app
                .send(
                    self.app
                        .request(
                            Method::PUT,
                            &format!("/api/v1/attempts/{id}/answers/{question}"),
                            Some(&student.access),
                        )
                        .json(&json!({ "response": right_answer(question) })),
                )
                .await;
            assert_eq!(saved.status, 200, "{}", saved.text);
        }
        self.app.clock.advance_ms(duration_ms);
        let submitted = self
            .app
            .post(
                &format!("/api/v1/attempts/{id}/submit"),
                Some(&student.access),
                &json!({}),
            )
            .await;
        assert_eq!(submitted.status, 200, "{}", submitted.text);
        submitted
    }

    pub async fn board(&self, quiz: &str, query: &str) -> Response {
        self.app
            .get(&format!("/api/v1/quizzes/{quiz}/leaderboard{query}"), None)
            .await
    }

    pub async fn set_state(&self, quiz: &str, state: &str) -> Response {
        self.app
            .post(
                &format!("/api/v1/quizzes/{quiz}/leaderboard/state"),
                Some(&self.organizer.access),
                &json!({ "state": state }),
            )
            .await
    }
}
