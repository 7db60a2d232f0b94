//! Property tests: banks survive `to_toml` → `parse_bank`, and neither parser panics.

use std::collections::HashSet;

use proptest::prelude::*;
use proptest::sample::{select, subsequence};

use crate::banks::check::question_problems;
use crate::banks::format::{
    Answer, Bank, COMPETENCES, Choice, Kind, Question, Strictness, Text, normalize_text,
    parse_bank, to_toml,
};
use crate::banks::gift::{GiftOptions, parse_gift};

const VALID: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/banks/valid.toml"
));
const ALL_CONSTRUCTS: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/gift/all-constructs.gift"
));

/// Characters that stress the writer: TOML syntax, escapes, controls, Vietnamese (precomposed
/// and decomposed), wide characters.
fn text_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => select("abcxyz ABC019".chars().collect::<Vec<_>>()),
        3 => select("ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹĐ".chars().collect::<Vec<_>>()),
        2 => select("\"'\\\n\t\r#=[]{}.,:;/<>&%~".chars().collect::<Vec<_>>()),
        1 => select(vec!['\u{0}', '\u{1}', '\u{1b}', '\u{7f}', '\u{85}', '\u{a0}', '\u{200b}', '\u{2028}', '\u{feff}']),
        1 => select(vec!['\u{301}', '\u{323}', '\u{302}', '😀', '中', '文']),
    ]
}

/// Text as it is stored after parsing: trimmed, NFC, not empty.
fn stored_text(max_chars: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(text_char(), 1..max_chars)
        .prop_map(|chars| normalize_text(&chars.into_iter().collect::<String>()))
        .prop_filter("blank text", |text| !text.is_empty())
}

fn text(bilingual: bool) -> impl Strategy<Value = Text> {
    (stored_text(40), stored_text(40)).prop_map(move |(vi, en)| Text {
        vi,
        en: bilingual.then_some(en),
    })
}

/// Distinct texts: each gets its own number, so no two compare equal after case folding.
fn numbered(mut text: Text, index: usize) -> Text {
    text.vi = format!("{} {index}", text.vi);
    text.en = text.en.map(|en| format!("{en} {index}"));
    text
}

fn id() -> impl Strategy<Value = String> {
    "[a-z0-9][a-z0-9-]{0,15}"
}

fn options(bilingual: bool) -> impl Strategy<Value = Vec<Choice>> {
    proptest::collection::vec((id(), text(bilingual)), 2..=8).prop_map(|items| {
        items
            .into_iter()
            .enumerate()
            .map(|(index, (id, text))| Choice {
                // The index keeps ids unique whatever was generated.
                id: format!("{id}-{index}"),
                text: numbered(text, index),
            })
            .collect()
    })
}

fn option_ids(options: &[Choice]) -> Vec<String> {
    options.iter().map(|choice| choice.id.clone()).collect()
}

/// Kind, options and a matching answer key.
fn kind_options_answer(bilingual: bool) -> impl Strategy<Value = (Kind, Vec<Choice>, Answer)> {
    let single = options(bilingual).prop_flat_map(|options| {
        let ids = option_ids(&options);
        (Just(options), select(ids))
            .prop_map(|(options, id)| (Kind::Single, options, Answer::Options(vec![id])))
    });
    let multiple = options(bilingual).prop_flat_map(|options| {
        let ids = option_ids(&options);
        let count = ids.len();
        (Just(options), subsequence(ids, 1..=count))
            .prop_map(|(options, ids)| (Kind::Multiple, options, Answer::Options(ids)))
    });
    let ordering = options(bilingual).prop_flat_map(|options| {
        let ids = option_ids(&options);
        (Just(options), Just(ids).prop_shuffle())
            .prop_map(|(options, ids)| (Kind::Ordering, options, Answer::Options(ids)))
    });
    let true_false =
        any::<bool>().prop_map(|value| (Kind::TrueFalse, Vec::new(), Answer::Bool(value)));
    let short_text = proptest::collection::vec(stored_text(30), 1..4).prop_map(|answers| {
        let accepted = answers
            .into_iter()
            .enumerate()
            .map(|(index, answer)| format!("{answer} {index}"))
            .collect();
        (Kind::ShortText, Vec::new(), Answer::Accepted(accepted))
    });
    prop_oneof![single, multiple, ordering, true_false, short_text]
}

fn tags(audience_required: bool) -> impl Strategy<Value = Vec<String>> {
    let audiences = subsequence(
        vec!["students", "residents"],
        usize::from(audience_required)..=2,
    );
    let topics = subsequence(vec!["otp", "phishing", "e-id", "2fa"], 0..=2);
    (audiences, topics).prop_map(|(audiences, topics)| {
        audiences
            .into_iter()
            .chain(topics)
            .map(str::to_owned)
            .collect()
    })
}

fn question(shipped: bool) -> impl Strategy<Value = Question> {
    let competence = select(
        COMPETENCES
            .iter()
            .map(|(code, _)| *code)
            .collect::<Vec<_>>(),
    );
    let explanation = if shipped {
        text(true).prop_map(Some).boxed()
    } else {
        proptest::option::of(text(false)).boxed()
    };
    (
        id(),
        kind_options_answer(shipped),
        competence,
        1u8..=3,
        1u32..=100,
        tags(shipped),
        text(shipped),
        explanation,
    )
        .prop_map(
            |(
                id,
                (kind, options, answer),
                competence,
                difficulty,
                points,
                tags,
                prompt,
                explanation,
            )| {
                Question {
                    id,
                    kind,
                    competence: competence.to_owned(),
                    difficulty,
                    points,
                    tags,
                    prompt,
                    options,
                    answer,
                    explanation,
                }
            },
        )
}

fn bank() -> impl Strategy<Value = (Bank, Strictness)> {
    any::<bool>().prop_flat_map(|shipped| {
        let strictness = if shipped {
            Strictness::Shipped
        } else {
            Strictness::Imported
        };
        (
            id(),
            1i64..=1_000_000,
            text(shipped),
            proptest::collection::vec(question(shipped), 1..5),
        )
            .prop_map(move |(slug, version, title, questions)| {
                let questions = questions
                    .into_iter()
                    .enumerate()
                    .map(|(index, mut question)| {
                        question.id = format!("{}-{index}", question.id);
                        question
                    })
                    .collect();
                let bank = Bank {
                    slug,
                    version,
                    title,
                    questions,
                };
                (bank, strictness)
            })
    })
}

/// `src` with the characters `start..start + len` replaced by `insert`.
fn mutate(src: &str, start: usize, len: usize, insert: &str) -> String {
    let chars: Vec<char> = src.chars().collect();
    let start = start % (chars.len() + 1);
    let end = (start + len).min(chars.len());
    chars[..start]
        .iter()
        .chain(insert.chars().collect::<Vec<_>>().iter())
        .chain(&chars[end..])
        .collect()
}

fn gift_options() -> GiftOptions {
    GiftOptions {
        default_competence: "2.3".to_owned(),
        default_difficulty: 1,
        skip_unsupported: true,
    }
}

fn gift_text() -> impl Strategy<Value = String> {
    let alphabet: Vec<char> = "{}=~#:\\%[]<>/!-$ \n\tTFRUEhtmlplainCATEGORY0123456789.ảđ&;"
        .chars()
        .collect();
    proptest::collection::vec(select(alphabet), 0..200).prop_map(|c| c.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn banks_round_trip_through_toml((bank, strictness) in bank()) {
        let written = to_toml(&bank);
        let parsed = parse_bank(&written, strictness);
        prop_assert_eq!(parsed.as_ref(), Ok(&bank), "written:\n{}", written);
        // Writing is deterministic, so content hashes are stable.
        if let Ok(parsed) = parsed {
            prop_assert_eq!(to_toml(&parsed), written);
            for (a, b) in parsed.questions.iter().zip(&bank.questions) {
                prop_assert_eq!(a.content_hash(), b.content_hash());
            }
        }
    }

    #[test]
    fn questions_round_trip_through_json((bank, _) in bank()) {
        for question in &bank.questions {
            let json = serde_json::to_string(question);
            let back: Option<Question> = json.ok().and_then(|j| serde_json::from_str(&j).ok());
            prop_assert_eq!(back.as_ref(), Some(question));
        }
    }

    #[test]
    fn parse_bank_never_panics_on_arbitrary_text(src in any::<String>()) {
        let _ = parse_bank(&src, Strictness::Shipped);
        let _ = parse_bank(&src, Strictness::Imported);
    }

    #[test]
    fn parse_bank_never_panics_on_damaged_banks(
        start in 0usize..8000,
        len in 0usize..40,
        insert in "[\\[\\]{}=\"',.#\\n a-z0-9\\\\]{0,12}",
    ) {
        let damaged = mutate(VALID, start, len, &insert);
        if let Err(problems) = parse_bank(&damaged, Strictness::Shipped) {
            let lines = damaged.lines().count().max(1);
            prop_assert!(problems.iter().all(|p| p.line <= lines), "{:?}", problems);
        }
    }

    #[test]
    fn parse_gift_never_panics_on_arbitrary_text(src in any::<String>()) {
        let _ = parse_gift(&src, &gift_options());
    }

    #[test]
    fn gift_imports_are_always_valid_questions_with_unique_ids(src in gift_text()) {
        let import = parse_gift(&src, &gift_options());
        let mut ids = HashSet::new();
        for question in &import.questions {
            prop_assert!(ids.insert(question.id.clone()), "duplicate id {}", question.id);
            prop_assert_eq!(question_problems(question, 1, Strictness::Imported), vec![]);
        }
    }

    #[test]
    fn parse_gift_never_panics_on_damaged_files(
        start in 0usize..5000,
        len in 0usize..40,
        insert in "[{}=~#:\\\\%\\[\\]<>/ \\na-z]{0,12}",
    ) {
        let _ = parse_gift(&mutate(ALL_CONSTRUCTS, start, len, &insert), &gift_options());
    }
}
