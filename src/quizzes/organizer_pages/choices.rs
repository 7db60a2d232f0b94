//! What the builder's pickers offer, in the page's language: the events, the org tree
//! (indented), the banks, DigComp areas and competences, difficulties, and the review and
//! ranking policies in words. Events, units and banks are read through the API's handlers.

use axum::extract::State;

use crate::app::AppState;
use crate::auth::Organizer;
use crate::banks::format::{AREAS, COMPETENCES, Text};
use crate::banks::routes::list_banks;
use crate::error::AppResult;
use crate::http::{AppJson, AppQuery, Paging};
use crate::orgs::routes::list_org_units;
use crate::quizzes::events::{Event, list_events};
use crate::web::Member;
use crate::web::locale::Locale;

/// One option of a picker: the value sent, and what the organizer reads.
#[derive(Debug, Clone)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

impl Choice {
    fn new(value: impl Into<String>, label: impl Into<String>) -> Self {
        Choice {
            value: value.into(),
            label: label.into(),
        }
    }
}

/// A policy with its explanation (radio buttons).
#[derive(Debug, Clone)]
pub struct Policy {
    pub value: &'static str,
    pub label: String,
    pub hint: String,
}

/// Every picker of the builder.
pub struct Choices {
    pub events: Vec<Choice>,
    pub units: Vec<Choice>,
    pub banks: Vec<Choice>,
    pub competences: Vec<Choice>,
    pub difficulties: Vec<Choice>,
    pub reviews: Vec<Policy>,
    pub rankings: Vec<Policy>,
}

/// The most events the picker lists (newest first): a district runs a handful a year.
const MOST_EVENTS: i128 = 200;

pub async fn events(state: &AppState) -> AppResult<Vec<Event>> {
    let AppJson(listed) = list_events(
        State(state.clone()),
        AppQuery(Paging {
            limit: Some(MOST_EVENTS),
            offset: Some(0),
        }),
    )
    .await?;
    Ok(listed.items)
}

/// A bank's title in the page's language (Vietnamese when it has no English).
pub fn title_in(locale: Locale, title: &Text) -> String {
    match (locale, &title.en) {
        (Locale::En, Some(en)) if !en.is_empty() => en.clone(),
        _ => title.vi.clone(),
    }
}

/// A DigComp area or competence code in words (`4.2 Bảo vệ dữ liệu cá nhân…`).
pub fn competence_label(locale: Locale, code: &str) -> String {
    if code.contains('.') {
        format!(
            "{code} {}",
            locale.text(&format!("builder-competence-{}", code.replace('.', "-")))
        )
    } else {
        locale.text_with(
            "builder-area-any",
            &[
                ("area", crate::web::locale::Arg::to_arg(code)),
                (
                    "name",
                    crate::web::locale::Arg::to_arg(&locale.text(&format!("builder-area-{code}"))),
                ),
            ],
        )
    }
}

pub fn difficulty_label(locale: Locale, difficulty: &str) -> String {
    locale.text(&format!("builder-difficulty-{difficulty}"))
}

pub const REVIEWS: [&str; 4] = ["never", "score_only", "after_submit", "after_close"];
pub const RANKINGS: [&str; 2] = ["best", "first"];

fn policies(locale: Locale, kind: &str, values: &[&'static str]) -> Vec<Policy> {
    values
        .iter()
        .map(|value| Policy {
            value,
            label: locale.text(&format!("builder-{kind}-{}", value.replace('_', "-"))),
            hint: locale.text(&format!("builder-{kind}-{}-hint", value.replace('_', "-"))),
        })
        .collect()
}

/// The pickers, with the values already chosen kept even if they are not in the lists (an
/// event older than the newest 200, a bank removed since), so saving again loses nothing
/// unseen.
pub async fn load(
    state: &AppState,
    member: &Member,
    keep_banks: &[&str],
    keep_event: &str,
) -> AppResult<Choices> {
    let locale = member.visitor.locale;
    let mut events: Vec<Choice> = events(state)
        .await?
        .into_iter()
        .map(|event| Choice::new(event.id, event.title))
        .collect();
    if !keep_event.is_empty()
        && !events.iter().any(|event| event.value == keep_event)
        && let Some(event) = crate::quizzes::events::find(&state.db.pool, keep_event).await?
    {
        events.push(Choice::new(event.id, event.title));
    }
    let AppJson(tree) = list_org_units(State(state.clone())).await?;
    let units = crate::auth::pages::unit_choices(tree.items, "")
        .into_iter()
        .map(|unit| Choice::new(unit.id, unit.label))
        .collect();
    let AppJson(listed) = list_banks(State(state.clone()), Organizer(member.caller())).await?;
    let mut banks: Vec<Choice> = listed
        .items
        .iter()
        .map(|bank| {
            Choice::new(
                bank.slug.clone(),
                locale.text_with(
                    "builder-bank-option",
                    &[
                        (
                            "title",
                            crate::web::locale::Arg::to_arg(&title_in(locale, &bank.title)),
                        ),
                        (
                            "count",
                            crate::web::locale::Arg::to_arg(&bank.question_count),
                        ),
                    ],
                ),
            )
        })
        .collect();
    for slug in keep_banks {
        if !slug.is_empty() && !banks.iter().any(|bank| bank.value == *slug) {
            banks.push(Choice::new(
                *slug,
                locale.text_with(
                    "builder-bank-missing",
                    &[("slug", crate::web::locale::Arg::to_arg(*slug))],
                ),
            ));
        }
    }
    let mut competences = vec![Choice::new("", locale.text("builder-competence-any"))];
    for (area, _) in AREAS {
        let area = area.to_string();
        competences.push(Choice::new(area.clone(), competence_label(locale, &area)));
        for (code, _) in COMPETENCES
            .iter()
            .filter(|(code, _)| code.starts_with(&format!("{area}.")))
        {
            competences.push(Choice::new(
                *code,
                format!("\u{2003}{}", competence_label(locale, code)),
            ));
        }
    }
    let difficulties = ["", "1", "2", "3"]
        .into_iter()
        .map(|value| {
            Choice::new(
                value,
                if value.is_empty() {
                    locale.text("builder-difficulty-any")
                } else {
                    difficulty_label(locale, value)
                },
            )
        })
        .collect();
    Ok(Choices {
        events,
        units,
        banks,
        competences,
        difficulties,
        reviews: policies(locale, "review", &REVIEWS),
        rankings: policies(locale, "ranking", &RANKINGS),
    })
}
