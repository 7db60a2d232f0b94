//! Entering a contest: the title, a description, the entrant's consent and, for a minor, her
//! guardian's name and consent; a birth year when the account has none. The rules are
//! `entries::create_entry`'s: this page only turns the form into its request.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::ContestFacts;
use crate::app::AppState;
use crate::contests::contest;
use crate::contests::entries::{self, Consent, NewEntryRequest};
use crate::contests::routes::{ContestView, contest_view};
use crate::http::{AppJson, AppPath};
use crate::web::form::Refusal;
use crate::web::page::{Chrome, OrPage, PageError, redirect, render};
use crate::web::{CsrfForm, Member};

#[derive(Template)]
#[template(path = "contests/enter.html")]
struct EnterPage {
    c: Chrome,
    contest: ContestView,
    facts: ContestFacts,
    errors: Refusal,
    /// The account has no birth year: the form asks for it.
    asks_birth_year: bool,
    /// The account's birth year makes her a minor: the guardian's part is required.
    minor: bool,
    title: String,
    description: String,
    birth_year: String,
    guardian_name: String,
    entrant: bool,
    guardian_consent: bool,
}

async fn page(state: &AppState, member: &Member, contest_id: &str) -> Result<EnterPage, PageError> {
    let visitor = &member.visitor;
    let found = contest::require(&state.db.pool, contest_id)
        .await
        .page(visitor)?;
    let now = state.clock.now_ms();
    let contest = contest_view(found, now);
    let birth_year = member.session.user.birth_year;
    let c = Chrome::titled(visitor, contest.title.clone());
    Ok(EnterPage {
        facts: ContestFacts::of(&c, &contest),
        c,
        contest,
        errors: Refusal::default(),
        asks_birth_year: birth_year.is_none(),
        minor: entries::may_be_minor(birth_year, now),
        title: String::new(),
        description: String::new(),
        birth_year: String::new(),
        guardian_name: String::new(),
        entrant: false,
        guardian_consent: false,
    })
}

pub async fn form(
    State(state): State<AppState>,
    member: Member,
    Path(contest_id): Path<String>,
) -> Result<Response, PageError> {
    let page = page(&state, &member, &contest_id).await?;
    Ok(render(StatusCode::OK, &page))
}

pub async fn create(
    State(state): State<AppState>,
    member: Member,
    Path(contest_id): Path<String>,
    form: CsrfForm,
) -> Result<Response, PageError> {
    let birth_year_text = form.text("birth_year").trim().to_owned();
    let request = NewEntryRequest {
        title: form.text("title"),
        description: Some(form.text("description")),
        consent: Consent {
            entrant: form.get("consent_entrant") == Some("yes"),
            guardian_name: form.get("guardian_name").map(str::to_owned),
            guardian_consent: Some(form.get("guardian_consent") == Some("yes")),
        },
        // Not a year at all is refused like a year out of range.
        birth_year: (!birth_year_text.is_empty())
            .then(|| birth_year_text.parse::<i64>().unwrap_or(0)),
    };
    let created = entries::create_entry(
        State(state.clone()),
        member.caller(),
        AppPath(contest_id.clone()),
        AppJson(request),
    )
    .await;
    match created {
        Ok((_, AppJson(entry))) => Ok(redirect(&format!("/entries/{}", entry.id))),
        Err(error) => {
            let mut page = page(&state, &member, &contest_id).await?;
            page.errors = Refusal::of(member.visitor.locale, &error);
            page.title = form.text("title");
            page.description = form.text("description");
            page.birth_year = birth_year_text;
            page.guardian_name = form.text("guardian_name");
            page.entrant = form.get("consent_entrant") == Some("yes");
            page.guardian_consent = form.get("guardian_consent") == Some("yes");
            // A birth year just given that makes her a minor asks for the guardian's part.
            if let Ok(year) = page.birth_year.parse::<i64>() {
                page.minor |= entries::may_be_minor(Some(year), state.clock.now_ms());
            }
            let status = error.status();
            Ok(crate::web::page::with_retry_after(
                render(status, &page),
                &error,
            ))
        }
    }
}
