//! The one board engine at its edges: paging that cannot overflow, stored states that are
//! never guessed, a published board that stays its snapshot, and a rubric that is locked by
//! the first score whatever the race.

mod common;

use common::fixture::{GRACE, MINUTE, Setup, setup};
use common::{Anonymous, path};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

#[tokio::test]
async fn paged_boards_refuse_bad_bounds_and_clamp_huge_offsets() {
    let s = setup().await;
    let event = s
        .app
        .create_event(
            &s.organizer,
            &json!({"title": "Tuần lễ", "starts_at": "2022-10-01T00:00:00Z", "ends_at": "2030-10-07T00:00:00Z"}),
        )
        .await;
    let event = event.body["id"].as_str().expect("event id").to_owned();
    let quiz = s.board_quiz(json!({"event_id": event})).await;
    for (name, right) in [("p.mot", 3), ("p.hai", 2), ("p.ba", 1)] {
        let student = s.app.register(name).await;
        s.attempt(&student, &quiz, right, 10_000).await;
    }
    let boards = [path::quiz_board(&quiz), path::event_board(&event)];
    for board in &boards {
        for bad in [
            "offset=-1",
            "limit=0",
            "limit=201",
            "offset=-9223372036854775808",
        ] {
            let answer = s.app.get(&format!("{board}?{bad}"), None).await;
            assert_eq!(answer.status, 422, "{board}?{bad}: {}", answer.text);
            assert_eq!(answer.code(), "validation_failed");
        }
        // An offset past any board is an empty page with the true total, on both backends.
        for huge in [i64::MAX, i64::MAX - 1, 1 << 53, u32::MAX as i64 + 1] {
            let page = s
                .app
                .get(&format!("{board}?offset={huge}&limit=200"), None)
                .await;
            assert_eq!(page.status, 200, "{board}?offset={huge}: {}", page.text);
            assert_eq!(page.body["items"], json!([]), "{board}?offset={huge}");
            assert_eq!(page.body["total"], 3, "{board}?offset={huge}");
        }
        // And the ranks of an ordinary page are still the board's.
        let page = s.app.get(&format!("{board}?offset=1&limit=2"), None).await;
        assert_eq!(page.status, 200, "{}", page.text);
        let ranks: Vec<i64> = page.body["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|item| item["rank"].as_i64().expect("rank"))
            .collect();
        assert_eq!(ranks, [2, 3], "{board}");
    }
}

#[tokio::test]
async fn an_unknown_stored_board_state_is_an_error_not_a_live_board() {
    let s = setup().await;
    let quiz = s.board_quiz(json!({})).await;
    let student = s.app.register("bi.mat").await;
    s.attempt(&student, &quiz, 2, 10_000).await;
    assert_eq!(s.set_state(&quiz, "hidden").await.status, 200);
    sqlx::query("UPDATE board_states SET state = 'visible' WHERE quiz_id = $1")
        .bind(&quiz)
        .execute(&s.app.state.db.pool)
        .await
        .expect("corrupt the state");
    s.app.state.board_states.forget(&quiz);
    s.app.state.board_pages.invalidate(&quiz);
    let board = s.app.quiz_board(Anonymous, &quiz, "").await;
    assert_eq!(board.status, 500, "{}", board.text);
    assert_eq!(board.code(), "internal");
    assert!(!board.text.contains("bi.mat"), "{}", board.text);

    let c = Setup::spawn().await;
    let contest = c.contest().await;
    sqlx::query("UPDATE contests SET results_state = 'Live' WHERE id = $1")
        .bind(&contest)
        .execute(&c.app.state.db.pool)
        .await
        .expect("corrupt the state");
    let results = c.app.contest_board(Anonymous, &contest).await;
    assert_eq!(results.status, 500, "{}", results.text);
}

#[tokio::test]
async fn a_published_board_serves_its_snapshot_after_the_sweeper_closes_late_attempts() {
    let s = setup().await;
    let quiz = s.board_quiz(json!({"time_limit_s": 60})).await;
    let early = s.app.register("som.nhat").await;
    s.attempt(&early, &quiz, 3, 10_000).await;
    // A student whose time runs out just before the board is published: her attempt is
    // still open (within the grace) when the snapshot is taken, and closed afterwards.
    let late = s.app.register("tre.nhat").await;
    let started = s.app.start_attempt(&late, &quiz).await;
    assert_eq!(started.status, 201, "{}", started.text);
    s.app.clock.advance_ms(60_000 + GRACE / 2);
    let published = s.set_state(&quiz, "published").await;
    assert_eq!(published.status, 200, "{}", published.text);
    let snapshot = s.app.published_quiz_board(Anonymous, &quiz).await;
    assert_eq!(snapshot.status, 200, "{}", snapshot.text);

    s.app.clock.advance_ms(2 * MINUTE);
    let closed = civiquiz::quizzes::sweeper::sweep_once(&s.app.state)
        .await
        .expect("sweep");
    assert_eq!(closed, 1, "the late attempt is closed by the sweeper");
    // Its finish (its deadline) is before the publication: a board rebuilt from the tables
    // would now list her. The published board is its snapshot, everywhere.
    s.app.state.board_pages.invalidate(&quiz);
    s.app.state.board_states.forget(&quiz);
    let board = s.app.quiz_board(Anonymous, &quiz, "?limit=200").await;
    assert_eq!(board.status, 200, "{}", board.text);
    assert_eq!(board.body["state"], "published");
    assert_eq!(board.body["items"], snapshot.body["items"]);
    assert_eq!(board.body["total"], 1);
    let again = s.app.published_quiz_board(Anonymous, &quiz).await;
    assert_eq!(again.body, snapshot.body, "the snapshot never changes");
    let body = snapshot.body["snapshot"].as_str().expect("snapshot text");
    assert_eq!(
        snapshot.body["sha256"],
        hex::encode(Sha256::digest(body.as_bytes()))
    );
    // The canonical JSON: keys sorted at every level.
    let parsed: Value = serde_json::from_str(body).expect("json");
    assert_eq!(
        civiquiz::boards::publication::canonical_json(&parsed),
        body,
        "stored canonical"
    );
    let mine = s.app.my_quiz_standing(&late, &quiz).await;
    assert_eq!(mine.status, 200, "{}", mine.text);
    assert_eq!(mine.body["rank"], Value::Null, "{}", mine.text);
    let first = s.app.my_quiz_standing(&early, &quiz).await;
    assert_eq!(first.body["rank"], 1, "{}", first.text);
}

#[tokio::test]
async fn a_rubric_edit_racing_a_first_score_never_both_win() {
    let c = Setup::spawn().await;
    let entrant = c.entrant("thi.sinh").await;
    let judge = c.judge("gk.dua").await;
    for round in 0..6 {
        let contest = c.contest_with(json!({"judges_per_entry": 1})).await;
        assert_eq!(c.add_judge(&contest, &judge).await.status, 201);
        let entry = c.approved_entry(&entrant, &contest).await;
        let rubric = json!({"criteria": [{"key": "content", "title": "Nội dung", "weight": 1, "max_points": 4}]});
        let points = json!({"scores": {"content": 8, "voice": 5}});
        let edit = c.app.update_contest(&c.organizer, &contest, &rubric);
        let score = c.app.score_entry(&judge, &entry, &points);
        let (edit, score) = tokio::join!(edit, score);
        let edited = edit.status == 200;
        let scored = score.status == 200;
        assert!(
            edited != scored,
            "round {round}: exactly one wins: edit {} {}, score {} {}",
            edit.status,
            edit.text,
            score.status,
            score.text
        );
        if edited {
            // Refused either against the new rubric (read after the edit) or because the
            // rubric changed between its check and its save.
            assert!(
                (score.status == 409 && score.code() == "state_changed")
                    || (score.status == 422 && score.code() == "validation_failed"),
                "{} {}",
                score.status,
                score.text
            );
        } else {
            assert_eq!(edit.status, 409, "{}", edit.text);
            assert_eq!(edit.code(), "rubric_locked");
        }
        // The record agrees with the answers: a score exists exactly when the rubric is the
        // old one.
        let scores: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM entry_judges WHERE entry_id = $1 AND scored_at IS NOT NULL",
        )
        .bind(&entry)
        .fetch_one(&c.app.state.db.pool)
        .await
        .expect("scores");
        let criteria: String = sqlx::query_scalar("SELECT criteria FROM contests WHERE id = $1")
            .bind(&contest)
            .fetch_one(&c.app.state.db.pool)
            .await
            .expect("criteria");
        assert_eq!(scores == 1, scored, "round {round}");
        assert_eq!(criteria.contains("\"voice\""), !edited, "round {round}");
    }
}
