//! The judges' pages over real HTTP, as a browser without JavaScript uses them: the blind
//! queue and scoring page in both languages, nothing of the entrant on them or in the
//! recording's headers, who is refused, saving and "save and next", refusals beside their
//! fields, and the lock once the results are frozen.

mod common;

use common::browser::{Browser, Page, attribute_after};
use common::contests::fixture as media_fixture;
use common::fixture::Setup;
use common::{Session, TestApp};
use serde_json::{Value, json};

/// What would tell a judge who made an entry: every entrant's username, display name and the
/// name of the file she uploaded, as the tests create them.
const IDENTITY: [&str; 6] = [
    "ts.lanhuong",
    "lanhuong",
    "Lanhuong-ghi-am",
    "ts.minhquan",
    "minhquan",
    "Minhquan-video",
];

struct Judged {
    setup: Setup,
    contest: String,
    /// Entries in the order they were approved (the queue's order while unscored).
    entries: Vec<String>,
    judge: Session,
    /// The judge signed in through the login form.
    browser: Browser,
}

/// A contest (one judge per entry) with two approved entries by two entrants, each uploaded
/// under a file name that names her, and one judge who gets both.
async fn judged() -> Judged {
    let setup = Setup::spawn().await;
    let contest = setup.contest_with(json!({"judges_per_entry": 1})).await;
    let mut entries = Vec::new();
    for (name, file) in [
        ("lanhuong", "Lanhuong-ghi-am.wav"),
        ("minhquan", "Minhquan-video.wav"),
    ] {
        let entrant = setup.entrant(name).await;
        let entry = setup.entry(&entrant, &contest).await;
        let uploaded = setup
            .app
            .upload_media(&entrant, &entry, media_fixture("wav_pcm16.wav"), Some(file))
            .await;
        assert_eq!(uploaded.status, 201, "{}", uploaded.text);
        let submitted = setup.app.submit_entry(&entrant, &entry).await;
        assert_eq!(submitted.status, 200, "{}", submitted.text);
        let approved = setup.moderate(&entry, "approve", "").await;
        assert_eq!(approved.status, 200, "{}", approved.text);
        entries.push(entry);
    }
    let judge = setup.judge("gk.thu.ha").await;
    let added = setup.add_judge(&contest, &judge).await;
    assert_eq!(added.status, 201, "{}", added.text);
    let browser = Browser::signed_in(&setup.app, "gk.thu.ha").await;
    Judged {
        setup,
        contest,
        entries,
        judge,
        browser,
    }
}

fn assert_page(page: &Page, lang: &str, what: &str) {
    assert_eq!(page.status, 200, "{what} ({lang}): {}", page.html);
    assert_eq!(page.lang(), lang, "{what}: <html lang>");
    assert!(!page.has("⟦"), "{what} ({lang}) has a missing message");
    assert!(page.has("</html>"), "{what} ({lang}) is complete");
}

fn assert_blind(text: &str, what: &str) {
    let lower = text.to_lowercase();
    for identity in IDENTITY {
        assert!(
            !lower.contains(&identity.to_lowercase()),
            "{what} tells {identity:?}: {text}"
        );
    }
}

fn entry_page(entry: &str) -> String {
    format!("/judging/entries/{entry}")
}

/// The judge's own scores of `entry` from the API's queue (`null` while unscored).
async fn scores_of(app: &TestApp, judge: &Session, entry: &str) -> Value {
    let queue = app.judging_queue(judge).await;
    assert_eq!(queue.status, 200, "{}", queue.text);
    queue.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|item| item["entry_id"] == entry)
        .map(|item| json!({"scores": item["scores"], "comment": item["comment"]}))
        .expect("the entry is in the queue")
}

/// Posts the scoring form of `entry` with `fields` (and the page's CSRF token).
async fn score(browser: &Browser, entry: &str, fields: &[(&str, &str)]) -> Page {
    browser
        .submit(&entry_page(entry), &entry_page(entry), fields)
        .await
}

#[tokio::test]
async fn both_pages_render_blind_in_both_languages() {
    let Judged {
        setup,
        entries,
        judge,
        browser,
        ..
    } = judged().await;
    for lang in ["vi", "en"] {
        let queue = browser.get(&format!("/judging?lang={lang}")).await;
        assert_page(&queue, lang, "queue");
        assert_blind(&queue.html, "the queue");
        assert!(queue.has("Công dân số 2022"), "the contest is named");
        for entry in &entries {
            assert!(queue.has(&format!("href=\"/judging/entries/{entry}\"")));
        }
        let progress = if lang == "vi" {
            "Đã chấm 0/2 bài."
        } else {
            "0 of 2 entries scored."
        };
        assert!(queue.has(progress), "{progress}: {}", queue.html);

        let page = browser.get(&entry_page(&entries[0])).await;
        assert_page(&page, lang, "scoring page");
        assert_blind(&page.html, "the scoring page");
        assert!(page.has("Bài dự thi") && page.has("Một phút về mật khẩu mạnh"));
        assert!(page.has("<audio id=\"player\" controls"), "{}", page.html);
        for (key, title, max) in [("content", "Nội dung", "10"), ("voice", "Trình bày", "5")] {
            assert!(page.has(&format!("<label for=\"score-{key}\">{title}</label>")));
            assert!(page.has(&format!(
                "type=\"number\" id=\"score-{key}\" name=\"score-{key}\" value=\"\" min=\"0\" max=\"{max}\" step=\"any\""
            )));
        }
        assert!(page.has("name=\"then\" value=\"next\""));
    }

    // The recording as the judge's player fetches it, and with her token: no name anywhere
    // in the headers (the download name is the server's own).
    let page = browser.get(&entry_page(&entries[0])).await;
    let src = attribute_after(&page.html, "<source src=\"");
    assert!(src.starts_with(&format!("/api/v1/entries/{}/media/", entries[0])));
    let played = browser
        .client
        .get(format!("{}{src}", browser.base))
        .header("range", "bytes=0-99")
        .send()
        .await
        .expect("play");
    assert_eq!(played.status(), 206);
    let media = src.rsplit('/').next().expect("media id");
    let by_token = setup.app.media(&judge, &entries[0], media).await;
    assert_eq!(by_token.status, 200);
    for (what, headers) in [
        ("the player's request", played.headers().clone()),
        ("the judge's API request", by_token.headers.clone()),
    ] {
        let text: String = headers
            .iter()
            .map(|(name, value)| format!("{name}: {}\n", String::from_utf8_lossy(value.as_bytes())))
            .collect();
        assert_blind(&text, what);
        let disposition = headers
            .get("content-disposition")
            .and_then(|v| v.to_str().ok())
            .expect("a download name");
        assert!(
            disposition.contains("filename=\"entry-"),
            "{what}: {disposition}"
        );
    }
    // The queue API, which the pages read, names nobody either.
    assert_blind(&setup.app.judging_queue(&judge).await.text, "the queue API");
}

#[tokio::test]
async fn outsiders_are_refused() {
    let Judged {
        setup,
        entries,
        judge,
        ..
    } = judged().await;
    // A judge of no contest: her queue is empty and the entry does not exist for her.
    setup.judge("gk.khac").await;
    let other = Browser::signed_in(&setup.app, "gk.khac").await;
    let queue = other.get("/judging").await;
    assert_page(&queue, "vi", "an empty queue");
    assert!(!queue.has(&entries[0]));
    assert_eq!(other.get(&entry_page(&entries[0])).await.status, 404);
    let posted = score(
        &other,
        &entries[0],
        &[("score-content", "9"), ("score-voice", "4")],
    )
    .await;
    assert_eq!(posted.status, 404, "{}", posted.html);

    // A participant (the entrant herself): refused as the API refuses her.
    let entrant = Browser::signed_in(&setup.app, "ts.lanhuong").await;
    assert_eq!(entrant.get("/judging").await.status, 403);
    let own = entrant.get(&entry_page(&entries[0])).await;
    assert!(matches!(own.status, 403 | 404), "{}", own.status);
    let posted = score(
        &entrant,
        &entries[0],
        &[("score-content", "1"), ("score-voice", "1")],
    )
    .await;
    assert!(matches!(posted.status, 403 | 404), "{}", posted.status);

    // Signed out: to the sign-in page.
    let anonymous = Browser::new(&setup.app);
    let page = anonymous.get(&entry_page(&entries[0])).await;
    assert_eq!(page.status, 303);
    assert!(
        page.location
            .as_deref()
            .is_some_and(|l| l.starts_with("/login?next="))
    );

    assert_eq!(
        scores_of(&setup.app, &judge, &entries[0]).await["scores"],
        Value::Null
    );
}

#[tokio::test]
async fn saving_writes_the_scores_and_save_and_next_moves_on() {
    let Judged {
        setup,
        entries,
        judge,
        browser,
        ..
    } = judged().await;
    // "Save": back to the same entry, with the server's total.
    let saved = score(
        &browser,
        &entries[0],
        &[
            ("score-content", "8"),
            ("score-voice", "5"),
            ("comment", "Rõ ràng,\r\ndễ hiểu."),
            ("then", "stay"),
        ],
    )
    .await;
    assert_eq!(saved.status, 303, "{}", saved.html);
    assert_eq!(
        saved.location.as_deref(),
        Some(format!("/judging/entries/{0}?saved={0}", entries[0]).as_str())
    );
    assert_eq!(
        scores_of(&setup.app, &judge, &entries[0]).await,
        json!({"scores": {"content": 8.0, "voice": 5.0}, "comment": "Rõ ràng,\ndễ hiểu."})
    );
    let page = browser.get(&saved.location.expect("location")).await;
    assert_page(&page, "vi", "after saving");
    // (3 · 8/10 + 1 · 5/5) / 4 × 100 = 85.
    assert!(
        page.has("Tổng đã lưu trên máy chủ: 85/100."),
        "{}",
        page.html
    );
    assert!(page.has("value=\"8\"") && page.has("value=\"5\""));
    assert!(page.has("Đã chấm 1/2 bài của cuộc thi này."));

    // "Save and next" on a change of mind: to the entry still unscored.
    let next = score(
        &browser,
        &entries[0],
        &[
            ("score-content", "7,5"),
            ("score-voice", "4"),
            ("then", "next"),
        ],
    )
    .await;
    assert_eq!(next.status, 303, "{}", next.html);
    assert_eq!(
        next.location.as_deref(),
        Some(format!("/judging/entries/{}?saved={}", entries[1], entries[0]).as_str())
    );
    assert_eq!(
        scores_of(&setup.app, &judge, &entries[0]).await["scores"],
        json!({"content": 7.5, "voice": 4.0})
    );
    // The last one: back to the queue, which says all is done.
    let last = score(
        &browser,
        &entries[1],
        &[
            ("score-content", "10"),
            ("score-voice", "0"),
            ("then", "next"),
        ],
    )
    .await;
    assert_eq!(last.location.as_deref(), Some("/judging?done=1"));
    let queue = browser.get("/judging?done=1&lang=en").await;
    assert_page(&queue, "en", "the queue when all is done");
    assert!(queue.has("You have scored every entry assigned to you."));
    assert!(queue.has("2 of 2 entries scored."));
}

#[tokio::test]
async fn refused_points_are_shown_beside_their_fields_and_write_nothing() {
    let Judged {
        setup,
        entries,
        judge,
        browser,
        ..
    } = judged().await;
    let refused = score(
        &browser,
        &entries[0],
        &[
            ("score-content", "11"),
            ("score-voice", "-1"),
            ("then", "next"),
        ],
    )
    .await;
    assert_eq!(refused.status, 422, "{}", refused.html);
    assert!(!refused.has("⟦"), "{}", refused.html);
    assert!(
        refused.has("<p class=\"field-error\" id=\"error-content\">Điểm phải từ 0 đến 10.</p>"),
        "{}",
        refused.html
    );
    assert!(refused.has("<p class=\"field-error\" id=\"error-voice\">Điểm phải từ 0 đến 5.</p>"));
    assert!(refused.has("aria-describedby=\"hint-content error-content\" aria-invalid=\"true\""));
    assert!(refused.has("value=\"11\""), "what she typed stays");
    assert!(refused.has("role=\"alert\""));
    assert_eq!(
        scores_of(&setup.app, &judge, &entries[0]).await["scores"],
        Value::Null
    );

    // In English, a missing and a non-number value.
    browser.get("/judging?lang=en").await;
    let refused = score(
        &browser,
        &entries[0],
        &[("score-content", ""), ("score-voice", "abc")],
    )
    .await;
    assert_eq!(refused.status, 422, "{}", refused.html);
    assert!(
        refused.has(
            "<p class=\"field-error\" id=\"error-content\">Enter points for this criterion.</p>"
        ),
        "{}",
        refused.html
    );
    assert!(
        refused.has("<p class=\"field-error\" id=\"error-voice\">Points must be a number.</p>")
    );
    assert!(refused.has("Not saved: correct the fields marked below."));
    assert_eq!(
        scores_of(&setup.app, &judge, &entries[0]).await["scores"],
        Value::Null
    );
}

#[tokio::test]
async fn frozen_results_lock_the_scores() {
    let Judged {
        setup,
        contest,
        entries,
        judge,
        browser,
    } = judged().await;
    let saved = score(
        &browser,
        &entries[0],
        &[
            ("score-content", "6"),
            ("score-voice", "3"),
            ("then", "stay"),
        ],
    )
    .await;
    assert_eq!(saved.status, 303, "{}", saved.html);
    let frozen = setup
        .app
        .set_results_state(&setup.organizer, &contest, "frozen")
        .await;
    assert_eq!(frozen.status, 200, "{}", frozen.text);

    let page = browser.get(&entry_page(&entries[0])).await;
    assert_page(&page, "vi", "a locked entry");
    assert!(page.has("id=\"locked\""), "{}", page.html);
    assert!(page.has("Điểm đã khoá: kết quả cuộc thi đã được chốt lúc"));
    assert!(page.has("6/10 điểm") && page.has("3/5 điểm"));
    assert!(!page.has("id=\"score-form\""), "no form once locked");
    let queue = browser.get("/judging?lang=en").await;
    assert!(
        queue.has("Scores are locked: the contest&#39;s results were frozen at")
            || queue.has("Scores are locked: the contest&#x27;s results were frozen at"),
        "{}",
        queue.html
    );

    let posted = score(
        &browser,
        &entries[0],
        &[
            ("score-content", "10"),
            ("score-voice", "5"),
            ("then", "stay"),
        ],
    )
    .await;
    assert_eq!(posted.status, 409, "{}", posted.html);
    assert!(
        posted.has("The results are frozen: scores can no longer change."),
        "{}",
        posted.html
    );
    assert_eq!(
        scores_of(&setup.app, &judge, &entries[0]).await["scores"],
        json!({"content": 6.0, "voice": 3.0})
    );
}
