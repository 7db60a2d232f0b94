//! The organizers' quiz pages over real HTTP, as a browser without JavaScript uses them: the
//! quizzes, the builder, publication, time allowances and the board's state in both
//! languages; who is refused; what the forms write, read back through the API and the
//! tables; and the rule-count endpoint the builder's script calls.

mod common;

use common::browser::{Browser, Page};
use common::fixture::{MINUTE, Setup, at, setup};
use common::{PASSWORD, Session, TestApp};
use serde_json::{Value, json};

const UNITS: &str = "code,name,kind,parent_code\nQ,Quận Ba Đình,district,\nP1,Phường Kim Mã,ward,Q\nS1,Trường THCS Kim Mã,school,P1\n";
const EVENT: &str = "Tuần lễ học tập suốt đời 2022";

fn assert_page(page: &Page, lang: &str, what: &str) {
    assert_eq!(page.status, 200, "{what} ({lang}): {}", page.html);
    assert_eq!(page.lang(), lang, "{what}: <html lang>");
    assert!(!page.has("⟦"), "{what} ({lang}) has a missing message");
    assert!(page.has("</html>"), "{what} ({lang}) is complete");
}

fn count_of(page: &Page, text: &str) -> usize {
    page.html.matches(text).count()
}

/// The instant a Vietnamese wall-clock time names (UTC+07:00).
fn hanoi(year: i32, month: u8, day: u8, hour: u8, minute: u8) -> i64 {
    let date =
        time::Date::from_calendar_date(year, month.try_into().expect("month"), day).expect("date");
    let clock = time::Time::from_hms(hour, minute, 0).expect("time");
    time::PrimitiveDateTime::new(date, clock)
        .assume_offset(time::UtcOffset::from_hms(7, 0, 0).expect("offset"))
        .unix_timestamp()
        * 1000
}

async fn quiz_count(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM quizzes")
        .fetch_one(&app.state.db.pool)
        .await
        .expect("count")
}

async fn quiz_of(s: &Setup, id: &str) -> Value {
    let read = s.app.quiz(&s.organizer, id).await;
    assert_eq!(read.status, 200, "{}", read.text);
    read.body
}

/// What the organizers' pages start from: the fixture bank, an org tree, an event, a draft
/// and a published quiz, and the organizer signed in.
struct Scene {
    s: Setup,
    unit: Box<dyn Fn(&str) -> String>,
    event: String,
    draft: String,
    published: String,
    organizer: Browser,
}

async fn scene() -> Scene {
    let s = setup().await;
    let unit = s.org_tree(UNITS).await;
    let event = s
        .app
        .create_event(
            &s.organizer,
            &json!({"title": EVENT, "starts_at": at(s.now() - 60 * MINUTE), "ends_at": at(s.now() + 7 * 24 * 60 * MINUTE)}),
        )
        .await;
    assert_eq!(event.status, 201, "{}", event.text);
    let event = event.body["id"].as_str().expect("id").to_owned();
    let body = common::fixture::merged(
        s.quiz_body(),
        json!({"title": "Bản nháp an toàn số", "event_id": event, "rules": [{"bank": "an-toan-so", "competence": "4.2", "count": 2}]}),
    );
    let created = s.app.create_quiz(&s.organizer, &body).await;
    assert_eq!(created.status, 201, "{}", created.text);
    let draft = created.body["id"].as_str().expect("id").to_owned();
    let published = s
        .quiz_with(json!({"title": "Kỹ năng số đã công bố", "event_id": event, "audience_org_unit_id": unit("P1")}))
        .await;
    let organizer = Browser::signed_in(&s.app, "ban.to.chuc").await;
    Scene {
        s,
        unit: Box::new(unit),
        event,
        draft,
        published,
        organizer,
    }
}

#[tokio::test]
async fn every_page_renders_in_both_languages_for_an_organizer() {
    let Scene {
        s,
        draft,
        published,
        organizer,
        ..
    } = scene().await;
    let lan = s
        .app
        .register_with(
            json!({"username": "hs.lan", "password": PASSWORD, "display_name": "Nguyễn Thị Lan"}),
        )
        .await;
    let granted = s
        .app
        .grant_allowance(
            &s.organizer,
            &published,
            &lan.user_id,
            &json!({"extra_time_s": 300}),
        )
        .await;
    assert_eq!(granted.status, 200, "{}", granted.text);
    for lang in ["vi", "en"] {
        let list = organizer
            .get(&format!("/organize/quizzes?lang={lang}"))
            .await;
        assert_page(&list, lang, "quizzes");
        for quiz in [&draft, &published] {
            assert!(list.has(&format!("id=\"quiz-{quiz}\"")), "{}", list.html);
            for link in ["", "/allowances", "/board"] {
                assert!(list.has(&format!("href=\"/organize/quizzes/{quiz}{link}\"")));
            }
        }
        assert!(list.has("Bản nháp an toàn số") && list.has("Kỹ năng số đã công bố"));
        assert!(list.has(EVENT));
        assert!(list.has("data-status=\"draft\"") && list.has("data-status=\"published\""));
        assert!(list.has("href=\"/organize/quizzes/new\""));
        assert!(list.has("(UTC+07:00)"));
        let (draft_word, live_word) = if lang == "vi" {
            ("Bản nháp", "Trực tiếp")
        } else {
            ("Draft", "Live")
        };
        assert!(list.has(draft_word) && list.has(live_word), "{}", list.html);

        let new = organizer.get("/organize/quizzes/new").await;
        assert_page(&new, lang, "new quiz");
        for field in [
            "name=\"title\"",
            "name=\"description\"",
            "name=\"event_id\"",
            "type=\"datetime-local\" id=\"opens_at\"",
            "type=\"datetime-local\" id=\"closes_at\"",
            "name=\"time_limit\"",
            "name=\"max_attempts\"",
            "name=\"audience\"",
            "name=\"ranking\" value=\"first\"",
            "name=\"review\" value=\"score_only\"",
            "name=\"shuffle_questions\" value=\"on\"",
            "name=\"rule-bank\"",
            "name=\"rule-count\"",
            "value=\"add-rule\"",
        ] {
            assert!(new.has(field), "{field} ({lang})");
        }
        // The org tree, indented by depth; the shipped words, not codes.
        assert!(
            new.has("\u{2003}\u{2003}Trường THCS Kim Mã"),
            "{}",
            new.html
        );
        let words = if lang == "vi" {
            [
                "4.2 Bảo vệ dữ liệu cá nhân và quyền riêng tư",
                "Dễ",
                "Lượt làm bài tốt nhất",
            ]
        } else {
            [
                "4.2 Protecting personal data and privacy",
                "Easy",
                "The best attempt",
            ]
        };
        for word in words {
            assert!(new.has(word), "{word}");
        }

        let builder = organizer.get(&format!("/organize/quizzes/{draft}")).await;
        assert_page(&builder, lang, "builder");
        assert!(builder.has("value=\"Bản nháp an toàn số\""));
        assert!(builder.has("<option value=\"4.2\" selected>"));
        let counted = if lang == "vi" {
            "Quy tắc này rút được 2 câu hỏi."
        } else {
            "This rule can draw 2 questions."
        };
        assert!(builder.has(counted), "{counted}: {}", builder.html);
        assert!(builder.has(&format!("href=\"/organize/quizzes/{draft}/publish\"")));
        assert!(builder.has("src=\"/assets/builder."), "the script");

        let locked = organizer
            .get(&format!("/organize/quizzes/{published}"))
            .await;
        assert_page(&locked, lang, "published quiz");
        assert!(locked.has("id=\"locked-reason\""));
        assert!(locked.has("name=\"closes_at\"") && locked.has("name=\"title\""));
        for gone in [
            "name=\"time_limit\"",
            "name=\"rule-bank\"",
            "name=\"opens_at\"",
        ] {
            assert!(!locked.has(gone), "{gone} on a published quiz");
        }
        assert!(locked.has("Phường Kim Mã"), "the audience in words");

        let confirm = organizer
            .get(&format!("/organize/quizzes/{draft}/publish"))
            .await;
        assert_page(&confirm, lang, "publish confirmation");
        assert!(confirm.has("name=\"confirm\" value=\"yes\""));

        let allowances = organizer
            .get(&format!("/organize/quizzes/{published}/allowances"))
            .await;
        assert_page(&allowances, lang, "allowances");
        assert!(allowances.has(&format!("id=\"allowance-{}\"", lan.user_id)));
        assert!(allowances.has("Nguyễn Thị Lan") && allowances.has("hs.lan"));
        assert!(allowances.has(if lang == "vi" { "5 phút" } else { "5 minutes" }));
        assert!(allowances.has("<th scope=\"col\">") && allowances.has("<caption"));

        let board = organizer
            .get(&format!("/organize/quizzes/{published}/board"))
            .await;
        assert_page(&board, lang, "board control");
        assert!(board.has("data-state=\"live\""));
        for to in ["hidden", "frozen", "published"] {
            assert!(board.has(&format!("/board/state?to={to}\"")), "{to}");
        }
        assert!(board.has(&format!("href=\"/projector/quizzes/{published}\"")));
        assert!(board.has(&format!("href=\"/quizzes/{published}/board\"")));

        let change = organizer
            .get(&format!(
                "/organize/quizzes/{published}/board/state?to=frozen"
            ))
            .await;
        assert_page(&change, lang, "board confirmation");
        assert!(change.has("name=\"state\" value=\"frozen\""));
        assert!(change.has(&format!(
            "action=\"/organize/quizzes/{published}/board/state\""
        )));
    }
}

#[tokio::test]
async fn participants_and_judges_are_refused_and_signed_out_visitors_sign_in() {
    let Scene {
        s,
        draft,
        published,
        ..
    } = scene().await;
    s.app.user_with_role(&s.admin, "gk.thu", "judge").await;
    s.app.register("hs.binh").await;
    let before = quiz_count(&s.app).await;
    let pages = [
        "/organize/quizzes".to_owned(),
        "/organize/quizzes/new".to_owned(),
        format!("/organize/quizzes/{draft}"),
        format!("/organize/quizzes/{draft}/publish"),
        format!("/organize/quizzes/{published}/allowances"),
        format!("/organize/quizzes/{published}/board"),
        format!("/organize/quizzes/{published}/board/state?to=frozen"),
    ];
    for who in ["hs.binh", "gk.thu"] {
        let browser = Browser::signed_in(&s.app, who).await;
        for path in &pages {
            let page = browser.get(path).await;
            assert_eq!(page.status, 403, "{who} {path}: {}", page.html);
        }
        let csrf = browser.get("/").await.csrf();
        for (path, fields) in [
            (
                "/organize/quizzes/new".to_owned(),
                vec![("title", "Giả mạo")],
            ),
            (
                format!("/organize/quizzes/{draft}"),
                vec![("title", "Giả mạo")],
            ),
            (
                format!("/organize/quizzes/{draft}/publish"),
                vec![("confirm", "yes")],
            ),
            (
                format!("/organize/quizzes/{published}/allowances"),
                vec![("username", who), ("extra_time", "30")],
            ),
            (
                format!("/organize/quizzes/{published}/board/state"),
                vec![("state", "frozen"), ("confirm", "yes")],
            ),
        ] {
            let mut all = vec![("csrf", csrf.as_str())];
            all.extend(fields);
            let refused = browser.post(&path, &all).await;
            assert_eq!(refused.status, 403, "{who} POST {path}: {}", refused.html);
        }
    }
    // Nothing was written.
    assert_eq!(quiz_count(&s.app).await, before);
    assert_eq!(quiz_of(&s, &draft).await["status"], "draft");
    assert_eq!(quiz_of(&s, &draft).await["title"], "Bản nháp an toàn số");
    assert_eq!(
        s.app.allowances(&s.organizer, &published).await.body["total"],
        0
    );
    let board = s.app.quiz_board(&s.organizer, &published, "").await;
    assert_eq!(board.body["state"], "live", "{}", board.text);

    let visitor = Browser::new(&s.app);
    for path in &pages {
        let page = visitor.get(path).await;
        assert_eq!(page.status, 303, "{path}");
        let location = page.location.clone().unwrap_or_default();
        assert!(location.starts_with("/login?next="), "{path} → {location}");
    }
}

/// The fields of a whole new quiz, as the builder's form posts them.
fn new_quiz_form<'a>(csrf: &'a str, event: &'a str, unit: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("action", "save"),
        ("title", "  An toàn thông tin cho học sinh  "),
        ("description", "Dòng một\r\nDòng hai"),
        ("event_id", event),
        ("opens_at", "2030-10-01T08:00"),
        ("closes_at", "2030-10-07T17:30"),
        ("time_limit", "12,5"),
        ("max_attempts", "3"),
        ("audience", unit),
        ("ranking", "first"),
        ("review", "score_only"),
        // Shuffling the questions left unticked: only the hidden field comes.
        ("shuffle_questions", ""),
        ("shuffle_options", ""),
        ("shuffle_options", "on"),
        ("rules", ""),
        ("rule-bank", "an-toan-so"),
        ("rule-competence", "4.2"),
        ("rule-difficulty", ""),
        ("rule-count", "2"),
        ("rule-bank", "an-toan-so"),
        ("rule-competence", ""),
        ("rule-difficulty", "1"),
        ("rule-count", "1"),
    ]
}

#[tokio::test]
async fn a_quiz_created_by_form_holds_exactly_what_was_typed() {
    let Scene {
        s,
        unit,
        event,
        organizer,
        ..
    } = scene().await;
    let ward = unit("P1");
    let csrf = organizer.get("/organize/quizzes/new").await.csrf();
    let created = organizer
        .post(
            "/organize/quizzes/new",
            &new_quiz_form(&csrf, &event, &ward),
        )
        .await;
    assert_eq!(created.status, 303, "{}", created.html);
    let location = created.location.clone().expect("location");
    let id = location
        .strip_prefix("/organize/quizzes/")
        .and_then(|rest| rest.strip_suffix("?created=1"))
        .expect("the new quiz's page")
        .to_owned();
    let quiz = quiz_of(&s, &id).await;
    assert_eq!(quiz["status"], "draft");
    assert_eq!(quiz["title"], "An toàn thông tin cho học sinh");
    assert_eq!(quiz["description"], "Dòng một\nDòng hai");
    assert_eq!(quiz["event_id"], event.as_str());
    // 08:00 and 17:30 in Hanoi are 01:00 and 10:30 UTC.
    assert_eq!(quiz["opens_at"], at(hanoi(2030, 10, 1, 8, 0)));
    assert_eq!(quiz["opens_at"], "2030-10-01T01:00:00.000Z");
    assert_eq!(quiz["closes_at"], "2030-10-07T10:30:00.000Z");
    assert_eq!(quiz["time_limit_s"], 750);
    assert_eq!(quiz["max_attempts"], 3);
    assert_eq!(quiz["audience_org_unit_id"], ward.as_str());
    assert_eq!(quiz["ranking"], "first");
    assert_eq!(quiz["review"], "score_only");
    assert_eq!(quiz["shuffle_questions"], false);
    assert_eq!(quiz["shuffle_options"], true);
    assert_eq!(
        quiz["rules"],
        json!([
            {"bank": "an-toan-so", "competence": "4.2", "difficulty": null, "count": 2},
            {"bank": "an-toan-so", "competence": null, "difficulty": 1, "count": 1}
        ])
    );

    // The builder shows it back in Vietnam's time, with the count each rule can draw.
    let page = organizer.get(&location).await;
    assert_page(&page, "vi", "created quiz");
    assert!(page.has("id=\"notice\""));
    assert!(page.has("value=\"2030-10-01T08:00\"") && page.has("value=\"2030-10-07T17:30\""));
    assert!(page.has("value=\"12.5\""), "minutes: {}", page.html);
    // Two of competence 4.2 (as-001, as-002); easy ones left after them: as-003 and as-005.
    assert_eq!(
        count_of(&page, "Quy tắc này rút được 2 câu hỏi."),
        2,
        "{}",
        page.html
    );
    assert!(page.has(&format!("<option value=\"{ward}\" selected>")));

    // Taken out of the event and opened to everyone again by the same form.
    let csrf = page.csrf();
    let mut fields = new_quiz_form(&csrf, "", "");
    fields.retain(|(name, _)| !matches!(*name, "event_id" | "audience"));
    fields.extend([("event_id", ""), ("audience", "")]);
    let saved = organizer
        .post(&format!("/organize/quizzes/{id}"), &fields)
        .await;
    assert_eq!(saved.status, 303, "{}", saved.html);
    let quiz = quiz_of(&s, &id).await;
    assert!(
        quiz["event_id"].is_null() && quiz["audience_org_unit_id"].is_null(),
        "{quiz}"
    );
}

#[tokio::test]
async fn rule_rows_are_added_and_removed_without_saving() {
    let Scene { s, organizer, .. } = scene().await;
    let before = quiz_count(&s.app).await;
    let csrf = organizer.get("/organize/quizzes/new").await.csrf();
    let mut fields = new_quiz_form(&csrf, "", "");
    fields.retain(|(name, _)| *name != "action");
    fields.push(("action", "add-rule"));
    let added = organizer.post("/organize/quizzes/new", &fields).await;
    assert_eq!(added.status, 200, "{}", added.html);
    assert_eq!(count_of(&added, "name=\"rule-bank\""), 3);
    assert!(added.has("id=\"rule-2-bank\" name=\"rule-bank\" autofocus"));
    assert!(
        added.has("value=\"  An toàn thông tin cho học sinh  \""),
        "typed text kept"
    );
    fields.retain(|(name, _)| *name != "action");
    fields.push(("action", "remove-rule-0"));
    let removed = organizer.post("/organize/quizzes/new", &fields).await;
    assert_eq!(removed.status, 200, "{}", removed.html);
    assert_eq!(count_of(&removed, "name=\"rule-bank\""), 1);
    assert!(
        !removed.has("<option value=\"4.2\" selected>"),
        "the first rule went"
    );
    assert!(
        removed.has("<option value=\"1\" selected>"),
        "the second stayed"
    );
    assert!(removed.has("id=\"add-rule\" autofocus"));
    assert_eq!(quiz_count(&s.app).await, before, "nothing written");
}

#[tokio::test]
async fn refusals_show_beside_their_fields_and_keep_what_was_typed() {
    let Scene {
        s,
        draft,
        organizer,
        ..
    } = scene().await;
    let before = quiz_count(&s.app).await;
    let csrf = organizer.get("/organize/quizzes/new").await.csrf();
    let mut fields = new_quiz_form(&csrf, "", "");
    for (name, value) in fields.iter_mut() {
        match *name {
            "title" => *value = "",
            "opens_at" => *value = "mùng một tháng mười",
            "time_limit" => *value = "2000",
            _ => {}
        }
    }
    // The second rule: no bank; a third with a count that is not a number.
    let index = fields
        .iter()
        .rposition(|(name, _)| *name == "rule-bank")
        .expect("bank");
    fields[index].1 = "";
    fields.extend([
        ("rule-bank", "an-toan-so"),
        ("rule-competence", ""),
        ("rule-difficulty", ""),
        ("rule-count", "ba"),
    ]);
    let refused = organizer.post("/organize/quizzes/new", &fields).await;
    assert_eq!(refused.status, 422, "{}", refused.html);
    assert_eq!(refused.lang(), "vi");
    assert!(!refused.has("⟦"), "a missing message");
    for (id, message) in [
        ("title-error", "Hãy ghi tên bài thi"),
        ("opens-error", "Hãy nhập ngày giờ mở."),
        ("time-limit-error", "Thời gian làm bài là số phút"),
        ("rule-1-bank-error", "Hãy chọn một ngân hàng câu hỏi."),
        (
            "rule-2-count-error",
            "Số câu hỏi là số nguyên từ 1 đến 200.",
        ),
    ] {
        assert!(
            refused.has(&format!("id=\"{id}\">{message}")),
            "{id}: {}",
            refused.html
        );
    }
    assert!(refused.has("aria-describedby=\"title-hint title-error\" aria-invalid=\"true\""));
    assert!(
        refused.has("href=\"#rule-2-count\">Quy tắc 3: "),
        "the summary names the rule"
    );
    assert!(
        refused.has("value=\"mùng một tháng mười\""),
        "typed text kept"
    );
    assert!(refused.has("Dòng một\r\nDòng hai") || refused.has("Dòng một\nDòng hai"));
    assert!(refused.has("value=\"ba\""));
    assert_eq!(quiz_count(&s.app).await, before, "nothing written");

    // The API's own check (the close after the opening) comes back the same way on an edit.
    let csrf = refused.csrf();
    let edited = organizer
        .post(
            &format!("/organize/quizzes/{draft}"),
            &[
                ("csrf", csrf.as_str()),
                ("title", "Đổi tên"),
                ("opens_at", "2030-10-07T08:00"),
                ("closes_at", "2030-10-01T08:00"),
            ],
        )
        .await;
    assert_eq!(edited.status, 422, "{}", edited.html);
    assert!(edited.has("id=\"closes-error\">Hãy nhập ngày giờ đóng sau thời điểm mở."));
    assert!(edited.has("value=\"Đổi tên\""));
    assert_eq!(
        quiz_of(&s, &draft).await["title"],
        "Bản nháp an toàn số",
        "nothing written"
    );
}

#[tokio::test]
async fn a_rule_asking_for_too_many_questions_is_refused_at_publish_beside_that_rule() {
    let Scene {
        s,
        draft,
        organizer,
        ..
    } = scene().await;
    // One question of area 4, then nine of any: the bank holds five, one taken.
    let csrf = organizer
        .get(&format!("/organize/quizzes/{draft}"))
        .await
        .csrf();
    let mut fields = new_quiz_form(&csrf, "", "");
    fields.retain(|(name, _)| !name.starts_with("rule-"));
    fields.extend([
        ("rule-bank", "an-toan-so"),
        ("rule-competence", "4"),
        ("rule-difficulty", ""),
        ("rule-count", "1"),
        ("rule-bank", "an-toan-so"),
        ("rule-competence", ""),
        ("rule-difficulty", ""),
        ("rule-count", "9"),
    ]);
    let saved = organizer
        .post(&format!("/organize/quizzes/{draft}"), &fields)
        .await;
    assert_eq!(saved.status, 303, "{}", saved.html);
    let page = organizer.get(&format!("/organize/quizzes/{draft}")).await;
    assert!(
        page.has("Quy tắc này rút được 3 câu hỏi."),
        "area 4 holds three"
    );
    assert!(page.has("Quy tắc này rút được 4 câu hỏi."), "{}", page.html);
    assert!(page.has("Không đủ cho 9 câu đã yêu cầu"));
    let confirm = organizer
        .get(&format!("/organize/quizzes/{draft}/publish"))
        .await;
    assert!(confirm.has("id=\"publish-warning\""));

    // Unconfirmed, the post only goes to the confirmation.
    let unconfirmed = organizer
        .post(
            &format!("/organize/quizzes/{draft}/publish"),
            &[("csrf", csrf.as_str())],
        )
        .await;
    assert_eq!(unconfirmed.status, 303);
    assert_eq!(
        unconfirmed.location.as_deref(),
        Some(format!("/organize/quizzes/{draft}/publish").as_str())
    );
    let refused = organizer
        .post(
            &format!("/organize/quizzes/{draft}/publish"),
            &[("csrf", csrf.as_str()), ("confirm", "yes")],
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.html);
    assert!(
        refused.has("id=\"rule-1-count-error\">Quy tắc này yêu cầu 9 câu nhưng ngân hàng chỉ có 4 câu phù hợp"),
        "{}",
        refused.html
    );
    assert!(
        !refused.has("id=\"rule-0-count-error\""),
        "the first rule is fine"
    );
    assert!(refused.has("Bài thi chưa được công bố và vẫn là bản nháp"));
    assert!(refused.has("href=\"#rule-1-count\">Quy tắc 2: "));
    assert_eq!(quiz_of(&s, &draft).await["status"], "draft");

    // Fixed, it publishes.
    for (name, value) in fields.iter_mut() {
        if *name == "rule-count" && *value == "9" {
            *value = "4";
        }
    }
    let fixed = organizer
        .post(&format!("/organize/quizzes/{draft}"), &fields)
        .await;
    assert_eq!(fixed.status, 303, "{}", fixed.html);
    let published = organizer
        .post(
            &format!("/organize/quizzes/{draft}/publish"),
            &[("csrf", csrf.as_str()), ("confirm", "yes")],
        )
        .await;
    assert_eq!(published.status, 303, "{}", published.html);
    assert_eq!(
        published.location.as_deref(),
        Some(format!("/organize/quizzes/{draft}?published=1").as_str())
    );
    let quiz = quiz_of(&s, &draft).await;
    assert_eq!(quiz["status"], "published");
    assert_eq!(quiz["question_count"], 5);
    let page = organizer
        .get(&format!("/organize/quizzes/{draft}?published=1"))
        .await;
    assert!(page.has("data-status=\"published\"") && page.has("id=\"notice\""));
    assert!(!page.has(&format!("href=\"/organize/quizzes/{draft}/publish\"")));
}

#[tokio::test]
async fn a_published_quizs_locked_fields_cannot_be_changed_by_a_forged_form() {
    let Scene {
        s,
        published,
        organizer,
        ..
    } = scene().await;
    let before = quiz_of(&s, &published).await;
    let csrf = organizer
        .get(&format!("/organize/quizzes/{published}"))
        .await
        .csrf();
    let forged = organizer
        .post(
            &format!("/organize/quizzes/{published}"),
            &[
                ("csrf", csrf.as_str()),
                ("title", "Tên mới"),
                ("time_limit", "99"),
                ("rules", ""),
                ("rule-bank", "an-toan-so"),
                ("rule-competence", ""),
                ("rule-difficulty", ""),
                ("rule-count", "1"),
                ("audience", ""),
            ],
        )
        .await;
    assert_eq!(forged.status, 409, "{}", forged.html);
    let alert = forged
        .html
        .split("id=\"form-errors\"")
        .nth(1)
        .and_then(|rest| rest.split("</div>").next())
        .expect("the refusal");
    assert!(
        alert.contains("Bài thi đã công bố: chỉ có thể sửa tên, mô tả và thời điểm đóng."),
        "{alert}"
    );
    assert!(forged.has("value=\"Tên mới\""), "typed text kept");
    assert_eq!(quiz_of(&s, &published).await, before, "nothing written");

    // What a published quiz may change still changes, through the same form.
    let close = s.now() + 90 * MINUTE;
    let close_text = civiquiz::web::time::input_value(close);
    let allowed = organizer
        .post(
            &format!("/organize/quizzes/{published}"),
            &[
                ("csrf", csrf.as_str()),
                ("title", "Tên mới"),
                ("description", "Mô tả mới"),
                ("closes_at", close_text.as_str()),
            ],
        )
        .await;
    assert_eq!(allowed.status, 303, "{}", allowed.html);
    let after = quiz_of(&s, &published).await;
    assert_eq!(after["title"], "Tên mới");
    assert_eq!(after["description"], "Mô tả mới");
    assert_eq!(after["closes_at"], at(close / MINUTE * MINUTE));
    for kept in [
        "time_limit_s",
        "rules",
        "audience_org_unit_id",
        "opens_at",
        "status",
    ] {
        assert_eq!(after[kept], before[kept], "{kept}");
    }
}

/// The deadline of `who`'s attempt as the API shows it to her.
async fn deadline_of(s: &Setup, who: &Session, attempt: &str) -> Value {
    let read = s.app.attempt(who, attempt).await;
    assert_eq!(read.status, 200, "{}", read.text);
    read.body["deadline_at"].clone()
}

#[tokio::test]
async fn allowances_by_form_change_the_deadline_of_the_attempt_in_progress() {
    let Scene {
        s,
        unit,
        published,
        organizer,
        ..
    } = scene().await;
    let lan = s
        .app
        .register_with(json!({"username": "hs.lan", "password": PASSWORD, "display_name": "Nguyễn Thị Lan", "org_unit_id": unit("S1")}))
        .await;
    let started = s.now();
    let attempt = s.app.start_attempt(&lan, &published).await;
    assert_eq!(attempt.status, 201, "{}", attempt.text);
    let attempt = attempt.body["id"].as_str().expect("id").to_owned();
    assert_eq!(
        deadline_of(&s, &lan, &attempt).await,
        at(started + 10 * MINUTE)
    );
    s.app.clock.advance_ms(MINUTE);

    let page_path = format!("/organize/quizzes/{published}/allowances");
    let grant = |fields: Vec<(&'static str, String)>| {
        let organizer = &organizer;
        let page_path = page_path.clone();
        async move {
            let csrf = organizer.get(&page_path).await.csrf();
            let mut all: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
            all.extend(fields.iter().map(|(k, v)| (*k, v.as_str())));
            organizer.post(&page_path, &all).await
        }
    };
    let granted = grant(vec![
        ("username", "HS.Lan".to_owned()),
        ("extra_time", "5".to_owned()),
        ("extra_close", "".to_owned()),
        ("close_unit", "minutes".to_owned()),
    ])
    .await;
    assert_eq!(granted.status, 303, "{}", granted.html);
    assert_eq!(
        deadline_of(&s, &lan, &attempt).await,
        at(started + 15 * MINUTE)
    );
    let page = organizer.get(&format!("{page_path}?done=granted")).await;
    assert_page(&page, "vi", "allowances");
    let line = page
        .html
        .split(&format!("id=\"allowance-{}\"", lan.user_id))
        .nth(1)
        .and_then(|rest| rest.split("</tr>").next())
        .expect("her line")
        .to_owned();
    for shown in [
        "Nguyễn Thị Lan",
        "hs.lan",
        "Trường THCS Kim Mã",
        "5 phút",
        &civiquiz::web::time::date_time(started + 15 * MINUTE),
    ] {
        assert!(line.contains(shown), "{shown}: {line}");
    }

    // Changed: 20 minutes more, and the quiz closes 2 hours later for her.
    let changed = grant(vec![
        ("username", "hs.lan".to_owned()),
        ("extra_time", "20".to_owned()),
        ("extra_close", "2".to_owned()),
        ("close_unit", "hours".to_owned()),
    ])
    .await;
    assert_eq!(changed.status, 303, "{}", changed.html);
    assert_eq!(
        deadline_of(&s, &lan, &attempt).await,
        at(started + 30 * MINUTE)
    );
    let listed = s.app.allowances(&s.organizer, &published).await;
    assert_eq!(
        listed.body["items"][0]["extra_time_s"], 1200,
        "{}",
        listed.text
    );
    assert_eq!(listed.body["items"][0]["extra_close_s"], 7200);
    // The form to change it comes filled with hers.
    let filled = organizer.get(&format!("{page_path}?user=hs.lan")).await;
    assert!(filled.has("id=\"extra_time\" name=\"extra_time\" value=\"20\""));
    assert!(filled.has("<option value=\"hours\" selected>"));

    // Refused: unknown username, not a number, more than a day. Nothing changes.
    for (fields, error) in [
        (
            vec![("username", "khong.co"), ("extra_time", "5")],
            "username-error",
        ),
        (
            vec![("username", "hs.lan"), ("extra_time", "năm")],
            "extra-time-error",
        ),
        (
            vec![("username", "hs.lan"), ("extra_time", "1441")],
            "extra-time-error",
        ),
        (
            vec![
                ("username", "hs.lan"),
                ("extra_close", "31"),
                ("close_unit", "hours"),
            ],
            "nothing",
        ),
    ] {
        let fields: Vec<(&'static str, String)> =
            fields.into_iter().map(|(k, v)| (k, v.to_owned())).collect();
        let refused = grant(fields).await;
        if error == "nothing" {
            // 31 hours is allowed (up to 30 days): it is saved.
            assert_eq!(refused.status, 303, "{}", refused.html);
            continue;
        }
        assert_eq!(refused.status, 422, "{error}: {}", refused.html);
        assert!(
            refused.has(&format!("id=\"{error}\"")),
            "{error}: {}",
            refused.html
        );
        assert!(refused.has("aria-invalid=\"true\""));
    }
    let listed = s.app.allowances(&s.organizer, &published).await;
    assert_eq!(
        listed.body["items"][0]["extra_time_s"], 0,
        "{}",
        listed.text
    );
    assert_eq!(listed.body["items"][0]["extra_close_s"], 31 * 3600);
    assert_eq!(
        deadline_of(&s, &lan, &attempt).await,
        at(started + 10 * MINUTE)
    );

    // Removed: she is back to the quiz's own deadline.
    grant(vec![
        ("username", "hs.lan".to_owned()),
        ("extra_time", "30".to_owned()),
    ])
    .await;
    assert_eq!(
        deadline_of(&s, &lan, &attempt).await,
        at(started + 40 * MINUTE)
    );
    let csrf = organizer.get(&page_path).await.csrf();
    let removed = organizer
        .post(
            &format!(
                "/organize/quizzes/{published}/allowances/{}/remove",
                lan.user_id
            ),
            &[("csrf", csrf.as_str())],
        )
        .await;
    assert_eq!(removed.status, 303, "{}", removed.html);
    assert_eq!(
        deadline_of(&s, &lan, &attempt).await,
        at(started + 10 * MINUTE)
    );
    assert_eq!(
        s.app.allowances(&s.organizer, &published).await.body["total"],
        0
    );
    let page = organizer.get(&format!("{page_path}?done=removed")).await;
    assert!(page.has("id=\"no-allowances\"") && page.has("id=\"notice\""));
}

#[tokio::test]
async fn the_board_changes_state_by_form_after_confirmation() {
    let Scene {
        s,
        unit,
        published,
        organizer,
        ..
    } = scene().await;
    let student = s
        .app
        .register_with(json!({"username": "hs.an", "password": PASSWORD, "display_name": "Trần An", "org_unit_id": unit("S1")}))
        .await;
    s.attempt(&student, &published, 3, 2 * MINUTE).await;
    let board_path = format!("/organize/quizzes/{published}/board");
    let csrf = organizer.get(&board_path).await.csrf();
    let state_path = format!("/organize/quizzes/{published}/board/state");
    let change = |state: &'static str, confirm: bool| {
        let organizer = &organizer;
        let csrf = csrf.clone();
        let state_path = state_path.clone();
        async move {
            let mut fields = vec![("csrf", csrf.as_str()), ("state", state)];
            if confirm {
                fields.push(("confirm", "yes"));
            }
            organizer.post(&state_path, &fields).await
        }
    };
    let unconfirmed = change("frozen", false).await;
    assert_eq!(unconfirmed.status, 303);
    assert_eq!(
        unconfirmed.location.as_deref(),
        Some(format!("/organize/quizzes/{published}/board/state?to=frozen").as_str())
    );
    assert_eq!(
        s.app.quiz_board(&s.organizer, &published, "").await.body["state"],
        "live"
    );

    let frozen_at = s.now();
    let frozen = change("frozen", true).await;
    assert_eq!(frozen.status, 303, "{}", frozen.html);
    let board = s.app.quiz_board(&s.organizer, &published, "").await;
    assert_eq!(board.body["state"], "frozen");
    assert_eq!(board.body["frozen_at"], at(frozen_at));
    let page = organizer.get(&format!("{board_path}?changed=1")).await;
    assert!(page.has("data-state=\"frozen\"") && page.has("id=\"notice\""));
    assert!(page.has(&civiquiz::web::time::date_time(frozen_at)));
    assert!(!page.has("?to=frozen\""), "freezing again is not offered");

    s.app.clock.advance_ms(MINUTE);
    let published_board = change("published", true).await;
    assert_eq!(published_board.status, 303, "{}", published_board.html);
    let snapshot = s
        .app
        .published_quiz_board(common::Anonymous, &published)
        .await;
    assert_eq!(snapshot.status, 200, "{}", snapshot.text);
    let sha256 = snapshot.body["sha256"].as_str().expect("sha256");
    let page = organizer.get(&board_path).await;
    assert_page(&page, "vi", "published board");
    assert!(page.has(&format!(
        "<code id=\"sha256\" class=\"hash\">{sha256}</code>"
    )));
    assert!(page.has(&format!(
        "href=\"/api/v1/quizzes/{published}/leaderboard/published\""
    )));
    assert!(!page.has("/board/state?to="), "a published board is final");
    let confirm = organizer
        .get(&format!(
            "/organize/quizzes/{published}/board/state?to=live"
        ))
        .await;
    assert_eq!(
        confirm.status, 303,
        "no confirmation for a change not allowed"
    );

    // A forged change of a published board is the API's refusal, and changes nothing.
    let refused = change("live", true).await;
    assert_eq!(refused.status, 409, "{}", refused.html);
    assert!(refused.has("id=\"form-errors\""));
    let board = s.app.quiz_board(&s.organizer, &published, "").await;
    assert_eq!(board.body["state"], "published");
}

#[tokio::test]
async fn the_rule_count_endpoint_counts_as_publishing_does() {
    let Scene { s, organizer, .. } = scene().await;
    let rules = json!([
        {"bank": "an-toan-so", "competence": "4", "count": 1},
        {"bank": "an-toan-so", "count": 9},
        {"bank": "an-toan-so", "difficulty": 1, "count": 0},
        {"bank": "khong-co", "count": 1}
    ]);
    let counted = s.app.rule_availability(&s.organizer, &rules).await;
    assert_eq!(counted.status, 200, "{}", counted.text);
    assert_eq!(
        counted.body["items"],
        json!([
            {"available": 3, "count": 1, "enough": true},
            {"available": 4, "count": 9, "enough": false},
            // The second rule took every question left.
            {"available": 0, "count": 0, "enough": true},
            {"available": 0, "count": 1, "enough": false}
        ])
    );
    // Publishing a quiz with the first two rules names the second, with the same count.
    let body = common::fixture::merged(
        s.quiz_body(),
        json!({"rules": &rules.as_array().expect("rules")[..2]}),
    );
    let created = s.app.create_quiz(&s.organizer, &body).await;
    let id = created.body["id"].as_str().expect("id");
    let refused = s.app.publish_quiz(&s.organizer, id).await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    let reason = refused.body["error"]["details"]["fields"]["rules[1].count"]
        .as_str()
        .expect("the second rule");
    assert!(reason.contains("holds 4"), "{reason}");

    let student = s.app.register("hs.cuong").await;
    assert_eq!(s.app.rule_availability(&student, &rules).await.status, 403);
    assert_eq!(
        s.app
            .rule_availability(common::Anonymous, &rules)
            .await
            .status,
        401
    );
    let none = s.app.rule_availability(&s.organizer, &json!([])).await;
    assert_eq!(none.status, 422, "{}", none.text);
    let many: Vec<Value> = (0..51)
        .map(|_| json!({"bank": "an-toan-so", "count": 1}))
        .collect();
    let too_many = s.app.rule_availability(&s.organizer, &json!(many)).await;
    assert_eq!(too_many.status, 422, "{}", too_many.text);
    assert!(too_many.body["error"]["details"]["fields"]["rules"].is_string());
    let unknown = s
        .app
        .rule_availability(
            &s.organizer,
            &json!([{"bank": "an-toan-so", "count": 1, "kind": "single"}]),
        )
        .await;
    assert_eq!(unknown.status, 422, "strict body: {}", unknown.text);

    // As the builder's script calls it: the page's session and its CSRF token.
    let csrf = organizer.get("/organize/quizzes/new").await.csrf();
    let (status, body) = organizer
        .api(
            reqwest::Method::POST,
            "/api/v1/quizzes/rule-availability",
            Some(&csrf),
            Some(json!({"rules": rules})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["items"][1]["available"], 4);
    let (status, _) = organizer
        .api(
            reqwest::Method::POST,
            "/api/v1/quizzes/rule-availability",
            None,
            Some(json!({"rules": rules})),
        )
        .await;
    assert_eq!(status, 403, "no token, no answer");
}
