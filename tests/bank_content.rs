//! The shipped banks as content: re-based on the law in force in 2026, no question twice across
//! banks, the short answers people really type, and past attempts untouched by the re-basing.

mod common;

use std::path::PathBuf;

use civiquiz::banks::{Bank, Question, check_paths};
use civiquiz::clock::Clock;
use civiquiz::quizzes::grading::grade;
use common::fixture::{BANK, MINUTE, Setup, at};
use serde_json::json;

fn shipped() -> Vec<Bank> {
    let folder = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("question-banks");
    let (banks, problems) = check_paths(&[folder]);
    assert!(problems.is_empty(), "{problems:?}");
    banks.into_iter().map(|(_, bank)| bank).collect()
}

fn question<'a>(banks: &'a [Bank], id: &str) -> &'a Question {
    banks
        .iter()
        .flat_map(|bank| &bank.questions)
        .find(|q| q.id == id)
        .unwrap_or_else(|| panic!("no question {id}"))
}

/// Every text a participant reads: prompt, options and explanation, in both languages.
fn texts(question: &Question) -> Vec<&str> {
    let mut all = vec![question.prompt.vi.as_str()];
    all.extend(question.prompt.en.as_deref());
    for choice in &question.options {
        all.push(&choice.text.vi);
        all.extend(choice.text.en.as_deref());
    }
    if let Some(explanation) = &question.explanation {
        all.push(&explanation.vi);
        all.extend(explanation.en.as_deref());
    }
    all
}

#[test]
fn no_question_teaches_a_replaced_law_as_in_force() {
    // Decree 13/2023 gave way to Law 91/2025/QH15 on 1 January 2026, the 2018 Cybersecurity
    // Law (24/2018/QH14) to Law 116/2025/QH15 on 1 July 2026: naming them is fine only as
    // what was replaced.
    let replaced = [
        "13/2023",
        "nghị định 13",
        "decree 13",
        "24/2018",
        "an ninh mạng 2018",
        "an ninh mạng năm 2018",
        "2018 cybersecurity",
        "cybersecurity law of 2018",
    ];
    let mut offending = Vec::new();
    for bank in shipped() {
        for question in &bank.questions {
            for text in texts(question) {
                let lower = text.to_lowercase();
                if replaced.iter().any(|old| lower.contains(old))
                    && !(lower.contains("thay thế") || lower.contains("replac"))
                {
                    offending.push(format!("{}: {text}", question.id));
                }
                if question.tags.iter().any(|tag| tag == "decree-13") {
                    offending.push(format!("{}: tag decree-13", question.id));
                }
            }
        }
    }
    assert!(offending.is_empty(), "{offending:#?}");
}

#[test]
fn the_spam_hotline_question_accepts_both_numbers() {
    let banks = shipped();
    let hotline = question(&banks, "at-025");
    for typed in ["156", "5656", " 156 "] {
        assert!(grade(hotline, Some(&json!(typed))).correct, "{typed}");
    }
    assert!(!grade(hotline, Some(&json!("113"))).correct);
}

#[test]
fn the_banks_follow_digcomp_3_and_say_so() {
    let banks = shipped();
    let framework = question(&banks, "gq-066");
    assert!(
        texts(framework).iter().any(|text| text.contains("3.0")),
        "gq-066 names DigComp 3.0"
    );
    let readme = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("question-banks/README.md"),
    )
    .expect("README");
    assert!(readme.contains("DigComp 3.0") && readme.contains("91/2025/QH15"));
}

/// A bank written to `dir` from the fixture bank with `edit` applied.
fn variant(dir: &std::path::Path, name: &str, edit: impl Fn(String) -> String) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, edit(BANK.to_owned())).expect("write bank");
    path
}

#[test]
fn banks_check_refuses_a_question_another_bank_already_has() {
    let dir = tempfile::tempdir().expect("temp dir");
    let original = variant(dir.path(), "a.toml", |bank| bank);
    let rename = |bank: String| bank.replacen("slug = \"an-toan-so\"", "slug = \"ban-sao\"", 1);

    // The same prompts under another slug.
    let copy = variant(dir.path(), "b.toml", rename);
    let (_, problems) = check_paths(&[original.clone(), copy]);
    let repeats: Vec<_> = problems
        .iter()
        .filter(|(_, p)| p.message.contains("repeats `an-toan-so:"))
        .collect();
    assert_eq!(repeats.len(), 5, "every question of the copy: {problems:?}");
    assert!(repeats.iter().all(|(_, p)| p.line > 0), "with its line");

    // New prompts, but the same options and key (options reordered): still the same question.
    let reworded = variant(dir.path(), "c.toml", |bank| {
        rename(bank)
            .replace("prompt = { vi = \"", "prompt = { vi = \"Câu hỏi khác: ")
            .replace(
                "{ id = \"a\", vi = \"Đọc mã OTP",
                "{ id = \"z\", vi = \"Đọc mã OTP",
            )
    });
    let (_, problems) = check_paths(&[original.clone(), reworded]);
    assert!(
        problems
            .iter()
            .any(|(_, p)| p.message.contains("the same options and key")),
        "{problems:?}"
    );

    // Checked alone, each bank is fine, and so is the shipped set as a whole.
    let (_, alone) = check_paths(&[original]);
    assert!(alone.is_empty(), "{alone:?}");
    shipped();
}

#[tokio::test]
async fn an_attempt_made_before_the_rebase_keeps_its_text_and_the_changed_question_a_new_version() {
    let Setup { app, organizer, .. } = Setup::spawn().await;
    let old_bank = include_str!("fixtures/rebase/an-toan-so-2025.toml");
    let imported = app
        .import_bank(&organizer, "", "application/toml", old_bank)
        .await;
    assert_eq!(imported.status, 200, "{}", imported.text);
    let now = app.clock.now_ms();
    let quiz = app
        .create_quiz(
            &organizer,
            &json!({"title": "Dữ liệu trẻ em", "opens_at": at(now - MINUTE), "closes_at": at(now + 60 * MINUTE),
                    "time_limit_s": 600, "max_attempts": 1, "rules": [{"bank": "an-toan-so", "count": 1}],
                    "review": "after_submit", "ranking": "best"}),
        )
        .await;
    let quiz_id = quiz.body["id"].as_str().expect("quiz id").to_owned();
    let published = app.publish_quiz(&organizer, &quiz_id).await;
    assert_eq!(published.status, 200, "{}", published.text);
    let student = app.register("hs.truoc").await;
    let started = app.start_attempt(&student, &quiz_id).await;
    assert_eq!(started.status, 201, "{}", started.text);
    let attempt = started.body["id"].as_str().expect("attempt").to_owned();
    let old_prompt = started.body["questions"][0]["prompt"]["vi"]
        .as_str()
        .expect("prompt")
        .to_owned();
    assert!(old_prompt.contains("Nghị định 13/2023"), "{old_prompt}");

    // The re-based bank arrives while the attempt is open.
    let rebased = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("question-banks/an-toan-so.toml"),
    )
    .expect("shipped bank");
    let updated = app
        .import_bank(&organizer, "", "application/toml", rebased)
        .await;
    assert_eq!(updated.status, 200, "{}", updated.text);
    assert_eq!(updated.body["updated"], 1, "{}", updated.text);
    let questions = app
        .bank_questions(&organizer, "an-toan-so", "?limit=200")
        .await;
    let current = questions.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|q| q["id"] == "at-032")
        .expect("at-032")
        .clone();
    assert_eq!(current["version"], 2);
    assert!(
        !current["prompt"]["vi"]
            .as_str()
            .unwrap_or("")
            .contains("Nghị định 13/2023")
    );

    let view = app.attempt(&student, &attempt).await;
    assert_eq!(
        view.body["questions"][0]["prompt"]["vi"],
        old_prompt.as_str()
    );
    let submitted = app
        .submit_attempt_with(
            &student,
            &attempt,
            &json!({"answers": {view.body["questions"][0]["id"].as_str().expect("id"): "c"}}),
        )
        .await;
    assert_eq!(submitted.status, 200, "{}", submitted.text);
    assert_eq!(
        submitted.body["score"], 1.0,
        "graded on the version it showed"
    );
    let review = app.attempt_review(&student, &attempt).await;
    assert_eq!(
        review.body["questions"][0]["prompt"]["vi"],
        old_prompt.as_str()
    );
}
