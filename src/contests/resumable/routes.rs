//! The tus routes: discovery, creation, the offset (`HEAD`), appending (`PATCH`), the
//! upload's outcome (`GET`) and termination (`DELETE`). Only the entry's owner may touch an
//! upload; to anyone else it does not exist (404).

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use super::protocol::{
    self, CIVIQUIZ_MEDIA, Checksum, UPLOAD_EXPIRES, UPLOAD_LENGTH, UPLOAD_OFFSET,
};
use super::store::{self, UploadRow};
use super::transfer::{self, Appended, Lease, offset_mismatch};
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::clock::Timestamp;
use crate::contests::access::{self, Viewer};
use crate::contests::contest::{self, Contest, MAX_BYTES_CAP};
use crate::contests::entries::{MediaView, media_view};
use crate::contests::entry_store::{self, EntryRow, EntryStatus};
use crate::contests::upload;
use crate::db;
use crate::error::{AppError, AppResult, ErrorBody};
use crate::http::{AppJson, AppPath};

/// Unfinished uploads one entry may have; creating one more ends the least recently active.
const UPLOADS_PER_ENTRY: usize = 3;

/// A resumable upload and, once its last byte arrived and passed the checks, its recording.
#[derive(Serialize, ToSchema)]
pub struct UploadView {
    pub upload_id: String,
    pub entry_id: String,
    /// Bytes received so far (`Upload-Offset`).
    pub offset: i64,
    /// `Upload-Length`.
    pub length: i64,
    pub expires_at: Timestamp,
    pub media: Option<MediaView>,
}

fn location(id: &str) -> HeaderValue {
    HeaderValue::from_str(&format!("/api/v1/uploads/{id}"))
        .unwrap_or_else(|_| HeaderValue::from_static("/api/v1/uploads"))
}

/// Adds `Tus-Resumable` to every response of these routes, and the versions we speak to a
/// refusal of the client's.
pub async fn tus_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        protocol::TUS_RESUMABLE,
        HeaderValue::from_static(protocol::VERSION),
    );
    if response.status() == StatusCode::PRECONDITION_FAILED {
        response.headers_mut().insert(
            protocol::TUS_VERSION,
            HeaderValue::from_static(protocol::VERSION),
        );
    }
    response
}

/// tus discovery: the version, extensions and checksum algorithms this server offers.
#[utoipa::path(options, path = "/uploads", tag = "entries",
    responses((status = 204, description = "tus capabilities",
        headers(("Tus-Version" = String), ("Tus-Extension" = String), ("Tus-Max-Size" = u64),
                ("Tus-Checksum-Algorithm" = String)))))]
pub async fn discover() -> Response {
    let mut headers = HeaderMap::new();
    headers.insert(
        protocol::TUS_VERSION,
        HeaderValue::from_static(protocol::VERSION),
    );
    headers.insert(
        protocol::TUS_EXTENSION,
        HeaderValue::from_static(protocol::EXTENSIONS),
    );
    headers.insert(
        protocol::TUS_MAX_SIZE,
        protocol::number(u64::try_from(MAX_BYTES_CAP).unwrap_or(0)),
    );
    headers.insert(
        protocol::TUS_CHECKSUM_ALGORITHM,
        HeaderValue::from_static(protocol::CHECKSUM_ALGORITHMS),
    );
    (StatusCode::NO_CONTENT, headers).into_response()
}

/// Starts a resumable upload of a draft entry's recording.
#[utoipa::path(post, path = "/entries/{id}/uploads", tag = "entries", security(("bearer" = []), ("session" = [])),
    params(("id" = String, Path),
        ("Tus-Resumable" = String, Header, description = "1.0.0"),
        ("Upload-Length" = u64, Header, description = "the recording's size in bytes"),
        ("Upload-Metadata" = Option<String>, Header, description = "`filename <base64>`: the file's name on the device, kept only as sanitised display text")),
    responses((status = 201, description = "created; `Location` is the upload's URL",
                headers(("Location" = String), ("Upload-Expires" = String))),
              (status = 400, body = ErrorBody, description = "bad_request: a missing or malformed tus header"),
              (status = 409, body = ErrorBody, description = "contest_not_open, contest_closed or already_submitted"),
              (status = 412, body = ErrorBody, description = "tus_version_unsupported"),
              (status = 413, body = ErrorBody, description = "payload_too_large: Upload-Length over the contest's max_bytes"),
              (status = 404, body = ErrorBody),
              (status = 507, body = ErrorBody, description = "insufficient_storage")))]
pub async fn create_upload(
    State(state): State<AppState>,
    caller: AuthUser,
    AppPath(entry_id): AppPath<String>,
    headers: HeaderMap,
) -> AppResult<Response> {
    protocol::require_version(&headers)?;
    let entry = access::owned_entry(&state, &caller, &entry_id).await?;
    let contest = contest::require(&state.db.pool, &entry.contest_id).await?;
    let now = state.clock.now_ms();
    contest.require_open(now)?;
    if entry.status != EntryStatus::Draft {
        return Err(upload::already_submitted());
    }
    let length = protocol::upload_length(&headers)?;
    let limit = u64::try_from(contest.max_bytes).unwrap_or(0);
    if length > limit {
        return Err(AppError::payload_too_large(limit));
    }
    if length == 0 {
        return Err(AppError::bad_request("an empty file is no recording"));
    }
    let original_name = protocol::file_name(&headers)?;
    upload::require_room(&state, length)?;
    make_room(&state, &entry.id).await?;
    let expiry = i64::try_from(state.config.media.resumable_expiry.as_millis()).unwrap_or(i64::MAX);
    let row = UploadRow {
        id: db::new_id(),
        entry_id: entry.id.clone(),
        user_id: caller.id().to_owned(),
        total_bytes: i64::try_from(length).unwrap_or(i64::MAX),
        received_bytes: 0,
        original_name,
        created_at: now,
        expires_at: now.saturating_add(expiry),
        lease: None,
        lease_until: None,
        media_id: None,
    };
    store::create(&state.db.pool, &row).await?;
    let mut response = StatusCode::CREATED.into_response();
    let headers = response.headers_mut();
    headers.insert(header::LOCATION, location(&row.id));
    headers.insert(UPLOAD_EXPIRES, protocol::http_date(row.expires_at));
    Ok(response)
}

/// Ends the entry's least recently active unfinished uploads so that one more fits.
async fn make_room(state: &AppState, entry_id: &str) -> AppResult<()> {
    let unfinished = store::unfinished_for_entry(&state.db.pool, entry_id).await?;
    let excess = (unfinished.len() + 1).saturating_sub(UPLOADS_PER_ENTRY);
    for old in unfinished.iter().take(excess) {
        transfer::discard(state, old).await?;
    }
    Ok(())
}

/// The caller's upload, unexpired; 404 for anyone else's, as if it did not exist.
async fn owned_upload(state: &AppState, caller: &AuthUser, id: &str) -> AppResult<UploadRow> {
    let now = state.clock.now_ms();
    store::find(&state.db.pool, id)
        .await?
        .filter(|upload| upload.user_id == caller.id() && upload.expires_at > now)
        .ok_or_else(AppError::not_found)
}

fn offset_headers(upload: &UploadRow, offset: u64) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(UPLOAD_OFFSET, protocol::number(offset));
    headers.insert(UPLOAD_LENGTH, protocol::number(upload.total()));
    if upload.media_id.is_none() {
        headers.insert(UPLOAD_EXPIRES, protocol::http_date(upload.expires_at));
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers
}

/// How far an upload got: where to resume.
#[utoipa::path(head, path = "/uploads/{upload_id}", tag = "entries", security(("bearer" = []), ("session" = [])),
    params(("upload_id" = String, Path), ("Tus-Resumable" = String, Header, description = "1.0.0")),
    responses((status = 200, description = "`Upload-Offset`, `Upload-Length`, `Upload-Expires`",
                headers(("Upload-Offset" = u64), ("Upload-Length" = u64), ("Upload-Expires" = String))),
              (status = 400, body = ErrorBody, description = "bad_request: no Tus-Resumable"),
              (status = 404, body = ErrorBody, description = "no such upload of the caller's, or it expired (a HEAD response has no body)"),
              (status = 412, body = ErrorBody, description = "tus_version_unsupported")))]
pub async fn upload_offset(
    State(state): State<AppState>,
    caller: AuthUser,
    AppPath(id): AppPath<String>,
    headers: HeaderMap,
) -> AppResult<Response> {
    protocol::require_version(&headers)?;
    let upload = owned_upload(&state, &caller, &id).await?;
    Ok((StatusCode::OK, offset_headers(&upload, upload.received())).into_response())
}

/// The upload and, once complete, the recording it became (the same fields as the one-shot
/// `PUT /entries/{id}/media`).
#[utoipa::path(get, path = "/uploads/{upload_id}", tag = "entries", security(("bearer" = []), ("session" = [])),
    params(("upload_id" = String, Path)),
    responses((status = 200, body = UploadView), (status = 404, body = ErrorBody)))]
pub async fn get_upload(
    State(state): State<AppState>,
    caller: AuthUser,
    AppPath(id): AppPath<String>,
) -> AppResult<AppJson<UploadView>> {
    let upload = owned_upload(&state, &caller, &id).await?;
    let media = recording_of(&state, &upload).await?;
    Ok(AppJson(UploadView {
        upload_id: upload.id,
        entry_id: upload.entry_id,
        offset: upload.received_bytes,
        length: upload.total_bytes,
        expires_at: Timestamp(upload.expires_at),
        media,
    }))
}

async fn recording_of(state: &AppState, upload: &UploadRow) -> AppResult<Option<MediaView>> {
    let Some(media_id) = &upload.media_id else {
        return Ok(None);
    };
    Ok(entry_store::find_media(&state.db.pool, media_id)
        .await?
        .map(|row| media_view(&row, Viewer::Owner)))
}

/// The response to the PATCH that completed an upload: its offset and its recording.
fn completed(upload: &UploadRow, view: &MediaView) -> Response {
    let mut headers = offset_headers(upload, upload.total());
    headers.remove(UPLOAD_EXPIRES);
    let json = serde_json::to_value(view).unwrap_or_default();
    headers.insert(CIVIQUIZ_MEDIA, protocol::ascii_json(&json));
    (StatusCode::NO_CONTENT, headers).into_response()
}

/// Appends the body at `Upload-Offset`. The PATCH that brings the last byte also runs the
/// recording's checks (type by content, size, duration, metadata) and answers with the
/// recording in `Civiquiz-Media`, or with the refusal, which removes the upload. A PATCH at
/// the end with an empty body retries the checks of an upload whose last PATCH failed on
/// our side.
#[utoipa::path(patch, path = "/uploads/{upload_id}", tag = "entries", security(("bearer" = []), ("session" = [])),
    params(("upload_id" = String, Path),
        ("Tus-Resumable" = String, Header, description = "1.0.0"),
        ("Upload-Offset" = u64, Header, description = "where these bytes start: the offset `HEAD` gave"),
        ("Upload-Checksum" = Option<String>, Header, description = "`sha1 <base64>` or `sha256 <base64>` of this body")),
    request_body(content = Vec<u8>, content_type = "application/offset+octet-stream"),
    responses((status = 204, description = "appended; `Upload-Offset` is the new offset; on the last part `Civiquiz-Media` holds the recording (`MediaView` as ASCII JSON)",
                headers(("Upload-Offset" = u64), ("Upload-Expires" = String), ("Civiquiz-Media" = String))),
              (status = 400, body = ErrorBody, description = "bad_request: a missing or malformed header, an unsupported checksum algorithm, or the connection dropped (what arrived is kept)"),
              (status = 404, body = ErrorBody),
              (status = 408, body = ErrorBody, description = "upload_stalled (what arrived is kept)"),
              (status = 409, body = ErrorBody, description = "upload_offset_mismatch (`details.offset`), contest_closed, already_submitted, too_many_uploads"),
              (status = 412, body = ErrorBody, description = "tus_version_unsupported"),
              (status = 413, body = ErrorBody, description = "payload_too_large: past Upload-Length"),
              (status = 415, body = ErrorBody, description = "unsupported_media_type: the Content-Type, or not a recording we accept"),
              (status = 422, body = ErrorBody, description = "media_too_long or media_malformed"),
              (status = 460, body = ErrorBody, description = "checksum_mismatch: nothing of the part was kept"),
              (status = 507, body = ErrorBody, description = "insufficient_storage")))]
pub async fn append(
    State(state): State<AppState>,
    caller: AuthUser,
    AppPath(id): AppPath<String>,
    headers: HeaderMap,
    body: Body,
) -> AppResult<Response> {
    protocol::require_version(&headers)?;
    protocol::require_part_type(&headers)?;
    let offset = protocol::upload_offset(&headers)?;
    let checksum = protocol::checksum(&headers)?;
    let upload = owned_upload(&state, &caller, &id).await?;
    if upload.media_id.is_some() && offset == upload.total() {
        // The answer to the last PATCH was lost: give it again.
        return match recording_of(&state, &upload).await? {
            Some(view) => Ok(completed(&upload, &view)),
            None => Err(offset_mismatch(upload.received())),
        };
    }
    if offset != upload.received() {
        return Err(offset_mismatch(upload.received()));
    }
    let entry = access::owned_entry(&state, &caller, &upload.entry_id).await?;
    if entry.status != EntryStatus::Draft {
        return Err(upload::already_submitted());
    }
    let contest = contest::require(&state.db.pool, &entry.contest_id).await?;
    contest.require_open(state.clock.now_ms())?;
    let slot = state.recordings.upload_slot(caller.id())?;
    let lease = Lease::claim(&state, &upload, offset).await?;
    // The rest runs on its own task: a phone whose connection drops makes the server drop
    // this request, and what it had sent must still be recorded (and a refusal cleaned up).
    let work = tokio::spawn(async move {
        let _slot = slot;
        write_and_complete(
            &state, lease, upload, &entry, &contest, offset, checksum, body,
        )
        .await
    });
    work.await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("an upload's task stopped: {e}")))?
}

/// Appends the body under `lease`; once every byte is in, makes the recording.
#[allow(clippy::too_many_arguments)]
async fn write_and_complete(
    state: &AppState,
    lease: Lease,
    upload: UploadRow,
    entry: &EntryRow,
    contest: &Contest,
    offset: u64,
    checksum: Option<Checksum>,
    body: Body,
) -> AppResult<Response> {
    let mut lease = Some(lease);
    if !upload.complete() {
        let writing = lease.as_ref().ok_or_else(AppError::not_found)?;
        upload::require_room(state, upload.total().saturating_sub(offset))?;
        match transfer::append(state, writing, &upload, offset, checksum, body).await {
            Ok(Appended::Recorded { offset }) if offset < upload.total() => {
                drop(lease);
                let fresh = store::find(&state.db.pool, &upload.id)
                    .await?
                    .unwrap_or(upload);
                return Ok((StatusCode::NO_CONTENT, offset_headers(&fresh, offset)).into_response());
            }
            Ok(Appended::Recorded { .. }) => {}
            Ok(Appended::Interrupted { error, .. }) => return Err(error),
            Err(refusal) if refused_for_good(&refusal) => {
                drop(lease);
                transfer::discard(state, &upload).await?;
                return Err(refusal);
            }
            Err(error) => return Err(error),
        }
        // The part's record gave the lease back: take it again to check the whole.
        lease = None;
    }
    let upload = store::find(&state.db.pool, &upload.id)
        .await?
        .ok_or_else(AppError::not_found)?;
    let lease = match lease {
        Some(lease) => lease,
        None => Lease::claim(state, &upload, upload.total()).await?,
    };
    let view = transfer::complete(state, lease, &upload, entry, contest).await?;
    Ok(completed(&upload, &view))
}

/// A part refused for what the recording is, not for how it travelled: the upload can never
/// succeed, so nothing of it is kept.
fn refused_for_good(error: &AppError) -> bool {
    error.status() == StatusCode::UNSUPPORTED_MEDIA_TYPE
}

/// tus termination: the upload and everything received of it are removed (a recording it
/// already became stays the entry's).
#[utoipa::path(delete, path = "/uploads/{upload_id}", tag = "entries", security(("bearer" = []), ("session" = [])),
    params(("upload_id" = String, Path), ("Tus-Resumable" = String, Header, description = "1.0.0")),
    responses((status = 204, description = "removed"),
              (status = 400, body = ErrorBody, description = "bad_request: no Tus-Resumable"),
              (status = 404, body = ErrorBody),
              (status = 412, body = ErrorBody, description = "tus_version_unsupported")))]
pub async fn terminate(
    State(state): State<AppState>,
    caller: AuthUser,
    AppPath(id): AppPath<String>,
    headers: HeaderMap,
) -> AppResult<StatusCode> {
    protocol::require_version(&headers)?;
    let upload = owned_upload(&state, &caller, &id).await?;
    transfer::discard(&state, &upload).await?;
    Ok(StatusCode::NO_CONTENT)
}
