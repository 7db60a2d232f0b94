mod common;

use common::contests::fixture;
use common::fixture::{MINUTE, Setup, at, setup};
use common::{Anonymous, PASSWORD, Response, Session};
use serde_json::{Value, json};

/// The header and rows of a CSV report, which must come as UTF-8 CSV with a BOM.
fn csv_rows(response: Response) -> (Vec<String>, Vec<Vec<String>>) {
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
    let organizer = &s.organizer;

    let (header, rows) = csv_rows(
        s.app
            .quiz_report(organizer, &quiz, "results", "?format=csv")
            .await,
    );
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
    let json_results = s.app.quiz_report(organizer, &quiz, "results", "").await;
    assert_eq!(json_results.body["total"], 3);
    assert_eq!(json_results.body["items"][0]["username"], "hs.0");
    assert!(
        !json_results.text.contains("2011"),
        "no birth years in reports"
    );

    let questions = s.app.quiz_report(organizer, &quiz, "questions", "").await;
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

    let profile = s.app.quiz_report(organizer, &quiz, "competences", "").await;
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
        s.app
            .quiz_report(organizer, &empty, "results", "?format=csv")
            .await,
    );
    assert!(rows.is_empty() && header.contains(&"display_name".to_owned()));
    let nothing = s.app.quiz_report(organizer, &empty, "questions", "").await;
    assert_eq!(nothing.body["total"], 0);
    assert_eq!(
        s.app
            .quiz_report(organizer, &empty, "competences", "?format=csv")
            .await
            .status,
        200
    );
    assert_eq!(
        s.app
            .quiz_report(organizer, &quiz, "results", "?format=pdf")
            .await
            .status,
        422
    );
    assert_eq!(
        s.app
            .quiz_report(organizer, "nope", "results", "")
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
    for who in [&participant, &judge] {
        for report in ["results", "questions", "competences"] {
            let response = s.app.quiz_report(who, &quiz, report, "").await;
            assert_eq!(response.status, 403, "{report}");
        }
    }
    assert_eq!(
        s.app
            .quiz_report(Anonymous, &quiz, "results", "")
            .await
            .status,
        401
    );
}

/// An entry by `who` in `contest` with a recording, submitted, then moderated with
/// `decision` when one is given.
async fn contest_entry(s: &Setup, who: &Session, contest: &str, decision: Option<&str>) {
    let created = s
        .app
        .create_entry(
            who,
            contest,
            &json!({"title": "Mật khẩu mạnh", "description": "", "consent": {"entrant": true}}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let entry = created.body["id"].as_str().expect("id").to_owned();
    let uploaded = s
        .app
        .send(
            s.app
                .upload_request(who, &entry)
                .header("content-type", "audio/webm")
                .body(fixture("webm_opus_mediarecorder.webm")),
        )
        .await;
    assert_eq!(uploaded.status, 201, "{}", uploaded.text);
    let submitted = s.app.submit_entry(who, &entry).await;
    assert_eq!(submitted.status, 200, "{}", submitted.text);
    if let Some(decision) = decision {
        let moderated = s.moderate(&entry, decision, "đã xem").await;
        assert_eq!(moderated.status, 200, "{}", moderated.text);
    }
}

async fn event(s: &Setup, title: &str) -> String {
    let created = s
        .app
        .create_event(
            &s.organizer,
            &json!({"title": title, "starts_at": at(s.now() - MINUTE), "ends_at": at(s.now() + 600 * MINUTE)}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    created.body["id"].as_str().expect("id").to_owned()
}

/// The rows of a participation report by `row` kind and unit code (`""` for the outside row
/// and the total).
fn participation_rows(body: &Value) -> Vec<Value> {
    body["items"].as_array().expect("items").clone()
}

fn row_of<'a>(rows: &'a [Value], code: &str, row: &str) -> &'a Value {
    rows.iter()
        .find(|r| r["row"] == row && (row != "unit" || r["code"] == code))
        .unwrap_or_else(|| panic!("no {row} row {code}"))
}

/// The figures of a row in report order: registered, participants, completed, attempts
/// finished, participation and completion shares, mean and median score, entries submitted
/// and approved.
fn figures(row: &Value) -> Value {
    json!([
        row["registered"],
        row["participants"],
        row["completed"],
        row["attempts_finished"],
        row["participation_share"],
        row["completion_share"],
        row["mean_score"],
        row["median_score"],
        row["entries_submitted"],
        row["entries_approved"]
    ])
}

const TREE: &str = "code,name,kind,parent_code
Q,Quận Hoàn Kiếm,district,
P1,\"Phường Hàng Bạc, \"\"cũ\"\"\",ward,Q
P2,Phường Tràng Tiền,ward,Q
P3,Phường Chương Dương,ward,Q
S1,Trường THCS Hàng Bạc,school,P1
S2,Trường THCS Tràng Tiền,school,P2
C1,Lớp 8A,class,S1
C2,Lớp 8B,class,S1
C3,Lớp 9A,class,S2
";

/// The seeded event of the participation tests, with every figure computed by hand below.
///
/// | who | unit | quiz 1 (best) | quiz 2 (first) | contest entry |
/// |---|---|---|---|---|
/// | a | C1 | 3 then 8 points → 100 % | 1 → 12.5 % | approved |
/// | b | C1 | 1 → 12.5 % | 3 then 8 → 37.5 % | rejected |
/// | c | C2 | started, not finished | | |
/// | d | C3 | 3 → 37.5 % | | pending |
/// | g | C3 | | | pending |
/// | e | P2 | 8 → 100 % | | draft (not counted) |
/// | f | none | 1 → 12.5 % | | |
/// | h | P3 | | | |
/// | i | C1, disabled | | | |
///
/// Also an attempt by a at a quiz outside the event, which no figure counts.
async fn seeded_event(s: &Setup) -> String {
    let unit = s.org_tree(TREE).await;
    let mut people = std::collections::HashMap::new();
    for (who, name, code) in [
        ("a", "Nguyễn Văn \"An\", lớp 8A", Some("C1")),
        ("b", "=HYPERLINK(\"x\")", Some("C1")),
        ("c", "Trần Thị Cúc; lớp 8B", Some("C2")),
        ("d", "Lê Đức", Some("C3")),
        ("g", "Phạm Giang", Some("C3")),
        ("e", "Vũ Em", Some("P2")),
        ("f", "Đỗ Phúc", None),
        ("h", "Hoàng Hà", Some("P3")),
        ("i", "Bùi Ích", Some("C1")),
    ] {
        let mut body = json!({"username": format!("hs.{who}"), "password": PASSWORD, "display_name": name, "birth_year": 2000});
        if let Some(code) = code {
            body["org_unit_id"] = json!(unit(code));
        }
        people.insert(who, s.app.register_with(body).await);
    }
    let disabled = s
        .app
        .update_user(&s.admin, &people["i"].user_id, &json!({"disabled": true}))
        .await;
    assert_eq!(disabled.status, 200, "{}", disabled.text);

    let event_id = event(s, "Tuần lễ học tập suốt đời").await;
    let best = s.board_quiz(json!({"event_id": event_id})).await;
    let first = s
        .board_quiz(json!({"event_id": event_id, "ranking": "first"}))
        .await;
    let elsewhere = s.board_quiz(json!({})).await;
    for (who, quiz, right) in [
        ("a", &best, 3),
        ("a", &best, 5),
        ("a", &first, 1),
        ("b", &best, 1),
        ("b", &first, 3),
        ("b", &first, 5),
        ("d", &best, 3),
        ("e", &best, 5),
        ("f", &best, 1),
        ("a", &elsewhere, 5),
    ] {
        s.attempt(&people[who], quiz, right, 10_000).await;
    }
    assert_eq!(s.app.start_attempt(&people["c"], &best).await.status, 201);

    // Every field of `contest_body` replaced: audio only, one entry each, no voting.
    let contest = s
        .contest_with(json!({
            "event_id": event_id, "title": "Công dân số", "rules": "Một phút về an toàn mạng.",
            "opens_at": at(s.now() - MINUTE), "closes_at": at(s.now() + 60 * MINUTE),
            "media": ["audio"], "max_bytes": 1_000_000, "max_duration_s": 60, "max_entries_per_user": 1,
            "criteria": [{"key": "content", "title": "Nội dung", "weight": 1, "max_points": 10}],
            "judges_per_entry": 1, "voting": {"enabled": false}
        }))
        .await;
    contest_entry(s, &people["a"], &contest, Some("approve")).await;
    contest_entry(s, &people["b"], &contest, Some("reject")).await;
    contest_entry(s, &people["d"], &contest, None).await;
    contest_entry(s, &people["g"], &contest, None).await;
    let draft = s
        .app
        .create_entry(
            &people["e"],
            &contest,
            &json!({"title": "Nháp", "description": "", "consent": {"entrant": true}}),
        )
        .await;
    assert_eq!(draft.status, 201, "{}", draft.text);
    event_id
}

#[tokio::test]
async fn participation_by_ward_school_and_class_has_hand_computed_figures() {
    let s = setup().await;
    let event_id = seeded_event(&s).await;
    let organizer = &s.organizer;
    let report = |group_by: &'static str| {
        let (app, event_id) = (&s.app, &event_id);
        async move {
            let query = format!("?group_by={group_by}");
            let response = app
                .event_report(organizer, event_id, "participation", &query)
                .await;
            assert_eq!(response.status, 200, "{}", response.text);
            assert_eq!(response.body["score_scale"], "percent");
            participation_rows(&response.body)
        }
    };

    let wards = report("ward").await;
    assert_eq!(
        wards
            .iter()
            .map(|r| (r["row"].as_str(), r["code"].as_str()))
            .collect::<Vec<_>>(),
        [
            (Some("unit"), Some("P3")),
            (Some("unit"), Some("P1")),
            (Some("unit"), Some("P2")),
            (Some("outside"), Some("")),
            (Some("total"), Some("")),
        ],
        "every ward in path order, the one without participants too, then the rest and the total"
    );
    assert_eq!(
        figures(row_of(&wards, "P1", "unit")),
        json!([3, 3, 2, 6, 1.0, 0.6667, 40.63, 25.0, 2, 1])
    );
    assert_eq!(
        figures(row_of(&wards, "P2", "unit")),
        json!([3, 3, 2, 2, 1.0, 0.6667, 68.75, 68.75, 2, 0])
    );
    assert_eq!(
        figures(row_of(&wards, "P3", "unit")),
        json!([1, 0, 0, 0, 0.0, 0.0, null, null, 0, 0])
    );
    assert_eq!(
        figures(row_of(&wards, "", "outside")),
        json!([1, 1, 1, 1, 1.0, 1.0, 12.5, 12.5, 0, 0])
    );
    assert_eq!(
        figures(row_of(&wards, "", "total")),
        json!([8, 7, 5, 9, 0.875, 0.625, 44.64, 37.5, 4, 1])
    );
    assert_eq!(
        row_of(&wards, "P1", "unit")["path"],
        "Quận Hoàn Kiếm / Phường Hàng Bạc, \"cũ\""
    );

    let schools = report("school").await;
    assert_eq!(
        figures(row_of(&schools, "S1", "unit")),
        json!([3, 3, 2, 6, 1.0, 0.6667, 40.63, 25.0, 2, 1])
    );
    assert_eq!(
        figures(row_of(&schools, "S2", "unit")),
        json!([2, 2, 1, 1, 1.0, 0.5, 37.5, 37.5, 2, 0])
    );
    assert_eq!(
        figures(row_of(&schools, "", "outside")),
        json!([3, 2, 2, 2, 0.6667, 0.6667, 56.25, 56.25, 0, 0]),
        "e sits in a ward above any school, f in no unit, h in a ward"
    );

    let classes = report("class").await;
    assert_eq!(
        figures(row_of(&classes, "C1", "unit")),
        json!([2, 2, 2, 6, 1.0, 1.0, 40.63, 25.0, 2, 1])
    );
    assert_eq!(
        figures(row_of(&classes, "C2", "unit")),
        json!([1, 1, 0, 0, 1.0, 0.0, null, null, 0, 0]),
        "an attempt in progress makes a participant, not a completion"
    );
    assert_eq!(
        figures(row_of(&classes, "", "total")),
        figures(row_of(&wards, "", "total")),
        "the total does not depend on the grouping"
    );

    // The CSV carries the same rows, parsed back by a CSV library.
    let (header, rows) = csv_rows(
        s.app
            .event_report(
                organizer,
                &event_id,
                "participation",
                "?group_by=ward&format=csv",
            )
            .await,
    );
    assert_eq!(rows.len(), 5);
    let p1 = rows
        .iter()
        .find(|r| column(&header, r, "code") == "P1")
        .expect("P1");
    assert_eq!(column(&header, p1, "org_unit"), "Phường Hàng Bạc, \"cũ\"");
    assert_eq!(column(&header, p1, "mean_score"), "40.63");
    assert_eq!(column(&header, &rows[4], "org_unit"), "Tổng cộng / Total");
    assert_eq!(column(&header, &rows[4], "registered"), "8");
    assert!(
        !header
            .iter()
            .any(|h| h.contains("birth") || h.contains("password"))
    );

    for bad in ["group_by=province", "format=pdf"] {
        let refused = s
            .app
            .event_report(organizer, &event_id, "participation", &format!("?{bad}"))
            .await;
        assert_eq!(refused.status, 422, "{bad}: {}", refused.text);
    }
    assert_eq!(
        s.app
            .event_report(organizer, "nope", "participation", "")
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn an_empty_event_lists_every_unit_with_zeros() {
    let s = setup().await;
    let _units = s.org_tree(TREE).await;
    let event_id = event(&s, "Chưa bắt đầu").await;
    let response = s
        .app
        .event_report(&s.organizer, &event_id, "participation", "?group_by=school")
        .await;
    assert_eq!(response.status, 200, "{}", response.text);
    let rows = participation_rows(&response.body);
    assert_eq!(rows.len(), 3, "two schools and the total: {rows:?}");
    for row in &rows {
        assert_eq!(
            figures(row),
            json!([0, 0, 0, 0, null, null, null, null, 0, 0])
        );
    }
    let workbook = s
        .app
        .event_report(&s.organizer, &event_id, "workbook", "")
        .await;
    assert_eq!(workbook.status, 200);
}

/// The workbook as Excel would read it: `(sheet name, rows of cells as text)`.
fn read_workbook(bytes: Vec<u8>) -> Vec<(String, Vec<Vec<String>>)> {
    use calamine::{Reader, Xlsx};
    let mut workbook: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("an xlsx file");
    let names = workbook.sheet_names();
    names
        .into_iter()
        .map(|name| {
            let range = workbook.worksheet_range(&name).expect("sheet");
            let rows = range
                .rows()
                .map(|row| row.iter().map(|cell| cell.to_string()).collect())
                .collect();
            (name, rows)
        })
        .collect()
}

#[tokio::test]
async fn the_event_workbook_has_a_sheet_per_view_with_the_same_figures() {
    let s = setup().await;
    let event_id = seeded_event(&s).await;
    let response = s
        .app
        .event_report(&s.organizer, &event_id, "workbook", "")
        .await;
    assert_eq!(response.status, 200);
    assert_eq!(
        response.header("content-type"),
        Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    );
    let sheets = read_workbook(response.bytes.clone());
    assert_eq!(
        sheets
            .iter()
            .map(|(name, _)| name.as_str())
            .collect::<Vec<_>>(),
        [
            "Tham gia (phường)",
            "Tham gia (trường)",
            "Tham gia (lớp)",
            "Kết quả",
            "Câu hỏi",
            "Năng lực"
        ]
    );
    let wards = &sheets[0].1;
    let header = &wards[0];
    let p1 = wards
        .iter()
        .find(|r| column(header, r, "code") == "P1")
        .expect("P1");
    assert_eq!(column(header, p1, "org_unit"), "Phường Hàng Bạc, \"cũ\"");
    assert_eq!(column(header, p1, "registered"), "3");
    assert_eq!(column(header, p1, "mean_score"), "40.63");
    assert_eq!(column(header, p1, "completion_share"), "0.6667");

    let results = &sheets[3].1;
    assert_eq!(
        results.len(),
        1 + 7,
        "a header and the counted attempts of both quizzes: 5 + 2"
    );
    let names: Vec<&str> = results[1..]
        .iter()
        .map(|r| column(&results[0], r, "display_name"))
        .collect();
    assert!(
        names.contains(&"=HYPERLINK(\"x\")"),
        "a formula-like name stays text: {names:?}"
    );
    assert!(names.contains(&"Nguyễn Văn \"An\", lớp 8A"));
    assert_eq!(&results[0][..2], ["quiz_id", "quiz"]);
    assert!(results[0].iter().all(|h| !h.contains("birth")));
    assert!(sheets[4].1.len() > 1 && sheets[5].1.len() > 1);
}

#[tokio::test]
async fn event_reports_are_for_organizers_only() {
    let s = setup().await;
    let event_id = event(&s, "Tuần lễ").await;
    let participant = s.app.register("to.mo").await;
    let judge = s.app.user_with_role(&s.admin, "giam.khao", "judge").await;
    for report in ["participation", "workbook"] {
        for who in [&participant, &judge] {
            let response = s.app.event_report(who, &event_id, report, "").await;
            assert_eq!(response.status, 403, "{report}");
        }
        let response = s.app.event_report(Anonymous, &event_id, report, "").await;
        assert_eq!(response.status, 401, "{report}");
    }
}
