//! The builder's form as typed: read from a post, filled from a stored quiz, and turned into
//! the API's `QuizInput`. Times are typed in Vietnam's time and the time limit in minutes;
//! what cannot be read as such is a problem of its field, and nothing is sent.

use serde::de::DeserializeOwned;

use crate::clock::Timestamp;
use crate::error::FieldErrors;
use crate::quizzes::quiz::{Quiz, QuizInput, Rule};
use crate::web::CsrfForm;
use crate::web::page::points_text;
use crate::web::time;

/// One question rule as typed: a bank, optionally a competence and a difficulty, a count.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RuleRow {
    pub bank: String,
    pub competence: String,
    pub difficulty: String,
    pub count: String,
}

impl RuleRow {
    fn of(rule: &Rule) -> Self {
        RuleRow {
            bank: rule.bank.clone(),
            competence: rule.competence.clone().unwrap_or_default(),
            difficulty: rule.difficulty.map(|d| d.to_string()).unwrap_or_default(),
            count: rule.count.to_string(),
        }
    }

    /// The rule this row names, with the fields that cannot be read (`field`, reason); those
    /// read as absent (difficulty) or 0 (count, which the API then refuses), so the row keeps
    /// its place among the rules. An empty count reads as 0 too.
    fn parse(&self) -> (Rule, Vec<(&'static str, &'static str)>) {
        let mut problems = Vec::new();
        let difficulty = match self.difficulty.trim() {
            "" => None,
            text => text.parse::<u8>().ok().or_else(|| {
                problems.push(("difficulty", "must be 1, 2 or 3"));
                None
            }),
        };
        let count = match self.count.trim() {
            "" => 0,
            text => text.parse::<u32>().unwrap_or_else(|_| {
                problems.push(("count", "must be a whole number"));
                0
            }),
        };
        let rule = Rule {
            bank: self.bank.trim().to_owned(),
            competence: Some(self.competence.trim().to_owned()).filter(|c| !c.is_empty()),
            difficulty,
            count,
        };
        (rule, problems)
    }
}

/// The form's fields, as text, with the API fields the form sent: a published quiz's form
/// holds only those a published quiz may change, so only those are sent on.
#[derive(Debug, Clone, Default)]
pub struct QuizForm {
    pub title: String,
    pub description: String,
    pub event_id: String,
    /// `datetime-local` values in Vietnam's time (`2022-10-01T08:00`).
    pub opens_at: String,
    pub closes_at: String,
    /// Minutes.
    pub time_limit: String,
    pub max_attempts: String,
    pub audience: String,
    /// The API's words (`after_close`, `best`).
    pub review: String,
    pub ranking: String,
    pub shuffle_questions: bool,
    pub shuffle_options: bool,
    pub rules: Vec<RuleRow>,
    sent: Vec<&'static str>,
}

/// Every field of the form by its API name, in the form's order.
pub const FIELDS: [&str; 12] = [
    "title",
    "description",
    "event_id",
    "opens_at",
    "closes_at",
    "time_limit_s",
    "max_attempts",
    "audience_org_unit_id",
    "review",
    "ranking",
    "shuffle_questions",
    "rules",
];

/// A number of minutes as typed: `10`, `7.5` or `7,5` (the Vietnamese decimal comma).
fn minutes_to_seconds(text: &str) -> Option<i64> {
    let minutes: f64 = text.trim().replace(',', ".").parse().ok()?;
    // Finite, and far below where seconds stop being whole numbers; the API bounds the rest.
    (0.0..=1.0e9)
        .contains(&minutes)
        .then(|| (minutes * 60.0).round() as i64)
}

fn enum_of<T: DeserializeOwned>(text: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::from(text)).ok()
}

fn api_text<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

impl QuizForm {
    /// A new quiz's form: the API's defaults, one empty rule.
    pub fn blank() -> Self {
        QuizForm {
            max_attempts: "1".to_owned(),
            review: "after_close".to_owned(),
            ranking: "best".to_owned(),
            shuffle_questions: true,
            shuffle_options: true,
            rules: vec![RuleRow::default()],
            ..QuizForm::default()
        }
    }

    /// The stored quiz's settings, as the form shows them.
    pub fn of(quiz: &Quiz) -> Self {
        QuizForm {
            title: quiz.title.clone(),
            description: quiz.description.clone(),
            event_id: quiz.event_id.clone().unwrap_or_default(),
            opens_at: time::input_value(quiz.opens_at),
            closes_at: time::input_value(quiz.closes_at),
            time_limit: points_text(quiz.time_limit_s as f64 / 60.0),
            max_attempts: quiz.max_attempts.to_string(),
            audience: quiz.audience_org_unit_id.clone().unwrap_or_default(),
            review: api_text(&quiz.review),
            ranking: api_text(&quiz.ranking),
            shuffle_questions: quiz.shuffle_questions,
            shuffle_options: quiz.shuffle_options,
            rules: quiz.rules.iter().map(RuleRow::of).collect(),
            sent: Vec::new(),
        }
    }

    /// What a post holds. Checkboxes come with a hidden field of the same name, so a box left
    /// unticked still says the form had it.
    pub fn read(form: &CsrfForm) -> Self {
        let mut typed = QuizForm::default();
        let text = |name: &'static str, api: &'static str, sent: &mut Vec<&'static str>| {
            form.get(name).map_or_else(String::new, |value| {
                sent.push(api);
                value.to_owned()
            })
        };
        let mut sent = Vec::new();
        typed.title = text("title", "title", &mut sent);
        typed.description = text("description", "description", &mut sent);
        typed.event_id = text("event_id", "event_id", &mut sent);
        typed.opens_at = text("opens_at", "opens_at", &mut sent);
        typed.closes_at = text("closes_at", "closes_at", &mut sent);
        typed.time_limit = text("time_limit", "time_limit_s", &mut sent);
        typed.max_attempts = text("max_attempts", "max_attempts", &mut sent);
        typed.audience = text("audience", "audience_org_unit_id", &mut sent);
        typed.review = text("review", "review", &mut sent);
        typed.ranking = text("ranking", "ranking", &mut sent);
        for (name, flag) in [
            ("shuffle_questions", &mut typed.shuffle_questions),
            ("shuffle_options", &mut typed.shuffle_options),
        ] {
            let values = form.all(name);
            if !values.is_empty() {
                sent.push(if name == "shuffle_questions" {
                    "shuffle_questions"
                } else {
                    "shuffle_options"
                });
                *flag = values.contains(&"on");
            }
        }
        if form.get("rules").is_some() {
            sent.push("rules");
            let column = |name: &str| form.all(name);
            let (banks, competences, difficulties, counts) = (
                column("rule-bank"),
                column("rule-competence"),
                column("rule-difficulty"),
                column("rule-count"),
            );
            let rows = banks
                .len()
                .max(competences.len())
                .max(difficulties.len())
                .max(counts.len());
            let at =
                |values: &[&str], index: usize| values.get(index).copied().unwrap_or("").to_owned();
            typed.rules = (0..rows)
                .map(|index| RuleRow {
                    bank: at(&banks, index),
                    competence: at(&competences, index),
                    difficulty: at(&difficulties, index),
                    count: at(&counts, index),
                })
                .collect();
        }
        typed.sent = sent;
        typed
    }

    /// Whether the post held this API field.
    pub fn sent(&self, field: &str) -> bool {
        self.sent.contains(&field)
    }

    /// The rules as far as they can be read, row by row (none where a row cannot be).
    pub fn rules_read(&self) -> Vec<Option<Rule>> {
        self.rules
            .iter()
            .map(|row| {
                let (rule, problems) = row.parse();
                problems.is_empty().then_some(rule)
            })
            .collect()
    }

    /// The API's input for what was sent, and the fields that could not be read. A field that
    /// could not be read holds a stand-in that raises no problem of its own, so the API's
    /// check of the rest finds every other problem at once; such an input is never sent.
    pub fn to_input(&self) -> (QuizInput, FieldErrors) {
        let mut errors = FieldErrors::new();
        let sent = |field: &str| self.sent(field);
        let text = |field: &str, value: &str| sent(field).then(|| value.to_owned());
        let mut instant = |field: &str, value: &str| {
            if !sent(field) {
                return Ok(None);
            }
            time::parse_input(value)
                .map(Some)
                .ok_or_else(|| errors.add(field, "is not a date and time"))
        };
        let opens = instant("opens_at", &self.opens_at);
        let closes = instant("closes_at", &self.closes_at);
        let (opens_at, closes_at) = match (opens, closes) {
            (Ok(opens), Ok(closes)) => (opens, closes),
            (Err(()), Ok(closes)) => (Some(closes.map_or(0, |c| c - 1)), closes),
            (Ok(opens), Err(())) => (opens, Some(opens.map_or(1, |o| o + 1))),
            (Err(()), Err(())) => (Some(0), Some(1)),
        };
        let (opens_at, closes_at) = (opens_at.map(Timestamp), closes_at.map(Timestamp));
        let time_limit_s = if sent("time_limit_s") {
            let seconds = minutes_to_seconds(&self.time_limit);
            if seconds.is_none() {
                errors.add("time_limit_s", "is not a number of minutes");
            }
            Some(seconds.unwrap_or(600))
        } else {
            None
        };
        let max_attempts = if sent("max_attempts") {
            let parsed = self.max_attempts.trim().parse::<i64>().ok();
            if parsed.is_none() {
                errors.add("max_attempts", "is not a whole number");
            }
            Some(parsed.unwrap_or(1))
        } else {
            None
        };
        let review = if sent("review") {
            let parsed = enum_of(&self.review);
            if parsed.is_none() {
                errors.add("review", "is not a review policy");
            }
            parsed
        } else {
            None
        };
        let ranking = if sent("ranking") {
            let parsed = enum_of(&self.ranking);
            if parsed.is_none() {
                errors.add("ranking", "is not a ranking policy");
            }
            parsed
        } else {
            None
        };
        let rules = if sent("rules") {
            let mut rules = Vec::with_capacity(self.rules.len());
            for (index, row) in self.rules.iter().enumerate() {
                let (rule, problems) = row.parse();
                for (field, reason) in problems {
                    errors.add(format!("rules[{index}].{field}"), reason);
                }
                rules.push(rule);
            }
            Some(rules)
        } else {
            None
        };
        let input = QuizInput {
            event_id: text("event_id", &self.event_id),
            title: text("title", &self.title),
            description: text("description", &self.description),
            opens_at,
            closes_at,
            time_limit_s,
            max_attempts,
            rules,
            shuffle_questions: sent("shuffle_questions").then_some(self.shuffle_questions),
            shuffle_options: sent("shuffle_options").then_some(self.shuffle_options),
            review,
            audience_org_unit_id: text("audience_org_unit_id", &self.audience),
            ranking,
        };
        (input, errors)
    }
}

#[cfg(test)]
mod tests {
    use super::minutes_to_seconds;

    #[test]
    fn minutes_as_people_type_them() {
        assert_eq!(minutes_to_seconds("10"), Some(600));
        assert_eq!(minutes_to_seconds(" 7,5 "), Some(450));
        assert_eq!(minutes_to_seconds("0.25"), Some(15));
        assert_eq!(minutes_to_seconds("mười"), None);
        assert_eq!(minutes_to_seconds("-3"), None);
        assert_eq!(minutes_to_seconds("inf"), None);
    }
}
