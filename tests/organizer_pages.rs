//! The organizers' contest pages over real HTTP, as a browser without JavaScript uses them:
//! the contests, the moderation queue, the results state and the judges in both languages;
//! who is refused; decisions and refusals through the forms, read back through the API.

mod common;

use common::PASSWORD;
use common::Session;
use common::browser::{Browser, Page};
use common::fixture::Setup;
use serde_json::json;

const GUARDIAN: &str = "Nguyễn Văn Bố";

struct Moderated {
    setup: Setup,
    contest: String,
    /// Submitted by an adult (`ts.lanhuong`) and by a minor with her guardian's consent.
    adult_entry: String,
    minor_entry: String,
    organizer: Browser,
}

fn this_year(setup: &Setup) -> i64 {
    time::OffsetDateTime::from_unix_timestamp(setup.now() / 1000)
        .map(|t| i64::from(t.year()))
        .expect("a time")
}

/// Uploads a recording to `entry` and submits it.
async fn submitted(setup: &Setup, who: &Session, entry: &str) {
    setup
        .upload_fixture(who, entry, "webm_opus_mediarecorder.webm")
        .await;
    let submitted = setup.app.submit_entry(who, entry).await;
    assert_eq!(submitted.status, 200, "{}", submitted.text);
}

/// A contest with two submitted entries awaiting moderation, and the organizer signed in.
async fn moderated() -> Moderated {
    let setup = Setup::spawn().await;
    let contest = setup.contest_with(json!({"judges_per_entry": 1})).await;
    let adult = setup.entrant("lanhuong").await;
    let adult_entry = setup.entry(&adult, &contest).await;
    submitted(&setup, &adult, &adult_entry).await;
    let minor = setup
        .app
        .register_with(json!({
            "username": "ts.be.an", "password": PASSWORD, "display_name": "Bé An",
            "birth_year": this_year(&setup) - 12
        }))
        .await;
    let created = setup
        .app
        .create_entry(
            &minor,
            &contest,
            &json!({"title": "Bài của em", "consent": {"entrant": true, "guardian_name": GUARDIAN, "guardian_consent": true}}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let minor_entry = created.body["id"].as_str().expect("id").to_owned();
    submitted(&setup, &minor, &minor_entry).await;
    let organizer = Browser::signed_in(&setup.app, "ban.to.chuc").await;
    Moderated {
        setup,
        contest,
        adult_entry,
        minor_entry,
        organizer,
    }
}

fn assert_page(page: &Page, lang: &str, what: &str) {
    assert_eq!(page.status, 200, "{what} ({lang}): {}", page.html);
    assert_eq!(page.lang(), lang, "{what}: <html lang>");
    assert!(!page.has("⟦"), "{what} ({lang}) has a missing message");
    assert!(page.has("</html>"), "{what} ({lang}) is complete");
}

fn moderation_page(contest: &str) -> String {
    format!("/organize/contests/{contest}/moderation")
}

/// The entry's status and moderation as the API reports them to the organizer.
async fn entry_status(setup: &Setup, entry: &str) -> (String, Option<String>) {
    let read = setup.app.entry(&setup.organizer, entry).await;
    assert_eq!(read.status, 200, "{}", read.text);
    (
        read.body["status"].as_str().expect("status").to_owned(),
        read.body["moderation"]["reason"]
            .as_str()
            .map(str::to_owned),
    )
}

async fn results_state(setup: &Setup, contest: &str) -> String {
    let read = setup.app.contest(&setup.organizer, contest).await;
    assert_eq!(read.status, 200, "{}", read.text);
    read.body["results_state"]
        .as_str()
        .expect("results_state")
        .to_owned()
}

#[tokio::test]
async fn every_page_renders_in_both_languages_for_an_organizer() {
    // The server lives as long as its `Setup`.
    let Moderated {
        setup: _setup,
        contest,
        organizer,
        adult_entry,
        minor_entry,
        ..
    } = moderated().await;
    for lang in ["vi", "en"] {
        let list = organizer
            .get(&format!("/organize/contests?lang={lang}"))
            .await;
        assert_page(&list, lang, "contests");
        assert!(list.has("Công dân số 2022"));
        assert!(list.has(&format!("href=\"/organize/contests/{contest}/moderation\"")));
        let awaiting = if lang == "vi" {
            "2 bài chờ duyệt"
        } else {
            "2 awaiting review"
        };
        assert!(list.has(awaiting), "{awaiting}: {}", list.html);

        let queue = organizer.get(&moderation_page(&contest)).await;
        assert_page(&queue, lang, "moderation");
        for entry in [&adult_entry, &minor_entry] {
            assert!(queue.has(&format!("id=\"entry-{entry}\"")));
            assert!(queue.has(&format!("<source src=\"/api/v1/entries/{entry}/media/")));
            assert!(queue.has(&format!("id=\"reason-{entry}\"")));
        }
        assert!(queue.has("<audio controls") || queue.has("<video controls"));
        // Organizers may know who sent an entry, and see a minor's guardian.
        assert!(
            queue.has("Bạn lanhuong") && queue.has("Bé An"),
            "{}",
            queue.html
        );
        assert!(queue.has(GUARDIAN));
        for decision in ["approve", "reject", "disqualify"] {
            assert!(queue.has(&format!("name=\"decision\" value=\"{decision}\"")));
        }

        let overview = organizer
            .get(&format!("/organize/contests/{contest}"))
            .await;
        assert_page(&overview, lang, "contest");
        assert!(overview.has("data-state=\"hidden\""));
        for to in ["live", "frozen", "published"] {
            assert!(overview.has(&format!("/results?to={to}\"")), "{to}");
        }
        assert!(overview.has("id=\"judge-username\""));

        let confirm = organizer
            .get(&format!("/organize/contests/{contest}/results?to=frozen"))
            .await;
        assert_page(&confirm, lang, "confirmation");
        assert!(confirm.has("name=\"state\" value=\"frozen\""));
        assert!(confirm.has("name=\"confirm\" value=\"yes\""));
    }
}

#[tokio::test]
async fn participants_and_judges_are_refused() {
    let Moderated {
        setup,
        contest,
        adult_entry,
        ..
    } = moderated().await;
    setup.judge("gk.thu.ha").await;
    let participant = Browser::signed_in(&setup.app, "ts.lanhuong").await;
    let judge = Browser::signed_in(&setup.app, "gk.thu.ha").await;
    for (who, browser) in [("participant", &participant), ("judge", &judge)] {
        for path in [
            "/organize/contests".to_owned(),
            format!("/organize/contests/{contest}"),
            moderation_page(&contest),
            format!("/organize/contests/{contest}/results?to=frozen"),
        ] {
            let page = browser.get(&path).await;
            assert_eq!(page.status, 403, "{who} {path}: {}", page.html);
        }
        // The forms are refused too, and write nothing.
        let csrf = browser.get("/contests").await.csrf();
        let decided = browser
            .post(
                &moderation_page(&contest),
                &[
                    ("csrf", csrf.as_str()),
                    ("entry", adult_entry.as_str()),
                    ("decision", "approve"),
                ],
            )
            .await;
        assert_eq!(decided.status, 403, "{who}: {}", decided.html);
        let changed = browser
            .post(
                &format!("/organize/contests/{contest}/results"),
                &[
                    ("csrf", csrf.as_str()),
                    ("state", "live"),
                    ("confirm", "yes"),
                ],
            )
            .await;
        assert_eq!(changed.status, 403, "{who}: {}", changed.html);
        let added = browser
            .post(
                &format!("/organize/contests/{contest}/judges"),
                &[("csrf", csrf.as_str()), ("username", "gk.thu.ha")],
            )
            .await;
        assert_eq!(added.status, 403, "{who}: {}", added.html);
    }
    assert_eq!(entry_status(&setup, &adult_entry).await.0, "submitted");
    assert_eq!(results_state(&setup, &contest).await, "hidden");
    let judges = setup.app.judges(&setup.organizer, &contest).await;
    assert_eq!(judges.body["total"], 0, "{}", judges.text);
}

#[tokio::test]
async fn decisions_through_the_form_are_written_and_a_reject_needs_a_reason() {
    let Moderated {
        setup,
        contest,
        adult_entry,
        minor_entry,
        organizer,
        ..
    } = moderated().await;
    let page = moderation_page(&contest);
    let approved = organizer
        .submit(
            &page,
            &page,
            &[("entry", minor_entry.as_str()), ("decision", "approve")],
        )
        .await;
    assert_eq!(approved.status, 303, "{}", approved.html);
    assert_eq!(entry_status(&setup, &minor_entry).await.0, "approved");
    let back = organizer
        .get(approved.location.as_deref().expect("location"))
        .await;
    assert!(back.has("id=\"decided\""), "{}", back.html);
    assert!(
        !back.has(&format!("id=\"entry-{minor_entry}\"")),
        "a decided entry leaves the queue"
    );

    // No reason: refused beside the field, in the page's language, and nothing written.
    for (lang, message) in [
        ("vi", "Hãy ghi lý do"),
        ("en", "Write the reason: it is required"),
    ] {
        organizer.get(&format!("{page}?lang={lang}")).await;
        let refused = organizer
            .submit(
                &page,
                &page,
                &[
                    ("entry", adult_entry.as_str()),
                    ("decision", "reject"),
                    ("reason", "  "),
                ],
            )
            .await;
        assert_eq!(refused.status, 422, "{}", refused.html);
        assert!(refused.has(message), "{message}: {}", refused.html);
        assert!(refused.has(&format!("id=\"reason-error-{adult_entry}\"")));
        assert!(refused.has("aria-invalid=\"true\""));
        assert_eq!(
            entry_status(&setup, &adult_entry).await,
            ("submitted".to_owned(), None)
        );
    }

    let reason = "Bài ghi bị rè, em gửi lại bản rõ hơn nhé.";
    let rejected = organizer
        .submit(
            &page,
            &page,
            &[
                ("entry", adult_entry.as_str()),
                ("decision", "reject"),
                ("reason", reason),
            ],
        )
        .await;
    assert_eq!(rejected.status, 303, "{}", rejected.html);
    assert_eq!(
        entry_status(&setup, &adult_entry).await,
        ("rejected".to_owned(), Some(reason.to_owned()))
    );
    // The entrant reads the reason on her own page.
    let entrant = Browser::signed_in(&setup.app, "ts.lanhuong").await;
    let mine = entrant.get("/me/entries").await;
    assert!(mine.has(reason), "{}", mine.html);
    let empty = organizer.get(&page).await;
    assert!(empty.has("id=\"queue-empty\""));
}

#[tokio::test]
async fn the_results_state_changes_once_confirmed_and_the_published_hash_is_shown() {
    let Moderated {
        setup,
        contest,
        minor_entry,
        organizer,
        ..
    } = moderated().await;
    setup.moderate(&minor_entry, "approve", "").await;
    let overview = format!("/organize/contests/{contest}");
    let action = format!("{overview}/results");
    // Without the confirmation, the post only leads to it.
    let unconfirmed = organizer
        .submit(&overview, &action, &[("state", "frozen")])
        .await;
    assert_eq!(unconfirmed.status, 303);
    assert_eq!(
        unconfirmed.location.as_deref(),
        Some(format!("{action}?to=frozen").as_str())
    );
    assert_eq!(results_state(&setup, &contest).await, "hidden");

    let confirm = format!("{action}?to=frozen");
    let frozen = organizer
        .submit(
            &confirm,
            &action,
            &[("state", "frozen"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(frozen.status, 303, "{}", frozen.html);
    assert_eq!(results_state(&setup, &contest).await, "frozen");
    let page = organizer.get(&format!("{overview}?lang=vi")).await;
    assert!(page.has("data-state=\"frozen\">Đóng băng"), "{}", page.html);
    assert!(page.has("Đổi lần cuối lúc") && page.has("(UTC+07:00)"));
    assert!(
        !page.has("/results?to=frozen\""),
        "no change to the same state"
    );

    let published = organizer
        .submit(
            &format!("{action}?to=published"),
            &action,
            &[("state", "published"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(published.status, 303, "{}", published.html);
    let api = setup
        .app
        .published_contest_board(&setup.organizer, &contest)
        .await;
    assert_eq!(api.status, 200, "{}", api.text);
    let sha256 = api.body["sha256"].as_str().expect("sha256");
    assert_eq!(sha256.len(), 64);
    for lang in ["vi", "en"] {
        let page = organizer.get(&format!("{overview}?lang={lang}")).await;
        assert_page(&page, lang, "published");
        assert!(page.has(&format!(
            "<code id=\"sha256\" class=\"hash\">{sha256}</code>"
        )));
        assert!(page.has(&format!(
            "href=\"/api/v1/contests/{contest}/leaderboard/published\""
        )));
        assert!(
            !page.has("/results?to="),
            "published results change no more"
        );
    }
    // A late post is refused with the API's reason, in words.
    let late = organizer
        .submit(&overview, &action, &[("state", "live"), ("confirm", "yes")])
        .await;
    assert_eq!(late.status, 409, "{}", late.html);
    assert!(late.has("The results are published and final."));
    assert_eq!(results_state(&setup, &contest).await, "published");
}

#[tokio::test]
async fn judges_are_added_by_username_and_removed() {
    let Moderated {
        setup,
        contest,
        minor_entry,
        organizer,
        ..
    } = moderated().await;
    setup.moderate(&minor_entry, "approve", "").await;
    let judge = setup.judge("gk.thu.ha").await;
    let overview = format!("/organize/contests/{contest}");
    let action = format!("{overview}/judges");

    for (username, message) in [
        ("", "Hãy nhập tên đăng nhập"),
        ("khong.co.ai", "Không có tài khoản nào"),
        ("ts.lanhuong", "không phải giám khảo"),
    ] {
        let refused = organizer
            .submit(&overview, &action, &[("username", username)])
            .await;
        assert_eq!(refused.status, 422, "{username}: {}", refused.html);
        assert!(refused.has(message), "{message}: {}", refused.html);
        assert!(refused.has("id=\"judge-error\""));
    }
    let added = organizer
        .submit(&overview, &action, &[("username", "GK.Thu.Ha")])
        .await;
    assert_eq!(added.status, 303, "{}", added.html);
    let judges = setup.app.judges(&setup.organizer, &contest).await;
    assert_eq!(judges.body["total"], 1, "{}", judges.text);
    assert_eq!(judges.body["items"][0]["user_id"], judge.user_id.as_str());
    assert_eq!(judges.body["items"][0]["assigned"], 1, "{}", judges.text);
    let page = organizer.get(&format!("{overview}?lang=vi")).await;
    assert!(page.has(&format!("id=\"judge-{}\"", judge.user_id)));
    assert!(page.has("Đã chấm 0/1"), "{}", page.html);

    let removed = organizer
        .submit(
            &overview,
            &format!("{action}/{}/remove", judge.user_id),
            &[],
        )
        .await;
    assert_eq!(removed.status, 303, "{}", removed.html);
    let judges = setup.app.judges(&setup.organizer, &contest).await;
    assert_eq!(judges.body["total"], 0, "{}", judges.text);
    let page = organizer.get(&overview).await;
    assert!(page.has("id=\"no-judges\""));
}
