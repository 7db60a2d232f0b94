//! Grading rules, pure and documented in the README:
//! - `single`, `true_false`, `ordering`: all or nothing;
//! - `multiple`: max(0, (right chosen − wrong chosen) / right total) × points;
//! - `short_text`: equal to an accepted answer after NFC, case folding, trimming, collapsing
//!   spaces and removing Vietnamese diacritics (đ → d).
//!
//! Points are kept in thousandths (milli-points), rounded per question, so totals are exact
//! integers that sort the same everywhere.

use std::collections::HashSet;

use serde_json::Value;

use crate::banks::{Answer, Kind, Question, short_answer_key};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    pub points_milli: i64,
    /// Fully right; partial credit does not count as correct.
    pub correct: bool,
}

pub fn max_points_milli(question: &Question) -> i64 {
    i64::from(question.points) * 1000
}

/// Grades one saved response (`None` when the question was left blank).
pub fn grade(question: &Question, response: Option<&Value>) -> Outcome {
    let full = max_points_milli(question);
    let all_or_nothing = |right: bool| Outcome {
        points_milli: if right { full } else { 0 },
        correct: right,
    };
    let Some(response) = response else {
        return all_or_nothing(false);
    };
    match (&question.kind, &question.answer) {
        (Kind::Single, Answer::Options(key)) => {
            all_or_nothing(key.len() == 1 && response.as_str() == key.first().map(String::as_str))
        }
        (Kind::TrueFalse, Answer::Bool(key)) => all_or_nothing(response.as_bool() == Some(*key)),
        (Kind::Ordering, Answer::Options(key)) => {
            all_or_nothing(ids(response).is_some_and(|order| order == *key))
        }
        (Kind::Multiple, Answer::Options(key)) => {
            let Some(chosen) = ids(response) else {
                return all_or_nothing(false);
            };
            let right: HashSet<&str> = key.iter().map(String::as_str).collect();
            let chosen: HashSet<&str> = chosen.iter().map(String::as_str).collect();
            let right_chosen = chosen.intersection(&right).count() as i64;
            let wrong_chosen = chosen.difference(&right).count() as i64;
            let right_total = right.len() as i64;
            if right_total == 0 {
                return all_or_nothing(false);
            }
            let net = (right_chosen - wrong_chosen).max(0);
            // Round half up in integer arithmetic: no float drift in stored scores.
            let points_milli = (2 * net * full + right_total) / (2 * right_total);
            Outcome {
                points_milli,
                correct: right_chosen == right_total && wrong_chosen == 0,
            }
        }
        (Kind::ShortText, Answer::Accepted(accepted)) => {
            let given = response.as_str().map(short_answer_key);
            all_or_nothing(given.is_some_and(|given| {
                !given.is_empty() && accepted.iter().any(|a| short_answer_key(a) == given)
            }))
        }
        // A key that does not fit its kind cannot be earned (the checker refuses such banks).
        _ => all_or_nothing(false),
    }
}

fn ids(response: &Value) -> Option<Vec<String>> {
    response
        .as_array()?
        .iter()
        .map(|item| item.as_str().map(str::to_owned))
        .collect()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::json;

    use super::*;
    use crate::banks::{Choice, Text};

    fn question(kind: Kind, options: &[&str], answer: Answer, points: u32) -> Question {
        Question {
            id: "q".into(),
            kind,
            competence: "4.2".into(),
            difficulty: 1,
            points,
            tags: vec![],
            prompt: Text::vi("?"),
            options: options
                .iter()
                .map(|id| Choice {
                    id: (*id).into(),
                    text: Text::vi(*id),
                })
                .collect(),
            answer,
            explanation: None,
        }
    }

    fn opts(ids: &[&str]) -> Answer {
        Answer::Options(ids.iter().map(|s| (*s).to_owned()).collect())
    }

    #[test]
    fn single_and_true_false_are_all_or_nothing() {
        let single = question(Kind::Single, &["a", "b"], opts(&["b"]), 2);
        assert_eq!(
            grade(&single, Some(&json!("b"))),
            Outcome {
                points_milli: 2000,
                correct: true
            }
        );
        assert_eq!(grade(&single, Some(&json!("a"))).points_milli, 0);
        assert_eq!(grade(&single, Some(&json!(["b"]))).points_milli, 0);
        assert_eq!(grade(&single, None).points_milli, 0);
        let tf = question(Kind::TrueFalse, &[], Answer::Bool(false), 1);
        assert!(grade(&tf, Some(&json!(false))).correct);
        assert!(!grade(&tf, Some(&json!("false"))).correct);
    }

    #[test]
    fn multiple_gives_partial_credit() {
        let q = question(
            Kind::Multiple,
            &["a", "b", "c", "d"],
            opts(&["a", "b", "d"]),
            1,
        );
        assert_eq!(
            grade(&q, Some(&json!(["a", "b", "d"]))),
            Outcome {
                points_milli: 1000,
                correct: true
            }
        );
        assert_eq!(
            grade(&q, Some(&json!(["a", "b"]))),
            Outcome {
                points_milli: 667,
                correct: false
            }
        );
        assert_eq!(grade(&q, Some(&json!(["a", "c"]))).points_milli, 0);
        assert_eq!(grade(&q, Some(&json!(["c"]))).points_milli, 0);
        assert_eq!(grade(&q, Some(&json!(["a", "b", "c"]))).points_milli, 333);
        assert_eq!(grade(&q, Some(&json!([]))).points_milli, 0);
    }

    #[test]
    fn ordering_needs_the_exact_order() {
        let q = question(Kind::Ordering, &["a", "b", "c"], opts(&["c", "a", "b"]), 1);
        assert!(grade(&q, Some(&json!(["c", "a", "b"]))).correct);
        assert!(!grade(&q, Some(&json!(["a", "c", "b"]))).correct);
    }

    #[test]
    fn short_text_ignores_case_spaces_and_diacritics() {
        let q = question(
            Kind::ShortText,
            &[],
            Answer::Accepted(vec!["Xác thực hai yếu tố".into(), "2FA".into()]),
            1,
        );
        for given in [
            "xac thuc hai yeu to",
            "  XÁC   THỰC hai yếu tố ",
            "2fa",
            "Xa\u{0301}c thư\u{031B}\u{0323}c hai yếu tố",
        ] {
            assert!(grade(&q, Some(&json!(given))).correct, "{given}");
        }
        assert!(!grade(&q, Some(&json!("hai yếu tố"))).correct);
        assert!(!grade(&q, Some(&json!(""))).correct);
        let d = question(
            Kind::ShortText,
            &[],
            Answer::Accepted(vec!["Định danh".into()]),
            1,
        );
        assert!(grade(&d, Some(&json!("dinh danh"))).correct);
    }

    fn option_ids() -> impl Strategy<Value = Vec<String>> {
        prop::collection::btree_set("[a-h]", 2..8).prop_map(|set| set.into_iter().collect())
    }

    proptest! {
        #[test]
        fn multiple_scores_stay_within_bounds(
            ids in option_ids(),
            key_mask in prop::collection::vec(any::<bool>(), 8),
            chosen_mask in prop::collection::vec(any::<bool>(), 8),
            points in 1u32..100,
        ) {
            let key: Vec<&str> = ids.iter().zip(&key_mask).filter(|(_, k)| **k).map(|(id, _)| id.as_str()).collect();
            prop_assume!(!key.is_empty());
            let chosen: Vec<&str> = ids.iter().zip(&chosen_mask).filter(|(_, c)| **c).map(|(id, _)| id.as_str()).collect();
            let options: Vec<&str> = ids.iter().map(String::as_str).collect();
            let q = question(Kind::Multiple, &options, opts(&key), points);
            let outcome = grade(&q, Some(&json!(chosen)));
            prop_assert!(outcome.points_milli >= 0 && outcome.points_milli <= i64::from(points) * 1000);
            prop_assert_eq!(outcome.correct, outcome.points_milli == i64::from(points) * 1000);
            // Choosing exactly the key always earns everything; choosing every option never
            // earns more than the key alone.
            prop_assert_eq!(grade(&q, Some(&json!(key))).points_milli, i64::from(points) * 1000);
            let all = grade(&q, Some(&json!(options))).points_milli;
            prop_assert!(all <= i64::from(points) * 1000);
        }

        #[test]
        fn ordering_is_correct_only_for_the_key(ids in option_ids(), seed in any::<u64>()) {
            use rand::{SeedableRng, seq::SliceRandom};
            let options: Vec<&str> = ids.iter().map(String::as_str).collect();
            let mut shuffled = options.clone();
            shuffled.shuffle(&mut rand::rngs::StdRng::seed_from_u64(seed));
            let q = question(Kind::Ordering, &options, opts(&options), 1);
            let outcome = grade(&q, Some(&json!(shuffled)));
            prop_assert_eq!(outcome.correct, shuffled == options);
        }

        #[test]
        fn short_text_matches_itself_under_any_case(answer in "[a-zàáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễđ ]{1,30}") {
            prop_assume!(!answer.trim().is_empty());
            let q = question(Kind::ShortText, &[], Answer::Accepted(vec![answer.clone()]), 1);
            prop_assert!(grade(&q, Some(&json!(answer.to_uppercase()))).correct);
            let padded = format!("  {answer}  ");
            prop_assert!(grade(&q, Some(&json!(padded))).correct);
        }
    }
}
