use std::collections::{HashMap, HashSet};

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::OrgKind;
use super::store::{self, OrgUnit, code_key};
use crate::app::AppState;
use crate::auth::Admin;
use crate::auth::credentials::nfc;
use crate::db::new_id;
use crate::error::{AppResult, ErrorBody, FieldErrors};
use crate::http::{AppJson, CsvBody, RowError};

const MAX_IMPORT_ROWS: usize = 20_000;

fn parse_code(raw: &str) -> Result<String, String> {
    let code = raw.trim();
    let valid = (1..=64).contains(&code.len())
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if valid {
        Ok(code.to_owned())
    } else {
        Err("must be 1 to 64 characters of A-Z, a-z, 0-9, '.', '_' or '-'".into())
    }
}

fn parse_name(raw: &str) -> Result<String, String> {
    let name = nfc(raw.trim());
    if !(1..=200).contains(&name.chars().count()) {
        return Err("must be 1 to 200 characters".into());
    }
    if name.chars().any(char::is_control) {
        return Err("must not contain control characters".into());
    }
    Ok(name)
}

#[derive(Serialize, ToSchema)]
pub struct OrgUnitList {
    pub items: Vec<OrgUnit>,
    pub total: usize,
}

/// The whole tree as a list of units with their parents.
#[utoipa::path(get, path = "/org-units", tag = "org units", responses((status = 200, body = OrgUnitList)))]
pub async fn list_org_units(State(state): State<AppState>) -> AppResult<AppJson<OrgUnitList>> {
    let items = store::list(&state.db.pool).await?;
    Ok(AppJson(OrgUnitList {
        total: items.len(),
        items,
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct NewOrgUnit {
    pub code: String,
    pub name: String,
    #[schema(value_type = crate::orgs::OrgKind)]
    pub kind: String,
    pub parent_id: Option<String>,
}

/// Adds one unit under an existing parent (or at the top).
#[utoipa::path(post, path = "/org-units", tag = "org units", request_body = NewOrgUnit, security(("bearer" = [])),
    responses((status = 201, body = OrgUnit), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_org_unit(
    State(state): State<AppState>,
    Admin(_admin): Admin,
    AppJson(body): AppJson<NewOrgUnit>,
) -> AppResult<(StatusCode, AppJson<OrgUnit>)> {
    let mut errors = FieldErrors::new();
    let code = errors.take("code", parse_code(&body.code));
    let name = errors.take("name", parse_name(&body.name));
    let kind = errors.take("kind", OrgKind::parse(&body.kind));
    let (Some(code), Some(name), Some(kind)) = (code, name, kind) else {
        return Err(errors.into());
    };
    let unit = OrgUnit {
        id: new_id(),
        code,
        name,
        kind,
        parent_id: body.parent_id,
    };
    store::insert(&state.db.pool, &unit, state.clock.now_ms()).await?;
    Ok((StatusCode::CREATED, AppJson(unit)))
}

#[derive(Serialize, ToSchema)]
pub struct OrgImportResponse {
    pub created: usize,
    pub items: Vec<OrgUnit>,
}

struct ImportRow {
    line: usize,
    code: String,
    name: String,
    kind: OrgKind,
    parent_code: Option<String>,
}

/// Imports units from CSV `code,name,kind,parent_code`; a parent may be an existing unit or
/// another row of the file. Unknown parents, cycles and duplicate codes refuse the whole file.
#[utoipa::path(post, path = "/org-units/import", tag = "org units", security(("bearer" = [])),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 201, body = OrgImportResponse), (status = 422, body = ErrorBody, description = "validation_failed with details.rows")))]
pub async fn import_org_units(
    State(state): State<AppState>,
    Admin(_admin): Admin,
    CsvBody(table): CsvBody,
) -> AppResult<(StatusCode, AppJson<OrgImportResponse>)> {
    let records = table.records(&["code", "name", "kind", "parent_code"], MAX_IMPORT_ROWS)?;
    let existing = store::ids_by_code(&state.db.pool).await?;
    let mut errors = Vec::new();
    let mut rows: Vec<ImportRow> = Vec::new();
    let mut in_file: HashMap<String, usize> = HashMap::new();
    for record in &records {
        let mut fail =
            |field: &str, message: String| errors.push(RowError::new(record.line, field, message));
        let code = parse_code(record.get("code"))
            .map_err(|m| fail("code", m))
            .ok();
        let name = parse_name(record.get("name"))
            .map_err(|m| fail("name", m))
            .ok();
        let kind = OrgKind::parse(record.get("kind"))
            .map_err(|m| fail("kind", m))
            .ok();
        let parent = record.get("parent_code").trim();
        if let Some(code) = &code {
            let key = code_key(code);
            if existing.contains_key(&key) {
                fail("code", format!("{code:?} already exists"));
            } else if in_file.contains_key(&key) {
                fail("code", format!("{code:?} appears twice in this file"));
            }
        }
        if let (Some(code), Some(name), Some(kind)) = (code, name, kind) {
            in_file.insert(code_key(&code), rows.len());
            rows.push(ImportRow {
                line: record.line,
                code,
                name,
                kind,
                parent_code: (!parent.is_empty()).then(|| parent.to_owned()),
            });
        }
    }
    for row in &rows {
        if let Some(parent) = &row.parent_code {
            let key = code_key(parent);
            if !existing.contains_key(&key) && !in_file.contains_key(&key) {
                errors.push(RowError::new(
                    row.line,
                    "parent_code",
                    format!("no org unit has the code {parent:?}"),
                ));
            }
        }
    }
    let order = match topological_order(&rows, &in_file) {
        Ok(order) => order,
        Err(cyclic) => {
            for index in cyclic {
                errors.push(RowError::new(
                    rows[index].line,
                    "parent_code",
                    "its chain of parents forms a cycle".into(),
                ));
            }
            Vec::new()
        }
    };
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.line);
        return Err(RowError::into_app_error(errors));
    }

    let mut ids: HashMap<String, String> = existing;
    let now = state.clock.now_ms();
    let mut tx = state.db.pool.begin().await?;
    let mut items = Vec::with_capacity(rows.len());
    for index in order {
        let row = &rows[index];
        let unit = OrgUnit {
            id: new_id(),
            code: row.code.clone(),
            name: row.name.clone(),
            kind: row.kind,
            parent_id: row
                .parent_code
                .as_ref()
                .and_then(|p| ids.get(&code_key(p)).cloned()),
        };
        store::insert(&mut *tx, &unit, now).await?;
        ids.insert(code_key(&unit.code), unit.id.clone());
        items.push(unit);
    }
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        AppJson(OrgImportResponse {
            created: items.len(),
            items,
        }),
    ))
}

/// Orders rows so that parents come before children; rows left over sit on a cycle.
fn topological_order(
    rows: &[ImportRow],
    in_file: &HashMap<String, usize>,
) -> Result<Vec<usize>, Vec<usize>> {
    let parent_in_file = |row: &ImportRow| {
        row.parent_code
            .as_ref()
            .and_then(|p| in_file.get(&code_key(p)).copied())
    };
    let mut placed: HashSet<usize> = HashSet::new();
    let mut order = Vec::with_capacity(rows.len());
    loop {
        let before = order.len();
        for (index, row) in rows.iter().enumerate() {
            if !placed.contains(&index)
                && parent_in_file(row).is_none_or(|parent| placed.contains(&parent))
            {
                placed.insert(index);
                order.push(index);
            }
        }
        if order.len() == rows.len() {
            return Ok(order);
        }
        if order.len() == before {
            return Err((0..rows.len()).filter(|i| !placed.contains(i)).collect());
        }
    }
}
