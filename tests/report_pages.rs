//! The organizers' report pages over real HTTP: an event's participation per ward, school and
//! class matches the CSV it links to, sorts by any column without scripts and keeps the total
//! last; a quiz's report shows its counted attempts, a bar per question with the poorly
//! discriminating one flagged, and the competence profile; who is refused.

mod common;

use common::PASSWORD;
use common::Session;
use common::browser::{Browser, Page};
use common::fixture::{MINUTE, Setup, at, right_answer, setup};
use serde_json::json;

const TREE: &str = "code,name,kind,parent_code\n\
    QDD,Quận Đống Đa,district,\n\
    LH,Phường Láng Hạ,ward,QDD\n\
    KL,Phường Kim Liên,ward,QDD\n\
    THLH,Trường THCS Láng Hạ,school,LH\n\
    THKL,Trường THCS Kim Liên,school,KL\n\
    8A,Lớp 8A,class,THLH\n\
    8B,Lớp 8B,class,THKL\n";

/// An attempt answering exactly `right` (question ids) correctly and nothing else.
async fn attempt_answering(setup: &Setup, student: &Session, quiz: &str, right: &[&str]) {
    let view = setup.app.start_attempt(student, quiz).await;
    assert_eq!(view.status, 201, "{}", view.text);
    let id = view.body["id"].as_str().expect("id").to_owned();
    for question in right {
        let saved = setup
            .app
            .save_answer(student, &id, question, right_answer(question))
            .await;
        assert_eq!(saved.status, 200, "{}", saved.text);
    }
    setup.app.clock.advance_ms(30_000);
    let submitted = setup.app.submit_attempt(student, &id).await;
    assert_eq!(submitted.status, 200, "{}", submitted.text);
}

struct Week {
    setup: Setup,
    event: String,
    quiz: String,
}

/// An event with one quiz; four students: two in 8A (Láng Hạ), two in 8B (Kim Liên), and a
/// fifth in 8B who never starts. Question as-001 is answered right by the two weakest and
/// the strongest, wrong by the second: it discriminates negatively.
async fn week() -> Week {
    let setup = setup().await;
    let unit = setup.org_tree(TREE).await;
    let event = setup
        .app
        .post(
            "/api/v1/events",
            Some(&setup.organizer.access),
            &json!({"title": "Tuần lễ học tập", "starts_at": at(setup.now() - MINUTE), "ends_at": at(setup.now() + 600 * MINUTE)}),
        )
        .await;
    let event = event.body["id"].as_str().expect("id").to_owned();
    let quiz = setup.board_quiz(json!({"event_id": event})).await;
    let mut students = Vec::new();
    for (username, class) in [
        ("hs.an", "8A"),
        ("hs.binh", "8A"),
        ("hs.cuong", "8B"),
        ("hs.dung", "8B"),
        ("hs.em", "8B"),
    ] {
        let student = setup
            .app
            .register_with(json!({"username": username, "password": PASSWORD, "display_name": format!("Bạn {username}"), "org_unit_id": unit(class)}))
            .await;
        students.push(student);
    }
    let all = [
        "an-toan-so:as-001",
        "an-toan-so:as-002",
        "an-toan-so:as-003",
        "an-toan-so:as-004",
        "an-toan-so:as-005",
    ];
    attempt_answering(&setup, &students[0], &quiz, &all).await;
    attempt_answering(&setup, &students[1], &quiz, &all[1..]).await;
    attempt_answering(&setup, &students[2], &quiz, &all[..1]).await;
    attempt_answering(&setup, &students[3], &quiz, &all[..1]).await;
    Week { setup, event, quiz }
}

/// The text of each body row's first cell (the row header) of the table `id`.
fn row_heads(page: &Page, id: &str) -> Vec<String> {
    let start = page.html.find(&format!("id=\"{id}\"")).expect("the table");
    let table = &page.html[start..];
    let body = &table[table.find("<tbody>").expect("tbody")..table.find("</tbody>").expect("end")];
    body.split("<th scope=\"row\">")
        .skip(1)
        .map(|cell| cell[..cell.find("</th>").expect("cell")].to_owned())
        .collect()
}

#[tokio::test]
async fn the_participation_page_matches_its_csv_and_sorts_without_scripts() {
    let Week { setup, event, .. } = week().await;
    let organizer = Browser::signed_in(&setup.app, "ban.to.chuc").await;
    for lang in ["vi", "en"] {
        let index = organizer
            .get(&format!("/organize/reports?lang={lang}"))
            .await;
        assert_eq!(index.status, 200);
        assert!(!index.has("⟦"), "{lang}: a missing message");
        assert!(index.has(&format!("/organize/reports/events/{event}")));
        let page = organizer
            .get(&format!("/organize/reports/events/{event}?lang={lang}"))
            .await;
        assert_eq!(page.status, 200, "{}", page.html);
        assert!(!page.has("⟦"), "{lang}: a missing message");
    }
    let page = organizer
        .get(&format!("/organize/reports/events/{event}?lang=vi"))
        .await;
    assert_eq!(
        row_heads(&page, "participation-table"),
        ["Phường Kim Liên", "Phường Láng Hạ"]
    );
    // Every figure of the CSV is on the page, in its row: Kim Liên has 3 accounts, 2 took part.
    let csv = organizer
        .get(&format!(
            "/api/v1/reports/events/{event}/participation?format=csv&group_by=ward"
        ))
        .await;
    assert_eq!(csv.status, 200);
    let mut reader = csv::Reader::from_reader(csv.html.trim_start_matches('\u{FEFF}').as_bytes());
    let header: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_owned)
        .collect();
    let at = |name: &str| header.iter().position(|h| h == name).expect("column");
    let mut units = 0;
    for record in reader.records() {
        let record = record.expect("row");
        let name = &record[at("org_unit")];
        let row_start = page
            .html
            .find(&format!("<th scope=\"row\">{name}</th>"))
            .expect("the unit's row");
        let row = &page.html
            [row_start..row_start + page.html[row_start..].find("</tr>").expect("row end")];
        for column in [
            "registered",
            "participants",
            "completed",
            "attempts_finished",
        ] {
            assert!(
                row.contains(&format!(">{}</td>", &record[at(column)])),
                "{name} {column}: {row}"
            );
        }
        units += 1;
    }
    assert_eq!(units, 3, "two wards and the total");
    assert!(page.has("<th scope=\"row\">Phường Kim Liên</th><td class=\"num\">3</td><td class=\"num\">2</td><td class=\"num\">66,7 %</td>"), "{}", page.html);
    assert!(page.has("<tfoot>"), "the total stays below the sorted rows");

    // Sorting by participation share, descending: Láng Hạ (100 %) first; the header says so.
    let sorted = organizer
        .get(&format!(
            "/organize/reports/events/{event}?group_by=ward&sort=participation_share&dir=desc"
        ))
        .await;
    assert_eq!(
        row_heads(&sorted, "participation-table"),
        ["Phường Láng Hạ", "Phường Kim Liên"]
    );
    assert!(sorted.has("aria-sort=\"descending\""));
    assert!(
        sorted.has("sort=participation_share&#38;dir=asc"),
        "the next click sorts the other way"
    );
    let by_class = organizer
        .get(&format!("/organize/reports/events/{event}?group_by=class"))
        .await;
    // Unsorted, units come in the order of their paths: Kim Liên's 8B before Láng Hạ's 8A.
    assert_eq!(
        row_heads(&by_class, "participation-table"),
        ["Lớp 8B", "Lớp 8A"]
    );
    assert!(
        by_class.has("group_by=class\" download"),
        "the CSV link follows the level"
    );
    let wrong = organizer
        .get(&format!("/organize/reports/events/{event}?group_by=planet"))
        .await;
    assert_eq!(wrong.status, 422);

    let workbook = organizer
        .get(&format!("/api/v1/reports/events/{event}/workbook"))
        .await;
    assert_eq!(
        workbook.status, 200,
        "the workbook link works with the page's session"
    );
}

#[tokio::test]
async fn the_quiz_report_flags_a_question_that_discriminates_poorly() {
    let Week { setup, quiz, .. } = week().await;
    let organizer = Browser::signed_in(&setup.app, "ban.to.chuc").await;
    for lang in ["vi", "en"] {
        let page = organizer
            .get(&format!("/organize/reports/quizzes/{quiz}?lang={lang}"))
            .await;
        assert_eq!(page.status, 200, "{}", page.html);
        assert!(!page.has("⟦"), "{lang}: a missing message");
    }
    let page = organizer
        .get(&format!("/organize/reports/quizzes/{quiz}?lang=en"))
        .await;
    assert!(page.has("4 counted attempts"), "{}", page.html);
    assert_eq!(row_heads(&page, "results-table"), ["1", "2", "3", "4"]);
    // One bar per question, as-001 flagged; the API's CSV says the same.
    let chart = &page.html[page.html.find("id=\"question-chart\"").expect("chart")..];
    let chart = &chart[..chart.find("</svg>").expect("svg end")];
    assert_eq!(chart.matches("<rect").count(), 5);
    assert_eq!(chart.matches("bar-row flagged").count(), 1);
    assert!(page.has("id=\"poor-questions\""));
    assert!(page.has("<th scope=\"row\">as-001</th>"));
    let flagged_row = &page.html[page
        .html
        .find("<th scope=\"row\">as-001</th>")
        .expect("row")..];
    let flagged_row = &flagged_row[..flagged_row.find("</tr>").expect("end")];
    assert!(flagged_row.contains("Poor discrimination"), "{flagged_row}");
    assert!(flagged_row.contains("-0.50"), "{flagged_row}");
    let csv = organizer
        .get(&format!(
            "/api/v1/reports/quizzes/{quiz}/questions?format=csv"
        ))
        .await;
    assert!(
        csv.html
            .contains("an-toan-so,as-001,4.2,4,3,0.75,0.5,1.0,-0.5,poor_discrimination\r\n"),
        "{}",
        csv.html
    );
    // The competence profile draws a bar for each area and competence.
    let profile = &page.html[page.html.find("id=\"competence-chart\"").expect("chart")..];
    assert!(profile[..profile.find("</svg>").expect("end")].contains("<rect"));
    // Sorting the questions by share correct puts the hardest first.
    let sorted = organizer
        .get(&format!(
            "/organize/reports/quizzes/{quiz}?table=questions&sort=share_correct&dir=asc"
        ))
        .await;
    let heads = row_heads(&sorted, "questions-table");
    assert_eq!(heads.len(), 5);
    assert_ne!(
        heads[0], "as-001",
        "as-001 is answered right 3 times of 4: not the hardest"
    );
}

#[tokio::test]
async fn participants_and_judges_are_refused() {
    let Week { setup, event, quiz } = week().await;
    setup.judge("gk.thu.ha").await;
    for username in ["hs.an", "gk.thu.ha"] {
        let browser = Browser::signed_in(&setup.app, username).await;
        for path in [
            "/organize/reports".to_owned(),
            format!("/organize/reports/events/{event}"),
            format!("/organize/reports/quizzes/{quiz}"),
        ] {
            let page = browser.get(&path).await;
            assert_eq!(page.status, 403, "{username} {path}");
            assert!(!page.has("Bạn hs.binh"), "no name leaks into a refusal");
        }
    }
}
