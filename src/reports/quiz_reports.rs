//! Reports on one quiz, computed with aggregate SQL on the database of record: results (one row
//! per counted attempt), question analysis, and the DigComp competence profile. Each counted
//! attempt is picked in SQL by the quiz's policy (`best`: the best by the ranking rule;
//! `first`: the first finished), with a window function both engines support. Sums are cast
//! to BIGINT: PostgreSQL sums BIGINT into NUMERIC, which the Any driver cannot read.

use std::collections::BTreeMap;

use crate::http::AppPath;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use utoipa::IntoParams;

use super::table::{FormatQuery, Table};
use crate::app::AppState;
use crate::auth::Organizer;
use crate::banks::competence_name;
use crate::clock::Timestamp;
use crate::error::{AppError, AppResult, ErrorBody, FieldErrors};
use crate::http::AppQuery;
use crate::orgs::units::Units;
use crate::quizzes::quiz::{self, Quiz};

/// Which finished attempts a report reads: one quiz's, or those of every quiz of an event.
#[derive(Clone, Copy)]
pub enum Counted {
    Quiz,
    Event,
}

/// `finished AS (…), counted AS (…)`, for a `WITH`: each participant's counted attempt of each
/// quiz of `param` (a quiz id or an event id), by that quiz's policy (`best`: the best by the
/// ranking rule; `first`: the first finished).
pub fn counted_ctes(scope: Counted, param: &str) -> String {
    let filter = match scope {
        Counted::Quiz => format!("a.quiz_id = {param}"),
        Counted::Event => format!("q.event_id = {param}"),
    };
    format!(
        "finished AS (
             SELECT a.*, ROW_NUMBER() OVER (
                 PARTITION BY a.quiz_id, a.user_id
                 ORDER BY CASE WHEN q.ranking = 'first' THEN a.number ELSE 0 END,
                          a.score_milli DESC, a.duration_ms ASC, a.finished_at ASC, a.id ASC) AS pick
             FROM attempts a JOIN quizzes q ON q.id = a.quiz_id
             WHERE {filter} AND a.status <> 'in_progress'),
         counted AS (SELECT * FROM finished WHERE pick = 1)"
    )
}

pub async fn organizer_quiz(state: &AppState, quiz_id: &str) -> AppResult<Quiz> {
    quiz::find(&state.db.pool, quiz_id)
        .await?
        .ok_or_else(AppError::not_found)
}

fn points(milli: i64) -> Value {
    json!(milli as f64 / 1000.0)
}

type ResultRow = (
    String,
    String,
    Option<String>,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    String,
);

/// One row per counted attempt, in ranking order.
#[utoipa::path(get, path = "/reports/quizzes/{id}/results", tag = "reports", security(("bearer" = [])),
    params(("id" = String, Path), FormatQuery),
    responses((status = 200, description = "JSON `{quiz_id, total, items}` or CSV"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn quiz_results(
    State(state): State<AppState>,
    Organizer(_caller): Organizer,
    AppPath(quiz_id): AppPath<String>,
    AppQuery(query): AppQuery<FormatQuery>,
) -> AppResult<Response> {
    let format = query.format()?;
    let quiz = organizer_quiz(&state, &quiz_id).await?;
    let table = results(&state, &quiz).await?;
    table.respond(format, &format!("ket-qua-{}", quiz.id), quiz_field(&quiz))
}

/// `{"quiz_id": …}`, the field every quiz report's JSON carries besides its rows.
fn quiz_field(quiz: &Quiz) -> Map<String, Value> {
    let mut extra = Map::new();
    extra.insert("quiz_id".into(), json!(quiz.id));
    extra
}

pub async fn results(state: &AppState, quiz: &Quiz) -> AppResult<Table> {
    let sql = format!(
        "WITH {} SELECT u.display_name, u.username, u.org_unit_id, c.score_milli, c.max_score_milli, c.correct_count, c.question_count,
                c.duration_ms, c.started_at, c.finished_at, c.status
         FROM counted c JOIN users u ON u.id = c.user_id
         ORDER BY c.score_milli DESC, c.duration_ms ASC, c.finished_at ASC, c.id ASC",
        counted_ctes(Counted::Quiz, "$1")
    );
    let rows: Vec<ResultRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(&quiz.id)
        .fetch_all(&state.db.pool)
        .await?;
    let units = Units::load(&state.db.pool).await?;
    let mut table = Table::new(vec![
        "rank",
        "display_name",
        "username",
        "org_unit",
        "score",
        "max_score",
        "correct_count",
        "question_count",
        "duration_ms",
        "started_at",
        "finished_at",
        "status",
    ]);
    for (
        index,
        (
            display_name,
            username,
            unit,
            score,
            max,
            correct,
            count,
            duration,
            started,
            finished,
            status,
        ),
    ) in rows.into_iter().enumerate()
    {
        table.push(vec![
            json!(index + 1),
            json!(display_name),
            json!(username),
            json!(units.path(unit.as_deref())),
            points(score),
            points(max),
            json!(correct),
            json!(count),
            json!(duration),
            json!(Timestamp(started).to_rfc3339()),
            json!(Timestamp(finished).to_rfc3339()),
            json!(status),
        ]);
    }
    Ok(table)
}

/// Below this index a question barely tells the strong from the weak (Ebel's rule of thumb:
/// under 0.2 is poor; a negative index means the weak do better than the strong).
pub const POOR_DISCRIMINATION: f64 = 0.2;

type QuestionRow = (String, String, String, i64, i64, i64, i64, i64, i64);

/// Per question: share correct among counted attempts that drew it, and the discrimination
/// index (share correct in the top 27 % of total scores minus the bottom 27 %).
#[utoipa::path(get, path = "/reports/quizzes/{id}/questions", tag = "reports", security(("bearer" = [])),
    params(("id" = String, Path), FormatQuery),
    responses((status = 200, description = "JSON or CSV"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn question_analysis(
    State(state): State<AppState>,
    Organizer(_caller): Organizer,
    AppPath(quiz_id): AppPath<String>,
    AppQuery(query): AppQuery<FormatQuery>,
) -> AppResult<Response> {
    let format = query.format()?;
    let quiz = organizer_quiz(&state, &quiz_id).await?;
    let (table, counted, group) = questions(&state, &quiz).await?;
    let mut extra = quiz_field(&quiz);
    extra.insert("counted_attempts".into(), json!(counted));
    extra.insert("group_size".into(), json!(group));
    table.respond(format, &format!("cau-hoi-{}", quiz.id), extra)
}

/// The question table, the number of counted attempts and the size of each 27 % group.
pub async fn questions(state: &AppState, quiz: &Quiz) -> AppResult<(Table, i64, i64)> {
    let cte = counted_ctes(Counted::Quiz, "$1");
    let count_sql = format!("WITH {cte} SELECT COUNT(*) FROM counted");
    let counted: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(count_sql))
        .bind(&quiz.id)
        .fetch_one(&state.db.pool)
        .await?;
    // The 27 % groups, at least one attempt each when there are any.
    let group = (counted * 27 + 99) / 100;
    let sql = format!(
        "WITH {cte}, positioned AS (
             SELECT id, ROW_NUMBER() OVER (ORDER BY score_milli DESC, duration_ms ASC, id ASC) AS position FROM counted)
         SELECT aq.bank_slug, aq.question_id, aq.competence, COUNT(*), CAST(SUM(aq.correct) AS BIGINT),
                CAST(SUM(CASE WHEN p.position <= $2 THEN 1 ELSE 0 END) AS BIGINT),
                CAST(SUM(CASE WHEN p.position <= $2 THEN aq.correct ELSE 0 END) AS BIGINT),
                CAST(SUM(CASE WHEN p.position > $3 THEN 1 ELSE 0 END) AS BIGINT),
                CAST(SUM(CASE WHEN p.position > $3 THEN aq.correct ELSE 0 END) AS BIGINT)
         FROM attempt_questions aq JOIN positioned p ON p.id = aq.attempt_id
         GROUP BY aq.bank_slug, aq.question_id, aq.competence
         ORDER BY aq.bank_slug, aq.question_id"
    );
    let rows: Vec<QuestionRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(&quiz.id)
        .bind(group)
        .bind(counted - group)
        .fetch_all(&state.db.pool)
        .await?;
    let mut table = Table::new(vec![
        "bank",
        "question_id",
        "competence",
        "answered",
        "correct",
        "share_correct",
        "upper_share_correct",
        "lower_share_correct",
        "discrimination",
        "flag",
    ]);
    let share = |part: i64, whole: i64| {
        if whole == 0 {
            Value::Null
        } else {
            json!(round4(part as f64 / whole as f64))
        }
    };
    for (
        bank,
        question,
        competence,
        answered,
        correct,
        upper_n,
        upper_correct,
        lower_n,
        lower_correct,
    ) in rows
    {
        let discrimination = if upper_n == 0 || lower_n == 0 {
            Value::Null
        } else {
            json!(round4(
                upper_correct as f64 / upper_n as f64 - lower_correct as f64 / lower_n as f64
            ))
        };
        let flag = if correct == 0 {
            "nobody_correct"
        } else if correct == answered {
            "everybody_correct"
        } else if discrimination
            .as_f64()
            .is_some_and(|d| d < POOR_DISCRIMINATION)
        {
            "poor_discrimination"
        } else {
            ""
        };
        table.push(vec![
            json!(bank),
            json!(question),
            json!(competence),
            json!(answered),
            json!(correct),
            share(correct, answered),
            share(upper_correct, upper_n),
            share(lower_correct, lower_n),
            discrimination,
            json!(flag),
        ]);
    }
    Ok((table, counted, group))
}

pub fn round4(value: f64) -> f64 {
    (value * 10_000.0).round() / 10_000.0
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CompetenceQuery {
    /// `json` (default) or `csv`.
    pub format: Option<String>,
    /// Also per org unit of this kind: `ward`, `school` or `class` (default: overall only).
    pub group_by: Option<String>,
}

/// Mean share correct per DigComp area and competence, overall and (with `group_by`) per org
/// unit.
#[utoipa::path(get, path = "/reports/quizzes/{id}/competences", tag = "reports", security(("bearer" = [])),
    params(("id" = String, Path), CompetenceQuery),
    responses((status = 200, description = "JSON or CSV"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn competence_profile(
    State(state): State<AppState>,
    Organizer(_caller): Organizer,
    AppPath(quiz_id): AppPath<String>,
    AppQuery(query): AppQuery<CompetenceQuery>,
) -> AppResult<Response> {
    let format = FormatQuery {
        format: query.format.clone(),
    }
    .format()?;
    let group_by = query
        .group_by
        .as_deref()
        .map(crate::orgs::OrgKind::parse)
        .transpose()
        .map_err(|reason| FieldErrors::single("group_by", reason))?;
    let quiz = organizer_quiz(&state, &quiz_id).await?;
    let table = competences(&state, &quiz, group_by).await?;
    table.respond(format, &format!("nang-luc-{}", quiz.id), quiz_field(&quiz))
}

/// The competence table, overall and per org unit of `group_by` (a valid kind) when given.
pub async fn competences(
    state: &AppState,
    quiz: &Quiz,
    group_by: Option<crate::orgs::OrgKind>,
) -> AppResult<Table> {
    let sql = format!(
        "WITH {} SELECT u.org_unit_id, aq.competence, COUNT(*), CAST(SUM(aq.correct) AS BIGINT)
         FROM attempt_questions aq JOIN counted c ON c.id = aq.attempt_id JOIN users u ON u.id = c.user_id
         GROUP BY u.org_unit_id, aq.competence",
        counted_ctes(Counted::Quiz, "$1")
    );
    let rows: Vec<(Option<String>, String, i64, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(&quiz.id)
        .fetch_all(&state.db.pool)
        .await?;
    let units = Units::load(&state.db.pool).await?;
    // (unit or "" for overall, code) -> (answered, correct); codes are competences and areas.
    let mut totals: BTreeMap<(String, String), (i64, i64)> = BTreeMap::new();
    for (unit, competence, answered, correct) in rows {
        let area = competence.split('.').next().unwrap_or("").to_owned();
        let mut scopes = vec![String::new()];
        if let Some(kind) = group_by
            && let Some(ancestor) = units.ancestor_of_kind(unit.as_deref(), kind)
        {
            scopes.push(ancestor);
        }
        for scope in scopes {
            for code in [competence.clone(), area.clone()] {
                let total = totals.entry((scope.clone(), code)).or_default();
                total.0 += answered;
                total.1 += correct;
            }
        }
    }
    let mut table = Table::new(vec![
        "org_unit_id",
        "org_unit",
        "level",
        "code",
        "name",
        "answered",
        "correct",
        "share_correct",
    ]);
    for ((unit, code), (answered, correct)) in totals {
        let level = if code.contains('.') {
            "competence"
        } else {
            "area"
        };
        let name = if level == "area" {
            crate::banks::format::AREAS
                .iter()
                .find(|(area, _)| area.to_string() == code)
                .map(|(_, name)| (*name).to_owned())
                .unwrap_or_default()
        } else {
            competence_name(&code).unwrap_or("").to_owned()
        };
        table.push(vec![
            if unit.is_empty() {
                Value::Null
            } else {
                json!(unit)
            },
            json!(if unit.is_empty() {
                "Tất cả / Overall".to_owned()
            } else {
                units.name(&unit)
            }),
            json!(level),
            json!(code),
            json!(name),
            json!(answered),
            json!(correct),
            if answered == 0 {
                Value::Null
            } else {
                json!(round4(correct as f64 / answered as f64))
            },
        ]);
    }
    Ok(table)
}
