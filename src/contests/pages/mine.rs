//! `/me/entries`: each of the resident's entries with where it stands, as a timeline (draft,
//! submitted, moderated with the moderator's reason, judged, results), and its recording.

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use super::status_key;
use crate::app::AppState;
use crate::contests::access::Viewer;
use crate::contests::contest::{self, ResultsState};
use crate::contests::entries::{self, EntryView};
use crate::contests::entry_store::{self as store, EntryStatus};
use crate::web::Member;
use crate::web::page::{Chrome, OrPage, PageError, ok};

/// One step of an entry's timeline.
pub struct Step {
    pub label: String,
    /// When it happened, in Vietnam's time, if it has.
    pub when: Option<String>,
    /// `done`, `current`, `refused` or `todo`.
    pub state: &'static str,
    /// The state in words, for screen readers (the page shows it by style).
    pub state_label: String,
    pub note: Option<String>,
}

pub struct MyEntry {
    pub entry: EntryView,
    pub contest_id: String,
    pub contest_title: String,
    pub status: String,
    pub steps: Vec<Step>,
    pub media_url: Option<String>,
    pub video: bool,
    pub results_published: bool,
}

#[derive(Template)]
#[template(path = "contests/mine.html")]
struct MinePage {
    c: Chrome,
    entries: Vec<MyEntry>,
}

fn timeline(
    c: &Chrome,
    entry: &EntryView,
    created_at: i64,
    judged: bool,
    results: ResultsState,
) -> Vec<Step> {
    let status = entry.status;
    let moderated = !matches!(status, EntryStatus::Draft | EntryStatus::Submitted);
    let approved = status == EntryStatus::Approved;
    let mut steps = vec![
        Step {
            label: c.t("timeline-draft"),
            when: Some(c.when(created_at)),
            state: if status == EntryStatus::Draft {
                "current"
            } else {
                "done"
            },
            state_label: String::new(),
            note: (status == EntryStatus::Draft).then(|| c.t("timeline-draft-note")),
        },
        Step {
            label: c.t("timeline-submitted"),
            when: entry.submitted_at.as_ref().map(|t| c.when(t.0)),
            state: match status {
                EntryStatus::Draft => "todo",
                EntryStatus::Submitted => "current",
                _ => "done",
            },
            state_label: String::new(),
            note: (status == EntryStatus::Submitted).then(|| c.t("timeline-submitted-note")),
        },
        Step {
            label: c.t(&format!(
                "timeline-{}",
                if moderated {
                    status.as_str()
                } else {
                    "moderation"
                }
            )),
            when: entry
                .moderation
                .as_ref()
                .and_then(|m| m.moderated_at.as_ref())
                .map(|t| c.when(t.0)),
            state: match status {
                EntryStatus::Approved => "done",
                EntryStatus::Rejected | EntryStatus::Disqualified => "refused",
                _ => "todo",
            },
            state_label: String::new(),
            note: entry
                .moderation
                .as_ref()
                .and_then(|m| m.reason.clone())
                .filter(|reason| moderated && !reason.is_empty())
                .map(|reason| c.t1("timeline-reason", "reason", reason)),
        },
    ];
    if !moderated || approved {
        steps.push(Step {
            label: c.t("timeline-judged"),
            when: None,
            state: if judged { "done" } else { "todo" },
            state_label: String::new(),
            note: None,
        });
        steps.push(Step {
            label: c.t("timeline-results"),
            when: None,
            state: if results == ResultsState::Published {
                "done"
            } else {
                "todo"
            },
            state_label: String::new(),
            note: None,
        });
    }
    for step in &mut steps {
        step.state_label = c.t(&format!("timeline-state-{}", step.state));
    }
    steps
}

pub async fn page(State(state): State<AppState>, member: Member) -> Result<Response, PageError> {
    let visitor = &member.visitor;
    let pool = &state.db.pool;
    let ids: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM entries WHERE user_id = $1 ORDER BY created_at DESC, id LIMIT 200",
    )
    .bind(member.session.user.id.as_str())
    .fetch_all(pool)
    .await
    .map_err(crate::error::AppError::from)
    .page(visitor)?;
    let c = Chrome::new(visitor, "mine-title");
    let mut mine = Vec::with_capacity(ids.len());
    for id in ids {
        let Some(row) = store::find(pool, &id).await.page(visitor)? else {
            continue;
        };
        let found = contest::require(pool, &row.contest_id)
            .await
            .page(visitor)?;
        let entry = entries::entry_view(&state, &row, Viewer::Owner)
            .await
            .page(visitor)?;
        let scored: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM entry_judges WHERE entry_id = $1 AND scored_at IS NOT NULL",
        )
        .bind(&row.id)
        .fetch_one(pool)
        .await
        .map_err(crate::error::AppError::from)
        .page(visitor)?;
        let judged = scored > 0 && scored >= found.judges_per_entry;
        mine.push(MyEntry {
            steps: timeline(&c, &entry, row.created_at, judged, found.results_state),
            status: c.t(&status_key(entry.status)),
            media_url: entry
                .media
                .as_ref()
                .map(|media| super::own_recording_url(&entry.id, &media.media_id)),
            video: entry.media.as_ref().is_some_and(|m| m.kind == "video"),
            results_published: found.results_state == ResultsState::Published,
            contest_id: found.id,
            contest_title: found.title,
            entry,
        });
    }
    Ok(ok(&MinePage { c, entries: mine }))
}
