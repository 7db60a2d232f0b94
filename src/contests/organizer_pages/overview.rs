//! `/organize/contests/{id}`: a contest's counts, its results state with the changes allowed
//! from it (each confirmed on a second page, `/results?to=…`, so it works without scripts),
//! the published snapshot's SHA-256, and its judges (`judges`). State changes go to
//! `results::change_results_state`.

use askama::Template;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::{Counts, counts, state_key};
use crate::app::AppState;
use crate::auth::Organizer;
use crate::contests::contest::{self, Contest, ResultsState};
use crate::contests::judging::{self, JudgeView};
use crate::contests::results::{self, StateRequest};
use crate::error::{AppError, AppResult};
use crate::http::{AppJson, AppPath};
use crate::web::page::{
    Chrome, OrPage, PageError, StateConfirmation, error_message, redirect, render, with_retry_after,
};
use crate::web::{CsrfForm, Member};

/// A change of state the organizer may make from the current one.
pub struct Transition {
    pub to: &'static str,
    pub label: String,
}

pub struct Published {
    pub sha256: String,
    pub published_at: i64,
}

#[derive(Template)]
#[template(path = "organize/contest.html")]
pub struct OverviewPage {
    pub c: Chrome,
    pub contest: Contest,
    pub counts: Counts,
    pub state: String,
    pub transitions: Vec<Transition>,
    pub published: Option<Published>,
    pub judges: Vec<JudgeView>,
    /// What was typed in "add a judge", shown again beside a refusal.
    pub judge_username: String,
    pub judge_error: Option<String>,
    pub notice: Option<String>,
    pub alert: Option<String>,
}

/// The page's data, read through the API's handlers.
pub async fn overview_of(
    state: &AppState,
    member: &Member,
    contest_id: &str,
) -> AppResult<OverviewPage> {
    let visitor = &member.visitor;
    let locale = visitor.locale;
    let contest = contest::require(&state.db.pool, contest_id).await?;
    let counts = counts(state, member, &contest).await?;
    let AppJson(judges) = judging::list_judges(
        State(state.clone()),
        Organizer(member.caller()),
        AppPath(contest.id.clone()),
    )
    .await?;
    let published = if contest.results_state == ResultsState::Published {
        let AppJson(published) =
            results::published_results(State(state.db.clone()), AppPath(contest.id.clone()))
                .await?;
        Some(Published {
            sha256: published.sha256,
            published_at: published.published_at.0,
        })
    } else {
        None
    };
    Ok(OverviewPage {
        c: Chrome::titled(visitor, contest.title.clone()),
        state: locale.text(&state_key(contest.results_state)),
        transitions: contest
            .results_state
            .changes_allowed()
            .into_iter()
            .map(|to| Transition {
                to: to.as_str(),
                label: locale.text(&format!("organize-to-{}", to.as_str())),
            })
            .collect(),
        published,
        judges: judges.items,
        counts,
        contest,
        judge_username: String::new(),
        judge_error: None,
        notice: None,
        alert: None,
    })
}

fn notice_of(query: Option<&str>) -> Option<&'static str> {
    let query = query?;
    query.split('&').find_map(|pair| match pair {
        "changed=1" => Some("organize-state-changed"),
        "saved=1" => Some("organize-contest-saved"),
        "judge=added" => Some("organize-judge-added"),
        "judge=removed" => Some("organize-judge-removed"),
        _ => None,
    })
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
    let mut page = overview_of(&state, &member, &contest_id)
        .await
        .page(visitor)?;
    page.notice = notice_of(query.as_deref()).map(|key| visitor.locale.text(key));
    Ok(render(StatusCode::OK, &page))
}

#[derive(Deserialize)]
pub struct ToQuery {
    to: Option<String>,
}

/// The confirmation step of a change of state: what it does, and the button that does it.
pub async fn confirm_page(
    State(state): State<AppState>,
    member: Member,
    organizer: Result<Organizer, AppError>,
    Path(contest_id): Path<String>,
    Query(query): Query<ToQuery>,
) -> Result<Response, PageError> {
    let visitor = &member.visitor;
    organizer.page(visitor)?;
    let contest = contest::require(&state.db.pool, &contest_id)
        .await
        .page(visitor)?;
    let Some(to) = query
        .to
        .as_deref()
        .and_then(ResultsState::named)
        .filter(|to| contest.results_state.changes_allowed().contains(to))
    else {
        return Ok(redirect(&format!("/organize/contests/{}", contest.id)));
    };
    let locale = visitor.locale;
    Ok(render(
        StatusCode::OK,
        &StateConfirmation {
            c: Chrome::new(visitor, "organize-confirm-title"),
            back_href: format!("/organize/contests/{}#results", contest.id),
            back_label: contest.title,
            action: format!("/organize/contests/{}/results", contest.id),
            from: locale.text(&state_key(contest.results_state)),
            to: to.as_str(),
            to_label: locale.text(&format!("organize-to-{}", to.as_str())),
            explanation: locale.text(&format!("organize-explain-{}", to.as_str())),
        },
    ))
}

/// Changes the results' state once confirmed; an unconfirmed post goes to the confirmation.
pub async fn change_state(
    State(state): State<AppState>,
    member: Member,
    Path(contest_id): Path<String>,
    form: CsrfForm,
) -> Result<Response, PageError> {
    let visitor = &member.visitor;
    let organizer = member.organizer()?;
    let Some(to) = ResultsState::named(form.get("state").unwrap_or("")) else {
        return Err(visitor.fail(AppError::bad_request("choose a results state")));
    };
    if form.get("confirm") != Some("yes") {
        return Ok(redirect(&format!(
            "/organize/contests/{contest_id}/results?to={}",
            to.as_str()
        )));
    }
    let outcome = results::change_results_state(
        State(state.clone()),
        organizer,
        AppPath(contest_id.clone()),
        AppJson(StateRequest { state: to }),
    )
    .await;
    match outcome {
        Ok(_) => Ok(redirect(&format!(
            "/organize/contests/{contest_id}?changed=1#results"
        ))),
        Err(error)
            if matches!(
                error.status(),
                StatusCode::NOT_FOUND | StatusCode::FORBIDDEN | StatusCode::UNAUTHORIZED
            ) =>
        {
            Err(visitor.fail(error))
        }
        Err(error) => {
            let mut page = overview_of(&state, &member, &contest_id)
                .await
                .page(visitor)?;
            page.alert = Some(error_message(visitor.locale, &error));
            Ok(with_retry_after(render(error.status(), &page), &error))
        }
    }
}
