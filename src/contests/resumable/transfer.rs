//! Moving an upload's bytes: the lease that lets one request write it, a PATCH body written
//! as one part object, the parts put back together in a staging file when the last byte is
//! in, and an upload's removal.
//!
//! Parts are objects of their own (`uploads/<id>/<offset>-<nonce>`) in the recordings'
//! store rather than parts of one S3 multipart upload: tus lets a client send any number of
//! bytes per PATCH (and keeps what arrived before a drop), while S3 wants parts of 5 MiB but
//! the last; and the whole file has to come back to local disk anyway, to be probed and have
//! its tags blanked in place, before the recording is written (with S3 multipart) under its
//! own key. Any process can take the next PATCH: all it needs is in the database and the
//! store.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::body::Body;
use futures::StreamExt;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStoreExt, WriteMultipart};
use tokio::io::AsyncWriteExt;

use super::protocol::{Checksum, PartHasher};
use super::store::{self, PartRow, UploadRow};
use crate::app::AppState;
use crate::contests::contest::Contest;
use crate::contests::entries::MediaView;
use crate::contests::entry_store::{self, EntryRow};
use crate::contests::pace::{Cut, PacedBody};
use crate::contests::upload::{self, PendingObject, SNIFF_LEN, Staged, StagingFile};
use crate::db;
use crate::error::{AppError, AppResult, ErrorCode};

/// How long a writer may go without a byte before another request may take over: a phone
/// whose connection died leaves its request open on the server until the idle timeout, and
/// its resumed PATCH should not wait for that.
const LEASE: Duration = Duration::from_secs(15);
const LEASE_BEAT: Duration = Duration::from_secs(5);

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

pub fn offset_mismatch(offset: u64) -> AppError {
    AppError::conflict(
        ErrorCode::UploadOffsetMismatch,
        format!("the upload is at offset {offset}, or another request is writing it now"),
    )
    .with_details(serde_json::json!({ "offset": offset }))
}

/// The right to write one upload, held by one request and renewed while bytes arrive (or,
/// once `busy`, while the recording is checked); given back when dropped.
pub struct Lease {
    state: AppState,
    upload_id: String,
    token: String,
    progress: Arc<AtomicU64>,
    _renewal: upload::Heartbeat,
}

impl Lease {
    /// 409 `upload_offset_mismatch` unless the upload is at `offset` and nobody is writing it.
    pub async fn claim(state: &AppState, upload: &UploadRow, offset: u64) -> AppResult<Self> {
        let token = db::new_id();
        let now = state.clock.now_ms();
        let at = i64::try_from(offset).unwrap_or(i64::MAX);
        if !store::claim(&state.db.pool, &upload.id, at, &token, now, millis(LEASE)).await? {
            return Err(offset_mismatch(upload.received()));
        }
        let progress = Arc::new(AtomicU64::new(0));
        let last_seen = Arc::new(AtomicU64::new(0));
        let (beat_state, beat_id, beat_token, beat_progress) = (
            state.clone(),
            upload.id.clone(),
            token.clone(),
            progress.clone(),
        );
        let renewal = upload::Heartbeat::every(LEASE_BEAT, move || {
            let (state, id, token) = (beat_state.clone(), beat_id.clone(), beat_token.clone());
            let now_progress = beat_progress.load(Ordering::Relaxed);
            // A writer that received nothing since the last beat lets its lease run out.
            let moved = now_progress == u64::MAX
                || last_seen.swap(now_progress, Ordering::Relaxed) != now_progress;
            async move {
                if !moved {
                    return;
                }
                let until = state.clock.now_ms().saturating_add(millis(LEASE));
                if let Err(error) = store::extend(&state.db.pool, &id, &token, until).await {
                    tracing::warn!(%error, upload = id, "could not renew an upload's lease");
                }
            }
        });
        Ok(Self {
            state: state.clone(),
            upload_id: upload.id.clone(),
            token,
            progress,
            _renewal: renewal,
        })
    }

    /// Keeps the lease while work that receives no bytes runs (checking the recording).
    pub fn hold_while_busy(&self) {
        self.progress.store(u64::MAX, Ordering::Relaxed);
    }

    fn note(&self, bytes: usize) {
        self.progress.fetch_add(bytes as u64, Ordering::Relaxed);
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        // Recording a part or completing the upload already cleared it; this is for every
        // other way out. Conditional on the token, so a lease taken over is left alone.
        let (state, id, token) = (
            self.state.clone(),
            self.upload_id.clone(),
            self.token.clone(),
        );
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                let _ = store::release(&state.db.pool, &id, &token).await;
            });
        }
    }
}

/// How a PATCH's body ended.
pub enum Appended {
    /// Its bytes are recorded; the upload is now at `offset`.
    Recorded { offset: u64 },
    /// What arrived before the body was cut is recorded; the request still fails with this.
    Interrupted { offset: u64, error: AppError },
}

/// Writes the PATCH body as one part starting at `offset`: counted against the upload's
/// length, paced, hashed when the client sent a checksum, and recorded only if all of that
/// holds. A body cut short keeps what arrived (unless it had a checksum, which can then not
/// be checked); a refused one leaves no object.
pub async fn append(
    state: &AppState,
    lease: &Lease,
    upload: &UploadRow,
    offset: u64,
    checksum: Option<Checksum>,
    body: Body,
) -> AppResult<Appended> {
    let remaining = upload.total().saturating_sub(offset);
    let key = format!("uploads/{}/{offset:020}-{}", upload.id, db::new_id());
    let now = state.clock.now_ms();
    entry_store::begin_upload(&state.db.pool, &key, &upload.entry_id, now).await?;
    let pending = PendingObject::new(state, &key);
    let multipart = state
        .recordings
        .store
        .store
        .put_multipart(&ObjectPath::from(key.as_str()))
        .await
        .map_err(|e| storage_error(e, "starting a part"))?;
    // S3 takes parts of 5 MiB at least; a local file takes any, and smaller ones hold less.
    let chunk = match state.recordings.store.local_root {
        Some(_) => upload::READ_CHUNK,
        None => upload::PART_LEN,
    };
    let mut writer = WriteMultipart::new_with_chunk_size(multipart, chunk);
    let mut hasher = checksum.as_ref().map(|c| PartHasher::new(c.algorithm));
    let mut head = (offset == 0).then(|| Vec::with_capacity(SNIFF_LEN));
    let mut body = PacedBody::new(body.into_data_stream(), &state.config.media);
    let mut bytes = 0u64;
    let cut = loop {
        let chunk = match body.next().await {
            Ok(Some(chunk)) => chunk,
            Ok(None) => break None,
            Err(Cut::Pace(breach)) => break Some(upload::stalled(state, breach)),
            Err(Cut::Body(_)) => {
                break Some(AppError::bad_request(
                    "the connection dropped before the end of the part",
                ));
            }
        };
        if bytes.saturating_add(chunk.len() as u64) > remaining {
            let _ = writer.abort().await;
            return Err(AppError::payload_too_large(upload.total()));
        }
        if let Some(sniffed) = head.as_mut()
            && sniffed.len() < SNIFF_LEN
        {
            let take = (SNIFF_LEN - sniffed.len()).min(chunk.len());
            sniffed.extend_from_slice(&chunk[..take]);
            if sniffed.len() == SNIFF_LEN
                && let Err(refusal) = upload::refuse_unless_media(sniffed)
            {
                let _ = writer.abort().await;
                return Err(refusal);
            }
        }
        if let Some(hasher) = hasher.as_mut() {
            hasher.update(&chunk);
        }
        if let Err(error) = writer.wait_for_capacity(2).await {
            let _ = writer.abort().await;
            return Err(storage_error(error, "writing a part"));
        }
        writer.write(&chunk);
        bytes = bytes.saturating_add(chunk.len() as u64);
        lease.note(chunk.len());
    };
    // A part that cannot be checked is dropped whole: the client sends it again.
    let verified = match (&checksum, hasher) {
        (Some(_), _) if cut.is_some() => false,
        (Some(checksum), Some(hasher)) => {
            if !hasher.matches(&checksum.digest) {
                let _ = writer.abort().await;
                return Err(AppError::api(
                    ErrorCode::ChecksumMismatch,
                    "the part does not match its Upload-Checksum; nothing of it was kept",
                ));
            }
            true
        }
        _ => true,
    };
    if bytes == 0 || !verified {
        let _ = writer.abort().await;
        return match cut {
            Some(error) => Err(error),
            None => Ok(Appended::Recorded { offset }),
        };
    }
    if let Some(sniffed) = head.as_ref()
        && bytes == upload.total()
        && sniffed.len() < SNIFF_LEN
    {
        // The whole recording was smaller than the sniffer's window.
        if let Err(refusal) = upload::refuse_unless_media(sniffed) {
            let _ = writer.abort().await;
            return Err(refusal);
        }
    }
    writer
        .finish()
        .await
        .map_err(|e| storage_error(e, "completing a part"))?;
    let part = PartRow {
        starts_at: i64::try_from(offset).unwrap_or(i64::MAX),
        bytes: i64::try_from(bytes).unwrap_or(i64::MAX),
        object_key: key,
    };
    let expires_at = state
        .clock
        .now_ms()
        .saturating_add(millis(state.config.media.resumable_expiry));
    if !store::record_part(&state.db.pool, &upload.id, &lease.token, &part, expires_at).await? {
        // Another request took the upload over meanwhile; `pending` deletes this part.
        return Err(offset_mismatch(offset));
    }
    pending.disarm();
    let offset = offset + bytes;
    Ok(match cut {
        Some(error) => Appended::Interrupted { offset, error },
        None => Appended::Recorded { offset },
    })
}

fn storage_error(error: object_store::Error, doing: &'static str) -> AppError {
    AppError::Internal(anyhow::Error::from(error).context(doing))
}

/// Puts the parts back together in a staging file, in order, checking they tile the upload.
async fn assemble(state: &AppState, upload: &UploadRow) -> AppResult<Staged> {
    let parts = store::parts(&state.db.pool, &upload.id).await?;
    let mut expected = 0i64;
    for part in &parts {
        if part.starts_at != expected {
            return Err(AppError::Internal(anyhow::anyhow!(
                "upload {} has a gap at {expected}",
                upload.id
            )));
        }
        expected = expected.saturating_add(part.bytes);
    }
    if expected != upload.total_bytes {
        return Err(AppError::Internal(anyhow::anyhow!(
            "upload {} has {expected} of {} bytes",
            upload.id,
            upload.total_bytes
        )));
    }
    let file = StagingFile::create_in(state);
    match state.recordings.store.local_root.as_deref() {
        Some(root) => copy_local_parts(root, &parts, &file.path).await?,
        None => copy_stored_parts(state, &parts, &file.path).await?,
    }
    Ok(Staged {
        file,
        bytes: upload.total(),
    })
}

/// Parts on this disk are put together by the kernel (`copy_file_range`), not through us.
async fn copy_local_parts(root: &Path, parts: &[PartRow], target: &Path) -> AppResult<()> {
    let sources: Vec<PathBuf> = parts.iter().map(|p| root.join(&p.object_key)).collect();
    let target = target.to_owned();
    tokio::task::spawn_blocking(move || -> std::io::Result<()> {
        let mut out = std::fs::File::create(&target)?;
        for source in sources {
            std::io::copy(&mut std::fs::File::open(source)?, &mut out)?;
        }
        Ok(())
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))?
    .map_err(|e| upload::staging_error(e, "putting the parts together"))
}

/// Parts in an object store come back as streams.
async fn copy_stored_parts(state: &AppState, parts: &[PartRow], target: &Path) -> AppResult<()> {
    let mut out = tokio::io::BufWriter::with_capacity(
        256 * 1024,
        tokio::fs::File::create(target)
            .await
            .map_err(|e| upload::staging_error(e, "creating a staging file"))?,
    );
    for part in parts {
        let object = state
            .recordings
            .store
            .store
            .get(&ObjectPath::from(part.object_key.as_str()))
            .await
            .map_err(|e| storage_error(e, "reading a part"))?;
        let mut stream = object.into_stream();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| storage_error(e, "reading a part"))?;
            out.write_all(&chunk)
                .await
                .map_err(|e| upload::staging_error(e, "writing a staging file"))?;
        }
    }
    out.flush()
        .await
        .map_err(|e| upload::staging_error(e, "writing a staging file"))
}

/// Turns a complete upload into the entry's recording with the one-shot upload's checks.
/// A refusal removes the upload with its parts: it can never become a recording. A failure
/// of ours keeps it, so the client's retry (a PATCH at the end) tries again.
pub async fn complete(
    state: &AppState,
    lease: Lease,
    upload: &UploadRow,
    entry: &EntryRow,
    contest: &Contest,
) -> AppResult<MediaView> {
    lease.hold_while_busy();
    upload::require_room(state, upload.total())?;
    let stored = async {
        let staged = assemble(state, upload).await?;
        upload::store_staged(
            state,
            entry,
            contest,
            &staged,
            upload.original_name.as_deref(),
        )
        .await
    }
    .await;
    match stored {
        Ok(view) => {
            let keys = store::complete(&state.db.pool, upload, &view.media_id).await?;
            drop(lease);
            delete_objects(state, keys).await;
            Ok(view)
        }
        Err(refusal) if refusal.status().is_client_error() => {
            drop(lease);
            discard(state, upload).await?;
            Err(refusal)
        }
        Err(error) => Err(error),
    }
}

/// Removes an upload: its row and its parts' rows at once, then their objects (any the store
/// refuses to delete now stay listed for the janitor).
pub async fn discard(state: &AppState, upload: &UploadRow) -> AppResult<()> {
    if let Some(keys) = store::remove(&state.db.pool, upload).await? {
        delete_objects(state, keys).await;
    }
    Ok(())
}

async fn delete_objects(state: &AppState, keys: Vec<String>) {
    for key in keys {
        if state.recordings.store.delete(&key).await.is_ok() {
            let _ = entry_store::end_upload(&state.db.pool, &key).await;
        }
    }
}
