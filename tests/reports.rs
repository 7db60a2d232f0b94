mod common;

use common::fixture::setup;
use common::{PASSWORD, TestApp};
use serde_json::{Value, json};

async fn csv_rows(app: &TestApp, path: &str, token: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let response = app
        .send(app.request(reqwest::Method::GET, path, Some(token)))
        .await;
    assert_eq!(response.status, 200, "{}", response.text);
    assert_eq!(
        response.header("content-type"),
        Some("text/csv; charset=utf-8")
    );
    assert!(response.text.starts_with('\u{FEFF}'), "a BOM for Excel");
    let mut reader =
        csv::Reader::from_reader(response.text.trim_start_matches('\u{FEFF}').as_bytes());
    let header = reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.expect("record").iter().map(str::to_owned).collect())
        .collect();
    (header, rows)
}

fn column<'a>(header: &[String], row: &'a [String], name: &str) -> &'a str {
    let index = header.iter().position(|h| h == name).expect("column");
    &row[index]
}

#[tokio::test]
async fn quiz_reports_have_exact_figures_and_csv_that_survives_excel() {
    let s = setup().await;
    let quiz = s.board_quiz(json!({})).await;
    let empty = s.board_quiz(json!({"title": "Chưa ai làm"})).await;
    let names = [
        "Nguyễn Văn \"An\", lớp 8A",
        "Trần Thị Bình, \"Bé\"",
        "Lê Cường; DROP TABLE users;--",
    ];
    let mut students = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let student = s
            .app
            .register_with(json!({"username": format!("hs.{i}"), "password": PASSWORD, "display_name": name, "birth_year": 2011}))
            .await;
        students.push(student);
    }
    // 8, 3 and 1 points of 8: every question right; the three 1-point ones; one of them.
    s.attempt(&students[0], &quiz, 5, 100_000).await;
    s.attempt(&students[1], &quiz, 3, 50_000).await;
    s.attempt(&students[2], &quiz, 1, 20_000).await;
    let token = &s.organizer.access;

    let (header, rows) = csv_rows(
        &s.app,
        &format!("/api/v1/reports/quizzes/{quiz}/results?format=csv"),
        token,
    )
    .await;
    assert_eq!(rows.len(), 3);
    for (row, (name, score)) in
        rows.iter()
            .zip([(names[0], "8.0"), (names[1], "3.0"), (names[2], "1.0")])
    {
        assert_eq!(
            column(&header, row, "display_name"),
            name,
            "names survive commas, quotes and line breaks"
        );
        assert_eq!(column(&header, row, "score"), score);
        assert_eq!(column(&header, row, "status"), "submitted");
    }
    assert_eq!(column(&header, &rows[0], "duration_ms"), "100000");
    assert_eq!(column(&header, &rows[1], "correct_count"), "3");
    assert!(
        !header
            .iter()
            .any(|h| h.contains("birth") || h.contains("password"))
    );
    let json_results = s
        .app
        .get(
            &format!("/api/v1/reports/quizzes/{quiz}/results"),
            Some(token),
        )
        .await;
    assert_eq!(json_results.body["total"], 3);
    assert_eq!(json_results.body["items"][0]["username"], "hs.0");
    assert!(
        !json_results.text.contains("2011"),
        "no birth years in reports"
    );

    let questions = s
        .app
        .get(
            &format!("/api/v1/reports/quizzes/{quiz}/questions"),
            Some(token),
        )
        .await;
    assert_eq!(questions.status, 200, "{}", questions.text);
    assert_eq!(questions.body["counted_attempts"], 3);
    assert_eq!(questions.body["group_size"], 1);
    let by_id = |id: &str| -> Value {
        questions.body["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|q| q["question_id"] == id)
            .cloned()
            .expect("question")
    };
    let q1 = by_id("as-001");
    assert_eq!(
        (q1["answered"].as_i64(), q1["correct"].as_i64()),
        (Some(3), Some(3))
    );
    assert_eq!(q1["flag"], "everybody_correct");
    assert_eq!(q1["discrimination"], 0.0);
    let q3 = by_id("as-003");
    assert_eq!(q3["share_correct"], 0.6667);
    assert_eq!(q3["discrimination"], 1.0);
    let q2 = by_id("as-002");
    assert_eq!(q2["correct"], 1);
    assert_eq!(q2["flag"], "");
    assert_eq!(q2["upper_share_correct"], 1.0);
    assert_eq!(q2["lower_share_correct"], 0.0);

    let profile = s
        .app
        .get(
            &format!("/api/v1/reports/quizzes/{quiz}/competences"),
            Some(token),
        )
        .await;
    assert_eq!(profile.status, 200, "{}", profile.text);
    let find = |code: &str| -> Value {
        profile.body["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|r| r["code"] == code)
            .cloned()
            .expect("row")
    };
    assert_eq!(
        (
            find("4.2")["answered"].as_i64(),
            find("4.2")["correct"].as_i64()
        ),
        (Some(6), Some(4))
    );
    assert_eq!(find("4.1")["share_correct"], 0.6667);
    assert_eq!(
        (
            find("4")["answered"].as_i64(),
            find("4")["correct"].as_i64()
        ),
        (Some(9), Some(6))
    );
    assert_eq!(find("2")["share_correct"], 0.5);
    assert_eq!(find("2")["level"], "area");
    assert_eq!(find("2.6")["name"], "Managing digital identity");

    // An empty quiz reports nothing, cleanly.
    let (header, rows) = csv_rows(
        &s.app,
        &format!("/api/v1/reports/quizzes/{empty}/results?format=csv"),
        token,
    )
    .await;
    assert!(rows.is_empty() && header.contains(&"display_name".to_owned()));
    let nothing = s
        .app
        .get(
            &format!("/api/v1/reports/quizzes/{empty}/questions"),
            Some(token),
        )
        .await;
    assert_eq!(nothing.body["total"], 0);
    assert_eq!(
        s.app
            .get(
                &format!("/api/v1/reports/quizzes/{empty}/competences?format=csv"),
                Some(token)
            )
            .await
            .status,
        200
    );
    assert_eq!(
        s.app
            .get(
                &format!("/api/v1/reports/quizzes/{quiz}/results?format=pdf"),
                Some(token)
            )
            .await
            .status,
        422
    );
    assert_eq!(
        s.app
            .get("/api/v1/reports/quizzes/nope/results", Some(token))
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn reports_are_for_organizers_only() {
    let s = setup().await;
    let quiz = s.board_quiz(json!({})).await;
    let participant = s.app.register("to.mo").await;
    let judge = s.app.user_with_role(&s.admin, "giam.khao", "judge").await;
    for token in [&participant.access, &judge.access] {
        for report in ["results", "questions", "competences"] {
            let response = s
                .app
                .get(
                    &format!("/api/v1/reports/quizzes/{quiz}/{report}"),
                    Some(token),
                )
                .await;
            assert_eq!(response.status, 403, "{report}");
        }
    }
    assert_eq!(
        s.app
            .get(&format!("/api/v1/reports/quizzes/{quiz}/results"), None)
            .await
            .status,
        401
    );
}
