//! The `org_units` table.

use std::collections::HashMap;

use serde::Serialize;
use sqlx::FromRow;
use utoipa::ToSchema;

use crate::db::{self, Pool};
use crate::error::{AppError, AppResult, ErrorCode, FieldErrors};
use crate::orgs::OrgKind;

#[derive(Debug, Clone, Serialize, FromRow, ToSchema)]
pub struct OrgUnit {
    pub id: String,
    pub code: String,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub kind: OrgKind,
    pub parent_id: Option<String>,
}

/// Codes are unique case-insensitively: `P.DV` and `p.dv` are the same unit.
pub fn code_key(code: &str) -> String {
    crate::auth::credentials::nfc(code.trim()).to_lowercase()
}

pub async fn list(pool: &Pool) -> AppResult<Vec<OrgUnit>> {
    Ok(sqlx::query_as::<_, OrgUnit>(
        "SELECT id, code, name, kind, parent_id FROM org_units ORDER BY code_key",
    )
    .fetch_all(pool)
    .await?)
}

pub async fn ids_by_code(pool: &Pool) -> AppResult<HashMap<String, String>> {
    let rows: Vec<(String, String)> = sqlx::query_as("SELECT code_key, id FROM org_units")
        .fetch_all(pool)
        .await?;
    Ok(rows.into_iter().collect())
}

pub async fn find(pool: &Pool, id: &str) -> AppResult<Option<OrgUnit>> {
    Ok(sqlx::query_as::<_, OrgUnit>(
        "SELECT id, code, name, kind, parent_id FROM org_units WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?)
}

pub async fn insert<'e, E>(executor: E, unit: &OrgUnit, now_ms: i64) -> AppResult<()>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query("INSERT INTO org_units (id, code, code_key, name, kind, parent_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(&unit.id)
        .bind(&unit.code)
        .bind(code_key(&unit.code))
        .bind(&unit.name)
        .bind(unit.kind.as_str())
        .bind(&unit.parent_id)
        .bind(now_ms)
        .execute(executor)
        .await
        .map_err(|error| {
            if db::is_unique_violation(&error) {
                AppError::conflict(ErrorCode::OrgCodeTaken, format!("an org unit with the code {:?} exists", unit.code))
            } else if db::is_foreign_key_violation(&error) {
                FieldErrors::single("parent_id", "no such org unit")
            } else {
                error.into()
            }
        })?;
    Ok(())
}

/// The unit and every unit above it, nearest first (class → school → ward → district).
pub async fn lineage(pool: &Pool, unit_id: &str) -> AppResult<Vec<String>> {
    let mut chain = vec![unit_id.to_owned()];
    let mut current = unit_id.to_owned();
    // The import refuses cycles; the bound only guards against a hand-edited database.
    for _ in 0..32 {
        let parent: Option<Option<String>> =
            sqlx::query_scalar("SELECT parent_id FROM org_units WHERE id = $1")
                .bind(&current)
                .fetch_optional(pool)
                .await?;
        match parent.flatten() {
            Some(parent) if !chain.contains(&parent) => {
                chain.push(parent.clone());
                current = parent;
            }
            _ => break,
        }
    }
    Ok(chain)
}

/// Units in tree order (each after its parent, siblings by name) with their depth, for a
/// picker that shows the tree.
pub fn tree_order(units: Vec<OrgUnit>) -> Vec<(OrgUnit, usize)> {
    let mut children: HashMap<Option<String>, Vec<OrgUnit>> = HashMap::new();
    let known: std::collections::HashSet<String> = units.iter().map(|u| u.id.clone()).collect();
    for unit in units {
        let parent = unit.parent_id.clone().filter(|p| known.contains(p));
        children.entry(parent).or_default().push(unit);
    }
    for siblings in children.values_mut() {
        siblings.sort_by(|a, b| a.name.cmp(&b.name));
    }
    let mut ordered = Vec::new();
    let mut stack: Vec<(OrgUnit, usize)> = children
        .remove(&None)
        .unwrap_or_default()
        .into_iter()
        .rev()
        .map(|u| (u, 0))
        .collect();
    while let Some((unit, depth)) = stack.pop() {
        if depth < 32
            && let Some(kids) = children.remove(&Some(unit.id.clone()))
        {
            stack.extend(kids.into_iter().rev().map(|k| (k, depth + 1)));
        }
        ordered.push((unit, depth));
    }
    ordered
}

/// `root` and every unit below it, among `units` (the whole tree); `None` when `root` is not
/// one of them.
pub fn subtree(units: &[OrgUnit], root: &str) -> Option<Vec<String>> {
    if !units.iter().any(|unit| unit.id == root) {
        return None;
    }
    let mut children: HashMap<&str, Vec<&str>> = HashMap::new();
    for unit in units {
        if let Some(parent) = &unit.parent_id {
            children.entry(parent.as_str()).or_default().push(&unit.id);
        }
    }
    let mut found = vec![root.to_owned()];
    let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::from([root]);
    let mut stack = vec![root];
    while let Some(id) = stack.pop() {
        for &child in children.get(id).into_iter().flatten() {
            // A hand-edited cycle must not loop.
            if seen.insert(child) {
                found.push(child.to_owned());
                stack.push(child);
            }
        }
    }
    Some(found)
}
