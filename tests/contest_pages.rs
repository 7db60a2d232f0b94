//! The residents' contest pages over real HTTP, as a browser without JavaScript uses them:
//! every page in both languages, the entrant-only entry page, the entry form's refusals (which
//! write nothing), the recording sent by a plain file form, the vote forms and the gallery of
//! approved entries only.

mod common;

use common::PASSWORD;
use common::browser::{Browser, Page};
use common::fixture::Setup;
use reqwest::Method;
use serde_json::json;

fn assert_page(page: &Page, lang: &str, what: &str) {
    assert_eq!(page.status, 200, "{what} ({lang}): {}", page.html);
    assert_eq!(page.lang(), lang, "{what}: <html lang>");
    assert!(
        !page.has("⟦"),
        "{what} ({lang}) has a missing message: {}",
        page.html
    );
    assert!(page.has("</html>"), "{what} ({lang}) is complete");
}

/// A browser signed in as `username` (registered through the API with `birth_year`).
async fn resident(setup: &Setup, username: &str, birth_year: Option<i64>) -> Browser {
    let mut body = json!({
        "username": username, "password": PASSWORD, "display_name": format!("Bạn {username}")
    });
    if let Some(year) = birth_year {
        body["birth_year"] = json!(year);
    }
    setup.app.register_with(body).await;
    let browser = Browser::new(&setup.app);
    let signed_in = browser.sign_in(username, PASSWORD).await;
    assert_eq!(signed_in.status, 303, "{}", signed_in.html);
    browser
}

/// The year on the server's clock.
fn this_year(setup: &Setup) -> i64 {
    time::OffsetDateTime::from_unix_timestamp(setup.now() / 1000)
        .map(|t| i64::from(t.year()))
        .expect("a time")
}

/// How many entries the contest has, of any status (the organizer's view).
async fn entry_count(setup: &Setup, contest: &str) -> i64 {
    let listed = setup
        .app
        .get(
            &format!("/api/v1/contests/{contest}/entries"),
            Some(&setup.organizer.access),
        )
        .await;
    assert_eq!(listed.status, 200, "{}", listed.text);
    listed.body["total"].as_i64().expect("total")
}

/// Fills the entry form and posts it.
async fn enter(browser: &Browser, contest: &str, fields: &[(&str, &str)]) -> Page {
    let path = format!("/contests/{contest}/enter");
    browser.submit(&path, &path, fields).await
}

fn entry_of(page: &Page) -> String {
    page.location
        .as_deref()
        .and_then(|l| l.strip_prefix("/entries/"))
        .unwrap_or_else(|| panic!("a redirect to the entry: {} {:?}", page.status, page.html))
        .to_owned()
}

#[tokio::test]
async fn every_residents_page_renders_in_vietnamese_and_english() {
    let setup = Setup::spawn().await;
    let contest = setup.contest().await;
    let author = resident(&setup, "ts.author", Some(1990)).await;
    let created = enter(
        &author,
        &contest,
        &[
            ("title", "Mật khẩu mạnh"),
            ("description", "Một phút"),
            ("consent_entrant", "yes"),
        ],
    )
    .await;
    let entry = entry_of(&created);
    let anonymous = Browser::new(&setup.app);
    for lang in ["vi", "en"] {
        for path in [
            "/contests".to_owned(),
            format!("/contests/{contest}"),
            format!("/contests/{contest}/enter"),
            format!("/contests/{contest}/gallery"),
            format!("/entries/{entry}"),
            "/me/entries".to_owned(),
        ] {
            let page = author.get(&format!("{path}?lang={lang}")).await;
            assert_page(&page, lang, &path);
        }
        for path in [
            "/contests".to_owned(),
            format!("/contests/{contest}"),
            format!("/contests/{contest}/gallery"),
        ] {
            assert_page(
                &anonymous.get(&format!("{path}?lang={lang}")).await,
                lang,
                &path,
            );
        }
    }
    let rules = author.get(&format!("/contests/{contest}?lang=en")).await;
    assert!(rules.has("UTC+07:00"), "the window shows its zone");
    assert!(
        rules.has("10 MB") && rules.has("1 minute"),
        "{}",
        rules.html
    );
    assert!(rules.has("Entries left for you: 1 of 2"), "{}", rules.html);
    let page = author.get(&format!("/entries/{entry}?lang=vi")).await;
    assert!(page.has("id=\"recording\"") && page.has("capture"));
    assert!(
        page.has("entry.") && page.has(".js"),
        "the recording module"
    );
    let mine = author.get("/me/entries?lang=en").await;
    assert!(mine.has("Mật khẩu mạnh") && mine.has("Draft made"));
}

#[tokio::test]
async fn the_entry_page_is_the_entrants_alone() {
    let setup = Setup::spawn().await;
    let contest = setup.contest().await;
    let author = resident(&setup, "ts.owner", Some(1990)).await;
    let entry = entry_of(
        &enter(
            &author,
            &contest,
            &[("title", "Của tôi"), ("consent_entrant", "yes")],
        )
        .await,
    );
    assert_eq!(author.get(&format!("/entries/{entry}")).await.status, 200);
    let stranger = resident(&setup, "ts.stranger", Some(1990)).await;
    let refused = stranger.get(&format!("/entries/{entry}?lang=en")).await;
    assert_eq!(refused.status, 404);
    assert!(!refused.has("Của tôi"), "nothing of the entry shows");
    let signed_out = Browser::new(&setup.app)
        .get(&format!("/entries/{entry}"))
        .await;
    assert_eq!(signed_out.status, 303);
    assert!(
        signed_out
            .location
            .expect("to sign in")
            .starts_with("/login")
    );
    // Submitting without a recording is refused on the page, in its language.
    let page = format!("/entries/{entry}");
    let early = author
        .submit(&page, &format!("/entries/{entry}/submit?lang=en"), &[])
        .await;
    assert_eq!(early.status, 409, "{}", early.html);
    assert!(early.has("Upload the recording before submitting."));
}

#[tokio::test]
async fn the_entry_form_refuses_a_minor_without_a_guardian_and_writes_nothing() {
    let setup = Setup::spawn().await;
    let contest = setup.contest().await;
    let minor = resident(&setup, "ts.minor", Some(this_year(&setup) - 12)).await;
    let form = minor
        .get(&format!("/contests/{contest}/enter?lang=vi"))
        .await;
    assert!(
        form.has("id=\"guardian_name\""),
        "a minor is asked for her guardian"
    );
    assert!(!form.has("id=\"birth_year\""), "her birth year is known");
    let refused = enter(
        &minor,
        &contest,
        &[("title", "Bài của em"), ("consent_entrant", "yes")],
    )
    .await;
    assert_eq!(refused.status, 422, "{}", refused.html);
    assert!(
        refused.has("cha mẹ hoặc người giám hộ phải đánh dấu"),
        "{}",
        refused.html
    );
    assert!(refused.has("id=\"guardian-name-error\""));
    assert!(
        refused.has("value=\"Bài của em\""),
        "what was typed is kept"
    );
    assert_eq!(entry_count(&setup, &contest).await, 0);
    let accepted = enter(
        &minor,
        &contest,
        &[
            ("title", "Bài của em"),
            ("consent_entrant", "yes"),
            ("guardian_name", "Nguyễn Văn Bố"),
            ("guardian_consent", "yes"),
        ],
    )
    .await;
    entry_of(&accepted);
    assert_eq!(entry_count(&setup, &contest).await, 1);
}

#[tokio::test]
async fn the_entry_form_asks_for_a_missing_birth_year() {
    let setup = Setup::spawn().await;
    let contest = setup.contest().await;
    let unknown = resident(&setup, "ts.noyear", None).await;
    let form = unknown
        .get(&format!("/contests/{contest}/enter?lang=en"))
        .await;
    assert!(form.has("id=\"birth_year\"") && form.has("id=\"guardian_name\""));
    let refused = enter(
        &unknown,
        &contest,
        &[("title", "No year"), ("consent_entrant", "yes")],
    )
    .await;
    assert_eq!(refused.status, 422, "{}", refused.html);
    assert!(refused.has("id=\"birth-year-error\""), "{}", refused.html);
    // Without consent, the entrant's box is marked too.
    let no_consent = enter(
        &unknown,
        &contest,
        &[("title", "No year"), ("birth_year", "1990")],
    )
    .await;
    assert_eq!(no_consent.status, 422);
    assert!(no_consent.has("id=\"consent-entrant-error\""));
    // A year that makes her a minor asks for the guardian's part, and still writes nothing.
    let young = (this_year(&setup) - 10).to_string();
    let minor = enter(
        &unknown,
        &contest,
        &[
            ("title", "No year"),
            ("consent_entrant", "yes"),
            ("birth_year", &young),
        ],
    )
    .await;
    assert_eq!(minor.status, 422);
    assert!(minor.has("id=\"guardian-consent-error\""));
    assert_eq!(entry_count(&setup, &contest).await, 0);
    let adult = enter(
        &unknown,
        &contest,
        &[
            ("title", "No year"),
            ("consent_entrant", "yes"),
            ("birth_year", "1990"),
        ],
    )
    .await;
    entry_of(&adult);
    let again = unknown.get(&format!("/contests/{contest}/enter")).await;
    assert!(
        !again.has("id=\"birth_year\""),
        "asked once: the account keeps it"
    );
}

#[tokio::test]
async fn votes_by_form_count_once_and_never_on_ones_own_entry() {
    let setup = Setup::spawn().await;
    let contest = setup.contest().await;
    let author_session = setup.entrant("author").await;
    let entry = setup.approved_entry(&author_session, &contest).await;
    let author = Browser::new(&setup.app);
    assert_eq!(author.sign_in("ts.author", PASSWORD).await.status, 303);
    let gallery = format!("/contests/{contest}/gallery");
    let own = author.get(&format!("{gallery}?lang=en")).await;
    assert!(own.has("Your own entry"), "{}", own.html);
    assert!(!own.has("class=\"vote-form\""));
    let forged = author
        .submit(&gallery, &format!("/entries/{entry}/vote"), &[])
        .await;
    assert_eq!(
        forged.status, 403,
        "the server refuses a vote on one's own entry"
    );

    let voter = resident(&setup, "ts.voter", Some(1990)).await;
    let page = voter.get(&format!("{gallery}?lang=en")).await;
    assert!(
        page.has(&format!("action=\"/entries/{entry}/vote\"")),
        "{}",
        page.html
    );
    for _ in 0..2 {
        let voted = voter
            .submit(&gallery, &format!("/entries/{entry}/vote"), &[])
            .await;
        assert_eq!(voted.status, 303, "{}", voted.html);
        assert_eq!(
            voted.location.as_deref(),
            Some(format!("{gallery}#entry-{entry}").as_str())
        );
    }
    let after = voter.get(&format!("{gallery}?lang=en")).await;
    assert!(after.has(&format!("action=\"/entries/{entry}/unvote\"")));
    assert!(after.has("aria-pressed=\"true\""));
    let votes = || async {
        let listed = setup
            .app
            .get(
                &format!("/api/v1/contests/{contest}/entries"),
                Some(&setup.organizer.access),
            )
            .await;
        listed.body["items"][0]["votes"].as_i64()
    };
    assert_eq!(votes().await, Some(1), "voting twice counts once");
    let unvoted = voter
        .submit(&gallery, &format!("/entries/{entry}/unvote"), &[])
        .await;
    assert_eq!(unvoted.status, 303);
    assert_eq!(votes().await, Some(0));
    // The API the page's script calls takes the session and its CSRF token.
    let csrf = voter.get(&gallery).await.csrf();
    let (status, body) = voter
        .api(
            Method::POST,
            &format!("/api/v1/entries/{entry}/vote"),
            Some(&csrf),
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["voted"], true);
    let (status, _) = voter
        .api(
            Method::POST,
            &format!("/api/v1/entries/{entry}/vote"),
            None,
            None,
        )
        .await;
    assert_eq!(status, 403, "no CSRF token, no vote");
}

#[tokio::test]
async fn the_gallery_shows_approved_entries_only() {
    let setup = Setup::spawn().await;
    let contest = setup.contest_with(json!({"show_authors": "always"})).await;
    let first = setup.entrant("first").await;
    let second = setup.entrant("second").await;
    let approved = setup.approved_entry(&first, &contest).await;
    let waiting = setup
        .app
        .create_entry(
            &second,
            &contest,
            &json!({"title": "Chưa duyệt", "consent": {"entrant": true}}),
        )
        .await;
    assert_eq!(waiting.status, 201);
    let waiting = waiting.body["id"].as_str().expect("id").to_owned();
    setup
        .upload_fixture(&second, &waiting, "webm_opus_mediarecorder.webm")
        .await;
    assert_eq!(setup.app.submit_entry(&second, &waiting).await.status, 200);
    let page = Browser::new(&setup.app)
        .get(&format!("/contests/{contest}/gallery?lang=en"))
        .await;
    assert_page(&page, "en", "gallery");
    assert!(page.has(&format!("id=\"entry-{approved}\"")));
    assert!(!page.has(&format!("id=\"entry-{waiting}\"")) && !page.has("Chưa duyệt"));
    assert!(
        page.has(&format!("/api/v1/entries/{approved}/media/")),
        "a player"
    );
    assert!(
        page.has("By Bạn first"),
        "the name the public may see: {}",
        page.html
    );
    assert!(!page.has("ts.first"), "never the username");
    assert!(page.has("Sign in to vote"));
}

#[tokio::test]
async fn a_recording_sent_by_a_plain_form_is_stored_or_refused_on_the_page() {
    let setup = Setup::spawn().await;
    let contest = setup.contest().await;
    let author = resident(&setup, "ts.plain", Some(1990)).await;
    let entry = entry_of(
        &enter(
            &author,
            &contest,
            &[
                ("title", "Không cần JavaScript"),
                ("consent_entrant", "yes"),
            ],
        )
        .await,
    );
    let page = format!("/entries/{entry}");
    let shown = author.get(&page).await;
    assert!(
        shown.has("enctype=\"multipart/form-data\""),
        "the form is offered"
    );
    let csrf = shown.csrf();
    let action = format!("/entries/{entry}/recording?lang=en");
    let wav = std::fs::read("tests/fixtures/media/wav_pcm16.wav").expect("fixture");
    let has_media = || async { author.get(&page).await.has("id=\"current-media\"") };

    let forged = author
        .post_file(&action, "not-the-token", "recording", "a.wav", &wav)
        .await;
    assert_eq!(forged.status, 403, "{}", forged.html);
    let empty = author.post_file(&action, &csrf, "recording", "", b"").await;
    assert_eq!(empty.status, 422, "{}", empty.html);
    assert!(empty.has("Choose a recording before sending."));
    let words = "chỉ là chữ, không phải ghi âm".repeat(400);
    let text = author
        .post_file(&action, &csrf, "recording", "notes.txt", words.as_bytes())
        .await;
    assert_eq!(text.status, 415, "{}", text.html);
    assert!(text.has("role=\"alert\""), "the refusal is on the page");
    assert!(!has_media().await, "nothing was stored by a refused form");

    let stored = author
        .post_file(&action, &csrf, "recording", "giọng đọc.wav", &wav)
        .await;
    assert_eq!(stored.status, 303, "{}", stored.html);
    assert_eq!(
        stored.location.as_deref(),
        Some(format!("/entries/{entry}#current-heading").as_str())
    );
    let after = author.get(&page).await;
    assert!(
        after.has("id=\"current-media\""),
        "the page plays the recording"
    );
    assert!(after.has("id=\"submit-entry\""), "and it can be submitted");
    // Her player plays the draft, ranges included; nobody else's browser does.
    let src = format!(
        "/entries/{entry}/recording/{}",
        common::browser::attribute_after(
            &after.html,
            &format!("src=\"/entries/{entry}/recording/")
        )
    );
    let played = author
        .client
        .get(format!("{}{src}", setup.app.base))
        .header("range", "bytes=0-99")
        .send()
        .await
        .expect("GET");
    assert_eq!(played.status().as_u16(), 206, "{src}");
    assert_eq!(played.bytes().await.expect("body").len(), 100);
    let stranger = resident(&setup, "ts.plain.stranger", Some(1990)).await;
    assert_eq!(stranger.get(&src).await.status, 404);
}
