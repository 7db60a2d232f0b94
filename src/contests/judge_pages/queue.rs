//! `/judging`: the entries assigned to the judge, contest by contest, each under a neutral
//! code, with what is scored and what is left.

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::response::Response;

use super::{Assigned, blind_code, lock_reason, whole_queue};
use crate::app::AppState;
use crate::auth::Judge;
use crate::error::AppError;
use crate::web::page::{Chrome, OrPage, PageError, ok};
use crate::web::{Member, Visitor};

/// One entry of the queue as the page lists it.
pub struct QueueLine {
    pub href: String,
    pub code: String,
    pub scored: bool,
}

/// A contest's share of the queue.
pub struct ContestGroup {
    pub title: String,
    pub scored: usize,
    pub total: usize,
    pub locked: Option<String>,
    pub entries: Vec<QueueLine>,
}

#[derive(Template)]
#[template(path = "judging/queue.html")]
struct QueuePage {
    c: Chrome,
    groups: Vec<ContestGroup>,
    scored: usize,
    total: usize,
    /// Back from "save and next" with nothing left to score.
    all_done: bool,
}

pub fn groups(visitor: &Visitor, assigned: &[Assigned]) -> Vec<ContestGroup> {
    let mut groups: Vec<(String, ContestGroup)> = Vec::new();
    for entry in assigned {
        let at = match groups.iter().position(|(id, _)| *id == entry.contest.id) {
            Some(at) => at,
            None => {
                groups.push((
                    entry.contest.id.clone(),
                    ContestGroup {
                        title: entry.item.contest_title.clone(),
                        scored: 0,
                        total: 0,
                        locked: lock_reason(visitor.locale, &entry.contest),
                        entries: Vec::new(),
                    },
                ));
                groups.len() - 1
            }
        };
        let group = &mut groups[at].1;
        group.total += 1;
        group.scored += usize::from(entry.scored());
        group.entries.push(QueueLine {
            href: format!("/judging/entries/{}", entry.item.entry_id),
            code: blind_code(&entry.item.entry_id),
            scored: entry.scored(),
        });
    }
    groups.into_iter().map(|(_, group)| group).collect()
}

/// The queue. Participants are refused as the API refuses them (403).
pub async fn queue_page(
    State(state): State<AppState>,
    member: Member,
    judge: Result<Judge, AppError>,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    let visitor = &member.visitor;
    judge.page(visitor)?;
    // The extractor proved the judging role; each page of the queue takes its own caller.
    let assigned = whole_queue(&state, || Judge(member.caller()))
        .await
        .page(visitor)?;
    let scored = assigned.iter().filter(|entry| entry.scored()).count();
    let all_done = query
        .as_deref()
        .is_some_and(|q| q.split('&').any(|pair| pair == "done=1"));
    Ok(ok(&QueuePage {
        c: Chrome::new(visitor, "judging-queue-title"),
        groups: groups(visitor, &assigned),
        scored,
        total: assigned.len(),
        all_done,
    }))
}
