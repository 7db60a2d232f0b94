//! `PUT /entries/{id}/media`: the body is streamed to a staging file under DATA_DIR while it
//! is counted and hashed (never held in memory), its type and duration are decided from the
//! bytes by the prober on a blocking thread, and only then is it copied to the object store
//! with a multipart upload under a key made of server ids.
//!
//! Every way out — a refusal, a dropped connection, a crash — leaves no staging file, no
//! object and no row: guards clean up on drop, and what a crash leaves behind is recorded in
//! `media_uploads` (objects) or is an old file in the staging folder, both removed by the
//! janitor.

use std::path::{Path as FsPath, PathBuf};
use std::time::{Duration, SystemTime};

use crate::http::AppPath;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use futures::StreamExt;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStoreExt, WriteMultipart};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use unicode_normalization::UnicodeNormalization;
use utoipa::IntoParams;

use super::access::{self, Viewer};
use super::contest::{self, MediaKind};
use super::entries::{MediaView, media_view};
use super::entry_store::{self as store, Attached, MediaRow};
use super::probe::{self, Budget, Container, MediaInfo, ProbeError};
use super::storage::object_key;
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::db;
use crate::error::{AppError, AppResult, ErrorBody, ErrorCode};
use crate::http::{AppJson, AppQuery};

/// Bytes of the head handed to the sniffer before the rest of the body is accepted.
const SNIFF_LEN: usize = 4096;
/// Staging writes are batched into this much memory per upload.
const STAGING_BUFFER: usize = 256 * 1024;
/// Part size of the multipart copy (S3's minimum is 5 MiB).
const PART_LEN: usize = 5 * 1024 * 1024;
const READ_CHUNK: usize = 1024 * 1024;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// The file's name on the device, kept only as sanitised display text.
    pub filename: Option<String>,
}

/// Uploads (or replaces) the recording of a draft entry.
#[utoipa::path(put, path = "/entries/{id}/media", tag = "entries", security(("bearer" = [])),
    params(("id" = String, Path), UploadQuery),
    request_body(description = "the recording, as raw bytes: MP3, MP4/M4A/MOV, Ogg, WAV, WebM or Matroska; its type is decided from the bytes, whatever `Content-Type` says",
        content((crate::contests::playback::Recording = "audio/mpeg"), (crate::contests::playback::Recording = "audio/mp4"), (crate::contests::playback::Recording = "audio/ogg"), (crate::contests::playback::Recording = "audio/wav"), (crate::contests::playback::Recording = "audio/webm"), (crate::contests::playback::Recording = "audio/x-matroska"), (crate::contests::playback::Recording = "video/mp4"), (crate::contests::playback::Recording = "video/ogg"), (crate::contests::playback::Recording = "video/quicktime"), (crate::contests::playback::Recording = "video/webm"), (crate::contests::playback::Recording = "video/x-matroska"))),
    responses((status = 201, body = MediaView),
              (status = 413, body = ErrorBody, description = "payload_too_large: declared or actual size over the contest's max_bytes"),
              (status = 415, body = ErrorBody, description = "unsupported_media_type: not an accepted audio/video format, or a kind the contest does not take"),
              (status = 422, body = ErrorBody, description = "media_too_long, or media_malformed"),
              (status = 409, body = ErrorBody, description = "contest_closed, already_submitted or too_many_uploads"),
              (status = 408, body = ErrorBody, description = "upload_stalled: no byte arrived for UPLOAD_IDLE_TIMEOUT_S"),
              (status = 404, body = ErrorBody)))]
pub async fn upload_media(
    State(state): State<AppState>,
    caller: AuthUser,
    AppPath(entry_id): AppPath<String>,
    AppQuery(query): AppQuery<UploadQuery>,
    headers: HeaderMap,
    body: Body,
) -> AppResult<(StatusCode, AppJson<MediaView>)> {
    let entry = access::owned_entry(&state, &caller, &entry_id).await?;
    let contest = contest::require(&state.db.pool, &entry.contest_id).await?;
    contest.require_open(state.clock.now_ms())?;
    if entry.status != store::EntryStatus::Draft {
        return Err(already_submitted());
    }
    let limit = u64::try_from(contest.max_bytes).unwrap_or(0);
    if let Some(declared) = declared_length(&headers)
        && declared > limit
    {
        return Err(AppError::payload_too_large(limit));
    }

    let _slot = state.recordings.upload_slot(caller.id())?;
    let staged = stage(&state, body, limit).await?;
    let info = probe_staged(&state, &staged.file.path).await?;
    let kind = MediaKind::from(info.kind);
    if !contest.accepts(kind) {
        return Err(AppError::unsupported_media_type(format!(
            "this contest takes {} recordings, not {}",
            contest
                .media
                .iter()
                .map(|k| k.as_str())
                .collect::<Vec<_>>()
                .join(" or "),
            kind.as_str()
        )));
    }
    let max_ms = u64::try_from(contest.max_duration_s)
        .unwrap_or(0)
        .saturating_mul(1000);
    if info.duration_ms > max_ms {
        return Err(AppError::api(
            ErrorCode::MediaTooLong,
            format!(
                "the recording lasts {:.1} s; this contest takes at most {} s",
                info.duration_ms as f64 / 1000.0,
                contest.max_duration_s
            ),
        )
        .with_details(serde_json::json!({
            "duration_ms": info.duration_ms,
            "max_duration_s": contest.max_duration_s
        })));
    }

    let media_id = db::new_id();
    let key = object_key(&contest.id, &entry.id, &media_id);
    let now = state.clock.now_ms();
    store::begin_upload(&state.db.pool, &key, &entry.id, now).await?;
    let pending = PendingObject::new(&state, &key);
    push(&state, &staged.file.path, &key).await?;
    let row = MediaRow {
        id: media_id,
        entry_id: entry.id.clone(),
        object_key: key.clone(),
        content_type: info.content_type.to_owned(),
        container: container_name(info.container).to_owned(),
        kind: kind.as_str().to_owned(),
        codecs: serde_json::to_string(&info.codecs).unwrap_or_else(|_| "[]".into()),
        bytes: i64::try_from(staged.bytes).unwrap_or(i64::MAX),
        sha256: staged.sha256,
        duration_ms: i64::try_from(info.duration_ms).unwrap_or(i64::MAX),
        display_name: display_name(query.filename.as_deref(), info.container),
        created_at: now,
    };
    match store::attach_media(&state.db.pool, &row, now).await? {
        Attached::Done { replaced } => {
            pending.disarm();
            if let Some(old) = replaced {
                // Its key sits in media_uploads until deleted, so a failure here is retried
                // by the janitor.
                if state.recordings.store.delete(&old.object_key).await.is_ok() {
                    store::end_upload(&state.db.pool, &old.object_key).await?;
                }
            }
            Ok((
                StatusCode::CREATED,
                AppJson(media_view(&row, Viewer::Owner)),
            ))
        }
        Attached::NotDraft => Err(already_submitted()),
    }
}

fn already_submitted() -> AppError {
    AppError::conflict(
        ErrorCode::AlreadySubmitted,
        "the entry is submitted: its recording can no longer change",
    )
}

fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse().ok())
}

/// Keeps an upload's traces young while its request runs, however long the upload takes (a
/// slow phone can stream for longer than `UPLOAD_ORPHAN_AGE_S`): the janitor removes only
/// traces older than that age, so it never takes a live upload for an orphan, while a crashed
/// one stops beating and ages out. Stops when dropped.
struct Heartbeat(tokio::task::JoinHandle<()>);

impl Heartbeat {
    fn start<F, Fut>(state: &AppState, beat: F) -> Self
    where
        F: Fn() -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let every = (state.config.media.orphan_age / 4).max(Duration::from_millis(100));
        Self(tokio::spawn(async move {
            let mut ticks = tokio::time::interval(every);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            // The first tick is immediate, when the trace was just made.
            ticks.tick().await;
            loop {
                ticks.tick().await;
                beat().await;
            }
        }))
    }
}

impl Drop for Heartbeat {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// A file in the staging folder, removed when dropped unless kept; its modification time is
/// refreshed while it exists.
pub struct StagingFile {
    pub path: PathBuf,
    _alive: Heartbeat,
}

impl StagingFile {
    fn create_in(state: &AppState) -> Self {
        let path = state
            .recordings
            .staging_dir
            .join(format!("{}.part", db::new_id()));
        let touched = path.clone();
        let alive = Heartbeat::start(state, move || {
            // Small metadata operation; fine on an async worker. Opening without `create`
            // cannot bring back a file already removed.
            let _ = std::fs::File::options()
                .write(true)
                .open(&touched)
                .and_then(|file| file.set_modified(SystemTime::now()));
            std::future::ready(())
        });
        Self {
            path,
            _alive: alive,
        }
    }
}

impl Drop for StagingFile {
    fn drop(&mut self) {
        // Small metadata operation; fine on an async worker.
        let _ = std::fs::remove_file(&self.path);
    }
}

pub struct Staged {
    pub file: StagingFile,
    pub bytes: u64,
    pub sha256: String,
}

/// Streams the body into a staging file, counting and hashing; refuses early what is too
/// large or, from its first bytes, no recording at all.
async fn stage(state: &AppState, body: Body, limit: u64) -> AppResult<Staged> {
    let file = StagingFile::create_in(state);
    let mut out = tokio::io::BufWriter::with_capacity(
        STAGING_BUFFER,
        tokio::fs::File::create(&file.path).await.map_err(|e| {
            AppError::Internal(anyhow::Error::from(e).context("creating a staging file"))
        })?,
    );
    let mut hasher = Sha256::new();
    let mut head: Vec<u8> = Vec::with_capacity(SNIFF_LEN);
    let mut sniffed = false;
    let mut bytes: u64 = 0;
    let idle = state.config.media.upload_idle_timeout;
    let mut stream = body.into_data_stream();
    loop {
        let next = tokio::time::timeout(idle, stream.next())
            .await
            .map_err(|_| AppError::api(ErrorCode::UploadStalled, "no data arrived for too long"))?;
        let Some(chunk) = next else { break };
        let chunk = chunk.map_err(|_| {
            AppError::bad_request("the upload was interrupted before the end of the body")
        })?;
        bytes = bytes.saturating_add(chunk.len() as u64);
        if bytes > limit {
            return Err(AppError::payload_too_large(limit));
        }
        if !sniffed {
            let take = (SNIFF_LEN - head.len()).min(chunk.len());
            head.extend_from_slice(&chunk[..take]);
            if head.len() >= SNIFF_LEN {
                sniffed = true;
                refuse_unless_media(&head)?;
            }
        }
        hasher.update(&chunk);
        out.write_all(&chunk).await.map_err(|e| {
            AppError::Internal(anyhow::Error::from(e).context("writing a staging file"))
        })?;
    }
    if !sniffed {
        refuse_unless_media(&head)?;
    }
    out.flush().await.map_err(|e| {
        AppError::Internal(anyhow::Error::from(e).context("writing a staging file"))
    })?;
    drop(out);
    Ok(Staged {
        file,
        bytes,
        sha256: hex::encode(hasher.finalize()),
    })
}

fn unsupported() -> AppError {
    AppError::unsupported_media_type(
        "not a recording we accept: send WebM, MP4/M4A/MOV, Ogg (Opus/Vorbis), MP3 or WAV",
    )
}

fn refuse_unless_media(head: &[u8]) -> AppResult<()> {
    probe::sniff(head).map(|_| ()).ok_or_else(unsupported)
}

/// Runs the prober on a blocking thread, one per core at a time, within its budget.
async fn probe_staged(state: &AppState, path: &FsPath) -> AppResult<MediaInfo> {
    let _permit = state
        .recordings
        .probes
        .clone()
        .acquire_owned()
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    let path = path.to_owned();
    let result = tokio::task::spawn_blocking(move || probe::probe_file(&path, &Budget::default()))
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("the prober stopped: {e}")))?;
    result.map_err(|error| match error {
        ProbeError::Unsupported => unsupported(),
        ProbeError::Malformed(reason) => AppError::api(
            ErrorCode::MediaMalformed,
            format!("the recording is damaged or incomplete: {reason}"),
        ),
        ProbeError::TooComplex => AppError::api(
            ErrorCode::MediaMalformed,
            "the recording is too complex to check",
        ),
        ProbeError::Io(error) => {
            AppError::Internal(anyhow::Error::from(error).context("reading a staged upload"))
        }
    })
}

/// Copies the staged file to the object store as a multipart upload: a few part buffers in
/// memory at most, aborted (no object left) on any failure.
async fn push(state: &AppState, path: &FsPath, key: &str) -> AppResult<()> {
    let _permit = state
        .recordings
        .pushes
        .clone()
        .acquire_owned()
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    let location = ObjectPath::from(key);
    let upload = state
        .recordings
        .store
        .store
        .put_multipart(&location)
        .await
        .map_err(|e| {
            AppError::Internal(anyhow::Error::from(e).context("starting an upload to storage"))
        })?;
    let mut writer = WriteMultipart::new_with_chunk_size(upload, PART_LEN);
    let copied = async {
        let mut file = tokio::fs::File::open(path).await?;
        let mut buffer = vec![0u8; READ_CHUNK];
        loop {
            let read = file.read(&mut buffer).await?;
            if read == 0 {
                break;
            }
            writer.wait_for_capacity(2).await?;
            writer.write(&buffer[..read]);
        }
        anyhow::Ok(())
    }
    .await;
    match copied {
        Ok(()) => {
            writer.finish().await.map_err(|e| {
                AppError::Internal(
                    anyhow::Error::from(e).context("completing an upload to storage"),
                )
            })?;
            Ok(())
        }
        Err(error) => {
            let _ = writer.abort().await;
            Err(AppError::Internal(
                error.context("copying an upload to storage"),
            ))
        }
    }
}

/// An object (maybe half-written) whose upload has not committed: deleted with its
/// `media_uploads` row if the request ends any other way, even by being dropped. The row is
/// kept alive while the object is being written.
struct PendingObject {
    cleanup: Option<(AppState, String)>,
    _alive: Heartbeat,
}

impl PendingObject {
    fn new(state: &AppState, key: &str) -> Self {
        let (beat_state, beat_key) = (state.clone(), key.to_owned());
        let alive = Heartbeat::start(state, move || {
            let (state, key) = (beat_state.clone(), beat_key.clone());
            async move {
                let now = state.clock.now_ms();
                if let Err(error) = store::keep_upload_alive(&state.db.pool, &key, now).await {
                    tracing::warn!(%error, key, "could not refresh an upload in progress");
                }
            }
        });
        Self {
            cleanup: Some((state.clone(), key.to_owned())),
            _alive: alive,
        }
    }
    fn disarm(mut self) {
        self.cleanup = None;
    }
}

impl Drop for PendingObject {
    fn drop(&mut self) {
        if let Some((state, key)) = self.cleanup.take()
            && let Ok(runtime) = tokio::runtime::Handle::try_current()
        {
            runtime.spawn(async move {
                if state.recordings.store.delete(&key).await.is_ok() {
                    let _ = store::end_upload(&state.db.pool, &key).await;
                }
            });
        }
    }
}

fn container_name(container: Container) -> &'static str {
    match container {
        Container::WebM => "webm",
        Container::Mp4 => "mp4",
        Container::Ogg => "ogg",
        Container::Mp3 => "mp3",
        Container::Wav => "wav",
    }
}

/// The client's file name reduced to harmless text, shown only to its owner and organizers:
/// the last path segment only, in NFC, without control or reserved characters, at most 120
/// characters.
pub fn display_name(raw: Option<&str>, container: Container) -> String {
    let fallback = || format!("recording.{}", container_name(container));
    let Some(raw) = raw else {
        return fallback();
    };
    let last = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last
        .nfc()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>' | ':' | '|' | '?' | '*' | ';'))
        .take(120)
        .collect();
    let cleaned = cleaned.trim().trim_matches('.').trim().to_owned();
    if cleaned.is_empty() {
        fallback()
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_are_harmless() {
        assert_eq!(
            display_name(Some("../../etc/passwd"), Container::WebM),
            "passwd"
        );
        assert_eq!(
            display_name(Some("C:\\Users\\An\\Bài dự thi.webm"), Container::WebM),
            "Bài dự thi.webm"
        );
        assert_eq!(display_name(Some(".."), Container::Mp3), "recording.mp3");
        assert_eq!(
            display_name(Some("a\"b\r\nc.ogg"), Container::Ogg),
            "abc.ogg"
        );
        assert_eq!(display_name(None, Container::Wav), "recording.wav");
        // Decomposed Vietnamese becomes NFC.
        assert_eq!(
            display_name(Some("Vie\u{0302}\u{0323}t.mp4"), Container::Mp4),
            "Việt.mp4"
        );
    }
}
