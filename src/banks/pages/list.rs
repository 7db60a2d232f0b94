//! `/organize/banks`: every bank with its drawable questions counted by DigComp area, by
//! difficulty and by kind, as `GET /api/v1/banks` counts them.

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use super::{Shown, area_index, area_labels, bank_url, difficulty_labels, kind_labels};
use crate::app::AppState;
use crate::auth::Organizer;
use crate::banks::format::Kind;
use crate::banks::routes::{self, BankList};
use crate::banks::store::BankSummary;
use crate::error::AppError;
use crate::http::AppJson;
use crate::web::Member;
use crate::web::locale::Locale;
use crate::web::page::{Chrome, OrPage, PageError, ok};

/// One bank's line in the three tables.
pub struct BankLine {
    pub slug: String,
    pub url: String,
    pub title: Shown,
    pub version: i64,
    pub total: usize,
    pub by_area: [usize; 5],
    pub by_difficulty: [usize; 3],
    /// In [`Kind::ALL`] order.
    pub by_kind: [usize; 5],
}

impl BankLine {
    fn of(summary: &BankSummary, locale: Locale) -> Self {
        let mut by_area = [0; 5];
        for (code, count) in &summary.by_competence {
            if let Some(cell) = area_index(code).and_then(|area| by_area.get_mut(area)) {
                *cell += count;
            }
        }
        let mut by_difficulty = [0; 3];
        for (difficulty, count) in &summary.by_difficulty {
            let index = difficulty
                .parse::<usize>()
                .ok()
                .and_then(|d| d.checked_sub(1));
            if let Some(cell) = index.and_then(|d| by_difficulty.get_mut(d)) {
                *cell += count;
            }
        }
        let by_kind =
            Kind::ALL.map(|kind| summary.by_kind.get(kind.as_str()).copied().unwrap_or(0));
        BankLine {
            url: bank_url(&summary.slug),
            slug: summary.slug.clone(),
            title: Shown::of(&summary.title, locale),
            version: summary.version,
            total: summary.question_count,
            by_area,
            by_difficulty,
            by_kind,
        }
    }
}

/// Column sums of the banks' lines.
pub struct Totals {
    pub total: usize,
    pub by_area: [usize; 5],
    pub by_difficulty: [usize; 3],
    pub by_kind: [usize; 5],
}

impl Totals {
    fn of(lines: &[BankLine]) -> Self {
        fn add<const N: usize>(sum: &mut [usize; N], line: &[usize; N]) {
            for (cell, count) in sum.iter_mut().zip(line) {
                *cell += count;
            }
        }
        let mut totals = Totals {
            total: 0,
            by_area: [0; 5],
            by_difficulty: [0; 3],
            by_kind: [0; 5],
        };
        for line in lines {
            totals.total += line.total;
            add(&mut totals.by_area, &line.by_area);
            add(&mut totals.by_difficulty, &line.by_difficulty);
            add(&mut totals.by_kind, &line.by_kind);
        }
        totals
    }
}

#[derive(Template)]
#[template(path = "banks/list.html")]
struct ListPage {
    c: Chrome,
    banks: Vec<BankLine>,
    totals: Totals,
    areas: Vec<String>,
    difficulties: Vec<String>,
    kinds: Vec<String>,
}

/// The banks. Participants and judges are refused as the API refuses them (403).
pub async fn page(
    State(state): State<AppState>,
    member: Member,
    organizer: Result<Organizer, AppError>,
) -> Result<Response, PageError> {
    let visitor = &member.visitor;
    let organizer = organizer.page(visitor)?;
    let AppJson(BankList { items, .. }) = routes::list_banks(State(state), organizer)
        .await
        .page(visitor)?;
    let locale = visitor.locale;
    let banks: Vec<BankLine> = items.iter().map(|s| BankLine::of(s, locale)).collect();
    Ok(ok(&ListPage {
        c: Chrome::new(visitor, "banks-title"),
        totals: Totals::of(&banks),
        banks,
        areas: area_labels(locale),
        difficulties: difficulty_labels(locale),
        kinds: kind_labels(locale),
    }))
}
