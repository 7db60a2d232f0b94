//! `civiquiz backup` and `restore` on a serving embedded database: a backup taken during 64
//! saves in flight restores into a fresh folder where a new server finds every finished
//! attempt, entry, score and vote, rebuilds the same boards and plays every recording; a
//! backup that does not match its manifest, or a folder that is not empty, restores nothing.

mod common;

use std::path::Path;

use civiquiz::backup::{self, Place};
use civiquiz::clock::Clock;
use common::contests::sha256_hex;
use common::fixture::setup_on_sqlite;
use common::{Session, TestApp};
use serde_json::{Value, json};

/// A place for `data_dir` on its own SQLite file and local recordings.
fn place(data_dir: &Path) -> Place {
    Place::new(
        data_dir,
        format!("sqlite://{}", data_dir.join("civiquiz.db").display()),
        None,
    )
    .expect("place")
}

/// The board's lines as the organizer reads them, without the times it was read at.
async fn quiz_lines(app: &TestApp, who: &Session, quiz: &str) -> Vec<Value> {
    let board = app.quiz_board(who, quiz, "").await;
    assert_eq!(board.status, 200, "{}", board.text);
    board.body["items"].as_array().expect("items").clone()
}

async fn contest_lines(app: &TestApp, who: &Session, contest: &str) -> Vec<Value> {
    let board = app.contest_board(who, contest).await;
    assert_eq!(board.status, 200, "{}", board.text);
    board.body["items"].as_array().expect("items").clone()
}

async fn recording(app: &TestApp, who: &Session, entry: &str) -> (String, Vec<u8>) {
    let view = app.entry(who, entry).await;
    let media = view.body["media"]["media_id"]
        .as_str()
        .unwrap_or_else(|| panic!("a recording: {}", view.text))
        .to_owned();
    let played = app
        .client
        .get(app.url(&format!("/api/v1/entries/{entry}/media/{media}")))
        .bearer_auth(&who.access)
        .send()
        .await
        .expect("GET");
    assert_eq!(played.status().as_u16(), 200);
    (media, played.bytes().await.expect("body").to_vec())
}

#[tokio::test]
async fn a_backup_taken_while_serving_restores_every_record_and_recording() {
    let setup = setup_on_sqlite().await;
    let app = &setup.app;

    // A quiz with finished attempts, and 8 students with attempts in progress.
    let quiz = setup.board_quiz(json!({})).await;
    assert_eq!(setup.set_state(&quiz, "live").await.status, 200);
    for (i, right) in [3, 1, 2].into_iter().enumerate() {
        let student = app.register(&format!("hs.xong{i}")).await;
        setup
            .attempt(&student, &quiz, right, 60_000 + i as i64)
            .await;
    }
    let mut open = Vec::new();
    for i in 0..8 {
        let student = app.register(&format!("hs.dang{i}")).await;
        let started = app.start_attempt(&student, &quiz).await;
        assert_eq!(started.status, 201, "{}", started.text);
        let questions: Vec<String> = started.body["questions"]
            .as_array()
            .expect("questions")
            .iter()
            .map(|q| q["id"].as_str().expect("id").to_owned())
            .collect();
        open.push((
            student,
            started.body["id"].as_str().expect("id").to_owned(),
            questions,
        ));
    }

    // A contest with approved entries, two judges' scores and votes.
    let contest = setup.contest().await;
    let judges = [setup.judge("gk.mot").await, setup.judge("gk.hai").await];
    for judge in &judges {
        assert_eq!(setup.add_judge(&contest, judge).await.status, 201);
    }
    let mut entries = Vec::new();
    for name in ["an", "binh"] {
        let entrant = setup.entrant(name).await;
        entries.push((setup.approved_entry(&entrant, &contest).await, entrant));
    }
    for (points, (entry, _)) in [(8, &entries[0]), (6, &entries[1])] {
        for judge in &judges {
            let scored = app
                .score_entry(
                    judge,
                    entry,
                    &json!({"scores": {"content": points, "voice": 4}}),
                )
                .await;
            assert_eq!(scored.status, 200, "{}", scored.text);
        }
    }
    let voter = setup.entrant("cu.tri").await;
    assert_eq!(app.vote(&voter, &entries[1].0).await.status, 200);

    // The backup runs while 64 saves are in flight.
    let folder = tempfile::tempdir().expect("temp dir");
    let to = folder.path().join("backup");
    let source = place(&app.config.data_dir);
    let saves = futures::future::join_all(open.iter().flat_map(|(student, attempt, questions)| {
        questions.iter().cycle().take(8).map(move |question| {
            app.save_answer(
                student,
                attempt,
                question,
                common::fixture::right_answer(question),
            )
        })
    }));
    let (done, saved) = tokio::join!(backup::back_up(&source, &to), saves);
    let done = done.expect("backup");
    assert_eq!(saved.len(), 64);
    assert!(
        saved.iter().all(|s| s.status == 200),
        "every save went through"
    );
    assert_eq!(done.recordings, 2, "{done:?}");
    let manifest: backup::Manifest =
        serde_json::from_slice(&std::fs::read(to.join(backup::MANIFEST)).expect("manifest"))
            .expect("a manifest");
    assert_eq!(manifest.media.len(), 2);

    // Restored into a fresh folder, a new server (its own Redis namespace: boards rebuilt
    // from the tables) holds what the first one did.
    let restored_dir = tempfile::tempdir().expect("temp dir");
    let target = place(restored_dir.path());
    backup::restore(&target, &to).await.expect("restore");
    let mut config = app.config.clone();
    config.data_dir = restored_dir.path().to_owned();
    config.database_url = target.database_url.clone();
    config.redis_prefix = format!("civiquiz-test:{}:", uuid::Uuid::now_v7().simple());
    let restored = TestApp::serve(config, restored_dir).await;
    // The same time as the first server's clock, which the attempts moved on.
    let behind = app.clock.now_ms() - restored.clock.now_ms();
    restored.clock.advance_ms(behind.max(0));

    assert_eq!(
        quiz_lines(&restored, &setup.organizer, &quiz).await,
        quiz_lines(app, &setup.organizer, &quiz).await,
        "the quiz board rebuilds to the same standings"
    );
    assert_eq!(
        quiz_lines(&restored, &setup.organizer, &quiz).await.len(),
        3,
        "the three finished attempts"
    );
    assert_eq!(
        contest_lines(&restored, &setup.organizer, &contest).await,
        contest_lines(app, &setup.organizer, &contest).await,
        "the contest board (scores and votes) rebuilds the same"
    );
    for judge in &judges {
        let before = app.judging_queue(judge).await;
        let after = restored.judging_queue(judge).await;
        assert_eq!(after.status, 200, "{}", after.text);
        assert_eq!(
            after.body["items"], before.body["items"],
            "the judge's scores"
        );
    }
    for (entry, entrant) in &entries {
        let (media, bytes) = recording(app, entrant, entry).await;
        let (restored_media, restored_bytes) = recording(&restored, entrant, entry).await;
        assert_eq!(restored_media, media);
        assert_eq!(
            sha256_hex(&restored_bytes),
            sha256_hex(&bytes),
            "the recording plays"
        );
    }
    // Each attempt in progress is there, with the answers the snapshot saw: all or some of
    // the saves in flight, never a broken one.
    for (student, attempt, _) in &open {
        let view = restored.attempt(student, attempt).await;
        assert_eq!(view.status, 200, "{}", view.text);
    }
}

#[tokio::test]
async fn a_backup_that_does_not_match_its_manifest_restores_nothing() {
    let setup = setup_on_sqlite().await;
    let contest = setup.contest().await;
    let entrant = setup.entrant("an").await;
    setup.approved_entry(&entrant, &contest).await;
    let folder = tempfile::tempdir().expect("temp dir");
    let to = folder.path().join("backup");
    backup::back_up(&place(&setup.app.config.data_dir), &to)
        .await
        .expect("backup");

    // A folder that is not empty is refused for a backup and for a restore.
    let busy = folder.path().join("busy");
    std::fs::create_dir_all(busy.join("media")).expect("folder");
    std::fs::write(busy.join("media").join("x"), b"x").expect("file");
    let refused = backup::back_up(&place(&setup.app.config.data_dir), &busy)
        .await
        .expect_err("not empty");
    assert!(refused.to_string().contains("not empty"), "{refused}");
    let refused = backup::restore(&place(&busy), &to)
        .await
        .expect_err("not empty");
    assert!(refused.to_string().contains("not empty"), "{refused}");

    // One byte changed in a recording: nothing is written.
    let manifest: backup::Manifest =
        serde_json::from_slice(&std::fs::read(to.join(backup::MANIFEST)).expect("manifest"))
            .expect("a manifest");
    let recording = to.join(&manifest.media[0].path);
    let mut bytes = std::fs::read(&recording).expect("recording");
    bytes[100] ^= 0xff;
    std::fs::write(&recording, bytes).expect("write");
    let empty = folder.path().join("empty");
    let refused = backup::restore(&place(&empty), &to)
        .await
        .expect_err("tampered");
    assert!(
        refused.to_string().contains("does not match its manifest"),
        "{refused:#}"
    );
    assert!(!empty.join("civiquiz.db").exists(), "no database written");
    assert!(!empty.join("media").exists(), "no recording written");
}

#[tokio::test]
async fn postgresql_is_left_to_pg_dump() {
    let place = Place::new(
        Path::new("/tmp/unused"),
        "postgres://127.0.0.1/civiquiz".into(),
        None,
    )
    .expect("place");
    let folder = tempfile::tempdir().expect("temp dir");
    let refused = backup::back_up(&place, &folder.path().join("b"))
        .await
        .expect_err("PostgreSQL");
    assert!(refused.to_string().contains("pg_dump"), "{refused}");
}
