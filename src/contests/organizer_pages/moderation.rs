//! `/organize/contests/{id}/moderation`: the submitted entries awaiting a decision, each with
//! its recording, who sent it (organizers may know), its consent, and approve / reject /
//! disqualify with a reason. The form goes to `moderation::moderate_entry`, whose refusals
//! come back beside the entry's reason field.

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;

use crate::app::AppState;
use crate::auth::Organizer;
use crate::contests::access::MaybeUser;
use crate::contests::contest::{self, Contest};
use crate::contests::entries::{self, EntryFilter, EntryView};
use crate::contests::entry_store::EntryStatus;
use crate::contests::moderation::{self, Decision, ModerationRequest};
use crate::error::{AppError, AppResult};
use crate::http::{AppJson, AppPath, AppQuery};
use crate::web::locale::Locale;
use crate::web::page::{
    Chrome, OrPage, PageError, error_message, redirect, render, with_retry_after,
};
use crate::web::{CsrfForm, Member};

/// One entry awaiting a decision.
pub struct Awaiting {
    pub entry: EntryView,
    pub author: String,
    pub media_url: Option<String>,
    pub video: bool,
    pub content_type: String,
    /// The reason typed before a refusal, shown again.
    pub reason: String,
    pub reason_error: Option<String>,
    pub alert: Option<String>,
}

#[derive(Template)]
#[template(path = "organize/moderation.html")]
struct ModerationPage {
    c: Chrome,
    contest: Contest,
    entries: Vec<Awaiting>,
    /// What was just decided, in words.
    decided: Option<String>,
}

/// The most entries the queue shows at once; decided ones leave it.
const PAGE: i128 = 200;

async fn awaiting(state: &AppState, member: &Member, contest_id: &str) -> AppResult<Vec<Awaiting>> {
    let AppJson(gallery) = entries::list_entries(
        State(state.clone()),
        MaybeUser(Some(member.caller())),
        AppPath(contest_id.to_owned()),
        AppQuery(EntryFilter {
            status: Some(EntryStatus::Submitted.as_str().to_owned()),
            limit: Some(PAGE),
            offset: Some(0),
        }),
    )
    .await?;
    let mut awaiting = Vec::with_capacity(gallery.items.len());
    for item in gallery.items {
        // The entry as the API shows it to an organizer: consent and all.
        let AppJson(entry) = entries::get_entry(
            State(state.clone()),
            MaybeUser(Some(member.caller())),
            AppPath(item.id.clone()),
        )
        .await?;
        let media = entry.media.clone();
        awaiting.push(Awaiting {
            author: entry
                .author
                .as_ref()
                .map(|author| author.display_name.clone())
                .unwrap_or_default(),
            media_url: media
                .as_ref()
                .map(|media| format!("/api/v1/entries/{}/media/{}", entry.id, media.media_id)),
            video: media.as_ref().is_some_and(|media| media.kind == "video"),
            content_type: media.map(|media| media.content_type).unwrap_or_default(),
            entry,
            reason: String::new(),
            reason_error: None,
            alert: None,
        });
    }
    Ok(awaiting)
}

fn decided_query(query: Option<&str>) -> Option<String> {
    query?
        .split('&')
        .find_map(|pair| pair.strip_prefix("decided="))
        .filter(|decision| matches!(*decision, "approve" | "reject" | "disqualify"))
        .map(str::to_owned)
}

pub async fn page(
    State(state): State<AppState>,
    member: Member,
    organizer: Result<Organizer, AppError>,
    Path(contest_id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    let visitor = &member.visitor;
    organizer.page(visitor)?;
    let contest = contest::require(&state.db.pool, &contest_id)
        .await
        .page(visitor)?;
    let entries = awaiting(&state, &member, &contest.id).await.page(visitor)?;
    Ok(render(
        StatusCode::OK,
        &ModerationPage {
            c: Chrome::titled(
                visitor,
                visitor.locale.text_with(
                    "organize-moderation-title",
                    &[("title", arg(&contest.title))],
                ),
            ),
            contest,
            entries,
            decided: decided_query(query.as_deref())
                .map(|decision| visitor.locale.text(&format!("organize-decided-{decision}"))),
        },
    ))
}

fn arg(text: &str) -> crate::web::locale::FluentArg {
    crate::web::locale::Arg::to_arg(text)
}

fn decision_of(text: &str) -> Option<Decision> {
    match text {
        "approve" => Some(Decision::Approve),
        "reject" => Some(Decision::Reject),
        "disqualify" => Some(Decision::Disqualify),
        _ => None,
    }
}

/// What went wrong with the reason, in words: the server refused it; this picks the sentence.
fn reason_problem(locale: Locale, sent: &str) -> String {
    if sent.trim().is_empty() {
        locale.text("organize-reason-required")
    } else {
        locale.text("organize-reason-invalid")
    }
}

/// Writes a decision through the API's handler, then back to the queue; a refusal shows the
/// queue again with the message beside the entry's reason.
pub async fn decide(
    State(state): State<AppState>,
    member: Member,
    Path(contest_id): Path<String>,
    form: CsrfForm,
) -> Result<Response, PageError> {
    let visitor = &member.visitor;
    let organizer = member.organizer()?;
    let entry_id = form.text("entry");
    let Some(decision) = decision_of(form.get("decision").unwrap_or("")) else {
        return Err(visitor.fail(AppError::bad_request(
            "choose approve, reject or disqualify",
        )));
    };
    // The browser's CRLF line breaks made plain (the API refuses control characters).
    let reason = form.text("reason").replace("\r\n", "\n");
    let outcome = moderation::moderate_entry(
        State(state.clone()),
        organizer,
        AppPath(entry_id.clone()),
        AppJson(ModerationRequest {
            decision,
            reason: Some(reason.clone()),
        }),
    )
    .await;
    let error = match outcome {
        Ok(_) => {
            let decided = form.get("decision").unwrap_or("");
            return Ok(redirect(&format!(
                "/organize/contests/{contest_id}/moderation?decided={decided}#queue"
            )));
        }
        Err(error)
            if matches!(
                error.status(),
                StatusCode::NOT_FOUND | StatusCode::FORBIDDEN | StatusCode::UNAUTHORIZED
            ) =>
        {
            return Err(visitor.fail(error));
        }
        Err(error) => error,
    };
    let contest = contest::require(&state.db.pool, &contest_id)
        .await
        .page(visitor)?;
    let mut entries = awaiting(&state, &member, &contest.id).await.page(visitor)?;
    let locale = visitor.locale;
    if let Some(refused) = entries.iter_mut().find(|shown| shown.entry.id == entry_id) {
        refused.reason = reason.clone();
        if error.fields().iter().any(|field| field == "reason") {
            refused.reason_error = Some(reason_problem(locale, &reason));
            refused.alert = Some(locale.text("organize-not-decided"));
        } else {
            refused.alert = Some(error_message(locale, &error));
        }
    }
    let page = ModerationPage {
        c: Chrome::titled(
            visitor,
            locale.text_with(
                "organize-moderation-title",
                &[("title", arg(&contest.title))],
            ),
        ),
        contest,
        entries,
        decided: None,
    };
    Ok(with_retry_after(render(error.status(), &page), &error))
}
