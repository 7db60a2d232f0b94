mod common;

use std::collections::HashSet;

use civiquiz::clock::Timestamp;
use common::Anonymous;
use common::fixture::{BANK, GRACE, MINUTE, at, right_answer, setup};
use serde_json::{Value, json};

fn question_ids(view: &Value) -> Vec<String> {
    view["questions"]
        .as_array()
        .expect("questions")
        .iter()
        .map(|q| q["id"].as_str().expect("id").to_owned())
        .collect()
}

#[tokio::test]
async fn organizers_define_quizzes_and_publishing_checks_the_banks() {
    let s = setup().await;
    let student = s.app.register("hoc.sinh").await;
    let denied = s.app.create_quiz(&student, &s.quiz_body()).await;
    assert_eq!(denied.status, 403);

    let mut bad = s.quiz_body();
    bad["closes_at"] = json!(at(s.now() - 2 * MINUTE));
    bad["time_limit_s"] = json!(1);
    bad["rules"] =
        json!([{"bank": "an-toan-so", "competence": "9.9", "difficulty": 7, "count": 0}]);
    bad["max_attempts"] = json!(0);
    let refused = s.app.create_quiz(&s.organizer, &bad).await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    let fields = &refused.body["error"]["details"]["fields"];
    for field in [
        "closes_at",
        "time_limit_s",
        "max_attempts",
        "rules[0].competence",
        "rules[0].difficulty",
        "rules[0].count",
    ] {
        assert!(fields[field].is_string(), "{field} in {fields}");
    }

    let mut too_many = s.quiz_body();
    too_many["rules"] = json!([{"bank": "an-toan-so", "competence": "4", "count": 2}, {"bank": "an-toan-so", "competence": "4.2", "count": 1}]);
    let draft = s.app.create_quiz(&s.organizer, &too_many).await;
    assert_eq!(draft.status, 201, "{}", draft.text);
    assert_eq!(draft.body["status"], "draft");
    assert_eq!(draft.body["question_count"], 3);
    let id = draft.body["id"].as_str().expect("id");
    let publish = s.app.publish_quiz(&s.organizer, id).await;
    assert_eq!(publish.status, 422, "{}", publish.text);
    assert!(
        publish.body["error"]["details"]["fields"]["rules[1].count"].is_string(),
        "{}",
        publish.text
    );

    // A draft can be edited freely; fix the rules, then publish.
    let fixed = s
        .app
        .update_quiz(
            &s.organizer,
            id,
            &json!({"rules": [{"bank": "an-toan-so", "competence": "4", "count": 3}]}),
        )
        .await;
    assert_eq!(fixed.status, 200, "{}", fixed.text);
    let publish = s.app.publish_quiz(&s.organizer, id).await;
    assert_eq!(publish.status, 200, "{}", publish.text);
    assert_eq!(publish.body["status"], "published");
    let again = s.app.publish_quiz(&s.organizer, id).await;
    assert_eq!(again.status, 409);

    // After publication the rules are locked; title, description and close are not.
    let locked = s
        .app
        .update_quiz(
            &s.organizer,
            id,
            &json!({"rules": [{"bank": "an-toan-so", "count": 1}], "title": "x"}),
        )
        .await;
    assert_eq!(locked.status, 409, "{}", locked.text);
    assert_eq!(
        locked.body["error"]["details"]["locked_fields"],
        json!(["rules"])
    );
    let renamed = s
        .app
        .update_quiz(
            &s.organizer,
            id,
            &json!({"title": "Tên mới", "closes_at": at(s.now() + 30 * MINUTE)}),
        )
        .await;
    assert_eq!(renamed.status, 200, "{}", renamed.text);
    assert_eq!(renamed.body["title"], "Tên mới");
    assert_eq!(renamed.body["rules"][0]["count"], 3);
}

#[tokio::test]
async fn events_group_quizzes() {
    let s = setup().await;
    let event = s
        .app
        .create_event(&s.organizer, &json!({"title": "Tuần lễ học tập suốt đời 2022", "description": "1–7/10/2022", "starts_at": "2022-10-01T00:00:00.000+07:00", "ends_at": "2022-10-07T23:59:59.000+07:00"}))
        .await;
    assert_eq!(event.status, 201, "{}", event.text);
    assert_eq!(event.body["starts_at"], "2022-09-30T17:00:00.000Z");
    let id = event.body["id"].as_str().expect("id").to_owned();
    let listed = s.app.events(Anonymous).await;
    assert_eq!(listed.body["total"], 1);
    assert_eq!(
        s.app.event(Anonymous, &id).await.body["title"],
        "Tuần lễ học tập suốt đời 2022"
    );
    assert_eq!(s.app.event(Anonymous, "nope").await.status, 404);
    let backwards = s
        .app
        .create_event(&s.organizer, &json!({"title": "x", "starts_at": "2022-10-07T00:00:00Z", "ends_at": "2022-10-01T00:00:00Z"}))
        .await;
    assert_eq!(backwards.status, 422);
    let quiz = s.quiz_with(json!({"event_id": id})).await;
    let view = s.app.quiz(&s.organizer, &quiz).await;
    assert_eq!(view.body["event_id"], id.as_str());
    let unknown_event = s
        .app
        .create_quiz(&s.organizer, &{
            let mut body = s.quiz_body();
            body["event_id"] = json!("nope");
            body
        })
        .await;
    assert_eq!(unknown_event.status, 422);
}

#[tokio::test]
async fn students_see_the_quizzes_of_their_units_with_state_and_attempts_left() {
    let s = setup().await;
    let units = "code,name,kind,parent_code\nQ,Quận,district,\nP1,Phường Một,ward,Q\nP2,Phường Hai,ward,Q\nS1,Trường Một,school,P1\nC1,Lớp 8A,class,S1\n";
    let id_of = s.org_tree(units).await;
    let student = s
        .app
        .register_with(json!({"username": "lop.8a", "password": common::PASSWORD, "display_name": "An", "org_unit_id": id_of("C1")}))
        .await;
    let ward_quiz = s
        .quiz_with(json!({"audience_org_unit_id": id_of("P1"), "title": "Phường Một"}))
        .await;
    let other_ward = s
        .quiz_with(json!({"audience_org_unit_id": id_of("P2"), "title": "Phường Hai"}))
        .await;
    let everyone = s
        .quiz_with(json!({"title": "Sắp mở", "opens_at": at(s.now() + 10 * MINUTE), "closes_at": at(s.now() + 20 * MINUTE)}))
        .await;
    let draft = s.app.create_quiz(&s.organizer, &s.quiz_body()).await;
    let draft = draft.body["id"].as_str().expect("id").to_owned();

    let listed = s.app.quizzes(&student).await;
    assert_eq!(listed.status, 200, "{}", listed.text);
    let seen: HashSet<&str> = listed.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|q| q["id"].as_str())
        .collect();
    assert_eq!(seen, HashSet::from([ward_quiz.as_str(), everyone.as_str()]));
    assert_eq!(listed.body["total"], 2);
    for hidden in [&other_ward, &draft] {
        assert_eq!(s.app.quiz(&student, hidden).await.status, 404);
        assert_eq!(s.app.start_attempt(&student, hidden).await.status, 404);
    }
    let upcoming = s.app.quiz(&student, &everyone).await;
    assert_eq!(upcoming.body["state"], "upcoming");
    assert_eq!(
        s.app.start_attempt(&student, &everyone).await.code(),
        "quiz_not_open"
    );

    let open = s.app.quiz(&student, &ward_quiz).await;
    assert_eq!(open.body["state"], "open");
    assert_eq!(open.body["attempts_left"], 2);
    let attempt = s.app.start_attempt(&student, &ward_quiz).await;
    assert_eq!(attempt.status, 201);
    let after = s.app.quiz(&student, &ward_quiz).await;
    assert_eq!(after.body["attempts_left"], 1);

    s.app.clock.advance_ms(61 * MINUTE);
    // An hour later the access tokens have expired: sign in again.
    let student = common::session_of(&s.app.login("lop.8a", common::PASSWORD).await);
    let organizer = common::session_of(&s.app.login("ban.to.chuc", common::PASSWORD).await);
    let closed = s.app.quiz(&student, &ward_quiz).await;
    assert_eq!(closed.body["state"], "closed");
    assert_eq!(
        s.app.start_attempt(&student, &ward_quiz).await.code(),
        "quiz_not_open"
    );
    // Organizers see everything, drafts included.
    let all = s.app.quizzes(&organizer).await;
    assert_eq!(all.body["total"], 4);
}

#[tokio::test]
async fn the_attempt_view_never_carries_the_key() {
    let s = setup().await;
    let quiz = s.quiz().await;
    let student = s.app.register("to.mo").await;
    let started = s.app.start_attempt(&student, &quiz).await;
    assert_eq!(started.status, 201, "{}", started.text);
    let view = &started.body;
    assert_eq!(view["status"], "in_progress");
    let started_at = Timestamp::parse(view["started_at"].as_str().expect("start"))
        .expect("time")
        .0;
    let deadline = Timestamp::parse(view["deadline_at"].as_str().expect("deadline"))
        .expect("time")
        .0;
    assert_eq!(deadline - started_at, 600_000);
    assert!(view["server_now"].is_string());
    assert_eq!(view["questions"].as_array().map(Vec::len), Some(5));
    for question in view["questions"].as_array().expect("questions") {
        let keys: HashSet<&str> = question
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            HashSet::from(["id", "kind", "prompt", "options", "points"]),
            "{question}"
        );
        for option in question["options"].as_array().expect("options") {
            assert_eq!(option.as_object().expect("option").len(), 2, "{option}");
        }
    }
    // The short-text key and the explanations appear nowhere.
    assert!(!started.text.contains("VNe ID"));
    assert!(!started.text.contains("explanation"));
    assert!(!started.text.contains("Ngân hàng không bao giờ hỏi mã OTP"));
}

#[tokio::test]
async fn twenty_concurrent_starts_make_one_attempt() {
    let s = setup().await;
    let quiz = s.quiz().await;
    let student = s.app.register("bam.lien.tuc").await;
    let starts =
        futures::future::join_all((0..20).map(|_| s.app.start_attempt(&student, &quiz))).await;
    let ids: HashSet<String> = starts
        .iter()
        .map(|r| r.body["id"].as_str().unwrap_or("?").to_owned())
        .collect();
    assert_eq!(
        ids.len(),
        1,
        "{:?}",
        starts.iter().map(|r| &r.text).collect::<Vec<_>>()
    );
    assert_eq!(starts.iter().filter(|r| r.status == 201).count(), 1);
    assert!(starts.iter().all(|r| r.status == 201 || r.status == 200));
    // A refresh resumes the same attempt.
    let again = s.app.start_attempt(&student, &quiz).await;
    assert_eq!(again.status, 200);
    assert!(ids.contains(again.body["id"].as_str().expect("id")));
}

#[tokio::test]
async fn max_attempts_holds_under_concurrency() {
    let s = setup().await;
    let quiz = s.quiz().await;
    let student = s.app.register("hai.lan").await;
    let first = s.app.start_attempt(&student, &quiz).await;
    let first_id = first.body["id"].as_str().expect("id").to_owned();
    assert_eq!(s.app.submit_attempt(&student, &first_id).await.status, 200);
    let starts =
        futures::future::join_all((0..10).map(|_| s.app.start_attempt(&student, &quiz))).await;
    let ids: HashSet<&str> = starts
        .iter()
        .filter_map(|r| r.body["id"].as_str())
        .collect();
    assert_eq!(ids.len(), 1);
    assert!(!ids.contains(first_id.as_str()));
    let second = ids.into_iter().next().expect("second").to_owned();
    assert_eq!(s.app.submit_attempt(&student, &second).await.status, 200);
    let third = s.app.start_attempt(&student, &quiz).await;
    assert_eq!(third.status, 409);
    assert_eq!(third.code(), "attempts_exhausted");
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM attempts")
        .fetch_one(&s.app.state.db.pool)
        .await
        .expect("count");
    assert_eq!(count, 2);
}

#[tokio::test]
async fn autosave_validates_resumes_and_is_idempotent() {
    let s = setup().await;
    let quiz = s.quiz().await;
    let student = s.app.register("tu.luu").await;
    let attempt = s.app.start_attempt(&student, &quiz).await;
    let id = attempt.body["id"].as_str().expect("id").to_owned();
    let single = "an-toan-so:as-001";
    let multiple = "an-toan-so:as-002";
    let ordering = "an-toan-so:as-004";
    let text = "an-toan-so:as-005";
    let cases = [
        (single, json!("z")),
        (single, json!(["b"])),
        (multiple, json!(["a", "a"])),
        (multiple, json!("a")),
        (ordering, json!(["a", "b"])),
        (ordering, json!(["a", "b", "c", "c"])),
        ("an-toan-so:as-003", json!("false")),
        (text, json!("x".repeat(501))),
        (text, json!(12)),
    ];
    for (question, response) in cases {
        let refused = s
            .app
            .save_answer(&student, &id, question, response.clone())
            .await;
        assert_eq!(
            refused.status, 422,
            "{question} {response}: {}",
            refused.text
        );
        assert!(refused.body["error"]["details"]["fields"]["response"].is_string());
    }
    let unknown = s
        .app
        .save_answer(&student, &id, "an-toan-so:nope", json!("a"))
        .await;
    assert_eq!(unknown.status, 404);

    for _ in 0..2 {
        let saved = s.app.save_answer(&student, &id, single, json!("b")).await;
        assert_eq!(saved.status, 200, "{}", saved.text);
        assert!(saved.body["saved_at"].is_string());
    }
    assert_eq!(
        s.app
            .save_answer(&student, &id, text, json!("  Vne\u{0301}ID "))
            .await
            .status,
        200
    );
    assert_eq!(
        s.app
            .save_answer(&student, &id, multiple, json!(["a"]))
            .await
            .status,
        200
    );
    assert_eq!(
        s.app
            .save_answer(&student, &id, multiple, Value::Null)
            .await
            .status,
        200
    );

    // Another device (a fresh sign-in) resumes with every saved answer.
    let phone = common::session_of(&s.app.login("tu.luu", common::PASSWORD).await);
    let resumed = s.app.attempt(&phone, &id).await;
    assert_eq!(resumed.status, 200);
    assert_eq!(resumed.body["answers"][single], "b");
    assert_eq!(
        resumed.body["answers"][text], "  Vn\u{e9}ID ",
        "stored in NFC"
    );
    assert!(resumed.body["answers"].get(multiple).is_none());
    assert_eq!(question_ids(&resumed.body), question_ids(&attempt.body));
}

#[tokio::test]
async fn another_students_attempt_is_not_found() {
    let s = setup().await;
    let quiz = s.quiz().await;
    let owner = s.app.register("chu.bai").await;
    let other = s.app.register("ke.la").await;
    let attempt = s.app.start_attempt(&owner, &quiz).await;
    let id = attempt.body["id"].as_str().expect("id").to_owned();
    assert_eq!(s.app.attempt(&other, &id).await.status, 404);
    assert_eq!(
        s.app
            .save_answer(&other, &id, "an-toan-so:as-001", json!("b"))
            .await
            .status,
        404
    );
    assert_eq!(s.app.submit_attempt(&other, &id).await.status, 404);
    assert_eq!(s.app.attempt_review(&other, &id).await.status, 404);
    assert_eq!(s.app.attempt(Anonymous, &id).await.status, 401);
    // Nothing the other student did changed the attempt.
    let view = s.app.attempt(&owner, &id).await;
    assert_eq!(view.body["answers"], json!({}));
    assert_eq!(view.body["status"], "in_progress");
}

#[tokio::test]
async fn a_save_counts_inside_the_grace_and_not_a_millisecond_after() {
    let s = setup().await;
    let quiz = s.quiz().await;
    let inside = s.app.register("vua.kip").await;
    let outside = s.app.register("tre.mat").await;
    let a = s.app.start_attempt(&inside, &quiz).await.body["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let b = s.app.start_attempt(&outside, &quiz).await.body["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let start = s.now();
    s.app.clock.set_ms(start + 600_000 + GRACE);
    let late_but_in = s
        .app
        .save_answer(&inside, &a, "an-toan-so:as-001", json!("b"))
        .await;
    assert_eq!(late_but_in.status, 200, "{}", late_but_in.text);
    s.app.clock.set_ms(start + 600_000 + GRACE + 1);
    let too_late = s
        .app
        .save_answer(&outside, &b, "an-toan-so:as-001", json!("b"))
        .await;
    assert_eq!(too_late.status, 409);
    assert_eq!(too_late.code(), "attempt_closed");
    let late_submit = s.app.submit_attempt(&inside, &a).await;
    assert_eq!(late_submit.code(), "attempt_closed");

    // Both were closed by the server; the save inside the grace was graded.
    let graded = s.app.attempt(&inside, &a).await;
    assert_eq!(graded.body["status"], "expired");
    assert_eq!(graded.body["result"]["score"], 1.0);
    assert_eq!(graded.body["result"]["correct_count"], 1);
    assert_eq!(graded.body["result"]["duration_ms"], 600_000);
    let other = s.app.attempt(&outside, &b).await;
    assert_eq!(other.body["status"], "expired");
    assert_eq!(other.body["result"]["score"], 0.0);
}

#[tokio::test]
async fn an_expired_attempt_is_graded_only_on_what_was_saved_in_time() {
    let s = setup().await;
    let quiz = s.quiz().await;
    let student = s.app.register("het.gio").await;
    let id = s.app.start_attempt(&student, &quiz).await.body["id"]
        .as_str()
        .expect("id")
        .to_owned();
    assert_eq!(
        s.app
            .save_answer(&student, &id, "an-toan-so:as-001", json!("b"))
            .await
            .status,
        200
    );
    assert_eq!(
        s.app
            .save_answer(&student, &id, "an-toan-so:as-003", json!(false))
            .await
            .status,
        200
    );
    s.app.clock.advance_ms(600_000 + GRACE + 1);
    // A submission after the grace, carrying more answers, changes nothing.
    let answers: serde_json::Map<String, Value> = [
        "an-toan-so:as-002",
        "an-toan-so:as-004",
        "an-toan-so:as-005",
    ]
    .iter()
    .map(|q| ((*q).to_owned(), right_answer(q)))
    .collect();
    let submit = s
        .app
        .submit_attempt_with(&student, &id, &json!({ "answers": answers }))
        .await;
    assert_eq!(submit.status, 409);
    assert_eq!(submit.code(), "attempt_closed");
    let view = s.app.attempt(&student, &id).await;
    assert_eq!(view.body["status"], "expired");
    assert_eq!(view.body["result"]["score"], 2.0);
    assert_eq!(view.body["result"]["max_score"], 8.0);
    assert_eq!(view.body["result"]["correct_count"], 2);
    assert_eq!(view.body["answers"].as_object().map(|a| a.len()), Some(2));
}

#[tokio::test]
async fn a_quiz_that_closes_first_cuts_the_time_limit() {
    let s = setup().await;
    let quiz = s
        .quiz_with(json!({"closes_at": at(s.now() + 2 * MINUTE), "time_limit_s": 1200}))
        .await;
    let student = s.app.register("sat.gio").await;
    let view = s.app.start_attempt(&student, &quiz).await;
    let deadline = Timestamp::parse(view.body["deadline_at"].as_str().expect("deadline"))
        .expect("time")
        .0;
    assert_eq!(deadline, s.now() + 2 * MINUTE);
    // Moving the close earlier after publication shortens the deadline in progress too.
    let moved = s
        .app
        .update_quiz(
            &s.organizer,
            &quiz,
            &json!({"closes_at": at(s.now() + MINUTE)}),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.text);
    let id = view.body["id"].as_str().expect("id");
    let again = s.app.attempt(&student, id).await;
    assert_eq!(
        Timestamp::parse(again.body["deadline_at"].as_str().expect("deadline"))
            .expect("time")
            .0,
        s.now() + MINUTE
    );
}

#[tokio::test]
async fn full_marks_partial_credit_and_concurrent_submits_grade_once() {
    let s = setup().await;
    let quiz = s.quiz().await;
    let student = s.app.register("gioi.lam").await;
    let view = s.app.start_attempt(&student, &quiz).await;
    let id = view.body["id"].as_str().expect("id").to_owned();
    for question in question_ids(&view.body) {
        let response = if question == "an-toan-so:as-002" {
            json!(["a", "b"])
        } else {
            right_answer(&question)
        };
        assert_eq!(
            s.app
                .save_answer(&student, &id, &question, response)
                .await
                .status,
            200
        );
    }
    s.app.clock.advance_ms(90_000);
    let submits =
        futures::future::join_all((0..8).map(|_| s.app.submit_attempt(&student, &id))).await;
    for submit in &submits {
        assert_eq!(submit.status, 200, "{}", submit.text);
        assert_eq!(submit.body, submits[0].body);
    }
    let result = &submits[0].body;
    assert_eq!(result["status"], "submitted");
    // 2 of 3 right options of a 2-point question: 1.333 points.
    assert_eq!(result["score"], 7.333);
    assert_eq!(result["max_score"], 8.0);
    assert_eq!(result["correct_count"], 4);
    assert_eq!(result["question_count"], 5);
    assert_eq!(result["duration_ms"], 90_000);
    // Saves after submission are refused.
    let late = s
        .app
        .save_answer(&student, &id, "an-toan-so:as-001", json!("a"))
        .await;
    assert_eq!(late.code(), "attempt_closed");
    assert_eq!(
        s.app.submit_attempt(&student, &id).await.body,
        submits[0].body
    );
}

#[tokio::test]
async fn the_sweeper_closes_attempts_nobody_came_back_to() {
    let s = setup().await;
    let quiz = s.quiz().await;
    let student = s.app.register("bo.do").await;
    let id = s.app.start_attempt(&student, &quiz).await.body["id"]
        .as_str()
        .expect("id")
        .to_owned();
    assert_eq!(
        s.app
            .save_answer(&student, &id, "an-toan-so:as-003", json!(false))
            .await
            .status,
        200
    );
    s.app.clock.advance_ms(600_000 + GRACE + 1);
    // The background sweeper runs every 200 ms in tests; give it a generous bound.
    let status = async {
        loop {
            let status: String = sqlx::query_scalar("SELECT status FROM attempts WHERE id = $1")
                .bind(&id)
                .fetch_one(&s.app.state.db.pool)
                .await
                .expect("status");
            if status != "in_progress" {
                return status;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    };
    let status = tokio::time::timeout(std::time::Duration::from_secs(20), status)
        .await
        .expect("the sweeper closes it");
    assert_eq!(status, "expired");
    let score: i64 = sqlx::query_scalar("SELECT score_milli FROM attempts WHERE id = $1")
        .bind(&id)
        .fetch_one(&s.app.state.db.pool)
        .await
        .expect("score");
    assert_eq!(score, 1000);
    // A second pass, or another process's, finds nothing left to do.
    assert_eq!(
        civiquiz::quizzes::sweeper::sweep_once(&s.app.state)
            .await
            .expect("sweep"),
        0
    );
}

#[tokio::test]
async fn two_sweepers_and_a_reader_grade_each_attempt_once() {
    let s = setup().await;
    let quiz = s.quiz().await;
    let mut ids = Vec::new();
    for i in 0..6 {
        let student = s.app.register(&format!("hs.{i}")).await;
        let id = s.app.start_attempt(&student, &quiz).await.body["id"]
            .as_str()
            .expect("id")
            .to_owned();
        assert_eq!(
            s.app
                .save_answer(&student, &id, "an-toan-so:as-001", json!("b"))
                .await
                .status,
            200
        );
        ids.push((student, id));
    }
    s.app.clock.advance_ms(600_000 + GRACE + 1);
    let second = civiquiz::app::AppState::connect(s.app.config.clone(), Some(s.app.clock.clone()))
        .await
        .expect("second process");
    let (a, b, _) = tokio::join!(
        civiquiz::quizzes::sweeper::sweep_once(&s.app.state),
        civiquiz::quizzes::sweeper::sweep_once(&second),
        futures::future::join_all(ids.iter().map(|(student, id)| s.app.attempt(student, id)))
    );
    a.expect("sweep");
    b.expect("sweep");
    for (student, id) in &ids {
        let view = s.app.attempt(student, id).await;
        assert_eq!(view.body["status"], "expired");
        assert_eq!(view.body["result"]["score"], 1.0);
    }
}

#[tokio::test]
async fn review_follows_the_quiz_policy() {
    let s = setup().await;
    let student = s.app.register("xem.lai").await;
    let mut reviews = Vec::new();
    for policy in ["never", "score_only", "after_submit", "after_close"] {
        let quiz = s
            // One attempt: `after_submit` shows keys once none is left (issue 15).
            .quiz_with(json!({"review": policy, "max_attempts": 1, "closes_at": at(s.now() + 30 * MINUTE)}))
            .await;
        let view = s.app.start_attempt(&student, &quiz).await;
        let id = view.body["id"].as_str().expect("id").to_owned();
        assert_eq!(
            s.app
                .save_answer(&student, &id, "an-toan-so:as-001", json!("a"))
                .await
                .status,
            200
        );
        let early = s.app.attempt_review(&student, &id).await;
        assert_eq!(early.status, 409, "in progress: {}", early.text);
        assert_eq!(s.app.submit_attempt(&student, &id).await.status, 200);
        reviews.push((policy, id));
    }
    let never = s.app.attempt_review(&student, &reviews[0].1).await;
    assert_eq!(never.status, 403);
    let score_only = s.app.attempt_review(&student, &reviews[1].1).await;
    assert_eq!(score_only.status, 200, "{}", score_only.text);
    assert_eq!(score_only.body["result"]["score"], 0.0);
    for question in score_only.body["questions"].as_array().expect("questions") {
        assert!(
            question["correct_answer"].is_null()
                && question["explanation"].is_null()
                && question["correct"].is_null(),
            "{question}"
        );
    }
    let after_submit = s.app.attempt_review(&student, &reviews[2].1).await;
    assert_eq!(after_submit.status, 200);
    let q1 = after_submit.body["questions"]
        .as_array()
        .expect("questions")
        .iter()
        .find(|q| q["id"] == "an-toan-so:as-001")
        .cloned()
        .expect("question");
    assert_eq!(q1["response"], "a");
    assert_eq!(q1["correct_answer"], "b");
    assert_eq!(q1["correct"], false);
    assert_eq!(q1["points_awarded"], 0.0);
    assert!(q1["explanation"]["vi"].is_string());
    let before_close = s.app.attempt_review(&student, &reviews[3].1).await;
    assert_eq!(before_close.status, 403);
    assert!(before_close.body["error"]["details"]["available_at"].is_string());
    s.app.clock.advance_ms(31 * MINUTE);
    let student = common::session_of(&s.app.login("xem.lai", common::PASSWORD).await);
    assert_eq!(
        s.app.attempt_review(&student, &reviews[3].1).await.status,
        200
    );
}

#[tokio::test]
async fn editing_the_bank_after_an_attempt_leaves_its_grading_unchanged() {
    let s = setup().await;
    // One attempt, so its review shows the keys (issue 15).
    let quiz = s.quiz_with(json!({"max_attempts": 1})).await;
    let student = s.app.register("cu.nhu.cu").await;
    let id = s.app.start_attempt(&student, &quiz).await.body["id"]
        .as_str()
        .expect("id")
        .to_owned();
    assert_eq!(
        s.app
            .save_answer(&student, &id, "an-toan-so:as-001", json!("b"))
            .await
            .status,
        200
    );
    // The organizer changes the key while the attempt is open, and again after.
    let edited = BANK.replacen("answer = \"b\"", "answer = \"a\"", 1);
    let import = s
        .app
        .import_bank(&s.organizer, "", "application/toml", edited)
        .await;
    assert_eq!(import.body["updated"], 1, "{}", import.text);
    let result = s.app.submit_attempt(&student, &id).await;
    assert_eq!(
        result.body["score"], 1.0,
        "graded on the version it served: {}",
        result.text
    );
    let review = s.app.attempt_review(&student, &id).await;
    let q1 = review.body["questions"]
        .as_array()
        .expect("questions")
        .iter()
        .find(|q| q["id"] == "an-toan-so:as-001")
        .cloned()
        .expect("q1");
    assert_eq!(q1["correct_answer"], "b");
    assert_eq!(q1["correct"], true);
}

#[tokio::test]
async fn only_participants_take_quizzes() {
    let s = setup().await;
    let quiz = s.quiz().await;
    let judge = s.app.user_with_role(&s.admin, "giam.khao", "judge").await;
    let response = s.app.start_attempt(&judge, &quiz).await;
    assert_eq!(response.status, 403);
}

/// Extra time or a later close for one participant (WCAG 2.2.1's accommodation): granted
/// before or during her attempt, honoured by the deadline, the sweeper and the review, and by
/// nobody else's attempt.
#[tokio::test]
async fn a_time_allowance_moves_one_participants_deadline() {
    let s = setup().await;
    let quiz = s
        .quiz_with(json!({"review": "after_close", "max_attempts": 1}))
        .await;
    let lan = s.app.register("hs.lan").await;
    let binh = s.app.register("hs.binh").await;

    // Organizers only; bad values are refused whole and change nothing.
    let refused = s
        .app
        .grant_allowance(&lan, &quiz, &lan.user_id, &json!({"extra_time_s": 300}))
        .await;
    assert_eq!(refused.status, 403, "{}", refused.text);
    let bad = s
        .app
        .grant_allowance(
            &s.organizer,
            &quiz,
            &lan.user_id,
            &json!({"extra_time_s": -1, "extra_close_s": 99_999_999}),
        )
        .await;
    assert_eq!(bad.status, 422, "{}", bad.text);
    for field in ["extra_time_s", "extra_close_s"] {
        assert!(
            bad.body["error"]["details"]["fields"][field].is_string(),
            "{}",
            bad.text
        );
    }
    let stranger = s
        .app
        .grant_allowance(
            &s.organizer,
            &quiz,
            "0190aaaa-0000-7000-8000-000000000000",
            &json!({"extra_time_s": 60}),
        )
        .await;
    assert_eq!(stranger.status, 404, "{}", stranger.text);
    assert_eq!(s.app.allowances(&s.organizer, &quiz).await.body["total"], 0);

    // Granted before she starts: 15 minutes instead of 10.
    let granted = s
        .app
        .grant_allowance(
            &s.organizer,
            &quiz,
            &lan.user_id,
            &json!({"extra_time_s": 300}),
        )
        .await;
    assert_eq!(granted.status, 200, "{}", granted.text);
    let started = s.now();
    let hers = s.app.start_attempt(&lan, &quiz).await;
    let theirs = s.app.start_attempt(&binh, &quiz).await;
    assert_eq!(
        hers.body["deadline_at"],
        at(started + 15 * MINUTE),
        "{}",
        hers.text
    );
    assert_eq!(
        theirs.body["deadline_at"],
        at(started + 10 * MINUTE),
        "{}",
        theirs.text
    );
    let attempt = hers.body["id"].as_str().expect("id").to_owned();
    let question = question_ids(&hers.body)[0].clone();

    // Granted more during the attempt: her running attempt gets it at once.
    let more = s
        .app
        .grant_allowance(
            &s.organizer,
            &quiz,
            &lan.user_id,
            &json!({"extra_time_s": 600}),
        )
        .await;
    assert_eq!(more.status, 200, "{}", more.text);
    let now = s.app.attempt(&lan, &attempt).await;
    assert_eq!(
        now.body["deadline_at"],
        at(started + 20 * MINUTE),
        "{}",
        now.text
    );

    // Past everyone else's deadline and grace her saves still count; Bình's attempt is closed.
    s.app.clock.advance_ms(12 * MINUTE);
    let saved = s
        .app
        .save_answer(&lan, &attempt, &question, right_answer(&question))
        .await;
    assert_eq!(saved.status, 200, "{}", saved.text);
    let closed = s
        .app
        .attempt(&binh, theirs.body["id"].as_str().expect("id"))
        .await;
    assert_eq!(closed.body["status"], "expired", "{}", closed.text);

    // Taken back, she returns to the quiz's own deadline, which has passed.
    let revoked = s
        .app
        .revoke_allowance(&s.organizer, &quiz, &lan.user_id)
        .await;
    assert_eq!(revoked.status, 204, "{}", revoked.text);
    let again = s
        .app
        .revoke_allowance(&s.organizer, &quiz, &lan.user_id)
        .await;
    assert_eq!(again.status, 404, "{}", again.text);
    s.app.clock.advance_ms(GRACE + 1);
    let ended = s.app.attempt(&lan, &attempt).await;
    assert_eq!(ended.body["status"], "expired", "{}", ended.text);

    // A later close: she may start after the quiz has closed for everyone else. (Access
    // tokens last 15 minutes of the test clock: everyone signs in again.)
    let close = started + 60 * MINUTE;
    s.app.clock.set_ms(close + 25 * MINUTE);
    let organizer = common::session_of(&s.app.login(&s.organizer.username, common::PASSWORD).await);
    let lan = common::session_of(&s.app.login(&lan.username, common::PASSWORD).await);
    let cu = s.app.register("hs.cu").await;
    let dung = s.app.register("hs.dung").await;
    let later = s
        .app
        .grant_allowance(
            &organizer,
            &quiz,
            &cu.user_id,
            &json!({"extra_close_s": 1800}),
        )
        .await;
    assert_eq!(later.status, 200, "{}", later.text);
    assert_eq!(
        later.body["closes_at"],
        at(close + 30 * MINUTE),
        "{}",
        later.text
    );
    let late = s.app.start_attempt(&dung, &quiz).await;
    assert_eq!(late.status, 409, "{}", late.text);
    assert_eq!(late.code(), "quiz_not_open");
    // Her view of the quiz says it is open for her, and why; a classmate's says closed.
    let hers = s.app.quiz(&cu, &quiz).await;
    assert_eq!(hers.body["state"], "open", "{}", hers.text);
    assert_eq!(
        hers.body["allowance"]["extra_close_s"], 1800,
        "{}",
        hers.text
    );
    let theirs = s.app.quiz(&dung, &quiz).await;
    assert_eq!(theirs.body["state"], "closed", "{}", theirs.text);
    assert!(theirs.body.get("allowance").is_none(), "{}", theirs.text);
    let listed = s.app.quizzes(&cu).await;
    assert_eq!(listed.body["items"][0]["state"], "open", "{}", listed.text);
    let allowed = s.app.start_attempt(&cu, &quiz).await;
    assert_eq!(allowed.status, 201, "{}", allowed.text);
    assert_eq!(
        allowed.body["deadline_at"],
        at(close + 30 * MINUTE),
        "the later close binds"
    );
    let listed = s.app.allowances(&organizer, &quiz).await;
    assert_eq!(listed.body["total"], 1, "{}", listed.text);
    assert_eq!(listed.body["items"][0]["user_id"], cu.user_id.as_str());

    // Keys wait until the quiz has closed for everyone, her later close included.
    let waiting = s.app.attempt_review(&lan, &attempt).await;
    assert_eq!(waiting.status, 403, "{}", waiting.text);
    assert_eq!(
        waiting.body["error"]["details"]["available_at"],
        at(close + 30 * MINUTE)
    );
    s.app.clock.set_ms(close + 31 * MINUTE);
    let review = s.app.attempt_review(&lan, &attempt).await;
    assert_eq!(review.status, 200, "{}", review.text);
}
