//! The contest side of the fixture (`Setup`): a contest, entrants, judges, uploads, and a
//! look into the storage the media tests run on.

use std::path::PathBuf;

use civiquiz::kv::Kv;
use futures::StreamExt;
use object_store::ObjectStore;
use serde_json::{Value, json};

use super::fixture::{MINUTE, Setup, at, merged};
use super::{Response, Session};

pub fn fixture_path(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/media")
        .join(file)
}

pub fn fixture(file: &str) -> Vec<u8> {
    std::fs::read(fixture_path(file)).expect("media fixture")
}

/// `bytes` as the server stores and serves them: with location and author tags blanked.
pub fn as_stored(bytes: &[u8]) -> Vec<u8> {
    let file = tempfile::NamedTempFile::new().expect("temp file");
    std::fs::write(file.path(), bytes).expect("write");
    civiquiz::contests::probe::scrub_file(
        file.path(),
        &civiquiz::contests::probe::Budget::default(),
    )
    .expect("scrub");
    std::fs::read(file.path()).expect("read")
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

impl Setup {
    /// Open now for an hour: audio and video up to 10 MB and 60 s, two entries each, two
    /// judges per entry, voting open for two hours.
    pub fn contest_body(&self) -> Value {
        json!({
            "title": "Công dân số 2022",
            "rules": "Ghi âm hoặc quay video 1 phút về an toàn trên mạng.",
            "opens_at": at(self.now() - MINUTE),
            "closes_at": at(self.now() + 60 * MINUTE),
            "media": ["audio", "video"],
            "max_bytes": 10_000_000,
            "max_duration_s": 60,
            "max_entries_per_user": 2,
            "criteria": [
                {"key": "content", "title": "Nội dung", "weight": 3, "max_points": 10},
                {"key": "voice", "title": "Trình bày", "weight": 1, "max_points": 5}
            ],
            "judges_per_entry": 2,
            // The fixture's entrants register on an open deployment with no unit; the
            // `members` rule has its own tests.
            "voters": "any_account",
            "voting": {"enabled": true, "opens_at": at(self.now() - MINUTE), "closes_at": at(self.now() + 120 * MINUTE)}
        })
    }

    /// `contest_body` with `changes`, created by the organizer.
    pub async fn contest_with(&self, changes: Value) -> String {
        let body = merged(self.contest_body(), changes);
        let created = self.app.create_contest(&self.organizer, &body).await;
        assert_eq!(created.status, 201, "{}", created.text);
        created.body["id"].as_str().expect("id").to_owned()
    }

    pub async fn contest(&self) -> String {
        self.contest_with(json!({})).await
    }

    /// An adult participant (`ts.` + `name`).
    pub async fn entrant(&self, name: &str) -> Session {
        self.app
            .register_with(json!({
                "username": format!("ts.{name}"), "password": super::PASSWORD,
                "display_name": format!("Bạn {name}"), "birth_year": 1990
            }))
            .await
    }

    pub async fn judge(&self, username: &str) -> Session {
        self.app
            .user_with_role(&self.admin, username, "judge")
            .await
    }

    /// `who` creates an entry with a title, a description and consent.
    pub async fn new_entry(&self, who: &Session, contest: &str) -> Response {
        self.app
            .create_entry(
                who,
                contest,
                &json!({"title": "Bài dự thi", "description": "Một phút về mật khẩu mạnh", "consent": {"entrant": true}}),
            )
            .await
    }

    pub async fn entry(&self, who: &Session, contest: &str) -> String {
        let created = self.new_entry(who, contest).await;
        assert_eq!(created.status, 201, "{}", created.text);
        created.body["id"].as_str().expect("id").to_owned()
    }

    /// Uploads `file` from the fixtures; returns the media id.
    pub async fn upload_fixture(&self, who: &Session, entry: &str, file: &str) -> String {
        let uploaded = self
            .app
            .upload_media(who, entry, fixture(file), Some(file))
            .await;
        assert_eq!(uploaded.status, 201, "{file}: {}", uploaded.text);
        uploaded.body["media_id"]
            .as_str()
            .expect("media id")
            .to_owned()
    }

    /// The organizer moderates the entry.
    pub async fn moderate(&self, entry: &str, decision: &str, reason: &str) -> Response {
        self.app
            .moderate_entry(
                &self.organizer,
                entry,
                &json!({"decision": decision, "reason": reason}),
            )
            .await
    }

    /// An entry by `who` with a recording, submitted and approved.
    pub async fn approved_entry(&self, who: &Session, contest: &str) -> String {
        let entry = self.entry(who, contest).await;
        self.upload_fixture(who, &entry, "webm_opus_mediarecorder.webm")
            .await;
        let submitted = self.app.submit_entry(who, &entry).await;
        assert_eq!(submitted.status, 200, "{}", submitted.text);
        let approved = self.moderate(&entry, "approve", "").await;
        assert_eq!(approved.status, 200, "{}", approved.text);
        entry
    }

    /// The organizer adds `judge` to the contest.
    pub async fn add_judge(&self, contest: &str, judge: &Session) -> Response {
        self.app
            .add_judge(&self.organizer, contest, &judge.user_id)
            .await
    }

    /// Keys of the objects in storage (recordings only; not half-written parts).
    pub async fn object_keys(&self) -> Vec<String> {
        let store = self.app.state.recordings.store.store.clone();
        let mut keys = Vec::new();
        let mut listing = store.list(None);
        while let Some(meta) = listing.next().await {
            keys.push(meta.expect("listing").location.to_string());
        }
        keys
    }

    /// Files in the staging folder, and the local backend's half-written (`#`) files.
    pub fn leftover_files(&self) -> Vec<PathBuf> {
        fn walk(dir: &std::path::Path, out: &mut Vec<PathBuf>, only_staging_parts: bool) {
            let Ok(listing) = std::fs::read_dir(dir) else {
                return;
            };
            for item in listing.flatten() {
                let path = item.path();
                if path.is_dir() {
                    walk(&path, out, only_staging_parts);
                } else if !only_staging_parts || item.file_name().to_string_lossy().contains('#') {
                    out.push(path);
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.app.state.recordings.staging_dir, &mut out, false);
        if let Some(root) = &self.app.state.recordings.store.local_root {
            walk(root, &mut out, true);
        }
        out
    }

    /// Votes for `entry` in the vote table, the record.
    pub async fn votes_in_table(&self, entry: &str) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM entry_votes WHERE entry_id = $1")
            .bind(entry)
            .fetch_one(&self.app.state.db.pool)
            .await
            .expect("count")
    }

    /// Loses the contest's board as a Redis flush or restart would: its keys deleted under
    /// this test's prefix (never FLUSHALL: other tests share the server), or the in-process
    /// board dropped.
    pub async fn lose_contest_board(&self, contest: &str) {
        match &self.app.state.kv {
            Kv::Redis(redis) => {
                let mut conn = redis.conn.clone();
                let pattern = format!("{}{{contest:{contest}}}*", redis.prefix);
                let keys: Vec<String> = redis::cmd("KEYS")
                    .arg(&pattern)
                    .query_async(&mut conn)
                    .await
                    .expect("keys");
                assert!(!keys.is_empty(), "no keys under {pattern}");
                let deleted: i64 = redis::cmd("DEL")
                    .arg(&keys)
                    .query_async(&mut conn)
                    .await
                    .expect("del");
                assert_eq!(deleted as usize, keys.len());
            }
            Kv::Memory(_) => self
                .app
                .state
                .boards
                .forget(&civiquiz::boards::contest_board::ContestBoard::of(contest))
                .await
                .expect("forget"),
        }
    }

    pub async fn count_rows(&self, table: &str) -> i64 {
        sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
            .fetch_one(&self.app.state.db.pool)
            .await
            .expect("count")
    }
}
