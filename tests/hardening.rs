//! Attacks from the security review (issue 15), each performed against the server: every test
//! here failed before its fix.

mod common;

use common::Anonymous;
use common::fixture::{MINUTE, Setup, at, setup};
use serde_json::{Value, json};

/// With attempts left, the keys of attempt 1 would answer attempt 2 (and a classmate's).
#[tokio::test]
async fn review_keeps_the_keys_until_no_attempt_is_left() {
    let s = setup().await;
    let student = s.app.register("thu.lai").await;
    let quiz = s
        .quiz_with(json!({"review": "after_submit", "max_attempts": 2, "closes_at": at(s.now() + 30 * MINUTE)}))
        .await;
    let mut reviews = Vec::new();
    for round in 0..2 {
        let view = s.app.start_attempt(&student, &quiz).await;
        assert_eq!(view.status, 201, "{}", view.text);
        let id = view.body["id"].as_str().expect("id").to_owned();
        let saved = s
            .app
            .save_answer(&student, &id, "an-toan-so:as-001", json!("a"))
            .await;
        assert_eq!(saved.status, 200, "{}", saved.text);
        assert_eq!(s.app.submit_attempt(&student, &id).await.status, 200);
        let review = s.app.attempt_review(&student, &id).await;
        assert_eq!(review.status, 200, "round {round}: {}", review.text);
        reviews.push(review);
    }
    let outcome = |review: &common::Response, field: &str| -> Vec<Value> {
        review.body["questions"]
            .as_array()
            .expect("questions")
            .iter()
            .map(|q| q[field].clone())
            .collect()
    };
    // One attempt left: her responses and score, no key, no explanation, no per-question mark.
    for field in ["correct_answer", "explanation", "correct", "points_awarded"] {
        assert!(
            outcome(&reviews[0], field).iter().all(Value::is_null),
            "{field} shown with an attempt left: {}",
            reviews[0].text
        );
    }
    assert!(
        outcome(&reviews[0], "response").contains(&json!("a")),
        "{}",
        reviews[0].text
    );
    // None left: the keys.
    assert!(
        outcome(&reviews[1], "correct_answer").contains(&json!("b")),
        "{}",
        reviews[1].text
    );
    // And the first attempt's review now shows them too.
    let first = reviews[0].body["attempt_id"]
        .as_str()
        .expect("id")
        .to_owned();
    let again = s.app.attempt_review(&student, &first).await;
    assert!(outcome(&again, "correct_answer").contains(&json!("b")));
    // A quiz made without a policy reviews after it closes.
    let mut body = s.quiz_body();
    body.as_object_mut().expect("object").remove("review");
    let created = s.app.create_quiz(&s.organizer, &body).await;
    assert_eq!(created.status, 201, "{}", created.text);
    let plain = created.body["id"].as_str().expect("id").to_owned();
    let view = s.app.quiz(&s.organizer, &plain).await;
    assert_eq!(view.body["review"], "after_close", "{}", view.text);
}

/// Votes kept counting up in the vote response, the gallery and the entry view while the
/// results were frozen or hidden.
#[tokio::test]
async fn vote_counts_hold_still_behind_a_frozen_or_hidden_board() {
    let c = Setup::spawn().await;
    let contest = c.contest_with(json!({"judges_per_entry": 1})).await;
    let entrant = c.entrant("tac.gia").await;
    let entry = c.approved_entry(&entrant, &contest).await;
    let live = c
        .app
        .set_results_state(&c.organizer, &contest, "live")
        .await;
    assert_eq!(live.status, 200, "{}", live.text);
    let first = c.app.register("cu.tri.mot").await;
    let voted = c.app.vote(&first, &entry).await;
    assert_eq!(voted.status, 200, "{}", voted.text);
    assert_eq!(voted.body["votes"], 1);

    let frozen = c
        .app
        .set_results_state(&c.organizer, &contest, "frozen")
        .await;
    assert_eq!(frozen.status, 200, "{}", frozen.text);
    let second = c.app.register("cu.tri.hai").await;
    let voted = c.app.vote(&second, &entry).await;
    assert_eq!(voted.status, 200, "{}", voted.text);
    assert_eq!(voted.body["voted"], true);
    assert_eq!(voted.body["votes"], 1, "as at the freeze: {}", voted.text);
    let gallery = c.app.contest_entries(Anonymous, &contest, "").await;
    assert_eq!(gallery.body["items"][0]["votes"], 1, "{}", gallery.text);
    let view = c.app.entry(Anonymous, &entry).await;
    assert_eq!(view.body["votes"], 1, "{}", view.text);
    // Organizers see the live count, and it is the table's.
    let organizer_view = c.app.entry(&c.organizer, &entry).await;
    assert_eq!(organizer_view.body["votes"], 2, "{}", organizer_view.text);
    assert_eq!(c.votes_in_table(&entry).await, 2);

    let hidden = c
        .app
        .set_results_state(&c.organizer, &contest, "hidden")
        .await;
    assert_eq!(hidden.status, 200, "{}", hidden.text);
    let view = c.app.entry(Anonymous, &entry).await;
    assert_eq!(view.body.get("votes"), None, "{}", view.text);
    let gallery = c.app.contest_entries(Anonymous, &contest, "").await;
    assert_eq!(
        gallery.body["items"][0].get("votes"),
        None,
        "{}",
        gallery.text
    );
    let withdrawn = c.app.withdraw_vote(&first, &entry).await;
    assert_eq!(withdrawn.status, 200, "{}", withdrawn.text);
    assert_eq!(withdrawn.body.get("votes"), None, "{}", withdrawn.text);
}

/// Failed logins with 60 KB names cost ~62 KB each in the limiter's memory; now they are
/// refused before the limiter and the database, the same as any wrong name.
#[tokio::test]
async fn an_over_long_username_is_refused_before_the_limiter() {
    let app = common::TestApp::spawn().await;
    let huge = "a".repeat(60_000);
    for _ in 0..3 {
        let refused = app.login(&huge, "whatever password").await;
        assert_eq!(refused.status, 401, "{}", refused.text);
        assert_eq!(refused.code(), "invalid_credentials");
    }
    // An ordinary wrong name is still counted and still refused the same way.
    let refused = app.login("khong.co.ai", "whatever password").await;
    assert_eq!(refused.code(), "invalid_credentials");
}

/// With a proxy in front, a client's own X-Forwarded-For line came first and was believed:
/// each request could claim a fresh address and dodge the per-address limit.
#[tokio::test]
async fn a_spoofed_forwarded_for_line_does_not_dodge_the_address_limit() {
    let app = common::TestApp::spawn_with(|config| {
        config.trusted_proxies = civiquiz::http::client::TrustedProxies::loopback();
        config.auth_ip_limit_per_min = 3;
    })
    .await;
    let mut statuses = Vec::new();
    for attempt in 0..5 {
        let response = app
            .send(
                app.request(reqwest::Method::POST, &common::path::login(), None)
                    // What the client wrote, then what our proxy appended.
                    .header("x-forwarded-for", format!("10.9.8.{attempt}"))
                    .header("x-forwarded-for", "198.51.100.7")
                    .json(&json!({"username": "ai.do", "password": "sai mat khau"})),
            )
            .await;
        statuses.push(response.status);
    }
    assert_eq!(
        statuses,
        [401, 401, 401, 429, 429],
        "one address: 198.51.100.7"
    );
    // Another real client behind the same proxy is not limited by the first.
    let other = app
        .send(
            app.request(reqwest::Method::POST, &common::path::login(), None)
                .header("x-forwarded-for", "198.51.100.8")
                .json(&json!({"username": "ai.do", "password": "sai mat khau"})),
        )
        .await;
    assert_eq!(other.status, 401, "{}", other.text);
}

/// Slowloris headers, silent sockets and idle keep-alive connections all stayed open past 70 s,
/// and nothing capped the number of connections.
#[tokio::test]
async fn slow_silent_and_idle_connections_are_closed_and_connections_are_capped() {
    use std::time::{Duration, Instant};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = common::TestApp::spawn_with(|config| {
        config.header_read_timeout = Duration::from_secs(1);
        config.max_connections = 4;
    })
    .await;
    let address = app
        .url("")
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    // Reads until the server closes the connection; how long that took.
    async fn closed_after(mut stream: tokio::net::TcpStream) -> Duration {
        let started = Instant::now();
        let mut buffer = [0u8; 1024];
        loop {
            match tokio::time::timeout(Duration::from_secs(20), stream.read(&mut buffer)).await {
                Ok(Ok(0)) | Ok(Err(_)) => return started.elapsed(),
                Ok(Ok(_)) => continue,
                Err(_) => panic!("the server kept a slow connection open for 20 s"),
            }
        }
    }
    let connect = || tokio::net::TcpStream::connect(address.clone());
    // A head that never ends.
    let mut slow = connect().await.expect("connect");
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        .await
        .expect("write");
    // A socket that never speaks.
    let silent = connect().await.expect("connect");
    // A keep-alive connection that goes idle after one answer.
    let mut idle = connect().await.expect("connect");
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .expect("write");
    let mut first = [0u8; 64];
    let read = idle.read(&mut first).await.expect("read");
    assert!(
        first[..read].starts_with(b"HTTP/1.1 200"),
        "{:?}",
        &first[..read]
    );
    // Three open, one left: the next two connections make five, and the fifth is refused.
    let fourth = connect().await.expect("connect");
    let mut fifth = connect().await.expect("connect");
    let mut refusal = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), fifth.read_to_end(&mut refusal))
        .await
        .expect("refused at once")
        .expect("read");
    let refusal = String::from_utf8_lossy(&refusal);
    assert!(refusal.starts_with("HTTP/1.1 503"), "{refusal}");
    assert!(
        refusal.contains("retry-after") && refusal.contains("overloaded"),
        "{refusal}"
    );
    drop(fourth);
    for (what, stream) in [("slow head", slow), ("silent", silent), ("idle", idle)] {
        let after = closed_after(stream).await;
        assert!(
            after < Duration::from_secs(10),
            "{what} closed after {after:?}"
        );
    }
    // With those gone, the server serves again.
    let health = app.get("/healthz", None).await;
    assert_eq!(health.status, 200);
}

/// /metrics told anyone which routes are busy, and /readyz which store is down.
#[tokio::test]
async fn operations_routes_keep_their_internals_for_operators() {
    let outsiders = common::TestApp::spawn_with(|config| {
        config.metrics_allow =
            civiquiz::http::client::Networks::parse("10.1.2.0/24").expect("cidr");
    })
    .await;
    let metrics = outsiders.get("/metrics", None).await;
    assert_eq!(metrics.status, 404, "{}", metrics.text);
    assert!(!metrics.text.contains("http_requests"), "{}", metrics.text);
    let operators = common::TestApp::spawn().await;
    let metrics = operators.get("/metrics", None).await;
    assert_eq!(metrics.status, 200, "{}", metrics.text);
}

/// An account without a birth year entered a contest as an adult, with no guardian.
#[tokio::test]
async fn entering_a_contest_needs_a_birth_year_and_a_child_a_guardian() {
    let c = Setup::spawn().await;
    let contest = c.contest().await;
    let child = c.app.register("chua.ro.tuoi").await;
    let entry = |body: Value| {
        let (app, child, contest) = (&c.app, &child, &contest);
        async move { app.create_entry(child, contest, &body).await }
    };
    let refused = entry(json!({"title": "Bài", "consent": {"entrant": true}})).await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert!(
        refused.body["error"]["details"]["fields"]["birth_year"].is_string(),
        "{}",
        refused.text
    );
    let refused =
        entry(json!({"title": "Bài", "consent": {"entrant": true}, "birth_year": 1850})).await;
    assert!(
        refused.body["error"]["details"]["fields"]["birth_year"].is_string(),
        "{}",
        refused.text
    );
    // A child's year asks for the guardian, and nothing is recorded meanwhile.
    let refused =
        entry(json!({"title": "Bài", "consent": {"entrant": true}, "birth_year": 2015})).await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert!(refused.body["error"]["details"]["fields"]["consent.guardian_consent"].is_string());
    assert_eq!(
        c.app.me(&child.access).await.body["birth_year"],
        Value::Null
    );
    let accepted = entry(json!({"title": "Bài", "birth_year": 2015,
        "consent": {"entrant": true, "guardian_name": "Trần Văn Bố", "guardian_consent": true}}))
    .await;
    assert_eq!(accepted.status, 201, "{}", accepted.text);
    assert_eq!(c.app.me(&child.access).await.body["birth_year"], 2015);
    // Once recorded, it is not asked again, and cannot be changed this way.
    let second =
        entry(json!({"title": "Bài hai", "birth_year": 1990, "consent": {"entrant": true}})).await;
    assert_eq!(second.status, 422, "still a child: {}", second.text);
    assert_eq!(c.app.me(&child.access).await.body["birth_year"], 2015);
}

/// Board reads keyed by the raw path id kept a 60 KB id in the caches for each request.
#[tokio::test]
async fn implausible_ids_are_refused_before_any_lookup() {
    let app = common::TestApp::spawn().await;
    let huge = "q".repeat(60_000);
    for path in [
        common::path::quiz_board(&huge),
        common::path::quiz_board_units(&huge),
        common::path::event_board(&huge),
    ] {
        let refused = app.get(&path, None).await;
        assert_eq!(refused.status, 404, "{}: {}", &path[..30], refused.text);
        assert_eq!(refused.code(), "not_found");
    }
    assert!(!civiquiz::http::plausible_id(&huge));
    assert!(civiquiz::http::plausible_id(
        "01a23573-a4a2-7206-b2e8-292b1ada851e"
    ));
}

/// One user held 50 slow uploads open at once, with no refusal.
#[tokio::test]
async fn one_user_may_hold_two_uploads_at_once() {
    let c = Setup::spawn().await;
    let contest = c.contest().await;
    let entrant = c.entrant("tai.len").await;
    let entries = [
        c.entry(&entrant, &contest).await,
        c.entry(&entrant, &contest).await,
    ];
    // Two uploads that send a few bytes and then hold their connections open.
    let mut holds = Vec::new();
    for entry in &entries {
        let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(1);
        sender.send(Ok(b"OggS".to_vec())).await.expect("send");
        let body = reqwest::Body::wrap_stream(tokio_stream_of(receiver));
        let request = c.app.upload_request(&entrant, entry).body(body).send();
        holds.push((sender, tokio::spawn(request)));
    }
    // Until both are in (the server has taken their first bytes).
    let third_entry = entries[0].clone();
    let mut third = None;
    // Generous: a loaded machine may take a while to read the two first chunks.
    for _ in 0..600 {
        let response = c
            .app
            .upload_media(&entrant, &third_entry, b"OggS".to_vec(), None)
            .await;
        if response.status == 409 && response.code() == "too_many_uploads" {
            third = Some(response);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let third = third.expect("a third upload at once is refused");
    assert!(third.text.contains("2 uploads"), "{}", third.text);
    // Once one ends, another may start.
    let (sender, request) = holds.pop().expect("hold");
    drop(sender);
    let _ = request.await;
    let mut freed = false;
    for _ in 0..100 {
        let response = c
            .app
            .upload_media(&entrant, &third_entry, b"not a recording".to_vec(), None)
            .await;
        if response.code() != "too_many_uploads" {
            freed = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(freed, "a slot comes back when an upload ends");
    drop(holds);
}

/// The same user trickled bytes in (1 byte per 20 s) for as long as she liked: now a body
/// slower than the floor over a whole window is cut off, and leaves nothing behind.
#[tokio::test]
async fn a_trickling_upload_is_cut_off() {
    let c = Setup::spawn_with(|config| {
        config.media.upload_min_rate = Some(civiquiz::config::MinRate {
            bytes_per_s: 1024,
            window: std::time::Duration::from_secs(2),
        });
    })
    .await;
    let contest = c.contest().await;
    let entrant = c.entrant("tai.len").await;
    let entry = c.entry(&entrant, &contest).await;
    let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(1);
    let trickle = tokio::spawn(async move {
        for _ in 0..40 {
            if sender.send(Ok(b"O".to_vec())).await.is_err() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        }
    });
    let started = std::time::Instant::now();
    let refused = c
        .app
        .send(
            c.app
                .upload_request(&entrant, &entry)
                .body(reqwest::Body::wrap_stream(tokio_stream_of(receiver))),
        )
        .await;
    assert_eq!(refused.status, 408, "{}", refused.text);
    assert_eq!(refused.code(), "upload_stalled");
    assert!(started.elapsed() < std::time::Duration::from_secs(6));
    trickle.abort();
    assert!(c.leftover_files().is_empty(), "{:?}", c.leftover_files());
    assert_eq!(c.count_rows("media_uploads").await, 0);
}

fn tokio_stream_of(
    mut receiver: tokio::sync::mpsc::Receiver<Result<Vec<u8>, std::io::Error>>,
) -> impl futures::Stream<Item = Result<Vec<u8>, std::io::Error>> {
    futures::stream::poll_fn(move |cx| receiver.poll_recv(cx))
}

/// Open streams were unbounded per user and per address: one client could hold every
/// connection the server has.
#[tokio::test]
async fn one_user_holds_a_bounded_number_of_live_streams() {
    let s = setup().await;
    let quiz = s.board_quiz(json!({})).await;
    let student = s.app.register("xem.truc.tiep").await;
    let cap = civiquiz::boards::stream::STREAMS_PER_USER;
    let mut open = Vec::new();
    for _ in 0..cap {
        open.push(s.app.quiz_board_stream(&student, &quiz, None).await);
    }
    let path = common::path::quiz_board_stream(&quiz);
    let refused = s.app.get(&path, Some(&student.access)).await;
    assert_eq!(refused.status, 429, "{}", refused.text);
    assert_eq!(refused.code(), "rate_limited");
    assert!(refused.header("retry-after").is_some());
    // Another user, or an anonymous reader, is not refused for her.
    let other = s.app.register("nguoi.khac").await;
    drop(s.app.quiz_board_stream(&other, &quiz, None).await);
    drop(s.app.quiz_board_stream(Anonymous, &quiz, None).await);
    // A closed stream gives its place back.
    drop(open.pop());
    let mut reopened = false;
    for _ in 0..100 {
        // Only the status: an open stream's body never ends.
        let response = s
            .app
            .request(reqwest::Method::GET, &path, Some(&student.access))
            .send()
            .await
            .expect("request");
        if response.status().as_u16() == 200 {
            reopened = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(reopened, "a slot comes back when a stream closes");
}

/// A judge could map a queued entry to its author through the public gallery, the entry view,
/// the results and the uploader's file name (in the queue and in the download's name).
#[tokio::test]
async fn judging_stays_blind_until_the_results_are_published() {
    let c = Setup::spawn().await;
    let contest = c.contest().await;
    let an = c.entrant("an").await;
    let entry = c.entry(&an, &contest).await;
    let uploaded = c
        .app
        .upload_media(
            &an,
            &entry,
            common::contests::fixture("webm_opus_mediarecorder.webm"),
            Some("Nguyen Thi An 8A.webm"),
        )
        .await;
    assert_eq!(uploaded.status, 201, "{}", uploaded.text);
    assert_eq!(uploaded.body["original_name"], "Nguyen Thi An 8A.webm");
    let media = uploaded.body["media_id"].as_str().expect("id").to_owned();
    assert_eq!(c.app.submit_entry(&an, &entry).await.status, 200);
    assert_eq!(c.moderate(&entry, "approve", "").await.status, 200);
    let judge = c.judge("gk.mot").await;
    assert_eq!(c.add_judge(&contest, &judge).await.status, 201);
    assert_eq!(
        c.app
            .set_results_state(&c.organizer, &contest, "live")
            .await
            .status,
        200
    );

    let leaks = |text: &str| {
        text.contains("Nguyen") || text.contains("Bạn an") || text.contains(&an.user_id)
    };
    let gallery = c.app.contest_entries(Anonymous, &contest, "").await;
    assert_eq!(gallery.body["total"], 1, "{}", gallery.text);
    assert!(!leaks(&gallery.text), "gallery: {}", gallery.text);
    for who in [None, Some(&judge)] {
        let view = match who {
            Some(judge) => c.app.entry(judge, &entry).await,
            None => c.app.entry(Anonymous, &entry).await,
        };
        assert_eq!(view.status, 200, "{}", view.text);
        assert!(!leaks(&view.text), "entry view: {}", view.text);
        assert!(view.body["media"].get("original_name").is_none());
    }
    let queue = c.app.judging_queue(&judge).await;
    assert!(!leaks(&queue.text), "queue: {}", queue.text);
    let board = c.app.contest_board(Anonymous, &contest).await;
    assert_eq!(board.body["items"].as_array().map(Vec::len), Some(1));
    assert!(!leaks(&board.text), "board: {}", board.text);
    let played = c
        .app
        .media_request(&judge, &entry, &media)
        .send()
        .await
        .expect("play");
    let disposition = played.headers()["content-disposition"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(
        disposition.contains("entry-") && !disposition.contains("Nguyen"),
        "{disposition}"
    );
    // Organizers see who made it.
    let listed = c.app.contest_entries(&c.organizer, &contest, "").await;
    assert_eq!(
        listed.body["items"][0]["author"]["user_id"],
        an.user_id.as_str()
    );

    // Published: the authors are named to everyone.
    for state in ["frozen", "published"] {
        let moved = c.app.set_results_state(&c.organizer, &contest, state).await;
        assert_eq!(moved.status, 200, "{}", moved.text);
    }
    let gallery = c.app.contest_entries(Anonymous, &contest, "").await;
    assert_eq!(gallery.body["items"][0]["author"]["display_name"], "Bạn an");
    let board = c.app.contest_board(Anonymous, &contest).await;
    assert_eq!(board.body["items"][0]["display_name"], "Bạn an");

    // A contest that names its authors from the start says so.
    let open = c.contest_with(json!({"show_authors": "always"})).await;
    c.approved_entry(&an, &open).await;
    let gallery = c.app.contest_entries(Anonymous, &open, "").await;
    assert_eq!(gallery.body["items"][0]["author"]["display_name"], "Bạn an");
}

/// A self-registered user could name another school's class as her unit and rank on its
/// board; with join codes she joins a unit only with its code.
#[tokio::test]
async fn units_are_joined_with_their_code() {
    let s = Setup::spawn().await;
    let unit = s
        .org_tree(
            "code,name,kind,parent_code\nTHCS-A,THCS A,school,\nTHCS-A.8A,Lớp 8A,class,THCS-A\n",
        )
        .await;
    let class = unit("THCS-A.8A");
    // Before any code, the deployment is open: she picks her unit.
    let early = s
        .app
        .try_register(&json!({"username": "som", "password": common::PASSWORD, "display_name": "Sớm", "org_unit_id": class}))
        .await;
    assert_eq!(early.status, 201, "{}", early.text);

    let student = s.app.register("hs.thuong").await;
    let refused = s.app.issue_join_code(&student, &class, &json!({})).await;
    assert_eq!(refused.status, 403, "{}", refused.text);
    let issued = s
        .app
        .issue_join_code(&s.organizer, &class, &json!({"valid_days": 7}))
        .await;
    assert_eq!(issued.status, 201, "{}", issued.text);
    let code = issued.body["code"].as_str().expect("code").to_owned();
    assert_eq!(issued.body["org_unit_id"], class.as_str());

    let register = |username: &str, extra: Value| {
        let mut body =
            json!({"username": username, "password": common::PASSWORD, "display_name": username});
        body.as_object_mut()
            .expect("object")
            .extend(extra.as_object().expect("object").clone());
        body
    };
    // Now a unit cannot be picked without its code.
    let picked = s
        .app
        .try_register(&register("chon.bua", json!({"org_unit_id": class})))
        .await;
    assert_eq!(picked.status, 422, "{}", picked.text);
    assert!(picked.body["error"]["details"]["fields"]["org_unit_id"].is_string());
    let wrong = s
        .app
        .try_register(&register("doan.bua", json!({"join_code": "ABCDE-FGHJK"})))
        .await;
    assert_eq!(wrong.status, 422, "{}", wrong.text);
    assert!(wrong.body["error"]["details"]["fields"]["join_code"].is_string());
    // Typed in lower case with spaces, the code places her in the class.
    let typed = code.to_lowercase().replace('-', " ");
    let joined = s
        .app
        .try_register(&register("hs.mot", json!({"join_code": typed})))
        .await;
    assert_eq!(joined.status, 201, "{}", joined.text);
    assert_eq!(joined.body["user"]["org_unit_id"], class.as_str());
    // Without a code she belongs to no unit.
    let plain = s.app.try_register(&register("hs.hai", json!({}))).await;
    assert_eq!(plain.status, 201, "{}", plain.text);
    assert!(plain.body["user"]["org_unit_id"].is_null());

    // Rotation: the old code stops working at once.
    let rotated = s
        .app
        .issue_join_code(&s.organizer, &class, &json!({}))
        .await;
    assert_eq!(rotated.status, 201);
    let old = s
        .app
        .try_register(&register("hs.ba", json!({"join_code": code})))
        .await;
    assert_eq!(old.status, 422, "{}", old.text);
    let new_code = rotated.body["code"].as_str().expect("code");
    let again = s
        .app
        .try_register(&register("hs.bon", json!({"join_code": new_code})))
        .await;
    assert_eq!(again.status, 201, "{}", again.text);
    // Revoked: no live code is left, the deployment is open again.
    assert_eq!(
        s.app.revoke_join_code(&s.organizer, &class).await.status,
        204
    );
    let revoked = s
        .app
        .try_register(&register("hs.nam", json!({"join_code": new_code})))
        .await;
    assert_eq!(revoked.status, 422, "{}", revoked.text);
    assert_eq!(
        s.app
            .revoke_join_code(&s.organizer, "no-such-unit")
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn a_closed_deployment_makes_no_accounts_by_itself() {
    let app = common::TestApp::spawn_with(|config| {
        config.registration = Some(civiquiz::auth::registration::Registration::Closed);
    })
    .await;
    let refused = app
        .try_register(
            &json!({"username": "tu.lam", "password": common::PASSWORD, "display_name": "Tự làm"}),
        )
        .await;
    assert_eq!(refused.status, 403, "{}", refused.text);
    assert_eq!(refused.body["error"]["code"], "registration_closed");
}

/// One person, a hundred votes: accounts made in a minute from one address.
#[tokio::test]
async fn votes_are_for_members_and_accounts_per_address_are_bounded() {
    let c = Setup::spawn_with(|config| config.limits.accounts_per_address_per_hour = 40).await;
    let contest = c.contest_with(json!({"voters": "members"})).await;
    let an = c.entrant("an").await;
    let entry = c.approved_entry(&an, &contest).await;
    let drive_by = c.app.register("ghe.qua").await;
    let refused = c.app.vote(&drive_by, &entry).await;
    assert_eq!(refused.status, 403, "{}", refused.text);
    assert_eq!(refused.body["error"]["code"], "not_a_member");
    let unit = c
        .org_tree("code,name,kind,parent_code\nP-1,Phường 1,ward,\n")
        .await;
    let code = c
        .app
        .issue_join_code(&c.organizer, &unit("P-1"), &json!({}))
        .await;
    let member = c
        .app
        .register_with(json!({"username": "cu.dan", "password": common::PASSWORD, "display_name": "Cư dân", "join_code": code.body["code"]}))
        .await;
    let counted = c.app.vote(&member, &entry).await;
    assert_eq!(counted.status, 200, "{}", counted.text);

    // Past the hourly limit one address makes no more accounts; a refused registration
    // (a taken name) does not use a place.
    let taken = c
        .app
        .try_register(
            &json!({"username": "cu.dan", "password": common::PASSWORD, "display_name": "Lần hai"}),
        )
        .await;
    assert_eq!(taken.status, 409);
    let mut made = 0;
    let mut limited = None;
    for n in 0..60 {
        let response = c
            .app
            .try_register(&json!({"username": format!("bot.{n}"), "password": common::PASSWORD, "display_name": "Bot"}))
            .await;
        match response.status {
            201 => made += 1,
            429 => {
                limited = Some(response);
                break;
            }
            other => panic!("{other}: {}", response.text),
        }
    }
    let limited = limited.expect("the limit is reached");
    assert_eq!(limited.body["error"]["code"], "rate_limited");
    // The fixture's own accounts and the five above count too.
    assert!(made < 40, "{made}");
}

/// Eleven wrong passwords from one address locked the account from every address for 15
/// minutes (the right password got 429), and the lock also blocked a signed-in password
/// change: 550 requests locked a whole imported class out.
#[tokio::test]
async fn guesses_from_elsewhere_never_lock_a_student_out_of_her_device() {
    let app = common::TestApp::spawn().await;
    app.register("hs.lan").await;
    // Her phone signed in before: it holds a device token.
    let phone = app.login("hs.lan", common::PASSWORD).await;
    assert_eq!(phone.status, 200, "{}", phone.text);
    let device_token = phone.body["device_token"]
        .as_str()
        .expect("device token")
        .to_owned();
    let session = common::session_of(&phone);

    // A classmate guesses from the same address, with no device token.
    for _ in 0..10 {
        assert_eq!(app.login("hs.lan", "doan mat khau").await.status, 401);
    }
    // Past the limit an unknown device is slowed, not locked out: one try per 30 s.
    assert_eq!(app.login("hs.lan", "doan mat khau").await.status, 401);
    let slowed = app.login("hs.lan", "doan mat khau").await;
    assert_eq!(slowed.status, 429, "{}", slowed.text);
    let retry: u64 = slowed
        .header("retry-after")
        .expect("Retry-After")
        .parse()
        .expect("s");
    assert!((1..=30).contains(&retry), "{retry}");

    // Her phone still signs in, and a signed-in password change is not behind the limiter.
    let again = app
        .login_with(&json!({"username": "hs.lan", "password": common::PASSWORD, "device_token": device_token}))
        .await;
    assert_eq!(again.status, 200, "{}", again.text);
    let changed = app
        .change_password(&session, common::PASSWORD, "mat khau moi cua Lan")
        .await;
    assert_eq!(changed.status, 204, "{}", changed.text);
    // From a new device she waits out the slow-down, then the right password works.
    app.clock.advance_ms(30_000);
    assert_eq!(
        app.login("hs.lan", "mat khau moi cua Lan").await.status,
        200
    );

    // A token names its account and is signed: another account's, or a forged one, is an
    // unknown device.
    app.register("hs.binh").await;
    for _ in 0..11 {
        app.login("hs.binh", "doan mat khau").await;
    }
    let borrowed = app
        .login_with(&json!({"username": "hs.binh", "password": "doan mat khau", "device_token": device_token}))
        .await;
    assert_eq!(borrowed.status, 429, "{}", borrowed.text);
    let forged = format!("{}x", &device_token[..device_token.len() - 1]);
    let forged = app
        .login_with(
            &json!({"username": "hs.binh", "password": common::PASSWORD, "device_token": forged}),
        )
        .await;
    assert_eq!(forged.status, 429, "{}", forged.text);

    // A known device's own failures lock that device alone.
    let lan = app
        .login_with(&json!({"username": "hs.lan", "password": "mat khau moi cua Lan", "device_token": device_token}))
        .await;
    let token = lan.body["device_token"].as_str().expect("token").to_owned();
    for _ in 0..10 {
        let wrong = app
            .login_with(&json!({"username": "hs.lan", "password": "sai", "device_token": token}))
            .await;
        assert_eq!(wrong.status, 401);
    }
    let locked = app
        .login_with(&json!({"username": "hs.lan", "password": "mat khau moi cua Lan", "device_token": token}))
        .await;
    assert_eq!(locked.status, 429, "{}", locked.text);
}

/// With Redis down, sign-in, registration and refresh all answered 503: the rate limits had
/// nowhere to count.
#[tokio::test]
async fn sign_in_keeps_working_while_redis_is_down() {
    let Some(mut redis) = common::services::PrivateRedis::start() else {
        eprintln!("skipped: no redis-server on this machine");
        return;
    };
    let url = redis.url();
    let operators = common::TestApp::spawn_with(|config| {
        config.redis_url = Some(url.clone());
        config.limits.failed_logins_per_account = 4;
    })
    .await;
    let outsiders = common::TestApp::spawn_with(|config| {
        config.redis_url = Some(url.clone());
        config.metrics_allow =
            civiquiz::http::client::Networks::parse("10.1.2.0/24").expect("cidr");
    })
    .await;
    operators.register("khi.redis.tat").await;
    redis.kill();

    let signed = operators.login("khi.redis.tat", common::PASSWORD).await;
    assert_eq!(signed.status, 200, "{}", signed.text);
    let refreshed = operators
        .refresh(signed.body["refresh_token"].as_str().expect("refresh"))
        .await;
    assert_eq!(refreshed.status, 200, "{}", refreshed.text);
    operators.register("moi.dang.ky").await;
    // This process counts for itself, against half the limit (2 of 4, then the slow gate).
    let statuses: Vec<u16> = futures::future::join_all(
        (0..4).map(|_| operators.login("khi.redis.tat", "doan mat khau")),
    )
    .await
    .iter()
    .map(|response| response.status)
    .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 401).count(),
        3,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 429).count(),
        1,
        "{statuses:?}"
    );
    let metrics = operators.get("/metrics", None).await;
    let counted: f64 = metrics
        .text
        .lines()
        .find_map(|line| line.strip_prefix("civiquiz_rate_limits_counted_locally_total "))
        .expect("the fallback counter")
        .parse()
        .expect("a number");
    assert!(counted >= 8.0, "{counted}");

    // /readyz says Redis is down to operators only.
    let ready = operators.get("/readyz", None).await;
    assert_eq!(ready.status, 503, "{}", ready.text);
    assert_eq!(
        ready.body["error"]["details"]["redis"], "unreachable",
        "{}",
        ready.text
    );
    let public = outsiders.get("/readyz", None).await;
    assert_eq!(public.status, 503, "{}", public.text);
    assert!(!public.text.contains("redis"), "{}", public.text);
    assert!(!public.text.contains("database"), "{}", public.text);
}

/// An imported pupil's one-time password worked forever, and her roster name (her full name)
/// was shown on anonymous boards with no way for her to change it (`PATCH /me` was 405).
#[tokio::test]
async fn roster_names_stay_off_public_boards_and_one_time_passwords_expire() {
    let s = setup().await;
    let _unit = s
        .org_tree(
            "code,name,kind,parent_code\nTHCS-B,THCS B,school,\nTHCS-B.6A1,6A1,class,THCS-B\n",
        )
        .await;
    let imported = s
        .app
        .import_users(
            &s.admin,
            "text/csv",
            "username,display_name,org_unit_code,role,birth_year\nhs.anh,Nguyễn Thị Ánh,THCS-B.6A1,,2014\nhs.cu,Trần Văn Cư,THCS-B.6A1,,2014\n",
        )
        .await;
    assert_eq!(imported.status, 201, "{}", imported.text);
    let password_of = |i: usize| {
        imported.body["users"][i]["one_time_password"]
            .as_str()
            .expect("otp")
            .to_owned()
    };
    let expires_at = imported.body["users"][0]["expires_at"]
        .as_str()
        .expect("expiry");
    assert!(
        expires_at > at(s.now() + 6 * 24 * 60 * MINUTE).as_str(),
        "{expires_at}"
    );

    // Ánh signs in, picks a new password and plays; her name on the public board is a pseudonym.
    let first = s.app.login("hs.anh", &password_of(0)).await;
    assert_eq!(first.status, 200, "{}", first.text);
    let anh = common::session_of(&first);
    let changed = s
        .app
        .change_password(&anh, &password_of(0), "mat khau cua Anh")
        .await;
    assert_eq!(changed.status, 204, "{}", changed.text);
    let anh = common::session_of(&s.app.login("hs.anh", "mat khau cua Anh").await);
    let quiz = s.board_quiz(json!({})).await;
    s.attempt(&anh, &quiz, 3, 60_000).await;
    let board = s.app.quiz_board(Anonymous, &quiz, "").await;
    assert_eq!(board.status, 200, "{}", board.text);
    assert_eq!(
        board.body["items"][0]["display_name"], "Á. · 6A1",
        "{}",
        board.text
    );
    assert!(!board.text.contains("Nguyễn"), "{}", board.text);

    // Once she picks her name, it is hers to show.
    let renamed = s
        .app
        .update_me(&anh, &json!({"display_name": "  Ánh Dương  "}))
        .await;
    assert_eq!(renamed.status, 200, "{}", renamed.text);
    assert_eq!(renamed.body["display_name"], "Ánh Dương");
    let bad = s
        .app
        .update_me(&anh, &json!({"display_name": "a\u{200b}b"}))
        .await;
    assert_eq!(bad.status, 422, "{}", bad.text);
    assert!(bad.text.contains("display_name"), "{}", bad.text);
    let unknown = s.app.update_me(&anh, &json!({"role": "admin"})).await;
    assert_eq!(unknown.status, 422, "{}", unknown.text);
    // The rename reaches the board over the bus.
    let mut board = s.app.quiz_board(Anonymous, &quiz, "").await;
    for _ in 0..100 {
        if board.body["items"][0]["display_name"] == "Ánh Dương" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        board = s.app.quiz_board(Anonymous, &quiz, "").await;
    }
    assert_eq!(
        board.body["items"][0]["display_name"], "Ánh Dương",
        "{}",
        board.text
    );

    // Cư never signed in: after seven days the right one-time password no longer works.
    s.app.clock.advance_ms(7 * 24 * 60 * MINUTE);
    let late = s.app.login("hs.cu", &password_of(1)).await;
    assert_eq!(late.status, 401, "{}", late.text);
    assert_eq!(late.code(), "one_time_password_expired");
    let wrong = s.app.login("hs.cu", "not his password").await;
    assert_eq!(
        wrong.code(),
        "invalid_credentials",
        "a wrong password says nothing more"
    );
    let cu_id = imported.body["users"][1]["id"].as_str().expect("id");
    // Access tokens have expired meanwhile: both sign in again.
    let anh = common::session_of(&s.app.login("hs.anh", "mat khau cua Anh").await);
    let admin = common::session_of(&s.app.login(&s.admin.username, common::PASSWORD).await);
    let refused = s.app.reset_password(&anh, cu_id).await;
    assert_eq!(refused.status, 403, "{}", refused.text);
    let reset = s.app.reset_password(&admin, cu_id).await;
    assert_eq!(reset.status, 201, "{}", reset.text);
    let fresh = reset.body["one_time_password"].as_str().expect("otp");
    let signed = s.app.login("hs.cu", fresh).await;
    assert_eq!(signed.status, 200, "{}", signed.text);
    assert_eq!(signed.body["user"]["must_change_password"], true);
}

/// A judge removed from a contest (or demoted) kept her queue and could still score; and a
/// hundred votes from fresh accounts left no trace an organizer could read.
#[tokio::test]
async fn removed_judges_lose_their_rights_and_votes_leave_a_log() {
    let c = setup().await;
    let contest = c.contest_with(json!({"judges_per_entry": 1})).await;
    let an = c.entrant("an").await;
    let entry = c.approved_entry(&an, &contest).await;
    let first = c.judge("gk.mot").await;
    assert_eq!(c.add_judge(&contest, &first).await.status, 201);
    assert_eq!(c.app.judging_queue(&first).await.body["total"], 1);
    let second = c.judge("gk.hai").await;
    assert_eq!(c.add_judge(&contest, &second).await.status, 201);

    let removed = c
        .app
        .remove_judge(&c.organizer, &contest, &first.user_id)
        .await;
    assert_eq!(removed.status, 200, "{}", removed.text);
    assert_eq!(removed.body["total"], 1, "{}", removed.text);
    assert_eq!(c.app.judging_queue(&first).await.body["total"], 0);
    let score = json!({"scores": {"content": 8, "voice": 4}});
    let refused = c.app.score_entry(&first, &entry, &score).await;
    assert_eq!(refused.status, 404, "{}", refused.text);
    // Her unscored entry went to the other judge.
    assert_eq!(c.app.judging_queue(&second).await.body["total"], 1);
    let again = c
        .app
        .remove_judge(&c.organizer, &contest, &first.user_id)
        .await;
    assert_eq!(again.status, 404, "{}", again.text);

    // A judge demoted to participant loses her rights at once, though still on the contest.
    let demoted = c
        .app
        .update_user(&c.admin, &second.user_id, &json!({"role": "participant"}))
        .await;
    assert_eq!(demoted.status, 200, "{}", demoted.text);
    let refused = c.app.score_entry(&second, &entry, &score).await;
    assert_eq!(refused.status, 404, "{}", refused.text);

    // The vote log keeps casts and withdrawals, with the address as a group.
    let voters: Vec<common::Session> = futures::future::join_all((0..3).map(|n| {
        c.app
            .register(Box::leak(format!("nguoi.bau.{n}").into_boxed_str()))
    }))
    .await;
    for voter in &voters {
        assert_eq!(c.app.vote(voter, &entry).await.status, 200);
    }
    assert_eq!(
        c.app.vote(&voters[0], &entry).await.status,
        200,
        "a second vote changes nothing"
    );
    assert_eq!(c.app.withdraw_vote(&voters[1], &entry).await.status, 200);
    let refused = c.app.vote_log(&an, &contest, "").await;
    assert_eq!(refused.status, 403, "{}", refused.text);
    let log = c.app.vote_log(&c.organizer, &contest, "").await;
    assert_eq!(log.status, 200, "{}", log.text);
    let actions: Vec<&str> = log.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| item["action"].as_str().expect("action"))
        .collect();
    assert_eq!(
        actions,
        ["cast", "cast", "cast", "withdraw"],
        "{}",
        log.text
    );
    let groups: std::collections::HashSet<&str> = log.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| item["address_group"].as_str().expect("group"))
        .collect();
    assert_eq!(groups.len(), 1, "one address, one group: {}", log.text);
    assert!(!log.text.contains("127.0.0.1"), "{}", log.text);
    let csv = c.app.vote_log(&c.organizer, &contest, "?format=csv").await;
    assert_eq!(csv.status, 200);
    assert!(
        csv.bytes.starts_with(b"\xEF\xBB\xBFat,action,entry_id"),
        "{}",
        csv.text
    );
    assert_eq!(csv.text.lines().count(), 5, "{}", csv.text);
}

/// A path segment that is not UTF-8 got axum's plain-text 400 instead of the API's error shape.
#[tokio::test]
async fn a_path_that_is_not_utf8_is_not_found_in_the_error_shape() {
    let s = setup().await;
    for response in [
        s.app.event(Anonymous, "%FF").await,
        s.app.quiz(&s.organizer, "%C3%28").await,
        s.app
            .save_answer(&s.organizer, "%FF", "an-toan-so:as-001", json!("a"))
            .await,
    ] {
        assert_eq!(response.status, 404, "{}", response.text);
        assert_eq!(response.code(), "not_found", "{}", response.text);
    }
}

/// The submit body is optional, yet `null` was refused with 422, a chunked body of no bytes
/// without `Content-Type` with 415, and an empty body typed as JSON with 400.
#[tokio::test]
async fn a_submit_without_a_body_or_with_null_submits() {
    let s = setup().await;
    let student = s.app.register("khong.than").await;
    let quiz = s.quiz_with(json!({"max_attempts": 5})).await;
    let bare = started(&s, &student, &quiz).await;
    let submitted = s.app.submit_attempt_bare(&student, &bare).await;
    assert_eq!(submitted.status, 200, "no body: {}", submitted.text);
    let null = started(&s, &student, &quiz).await;
    let submitted = s
        .app
        .submit_attempt_with(&student, &null, &Value::Null)
        .await;
    assert_eq!(submitted.status, 200, "null: {}", submitted.text);
    let chunked = started(&s, &student, &quiz).await;
    let nothing = futures::stream::empty::<Result<Vec<u8>, std::io::Error>>();
    let submitted = s
        .app
        .send(
            s.app
                .request(
                    reqwest::Method::POST,
                    &common::path::attempt_submit(&chunked),
                    Some(&student.access),
                )
                .body(reqwest::Body::wrap_stream(nothing)),
        )
        .await;
    assert_eq!(submitted.status, 200, "chunked, empty: {}", submitted.text);
    let typed = started(&s, &student, &quiz).await;
    let submitted = s
        .app
        .post_raw(
            &common::path::attempt_submit(&typed),
            Some(&student.access),
            "application/json",
            "",
        )
        .await;
    assert_eq!(submitted.status, 200, "empty JSON: {}", submitted.text);
    // A body with something in it must still be JSON.
    let text = started(&s, &student, &quiz).await;
    let refused = s
        .app
        .post_raw(
            &common::path::attempt_submit(&text),
            Some(&student.access),
            "text/plain",
            "answers",
        )
        .await;
    assert_eq!(refused.status, 415, "{}", refused.text);
}

/// Lists refuse a limit or offset out of bounds with 422 naming it and a value that is not a
/// whole number with 400, boards as every other list; an offset past i64 was a 400, like text.
#[tokio::test]
async fn paging_out_of_bounds_is_422_and_not_a_number_is_400_on_every_list() {
    let s = setup().await;
    let quiz = s.board_quiz(json!({})).await;
    let cases = [
        ("?offset=9223372036854775808", 422, Some("offset")),
        ("?offset=-1", 422, Some("offset")),
        ("?limit=0", 422, Some("limit")),
        ("?limit=99999999999999999999999999", 422, Some("limit")),
        ("?offset=9223372036854775807", 200, None),
        ("?limit=ten", 400, None),
        ("?offset=1.5", 400, None),
    ];
    for (query, status, field) in cases {
        for (list, response) in [
            ("events", s.app.events_page(Anonymous, query).await),
            ("board", s.app.quiz_board(Anonymous, &quiz, query).await),
        ] {
            assert_eq!(response.status, status, "{list}{query}: {}", response.text);
            if let Some(field) = field {
                assert_eq!(response.code(), "validation_failed", "{}", response.text);
                assert!(
                    response.body["error"]["details"]["fields"][field].is_string(),
                    "{list}{query}: {}",
                    response.text
                );
            } else if status == 400 {
                assert_eq!(response.code(), "bad_request", "{}", response.text);
            }
        }
    }
}

async fn started(s: &Setup, student: &common::Session, quiz: &str) -> String {
    let view = s.app.start_attempt(student, quiz).await;
    assert_eq!(view.status, 201, "{}", view.text);
    view.body["id"].as_str().expect("id").to_owned()
}
