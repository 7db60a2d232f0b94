//! Creating and editing a contest by form, without JavaScript: every setting lands in the API's
//! contest exactly (local times, megabytes, a decimal comma), a criterion is added and removed
//! by the form's own buttons, refusals sit beside their fields and write nothing, and once a
//! judge has scored the rubric is read-only — a forged form cannot change it.

mod common;

use common::browser::{Browser, Page};
use common::fixture::{Setup, at};
use serde_json::{Value, json};

/// 2026-12-07 08:00, 2026-12-13 17:00 and 2026-12-14 20:00 in Hanoi, in UTC ms.
const OPENS: i64 = 1_796_605_200_000;
const CLOSES: i64 = 1_797_156_000_000;
const VOTING_CLOSES: i64 = 1_797_253_200_000;

/// The form as an organizer fills it: two criteria, voting on, one of the event's.
fn filled(event: &str) -> Vec<(&'static str, String)> {
    [
        ("event_id", event),
        ("title", "Công dân số nhí"),
        (
            "rules",
            "Quay video 1 phút.\r\nKhông dùng nhạc có bản quyền.",
        ),
        ("opens_at", "2026-12-07T08:00"),
        ("closes_at", "2026-12-13T17:00"),
        ("media", "video"),
        ("max_megabytes", "25"),
        ("max_duration_s", "90"),
        ("max_entries_per_user", "2"),
        ("criteria", "2"),
        ("criterion-0-key", ""),
        ("criterion-0-title", "Nội dung"),
        ("criterion-0-weight", "2,5"),
        ("criterion-0-max", "10"),
        ("criterion-1-key", ""),
        ("criterion-1-title", "Trình bày"),
        ("criterion-1-weight", "1"),
        ("criterion-1-max", "5"),
        ("judges_per_entry", "2"),
        ("voting", "yes"),
        ("voting_opens_at", "2026-12-07T08:00"),
        ("voting_closes_at", "2026-12-14T20:00"),
        ("voters", "members"),
        ("show_authors", "always"),
    ]
    .into_iter()
    .map(|(name, value)| (name, value.to_owned()))
    .collect()
}

fn with(
    mut fields: Vec<(&'static str, String)>,
    changes: &[(&'static str, &str)],
) -> Vec<(&'static str, String)> {
    for (name, value) in changes {
        fields.retain(|(n, _)| n != name);
        fields.push((name, (*value).to_owned()));
    }
    fields
}

async fn post(
    browser: &Browser,
    page: &str,
    action: &str,
    fields: &[(&'static str, String)],
) -> Page {
    let borrowed: Vec<(&str, &str)> = fields.iter().map(|(n, v)| (*n, v.as_str())).collect();
    browser.submit(page, action, &borrowed).await
}

async fn contest_json(setup: &Setup, id: &str) -> Value {
    let read = setup.app.contest(&setup.organizer, id).await;
    assert_eq!(read.status, 200, "{}", read.text);
    read.body
}

async fn contest_count(setup: &Setup) -> i64 {
    setup.app.get("/api/v1/contests", None).await.body["total"]
        .as_i64()
        .expect("total")
}

async fn an_event(setup: &Setup) -> String {
    let event = setup
        .app
        .post(
            "/api/v1/events",
            Some(&setup.organizer.access),
            &json!({"title": "Tuần lễ học tập", "starts_at": at(OPENS), "ends_at": at(CLOSES)}),
        )
        .await;
    assert_eq!(event.status, 201, "{}", event.text);
    event.body["id"].as_str().expect("id").to_owned()
}

#[tokio::test]
async fn an_organizer_creates_a_contest_with_every_setting() {
    let setup = Setup::spawn().await;
    let event = an_event(&setup).await;
    let organizer = Browser::signed_in(&setup.app, "ban.to.chuc").await;
    for lang in ["vi", "en"] {
        let page = organizer
            .get(&format!("/organize/contests/new?event={event}&lang={lang}"))
            .await;
        assert_eq!(page.status, 200, "{}", page.html);
        assert!(!page.has("⟦"), "a missing message ({lang})");
        assert!(
            page.has(&format!("<option value=\"{event}\" selected>")),
            "the event is picked"
        );
    }

    // One row to start with; "add a criterion" gives a second without saving anything.
    let one_row = with(filled(&event), &[("criteria", "1")]);
    let added = post(
        &organizer,
        "/organize/contests/new",
        "/organize/contests/new?lang=vi",
        &with(one_row, &[("add_criterion", "1")]),
    )
    .await;
    assert_eq!(added.status, 200, "{}", added.html);
    assert!(added.has("id=\"criterion-1-title\""));
    assert!(added.has("value=\"Nội dung\""), "the first row is kept");
    assert_eq!(contest_count(&setup).await, 0);

    let created = post(
        &organizer,
        "/organize/contests/new",
        "/organize/contests/new",
        &filled(&event),
    )
    .await;
    assert_eq!(created.status, 303, "{}", created.html);
    let location = created.location.clone().expect("location");
    let id = location
        .strip_prefix("/organize/contests/")
        .and_then(|rest| rest.strip_suffix("?saved=1"))
        .expect("the contest's page")
        .to_owned();
    let stored = contest_json(&setup, &id).await;
    assert_eq!(stored["event_id"], event.as_str());
    assert_eq!(stored["title"], "Công dân số nhí");
    assert_eq!(
        stored["rules"],
        "Quay video 1 phút.\nKhông dùng nhạc có bản quyền."
    );
    assert_eq!(stored["opens_at"], at(OPENS));
    assert_eq!(stored["closes_at"], at(CLOSES));
    assert_eq!(stored["media"], json!(["video"]));
    assert_eq!(stored["max_bytes"], 25_000_000);
    assert_eq!(stored["max_duration_s"], 90);
    assert_eq!(stored["max_entries_per_user"], 2);
    assert_eq!(stored["judges_per_entry"], 2);
    assert_eq!(
        stored["criteria"],
        json!([
            {"key": "c1", "title": "Nội dung", "weight": 2.5, "max_points": 10.0},
            {"key": "c2", "title": "Trình bày", "weight": 1.0, "max_points": 5.0}
        ])
    );
    assert_eq!(stored["voting"]["enabled"], true);
    assert_eq!(stored["voting"]["closes_at"], at(VOTING_CLOSES));
    assert_eq!(stored["show_authors"], "always");
    assert_eq!(stored["voters"], "members");
    let overview = organizer.get(&location).await;
    assert!(overview.has("id=\"notice\""), "{}", overview.html);

    // The edit form shows what is stored, and removing a row removes that criterion.
    let edit = organizer
        .get(&format!("/organize/contests/{id}/edit?lang=vi"))
        .await;
    assert_eq!(edit.status, 200);
    assert!(
        edit.has("value=\"2,5\"")
            && edit.has("value=\"25\"")
            && edit.has("value=\"2026-12-13T17:00\"")
    );
    let mut fields = filled(&event);
    fields = with(
        fields,
        &[
            ("criterion-0-key", "c1"),
            ("criterion-1-key", "c2"),
            ("criterion-0-remove", "yes"),
            ("max_megabytes", "2,5"),
        ],
    );
    let saved = post(
        &organizer,
        &format!("/organize/contests/{id}/edit"),
        &format!("/organize/contests/{id}/edit"),
        &fields,
    )
    .await;
    assert_eq!(saved.status, 303, "{}", saved.html);
    let stored = contest_json(&setup, &id).await;
    assert_eq!(
        stored["criteria"],
        json!([{"key": "c2", "title": "Trình bày", "weight": 1.0, "max_points": 5.0}])
    );
    assert_eq!(stored["max_bytes"], 2_500_000);
}

#[tokio::test]
async fn refusals_sit_beside_their_fields_and_write_nothing() {
    let setup = Setup::spawn().await;
    let event = an_event(&setup).await;
    let organizer = Browser::signed_in(&setup.app, "ban.to.chuc").await;
    let wrong = with(
        filled(&event),
        &[
            ("closes_at", "2026-12-01T08:00"),
            ("criterion-1-weight", "nhiều"),
            ("criterion-0-title", ""),
            ("voting_opens_at", ""),
        ],
    );
    let wrong: Vec<_> = wrong.into_iter().filter(|(n, _)| *n != "media").collect();
    let refused = post(
        &organizer,
        "/organize/contests/new",
        "/organize/contests/new?lang=vi",
        &wrong,
    )
    .await;
    // Unreadable numbers and times are refused first, by their fields.
    assert_eq!(refused.status, 422, "{}", refused.html);
    assert!(
        refused.has("id=\"criterion-1-weight-error\""),
        "{}",
        refused.html
    );
    assert!(refused.has("id=\"voting-opens-error\""));
    assert!(refused.has("value=\"nhiều\""), "what was typed is kept");
    // Once they read, the API's own refusals follow.
    let readable = with(
        wrong,
        &[
            ("criterion-1-weight", "1"),
            ("voting_opens_at", "2026-12-07T08:00"),
        ],
    );
    let refused = post(
        &organizer,
        "/organize/contests/new",
        "/organize/contests/new?lang=en",
        &readable,
    )
    .await;
    assert_eq!(refused.status, 422, "{}", refused.html);
    assert!(refused.has("id=\"closes_at-error\""));
    assert!(refused.has("id=\"media-error\""));
    assert!(refused.has("id=\"criterion-0-title-error\""));
    assert!(refused.has("Give the criterion a name"));
    assert!(!refused.has("⟦"));
    assert_eq!(contest_count(&setup).await, 0, "nothing was written");
}

#[tokio::test]
async fn once_a_judge_has_scored_the_rubric_is_read_only() {
    let setup = Setup::spawn().await;
    let contest = setup.contest_with(json!({"judges_per_entry": 1})).await;
    let entrant = setup.entrant("lanhuong").await;
    let entry = setup.approved_entry(&entrant, &contest).await;
    let judge = setup.judge("gk.thu.ha").await;
    assert_eq!(setup.add_judge(&contest, &judge).await.status, 201);
    let scored = setup
        .app
        .score_entry(
            &judge,
            &entry,
            &json!({"scores": {"content": 8, "voice": 4}}),
        )
        .await;
    assert_eq!(scored.status, 200, "{}", scored.text);
    let before = contest_json(&setup, &contest).await;

    let organizer = Browser::signed_in(&setup.app, "ban.to.chuc").await;
    let path = format!("/organize/contests/{contest}/edit");
    let page = organizer.get(&format!("{path}?lang=vi")).await;
    assert!(page.has("id=\"rubric-locked\""), "{}", page.html);
    assert!(!page.has("name=\"criterion-0-title\""), "no rubric inputs");
    // A forged form naming a new rubric changes the rest, never the rubric.
    let forged = [
        ("title", "Công dân số 2022 (sửa)"),
        ("rules", "Thể lệ mới"),
        ("opens_at", "2026-12-07T08:00"),
        ("closes_at", "2026-12-13T17:00"),
        ("media", "audio"),
        ("max_megabytes", "10"),
        ("max_duration_s", "60"),
        ("max_entries_per_user", "1"),
        ("criteria", "1"),
        ("criterion-0-key", "gian-lan"),
        ("criterion-0-title", "Gian lận"),
        ("criterion-0-weight", "100"),
        ("criterion-0-max", "1"),
        ("judges_per_entry", "5"),
    ];
    let saved = organizer.submit(&path, &path, &forged).await;
    assert_eq!(saved.status, 303, "{}", saved.html);
    let after = contest_json(&setup, &contest).await;
    assert_eq!(after["title"], "Công dân số 2022 (sửa)");
    assert_eq!(after["media"], json!(["audio"]));
    assert_eq!(after["criteria"], before["criteria"]);
    assert_eq!(after["judges_per_entry"], before["judges_per_entry"]);
}

#[tokio::test]
async fn participants_and_judges_are_refused_and_change_nothing() {
    let setup = Setup::spawn().await;
    let contest = setup.contest().await;
    let before = contest_json(&setup, &contest).await;
    setup.entrant("lanhuong").await;
    setup.judge("gk.thu.ha").await;
    for username in ["ts.lanhuong", "gk.thu.ha"] {
        let browser = Browser::signed_in(&setup.app, username).await;
        for path in [
            "/organize/contests/new".to_owned(),
            format!("/organize/contests/{contest}/edit"),
        ] {
            assert_eq!(browser.get(&path).await.status, 403, "{username} {path}");
        }
        let refused = browser
            .submit(
                "/",
                &format!("/organize/contests/{contest}/edit"),
                &[("title", "Của tôi")],
            )
            .await;
        assert_eq!(refused.status, 403);
        let refused = browser
            .submit("/", "/organize/contests/new", &[("title", "Của tôi")])
            .await;
        assert_eq!(refused.status, 403);
    }
    assert_eq!(contest_json(&setup, &contest).await, before);
    assert_eq!(contest_count(&setup).await, 1);
}
