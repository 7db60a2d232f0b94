//! The bank tables. An upsert keeps unchanged questions as they are and gives changed ones a
//! new version; every version stays readable for the attempts that served it.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;
use utoipa::ToSchema;

use super::format::{Bank, Question, Text};
use crate::db::Pool;
use crate::error::{AppResult, FieldErrors};

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct UpsertCounts {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Questions no longer in the bank: kept for past attempts, never drawn again.
    pub retired: usize,
}

struct Stored {
    version: i64,
    hash: String,
    retired: bool,
}

/// Writes a whole bank in one transaction; `source` says where it came from.
pub async fn upsert_bank(
    pool: &Pool,
    bank: &Bank,
    source: &str,
    now_ms: i64,
) -> AppResult<UpsertCounts> {
    let title = serde_json::to_string(&bank.title).map_err(anyhow::Error::from)?;
    let mut tx = pool.begin().await?;
    sqlx::query(
        "INSERT INTO banks (slug, title, version, source, updated_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (slug) DO UPDATE SET title = excluded.title, version = excluded.version,
             source = excluded.source, updated_at = excluded.updated_at",
    )
    .bind(&bank.slug)
    .bind(&title)
    .bind(bank.version)
    .bind(source)
    .bind(now_ms)
    .execute(&mut *tx)
    .await?;
    let rows: Vec<(String, i64, String, i64)> = sqlx::query_as(
        "SELECT question_id, version, content_hash, retired FROM questions WHERE bank_slug = $1",
    )
    .bind(&bank.slug)
    .fetch_all(&mut *tx)
    .await?;
    let stored: HashMap<String, Stored> = rows
        .into_iter()
        .map(|(id, version, hash, retired)| {
            (
                id,
                Stored {
                    version,
                    hash,
                    retired: retired != 0,
                },
            )
        })
        .collect();

    let mut counts = UpsertCounts::default();
    for question in &bank.questions {
        let hash = question.content_hash();
        match stored.get(&question.id) {
            None => {
                write_version(&mut tx, &bank.slug, question, 1, &hash, now_ms).await?;
                sqlx::query(
                    "INSERT INTO questions (bank_slug, question_id, version, kind, competence, difficulty, points, content_hash, retired, updated_at)
                     VALUES ($1, $2, 1, $3, $4, $5, $6, $7, 0, $8) ON CONFLICT (bank_slug, question_id) DO NOTHING",
                )
                .bind(&bank.slug)
                .bind(&question.id)
                .bind(question.kind.as_str())
                .bind(&question.competence)
                .bind(i64::from(question.difficulty))
                .bind(i64::from(question.points))
                .bind(&hash)
                .bind(now_ms)
                .execute(&mut *tx)
                .await?;
                counts.created += 1;
            }
            Some(current) if current.hash == hash && !current.retired => counts.unchanged += 1,
            Some(current) => {
                let version = if current.hash == hash {
                    current.version
                } else {
                    current.version + 1
                };
                write_version(&mut tx, &bank.slug, question, version, &hash, now_ms).await?;
                // Conditional on the version read above: a concurrent loader's write wins once.
                sqlx::query(
                    "UPDATE questions SET version = $1, kind = $2, competence = $3, difficulty = $4, points = $5,
                         content_hash = $6, retired = 0, updated_at = $7
                     WHERE bank_slug = $8 AND question_id = $9 AND version = $10",
                )
                .bind(version)
                .bind(question.kind.as_str())
                .bind(&question.competence)
                .bind(i64::from(question.difficulty))
                .bind(i64::from(question.points))
                .bind(&hash)
                .bind(now_ms)
                .bind(&bank.slug)
                .bind(&question.id)
                .bind(current.version)
                .execute(&mut *tx)
                .await?;
                counts.updated += 1;
            }
        }
    }
    let present: HashSet<&str> = bank.questions.iter().map(|q| q.id.as_str()).collect();
    for (id, current) in &stored {
        if !current.retired && !present.contains(id.as_str()) {
            sqlx::query("UPDATE questions SET retired = 1, updated_at = $1 WHERE bank_slug = $2 AND question_id = $3")
                .bind(now_ms)
                .bind(&bank.slug)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            counts.retired += 1;
        }
    }
    tx.commit().await?;
    Ok(counts)
}

async fn write_version(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    slug: &str,
    question: &Question,
    version: i64,
    hash: &str,
    now_ms: i64,
) -> AppResult<()> {
    let body = serde_json::to_string(question).map_err(anyhow::Error::from)?;
    sqlx::query(
        "INSERT INTO question_versions (bank_slug, question_id, version, content_hash, body, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (bank_slug, question_id, version) DO NOTHING",
    )
    .bind(slug)
    .bind(&question.id)
    .bind(version)
    .bind(hash)
    .bind(body)
    .bind(now_ms)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BankSummary {
    pub slug: String,
    pub title: Text,
    pub version: i64,
    pub question_count: usize,
    pub by_competence: BTreeMap<String, usize>,
    pub by_difficulty: BTreeMap<String, usize>,
    pub by_kind: BTreeMap<String, usize>,
}

/// Every bank with counts of its drawable questions.
pub async fn summaries(pool: &Pool) -> AppResult<Vec<BankSummary>> {
    let banks: Vec<(String, String, i64)> =
        sqlx::query_as("SELECT slug, title, version FROM banks ORDER BY slug")
            .fetch_all(pool)
            .await?;
    let counts: Vec<(String, String, i64, String, i64)> = sqlx::query_as(
        "SELECT bank_slug, competence, difficulty, kind, COUNT(*) FROM questions WHERE retired = 0
         GROUP BY bank_slug, competence, difficulty, kind",
    )
    .fetch_all(pool)
    .await?;
    let mut summaries: Vec<BankSummary> = banks
        .into_iter()
        .map(|(slug, title, version)| BankSummary {
            slug,
            title: serde_json::from_str(&title).unwrap_or_else(|_| Text::vi(title)),
            version,
            question_count: 0,
            by_competence: BTreeMap::new(),
            by_difficulty: BTreeMap::new(),
            by_kind: BTreeMap::new(),
        })
        .collect();
    for (slug, competence, difficulty, kind, count) in counts {
        if let Some(summary) = summaries.iter_mut().find(|s| s.slug == slug) {
            let count = usize::try_from(count).unwrap_or(0);
            summary.question_count += count;
            *summary.by_competence.entry(competence).or_default() += count;
            *summary
                .by_difficulty
                .entry(difficulty.to_string())
                .or_default() += count;
            *summary.by_kind.entry(kind).or_default() += count;
        }
    }
    Ok(summaries)
}

pub async fn bank_exists(pool: &Pool, slug: &str) -> AppResult<bool> {
    let found: Option<String> = sqlx::query_scalar("SELECT slug FROM banks WHERE slug = $1")
        .bind(slug)
        .fetch_optional(pool)
        .await?;
    Ok(found.is_some())
}

/// A page of a bank's current questions (answer keys included: organizers only) and the total.
pub async fn current_questions(
    pool: &Pool,
    slug: &str,
    limit: i64,
    offset: i64,
) -> AppResult<(Vec<(i64, Question)>, i64)> {
    let total: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM questions WHERE bank_slug = $1 AND retired = 0")
            .bind(slug)
            .fetch_one(pool)
            .await?;
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT q.version, v.body FROM questions q
         JOIN question_versions v ON v.bank_slug = q.bank_slug AND v.question_id = q.question_id AND v.version = q.version
         WHERE q.bank_slug = $1 AND q.retired = 0
         ORDER BY q.question_id LIMIT $2 OFFSET $3",
    )
    .bind(slug)
    .bind(limit)
    .bind(offset)
    .fetch_all(pool)
    .await?;
    let questions = rows
        .into_iter()
        .map(|(version, body)| Ok((version, parse_body(&body)?)))
        .collect::<AppResult<Vec<_>>>()?;
    Ok((questions, total))
}

pub fn parse_body(body: &str) -> AppResult<Question> {
    serde_json::from_str(body)
        .map_err(|e| anyhow::anyhow!("stored question is not readable: {e}").into())
}

/// Drawable questions of a rule: `(question_id, version)`, sorted so draws are reproducible.
pub async fn matching_questions(
    pool: &Pool,
    slug: &str,
    competence: Option<&str>,
    difficulty: Option<i64>,
) -> AppResult<Vec<(String, i64)>> {
    let mut rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT question_id, version FROM questions WHERE bank_slug = $1 AND retired = 0
           AND ($2 = '' OR competence = $2 OR competence LIKE $3) AND ($4 = 0 OR difficulty = $4)",
    )
    .bind(slug)
    .bind(competence.unwrap_or(""))
    .bind(format!("{}.%", competence.unwrap_or("")))
    .bind(difficulty.unwrap_or(0))
    .fetch_all(pool)
    .await?;
    rows.sort();
    Ok(rows)
}

/// Exact stored versions, by `(bank, question, version)`.
pub async fn load_version(
    pool: &Pool,
    slug: &str,
    question_id: &str,
    version: i64,
) -> AppResult<Question> {
    let body: Option<String> = sqlx::query_scalar(
        "SELECT body FROM question_versions WHERE bank_slug = $1 AND question_id = $2 AND version = $3",
    )
    .bind(slug)
    .bind(question_id)
    .bind(version)
    .fetch_optional(pool)
    .await?;
    match body {
        Some(body) => parse_body(&body),
        None => Err(FieldErrors::single(
            "question",
            format!("{slug}/{question_id} v{version} does not exist"),
        )),
    }
}
