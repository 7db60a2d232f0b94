//! The organizers' question-bank pages: every bank with its coverage (`list`), importing a
//! TOML or GIFT file by a plain file form (`import`), and one bank's questions with their keys
//! (`browse`). Each reads and writes through the `/api/v1/banks` handlers, so the importer's
//! checks, its atomicity and the organizers-only rule live there alone.

mod browse;
mod import;
mod list;

use axum::Router;
use axum::routing::get;

use super::format::{COMPETENCES, Kind, Text, competence_area};
use crate::app::AppState;
use crate::quizzes::pages::localized;
use crate::web::locale::Locale;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/organize/banks", get(list::page))
        .route(
            "/organize/banks/import",
            get(import::form).post(import::upload),
        )
        .route("/organize/banks/{slug}", get(browse::page))
}

/// Where a bank's questions are browsed.
pub fn bank_url(slug: &str) -> String {
    format!("/organize/banks/{slug}")
}

/// A bank text as a page shows it: in the page's language where the bank has it, else in
/// Vietnamese, with `lang` set when that differs from the page's.
#[derive(Clone)]
pub struct Shown {
    pub text: String,
    pub lang: Option<&'static str>,
}

impl Shown {
    pub fn of(text: &Text, locale: Locale) -> Self {
        let shown = localized(text, locale);
        let lang = (locale != Locale::Vi && shown == text.vi).then_some("vi");
        Shown { text: shown, lang }
    }
}

/// The five DigComp areas, numbered, in the page's language.
fn area_labels(locale: Locale) -> Vec<String> {
    (1..=5)
        .map(|area| locale.text(&format!("banks-area-{area}")))
        .collect()
}

/// `4.2 Protecting personal data and privacy`, in the page's language; the bare code when it
/// is not a DigComp code.
fn competence_label(locale: Locale, code: &str) -> String {
    if COMPETENCES.iter().any(|(known, _)| *known == code) {
        let key = format!("banks-competence-{}", code.replace('.', "-"));
        format!("{code} {}", locale.text(&key))
    } else {
        code.to_owned()
    }
}

/// The competence area (0–4) of a DigComp code.
fn area_index(code: &str) -> Option<usize> {
    competence_area(code).map(|area| usize::from(area) - 1)
}

fn kind_label(locale: Locale, kind: &str) -> String {
    locale.text(&format!("banks-kind-{kind}"))
}

fn kind_labels(locale: Locale) -> Vec<String> {
    Kind::ALL
        .iter()
        .map(|kind| kind_label(locale, kind.as_str()))
        .collect()
}

fn difficulty_label(locale: Locale, difficulty: u8) -> String {
    locale.text(&format!("banks-difficulty-{difficulty}"))
}

fn difficulty_labels(locale: Locale) -> Vec<String> {
    (1..=3).map(|d| difficulty_label(locale, d)).collect()
}
