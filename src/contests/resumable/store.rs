//! The rows of resumable uploads and their parts. Who may write an upload at a given moment
//! is decided here, by a lease taken with one conditional update: two PATCHes at one offset,
//! on one process or two, cannot both get it.
//!
//! A part's object is announced in `media_uploads` before it is written and leaves it in
//! the transaction that records the part, so a crash at any point leaves at most an object
//! the janitor already knows about.

use sqlx::FromRow;

use crate::db::Pool;
use crate::error::AppResult;

#[derive(Debug, Clone, FromRow)]
pub struct UploadRow {
    pub id: String,
    pub entry_id: String,
    pub user_id: String,
    pub total_bytes: i64,
    pub received_bytes: i64,
    pub original_name: Option<String>,
    pub created_at: i64,
    pub expires_at: i64,
    pub lease: Option<String>,
    pub lease_until: Option<i64>,
    pub media_id: Option<String>,
}

impl UploadRow {
    pub fn total(&self) -> u64 {
        u64::try_from(self.total_bytes).unwrap_or(0)
    }
    pub fn received(&self) -> u64 {
        u64::try_from(self.received_bytes).unwrap_or(0)
    }
    pub fn complete(&self) -> bool {
        self.received_bytes >= self.total_bytes
    }
}

const UPLOAD_COLUMNS: &str = "id, entry_id, user_id, total_bytes, received_bytes, original_name, created_at, \
     expires_at, lease, lease_until, media_id";

#[derive(Debug, Clone, FromRow)]
pub struct PartRow {
    pub starts_at: i64,
    pub bytes: i64,
    pub object_key: String,
}

pub async fn create(pool: &Pool, upload: &UploadRow) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO resumable_uploads (id, entry_id, user_id, total_bytes, received_bytes, original_name, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, 0, $5, $6, $7)",
    )
    .bind(&upload.id)
    .bind(&upload.entry_id)
    .bind(&upload.user_id)
    .bind(upload.total_bytes)
    .bind(&upload.original_name)
    .bind(upload.created_at)
    .bind(upload.expires_at)
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn find(pool: &Pool, id: &str) -> AppResult<Option<UploadRow>> {
    let sql = format!("SELECT {UPLOAD_COLUMNS} FROM resumable_uploads WHERE id = $1");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(pool)
        .await?)
}

/// The entry's uploads that have not become a recording, least recently active first.
pub async fn unfinished_for_entry(pool: &Pool, entry_id: &str) -> AppResult<Vec<UploadRow>> {
    let sql = format!(
        "SELECT {UPLOAD_COLUMNS} FROM resumable_uploads WHERE entry_id = $1 AND media_id IS NULL ORDER BY expires_at, id"
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(entry_id)
        .fetch_all(pool)
        .await?)
}

/// Takes the right to write the upload at `offset` for `lease_ms`: nobody holds it (or the
/// holder let it lapse), the upload is at that offset and not yet a recording. False if any
/// of that is not so.
pub async fn claim(
    pool: &Pool,
    id: &str,
    offset: i64,
    lease: &str,
    now_ms: i64,
    lease_ms: i64,
) -> AppResult<bool> {
    let claimed = sqlx::query(
        "UPDATE resumable_uploads SET lease = $1, lease_until = $2 \
         WHERE id = $3 AND received_bytes = $4 AND media_id IS NULL AND expires_at > $5 \
           AND (lease IS NULL OR lease_until <= $5)",
    )
    .bind(lease)
    .bind(now_ms.saturating_add(lease_ms))
    .bind(id)
    .bind(offset)
    .bind(now_ms)
    .execute(pool)
    .await?;
    Ok(claimed.rows_affected() == 1)
}

/// Extends a lease still held.
pub async fn extend(pool: &Pool, id: &str, lease: &str, until_ms: i64) -> AppResult<()> {
    sqlx::query("UPDATE resumable_uploads SET lease_until = $1 WHERE id = $2 AND lease = $3")
        .bind(until_ms)
        .bind(id)
        .bind(lease)
        .execute(pool)
        .await?;
    Ok(())
}

/// Gives a lease back without recording anything.
pub async fn release(pool: &Pool, id: &str, lease: &str) -> AppResult<()> {
    sqlx::query(
        "UPDATE resumable_uploads SET lease = NULL, lease_until = NULL WHERE id = $1 AND lease = $2",
    )
    .bind(id)
    .bind(lease)
    .execute(pool)
    .await?;
    Ok(())
}

/// Records a part written under `lease` and moves the offset past it, in one transaction;
/// false (nothing recorded) if the lease was lost meanwhile.
pub async fn record_part(
    pool: &Pool,
    id: &str,
    lease: &str,
    part: &PartRow,
    expires_at: i64,
) -> AppResult<bool> {
    let mut tx = pool.begin().await?;
    let moved = sqlx::query(
        "UPDATE resumable_uploads SET received_bytes = received_bytes + $1, expires_at = $2, lease = NULL, lease_until = NULL \
         WHERE id = $3 AND lease = $4 AND received_bytes = $5",
    )
    .bind(part.bytes)
    .bind(expires_at)
    .bind(id)
    .bind(lease)
    .bind(part.starts_at)
    .execute(&mut *tx)
    .await?;
    if moved.rows_affected() != 1 {
        tx.rollback().await?;
        return Ok(false);
    }
    sqlx::query(
        "INSERT INTO resumable_parts (upload_id, starts_at, bytes, object_key) VALUES ($1, $2, $3, $4)",
    )
    .bind(id)
    .bind(part.starts_at)
    .bind(part.bytes)
    .bind(&part.object_key)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM media_uploads WHERE object_key = $1")
        .bind(&part.object_key)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(true)
}

pub async fn parts(pool: &Pool, id: &str) -> AppResult<Vec<PartRow>> {
    Ok(sqlx::query_as(
        "SELECT starts_at, bytes, object_key FROM resumable_parts WHERE upload_id = $1 ORDER BY starts_at",
    )
    .bind(id)
    .fetch_all(pool)
    .await?)
}

/// Marks the upload as the recording `media_id` and drops its parts, whose objects become
/// pending deletes (returned, for the caller to delete; the janitor retries any it cannot).
pub async fn complete(pool: &Pool, upload: &UploadRow, media_id: &str) -> AppResult<Vec<String>> {
    let mut tx = pool.begin().await?;
    sqlx::query(
        "UPDATE resumable_uploads SET media_id = $1, lease = NULL, lease_until = NULL WHERE id = $2",
    )
    .bind(media_id)
    .bind(&upload.id)
    .execute(&mut *tx)
    .await?;
    let keys = drop_parts(&mut tx, upload).await?;
    tx.commit().await?;
    Ok(keys)
}

/// Removes the upload and its parts' rows; their objects become pending deletes (returned).
/// None if it was already gone.
pub async fn remove(pool: &Pool, upload: &UploadRow) -> AppResult<Option<Vec<String>>> {
    let mut tx = pool.begin().await?;
    let keys = drop_parts(&mut tx, upload).await?;
    let removed = sqlx::query("DELETE FROM resumable_uploads WHERE id = $1")
        .bind(&upload.id)
        .execute(&mut *tx)
        .await?;
    if removed.rows_affected() != 1 {
        tx.rollback().await?;
        return Ok(None);
    }
    tx.commit().await?;
    Ok(Some(keys))
}

/// Moves the upload's parts to the pending deletes. Writes first, so that on SQLite the
/// transaction holds the write lock from its first statement instead of failing to upgrade
/// a read snapshot another writer has moved past.
async fn drop_parts(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    upload: &UploadRow,
) -> AppResult<Vec<String>> {
    sqlx::query(
        "INSERT INTO media_uploads (object_key, entry_id, started_at) \
         SELECT object_key, $1, 0 FROM resumable_parts WHERE upload_id = $2",
    )
    .bind(&upload.entry_id)
    .bind(&upload.id)
    .execute(&mut **tx)
    .await?;
    Ok(
        sqlx::query_scalar("DELETE FROM resumable_parts WHERE upload_id = $1 RETURNING object_key")
            .bind(&upload.id)
            .fetch_all(&mut **tx)
            .await?,
    )
}

/// Uploads past their expiry that nobody is writing (unfinished ones lose their parts,
/// finished ones only stop answering `GET`).
pub async fn expired(pool: &Pool, now_ms: i64) -> AppResult<Vec<UploadRow>> {
    let sql = format!(
        "SELECT {UPLOAD_COLUMNS} FROM resumable_uploads \
         WHERE expires_at <= $1 AND (lease IS NULL OR lease_until <= $1) ORDER BY expires_at LIMIT 500"
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(now_ms)
        .fetch_all(pool)
        .await?)
}
