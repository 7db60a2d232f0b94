//! `/admin/users`: accounts found by name, role, unit and status (a GET form, so a search is
//! a link), through the API's `admin::search_users`, paged, each linking to its account page.

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::{Choice, role_choices, status_label};
use crate::app::AppState;
use crate::auth::Admin;
use crate::auth::accounts::AccountStatus;
use crate::auth::admin::{self as api, AccountListItem, UserSearchQuery};
use crate::auth::pages::{UnitChoice, unit_choices};
use crate::error::AppError;
use crate::http::{AppJson, AppQuery};
use crate::orgs::store as org_store;
use crate::orgs::units::Units;
use crate::web::Member;
use crate::web::page::{Chrome, OrPage, PageError, error_message, render};

/// Accounts per page.
const PAGE: i64 = 50;

pub struct Line {
    pub id: String,
    pub display_name: String,
    pub username: String,
    pub role: String,
    pub unit: String,
    pub status: String,
    pub status_key: &'static str,
    pub last_sign_in_at: Option<i64>,
}

#[derive(Template)]
#[template(path = "admin/users.html")]
struct SearchPage {
    c: Chrome,
    q: String,
    roles: Vec<Choice>,
    units: Vec<UnitChoice>,
    statuses: Vec<Choice>,
    lines: Vec<Line>,
    total: i64,
    /// The 1-based numbers of the first and last account shown.
    first: i64,
    last: i64,
    previous: Option<String>,
    next: Option<String>,
    /// Whether any filter was given (an empty result then says "nothing matches").
    searched: bool,
    alert: Option<String>,
}

/// The unit and the one above it (`Trường … / Lớp 6A1`): enough to tell classes apart in a
/// table, where the whole path from the district would not fit.
fn nearest_two(path: &str) -> String {
    let parts: Vec<&str> = path.split(" / ").collect();
    parts[parts.len().saturating_sub(2)..].join(" / ")
}

/// The page's link with the same filters at `offset`.
fn link(query: &UserSearchQuery, offset: i64) -> String {
    let mut pairs: Vec<(&str, String)> = Vec::new();
    for (name, value) in [
        ("q", &query.q),
        ("role", &query.role),
        ("org_unit_id", &query.org_unit_id),
        ("status", &query.status),
    ] {
        if let Some(value) = value.as_deref().filter(|v| !v.trim().is_empty()) {
            pairs.push((name, value.to_owned()));
        }
    }
    if offset > 0 {
        pairs.push(("offset", offset.to_string()));
    }
    let encoded = serde_urlencoded::to_string(&pairs).unwrap_or_default();
    if encoded.is_empty() {
        "/admin/users".to_owned()
    } else {
        format!("/admin/users?{encoded}")
    }
}

pub async fn page(
    State(state): State<AppState>,
    member: Member,
    admin: Result<Admin, AppError>,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let visitor = &member.visitor;
    let admin = admin.page(visitor)?;
    let locale = visitor.locale;
    // The page's own fields; anything else in the query (`lang=`) is not the search's.
    let mut query: UserSearchQuery =
        serde_urlencoded::from_str::<Vec<(String, String)>>(raw.as_deref().unwrap_or(""))
            .unwrap_or_default()
            .into_iter()
            .fold(UserSearchQuery::default(), |mut query, (name, value)| {
                match name.as_str() {
                    "q" => query.q = Some(value),
                    "role" => query.role = Some(value),
                    "org_unit_id" => query.org_unit_id = Some(value),
                    "status" => query.status = Some(value),
                    "offset" => query.offset = value.trim().parse().ok(),
                    _ => {}
                }
                query
            });
    query.limit = Some(i128::from(PAGE));
    let offset = query.offset.map_or(0, |o| i64::try_from(o).unwrap_or(0));
    let asked = UserSearchQuery {
        q: query.q.clone(),
        role: query.role.clone(),
        org_unit_id: query.org_unit_id.clone(),
        status: query.status.clone(),
        limit: query.limit,
        offset: query.offset,
    };
    let found = api::search_users(State(state.clone()), admin, AppQuery(asked)).await;
    let (items, total, status, alert) = match found {
        Ok(AppJson(list)) => (list.items, list.total, StatusCode::OK, None),
        Err(error) if super::not_for_the_form(&error) => return Err(visitor.fail(error)),
        Err(error) => (
            Vec::new(),
            0,
            error.status(),
            Some(error_message(locale, &error)),
        ),
    };
    let tree = org_store::list(&state.db.pool).await.page(visitor)?;
    let units = Units::load(&state.db.pool).await.page(visitor)?;
    let lines = items
        .into_iter()
        .map(|item: AccountListItem| Line {
            unit: nearest_two(&units.path(item.user.org_unit_id.as_deref())),
            role: locale.text(&format!("role-{}", item.user.role.as_str())),
            status: status_label(locale, item.status),
            status_key: item.status.as_str(),
            last_sign_in_at: item.last_sign_in_at.map(|at| at.0),
            id: item.user.id,
            display_name: item.user.display_name,
            username: item.user.username,
        })
        .collect::<Vec<_>>();
    let shown = lines.len() as i64;
    let value = |v: &Option<String>| v.clone().unwrap_or_default();
    let page = SearchPage {
        c: Chrome::new(visitor, "admin-users-title"),
        q: value(&query.q),
        roles: role_choices(locale, &value(&query.role)),
        units: unit_choices(tree, &value(&query.org_unit_id)),
        statuses: AccountStatus::ALL
            .into_iter()
            .map(|status| Choice {
                value: status.as_str().to_owned(),
                label: status_label(locale, status),
                selected: Some(status.as_str()) == query.status.as_deref(),
            })
            .collect(),
        first: if shown > 0 { offset + 1 } else { 0 },
        last: offset + shown,
        previous: (offset > 0).then(|| link(&query, (offset - PAGE).max(0))),
        next: (offset + shown < total).then(|| link(&query, offset + PAGE)),
        searched: [&query.q, &query.role, &query.org_unit_id, &query.status]
            .iter()
            .any(|v| v.as_deref().is_some_and(|v| !v.trim().is_empty())),
        lines,
        total,
        alert,
    };
    Ok(render(status, &page))
}
