//! Adding a judge by username and removing one, on the contest's page. Both go to the API's
//! `judging::add_judge` / `remove_judge`, which rebalance the assignments.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::overview::overview_of;
use crate::app::AppState;
use crate::auth::accounts;
use crate::auth::credentials::Username;
use crate::contests::judging::{self, AddJudge};
use crate::http::{AppJson, AppPath};
use crate::web::page::{OrPage, PageError, error_message, redirect, render, with_retry_after};
use crate::web::{CsrfForm, Member};

pub async fn add(
    State(state): State<AppState>,
    member: Member,
    Path(contest_id): Path<String>,
    form: CsrfForm,
) -> Result<Response, PageError> {
    let visitor = &member.visitor;
    let organizer = member.organizer()?;
    let locale = visitor.locale;
    let typed = form.text("username").trim().to_owned();
    let found = accounts::find_by_username_key(&state.db.pool, &Username::key_of(&typed))
        .await
        .page(visitor)?;
    let unknown = found.is_none();
    let outcome = match found {
        Some(user) => judging::add_judge(
            State(state.clone()),
            organizer,
            AppPath(contest_id.clone()),
            AppJson(AddJudge { user_id: user.id }),
        )
        .await
        .map(|_| ()),
        None => Err(crate::error::FieldErrors::single("user_id", "no such user")),
    };
    let error = match outcome {
        Ok(()) => {
            return Ok(redirect(&format!(
                "/organize/contests/{contest_id}?judge=added#judges"
            )));
        }
        Err(error)
            if matches!(
                error.status(),
                StatusCode::FORBIDDEN | StatusCode::UNAUTHORIZED
            ) =>
        {
            return Err(visitor.fail(error));
        }
        Err(error) => error,
    };
    let mut page = overview_of(&state, &member, &contest_id)
        .await
        .page(visitor)?;
    page.judge_username = typed.clone();
    if error.fields().iter().any(|field| field == "user_id") {
        page.judge_error = Some(locale.text(if typed.is_empty() {
            "organize-judge-required"
        } else if unknown {
            "organize-judge-unknown"
        } else {
            "organize-judge-not-judge"
        }));
        page.alert = Some(locale.text("organize-judge-not-added"));
    } else {
        page.alert = Some(error_message(locale, &error));
    }
    Ok(with_retry_after(render(error.status(), &page), &error))
}

pub async fn remove(
    State(state): State<AppState>,
    member: Member,
    Path((contest_id, user_id)): Path<(String, String)>,
    _form: CsrfForm,
) -> Result<Response, PageError> {
    let visitor = &member.visitor;
    let organizer = member.organizer()?;
    judging::remove_judge(
        State(state.clone()),
        organizer,
        AppPath((contest_id.clone(), user_id)),
    )
    .await
    .page(visitor)?;
    Ok(redirect(&format!(
        "/organize/contests/{contest_id}?judge=removed#judges"
    )))
}
