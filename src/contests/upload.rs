//! `PUT /entries/{id}/media`: once there is room for it, the body is streamed to a staging
//! file in STAGING_DIR while it is counted (never held in memory) and held to a pace
//! (`pace`), its type and duration are decided from the bytes by the prober on a blocking
//! thread, its location and author tags are blanked in place (`probe::scrub_file`), and only
//! then is it copied, and hashed, to the object store with a multipart upload under a key made
//! of server ids. The stored `bytes` and `sha256` are those of the object as served.
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
use super::free_space;
use super::pace::{Breach, Cut, PacedBody};
use super::probe::{self, Budget, Container, MediaInfo, ProbeError};
use super::storage::object_key;
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::db;
use crate::error::{AppError, AppResult, ErrorBody, ErrorCode};
use crate::http::{AppJson, AppQuery};

/// Bytes of the head handed to the sniffer before the rest of the body is accepted.
pub(super) const SNIFF_LEN: usize = 4096;
/// Staging writes are batched into this much memory per upload.
const STAGING_BUFFER: usize = 256 * 1024;
/// Part size of the multipart copy (S3's minimum is 5 MiB).
pub(super) const PART_LEN: usize = 5 * 1024 * 1024;
pub(super) const READ_CHUNK: usize = 1024 * 1024;
/// How staging files end, so the janitor touches nothing else in a shared STAGING_DIR.
pub const STAGING_SUFFIX: &str = ".civiquiz-upload";

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
              (status = 408, body = ErrorBody, description = "upload_stalled: the body stopped, was too slow over a window, or took too long in all"),
              (status = 413, body = ErrorBody, description = "payload_too_large: declared or actual size over the contest's max_bytes"),
              (status = 415, body = ErrorBody, description = "unsupported_media_type: not an accepted audio/video format, or a kind the contest does not take"),
              (status = 422, body = ErrorBody, description = "media_too_long, or media_malformed"),
              (status = 409, body = ErrorBody, description = "contest_closed, already_submitted or too_many_uploads"),
              (status = 404, body = ErrorBody),
              (status = 507, body = ErrorBody, description = "insufficient_storage: no room for the recording on the server's disk now")))]
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
    let declared = declared_length(&headers);
    if let Some(declared) = declared
        && declared > limit
    {
        return Err(AppError::payload_too_large(limit));
    }

    let _slot = state.recordings.upload_slot(caller.id())?;
    require_room(&state, declared.unwrap_or(limit))?;
    let staged = stage(&state, body, limit).await?;
    let view = store_staged(&state, &entry, &contest, &staged, query.filename.as_deref()).await?;
    Ok((StatusCode::CREATED, AppJson(view)))
}

/// What both upload paths do once every byte is in a staging file: decide the type and
/// duration from the bytes, hold them to the contest's rules, blank the location and author
/// tags, copy the file to the object store and attach it to the draft entry (replacing its
/// recording, if it had one). Any refusal leaves no object and no row.
pub(super) async fn store_staged(
    state: &AppState,
    entry: &store::EntryRow,
    contest: &contest::Contest,
    staged: &Staged,
    original_name: Option<&str>,
) -> AppResult<MediaView> {
    let info = probe_staged(state, &staged.file.path).await?;
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

    scrub_staged(state, &staged.file.path).await?;

    let media_id = db::new_id();
    let key = object_key(&contest.id, &entry.id, &media_id);
    let now = state.clock.now_ms();
    store::begin_upload(&state.db.pool, &key, &entry.id, now).await?;
    let pending = PendingObject::new(state, &key);
    let pushed = push(state, &staged.file.path, &key).await?;
    if pushed.bytes != staged.bytes {
        return Err(AppError::Internal(anyhow::anyhow!(
            "staged {} bytes but stored {}",
            staged.bytes,
            pushed.bytes
        )));
    }
    let row = MediaRow {
        id: media_id,
        entry_id: entry.id.clone(),
        object_key: key.clone(),
        content_type: info.content_type.to_owned(),
        container: container_name(info.container).to_owned(),
        kind: kind.as_str().to_owned(),
        codecs: serde_json::to_string(&info.codecs).unwrap_or_else(|_| "[]".into()),
        bytes: i64::try_from(pushed.bytes).unwrap_or(i64::MAX),
        sha256: pushed.sha256,
        duration_ms: i64::try_from(info.duration_ms).unwrap_or(i64::MAX),
        display_name: display_name(original_name, info.container),
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
            Ok(media_view(&row, Viewer::Owner))
        }
        Attached::NotDraft => Err(already_submitted()),
    }
}

pub(super) fn already_submitted() -> AppError {
    AppError::conflict(
        ErrorCode::AlreadySubmitted,
        "the entry is submitted: its recording can no longer change",
    )
}

/// The size the client announces: `Content-Length`, else a resumable client's
/// `Upload-Length`.
fn declared_length(headers: &HeaderMap) -> Option<u64> {
    [header::CONTENT_LENGTH.as_str(), "upload-length"]
        .into_iter()
        .find_map(|name| {
            headers
                .get(name)
                .and_then(|value| value.to_str().ok())
                .and_then(|value| value.trim().parse().ok())
        })
}

/// 507 unless the staging filesystem (and the local backend's, which gets a copy) can take
/// `bytes` and still keep the reserve free.
pub(super) fn require_room(state: &AppState, bytes: u64) -> AppResult<()> {
    let recordings = &state.recordings;
    let mut folders = vec![recordings.staging_dir.as_path()];
    folders.extend(recordings.store.local_root.as_deref());
    free_space::require_room(&folders, bytes, state.config.media.staging_reserve_bytes)
}

/// Keeps an upload's traces young while its request runs, however long the upload takes (a
/// slow phone can stream for longer than `UPLOAD_ORPHAN_AGE_S`): the janitor removes only
/// traces older than that age, so it never takes a live upload for an orphan, while a crashed
/// one stops beating and ages out. Stops when dropped.
pub(super) struct Heartbeat(tokio::task::JoinHandle<()>);

impl Heartbeat {
    fn start<F, Fut>(state: &AppState, beat: F) -> Self
    where
        F: Fn() -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        Self::every(orphan_beat(state), beat)
    }

    /// Calls `beat` every `period` (not at once) until dropped.
    pub(super) fn every<F, Fut>(period: Duration, beat: F) -> Self
    where
        F: Fn() -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let every = period.max(Duration::from_millis(100));
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

/// How often an upload's traces are refreshed: several times within the orphan age.
pub(super) fn orphan_beat(state: &AppState) -> Duration {
    state.config.media.orphan_age / 4
}

/// A file in the staging folder, removed when dropped unless kept; its modification time is
/// refreshed while it exists.
pub struct StagingFile {
    pub path: PathBuf,
    _alive: Heartbeat,
}

impl StagingFile {
    pub(super) fn create_in(state: &AppState) -> Self {
        let path = state
            .recordings
            .staging_dir
            .join(format!("{}{STAGING_SUFFIX}", db::new_id()));
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
}

/// Streams the body into a staging file, counting; refuses early what is too large, too slow
/// or, from its first bytes, no recording at all.
async fn stage(state: &AppState, body: Body, limit: u64) -> AppResult<Staged> {
    let file = StagingFile::create_in(state);
    let mut out = tokio::io::BufWriter::with_capacity(
        STAGING_BUFFER,
        tokio::fs::File::create(&file.path)
            .await
            .map_err(|e| staging_error(e, "creating a staging file"))?,
    );
    let mut head: Vec<u8> = Vec::with_capacity(SNIFF_LEN);
    let mut sniffed = false;
    let mut bytes: u64 = 0;
    let mut body = PacedBody::new(body.into_data_stream(), &state.config.media);
    loop {
        let chunk = match body.next().await {
            Ok(Some(chunk)) => chunk,
            Ok(None) => break,
            Err(Cut::Pace(breach)) => return Err(stalled(state, breach)),
            Err(Cut::Body(_)) => {
                return Err(AppError::bad_request(
                    "the upload was interrupted before the end of the body",
                ));
            }
        };
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
        out.write_all(&chunk)
            .await
            .map_err(|e| staging_error(e, "writing a staging file"))?;
    }
    if !sniffed {
        refuse_unless_media(&head)?;
    }
    out.flush()
        .await
        .map_err(|e| staging_error(e, "writing a staging file"))?;
    drop(out);
    Ok(Staged { file, bytes })
}

/// A full disk is the server's condition, not a fault: 507 like the check before accepting.
pub(super) fn staging_error(error: std::io::Error, doing: &'static str) -> AppError {
    if error.kind() == std::io::ErrorKind::StorageFull {
        tracing::warn!(%error, "upload refused: the staging disk filled up");
        return free_space::insufficient_storage();
    }
    AppError::Internal(anyhow::Error::from(error).context(doing))
}

pub(super) fn stalled(state: &AppState, breach: Breach) -> AppError {
    let media = &state.config.media;
    let message = match (breach, media.upload_min_rate) {
        (Breach::TooSlow, Some(floor)) => format!(
            "the upload was slower than {} bytes per second over {} s",
            floor.bytes_per_s,
            floor.window.as_secs()
        ),
        (Breach::Deadline, _) => format!(
            "the upload took longer than {} s",
            media.upload_deadline.as_secs()
        ),
        _ => "no data arrived for too long".to_owned(),
    };
    AppError::api(ErrorCode::UploadStalled, message)
        .with_details(serde_json::json!({ "reason": breach.as_str() }))
}

fn unsupported() -> AppError {
    AppError::unsupported_media_type(
        "not a recording we accept: send WebM, MP4/M4A/MOV, Ogg (Opus/Vorbis), MP3 or WAV",
    )
}

pub(super) fn refuse_unless_media(head: &[u8]) -> AppResult<()> {
    probe::sniff(head).map(|_| ()).ok_or_else(unsupported)
}

/// Runs `work` on the staged file on a blocking thread, one per core at a time (the probe and
/// the scrubber parse hostile input and are CPU-bound).
async fn on_probe_thread<T: Send + 'static>(
    state: &AppState,
    path: &FsPath,
    work: impl FnOnce(&FsPath) -> T + Send + 'static,
) -> AppResult<T> {
    let _permit = state
        .recordings
        .probes
        .clone()
        .acquire_owned()
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    let path = path.to_owned();
    tokio::task::spawn_blocking(move || work(&path))
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("the prober stopped: {e}")))
}

/// Runs the prober on the staged file within its budget.
async fn probe_staged(state: &AppState, path: &FsPath) -> AppResult<MediaInfo> {
    on_probe_thread(state, path, |path| {
        probe::probe_file(path, &Budget::default())
    })
    .await?
    .map_err(probe_error)
}

fn probe_error(error: ProbeError) -> AppError {
    match error {
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
    }
}

/// Blanks the location and author tags of the staged file in place, on a blocking thread
/// under the probes' limit; a file that passed the probe but cannot be scrubbed is refused.
async fn scrub_staged(state: &AppState, path: &FsPath) -> AppResult<()> {
    let blanked = on_probe_thread(state, path, |path| {
        probe::scrub_file(path, &Budget::default())
    })
    .await?
    .map_err(probe_error)?;
    if !blanked.is_empty() {
        tracing::debug!(?blanked, "blanked metadata in an upload");
    }
    Ok(())
}

/// What was copied to the object store.
struct Pushed {
    bytes: u64,
    sha256: String,
}

/// On the local backend the staged file becomes the object: hashed in one read, then renamed
/// into the store's folder, which spares writing every byte a second time. None when that
/// cannot be done (the staging folder on another file system; a key the store would encode)
/// and the copy of `push` runs instead.
async fn move_into_store(root: &FsPath, path: &FsPath, key: &str) -> AppResult<Option<Pushed>> {
    let plain = key.split('/').all(|segment| {
        !segment.is_empty()
            && segment
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    });
    if !plain {
        return Ok(None);
    }
    let (path, target) = (path.to_owned(), root.join(key));
    let moved = tokio::task::spawn_blocking(move || -> std::io::Result<Option<Pushed>> {
        use std::io::Read;
        let mut file = std::fs::File::open(&path)?;
        let mut buffer = vec![0u8; READ_CHUNK];
        let mut hasher = Sha256::new();
        let mut bytes = 0u64;
        loop {
            let read = file.read(&mut buffer)?;
            if read == 0 {
                break;
            }
            hasher.update(&buffer[..read]);
            bytes = bytes.saturating_add(read as u64);
        }
        drop(file);
        if let Some(folder) = target.parent() {
            std::fs::create_dir_all(folder)?;
        }
        match std::fs::rename(&path, &target) {
            Ok(()) => Ok(Some(Pushed {
                bytes,
                sha256: hex::encode(hasher.finalize()),
            })),
            Err(error) if error.kind() == std::io::ErrorKind::CrossesDevices => Ok(None),
            Err(error) => Err(error),
        }
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))?;
    moved.map_err(|e| {
        AppError::Internal(anyhow::Error::from(e).context("moving a recording into storage"))
    })
}

/// Copies the staged file to the object store as a multipart upload, counting and hashing
/// what it sends: a few part buffers in memory at most, aborted (no object left) on any
/// failure.
async fn push(state: &AppState, path: &FsPath, key: &str) -> AppResult<Pushed> {
    let _permit = state
        .recordings
        .pushes
        .clone()
        .acquire_owned()
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    if let Some(root) = state.recordings.store.local_root.as_deref()
        && let Some(moved) = move_into_store(root, path, key).await?
    {
        return Ok(moved);
    }
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
        let mut hasher = Sha256::new();
        let mut bytes = 0u64;
        loop {
            let read = file.read(&mut buffer).await?;
            if read == 0 {
                break;
            }
            writer.wait_for_capacity(2).await?;
            hasher.update(&buffer[..read]);
            bytes = bytes.saturating_add(read as u64);
            writer.write(&buffer[..read]);
        }
        anyhow::Ok(Pushed {
            bytes,
            sha256: hex::encode(hasher.finalize()),
        })
    }
    .await;
    match copied {
        Ok(pushed) => {
            writer.finish().await.map_err(|e| {
                AppError::Internal(
                    anyhow::Error::from(e).context("completing an upload to storage"),
                )
            })?;
            Ok(pushed)
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
pub(super) struct PendingObject {
    cleanup: Option<(AppState, String)>,
    _alive: Heartbeat,
}

impl PendingObject {
    pub(super) fn new(state: &AppState, key: &str) -> Self {
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
    pub(super) fn disarm(mut self) {
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
