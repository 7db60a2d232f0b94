//! `/organize/reports/quizzes/{id}`: one quiz's counted attempts (sortable, a page of them at a
//! time), its question analysis with a bar per question and a flag where discrimination is
//! poor, and its competence profile by DigComp area and competence — with their CSVs.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;
use serde_json::Value;

use super::chart::BarChart;
use super::view::{Column, HtmlTable, Kind, Sort, column, percent};
use crate::app::AppState;
use crate::auth::Organizer;
use crate::error::AppError;
use crate::quizzes::quiz::Quiz;
use crate::reports::quiz_reports::{competences, organizer_quiz, questions, results};
use crate::reports::table::Table;
use crate::web::Member;
use crate::web::page::{Chrome, OrPage, PageError, ok};

const RESULT_COLUMNS: [Column; 8] = [
    column("rank", Kind::Count),
    column("display_name", Kind::Text),
    column("org_unit", Kind::Text),
    column("score", Kind::Points),
    column("max_score", Kind::Points),
    column("correct_count", Kind::Count),
    column("duration_ms", Kind::Duration),
    column("finished_at", Kind::Instant),
];

const QUESTION_COLUMNS: [Column; 9] = [
    column("question_id", Kind::Text),
    column("competence", Kind::Text),
    column("answered", Kind::Count),
    column("correct", Kind::Count),
    column("share_correct", Kind::Share),
    column("upper_share_correct", Kind::Share),
    column("lower_share_correct", Kind::Share),
    column("discrimination", Kind::Index),
    column("flag", Kind::Word("reports-flag")),
];

const COMPETENCE_COLUMNS: [Column; 5] = [
    column("code", Kind::Text),
    column("name", Kind::Text),
    column("answered", Kind::Count),
    column("correct", Kind::Count),
    column("share_correct", Kind::Share),
];

/// Counted attempts shown at once; the CSV holds them all.
const RESULTS_PER_PAGE: usize = 100;

#[derive(Deserialize)]
pub struct ReportQuery {
    sort: Option<String>,
    dir: Option<String>,
    /// Which table `sort` applies to: `results` (default), `questions` or `competences`.
    table: Option<String>,
    page: Option<usize>,
}

pub struct Paging {
    pub page: usize,
    pub pages: usize,
    pub previous: Option<String>,
    pub next: Option<String>,
}

#[derive(Template)]
#[template(path = "reports/quiz.html")]
struct QuizReport {
    c: Chrome,
    quiz: Quiz,
    counted: i64,
    group: i64,
    results: HtmlTable,
    paging: Paging,
    questions: HtmlTable,
    question_chart: BarChart,
    poor: usize,
    competences: HtmlTable,
    competence_chart: BarChart,
}

fn text_at<'a>(table: &'a Table, row: &'a [Value], name: &str) -> &'a Value {
    table
        .columns
        .iter()
        .position(|c| *c == name)
        .and_then(|at| row.get(at))
        .unwrap_or(&Value::Null)
}

pub async fn page(
    State(state): State<AppState>,
    member: Member,
    organizer: Result<Organizer, AppError>,
    Path(quiz_id): Path<String>,
    Query(query): Query<ReportQuery>,
) -> Result<Response, PageError> {
    let visitor = &member.visitor;
    organizer.page(visitor)?;
    let quiz = organizer_quiz(&state, &quiz_id).await.page(visitor)?;
    let c = Chrome::titled(visitor, quiz.title.clone());
    let base = format!("/organize/reports/quizzes/{}", quiz.id);
    let sorting = query.table.as_deref().unwrap_or("results");
    let sort_for = |table: &str| {
        if sorting == table {
            Sort::of(query.sort.clone(), query.dir.as_deref())
        } else {
            Sort::of(None, None)
        }
    };

    let attempts = results(&state, &quiz).await.page(visitor)?;
    let mut results_table = HtmlTable::of(
        &c,
        c.t("reports-results"),
        &attempts,
        &RESULT_COLUMNS,
        None,
        &sort_for("results"),
        |column, dir| format!("{base}?table=results&sort={column}&dir={dir}#results"),
    );
    let pages = results_table.rows.len().div_ceil(RESULTS_PER_PAGE).max(1);
    let page = query.page.unwrap_or(1).clamp(1, pages);
    let keep = |sort: &str| {
        let sort_query = match (sorting, &query.sort) {
            ("results", Some(column)) => format!(
                "&table=results&sort={column}&dir={}",
                query.dir.as_deref().unwrap_or("asc")
            ),
            _ => String::new(),
        };
        format!("{base}?page={sort}{sort_query}#results")
    };
    let paging = Paging {
        page,
        pages,
        previous: (page > 1).then(|| keep(&(page - 1).to_string())),
        next: (page < pages).then(|| keep(&(page + 1).to_string())),
    };
    results_table.rows = results_table
        .rows
        .into_iter()
        .skip((page - 1) * RESULTS_PER_PAGE)
        .take(RESULTS_PER_PAGE)
        .collect();

    let (analysis, counted, group) = questions(&state, &quiz).await.page(visitor)?;
    let question_rows = analysis
        .rows
        .iter()
        .map(|row| {
            let share = text_at(&analysis, row, "share_correct").as_f64();
            let flag = text_at(&analysis, row, "flag").as_str().unwrap_or("");
            (
                text_at(&analysis, row, "question_id")
                    .as_str()
                    .unwrap_or("")
                    .to_owned(),
                share.unwrap_or(0.0),
                share.map_or("—".to_owned(), |s| percent(&c, s * 100.0)),
                flag == "poor_discrimination",
            )
        })
        .collect::<Vec<_>>();
    let poor = question_rows.iter().filter(|row| row.3).count();
    let question_chart = BarChart::of(
        "question-chart",
        c.t("reports-question-chart"),
        question_rows,
    );
    let questions_table = HtmlTable::of(
        &c,
        c.t("reports-questions"),
        &analysis,
        &QUESTION_COLUMNS,
        None,
        &sort_for("questions"),
        |column, dir| format!("{base}?table=questions&sort={column}&dir={dir}#questions"),
    );

    let profile = competences(&state, &quiz, None).await.page(visitor)?;
    let competence_chart = BarChart::of(
        "competence-chart",
        c.t("reports-competence-chart"),
        profile
            .rows
            .iter()
            .map(|row| {
                let share = text_at(&profile, row, "share_correct").as_f64();
                let code = text_at(&profile, row, "code").as_str().unwrap_or("");
                let name = text_at(&profile, row, "name").as_str().unwrap_or("");
                (
                    format!("{code} {name}"),
                    share.unwrap_or(0.0),
                    share.map_or("—".to_owned(), |s| percent(&c, s * 100.0)),
                    false,
                )
            })
            .collect(),
    );
    let competences_table = HtmlTable::of(
        &c,
        c.t("reports-competences"),
        &profile,
        &COMPETENCE_COLUMNS,
        None,
        &sort_for("competences"),
        |column, dir| format!("{base}?table=competences&sort={column}&dir={dir}#competences"),
    );
    Ok(ok(&QuizReport {
        c,
        quiz,
        counted,
        group,
        results: results_table,
        paging,
        questions: questions_table,
        question_chart,
        poor,
        competences: competences_table,
        competence_chart,
    }))
}
