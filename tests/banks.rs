mod common;

use std::path::PathBuf;

use common::fixture::Setup;
use serde_json::json;

const VALID: &str = include_str!("fixtures/banks/valid.toml");
const GIFT: &str = include_str!("fixtures/gift/all-constructs.gift");

fn shipped_banks() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("question-banks")
}

#[tokio::test]
async fn the_server_loads_the_shipped_banks_at_start() {
    let Setup { app, organizer, .. } =
        Setup::spawn_with(|config| config.banks_dir = Some(shipped_banks())).await;
    let banks = app.banks(&organizer).await;
    assert_eq!(banks.status, 200, "{}", banks.text);
    assert_eq!(banks.body["total"], 5);
    let items = banks.body["items"].as_array().expect("items");
    let total: u64 = items
        .iter()
        .map(|b| b["question_count"].as_u64().unwrap_or(0))
        .sum();
    assert!(total >= 300, "{total} questions");
    let safety = items
        .iter()
        .find(|b| b["slug"] == "an-toan-so")
        .expect("safety bank");
    assert_eq!(safety["title"]["vi"], "An toàn trên không gian số");
    for kind in ["single", "multiple", "true_false", "ordering", "short_text"] {
        assert!(safety["by_kind"][kind].as_u64().unwrap_or(0) > 0, "{kind}");
    }
    assert!(safety["by_competence"]["4.2"].as_u64().unwrap_or(0) > 0);
    assert!(safety["by_difficulty"]["3"].as_u64().unwrap_or(0) > 0);

    // A second start over the same database changes nothing.
    let again = civiquiz::app::AppState::connect(app.config.clone(), None)
        .await
        .expect("restart");
    let versions: i64 = sqlx::query_scalar("SELECT MAX(version) FROM questions")
        .fetch_one(&again.db.pool)
        .await
        .expect("versions");
    assert_eq!(versions, 1);
}

#[tokio::test]
async fn a_broken_bank_file_is_skipped_and_the_rest_load() {
    let folder = tempfile::tempdir().expect("temp dir");
    std::fs::write(folder.path().join("good.toml"), VALID).expect("write");
    std::fs::write(
        folder.path().join("broken.toml"),
        "slug = \"vo\"\n[[questions]\nid = ",
    )
    .expect("write");
    let path = folder.path().to_owned();
    let Setup { app, organizer, .. } =
        Setup::spawn_with(|config| config.banks_dir = Some(path)).await;
    let banks = app.banks(&organizer).await;
    assert_eq!(banks.body["total"], 1);
    assert_eq!(banks.body["items"][0]["question_count"], 5);
}

#[tokio::test]
async fn organizers_read_questions_with_keys_and_nobody_else_does() {
    let Setup { app, organizer, .. } = Setup::spawn().await;
    let imported = app
        .import_bank(&organizer, "", "application/toml", VALID)
        .await;
    assert_eq!(imported.status, 200, "{}", imported.text);

    let page = app
        .bank_questions(&organizer, "an-toan-so", "?limit=2&offset=0")
        .await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert_eq!(page.body["total"], 5);
    let items = page.body["items"].as_array().expect("items");
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["id"], "as-001");
    assert_eq!(items[0]["answer"], "b");
    assert_eq!(items[0]["version"], 1);
    assert_eq!(
        items[0]["options"][1]["text"]["vi"],
        "Không cung cấp mã, cúp máy và gọi lại tổng đài chính thức của ngân hàng"
    );
    assert!(items[0]["explanation"]["en"].is_string());
    assert_eq!(items[1]["answer"], json!(["a", "b", "d"]));

    let bad_page = app
        .bank_questions(&organizer, "an-toan-so", "?limit=500")
        .await;
    assert_eq!(bad_page.status, 422);
    let missing = app.bank_questions(&organizer, "khong-co", "").await;
    assert_eq!(missing.status, 404);

    let participant = app.register("hoc.sinh.to.mo").await;
    for (what, response) in [
        ("banks", app.banks(&participant).await),
        (
            "questions",
            app.bank_questions(&participant, "an-toan-so", "").await,
        ),
    ] {
        assert_eq!(response.status, 403, "{what}");
        assert!(!response.text.contains("as-001"));
    }
    let denied = app
        .import_bank(&participant, "", "application/toml", VALID)
        .await;
    assert_eq!(denied.status, 403);
}

#[tokio::test]
async fn reimporting_versions_only_what_changed() {
    let Setup { app, organizer, .. } = Setup::spawn().await;
    let first = app
        .import_bank(&organizer, "", "application/toml", VALID)
        .await;
    assert_eq!(first.body["created"], 5, "{}", first.text);
    let same = app
        .import_bank(&organizer, "", "application/toml", VALID)
        .await;
    assert_eq!(
        (
            same.body["created"].as_u64(),
            same.body["unchanged"].as_u64()
        ),
        (Some(0), Some(5))
    );

    let edited = VALID.replacen("answer = \"b\"", "answer = \"a\"", 1);
    let changed = app
        .import_bank(&organizer, "", "application/toml", edited)
        .await;
    assert_eq!(changed.body["updated"], 1, "{}", changed.text);
    assert_eq!(changed.body["unchanged"], 4);
    let page = app.bank_questions(&organizer, "an-toan-so", "").await;
    let first_question = &page.body["items"][0];
    assert_eq!(first_question["version"], 2);
    assert_eq!(first_question["answer"], "a");
    // The old version stays for the attempts that served it.
    let old = civiquiz::banks::store::load_version(&app.state.db.pool, "an-toan-so", "as-001", 1)
        .await
        .expect("version 1");
    assert_eq!(old.api_answer(), json!("b"));
}

#[tokio::test]
async fn a_bad_bank_file_is_refused_whole_with_lines() {
    let Setup { app, organizer, .. } = Setup::spawn().await;
    let broken = VALID
        .replacen("competence = \"4.2\"", "competence = \"9.9\"", 1)
        .replacen(
            "answer = [\"a\", \"b\", \"d\"]",
            "answer = [\"a\", \"z\"]",
            1,
        );
    let response = app
        .import_bank(&organizer, "", "application/toml", broken)
        .await;
    assert_eq!(response.status, 422, "{}", response.text);
    let errors = response.body["error"]["details"]["errors"]
        .as_array()
        .expect("errors");
    assert!(errors.len() >= 2, "{errors:?}");
    assert!(errors.iter().all(|e| e["line"].as_u64().unwrap_or(0) > 0));
    assert!(errors.iter().any(|e| e["question_id"] == "as-001"));
    assert!(errors.iter().any(|e| e["question_id"] == "as-002"));
    let banks = app.banks(&organizer).await;
    assert_eq!(banks.body["total"], 0, "nothing was written");
}

#[tokio::test]
async fn gift_imports_refuse_unsupported_kinds_unless_told_to_skip() {
    let Setup { app, organizer, .. } = Setup::spawn().await;
    let strict = app
        .import_bank(
            &organizer,
            "?format=gift&slug=tu-moodle",
            "text/plain",
            GIFT,
        )
        .await;
    assert_eq!(strict.status, 422, "{}", strict.text);
    let errors = strict.body["error"]["details"]["errors"]
        .as_array()
        .expect("errors");
    assert_eq!(errors.len(), 4, "{errors:?}");
    let banks = app.banks(&organizer).await;
    assert_eq!(banks.body["total"], 0, "nothing was written");

    let no_slug = app
        .import_bank(&organizer, "?format=gift", "text/plain", GIFT)
        .await;
    assert_eq!(no_slug.status, 422);
    assert!(no_slug.body["error"]["details"]["fields"]["slug"].is_string());

    let skipping = app.import_bank(
        &organizer,
        "?format=gift&slug=tu-moodle&title=T%E1%BB%AB%20Moodle&competence=2.5&skip_unsupported=true",
        "text/plain",
        GIFT,
    )
    .await;
    assert_eq!(skipping.status, 200, "{}", skipping.text);
    assert_eq!(skipping.body["created"], 13);
    assert_eq!(skipping.body["skipped"].as_array().map(Vec::len), Some(4));
    let banks = app.banks(&organizer).await;
    assert_eq!(banks.body["items"][0]["title"]["vi"], "Từ Moodle");
    assert_eq!(banks.body["items"][0]["question_count"], 13);
}

#[tokio::test]
async fn banks_check_rejects_every_bad_fixture_and_accepts_the_shipped_banks() {
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/banks");
    for entry in std::fs::read_dir(&fixtures).expect("fixtures") {
        let path = entry.expect("entry").path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_owned();
        if !name.ends_with(".toml") {
            continue;
        }
        let (_, problems) = civiquiz::banks::check_paths(std::slice::from_ref(&path));
        assert_eq!(
            name.starts_with("bad-"),
            !problems.is_empty(),
            "{name}: {problems:?}"
        );
    }
    let (banks, problems) = civiquiz::banks::check_paths(&[shipped_banks()]);
    assert!(problems.is_empty(), "{problems:?}");
    let coverage =
        civiquiz::banks::Coverage::of(&banks.into_iter().map(|(_, b)| b).collect::<Vec<_>>());
    assert!(coverage.questions >= 300);
    for area in 0..5 {
        assert!(
            coverage.by_area_and_kind[area].iter().sum::<usize>() >= 40,
            "area {}",
            area + 1
        );
    }
    for kind in [
        civiquiz::banks::Kind::Multiple,
        civiquiz::banks::Kind::Ordering,
        civiquiz::banks::Kind::ShortText,
    ] {
        assert!(
            coverage.by_kind.get(&kind).copied().unwrap_or(0) >= 25,
            "{kind:?}"
        );
    }
    assert!(coverage.by_difficulty.iter().all(|&n| n >= 60));
}
