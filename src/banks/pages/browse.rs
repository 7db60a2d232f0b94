//! `/organize/banks/{slug}`: one bank's coverage by competence and its current questions, a
//! page at a time (`GET /api/v1/banks/{slug}/questions`), each with its key marked in words
//! and its explanation. Organizers only: the keys never reach anyone else.

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use serde_json::Value;

use super::{Shown, competence_label, difficulty_label, kind_label};
use crate::app::AppState;
use crate::auth::Organizer;
use crate::banks::format::{Kind, Text};
use crate::banks::routes::{self, BankQuestion, BankQuestionPage};
use crate::error::AppError;
use crate::http::{AppJson, AppPath, AppQuery, Paging};
use crate::web::Member;
use crate::web::locale::{Arg, Locale};
use crate::web::page::{Chrome, OrPage, PageError, ok};

/// Questions per page: a phone scrolls through twenty comfortably.
const PER_PAGE: i64 = 20;

pub struct Choice {
    pub id: String,
    pub text: Shown,
    pub correct: bool,
}

/// A question as the organizer checks it.
pub struct QuestionView {
    pub id: String,
    pub version: i64,
    pub kind: String,
    pub kind_label: String,
    pub competence: String,
    pub difficulty: String,
    pub points: i64,
    pub tags: Vec<String>,
    pub prompt: Shown,
    /// `single` and `multiple`: the options in the bank's order, the correct ones marked.
    pub options: Vec<Choice>,
    /// `ordering`: the options in the correct order.
    pub order: Vec<Choice>,
    /// `true_false`: the statement is true or false, in words.
    pub truth: Option<String>,
    /// `short_text`: the accepted answers.
    pub accepted: Vec<String>,
    pub explanation: Option<Shown>,
}

impl QuestionView {
    fn of(question: BankQuestion, locale: Locale) -> Self {
        let choices: Vec<(String, Shown)> = question
            .options
            .iter()
            .filter_map(|option| {
                let id = option["id"].as_str()?.to_owned();
                let text: Text = serde_json::from_value(option["text"].clone()).ok()?;
                Some((id, Shown::of(&text, locale)))
            })
            .collect();
        let key_ids: Vec<&str> = match &question.answer {
            Value::String(id) => vec![id.as_str()],
            Value::Array(ids) => ids.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        let kind = question.kind.parse::<Kind>().ok();
        let mut view = QuestionView {
            kind_label: kind_label(locale, &question.kind),
            competence: competence_label(locale, &question.competence),
            difficulty: difficulty_label(locale, question.difficulty),
            prompt: Shown::of(&question.prompt, locale),
            explanation: question.explanation.as_ref().map(|t| Shown::of(t, locale)),
            options: Vec::new(),
            order: Vec::new(),
            truth: None,
            accepted: Vec::new(),
            id: question.id,
            version: question.version,
            kind: question.kind,
            points: i64::from(question.points),
            tags: question.tags,
        };
        match kind {
            Some(Kind::Single | Kind::Multiple) => {
                view.options = choices
                    .into_iter()
                    .map(|(id, text)| Choice {
                        correct: key_ids.contains(&id.as_str()),
                        id,
                        text,
                    })
                    .collect();
            }
            Some(Kind::Ordering) => {
                view.order = key_ids
                    .iter()
                    .filter_map(|key| choices.iter().find(|(id, _)| id == key))
                    .map(|(id, text)| Choice {
                        id: id.clone(),
                        text: text.clone(),
                        correct: true,
                    })
                    .collect();
            }
            Some(Kind::TrueFalse) => {
                view.truth = question.answer.as_bool().map(|truth| {
                    locale.text(if truth {
                        "banks-key-true"
                    } else {
                        "banks-key-false"
                    })
                });
            }
            Some(Kind::ShortText) => {
                view.accepted = key_ids.iter().map(|s| (*s).to_owned()).collect()
            }
            None => {}
        }
        view
    }
}

/// A competence and how many of the bank's questions train it.
pub struct CompetenceCount {
    pub label: String,
    pub count: usize,
}

/// The notice after an import, from the redirect's query.
fn imported_notice(locale: Locale, query: &[(String, String)]) -> Option<String> {
    let number = |name: &str| -> usize {
        query
            .iter()
            .find(|(key, _)| key == name)
            .and_then(|(_, value)| value.parse().ok())
            .unwrap_or(0)
    };
    query.iter().any(|(key, _)| key == "imported").then(|| {
        let counts = locale.text_with(
            "banks-imported",
            &[
                ("created", number("created").to_arg()),
                ("updated", number("updated").to_arg()),
                ("unchanged", number("unchanged").to_arg()),
                ("retired", number("retired").to_arg()),
            ],
        );
        match number("skipped") {
            0 => counts,
            skipped => format!(
                "{counts} {}",
                locale.text_with("banks-imported-skipped", &[("count", skipped.to_arg())])
            ),
        }
    })
}

#[derive(Template)]
#[template(path = "banks/bank.html")]
struct BankPage {
    c: Chrome,
    slug: String,
    title: Shown,
    version: i64,
    total: i64,
    competences: Vec<CompetenceCount>,
    questions: Vec<QuestionView>,
    /// 1-based number of the first question shown.
    first: i64,
    /// "Questions 21–40 of 57".
    range: String,
    page: i64,
    pages: i64,
    notice: Option<String>,
}

impl BankPage {
    fn page_url(&self, page: i64) -> String {
        format!("{}?page={page}", super::bank_url(&self.slug))
    }
}

pub async fn page(
    State(state): State<AppState>,
    member: Member,
    organizer: Result<Organizer, AppError>,
    Path(slug): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    let visitor = &member.visitor;
    let locale = visitor.locale;
    let organizer = organizer.page(visitor)?;
    let query: Vec<(String, String)> =
        serde_urlencoded::from_str(query.as_deref().unwrap_or("")).unwrap_or_default();
    let page = query
        .iter()
        .find(|(key, _)| key == "page")
        .and_then(|(_, value)| value.parse::<i64>().ok())
        .filter(|page| (1..=1_000_000).contains(page))
        .unwrap_or(1);
    let AppJson(BankQuestionPage { items, total }) = routes::bank_questions(
        State(state.clone()),
        organizer,
        AppPath(slug.clone()),
        AppQuery(Paging {
            limit: Some(i128::from(PER_PAGE)),
            offset: Some(i128::from((page - 1) * PER_PAGE)),
        }),
    )
    .await
    .page(visitor)?;
    let AppJson(banks) = routes::list_banks(State(state), Organizer(member.caller()))
        .await
        .page(visitor)?;
    let summary = banks
        .items
        .into_iter()
        .find(|bank| bank.slug == slug)
        .ok_or_else(|| visitor.fail(AppError::not_found()))?;
    let title = Shown::of(&summary.title, locale);
    let first = (page - 1) * PER_PAGE + 1;
    let questions: Vec<QuestionView> = items
        .into_iter()
        .map(|question| QuestionView::of(question, locale))
        .collect();
    Ok(ok(&BankPage {
        c: Chrome::titled(visitor, title.text.clone()),
        competences: summary
            .by_competence
            .iter()
            .map(|(code, count)| CompetenceCount {
                label: competence_label(locale, code),
                count: *count,
            })
            .collect(),
        range: locale.text_with(
            "banks-shown-range",
            &[
                ("first", first.to_arg()),
                ("last", (first + questions.len() as i64 - 1).to_arg()),
                ("total", total.to_arg()),
            ],
        ),
        first,
        page,
        pages: ((total + PER_PAGE - 1) / PER_PAGE).max(1),
        questions,
        notice: imported_notice(locale, &query),
        slug: summary.slug,
        title,
        version: summary.version,
        total,
    }))
}
