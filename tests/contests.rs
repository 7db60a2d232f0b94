//! Contests over HTTP: definitions, entries with consent, entry limits under concurrency,
//! moderation and the gallery, judging (assignment balance, blindness, scores), voting and
//! results states. Recordings themselves are in tests/contest_media.rs.

mod common;

use std::collections::{BTreeSet, HashMap};

use common::contests::sha256_hex;
use common::fixture::{MINUTE, Setup, at};
use common::{Anonymous, Session, path};
use serde_json::{Value, json};

#[tokio::test]
async fn contests_are_defined_by_organizers_and_read_by_anyone() {
    let c = Setup::spawn().await;
    let an = c.entrant("an").await;
    let forbidden = c.app.create_contest(&an, &c.contest_body()).await;
    assert_eq!(forbidden.status, 403);

    let mut bad = c.contest_body();
    bad["closes_at"] = json!(at(c.now() - 2 * MINUTE));
    bad["media"] = json!([]);
    bad["max_bytes"] = json!(10);
    bad["criteria"] = json!([{"key": "Nội dung", "title": "", "weight": 0, "max_points": -1}]);
    bad["judges_per_entry"] = json!(0);
    bad["voting"] = json!({"enabled": true});
    let refused = c.app.create_contest(&c.organizer, &bad).await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    let fields = refused.body["error"]["details"]["fields"]
        .as_object()
        .expect("fields");
    for field in [
        "closes_at",
        "media",
        "max_bytes",
        "criteria[0].key",
        "criteria[0].title",
        "criteria[0].weight",
        "criteria[0].max_points",
        "judges_per_entry",
        "voting.opens_at",
    ] {
        assert!(fields.contains_key(field), "{field} missing in {fields:?}");
    }
    let unknown = c
        .app
        .create_contest(&c.organizer, &json!({"title": "x", "colour": "red"}))
        .await;
    assert_eq!(unknown.status, 422);

    let id = c.contest().await;
    let public = c.app.contest(Anonymous, &id).await;
    assert_eq!(public.status, 200);
    assert_eq!(public.body["state"], "open");
    assert_eq!(public.body["voting_open"], true);
    assert_eq!(public.body["results_state"], "hidden");
    assert_eq!(public.body["criteria"][0]["title"], "Nội dung");
    let listed = c.app.contests(Anonymous).await;
    assert_eq!(listed.body["total"], 1);

    let edited = c
        .app
        .update_contest(
            &c.organizer,
            &id,
            &json!({"max_duration_s": 90, "title": "Công dân số — vòng 2"}),
        )
        .await;
    assert_eq!(edited.status, 200, "{}", edited.text);
    assert_eq!(edited.body["max_duration_s"], 90);
    assert_eq!(edited.body["media"], json!(["audio", "video"]));
    let missing = c
        .app
        .contest(Anonymous, "00000000-0000-0000-0000-000000000000")
        .await;
    assert_eq!(missing.status, 404);
}

#[tokio::test]
async fn minors_need_a_guardian_and_everyone_consents() {
    let c = Setup::spawn().await;
    let contest = c.contest().await;
    let child = c
        .app
        .register_with(json!({"username": "be.lan", "password": common::PASSWORD, "display_name": "Lan", "birth_year": 2014}))
        .await;
    let refused = c
        .app
        .create_entry(
            &child,
            &contest,
            &json!({"title": "Bài của Lan", "consent": {"entrant": true}}),
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    let fields = &refused.body["error"]["details"]["fields"];
    assert!(fields["consent.guardian_name"].is_string(), "{fields}");
    assert!(fields["consent.guardian_consent"].is_string(), "{fields}");
    let half = c
        .app
        .create_entry(&child, &contest, &json!({"title": "Bài của Lan", "consent": {"entrant": true, "guardian_name": "Nguyễn Văn Hùng"}}))
        .await;
    assert_eq!(half.status, 422);
    assert!(half.body["error"]["details"]["fields"]["consent.guardian_consent"].is_string());
    let accepted = c
        .app
        .create_entry(&child, &contest, &json!({"title": "Bài của Lan", "consent": {"entrant": true, "guardian_name": "Nguye\u{0302}\u{0303}n Văn Hùng", "guardian_consent": true}}))
        .await;
    assert_eq!(accepted.status, 201, "{}", accepted.text);
    assert_eq!(accepted.body["status"], "draft");
    assert_eq!(accepted.body["consent"]["guardian_name"], "Nguyễn Văn Hùng");

    let adult = c.entrant("an").await;
    let no_consent = c
        .app
        .create_entry(
            &adult,
            &contest,
            &json!({"title": "Bài", "consent": {"entrant": false}}),
        )
        .await;
    assert_eq!(no_consent.status, 422);
    assert!(no_consent.body["error"]["details"]["fields"]["consent.entrant"].is_string());
    assert_eq!(c.new_entry(&adult, &contest).await.status, 201);
    // Organizers and judges do not enter.
    assert_eq!(c.new_entry(&c.organizer, &contest).await.status, 403);
}

#[tokio::test]
async fn the_entry_limit_holds_under_concurrency() {
    let c = Setup::spawn().await;
    let contest = c.contest_with(json!({"max_entries_per_user": 2})).await;
    let an = c.entrant("an").await;
    let attempts = (0..10).map(|_| c.new_entry(&an, &contest));
    let results = futures::future::join_all(attempts).await;
    let created = results.iter().filter(|r| r.status == 201).count();
    let refused: Vec<&str> = results
        .iter()
        .filter(|r| r.status != 201)
        .map(|r| r.code())
        .collect();
    assert_eq!(created, 2, "{refused:?}");
    assert!(
        refused.iter().all(|code| *code == "entries_exhausted"),
        "{refused:?}"
    );
    let numbers: BTreeSet<i64> = results
        .iter()
        .filter_map(|r| r.body["number"].as_i64())
        .collect();
    assert_eq!(numbers, BTreeSet::from([1, 2]));
}

#[tokio::test]
async fn entries_open_and_close_with_the_contest() {
    let c = Setup::spawn().await;
    let later = c
        .contest_with(
            json!({"opens_at": at(c.now() + MINUTE), "closes_at": at(c.now() + 10 * MINUTE)}),
        )
        .await;
    let an = c.entrant("an").await;
    assert_eq!(c.new_entry(&an, &later).await.code(), "contest_not_open");
    c.app.clock.advance_ms(2 * MINUTE);
    let entry = c.entry(&an, &later).await;
    // Submitting needs a recording.
    assert_eq!(c.app.submit_entry(&an, &entry).await.status, 409);
    c.upload_fixture(&an, &entry, "ogg_opus.opus").await;
    let submitted = c.app.submit_entry(&an, &entry).await;
    assert_eq!(submitted.status, 200);
    assert_eq!(submitted.body["status"], "submitted");
    // Repeating it is harmless.
    assert_eq!(
        c.app.submit_entry(&an, &entry).await.body["status"],
        "submitted"
    );
    c.app.clock.advance_ms(10 * MINUTE);
    assert_eq!(c.new_entry(&an, &later).await.code(), "contest_closed");
}

#[tokio::test]
async fn moderation_decides_what_the_gallery_shows() {
    let c = Setup::spawn().await;
    let contest = c.contest().await;
    let an = c.entrant("an").await;
    let binh = c.entrant("binh").await;
    let draft = c.entry(&an, &contest).await;
    assert_eq!(c.moderate(&draft, "approve", "").await.status, 409);
    let good = c.entry(&binh, &contest).await;
    c.upload_fixture(&binh, &good, "mp3_cbr.mp3").await;
    c.app.submit_entry(&binh, &good).await;
    let bad = c.entry(&an, &contest).await;
    c.upload_fixture(&an, &bad, "wav_pcm16.wav").await;
    c.app.submit_entry(&an, &bad).await;

    let participant_try = c
        .app
        .moderate_entry(&an, &good, &json!({"decision": "approve"}))
        .await;
    assert_eq!(participant_try.status, 403);
    let no_reason = c.moderate(&bad, "reject", "  ").await;
    assert_eq!(no_reason.status, 422);
    assert!(no_reason.body["error"]["details"]["fields"]["reason"].is_string());
    assert_eq!(
        c.moderate(&good, "approve", "").await.body["status"],
        "approved"
    );
    let rejected = c.moderate(&bad, "reject", "Không đúng chủ đề").await;
    assert_eq!(rejected.body["status"], "rejected");
    // The entrant sees why.
    let own = c.app.entry(&an, &bad).await;
    assert_eq!(own.body["moderation"]["reason"], "Không đúng chủ đề");

    let public = c.app.contest_entries(Anonymous, &contest, "").await;
    assert_eq!(public.body["total"], 1, "{}", public.text);
    assert_eq!(public.body["items"][0]["id"], good);
    // Authors stay unnamed to the public until the results are published.
    assert!(
        public.body["items"][0].get("author").is_none(),
        "{}",
        public.text
    );
    // Asking for other statuses changes nothing for the public.
    let sneaky = c
        .app
        .contest_entries(&an, &contest, "?status=rejected")
        .await;
    assert_eq!(sneaky.body["total"], 1);
    assert_eq!(sneaky.body["items"][0]["id"], good);
    let all = c.app.contest_entries(&c.organizer, &contest, "").await;
    assert_eq!(all.body["total"], 3);
    let rejected_only = c
        .app
        .contest_entries(&c.organizer, &contest, "?status=rejected")
        .await;
    assert_eq!(rejected_only.body["total"], 1);
    assert_eq!(rejected_only.body["items"][0]["id"], bad);
    let invalid = c
        .app
        .contest_entries(&c.organizer, &contest, "?status=secret")
        .await;
    assert_eq!(invalid.status, 422);
}

async fn judge_loads(c: &Setup, contest: &str) -> HashMap<String, i64> {
    let listed = c.app.judges(&c.organizer, contest).await;
    assert_eq!(listed.status, 200, "{}", listed.text);
    listed.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|j| {
            (
                j["user_id"].as_str().expect("id").to_owned(),
                j["assigned"].as_i64().expect("assigned"),
            )
        })
        .collect()
}

async fn queue(c: &Setup, judge: &Session) -> Value {
    let queue = c.app.judging_queue(judge).await;
    assert_eq!(queue.status, 200, "{}", queue.text);
    queue.body
}

#[tokio::test]
async fn judging_is_balanced_blind_and_never_self_judging() {
    let c = Setup::spawn().await;
    let contest = c.contest_with(json!({"judges_per_entry": 2})).await;
    let judges = [
        c.judge("gk.mot").await,
        c.judge("gk.hai").await,
        c.judge("gk.ba").await,
    ];
    for judge in &judges {
        assert_eq!(c.add_judge(&contest, judge).await.status, 201);
    }
    let mut entrants = Vec::new();
    let mut entries = Vec::new();
    for i in 0..9 {
        let entrant = c.entrant(&format!("thi.sinh{i}")).await;
        entries.push(c.approved_entry(&entrant, &contest).await);
        entrants.push(entrant);
    }
    let loads = judge_loads(&c, &contest).await;
    assert_eq!(loads.values().sum::<i64>(), 18);
    assert!(loads.values().all(|&n| n == 6), "{loads:?}");

    // Blind: nothing in the queue or the entry view names the entrant.
    let body = queue(&c, &judges[0]).await;
    assert_eq!(body["total"], 6);
    let text = body.to_string();
    for entrant in &entrants {
        assert!(
            !text.contains(&entrant.user_id),
            "queue leaks an entrant id"
        );
        assert!(!text.contains(&entrant.username), "queue leaks a username");
    }
    assert!(!text.contains("Bạn thi.sinh"), "queue leaks a display name");
    let first = body["items"][0]["entry_id"]
        .as_str()
        .expect("entry")
        .to_owned();
    let view = c.app.entry(&judges[0], &first).await;
    assert!(view.body.get("author").is_none(), "{}", view.text);
    assert!(!view.text.contains("thi.sinh"));
    assert!(body["items"][0]["media"]["media_id"].is_string());
    assert!(body["items"][0]["criteria"].is_array());

    // A fourth judge takes over unscored work: loads within one of each other.
    let late = c.judge("gk.bon").await;
    c.add_judge(&contest, &late).await;
    let loads = judge_loads(&c, &contest).await;
    assert_eq!(loads.values().sum::<i64>(), 18);
    let (min, max) = (
        loads.values().min().expect("present"),
        loads.values().max().expect("present"),
    );
    assert!(max - min <= 1, "{loads:?}");

    // An entrant who later becomes a judge is never given her own entry.
    let entrant_judge = &entrants[0];
    let promoted = c
        .app
        .update_user(&c.admin, &entrant_judge.user_id, &json!({"role": "judge"}))
        .await;
    assert_eq!(promoted.status, 200);
    assert_eq!(c.add_judge(&contest, entrant_judge).await.status, 201);
    let own = queue(&c, entrant_judge).await;
    assert!(
        own["items"]
            .as_array()
            .expect("items")
            .iter()
            .all(|item| item["entry_id"] != entries[0].as_str()),
        "{own}"
    );
    assert!(own["total"].as_i64().expect("total") >= 2);
    // Participants cannot be made judges.
    let participant = c.entrant("khong.phai.gk").await;
    assert_eq!(c.add_judge(&contest, &participant).await.status, 422);
}

#[tokio::test]
async fn scores_are_bounded_weighted_and_rank_at_quorum() {
    let c = Setup::spawn().await;
    let contest = c.contest_with(json!({"judges_per_entry": 2})).await;
    let (j1, j2) = (c.judge("gk.mot").await, c.judge("gk.hai").await);
    c.add_judge(&contest, &j1).await;
    c.add_judge(&contest, &j2).await;
    let an = c.entrant("an").await;
    let binh = c.entrant("binh").await;
    let entry_a = c.approved_entry(&an, &contest).await;
    let entry_b = c.approved_entry(&binh, &contest).await;
    let over = c
        .app
        .score_entry(
            &j1,
            &entry_a,
            &json!({"scores": {"content": 11, "voice": 5}}),
        )
        .await;
    assert_eq!(over.status, 422);
    assert!(over.body["error"]["details"]["fields"]["scores.content"].is_string());
    let missing = c
        .app
        .score_entry(&j1, &entry_a, &json!({"scores": {"content": 5}}))
        .await;
    assert!(missing.body["error"]["details"]["fields"]["scores.voice"].is_string());
    let unknown = c
        .app
        .score_entry(
            &j1,
            &entry_a,
            &json!({"scores": {"content": 5, "voice": 1, "style": 2}}),
        )
        .await;
    assert!(unknown.body["error"]["details"]["fields"]["scores.style"].is_string());
    let negative = c
        .app
        .score_entry(
            &j1,
            &entry_a,
            &json!({"scores": {"content": -1, "voice": 1}}),
        )
        .await;
    assert_eq!(negative.status, 422);
    // Someone not assigned: not found.
    assert_eq!(
        c.app
            .score_entry(
                &an,
                &entry_b,
                &json!({"scores": {"content": 5, "voice": 5}})
            )
            .await
            .status,
        404
    );

    // content weight 3 of 10 points, voice weight 1 of 5: (3·0.8 + 1·1.0)/4 = 85 %.
    let first = c
        .app
        .score_entry(
            &j1,
            &entry_a,
            &json!({"scores": {"content": 8, "voice": 5}, "comment": "Rõ ràng"}),
        )
        .await;
    assert_eq!(first.status, 200, "{}", first.text);
    assert!((first.body["percent"].as_f64().expect("present") - 85.0).abs() < 1e-9);
    c.app
        .set_results_state(&c.organizer, &contest, "live")
        .await;
    let board = c.app.contest_board(Anonymous, &contest).await;
    assert_eq!(board.body["state"], "live");
    // One judge of two: not ranked yet.
    let a = board.body["items"]
        .as_array()
        .expect("present")
        .iter()
        .find(|i| i["entry_id"] == entry_a.as_str())
        .cloned()
        .expect("entry a listed");
    assert!(a["rank"].is_null() && a["score"].is_null(), "{a}");
    assert_eq!(a["judged_by"], 1);

    // 100 % from the second judge: mean 92.5.
    c.app
        .score_entry(
            &j2,
            &entry_a,
            &json!({"scores": {"content": 10, "voice": 5}}),
        )
        .await;
    c.app
        .score_entry(
            &j1,
            &entry_b,
            &json!({"scores": {"content": 10, "voice": 5}}),
        )
        .await;
    c.app
        .score_entry(
            &j2,
            &entry_b,
            &json!({"scores": {"content": 10, "voice": 5}}),
        )
        .await;
    let board = c.app.contest_board(Anonymous, &contest).await;
    let items = board.body["items"].as_array().expect("present");
    assert_eq!(items[0]["entry_id"], entry_b.as_str());
    assert_eq!(items[0]["rank"], 1);
    assert_eq!(items[0]["score"], 100.0);
    assert_eq!(items[1]["entry_id"], entry_a.as_str());
    assert_eq!(items[1]["rank"], 2);
    assert_eq!(items[1]["score"], 92.5);
    assert_eq!(items[1]["judged_by"], 2);
    // The queue shows the judge's own scores.
    let mine = queue(&c, &j1).await;
    let scored: Vec<&Value> = mine["items"]
        .as_array()
        .expect("present")
        .iter()
        .filter(|i| i["scored_at"].is_string())
        .collect();
    assert_eq!(scored.len(), 2);
    // The rubric is locked once scored.
    let locked = c
        .app
        .update_contest(
            &c.organizer,
            &contest,
            &json!({"criteria": [{"key": "x", "title": "X", "weight": 1, "max_points": 1}]}),
        )
        .await;
    assert_eq!(locked.status, 409);
}

#[tokio::test]
async fn one_vote_per_account_per_entry_while_voting_is_open() {
    let c = Setup::spawn().await;
    let contest = c
        .contest_with(json!({"voting": {"enabled": true, "opens_at": at(c.now() + MINUTE), "closes_at": at(c.now() + 10 * MINUTE)}}))
        .await;
    // Counts are public while the results are (issue 15).
    set_results(&c, &contest, "live").await;
    let an = c.entrant("an").await;
    let binh = c.entrant("binh").await;
    let chi = c.entrant("chi").await;
    let entry = c.approved_entry(&an, &contest).await;
    assert_eq!(c.app.vote(&binh, &entry).await.code(), "voting_closed");
    c.app.clock.advance_ms(2 * MINUTE);
    assert_eq!(c.app.vote(&an, &entry).await.status, 403);
    let first = c.app.vote(&binh, &entry).await;
    assert_eq!(first.status, 200, "{}", first.text);
    assert_eq!(first.body["votes"], 1);
    assert_eq!(c.app.vote(&binh, &entry).await.body["votes"], 1);
    // Concurrent double clicks count once.
    let (x, y) = futures::join!(c.app.vote(&chi, &entry), c.app.vote(&chi, &entry));
    assert_eq!((x.status, y.status), (200, 200));
    let entry_view = c.app.entry(Anonymous, &entry).await;
    assert_eq!(entry_view.body["votes"], 2);
    let withdrawn = c.app.withdraw_vote(&chi, &entry).await;
    assert_eq!(withdrawn.body["votes"], 1);
    assert_eq!(withdrawn.body["voted"], false);
    // Unapproved entries take no votes; anonymous callers cannot vote.
    let draft = c.entry(&binh, &contest).await;
    assert_eq!(c.app.vote(&chi, &draft).await.status, 404);
    assert_eq!(c.app.vote(Anonymous, &entry).await.status, 401);
    c.app.clock.advance_ms(10 * MINUTE);
    assert_eq!(c.app.vote(&chi, &entry).await.code(), "voting_closed");
    // The counts come from the vote table.
    assert_eq!(c.votes_in_table(&entry).await, 1);
}

fn canonical(value: &Value) -> String {
    civiquiz::boards::publication::canonical_json(value)
}

#[tokio::test]
async fn results_go_hidden_live_frozen_published() {
    let c = Setup::spawn().await;
    let contest = c.contest_with(json!({"judges_per_entry": 1})).await;
    let judge = c.judge("gk.nhat").await;
    c.add_judge(&contest, &judge).await;
    let an = c.entrant("an").await;
    let binh = c.entrant("binh").await;
    let voter = c.entrant("voter").await;
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
    let set = |state: &'static str| c.app.set_results_state(&c.organizer, &contest, state);

    let hidden = c.app.contest_board(Anonymous, &contest).await;
    assert_eq!(hidden.body["state"], "hidden");
    assert_eq!(hidden.body["items"], json!([]));
    let organizer_view = c.app.contest_board(&c.organizer, &contest).await;
    assert_eq!(
        organizer_view.body["items"]
            .as_array()
            .expect("present")
            .len(),
        2
    );
    assert_eq!(
        c.app.set_results_state(&an, &contest, "live").await.status,
        403
    );

    assert_eq!(set("live").await.status, 200);
    let live = c.app.contest_board(Anonymous, &contest).await;
    assert_eq!(live.body["items"][0]["entry_id"], b.as_str());
    assert_eq!(live.body["items"][0]["title"], "Bài dự thi");
    assert_eq!(live.body["items"][0]["votes"], 0);

    let frozen = set("frozen").await;
    assert_eq!(frozen.status, 200);
    // After the freeze: a vote changes the live board only.
    c.app.vote(&voter, &a).await;
    let public = c.app.contest_board(Anonymous, &contest).await;
    assert_eq!(public.body["state"], "frozen");
    assert!(public.body["frozen_at"].is_string());
    assert_eq!(public.body["items"][1]["votes"], 0, "{}", public.text);
    let organizer_view = c.app.contest_board(&c.organizer, &contest).await;
    assert_eq!(organizer_view.body["items"][1]["votes"], 1);
    // Scores are locked while frozen.
    let late = c
        .app
        .score_entry(&judge, &a, &json!({"scores": {"content": 10, "voice": 5}}))
        .await;
    assert_eq!(late.status, 409);

    let published = set("published").await;
    assert_eq!(published.status, 200, "{}", published.text);
    let snapshot = c.app.published_contest_board(Anonymous, &contest).await;
    assert_eq!(snapshot.status, 200);
    let sha = snapshot.body["sha256"].as_str().expect("sha");
    assert_eq!(
        sha,
        sha256_hex(canonical(&snapshot.body["items"]).as_bytes())
    );
    assert_eq!(snapshot.body["items"][1]["votes"], 1);
    let public = c.app.contest_board(Anonymous, &contest).await;
    assert_eq!(public.body["state"], "published");
    assert_eq!(public.body["sha256"], sha);
    // Immutable: no state change, no new votes in it.
    for state in ["live", "hidden", "frozen", "published"] {
        assert_eq!(set(state).await.status, 409, "{state}");
    }
    c.app.vote(&voter, &b).await;
    let again = c.app.published_contest_board(Anonymous, &contest).await;
    assert_eq!(again.body, snapshot.body);
}

// ---- Votes and results on the contest's board (Leaderboards interface) ----

/// The judge's scores, which must be taken.
async fn score(c: &Setup, judge: &Session, entry: &str, content: i64, voice: i64) {
    let scored = c
        .app
        .score_entry(
            judge,
            entry,
            &json!({"scores": {"content": content, "voice": voice}}),
        )
        .await;
    assert_eq!(scored.status, 200, "{}", scored.text);
}

/// `n` adult participants who vote.
async fn voters(c: &Setup, n: usize) -> Vec<Session> {
    let names: Vec<String> = (0..n).map(|i| format!("khan.gia{i}")).collect();
    futures::future::join_all(names.iter().map(|name| c.entrant(name))).await
}

async fn set_results(c: &Setup, contest: &str, state: &str) {
    let changed = c.app.set_results_state(&c.organizer, contest, state).await;
    assert_eq!(changed.status, 200, "{}", changed.text);
}

/// The organizer's view of the live board.
async fn live_board(c: &Setup, contest: &str) -> Value {
    let board = c.app.contest_board(&c.organizer, contest).await;
    assert_eq!(board.status, 200, "{}", board.text);
    board.body
}

/// `(entry id, rank, score, votes)` of each line of a board.
fn lines(board: &Value) -> Vec<(String, Value, Value, i64)> {
    board["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| {
            (
                item["entry_id"].as_str().expect("entry").to_owned(),
                item["rank"].clone(),
                item["score"].clone(),
                item["votes"].as_i64().expect("votes"),
            )
        })
        .collect()
}

/// Every count the API shows for `entry` (its own view, the gallery, the board) equals the
/// vote table.
async fn assert_counts_match_the_table(c: &Setup, contest: &str, entry: &str) -> i64 {
    let expected = c.votes_in_table(entry).await;
    let view = c.app.entry(Anonymous, entry).await;
    assert_eq!(view.body["votes"], expected, "entry view");
    let gallery = c.app.contest_entries(Anonymous, contest, "").await;
    let listed = gallery.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|item| item["id"] == entry)
        .cloned()
        .expect("in the gallery");
    assert_eq!(listed["votes"], expected, "gallery");
    let board = live_board(c, contest).await;
    let line = lines(&board)
        .into_iter()
        .find(|line| line.0 == entry)
        .expect("on the board");
    assert_eq!(line.3, expected, "board");
    expected
}

#[tokio::test]
async fn twenty_voters_at_once_make_twenty_votes() {
    let c = Setup::spawn().await;
    let contest = c.contest().await;
    // Counts are public while the results are (issue 15).
    set_results(&c, &contest, "live").await;
    let an = c.entrant("an").await;
    let entry = c.approved_entry(&an, &contest).await;
    let voters = voters(&c, 20).await;
    let results = futures::future::join_all(voters.iter().map(|v| c.app.vote(v, &entry))).await;
    assert!(
        results.iter().all(|r| r.status == 200),
        "{:?}",
        results.iter().map(|r| &r.text).collect::<Vec<_>>()
    );
    assert_eq!(
        assert_counts_match_the_table(&c, &contest, &entry).await,
        20
    );
}

#[tokio::test]
async fn one_voter_clicking_many_times_at_once_counts_once() {
    let c = Setup::spawn().await;
    let contest = c.contest().await;
    // Counts are public while the results are (issue 15).
    set_results(&c, &contest, "live").await;
    let an = c.entrant("an").await;
    let binh = c.entrant("binh").await;
    let entry = c.approved_entry(&an, &contest).await;
    let clicks = futures::future::join_all((0..10).map(|_| c.app.vote(&binh, &entry))).await;
    assert!(clicks.iter().all(|r| r.status == 200));
    assert_eq!(assert_counts_match_the_table(&c, &contest, &entry).await, 1);
    let undone =
        futures::future::join_all((0..10).map(|_| c.app.withdraw_vote(&binh, &entry))).await;
    assert!(undone.iter().all(|r| r.status == 200));
    assert_eq!(assert_counts_match_the_table(&c, &contest, &entry).await, 0);
}

#[tokio::test]
async fn vote_and_unvote_races_end_equal_to_the_vote_table() {
    let c = Setup::spawn().await;
    let contest = c.contest().await;
    // Counts are public while the results are (issue 15).
    set_results(&c, &contest, "live").await;
    let an = c.entrant("an").await;
    let binh = c.entrant("binh").await;
    let entries = [
        c.approved_entry(&an, &contest).await,
        c.approved_entry(&binh, &contest).await,
    ];
    let voters = voters(&c, 8).await;
    // Every voter casts and withdraws on both entries, all at once, in orders that differ.
    let c = &c;
    let mut requests = Vec::new();
    for (v, voter) in voters.iter().enumerate() {
        for entry in &entries {
            for step in 0..(5 + v % 3) {
                requests.push(async move {
                    if step % 2 == 0 {
                        c.app.vote(voter, entry).await
                    } else {
                        c.app.withdraw_vote(voter, entry).await
                    }
                });
            }
        }
    }
    let results = futures::future::join_all(requests).await;
    assert!(results.iter().all(|r| r.status == 200));
    for entry in &entries {
        assert_counts_match_the_table(c, &contest, entry).await;
    }
}

#[tokio::test]
async fn a_lost_board_comes_back_from_the_database() {
    let c = Setup::spawn().await;
    let contest = c.contest_with(json!({"judges_per_entry": 1})).await;
    // Counts are public while the results are (issue 15).
    set_results(&c, &contest, "live").await;
    let judge = c.judge("gk.nhat").await;
    c.add_judge(&contest, &judge).await;
    let an = c.entrant("an").await;
    let binh = c.entrant("binh").await;
    let (a, b) = (
        c.approved_entry(&an, &contest).await,
        c.approved_entry(&binh, &contest).await,
    );
    score(&c, &judge, &a, 6, 5).await;
    score(&c, &judge, &b, 9, 5).await;
    let voters = voters(&c, 3).await;
    for voter in &voters {
        c.app.vote(voter, &a).await;
    }
    c.app.vote(&voters[0], &b).await;
    let before = live_board(&c, &contest).await;
    assert_eq!(before["items"][0]["entry_id"], b.as_str());
    assert_eq!(before["items"][0]["votes"], 1);
    assert_eq!(before["items"][1]["votes"], 3);

    // Redis flushed (or the process restarted): the next reader rebuilds it, the same.
    c.lose_contest_board(&contest).await;
    assert_eq!(live_board(&c, &contest).await, before);
    // Lost again: a vote finds no board, and the rebuild includes it.
    c.lose_contest_board(&contest).await;
    assert_eq!(c.app.vote(&voters[1], &b).await.body["votes"], 2);
    assert_counts_match_the_table(&c, &contest, &a).await;
    assert_counts_match_the_table(&c, &contest, &b).await;
    // And once more, read first through the entry view.
    c.lose_contest_board(&contest).await;
    assert_eq!(assert_counts_match_the_table(&c, &contest, &a).await, 3);

    // A board marked stale (an update to it failed) is rebuilt on its next read, whatever
    // it holds.
    use civiquiz::boards::contest_line::ContestLine;
    let bogus = ContestLine {
        entry_id: a.clone(),
        rev: i64::MAX / 2,
        votes: 99,
        placed: None,
    };
    let board = civiquiz::boards::contest_board::ContestBoard::of(&contest);
    c.app.state.boards.put(&board, &bogus).await.expect("put");
    c.app
        .state
        .boards
        .mark_stale(&board)
        .await
        .expect("mark stale");
    assert_eq!(assert_counts_match_the_table(&c, &contest, &a).await, 3);
    let stale: i64 = sqlx::query_scalar("SELECT stale FROM board_marks WHERE board = $1")
        .bind(format!("{{contest:{contest}}}"))
        .fetch_one(&c.app.state.db.pool)
        .await
        .expect("stale mark");
    assert_eq!(stale, 0);
}

#[tokio::test]
async fn scores_votes_and_moderation_move_the_standings() {
    let c = Setup::spawn().await;
    let contest = c.contest_with(json!({"judges_per_entry": 1})).await;
    let judge = c.judge("gk.nhat").await;
    c.add_judge(&contest, &judge).await;
    let (an, binh, chi) = (
        c.entrant("an").await,
        c.entrant("binh").await,
        c.entrant("chi").await,
    );
    let voter = c.entrant("khan.gia").await;
    // `late` is created first (the lower id) but submitted last.
    let late = c.entry(&chi, &contest).await;
    c.upload_fixture(&chi, &late, "webm_opus_mediarecorder.webm")
        .await;
    let a = c.approved_entry(&an, &contest).await;
    c.app.clock.advance_ms(1_000);
    let b = c.approved_entry(&binh, &contest).await;
    c.app.clock.advance_ms(1_000);
    assert_eq!(c.app.submit_entry(&chi, &late).await.status, 200);
    assert_eq!(c.moderate(&late, "approve", "").await.status, 200);

    // Nobody scored: all unranked, by submission.
    let board = live_board(&c, &contest).await;
    assert_eq!(
        lines(&board),
        vec![
            (a.clone(), Value::Null, Value::Null, 0),
            (b.clone(), Value::Null, Value::Null, 0),
            (late.clone(), Value::Null, Value::Null, 0),
        ]
    );
    // A score ranks an entry; (3·0.6 + 1)/4 = 70 %.
    score(&c, &judge, &b, 6, 5).await;
    let board = live_board(&c, &contest).await;
    assert_eq!(lines(&board)[0], (b.clone(), json!(1), json!(70.0), 0));
    // Equal scores: the earlier submission first, whatever the ids say.
    score(&c, &judge, &late, 10, 5).await;
    score(&c, &judge, &a, 10, 5).await;
    let order: Vec<String> = lines(&live_board(&c, &contest).await)
        .into_iter()
        .map(|l| l.0)
        .collect();
    assert_eq!(order, vec![a.clone(), late.clone(), b.clone()]);
    // ... then votes before submission time.
    c.app.vote(&voter, &late).await;
    let board = live_board(&c, &contest).await;
    assert_eq!(lines(&board)[0], (late.clone(), json!(1), json!(100.0), 1));
    assert_eq!(lines(&board)[1], (a.clone(), json!(2), json!(100.0), 0));
    // A changed score moves the entry: level with `b` now, ahead of it by its vote.
    score(&c, &judge, &late, 6, 5).await;
    let order: Vec<String> = lines(&live_board(&c, &contest).await)
        .into_iter()
        .map(|l| l.0)
        .collect();
    assert_eq!(order, vec![a.clone(), late.clone(), b.clone()]);
    // Moderation takes entries off the board and puts them back, votes and scores kept.
    assert_eq!(c.moderate(&a, "reject", "Sai chủ đề").await.status, 200);
    assert_eq!(c.moderate(&b, "disqualify", "Gian lận").await.status, 200);
    let board = live_board(&c, &contest).await;
    assert_eq!(
        lines(&board),
        vec![(late.clone(), json!(1), json!(70.0), 1)]
    );
    assert_eq!(board["total"], 1);
    assert_eq!(c.moderate(&a, "approve", "").await.status, 200);
    let board = live_board(&c, &contest).await;
    assert_eq!(
        lines(&board),
        vec![
            (a.clone(), json!(1), json!(100.0), 0),
            (late.clone(), json!(2), json!(70.0), 1),
        ]
    );
    // The snapshot taken from the database agrees with the board.
    let frozen = c
        .app
        .set_results_state(&c.organizer, &contest, "frozen")
        .await;
    assert_eq!(frozen.status, 200);
    let public = c.app.contest_board(Anonymous, &contest).await;
    let mut unnamed = board["items"].clone();
    for item in unnamed.as_array_mut().expect("items") {
        item.as_object_mut().expect("line").remove("display_name");
    }
    assert_eq!(public.body["items"], unnamed);
}

#[tokio::test]
async fn the_results_stream_follows_votes_scores_and_states() {
    use common::sse::{event_within, wait_for_event};
    use std::time::Duration;
    let c = Setup::spawn().await;
    let contest = c.contest_with(json!({"judges_per_entry": 1})).await;
    let judge = c.judge("gk.nhat").await;
    c.add_judge(&contest, &judge).await;
    let an = c.entrant("an").await;
    let (v1, v2) = (c.entrant("khan.gia1").await, c.entrant("khan.gia2").await);
    let a = c.approved_entry(&an, &contest).await;
    let quiet = Duration::from_millis(1_200);

    // Hidden: the public is told so and shown nothing; organizers see the live standings.
    let mut public = c.app.contest_board_stream(Anonymous, &contest, None).await;
    let (_, first) = wait_for_event(&mut public, |_| true).await;
    assert_eq!(first["state"], "hidden");
    assert_eq!(first["items"], json!([]));
    let mut organizer = c
        .app
        .contest_board_stream(&c.organizer, &contest, None)
        .await;
    let (_, first) = wait_for_event(&mut organizer, |_| true).await;
    assert_eq!(first["items"][0]["entry_id"], a.as_str());
    assert_eq!(first["items"][0]["votes"], 0);

    // A vote: an event for organizers; nothing new for the public while hidden.
    c.app.vote(&v1, &a).await;
    wait_for_event(&mut organizer, |v| v["items"][0]["votes"] == 1).await;
    assert!(event_within(&mut public, quiet, |_| true).await.is_none());

    // Live: the public sees the standings, then each score and vote.
    set_results(&c, &contest, "live").await;
    wait_for_event(&mut public, |v| {
        v["state"] == "live" && v["items"][0]["votes"] == 1
    })
    .await;
    score(&c, &judge, &a, 10, 5).await;
    let (seen, scored) = wait_for_event(&mut public, |v| v["items"][0]["score"] == 100.0).await;
    assert_eq!(scored["items"][0]["rank"], 1);
    assert_eq!(scored["total"], 1);

    // Resuming with the last id seen: nothing until the standings change; an old id gets the
    // current standings at once.
    let mut resumed = c
        .app
        .contest_board_stream(Anonymous, &contest, Some(&seen))
        .await;
    assert!(event_within(&mut resumed, quiet, |_| true).await.is_none());
    let mut behind = c
        .app
        .contest_board_stream(Anonymous, &contest, Some("0123456789abcdef01234567"))
        .await;
    wait_for_event(&mut behind, |v| v["items"][0]["score"] == 100.0).await;

    // Frozen: the public keeps the freeze-time standings; organizers still see votes.
    set_results(&c, &contest, "frozen").await;
    let (_, frozen) = wait_for_event(&mut public, |v| v["state"] == "frozen").await;
    assert_eq!(frozen["items"][0]["votes"], 1);
    c.app.vote(&v2, &a).await;
    wait_for_event(&mut organizer, |v| v["items"][0]["votes"] == 2).await;
    assert!(event_within(&mut public, quiet, |_| true).await.is_none());

    // Published: the snapshot, with its hash.
    set_results(&c, &contest, "published").await;
    let (_, published) = wait_for_event(&mut public, |v| v["state"] == "published").await;
    assert!(published["sha256"].is_string());
    assert_eq!(published["items"][0]["votes"], 2);

    // A plain GET: the stream of a contest that does not exist never opens.
    let missing = c
        .app
        .get(
            &path::contest_board_stream("00000000-0000-0000-0000-000000000000"),
            None,
        )
        .await;
    assert_eq!(missing.status, 404);
}

#[tokio::test]
async fn a_renamed_entrant_is_renamed_on_the_board() {
    let c = Setup::spawn().await;
    let contest = c.contest().await;
    let an = c.entrant("an").await;
    let entry = c.approved_entry(&an, &contest).await;
    assert_eq!(
        live_board(&c, &contest).await["items"][0]["display_name"],
        "Bạn an"
    );
    let renamed = c
        .app
        .update_user(
            &c.admin,
            &an.user_id,
            &json!({"display_name": "Nguyễn Thị An"}),
        )
        .await;
    assert_eq!(renamed.status, 200, "{}", renamed.text);
    let board = live_board(&c, &contest).await;
    assert_eq!(board["items"][0]["entry_id"], entry.as_str());
    assert_eq!(board["items"][0]["display_name"], "Nguyễn Thị An");
}

#[tokio::test]
async fn a_results_stream_on_one_process_hears_a_vote_cast_on_another() {
    if std::env::var("TEST_REDIS_URL").is_err() {
        eprintln!(
            "skipped: two processes share boards and live updates through Redis (TEST_REDIS_URL)"
        );
        return;
    }
    let c = Setup::spawn().await;
    let contest = c.contest().await;
    let an = c.entrant("an").await;
    let voter = c.entrant("khan.gia").await;
    let entry = c.approved_entry(&an, &contest).await;
    set_results(&c, &contest, "live").await;
    let dir = tempfile::tempdir().expect("dir");
    let other = common::TestApp::serve(c.app.config.clone(), dir).await;
    other.clock.set_ms(c.now());
    let mut stream = other.contest_board_stream(Anonymous, &contest, None).await;
    let (_, first) = common::sse::wait_for_event(&mut stream, |_| true).await;
    assert_eq!(first["items"][0]["votes"], 0);
    c.app.vote(&voter, &entry).await;
    let (_, update) =
        common::sse::wait_for_event(&mut stream, |v| v["items"][0]["votes"] == 1).await;
    assert_eq!(update["items"][0]["entry_id"], entry.as_str());
}
