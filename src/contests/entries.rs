//! Entries: a draft with the entrant's consent (and a guardian's for a minor), its recording,
//! submission before the close, and the gallery.

use crate::http::AppPath;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::access::{self, MaybeUser, Viewer};
use super::contest::{self, text_field};
use super::entry_store::{self as store, EntryRow, EntryStatus, ListedEntry, MediaRow};
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::auth::accounts::{self, Role};
use crate::auth::credentials::public_name;
use crate::clock::Timestamp;
use crate::db;
use crate::error::{AppError, AppResult, ErrorBody, ErrorCode, FieldErrors};
use crate::http::{AppJson, AppQuery, Paging};

/// Entrants younger than this are children whose recordings need their parent's or guardian's
/// consent as well as their own (Law 91/2025/QH15 on personal data protection, art. 24, with
/// Decree 356/2025/NĐ-CP; in force since 1 January 2026, replacing Decree 13/2023/NĐ-CP).
pub const ADULT_AGE: i64 = 16;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Consent {
    /// The entrant agrees to the rules and to the recording being shown if approved.
    pub entrant: bool,
    /// Required for entrants under 16.
    pub guardian_name: Option<String>,
    /// The guardian's explicit consent; required (true) for entrants under 16.
    pub guardian_consent: Option<bool>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEntryRequest {
    pub title: String,
    pub description: Option<String>,
    pub consent: Consent,
    /// The entrant's birth year, required when her account has none (whether she needs a
    /// guardian depends on it); recorded on the account with the entry.
    pub birth_year: Option<i64>,
}

#[derive(Serialize, ToSchema, Clone)]
pub struct MediaView {
    pub media_id: String,
    /// Decided from the bytes.
    pub content_type: String,
    /// `audio` or `video`.
    pub kind: String,
    pub bytes: i64,
    pub sha256: String,
    pub duration_ms: i64,
    pub codecs: Vec<String>,
    /// The name the recording is offered under (`entry-<id tail>.<ext>`), made by the
    /// server: it never tells who uploaded it.
    pub display_name: String,
    /// The uploader's own file name, sanitised: only for the entrant and organizers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original_name: Option<String>,
}

/// The recording as `viewer` may see it.
pub fn media_view(media: &MediaRow, viewer: Viewer) -> MediaView {
    MediaView {
        media_id: media.id.clone(),
        content_type: media.content_type.clone(),
        kind: media.kind.clone(),
        bytes: media.bytes,
        sha256: media.sha256.clone(),
        duration_ms: media.duration_ms,
        codecs: serde_json::from_str(&media.codecs).unwrap_or_default(),
        display_name: media.download_name(),
        original_name: viewer.sees_private().then(|| media.display_name.clone()),
    }
}

#[derive(Serialize, ToSchema)]
pub struct Author {
    pub user_id: String,
    pub display_name: String,
}

#[derive(Serialize, ToSchema)]
pub struct ConsentView {
    pub entrant: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guardian_name: Option<String>,
    pub given_at: Timestamp,
}

#[derive(Serialize, ToSchema)]
pub struct ModerationView {
    pub reason: Option<String>,
    pub moderated_at: Option<Timestamp>,
}

/// An entry as the caller may see it: judges see neither the author nor the consent.
#[derive(Serialize, ToSchema)]
pub struct EntryView {
    pub id: String,
    pub contest_id: String,
    pub title: String,
    pub description: String,
    pub status: EntryStatus,
    pub media: Option<MediaView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<i64>,
    /// Absent for judges, and for the public while the contest keeps authors back
    /// (`show_authors`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<Author>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consent: Option<ConsentView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub moderation: Option<ModerationView>,
    /// As the results' state lets the viewer see them (see `VoteView.votes`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub votes: Option<i64>,
    pub submitted_at: Option<Timestamp>,
}

pub async fn entry_view(
    state: &AppState,
    entry: &EntryRow,
    viewer: Viewer,
) -> AppResult<EntryView> {
    let media = match &entry.media_id {
        Some(id) => store::find_media(&state.db.pool, id).await?,
        None => None,
    };
    let contest = contest::require(&state.db.pool, &entry.contest_id).await?;
    let private = viewer.sees_private();
    let author = match accounts::find_by_id(&state.db.pool, &entry.user_id).await? {
        Some(user) if viewer.sees_author(&contest) => {
            let display_name = if private {
                user.display_name
            } else {
                accounts::public_name_of(&state.db.pool, &user).await?
            };
            Some(Author {
                user_id: entry.user_id.clone(),
                display_name,
            })
        }
        _ => None,
    };
    Ok(EntryView {
        id: entry.id.clone(),
        contest_id: entry.contest_id.clone(),
        title: entry.title.clone(),
        description: entry.description.clone(),
        status: entry.status,
        media: media.as_ref().map(|media| media_view(media, viewer)),
        number: private.then_some(entry.number),
        author,
        consent: private.then(|| ConsentView {
            entrant: true,
            guardian_name: entry.guardian_name.clone(),
            given_at: Timestamp(entry.entrant_consent_at),
        }),
        moderation: private.then(|| ModerationView {
            reason: entry.moderation_reason.clone(),
            moderated_at: entry.moderated_at.map(Timestamp),
        }),
        votes: super::results::shown_vote(state, &contest, viewer == Viewer::Organizer, &entry.id)
            .await?,
        submitted_at: entry.submitted_at.map(Timestamp),
    })
}

/// Whether someone born in `birth_year` may be under 16 now. With only the year known, an
/// entrant who turns 16 this year may not have had the birthday yet: they count as a minor.
pub fn may_be_minor(birth_year: Option<i64>, now_ms: i64) -> bool {
    let Some(birth_year) = birth_year else {
        return false;
    };
    year_of(now_ms) - birth_year <= ADULT_AGE
}

fn year_of(now_ms: i64) -> i64 {
    time::OffsetDateTime::from_unix_timestamp(now_ms.div_euclid(1000))
        .map(|t| i64::from(t.year()))
        .unwrap_or(1970)
}

/// Starts a draft entry. The entry limit holds under concurrency: numbers are unique per
/// entrant and contest, so two racing requests cannot both take the last one.
#[utoipa::path(post, path = "/contests/{id}/entries", tag = "entries", security((), ("bearer" = [])), security(("bearer" = [])), params(("id" = String, Path)),
    request_body = NewEntryRequest,
    responses((status = 201, body = EntryView), (status = 422, body = ErrorBody, description = "missing consent (a minor's guardian too)"),
              (status = 409, body = ErrorBody, description = "contest_closed, contest_not_open or entries_exhausted"),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn create_entry(
    State(state): State<AppState>,
    caller: AuthUser,
    AppPath(contest_id): AppPath<String>,
    AppJson(body): AppJson<NewEntryRequest>,
) -> AppResult<(StatusCode, AppJson<EntryView>)> {
    let contest = contest::require(&state.db.pool, &contest_id).await?;
    if caller.role() != Role::Participant {
        return Err(AppError::api(
            ErrorCode::Forbidden,
            "only participants enter contests",
        ));
    }
    let now = state.clock.now_ms();
    let mut errors = FieldErrors::new();
    let title = errors.take("title", text_field(&body.title, 1, 200));
    let description = errors.take(
        "description",
        text_field(body.description.as_deref().unwrap_or(""), 0, 5000),
    );
    if !body.consent.entrant {
        errors.add("consent.entrant", "the entrant's consent is required");
    }
    let guardian_name = match body.consent.guardian_name.as_deref().map(str::trim) {
        Some(name) if !name.is_empty() => {
            errors.take("consent.guardian_name", text_field(name, 1, 200))
        }
        _ => None,
    };
    // Without a birth year a child would pass as an adult: one is required, once.
    let current_year = year_of(now);
    let new_birth_year = match (caller.user.birth_year, body.birth_year) {
        (Some(_), _) => None,
        (None, Some(year)) if (1900..=current_year).contains(&year) => Some(year),
        (None, Some(_)) => {
            errors.add(
                "birth_year",
                format!("must be a year from 1900 to {current_year}"),
            );
            None
        }
        (None, None) => {
            errors.add(
                "birth_year",
                "entering a contest needs your birth year (a guardian must consent for entrants under 16)",
            );
            None
        }
    };
    if may_be_minor(caller.user.birth_year.or(new_birth_year), now) {
        if guardian_name.is_none() && !errors_has(&errors, "consent.guardian_name") {
            errors.add(
                "consent.guardian_name",
                "entrants under 16 need a parent or guardian (Law 91/2025/QH15, art. 24): give their name",
            );
        }
        if body.consent.guardian_consent != Some(true) {
            errors.add(
                "consent.guardian_consent",
                "entrants under 16 need their parent's or guardian's consent (Law 91/2025/QH15, art. 24)",
            );
        }
    }
    errors.into_result()?;
    let (title, description) = (title.unwrap_or_default(), description.unwrap_or_default());
    contest.require_open(now)?;
    // A lost race for a number is settled by counting again.
    for _ in 0..5 {
        let made = store::count_for(&state.db.pool, &contest.id, caller.id()).await?;
        if made >= contest.max_entries_per_user {
            return Err(AppError::conflict(
                ErrorCode::EntriesExhausted,
                format!(
                    "this contest takes at most {} entries per person",
                    contest.max_entries_per_user
                ),
            ));
        }
        let id = db::new_id();
        let new = store::NewEntry {
            id: &id,
            contest_id: &contest.id,
            user_id: caller.id(),
            number: made + 1,
            title: &title,
            description: &description,
            guardian_name: guardian_name.as_deref(),
            now_ms: now,
        };
        match store::insert(&state.db.pool, &new).await {
            Ok(()) => {
                if let Some(year) = new_birth_year {
                    sqlx::query(
                        "UPDATE users SET birth_year = $1, updated_at = $2 WHERE id = $3 AND birth_year IS NULL",
                    )
                    .bind(year)
                    .bind(now)
                    .bind(caller.id())
                    .execute(&state.db.pool)
                    .await?;
                }
                let entry = store::find(&state.db.pool, &id)
                    .await?
                    .ok_or_else(AppError::not_found)?;
                let view = entry_view(&state, &entry, Viewer::Owner).await?;
                return Ok((StatusCode::CREATED, AppJson(view)));
            }
            Err(error) if db::is_unique_violation(&error) => continue,
            Err(error) => return Err(error.into()),
        }
    }
    Err(AppError::conflict(
        ErrorCode::Conflict,
        "the entry could not be created; try again",
    ))
}

fn errors_has(errors: &FieldErrors, field: &str) -> bool {
    serde_json::to_value(errors)
        .ok()
        .is_some_and(|value| value.get(field).is_some())
}

/// One entry as the caller may see it (judges: without the entrant's identity).
#[utoipa::path(get, path = "/entries/{id}", tag = "entries", security((), ("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = EntryView), (status = 404, body = ErrorBody)))]
pub async fn get_entry(
    State(state): State<AppState>,
    MaybeUser(caller): MaybeUser,
    AppPath(entry_id): AppPath<String>,
) -> AppResult<AppJson<EntryView>> {
    let (entry, viewer) = access::visible_entry(&state, caller.as_ref(), &entry_id).await?;
    Ok(AppJson(entry_view(&state, &entry, viewer).await?))
}

/// Submits a draft that has its recording, before the contest closes. Repeating it is fine.
#[utoipa::path(post, path = "/entries/{id}/submit", tag = "entries", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = EntryView), (status = 409, body = ErrorBody, description = "contest_closed, or no recording yet"),
              (status = 404, body = ErrorBody)))]
pub async fn submit_entry(
    State(state): State<AppState>,
    caller: AuthUser,
    AppPath(entry_id): AppPath<String>,
) -> AppResult<AppJson<EntryView>> {
    let entry = access::owned_entry(&state, &caller, &entry_id).await?;
    if entry.status == store::EntryStatus::Draft {
        let contest = contest::require(&state.db.pool, &entry.contest_id).await?;
        let now = state.clock.now_ms();
        contest.require_open(now)?;
        if entry.media_id.is_none() {
            return Err(AppError::conflict(
                ErrorCode::MediaMissing,
                "upload the recording before submitting",
            ));
        }
        store::submit(&state.db.pool, &entry.id, now).await?;
    }
    let entry = access::owned_entry(&state, &caller, &entry_id).await?;
    Ok(AppJson(entry_view(&state, &entry, Viewer::Owner).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EntryFilter {
    /// Organizers: any status (all when absent). Everyone else sees `approved` only.
    #[param(value_type = Option<EntryStatus>)]
    pub status: Option<String>,
    /// 1 to 200 (default 50).
    #[serde(default, deserialize_with = "crate::http::whole_number")]
    #[param(value_type = Option<i64>, minimum = 1, maximum = 200, default = 50)]
    pub limit: Option<i128>,
    /// 0 (default) or more.
    #[serde(default, deserialize_with = "crate::http::whole_number")]
    #[param(value_type = Option<i64>, minimum = 0, default = 0)]
    pub offset: Option<i128>,
}

#[derive(Serialize, ToSchema)]
pub struct GalleryItem {
    pub id: String,
    pub title: String,
    pub description: String,
    pub status: EntryStatus,
    /// Absent while the contest keeps authors from the public (`show_authors`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<Author>,
    pub media_id: Option<String>,
    pub content_type: Option<String>,
    pub kind: Option<String>,
    pub duration_ms: Option<i64>,
    pub bytes: Option<i64>,
    /// As the results' state lets the caller see them (see `VoteView.votes`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub votes: Option<i64>,
    pub submitted_at: Option<Timestamp>,
}

#[derive(Serialize, ToSchema)]
pub struct Gallery {
    pub items: Vec<GalleryItem>,
    pub total: i64,
}

/// How a gallery names authors: not at all (kept back), as the public sees them, or by the
/// names on record (organizers).
#[derive(Clone, Copy)]
enum Authors {
    Hidden,
    Public,
    OnRecord,
}

fn gallery_item(row: ListedEntry, votes: Option<i64>, authors: Authors) -> GalleryItem {
    let display_name = match authors {
        Authors::Public => Some(public_name(
            &row.display_name,
            row.display_name_chosen.0,
            row.org_unit_name.as_deref(),
        )),
        Authors::OnRecord => Some(row.display_name),
        Authors::Hidden => None,
    };
    GalleryItem {
        id: row.id,
        title: row.title,
        description: row.description,
        status: row.status,
        author: display_name.map(|display_name| Author {
            user_id: row.user_id,
            display_name,
        }),
        media_id: row.media_id,
        content_type: row.content_type,
        kind: row.kind,
        duration_ms: row.duration_ms,
        bytes: row.bytes,
        votes,
        submitted_at: row.submitted_at.map(Timestamp),
    }
}

/// The gallery: approved entries for everyone; organizers may list any status.
#[utoipa::path(get, path = "/contests/{id}/entries", tag = "entries", params(("id" = String, Path), EntryFilter),
    responses((status = 200, body = Gallery), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_entries(
    State(state): State<AppState>,
    MaybeUser(caller): MaybeUser,
    AppPath(contest_id): AppPath<String>,
    AppQuery(filter): AppQuery<EntryFilter>,
) -> AppResult<AppJson<Gallery>> {
    let contest = contest::require(&state.db.pool, &contest_id).await?;
    let (limit, offset) = Paging {
        limit: filter.limit,
        offset: filter.offset,
    }
    .bounds()?;
    let asked = filter
        .status
        .as_deref()
        .map(str::parse::<EntryStatus>)
        .transpose()
        .map_err(|reason| FieldErrors::single("status", reason))?;
    let organizes = caller.as_ref().is_some_and(|c| c.role().organizes());
    let status = if organizes {
        asked
    } else {
        Some(EntryStatus::Approved)
    };
    let (rows, total) = store::list(&state.db.pool, &contest.id, status, limit, offset).await?;
    let ids: Vec<&str> = rows.iter().map(|row| row.id.as_str()).collect();
    let votes = super::results::shown_votes(&state, &contest, organizes, &ids).await?;
    let authors = if organizes {
        Authors::OnRecord
    } else if contest.authors_public() {
        Authors::Public
    } else {
        Authors::Hidden
    };
    Ok(AppJson(Gallery {
        items: rows
            .into_iter()
            .zip(votes)
            .map(|(row, votes)| gallery_item(row, votes, authors))
            .collect(),
        total,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minors_by_birth_year() {
        // 2026-10-01
        let now = 1_790_812_800_000;
        assert!(may_be_minor(Some(2012), now));
        assert!(may_be_minor(Some(2010), now), "may turn 16 later this year");
        assert!(!may_be_minor(Some(2009), now));
        assert!(!may_be_minor(None, now));
    }
}
