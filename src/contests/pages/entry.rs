//! `/entries/{id}`, the entrant's own entry: the recording step (recorded in the page, a file
//! picked, or the phone's own recorder, sent with tus by `resumable.js`), then submission.
//! Without scripts the page offers a plain file form (`upload`), streamed into the one-shot
//! upload. Anyone but the entrant gets 404, as from the API.

use askama::Template;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;

use super::{ContestFacts, duration_words, megabytes, status_key};
use crate::app::AppState;
use crate::contests::access::{self, MaybeUser, Viewer};
use crate::contests::entries::{self, EntryView};
use crate::contests::entry_store::EntryStatus;
use crate::contests::routes::{ContestView, contest_view};
use crate::contests::upload::{self, UploadQuery};
use crate::contests::{contest, playback};
use crate::error::{AppError, ErrorCode};
use crate::http::{AppPath, AppQuery};
use crate::web::locale::Arg;
use crate::web::page::{Chrome, OrPage, PageError, redirect, render, with_retry_after};
use crate::web::{CsrfForm, Member, Visitor};

/// What the upload module says, by name: the API's refusals by `code`, and its own states.
const SCRIPT_MESSAGES: &[&str] = &[
    "error-payload_too_large",
    "error-unsupported_media_type",
    "error-media_too_long",
    "error-media_malformed",
    "error-contest_closed",
    "error-contest_not_open",
    "error-already_submitted",
    "error-too_many_uploads",
    "error-upload_stalled",
    "error-insufficient_storage",
    "error-overloaded",
    "error-rate_limited",
    "error-checksum_mismatch",
    "error-not_found",
    "error-csrf_failed",
    "error-unauthenticated",
    "error-internal",
    "upload-starting",
    "upload-progress",
    "upload-paused",
    "upload-offline",
    "upload-retrying",
    "upload-checking",
    "upload-done",
    "upload-failed",
    "record-no-microphone",
    "record-unsupported",
    "record-recording",
    "record-stopped-at-max",
    "record-ready",
    "pick-too-large",
];

#[derive(Template)]
#[template(path = "contests/entry.html")]
struct EntryPage {
    c: Chrome,
    entry: EntryView,
    contest: ContestView,
    facts: ContestFacts,
    /// A draft of an open contest takes a (new) recording.
    may_record: bool,
    may_submit: bool,
    error: Option<String>,
    messages: Vec<(String, String)>,
}

impl EntryPage {
    fn status_label(&self) -> String {
        self.c.t(&status_key(self.entry.status))
    }
    fn media_url(&self) -> Option<String> {
        self.entry
            .media
            .as_ref()
            .map(|media| super::own_recording_url(&self.entry.id, &media.media_id))
    }
    fn video(&self) -> bool {
        self.entry
            .media
            .as_ref()
            .is_some_and(|media| media.kind == "video")
    }
    fn media_length(&self) -> String {
        self.entry
            .media
            .as_ref()
            .map(|media| duration_words(&self.c, (media.duration_ms + 500) / 1000))
            .unwrap_or_default()
    }
    fn media_size(&self) -> String {
        self.entry
            .media
            .as_ref()
            .map(|media| {
                self.c
                    .t1("contest-megabytes", "count", megabytes(media.bytes))
            })
            .unwrap_or_default()
    }
    /// The recorder's MIME choice: video when the contest takes only video.
    fn records_video(&self) -> bool {
        !self.contest.media.contains(&contest::MediaKind::Audio)
    }
    fn accept(&self) -> &'static str {
        match (
            self.contest.media.contains(&contest::MediaKind::Audio),
            self.contest.media.contains(&contest::MediaKind::Video),
        ) {
            (true, false) => "audio/*",
            (false, true) => "video/*",
            _ => "audio/*,video/*",
        }
    }
}

async fn entry_page(
    state: &AppState,
    member: &Member,
    entry_id: &str,
    error: Option<String>,
) -> Result<EntryPage, PageError> {
    let visitor = &member.visitor;
    let caller = member.caller();
    let row = access::owned_entry(state, &caller, entry_id)
        .await
        .page(visitor)?;
    let entry = entries::entry_view(state, &row, Viewer::Owner)
        .await
        .page(visitor)?;
    let found = contest::require(&state.db.pool, &row.contest_id)
        .await
        .page(visitor)?;
    let contest = contest_view(found, state.clock.now_ms());
    let c = Chrome::titled(visitor, entry.title.clone());
    let facts = ContestFacts::of(&c, &contest);
    let draft = entry.status == EntryStatus::Draft;
    Ok(EntryPage {
        may_record: draft && facts.open,
        may_submit: draft && facts.open && entry.media.is_some(),
        messages: SCRIPT_MESSAGES
            .iter()
            .map(|key| {
                let text = match *key {
                    "error-payload_too_large" | "pick-too-large" => c.t1(
                        key,
                        "size",
                        c.t1("contest-megabytes", "count", megabytes(contest.max_bytes)),
                    ),
                    "error-media_too_long" | "record-stopped-at-max" => {
                        c.t1(key, "length", duration_words(&c, contest.max_duration_s))
                    }
                    // The module fills these in as the bytes go.
                    "upload-progress" => c.locale.text_with(
                        key,
                        &[
                            ("sent", "{sent}".to_arg()),
                            ("total", "{total}".to_arg()),
                            ("percent", "{percent}".to_arg()),
                        ],
                    ),
                    _ => c.t(key),
                };
                ((*key).to_owned(), text)
            })
            .collect(),
        c,
        facts,
        entry,
        contest,
        error,
    })
}

/// A refused form on the entry page: its page again with the message in its language (an
/// entry she may not see is "not found", as from the API).
async fn refused(
    state: &AppState,
    member: &Member,
    entry_id: &str,
    error: AppError,
) -> Result<Response, PageError> {
    if error.status() == StatusCode::NOT_FOUND {
        return Err(member.visitor.fail(error));
    }
    let message = crate::web::page::error_message(member.visitor.locale, &error);
    let page = entry_page(state, member, entry_id, Some(message)).await?;
    Ok(with_retry_after(render(error.status(), &page), &error))
}

pub async fn page(
    State(state): State<AppState>,
    member: Member,
    Path(entry_id): Path<String>,
) -> Result<Response, PageError> {
    let page = entry_page(&state, &member, &entry_id, None).await?;
    Ok(render(StatusCode::OK, &page))
}

/// Submits the entry; a refusal (no recording yet, the contest closed) is shown on its page.
pub async fn submit(
    State(state): State<AppState>,
    member: Member,
    Path(entry_id): Path<String>,
    _form: CsrfForm,
) -> Result<Response, PageError> {
    match entries::submit_entry(
        State(state.clone()),
        member.caller(),
        AppPath(entry_id.clone()),
    )
    .await
    {
        Ok(_) => Ok(redirect(&format!("/me/entries#entry-{entry_id}"))),
        Err(error) => refused(&state, &member, &entry_id, error).await,
    }
}

/// The recording step without scripts: a `multipart/form-data` form whose `csrf` field comes
/// before its `recording` file, so a forged request is refused before a byte of the file is
/// read. The file streams into the one-shot upload with its checks (no resuming: that needs
/// the script); a refusal shows on the entry page.
pub async fn upload(
    State(state): State<AppState>,
    member: Member,
    Path(entry_id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, PageError> {
    let visitor = &member.visitor;
    let unreadable = || visitor.fail(AppError::bad_request("the form could not be read"));
    let boundary = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| multer::parse_boundary(value).ok())
        .ok_or_else(unreadable)?;
    let limits = multer::Constraints::new()
        .allowed_fields(vec!["csrf", "recording"])
        .size_limit(multer::SizeLimit::new().for_field("csrf", 1024));
    let mut form = multer::Multipart::with_constraints(body.into_data_stream(), boundary, limits);
    let token = match form.next_field().await {
        Ok(Some(field)) if field.name() == Some("csrf") => field.text().await.unwrap_or_default(),
        _ => String::new(),
    };
    if !crate::web::csrf::tokens_match(&token, &visitor.csrf) {
        return Err(visitor.fail(AppError::api(
            ErrorCode::CsrfFailed,
            "the form is out of date; reload the page and try again",
        )));
    }
    let file = match form.next_field().await {
        // An empty file input still sends its part, with no name and no bytes.
        Ok(Some(field))
            if field.name() == Some("recording")
                && field.file_name().is_some_and(|name| !name.is_empty()) =>
        {
            field
        }
        Ok(_) => {
            let message = visitor.locale.text("entry-choose-file");
            let page = entry_page(&state, &member, &entry_id, Some(message)).await?;
            return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page));
        }
        Err(_) => return Err(unreadable()),
    };
    let filename = file.file_name().map(str::to_owned);
    let stored = upload::upload_media(
        State(state.clone()),
        member.caller(),
        AppPath(entry_id.clone()),
        AppQuery(UploadQuery { filename }),
        // The request's length is the form's, not the file's: the upload counts the bytes.
        HeaderMap::new(),
        Body::from_stream(file),
    )
    .await;
    drop(form);
    match stored {
        Ok(_) => Ok(redirect(&format!("/entries/{entry_id}#current-heading"))),
        Err(error) => refused(&state, &member, &entry_id, error).await,
    }
}

/// The recording for the entrant's own player: the API's playback (ranges, ETag) with her
/// browser session as the caller, which the API's public routes do not read, so a draft
/// plays to her before anyone approves it. Anyone else is served as the API serves them.
pub async fn recording(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((entry_id, media_id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    playback::play_media(
        State(state),
        MaybeUser(visitor.caller()),
        AppPath((entry_id, media_id)),
        headers,
    )
    .await
    .page(&visitor)
}
