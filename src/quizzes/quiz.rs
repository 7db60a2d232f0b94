//! Quiz definitions: the validated settings, their state by the server clock, and the SQL of
//! the `quizzes` table.

use serde::{Deserialize, Serialize};
use sqlx::FromRow;
use utoipa::ToSchema;

use crate::auth::credentials::nfc;
use crate::banks::competence_name;
use crate::clock::Timestamp;
use crate::db::{self, Pool};
use crate::error::{AppError, AppResult, FieldErrors};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Bank slug.
    pub bank: String,
    /// A DigComp area (`4`) or competence (`4.2`); any when absent.
    pub competence: Option<String>,
    /// 1–3; any when absent.
    pub difficulty: Option<u8>,
    pub count: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Review {
    Never,
    ScoreOnly,
    AfterSubmit,
    AfterClose,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Ranking {
    /// A student's best counted attempt ranks; a worse later one never lowers her.
    Best,
    /// Only the first finished attempt ranks.
    First,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum QuizState {
    Upcoming,
    Open,
    Closed,
}

fn enum_text<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn enum_parse<T: for<'de> Deserialize<'de>>(text: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::from(text)).ok()
}

/// A quiz is a draft its organizers edit, or published (visible to its audience, and its
/// questions fixed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum QuizStatus {
    Draft,
    Published,
}

impl QuizStatus {
    pub fn of(published: bool) -> Self {
        if published {
            QuizStatus::Published
        } else {
            QuizStatus::Draft
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            QuizStatus::Draft => "draft",
            QuizStatus::Published => "published",
        }
    }
}

/// A stored enum parsed strictly: an unknown value is a fault of the record, not a default.
fn stored<T: for<'de> Deserialize<'de>>(column: &str, text: &str) -> AppResult<T> {
    enum_parse(text)
        .ok_or_else(|| anyhow::anyhow!("unknown {column} {text:?} in a stored quiz").into())
}

/// A quiz as stored; the settings are validated before they get here.
#[derive(Debug, Clone)]
pub struct Quiz {
    pub id: String,
    pub event_id: Option<String>,
    pub title: String,
    pub description: String,
    pub opens_at: i64,
    pub closes_at: i64,
    pub time_limit_s: i64,
    pub max_attempts: i64,
    pub rules: Vec<Rule>,
    pub shuffle_questions: bool,
    pub shuffle_options: bool,
    pub review: Review,
    pub audience_org_unit_id: Option<String>,
    pub ranking: Ranking,
    pub published: bool,
    pub published_at: Option<i64>,
}

impl Quiz {
    pub fn state(&self, now_ms: i64) -> QuizState {
        if now_ms < self.opens_at {
            QuizState::Upcoming
        } else if now_ms < self.closes_at {
            QuizState::Open
        } else {
            QuizState::Closed
        }
    }

    pub fn question_count(&self) -> u32 {
        self.rules.iter().map(|rule| rule.count).sum()
    }
}

#[derive(FromRow)]
struct QuizRow {
    id: String,
    event_id: Option<String>,
    title: String,
    description: String,
    opens_at: i64,
    closes_at: i64,
    time_limit_s: i64,
    max_attempts: i64,
    rules: String,
    shuffle_questions: i64,
    shuffle_options: i64,
    review: String,
    audience_org_unit_id: Option<String>,
    ranking: String,
    status: String,
    published_at: Option<i64>,
}

impl QuizRow {
    fn into_quiz(self) -> AppResult<Quiz> {
        let rules = serde_json::from_str(&self.rules)
            .map_err(|e| anyhow::anyhow!("stored quiz rules: {e}"))?;
        Ok(Quiz {
            id: self.id,
            event_id: self.event_id,
            title: self.title,
            description: self.description,
            opens_at: self.opens_at,
            closes_at: self.closes_at,
            time_limit_s: self.time_limit_s,
            max_attempts: self.max_attempts,
            rules,
            shuffle_questions: self.shuffle_questions != 0,
            shuffle_options: self.shuffle_options != 0,
            review: stored("review policy", &self.review)?,
            audience_org_unit_id: self.audience_org_unit_id,
            ranking: stored("ranking policy", &self.ranking)?,
            published: match self.status.as_str() {
                "published" => true,
                "draft" => false,
                other => return Err(anyhow::anyhow!("unknown quiz status {other:?}").into()),
            },
            published_at: self.published_at,
        })
    }
}

const QUIZ_COLUMNS: &str = "id, event_id, title, description, opens_at, closes_at, time_limit_s, max_attempts, rules, \
     shuffle_questions, shuffle_options, review, audience_org_unit_id, ranking, status, published_at";

/// The settings a client sends; on `PATCH` every field is optional and merged over the quiz.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuizInput {
    pub event_id: Option<String>,
    #[schema(min_length = 1, max_length = 200)]
    pub title: Option<String>,
    #[schema(max_length = 5000)]
    pub description: Option<String>,
    pub opens_at: Option<Timestamp>,
    /// After `opens_at`.
    pub closes_at: Option<Timestamp>,
    /// 10 seconds to 24 hours.
    #[schema(minimum = 10, maximum = 86400)]
    pub time_limit_s: Option<i64>,
    #[schema(minimum = 1, maximum = 100)]
    pub max_attempts: Option<i64>,
    #[schema(min_items = 1, max_items = 50)]
    pub rules: Option<Vec<Rule>>,
    pub shuffle_questions: Option<bool>,
    pub shuffle_options: Option<bool>,
    pub review: Option<Review>,
    pub audience_org_unit_id: Option<String>,
    pub ranking: Option<Ranking>,
}

/// The body of `POST /quizzes`: `QuizInput` with the fields a new quiz needs.
pub struct NewQuiz;

impl NewQuiz {
    pub const REQUIRED: &[&str] = &["title", "opens_at", "closes_at", "time_limit_s", "rules"];
}

impl utoipa::PartialSchema for NewQuiz {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        crate::http::openapi::requiring(
            <QuizInput as utoipa::PartialSchema>::schema(),
            Self::REQUIRED,
        )
    }
}

impl utoipa::ToSchema for NewQuiz {}

impl QuizInput {
    /// The fields a published quiz may still change; the others are locked.
    pub const OPEN_AFTER_PUBLICATION: [&str; 3] = ["title", "description", "closes_at"];

    /// The fields present besides those a published quiz may still change.
    pub fn locked_fields_present(&self) -> Vec<&'static str> {
        let mut fields = Vec::new();
        let mut check = |present: bool, name: &'static str| {
            debug_assert!(!Self::OPEN_AFTER_PUBLICATION.contains(&name));
            if present {
                fields.push(name);
            }
        };
        check(self.event_id.is_some(), "event_id");
        check(self.opens_at.is_some(), "opens_at");
        check(self.time_limit_s.is_some(), "time_limit_s");
        check(self.max_attempts.is_some(), "max_attempts");
        check(self.rules.is_some(), "rules");
        check(self.shuffle_questions.is_some(), "shuffle_questions");
        check(self.shuffle_options.is_some(), "shuffle_options");
        check(self.review.is_some(), "review");
        check(self.audience_org_unit_id.is_some(), "audience_org_unit_id");
        check(self.ranking.is_some(), "ranking");
        fields
    }

    /// A new quiz from this input, or every problem with it.
    pub fn into_new(self, id: String) -> AppResult<Quiz> {
        let mut errors = FieldErrors::new();
        for (present, field) in [
            (self.title.is_some(), "title"),
            (self.opens_at.is_some(), "opens_at"),
            (self.closes_at.is_some(), "closes_at"),
            (self.time_limit_s.is_some(), "time_limit_s"),
            (self.rules.is_some(), "rules"),
        ] {
            debug_assert!(NewQuiz::REQUIRED.contains(&field));
            if !present {
                errors.add(field, "is required");
            }
        }
        errors.into_result()?;
        let base = Quiz {
            id,
            event_id: None,
            title: String::new(),
            description: String::new(),
            opens_at: 0,
            closes_at: 0,
            time_limit_s: 0,
            max_attempts: 1,
            rules: Vec::new(),
            shuffle_questions: true,
            shuffle_options: true,
            review: Review::AfterClose,
            audience_org_unit_id: None,
            ranking: Ranking::Best,
            published: false,
            published_at: None,
        };
        self.apply_to(base)
    }

    /// Merges the present fields over `quiz` and validates the result as a whole.
    pub fn apply_to(self, mut quiz: Quiz) -> AppResult<Quiz> {
        let mut errors = FieldErrors::new();
        if let Some(title) = self.title {
            quiz.title = errors
                .take("title", text_field(&title, 1, 200))
                .unwrap_or_default();
        }
        if let Some(description) = self.description {
            quiz.description = errors
                .take("description", text_field(&description, 0, 5000))
                .unwrap_or_default();
        }
        // An empty id takes the quiz out of its event (or opens it to everyone, below).
        if let Some(event_id) = self.event_id {
            quiz.event_id = Some(event_id).filter(|id| !id.is_empty());
        }
        if let Some(opens_at) = self.opens_at {
            quiz.opens_at = opens_at.0;
        }
        if let Some(closes_at) = self.closes_at {
            quiz.closes_at = closes_at.0;
        }
        if let Some(limit) = self.time_limit_s {
            quiz.time_limit_s = limit;
        }
        if let Some(max) = self.max_attempts {
            quiz.max_attempts = max;
        }
        if let Some(rules) = self.rules {
            quiz.rules = rules;
        }
        quiz.shuffle_questions = self.shuffle_questions.unwrap_or(quiz.shuffle_questions);
        quiz.shuffle_options = self.shuffle_options.unwrap_or(quiz.shuffle_options);
        quiz.review = self.review.unwrap_or(quiz.review);
        quiz.ranking = self.ranking.unwrap_or(quiz.ranking);
        if let Some(audience) = self.audience_org_unit_id {
            quiz.audience_org_unit_id = Some(audience).filter(|id| !id.is_empty());
        }
        if quiz.closes_at <= quiz.opens_at {
            errors.add("closes_at", "must be after opens_at");
        }
        if !(10..=24 * 3600).contains(&quiz.time_limit_s) {
            errors.add("time_limit_s", "must be between 10 seconds and 24 hours");
        }
        if !(1..=100).contains(&quiz.max_attempts) {
            errors.add("max_attempts", "must be between 1 and 100");
        }
        validate_rules(&quiz.rules, &mut errors);
        errors.into_result()?;
        Ok(quiz)
    }
}

/// Free text in NFC, trimmed, `min` to `max` characters, no control characters but line breaks
/// and tabs.
pub fn text_field(raw: &str, min: usize, max: usize) -> Result<String, String> {
    // A browser's textarea sends its line breaks as CRLF (HTML's form encoding); they are
    // kept as LF, the one line break stored.
    let text = nfc(raw
        .trim()
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .as_str());
    let length = text.chars().count();
    if length < min || length > max {
        return Err(format!("must be {min} to {max} characters"));
    }
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err("must not contain control characters".into());
    }
    Ok(text)
}

pub fn validate_title(raw: &str) -> Result<String, String> {
    text_field(raw, 1, 200)
}

pub fn validate_description(raw: &str) -> Result<String, String> {
    text_field(raw, 0, 5000)
}

fn validate_rules(rules: &[Rule], errors: &mut FieldErrors) {
    if rules.is_empty() || rules.len() > 50 {
        errors.add("rules", "must hold 1 to 50 rules");
    }
    let mut total = 0u32;
    for (index, rule) in rules.iter().enumerate() {
        if !crate::banks::format::is_valid_id(&rule.bank) {
            errors.add(format!("rules[{index}].bank"), "is not a bank slug");
        }
        if let Some(competence) = &rule.competence {
            let area = competence.len() == 1
                && ('1'..='5').contains(&competence.chars().next().unwrap_or('0'));
            if !area && competence_name(competence).is_none() {
                errors.add(
                    format!("rules[{index}].competence"),
                    "must be a DigComp area (1–5) or competence (e.g. 4.2)",
                );
            }
        }
        if rule.difficulty.is_some_and(|d| !(1..=3).contains(&d)) {
            errors.add(format!("rules[{index}].difficulty"), "must be 1, 2 or 3");
        }
        if !(1..=200).contains(&rule.count) {
            errors.add(format!("rules[{index}].count"), "must be between 1 and 200");
        }
        total = total.saturating_add(rule.count);
    }
    if total > 200 {
        errors.add("rules", "a quiz holds at most 200 questions");
    }
}

fn map_reference_error(error: sqlx::Error) -> AppError {
    if db::is_foreign_key_violation(&error) {
        FieldErrors::single("event_id", "no such event, or no such audience_org_unit_id")
    } else {
        error.into()
    }
}

pub async fn insert(pool: &Pool, quiz: &Quiz, created_by: &str, now_ms: i64) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO quizzes (id, event_id, title, description, opens_at, closes_at, time_limit_s, max_attempts, rules,
             shuffle_questions, shuffle_options, review, audience_org_unit_id, ranking, status, published_at, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 'draft', NULL, $15, $16, $16)",
    )
    .bind(&quiz.id)
    .bind(&quiz.event_id)
    .bind(&quiz.title)
    .bind(&quiz.description)
    .bind(quiz.opens_at)
    .bind(quiz.closes_at)
    .bind(quiz.time_limit_s)
    .bind(quiz.max_attempts)
    .bind(serde_json::to_string(&quiz.rules).map_err(anyhow::Error::from)?)
    .bind(db::bool_to_db(quiz.shuffle_questions))
    .bind(db::bool_to_db(quiz.shuffle_options))
    .bind(enum_text(&quiz.review))
    .bind(&quiz.audience_org_unit_id)
    .bind(enum_text(&quiz.ranking))
    .bind(created_by)
    .bind(now_ms)
    .execute(pool)
    .await
    .map_err(map_reference_error)?;
    Ok(())
}

/// Writes edited settings, only if the quiz is still in the state the edit was checked against.
pub async fn update(pool: &Pool, quiz: &Quiz, was_published: bool, now_ms: i64) -> AppResult<bool> {
    let result = sqlx::query(
        "UPDATE quizzes SET event_id = $1, title = $2, description = $3, opens_at = $4, closes_at = $5, time_limit_s = $6,
             max_attempts = $7, rules = $8, shuffle_questions = $9, shuffle_options = $10, review = $11,
             audience_org_unit_id = $12, ranking = $13, updated_at = $14
         WHERE id = $15 AND status = $16",
    )
    .bind(&quiz.event_id)
    .bind(&quiz.title)
    .bind(&quiz.description)
    .bind(quiz.opens_at)
    .bind(quiz.closes_at)
    .bind(quiz.time_limit_s)
    .bind(quiz.max_attempts)
    .bind(serde_json::to_string(&quiz.rules).map_err(anyhow::Error::from)?)
    .bind(db::bool_to_db(quiz.shuffle_questions))
    .bind(db::bool_to_db(quiz.shuffle_options))
    .bind(enum_text(&quiz.review))
    .bind(&quiz.audience_org_unit_id)
    .bind(enum_text(&quiz.ranking))
    .bind(now_ms)
    .bind(&quiz.id)
    .bind(QuizStatus::of(was_published).as_str())
    .execute(pool)
    .await
    .map_err(map_reference_error)?;
    Ok(result.rows_affected() == 1)
}

pub async fn publish(pool: &Pool, quiz_id: &str, now_ms: i64) -> AppResult<bool> {
    let result = sqlx::query("UPDATE quizzes SET status = 'published', published_at = $1, updated_at = $1 WHERE id = $2 AND status = 'draft'")
        .bind(now_ms)
        .bind(quiz_id)
        .execute(pool)
        .await?;
    Ok(result.rows_affected() == 1)
}

pub async fn find(pool: &Pool, id: &str) -> AppResult<Option<Quiz>> {
    let sql = format!("SELECT {QUIZ_COLUMNS} FROM quizzes WHERE id = $1");
    sqlx::query_as::<_, QuizRow>(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(pool)
        .await?
        .map(QuizRow::into_quiz)
        .transpose()
}

/// An event's quizzes, in the order of their windows.
pub async fn of_event(pool: &Pool, event_id: &str) -> AppResult<Vec<Quiz>> {
    let sql =
        format!("SELECT {QUIZ_COLUMNS} FROM quizzes WHERE event_id = $1 ORDER BY opens_at, id");
    sqlx::query_as::<_, QuizRow>(sqlx::AssertSqlSafe(sql))
        .bind(event_id)
        .fetch_all(pool)
        .await?
        .into_iter()
        .map(QuizRow::into_quiz)
        .collect()
}

/// Quizzes in listing order (newest window first): all of them for organizers, else the
/// published ones whose audience is everyone or one of `units` (the caller's unit and those
/// above it).
pub async fn list(
    pool: &Pool,
    everything: bool,
    units: &[String],
    limit: i64,
    offset: i64,
) -> AppResult<(Vec<Quiz>, i64)> {
    let mut filter = String::from("1 = 1");
    if !everything {
        filter = String::from("status = 'published' AND (audience_org_unit_id IS NULL");
        for index in 0..units.len() {
            filter.push_str(&format!(" OR audience_org_unit_id = ${}", index + 1));
        }
        filter.push(')');
    }
    let count_sql = format!("SELECT COUNT(*) FROM quizzes WHERE {filter}");
    let mut count = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(count_sql));
    for unit in units.iter().filter(|_| !everything) {
        count = count.bind(unit);
    }
    let total = count.fetch_one(pool).await?;
    let bound = if everything { 0 } else { units.len() };
    let sql = format!(
        "SELECT {QUIZ_COLUMNS} FROM quizzes WHERE {filter} ORDER BY opens_at DESC, id LIMIT ${} OFFSET ${}",
        bound + 1,
        bound + 2
    );
    let mut query = sqlx::query_as::<_, QuizRow>(sqlx::AssertSqlSafe(sql));
    for unit in units.iter().filter(|_| !everything) {
        query = query.bind(unit);
    }
    let rows = query.bind(limit).bind(offset).fetch_all(pool).await?;
    let quizzes = rows
        .into_iter()
        .map(QuizRow::into_quiz)
        .collect::<AppResult<Vec<_>>>()?;
    Ok((quizzes, total))
}

#[cfg(test)]
mod tests {
    use super::text_field;

    #[test]
    fn text_keeps_line_breaks_as_lf_and_refuses_other_controls() {
        assert_eq!(
            text_field("Dòng một\r\nDòng hai\rba", 0, 100).as_deref(),
            Ok("Dòng một\nDòng hai\nba")
        );
        assert!(text_field("a\u{0007}b", 0, 100).is_err());
    }
}
