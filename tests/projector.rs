//! The projector's pages over real HTTP, as a hall's computer opens them without signing in:
//! each board in both languages, only what the board's state lets the public see (nothing of
//! a hidden board, the freeze time while frozen, the podium once published), the QR code of
//! the join link, and 404 for what does not exist.

mod common;

use civiquiz::boards::projector::{inline_svg, qr_svg};
use common::browser::{Browser, Page};
use common::fixture::{Setup, setup};
use serde_json::json;

fn assert_page(page: &Page, lang: &str, what: &str) {
    assert_eq!(page.status, 200, "{what} ({lang}): {}", page.html);
    assert_eq!(page.lang(), lang, "{what}: <html lang>");
    assert!(
        !page.has("⟦"),
        "{what} ({lang}): a missing message: {}",
        page.html
    );
    assert!(page.has("</html>"), "{what} ({lang}) is complete");
    assert!(
        !page.has("name=\"csrf-token\""),
        "{what}: a display page has no forms"
    );
}

/// The page's inline SVG.
fn svg_of(page: &Page) -> String {
    let start = page.html.find("<svg").expect("an inline SVG");
    let end = page.html[start..].find("</svg>").expect("a closed SVG") + start + "</svg>".len();
    page.html[start..end].to_owned()
}

/// Well-formed enough to be XML: every tag closed in order, every attribute value quoted.
fn assert_well_formed(svg: &str) {
    let mut open: Vec<String> = Vec::new();
    let mut rest = svg;
    while let Some(at) = rest.find('<') {
        let end = rest[at..].find('>').expect("a tag ends") + at;
        let tag = &rest[at + 1..end];
        rest = &rest[end + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(open.pop().as_deref(), Some(name.trim()), "{svg}");
            continue;
        }
        let closed = tag.ends_with('/');
        let body = tag.trim_end_matches('/');
        let mut parts = body.splitn(2, char::is_whitespace);
        let name = parts.next().expect("a name").to_owned();
        assert!(
            !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == ':'),
            "{tag}"
        );
        let attributes = parts.next().unwrap_or("");
        assert_eq!(attributes.matches('"').count() % 2, 0, "quoted: {tag}");
        for pair in attributes.split('"').step_by(2) {
            let key = pair.trim();
            assert!(
                key.is_empty() || key.ends_with('='),
                "attribute {key:?} in {tag}"
            );
        }
        if !closed {
            open.push(name);
        }
    }
    assert!(open.is_empty(), "unclosed {open:?}");
}

/// The QR code on the page is the one of `url`, well formed, and the link is shown as text.
fn assert_join_code(page: &Page, url: &str) {
    let svg = svg_of(page);
    assert_well_formed(&svg);
    assert!(
        svg.contains("xmlns=\"http://www.w3.org/2000/svg\""),
        "{svg}"
    );
    assert_eq!(svg, inline_svg(&qr_svg(url)), "the code of {url}");
    assert!(page.has(&format!(">{url}<")), "the link as text");
}

async fn quiz_with_results(s: &Setup) -> String {
    let quiz = s.board_quiz(json!({})).await;
    let an = s.app.register("an.nhanh").await;
    let binh = s.app.register("binh.cham").await;
    s.attempt(&an, &quiz, 5, 60_000).await;
    s.attempt(&binh, &quiz, 2, 90_000).await;
    quiz
}

#[tokio::test]
async fn the_quiz_projector_shows_the_live_board_in_both_languages_without_sign_in() {
    let s = setup().await;
    let quiz = quiz_with_results(&s).await;
    let browser = Browser::new(&s.app);
    let vi = browser
        .get(&format!("/projector/quizzes/{quiz}?lang=vi"))
        .await;
    assert_page(&vi, "vi", "quiz projector");
    assert!(vi.has("Top 10"), "{}", vi.html);
    assert!(
        vi.has("Xếp theo điểm từ cao xuống thấp"),
        "the rule in words"
    );
    assert!(vi.has("Các phường"), "the ward standings");
    let an = vi.html.find("an.nhanh").expect("the first");
    let binh = vi.html.find("binh.cham").expect("the second");
    assert!(an < binh, "in rank order");
    assert!(!vi.has("pj-frozen") && !vi.has("pj-podium"));
    assert!(vi.has(&format!(
        "data-stream=\"/api/v1/quizzes/{quiz}/leaderboard/stream"
    )));
    assert_join_code(&vi, &s.app.url(&format!("/quizzes/{quiz}")));

    let en = browser
        .get(&format!("/projector/quizzes/{quiz}?lang=en&top=1"))
        .await;
    assert_page(&en, "en", "quiz projector");
    assert!(en.has("Top 1"), "{}", en.html);
    assert!(en.has("Ranked by score"), "the rule in words");
    assert!(en.has("an.nhanh") && !en.has("binh.cham"), "only the top");
    // Out of range: the default rather than an error on the wall.
    let many = browser
        .get(&format!("/projector/quizzes/{quiz}?top=500"))
        .await;
    assert_eq!(many.status, 200);
    assert!(many.has("Top 10"));
}

#[tokio::test]
async fn a_hidden_board_shows_no_names() {
    let s = setup().await;
    let quiz = quiz_with_results(&s).await;
    assert_eq!(s.set_state(&quiz, "hidden").await.status, 200);
    let browser = Browser::new(&s.app);
    // Even an organizer signed in on the hall's computer puts only the public's view up.
    assert_eq!(
        browser
            .sign_in("ban.to.chuc", common::PASSWORD)
            .await
            .status,
        303
    );
    for lang in ["vi", "en"] {
        let page = browser
            .get(&format!("/projector/quizzes/{quiz}?lang={lang}"))
            .await;
        assert_page(&page, lang, "hidden quiz projector");
        assert!(page.has("id=\"pj-hidden\""), "{}", page.html);
        assert!(
            !page.has("an.nhanh") && !page.has("binh.cham"),
            "{}",
            page.html
        );
        assert!(!page.has("id=\"pj-table\""));
    }
    let page = browser
        .get(&format!("/projector/quizzes/{quiz}?lang=en"))
        .await;
    assert!(page.has("The board is not shown yet."));
}

#[tokio::test]
async fn a_frozen_board_shows_the_freeze_time_and_a_published_one_the_podium() {
    let s = setup().await;
    let quiz = quiz_with_results(&s).await;
    let frozen_at = s.now();
    assert_eq!(s.set_state(&quiz, "frozen").await.status, 200);
    s.app.clock.advance_ms(60_000);
    let late = s.app.register("chi.muon").await;
    s.attempt(&late, &quiz, 5, 10_000).await;
    let time = civiquiz::web::time::hour_minute(frozen_at);
    let browser = Browser::new(&s.app);
    let vi = browser
        .get(&format!("/projector/quizzes/{quiz}?lang=vi"))
        .await;
    assert_page(&vi, "vi", "frozen quiz projector");
    assert!(
        vi.has(&format!("Đã đóng băng lúc {time}")),
        "{time}: {}",
        vi.html
    );
    assert!(!vi.has("chi.muon"), "nothing after the freeze");
    let en = browser
        .get(&format!("/projector/quizzes/{quiz}?lang=en"))
        .await;
    assert!(en.has(&format!("Frozen at {time}")), "{}", en.html);

    assert_eq!(s.set_state(&quiz, "published").await.status, 200);
    for lang in ["vi", "en"] {
        let page = browser
            .get(&format!("/projector/quizzes/{quiz}?lang={lang}"))
            .await;
        assert_page(&page, lang, "published quiz projector");
        assert!(page.has("id=\"pj-podium\""), "{}", page.html);
        assert!(!page.has("id=\"pj-frozen\""));
        let podium = &page.html[page.html.find("id=\"pj-podium\"").expect("podium")..];
        let podium = &podium[..podium.find("</ol>").expect("end")];
        assert!(podium.contains("an.nhanh") && podium.contains("binh.cham"));
        assert!(!podium.contains("chi.muon"), "the snapshot of the freeze");
    }
}

#[tokio::test]
async fn the_contest_projector_follows_the_results_state() {
    let c = Setup::spawn().await;
    let contest = c.contest_with(json!({"judges_per_entry": 1})).await;
    let judge = c.judge("gk.nhat").await;
    c.add_judge(&contest, &judge).await;
    let an = c.entrant("an").await;
    let binh = c.entrant("binh").await;
    let a = c.approved_entry(&an, &contest).await;
    let b = c.approved_entry(&binh, &contest).await;
    for (entry, points) in [(&a, 6), (&b, 9)] {
        let scored = c
            .app
            .score_entry(
                &judge,
                entry,
                &json!({"scores": {"content": points, "voice": 5}}),
            )
            .await;
        assert_eq!(scored.status, 200, "{}", scored.text);
    }
    let browser = Browser::new(&c.app);
    let path = format!("/projector/contests/{contest}");
    for lang in ["vi", "en"] {
        let hidden = browser.get(&format!("{path}?lang={lang}")).await;
        assert_page(&hidden, lang, "hidden contest projector");
        assert!(hidden.has("id=\"pj-hidden\""));
        assert!(
            !hidden.has(&a) && !hidden.has(&b) && !hidden.has("Bạn an"),
            "{}",
            hidden.html
        );
        assert_join_code(&hidden, &c.app.url(&format!("/contests/{contest}")));
    }
    let set = |state: &'static str| c.app.set_results_state(&c.organizer, &contest, state);
    assert_eq!(set("live").await.status, 200);
    let live = browser.get(&format!("{path}?lang=en")).await;
    assert_page(&live, "en", "live contest projector");
    assert!(live.has("Bài dự thi"), "{}", live.html);
    assert!(live.has(&format!("data-key=\"{b}\"")));
    let first = live.html.find(&format!("data-key=\"{b}\"")).expect("b");
    let second = live.html.find(&format!("data-key=\"{a}\"")).expect("a");
    assert!(first < second, "the better entry first");
    assert!(!live.has("Bạn an"), "authors stay hidden until the results");
    assert!(live.has("data-stream=\"/api/v1/contests/"));

    let frozen_at = c.now();
    assert_eq!(set("frozen").await.status, 200);
    let time = civiquiz::web::time::hour_minute(frozen_at);
    let frozen = browser.get(&format!("{path}?lang=vi")).await;
    assert_page(&frozen, "vi", "frozen contest projector");
    assert!(
        frozen.has(&format!("Đã đóng băng lúc {time}")),
        "{}",
        frozen.html
    );

    assert_eq!(set("published").await.status, 200);
    let published = browser.get(&format!("{path}?lang=vi")).await;
    assert_page(&published, "vi", "published contest projector");
    assert!(published.has("id=\"pj-podium\""), "{}", published.html);
    assert!(published.has("Bạn binh"), "authors once published");
}

#[tokio::test]
async fn the_event_projector_sums_the_events_quizzes() {
    let s = setup().await;
    let event = s
        .app
        .create_event(&s.organizer, &json!({"title": "Tuần lễ học tập suốt đời", "starts_at": "2022-10-01T00:00:00Z", "ends_at": "2030-10-07T00:00:00Z"}))
        .await;
    assert_eq!(event.status, 201, "{}", event.text);
    let event_id = event.body["id"].as_str().expect("id").to_owned();
    let quiz = s.board_quiz(json!({"event_id": event_id})).await;
    let an = s.app.register("an.nhanh").await;
    s.attempt(&an, &quiz, 5, 60_000).await;
    let browser = Browser::new(&s.app);
    for lang in ["vi", "en"] {
        let page = browser
            .get(&format!("/projector/events/{event_id}?lang={lang}"))
            .await;
        assert_page(&page, lang, "event projector");
        assert!(page.has("Tuần lễ học tập suốt đời"));
        assert!(page.has("an.nhanh"), "{}", page.html);
        assert!(page.has(&format!(
            "data-page=\"/api/v1/events/{event_id}/leaderboard?limit=10\""
        )));
        assert_join_code(&page, &s.app.url("/"));
    }
}

#[tokio::test]
async fn unknown_boards_are_not_found() {
    let s = setup().await;
    let browser = Browser::new(&s.app);
    for path in [
        "/projector/quizzes/00000000-0000-0000-0000-000000000000",
        "/projector/contests/00000000-0000-0000-0000-000000000000",
        "/projector/events/00000000-0000-0000-0000-000000000000",
        "/projector/quizzes/nope",
        "/projector/events/nope",
    ] {
        let page = browser.get(path).await;
        assert_eq!(page.status, 404, "{path}: {}", page.html);
    }
    // A draft quiz is nobody's to project.
    let draft = s.app.create_quiz(&s.organizer, &s.quiz_body()).await;
    let id = draft.body["id"].as_str().unwrap_or("missing").to_owned();
    assert_eq!(
        browser
            .get(&format!("/projector/quizzes/{id}"))
            .await
            .status,
        404
    );
}
