//! The vote log: every vote cast and withdrawn, in order, for organizers to read for bursts
//! (a hundred accounts made and voting from one place in a minute). The vote table keeps only
//! the votes that count now; this keeps how they came.

use std::net::IpAddr;

use axum::extract::State;
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::contest;
use super::entry_store::EntryRow;
use crate::app::AppState;
use crate::auth::Organizer;
use crate::auth::keyed;
use crate::clock::Timestamp;
use crate::db::new_id;
use crate::error::{AppResult, ErrorBody};
use crate::http::{AppPath, AppQuery};
use crate::reports::table::{FormatQuery, Table};

/// Logs one vote that really changed, in the transaction that changed it. The address is kept
/// only as a keyed group of its limit key (an IPv4 address or an IPv6 /64).
pub async fn record<'e, E>(
    executor: E,
    state: &AppState,
    user_id: &str,
    ip: IpAddr,
    entry: &EntryRow,
    action: &str,
    now_ms: i64,
) -> AppResult<()>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let address = crate::http::client::limit_key(ip);
    sqlx::query(
        "INSERT INTO vote_events (id, contest_id, entry_id, user_id, action, address_group, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(new_id())
    .bind(&entry.contest_id)
    .bind(&entry.id)
    .bind(user_id)
    .bind(action)
    .bind(keyed::group(
        &state.config.jwt_secret,
        "vote address",
        &address,
    ))
    .bind(now_ms)
    .execute(executor)
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct LoggedVote {
    at: i64,
    action: String,
    entry_id: String,
    entry_title: String,
    voter_id: String,
    voter_username: String,
    voter_display_name: String,
    voter_org_unit: Option<String>,
    voter_created_at: i64,
    address_group: String,
}

/// The contest's vote log, oldest first, as JSON or CSV: when, cast or withdrawn, which entry,
/// who (and when her account was made), and the address group it came from.
#[utoipa::path(get, path = "/contests/{id}/votes/log", tag = "voting", security(("bearer" = [])),
    params(("id" = String, Path), FormatQuery),
    responses((status = 200, description = "JSON `{contest_id, total, items}` or CSV"),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn vote_log(
    State(state): State<AppState>,
    Organizer(_caller): Organizer,
    AppPath(contest_id): AppPath<String>,
    AppQuery(query): AppQuery<FormatQuery>,
) -> AppResult<Response> {
    let format = query.format()?;
    let contest = contest::require(&state.db.pool, &contest_id).await?;
    let rows: Vec<LoggedVote> = sqlx::query_as(
        "SELECT v.at, v.action, v.entry_id, e.title AS entry_title, v.user_id AS voter_id,
                u.username AS voter_username, u.display_name AS voter_display_name,
                o.name AS voter_org_unit, u.created_at AS voter_created_at, v.address_group
         FROM vote_events v
         JOIN entries e ON e.id = v.entry_id
         JOIN users u ON u.id = v.user_id
         LEFT JOIN org_units o ON o.id = u.org_unit_id
         WHERE v.contest_id = $1
         ORDER BY v.at, v.id",
    )
    .bind(&contest.id)
    .fetch_all(&state.db.pool)
    .await?;
    let mut table = Table::new(vec![
        "at",
        "action",
        "entry_id",
        "entry_title",
        "voter_id",
        "voter_username",
        "voter_display_name",
        "voter_org_unit",
        "voter_created_at",
        "address_group",
    ]);
    for row in rows {
        table.push(vec![
            json!(Timestamp(row.at).to_rfc3339()),
            json!(row.action),
            json!(row.entry_id),
            json!(row.entry_title),
            json!(row.voter_id),
            json!(row.voter_username),
            json!(row.voter_display_name),
            row.voter_org_unit.map_or(Value::Null, Value::from),
            json!(Timestamp(row.voter_created_at).to_rfc3339()),
            json!(row.address_group),
        ]);
    }
    let mut extra = Map::new();
    extra.insert("contest_id".into(), json!(contest.id));
    table.respond(format, &format!("phieu-binh-chon-{}", contest.id), extra)
}
