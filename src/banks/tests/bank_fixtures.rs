//! One fixture per checker rule. Each `bad-*.toml` marks the lines that must be reported with
//! `# expect: [question-id] part of the message` comments; a fixture passes when every
//! expectation is met by a problem on that line and no other problem is reported.

use std::path::{Path, PathBuf};

use crate::banks::check::{check_file, check_paths, check_paths_with};
use crate::banks::format::{Answer, Kind, Problem, Strictness, parse_bank, to_toml};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/banks");
const VALID: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/banks/valid.toml"
));

#[derive(Debug)]
struct Expectation {
    line: usize,
    question_id: Option<String>,
    message_part: String,
}

fn expectations(src: &str) -> Vec<Expectation> {
    let mut found = Vec::new();
    for (index, text) in src.lines().enumerate() {
        for marker in text.split("# expect:").skip(1) {
            let marker = marker.trim();
            let (question_id, message_part) = match marker.strip_prefix('[') {
                Some(rest) => match rest.split_once("] ") {
                    Some((id, message)) => (Some(id.to_owned()), message.trim().to_owned()),
                    None => (None, marker.to_owned()),
                },
                None => (None, marker.to_owned()),
            };
            found.push(Expectation {
                line: index + 1,
                question_id,
                message_part,
            });
        }
    }
    found
}

fn meets(problem: &Problem, expectation: &Expectation) -> bool {
    problem.line == expectation.line
        && problem.question_id == expectation.question_id
        && problem.message.contains(&expectation.message_part)
}

fn assert_fixture(name: &str) {
    let path = Path::new(FIXTURES).join(name);
    let src = std::fs::read_to_string(&path).unwrap_or_default();
    let expected = expectations(&src);
    assert!(!expected.is_empty(), "{name} marks no expected problem");
    let problems = match check_file(&path, Strictness::Shipped) {
        Ok(_) => panic!("{name} was accepted"),
        Err(problems) => problems,
    };
    let rendered: Vec<String> = problems.iter().map(ToString::to_string).collect();
    for expectation in &expected {
        assert!(
            problems.iter().any(|problem| meets(problem, expectation)),
            "{name}: nothing reported for {expectation:?}; got {rendered:#?}"
        );
    }
    for problem in &problems {
        assert!(
            expected
                .iter()
                .any(|expectation| meets(problem, expectation)),
            "{name}: unexpected problem `{problem}`"
        );
    }
}

#[test]
fn the_example_bank_is_valid_and_has_every_kind() {
    let bank = match parse_bank(VALID, Strictness::Shipped) {
        Ok(bank) => bank,
        Err(problems) => panic!("{problems:#?}"),
    };
    assert_eq!(bank.slug, "an-toan-so");
    assert_eq!(bank.version, 3);
    for kind in Kind::ALL {
        assert!(bank.questions.iter().any(|q| q.kind == kind), "no {kind}");
    }
    let single = &bank.questions[0];
    assert_eq!(single.answer, Answer::Options(vec!["b".into()]));
    assert_eq!(single.options.len(), 4);
    // `points` is optional and defaults to 1.
    assert_eq!(bank.questions[2].points, 1);
    assert_eq!(bank.questions[2].answer, Answer::Bool(false));
}

#[test]
fn the_example_bank_round_trips_through_toml() {
    let bank = parse_bank(VALID, Strictness::Shipped);
    let again = bank
        .as_ref()
        .map(|bank| parse_bank(&to_toml(bank), Strictness::Shipped));
    assert!(matches!((&bank, &again), (Ok(b), Ok(Ok(a))) if a == b));
}

#[test]
fn imported_banks_need_only_vietnamese() {
    let src = r#"
slug = "nhap"
version = 1
title = { vi = "Bộ câu hỏi nhập" }

[[questions]]
id = "n-001"
kind = "true_false"
competence = "2.5"
difficulty = 2
prompt = { vi = "Viết hoa toàn bộ tin nhắn bị xem là đang la hét." }
answer = true
"#;
    let imported = parse_bank(src, Strictness::Imported);
    assert!(
        imported
            .as_ref()
            .is_ok_and(|bank| bank.questions[0].explanation.is_none())
    );
    let problems = parse_bank(src, Strictness::Shipped)
        .err()
        .unwrap_or_default();
    let messages: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        messages,
        [
            "line 4: `title` has no `en` (English) text; shipped banks are bilingual",
            "line 6 [n-001]: tags must include the audience: `students` and/or `residents`",
            "line 6 [n-001]: missing field `explanation`",
            "line 11 [n-001]: `prompt` has no `en` (English) text; shipped banks are bilingual",
        ]
    );
}

#[test]
fn text_is_stored_trimmed_and_nfc_when_imported() {
    let decomposed = "Me\u{323}\u{302}t"; // "Mệt" as e + dot below + circumflex
    let src = format!(
        "slug = \"s\"\nversion = 1\ntitle = {{ vi = \"  {decomposed}  \" }}\n\n[[questions]]\nid = \"q\"\nkind = \"true_false\"\ncompetence = \"4.3\"\ndifficulty = 1\nprompt = {{ vi = \"{decomposed}?\" }}\nanswer = true\n"
    );
    let bank = parse_bank(&src, Strictness::Imported);
    assert_eq!(bank.map(|b| b.title.vi), Ok("Mệt".to_owned()));
}

#[test]
fn all_problems_are_reported_not_just_the_first() {
    let path = Path::new(FIXTURES).join("bad-answer-type.toml");
    assert_eq!(
        check_file(&path, Strictness::Shipped)
            .err()
            .map(|p| p.len()),
        Some(7)
    );
}

#[test]
fn unreadable_files_are_a_problem_not_a_panic() {
    let missing = Path::new(FIXTURES).join("no-such-bank.toml");
    let problems = check_file(&missing, Strictness::Shipped)
        .err()
        .unwrap_or_default();
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].line, 0);
}

#[test]
fn check_paths_walks_directories_and_reports_each_file() {
    let (banks, problems) = check_paths(&[PathBuf::from(FIXTURES)]);
    let bank_files: Vec<String> = banks
        .iter()
        .filter_map(|(path, _)| path.file_name()?.to_str().map(str::to_owned))
        .collect();
    assert_eq!(bank_files, ["valid.toml"]);
    let bad_files = std::fs::read_dir(FIXTURES)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| e.file_name().to_string_lossy().starts_with("bad-"))
                .count()
        })
        .unwrap_or_default();
    let mut reported: Vec<&PathBuf> = problems.iter().map(|(path, _)| path).collect();
    reported.dedup();
    assert_eq!(reported.len(), bad_files);
    assert!(
        reported.windows(2).all(|pair| pair[0] < pair[1]),
        "not sorted"
    );
}

#[test]
fn a_slug_used_by_two_files_is_reported_on_the_second() {
    let valid = Path::new(FIXTURES).join("valid.toml");
    let (banks, problems) = check_paths_with(&[valid.clone(), valid.clone()], Strictness::Shipped);
    // The same file named twice is checked once.
    assert_eq!((banks.len(), problems.len()), (1, 0));

    let dir = std::env::temp_dir().join(format!("civiquiz-banks-{}", std::process::id()));
    let copy = dir.join("copy.toml");
    let written = std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&copy, VALID));
    assert!(written.is_ok());
    let (banks, problems) = check_paths(&[valid, dir.clone()]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(banks.len(), 1);
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].0, copy);
    assert_eq!(problems[0].1.line, 2);
    assert!(
        problems[0]
            .1
            .message
            .starts_with("slug `an-toan-so` is already used by")
    );
}

macro_rules! rule_fixtures {
    ($($test:ident => $file:literal,)*) => {
        $(
            #[test]
            fn $test() {
                assert_fixture($file);
            }
        )*
    };
}

rule_fixtures! {
    rule_toml_syntax => "bad-toml-syntax.toml",
    rule_unknown_fields => "bad-unknown-fields.toml",
    rule_missing_language => "bad-missing-language.toml",
    rule_duplicate_question_id => "bad-duplicate-question-id.toml",
    rule_id_syntax => "bad-id-syntax.toml",
    rule_answer_names_an_option => "bad-answer-unknown-option.toml",
    rule_single_has_one_correct_option => "bad-single-correct-count.toml",
    rule_multiple_answer => "bad-multiple-answer.toml",
    rule_ordering_is_a_permutation => "bad-ordering-answer.toml",
    rule_duplicate_option_id => "bad-duplicate-option-id.toml",
    rule_duplicate_option_text => "bad-duplicate-option-text.toml",
    rule_option_count => "bad-option-count.toml",
    rule_answer_type => "bad-answer-type.toml",
    rule_short_text_answers => "bad-short-text-answers.toml",
    rule_text_length => "bad-text-length.toml",
    rule_competence => "bad-competence.toml",
    rule_difficulty => "bad-difficulty.toml",
    rule_points => "bad-points.toml",
    rule_missing_field => "bad-missing-field.toml",
    rule_slug => "bad-slug.toml",
    rule_version => "bad-version.toml",
    rule_no_questions => "bad-no-questions.toml",
    rule_audience_tag => "bad-audience-tag.toml",
    rule_tags => "bad-tags.toml",
    rule_nfc => "bad-not-nfc.toml",
    rule_whitespace => "bad-whitespace.toml",
}

#[test]
fn an_error_at_the_end_of_the_file_is_on_its_last_line() {
    let problems = parse_bank(
        "slug = \"s\"\nversion = 1\ntitle = {\n",
        Strictness::Shipped,
    )
    .err()
    .unwrap_or_default();
    assert!(!problems.is_empty());
    assert!(problems.iter().all(|p| p.line == 3), "{problems:?}");
}
