//! The org tree in memory, as reports and the org-unit boards read it: a unit's path of
//! names, its code, and its nearest ancestor of a kind.

use std::collections::HashMap;

use crate::db::Pool;
use crate::error::AppResult;
use crate::orgs::OrgKind;

/// Deeper than any real tree; a bound so a corrupt parent chain cannot loop.
const MAX_DEPTH: usize = 32;

struct Unit {
    code: String,
    name: String,
    kind: OrgKind,
    parent: Option<String>,
}

/// Unit paths (`Quận … / Phường … / Trường … / Lớp …`) and kinds, from the tree in memory.
pub struct Units {
    units: HashMap<String, Unit>,
}

impl Units {
    pub async fn load(pool: &Pool) -> AppResult<Self> {
        let rows: Vec<(String, String, String, String, Option<String>)> =
            sqlx::query_as("SELECT id, code, name, kind, parent_id FROM org_units")
                .fetch_all(pool)
                .await?;
        Ok(Self {
            units: rows
                .into_iter()
                .map(|(id, code, name, kind, parent)| {
                    Ok((
                        id,
                        Unit {
                            code,
                            name,
                            kind: OrgKind::try_from(kind).map_err(anyhow::Error::msg)?,
                            parent,
                        },
                    ))
                })
                .collect::<AppResult<_>>()?,
        })
    }

    /// The unit and its ancestors, nearest first.
    fn chain<'a>(&'a self, unit: Option<&'a str>) -> impl Iterator<Item = (&'a str, &'a Unit)> {
        let mut current = unit;
        std::iter::from_fn(move || {
            let id = current?;
            let found = self.units.get_key_value(id)?;
            current = found.1.parent.as_deref();
            Some((found.0.as_str(), found.1))
        })
        .take(MAX_DEPTH)
    }

    pub fn path(&self, unit: Option<&str>) -> String {
        let mut names: Vec<&str> = self.chain(unit).map(|(_, u)| u.name.as_str()).collect();
        names.reverse();
        names.join(" / ")
    }

    /// The unit or the nearest one above it of `kind`.
    pub fn ancestor_of_kind(&self, unit: Option<&str>, kind: OrgKind) -> Option<String> {
        self.chain(unit)
            .find(|(_, u)| u.kind == kind)
            .map(|(id, _)| id.to_owned())
    }

    pub fn name(&self, unit: &str) -> String {
        self.units
            .get(unit)
            .map(|u| u.name.clone())
            .unwrap_or_default()
    }

    pub fn code(&self, unit: &str) -> String {
        self.units
            .get(unit)
            .map(|u| u.code.clone())
            .unwrap_or_default()
    }

    /// Units of `kind`, in the order of their paths.
    pub fn of_kind(&self, kind: OrgKind) -> Vec<String> {
        let mut ids: Vec<(String, String)> = self
            .units
            .iter()
            .filter(|(_, u)| u.kind == kind)
            .map(|(id, _)| (self.path(Some(id)), id.clone()))
            .collect();
        ids.sort();
        ids.into_iter().map(|(_, id)| id).collect()
    }
}
