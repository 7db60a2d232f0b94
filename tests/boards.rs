mod common;

use civiquiz::clock::Clock;
use common::fixture::setup;
use common::sse::wait_for_event;
use common::{Anonymous, PASSWORD, Response, TestApp};
use futures::StreamExt;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

fn names(board: &Response) -> Vec<String> {
    board.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|e| e["display_name"].as_str().unwrap_or("").to_owned())
        .collect()
}

#[tokio::test]
async fn ranks_by_score_then_time_then_earlier_finish() {
    let s = setup().await;
    let quiz = s.board_quiz(json!({})).await;
    let slow = s.app.register("cham").await;
    let fast = s.app.register("nhanh").await;
    let partial = s.app.register("mot.phan").await;
    let later = s.app.register("sau").await;
    s.attempt(&slow, &quiz, 5, 100_000).await;
    s.attempt(&fast, &quiz, 5, 60_000).await;
    s.attempt(&partial, &quiz, 3, 30_000).await;
    // Same score and time as `fast`, finished later: ranks after it.
    let tie = s.attempt(&later, &quiz, 5, 60_000).await;
    assert_eq!(
        tie.body["rank"], 2,
        "the submission reports its rank: {}",
        tie.text
    );

    let board = s.app.quiz_board(Anonymous, &quiz, "").await;
    assert_eq!(board.status, 200, "{}", board.text);
    assert_eq!(board.body["state"], "live");
    assert_eq!(board.body["total"], 4);
    assert_eq!(names(&board), ["nhanh", "sau", "cham", "mot.phan"]);
    let first = &board.body["items"][0];
    assert_eq!(first["rank"], 1);
    assert_eq!(first["score"], 8.0);
    assert_eq!(first["max_score"], 8.0);
    assert_eq!(first["correct_count"], 5);
    assert_eq!(first["duration_ms"], 60_000);
    assert!(first.get("username").is_none() && first.get("birth_year").is_none());
    assert!(
        board.body["ranking_rule"]
            .as_str()
            .is_some_and(|r| r.starts_with("score descending"))
    );

    let page = s
        .app
        .quiz_board(Anonymous, &quiz, "?offset=1&limit=2")
        .await;
    assert_eq!(names(&page), ["sau", "cham"]);
    assert_eq!(page.body["items"][0]["rank"], 2);
    assert_eq!(
        s.app
            .quiz_board(Anonymous, &quiz, "?scope=planet")
            .await
            .status,
        422
    );

    let me = s.app.my_quiz_standing(&slow, &quiz).await;
    assert_eq!(me.status, 200, "{}", me.text);
    assert_eq!(me.body["rank"], 3);
    assert_eq!(me.body["total"], 4);
    let around: Vec<i64> = me.body["neighbours"]
        .as_array()
        .expect("neighbours")
        .iter()
        .filter_map(|e| e["rank"].as_i64())
        .collect();
    assert_eq!(around, [1, 2, 3, 4]);
}

#[tokio::test]
async fn best_keeps_the_best_attempt_and_first_keeps_the_first() {
    let s = setup().await;
    let best = s.board_quiz(json!({"ranking": "best"})).await;
    let first = s.board_quiz(json!({"ranking": "first"})).await;
    let student = s.app.register("thu.lai").await;
    s.attempt(&student, &best, 5, 60_000).await;
    s.attempt(&student, &best, 1, 10_000).await;
    s.attempt(&student, &first, 1, 10_000).await;
    s.attempt(&student, &first, 5, 60_000).await;
    let best_board = s.app.quiz_board(Anonymous, &best, "").await;
    assert_eq!(best_board.body["total"], 1);
    assert_eq!(best_board.body["items"][0]["score"], 8.0);
    let first_board = s.app.quiz_board(Anonymous, &first, "").await;
    assert_eq!(first_board.body["items"][0]["score"], 1.0);
    // A better later attempt does improve a `best` board.
    s.attempt(&student, &best, 5, 30_000).await;
    assert_eq!(
        s.app.quiz_board(Anonymous, &best, "").await.body["items"][0]["duration_ms"],
        30_000
    );
}

#[tokio::test]
async fn scopes_follow_the_org_tree_and_a_move_between_classes() {
    let s = setup().await;
    let units = "code,name,kind,parent_code\nQ,Quận Đống Đa,district,\nP,Phường Kim Liên,ward,Q\nT,Trường THCS Kim Liên,school,P\nA,Lớp 8A,class,T\nB,Lớp 8B,class,T\n";
    let id_of = s.org_tree(units).await;
    let student = s
        .app
        .register_with(json!({"username": "chuyen.lop", "password": PASSWORD, "display_name": "Chuyển Lớp", "org_unit_id": id_of("A")}))
        .await;
    let classmate = s
        .app
        .register_with(json!({"username": "o.lai", "password": PASSWORD, "display_name": "Ở Lại", "org_unit_id": id_of("A")}))
        .await;
    let quiz = s.board_quiz(json!({})).await;
    s.attempt(&student, &quiz, 5, 60_000).await;
    s.attempt(&classmate, &quiz, 2, 60_000).await;
    for (code, expected) in [
        ("A", vec!["Chuyển Lớp", "Ở Lại"]),
        ("B", vec![]),
        ("P", vec!["Chuyển Lớp", "Ở Lại"]),
        ("Q", vec!["Chuyển Lớp", "Ở Lại"]),
    ] {
        let board = s
            .app
            .quiz_board(Anonymous, &quiz, &format!("?scope=org:{}", id_of(code)))
            .await;
        assert_eq!(names(&board), expected, "scope {code}");
    }
    assert_eq!(
        s.app.quiz_board(Anonymous, &quiz, "").await.body["items"][0]["org_unit"]["name"],
        "Lớp 8A"
    );

    let moved = s
        .app
        .update_user(
            &s.admin,
            &student.user_id,
            &json!({"org_unit_id": id_of("B")}),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.text);
    assert_eq!(
        names(
            &s.app
                .quiz_board(Anonymous, &quiz, &format!("?scope=org:{}", id_of("A")))
                .await
        ),
        ["Ở Lại"]
    );
    assert_eq!(
        names(
            &s.app
                .quiz_board(Anonymous, &quiz, &format!("?scope=org:{}", id_of("B")))
                .await
        ),
        ["Chuyển Lớp"]
    );
    assert_eq!(
        s.app.quiz_board(Anonymous, &quiz, "").await.body["items"][0]["org_unit"]["name"],
        "Lớp 8B"
    );

    let wards = s
        .app
        .quiz_board_units(Anonymous, &quiz, "?kind=class")
        .await;
    assert_eq!(wards.status, 200, "{}", wards.text);
    let classes = wards.body["items"].as_array().expect("items");
    assert_eq!(classes.len(), 2);
    for class in classes {
        assert_eq!(class["participants"], 1);
        assert_eq!(class["registered"], 1);
        assert_eq!(class["completion"], 1.0);
    }
    assert_eq!(classes[0]["name"], "Lớp 8B", "8 points beat 2");
    assert_eq!(classes[0]["mean_score"], 8.0);
}

#[tokio::test]
async fn a_freeze_holds_on_every_public_endpoint_while_each_sees_her_own_result() {
    let s = setup().await;
    let event = s
        .app
        .create_event(&s.organizer, &json!({"title": "Tuần lễ", "starts_at": "2022-10-01T00:00:00Z", "ends_at": "2030-10-07T00:00:00Z"}))
        .await;
    let event_id = event.body["id"].as_str().expect("id").to_owned();
    let quiz = s.board_quiz(json!({"event_id": event_id})).await;
    let early = s.app.register("som").await;
    let late = s.app.register("muon").await;
    s.attempt(&early, &quiz, 2, 60_000).await;
    let frozen = s.set_state(&quiz, "frozen").await;
    assert_eq!(frozen.status, 200, "{}", frozen.text);
    assert!(frozen.body["frozen_at"].is_string());
    s.app.clock.advance_ms(1000);
    s.attempt(&late, &quiz, 5, 30_000).await;

    let board = s.app.quiz_board(Anonymous, &quiz, "").await;
    assert_eq!(board.body["state"], "frozen");
    assert_eq!(names(&board), ["som"]);
    let units = s.app.quiz_board_units(Anonymous, &quiz, "?kind=ward").await;
    assert_eq!(units.body["state"], "frozen");
    let events = s.app.event_board(Anonymous, &event_id).await;
    assert_eq!(events.status, 200, "{}", events.text);
    assert_eq!(events.body["total"], 1);
    assert_eq!(events.body["items"][0]["display_name"], "som");
    let mut stream = s.app.quiz_board_stream(Anonymous, &quiz, None).await;
    let (_, standings) = wait_for_event(&mut stream, |_| true).await;
    assert_eq!(standings["total"], 1, "{standings}");
    // The late student still sees her own, current result, but no rank and no neighbour
    // the frozen board does not show (issue 15: she would have read her live rank 1).
    let me = s.app.my_quiz_standing(&late, &quiz).await;
    assert_eq!(me.body["state"], "frozen");
    assert_eq!(me.body["result"]["score"], 8.0);
    assert_eq!(me.body["rank"], Value::Null, "{}", me.text);
    assert_eq!(me.body["entry"], Value::Null, "{}", me.text);
    assert_eq!(me.body["neighbours"], json!([]), "{}", me.text);
    // The early one reads her rank and neighbours from the frozen standings only.
    let mine = s.app.my_quiz_standing(&early, &quiz).await;
    assert_eq!(mine.body["rank"], 1, "{}", mine.text);
    let neighbours: Vec<&str> = mine.body["neighbours"]
        .as_array()
        .expect("neighbours")
        .iter()
        .map(|n| n["display_name"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(neighbours, ["som"], "no post-freeze line: {}", mine.text);
    // Organizers lift the freeze: everyone sees everything again, the stream too.
    assert_eq!(s.set_state(&quiz, "live").await.status, 200);
    let (_, live) = wait_for_event(&mut stream, |v| v["total"] == 2).await;
    assert_eq!(live["items"][0]["display_name"], "muon");
    assert_eq!(
        names(&s.app.quiz_board(Anonymous, &quiz, "").await),
        ["muon", "som"]
    );

    assert_eq!(s.set_state(&quiz, "hidden").await.status, 200);
    let hidden = s.app.quiz_board(Anonymous, &quiz, "").await;
    assert_eq!(hidden.body["state"], "hidden");
    assert_eq!(hidden.body["total"], 0);
    // While hidden, `me` is her own result only: no rank, no names, no scores of others.
    let me = s.app.my_quiz_standing(&early, &quiz).await;
    assert_eq!(me.body["result"]["score"], 2.0, "{}", me.text);
    assert_eq!(me.body["rank"], Value::Null, "{}", me.text);
    assert_eq!(me.body["neighbours"], json!([]), "{}", me.text);
    assert!(!me.text.contains("muon"), "{}", me.text);
    // And a submission while hidden carries no rank.
    let third = s.app.register("thu.ba").await;
    let submitted = s.attempt(&third, &quiz, 1, 5_000).await;
    assert_eq!(submitted.body.get("rank"), None, "{}", submitted.text);
    let participant = s.app.register("ai.do").await;
    let denied = s
        .app
        .set_quiz_board_state(&participant, &quiz, "live")
        .await;
    assert_eq!(denied.status, 403);
}

#[tokio::test]
async fn publication_is_immutable_and_verifiable() {
    let s = setup().await;
    let quiz = s.board_quiz(json!({})).await;
    for (i, right) in [5, 3, 4].iter().enumerate() {
        let student = s.app.register(&format!("hs.{i}")).await;
        s.attempt(&student, &quiz, *right, 40_000).await;
    }
    assert_eq!(
        s.app.published_quiz_board(Anonymous, &quiz).await.status,
        404
    );
    assert_eq!(s.set_state(&quiz, "frozen").await.status, 200);
    let late = s.app.register("sau.khi.dong.bang").await;
    s.attempt(&late, &quiz, 5, 10_000).await;
    let published = s.set_state(&quiz, "published").await;
    assert_eq!(published.status, 200, "{}", published.text);
    assert_eq!(published.body["state"], "published");

    let snapshot = s.app.published_quiz_board(Anonymous, &quiz).await;
    assert_eq!(snapshot.status, 200, "{}", snapshot.text);
    let document = snapshot.body["snapshot"].as_str().expect("snapshot");
    assert_eq!(
        snapshot.body["sha256"].as_str(),
        Some(hex::encode(Sha256::digest(document.as_bytes())).as_str())
    );
    let items: Vec<&str> = snapshot.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|e| e["display_name"].as_str())
        .collect();
    assert_eq!(
        items,
        ["hs.0", "hs.2", "hs.1"],
        "the standings at the freeze"
    );

    // Publishing again changes nothing; leaving publication is refused.
    s.app.clock.advance_ms(5000);
    assert_eq!(s.set_state(&quiz, "published").await.status, 200);
    let again = s.app.published_quiz_board(Anonymous, &quiz).await;
    assert_eq!(again.body["sha256"], snapshot.body["sha256"]);
    assert_eq!(again.body["snapshot"], snapshot.body["snapshot"]);
    assert_eq!(s.set_state(&quiz, "live").await.status, 409);
    assert_eq!(
        names(&s.app.quiz_board(Anonymous, &quiz, "").await),
        ["hs.0", "hs.2", "hs.1"]
    );
}

#[tokio::test]
async fn a_lost_board_is_rebuilt_from_the_database() {
    let s = setup().await;
    let quiz = s.board_quiz(json!({})).await;
    for (i, right) in [2, 5, 4].iter().enumerate() {
        let student = s.app.register(&format!("hs.{i}")).await;
        s.attempt(&student, &quiz, *right, 40_000).await;
    }
    let before = s.app.quiz_board(Anonymous, &quiz, "").await;
    assert_eq!(names(&before), ["hs.1", "hs.2", "hs.0"]);
    // Redis loses everything of this server (every key under its prefix), or the process
    // restarts and its in-process boards are gone.
    match &s.app.state.kv {
        civiquiz::kv::Kv::Redis(redis) => {
            let mut conn = redis.conn.clone();
            let keys: Vec<String> = redis::cmd("KEYS")
                .arg(format!("{}*", redis.prefix))
                .query_async(&mut conn)
                .await
                .expect("keys");
            if !keys.is_empty() {
                let _: i64 = redis::cmd("DEL")
                    .arg(&keys)
                    .query_async(&mut conn)
                    .await
                    .expect("del");
            }
        }
        civiquiz::kv::Kv::Memory(_) => {
            s.app
                .state
                .boards
                .forget(&civiquiz::boards::quiz_board::QuizBoard {
                    view: civiquiz::boards::quiz_board::View::live(&quiz),
                    ranking: civiquiz::quizzes::quiz::Ranking::Best,
                })
                .await
                .expect("forget");
        }
    }
    // (Not the page this process kept for a second: the board itself.)
    s.app.state.board_pages.invalidate(&quiz);
    let after = s.app.quiz_board(Anonymous, &quiz, "").await;
    assert_eq!(after.body["items"], before.body["items"]);
    // A submission after the loss lands on the rebuilt board.
    let next = s.app.register("hs.3").await;
    s.attempt(&next, &quiz, 5, 10_000).await;
    assert_eq!(
        names(&s.app.quiz_board(Anonymous, &quiz, "").await),
        ["hs.3", "hs.1", "hs.2", "hs.0"]
    );
}

#[tokio::test]
async fn a_stream_on_one_process_sees_a_submission_graded_on_another() {
    if std::env::var("TEST_REDIS_URL").is_err() {
        eprintln!("skipped: two processes share live updates through Redis (TEST_REDIS_URL)");
        return;
    }
    let s = setup().await;
    let quiz = s.board_quiz(json!({})).await;
    let dir = tempfile::tempdir().expect("dir");
    let other = TestApp::serve(s.app.config.clone(), dir).await;
    other.clock.set_ms(s.app.clock.now_ms());
    let mut stream = other.quiz_board_stream(Anonymous, &quiz, None).await;
    let (first_id, initial) = wait_for_event(&mut stream, |_| true).await;
    assert_eq!(initial["total"], 0);
    let student = s.app.register("xa.xoi").await;
    s.attempt(&student, &quiz, 4, 20_000).await;
    let (_, update) = wait_for_event(&mut stream, |v| v["total"] == 1).await;
    assert_eq!(update["items"][0]["display_name"], "xa.xoi");
    // Resuming with the last id seen sends the current standings only if they changed.
    let mut resumed = other
        .quiz_board_stream(Anonymous, &quiz, Some(&first_id))
        .await;
    let (_, current) = wait_for_event(&mut resumed, |_| true).await;
    assert_eq!(current["total"], 1);
    drop(stream);
    let _ = resumed.chunk().await;
    let _ = futures::stream::iter(Vec::<u8>::new()).next().await;
}

/// A quiz board whose tables are a fixed list: the two backends, built from the same lines
/// and fed the same updates, must agree line for line.
#[derive(Clone)]
struct FixedBoard {
    board: civiquiz::boards::quiz_board::QuizBoard,
    lines: std::sync::Arc<Vec<civiquiz::boards::quiz_board::QuizLine>>,
}

impl civiquiz::boards::engine::Board for FixedBoard {
    type Line = civiquiz::boards::quiz_board::QuizLine;

    fn namespace(&self) -> String {
        self.board.namespace()
    }

    fn precedence(&self, line: &Self::Line) -> civiquiz::boards::engine::Precedence {
        self.board.precedence(line)
    }

    async fn read_all(
        &self,
        _: &civiquiz::db::Pool,
    ) -> civiquiz::error::AppResult<Vec<Self::Line>> {
        Ok(self.lines.as_ref().clone())
    }

    async fn changed_since(
        &self,
        _: &civiquiz::db::Pool,
        _: i64,
    ) -> civiquiz::error::AppResult<Vec<Self::Line>> {
        Ok(Vec::new())
    }
}

#[tokio::test]
async fn the_redis_and_in_process_boards_agree_entry_for_entry() {
    use civiquiz::boards::engine::Engine;
    use civiquiz::boards::entry::Entry;
    use civiquiz::boards::quiz_board::{QuizBoard, QuizLine, View};
    use civiquiz::quizzes::quiz::Ranking;
    let Ok(url) = std::env::var("TEST_REDIS_URL") else {
        eprintln!("skipped: needs TEST_REDIS_URL");
        return;
    };
    let app = TestApp::spawn().await;
    let (pool, clock) = (app.state.db.pool.clone(), app.state.clock.clone());
    let prefix = format!("civiquiz-test:{}:", uuid::Uuid::now_v7().simple());
    let redis = Engine::new(
        &civiquiz::kv::Kv::connect(Some(&url), &prefix)
            .await
            .expect("redis"),
        pool.clone(),
        clock.clone(),
    );
    let memory = Engine::new(
        &civiquiz::kv::Kv::connect(None, "").await.expect("memory"),
        pool,
        clock,
    );
    // Deliberate ties: scores from a small set, durations from a small set, equal finishes.
    let entry = |i: u64, score: i64, duration: i64, finished: i64| Entry {
        user_id: format!("u{i:04}"),
        attempt_id: format!("a{i}"),
        number: 1,
        display_name: format!("Học sinh {i}"),
        org_unit_id: Some(format!("unit{}", i % 3)),
        org_unit_name: None,
        score_milli: score,
        max_score_milli: 10_000,
        correct_count: 0,
        duration_ms: duration,
        finished_at: finished,
    };
    let scopes = |i: u64| vec!["all".to_owned(), format!("org:unit{}", i % 3)];
    let initial: Vec<QuizLine> = (0..300)
        .map(|i| QuizLine {
            entry: entry(
                i,
                ((i * 37) % 5) as i64 * 1000,
                ((i * 11) % 4) as i64 * 500,
                1_700_000_000_000 + (i % 7) as i64,
            ),
            scopes: scopes(i),
        })
        .collect();
    let view = FixedBoard {
        board: QuizBoard {
            view: View::live("q1"),
            ranking: Ranking::Best,
        },
        lines: std::sync::Arc::new(initial),
    };
    for boards in [&redis, &memory] {
        boards.rebuild(&view).await.expect("build");
        for i in (0..300).step_by(5) {
            // Better for some, worse for others: `best` keeps the better one.
            let update = QuizLine {
                entry: entry(i, ((i * 13) % 6) as i64 * 1000, 250, 1_700_000_001_000),
                scopes: scopes(i),
            };
            boards.put(&view, &update).await.expect("record");
        }
    }
    let entries = |lines: Vec<QuizLine>| lines.into_iter().map(|l| l.entry).collect::<Vec<_>>();
    for scope in ["all", "org:unit0", "org:unit1", "org:unit2", "org:none"] {
        for (offset, limit) in [(0, 50), (37, 100), (250, 200)] {
            let (a, a_total) = redis.page(&view, scope, offset, limit).await.expect("page");
            let (b, b_total) = memory
                .page(&view, scope, offset, limit)
                .await
                .expect("page");
            assert_eq!(
                (entries(a), a_total),
                (entries(b), b_total),
                "scope {scope} offset {offset}"
            );
        }
        for user in ["u0000", "u0005", "u0123", "u0299"] {
            let a = redis.around(&view, scope, user, 2).await.expect("around");
            let b = memory.around(&view, scope, user, 2).await.expect("around");
            let plain = |found: Option<(u64, (Vec<QuizLine>, u64))>| {
                found.map(|(first, (lines, total))| (first, entries(lines), total))
            };
            assert_eq!(plain(a), plain(b), "scope {scope} user {user}");
        }
    }
    let (all, total) = memory.page(&view, "all", 0, 300).await.expect("page");
    assert_eq!(total, 300);
    let keys: Vec<(i64, String)> = all
        .iter()
        .map(|l| l.entry.sort_key().expect("in bounds"))
        .collect();
    assert!(
        keys.windows(2).all(|w| w[0] < w[1]),
        "strictly ordered by the ranking rule"
    );
}
