//! The one fixture of the suites: a server with an admin and an organizer (`ban.to.chuc`), on
//! local storage or on S3, with or without the fixture bank (`valid.toml`, five questions, one
//! of each kind, 8 points). Quiz helpers are here; contest helpers in `contests.rs`.

use civiquiz::clock::{Clock, Timestamp};
use civiquiz::config::{Config, StorageUrl};
use serde_json::{Value, json};

use super::{Response, Session, TestApp};

pub const BANK: &str = include_str!("../fixtures/banks/valid.toml");
pub const MINUTE: i64 = 60_000;
pub const GRACE: i64 = 5_000;

pub fn at(ms: i64) -> String {
    Timestamp(ms).to_rfc3339()
}

/// `base` with every top-level field of `changes` put in (replaced, not merged deeper).
pub fn merged(mut base: Value, changes: Value) -> Value {
    for (key, value) in changes.as_object().expect("object") {
        base[key] = value.clone();
    }
    base
}

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

/// Where recordings go in a test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Local,
    S3,
}

/// The S3-compatible server to test against, from `TEST_S3_URL` (`s3://bucket`) and
/// `TEST_S3_ENDPOINT`; `None` (with a note) when they are not set.
pub fn s3_settings() -> Option<(String, String)> {
    let url = std::env::var("TEST_S3_URL").ok().filter(|v| !v.is_empty());
    let endpoint = std::env::var("TEST_S3_ENDPOINT")
        .ok()
        .filter(|v| !v.is_empty());
    match (url, endpoint) {
        (Some(url), Some(endpoint)) => Some((url, endpoint)),
        _ => None,
    }
}

pub struct Setup {
    pub app: TestApp,
    pub organizer: Session,
    pub admin: Session,
}

/// What the quiz suites start from: `Setup::spawn` with the fixture bank imported.
pub async fn setup() -> Setup {
    Setup::spawn().await.with_bank().await
}

/// `setup` on a SQLite file in the server's data folder whatever `TEST_DATABASE_URL` says
/// (for what only the embedded database does, such as `civiquiz backup`).
pub async fn setup_on_sqlite() -> Setup {
    Setup::spawn_with(|config| {
        config.database_url = format!("sqlite://{}", config.data_dir.join("civiquiz.db").display());
    })
    .await
    .with_bank()
    .await
}

impl Setup {
    /// A server on local storage with an admin and an organizer; no bank.
    pub async fn spawn() -> Self {
        Self::spawn_on(Backend::Local)
            .await
            .expect("local storage is always there")
    }

    /// A server on local storage with `tweak` applied to its config.
    pub async fn spawn_with(tweak: impl FnOnce(&mut Config)) -> Self {
        Self::staff(TestApp::spawn_with(tweak).await).await
    }

    /// A server on `backend`; `None` when the S3 server is not configured (the test then
    /// returns early after printing why).
    pub async fn spawn_on(backend: Backend) -> Option<Self> {
        let storage = match backend {
            Backend::Local => None,
            Backend::S3 => {
                let Some((url, endpoint)) = s3_settings() else {
                    eprintln!(
                        "note: S3 storage tests skipped: set TEST_S3_URL (s3://bucket) and TEST_S3_ENDPOINT (.ci/run starts a server)"
                    );
                    return None;
                };
                let prefix = format!("t-{}", uuid::Uuid::now_v7().simple());
                let base = url.trim_end_matches('/');
                let storage = StorageUrl::parse(&format!("{base}/{prefix}")).expect("TEST_S3_URL");
                Some((storage, endpoint))
            }
        };
        let app = TestApp::spawn_with(|config| {
            if let Some((storage, endpoint)) = storage {
                config.media.storage = Some(storage);
                config.media.s3_endpoint = Some(endpoint);
            }
        })
        .await;
        Some(Self::staff(app).await)
    }

    async fn staff(app: TestApp) -> Self {
        let admin = app.admin().await;
        let organizer = app.user_with_role(&admin, "ban.to.chuc", "organizer").await;
        Self {
            app,
            organizer,
            admin,
        }
    }

    /// The organizer imports the fixture bank.
    pub async fn with_bank(self) -> Self {
        let imported = self
            .app
            .import_bank(&self.organizer, "", "application/toml", BANK)
            .await;
        assert_eq!(imported.status, 200, "{}", imported.text);
        self
    }

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

    /// `quiz_body` with `changes`, created and published by the organizer.
    pub async fn quiz_with(&self, changes: Value) -> String {
        let body = merged(self.quiz_body(), changes);
        let created = self.app.create_quiz(&self.organizer, &body).await;
        assert_eq!(created.status, 201, "{}", created.text);
        let id = created.body["id"].as_str().expect("id").to_owned();
        let published = self.app.publish_quiz(&self.organizer, &id).await;
        assert_eq!(published.status, 200, "{}", published.text);
        id
    }

    pub async fn quiz(&self) -> String {
        self.quiz_with(json!({})).await
    }

    /// Imports an org tree from CSV (`code,name,kind,parent_code`) and returns the id of the
    /// unit with `code`, as a lookup.
    pub async fn org_tree(&self, csv: &str) -> impl Fn(&str) -> String + use<> {
        let tree = self.app.import_org_units(&self.admin, csv.to_owned()).await;
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
        let board = json!({"closes_at": at(self.now() + 600 * MINUTE), "time_limit_s": 3600, "max_attempts": 3});
        self.quiz_with(merged(board, changes)).await
    }

    /// One attempt answering `right` questions correctly, taking `duration_ms`.
    pub async fn attempt(
        &self,
        student: &Session,
        quiz: &str,
        right: usize,
        duration_ms: i64,
    ) -> Response {
        let view = self.app.start_attempt(student, quiz).await;
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
                .save_answer(student, &id, question, right_answer(question))
                .await;
            assert_eq!(saved.status, 200, "{}", saved.text);
        }
        self.app.clock.advance_ms(duration_ms);
        let submitted = self.app.submit_attempt(student, &id).await;
        assert_eq!(submitted.status, 200, "{}", submitted.text);
        submitted
    }

    /// The organizer sets the quiz board's state.
    pub async fn set_state(&self, quiz: &str, state: &str) -> Response {
        self.app
            .set_quiz_board_state(&self.organizer, quiz, state)
            .await
    }
}
