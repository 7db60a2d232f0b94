//! The entry and recording tables. Changes of an entry are conditional updates on its status
//! (and, for its recording, on the recording it had), so racing requests cannot both win.

use serde::{Deserialize, Serialize};
use sqlx::FromRow;
use utoipa::ToSchema;

use crate::db::Pool;
use crate::error::AppResult;

/// Where an entry stands: a draft its entrant edits, submitted and waiting for moderation,
/// or moderated (approved entries are public, judged and ranked).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EntryStatus {
    Draft,
    Submitted,
    Approved,
    Rejected,
    Disqualified,
}

impl EntryStatus {
    pub const ALL: [EntryStatus; 5] = [
        EntryStatus::Draft,
        EntryStatus::Submitted,
        EntryStatus::Approved,
        EntryStatus::Rejected,
        EntryStatus::Disqualified,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EntryStatus::Draft => "draft",
            EntryStatus::Submitted => "submitted",
            EntryStatus::Approved => "approved",
            EntryStatus::Rejected => "rejected",
            EntryStatus::Disqualified => "disqualified",
        }
    }
}

impl std::str::FromStr for EntryStatus {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        EntryStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == text)
            .ok_or_else(|| "must be draft, submitted, approved, rejected or disqualified".into())
    }
}

/// A stored status is parsed strictly: an unknown value is a fault of the record.
impl TryFrom<String> for EntryStatus {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        text.parse()
            .map_err(|_| format!("unknown entry status {text:?}"))
    }
}

#[derive(Debug, Clone, FromRow)]
pub struct EntryRow {
    pub id: String,
    pub contest_id: String,
    pub user_id: String,
    pub number: i64,
    pub title: String,
    pub description: String,
    #[sqlx(try_from = "String")]
    pub status: EntryStatus,
    pub media_id: Option<String>,
    pub entrant_consent_at: i64,
    pub guardian_name: Option<String>,
    pub guardian_consent_at: Option<i64>,
    pub moderation_reason: Option<String>,
    pub moderated_at: Option<i64>,
    pub submitted_at: Option<i64>,
    pub created_at: i64,
}

const ENTRY_COLUMNS: &str = "id, contest_id, user_id, number, title, description, status, media_id, entrant_consent_at, \
     guardian_name, guardian_consent_at, moderation_reason, moderated_at, submitted_at, created_at";

#[derive(Debug, Clone, FromRow)]
pub struct MediaRow {
    pub id: String,
    pub entry_id: String,
    pub object_key: String,
    pub content_type: String,
    pub container: String,
    pub kind: String,
    pub codecs: String,
    pub bytes: i64,
    pub sha256: String,
    pub duration_ms: i64,
    /// The uploader's file name, sanitised: her own and organizers' to see, never a judge's
    /// or the public's (it often carries her name).
    pub display_name: String,
    pub created_at: i64,
}

impl MediaRow {
    /// The name the recording is offered under to everyone: made by the server from the
    /// entry id's random tail (a UUIDv7's head is its creation time, shared by neighbours)
    /// and the container, so it says nothing about who uploaded it.
    pub fn download_name(&self) -> String {
        let hex: String = self
            .entry_id
            .chars()
            .filter(char::is_ascii_hexdigit)
            .collect();
        let tail = &hex[hex.len().saturating_sub(8)..];
        format!("entry-{tail}.{}", self.container)
    }
}

const MEDIA_COLUMNS: &str = "id, entry_id, object_key, content_type, container, kind, codecs, bytes, sha256, duration_ms, \
     display_name, created_at";

pub async fn find(pool: &Pool, id: &str) -> AppResult<Option<EntryRow>> {
    let sql = format!("SELECT {ENTRY_COLUMNS} FROM entries WHERE id = $1");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(pool)
        .await?)
}

pub async fn count_for(pool: &Pool, contest_id: &str, user_id: &str) -> AppResult<i64> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM entries WHERE contest_id = $1 AND user_id = $2")
            .bind(contest_id)
            .bind(user_id)
            .fetch_one(pool)
            .await?,
    )
}

pub struct NewEntry<'a> {
    pub id: &'a str,
    pub contest_id: &'a str,
    pub user_id: &'a str,
    pub number: i64,
    pub title: &'a str,
    pub description: &'a str,
    pub guardian_name: Option<&'a str>,
    pub now_ms: i64,
}

/// Inserts a draft; a unique violation means a concurrent request took this number.
pub async fn insert(pool: &Pool, entry: &NewEntry<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO entries (id, contest_id, user_id, number, title, description, status, media_id,
             entrant_consent_at, guardian_name, guardian_consent_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'draft', NULL, $7, $8, $9, $7, $7)",
    )
    .bind(entry.id)
    .bind(entry.contest_id)
    .bind(entry.user_id)
    .bind(entry.number)
    .bind(entry.title)
    .bind(entry.description)
    .bind(entry.now_ms)
    .bind(entry.guardian_name)
    .bind(entry.guardian_name.map(|_| entry.now_ms))
    .execute(pool)
    .await?;
    Ok(())
}

/// draft with a recording → submitted.
pub async fn submit(pool: &Pool, entry_id: &str, now_ms: i64) -> AppResult<bool> {
    let result = sqlx::query(
        "UPDATE entries SET status = 'submitted', submitted_at = $1, updated_at = $1
         WHERE id = $2 AND status = 'draft' AND media_id IS NOT NULL",
    )
    .bind(now_ms)
    .bind(entry_id)
    .execute(pool)
    .await?;
    Ok(result.rows_affected() == 1)
}

/// Records a moderation decision on a submitted (or already moderated) entry, with its
/// history row, in one transaction. It changes the entry's line on the contest board.
pub async fn moderate(
    pool: &Pool,
    entry_id: &str,
    decision: &str,
    status: EntryStatus,
    reason: &str,
    decided_by: &str,
    now_ms: i64,
) -> AppResult<bool> {
    let mut tx = pool.begin().await?;
    let result = sqlx::query(
        "UPDATE entries SET status = $1, moderation_reason = $2, moderated_by = $3, moderated_at = $4, updated_at = $4,
             board_rev = board_rev + 1
         WHERE id = $5 AND status <> 'draft'",
    )
    .bind(status.as_str())
    .bind(reason)
    .bind(decided_by)
    .bind(now_ms)
    .bind(entry_id)
    .execute(&mut *tx)
    .await?;
    if result.rows_affected() != 1 {
        return Ok(false);
    }
    sqlx::query(
        "INSERT INTO entry_moderation (id, entry_id, decision, reason, decided_by, decided_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(crate::db::new_id())
    .bind(entry_id)
    .bind(decision)
    .bind(reason)
    .bind(decided_by)
    .bind(now_ms)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// Marks a change to the entry's line on its contest board (see `contests::standings`), in
/// the transaction that makes the change.
pub async fn bump_board_rev<'e, E>(executor: E, entry_id: &str) -> AppResult<()>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query("UPDATE entries SET board_rev = board_rev + 1 WHERE id = $1")
        .bind(entry_id)
        .execute(executor)
        .await?;
    Ok(())
}

/// One line of a gallery or listing: the entry, its recording and its author's chosen
/// display name.
#[derive(Debug, Clone, FromRow)]
pub struct ListedEntry {
    pub id: String,
    pub contest_id: String,
    pub user_id: String,
    pub display_name: String,
    #[sqlx(try_from = "i64")]
    pub display_name_chosen: crate::db::Flag,
    pub org_unit_name: Option<String>,
    pub title: String,
    pub description: String,
    #[sqlx(try_from = "String")]
    pub status: EntryStatus,
    pub media_id: Option<String>,
    pub content_type: Option<String>,
    pub kind: Option<String>,
    pub duration_ms: Option<i64>,
    pub bytes: Option<i64>,
    pub submitted_at: Option<i64>,
}

/// Entries of a contest, optionally of one status, oldest submission first.
pub async fn list(
    pool: &Pool,
    contest_id: &str,
    status: Option<EntryStatus>,
    limit: i64,
    offset: i64,
) -> AppResult<(Vec<ListedEntry>, i64)> {
    let filter = if status.is_some() {
        "e.contest_id = $1 AND e.status = $2"
    } else {
        "e.contest_id = $1 AND $2 = $2"
    };
    let status_bind = status.map_or("", EntryStatus::as_str);
    let count_sql = format!("SELECT COUNT(*) FROM entries e WHERE {filter}");
    let total: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(count_sql))
        .bind(contest_id)
        .bind(status_bind)
        .fetch_one(pool)
        .await?;
    let sql = format!(
        "SELECT e.id, e.contest_id, e.user_id, u.display_name, u.display_name_chosen, o.name AS org_unit_name,
                e.title, e.description, e.status, e.media_id,
                m.content_type, m.kind, m.duration_ms, m.bytes, e.submitted_at
         FROM entries e
         JOIN users u ON u.id = e.user_id
         LEFT JOIN org_units o ON o.id = u.org_unit_id
         LEFT JOIN entry_media m ON m.id = e.media_id
         WHERE {filter}
         ORDER BY e.submitted_at IS NULL, e.submitted_at, e.id
         LIMIT $3 OFFSET $4"
    );
    let rows = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(contest_id)
        .bind(status_bind)
        .bind(limit)
        .bind(offset)
        .fetch_all(pool)
        .await?;
    Ok((rows, total))
}

pub async fn find_media(pool: &Pool, media_id: &str) -> AppResult<Option<MediaRow>> {
    let sql = format!("SELECT {MEDIA_COLUMNS} FROM entry_media WHERE id = $1");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(media_id)
        .fetch_optional(pool)
        .await?)
}

/// Notes an object about to be written, so a crash mid-upload leaves a trace for the janitor.
pub async fn begin_upload(
    pool: &Pool,
    object_key: &str,
    entry_id: &str,
    now_ms: i64,
) -> AppResult<()> {
    sqlx::query("INSERT INTO media_uploads (object_key, entry_id, started_at) VALUES ($1, $2, $3)")
        .bind(object_key)
        .bind(entry_id)
        .bind(now_ms)
        .execute(pool)
        .await?;
    Ok(())
}

pub async fn end_upload(pool: &Pool, object_key: &str) -> AppResult<()> {
    sqlx::query("DELETE FROM media_uploads WHERE object_key = $1")
        .bind(object_key)
        .execute(pool)
        .await?;
    Ok(())
}

/// Notes that the upload writing `object_key` is still running.
pub async fn keep_upload_alive(pool: &Pool, object_key: &str, now_ms: i64) -> AppResult<()> {
    sqlx::query("UPDATE media_uploads SET alive_at = $1 WHERE object_key = $2")
        .bind(now_ms)
        .bind(object_key)
        .execute(pool)
        .await?;
    Ok(())
}

/// Uploads not heard from since `before_ms` that never finished: their objects are orphans.
pub async fn stale_uploads(pool: &Pool, before_ms: i64) -> AppResult<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT object_key FROM media_uploads WHERE COALESCE(alive_at, started_at) < $1 ORDER BY started_at LIMIT 500",
    )
    .bind(before_ms)
    .fetch_all(pool)
    .await?)
}

pub enum Attached {
    /// The entry now plays this recording; the one it replaced (if any) is to be deleted.
    Done { replaced: Option<Box<MediaRow>> },
    /// The entry left the draft state meanwhile: the new object is to be deleted.
    NotDraft,
}

/// Makes `media` the entry's recording if the entry is still a draft and still has the
/// recording `previous` it had when the upload began; retried by the caller otherwise.
pub async fn attach_media(pool: &Pool, media: &MediaRow, now_ms: i64) -> AppResult<Attached> {
    for _ in 0..10 {
        let Some(entry) = find(pool, &media.entry_id).await? else {
            return Ok(Attached::NotDraft);
        };
        if entry.status != EntryStatus::Draft {
            return Ok(Attached::NotDraft);
        }
        let previous = match &entry.media_id {
            Some(id) => find_media(pool, id).await?,
            None => None,
        };
        let mut tx = pool.begin().await?;
        let swapped = match &entry.media_id {
            Some(previous_id) => sqlx::query(
                "UPDATE entries SET media_id = $1, updated_at = $2 WHERE id = $3 AND status = 'draft' AND media_id = $4",
            )
            .bind(&media.id)
            .bind(now_ms)
            .bind(&media.entry_id)
            .bind(previous_id)
            .execute(&mut *tx)
            .await?,
            None => sqlx::query(
                "UPDATE entries SET media_id = $1, updated_at = $2 WHERE id = $3 AND status = 'draft' AND media_id IS NULL",
            )
            .bind(&media.id)
            .bind(now_ms)
            .bind(&media.entry_id)
            .execute(&mut *tx)
            .await?,
        };
        if swapped.rows_affected() != 1 {
            tx.rollback().await?;
            continue;
        }
        let sql = format!(
            "INSERT INTO entry_media ({MEDIA_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(&media.id)
            .bind(&media.entry_id)
            .bind(&media.object_key)
            .bind(&media.content_type)
            .bind(&media.container)
            .bind(&media.kind)
            .bind(&media.codecs)
            .bind(media.bytes)
            .bind(&media.sha256)
            .bind(media.duration_ms)
            .bind(&media.display_name)
            .bind(media.created_at)
            .execute(&mut *tx)
            .await?;
        if let Some(previous) = &previous {
            sqlx::query("DELETE FROM entry_media WHERE id = $1")
                .bind(&previous.id)
                .execute(&mut *tx)
                .await?;
            // The old object is deleted after commit; until then it is a pending delete.
            sqlx::query(
                "INSERT INTO media_uploads (object_key, entry_id, started_at) VALUES ($1, $2, 0)",
            )
            .bind(&previous.object_key)
            .bind(&previous.entry_id)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query("DELETE FROM media_uploads WHERE object_key = $1")
            .bind(&media.object_key)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        return Ok(Attached::Done {
            replaced: previous.map(Box::new),
        });
    }
    Err(anyhow::anyhow!("the entry's recording kept changing under the upload").into())
}
