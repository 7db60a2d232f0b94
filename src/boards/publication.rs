//! One publication protocol for quiz boards and contest results: the four states, and sealed
//! snapshots. A snapshot is the canonical JSON of what the public sees at a freeze or at
//! publication (object keys sorted, no whitespace) with its SHA-256, kept in one table; once
//! a board is published its snapshot is what every endpoint serves, byte for byte.

use std::str::FromStr;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use crate::db::Pool;
use crate::error::AppResult;

/// Who sees which standings: nobody but organizers (`hidden`), everyone the live standings
/// (`live`), the public the standings at freeze time (`frozen`), or everyone the final,
/// immutable snapshot (`published`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    Hidden,
    Live,
    Frozen,
    Published,
}

impl Visibility {
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Hidden => "hidden",
            Visibility::Live => "live",
            Visibility::Frozen => "frozen",
            Visibility::Published => "published",
        }
    }

    pub const ALL: [Visibility; 4] = [
        Visibility::Hidden,
        Visibility::Live,
        Visibility::Frozen,
        Visibility::Published,
    ];

    /// A state named in a form (`frozen`); anything else is `None`.
    pub fn named(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|state| state.as_str() == text)
    }

    /// The states an organizer may move to from this one: any other, until publication
    /// (after which nothing changes).
    pub fn changes_allowed(self) -> Vec<Visibility> {
        if self == Visibility::Published {
            return Vec::new();
        }
        Self::ALL.into_iter().filter(|to| *to != self).collect()
    }

    /// Whether the public sees standings in this state.
    pub fn shows_standings(self) -> bool {
        self != Visibility::Hidden
    }
}

/// A stored state is parsed strictly: an unknown value is a fault of the record, never
/// silently `live`.
impl FromStr for Visibility {
    type Err = anyhow::Error;

    fn from_str(text: &str) -> anyhow::Result<Self> {
        match text {
            "hidden" => Ok(Visibility::Hidden),
            "live" => Ok(Visibility::Live),
            "frozen" => Ok(Visibility::Frozen),
            "published" => Ok(Visibility::Published),
            other => Err(anyhow::anyhow!(
                "unknown board state {other:?} in the record"
            )),
        }
    }
}

/// Which snapshot: the one a freeze keeps, or the final one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SnapshotKind {
    Frozen,
    Published,
}

impl SnapshotKind {
    fn as_str(self) -> &'static str {
        match self {
            SnapshotKind::Frozen => "frozen",
            SnapshotKind::Published => "published",
        }
    }
}

/// JSON with object keys sorted and no whitespace: the bytes a snapshot's hash covers.
pub fn canonical_json(value: &Value) -> String {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let fields: Vec<String> = keys
                .into_iter()
                .map(|key| {
                    format!(
                        "{}:{}",
                        Value::String(key.clone()),
                        canonical_json(&map[key.as_str()])
                    )
                })
                .collect();
            format!("{{{}}}", fields.join(","))
        }
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(canonical_json).collect();
            format!("[{}]", items.join(","))
        }
        other => other.to_string(),
    }
}

/// A snapshot's canonical JSON and its SHA-256 (hex).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    pub taken_at: i64,
    pub body: String,
    pub sha256: String,
}

impl Sealed {
    pub fn of(value: &impl Serialize, taken_at: i64) -> AppResult<Self> {
        let body = canonical_json(&serde_json::to_value(value).map_err(anyhow::Error::from)?);
        let sha256 = hex::encode(Sha256::digest(body.as_bytes()));
        Ok(Sealed {
            taken_at,
            body,
            sha256,
        })
    }

    pub fn parse<T: serde::de::DeserializeOwned>(&self) -> AppResult<T> {
        Ok(serde_json::from_str(&self.body)
            .map_err(|e| anyhow::anyhow!("stored board snapshot: {e}"))?)
    }
}

/// Keeps a snapshot. A published one is never replaced (the insert does nothing and answers
/// false when one exists); a freeze's is replaced by the next freeze.
pub async fn keep<'e, E>(
    executor: E,
    board: &str,
    kind: SnapshotKind,
    sealed: &Sealed,
) -> AppResult<bool>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let sql = match kind {
        SnapshotKind::Published => {
            "INSERT INTO board_snapshots (board, kind, taken_at, body, sha256) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (board, kind) DO NOTHING"
        }
        SnapshotKind::Frozen => {
            "INSERT INTO board_snapshots (board, kind, taken_at, body, sha256) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (board, kind) DO UPDATE SET taken_at = excluded.taken_at, body = excluded.body, sha256 = excluded.sha256"
        }
    };
    let result = sqlx::query(sql)
        .bind(board)
        .bind(kind.as_str())
        .bind(sealed.taken_at)
        .bind(&sealed.body)
        .bind(&sealed.sha256)
        .execute(executor)
        .await?;
    Ok(result.rows_affected() == 1)
}

pub async fn find(pool: &Pool, board: &str, kind: SnapshotKind) -> AppResult<Option<Sealed>> {
    let row: Option<(i64, String, String)> = sqlx::query_as(
        "SELECT taken_at, body, sha256 FROM board_snapshots WHERE board = $1 AND kind = $2",
    )
    .bind(board)
    .bind(kind.as_str())
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|(taken_at, body, sha256)| Sealed {
        taken_at,
        body,
        sha256,
    }))
}

/// The snapshot table's name for a quiz's board.
pub fn quiz_board(quiz_id: &str) -> String {
    format!("quiz:{quiz_id}")
}

/// The snapshot table's name for a contest's results.
pub fn contest_results(contest_id: &str) -> String {
    format!("contest:{contest_id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_json_sorts_keys_without_spaces() {
        let value = serde_json::json!({"b": 1, "a": [{"z": null, "y": "Việt"}], "c": 2.5});
        assert_eq!(
            canonical_json(&value),
            r#"{"a":[{"y":"Việt","z":null}],"b":1,"c":2.5}"#
        );
    }

    #[test]
    fn states_parse_strictly() {
        for state in [
            Visibility::Hidden,
            Visibility::Live,
            Visibility::Frozen,
            Visibility::Published,
        ] {
            assert_eq!(state.as_str().parse::<Visibility>().ok(), Some(state));
        }
        assert!("Live".parse::<Visibility>().is_err());
        assert!("".parse::<Visibility>().is_err());
    }

    #[test]
    fn a_seal_hashes_its_body() {
        let sealed = Sealed::of(&serde_json::json!({"b": [1], "a": "x"}), 7).expect("seal");
        assert_eq!(sealed.body, r#"{"a":"x","b":[1]}"#);
        assert_eq!(
            sealed.sha256,
            hex::encode(Sha256::digest(sealed.body.as_bytes()))
        );
    }
}
