//! `/admin/users/{id}`: one account, its facts and three forms: its display name, role and
//! unit (`change`), disable or enable (`change_status`), both through the API's
//! `admin::change_user`, and a new one-time password (`reset_password`, the API's
//! `admin::reset_password`), answered with its printable slip. Whatever the API refuses
//! (an admin demoting or disabling herself, a name too long) is shown beside its field.

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::sheet::{self, Sheet};
use super::{Choice, Refusal, not_for_the_form, role_choices, status_label};
use crate::app::AppState;
use crate::auth::Admin;
use crate::auth::accounts::{self, UserRow};
use crate::auth::admin::{self as api, UserChangeRequest};
use crate::auth::pages::{UnitChoice, unit_choices};
use crate::auth::sessions;
use crate::error::AppError;
use crate::http::{AppJson, AppPath};
use crate::orgs::store as org_store;
use crate::orgs::units::Units;
use crate::web::locale::Arg;
use crate::web::page::{Chrome, OrPage, PageError, redirect, render, with_retry_after};
use crate::web::{CsrfForm, Member};

#[derive(Template)]
#[template(path = "admin/account.html")]
struct AccountPage {
    c: Chrome,
    user: UserRow,
    /// Her own account: she may not disable or demote it, nor reset its password here.
    own: bool,
    role: String,
    status: String,
    status_key: &'static str,
    unit: String,
    last_sign_in_at: Option<i64>,
    /// When a one-time password not yet replaced stops working, in words.
    password_expires: Option<String>,
    /// The form's values: as stored, or as typed before a refusal.
    display_name: String,
    roles: Vec<Choice>,
    units: Vec<UnitChoice>,
    /// Whether the unit picker offers "no unit" (the API cannot take a unit away).
    unit_optional: bool,
    refusal: Refusal,
    notice: Option<String>,
}

async fn account_page(
    state: &AppState,
    member: &Member,
    user_id: &str,
) -> Result<AccountPage, PageError> {
    let visitor = &member.visitor;
    let locale = visitor.locale;
    let user = accounts::find_by_id(&state.db.pool, user_id)
        .await
        .page(visitor)?
        .ok_or_else(|| visitor.fail(AppError::not_found()))?;
    let units = Units::load(&state.db.pool).await.page(visitor)?;
    let tree = org_store::list(&state.db.pool).await.page(visitor)?;
    let signed_in = sessions::last_sign_ins(&state.db.pool, std::slice::from_ref(&user.id))
        .await
        .page(visitor)?;
    let status = user.status();
    Ok(AccountPage {
        c: Chrome::titled(visitor, user.display_name.clone()),
        own: user.id == member.session.user.id,
        role: locale.text(&format!("role-{}", user.role.as_str())),
        status: status_label(locale, status),
        status_key: status.as_str(),
        unit: units.path(user.org_unit_id.as_deref()),
        last_sign_in_at: signed_in.get(&user.id).copied(),
        password_expires: user
            .password_expires_at
            .filter(|_| user.must_change_password)
            .map(|at| {
                let time = format!(
                    "{} ({})",
                    crate::web::time::date_time(at),
                    crate::web::time::ZONE_LABEL
                );
                locale.text_with("admin-password-expires", &[("time", time.to_arg())])
            }),
        display_name: user.display_name.clone(),
        roles: role_choices(locale, user.role.as_str()),
        units: unit_choices(tree, user.org_unit_id.as_deref().unwrap_or("")),
        unit_optional: user.org_unit_id.is_none(),
        refusal: Refusal::default(),
        notice: None,
        user,
    })
}

fn notice_of(query: Option<&str>) -> Option<&'static str> {
    query?.split('&').find_map(|pair| match pair {
        "saved=1" => Some("admin-account-saved"),
        "status=disabled" => Some("admin-account-disabled"),
        "status=enabled" => Some("admin-account-enabled"),
        _ => None,
    })
}

pub async fn page(
    State(state): State<AppState>,
    member: Member,
    admin: Result<Admin, AppError>,
    Path(user_id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    admin.page(&member.visitor)?;
    let mut page = account_page(&state, &member, &user_id).await?;
    page.notice = notice_of(query.as_deref()).map(|key| member.visitor.locale.text(key));
    Ok(render(StatusCode::OK, &page))
}

/// The API's refusal on the account's page: its summary, and its message beside the field it
/// names (`self_lockout` beside the role, or beside the status button).
async fn refused(
    state: &AppState,
    member: &Member,
    user_id: &str,
    error: AppError,
    lockout_field: &str,
    typed: Option<&CsrfForm>,
) -> Result<Response, PageError> {
    let visitor = &member.visitor;
    if not_for_the_form(&error) {
        return Err(visitor.fail(error));
    }
    let locale = visitor.locale;
    let mut page = account_page(state, member, user_id).await?;
    page.refusal = if error.code() == crate::error::ErrorCode::SelfLockout {
        Refusal::field(
            locale,
            "admin",
            lockout_field,
            locale.text(&format!("admin-lockout-{lockout_field}")),
        )
    } else {
        Refusal::in_form(locale, &error, "admin")
    };
    if let Some(form) = typed {
        page.display_name = form.text("display_name");
        page.roles = role_choices(locale, form.get("role").unwrap_or(""));
        let tree = org_store::list(&state.db.pool).await.page(visitor)?;
        page.units = unit_choices(tree, form.get("org_unit_id").unwrap_or(""));
    }
    Ok(with_retry_after(render(error.status(), &page), &error))
}

/// Saves the display name, role and unit: only what differs from the account as stored goes
/// to the API, so an unchanged name does not mark her boards for a rebuild.
pub async fn change(
    State(state): State<AppState>,
    member: Member,
    Path(user_id): Path<String>,
    form: CsrfForm,
) -> Result<Response, PageError> {
    let visitor = &member.visitor;
    let admin = member.admin()?;
    let user = accounts::find_by_id(&state.db.pool, &user_id)
        .await
        .page(visitor)?
        .ok_or_else(|| visitor.fail(AppError::not_found()))?;
    let differs = |field: &str, stored: &str| {
        form.get(field)
            .filter(|sent| sent.trim() != stored && !sent.trim().is_empty())
            .map(str::to_owned)
    };
    let display_name = match form.get("display_name") {
        // An emptied name is sent, for the API to refuse.
        Some(sent) if sent.trim().is_empty() => Some(sent.to_owned()),
        _ => differs("display_name", &user.display_name),
    };
    let change = UserChangeRequest {
        role: differs("role", user.role.as_str()),
        disabled: None,
        org_unit_id: differs("org_unit_id", user.org_unit_id.as_deref().unwrap_or("")),
        display_name,
    };
    let outcome = api::change_user(
        State(state.clone()),
        admin,
        AppPath(user_id.clone()),
        AppJson(change),
    )
    .await;
    match outcome {
        Ok(_) => Ok(redirect(&format!("/admin/users/{user_id}?saved=1"))),
        Err(error) => refused(&state, &member, &user_id, error, "role", Some(&form)).await,
    }
}

/// Disables (`disabled=1`) or enables (`disabled=0`) the account.
pub async fn change_status(
    State(state): State<AppState>,
    member: Member,
    Path(user_id): Path<String>,
    form: CsrfForm,
) -> Result<Response, PageError> {
    let visitor = &member.visitor;
    let admin = member.admin()?;
    let disabled = match form.get("disabled") {
        Some("1") => true,
        Some("0") => false,
        _ => {
            return Err(visitor.fail(AppError::bad_request(
                "choose to disable or to enable the account",
            )));
        }
    };
    let outcome = api::change_user(
        State(state.clone()),
        admin,
        AppPath(user_id.clone()),
        AppJson(UserChangeRequest {
            role: None,
            disabled: Some(disabled),
            org_unit_id: None,
            display_name: None,
        }),
    )
    .await;
    match outcome {
        Ok(_) => Ok(redirect(&format!(
            "/admin/users/{user_id}?status={}",
            if disabled { "disabled" } else { "enabled" }
        ))),
        Err(error) => refused(&state, &member, &user_id, error, "status", None).await,
    }
}

/// A new one-time password, answered with its slip as the POST's own response (see `sheet`).
pub async fn reset_password(
    State(state): State<AppState>,
    member: Member,
    Path(user_id): Path<String>,
    headers: HeaderMap,
    _form: CsrfForm,
) -> Result<Response, PageError> {
    let visitor = &member.visitor;
    let admin = member.admin()?;
    let outcome = api::reset_password(State(state.clone()), admin, AppPath(user_id.clone())).await;
    match outcome {
        Ok((_, AppJson(issued))) => {
            let locale = visitor.locale;
            let units = Units::load(&state.db.pool).await.page(visitor)?;
            Ok(sheet::answer(
                state.config.public_url.as_deref(),
                visitor,
                &headers,
                &units,
                Sheet {
                    heading: locale.text_with(
                        "admin-reset-title",
                        &[("name", issued.user.display_name.to_arg())],
                    ),
                    intro: locale.text("admin-reset-intro"),
                    back_href: format!("/admin/users/{user_id}"),
                    back_label: locale.text("admin-reset-back"),
                    reload_href: format!("/admin/users/{user_id}"),
                    users: std::slice::from_ref(&issued),
                },
            ))
        }
        Err(error) => refused(&state, &member, &user_id, error, "password", None).await,
    }
}
