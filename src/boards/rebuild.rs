//! Boards from the database of record: each participant's counted attempt under the quiz's
//! policy, with the scopes of her org unit and every unit above it.

use std::collections::HashMap;

use sqlx::FromRow;

use super::entry::Entry;
use crate::auth::credentials::public_name;
use crate::db::{Flag, Pool};
use crate::error::AppResult;
use crate::quizzes::quiz::Ranking;

pub const SCOPE_ALL: &str = "all";

pub fn unit_scope(unit_id: &str) -> String {
    format!("org:{unit_id}")
}

/// The org tree in memory, for turning a unit into its scopes.
pub struct OrgTree {
    parents: HashMap<String, Option<String>>,
}

impl OrgTree {
    pub async fn load(pool: &Pool) -> AppResult<Self> {
        let rows: Vec<(String, Option<String>)> =
            sqlx::query_as("SELECT id, parent_id FROM org_units")
                .fetch_all(pool)
                .await?;
        Ok(Self {
            parents: rows.into_iter().collect(),
        })
    }

    /// `all`, then the unit and each unit above it.
    pub fn scopes(&self, unit: Option<&str>) -> Vec<String> {
        let mut scopes = vec![SCOPE_ALL.to_owned()];
        let mut current = unit.map(str::to_owned);
        while let Some(id) = current {
            if scopes.len() > 32 || scopes.contains(&unit_scope(&id)) {
                break;
            }
            scopes.push(unit_scope(&id));
            current = self.parents.get(&id).cloned().flatten();
        }
        scopes
    }
}

#[derive(FromRow)]
struct FinishedAttempt {
    id: String,
    user_id: String,
    number: i64,
    score_milli: Option<i64>,
    max_score_milli: i64,
    correct_count: Option<i64>,
    duration_ms: Option<i64>,
    finished_at: Option<i64>,
    display_name: String,
    #[sqlx(try_from = "i64")]
    display_name_chosen: Flag,
    org_unit_id: Option<String>,
    org_unit_name: Option<String>,
}

impl FinishedAttempt {
    fn into_entry(self) -> Entry {
        Entry {
            user_id: self.user_id,
            attempt_id: self.id,
            number: self.number,
            display_name: public_name(
                &self.display_name,
                self.display_name_chosen.0,
                self.org_unit_name.as_deref(),
            ),
            org_unit_id: self.org_unit_id,
            org_unit_name: self.org_unit_name,
            score_milli: self.score_milli.unwrap_or(0),
            max_score_milli: self.max_score_milli,
            correct_count: self.correct_count.unwrap_or(0),
            duration_ms: self.duration_ms.unwrap_or(0),
            finished_at: self.finished_at.unwrap_or(0),
        }
    }
}

const FINISHED: &str = "SELECT a.id, a.user_id, a.number, a.score_milli, a.max_score_milli, a.correct_count, a.duration_ms,
        a.finished_at, u.display_name, u.display_name_chosen, u.org_unit_id, o.name AS org_unit_name
     FROM attempts a JOIN users u ON u.id = a.user_id LEFT JOIN org_units o ON o.id = u.org_unit_id
     WHERE a.quiz_id = $1 AND a.status <> 'in_progress' AND a.finished_at <= $2 AND u.disabled = 0";

/// Every participant's counted attempt finished by `cutoff`, with its scopes.
pub async fn counted_entries(
    pool: &Pool,
    quiz_id: &str,
    ranking: Ranking,
    cutoff: Option<i64>,
) -> AppResult<Vec<(Entry, Vec<String>)>> {
    let rows: Vec<FinishedAttempt> = sqlx::query_as(FINISHED)
        .bind(quiz_id)
        .bind(cutoff.unwrap_or(i64::MAX))
        .fetch_all(pool)
        .await?;
    let mut counted: HashMap<String, (i64, Entry)> = HashMap::new();
    for row in rows {
        let number = row.number;
        let entry = row.into_entry();
        match counted.get(&entry.user_id) {
            Some((kept_number, kept)) => {
                let replace = match ranking {
                    Ranking::First => number < *kept_number,
                    Ranking::Best => entry.sort_key() < kept.sort_key(),
                };
                if replace {
                    counted.insert(entry.user_id.clone(), (number, entry));
                }
            }
            None => {
                counted.insert(entry.user_id.clone(), (number, entry));
            }
        }
    }
    let tree = OrgTree::load(pool).await?;
    Ok(counted
        .into_values()
        .map(|(_, entry)| {
            let scopes = tree.scopes(entry.org_unit_id.as_deref());
            (entry, scopes)
        })
        .collect())
}

/// One finished attempt as a board entry (`None` while it is in progress).
pub async fn entry_of_attempt(
    pool: &Pool,
    attempt_id: &str,
) -> AppResult<Option<(Entry, Vec<String>)>> {
    let sql = "SELECT a.id, a.user_id, a.number, a.score_milli, a.max_score_milli, a.correct_count, a.duration_ms,
            a.finished_at, u.display_name, u.display_name_chosen, u.org_unit_id, o.name AS org_unit_name
         FROM attempts a JOIN users u ON u.id = a.user_id LEFT JOIN org_units o ON o.id = u.org_unit_id
         WHERE a.id = $1 AND a.status <> 'in_progress' AND u.disabled = 0";
    let Some(row) = sqlx::query_as::<_, FinishedAttempt>(sql)
        .bind(attempt_id)
        .fetch_optional(pool)
        .await?
    else {
        return Ok(None);
    };
    let entry = row.into_entry();
    let mut scopes = vec![SCOPE_ALL.to_owned()];
    if let Some(unit) = &entry.org_unit_id {
        scopes.extend(
            crate::orgs::store::lineage(pool, unit)
                .await?
                .iter()
                .map(|id| unit_scope(id)),
        );
    }
    Ok(Some((entry, scopes)))
}

/// Entries of attempts graded since `since` and finished by `cutoff`, with their scopes: what
/// a build puts again after its swap.
pub async fn graded_since(
    pool: &Pool,
    quiz_id: &str,
    since: i64,
    cutoff: Option<i64>,
) -> AppResult<Vec<(Entry, Vec<String>)>> {
    let sql = format!("{FINISHED} AND a.graded_at >= $3");
    let rows: Vec<FinishedAttempt> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(quiz_id)
        .bind(cutoff.unwrap_or(i64::MAX))
        .bind(since)
        .fetch_all(pool)
        .await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let tree = OrgTree::load(pool).await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let entry = row.into_entry();
            let scopes = tree.scopes(entry.org_unit_id.as_deref());
            (entry, scopes)
        })
        .collect())
}
