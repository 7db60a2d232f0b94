//! `/organize/contests/new` and `/organize/contests/{id}/edit`: a contest's settings by form —
//! title, rules, window, media, limits, the rubric (criteria with weights and maximum points),
//! judges per entry, the voting window, who may vote and when authors are named. The form
//! turns into a `ContestInput` for `create_contest` / `edit_contest`, which hold every rule;
//! once a judge has scored, the rubric is shown read-only and not sent (the API would refuse).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use crate::app::AppState;
use crate::auth::Organizer;
use crate::clock::Timestamp;
use crate::contests::contest::{
    self, Contest, ContestInput, Criterion, MediaKind, ShowAuthors, Voters, Voting,
};
use crate::contests::judging;
use crate::contests::routes::{create_contest, edit_contest};
use crate::error::{AppError, FieldErrors};
use crate::http::{AppJson, AppPath};
use crate::quizzes::events::{self, Event};
use crate::web::form::Refusal;
use crate::web::locale::Locale;
use crate::web::page::{Chrome, OrPage, PageError, decimal_text, ok, redirect, render};
use crate::web::time;
use crate::web::{CsrfForm, Member};

/// A rubric row as typed. `key` is kept from the stored criterion (scores are sent under it);
/// a new row gets one when saved.
#[derive(Default, Clone)]
pub struct CriterionRow {
    pub key: String,
    pub title: String,
    pub weight: String,
    pub max_points: String,
}

/// Every field as the form shows it: the stored contest, or what was typed.
pub struct Fields {
    pub event_id: String,
    pub title: String,
    pub rules: String,
    pub opens_at: String,
    pub closes_at: String,
    pub audio: bool,
    pub video: bool,
    pub max_megabytes: String,
    pub max_duration_s: String,
    pub max_entries_per_user: String,
    pub judges_per_entry: String,
    pub criteria: Vec<CriterionRow>,
    pub voting: bool,
    pub voting_opens_at: String,
    pub voting_closes_at: String,
    pub authors_always: bool,
    pub any_account_votes: bool,
}

/// A number as people here type it: `2,5` is two and a half.
fn number(text: &str) -> Option<f64> {
    text.trim()
        .replace(',', ".")
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite())
}

fn whole(text: &str) -> Option<i64> {
    text.trim().parse::<i64>().ok()
}

impl Fields {
    fn blank(event_id: Option<String>) -> Self {
        Fields {
            event_id: event_id.unwrap_or_default(),
            title: String::new(),
            rules: String::new(),
            opens_at: String::new(),
            closes_at: String::new(),
            audio: true,
            video: true,
            max_megabytes: "100".into(),
            max_duration_s: "180".into(),
            max_entries_per_user: "1".into(),
            judges_per_entry: "2".into(),
            criteria: vec![CriterionRow::default()],
            voting: false,
            voting_opens_at: String::new(),
            voting_closes_at: String::new(),
            authors_always: false,
            any_account_votes: false,
        }
    }

    /// The stored contest, its decimals written as `locale` writes them.
    fn of(contest: &Contest, locale: Locale) -> Self {
        let shown = |value: f64| decimal_text(locale, value);
        let instant = |t: Option<Timestamp>| t.map(|t| time::input_value(t.0)).unwrap_or_default();
        Fields {
            event_id: contest.event_id.clone().unwrap_or_default(),
            title: contest.title.clone(),
            rules: contest.rules.clone(),
            opens_at: time::input_value(contest.opens_at),
            closes_at: time::input_value(contest.closes_at),
            audio: contest.accepts(MediaKind::Audio),
            video: contest.accepts(MediaKind::Video),
            max_megabytes: shown(contest.max_bytes as f64 / 1_000_000.0),
            max_duration_s: contest.max_duration_s.to_string(),
            max_entries_per_user: contest.max_entries_per_user.to_string(),
            judges_per_entry: contest.judges_per_entry.to_string(),
            criteria: contest
                .criteria
                .iter()
                .map(|c| CriterionRow {
                    key: c.key.clone(),
                    title: c.title.clone(),
                    weight: shown(c.weight),
                    max_points: shown(c.max_points),
                })
                .collect(),
            voting: contest.voting.enabled,
            voting_opens_at: instant(contest.voting.opens_at),
            voting_closes_at: instant(contest.voting.closes_at),
            authors_always: contest.show_authors == ShowAuthors::Always,
            any_account_votes: contest.voters == Voters::AnyAccount,
        }
    }

    /// Judges per entry as a number, for the sentence shown while the rubric is locked.
    pub fn judges(&self) -> i64 {
        whole(&self.judges_per_entry).unwrap_or_default()
    }

    /// What the form sent. Rows ticked for removal are left out; "add a criterion" adds one.
    fn typed(form: &CsrfForm) -> Self {
        let rows = whole(&form.text("criteria")).unwrap_or(0).clamp(0, 20) as usize;
        let mut criteria: Vec<CriterionRow> = (0..rows)
            .filter(|i| form.get(&format!("criterion-{i}-remove")) != Some("yes"))
            .map(|i| CriterionRow {
                key: form.text(&format!("criterion-{i}-key")),
                title: form.text(&format!("criterion-{i}-title")),
                weight: form.text(&format!("criterion-{i}-weight")),
                max_points: form.text(&format!("criterion-{i}-max")),
            })
            .collect();
        if form.get("add_criterion").is_some() && criteria.len() < 20 {
            criteria.push(CriterionRow::default());
        }
        let media = form.all("media");
        Fields {
            event_id: form.text("event_id"),
            title: form.text("title"),
            rules: form.text("rules"),
            opens_at: form.text("opens_at"),
            closes_at: form.text("closes_at"),
            audio: media.contains(&"audio"),
            video: media.contains(&"video"),
            max_megabytes: form.text("max_megabytes"),
            max_duration_s: form.text("max_duration_s"),
            max_entries_per_user: form.text("max_entries_per_user"),
            judges_per_entry: form.text("judges_per_entry"),
            criteria,
            voting: form.get("voting") == Some("yes"),
            voting_opens_at: form.text("voting_opens_at"),
            voting_closes_at: form.text("voting_closes_at"),
            authors_always: form.get("show_authors") == Some("always"),
            any_account_votes: form.get("voters") == Some("any_account"),
        }
    }

    /// The API's request. Text that is not a number or a time is refused by its field here,
    /// as the API refuses a body it cannot read; everything else is the API's to judge.
    /// `rubric` is false once judges have scored: the rubric is then not sent at all.
    fn input(&self, rubric: bool) -> Result<ContestInput, AppError> {
        let mut errors = FieldErrors::new();
        let mut instant = |field: &str, text: &str| {
            let parsed = time::parse_input(text).map(Timestamp);
            if parsed.is_none() {
                errors.add(field, "a local date and time");
            }
            parsed
        };
        let opens_at = instant("opens_at", &self.opens_at);
        let closes_at = instant("closes_at", &self.closes_at);
        let (voting_opens, voting_closes) = if self.voting {
            (
                instant("voting.opens_at", &self.voting_opens_at),
                instant("voting.closes_at", &self.voting_closes_at),
            )
        } else {
            (None, None)
        };
        let mut numeric = |field: &str, value: Option<f64>| {
            if value.is_none() {
                errors.add(field, "a number");
            }
            value.unwrap_or_default()
        };
        let max_bytes =
            (numeric("max_bytes", number(&self.max_megabytes)) * 1_000_000.0).round() as i64;
        let max_duration_s = numeric(
            "max_duration_s",
            whole(&self.max_duration_s).map(|n| n as f64),
        ) as i64;
        let max_entries = numeric(
            "max_entries_per_user",
            whole(&self.max_entries_per_user).map(|n| n as f64),
        ) as i64;
        let judges = numeric(
            "judges_per_entry",
            whole(&self.judges_per_entry).map(|n| n as f64),
        ) as i64;
        let criteria: Vec<Criterion> = self
            .criteria
            .iter()
            .enumerate()
            .map(|(i, row)| Criterion {
                key: row.key.clone(),
                title: row.title.clone(),
                weight: numeric(&format!("criteria[{i}].weight"), number(&row.weight)),
                max_points: numeric(
                    &format!("criteria[{i}].max_points"),
                    number(&row.max_points),
                ),
            })
            .collect();
        errors.into_result()?;
        let mut media = Vec::new();
        if self.audio {
            media.push(MediaKind::Audio);
        }
        if self.video {
            media.push(MediaKind::Video);
        }
        Ok(ContestInput {
            event_id: (!self.event_id.is_empty()).then(|| self.event_id.clone()),
            title: Some(self.title.clone()),
            rules: Some(self.rules.clone()),
            opens_at,
            closes_at,
            media: Some(media),
            max_bytes: Some(max_bytes),
            max_duration_s: Some(max_duration_s),
            max_entries_per_user: Some(max_entries),
            criteria: rubric.then(|| with_keys(criteria)),
            judges_per_entry: rubric.then_some(judges),
            voting: Some(Voting {
                enabled: self.voting,
                opens_at: voting_opens,
                closes_at: voting_closes,
            }),
            show_authors: Some(if self.authors_always {
                ShowAuthors::Always
            } else {
                ShowAuthors::AfterResults
            }),
            voters: Some(if self.any_account_votes {
                Voters::AnyAccount
            } else {
                Voters::Members
            }),
        })
    }
}

/// New rows get a key no other row has (`c1`, `c2`, …); stored rows keep theirs.
fn with_keys(mut criteria: Vec<Criterion>) -> Vec<Criterion> {
    let mut next = 1;
    for index in 0..criteria.len() {
        if criteria[index].key.trim().is_empty() {
            while criteria.iter().any(|c| c.key == format!("c{next}")) {
                next += 1;
            }
            criteria[index].key = format!("c{next}");
        }
    }
    criteria
}

#[derive(Template)]
#[template(path = "organize/settings.html")]
pub struct SettingsPage {
    c: Chrome,
    /// None while the contest is being created.
    contest_id: Option<String>,
    fields: Fields,
    events: Vec<Event>,
    /// Judges have scored: the rubric cannot change.
    rubric_locked: bool,
    errors: Refusal,
}

impl SettingsPage {
    /// The field error of criterion `index`'s `part` (`title`, `weight`, `max_points`, `key`).
    pub fn row_error(&self, index: &usize, part: &str) -> Option<&str> {
        self.errors.error(&format!("criteria[{index}].{part}"))
    }
}

async fn page(
    state: &AppState,
    member: &Member,
    contest: Option<&Contest>,
    fields: Fields,
) -> Result<SettingsPage, PageError> {
    let visitor = &member.visitor;
    let (events, _) = events::page(&state.db.pool, 200, 0).await.page(visitor)?;
    let rubric_locked = match contest {
        Some(contest) => judging::any_scores(&state.db.pool, &contest.id)
            .await
            .page(visitor)?,
        None => false,
    };
    let c = match contest {
        Some(contest) => Chrome::titled(visitor, contest.title.clone()),
        None => Chrome::new(visitor, "organize-new-contest"),
    };
    Ok(SettingsPage {
        c,
        contest_id: contest.map(|c| c.id.clone()),
        fields,
        events,
        rubric_locked,
        errors: Refusal::default(),
    })
}

#[derive(Deserialize)]
pub struct NewQuery {
    event: Option<String>,
}

pub async fn new_form(
    State(state): State<AppState>,
    member: Member,
    organizer: Result<Organizer, AppError>,
    Query(query): Query<NewQuery>,
) -> Result<Response, PageError> {
    organizer.page(&member.visitor)?;
    let page = page(&state, &member, None, Fields::blank(query.event)).await?;
    Ok(ok(&page))
}

/// The form again with what was typed: after "add a criterion", or beside a refusal.
async fn again(
    state: &AppState,
    member: &Member,
    contest: Option<&Contest>,
    fields: Fields,
    error: Option<AppError>,
) -> Result<Response, PageError> {
    let mut page = page(state, member, contest, fields).await?;
    let status = match error {
        Some(error) => {
            page.errors = Refusal::in_form(member.visitor.locale, &error, "organize");
            error.status()
        }
        None => StatusCode::OK,
    };
    Ok(render(status, &page))
}

pub async fn create(
    State(state): State<AppState>,
    member: Member,
    form: CsrfForm,
) -> Result<Response, PageError> {
    let organizer = member.organizer()?;
    let fields = Fields::typed(&form);
    if form.get("add_criterion").is_some() {
        return again(&state, &member, None, fields, None).await;
    }
    let created = match fields.input(true) {
        Ok(input) => create_contest(State(state.clone()), organizer, AppJson(input)).await,
        Err(error) => Err(error),
    };
    match created {
        Ok((_, AppJson(contest))) => Ok(redirect(&format!(
            "/organize/contests/{}?saved=1",
            contest.id
        ))),
        Err(error) => again(&state, &member, None, fields, Some(error)).await,
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    member: Member,
    organizer: Result<Organizer, AppError>,
    Path(contest_id): Path<String>,
) -> Result<Response, PageError> {
    let visitor = &member.visitor;
    organizer.page(visitor)?;
    let contest = contest::require(&state.db.pool, &contest_id)
        .await
        .page(visitor)?;
    let page = page(
        &state,
        &member,
        Some(&contest),
        Fields::of(&contest, member.visitor.locale),
    )
    .await?;
    Ok(ok(&page))
}

pub async fn save(
    State(state): State<AppState>,
    member: Member,
    Path(contest_id): Path<String>,
    form: CsrfForm,
) -> Result<Response, PageError> {
    let organizer = member.organizer()?;
    let visitor = &member.visitor;
    let contest = contest::require(&state.db.pool, &contest_id)
        .await
        .page(visitor)?;
    let mut fields = Fields::typed(&form);
    let rubric = !judging::any_scores(&state.db.pool, &contest.id)
        .await
        .page(visitor)?;
    if !rubric {
        // What is shown read-only is the stored rubric, whatever a forged form says.
        let stored = Fields::of(&contest, member.visitor.locale);
        fields.criteria = stored.criteria;
        fields.judges_per_entry = stored.judges_per_entry;
    }
    if form.get("add_criterion").is_some() {
        return again(&state, &member, Some(&contest), fields, None).await;
    }
    let edited = match fields.input(rubric) {
        Ok(input) => {
            edit_contest(
                State(state.clone()),
                organizer,
                AppPath(contest_id.clone()),
                AppJson(input),
            )
            .await
        }
        Err(error) => Err(error),
    };
    match edited {
        Ok(_) => Ok(redirect(&format!(
            "/organize/contests/{contest_id}?saved=1"
        ))),
        Err(error) => again(&state, &member, Some(&contest), fields, Some(error)).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn criterion(key: &str) -> Criterion {
        Criterion {
            key: key.into(),
            title: "Nội dung".into(),
            weight: 1.0,
            max_points: 10.0,
        }
    }

    #[test]
    fn new_rows_get_keys_no_row_has() {
        let keyed = with_keys(vec![criterion(""), criterion("c1"), criterion("")]);
        let keys: Vec<&str> = keyed.iter().map(|c| c.key.as_str()).collect();
        assert_eq!(keys, ["c2", "c1", "c3"]);
    }

    #[test]
    fn numbers_take_a_decimal_comma() {
        assert_eq!(number("2,5"), Some(2.5));
        assert_eq!(number(" 10 "), Some(10.0));
        assert_eq!(number("mười"), None);
        assert_eq!(number("NaN"), None);
    }
}
