//! The organizers' event pages over real HTTP, as a browser without JavaScript uses them: the
//! list, creating and editing an event in local time, its quizzes and contests, refusals that
//! change nothing, who is refused; and the `PATCH /api/v1/events/{id}` they stand on.

mod common;

use common::browser::{Browser, Page};
use common::fixture::{MINUTE, Setup, at, setup};
use serde_json::{Value, json};

/// 2026-12-07 08:00 and 2026-12-13 17:00 in Hanoi (UTC+7), in UTC ms.
const MONDAY_8AM: i64 = 1_796_605_200_000;
const SUNDAY_5PM: i64 = 1_797_156_000_000;

fn assert_page(page: &Page, lang: &str, what: &str) {
    assert_eq!(page.status, 200, "{what} ({lang}): {}", page.html);
    assert_eq!(page.lang(), lang, "{what}: <html lang>");
    assert!(!page.has("⟦"), "{what} ({lang}) has a missing message");
}

async fn event_json(setup: &Setup, id: &str) -> Value {
    let read = setup.app.get(&format!("/api/v1/events/{id}"), None).await;
    assert_eq!(read.status, 200, "{}", read.text);
    read.body
}

async fn event_count(setup: &Setup) -> i64 {
    let listed = setup.app.get("/api/v1/events", None).await;
    listed.body["total"].as_i64().expect("total")
}

fn created_id(page: &Page) -> String {
    let location = page.location.clone().expect("a redirect");
    let id = location
        .strip_prefix("/organize/events/")
        .and_then(|rest| rest.strip_suffix("?saved=1"))
        .expect("the event's page");
    id.to_owned()
}

#[tokio::test]
async fn an_organizer_creates_an_event_in_local_time_and_sees_its_quizzes_and_contests() {
    let setup = setup().await;
    let organizer = Browser::signed_in(&setup.app, "ban.to.chuc").await;
    for lang in ["vi", "en"] {
        let list = organizer
            .get(&format!("/organize/events?lang={lang}"))
            .await;
        assert_page(&list, lang, "events");
        assert!(list.has("id=\"no-events\""));
        let new = organizer
            .get(&format!("/organize/events/new?lang={lang}"))
            .await;
        assert_page(&new, lang, "new event");
        assert!(new.has("type=\"datetime-local\""));
        assert!(new.has("UTC+07:00"), "the zone is shown");
    }
    let home = organizer.get("/organize").await;
    assert_eq!(home.status, 303);
    assert_eq!(home.location.as_deref(), Some("/organize/events"));

    let created = organizer
        .submit(
            "/organize/events/new",
            "/organize/events/new",
            &[
                ("title", "Tuần lễ học tập suốt đời 2026"),
                ("description", "Phường Láng Hạ\r\nvà 17 phường khác"),
                ("starts_at", "2026-12-07T08:00"),
                ("ends_at", "2026-12-13T17:00"),
            ],
        )
        .await;
    assert_eq!(created.status, 303, "{}", created.html);
    let id = created_id(&created);
    let stored = event_json(&setup, &id).await;
    assert_eq!(stored["title"], "Tuần lễ học tập suốt đời 2026");
    assert_eq!(stored["description"], "Phường Láng Hạ\nvà 17 phường khác");
    assert_eq!(stored["starts_at"], at(MONDAY_8AM));
    assert_eq!(stored["ends_at"], at(SUNDAY_5PM));

    // A quiz and a contest of the event appear on its page with links to their own.
    let quiz = setup.quiz_with(json!({"event_id": id})).await;
    let contest = setup.contest_with(json!({"event_id": id})).await;
    let page = organizer
        .visit(&format!("/organize/events/{id}?saved=1&lang=vi"))
        .await;
    assert_page(&page, "vi", "event");
    assert!(page.has("id=\"notice\""));
    assert!(page.has("value=\"2026-12-07T08:00\""), "{}", page.html);
    assert!(page.has(&format!("href=\"/organize/quizzes/{quiz}\"")));
    assert!(page.has(&format!("href=\"/organize/contests/{contest}\"")));
    assert!(page.has(&format!("href=\"/organize/reports/events/{id}\"")));
    let list = organizer.get("/organize/events?lang=en").await;
    assert!(list.has("Tuần lễ học tập suốt đời 2026"));
    assert!(list.has("1 quiz · 1 contest"), "{}", list.html);

    // Editing moves the dates; the quiz keeps its own window.
    let quiz_before = setup
        .app
        .get(
            &format!("/api/v1/quizzes/{quiz}"),
            Some(&setup.organizer.access),
        )
        .await;
    let edited = organizer
        .submit(
            &format!("/organize/events/{id}"),
            &format!("/organize/events/{id}"),
            &[
                ("title", "Tuần lễ học tập 2026"),
                ("description", ""),
                ("starts_at", "2026-12-06T07:30"),
                ("ends_at", "2026-12-13T17:00"),
            ],
        )
        .await;
    assert_eq!(edited.status, 303, "{}", edited.html);
    let stored = event_json(&setup, &id).await;
    assert_eq!(stored["title"], "Tuần lễ học tập 2026");
    assert_eq!(
        stored["starts_at"],
        at(MONDAY_8AM - 86_400_000 - 30 * MINUTE)
    );
    let quiz_after = setup
        .app
        .get(
            &format!("/api/v1/quizzes/{quiz}"),
            Some(&setup.organizer.access),
        )
        .await;
    assert_eq!(quiz_before.body["opens_at"], quiz_after.body["opens_at"]);
}

#[tokio::test]
async fn refusals_are_shown_by_their_fields_and_change_nothing() {
    let setup = setup().await;
    let organizer = Browser::signed_in(&setup.app, "ban.to.chuc").await;
    let backwards = organizer
        .submit(
            "/organize/events/new",
            "/organize/events/new?lang=en",
            &[
                ("title", "Tuần lễ"),
                ("starts_at", "2026-12-13T17:00"),
                ("ends_at", "2026-12-07T08:00"),
            ],
        )
        .await;
    assert_eq!(backwards.status, 422, "{}", backwards.html);
    assert!(backwards.has("id=\"ends-error\""));
    assert!(backwards.has("value=\"Tuần lễ\""), "what was typed is kept");
    let unreadable = organizer
        .submit(
            "/organize/events/new",
            "/organize/events/new?lang=vi",
            &[
                ("title", ""),
                ("starts_at", "thứ hai"),
                ("ends_at", "2026-12-07T08:00"),
            ],
        )
        .await;
    assert_eq!(unreadable.status, 422, "{}", unreadable.html);
    assert!(unreadable.has("id=\"starts-error\""));
    assert!(unreadable.has("Hãy chọn ngày và giờ bắt đầu."));
    assert_eq!(event_count(&setup).await, 0, "nothing was written");

    let created = organizer
        .submit(
            "/organize/events/new",
            "/organize/events/new",
            &[
                ("title", "Tuần lễ"),
                ("starts_at", "2026-12-07T08:00"),
                ("ends_at", "2026-12-13T17:00"),
            ],
        )
        .await;
    let id = created_id(&created);
    let before = event_json(&setup, &id).await;
    let refused = organizer
        .submit(
            &format!("/organize/events/{id}"),
            &format!("/organize/events/{id}"),
            &[
                ("title", "Đổi tên"),
                ("starts_at", "2026-12-07T08:00"),
                ("ends_at", "2026-12-01T08:00"),
            ],
        )
        .await;
    assert_eq!(refused.status, 422);
    assert!(refused.has("value=\"Đổi tên\""));
    assert_eq!(
        event_json(&setup, &id).await,
        before,
        "the event is unchanged"
    );

    // A form without its token is refused before anything is read.
    let forged = organizer
        .post(
            &format!("/organize/events/{id}"),
            &[
                ("csrf", "forged"),
                ("title", "Giả mạo"),
                ("starts_at", "2026-12-07T08:00"),
                ("ends_at", "2026-12-13T17:00"),
            ],
        )
        .await;
    assert_eq!(forged.status, 403, "{}", forged.html);
    assert_eq!(event_json(&setup, &id).await, before);
}

#[tokio::test]
async fn participants_judges_and_visitors_are_refused() {
    let setup = setup().await;
    let event = setup
        .app
        .post(
            "/api/v1/events",
            Some(&setup.organizer.access),
            &json!({"title": "Tuần lễ", "starts_at": at(MONDAY_8AM), "ends_at": at(SUNDAY_5PM)}),
        )
        .await;
    assert_eq!(event.status, 201, "{}", event.text);
    let id = event.body["id"].as_str().expect("id").to_owned();
    setup.app.register("hs.minh").await;
    setup.judge("gk.thu.ha").await;
    let before = event_json(&setup, &id).await;
    for username in ["hs.minh", "gk.thu.ha"] {
        let browser = Browser::signed_in(&setup.app, username).await;
        for path in [
            "/organize/events".to_owned(),
            "/organize/events/new".to_owned(),
            format!("/organize/events/{id}"),
        ] {
            let page = browser.get(&path).await;
            assert_eq!(page.status, 403, "{username} {path}");
        }
        let refused = browser
            .submit(
                "/",
                &format!("/organize/events/{id}"),
                &[
                    ("title", "Của tôi"),
                    ("starts_at", "2026-12-07T08:00"),
                    ("ends_at", "2026-12-13T17:00"),
                ],
            )
            .await;
        assert_eq!(refused.status, 403, "{username}: {}", refused.html);
    }
    assert_eq!(event_json(&setup, &id).await, before);
    let visitor = Browser::new(&setup.app).get("/organize/events").await;
    assert_eq!(visitor.status, 303);
    assert!(
        visitor
            .location
            .as_deref()
            .is_some_and(|l| l.starts_with("/login?next="))
    );
}

#[tokio::test]
async fn the_api_edits_an_event_with_the_rules_of_creation() {
    let setup = setup().await;
    let token = Some(setup.organizer.access.as_str());
    let created = setup
        .app
        .post(
            "/api/v1/events",
            token,
            &json!({"title": "Tuần lễ", "starts_at": at(MONDAY_8AM), "ends_at": at(SUNDAY_5PM)}),
        )
        .await;
    let id = created.body["id"].as_str().expect("id").to_owned();
    let path = format!("/api/v1/events/{id}");

    let renamed = setup
        .app
        .patch(&path, token, &json!({"title": "  Tuần lễ học tập  "}))
        .await;
    assert_eq!(renamed.status, 200, "{}", renamed.text);
    assert_eq!(renamed.body["title"], "Tuần lễ học tập");
    assert_eq!(
        renamed.body["starts_at"],
        at(MONDAY_8AM),
        "untouched fields stay"
    );

    // The end is checked against the stored start when only the end changes.
    let backwards = setup
        .app
        .patch(&path, token, &json!({"ends_at": at(MONDAY_8AM - MINUTE)}))
        .await;
    assert_eq!(backwards.status, 422, "{}", backwards.text);
    assert!(
        backwards.body["error"]["details"]["fields"]["ends_at"].is_string(),
        "{}",
        backwards.text
    );
    let unknown = setup.app.patch(&path, token, &json!({"purge": true})).await;
    assert_eq!(unknown.status, 422);
    assert_eq!(event_json(&setup, &id).await["ends_at"], at(SUNDAY_5PM));

    let missing = setup
        .app
        .patch("/api/v1/events/none", token, &json!({"title": "x"}))
        .await;
    assert_eq!(missing.status, 404);
    let participant = setup.app.register("hs.minh").await;
    let refused = setup
        .app
        .patch(
            &path,
            Some(&participant.access),
            &json!({"title": "Của tôi"}),
        )
        .await;
    assert_eq!(refused.status, 403);
    assert_eq!(event_json(&setup, &id).await["title"], "Tuần lễ học tập");
}
