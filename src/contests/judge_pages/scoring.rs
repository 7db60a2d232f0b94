//! `/judging/entries/{id}`: the blind scoring page. The recording, the entry's title and
//! description (never who made it), the rubric as number fields, a live weighted total
//! (`assets/scoring.js`, mirroring `judging::check_scores`), a comment, and "save" or "save
//! and next". The form goes to `judging::score_entry`, whose refusals come back next to their
//! fields; once the results are frozen the scores show read-only with why.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value;

use super::{Assigned, blind_code, lock_reason, whole_queue};
use crate::app::AppState;
use crate::auth::Judge;
use crate::contests::judging::{self, ScoreRequest};
use crate::error::{AppError, ErrorCode};
use crate::http::{AppJson, AppPath};
use crate::web::locale::Locale;
use crate::web::page::{
    Chrome, OrPage, PageError, error_message, points_text, redirect, render, with_retry_after,
};
use crate::web::{CsrfForm, Member};

/// The recording as the player plays it, from the playback route (which serves ranges).
pub struct Player {
    pub src: String,
    pub video: bool,
    pub content_type: String,
}

/// One criterion of the rubric as a field.
pub struct CriterionField {
    pub key: String,
    pub title: String,
    pub weight: String,
    pub max: String,
    /// What the field holds: the saved points, or what was just sent.
    pub value: String,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "judging/entry.html")]
struct ScoringPage {
    c: Chrome,
    entry_id: String,
    code: String,
    contest_title: String,
    title: String,
    description: String,
    player: Option<Player>,
    criteria: Vec<CriterionField>,
    comment: String,
    comment_error: Option<String>,
    /// The server's weighted total of the saved scores.
    saved_total: Option<String>,
    locked: Option<String>,
    alert: Option<String>,
    /// The entry whose scores were just saved (this one, or the one before "next").
    saved_code: Option<String>,
    contest_scored: usize,
    contest_total: usize,
}

/// What the judge sent, to show again beside the refusal.
struct Sent {
    scores: BTreeMap<String, String>,
    comment: String,
}

/// The scoring page of `entry_id` from the judge's queue; an entry not in it is "not found",
/// as the API has it.
fn page_of(
    member: &Member,
    queue: &[Assigned],
    entry_id: &str,
    sent: Option<&Sent>,
    error: Option<&AppError>,
    saved: Option<&str>,
) -> Result<ScoringPage, PageError> {
    let visitor = &member.visitor;
    let locale = visitor.locale;
    let Some(entry) = queue.iter().find(|entry| entry.item.entry_id == entry_id) else {
        return Err(visitor.fail(AppError::not_found()));
    };
    let item = &entry.item;
    let stored: BTreeMap<String, Value> = item
        .scores
        .as_ref()
        .and_then(Value::as_object)
        .map(|map| map.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    let refused = error.map(AppError::fields).unwrap_or_default();
    let criteria = item
        .criteria
        .iter()
        .map(|criterion| {
            let value = match sent {
                Some(sent) => sent.scores.get(&criterion.key).cloned().unwrap_or_default(),
                None => stored
                    .get(&criterion.key)
                    .and_then(Value::as_f64)
                    .map(points_text)
                    .unwrap_or_default(),
            };
            let field = format!("scores.{}", criterion.key);
            let error = refused
                .contains(&field)
                .then(|| points_problem(locale, &value, criterion.max_points));
            CriterionField {
                key: criterion.key.clone(),
                title: criterion.title.clone(),
                weight: points_text(criterion.weight),
                max: points_text(criterion.max_points),
                value,
                error,
            }
        })
        .collect();
    let saved_total = judging::check_scores(&item.criteria, &stored)
        .ok()
        .filter(|_| item.scored_at.is_some())
        .map(|(_, percent)| points_text(percent));
    let alert = error.map(|error| match error.code() {
        // The fields say what is wrong with each; the top only says that something is.
        ErrorCode::ValidationFailed => locale.text("judging-fix-fields"),
        _ => error_message(locale, error),
    });
    let in_contest = queue
        .iter()
        .filter(|other| other.contest.id == entry.contest.id);
    Ok(ScoringPage {
        c: Chrome::titled(
            visitor,
            locale.text_with(
                "judging-entry-title",
                &[(
                    "code",
                    crate::web::locale::Arg::to_arg(&blind_code(entry_id)),
                )],
            ),
        ),
        entry_id: item.entry_id.clone(),
        code: blind_code(&item.entry_id),
        contest_title: item.contest_title.clone(),
        title: item.title.clone(),
        description: item.description.clone(),
        player: item.media.as_ref().map(|media| Player {
            src: format!("/api/v1/entries/{}/media/{}", item.entry_id, media.media_id),
            video: media.kind == "video",
            content_type: media.content_type.clone(),
        }),
        criteria,
        comment: match sent {
            Some(sent) => sent.comment.clone(),
            None => item.comment.clone().unwrap_or_default(),
        },
        comment_error: refused
            .iter()
            .any(|field| field == "comment")
            .then(|| locale.text("judging-error-comment")),
        saved_total,
        locked: lock_reason(locale, &entry.contest),
        alert,
        saved_code: saved.map(blind_code).filter(|code| !code.is_empty()),
        contest_scored: in_contest.clone().filter(|other| other.scored()).count(),
        contest_total: in_contest.count(),
    })
}

/// What is wrong with points the server refused, in words: the server decided that they are
/// wrong; this only picks the sentence for what was typed.
fn points_problem(locale: Locale, sent: &str, max_points: f64) -> String {
    use crate::web::locale::Arg;
    if sent.trim().is_empty() {
        locale.text("judging-error-required")
    } else if parse_points(sent).is_none_or(|points| !points.is_finite()) {
        locale.text("judging-error-number")
    } else {
        locale.text_with(
            "judging-error-range",
            &[("max", points_text(max_points).to_arg())],
        )
    }
}

/// Points as typed: `7.5`, or `7,5` as Vietnamese write it.
fn parse_points(text: &str) -> Option<f64> {
    text.trim().replace(',', ".").parse().ok()
}

fn saved_query(query: Option<&str>) -> Option<String> {
    query?
        .split('&')
        .find_map(|pair| pair.strip_prefix("saved="))
        .map(str::to_owned)
}

pub async fn scoring_page(
    State(state): State<AppState>,
    member: Member,
    judge: Result<Judge, AppError>,
    Path(entry_id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    let visitor = &member.visitor;
    judge.page(visitor)?;
    let queue = whole_queue(&state, || Judge(member.caller()))
        .await
        .page(visitor)?;
    let saved = saved_query(query.as_deref());
    let page = page_of(&member, &queue, &entry_id, None, None, saved.as_deref())?;
    Ok(render(StatusCode::OK, &page))
}

/// The form as the API's request: `score-{key}` fields, and the comment with the browser's
/// CRLF line breaks made plain (the API refuses control characters such as CR).
fn request_of(form: &CsrfForm) -> (ScoreRequest, Sent) {
    let mut scores = BTreeMap::new();
    let mut typed = BTreeMap::new();
    for (name, value) in &form.fields {
        let Some(key) = name.strip_prefix("score-") else {
            continue;
        };
        typed.insert(key.to_owned(), value.clone());
        if value.trim().is_empty() {
            // Left out: the API says "is required".
            continue;
        }
        let points = match parse_points(value) {
            Some(points) => Value::from(points),
            None => Value::from(value.as_str()),
        };
        scores.insert(key.to_owned(), points);
    }
    let comment = form.text("comment").replace("\r\n", "\n");
    (
        ScoreRequest {
            scores,
            comment: Some(comment.clone()),
        },
        Sent {
            scores: typed,
            comment,
        },
    )
}

/// Saves the judge's scores, then shows this entry again, or the next one she has to score
/// (the queue, with a word, when none is left).
pub async fn save_scores(
    State(state): State<AppState>,
    member: Member,
    Path(entry_id): Path<String>,
    form: CsrfForm,
) -> Result<Response, PageError> {
    let visitor = &member.visitor;
    let (request, sent) = request_of(&form);
    let outcome = judging::score_entry(
        State(state.clone()),
        member.caller(),
        AppPath(entry_id.clone()),
        AppJson(request),
    )
    .await;
    let error = match outcome {
        Ok(_) => None,
        // Not hers to score (or gone): the API's answer as it is.
        Err(error)
            if matches!(
                error.status(),
                StatusCode::NOT_FOUND | StatusCode::FORBIDDEN | StatusCode::UNAUTHORIZED
            ) =>
        {
            return Err(visitor.fail(error));
        }
        Err(error) => Some(error),
    };
    // Past the assignment check: she judges this entry, so she holds a judging role.
    let queue = whole_queue(&state, || Judge(member.caller()))
        .await
        .page(visitor)?;
    if let Some(error) = error {
        let page = page_of(&member, &queue, &entry_id, Some(&sent), Some(&error), None)?;
        return Ok(with_retry_after(render(error.status(), &page), &error));
    }
    if form.get("then") != Some("next") {
        return Ok(redirect(&format!(
            "/judging/entries/{entry_id}?saved={entry_id}"
        )));
    }
    let next = queue
        .iter()
        .find(|entry| !entry.scored() && !entry.locked() && entry.item.entry_id != entry_id);
    Ok(match next {
        Some(next) => redirect(&format!(
            "/judging/entries/{}?saved={entry_id}",
            next.item.entry_id
        )),
        None => redirect("/judging?done=1"),
    })
}
