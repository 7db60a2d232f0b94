//! Participation in an event, per ward, school or class: what every unit reports to the
//! district after the week. Each figure is one aggregate query on the database of record; a
//! recursive CTE maps every org unit to the unit of the asked kind above it, so nothing is
//! counted row by row in memory.
//!
//! - `registered`: participant accounts (not disabled) in the unit or below it;
//! - `participants`: accounts that started an attempt at one of the event's quizzes or
//!   submitted an entry to one of its contests;
//! - `completed`: accounts with at least one finished attempt; `completion_share` is
//!   completed ÷ registered (the leaderboards' completion), `participation_share`
//!   participants ÷ registered;
//! - `attempts_finished`: submitted or expired attempts;
//! - `mean_score`, `median_score`: over counted attempts (one per account and quiz, by the
//!   quiz's ranking policy), as a percentage of the attempt's maximum, so quizzes of
//!   different lengths combine;
//! - `entries_submitted` (every entry past draft) and `entries_approved`.
//!
//! Every unit of the kind is listed, with or without participants; accounts outside any such
//! unit get a row of their own when they have any figure, so the rows add up to the total.

use std::collections::HashMap;

use crate::http::AppPath;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use utoipa::IntoParams;

use super::quiz_reports::{Counted, counted_ctes, round4};
use super::table::{FormatQuery, Table};
use crate::app::AppState;
use crate::auth::Organizer;
use crate::error::{AppError, AppResult, ErrorBody, FieldErrors};
use crate::http::AppQuery;
use crate::orgs::OrgKind;
use crate::orgs::units::Units;
use crate::quizzes::events::{self, Event};

/// `grp (unit_id, group_id)`: every unit in the subtree of a unit of kind `$1`, with that unit;
/// the walk stops at a unit of the same kind, so each unit has at most one group.
const GROUPS: &str = "grp (unit_id, group_id) AS (
        SELECT id, id FROM org_units WHERE kind = $1
        UNION ALL
        SELECT o.id, g.group_id FROM org_units o JOIN grp g ON o.parent_id = g.unit_id WHERE o.kind <> $1)";

/// The key of the total in the score query; ids are UUIDs, so it meets no group.
const TOTAL: &str = "*";

#[derive(Debug, Default, Clone, Copy)]
struct Figures {
    registered: i64,
    participants: i64,
    completed: i64,
    attempts_finished: i64,
    entries_submitted: i64,
    entries_approved: i64,
    mean_score: Option<f64>,
    median_score: Option<f64>,
}

impl Figures {
    fn is_empty(&self) -> bool {
        self.registered == 0 && self.participants == 0 && self.entries_submitted == 0
    }

    fn add_counts(&mut self, other: &Figures) {
        self.registered += other.registered;
        self.participants += other.participants;
        self.completed += other.completed;
        self.attempts_finished += other.attempts_finished;
        self.entries_submitted += other.entries_submitted;
        self.entries_approved += other.entries_approved;
    }
}

/// Figures by group id (`None`: outside any unit of the kind).
type ByGroup = HashMap<Option<String>, Figures>;

/// Runs one of the grouped queries below: `$1` is the unit kind, `$2` the event when the query
/// reads one.
async fn grouped<R>(
    state: &AppState,
    sql: String,
    kind: &str,
    event_id: Option<&str>,
) -> AppResult<Vec<R>>
where
    R: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
{
    let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(kind.to_owned());
    if let Some(event_id) = event_id {
        query = query.bind(event_id.to_owned());
    }
    Ok(query.fetch_all(&state.db.pool).await?)
}

async fn count_registered(state: &AppState, kind: &str, by_group: &mut ByGroup) -> AppResult<()> {
    let sql = format!(
        "WITH RECURSIVE {GROUPS}
         SELECT g.group_id, COUNT(*) FROM users u LEFT JOIN grp g ON g.unit_id = u.org_unit_id
         WHERE u.role = 'participant' AND u.disabled = 0
         GROUP BY g.group_id"
    );
    let rows: Vec<(Option<String>, i64)> = grouped(state, sql, kind, None).await?;
    for (group, registered) in rows {
        by_group.entry(group).or_default().registered = registered;
    }
    Ok(())
}

async fn count_activity(
    state: &AppState,
    kind: &str,
    event_id: &str,
    by_group: &mut ByGroup,
) -> AppResult<()> {
    let sql = format!(
        "WITH RECURSIVE {GROUPS},
         activity (user_id, finished) AS (
             SELECT a.user_id, CASE WHEN a.status <> 'in_progress' THEN 1 ELSE 0 END
             FROM attempts a JOIN quizzes q ON q.id = a.quiz_id WHERE q.event_id = $2
             UNION ALL
             SELECT e.user_id, 0
             FROM entries e JOIN contests c ON c.id = e.contest_id
             WHERE c.event_id = $2 AND e.status <> 'draft'),
         per_user AS (
             SELECT user_id, CAST(SUM(finished) AS BIGINT) AS finished FROM activity GROUP BY user_id)
         SELECT g.group_id, COUNT(*),
                CAST(SUM(CASE WHEN p.finished > 0 THEN 1 ELSE 0 END) AS BIGINT),
                CAST(SUM(p.finished) AS BIGINT)
         FROM per_user p JOIN users u ON u.id = p.user_id LEFT JOIN grp g ON g.unit_id = u.org_unit_id
         GROUP BY g.group_id"
    );
    let rows: Vec<(Option<String>, i64, i64, i64)> =
        grouped(state, sql, kind, Some(event_id)).await?;
    for (group, participants, completed, attempts_finished) in rows {
        let figures = by_group.entry(group).or_default();
        figures.participants = participants;
        figures.completed = completed;
        figures.attempts_finished = attempts_finished;
    }
    Ok(())
}

async fn count_entries(
    state: &AppState,
    kind: &str,
    event_id: &str,
    by_group: &mut ByGroup,
) -> AppResult<()> {
    let sql = format!(
        "WITH RECURSIVE {GROUPS}
         SELECT g.group_id, COUNT(*), CAST(SUM(CASE WHEN e.status = 'approved' THEN 1 ELSE 0 END) AS BIGINT)
         FROM entries e JOIN contests c ON c.id = e.contest_id JOIN users u ON u.id = e.user_id
              LEFT JOIN grp g ON g.unit_id = u.org_unit_id
         WHERE c.event_id = $2 AND e.status <> 'draft'
         GROUP BY g.group_id"
    );
    let rows: Vec<(Option<String>, i64, i64)> = grouped(state, sql, kind, Some(event_id)).await?;
    for (group, submitted, approved) in rows {
        let figures = by_group.entry(group).or_default();
        figures.entries_submitted = submitted;
        figures.entries_approved = approved;
    }
    Ok(())
}

/// Mean and median of the counted scores per group and, under [`TOTAL`], over everyone. The
/// median is the mean of the middle one or two scores, picked by position in SQL.
async fn score_statistics(
    state: &AppState,
    kind: &str,
    event_id: &str,
    by_group: &mut ByGroup,
) -> AppResult<Figures> {
    let sql = format!(
        "WITH RECURSIVE {GROUPS}, {counted},
         scored (k, percent) AS (
             SELECT g.group_id, CAST(c.score_milli AS DOUBLE PRECISION) * 100 / c.max_score_milli
             FROM counted c JOIN users u ON u.id = c.user_id LEFT JOIN grp g ON g.unit_id = u.org_unit_id
             WHERE c.max_score_milli > 0),
         keyed (k, percent) AS (SELECT k, percent FROM scored UNION ALL SELECT '{TOTAL}', percent FROM scored),
         ordered AS (
             SELECT k, percent, ROW_NUMBER() OVER (PARTITION BY k ORDER BY percent) AS position,
                    COUNT(*) OVER (PARTITION BY k) AS n
             FROM keyed)
         SELECT k, AVG(percent), AVG(CASE WHEN position IN ((n + 1) / 2, (n + 2) / 2) THEN percent END)
         FROM ordered GROUP BY k",
        counted = counted_ctes(Counted::Event, "$2"),
    );
    let rows: Vec<(Option<String>, f64, f64)> = grouped(state, sql, kind, Some(event_id)).await?;
    let mut total = Figures::default();
    for (key, mean, median) in rows {
        let figures = if key.as_deref() == Some(TOTAL) {
            &mut total
        } else {
            by_group.entry(key).or_default()
        };
        figures.mean_score = Some(round2(mean));
        figures.median_score = Some(round2(median));
    }
    Ok(total)
}

fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

/// The participation table of `event` by units of `kind`, with the total as its last row.
pub async fn participation(state: &AppState, event: &Event, org_kind: OrgKind) -> AppResult<Table> {
    let kind = org_kind.as_str();
    let mut by_group = ByGroup::new();
    count_registered(state, kind, &mut by_group).await?;
    count_activity(state, kind, &event.id, &mut by_group).await?;
    count_entries(state, kind, &event.id, &mut by_group).await?;
    let mut total = score_statistics(state, kind, &event.id, &mut by_group).await?;
    for figures in by_group.values() {
        total.add_counts(figures);
    }

    let units = Units::load(&state.db.pool).await?;
    let mut table = Table::new(vec![
        "row",
        "org_unit_id",
        "code",
        "org_unit",
        "path",
        "registered",
        "participants",
        "completed",
        "attempts_finished",
        "participation_share",
        "completion_share",
        "mean_score",
        "median_score",
        "entries_submitted",
        "entries_approved",
    ]);
    // `row` tells units from the outside row and the total, which have no unit id.
    let mut push = |row: &str, id: Value, code: String, name: String, path: String, f: &Figures| {
        let share = |part: i64| {
            if f.registered == 0 {
                Value::Null
            } else {
                json!(round4(part as f64 / f.registered as f64))
            }
        };
        table.push(vec![
            json!(row),
            id,
            json!(code),
            json!(name),
            json!(path),
            json!(f.registered),
            json!(f.participants),
            json!(f.completed),
            json!(f.attempts_finished),
            share(f.participants),
            share(f.completed),
            json!(f.mean_score),
            json!(f.median_score),
            json!(f.entries_submitted),
            json!(f.entries_approved),
        ]);
    };
    for unit in units.of_kind(org_kind) {
        let figures = by_group.remove(&Some(unit.clone())).unwrap_or_default();
        push(
            "unit",
            json!(unit),
            units.code(&unit),
            units.name(&unit),
            units.path(Some(&unit)),
            &figures,
        );
    }
    if let Some(outside) = by_group.remove(&None).filter(|f| !f.is_empty()) {
        push(
            "outside",
            Value::Null,
            String::new(),
            format!("(ngoài mọi đơn vị cấp {kind} / outside any {kind})"),
            String::new(),
            &outside,
        );
    }
    push(
        "total",
        Value::Null,
        String::new(),
        "Tổng cộng / Total".to_owned(),
        String::new(),
        &total,
    );
    Ok(table)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ParticipationQuery {
    /// The unit level: `ward`, `school` or `class` (any kind of the org tree).
    pub group_by: Option<String>,
    /// `json` (default) or `csv`.
    pub format: Option<String>,
}

pub async fn organizer_event(state: &AppState, event_id: &str) -> AppResult<Event> {
    events::find(&state.db.pool, event_id)
        .await?
        .ok_or_else(AppError::not_found)
}

/// Participation in an event per org unit of `group_by`, with a total row; units without
/// participants are listed too.
#[utoipa::path(get, path = "/reports/events/{id}/participation", tag = "reports", security(("bearer" = [])),
    params(("id" = String, Path), ParticipationQuery),
    responses((status = 200, description = "JSON `{event_id, group_by, score_scale, total, items}` or CSV"),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn event_participation(
    State(state): State<AppState>,
    Organizer(_caller): Organizer,
    AppPath(event_id): AppPath<String>,
    AppQuery(query): AppQuery<ParticipationQuery>,
) -> AppResult<Response> {
    let format = FormatQuery {
        format: query.format.clone(),
    }
    .format()?;
    let kind = OrgKind::parse(query.group_by.as_deref().unwrap_or("ward"))
        .map_err(|reason| FieldErrors::single("group_by", reason))?;
    let event = organizer_event(&state, &event_id).await?;
    let table = participation(&state, &event, kind).await?;
    let mut extra = Map::new();
    extra.insert("event_id".into(), json!(event.id));
    extra.insert("group_by".into(), json!(kind.as_str()));
    extra.insert("score_scale".into(), json!("percent"));
    table.respond(
        format,
        &format!("tham-gia-{}-{}", kind.as_str(), event.id),
        extra,
    )
}
