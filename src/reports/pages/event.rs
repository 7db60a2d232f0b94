//! `/organize/reports/events/{id}?group_by=&sort=&dir=`: an event's participation per ward,
//! school or class as a sortable table, with the same report as CSV and the event's XLSX
//! workbook to download, and its quizzes' own reports.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;

use super::view::{Column, HtmlTable, Kind, Sort, column};
use crate::app::AppState;
use crate::auth::Organizer;
use crate::error::{AppError, FieldErrors};
use crate::orgs::OrgKind;
use crate::quizzes::events::Event;
use crate::quizzes::quiz::{self, Quiz};
use crate::reports::participation::{organizer_event, participation};
use crate::web::Member;
use crate::web::page::{Chrome, OrPage, PageError, ok};

/// The levels an education office reports by.
const LEVELS: [OrgKind; 3] = [OrgKind::Ward, OrgKind::School, OrgKind::Class];

const COLUMNS: [Column; 11] = [
    column("org_unit", Kind::Text),
    column("registered", Kind::Count),
    column("participants", Kind::Count),
    column("participation_share", Kind::Share),
    column("completed", Kind::Count),
    column("completion_share", Kind::Share),
    column("attempts_finished", Kind::Count),
    column("mean_score", Kind::Percent),
    column("median_score", Kind::Percent),
    column("entries_submitted", Kind::Count),
    column("entries_approved", Kind::Count),
];

#[derive(Deserialize)]
pub struct ReportQuery {
    group_by: Option<String>,
    sort: Option<String>,
    dir: Option<String>,
}

pub struct Level {
    pub kind: &'static str,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "reports/event.html")]
struct EventReport {
    c: Chrome,
    event: Event,
    group_by: &'static str,
    levels: Vec<Level>,
    table: HtmlTable,
    quizzes: Vec<Quiz>,
}

pub async fn page(
    State(state): State<AppState>,
    member: Member,
    organizer: Result<Organizer, AppError>,
    Path(event_id): Path<String>,
    Query(query): Query<ReportQuery>,
) -> Result<Response, PageError> {
    let visitor = &member.visitor;
    organizer.page(visitor)?;
    let kind = match query.group_by.as_deref() {
        None => OrgKind::Ward,
        Some(text) => OrgKind::parse(text)
            .ok()
            .filter(|kind| LEVELS.contains(kind))
            .ok_or_else(|| FieldErrors::single("group_by", "must be ward, school or class"))
            .page(visitor)?,
    };
    let event = organizer_event(&state, &event_id).await.page(visitor)?;
    let report = participation(&state, &event, kind).await.page(visitor)?;
    let c = Chrome::titled(visitor, event.title.clone());
    let group_by = kind.as_str();
    let sort = Sort::of(query.sort, query.dir.as_deref());
    let base = format!("/organize/reports/events/{}?group_by={group_by}", event.id);
    let table = HtmlTable::of(
        &c,
        c.t(&format!("reports-participation-by-{group_by}")),
        &report,
        &COLUMNS,
        Some("row"),
        &sort,
        |column, dir| format!("{base}&sort={column}&dir={dir}#participation"),
    );
    let levels = LEVELS
        .iter()
        .map(|level| Level {
            kind: level.as_str(),
            label: c.t(&format!("reports-level-{}", level.as_str())),
            selected: *level == kind,
        })
        .collect();
    let quizzes = quiz::of_event(&state.db.pool, &event.id)
        .await
        .page(visitor)?
        .into_iter()
        .filter(|quiz| quiz.published)
        .collect();
    Ok(ok(&EventReport {
        c,
        event,
        group_by,
        levels,
        table,
        quizzes,
    }))
}
