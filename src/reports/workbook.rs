//! The whole event report as one Excel workbook, a sheet per view: participation by ward,
//! school and class, then the results, question analysis and competence profile of every
//! published quiz of the event, one sheet each with the quiz in its first columns so Excel's
//! filter picks a quiz. Built with rust_xlsxwriter; text is written as text cells, so a name
//! that looks like a formula stays a name.

use crate::http::AppPath;
use axum::extract::State;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use futures::future::try_join_all;
use futures::try_join;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};
use serde_json::{Value, json};

use super::participation::{organizer_event, participation};
use super::quiz_reports::{competences, questions, results};
use super::table::Table;
use crate::app::AppState;
use crate::auth::Organizer;
use crate::error::{AppError, AppResult, ErrorBody};
use crate::orgs::OrgKind;
use crate::quizzes::quiz::{self, Quiz};

/// Rows read to size each column.
const WIDTH_SAMPLE: usize = 200;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The event's published quizzes, in the order they open.
async fn event_quizzes(state: &AppState, event_id: &str) -> AppResult<Vec<Quiz>> {
    let ids: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM quizzes WHERE event_id = $1 AND status = 'published' ORDER BY opens_at, id",
    )
    .bind(event_id)
    .fetch_all(&state.db.pool)
    .await?;
    let mut quizzes = Vec::with_capacity(ids.len());
    for id in ids {
        quizzes.extend(quiz::find(&state.db.pool, &id).await?);
    }
    Ok(quizzes)
}

/// One sheet's rows gathered over the quizzes, each row led by its quiz's id and title.
#[derive(Default)]
struct PerQuiz {
    table: Option<Table>,
}

impl PerQuiz {
    fn append(&mut self, quiz: &Quiz, part: Table) {
        let table = self.table.get_or_insert_with(|| {
            let mut columns = vec!["quiz_id", "quiz"];
            columns.extend(part.columns.iter().copied());
            Table::new(columns)
        });
        for row in part.rows {
            let mut led = vec![json!(quiz.id), json!(quiz.title)];
            led.extend(row);
            table.push(led);
        }
    }
}

/// Every view of the event, as `(sheet name, table)`; a view without quizzes is `None`. The
/// queries run side by side: on a large event the workbook is the sum of every report.
async fn views(state: &AppState, event_id: &str) -> AppResult<Vec<(String, Option<Table>)>> {
    let event = organizer_event(state, event_id).await?;
    let quizzes = event_quizzes(state, &event.id).await?;
    let levels = [
        (OrgKind::Ward, "phường"),
        (OrgKind::School, "trường"),
        (OrgKind::Class, "lớp"),
    ];
    let participation_tables =
        try_join_all(levels.map(|(kind, _)| participation(state, &event, kind)));
    let quiz_tables = try_join_all(quizzes.iter().map(|quiz| async move {
        try_join!(
            results(state, quiz),
            questions(state, quiz),
            competences(state, quiz, Some(OrgKind::Ward)),
        )
    }));
    let (participation_tables, quiz_tables) = try_join!(participation_tables, quiz_tables)?;

    let mut sheets: Vec<(String, Option<Table>)> = levels
        .iter()
        .zip(participation_tables)
        .map(|((_, label), table)| (format!("Tham gia ({label})"), Some(table)))
        .collect();
    let (mut result_rows, mut question_rows, mut competence_rows) =
        (PerQuiz::default(), PerQuiz::default(), PerQuiz::default());
    for (quiz, (results, (questions, _, _), competences)) in quizzes.iter().zip(quiz_tables) {
        result_rows.append(quiz, results);
        question_rows.append(quiz, questions);
        competence_rows.append(quiz, competences);
    }
    sheets.push(("Kết quả".to_owned(), result_rows.table));
    sheets.push(("Câu hỏi".to_owned(), question_rows.table));
    sheets.push(("Năng lực".to_owned(), competence_rows.table));
    Ok(sheets)
}

fn write_sheet(sheet: &mut Worksheet, table: Option<&Table>) -> Result<(), XlsxError> {
    let Some(table) = table else {
        sheet.write_string(0, 0, "(sự kiện chưa có bài thi / the event has no quizzes)")?;
        return Ok(());
    };
    let bold = Format::new().set_bold();
    for (col, name) in table.columns.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, *name, &bold)?;
    }
    for (index, row) in table.rows.iter().enumerate() {
        let row_number = index as u32 + 1;
        for (col, value) in row.iter().enumerate() {
            let col = col as u16;
            match value {
                Value::Null => {}
                Value::Bool(flag) => {
                    sheet.write_boolean(row_number, col, *flag)?;
                }
                Value::Number(number) => {
                    sheet.write_number(row_number, col, number.as_f64().unwrap_or_default())?;
                }
                Value::String(text) => {
                    sheet.write_string(row_number, col, text)?;
                }
                other => {
                    sheet.write_string(row_number, col, other.to_string())?;
                }
            }
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    // Widths from the header and the first rows: autofit measures every cell, which costs
    // more than the rest of a 50,000-row sheet.
    for (col, name) in table.columns.iter().enumerate() {
        let widest = table
            .rows
            .iter()
            .take(WIDTH_SAMPLE)
            .filter_map(|row| match &row[col] {
                Value::String(text) => Some(text.chars().count()),
                Value::Number(number) => Some(number.to_string().len()),
                _ => None,
            })
            .chain([name.len()])
            .max()
            .unwrap_or(8);
        sheet.set_column_width(col as u16, (widest + 2).min(60) as f64)?;
    }
    Ok(())
}

fn build(sheets: Vec<(String, Option<Table>)>) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    for (name, table) in &sheets {
        let sheet = workbook.add_worksheet();
        sheet.set_name(name)?;
        write_sheet(sheet, table.as_ref())?;
    }
    workbook.save_to_buffer()
}

/// The whole event report as an XLSX workbook: participation by ward, school and class, and
/// the results, questions and competences of every published quiz of the event.
#[utoipa::path(get, path = "/reports/events/{id}/workbook", tag = "reports", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 200, description = "the XLSX workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn event_workbook(
    State(state): State<AppState>,
    Organizer(_caller): Organizer,
    AppPath(event_id): AppPath<String>,
) -> AppResult<Response> {
    let started = std::time::Instant::now();
    let sheets = views(&state, &event_id).await?;
    let queried = started.elapsed();
    // Zipping a large workbook is CPU work: keep it off the async workers.
    let bytes = tokio::task::spawn_blocking(move || build(sheets))
        .await
        .map_err(|e| anyhow::anyhow!("workbook task failed: {e}"))?
        .map_err(|e| AppError::Internal(anyhow::anyhow!("workbook: {e}")))?;
    tracing::info!(event = %event_id, ?queried, total = ?started.elapsed(), bytes = bytes.len(), "event workbook built");
    Ok((
        [
            (CONTENT_TYPE, XLSX.to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"bao-cao-{event_id}.xlsx\""),
            ),
        ],
        bytes,
    )
        .into_response())
}
