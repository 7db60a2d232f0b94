//! The organizers' event pages: `/organize` leads here; the events (`/organize/events`), a new
//! one, and one event with its quizzes and contests, its dates editable. Creation and editing
//! go through `events::create_event` and `events::edit_event`, which hold the rules.

use askama::Template;
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use axum::routing::get;

use super::events::{self, Event, EventChange, NewEvent};
use super::quiz::{self, QuizState};
use crate::app::AppState;
use crate::auth::Organizer;
use crate::clock::Timestamp;
use crate::contests::contest::{self, ContestState};
use crate::error::{AppError, FieldErrors};
use crate::http::{AppJson, AppPath};
use crate::web::form::Refusal;
use crate::web::page::{Chrome, OrPage, PageError, ok, redirect, render};
use crate::web::time;
use crate::web::{CsrfForm, Member};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/organize", get(|| async { redirect("/organize/events") }))
        .route("/organize/events", get(list))
        .route("/organize/events/new", get(new_form).post(create))
        .route("/organize/events/{id}", get(show).post(save))
}

/// An event as the list shows it.
pub struct EventLine {
    pub event: Event,
    pub quizzes: usize,
    pub contests: usize,
}

#[derive(Template)]
#[template(path = "events/list.html")]
struct ListPage {
    c: Chrome,
    events: Vec<EventLine>,
}

/// The most events one page lists: a district runs a few a year.
const MOST: i64 = 200;

async fn list(
    State(state): State<AppState>,
    member: Member,
    organizer: Result<Organizer, AppError>,
) -> Result<Response, PageError> {
    let visitor = &member.visitor;
    organizer.page(visitor)?;
    let (listed, _) = events::page(&state.db.pool, MOST, 0).await.page(visitor)?;
    let mut lines = Vec::with_capacity(listed.len());
    for event in listed {
        let pool = &state.db.pool;
        let quizzes = quiz::of_event(pool, &event.id).await.page(visitor)?.len();
        let contests = contest::of_event(pool, &event.id)
            .await
            .page(visitor)?
            .len();
        lines.push(EventLine {
            event,
            quizzes,
            contests,
        });
    }
    Ok(ok(&ListPage {
        c: Chrome::new(visitor, "events-title"),
        events: lines,
    }))
}

/// What the form shows: the stored event, or what was typed beside a refusal.
#[derive(Default)]
pub struct EventFields {
    pub title: String,
    pub description: String,
    pub starts_at: String,
    pub ends_at: String,
}

impl EventFields {
    fn of(event: &Event) -> Self {
        EventFields {
            title: event.title.clone(),
            description: event.description.clone(),
            starts_at: time::input_value(event.starts_at.0),
            ends_at: time::input_value(event.ends_at.0),
        }
    }

    fn typed(form: &CsrfForm) -> Self {
        EventFields {
            title: form.text("title"),
            description: form.text("description"),
            starts_at: form.text("starts_at"),
            ends_at: form.text("ends_at"),
        }
    }

    /// The two local times as instants; a time that is not one is refused by its field, as
    /// the API refuses a timestamp it cannot read.
    fn instants(&self) -> Result<(Timestamp, Timestamp), AppError> {
        let mut errors = FieldErrors::new();
        let starts = time::parse_input(&self.starts_at);
        let ends = time::parse_input(&self.ends_at);
        if starts.is_none() {
            errors.add("starts_at", "a local date and time");
        }
        if ends.is_none() {
            errors.add("ends_at", "a local date and time");
        }
        match (starts, ends) {
            (Some(starts), Some(ends)) => Ok((Timestamp(starts), Timestamp(ends))),
            _ => Err(errors.into()),
        }
    }
}

/// A quiz or a contest of the event, as its page lists it.
pub struct Part {
    pub href: String,
    pub title: String,
    pub opens_at: i64,
    pub closes_at: i64,
    /// Upcoming, open or closed (and a quiz's draft), in words.
    pub state: String,
}

#[derive(Template)]
#[template(path = "events/form.html")]
struct FormPage {
    c: Chrome,
    /// None while the event is being created.
    event_id: Option<String>,
    fields: EventFields,
    errors: Refusal,
    notice: Option<String>,
    quizzes: Vec<Part>,
    contests: Vec<Part>,
}

impl FormPage {
    fn new(c: Chrome, event_id: Option<String>, fields: EventFields) -> Self {
        FormPage {
            c,
            event_id,
            fields,
            errors: Refusal::default(),
            notice: None,
            quizzes: Vec::new(),
            contests: Vec::new(),
        }
    }
}

async fn new_form(
    member: Member,
    organizer: Result<Organizer, AppError>,
) -> Result<Response, PageError> {
    let visitor = &member.visitor;
    organizer.page(visitor)?;
    let c = Chrome::new(visitor, "events-new-title");
    Ok(ok(&FormPage::new(c, None, EventFields::default())))
}

async fn create(
    State(state): State<AppState>,
    member: Member,
    form: CsrfForm,
) -> Result<Response, PageError> {
    let organizer = member.organizer()?;
    let fields = EventFields::typed(&form);
    let created = match fields.instants() {
        Ok((starts_at, ends_at)) => {
            let request = NewEvent {
                title: fields.title.clone(),
                description: Some(fields.description.clone()),
                starts_at,
                ends_at,
            };
            events::create_event(State(state.clone()), organizer, AppJson(request))
                .await
                .map(|(_, AppJson(event))| event)
        }
        Err(error) => Err(error),
    };
    match created {
        Ok(event) => Ok(redirect(&format!("/organize/events/{}?saved=1", event.id))),
        Err(error) => {
            let visitor = &member.visitor;
            let mut page = FormPage::new(Chrome::new(visitor, "events-new-title"), None, fields);
            page.errors = Refusal::in_form(visitor.locale, &error, "events");
            Ok(render(error.status(), &page))
        }
    }
}

/// The event's page: its form filled in, its quizzes and contests.
async fn event_page(
    state: &AppState,
    member: &Member,
    event: &Event,
    fields: EventFields,
) -> Result<FormPage, PageError> {
    let visitor = &member.visitor;
    let locale = visitor.locale;
    let pool = &state.db.pool;
    let now = state.clock.now_ms();
    let quizzes = quiz::of_event(pool, &event.id)
        .await
        .page(visitor)?
        .into_iter()
        .map(|quiz| Part {
            href: format!("/organize/quizzes/{}", quiz.id),
            state: locale.text(if !quiz.published {
                "events-quiz-draft"
            } else {
                match quiz.state(now) {
                    QuizState::Upcoming => "quiz-state-upcoming",
                    QuizState::Open => "quiz-state-open",
                    QuizState::Closed => "quiz-state-closed",
                }
            }),
            title: quiz.title,
            opens_at: quiz.opens_at,
            closes_at: quiz.closes_at,
        })
        .collect();
    let contests = contest::of_event(pool, &event.id)
        .await
        .page(visitor)?
        .into_iter()
        .map(|contest| Part {
            href: format!("/organize/contests/{}", contest.id),
            state: locale.text(match contest.state(now) {
                ContestState::Upcoming => "contest-state-upcoming",
                ContestState::Open => "contest-state-open",
                ContestState::Closed => "contest-state-closed",
            }),
            title: contest.title,
            opens_at: contest.opens_at,
            closes_at: contest.closes_at,
        })
        .collect();
    let mut page = FormPage::new(
        Chrome::titled(visitor, event.title.clone()),
        Some(event.id.clone()),
        fields,
    );
    page.quizzes = quizzes;
    page.contests = contests;
    Ok(page)
}

async fn require(state: &AppState, member: &Member, id: &str) -> Result<Event, PageError> {
    let AppJson(event) = events::get_event(State(state.clone()), AppPath(id.to_owned()))
        .await
        .page(&member.visitor)?;
    Ok(event)
}

async fn show(
    State(state): State<AppState>,
    member: Member,
    organizer: Result<Organizer, AppError>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    let visitor = &member.visitor;
    organizer.page(visitor)?;
    let event = require(&state, &member, &id).await?;
    let mut page = event_page(&state, &member, &event, EventFields::of(&event)).await?;
    if query
        .unwrap_or_default()
        .split('&')
        .any(|pair| pair == "saved=1")
    {
        page.notice = Some(visitor.locale.text("events-saved"));
    }
    Ok(ok(&page))
}

async fn save(
    State(state): State<AppState>,
    member: Member,
    Path(id): Path<String>,
    form: CsrfForm,
) -> Result<Response, PageError> {
    let organizer = member.organizer()?;
    let event = require(&state, &member, &id).await?;
    let fields = EventFields::typed(&form);
    let edited = match fields.instants() {
        Ok((starts_at, ends_at)) => {
            let change = EventChange {
                title: Some(fields.title.clone()),
                description: Some(fields.description.clone()),
                starts_at: Some(starts_at),
                ends_at: Some(ends_at),
            };
            events::edit_event(
                State(state.clone()),
                organizer,
                AppPath(id.clone()),
                AppJson(change),
            )
            .await
        }
        Err(error) => Err(error),
    };
    match edited {
        Ok(_) => Ok(redirect(&format!("/organize/events/{id}?saved=1"))),
        Err(error) => {
            let mut page = event_page(&state, &member, &event, fields).await?;
            page.errors = Refusal::in_form(member.visitor.locale, &error, "events");
            Ok(render(error.status(), &page))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::EventFields;

    #[test]
    fn a_time_that_is_not_one_is_refused_by_its_field() {
        let fields = EventFields {
            starts_at: "2026-12-07T08:00".into(),
            ends_at: "next week".into(),
            ..EventFields::default()
        };
        let error = fields.instants().expect_err("not a time");
        assert_eq!(error.fields(), vec!["ends_at".to_owned()]);
    }
}
