//! `/organize/quizzes/{id}/allowances`: each participant's time allowance on the quiz (who,
//! her unit, the extra time, the later close, when the quiz closes for her and the deadline
//! of her attempt in progress), and a form that grants or changes one by username (minutes
//! of extra time; a later close in minutes or hours) or removes it. The form goes to
//! `allowances::grant` / `revoke`, which re-compute her running attempt's deadline.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::builder::stored;
use super::is_page_error;
use crate::app::AppState;
use crate::auth::credentials::Username;
use crate::auth::{Organizer, accounts};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::http::{AppJson, AppPath};
use crate::quizzes::allowances::{self, Allowance};
use crate::quizzes::attempt_store;
use crate::quizzes::quiz::Quiz;
use crate::web::locale::{Arg, Locale};
use crate::web::page::{Chrome, OrPage, PageError, redirect, render, with_retry_after};
use crate::web::{CsrfForm, Member};

pub struct AllowanceLine {
    pub user_id: String,
    pub display_name: String,
    pub username: String,
    pub unit: Option<String>,
    pub extra_time: String,
    pub extra_close: String,
    /// When the quiz closes for her.
    pub closes_at: i64,
    /// The deadline of her attempt in progress.
    pub deadline_at: Option<i64>,
}

/// The grant form as typed.
#[derive(Default)]
pub struct GrantForm {
    pub username: String,
    /// Minutes.
    pub extra_time: String,
    pub extra_close: String,
    /// `minutes` or `hours`.
    pub close_unit: String,
}

#[derive(Template)]
#[template(path = "builder/allowances.html")]
struct AllowancesPage {
    c: Chrome,
    quiz: Quiz,
    lines: Vec<AllowanceLine>,
    form: GrantForm,
    username_error: Option<String>,
    extra_time_error: Option<String>,
    extra_close_error: Option<String>,
    notice: Option<String>,
    alert: Option<String>,
}

/// A number of seconds in words: hours when whole, else minutes (and seconds, if any).
fn duration_words(locale: Locale, seconds: i64) -> String {
    if seconds == 0 {
        return locale.text("builder-allowance-none");
    }
    let count = |key: &str, n: i64| locale.text_with(key, &[("count", n.to_arg())]);
    if seconds % 3600 == 0 {
        return count("builder-hours", seconds / 3600);
    }
    let minutes = count("builder-minutes", seconds / 60);
    match seconds % 60 {
        0 => minutes,
        rest if seconds < 60 => count("builder-seconds", rest),
        rest => format!("{minutes} {}", count("builder-seconds", rest)),
    }
}

async fn lines(state: &AppState, member: &Member, quiz: &Quiz) -> AppResult<Vec<AllowanceLine>> {
    let locale = member.visitor.locale;
    let AppJson(listed) = allowances::list(
        State(state.clone()),
        Organizer(member.caller()),
        AppPath(quiz.id.clone()),
    )
    .await?;
    let units: HashMap<String, String> = crate::orgs::store::list(&state.db.pool)
        .await?
        .into_iter()
        .map(|unit| (unit.id, unit.name))
        .collect();
    let mut lines = Vec::with_capacity(listed.items.len());
    for granted in listed.items {
        let account = accounts::find_by_id(&state.db.pool, &granted.user_id).await?;
        let running =
            attempt_store::find_in_progress(&state.db.pool, &quiz.id, &granted.user_id).await?;
        lines.push(AllowanceLine {
            username: account
                .as_ref()
                .map(|a| a.username.clone())
                .unwrap_or_default(),
            unit: account
                .and_then(|a| a.org_unit_id)
                .and_then(|id| units.get(&id).cloned()),
            extra_time: duration_words(locale, granted.extra_time_s),
            extra_close: duration_words(locale, granted.extra_close_s),
            closes_at: granted.closes_at.0,
            deadline_at: running.map(|attempt| attempt.deadline_at),
            user_id: granted.user_id,
            display_name: granted.display_name,
        });
    }
    Ok(lines)
}

fn notice_of(query: &PageQuery) -> Option<&'static str> {
    match query.done.as_deref() {
        Some("granted") => Some("builder-allowance-granted"),
        Some("removed") => Some("builder-allowance-removed"),
        _ => None,
    }
}

#[derive(Deserialize)]
pub struct PageQuery {
    /// Fill the form with this participant's allowance, to change it.
    user: Option<String>,
    done: Option<String>,
}

/// The form filled with one participant's allowance: the later close in hours when whole.
fn form_for(line: &AllowanceLine, granted: Allowance) -> GrantForm {
    let (extra_close, close_unit) =
        if granted.extra_close_s > 0 && granted.extra_close_s % 3600 == 0 {
            ((granted.extra_close_s / 3600).to_string(), "hours")
        } else {
            (
                crate::web::page::points_text(granted.extra_close_s as f64 / 60.0),
                "minutes",
            )
        };
    GrantForm {
        username: line.username.clone(),
        extra_time: crate::web::page::points_text(granted.extra_time_s as f64 / 60.0),
        extra_close,
        close_unit: close_unit.to_owned(),
    }
}

pub async fn page(
    State(state): State<AppState>,
    member: Member,
    organizer: Result<Organizer, AppError>,
    Path(quiz_id): Path<String>,
    Query(query): Query<PageQuery>,
) -> Result<Response, PageError> {
    let visitor = &member.visitor;
    organizer.page(visitor)?;
    let quiz = stored(&state, &quiz_id).await.page(visitor)?;
    let lines = lines(&state, &member, &quiz).await.page(visitor)?;
    let mut form = GrantForm {
        close_unit: "minutes".to_owned(),
        ..GrantForm::default()
    };
    if let Some(wanted) = query.user.as_deref()
        && let Some(line) = lines.iter().find(|line| line.username == wanted)
    {
        let granted = allowances::of(&state.db.pool, &quiz.id, &line.user_id)
            .await
            .page(visitor)?
            .unwrap_or_default();
        form = form_for(line, granted);
    }
    let page = AllowancesPage {
        c: Chrome::titled(
            visitor,
            visitor.locale.text_with(
                "builder-allowances-title",
                &[("title", quiz.title.to_arg())],
            ),
        ),
        notice: notice_of(&query).map(|key| visitor.locale.text(key)),
        quiz,
        lines,
        form,
        username_error: None,
        extra_time_error: None,
        extra_close_error: None,
        alert: None,
    };
    Ok(render(StatusCode::OK, &page))
}

/// Minutes (or hours) as typed, in seconds; empty is none.
fn seconds_of(text: &str, unit_s: f64) -> Option<i64> {
    let text = text.trim().replace(',', ".");
    if text.is_empty() {
        return Some(0);
    }
    let value: f64 = text.parse().ok()?;
    (value.is_finite() && (-1.0e9..=1.0e9).contains(&value))
        .then(|| (value * unit_s).round() as i64)
}

pub async fn grant(
    State(state): State<AppState>,
    member: Member,
    Path(quiz_id): Path<String>,
    form: CsrfForm,
) -> Result<Response, PageError> {
    let visitor = &member.visitor;
    let locale = visitor.locale;
    let organizer = member.organizer()?;
    let quiz = stored(&state, &quiz_id).await.page(visitor)?;
    let typed = GrantForm {
        username: form.text("username").trim().to_owned(),
        extra_time: form.text("extra_time"),
        extra_close: form.text("extra_close"),
        close_unit: if form.get("close_unit") == Some("hours") {
            "hours".to_owned()
        } else {
            "minutes".to_owned()
        },
    };
    let close_unit_s = if typed.close_unit == "hours" {
        3600.0
    } else {
        60.0
    };
    let extra_time_s = seconds_of(&typed.extra_time, 60.0);
    let extra_close_s = seconds_of(&typed.extra_close, close_unit_s);
    let found = if typed.username.is_empty() {
        None
    } else {
        accounts::find_by_username_key(&state.db.pool, &Username::key_of(&typed.username))
            .await
            .page(visitor)?
    };
    let mut unread = FieldErrors::new();
    if found.is_none() {
        unread.add("user_id", "no such user");
    }
    if extra_time_s.is_none() {
        unread.add("extra_time_s", "is not a number of minutes");
    }
    if extra_close_s.is_none() {
        unread.add("extra_close_s", "is not a number");
    }
    let outcome = match (found, extra_time_s, extra_close_s) {
        (Some(user), Some(extra_time_s), Some(extra_close_s)) => allowances::grant(
            State(state.clone()),
            organizer,
            AppPath((quiz.id.clone(), user.id)),
            AppJson(Allowance {
                extra_time_s,
                extra_close_s,
            }),
        )
        .await
        .map(|_| ()),
        _ => Err(unread
            .into_result()
            .err()
            .unwrap_or_else(AppError::not_found)),
    };
    let error = match outcome {
        Ok(()) => {
            return Ok(redirect(&format!(
                "/organize/quizzes/{}/allowances?done=granted#allowances",
                quiz.id
            )));
        }
        Err(error) if is_page_error(&error) => return Err(visitor.fail(error)),
        Err(error) => error,
    };
    let fields = error.fields();
    let has = |field: &str| fields.iter().any(|f| f == field);
    let lines = lines(&state, &member, &quiz).await.page(visitor)?;
    let page = AllowancesPage {
        c: Chrome::titled(
            visitor,
            locale.text_with(
                "builder-allowances-title",
                &[("title", quiz.title.to_arg())],
            ),
        ),
        username_error: has("user_id").then(|| {
            locale.text(if typed.username.is_empty() {
                "builder-allowance-username-required"
            } else {
                "builder-allowance-username-unknown"
            })
        }),
        extra_time_error: has("extra_time_s")
            .then(|| locale.text("builder-allowance-extra-time-invalid")),
        extra_close_error: has("extra_close_s")
            .then(|| locale.text("builder-allowance-extra-close-invalid")),
        alert: Some(if fields.is_empty() {
            crate::web::page::error_message(locale, &error)
        } else {
            locale.text("builder-allowance-not-granted")
        }),
        notice: None,
        quiz,
        lines,
        form: typed,
    };
    Ok(with_retry_after(render(error.status(), &page), &error))
}

pub async fn remove(
    State(state): State<AppState>,
    member: Member,
    Path((quiz_id, user_id)): Path<(String, String)>,
    _form: CsrfForm,
) -> Result<Response, PageError> {
    let visitor = &member.visitor;
    let organizer = member.organizer()?;
    allowances::revoke(
        State(state.clone()),
        organizer,
        AppPath((quiz_id.clone(), user_id)),
    )
    .await
    .page(visitor)?;
    Ok(redirect(&format!(
        "/organize/quizzes/{quiz_id}/allowances?done=removed#allowances"
    )))
}
