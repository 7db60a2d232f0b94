//! `/organize/quizzes/new` and `/organize/quizzes/{id}`: the quiz builder. One form holds
//! every setting and the question rules; "add a rule" and "remove" post it back and show it
//! again with a row more or less (nothing is saved), so it works without scripts
//! (`assets/builder.js` does the same in the page and counts the questions as she types).
//! Saving goes to `routes::create_quiz` / `routes::edit_quiz`; their refusals come back beside
//! their fields with what was typed. A published quiz shows the fields it may no longer change
//! as text, with the reason.

use std::borrow::Borrow;
use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::choices::{self, Choices};
use super::form::{FIELDS, QuizForm, RuleRow};
use super::{is_page_error, window_key};
use crate::app::AppState;
use crate::auth::Organizer;
use crate::error::{AppError, AppResult};
use crate::http::{AppJson, AppPath};
use crate::quizzes::draw;
use crate::quizzes::quiz::{self, Quiz, QuizInput, Rule};
use crate::quizzes::routes;
use crate::web::locale::{Arg, Locale};
use crate::web::page::{Chrome, OrPage, PageError, error_message, redirect, render};
use crate::web::{CsrfForm, Member};

/// One rule row as shown: what was typed, its problems, and how many questions it can draw.
pub struct RuleView {
    pub row: RuleRow,
    /// "This rule can draw 14 questions." once the row names a bank.
    pub available: Option<String>,
    /// Said when the count asks for more than that.
    pub short: Option<String>,
}

/// A line of the error summary: the message, and the control it is about.
pub struct SummaryLine {
    pub anchor: String,
    pub message: String,
}

/// The form's problems, each in the page's language, by the API's field name.
#[derive(Default)]
pub struct Problems {
    messages: BTreeMap<String, String>,
    pub summary: Vec<SummaryLine>,
    /// A refusal that names no field (the quiz is locked, it changed meanwhile).
    pub alert: Option<String>,
    /// What did not happen: "not saved" or "not published".
    pub heading: String,
}

impl Problems {
    pub fn of(&self, field: &str) -> Option<&str> {
        self.messages.get(field).map(String::as_str)
    }

    pub fn has(&self, field: &str) -> bool {
        self.messages.contains_key(field)
    }

    pub fn rule(&self, index: impl Borrow<usize>, field: &str) -> Option<&str> {
        self.of(&format!("rules[{}].{field}", index.borrow()))
    }

    pub fn rule_has(&self, index: impl Borrow<usize>, field: &str) -> bool {
        self.rule(index, field).is_some()
    }

    pub fn any(&self) -> bool {
        !self.summary.is_empty() || self.alert.is_some()
    }
}

/// Why the form is shown again with problems: a save refused (validation), or a publication
/// refused because a rule asks for more questions than the banks hold.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Save,
    Publish,
}

/// The id of the control a field's problem is about, for the summary's link.
fn anchor_of(field: &str) -> String {
    if let Some(rest) = field.strip_prefix("rules[")
        && let Some((index, part)) = rest.split_once("].")
    {
        return format!("rule-{index}-{part}");
    }
    match field {
        "time_limit_s" => "time_limit",
        "audience_org_unit_id" => "audience",
        "review" => "review-fieldset",
        "ranking" => "ranking-fieldset",
        "shuffle_questions" | "shuffle_options" => "shuffle-fieldset",
        "rules" => "rules",
        other => other,
    }
    .to_owned()
}

/// Where a field comes in the form, for the summary's order.
fn place_of(field: &str) -> (usize, usize, usize) {
    if let Some(rest) = field.strip_prefix("rules[")
        && let Some((index, part)) = rest.split_once("].")
    {
        let part = ["bank", "competence", "difficulty", "count"]
            .iter()
            .position(|p| *p == part)
            .unwrap_or(4);
        return (FIELDS.len(), index.parse().unwrap_or(usize::MAX), part);
    }
    let field = if field == "shuffle_options" {
        "shuffle_questions"
    } else {
        field
    };
    (
        FIELDS
            .iter()
            .position(|f| *f == field)
            .unwrap_or(FIELDS.len() + 1),
        0,
        0,
    )
}

fn message_key(field: &str) -> &'static str {
    if let Some(rest) = field.strip_prefix("rules[")
        && let Some((_, part)) = rest.split_once("].")
    {
        return match part {
            "bank" => "builder-error-rule-bank",
            "competence" => "builder-error-rule-competence",
            "difficulty" => "builder-error-rule-difficulty",
            _ => "builder-error-rule-count",
        };
    }
    match field {
        "title" => "builder-error-title",
        "description" => "builder-error-description",
        "event_id" => "builder-error-event",
        "opens_at" => "builder-error-opens",
        "closes_at" => "builder-error-closes",
        "time_limit_s" => "builder-error-time-limit",
        "max_attempts" => "builder-error-attempts",
        "audience_org_unit_id" => "builder-error-audience",
        "review" => "builder-error-review",
        "ranking" => "builder-error-ranking",
        "shuffle_questions" | "shuffle_options" => "builder-error-shuffle",
        "rules" => "builder-error-rules",
        _ => "error-validation_failed",
    }
}

/// The index of a rule's count field (`rules[2].count` → 2).
fn count_index(field: &str) -> Option<usize> {
    field
        .strip_prefix("rules[")?
        .strip_suffix("].count")?
        .parse()
        .ok()
}

/// The problems of `fields` in words. At publication a rule's count is refused because the
/// banks hold too few questions for it: the sentence says how many they hold.
fn problems_of(
    locale: Locale,
    mut fields: Vec<String>,
    refusal: Refusal,
    form: &QuizForm,
    available: &[Option<usize>],
) -> Problems {
    fields.sort_by_key(|field| place_of(field));
    fields.dedup();
    let mut problems = Problems {
        heading: locale.text(match refusal {
            Refusal::Save => "builder-not-saved",
            Refusal::Publish => "builder-not-published",
        }),
        ..Problems::default()
    };
    for field in fields {
        let message = match count_index(&field) {
            Some(index) if refusal == Refusal::Publish => {
                let count = form
                    .rules
                    .get(index)
                    .map(|row| row.count.trim().to_owned())
                    .unwrap_or_default();
                let held = available.get(index).copied().flatten().unwrap_or(0);
                locale.text_with(
                    "builder-error-rule-short",
                    &[("count", count.to_arg()), ("available", held.to_arg())],
                )
            }
            _ => locale.text(message_key(&field)),
        };
        let message = match field.strip_prefix("rules[") {
            Some(rest) if rest.contains("].") => {
                let number = rest
                    .split(']')
                    .next()
                    .and_then(|index| index.parse::<usize>().ok())
                    .map_or(0, |index| index + 1);
                // The summary names the rule; beside the field it goes without saying.
                problems.summary.push(SummaryLine {
                    anchor: anchor_of(&field),
                    message: locale.text_with(
                        "builder-summary-rule",
                        &[("number", number.to_arg()), ("message", message.to_arg())],
                    ),
                });
                message
            }
            _ => {
                problems.summary.push(SummaryLine {
                    anchor: anchor_of(&field),
                    message: message.clone(),
                });
                message
            }
        };
        problems.messages.insert(field, message);
    }
    problems
}

/// A locked setting of a published quiz, in words.
pub struct LockedFact {
    pub label: String,
    pub value: String,
}

/// The quiz behind the page, when it exists.
pub struct QuizFacts {
    pub id: String,
    pub published: bool,
    pub published_at: Option<i64>,
    pub window: String,
}

#[derive(Template)]
#[template(path = "builder/builder.html")]
pub struct BuilderPage {
    pub c: Chrome,
    pub quiz: Option<QuizFacts>,
    pub form: QuizForm,
    pub rules: Vec<RuleView>,
    pub choices: Choices,
    pub errors: Problems,
    pub notice: Option<String>,
    /// After a published quiz's settings: what can no longer change, in words.
    pub locked: Vec<LockedFact>,
    pub locked_rules: Vec<String>,
    /// The rule row just added (its first field takes the focus), or the add button's after a
    /// removal.
    pub focus_rule: Option<usize>,
    pub focus_add: bool,
    /// Sentences for the script, with `{n}` / `{count}` where the numbers go.
    pub js_available_one: String,
    pub js_available_other: String,
    pub js_short: String,
}

impl BuilderPage {
    /// Whether the form offers `field`: everything on a draft, after publication only what
    /// `edit_quiz` still takes.
    pub fn open(&self, field: &str) -> bool {
        !self.quiz.as_ref().is_some_and(|quiz| quiz.published)
            || QuizInput::OPEN_AFTER_PUBLICATION.contains(&field)
    }

    /// Whether rule row `index` takes the focus (it was just added).
    pub fn focus_here(&self, index: impl Borrow<usize>) -> bool {
        self.focus_rule == Some(*index.borrow())
    }

    pub fn action(&self) -> String {
        match &self.quiz {
            Some(quiz) => format!("/organize/quizzes/{}", quiz.id),
            None => "/organize/quizzes/new".to_owned(),
        }
    }
}

/// The most rules the page counts questions for (a quiz holds at most 50).
const MOST_COUNTED: usize = 50;

/// How many questions each row can draw, by the function publishing uses; none for a row
/// without a bank or that cannot be read.
async fn availability(state: &AppState, form: &QuizForm) -> AppResult<Vec<Option<usize>>> {
    let read = form.rules_read();
    if read.len() > MOST_COUNTED {
        return Ok(vec![None; read.len()]);
    }
    let rules: Vec<Rule> = read
        .iter()
        .map(|rule| {
            rule.clone().unwrap_or(Rule {
                bank: String::new(),
                competence: None,
                difficulty: None,
                count: 0,
            })
        })
        .collect();
    let counted = draw::available_per_rule(&state.db.pool, &rules).await?;
    Ok(read
        .iter()
        .zip(counted)
        .map(|(rule, available)| {
            rule.as_ref()
                .filter(|rule| !rule.bank.is_empty())
                .map(|_| available)
        })
        .collect())
}

fn rule_views(locale: Locale, form: &QuizForm, available: &[Option<usize>]) -> Vec<RuleView> {
    form.rules
        .iter()
        .enumerate()
        .map(|(index, row)| {
            let counted = available.get(index).copied().flatten();
            let asked = row.count.trim().parse::<usize>().ok();
            RuleView {
                available: counted.map(|n| {
                    locale.text_with("builder-rule-available", &[("available", n.to_arg())])
                }),
                short: match (counted, asked) {
                    (Some(n), Some(asked)) if asked > n => {
                        Some(locale.text_with("builder-rule-short", &[("count", asked.to_arg())]))
                    }
                    _ => None,
                },
                row: row.clone(),
            }
        })
        .collect()
}

fn yes_no(locale: Locale, value: bool) -> String {
    locale.text(if value { "builder-yes" } else { "builder-no" })
}

/// A rule in words: "5 questions from …, competence …, easy".
pub fn rule_in_words(locale: Locale, rule: &Rule, choices: &Choices) -> String {
    let bank = choices
        .banks
        .iter()
        .find(|bank| bank.value == rule.bank)
        .map_or_else(|| rule.bank.clone(), |bank| bank.label.clone());
    let competence = rule.competence.as_deref().map_or_else(
        || locale.text("builder-competence-any"),
        |code| choices::competence_label(locale, code),
    );
    let difficulty = rule.difficulty.map_or_else(
        || locale.text("builder-difficulty-any"),
        |d| choices::difficulty_label(locale, &d.to_string()),
    );
    locale.text_with(
        "builder-rule-words",
        &[
            ("count", i64::from(rule.count).to_arg()),
            ("bank", bank.to_arg()),
            ("competence", competence.to_arg()),
            ("difficulty", difficulty.to_arg()),
        ],
    )
}

fn locked_facts(locale: Locale, quiz: &Quiz, choices: &Choices) -> (Vec<LockedFact>, Vec<String>) {
    let fact = |key: &str, value: String| LockedFact {
        label: locale.text(key),
        value,
    };
    let label_of = |list: &[choices::Choice], value: &Option<String>, none: &str| {
        value
            .as_ref()
            .and_then(|value| list.iter().find(|choice| choice.value == *value))
            .map_or_else(
                || locale.text(none),
                |choice| choice.label.trim().to_owned(),
            )
    };
    let policy = |list: &[choices::Policy], value: String| {
        list.iter()
            .find(|policy| policy.value == value)
            .map_or(value, |policy| policy.label.clone())
    };
    let form = QuizForm::of(quiz);
    let facts = vec![
        fact(
            "builder-event",
            label_of(&choices.events, &quiz.event_id, "builder-event-none"),
        ),
        fact(
            "builder-opens",
            format!(
                "{} ({})",
                crate::web::time::date_time(quiz.opens_at),
                crate::web::time::ZONE_LABEL
            ),
        ),
        fact(
            "builder-time-limit",
            locale.text_with("builder-minutes", &[("count", form.time_limit.to_arg())]),
        ),
        fact("builder-attempts", quiz.max_attempts.to_string()),
        fact(
            "builder-audience",
            label_of(
                &choices.units,
                &quiz.audience_org_unit_id,
                "builder-audience-everyone",
            ),
        ),
        fact("builder-review", policy(&choices.reviews, form.review)),
        fact("builder-ranking", policy(&choices.rankings, form.ranking)),
        fact(
            "builder-shuffle-questions",
            yes_no(locale, quiz.shuffle_questions),
        ),
        fact(
            "builder-shuffle-options",
            yes_no(locale, quiz.shuffle_options),
        ),
    ];
    let rules = quiz
        .rules
        .iter()
        .map(|rule| rule_in_words(locale, rule, choices))
        .collect();
    (facts, rules)
}

/// What the page shows after a post: the focus to move, and why the problems are there.
pub struct Shown {
    pub status: StatusCode,
    pub fields: Vec<String>,
    pub alert: Option<String>,
    pub refusal: Refusal,
    pub notice: Option<String>,
    pub focus_rule: Option<usize>,
    pub focus_add: bool,
}

impl Shown {
    pub fn plain(notice: Option<String>) -> Self {
        Shown {
            status: StatusCode::OK,
            fields: Vec::new(),
            alert: None,
            refusal: Refusal::Save,
            notice,
            focus_rule: None,
            focus_add: false,
        }
    }

    /// A refusal from the API: its fields beside the controls, or its message above.
    pub fn refused(error: &AppError, locale: Locale, refusal: Refusal) -> Self {
        let fields = error.fields();
        Shown {
            status: error.status(),
            alert: fields.is_empty().then(|| error_message(locale, error)),
            fields,
            refusal,
            notice: None,
            focus_rule: None,
            focus_add: false,
        }
    }
}

/// The builder as it shows `form` (for `quiz`, or a new one).
pub async fn builder_page(
    state: &AppState,
    member: &Member,
    quiz: Option<&Quiz>,
    form: QuizForm,
    shown: Shown,
) -> AppResult<Response> {
    let visitor = &member.visitor;
    let locale = visitor.locale;
    let kept: Vec<&str> = form
        .rules
        .iter()
        .map(|row| row.bank.as_str())
        .chain(
            quiz.iter()
                .flat_map(|quiz| quiz.rules.iter().map(|r| r.bank.as_str())),
        )
        .collect();
    let choices = choices::load(state, member, &kept, &form.event_id).await?;
    let available = availability(state, &form).await?;
    let mut errors = problems_of(locale, shown.fields, shown.refusal, &form, &available);
    errors.alert = shown.alert;
    let (locked, locked_rules) = match quiz {
        Some(quiz) if quiz.published => locked_facts(locale, quiz, &choices),
        _ => (Vec::new(), Vec::new()),
    };
    let now = state.clock.now_ms();
    let page = BuilderPage {
        c: match quiz {
            Some(quiz) => Chrome::titled(visitor, quiz.title.clone()),
            None => Chrome::new(visitor, "builder-new-title"),
        },
        quiz: quiz.map(|quiz| QuizFacts {
            id: quiz.id.clone(),
            published: quiz.published,
            published_at: quiz.published_at,
            window: locale.text(window_key(quiz.state(now))),
        }),
        rules: rule_views(locale, &form, &available),
        form,
        choices,
        errors,
        notice: shown.notice,
        locked,
        locked_rules,
        focus_rule: shown.focus_rule,
        focus_add: shown.focus_add,
        js_available_one: locale
            .text_with("builder-rule-available", &[("available", 1i64.to_arg())]),
        js_available_other: locale
            .text_with("builder-rule-available", &[("available", "{n}".to_arg())]),
        js_short: locale.text_with("builder-rule-short", &[("count", "{count}".to_arg())]),
    };
    Ok(render(shown.status, &page))
}

pub async fn new_page(
    State(state): State<AppState>,
    member: Member,
    organizer: Result<Organizer, AppError>,
) -> Result<Response, PageError> {
    organizer.page(&member.visitor)?;
    builder_page(&state, &member, None, QuizForm::blank(), Shown::plain(None))
        .await
        .page(&member.visitor)
}

fn notice_of(query: Option<&str>) -> Option<&'static str> {
    query?.split('&').find_map(|pair| match pair {
        "created=1" => Some("builder-created"),
        "saved=1" => Some("builder-saved"),
        "published=1" => Some("builder-published"),
        _ => None,
    })
}

pub async fn stored(state: &AppState, quiz_id: &str) -> AppResult<Quiz> {
    quiz::find(&state.db.pool, quiz_id)
        .await?
        .ok_or_else(AppError::not_found)
}

pub async fn edit_page(
    State(state): State<AppState>,
    member: Member,
    organizer: Result<Organizer, AppError>,
    Path(quiz_id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    let visitor = &member.visitor;
    organizer.page(visitor)?;
    let quiz = stored(&state, &quiz_id).await.page(visitor)?;
    let notice = notice_of(query.as_deref()).map(|key| visitor.locale.text(key));
    builder_page(
        &state,
        &member,
        Some(&quiz),
        QuizForm::of(&quiz),
        Shown::plain(notice),
    )
    .await
    .page(visitor)
}

/// What a post asks for: save, or show the form with a rule more or less.
enum Action {
    Save,
    AddRule,
    RemoveRule(usize),
}

fn action_of(form: &CsrfForm) -> Action {
    match form.get("action").unwrap_or("save") {
        "add-rule" => Action::AddRule,
        other => other
            .strip_prefix("remove-rule-")
            .and_then(|index| index.parse().ok())
            .map_or(Action::Save, Action::RemoveRule),
    }
}

/// A post that only adds or removes a rule row: shown again, nothing written.
fn rows_changed(typed: &mut QuizForm, action: &Action) -> Option<Shown> {
    match action {
        Action::Save => None,
        Action::AddRule => {
            typed.rules.push(RuleRow::default());
            Some(Shown {
                focus_rule: Some(typed.rules.len() - 1),
                ..Shown::plain(None)
            })
        }
        Action::RemoveRule(index) => {
            if *index < typed.rules.len() {
                typed.rules.remove(*index);
            }
            Some(Shown {
                focus_add: true,
                ..Shown::plain(None)
            })
        }
    }
}

/// The fields the form could not read, with every problem the API's own check finds in the
/// rest, so they all show at once. Nothing is written.
fn unread_problems(unread: crate::error::FieldErrors, checked: AppResult<Quiz>) -> AppError {
    let mut fields = AppError::from(unread).fields();
    if let Err(error) = checked {
        fields.extend(error.fields());
    }
    let mut all = crate::error::FieldErrors::new();
    for field in fields {
        all.add(field, "is not valid");
    }
    all.into()
}

pub async fn create(
    State(state): State<AppState>,
    member: Member,
    form: CsrfForm,
) -> Result<Response, PageError> {
    let visitor = &member.visitor;
    let organizer = member.organizer()?;
    let mut typed = QuizForm::read(&form);
    if let Some(shown) = rows_changed(&mut typed, &action_of(&form)) {
        return builder_page(&state, &member, None, typed, shown)
            .await
            .page(visitor);
    }
    let (input, unread) = typed.to_input();
    let outcome = if unread.is_empty() {
        routes::create_quiz(State(state.clone()), organizer, AppJson(input))
            .await
            .map(|(_, AppJson(view))| view.id)
    } else {
        Err(unread_problems(unread, input.into_new(String::new())))
    };
    match outcome {
        Ok(id) => Ok(redirect(&format!("/organize/quizzes/{id}?created=1"))),
        Err(error) if is_page_error(&error) => Err(visitor.fail(error)),
        Err(error) => {
            let shown = Shown::refused(&error, visitor.locale, Refusal::Save);
            builder_page(&state, &member, None, typed, shown)
                .await
                .page(visitor)
        }
    }
}

pub async fn save(
    State(state): State<AppState>,
    member: Member,
    Path(quiz_id): Path<String>,
    form: CsrfForm,
) -> Result<Response, PageError> {
    let visitor = &member.visitor;
    let organizer = member.organizer()?;
    let quiz = stored(&state, &quiz_id).await.page(visitor)?;
    let mut typed = QuizForm::read(&form);
    if let Some(shown) = rows_changed(&mut typed, &action_of(&form)) {
        return builder_page(&state, &member, Some(&quiz), typed, shown)
            .await
            .page(visitor);
    }
    let (input, unread) = typed.to_input();
    let outcome = if unread.is_empty() {
        routes::edit_quiz(
            State(state.clone()),
            organizer,
            AppPath(quiz.id.clone()),
            AppJson(input),
        )
        .await
        .map(|_| ())
    } else {
        Err(unread_problems(unread, input.apply_to(quiz.clone())))
    };
    match outcome {
        Ok(()) => Ok(redirect(&format!("/organize/quizzes/{}?saved=1", quiz.id))),
        Err(error) if is_page_error(&error) => Err(visitor.fail(error)),
        Err(error) => {
            let shown = Shown::refused(&error, visitor.locale, Refusal::Save);
            // A published quiz's form holds only what may still change; the rest shows as
            // stored.
            let shown_form = if quiz.published {
                let mut kept = QuizForm::of(&quiz);
                if typed.sent("title") {
                    kept.title = typed.title.clone();
                }
                if typed.sent("description") {
                    kept.description = typed.description.clone();
                }
                if typed.sent("closes_at") {
                    kept.closes_at = typed.closes_at.clone();
                }
                kept
            } else {
                typed
            };
            builder_page(&state, &member, Some(&quiz), shown_form, shown)
                .await
                .page(visitor)
        }
    }
}
