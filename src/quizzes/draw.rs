//! Drawing an attempt's questions from the quiz's rules: a random seed per attempt, questions
//! sampled without repeats across rules, orders shuffled as the quiz says. The draw is stored
//! with the attempt, so it is reproducible from the database alone.

use rand::rngs::StdRng;
use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};

use super::attempt_store::Drawn;
use super::quiz::{Quiz, Rule};
use crate::banks::Kind;
use crate::banks::cache::QuestionCache;
use crate::banks::store;
use crate::db::Pool;
use crate::error::{AppError, AppResult, ErrorCode};

pub struct Draw {
    pub seed: u64,
    pub questions: Vec<Drawn>,
}

pub async fn draw(pool: &Pool, cache: &QuestionCache, quiz: &Quiz) -> AppResult<Draw> {
    let seed: u64 = rand::rng().random();
    let mut rng = StdRng::seed_from_u64(seed);
    let mut chosen: Vec<(String, String, i64)> = Vec::new();
    for rule in &quiz.rules {
        let candidates: Vec<(String, i64)> = store::matching_questions(
            pool,
            &rule.bank,
            rule.competence.as_deref(),
            rule.difficulty.map(i64::from),
        )
        .await?
        .into_iter()
        .filter(|(id, _)| {
            !chosen
                .iter()
                .any(|(bank, chosen_id, _)| *bank == rule.bank && chosen_id == id)
        })
        .collect();
        if candidates.len() < rule.count as usize {
            return Err(AppError::conflict(
                ErrorCode::BankExhausted,
                "the question banks no longer hold enough questions for this quiz; tell the organizers",
            ));
        }
        let mut picked: Vec<&(String, i64)> = candidates
            .choose_multiple(&mut rng, rule.count as usize)
            .collect();
        picked.sort();
        chosen.extend(
            picked
                .into_iter()
                .map(|(id, version)| (rule.bank.clone(), id.clone(), *version)),
        );
    }
    if quiz.shuffle_questions {
        chosen.shuffle(&mut rng);
    }
    let mut questions = Vec::with_capacity(chosen.len());
    for (bank_slug, question_id, version) in chosen {
        let question = cache.get(pool, &bank_slug, &question_id, version).await?;
        let mut option_order: Vec<String> = question
            .options
            .iter()
            .map(|choice| choice.id.clone())
            .collect();
        // An ordering question listed in its key's order would give the answer away.
        if quiz.shuffle_options || question.kind == Kind::Ordering {
            option_order.shuffle(&mut rng);
        }
        questions.push(Drawn {
            key: format!("{bank_slug}:{question_id}"),
            bank_slug,
            question_id,
            version,
            option_order,
            question,
        });
    }
    Ok(Draw { seed, questions })
}

/// How many questions each rule can draw, earlier rules taken into account: the count
/// publishing checks, and the one the quiz builder shows while the organizer types.
pub async fn available_per_rule(pool: &Pool, rules: &[Rule]) -> AppResult<Vec<usize>> {
    let mut available = Vec::with_capacity(rules.len());
    let mut taken: Vec<(String, String)> = Vec::new();
    for rule in rules {
        let candidates = store::matching_questions(
            pool,
            &rule.bank,
            rule.competence.as_deref(),
            rule.difficulty.map(i64::from),
        )
        .await?;
        available.push(
            candidates
                .iter()
                .filter(|(id, _)| {
                    !taken
                        .iter()
                        .any(|(bank, taken_id)| *bank == rule.bank && taken_id == id)
                })
                .count(),
        );
        // Overlapping rules: assume earlier rules take their first candidates. A draw that
        // still runs short is refused at start with a clear error.
        taken.extend(
            candidates
                .into_iter()
                .take(rule.count as usize)
                .map(|(id, _)| (rule.bank.clone(), id)),
        );
    }
    Ok(available)
}

/// Publishing checks that every rule can be served, rules together included.
pub async fn check_rules(pool: &Pool, quiz: &Quiz) -> AppResult<()> {
    let mut errors = crate::error::FieldErrors::new();
    let available = available_per_rule(pool, &quiz.rules).await?;
    for (index, (rule, available)) in quiz.rules.iter().zip(available).enumerate() {
        if available < rule.count as usize {
            errors.add(
                format!("rules[{index}].count"),
                format!("asks for {} questions; the bank holds {available} that match (after earlier rules)", rule.count),
            );
        }
    }
    errors.into_result()
}
